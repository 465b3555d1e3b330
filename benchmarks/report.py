"""Time and peak memory of ``mle-inspect report`` over a full-size result set.

    python benchmarks/report.py [--competitions 75] [--seeds 3] [--transcript-mb 2] [--keep DIR]

Synthesises one log per seed for the 75 benchmark competitions, each sample carrying a
realistic transcript (about 2 MB of tool events with distinct, poorly compressible output, a
few ``validate_submission`` calls, and messages), from a template produced by one real demo
eval. Then runs ``mle-inspect report`` on the folder in a fresh process and prints its wall
time and peak RSS. Targets: under 10 s and under 1 GB for 75 x 3.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEMO_ID = "demo-wine-cultivars"
CHUNK = 16 * 1024


def _template(work: Path) -> Path:
    from inspect_ai import eval as inspect_eval

    from mle_inspect.competitions import get_competition
    from mle_inspect.data import competition_paths, prepare_competition
    from mle_inspect.solvers import dummy
    from mle_inspect.tasks import mle_bench

    data_dir = work / "data"
    prepare_competition(get_competition(DEMO_ID), competition_paths(DEMO_ID, data_dir))
    [log] = inspect_eval(
        mle_bench(competitions=DEMO_ID, data_dir=str(data_dir), solver=dummy()),
        model="none/none",
        log_dir=str(work / "template"),
        display="none",
    )
    return Path(log.location)


def _noise(size: int, rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(size * 3 // 4)).decode("ascii")


def _transcript(rng: random.Random, megabytes: float) -> tuple[list, list]:
    from inspect_ai.event import ToolEvent
    from inspect_ai.model import ChatMessageAssistant, ChatMessageTool
    from inspect_ai.tool import ToolCall

    events: list = []
    messages: list = []
    steps = max(1, int(megabytes * 1024 * 1024 / CHUNK))
    for n in range(steps):
        validate = n % 25 == 0
        function = "validate_submission" if validate else "bash"
        result = "VALID: submission.csv: valid submission" if validate else _noise(CHUNK, rng)
        arguments = {} if validate else {"cmd": f"python train.py --fold {n}"}
        call = ToolCall(id=f"c{n}", function=function, arguments=arguments)
        messages += [
            ChatMessageAssistant(content=f"step {n}", tool_calls=[call]),
            ChatMessageTool(content=result[:200], tool_call_id=f"c{n}", function=function),
        ]
        events.append(ToolEvent(id=f"c{n}", function=function, arguments=arguments, result=result))
    return events, messages


def synthesise(folder: Path, competitions: int, seeds: int, megabytes: float) -> None:
    from inspect_ai.log import read_eval_log, write_eval_log
    from inspect_ai.scorer import Score

    from mle_inspect.competitions import get_competition, split_ids
    from mle_inspect.scorers.scorer import SCORE_KEYS

    template = read_eval_log(str(_template(folder / "work")))
    base = (template.samples or [])[0]
    ids = split_ids("all")[:competitions]
    rng = random.Random(0)
    for seed in range(1, seeds + 1):
        samples = []
        for cid in ids:
            events, messages = _transcript(rng, megabytes)
            value = {key: 0.0 for key in SCORE_KEYS}
            medal = rng.choice(["gold", "silver", "bronze", None, None, None])
            value.update(valid_submission=1.0, percentile=rng.uniform(0, 100), normalized_score=0.3)
            if medal:
                value[medal] = value["any_medal"] = value["above_median"] = 1.0
            metadata = {"competition_id": cid, "score": 0.5, "submission_exists": True}
            samples.append(
                base.model_copy(
                    update={
                        "id": cid,
                        "epoch": 1,
                        "metadata": {
                            **base.metadata,
                            "competition_id": cid,
                            "complexity": get_competition(cid).complexity,
                        },
                        "scores": {"mle_scorer": Score(value=value, metadata=metadata)},
                        "events": events,
                        "messages": messages,
                    }
                )
            )
        log = template.model_copy(deep=False)
        log.samples = samples
        log.eval = template.eval.model_copy(deep=True)
        log.eval.task_id = f"benchmark-seed-{seed}"  # separate runs, not retries of one
        log.eval.dataset.sample_ids = list(ids)
        log.eval.dataset.samples = len(ids)
        log.results = None
        log.reductions = None
        write_eval_log(log, str(folder / "logs" / f"seed-{seed}.eval"))
        print(
            f"  wrote seed {seed}: {(folder / 'logs' / f'seed-{seed}.eval').stat().st_size / 1e6:.0f} MB",
            flush=True,
        )


def measure(logs: Path) -> tuple[float, float, str]:
    """Wall seconds (imports included) and peak RSS (MB) of ``mle-inspect report``, run in a
    fresh process that reports its own peak."""
    probe = (
        "import resource, sys; from mle_inspect.cli import main; "
        f"code = main(['report', '--format', 'text', {str(logs)!r}]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); "
        "sys.exit(code)"
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - started
    peak_kb = int(result.stderr.strip().splitlines()[-1])  # the report process alone
    return seconds, peak_kb / 1024, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--competitions", type=int, default=75)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--transcript-mb", type=float, default=2.0)
    parser.add_argument("--keep", type=Path, default=None, help="reuse/keep logs in this folder")
    args = parser.parse_args()
    os.environ.setdefault("INSPECT_LOG_LEVEL", "warning")
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        if not list((folder / "logs").glob("*.eval")):
            print(f"synthesising {args.competitions} x {args.seeds} samples ...", flush=True)
            started = time.perf_counter()
            synthesise(folder, args.competitions, args.seeds, args.transcript_mb)
            print(f"  done in {time.perf_counter() - started:.0f}s", flush=True)
        seconds, peak_mb, out = measure(folder / "logs")
    size = sum(p.stat().st_size for p in (folder / "logs").glob("*.eval")) if args.keep else 0
    print("\n".join(out.splitlines()[:3]))
    print(
        f"\nmle-inspect report: {seconds:.2f} s wall, peak RSS {peak_mb:.0f} MB "
        f"({args.competitions} competitions x {args.seeds} seeds, ~{args.transcript_mb:g} MB "
        "transcript per sample" + (f", {size / 1e6:.0f} MB of logs" if size else "") + ")"
    )


if __name__ == "__main__":
    main()
