"""The ReAct agent's system prompt and turn messages, in our own words.

Everything sample-specific (paths, hardware, budget) is read at run time from the sample and
its sandbox, so the same agent works in local, docker and Kubernetes sandboxes.
"""

from __future__ import annotations

from typing import Any

from ..sandboxes.paths import SandboxPaths
from ._budget import Budget, hms

HARDWARE_PROBE = r"""
echo "cpus: $(nproc 2>/dev/null || echo unknown)"
if [ -r /proc/meminfo ]; then
  awk '/MemTotal/ {printf "memory: %.1f GB\n", $2 / 1048576}' /proc/meminfo
fi
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null \
    | sed 's/^/gpu: /' || echo "gpu: none"
else
  echo "gpu: none"
fi
"""

_SYSTEM = """\
You are an experienced machine-learning engineer taking part in an offline machine-learning \
competition, working alone in a sandbox through tools. Your result is the file \
{submission_file}, graded on hidden test labels once you finish.

# Rules
- Get your predictions from models you train on the data provided. Do not label test rows \
by hand, and do not copy labels from anywhere.
- There is no internet access. Do not look for this competition's solutions, leaderboard \
or test labels; work from the data and the description only.
- Only the submission file counts. It is graded as it stands when you call submit or when \
your time or steps run out, so keep a valid file in place at all times.

# Where things are
- {data}/description.md: the task, the data files, the metric and the submission format.
- {data}: the competition data (read-only){sample_hint}.
- {submission_file}: the graded file (same columns and ids as the sample submission).
- {code}: your code; {logs}: logs of your jobs; {workspace}: scratch space and your working \
directory. The environment variables MLE_DATA_DIR, MLE_SUBMISSION_DIR, MLE_CODE_DIR, \
MLE_LOGS_DIR and MLE_WORKSPACE_DIR hold these paths.
- Metric: {metric}.

# Hardware
{hardware}

# Budget
{budget}
You get a [budget] line after every step with the time and steps used and left. When a \
budget runs into its reserve you get one message asking you to wrap up: from then on, only \
make sure the best valid submission is in place, then call submit.

# How to work
1. Read the description, then inspect the data: sizes, columns, types, missing values, the \
target's distribution, the sample submission (view_image shows an image file).
2. Set up a validation you trust (a hold-out split or k-fold cross-validation that mimics \
the train/test split) and compute the competition metric on it yourself.
3. Write a simple baseline submission early, check it with validate_submission, and keep it \
in place; only replace it with predictions whose validation score is better.
4. Improve step by step (features, models, tuning, ensembling), recording each experiment's \
validation score in {logs}.
5. Validate after every new submission. validate_submission says VALID, or INVALID with \
the reason; it never gives a score, so judge quality on your own validation.
6. Run anything longer than a minute or two in the background and poll it, rather than \
blocking a tool call: `nohup python {code}/train.py > {logs}/train.log 2>&1 &`, then check \
with `tail {logs}/train.log` and `ps`. Tool calls stop after {bash_timeout} (bash) and \
{python_timeout} (python).
7. Save models and intermediate results to files: your conversation may be condensed on \
long runs and each python call starts a fresh process.
8. When you are done, call submit with a short summary. It is refused while the \
submission file is missing or invalid.
"""

_WRAP_UP = """\
Wrap up now: your {what} budget is nearly spent ({left} left). Start no new experiments. \
Make sure {submission_file} holds your best valid predictions (copy the best one into place \
if needed), check it with validate_submission, then call submit."""

_NO_TOOL_CALL = (
    "You did not call a tool. Keep working with the tools, or call submit if the submission "
    "file holds your best valid predictions."
)


def describe_budget(budget: Budget) -> str:
    lines = []
    if budget.time_limit is not None:
        lines.append(f"- Wall-clock time: {hms(budget.time_limit)} in total.")
    if budget.working_limit is not None:
        lines.append(f"- Working time: {hms(budget.working_limit)} in total.")
    if budget.max_steps is not None:
        lines.append(f"- Steps (model turns): {budget.max_steps}.")
    if budget.message_limit is not None:
        lines.append(f"- Messages in the conversation: {budget.message_limit}.")
    if budget.token_limit is not None:
        lines.append(f"- Model tokens: {budget.token_limit:,}.")
    if not lines:
        lines.append("- No time or step limit is set; still, work efficiently.")
    if budget.time_reserve is not None:
        lines.append(f"- Time kept in reserve for wrapping up: {hms(budget.time_reserve)}.")
    return "\n".join(lines)


def system_prompt(
    metadata: dict[str, Any],
    paths: SandboxPaths,
    hardware: str,
    budget: Budget,
    bash_timeout: int,
    python_timeout: int,
) -> str:
    sample = metadata.get("sample_submission_public")
    lower = metadata.get("lower_is_better")
    return _SYSTEM.format(
        submission_file=paths.submission_file,
        data=paths.data,
        code=paths.code,
        logs=paths.logs,
        workspace=paths.workspace,
        sample_hint=f"; sample submission: {paths.data}/{sample}" if sample else "",
        metric=_metric_line(metadata.get("metric"), lower),
        hardware=hardware.strip() or "unknown",
        budget=describe_budget(budget),
        bash_timeout=hms(bash_timeout),
        python_timeout=hms(python_timeout),
    )


def _metric_line(metric: str | None, lower_is_better: bool | None) -> str:
    if not metric:
        return "see the description"
    if lower_is_better is None:
        return metric
    return f"{metric} ({'lower' if lower_is_better else 'higher'} is better)"


def wrap_up_message(budget: Budget, what: str, submission_file: str) -> str:
    if what == "time":
        left = hms(budget.time_left or 0)
    elif what == "steps":
        left = f"{budget.steps_left} steps"
    else:
        left = f"{budget.tokens_left or 0:,} tokens"
    return _WRAP_UP.format(what=what, left=left, submission_file=submission_file)


def no_tool_call_message() -> str:
    return _NO_TOOL_CALL
