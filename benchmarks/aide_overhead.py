"""Harness overhead of the aide solver: seconds per node outside model calls and script runs.

    python benchmarks/aide_overhead.py [--nodes 500] [--policies greedy mcts evolutionary]

For each search policy, runs one real eval (local sandbox, demo-tumor-diagnosis) whose coder and reviewer are
instant scripted ``mockllm`` models and whose scripts are trivial (copy the sample submission,
print a metric; every fifth one raises, so debug steps happen too). From the log it takes the
solver's wall time and subtracts the time inside model calls and inside the script-running
sandbox calls; what is left is the harness: prompts, validation on the host, copies, cards,
the store, transcript events. Also prints peak memory (max RSS) of this process (the data is
prepared in a child process, so its reference models do not count). Targets
(issue 16): at most 20 ms of harness time per node at 500 nodes, peak RSS under 400 MB.

Where the peak goes (500 nodes): about 184 MB before the first node (Inspect, plus every
plugin it loads from entry points), about 150 MB at the first submission check (pandas with
pyarrow, scikit-learn with scipy; the scorer needs them too), Inspect's events and realtime
buffer over the nodes, and a spike of about 50 MB while Inspect condenses and writes the
sample. The aide journal itself holds under 1 MB, and the sample's fixed prompt context is
one shared system message (stored once, not per node).

Measured 2026-12-06 (about 10 ms/node for every policy): 361-363 MB in a user install
(``pip install -e .``, no extras); about 408 MB in the dev venv, whose extras add the k8s
sandbox plugin (Inspect loads it, with kubernetes, into every eval: 32 MB) and openai (22 MB).
Run it with the interpreter of the install you want to measure.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TRIVIAL = """\
import os, shutil
shutil.copy(os.path.join(os.environ["MLE_DATA_DIR"], "sample_submission.csv"), "submission.csv")
print("VALIDATION_METRIC={metric}")
"""
BROKEN = "raise RuntimeError('scripted failure')\n"
CID = "demo-tumor-diagnosis"
POLICIES = ("greedy", "mcts", "evolutionary")
_PREPARE = f"""
import sys
from mle_inspect.competitions import get_competition
from mle_inspect.data import competition_paths, prepare_competition
prepare_competition(get_competition({CID!r}), competition_paths({CID!r}, sys.argv[1]))
"""


def _models():
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    usage = ModelUsage(input_tokens=1000, output_tokens=200, total_tokens=1200)
    calls = {"n": 0}

    def coder(messages, tools, tool_choice, config) -> ModelOutput:  # noqa: ANN001
        calls["n"] += 1
        n = calls["n"]
        code = BROKEN if n % 5 == 0 else TRIVIAL.format(metric=0.5 + (n % 97) / 1000)
        out = ModelOutput.from_content("mockllm", f"Plan {n}.\n\n```python\n{code}```")
        out.usage = usage
        return out

    def reviewer(messages, tools, tool_choice, config) -> ModelOutput:  # noqa: ANN001
        out = ModelOutput.for_tool_call(
            "mockllm", "submit_review", {"summary": "ran", "metric": None}, tool_call_id="r"
        )
        out.usage = usage
        return out

    return (
        get_model("mockllm/model", custom_outputs=coder),
        get_model("mockllm/model", custom_outputs=reviewer),
    )


def _seconds(event) -> float:  # noqa: ANN001 - an inspect event
    end = getattr(event, "completed", None)
    return (end - event.timestamp).total_seconds() if end else 0.0


def _run_policy(policy: str, nodes: int, data_dir: Path, log_dir: Path) -> dict[str, float]:
    from inspect_ai import eval as inspect_eval
    from inspect_ai.event import ModelEvent, SandboxEvent, SpanBeginEvent, SpanEndEvent
    from inspect_ai.log import read_eval_log

    from mle_inspect.solvers.aide import aide
    from mle_inspect.tasks import mle_bench

    coder, reviewer = _models()
    task = mle_bench(
        split="demo",
        competitions=CID,
        data_dir=str(data_dir),
        solver=aide(steps=nodes, num_drafts=5, debug_prob=0.5, seed=0, policy=policy),
    )
    started = time.perf_counter()
    [log] = inspect_eval(
        task,
        model=coder,
        model_roles={"reviewer": reviewer},
        log_dir=str(log_dir),
        display="none",
    )
    total = time.perf_counter() - started
    # peak so far, before this script reads the log back (reading is not the harness's cost)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert log.status == "success", log.error
    sample = read_eval_log(log.location).samples[0]  # type: ignore[index]
    events = sample.events
    # the solver's span (the task may wrap it in its agent guard: then the guard's span)
    solver_spans = [e for e in events if isinstance(e, SpanBeginEvent) and e.type == "solver"]
    begin = next(
        (e for e in solver_spans if e.name.endswith("aide")),
        next(e for e in solver_spans if e.name.endswith("agent_guard")),
    )
    end = next(e for e in events if isinstance(e, SpanEndEvent) and e.id == begin.id)
    solver_seconds = (end.timestamp - begin.timestamp).total_seconds()
    model_seconds = sum(_seconds(e) for e in events if isinstance(e, ModelEvent))
    run_seconds = sum(
        _seconds(e)
        for e in events
        if isinstance(e, SandboxEvent) and e.action == "exec" and "solution.py" in (e.cmd or "")
    )
    meta = sample.metadata["aide"]
    made = meta["nodes"]
    harness = solver_seconds - model_seconds - run_seconds
    return {
        "nodes": made,
        "buggy": meta["buggy_nodes"],
        "total": total,
        "solver": solver_seconds,
        "model": model_seconds,
        "runs": run_seconds,
        "ms_per_node": 1000 * harness / made,
        "log_mb": Path(log.location).stat().st_size / 1e6,
        "peak_mb": peak_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--policies", nargs="+", default=list(POLICIES), choices=POLICIES)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        # one policy per process, so each peak RSS is its own; a 2-node warm-up eval first
        # pays the one-time imports, which are not per-node harness time
        root = Path(args.data_dir)
        _run_policy(args.child, 2, root / "data", root / f"warmup-{args.child}")
        f = _run_policy(args.child, args.nodes, root / "data", root / f"logs-{args.child}")
        print(
            f"{args.child}: {f['nodes']:.0f} nodes ({f['buggy']:.0f} buggy); eval {f['total']:.1f}s, "
            f"solver {f['solver']:.1f}s, model calls {f['model']:.1f}s, script runs "
            f"{f['runs']:.1f}s; harness {f['ms_per_node']:.1f} ms/node; "
            f"peak RSS {f['peak_mb']:.0f} MB; log {f['log_mb']:.1f} MB",
            flush=True,
        )
        return
    with tempfile.TemporaryDirectory() as tmp:
        # prepared in a child process: its reference models are not the harness's memory
        subprocess.run([sys.executable, "-c", _PREPARE, str(Path(tmp) / "data")], check=True)
        for policy in args.policies:
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    policy,
                    "--nodes",
                    str(args.nodes),
                    "--data-dir",
                    tmp,
                ],
                check=True,
            )


if __name__ == "__main__":
    main()
