"""Fakes for the search loop: a clock, a workspace whose 'scripts' declare their behaviour, a
scripted coder and reviewer, and a validator that accepts the bytes ``b"good"``.

A fake script is one comment line, e.g. ``# run: exit=0 metric=0.8 submission=good secs=30``:
the fake workspace 'runs' it by reading those fields (any missing field takes the default).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mle_inspect.solvers.aide.budget import Budget
from mle_inspect.solvers.aide.evaluate import Review
from mle_inspect.solvers.aide.policy import GreedyPolicy, PolicySettings
from mle_inspect.solvers.aide.prompts import TaskContext
from mle_inspect.solvers.aide.runner import RunResult
from mle_inspect.solvers.aide.search import AideSearch, Chat, Reply


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def script(
    exit: int = 0, metric: str | None = "0.5", submission: str = "good", secs: float = 1.0
) -> str:
    fields = f"exit={exit} submission={submission} secs={secs}"
    if metric is not None:
        fields += f" metric={metric}"
    return f"# run: {fields}\nprint('hello')\n"


def reply(code: str, plan: str = "a plan") -> str:
    return f"{plan}\n\n```python\n{code}```\n"


class FakeWorkspace:
    def __init__(self, clock: FakeClock, tag: str = "VALIDATION_METRIC") -> None:
        self.clock = clock
        self.tag = tag
        self.submissions: dict[int, bytes] = {}
        self.code: dict[int, str] = {}
        self.final: bytes | None = None
        self.final_code: str | None = None
        self.promotions: list[int] = []
        self.timeouts: list[int] = []
        self.corrupt_on_promote: set[int] = set()
        """Nodes whose copy arrives damaged (to exercise the final fallback)."""

    async def run(self, node_id: int, code: str, timeout: int) -> RunResult:
        self.timeouts.append(timeout)
        fields = dict(re.findall(r"(\w+)=(\S+)", code.splitlines()[0]))
        secs = float(fields.get("secs", 1.0))
        timed_out = secs > timeout
        self.clock.now += min(secs, timeout)
        self.code[node_id] = code
        if fields.get("submission", "none") != "none" and not timed_out:
            self.submissions[node_id] = fields["submission"].encode()
        output = "hello\n"
        if "metric" in fields:
            output += f"{self.tag}={fields['metric']}\n"
        exit_code = 124 if timed_out else int(fields.get("exit", 0))
        return RunResult(
            exit_code=exit_code,
            timed_out=timed_out,
            exec_time=min(secs, timeout),
            output=output,
            tag_lines=[line for line in output.splitlines() if self.tag in line],
        )

    def submission_path(self, node_id: int) -> str:
        return f"node-{node_id}/submission.csv"

    def content(self, path: str) -> bytes | None:
        """What a path holds: the graded file or a node's submission."""
        if path == self.final_path():
            return self.final
        return self.submissions.get(int(path.split("/")[0].removeprefix("node-")))

    async def promote(self, node_id: int) -> None:
        self.promotions.append(node_id)
        self.final = b"damaged" if node_id in self.corrupt_on_promote else self.submissions[node_id]
        self.final_code = self.code[node_id]

    def final_path(self) -> str:
        return "final/submission.csv"


def make_validator(workspace: FakeWorkspace):  # noqa: ANN201
    """Accepts ``b"good"``; ``b"huge"`` stands for a file refused for its size."""

    async def validator(path: str) -> tuple[bool, str]:
        content = workspace.content(path)
        if content is None:
            return False, "no file at this path"
        if content == b"good":
            return True, "valid submission"
        if content == b"huge":
            return False, f"{path} is 200,000,000 bytes, above the cap"
        return False, f"bad content {content!r}"

    return validator


class ScriptedCoder:
    """Answers each prompt with the next reply for its stage (read from the prompt's first line)."""

    def __init__(self, replies: dict[str, list[str]], clock: FakeClock | None = None) -> None:
        self.replies = {stage: list(texts) for stage, texts in replies.items()}
        self.clock = clock
        self.prompts: list[str] = []

    async def __call__(self, chat: Chat) -> Reply:
        prompt = chat[1][1]
        self.prompts.append(chat[-1][1])
        stage = prompt.split("\n", 1)[0].removeprefix("Stage: ").strip()
        if self.clock is not None:
            self.clock.now += 5
        return Reply(text=self.replies[stage].pop(0), tokens=100)


class FakeReviewer:
    def __init__(self, metric: float | None = None, is_bug: bool | None = False) -> None:
        self.metric = metric
        self.is_bug = is_bug
        self.calls = 0
        self.prompts: list[str] = []

    async def __call__(self, system: str, prompt: str) -> tuple[Review, int]:
        self.calls += 1
        self.prompts.append(prompt)
        review = Review(summary=f"review {self.calls}", metric=self.metric, is_bug=self.is_bug)
        return review, 10


def make_search(
    coder: Callable[[Chat], object],
    clock: FakeClock | None = None,
    workspace: FakeWorkspace | None = None,
    lower_is_better: bool = False,
    steps: int = 5,
    policy: PolicySettings | None = None,
    reviewer: FakeReviewer | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    reserve_seconds: float | None = 0,
) -> AideSearch:
    clock = clock or FakeClock()
    ctx = TaskContext(
        instructions="do the task",
        description="desc",
        data_preview="files",
        data_dir="/data",
        metric_tag="VALIDATION_METRIC",
        metric_name="auc",
        lower_is_better=lower_is_better,
    )
    budget = Budget(
        max_steps=steps,
        time_limit=time_limit,
        reserve_seconds=reserve_seconds,
        exec_timeout=600,
        min_exec_timeout=10,
        clock=clock,
    )
    workspace = workspace or FakeWorkspace(clock)
    return AideSearch(
        ctx=ctx,
        policy=policy or GreedyPolicy(num_drafts=2, debug_prob=1.0, max_debug_depth=2),
        budget=budget,
        workspace=workspace,
        coder=coder,  # type: ignore[arg-type]
        reviewer=reviewer or FakeReviewer(),
        validator=make_validator(workspace),
        seed=seed,
        clock=clock,
    )
