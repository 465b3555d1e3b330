"""Harness overhead of the aide solver: seconds per node outside model calls and script runs.

    python benchmarks/aide_overhead.py [--nodes 200]

Runs one real eval (local sandbox, demo-tumor-diagnosis) whose coder and reviewer are
instant scripted ``mockllm`` models and whose scripts are trivial (copy the sample submission,
print a metric; every fifth one raises, so debug steps happen too). From the log it takes the
solver's wall time and subtracts the time inside model calls and inside the script-running
sandbox calls; what is left is the harness: prompts, validation on the host, copies, cards,
the store, transcript events. Also prints peak memory (max RSS) of this process.
"""

from __future__ import annotations

import argparse
import resource
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=200)
    args = parser.parse_args()

    from inspect_ai import eval as inspect_eval
    from inspect_ai.event import ModelEvent, SandboxEvent, SpanBeginEvent, SpanEndEvent
    from inspect_ai.log import read_eval_log

    from mle_inspect.competitions import get_competition
    from mle_inspect.data import competition_paths, prepare_competition
    from mle_inspect.solvers.aide import aide
    from mle_inspect.tasks import mle_bench

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        prepare_competition(get_competition(CID), competition_paths(CID, root / "data"))
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        coder, reviewer = _models()
        task = mle_bench(
            split="demo",
            competitions=CID,
            data_dir=str(root / "data"),
            solver=aide(steps=args.nodes, num_drafts=5, debug_prob=0.5, seed=0),
        )
        started = time.perf_counter()
        [log] = inspect_eval(
            task,
            model=coder,
            model_roles={"reviewer": reviewer},
            log_dir=str(root / "logs"),
            display="none",
        )
        total = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert log.status == "success", log.error
        sample = read_eval_log(log.location).samples[0]  # type: ignore[index]
        log_mb = Path(log.location).stat().st_size / 1e6

    events = sample.events
    begin = next(
        e for e in events if isinstance(e, SpanBeginEvent) and e.name == "mle_inspect/aide"
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
    nodes = meta["nodes"]
    harness = solver_seconds - model_seconds - run_seconds
    print(f"nodes: {nodes} ({meta['buggy_nodes']} buggy), stop: {meta['stop_reason']}")
    print(f"eval wall time: {total:.1f}s; solver: {solver_seconds:.1f}s")
    print(f"model calls: {model_seconds:.1f}s; script runs (sandbox exec): {run_seconds:.1f}s")
    print(f"harness per node outside model and execution: {1000 * harness / nodes:.1f} ms")
    print(f"peak memory (max RSS): {rss_after:.0f} MB (before the eval: {rss_before:.0f} MB)")
    print(f"log size: {log_mb:.1f} MB")


if __name__ == "__main__":
    main()
