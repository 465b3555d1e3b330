"""``mle-inspect report``: medal rates per split from .eval logs, mean ± standard error."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

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


def summarize_logs(paths: list[Path]) -> str:
    """One table per log: for each split (and all), n and mean ± SEM of the medal keys."""
    from inspect_ai.log import read_eval_log

    from .cli import _table

    out = []
    for file in _log_files(paths):
        log = read_eval_log(str(file))
        groups: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for sample in log.samples or []:
            score = (sample.scores or {}).get("mle_scorer")
            if score is None or not isinstance(score.value, dict):
                continue
            split = str((sample.metadata or {}).get("complexity", "?"))
            for key in COLUMNS:
                value = float(score.value.get(key, math.nan))
                groups[split][key].append(value)
                groups["all"][key].append(value)
        rows = [
            (split, len(values["any_medal"]), *(_mean_sem(values[k]) for k in COLUMNS))
            for split, values in sorted(groups.items(), key=lambda kv: kv[0] == "all")
        ]
        out.append(f"{file}\n  task {log.eval.task}, model {log.eval.model}, status {log.status}")
        out.append(_table(rows, ("split", "n", *COLUMNS)) if rows else "  (no scored samples)")
    return "\n\n".join(out)
