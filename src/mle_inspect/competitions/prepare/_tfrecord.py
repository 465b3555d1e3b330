"""Read string features from TFRecord files of ``tf.train.Example`` without TensorFlow.

siim-isic-melanoma-classification takes its test set from the image names inside two
TFRecord files; installing TensorFlow for that is out of proportion, and both formats are
small and stable: a record is ``uint64 length, uint32 crc, data, uint32 crc`` and an Example
is a protobuf map from feature names to lists.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path


def iter_records(path: Path) -> Iterator[bytes]:
    """Payloads of a TFRecord file (CRCs are skipped: the archive's MD5 already vouches)."""
    with path.open("rb") as handle:
        while header := handle.read(12):
            if len(header) < 12:
                raise ValueError(f"{path.name}: truncated record header")
            (length,) = struct.unpack("<Q", header[:8])
            data = handle.read(length)
            if len(data) < length or len(handle.read(4)) < 4:
                raise ValueError(f"{path.name}: truncated record")
            yield data


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(buf: bytes) -> Iterator[tuple[int, bytes | int]]:
    """(field number, value) of one protobuf message; length-delimited values as bytes."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            yield number, value
        elif wire == 2:
            length, pos = _varint(buf, pos)
            yield number, buf[pos : pos + length]
            pos += length
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")


def bytes_feature(example: bytes, name: str) -> list[bytes]:
    """The values of a bytes-list feature of a serialized ``tf.train.Example``."""
    for number, features in _fields(example):
        if number != 1 or not isinstance(features, bytes):
            continue
        for entry_number, entry in _fields(features):
            if entry_number != 1 or not isinstance(entry, bytes):
                continue
            parts = dict(_fields(entry))
            if parts.get(1) != name.encode():
                continue
            feature = parts.get(2)
            if not isinstance(feature, bytes):
                return []
            for kind, values in _fields(feature):
                if kind == 1 and isinstance(values, bytes):  # BytesList
                    return [v for n, v in _fields(values) if n == 1 and isinstance(v, bytes)]
            return []
    return []


def string_feature_values(path: Path, name: str) -> list[str]:
    """Every value of a string feature across a file's records, UTF-8 decoded."""
    return [v.decode("utf-8") for record in iter_records(path) for v in bytes_feature(record, name)]
