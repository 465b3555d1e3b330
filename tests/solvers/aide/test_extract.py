"""Getting a plan and one parseable script out of coder responses."""

from __future__ import annotations

import pytest

from mle_inspect.solvers.aide.extract import ExtractionError, extract


def test_plan_and_single_block():
    got = extract("Fit a forest.\n\n```python\nimport os\nprint(1)\n```\nDone.")
    assert got.plan == "Fit a forest."
    assert got.code == "import os\nprint(1)\n"


def test_unfenced_code_is_accepted_when_it_parses():
    got = extract("import pandas as pd\nx = 1\nprint(x)\n")
    assert got.plan == ""
    assert "x = 1" in got.code


def test_prose_without_code_is_rejected():
    with pytest.raises(ExtractionError, match="no code found"):
        extract("I would train a gradient boosting model.")


def test_several_blocks_pick_the_longest_parseable_python_block():
    text = (
        "Plan.\n```bash\npip install x\n```\n```python\nprint(1)\n```\n"
        "```python\nimport sys\nfor a in sys.argv:\n    print(a)\n```\n```python\ndef broken(:\n```"
    )
    got = extract(text)
    assert got.code.startswith("import sys")


def test_script_split_over_blocks_is_joined_when_only_the_join_parses():
    text = "Plan.\n```python\ndef f():\n```\nthen\n```python\n    return 1\nprint(f())\n```"
    got = extract(text)
    assert got.code == "def f():\n\n    return 1\nprint(f())\n"


def test_syntax_error_names_the_line():
    with pytest.raises(ExtractionError, match="not valid Python"):
        extract("```python\nx = (1,\n```")


def test_unclosed_fence_still_yields_the_code():
    got = extract("Plan here.\n```python\nprint('truncated response')\n")
    assert got.code == "print('truncated response')\n"
