"""pandas 2's default float parser, for raw CSVs that MLE-bench read with a plain ``read_csv``.

MLE-bench (pandas 2.2) parsed floats of such files with the C reader's default "high"
precision routine, which is not correctly rounded: it accumulates at most 17 digits (leading
zeros count) in a double and scales once by a power of ten. pandas >= 3.1 always parses
correctly rounded, so a value with many digits can come out one unit in the last place apart
and print differently, changing the MD5 of a prepared file. Both agree whenever the digits fit
in 15 and there is no exponent (the accumulation and the single scaling are then exact or
correctly rounded), so only the other values are re-parsed here, with the same arithmetic.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_POWERS = [float(f"1e{k}") for k in range(309)]
_MAX_DIGITS = 17
_SAFE_DIGITS = 15
"""Texts with at most this many digits and no exponent parse the same in both versions."""


def _digits(text: str, i: int) -> int:
    while i < len(text) and text[i].isdigit():
        i += 1
    return i


def legacy_float(text: str) -> float:
    """The double that pandas 2's default CSV parser gives for ``text``.

    ``text`` is a plain decimal or scientific number.
    """
    s = text.strip()
    i = 0
    negative = s[:1] == "-"
    if s[:1] in ("+", "-"):
        i = 1
    number, exponent, digits = 0.0, 0, 0
    end = _digits(s, i)
    for ch in s[i:end]:
        if digits < _MAX_DIGITS:
            number = number * 10.0 + (ord(ch) - 48)
            digits += 1
        else:
            exponent += 1  # integer digits beyond 17 only scale
    i = end
    if s[i : i + 1] == ".":
        end = _digits(s, i + 1)
        kept = s[i + 1 : end][: max(0, _MAX_DIGITS - digits)]
        for ch in kept:
            number = number * 10.0 + (ord(ch) - 48)
        digits += len(kept)
        exponent -= len(kept)  # decimals beyond 17 digits are dropped
        i = end
    if negative:
        number = -number
    if s[i : i + 1] in ("e", "E"):
        i += 1
        sign = -1 if s[i : i + 1] == "-" else 1
        if s[i : i + 1] in ("+", "-"):
            i += 1
        power = s[i : _digits(s, i)][:_MAX_DIGITS]
        exponent += sign * int(power or "0")
    if exponent > 308:
        return float("inf") if number > 0 else float("-inf")
    if exponent > 0:
        return number * _POWERS[exponent]
    if exponent < -616:
        return 0.0
    if exponent < -308:
        return number / _POWERS[-308 - exponent] / _POWERS[308]
    return number / _POWERS[-exponent]


def read_csv_legacy(path: Path, *, chunksize: int = 1_000_000) -> pd.DataFrame:
    """``pd.read_csv(path)`` as pandas 2.2 returned it.

    Float columns whose text pandas 2 parsed differently are re-parsed with :func:`legacy_float`
    (read again as text, in chunks, so memory stays bounded).
    """
    import pandas as pd

    frame = pd.read_csv(path)
    floats = [c for c in frame.columns if frame[c].dtype.kind == "f"]
    if not floats:
        return frame
    start = 0
    with pd.read_csv(path, usecols=floats, dtype=str, chunksize=chunksize) as chunks:
        for chunk in chunks:
            for column in floats:
                texts = chunk[column]
                odd = texts.notna() & (
                    (texts.str.count(r"\d") > _SAFE_DIGITS) | texts.str.contains("[eE]")
                )
                if odd.any():
                    rows = start + (odd.to_numpy().nonzero()[0])
                    values = [legacy_float(t) for t in texts[odd]]
                    position = frame.columns.get_loc(column)
                    frame.iloc[rows, position] = values
            start += len(chunk)
    return frame
