"""``aide``: the tree-search solver, wiring the search loop to Inspect's models, sandbox and log."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from inspect_ai.solver import Generate, Solver, TaskState, solver

from .budget import Budget
from .evaluate import REVIEW_TOOL, Review, parse_review, review_tool_info
from .journal import Journal, Node
from .policy import POLICIES
from .prompts import TaskContext
from .search import AideSearch, Chat, Hooks, Reply
from .viewer import AideStore, node_card, tree_summary

REVIEW_RETRIES = 2


@solver
def aide(
    steps: int = 100,
    num_drafts: int = 5,
    debug_prob: float = 0.5,
    max_debug_depth: int = 3,
    policy: str = "greedy",
    seed: int = 0,
    time_limit: float | None = None,
    token_limit: int | None = None,
    reserve_seconds: float | None = None,
    exec_timeout: int = 3600,
    min_exec_timeout: int = 30,
    extraction_retries: int = 2,
    metric_tag: str = "VALIDATION_METRIC",
    output_head: int = 3000,
    output_tail: int = 7000,
) -> Solver:
    """AIDE-style tree search over complete scripts (draft, debug, improve).

    The coder is the task model (or the ``coder`` role); the ``reviewer`` role (default: the
    task model) summarises each run through a forced tool call. Budgets combine these settings
    with the sample's time, working and token limits.

    Args:
        steps: Most nodes (scripts) to make.
        num_drafts: Drafts to write before debugging or improving.
        debug_prob: Chance of debugging a buggy leaf once the drafts exist.
        max_debug_depth: Most debug steps in a row on one line of fixes.
        policy: Search policy (``greedy``).
        seed: Seed of the one generator behind every random choice.
        time_limit: Seconds for the search (besides the sample limits).
        token_limit: Tokens for the search (besides the sample limits).
        reserve_seconds: Time kept back for finishing (default: 5% of the time, 10-600s).
        exec_timeout: Longest a single script may run, in seconds.
        min_exec_timeout: No node is started with less time than this for its script.
        extraction_retries: Extra coder calls when a response holds no usable script.
        metric_tag: The script prints ``<metric_tag>=<value>``.
        output_head: Characters kept from the start of a script's output.
        output_tail: Characters kept from the end of a script's output.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown AIDE policy {policy!r}; available: {', '.join(POLICIES)}")
    search_policy = POLICIES[policy](
        num_drafts=num_drafts, debug_prob=debug_prob, max_debug_depth=max_debug_depth
    )

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        from inspect_ai.model import get_model
        from inspect_ai.util import LimitExceededError

        from ...sandboxes.paths import sandbox_paths
        from ..tools import SubmissionTarget
        from .runner import SandboxWorkspace

        paths = sandbox_paths()
        workspace = SandboxWorkspace(
            paths, metric_tag, output_head=output_head, output_tail=output_tail
        )
        description, overview = await workspace.context()
        meta = state.metadata
        ctx = TaskContext(
            instructions=state.input_text,
            description=description,
            overview=overview,
            data_dir=paths.data,
            metric_tag=metric_tag,
            metric_name=str(meta.get("metric") or "the competition metric"),
            lower_is_better=bool(meta["lower_is_better"]),
        )
        budget = Budget(
            max_steps=steps,
            time_limit=time_limit,
            token_limit=token_limit,
            reserve_seconds=reserve_seconds,
            exec_timeout=exec_timeout,
            min_exec_timeout=min_exec_timeout,
            sample_time_left=_sample_time_left,
            sample_tokens_left=_sample_tokens_left,
        )
        store = AideStore()
        search = AideSearch(
            ctx=ctx,
            policy=search_policy,
            budget=budget,
            workspace=workspace,
            coder=_InspectCoder(get_model(role="coder")),
            reviewer=_InspectReviewer(get_model(role="reviewer")),
            validator=SubmissionTarget.from_metadata(meta).check_content,
            seed=seed,
            extraction_retries=extraction_retries,
            hooks=_InspectHooks(store),
        )
        limit_error: LimitExceededError | None = None
        try:
            try:
                await search.run()
            except LimitExceededError as ex:
                # a sample limit hit mid-node: the best submission is already in place
                search.stop_reason, limit_error = f"{ex.type} limit", ex
            outcome = await search.finalize()
            _finish(state, search, store, outcome.node_id, outcome.message, outcome.fallbacks)
        finally:
            # also runs when a time limit cancels the solver (no awaits possible then)
            if "aide" not in state.metadata:
                _finish(state, search, store, search.promoted_id, "not re-validated", 0)
        if limit_error is not None:
            raise limit_error
        return state

    return solve


def _finish(
    state: TaskState,
    search: AideSearch,
    store: AideStore,
    final_node: int | None,
    final_message: str,
    fallbacks: int,
) -> None:
    from inspect_ai.log import transcript
    from inspect_ai.model import ChatMessageAssistant, ModelOutput

    journal = search.journal
    reason = search.stop_reason or "interrupted"
    best = journal.best()
    tree = tree_summary(journal, reason)
    store.best_id = best.id if best else None
    store.stop_reason = reason
    transcript().info(tree, source="aide")
    state.metadata["aide"] = {
        "best_node": best.id if best else None,
        "best_metric": best.metric if best else None,
        "lower_is_better": search.ctx.lower_is_better,
        "stop_reason": reason,
        "nodes": len(journal.nodes),
        "buggy_nodes": sum(n.buggy for n in journal.nodes),
        "submitted_node": final_node,
        "final_check": final_message,
        "fallbacks": fallbacks,
        "tree": tree,
    }
    summary = f"AIDE search finished ({reason}).\n\n{tree}\n\nSubmission: " + (
        f"node {final_node} ({final_message})" if final_node is not None else final_message
    )
    state.messages.append(ChatMessageAssistant(content=summary, source="generate"))
    state.output = ModelOutput.from_content(model="aide", content=summary)


class _InspectHooks(Hooks):
    def __init__(self, store: AideStore) -> None:
        self.store = store

    @contextlib.asynccontextmanager
    async def node_span(self, name: str) -> AsyncIterator[None]:
        from inspect_ai.util import span

        async with span(name, type="aide-node"):
            yield

    def node_done(self, node: Node, journal: Journal, is_new_best: bool) -> None:
        from inspect_ai.log import transcript

        transcript().info(node_card(node, is_new_best), source="aide")
        self.store.nodes = list(journal.nodes)
        if is_new_best:
            self.store.best_id = node.id


class _InspectCoder:
    def __init__(self, model: Any) -> None:
        self.model = model

    async def __call__(self, chat: Chat) -> Reply:
        output = await self.model.generate(_messages(chat))
        return Reply(text=output.completion, tokens=_tokens(output))


class _InspectReviewer:
    def __init__(self, model: Any) -> None:
        self.model = model

    async def __call__(self, system: str, prompt: str) -> tuple[Review, int]:
        from inspect_ai.tool import ToolFunction

        chat: Chat = [("system", system), ("user", prompt)]
        tokens, text = 0, ""
        for _ in range(REVIEW_RETRIES + 1):
            output = await self.model.generate(
                _messages(chat), tools=[review_tool_info()], tool_choice=ToolFunction(REVIEW_TOOL)
            )
            tokens += _tokens(output)
            calls = [c for c in output.message.tool_calls or [] if c.function == REVIEW_TOOL]
            if calls:
                return parse_review(calls[0].arguments), tokens
            text = output.completion
            chat += [("assistant", text), ("user", f"Answer by calling {REVIEW_TOOL}.")]
        # no tool call after the retries: keep the text as the summary, with no metric
        return Review(summary=text), tokens


def _messages(chat: Chat) -> list[Any]:
    from inspect_ai.model import ChatMessageAssistant, ChatMessageSystem, ChatMessageUser

    kinds = {
        "system": ChatMessageSystem,
        "user": ChatMessageUser,
        "assistant": ChatMessageAssistant,
    }
    return [kinds[role](content=text) for role, text in chat]


def _tokens(output: Any) -> int:
    return int(output.usage.total_tokens) if output.usage is not None else 0


def _left(kinds: tuple[str, ...]) -> float | None:
    from inspect_ai.util import sample_limits

    try:
        limits = sample_limits()
    except RuntimeError:
        return None
    left = [getattr(limits, kind).remaining for kind in kinds]
    known = [x for x in left if x is not None]
    return min(known) if known else None


def _sample_time_left() -> float | None:
    return _left(("time", "working"))


def _sample_tokens_left() -> float | None:
    return _left(("token",))
