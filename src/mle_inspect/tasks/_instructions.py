"""The benchmark instructions given to every agent, in our own words.

Paths are written as the canonical sandbox paths (``/home/data`` ...); the task's setup step
rewrites them for sandboxes that use other paths, so the text is the same everywhere. The
same text is put in the sandbox at :data:`INSTRUCTIONS_FILE`, for agents that start from a
shell rather than from a prompt.

``obfuscated`` (``-T description=obfuscated``) names neither the competition nor Kaggle nor
the metric: the agent learns the task from the (obfuscated) description only, as in
MLE-bench's obfuscated runs.
"""

from __future__ import annotations

from ..competitions import Competition
from ..sandboxes.paths import CANONICAL_PATHS as P

INSTRUCTIONS_FILE = "/home/instructions.txt"
"""Where the sandbox holds these instructions (canonical path; remapped like the others)."""
VALIDATE_COMMAND = "/home/validate_submission"
"""The in-sandbox submission checker (see ``solvers.validate_command``)."""

_INTRO = {
    "standard": """\
You are competing in "{name}", an offline machine-learning engineering task recreated from a \
Kaggle competition. Build the best model you can and submit predictions for the hidden test set.
""",
    "obfuscated": """\
You are working on an offline machine-learning engineering task. Build the best model you can \
and submit predictions for a hidden test set.
""",
}

_METRIC = {
    "standard": "- The submission is graded by {metric} ({direction} is better) on test data you "
    "cannot see.",
    "obfuscated": "- The submission is graded with the metric the description names, on test "
    "data you cannot see.",
}

_FORBIDDEN = {
    "standard": "- You have no internet access. Do not try to find this competition's "
    "solutions, leaderboard or test labels.",
    "obfuscated": "- You have no internet access. Do not look for other people's solutions to "
    "this task or for its test labels.",
}

_BODY = """
Where things are:
- {data}/description.md: the task description. Read it first: it explains the task, the data \
files, the evaluation metric and the submission format.
- {data}: the task's data (read-only): training data, test inputs without labels, and the \
sample submission{sample_hint}. The train/test split was made for this benchmark, so the files \
may differ a little from what the description says; use the files you have.
- {submission}/submission.csv: the only file that is graded, whatever the description says. \
No file there means a failed attempt. It must have the same columns and the same test ids as \
the sample submission.
- {code}: keep your code here; {logs}: logs; {workspace}: scratch space (your working \
directory).
- {instructions}: these instructions, again.
- {validate} [CSV]: checks a submission file (default: the graded one) with the grader and \
prints VALID, or INVALID and the reason. It never prints a score.

Rules:
- Solve the task by training models on the data provided. Do not label test examples by hand \
or copy labels from anywhere else, and do not ask another AI model or service to do the task.
{forbidden}
{metric_line}
- A valid submission counts even if it is not your best: write one early, then improve it.
- Where the description disagrees with these points, these points win: they describe this \
offline setup.
"""


def instructions(
    competition: Competition, sample_submission_public: str | None, description: str = "standard"
) -> str:
    """The instructions for one competition (``description``: standard or obfuscated)."""
    variant = "obfuscated" if description == "obfuscated" else "standard"
    sample_hint = f" ({P.data}/{sample_submission_public})" if sample_submission_public else ""
    if variant == "obfuscated" and sample_submission_public:
        named = {competition.id.lower(), competition.name.lower()}
        if any(alias in sample_submission_public.lower() for alias in named):
            sample_hint = ""  # its file name would name the competition
    metric_line = _METRIC[variant].format(
        metric=competition.metric, direction="lower" if competition.lower_is_better else "higher"
    )
    return _INTRO[variant].format(name=competition.name) + _BODY.format(
        data=P.data,
        submission=P.submission,
        code=P.code,
        logs=P.logs,
        workspace=P.workspace,
        instructions=INSTRUCTIONS_FILE,
        validate=VALIDATE_COMMAND,
        sample_hint=sample_hint,
        forbidden=_FORBIDDEN[variant],
        metric_line=metric_line,
    )
