"""``mle-inspect report``: medal rates per split from .eval logs, mean ± standard error."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspect_ai.log import EvalSample

COLUMNS = ("valid_submission", "above_median", "any_medal", "gold", "percentile")


def _log_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("*.eval")))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"no log file or directory at {path}")
    if not files:
        raise FileNotFoundError(f"no .eval logs under {', '.join(map(str, paths))}")
    return files


def _mean_sem(values: list[float]) -> str:
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return "n/a"
    mean = sum(finite) / len(finite)
    if len(finite) < 2:
        return f"{mean:.3f}"
    var = sum((v - mean) ** 2 for v in finite) / (len(finite) - 1)
    return f"{mean:.3f} ± {math.sqrt(var / len(finite)):.3f}"


def _medal(value: dict[str, float]) -> str:
    return next((m for m in ("gold", "silver", "bronze") if value.get(m) == 1.0), "-")


def _scored(samples: list[EvalSample]) -> list[tuple[EvalSample, dict[str, Any], dict[str, Any]]]:
    """(sample, Score.value, Score.metadata) for each sample that has an ``mle_scorer`` score."""
    scored = []
    for sample in samples:
        score = (sample.scores or {}).get("mle_scorer")
        if score is not None and isinstance(score.value, dict):
            scored.append((sample, score.value, score.metadata or {}))
    return scored


def _sample_rows(
    scored: list[tuple[EvalSample, dict[str, Any], dict[str, Any]]],
) -> list[tuple[object, ...]]:
    rows = []
    for sample, value, meta in scored:
        raw = meta.get("score")
        percentile = value.get("percentile", math.nan)
        rows.append(
            (
                sample.id,
                "-" if raw is None else f"{raw:g}",
                "yes" if value.get("valid_submission") == 1.0 else "no",
                _medal(value),
                "n/a" if math.isnan(percentile) else f"{percentile:.1f}",
                (meta.get("message") or "")[:60] if raw is None else "",
            )
        )
    return rows


def summarize_logs(paths: list[Path], latest: bool = False, samples: bool = False) -> str:
    """One table per log: for each split (and all), n and mean ± SEM of the medal keys.

    Args:
        paths: .eval files or directories searched recursively.
        latest: Only the most recently modified log.
        samples: Also list each competition's score, medal and percentile.
    """
    from inspect_ai.log import read_eval_log

    from .cli import _table

    files = _log_files(paths)
    if latest:
        files = [max(files, key=lambda f: f.stat().st_mtime)]
    out = []
    for file in files:
        log = read_eval_log(str(file))
        groups: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        scored = _scored(log.samples or [])
        if samples:
            out.append(
                _table(
                    _sample_rows(scored),
                    ("competition", "score", "valid", "medal", "percentile", "note"),
                )
            )
        for sample, value, _ in scored:
            split = str((sample.metadata or {}).get("complexity", "?"))
            for key in COLUMNS:
                number = float(value.get(key, math.nan))
                groups[split][key].append(number)
                groups["all"][key].append(number)
        rows = [
            (split, len(values["any_medal"]), *(_mean_sem(values[k]) for k in COLUMNS))
            for split, values in sorted(groups.items(), key=lambda kv: kv[0] == "all")
        ]
        out.append(_table(rows, ("split", "n", *COLUMNS)) if rows else "(no scored samples)")
        out.append(f"log: {file}\n(task {log.eval.task}, model {log.eval.model}, status {log.status})")
    return "\n\n".join(out)
