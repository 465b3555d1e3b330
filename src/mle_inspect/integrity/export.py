"""Keep the agent's code in the log at the end of a sample (issue 17 item 1).

The integrity checks (:mod:`.judge`, :mod:`.similarity_scorer`) and people reading the log
need the code the agent wrote, and the sandbox is gone once the sample ends. The export takes
every file under the code dir and the scripts (``*.py``, ``*.ipynb``, ``*.sh``) under the other
writable dirs, within size caps, and lists what it skipped and why.

It never hangs and never follows a link out of the sandbox: ``find -P -type f`` lists only
regular files (no FIFO, socket or link), and one ``tar`` run packs them (tar stores a link or a
FIFO that appeared since as what it is, never reading through it), under an exec timeout and
an output cap. The host unpacks only regular-file members.
"""

from __future__ import annotations

import base64
import io
import json
import tarfile
from collections.abc import Iterable
from typing import TYPE_CHECKING

from inspect_ai.util import StoreModel
from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from inspect_ai.util import SandboxEnvironment

    from ..sandboxes.paths import SandboxPaths

SCRIPT_SUFFIXES = (".py", ".ipynb", ".sh")
"""Scripts kept from the submission, logs and workspace dirs (everything is kept from code)."""
MAX_FILE_BYTES = 256 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024
MAX_FILES = 400
EXEC_TIMEOUT = 60


class ExportedFile(BaseModel):
    """One file kept in the log: its sandbox path, size and content."""

    path: str
    """Path inside the sandbox."""
    size: int
    content: str
    """Text (a notebook's code cells, joined); decoded as UTF-8 with replacement."""


class SkippedFile(BaseModel):
    """A file left out of the export, with its size and why."""

    path: str
    size: int
    reason: str


class CodeExport(StoreModel):
    """The agent's code, in the sample's store (``CodeExport:files`` in the log)."""

    files: list[ExportedFile] = Field(default_factory=list)
    skipped: list[SkippedFile] = Field(default_factory=list)
    error: str | None = None
    """Why the export failed (the sandbox was unreachable ...); None when it ran."""
    done: bool = False


def _wanted(path: str, code_dir: str) -> bool:
    return path.startswith(code_dir.rstrip("/") + "/") or path.endswith(SCRIPT_SUFFIXES)


def _notebook_code(text: str) -> str:
    """The code cells of a notebook (its outputs can be megabytes of noise)."""
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return text
    parts = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            parts.append("".join(source) if isinstance(source, list) else str(source))
    return "\n\n# %% next cell\n".join(parts)


def _select(
    listing: Iterable[tuple[int, str]], code_dir: str, max_file: int, max_total: int, max_files: int
) -> tuple[list[tuple[int, str]], list[SkippedFile]]:
    chosen: list[tuple[int, str]] = []
    skipped: list[SkippedFile] = []
    total = 0
    # the code dir first, then smaller files first: many small scripts beat one huge one
    order = sorted(listing, key=lambda e: (not e[1].startswith(code_dir), e[0], e[1]))
    for size, path in order:
        if not _wanted(path, code_dir):
            continue
        if size > max_file:
            skipped.append(SkippedFile(path=path, size=size, reason=f"larger than {max_file} B"))
        elif total + size > max_total or len(chosen) >= max_files:
            skipped.append(SkippedFile(path=path, size=size, reason="total cap reached"))
        else:
            chosen.append((size, path))
            total += size
    return chosen, skipped


def _list_command(roots: list[str], max_entries: int) -> list[str]:
    script = (
        'for d in "$@"; do [ -d "$d" ] && [ ! -L "$d" ] && '
        "find -P \"$d\" -xdev -type f -printf '%s\\t%p\\0' 2>/dev/null; done | "
        f"head -z -n {max_entries}"
    )
    return ["sh", "-c", script, "sh", *roots]


async def export_code(
    environment: SandboxEnvironment | None = None,
    paths: SandboxPaths | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_files: int = MAX_FILES,
    record: bool = True,
) -> CodeExport:
    """Copy the agent's code out of the sandbox into the sample's store (once per sample).

    Call it before the sandbox goes away (the scorer does). Never raises for the agent's
    doing; a failure is recorded in ``CodeExport.error``.

    Args:
        environment: Sandbox (default: the sample's default sandbox).
        paths: Its agent paths (default: :func:`sandbox_paths`).
        max_file_bytes: Larger files are listed as skipped.
        max_total_bytes: Cap on the bytes kept in all.
        max_files: Cap on the number of files kept.
        record: Put the result in the store and a markdown info event in the transcript.
    """
    from inspect_ai.util import Store, sandbox, store_as

    from ..sandboxes.paths import sandbox_paths

    export = store_as(CodeExport) if record else CodeExport(store=Store())
    if record and export.done:
        return export
    environment = environment or sandbox()
    paths = paths or sandbox_paths(environment)
    roots = [paths.code, paths.submission, paths.logs, paths.workspace]
    files: list[ExportedFile] = []
    skipped: list[SkippedFile] = []
    error: str | None = None
    try:
        listed = await environment.exec(_list_command(roots, 20 * max_files), timeout=EXEC_TIMEOUT)
        listing = []
        for entry in listed.stdout.split("\0"):
            size, _, path = entry.partition("\t")
            if path and size.isdigit():
                listing.append((int(size), path))
        chosen, skipped = _select(listing, paths.code, max_file_bytes, max_total_bytes, max_files)
        if chosen:
            files, unread = await _read_files(environment, chosen, max_total_bytes)
            skipped += unread
    except Exception as ex:  # the sandbox may be gone or broken: keep what we have, say why
        error = f"{type(ex).__name__}: {ex}"[:500]
    export.files, export.skipped, export.error, export.done = files, skipped, error, True
    if record:
        from inspect_ai.log import transcript

        transcript().info(export_markdown(files, skipped, error), source="code export")
    return export


async def _read_files(
    environment: SandboxEnvironment, chosen: list[tuple[int, str]], max_total: int
) -> tuple[list[ExportedFile], list[SkippedFile]]:
    """Pack the chosen files with one tar run and unpack the regular files on the host."""
    names = "\0".join(path for _, path in chosen) + "\0"
    cap = max_total + 512 * (2 * len(chosen) + 4) + 10240  # headers and padding
    script = f"tar -c -f - --no-recursion --null -T - 2>/dev/null | head -c {cap} | base64 -w0"
    result = await environment.exec(["sh", "-c", script], input=names, timeout=EXEC_TIMEOUT)
    data = base64.b64decode(result.stdout.strip() or b"")
    files: list[ExportedFile] = []
    found: set[str] = set()
    sizes = {path: size for size, path in chosen}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
            for member in archive:
                path = "/" + member.name.lstrip("/")
                if not member.isreg() or path not in sizes:
                    continue
                handle = archive.extractfile(member)
                raw = handle.read(sizes[path] + 1) if handle else b""
                if b"\0" in raw[:8192]:
                    continue  # binary: reported as skipped below
                text = raw[: sizes[path]].decode("utf-8", errors="replace")
                if path.endswith(".ipynb"):
                    text = _notebook_code(text)
                files.append(ExportedFile(path=path, size=member.size, content=text))
                found.add(path)
    except (tarfile.TarError, EOFError):
        pass  # a truncated archive: keep the members read so far
    unread = [
        SkippedFile(path=p, size=s, reason="binary, changed or unreadable")
        for s, p in chosen
        if p not in found
    ]
    files.sort(key=lambda f: f.path)
    return files, unread


def _fence(text: str, language: str) -> str:
    fence = "`" * max(3, _longest_backticks(text) + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def _longest_backticks(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


_LANGUAGES = {".py": "python", ".sh": "bash", ".ipynb": "python", ".r": "r", ".json": "json"}


def export_markdown(
    files: list[ExportedFile], skipped: list[SkippedFile], error: str | None = None
) -> str:
    """The export as one markdown document (what the viewer shows)."""
    lines = [f"## Agent code: {len(files)} file(s) kept, {len(skipped)} skipped"]
    if error:
        lines.append(f"\nExport error: {error}")
    for item in files:
        suffix = "." + item.path.rsplit(".", 1)[-1].lower() if "." in item.path else ""
        lines.append(f"\n### `{item.path}` ({item.size} B)\n")
        lines.append(_fence(item.content, _LANGUAGES.get(suffix, "")))
    if skipped:
        lines.append("\n### Skipped\n")
        lines += [f"- `{s.path}` ({s.size} B): {s.reason}" for s in skipped]
    return "\n".join(lines)


def stored_export(store: object) -> CodeExport | None:
    """The export kept in a sample's store (a ``Store`` or the log's dict), if any."""
    from inspect_ai.util import Store

    if isinstance(store, dict):
        store = Store(store)
    if not isinstance(store, Store) or not store.get("CodeExport:done"):
        return None
    return CodeExport(store=store)
