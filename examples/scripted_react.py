"""Watch the ReAct agent work in ``inspect view`` with no model provider, API key or network.

``mockllm/model`` replays the scripted turns below (the run the agent's tests check, which
load this file) on ``demo-diabetes-progression`` in the local sandbox: it explores the
data, writes and runs a training script as a background job, has a submission refused by the
validator, fixes it, validates and submits. Everything else is real: the tools run, the
budget messages are sent, the submission is graded.

    python examples/scripted_react.py [--log-dir logs/scripted]
    inspect eval examples/scripted_react.py --model mockllm/model   # the same through the CLI
    inspect view --log-dir logs/scripted
"""

from __future__ import annotations

import argparse
from typing import Any

from inspect_ai import Task, task, task_with
from inspect_ai.model import ModelOutput, ModelUsage, get_model

from mle_inspect.solvers.react import react_agent
from mle_inspect.tasks import mle_bench

COMPETITION_ID = "demo-diabetes-progression"

TRAIN_SCRIPT = """\
import os

import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

data = os.environ["MLE_DATA_DIR"]
train = pd.read_csv(f"{data}/train.csv")
test = pd.read_csv(f"{data}/test.csv")
features = [c for c in test.columns if c != "patient_id"]
model = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 13)))
folds = KFold(5, shuffle=True, random_state=0)
scores = cross_val_score(
    model, train[features], train["progression"], cv=folds,
    scoring="neg_root_mean_squared_error",
)
print(f"cv rmse {-scores.mean():.3f} +- {scores.std():.3f}")
model.fit(train[features], train["progression"])
submission = pd.DataFrame(
    {"patient_id": test["patient_id"], "progression": model.predict(test[features])}
)
submission.to_csv(os.path.join(os.environ["MLE_SUBMISSION_DIR"], "submission.csv"), index=True)
print("DONE")
"""

EXPLORE_CODE = """\
import os
import pandas as pd

data = os.environ["MLE_DATA_DIR"]
train = pd.read_csv(f"{data}/train.csv")
test = pd.read_csv(f"{data}/test.csv")
print("train", train.shape, "test", test.shape)
print("missing values in train:", int(train.isna().sum().sum()))
print(train.dtypes.to_string())
"""

# (thought, tool, arguments): one model turn each
STEPS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "First I read the description, list the data files and put the sample submission in "
        "place as a placeholder until a model is trained.",
        "bash",
        {
            "command": 'cat "$MLE_DATA_DIR/description.md"; ls -l "$MLE_DATA_DIR/"; '
            'cp "$MLE_DATA_DIR/sample_submission.csv" "$MLE_SUBMISSION_DIR/submission.csv" && '
            'ls -l "$MLE_SUBMISSION_DIR/"'
        },
    ),
    ("Now the shapes, types and missing values.", "python", {"code": EXPLORE_CODE}),
    (
        "A standardised ridge regression with 5-fold CV makes a sound baseline.",
        "bash",
        {
            "command": f"cat > \"$MLE_CODE_DIR/train.py\" <<'EOF'\n{TRAIN_SCRIPT}EOF\n"
            'echo "wrote $MLE_CODE_DIR/train.py"'
        },
    ),
    (
        "I start training as a background job and log its output.",
        "bash",
        {
            "command": 'nohup python3 "$MLE_CODE_DIR/train.py" > "$MLE_LOGS_DIR/train.log" '
            '2>&1 &\necho "started job $!"'
        },
    ),
    (
        "I poll the log until the job is done.",
        "bash",
        {
            "command": 'for i in $(seq 300); do grep -q DONE "$MLE_LOGS_DIR/train.log" && '
            'break; sleep 1; done; cat "$MLE_LOGS_DIR/train.log"'
        },
    ),
    (
        "The cross-validated RMSE is reasonable, so I submit this baseline.",
        "submit",
        {"summary": "ridge regression baseline"},
    ),
    (
        "The submission was refused. Let me look at the file's first lines.",
        "bash",
        {"command": 'head -n 3 "$MLE_SUBMISSION_DIR/submission.csv"'},
    ),
    (
        "The file was written with the data frame's index. I fix the script and rerun it.",
        "bash",
        {
            "command": 'sed -i "s/index=True/index=False/" "$MLE_CODE_DIR/train.py" && '
            'python3 "$MLE_CODE_DIR/train.py" && head -n 3 "$MLE_SUBMISSION_DIR/submission.csv"'
        },
    ),
    ("I check the new file with the validator.", "validate_submission", {}),
    (
        "The submission is valid; I submit.",
        "submit",
        {"summary": "standardised ridge regression (alpha by CV), 5-fold CV RMSE in train.log"},
    ),
]


def scripted_outputs() -> list[ModelOutput]:
    """The model turns of the trajectory, each with ``usage`` set.

    ``mockllm`` needs it to skip counting tokens with a tokenizer it would download.
    """
    outputs = []
    for number, (thought, tool, arguments) in enumerate(STEPS, start=1):
        output = ModelOutput.for_tool_call(
            model="mockllm/model",
            tool_name=tool,
            tool_arguments=arguments,
            tool_call_id=f"step-{number}",
            content=thought,
        )
        output.usage = ModelUsage(
            input_tokens=1000 * number, output_tokens=100, total_tokens=1000 * number + 100
        )
        outputs.append(output)
    return outputs


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
