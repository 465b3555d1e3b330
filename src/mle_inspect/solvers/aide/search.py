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
from typing import Literal, Protocol

from pydantic import BaseModel

from .budget import Budget
from .evaluate import Review, judge, parse_metric
from .extract import Extracted, ExtractionError, extract
from .journal import Journal, Node, step_name
from .policy import Action, SearchPolicy
from .prompts import (
    CODER_SYSTEM,
    REVIEWER_SYSTEM,
    TaskContext,
    debug_prompt,
    draft_prompt,
    improve_prompt,
    review_prompt,
)
from .runner import Workspace

Role = Literal["system", "user", "assistant"]
Chat = list[tuple[Role, str]]


class Reply(BaseModel):
    text: str
    tokens: int = 0


class Coder(Protocol):
    async def __call__(self, chat: Chat) -> Reply: ...


class Reviewer(Protocol):
    async def __call__(self, system: str, prompt: str) -> tuple[Review, int]: ...


Validator = Callable[[bytes | None], Awaitable[tuple[bool, str]]]


class Hooks:
    """Viewer hooks; the default does nothing (the solver's subclass writes spans and cards)."""

    @contextlib.asynccontextmanager
    async def node_span(self, name: str) -> AsyncIterator[None]:
        yield

    def node_done(self, node: Node, journal: Journal, is_new_best: bool) -> None:
        pass


class FinalOutcome(BaseModel):
    node_id: int | None
    """Node whose submission is in place at the end (None: no valid submission)."""
    valid: bool
    message: str
    fallbacks: int = 0
    """How many ranked nodes were tried after the submission in place failed re-validation."""


class AideSearch:
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

    async def step(self) -> Node:
        action = self.policy.next_action(self.journal, self.rng)
        node_id = len(self.journal.nodes)
        async with self.hooks.node_span(step_name(node_id, action.stage, action.parent_id)):
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
        valid, message = await self.validator(await self.workspace.read_final())
        if valid:
            return FinalOutcome(node_id=self.promoted_id, valid=True, message=message)
        tried = 0
        for node in self.journal.ranked():
            if node.id == self.promoted_id:
                continue
            tried += 1
            await self.workspace.promote(node.id)
            self.promoted_id = node.id
            valid, message = await self.validator(await self.workspace.read_final())
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
            return improve_prompt(self.ctx, parent, budget, timeout)
        return debug_prompt(self.ctx, self.journal, parent, budget, timeout)

    async def _write_code(self, prompt: str) -> tuple[Extracted | None, str, int]:
        """(extracted, last error, tokens), retrying extraction failures with feedback."""
        chat: Chat = [("system", CODER_SYSTEM), ("user", prompt)]
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
            stage=action.stage,
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

        if self.reviewer is not None:
            started = self.clock()
            review, review_tokens = await self.reviewer(
                REVIEWER_SYSTEM, review_prompt(self.ctx, node)
            )
            node.model_time += self.clock() - started
            node.tokens += review_tokens
            node.analysis = review.summary
            if metric is None and review.metric is not None:
                metric, node.metric_source = review.metric, "reviewer"
        node.metric = metric

        submission = await self.workspace.read_submission(node_id)
        valid, message = await self.validator(submission)
        node.valid_submission, node.validator_message = valid, message
        verdict = judge(run, metric, submission is not None, valid, message)
        node.buggy, node.bug_reason = verdict.buggy, verdict.reason
        return node
