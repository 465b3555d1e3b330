"""Stream BSON documents as raw bytes, without pymongo.

cdiscount's train.bson (58 GB) is a plain concatenation of documents. MLE-bench decodes
each one with pymongo and re-encodes the ones it keeps; pymongo's decode/encode round trip
gives back the same bytes (keys keep their order, int32/int64 and binary subtypes are
preserved), so copying a kept document's bytes, or cutting one top-level element out of
them, writes exactly what MLE-bench writes, at disk speed and constant memory.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

_FIXED = {0x01: 8, 0x07: 12, 0x08: 1, 0x09: 8, 0x0A: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16}
"""Value sizes of fixed-width BSON types (double, ObjectId, bool, date, null, int32, ...)."""


def iter_documents(handle: BinaryIO) -> Iterator[bytes]:
    """Each document of a BSON stream, as its bytes."""
    while head := handle.read(4):
        if len(head) < 4:
            raise ValueError("truncated BSON document length")
        (size,) = struct.unpack("<i", head)
        body = handle.read(size - 4)
        if len(body) < size - 4:
            raise ValueError("truncated BSON document")
        yield head + body


def elements(document: bytes) -> Iterator[tuple[str, int, int, int]]:
    """Top-level (name, type, start, end) of each element.

    ``start:end`` spans the whole element (type byte, name and value).
    """
    pos, end = 4, len(document) - 1
    while pos < end:
        start = pos
        kind = document[pos]
        name_end = document.index(b"\x00", pos + 1)
        name = document[pos + 1 : name_end].decode("utf-8")
        pos = name_end + 1
        if kind in _FIXED:
            pos += _FIXED[kind]
        elif kind in (0x02, 0x0D, 0x0E):  # string, code, symbol: int32 length + bytes
            pos += 4 + struct.unpack_from("<i", document, pos)[0]
        elif kind in (0x03, 0x04):  # embedded document / array: its own int32 total size
            pos += struct.unpack_from("<i", document, pos)[0]
        elif kind == 0x05:  # binary: int32 length + subtype byte + bytes
            pos += 5 + struct.unpack_from("<i", document, pos)[0]
        else:
            raise ValueError(f"unsupported BSON element type 0x{kind:02x} for {name!r}")
        yield name, kind, start, pos


def int_field(document: bytes, name: str) -> int:
    """The value of an int32/int64 top-level field."""
    for key, kind, _start, stop in elements(document):
        if key == name:
            value = document[stop - (4 if kind == 0x10 else 8) : stop]
            if kind == 0x10:
                return struct.unpack("<i", value)[0]
            if kind == 0x12:
                return struct.unpack("<q", value)[0]
            raise ValueError(f"field {name!r} is not an integer (type 0x{kind:02x})")
    raise KeyError(name)


def without(document: bytes, name: str) -> bytes:
    """The document with one top-level element removed (its length prefix updated)."""
    for key, _kind, start, stop in elements(document):
        if key == name:
            body = document[4:start] + document[stop:]
            return struct.pack("<i", len(body) + 4) + body
    return document


def read_ids(path: Path, *fields: str) -> Iterator[tuple[int, ...]]:
    """The integer ``fields`` of every document of a BSON file, in file order."""
    with path.open("rb") as handle:
        for document in iter_documents(handle):
            yield tuple(int_field(document, f) for f in fields)
