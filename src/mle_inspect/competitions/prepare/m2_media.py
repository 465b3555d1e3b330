"""Prepare functions of medium audio and video competitions (second batch of issue 11)."""

from __future__ import annotations

import random
import tarfile
from pathlib import Path

from ._common import expect, need, split, unpack, write_csv
from .m2_files import copy_media

SPEECH_SAMPLE_LABEL = "silence"
GESTURE_SEED = 0
GESTURE_CLASSES = 20
"""A gesture sample row is a random order of the gesture ids 1..20 (``random.seed(0)``)."""
GESTURE_COPIED = (
    "training1.tar.gz",
    "training2.tar.gz",
    "training3.tar.gz",
    "validation1.tar.gz",
    "validation2.tar.gz",
    "validation3.tar.gz",
    "devel01-40.7z",
    "valid_all_files_combined.7z",
    "sample_code_mmrgc.zip",
)


def tensorflow_speech_recognition_challenge(raw: Path, public: Path, private: Path) -> None:
    """Split every train clip (background noise included), sorted by ``<label>_<file>``.

    Test clips are renamed ``clip_<8-digit index>.wav`` in split order, since names repeat
    across label folders.
    """
    import pandas as pd

    unpack(raw, "train.7z")
    audio = need(raw / "train" / "audio")
    clips = sorted(
        ((p.parent.name, p) for p in audio.rglob("*.wav")), key=lambda c: f"{c[0]}_{c[1].name}"
    )
    train, test = split(clips, 0.1)
    (public / "test" / "audio").mkdir(parents=True, exist_ok=True)
    for label in dict.fromkeys(label for label, _ in train):
        (public / "train" / "audio" / label).mkdir(parents=True, exist_ok=True)
    copy_media(
        [(path, public / "train" / "audio" / label / path.name) for label, path in train],
        stage="copy train clips",
    )
    names = [f"clip_{i:08d}.wav" for i in range(len(test))]
    copy_media(
        [
            (path, public / "test" / "audio" / name)
            for (_, path), name in zip(test, names, strict=True)
        ],
        stage="copy test clips",
    )
    answers = pd.DataFrame({"fname": names, "label": [label for label, _ in test]})
    write_csv(answers, private / "test.csv")
    write_csv(
        answers[["fname"]].assign(label=SPEECH_SAMPLE_LABEL), public / "sample_submission.csv"
    )


def _top_level_zips(archive: Path) -> list[str]:
    """Names of the ``*.zip`` files at the top of a .tar.gz, streamed (nothing extracted)."""
    names = []
    with tarfile.open(archive, "r|gz") as handle:
        for member in handle:
            name = member.name.removeprefix("./")
            if member.isfile() and "/" not in name and name.endswith(".zip"):
                names.append(name)
    return names


def multi_modal_gesture_recognition(raw: Path, public: Path, private: Path) -> None:
    """training4 becomes the test set (its archive is copied as test.tar.gz); no re-split.

    Test ids are the last four digits of the ``Sample<nnnnn>.zip`` names inside training4.
    MLE-bench unpacks the archive to list them; they are read from the tar stream here.
    """
    import pandas as pd

    test_ids = sorted(
        Path(name).stem[-4:] for name in _top_level_zips(need(raw / "training4.tar.gz"))
    )
    training = pd.read_csv(need(raw / "training.csv"), dtype={"Id": str, "Sequence": str})
    in_test = training["Id"].isin(test_ids)
    kept = training[~in_test]
    expect(len(kept) == len(training) - len(test_ids), "every training4 sample is in training.csv")
    write_csv(kept, public / "training.csv")
    write_csv(training[in_test], private / "test.csv")
    write_csv(pd.DataFrame({"Id": test_ids}), public / "test.csv")
    rng = random.Random(GESTURE_SEED)  # the same draws as MLE-bench's random.seed(0)
    gestures = range(1, GESTURE_CLASSES + 1)
    predictions = [
        " ".join(str(g) for g in rng.sample(gestures, GESTURE_CLASSES)) for _ in test_ids
    ]
    write_csv(
        pd.DataFrame({"Id": test_ids, "Sequence": predictions}), public / "randomPredictions.csv"
    )
    pairs = [(raw / "training4.tar.gz", public / "test.tar.gz")]
    pairs += [(raw / name, public / name) for name in GESTURE_COPIED]
    copy_media(pairs, stage="copy archives")
