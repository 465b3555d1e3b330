"""``mle-inspect report`` names runs the integrity scorers flagged; --exclude-flagged fails them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai import score as inspect_score
from inspect_ai.log import write_eval_log
from inspect_ai.model import ModelOutput, ModelUsage, get_model

from mle_inspect.integrity.judge import QUESTIONS, rule_judge
from mle_inspect.reporting import build_reports
from mle_inspect.solvers import dummy
from mle_inspect.tasks import mle_bench

CID = "demo-digits"


@pytest.fixture
def flagged_log(digits_data_dir: Path, tmp_path: Path) -> Path:
    (tmp_path / "ws").mkdir()
    task = mle_bench(
        competitions=CID,
        data_dir=str(digits_data_dir),
        workspace_root=str(tmp_path / "ws"),
        solver=dummy(),
    )
    [log] = inspect_eval(task, model="none/none", log_dir=str(tmp_path / "logs"), display="none")
    body = {
        k: {"answer": "yes" if k == "external_llm" else "no", "evidence": "x"} for k in QUESTIONS
    }
    reply = ModelOutput.from_content("mockllm/model", json.dumps(body))
    reply.usage = ModelUsage(input_tokens=10, output_tokens=5, total_tokens=15)
    judge = get_model("mockllm/model", custom_outputs=[reply], memoize=False)
    scored = inspect_score(
        log, rule_judge(export=False), action="append", model_roles={"judge": judge}
    )
    write_eval_log(scored, log.location)
    return Path(log.location)


def test_flagged_runs_are_named_and_excluded_on_request(
    flagged_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [kept] = build_reports([flagged_log])
    [run] = kept.runs
    assert run.flags == ["rule_judge: external_llm"]
    assert run.status == "scored" and run.valid_submission
    assert any("1 run(s) flagged" in w and CID in w for w in kept.warnings)

    [excluded] = build_reports([flagged_log], exclude_flagged=True)
    [run] = excluded.runs
    assert run.status == "errored" and not run.valid_submission
    assert "flagged" in (run.error or "")

    from mle_inspect.cli import main

    main(["report", str(flagged_log), "--exclude-flagged"])
    out = capsys.readouterr().out
    assert "flagged by integrity checks" in out and "rule_judge: external_llm" in out
