"""``aide``: the tree-search solver, wiring the search loop to Inspect's models, sandbox and log."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from inspect_ai.solver import Generate, Solver, TaskState, solver

from .budget import Budget
from .evaluate import REVIEW_TOOL, Review, parse_review, review_tool_info
from .journal import Journal, Node
from .prompts import TaskContext
from .search import AideSearch, Chat, Hooks, Reply
from .viewer import AideStore, node_card, tree_summary

REVIEW_RETRIES = 2


@solver
def aide(
    preset: str | None = None,
    steps: int | None = None,
    num_drafts: int | None = None,
    debug_prob: float | None = None,
    max_debug_depth: int | None = None,
    k_fold_validation: int | None = None,
    code_temperature: float | None = None,
    feedback_temperature: float | None = None,
    data_preview: bool | None = None,
    data_preview_tokens: int | None = None,
    memory_tokens: int | None = None,
    policy: str | None = None,
    seed: int | None = None,
    time_limit: float | None = None,
    token_limit: int | None = None,
    reserve_seconds: float | None = None,
    exec_timeout: int | None = None,
    min_exec_timeout: int | None = None,
    extraction_retries: int | None = None,
    metric_tag: str | None = None,
    output_head: int | None = None,
    output_tail: int | None = None,
    uct_c: float | None = None,
    max_children: int | None = None,
    population_size: int | None = None,
    selection: str | None = None,
    tournament_size: int | None = None,
    crossover_prob: float | None = None,
) -> Solver:
    """AIDE-style tree search over complete scripts (draft, debug, improve, crossover).

    The coder is the task model (or the ``coder`` role); the ``reviewer`` role (default: the
    task model) judges each run through a forced tool call. Budgets combine these settings
    with the sample's time, working and token limits. Unset arguments take the preset's
    value, else the original aideml's default (see ``config.py``).

    Args:
        preset: ``mlebench`` (MLE-bench's AIDE run: 500 steps, debug_prob 1,
            max_debug_depth 20, 9 h per script, 24 h in all) or ``aideml`` (the defaults).
        steps: Most nodes (scripts) to make (default 100).
        num_drafts: Drafts to write before debugging or improving (5).
        debug_prob: Chance of debugging a buggy leaf once the drafts exist (0.5).
        max_debug_depth: A buggy leaf is debugged while its debug depth is at most this, as
            in the original (so a chain holds up to this + 1 debug nodes); negative: never (3).
        k_fold_validation: Ask for k-fold cross-validation where it suits (5; 1: hold-out).
        code_temperature: Temperature of the coder (0.5).
        feedback_temperature: Temperature of the reviewer (0.5).
        data_preview: Show a data preview (shapes, types, ranges, missing values) (True).
        data_preview_tokens: Token budget of the data preview (2000).
        memory_tokens: Token budget of the summaries of working nodes in prompts (1500).
        policy: Search policy: ``greedy``, ``mcts`` or ``evolutionary``.
        seed: Seed of the one generator behind every random choice (0).
        time_limit: Seconds for the search (besides the sample limits).
        token_limit: Tokens for the search (besides the sample limits).
        reserve_seconds: Time kept back for finishing (default: 5% of the time, 10-600s).
        exec_timeout: Longest a single script may run, in seconds (3600).
        min_exec_timeout: No node is started with less time than this for its script (30).
        extraction_retries: Extra coder calls when a response holds no usable script (2).
        metric_tag: The script prints ``<metric_tag>=<value>``.
        output_head: Characters kept from the start of a script's output.
        output_tail: Characters kept from the end of a script's output.
        uct_c: MCTS: exploration constant of UCT (1.0).
        max_children: MCTS: most improve children of a working node (3).
        population_size: Evolutionary: best working nodes that may be parents (8).
        selection: Evolutionary: ``tournament`` or ``fitness`` (proportional).
        tournament_size: Evolutionary: entrants per tournament (3).
        crossover_prob: Evolutionary: chance of a crossover instead of an improve (0.3).
    """
    from .config import resolve_config
    from .overview import CHARS_PER_TOKEN
    from .policies import POLICIES

    if policy is not None and policy not in POLICIES:
        raise ValueError(f"unknown AIDE policy {policy!r}; available: {', '.join(POLICIES)}")
    config = resolve_config(
        preset,
        steps=steps,
        num_drafts=num_drafts,
        debug_prob=debug_prob,
        max_debug_depth=max_debug_depth,
        k_fold_validation=k_fold_validation,
        code_temperature=code_temperature,
        feedback_temperature=feedback_temperature,
        data_preview=data_preview,
        data_preview_tokens=data_preview_tokens,
        memory_tokens=memory_tokens,
        policy=policy,
        seed=seed,
        time_limit=time_limit,
        token_limit=token_limit,
        reserve_seconds=reserve_seconds,
        exec_timeout=exec_timeout,
        min_exec_timeout=min_exec_timeout,
        extraction_retries=extraction_retries,
        metric_tag=metric_tag,
        output_head=output_head,
        output_tail=output_tail,
        uct_c=uct_c,
        max_children=max_children,
        population_size=population_size,
        selection=selection,
        tournament_size=tournament_size,
        crossover_prob=crossover_prob,
    )
    search_policy = POLICIES[config.policy](**config.policy_settings())

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        from inspect_ai.model import get_model
        from inspect_ai.util import LimitExceededError

        from ...sandboxes.paths import sandbox_paths
        from .._tokens import offline_token_counting
        from ..tools import SubmissionTarget, check_submission
        from .runner import SandboxWorkspace

        offline_token_counting()
        paths = sandbox_paths()
        workspace = SandboxWorkspace(
            paths, config.metric_tag, output_head=config.output_head, output_tail=config.output_tail
        )
        preview_chars = config.data_preview_tokens * CHARS_PER_TOKEN
        facts = await workspace.facts(preview_chars if config.data_preview else None)
        meta = state.metadata
        ctx = TaskContext(
            instructions=state.input_text,
            description=facts.description,
            data_preview=facts.data_preview if config.data_preview else None,
            environment=facts.environment,
            data_dir=paths.data,
            metric_tag=config.metric_tag,
            metric_name=str(meta.get("metric") or "the competition metric"),
            lower_is_better=bool(meta["lower_is_better"]),
            k_fold_validation=config.k_fold_validation,
            memory_chars=config.memory_tokens * CHARS_PER_TOKEN,
        )
        budget = Budget(
            max_steps=config.steps,
            time_limit=config.time_limit,
            token_limit=config.token_limit,
            reserve_seconds=config.reserve_seconds,
            exec_timeout=config.exec_timeout,
            min_exec_timeout=config.min_exec_timeout,
            sample_time_left=_sample_time_left,
            sample_tokens_left=_sample_tokens_left,
        )
        target = SubmissionTarget.from_metadata(meta)

        async def validator(path: str) -> tuple[bool, str]:
            # streamed from the sandbox: files above Inspect's read limit are checked too
            check = await check_submission(path, target)
            return check.valid, check.message

        store = AideStore(config=config.model_dump())
        search = AideSearch(
            ctx=ctx,
            policy=search_policy,
            budget=budget,
            workspace=workspace,
            coder=_InspectCoder(get_model(role="coder"), config.code_temperature),
            reviewer=_InspectReviewer(get_model(role="reviewer"), config.feedback_temperature),
            validator=validator,
            seed=config.seed,
            extraction_retries=config.extraction_retries,
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
    # written once at the end: Inspect snapshots and diffs the store around every span, so a
    # journal kept there during the search would cost O(nodes) per node
    store.nodes = list(journal.nodes)
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
        "policy": type(search.policy).__name__,
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
        if is_new_best:
            self.store.best_id = node.id


class _SharedSystemMessages:
    """Chat turns as Inspect messages, reusing one message object per system text.

    Inspect snapshots each call's input and shares the copy of a message it has seen
    unchanged (same id), so the system prompt (task, description, data preview: kilobytes) is
    stored once per sample rather than once per node.
    """

    def __init__(self) -> None:
        self._system: dict[str, Any] = {}

    def messages(self, chat: Chat) -> list[Any]:
        from inspect_ai.model import ChatMessageAssistant, ChatMessageSystem, ChatMessageUser

        kinds = {"user": ChatMessageUser, "assistant": ChatMessageAssistant}
        out: list[Any] = []
        for role, text in chat:
            if role != "system":
                out.append(kinds[role](content=text))
                continue
            if text not in self._system:
                self._system[text] = ChatMessageSystem(content=text)
            out.append(self._system[text])
        return out


class _InspectCoder(_SharedSystemMessages):
    def __init__(self, model: Any, temperature: float) -> None:
        super().__init__()
        self.model = model
        self.temperature = temperature

    async def __call__(self, chat: Chat) -> Reply:
        from inspect_ai.model import GenerateConfig

        output = await self.model.generate(
            self.messages(chat), config=GenerateConfig(temperature=self.temperature)
        )
        return Reply(text=output.completion, tokens=_tokens(output))


class _InspectReviewer(_SharedSystemMessages):
    def __init__(self, model: Any, temperature: float) -> None:
        super().__init__()
        self.model = model
        self.temperature = temperature

    async def __call__(self, system: str, prompt: str) -> tuple[Review, int]:
        from inspect_ai.model import GenerateConfig
        from inspect_ai.tool import ToolFunction

        chat: Chat = [("system", system), ("user", prompt)]
        tokens, text = 0, ""
        for _ in range(REVIEW_RETRIES + 1):
            output = await self.model.generate(
                self.messages(chat),
                tools=[review_tool_info()],
                tool_choice=ToolFunction(REVIEW_TOOL),
                config=GenerateConfig(temperature=self.temperature),
            )
            tokens += _tokens(output)
            calls = [c for c in output.message.tool_calls or [] if c.function == REVIEW_TOOL]
            if calls:
                return parse_review(calls[0].arguments), tokens
            text = output.completion
            chat += [("assistant", text), ("user", f"Answer by calling {REVIEW_TOOL}.")]
        # no tool call after the retries: keep the text as the summary, with no metric
        return Review(summary=text), tokens


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
