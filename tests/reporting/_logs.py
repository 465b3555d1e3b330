"""Logs for report tests: one real demo run (dummy solver, 3 epochs) and synthetic logs
derived from it with inspect_ai.log's own models and writer."""

from __future__ import annotations

import math
import uuid
from pathlib import Path

from inspect_ai.log import EvalError, EvalLog, EvalSample, read_eval_log, write_eval_log
from inspect_ai.scorer import Score

DEMO_ID = "demo-wine-cultivars"


def run_demo(data_dir: Path, log_dir: Path, epochs: int = 3) -> Path:
    from inspect_ai import eval as inspect_eval

    from mle_inspect.solvers import dummy
    from mle_inspect.tasks import mle_bench

    [log] = inspect_eval(
        mle_bench(competitions=DEMO_ID, data_dir=str(data_dir), solver=dummy()),
        model="none/none",
        epochs=epochs,
        log_dir=str(log_dir),
        display="none",
    )
    assert log.status == "success", log.error
    return Path(log.location)


def outcome(
    medal: str | None = None, valid: bool = True, percentile: float = 50.0, above: bool = False
) -> dict[str, float]:
    """A Score.value with the scorer's keys."""
    from mle_inspect.scorers.scorer import SCORE_KEYS

    value = {key: 0.0 for key in SCORE_KEYS}
    value.update(valid_submission=float(valid), percentile=percentile if valid else math.nan)
    value["normalized_score"] = 0.5 if valid else 0.0
    if medal:
        value[medal] = value["any_medal"] = 1.0
        above = True
    value["above_median"] = float(above)
    return value


def synthetic_log(
    template: Path,
    target: Path,
    samples: dict[tuple[str, int], dict[str, float] | str],
    dataset_ids: list[str],
    epochs: int,
    complexity: dict[str, str],
    metadata: dict[str, object] | None = None,
    model: str | None = None,
    task_id: str | None = None,
) -> Path:
    """A copy of ``template`` holding the given samples: (id, epoch) -> Score.value, or an
    error message for a sample that ended in error. Ids in ``dataset_ids`` without a sample
    are missing from the log."""
    log: EvalLog = read_eval_log(str(template))
    base: EvalSample = (log.samples or [])[0]
    out = []
    for (cid, epoch), value in samples.items():
        update: dict[str, object] = {
            "id": cid,
            "epoch": epoch,
            "metadata": {**base.metadata, "competition_id": cid, "complexity": complexity[cid]},
            "events": [],
            "messages": [],
            "attachments": {},
        }
        if isinstance(value, str):
            update.update(
                scores=None, error=EvalError(message=value, traceback="", traceback_ansi="")
            )
        else:
            fields = {
                "competition_id": cid,
                "score": 0.81 if value["valid_submission"] else None,
                "submission_exists": True,
                "is_lower_better": False,
                "gold_threshold": 0.9,
                "silver_threshold": 0.85,
                "bronze_threshold": 0.8,
                "median_threshold": 0.7,
                "submission_path": f"/runs/{cid}/{epoch}/submission.csv",
            }
            update["scores"] = {"mle_scorer": Score(value=value, metadata=fields)}
        out.append(base.model_copy(update=update))
    log.samples = out
    log.eval.task_id = task_id or uuid.uuid4().hex  # by default a run of its own
    log.eval.dataset.sample_ids = list(dataset_ids)
    log.eval.dataset.samples = len(dataset_ids)
    log.eval.config.epochs = epochs
    if metadata is not None:
        log.eval.metadata = {**(log.eval.metadata or {}), **metadata}
    if model is not None:
        log.eval.model = model
    log.results = None
    log.reductions = None
    target.parent.mkdir(parents=True, exist_ok=True)
    write_eval_log(log, str(target))
    return target
