"""A prepare hook that takes a while and records each run: for the two-process lock test."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from mle_inspect.data.progress import progress

RUNS_ENV = "MLE_TEST_PREPARE_RUNS"
"""A file each run of the hook appends its pid to."""


def slow_prepare(raw: Path, public: Path, private: Path) -> None:
    with open(os.environ[RUNS_ENV], "a") as runs:
        runs.write(f"{os.getpid()}\n")
    for _ in progress(range(10), unit="steps"):
        time.sleep(0.15)  # long enough for the other process to start and find the lock
    (public / "sample_submission.csv").write_text("patient_id,progression\nD1,0.0\n")
    (private / "test.csv").write_text("patient_id,progression\nD1,1.0\n")


def main(data_dir: str, competition_id: str) -> None:
    """Prepare ``competition_id`` with the slow hook and print the status and log lines."""
    from mle_inspect.competitions import get_competition
    from mle_inspect.data import competition_paths, prepare_competition

    competition = get_competition(competition_id).model_copy(
        update={"prepare": f"{__name__}:slow_prepare", "leaderboard": None}
    )
    status = prepare_competition(
        competition, competition_paths(competition_id, data_dir), log=lambda m: print(m, flush=True)
    )
    print(f"status={status.name}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
