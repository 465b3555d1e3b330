"""Leaderboards for percentiles: an MLE-bench checkout's, else Kaggle's, else none (NaN).

The file is stored beside the prepared data as ``leaderboard.csv`` (with a ``score`` column,
which grading reads) and ``leaderboard.source.json`` saying where it came from.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .descriptions import checkout_competition_dir
from .kaggle import KaggleClient, KaggleError, with_retries

if TYPE_CHECKING:
    import pandas as pd

SOURCE_FILE = "leaderboard.source.json"


def fetch_leaderboard(
    competition_id: str,
    target_dir: Path,
    *,
    mlebench_dir: Path | None = None,
    client: KaggleClient | None = None,
    log: Callable[[str], None] = lambda _m: None,
) -> str | None:
    """Write ``target_dir/leaderboard.csv``; return its source, or None when none is available."""
    folder = checkout_competition_dir(mlebench_dir, competition_id)
    if folder is not None and (folder / "leaderboard.csv").is_file():
        shutil.copyfile(folder / "leaderboard.csv", target_dir / "leaderboard.csv")
        return _record(target_dir, f"mlebench checkout {folder / 'leaderboard.csv'}")
    if client is None:
        return None
    with tempfile.TemporaryDirectory(prefix=".leaderboard-", dir=target_dir) as tmp:
        try:
            downloaded = with_retries(
                lambda: client.download_leaderboard(competition_id, Path(tmp)), log=log
            )
            board = _read_board(downloaded)
        except (KaggleError, ValueError, OSError) as ex:
            log(f"{competition_id}: no leaderboard ({ex}); percentiles will be NaN")
            return None
    board.to_csv(target_dir / "leaderboard.csv", index=False)
    return _record(target_dir, "kaggle api (leaderboard download; public leaderboard)")


def _read_board(path: Path) -> pd.DataFrame:
    """Kaggle's CSV (inside a zip or not) with its ``Score`` column renamed to ``score``."""
    import pandas as pd

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith(".csv")]
            if not names:
                raise ValueError(f"{path.name} holds no CSV")
            with archive.open(names[0]) as handle:
                board = pd.read_csv(handle)
    else:
        board = pd.read_csv(path)
    renamed = {c: c.lower() for c in board.columns if c.lower() in ("score", "teamname", "teamid")}
    board = board.rename(columns=renamed)
    if "score" not in board.columns:
        raise ValueError(
            f"{path.name}: leaderboard has no Score column (columns: {list(board.columns)})"
        )
    return board


def _record(target_dir: Path, source: str) -> str:
    (target_dir / SOURCE_FILE).write_text(
        json.dumps(
            {"source": source, "fetched_at": datetime.now(UTC).isoformat(timespec="seconds")},
            indent=2,
        )
    )
    return source
