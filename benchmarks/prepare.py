"""Prepare speed on a large table: seconds to split one CSV vs seconds to read and write it.

    python benchmarks/prepare.py [--rows 1000000]

Builds a synthetic raw ``train.csv`` shaped like new-york-city-taxi-fare-prediction (8
columns; the real one has ~55M rows), then times (a) a plain pandas read + write of the file
and (b) the competition's prepare function (read, ``train_test_split``, four CSV writes).
Prints rows/s and an estimate for the real 55M-row file. Target: prepare <= 3x read+write.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REAL_ROWS = 55_423_856


def _raw(folder: Path, rows: int) -> None:
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


def main() -> None:
    from mle_inspect.competitions.prepare.tabular import new_york_city_taxi_fare_prediction

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="mle-inspect-bench-"))
    try:
        raw, public, private = (root / n for n in ("raw", "public", "private"))
        for folder in (raw, public, private):
            folder.mkdir()
        _raw(raw, args.rows)
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
        print(f"estimate, 55M rows   {REAL_ROWS / rate / 60:>12.1f} min")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
