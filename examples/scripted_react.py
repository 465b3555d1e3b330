"""Watch the ReAct agent work in ``inspect view`` with no model provider, API key or network.

``mockllm/model`` replays the scripted turns of ``mle_inspect.solvers.scripted`` (the run the
agent's tests check) on ``demo-diabetes-progression`` in the local sandbox: it explores the
data, writes and runs a training script as a background job, has a submission refused by the
validator, fixes it, validates and submits. Everything else is real: the tools run, the
budget messages are sent, the submission is graded.

    python examples/scripted_react.py [--log-dir logs/scripted]
    inspect eval examples/scripted_react.py --model mockllm/model   # the same through the CLI
    inspect view --log-dir logs/scripted
"""

from __future__ import annotations

import argparse

from inspect_ai import Task, task, task_with
from inspect_ai.model import get_model

from mle_inspect.solvers.react import react_agent
from mle_inspect.solvers.scripted import COMPETITION_ID, scripted_outputs
from mle_inspect.tasks import mle_bench


@task
def scripted_react(data_dir: str | None = None) -> Task:
    """The demo competition with the ReAct agent driven by the scripted model turns."""
    base = mle_bench(
        split="demo",
        competitions=COMPETITION_ID,
        data_dir=data_dir,
        time_limit=30 * 60,
        auto_prepare=True,
        # compaction stays on: offline, its token counts fall back to an estimate
        solver=react_agent(max_steps=30),
    )
    model = get_model("mockllm/model", custom_outputs=scripted_outputs())
    return task_with(base, model=model, name="scripted_react")


def main() -> None:
    from inspect_ai import eval as inspect_eval

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log-dir", default="logs/scripted")
    parser.add_argument("--data-dir", default=None, help="prepared data dir (default: the usual)")
    args = parser.parse_args()
    [log] = inspect_eval(scripted_react(args.data_dir), log_dir=args.log_dir)
    print(f"{log.status}: look at the trajectory with `inspect view --log-dir {args.log_dir}`")


if __name__ == "__main__":
    main()
