"""The benchmark instructions given to every agent, in our own words.

Paths are written as the canonical sandbox paths (``/home/data`` ...); the task's setup step
rewrites them for sandboxes that use other paths, so the text is the same everywhere.
"""

from __future__ import annotations

from ..competitions import Competition
from ..sandboxes.paths import CANONICAL_PATHS as P

_TEMPLATE = """\
You are competing in "{name}", an offline machine-learning engineering task recreated from a \
Kaggle competition. Build the best model you can and submit predictions for the hidden test set.

Where things are:
- {data}/description.md: the competition description. Read it first: it explains the task, \
the data files, the evaluation metric and the submission format.
- {data}: the competition data (read-only): training data, test inputs without labels, and \
the sample submission{sample_hint}.
- {submission}/submission.csv: the only file that is graded. It must have the same columns and \
the same test ids as the sample submission.
- {code}: keep your code here; {logs}: logs; {workspace}: scratch space (your working \
directory).

Rules:
- Solve the task by training models on the data provided. Do not label test examples by hand \
or copy labels from anywhere else.
- You have no internet access. Do not try to find this competition's solutions, leaderboard \
or test labels.
- The submission is graded by {metric} ({direction} is better) on test data you cannot see.
- A valid submission counts even if it is not your best: write one early, then improve it.
"""


def instructions(competition: Competition, sample_submission_public: str | None) -> str:
    sample_hint = f" ({P.data}/{sample_submission_public})" if sample_submission_public else ""
    return _TEMPLATE.format(
        name=competition.name,
        data=P.data,
        submission=P.submission,
        code=P.code,
        logs=P.logs,
        workspace=P.workspace,
        sample_hint=sample_hint,
        metric=competition.metric,
        direction="lower" if competition.lower_is_better else "higher",
    )
