"""Peak memory of grading huge or hostile submissions, one file shape at a time.

    python benchmarks/grading_memory.py [--sizes-mb 200 1000] [--big] [--keep]

One tabular competition (tabular-playground-series-dec-2021: ``Id,Cover_Type``) is laid out
as a prepared data dir with 1,000,000 answer rows. Each scenario writes a submission, then
grades it with ``mle_inspect.scorers.grade`` in a fresh child process. The child first grades
a header-only file (imports, answers, sample shape: the baseline), then the submission, and
reports both high-water marks (``VmHWM``: ``ru_maxrss`` would include the parent's
peak, which a forked child inherits). "extra" is the submission's own cost, peak
minus baseline. Targets (issue 14 item 9): extra under 3x the file size for every file that
is parsed, and never above 4 GiB at the default cap.

Refused before parsing (one chunked scan, or ``stat``):
- NUL bytes (sparse on disk), refused at the first chunk;
- real rows repeated to the size: more lines than twice a full-size submission;
- a header of 1,000 fields (of ``0``), over the field limit;
- real rows over ``MLE_INSPECT_MAX_SUBMISSION_BYTES``, refused from ``stat``.

Parsed in full, each just under a limit (the worst a file can cost):
- narrow numeric rows (``4000000,3``) and narrow text rows (``img_000000001,3``) just under
  the line limit: the most cells per byte, where pandas' per-cell cost dominates;
- rows of ``0`` in as many fields as the field limit allows (18), just under the line limit;
- a few rows of very long strings (RLE-like) just under the parse budget, a third of the
  cap: with the cap at 600 MB, and with ``--big`` at the default 4 GiB (a 1.3 GB file).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMPETITION = "tabular-playground-series-dec-2021"
ANSWER_ROWS = 1_000_000
MB = 1024**2

CHILD = """
import json, sys, time
from mle_inspect.scorers import grade

def high_water_kib():  # VmHWM: this process image's own peak (ru_maxrss keeps the parent's)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

grade(sys.argv[1], sys.argv[4], data_dir=sys.argv[3])  # imports, answers, sample: the baseline
base = high_water_kib()
started = time.perf_counter()
report = grade(sys.argv[1], sys.argv[2], data_dir=sys.argv[3])
print(json.dumps({"valid": report.valid_submission, "message": report.message[:100],
                  "seconds": time.perf_counter() - started, "base_kib": base,
                  "peak_kib": high_water_kib()}))
"""


def prepare(root: Path) -> bytes:
    """Lay out the competition's answers; returns the CSV rows of a valid submission."""
    import numpy as np
    import pandas as pd

    from mle_inspect.competitions import get_competition
    from mle_inspect.data import competition_paths
    from mle_inspect.data._layout import MARKER_NAME

    competition = get_competition(COMPETITION)
    paths = competition_paths(COMPETITION, root)
    for rel in (competition.answers, competition.sample_submission):
        (paths.prepared / rel).parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    answers = pd.DataFrame(
        {
            "Id": np.arange(4_000_000, 4_000_000 + ANSWER_ROWS),
            "Cover_Type": rng.integers(1, 8, ANSWER_ROWS),
        }
    )
    answers.to_csv(paths.prepared / competition.answers, index=False)
    answers.head(5).to_csv(paths.prepared / competition.sample_submission, index=False)
    (paths.prepared / MARKER_NAME).write_text("{}")
    return answers.to_csv(index=False).encode()


def write_rows(path: Path, valid: bytes, size: int) -> None:
    """The valid file, then its rows again and again, up to ``size`` bytes (whole lines)."""
    header, _, body = valid.partition(b"\n")
    with open(path, "wb") as out:
        out.write(header + b"\n")
        written = len(header) + 1
        while written + len(body) <= size:
            out.write(body)
            written += len(body)
        rest = body[: size - written]
        out.write(rest[: rest.rfind(b"\n") + 1])


def write_nuls(path: Path, size: int) -> None:
    with open(path, "wb") as out:
        out.truncate(size)


def write_narrow(path: Path, lines: int, text_ids: bool) -> None:
    """``lines`` data rows of distinct ids (numbers, or ``img_`` names) and a one-digit label."""
    import numpy as np
    import pandas as pd

    ids = np.arange(4_000_000, 4_000_000 + lines)
    frame = pd.DataFrame(
        {"Id": np.char.add("img_", ids.astype(str)) if text_ids else ids, "Cover_Type": ids % 7}
    )
    frame.to_csv(path, index=False, chunksize=1_000_000)


def write_wide(path: Path, fields: int, lines: int) -> None:
    """A header of ``fields`` names, then ``lines`` rows of ``0`` in every field."""
    with open(path, "wb") as out:
        out.write(",".join(f"c{i}" for i in range(fields)).encode() + b"\n")
        row = b"0," * (fields - 1) + b"0\n"
        for _ in range(lines):
            out.write(row)


def write_long_strings(path: Path, size: int, rows: int = 20) -> None:
    """``rows`` rows whose second cell is a run-length string, about ``size`` bytes in all."""
    per_row = size // rows
    run = b"1 2 " * (per_row // 4)
    with open(path, "wb") as out:
        out.write(b"Id,Cover_Type\n")
        for i in range(rows):
            out.write(str(4_000_000 + i).encode() + b"," + run + b"\n")


def measure(path: Path, root: Path, env: dict[str, str]) -> tuple[float, float, float, dict]:
    """(peak RSS, extra over the baseline, both MiB; wall seconds; the child's JSON line).

    The child reports its own ``VmHWM`` (KiB) after the baseline and at the end.
    """
    import json

    empty = root / "header-only.csv"
    empty.write_text("Id,Cover_Type\n")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, COMPETITION, str(path), str(root), str(empty)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    wall = time.perf_counter() - started
    out = json.loads(done.stdout.strip().splitlines()[-1])
    peak, base = out["peak_kib"] / 1024, out["base_kib"] / 1024
    return peak, peak - base, wall, out


def main() -> None:
    from mle_inspect.scorers.grading import FullSize
    from mle_inspect.scorers.limits import DEFAULT_MAX_SUBMISSION_BYTES, MAX_SUBMISSION_ENV

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--big", action="store_true", help="also a 1.3 GB file at the default cap")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="mle-grading-memory-"))
    rows: list[tuple[str, float, float, float, float, dict]] = []

    def run(name: str, path: Path, env: dict[str, str]) -> None:
        file_mb = path.stat().st_size / MB
        peak, extra, wall, out = measure(path, root, env)
        rows.append((name.format(mb=file_mb), file_mb, peak, extra, wall, out))
        path.unlink()

    try:
        valid = prepare(root)
        env = dict(os.environ)
        full = FullSize(ANSWER_ROWS, 2)
        small = root / "valid.csv"
        small.write_bytes(valid)
        peak, extra, wall, out = measure(small, root, env)
        rows.append(("valid 1M-row file", len(valid) / MB, peak, extra, wall, out))
        for size_mb in sorted(args.sizes_mb):
            write_nuls(root / "nuls.csv", size_mb * MB)
            run("NUL bytes, {mb:.0f} MB", root / "nuls.csv", env)
            write_rows(root / "rows.csv", valid, size_mb * MB)
            run("real rows, {mb:.0f} MB", root / "rows.csv", env)
            write_rows(root / "rows.csv", valid, size_mb * MB)
            capped = dict(env, **{MAX_SUBMISSION_ENV: str(size_mb * MB // 2)})
            run(f"real rows, {{mb:.0f}} MB, cap {size_mb // 2} MB", root / "rows.csv", capped)
        write_wide(root / "wide.csv", 1_000, 100_000)
        run("1,000 fields of 0, {mb:.0f} MB", root / "wide.csv", env)
        write_narrow(root / "narrow.csv", full.line_limit - 2, text_ids=False)
        run("narrow numbers, line limit (parsed)", root / "narrow.csv", env)
        write_narrow(root / "narrow.csv", full.line_limit - 2, text_ids=True)
        run("narrow text, line limit (parsed)", root / "narrow.csv", env)
        write_wide(root / "wide.csv", full.field_limit, full.line_limit - 2)
        run(f"{full.field_limit} fields of 0, line limit (parsed)", root / "wide.csv", env)
        cap = 600 * MB
        write_long_strings(root / "long.csv", cap // 3 - MB)
        run(
            "long strings, budget of cap 600 MB (parsed)",
            root / "long.csv",
            dict(env, **{MAX_SUBMISSION_ENV: str(cap)}),
        )
        if args.big:
            write_long_strings(root / "long.csv", DEFAULT_MAX_SUBMISSION_BYTES // 3 - 8 * MB)
            run("long strings, default budget (parsed)", root / "long.csv", env)
        print(
            f"{'scenario':44s} {'file MB':>8s} {'peak MB':>8s} {'extra MB':>9s} "
            f"{'x file':>7s} {'s':>6s}  verdict"
        )
        for name, file_mb, peak, extra, wall, out in rows:
            ratio = extra / file_mb if file_mb else float("nan")
            verdict = "valid" if out["valid"] else f"invalid: {out['message'][:56]}"
            print(
                f"{name:44s} {file_mb:8.0f} {peak:8.0f} {extra:9.0f} {ratio:7.2f} {wall:6.1f}"
                f"  {verdict}"
            )
        print("(peak: VmHWM of the grading child; extra: peak minus the child's baseline;")
        print(" x file: extra / file size; s: the child's wall time)")
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
