"""``bridge_agent`` whose program never calls the model: the run summary becomes the output.

Found by mypy (issue 20): the summary dict was passed as message content, which Inspect's
``ChatMessageAssistant`` rejects, so such a sample crashed instead of being scored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval

from mle_inspect.sandboxes import bwrap
from mle_inspect.solvers.bridge import bridge_agent
from mle_inspect.tasks import mle_bench


def test_a_program_that_makes_no_model_call_ends_with_its_run_summary(
    digits_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(bwrap.BWRAP_ENV, "0")  # the summary path does not depend on isolation
    bwrap.bwrap_available.cache_clear()
    (tmp_path / "ws").mkdir()
    task = mle_bench(
        split="demo",
        competitions="demo-digits",
        data_dir=str(digits_data_dir),
        workspace_root=str(tmp_path / "ws"),
        solver=bridge_agent(command="echo no model needed; exit 3", timeout=60),
    )
    try:
        [log] = inspect_eval(
            task, model="mockllm/model", log_dir=str(tmp_path / "logs"), display="none"
        )
    finally:
        bwrap.bwrap_available.cache_clear()
    assert log.status == "success", log.error
    [sample] = log.samples or []
    assert sample.error is None, sample.error
    [score] = (sample.scores or {}).values()
    assert "agent_crash" not in (score.metadata or {}), score.metadata
    summary = json.loads(sample.output.completion)
    assert summary["returncode"] == 3
    assert "no model needed" in summary["stdout (tail)"]
