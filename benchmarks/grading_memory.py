"""Peak memory of grading a huge submission: real CSV rows, NUL bytes, and a file over the cap.

    python benchmarks/grading_memory.py [--sizes-mb 200 1000] [--keep]

One tabular competition (tabular-playground-series-dec-2021: ``Id,Cover_Type``) is laid out
as a prepared data dir with 1,000,000 answer rows. Each scenario writes a submission of the
given size, then grades it with ``mle_inspect.scorers.grade`` in a fresh child process and
reports that child's peak RSS (its own ``ru_maxrss``), its time and the
verdict. A child that grades a tiny valid file gives the baseline (interpreter, pandas,
answers). Target (issue 14 item 9): peak RSS under 3x the file size.

- real rows: the answers' valid rows repeated up to the size (so ids repeat). Beyond 10
  lines per answer row the file is refused after one scan, unparsed; the "(parsed)" row
  stays just under that limit, so pandas parses it in full before the duplicate ids are
  found (its peak is what parsing costs);
- NULs: a file of zero bytes (sparse on disk), refused at the first chunk read;
- over the cap: real rows with ``MLE_INSPECT_MAX_SUBMISSION_BYTES`` set below the size,
  refused from ``stat`` before any byte is read.
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
import json, resource, sys, time
from mle_inspect.scorers import grade
started = time.perf_counter()
report = grade(sys.argv[1], sys.argv[2], data_dir=sys.argv[3])
print(json.dumps({"valid": report.valid_submission, "message": report.message[:100],
                  "seconds": time.perf_counter() - started,
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
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


def measure(path: Path, root: Path, env: dict[str, str]) -> tuple[float, float, dict]:
    """(peak RSS in MiB, wall seconds, the child's JSON line) of grading ``path`` in a child.

    The child reports its own ``ru_maxrss`` (KiB on Linux) as it ends.
    """
    import json

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, COMPETITION, str(path), str(root)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    wall = time.perf_counter() - started
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return out["peak_kib"] / 1024, wall, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="mle-grading-memory-"))
    try:
        valid = prepare(root)
        env = dict(os.environ)
        small = root / "valid.csv"
        small.write_bytes(valid)
        rows: list[tuple[str, float, float, float, dict]] = []
        peak, wall, out = measure(small, root, env)
        rows.append(("baseline: valid 1M-row file", len(valid) / MB, peak, wall, out))
        for size_mb in sorted(args.sizes_mb):
            size = size_mb * MB
            nuls = root / f"nuls-{size_mb}.csv"
            write_nuls(nuls, size)
            peak, wall, out = measure(nuls, root, env)
            rows.append((f"NUL bytes, {size_mb} MB", size_mb, peak, wall, out))
            nuls.unlink()
        # just under the line limit (10 per answer row): parsed in full by pandas
        parsed = root / "rows-parsed.csv"
        write_rows(parsed, valid, int(9.5 * len(valid)))
        parsed_mb = parsed.stat().st_size / MB
        peak, wall, out = measure(parsed, root, env)
        rows.append((f"real rows, {parsed_mb:.0f} MB (parsed)", parsed_mb, peak, wall, out))
        parsed.unlink()
        for size_mb in sorted(args.sizes_mb):
            size = size_mb * MB
            real = root / f"rows-{size_mb}.csv"
            write_rows(real, valid, size)
            peak, wall, out = measure(real, root, env)
            rows.append((f"real rows, {size_mb} MB", size_mb, peak, wall, out))
            capped = dict(env, MLE_INSPECT_MAX_SUBMISSION_BYTES=str(size // 2))
            peak, wall, out = measure(real, root, capped)
            rows.append(
                (f"real rows, {size_mb} MB, cap {size_mb // 2} MB", size_mb, peak, wall, out)
            )
            real.unlink()
        print(
            f"{'scenario':36s} {'file MB':>8s} {'peak RSS MB':>12s} {'x file':>7s} {'s':>6s}  verdict"
        )
        for name, file_mb, peak, wall, out in rows:
            ratio = peak / file_mb if file_mb else float("nan")
            verdict = "valid" if out["valid"] else f"invalid: {out['message'][:60]}"
            print(f"{name:36s} {file_mb:8.0f} {peak:12.0f} {ratio:7.2f} {wall:6.1f}  {verdict}")
        print("(peak RSS: ru_maxrss of the grading child process; s: its wall time)")
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
