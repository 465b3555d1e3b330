"""How often each sample called ``validate_submission``, and whether any call returned a score.

A 2 MB transcript costs far more to validate into Inspect's models than the report may spend,
so this reads each sample's JSON straight from the ``.eval`` zip and looks only at tool events:
Inspect writes a tool event as ``"event":"tool","type":"function","id":...,"function":...``,
a sequence no message, tool call or model input contains. Other log formats fall back to
Inspect's reader.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel

TOOL = "validate_submission"
_EVENT = re.compile(rb'"event":"tool","type":"function","id":"((?:[^"\\]|\\.)*)","function":"')
_VERDICT = re.compile(r"^\s*(VALID|INVALID)\b")
_ZSTD = 93
_WINDOW = 1 << 16


class ValidationCalls(BaseModel):
    """The ``validate_submission`` calls of one sample."""

    calls: int = 0
    not_verdicts: int = 0
    """Results that are not a VALID/INVALID verdict (should stay 0)."""
    score_leaks: int = 0
    """Results that contain the sample's graded score (should stay 0)."""


def _member_bytes(handle: zipfile.ZipFile, raw: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """One zip member's content.

    zstd members (Inspect's default) are decoded here, since the standard library's zipfile cannot.
    """
    if info.compress_type != _ZSTD:
        return handle.read(info)
    import zstandard  # an inspect_ai dependency

    raw.seek(info.header_offset)
    header = raw.read(30)  # the local file header; name and extra field lengths at 26..30
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    compressed = raw.read(info.compress_size)
    return zstandard.ZstdDecompressor().decompress(compressed, max_output_size=info.file_size)


def _json_value(data: bytes, start: int) -> object:
    text = data[start : start + _WINDOW].decode("utf-8", errors="replace")
    try:
        value, _ = json.JSONDecoder().raw_decode(text)
    except ValueError:
        return None
    return value


def _attachment(data: bytes, ref: str) -> str | None:
    key = b'"' + ref.removeprefix("attachment://").encode() + b'":'
    at = data.rfind(key)
    if at < 0:
        return None
    value = _json_value(data, at + len(key))
    return value if isinstance(value, str) else None


def _result_text(data: bytes, start: int) -> str:
    """The ``result`` of the tool event starting at ``start``, attachments resolved."""
    at = data.find(b'"result":', start, start + _WINDOW)
    if at < 0:
        return ""
    value = _json_value(data, at + len(b'"result":'))
    if isinstance(value, list):  # content blocks
        value = " ".join(str(v.get("text", "")) for v in value if isinstance(v, dict))
    text = str(value or "")
    if text.startswith("attachment://"):
        text = _attachment(data, text) or text
    return text


def count_calls(sample_json: bytes, score_text: str | None = None) -> ValidationCalls:
    """Count the sample's ``validate_submission`` tool events and check their results."""
    calls = ValidationCalls()
    seen: set[bytes] = set()
    function = f'{TOOL}"'.encode()
    for match in _EVENT.finditer(sample_json):
        if not sample_json.startswith(function, match.end()) or match.group(1) in seen:
            continue
        seen.add(match.group(1))
        calls.calls += 1
        result = _result_text(sample_json, match.end())
        if not _VERDICT.match(result):
            calls.not_verdicts += 1
        if score_text and score_text in result:
            calls.score_leaks += 1
    return calls


def _sample_members(handle: zipfile.ZipFile) -> Iterator[zipfile.ZipInfo]:
    for info in handle.infolist():
        if info.filename.startswith("samples/") and info.filename.endswith(".json"):
            yield info


def _member_name(sample_id: str | int, epoch: int) -> str:
    return f"samples/{sample_id}_epoch_{epoch}.json"


def scan_log(
    path: Path, score_texts: dict[tuple[str, int], str | None]
) -> dict[tuple[str, int], ValidationCalls]:
    """Validation calls per (sample id, epoch) for the samples named in ``score_texts``."""
    if path.suffix != ".eval":
        return _scan_with_inspect(path, score_texts)
    found: dict[tuple[str, int], ValidationCalls] = {}
    with open(path, "rb") as raw, zipfile.ZipFile(raw) as handle:
        members = {info.filename: info for info in _sample_members(handle)}
        for (sample_id, epoch), score_text in score_texts.items():
            info = members.get(_member_name(sample_id, epoch))
            if info is not None:
                found[(sample_id, epoch)] = count_calls(
                    _member_bytes(handle, raw, info), score_text
                )
    return found


def _scan_with_inspect(
    path: Path, score_texts: dict[tuple[str, int], str | None]
) -> dict[tuple[str, int], ValidationCalls]:
    from inspect_ai.log import read_eval_log_samples

    found: dict[tuple[str, int], ValidationCalls] = {}
    for sample in read_eval_log_samples(str(path), all_samples_required=False):
        key = (str(sample.id), sample.epoch)
        if key in score_texts:
            events = [e.model_dump_json() for e in sample.events if e.event == "tool"]
            blob = ("[" + ",".join(events) + "]").encode()
            found[key] = count_calls(_compact(blob), score_texts[key])
    return found


def _compact(blob: bytes) -> bytes:
    """Re-serialise without spaces, the form ``count_calls`` matches."""
    return json.dumps(json.loads(blob), separators=(",", ":")).encode()
