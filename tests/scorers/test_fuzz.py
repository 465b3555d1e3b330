"""Fuzzing every grader: malformed submissions end as InvalidSubmission or a finite score.

Each of the 82 competitions gets its synthetic answers (the builders in ``graders/synth_*``)
and a valid submission (gold or sample), which is then broken in 1-3 random ways at the
byte, cell, row or column level: non-finite and huge numbers, NaN spellings, NUL bytes,
wrong types, empty cells, duplicated, missing or unknown ids, extra or renamed columns,
unicode garbage, truncation. Each broken file goes through ``read_submission_csv`` and
``score_submission`` as the harness sends it. Any other exception (a ValueError from
scikit-learn, an IndexError in a parser...) is a grader bug: the sample would error.

Seeded and bounded: the same 10,144 files every run, in about 30 s on one idle core.
"""

from __future__ import annotations

import csv
import io
import math
import random
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pytest

from mle_inspect.competitions import all_competitions
from mle_inspect.scorers import InvalidSubmission, read_submission_csv, score_submission

from .graders.synth_all import covered_ids, synth_case

PER_COMPETITION = 128
FEWER = {  # graders that take 10-30 ms per file (wide files, many AUCs): fewer files
    "jigsaw-unintended-bias-in-toxicity-classification": 40,
    "leaf-classification": 40,
    "freesound-audio-tagging-2019": 40,
    "dog-breed-identification": 40,
}  # 78 x 128 + 4 x 40 = 10,144 files
SEED = 20261205

POISON: list[str] = [
    "inf", "-inf", "+inf", "Infinity", "-Infinity", "1e308", "-1e308", "1.8e308", "1e-320",
    "nan", "NaN", "-nan", "NA", "N/A", "NULL", "None", "null", "", " ", "  \t ",
    "99999999999999999999999999999999", "-9223372036854775809", "18446744073709551616",
    "0x1F", "1_000", "1,5", "١٢٣", "½", "1e", "e5", ".", "-", "+", "--1", "0", "-0", "1.5",
    "-1", "3", "2.5e3", "True", "False", "[1, 2]", "{'a': 1}", "()", "\\", "'", '"', "\"\"",
    "a\x00b", "\x00", "\ufeff1", "\u202eevil", "💥🔥", "ǅ̸̢̛͚", "\u200b", "\r", "\n", "a\nb",
    "1 2 3", "1 1 1 1", "0 0", "1 -5", "5 1 1 1", "-1 3", "x" * 5000, "9" * 400,
    "1" + " 1" * 300, "nan nan", "U+3042 1 1", "14 1 0 0 1 1", "opacity 1 0 0 1 1",
    "car 1 1 1 1 1 1 1", "1:2", "5:3", "YES", "NO", "-1:-1",
]  # fmt: skip
"""Cell values that have broken parsers or metrics somewhere, or should."""


@dataclass
class Case:
    answers: pd.DataFrame
    bases: list[pd.DataFrame]
    """Valid-looking submissions to break (gold and, where built, the sample)."""


def _cases() -> dict[str, Case]:
    """Every competition's answers (as the grader loads them) and base submissions."""
    out: dict[str, Case] = {}
    for cid in covered_ids():
        case = synth_case(cid, rows=24)
        out[cid] = Case(case.answers, [case.gold, case.sample])
    return out


# ------------------------------------------------------------------------ mutations
# Each takes (rng, header, rows) and returns (header, rows): cells as text, as csv reads them.

Table = tuple[list[str], list[list[str]]]


def _cell(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    if rows:
        row = rng.choice(rows)
        if row:
            row[rng.randrange(len(row))] = rng.choice(POISON)
    return header, rows


def _cells(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    for _ in range(rng.randint(2, 6)):
        _cell(rng, header, rows)
    return header, rows


def _column(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    if header:
        j, value = rng.randrange(len(header)), rng.choice(POISON)
        for row in rows:
            if j < len(row):
                row[j] = value
    return header, rows


def _duplicate_row(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    if rows:
        rows.insert(rng.randrange(len(rows) + 1), list(rng.choice(rows)))
    return header, rows


def _drop_row(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    if rows:
        rows.pop(rng.randrange(len(rows)))
    return header, rows


def _no_rows(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    return header, []


def _duplicate_id(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    if len(rows) > 1:
        a, b = rng.sample(range(len(rows)), 2)
        if rows[a] and rows[b]:
            rows[a][0] = rows[b][0]
    return header, rows


def _unknown_id(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    row = rng.choice(rows) if rows else []
    if row:
        row[0] = rng.choice(["zz-unknown", "-1", "1e308", "", "nan", "💥"])
    return header, rows


def _shuffle(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    rng.shuffle(rows)
    return header, rows


def _ragged(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    if rows:
        row = rng.choice(rows)
        if rng.random() < 0.5 and row:
            row.pop()
        else:
            row.extend(["extra"] * rng.randint(1, 3))
    return header, rows


def _drop_column(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    if header:
        j = rng.randrange(len(header))
        header = header[:j] + header[j + 1 :]
        rows = [r[:j] + r[j + 1 :] for r in rows]
    return header, rows


def _extra_column(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    name = rng.choice(["extra", "Unnamed: 0", "", "💥", header[0] if header else "x"])
    value = rng.choice(POISON)
    return [*header, name], [[*r, value] for r in rows]


def _rename_column(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    if header:
        header[rng.randrange(len(header))] = rng.choice(
            ["", " id", "ID", "\ufeffid", "ǅ̸̢̛͚", header[-1], "nan", "0"]
        )
    return header, rows


def _swap_columns(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    if len(header) > 1:
        i, j = rng.sample(range(len(header)), 2)
        header[i], header[j] = header[j], header[i]
    return header, rows


def _transpose_types(rng: random.Random, header: list[str], rows: list[list[str]]) -> Table:
    """One whole column of one wrong kind: text, booleans, huge ints, floats."""
    if header:
        j = rng.randrange(len(header))
        kind = rng.choice(["text", "bool", "huge", "float", "neg", "empty"])
        for k, row in enumerate(rows):
            if j < len(row):
                row[j] = {
                    "text": "abc",
                    "bool": rng.choice(["True", "False"]),
                    "huge": str(10**30 + k),
                    "float": f"{rng.uniform(-1e6, 1e6)}",
                    "neg": f"-{k + 1}",
                    "empty": "",
                }[kind]
    return header, rows


TABLE_MUTATIONS: list[Callable[[random.Random, list[str], list[list[str]]], Table]] = [
    _cell, _cell, _cell, _cells, _column, _duplicate_row, _drop_row, _no_rows, _duplicate_id,
    _unknown_id, _shuffle, _ragged, _drop_column, _extra_column, _rename_column,
    _swap_columns, _transpose_types,
]  # fmt: skip


def _bytes_mutation(rng: random.Random, data: bytes) -> bytes:
    """Damage at the byte level: NULs, bad UTF-8, BOM, line endings, truncation, delimiters."""
    kind = rng.randrange(9)
    at = rng.randrange(len(data) + 1)
    if kind == 0:
        return data[:at] + b"\x00" * rng.randint(1, 4) + data[at:]
    if kind == 1:
        return data[:at] + rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"]) + data[at:]
    if kind == 2:
        return b"\xef\xbb\xbf" + data
    if kind == 3:
        return data.replace(b"\n", b"\r\n") if rng.random() < 0.5 else data.replace(b"\n", b"\r")
    if kind == 4:
        return data[:at]
    if kind == 5:
        return data.replace(b",", rng.choice([b";", b"\t", b"|", b",,"]))
    if kind == 6:
        return data[:at] + rng.choice([b'"', b'"""', b"\\", b"\n\n\n", b",", b"#"]) + data[at:]
    if kind == 7:
        return b"" if rng.random() < 0.5 else rng.choice([b"\n", b" \n \n", b",,,\n"])
    mutated = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if mutated:
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
    return bytes(mutated)


def _to_table(frame: pd.DataFrame) -> Table:
    rows = list(csv.reader(io.StringIO(frame.to_csv(index=False))))
    return rows[0], rows[1:]


def _to_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", errors="surrogatepass")


def _malformed(rng: random.Random, table: Table) -> bytes:
    header, rows = list(table[0]), [list(r) for r in table[1]]
    for _ in range(rng.choice([1, 1, 2, 3])):
        header, rows = rng.choice(TABLE_MUTATIONS)(rng, header, rows)
    data = _to_bytes(header, rows)
    if rng.random() < 0.2:
        data = _bytes_mutation(rng, data)
    return data


@dataclass
class Outcome:
    graded: int = 0
    invalid: int = 0
    scored: int = 0
    crashes: list[str] | None = None


def _fuzz(cid: str, case: Case, n: int, rng: random.Random) -> Outcome:
    outcome = Outcome(crashes=[])
    assert outcome.crashes is not None
    tables = [_to_table(base) for base in case.bases]
    for _ in range(n):
        data = _malformed(rng, rng.choice(tables))
        outcome.graded += 1
        try:
            frame = read_submission_csv(data)
            score = score_submission(cid, frame, case.answers.copy())
        except InvalidSubmission as ex:
            assert str(ex), f"{cid}: InvalidSubmission without a message"
            outcome.invalid += 1
            continue
        except Exception as ex:  # noqa: BLE001 - every other exception is the bug we hunt
            outcome.crashes.append(f"{cid}: {type(ex).__name__}: {str(ex)[:200]} <- {data[:300]!r}")
            continue
        # a NaN score is a valid file whose metric is undefined (as in MLE-bench); ±inf never is
        if not (isinstance(score, float) and (math.isfinite(score) or math.isnan(score))):
            outcome.crashes.append(f"{cid}: infinite score {score!r} <- {data[:300]!r}")
            continue
        outcome.scored += 1
    return outcome


def test_fuzzed_submissions_never_raise_anything_but_invalid_submission(
    record_property: Callable[[str, object], None],
) -> None:
    cases = _cases()
    graded_ids = {c.id for c in all_competitions() if not c.id.startswith("demo-")}
    assert set(cases) == graded_ids and len(cases) == 82, "every competition is fuzzed"
    rng = random.Random(SEED)
    started = time.perf_counter()
    total, crashes = Outcome(crashes=[]), []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cid in sorted(cases):
            result = _fuzz(cid, cases[cid], FEWER.get(cid, PER_COMPETITION), rng)
            total.graded += result.graded
            total.invalid += result.invalid
            total.scored += result.scored
            crashes += result.crashes or []
    elapsed = time.perf_counter() - started
    summary = (
        f"fuzz: {total.graded} malformed submissions over {len(cases)} graders in "
        f"{elapsed:.1f} s: {total.invalid} InvalidSubmission, {total.scored} given a finite "
        f"score (harmless damage such as shuffled rows, or files the original accepted), "
        f"{len(crashes)} crashes"
    )
    print(summary)
    record_property("fuzz_submissions", total.graded)
    record_property("fuzz_crashes", len(crashes))
    assert total.graded >= 10_000
    assert not crashes, summary + "\n" + "\n".join(crashes[:40])


@pytest.mark.parametrize("value", ["inf", "-inf", "1e308", "nan", "99999999999999999999"])
def test_non_finite_and_huge_labels_in_an_accuracy_competition_are_invalid(value: str) -> None:
    """The attack of issue 14 item 8: ``inf`` as a label made scikit-learn raise."""
    cid = "tabular-playground-series-dec-2021"
    case = _cases_one(cid)
    header, rows = _to_table(case.bases[0])
    rows[0][1] = value
    with pytest.raises(InvalidSubmission):
        score_submission(cid, read_submission_csv(_to_bytes(header, rows)), case.answers)


@pytest.mark.parametrize("value", ["1e308", "-1e308", "1e19", "99999999999999999999"])
def test_whole_numbers_beyond_64_bits_are_invalid_kappa_labels(value: str) -> None:
    """scikit-learn 1.5 found such floats "continuous" (their cast to int overflowed)."""
    cid = "aptos2019-blindness-detection"
    synth = synth_case(cid)
    header, rows = _to_table(synth.gold)
    rows[2][1] = value
    with pytest.raises(InvalidSubmission, match="whole numbers"):
        score_submission(cid, read_submission_csv(_to_bytes(header, rows)), synth.answers)


def _cases_one(cid: str) -> Case:
    case = synth_case(cid, rows=24)
    return Case(case.answers, [case.gold, case.sample])
