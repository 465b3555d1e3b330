"""Pull a plan and one runnable Python script out of a coder response.

Models do not always follow the format: they omit the fences, split the script over several
blocks, or send code that does not parse. Each failure becomes an ``ExtractionError`` whose
message is sent back to the model for a bounded number of retries.
"""

from __future__ import annotations

import ast
import re

from pydantic import BaseModel

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.S)
_PYTHON_TAGS = {"", "python", "py", "python3"}
MAX_PLAN_CHARS = 2000


class ExtractionError(ValueError):
    """The response holds no single parseable script; the message says what to fix."""


class Extracted(BaseModel):
    """The plan and the Python script taken from one coder response."""

    plan: str
    code: str


def _parses(code: str) -> str | None:
    """None if ``code`` is valid Python, else a one-line description of the syntax error."""
    try:
        ast.parse(code)
    except SyntaxError as ex:
        return f"line {ex.lineno}: {ex.msg}"
    except ValueError as ex:  # null bytes
        return str(ex)
    return None


def extract(response: str) -> Extracted:
    """The plan (text before the first code block) and the script.

    With several blocks: the longest Python block that parses on its own, unless the blocks
    only parse when joined (a script split into parts), in which case the join.
    """
    blocks = [(tag.lower(), body.strip("\n")) for tag, body in _FENCE.findall(response)]
    blocks = [(tag, body) for tag, body in blocks if tag in _PYTHON_TAGS and body.strip()]
    if not blocks:
        text = response.strip()
        if text and _parses(text) is None and _looks_like_code(text):
            return Extracted(plan="", code=text + "\n")
        raise ExtractionError(
            "no code found: answer with a short plan and then exactly one ```python code block"
        )
    plan = response[: response.find("```")].strip()[:MAX_PLAN_CHARS]
    parsing = [body for _, body in blocks if _parses(body) is None]
    if len(blocks) > 1:
        joined = "\n\n".join(body for _, body in blocks)
        if not parsing and _parses(joined) is None:
            return Extracted(plan=plan, code=joined + "\n")
    if parsing:
        return Extracted(plan=plan, code=max(parsing, key=len) + "\n")
    error = _parses(max((body for _, body in blocks), key=len))
    raise ExtractionError(
        f"the code block is not valid Python ({error}); send the whole script again"
    )


def _looks_like_code(text: str) -> bool:
    """Plain prose can parse as Python (a lone name); require at least one statement-ish line."""
    return bool(re.search(r"^\s*(import |from |def |class |print\(|\w+\s*=)", text, re.M))
