"""The search loop, free of Inspect: models, sandbox, validator, clock and viewer are injected.

One step = ask the policy for an action, prompt the coder (retrying extraction a bounded
number of times), run the script, judge it, add the node to the journal, and copy its
submission to the graded place at once if it is the new best.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, Protocol

import anyio
from pydantic import BaseModel

from .budget import Budget
from .evaluate import Review, judge, metric_in_output, parse_metric
from .extract import Extracted, ExtractionError, extract
from .journal import Journal, Node, step_name
from .policy import Action, SearchPolicy
from .prompts import (
    REVIEWER_SYSTEM,
    TaskContext,
    coder_system,
    crossover_prompt,
    debug_prompt,
    draft_prompt,
    improve_prompt,
    review_prompt,
)
from .runner import Workspace

Role = Literal["system", "user", "assistant"]
Chat = list[tuple[Role, str]]


class Reply(BaseModel):
    """One model response and the tokens it cost."""

    text: str
    tokens: int = 0


class Coder(Protocol):
    """The coder model: writes plans and scripts."""

    async def __call__(self, chat: Chat) -> Reply:
        """Answer the chat so far."""
        ...


class Reviewer(Protocol):
    """The reviewer model: judges one run (summary, bug, metric)."""

    async def __call__(self, system: str, prompt: str) -> tuple[Review, int]:
        """Review a run; returns the review and the tokens it cost."""
        ...


Validator = Callable[[str], Awaitable[tuple[bool, str]]]
"""Checks the submission at a sandbox path: (valid, message). It must stream the file (no
size limit of its own) and report a missing, oversized or unreadable file as invalid."""


class Hooks:
    """Viewer hooks; the default does nothing (the solver's subclass writes spans and cards)."""

    @contextlib.asynccontextmanager
    async def node_span(self, name: str) -> AsyncIterator[None]:
        """Wrap the making of one node (the solver opens a transcript span)."""
        yield

    def node_done(self, node: Node, journal: Journal, is_new_best: bool) -> None:
        """Called once a node is in the journal (the solver writes its card)."""
        pass


@dataclass
class _Outcomes:
    """What the review and the submission check of one node returned (filled side by side)."""

    review: tuple[Review, int] | None = None
    review_time: float = 0.0
    check: tuple[bool, str] = (False, "the submission was not checked")


class FinalOutcome(BaseModel):
    """The submission in place when the search ends."""

    node_id: int | None
    """Node whose submission is in place at the end (None: no valid submission)."""
    valid: bool
    message: str
    fallbacks: int = 0
    """How many ranked nodes were tried after the submission in place failed re-validation."""


class AideSearch:
    """AIDE's tree search: each step drafts, debugs, improves or crosses scripts.

    Every node is a complete script, run in the workspace and reviewed; the policy picks the
    next step from the journal. Models, sandbox, validator and clock are injected, so the
    search runs without Inspect in tests.

    Args:
        ctx: What the prompts say about the competition and the sandbox.
        policy: Chooses each step (greedy, MCTS, evolutionary...).
        budget: Steps, time and tokens left; the search stops when it runs out.
        workspace: Runs node scripts and places the final submission.
        coder: The model that writes plans and scripts.
        reviewer: The model that reviews each run (None: no review).
        validator: Checks a submission at a sandbox path (never scores it).
        seed: Seed of the policy's random draws.
        extraction_retries: Extra tries when a response holds no usable script.
        hooks: Viewer hooks (spans and node cards); the default does nothing.
        clock: Monotonic clock, injectable for tests.
    """

    def __init__(
        self,
        ctx: TaskContext,
        policy: SearchPolicy,
        budget: Budget,
        workspace: Workspace,
        coder: Coder,
        reviewer: Reviewer | None,
        validator: Validator,
        seed: int = 0,
        extraction_retries: int = 2,
        hooks: Hooks | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ctx = ctx
        self.coder_system = coder_system(ctx)  # one text, so one shared message per sample
        self.policy = policy
        self.budget = budget
        self.workspace = workspace
        self.coder = coder
        self.reviewer = reviewer
        self.validator = validator
        self.rng = random.Random(seed)
        self.extraction_retries = extraction_retries
        self.hooks = hooks or Hooks()
        self.clock = clock
        self.journal = Journal()
        self.promoted_id: int | None = None
        self.stop_reason: str | None = None

    async def run(self) -> Journal:
        """Make nodes until a budget runs out."""
        while (reason := self.budget.stop_reason()) is None:
            await self.step()
        self.stop_reason = reason
        return self.journal

    def next_action(self) -> Action:
        """The policy's action, or a fresh draft where a debug would have no code to fix.

        That is a debug of a node with no code anywhere up its line (no usable response from the
        first draft on).
        """
        action = self.policy.next_action(self.journal, self.rng)
        if action.stage == "debug" and action.parent_id is not None:
            if self.journal.code_source(self.journal.get(action.parent_id)) is None:
                return Action(
                    stage="draft",
                    reason=f"redraft: node {action.parent_id} was chosen for debugging but "
                    "neither it nor its ancestors have code",
                )
        return action

    async def step(self) -> Node:
        """Choose and make one node, add it to the journal and tell the hooks."""
        action = self.next_action()
        node_id = len(self.journal.nodes)
        name = step_name(node_id, action.stage, action.parent_id, action.other_parent_id)
        async with self.hooks.node_span(name):
            node = await self._make_node(node_id, action)
            self.journal.add(node)
            best = self.journal.best()
            is_new_best = best is not None and best.id == node.id
            if is_new_best:
                await self.workspace.promote(node.id)
                self.promoted_id = node.id
            self.budget.record_node(node.tokens)
            self.hooks.node_done(node, self.journal, is_new_best)
        return node

    async def finalize(self) -> FinalOutcome:
        """Re-validate the graded submission; fall back through the ranked working nodes."""
        valid, message = await self.validator(self.workspace.final_path())
        if valid:
            return FinalOutcome(node_id=self.promoted_id, valid=True, message=message)
        tried = 0
        for node in self.journal.ranked():
            if node.id == self.promoted_id:
                continue
            tried += 1
            await self.workspace.promote(node.id)
            self.promoted_id = node.id
            valid, message = await self.validator(self.workspace.final_path())
            if valid:
                return FinalOutcome(node_id=node.id, valid=True, message=message, fallbacks=tried)
        return FinalOutcome(node_id=None, valid=False, message=message, fallbacks=tried)

    # ------------------------------------------------------------------ one node

    def _prompt(self, action: Action, timeout: int) -> str:
        budget = self.budget.describe()
        if action.stage == "draft":
            return draft_prompt(self.ctx, self.journal, budget, timeout)
        assert action.parent_id is not None
        parent = self.journal.get(action.parent_id)
        if action.stage == "improve":
            return improve_prompt(self.ctx, self.journal, parent, budget, timeout)
        if action.stage == "crossover":
            assert action.other_parent_id is not None
            other = self.journal.get(action.other_parent_id)
            return crossover_prompt(self.ctx, self.journal, parent, other, budget, timeout)
        return debug_prompt(self.ctx, self.journal, parent, budget, timeout)

    async def _write_code(self, prompt: str) -> tuple[Extracted | None, str, int]:
        """(extracted, last error, tokens), retrying extraction failures with feedback."""
        chat: Chat = [("system", self.coder_system), ("user", prompt)]
        tokens, error = 0, ""
        for _ in range(self.extraction_retries + 1):
            reply = await self.coder(chat)
            tokens += reply.tokens
            try:
                return extract(reply.text), "", tokens
            except ExtractionError as ex:
                error = str(ex)
                chat += [
                    ("assistant", reply.text),
                    ("user", f"Your answer could not be used: {error}"),
                ]
        return None, error, tokens

    async def _make_node(self, node_id: int, action: Action) -> Node:
        parent = self.journal.get(action.parent_id) if action.parent_id is not None else None
        node = Node(
            id=node_id,
            parent_id=action.parent_id,
            other_parent_id=action.other_parent_id,
            stage=action.stage,
            reason=action.reason,
            lower_is_better=self.ctx.lower_is_better,
            debug_depth=(parent.debug_depth + 1) if action.stage == "debug" and parent else 0,
        )
        timeout = self.budget.exec_timeout()
        started = self.clock()
        extracted, error, tokens = await self._write_code(self._prompt(action, timeout))
        node.model_time = self.clock() - started
        node.tokens = tokens
        if extracted is None:
            node.bug_reason = f"no usable code after {self.extraction_retries + 1} tries: {error}"
            node.bug_source = "code"
            return node
        node.plan, node.code = extracted.plan, extracted.code

        run = await self.workspace.run(node_id, node.code, timeout)
        node.exit_code, node.timed_out = run.exit_code, run.timed_out
        node.exec_time, node.output = run.exec_time, run.output
        # the tagged line wins; it is read from the whole output, then from the trimmed copy
        metric = parse_metric(run.tag_lines, self.ctx.metric_tag)
        if metric is None:
            metric = parse_metric(run.output, self.ctx.metric_tag)
        node.metric_source = "tag" if metric is not None else None

        # the review and the submission check are independent: run them side by side
        outcomes = _Outcomes()

        async def review() -> None:
            if self.reviewer is not None:
                started = self.clock()
                outcomes.review = await self.reviewer(
                    REVIEWER_SYSTEM, review_prompt(self.ctx, node)
                )
                outcomes.review_time = self.clock() - started

        async def validate() -> None:
            # streamed by the validator: a huge or odd file is a verdict, not a crash
            outcomes.check = await self.validator(self.workspace.submission_path(node_id))

        try:
            async with anyio.create_task_group() as group:
                group.start_soon(review)
                group.start_soon(validate)
        except BaseExceptionGroup as errors:
            # callers catch what was raised (a sample limit hit in the review...), not a group
            if len(errors.exceptions) == 1:
                raise errors.exceptions[0] from None
            raise

        review_result: Review | None = None
        if outcomes.review is not None:
            review_result, review_tokens = outcomes.review
            node.model_time += outcomes.review_time
            node.tokens += review_tokens
            node.analysis = review_result.summary
            # the reviewer's number counts only where the output shows it (no made-up metric)
            if (
                metric is None
                and review_result.metric is not None
                and metric_in_output(review_result.metric, "\n".join([*run.tag_lines, run.output]))
            ):
                metric, node.metric_source = review_result.metric, "reviewer"
        node.metric = metric

        valid, message = outcomes.check
        node.valid_submission, node.validator_message = valid, message
        verdict = judge(run, metric, valid, message, review_result)
        node.buggy, node.bug_reason, node.bug_source = verdict.buggy, verdict.reason, verdict.source
        return node
