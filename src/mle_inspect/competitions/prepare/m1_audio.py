"""freesound-audio-tagging-2019: Kaggle's files as they are, answers from Zenodo.

MLE-bench keeps Kaggle's train/test and takes the test labels from the post-competition
metadata on Zenodo (``FSDKaggle2019.meta.zip``), downloaded at prepare time into raw/.
We do the same; a copy of that zip already in raw/ is used instead of downloading
(offline machines, tests). Unlike MLE-bench the zip is kept in raw/ so a rerun needs no
download; it never reaches public/.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ...data.extract import extract
from ._common import expect, need, read_csv, write_csv
from .m1_files import place, place_tree

FREESOUND_META_URL = "https://zenodo.org/records/3612637/files/FSDKaggle2019.meta.zip?download=1"
FREESOUND_META = "FSDKaggle2019.meta"


def _download(url: str, target: Path) -> None:
    import urllib.request

    partial = target.with_name(target.name + ".part")
    with urllib.request.urlopen(url, timeout=60) as response, partial.open("wb") as out:  # noqa: S310
        while chunk := response.read(1 << 20):
            out.write(chunk)
    partial.replace(target)


def freesound_audio_tagging_2019(raw: Path, public: Path, private: Path) -> None:
    """Public = every raw item except the Zenodo metadata.

    Answers = one row per ``usage == "Private"`` clip: ``fname`` + 80 class columns, 1 where the
    class is one of the clip's comma-separated labels.
    """
    import pandas as pd

    from ...data._prepare import RAW_MARKER  # our extraction marker: never published
    from .._catalog import get_competition

    grading = get_competition("freesound-audio-tagging-2019").grading
    classes = list(grading.target_columns) if grading else []
    expect(len(classes) == 80, "80 freesound classes")
    items = [
        p for p in sorted(raw.iterdir()) if FREESOUND_META not in p.name and p.name != RAW_MARKER
    ]
    for item in items:
        if item.is_dir():
            place_tree(item, public / item.name)
        else:
            place(item, public / item.name)

    archive = raw / f"{FREESOUND_META}.zip"
    if not archive.is_file():
        _download(FREESOUND_META_URL, archive)
    with tempfile.TemporaryDirectory() as tmp:
        extract(archive, Path(tmp))  # capped, no escaping entries
        member = next(Path(tmp).rglob("*test_post_competition.csv"))
        labels = pd.read_csv(member)
    private_rows = labels[labels["usage"] == "Private"]
    rows = []
    for fname, tags in zip(private_rows["fname"], private_rows["labels"], strict=True):
        present = tags.split(",")
        rows.append([fname] + [1 if c in present else 0 for c in classes])
    answers = pd.DataFrame(rows, columns=["fname", *classes])
    write_csv(answers, private / "test.csv")

    sample = read_csv(need(public / "sample_submission.csv"))
    expect(len(sample) == len(answers), "Kaggle's sample lists every Private test clip")
    expect(list(sample.columns) == list(answers.columns), "sample columns are fname + classes")
    expect(sorted(sample["fname"]) == sorted(answers["fname"]), "same clips in sample and answers")
