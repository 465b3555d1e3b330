"""Prepare at scale: peak memory and throughput of a whole preparation, or of one big table.

    python benchmarks/prepare.py [--gb 1] [--file-kb 200] [--copy]     # media set (default)
    python benchmarks/prepare.py --table [--rows 1000000]               # one large CSV

Media mode builds a synthetic Kaggle download of ``--gb`` GB: a zip (stored, as image archives
are) holding ``train.csv`` (id, label, a few numbers) and one incompressible file per row in
``train_images/``. It then runs ``prepare_competition`` on it in a child process, exactly as
``mle-inspect prepare`` does: extraction (with its size cap), a prepare function that splits
the CSV in chunks and hard-links (``--copy``: copies) the images into public/, the
description, the read-only pass and the atomic rename. It prints the child's peak RSS and
MB/s of raw data. Issue 11 asks for peak RSS < 4 GB at any size: run it with ``--gb 10``.

Table mode times ``new-york-city-taxi-fare-prediction``'s prepare against a plain pandas read
and write of the same CSV (target: prepare <= 3x read+write) and estimates the 55M-row run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

BENCH_ID = "bench-media"
REAL_TAXI_ROWS = 55_423_856
CSV_CHUNK_ROWS = 100_000
LINK_ENV = "MLE_BENCH_COPY"


# --- media mode: the synthetic download -------------------------------------------------------


def build_archive(archive: Path, gb: float, file_kb: int) -> tuple[int, int]:
    """Write the synthetic Kaggle zip straight from random bytes; returns (files, bytes)."""
    files = max(10, int(gb * 1e9 // (file_kb * 1000)))
    payload = 0
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        rows = ["id,label,width,height"]
        for i in range(files):
            size = file_kb * 1000 + (i % 7) * 100  # a little variety, still incompressible
            zf.writestr(f"train_images/{i:08d}.jpg", os.urandom(size))
            rows.append(f"{i:08d},{i % 37},{256 + i % 5},{256 + i % 3}")
            payload += size
        table = ("\n".join(rows) + "\n").encode()
        zf.writestr("train.csv", table)
    return files, payload + len(table)


def media_prepare(raw: Path, public: Path, private: Path) -> None:
    """A prepare function written the way issue 11 asks: chunked CSV, linked media, progress."""
    from mle_inspect.data.progress import progress

    copy = os.environ.get(LINK_ENV) == "1"
    (public / "train_images").mkdir()
    (public / "test_images").mkdir()
    columns = ["id", "label", "width", "height"]
    outputs = {
        "train": (public / "train.csv", columns),
        "test": (public / "test.csv", ["id", "width", "height"]),
        "answers": (private / "test.csv", ["id", "label"]),
        "sample": (public / "sample_submission.csv", ["id", "label"]),
    }
    handles = {k: path.open("w", newline="") for k, (path, _) in outputs.items()}
    writers = {
        k: csv.DictWriter(handles[k], cols, extrasaction="ignore")
        for k, (_, cols) in outputs.items()
    }
    for writer in writers.values():
        writer.writeheader()
    with (raw / "train.csv").open(newline="") as source:
        total = sum(1 for _ in source) - 1
        source.seek(0)
        for row in progress(csv.DictReader(source), total=total, unit="images", stage="split"):
            is_test = int(row["id"]) % 10 == 0  # a fixed 10% test split
            folder = "test_images" if is_test else "train_images"
            src = raw / "train_images" / f"{row['id']}.jpg"
            dst = public / folder / src.name
            if copy:
                shutil.copyfile(src, dst)
            else:
                os.link(src, dst)
            if is_test:
                writers["test"].writerow(row)
                writers["answers"].writerow(row)
                writers["sample"].writerow({"id": row["id"], "label": 0})
            else:
                writers["train"].writerow(row)
    for handle in handles.values():
        handle.close()


class _Offline:
    """A Kaggle client for the benchmark: the archive is already local, no leaderboard."""

    def download_competition(self, competition_id: str, dest_dir: Path) -> Path:
        raise RuntimeError("the benchmark never downloads")

    def download_leaderboard(self, competition_id: str, dest_dir: Path) -> Path:
        raise OSError("no leaderboard in the benchmark")


def run_prepare(data_dir: Path) -> None:
    """The measured part (child process): ``prepare_competition`` on the local archive."""
    from mle_inspect.competitions import get_competition
    from mle_inspect.data import competition_paths, prepare_competition

    competition = get_competition("demo-digits").model_copy(
        update={
            "id": BENCH_ID,
            "complexity": "medium",
            "prepare": "prepare:media_prepare",  # this file, on PYTHONPATH in the child
            "leaderboard": None,
        }
    )
    stages: dict[str, list[Any]] = {}

    def sink(stage: str, done: int, total: int | None, unit: str) -> None:
        stages[stage] = [done, total, unit]

    started = time.perf_counter()
    prepare_competition(
        competition,
        competition_paths(BENCH_ID, data_dir),
        client=_Offline(),  # type: ignore[arg-type]
        skip_verify=True,
        progress=sink,
    )
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"seconds": time.perf_counter() - started, "peak_rss_kb": peak_kb, "stages": stages}
        )
    )


def media(args: argparse.Namespace) -> None:
    root = Path(tempfile.mkdtemp(prefix="mle-inspect-bench-", dir=args.tmp))
    try:
        data_dir = root / "data"
        (data_dir / BENCH_ID).mkdir(parents=True)
        archive = data_dir / BENCH_ID / f"{BENCH_ID}.zip"
        started = time.perf_counter()
        files, raw_bytes = build_archive(archive, args.gb, args.file_kb)
        print(
            f"built {archive.stat().st_size / 1e9:.2f} GB zip, {files:,} files, in {time.perf_counter() - started:.0f}s"
        )
        env = {
            **os.environ,
            LINK_ENV: "1" if args.copy else "0",
            "PYTHONPATH": str(Path(__file__).parent),
        }
        child = subprocess.run(
            [sys.executable, __file__, "--run-prepare", str(data_dir)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            sys.exit(f"prepare failed:\n{child.stdout}\n{child.stderr}")
        result = json.loads(child.stdout.strip().splitlines()[-1])
        seconds, peak = result["seconds"], result["peak_rss_kb"] * 1024
        print(f"raw data             {raw_bytes / 1e9:>10.2f} GB in {files:,} files")
        print(f"media                {'copied' if args.copy else 'hard-linked':>10}")
        print(f"prepare (s)          {seconds:>10.1f}   (extract + split + finish)")
        print(f"throughput           {raw_bytes / 1e6 / seconds:>10.1f} MB/s of raw data")
        print(f"peak RSS             {peak / 1e6:>10.1f} MB   (limit asked: 4,000 MB)")
        print(
            f"progress stages      {', '.join(f'{k} {v[0]:,}/{v[1]:,} {v[2]}' for k, v in result['stages'].items())}"
        )
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            subprocess.run(["chmod", "-R", "u+w", str(root)], check=False)
            shutil.rmtree(root, ignore_errors=True)


# --- table mode -------------------------------------------------------------------------------


def _taxi_raw(folder: Path, rows: int) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2012-01-01") + pd.to_timedelta(np.arange(rows), unit="s")
    text = stamps.strftime("%Y-%m-%d %H:%M:%S")
    frame = pd.DataFrame(
        {
            "key": text + ".0000001",
            "fare_amount": (rng.integers(25, 900, rows) / 10),
            "pickup_datetime": text + " UTC",
            "pickup_longitude": -73.9 + rng.random(rows) / 10,
            "pickup_latitude": 40.7 + rng.random(rows) / 10,
            "dropoff_longitude": -73.9 + rng.random(rows) / 10,
            "dropoff_latitude": 40.7 + rng.random(rows) / 10,
            "passenger_count": rng.integers(1, 6, rows),
        }
    )
    frame.to_csv(folder / "train.csv", index=False)
    (folder / "GCP-Coupons-Instructions.rtf").write_text("{\\rtf1}")


def table(args: argparse.Namespace) -> None:
    import pandas as pd

    from mle_inspect.competitions.prepare.tabular import new_york_city_taxi_fare_prediction

    root = Path(tempfile.mkdtemp(prefix="mle-inspect-bench-", dir=args.tmp))
    try:
        raw, public, private = (root / n for n in ("raw", "public", "private"))
        for folder in (raw, public, private):
            folder.mkdir()
        _taxi_raw(raw, args.rows)
        size = (raw / "train.csv").stat().st_size / 1e6

        started = time.perf_counter()
        pd.read_csv(raw / "train.csv").to_csv(root / "copy.csv", index=False)
        baseline = time.perf_counter() - started

        started = time.perf_counter()
        new_york_city_taxi_fare_prediction(raw, public, private)
        prepare = time.perf_counter() - started

        rate = args.rows / prepare
        print(f"rows                 {args.rows:>12,}  ({size:.0f} MB CSV)")
        print(f"read + write (s)     {baseline:>12.2f}")
        print(f"prepare (s)          {prepare:>12.2f}  ({prepare / baseline:.2f}x read+write)")
        print(f"prepare rows/s       {rate:>12,.0f}")
        print(f"estimate, 55M rows   {REAL_TAXI_ROWS / rate / 60:>12.1f} min")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--gb", type=float, default=1.0, help="size of the synthetic raw set (default 1)"
    )
    parser.add_argument(
        "--file-kb", type=int, default=200, help="size of each media file (default 200)"
    )
    parser.add_argument("--copy", action="store_true", help="copy media instead of hard-linking")
    parser.add_argument("--table", action="store_true", help="time the large-CSV prepare instead")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the table (--table)")
    parser.add_argument("--tmp", default=None, help="where to build the data (default $TMPDIR)")
    parser.add_argument("--keep", action="store_true", help="keep the data dir afterwards")
    parser.add_argument("--run-prepare", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_prepare:
        run_prepare(Path(args.run_prepare))
    elif args.table:
        table(args)
    else:
        media(args)


if __name__ == "__main__":
    main()
