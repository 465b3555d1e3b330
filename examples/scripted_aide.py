"""Watch the AIDE tree search in ``inspect view`` with no model provider, API key or network.

Two ``mockllm/model`` instances stand in for the coder and the reviewer (the ``coder`` and
``reviewer`` model roles). The coder answers each operator with a real scikit-learn script
for ``demo-tumor-diagnosis``, chosen from the prompt alone (its stage and the steps left), so
the search is deterministic: some drafts fail and get debugged, working nodes are improved,
and with ``policy=evolutionary`` two parents are crossed. Everything else is real: the scripts
run in the local sandbox, submissions are validated and the best one is graded. Every scripted
output carries ``usage``, and token counting falls back to an estimate offline.

    python examples/scripted_aide.py [--policy greedy|mcts|evolutionary] [--steps 8]
    inspect eval examples/scripted_aide.py --model mockllm/model -T policy=mcts
    inspect view --log-dir logs/scripted-aide
"""

from __future__ import annotations

import argparse
import re

from inspect_ai import Task, task, task_with
from inspect_ai.model import Model, ModelOutput, ModelUsage, get_model

from mle_inspect.solvers.aide import aide
from mle_inspect.tasks import mle_bench

COMPETITION_ID = "demo-tumor-diagnosis"
USAGE = ModelUsage(input_tokens=2000, output_tokens=400, total_tokens=2400)

_SCRIPT = """\
import os
import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
{imports}
data = os.environ["MLE_DATA_DIR"]
train = pd.read_csv(os.path.join(data, "train.csv"))
test = pd.read_csv(os.path.join(data, "test.csv"))
features = [c for c in train.columns if c not in ("patient_id", "{target}")]
y = train["malignant"]
models = [{models}]
folds = StratifiedKFold(5, shuffle=True, random_state=0)
oof = np.mean(
    [cross_val_predict(m, train[features], y, cv=folds, method="predict_proba")[:, 1] for m in models],
    axis=0,
)
print("VALIDATION_METRIC=" + str(roc_auc_score(y, oof)))
preds = np.mean([m.fit(train[features], y).predict_proba(test[features])[:, 1] for m in models], axis=0)
pd.DataFrame({{"patient_id": test["patient_id"], "malignant": preds}}).to_csv("submission.csv", index=False)
"""
_LOGISTIC = (
    "make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression(C={c}, max_iter=500))"
)
_FOREST = "make_pipeline(SimpleImputer(), RandomForestClassifier(n_estimators={n}, random_state=0))"
_IMPORTS = (
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.ensemble import RandomForestClassifier"
)


def _script(models: list[str], target: str = "malignant") -> str:
    return _SCRIPT.format(imports=_IMPORTS, models=", ".join(models), target=target)


def _coder_answer(stage: str, steps_left: int) -> tuple[str, str]:
    """(plan, script) for one operator, from the stage and the steps left only."""
    if stage == "draft":
        if steps_left % 3 == 0:
            # a classic slip: the target is left among the features, so predicting test fails
            return "A random forest on all columns.", _script([_FOREST.format(n=50)], "none")
        if steps_left % 2:
            return "A regularised logistic regression.", _script([_LOGISTIC.format(c=1.0)])
        return "A random forest.", _script([_FOREST.format(n=50)])
    if stage == "debug":
        return "Drop the target from the features.", _script([_FOREST.format(n=50)])
    if stage == "crossover":
        blend = [_LOGISTIC.format(c=1.0), _FOREST.format(n=100)]
        return "Average the two parents' models.", _script(blend)
    c = [0.03, 0.1, 0.3, 3.0][steps_left % 4]
    return f"Tune the regularisation: C={c}.", _script([_LOGISTIC.format(c=c)])


def coder() -> Model:
    def respond(messages, tools, tool_choice, config) -> ModelOutput:  # noqa: ANN001
        prompt = messages[1].text
        stage = prompt.split("\n", 1)[0].removeprefix("Stage: ").strip()
        found = re.search(r"You have (\d+) steps? \(scripts\) left", prompt)
        plan, code = _coder_answer(stage, int(found.group(1)) if found else 0)
        output = ModelOutput.from_content("mockllm/model", f"{plan}\n\n```python\n{code}```")
        output.usage = USAGE
        return output

    return get_model("mockllm/model", custom_outputs=respond)


def reviewer() -> Model:
    def respond(messages, tools, tool_choice, config) -> ModelOutput:  # noqa: ANN001
        text = messages[-1].text
        failed = "Traceback" in text or "exit status 0" not in text
        summary = (
            "The script failed; the traceback shows the cause."
            if failed
            else "The script ran and reported its cross-validated AUC."
        )
        output = ModelOutput.for_tool_call(
            "mockllm/model",
            "submit_review",
            {"summary": summary, "is_bug": failed, "metric": None},
        )
        output.usage = USAGE
        return output

    return get_model("mockllm/model", custom_outputs=respond)


@task
def scripted_aide(
    policy: str = "greedy", steps: int = 8, seed: int = 0, data_dir: str | None = None
) -> Task:
    """The demo competition with the AIDE search driven by scripted coder and reviewer."""
    base = mle_bench(
        split="demo",
        competitions=COMPETITION_ID,
        data_dir=data_dir,
        time_limit=30 * 60,
        auto_prepare=True,
        solver=aide(
            steps=steps, num_drafts=3, debug_prob=1.0, policy=policy, seed=seed, crossover_prob=0.5
        ),
    )
    return task_with(
        base,
        model=coder(),
        model_roles={"coder": coder(), "reviewer": reviewer()},
        name=f"scripted_aide_{policy}",
    )


def main() -> None:
    from inspect_ai import eval as inspect_eval

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", default="greedy", choices=["greedy", "mcts", "evolutionary"])
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--log-dir", default="logs/scripted-aide")
    parser.add_argument("--data-dir", default=None, help="prepared data dir (default: the usual)")
    args = parser.parse_args()
    [log] = inspect_eval(
        scripted_aide(args.policy, args.steps, data_dir=args.data_dir), log_dir=args.log_dir
    )
    print(f"{log.status}: look at the search tree with `inspect view --log-dir {args.log_dir}`")


if __name__ == "__main__":
    main()
