"""The coder's system prompt, the operator prompts and the reviewer's prompt.

What holds for the whole sample (the task, the description, the environment, the data
preview) is the coder's system prompt, built once: every node's model call then shares one
message, which Inspect stores once, instead of repeating kilobytes per node. Each operator
prompt carries the budget left, what that operator needs and the response format. The first
line of every user prompt names the stage (``Stage: draft``) so a reader of the log, and
scripted test models, can tell them apart.
"""

from __future__ import annotations

from pydantic import BaseModel

from .journal import Journal, Node
from .runner import trim_output

CODER_SYSTEM = """\
You are an expert machine-learning engineer solving a machine-learning competition by writing \
complete Python scripts. Each script you write is run once, on its own, in a fresh process; \
nothing you wrote before is kept except what you repeat in the script."""

REVIEWER_SYSTEM = """\
You review one run of a machine-learning script. Read the code and its output, summarise what \
happened in a few sentences (the approach, the validation result, any error and its likely \
cause), and report the validation score the output shows, if any. Always answer by calling \
the submit_review tool."""

MAX_OUTPUT_IN_PROMPT = 6000


class TaskContext(BaseModel):
    """Facts shared by every prompt of one sample."""

    instructions: str
    description: str
    data_preview: str | None = None
    """Shape, dtypes, ranges and missing counts of the data files (None: preview off)."""
    environment: str = ""
    """Installed packages and hardware, as probed in the sandbox."""
    data_dir: str
    metric_tag: str
    metric_name: str
    lower_is_better: bool
    k_fold_validation: int = 5
    """Ask for k-fold cross-validation where it suits the task (1: a hold-out split)."""
    memory_chars: int = 6000
    """Budget of the memory section (summaries of the working nodes so far)."""

    @property
    def direction(self) -> str:
        """``lower`` or ``higher``: which way the metric improves."""
        return "lower" if self.lower_is_better else "higher"


def _requirements(ctx: TaskContext, timeout: int) -> str:
    validation = (
        f"Use {ctx.k_fold_validation}-fold cross-validation where that suits the task (else a "
        "hold-out split)"
        if ctx.k_fold_validation > 1
        else "Hold out part of the training data"
    )
    return f"""\
Requirements for the script:
- Read the data from {ctx.data_dir} (read-only). Your working directory is a fresh, empty \
directory.
- {validation} and compute the validation score with the competition's metric \
({ctx.metric_name}; {ctx.direction} is better).
- Print it on its own line exactly as `{ctx.metric_tag}=<number>`.
- Write predictions for the whole test set to `submission.csv` in the working directory, in \
the format of the sample submission. (The search copies the best script's submission to the \
graded place itself: write nowhere else.)
- It must finish within {timeout} seconds; keep it simple and fast enough for that.

Answer with a short plan (a few sentences) followed by exactly one ```python code block \
holding the complete script."""


def coder_system(ctx: TaskContext) -> str:
    """The coder's system prompt for one sample: its role, the task and the data."""
    return f"""\
{CODER_SYSTEM}

# Task
{ctx.instructions}

# Competition description
{ctx.description}
{_environment(ctx)}{_preview(ctx)}"""


def _header(stage: str, budget: str) -> str:
    return f"""\
Stage: {stage}

# Budget
{budget}
"""


def _environment(ctx: TaskContext) -> str:
    if not ctx.environment:
        return ""
    return f"""
# Environment (already installed; there is no network)
{ctx.environment}
"""


def _preview(ctx: TaskContext) -> str:
    if ctx.data_preview is None:
        return ""
    return f"""
# Data preview
{ctx.data_preview}
"""


def memory(ctx: TaskContext, journal: Journal) -> str:
    """Summaries of the working nodes so far (best first) within ``ctx.memory_chars``."""
    entries: list[str] = []
    used = 0
    ranked = journal.ranked()
    for node in ranked:
        entry = (
            f"- node {node.id} ({node.stage}"
            + (f" of node {node.parent_id}" if node.parent_id is not None else "")
            + f"), validation metric {node.metric:.6g}\n"
            f"  plan: {_one_line(node.plan, 400)}\n"
            f"  result: {_one_line(node.analysis, 400)}"
        )
        if used + len(entry) > ctx.memory_chars:
            entries.append(f"- ... and {len(ranked) - len(entries)} more working nodes")
            break
        entries.append(entry)
        used += len(entry) + 1
    listing = "\n".join(entries) if entries else "(no working solution yet)"
    return f"""
# Memory: working solutions so far, best first ({ctx.direction} is better)
{listing}
"""


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split()) or "(none)"
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _clip(output: str) -> str:
    """Output for a prompt: a third from the head, the rest from the tail (errors end there)."""
    third = MAX_OUTPUT_IN_PROMPT // 3
    return trim_output(output, head=third, tail=MAX_OUTPUT_IN_PROMPT - third)


def _node_report(node: Node, title: str) -> str:
    metric = "none" if node.metric is None else f"{node.metric:.6g}"
    output = _clip(node.output)
    lines = [
        f"## {title} (node {node.id})",
        f"Plan: {node.plan or '(none given)'}",
        f"Validation metric: {metric}",
    ]
    if node.buggy:
        lines.append(f"Problem: {node.bug_reason}")
    if node.validator_message:
        lines.append(f"Submission check: {node.validator_message}")
    if node.analysis:
        lines.append(f"Review: {node.analysis}")
    lines += ["```python", node.code.rstrip(), "```", "Output:", "```", output.rstrip(), "```"]
    return "\n".join(lines)


def draft_prompt(ctx: TaskContext, journal: Journal, budget: str, timeout: int) -> str:
    """The coder's prompt for a new draft, listing earlier drafts' plans to avoid repeats."""
    earlier = [n for n in journal.drafts()]
    listing = (
        "\n".join(f"- node {n.id}: {n.plan or '(no plan)'}" for n in earlier)
        if earlier
        else "(none yet)"
    )
    return f"""{_header("draft", budget)}{memory(ctx, journal)}
# Your job
Write a first solution: a simple, sound model with a proper validation. Make it different \
from the earlier drafts listed below (another model family or feature approach), and do not \
tune hyper-parameters yet.

Earlier drafts:
{listing}

{_requirements(ctx, timeout)}"""


def improve_prompt(
    ctx: TaskContext, journal: Journal, parent: Node, budget: str, timeout: int
) -> str:
    """The coder's prompt to improve ``parent`` in one focused change."""
    return f"""{_header("improve", budget)}{memory(ctx, journal)}
# Your job
Improve the solution below with ONE atomic change (for example one new feature group, one \
model change, or one hyper-parameter change), so its effect can be measured. Keep the rest \
of the script as it is.

{_node_report(parent, "Current best solution")}

{_requirements(ctx, timeout)}"""


def debug_prompt(
    ctx: TaskContext, journal: Journal, parent: Node, budget: str, timeout: int
) -> str:
    """The coder's prompt to fix ``parent``.

    A parent without code (no usable response) is shown with the code of its nearest ancestor that
    has some (the search redrafts when there is none).
    """
    chain = [n for n in journal.debug_chain(parent)[:-1] if n.code.strip()]
    history = (
        "\n\n".join(_node_report(n, "Earlier attempt") for n in chain)
        if chain
        else "(this is the first fix attempt)"
    )
    failing = _node_report(parent, "Failing script")
    source = journal.code_source(parent)
    if source is not None and source.id != parent.id:
        failing = (
            f"## Failing step (node {parent.id})\nProblem: {parent.bug_reason}\n\n"
            f"That step produced no script; start again from the script it was based on:\n\n"
            + _node_report(source, "Script to fix")
        )
    return f"""{_header("debug", budget)}
# Your job
The script below failed. Find the cause and return the whole script with the bug fixed; \
change nothing else.

{failing}

# Earlier attempts in this chain
{history}

{_requirements(ctx, timeout)}"""


def crossover_prompt(
    ctx: TaskContext, journal: Journal, first: Node, second: Node, budget: str, timeout: int
) -> str:
    """The coder's prompt to combine two working solutions into one."""
    return f"""{_header("crossover", budget)}{memory(ctx, journal)}
# Your job
Combine the two working solutions below into one script that keeps the strongest parts of \
each (for example the features of one and the model of the other, or a blend of both \
models), so it should score better than either.

{_node_report(first, "First parent")}

{_node_report(second, "Second parent")}

{_requirements(ctx, timeout)}"""


def review_prompt(ctx: TaskContext, node: Node) -> str:
    """The reviewer's prompt: the node's code, its run and its output."""
    output = _clip(node.output)
    status = "timed out" if node.timed_out else f"exit status {node.exit_code}"
    return f"""\
Stage: review

The script was meant to print its validation score as `{ctx.metric_tag}=<number>` \
({ctx.metric_name}; {ctx.direction} is better). Set is_bug if the run failed or the script \
is wrong (an error, a validation that leaks the target or is not the competition's metric, \
predictions not written). Report as metric only a number that appears in the output.

Plan: {node.plan or "(none given)"}

```python
{node.code.rstrip()}
```

Run: {status}, {node.exec_time:.1f} seconds.
Output:
```
{output.rstrip()}
```"""
