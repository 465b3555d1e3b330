"""What the operator prompts carry: data preview, environment, memory within its budget,
the k-fold instruction; and the data preview program's output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mle_inspect.solvers.aide.journal import Journal, Node
from mle_inspect.solvers.aide.overview import PREVIEW_PROGRAM
from mle_inspect.solvers.aide.prompts import (
    TaskContext,
    coder_system,
    debug_prompt,
    draft_prompt,
    improve_prompt,
    memory,
)


def _ctx(**extra: object) -> TaskContext:
    values: dict = {
        "instructions": "do it",
        "description": "desc",
        "data_preview": "- train.csv\n    shape: 10 rows x 3 columns",
        "environment": "Installed packages: numpy 2.0\nCPUs: 4",
        "data_dir": "/data",
        "metric_tag": "VALIDATION_METRIC",
        "metric_name": "auc",
        "lower_is_better": False,
    }
    values.update(extra)
    return TaskContext(**values)


def _journal() -> Journal:
    j = Journal()
    for i, (metric, plan) in enumerate([(0.7, "logistic"), (None, "broken"), (0.9, "forest")]):
        j.add(
            Node(
                id=i,
                stage="draft",
                plan=plan,
                code="print(1)\n",
                metric=metric,
                buggy=metric is None,
                analysis=f"review of {plan}",
            )
        )
    return j


def test_preview_environment_and_memory_reach_the_operator_prompts():
    ctx, j = _ctx(), _journal()
    prompts = {
        "draft": draft_prompt(ctx, j, "budget", 60),
        "improve": improve_prompt(ctx, j, j.get(2), "budget", 60),
        "debug": debug_prompt(ctx, j, j.get(1), "budget", 60),
    }
    system = coder_system(ctx)  # once per sample, shared by every node's call
    assert "# Data preview\n- train.csv" in system
    assert "Installed packages: numpy 2.0" in system
    assert "# Task\ndo it" in system and "# Competition description\ndesc" in system
    for stage, text in prompts.items():
        assert text.startswith(f"Stage: {stage}\n"), stage
        assert "# Data preview" not in text and "desc" not in text, stage
        assert "5-fold cross-validation" in text, stage
    for stage in ("draft", "improve"):
        text = prompts[stage]
        # working nodes only, best first
        assert text.index("node 2 (draft), validation metric 0.9") < text.index("node 0 (draft)")
        assert "plan: forest" in text and "result: review of forest" in text
        assert "broken" not in text.split("# Memory")[1].split("# Your job")[0]
    bare = _ctx(data_preview=None, k_fold_validation=1)
    assert "# Data preview" not in coder_system(bare)
    assert "Hold out part" in draft_prompt(bare, j, "b", 60)


def test_memory_keeps_to_its_budget():
    j = Journal()
    for i in range(50):
        j.add(Node(id=i, stage="draft", plan="p" * 300, metric=i / 100, buggy=False))
    text = memory(_ctx(memory_chars=2000), j)
    assert len(text) < 2000 + 200
    assert "node 49 (draft)" in text and "more working nodes" in text


def test_data_preview_gives_shape_types_ranges_and_missing_counts(tmp_path: Path):
    (tmp_path / "train.csv").write_text(
        "id,age,city,score\n1,30,Oslo,0.5\n2,,Rome,1.5\n3,41,Oslo,\n"
    )
    (tmp_path / "wide.csv").write_text(",".join(f"c{i}" for i in range(100)) + "\n")
    out = subprocess.run(
        [sys.executable, "-c", PREVIEW_PROGRAM, str(tmp_path), "3000"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "shape: 3 rows x 4 columns" in out
    assert "age: int, range [30, 41], 1 missing" in out
    assert "city: text, 2 distinct (e.g. Oslo, Rome)" in out
    assert "score: float, range [0.5, 1.5], 1 missing" in out
    assert "... and 70 more columns" in out
    tiny = subprocess.run(
        [sys.executable, "-c", PREVIEW_PROGRAM, str(tmp_path), "120"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(tiny) <= 121 and "preview cut to its budget" in tiny
