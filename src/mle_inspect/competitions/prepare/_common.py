"""Shared pieces of the prepare functions: the CSV conventions, the split, media copies, zips.

Byte-identical output with MLE-bench rests on a few conventions applied everywhere here:
CSVs are read with ``float_precision="round_trip"`` and written by pandas with
``index=False``; splits are ``sklearn.model_selection.train_test_split`` with a fixed seed,
keeping the row order it returns.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")

SEED = 0
"""Every MLE-bench split uses random_state=0."""

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Fixed timestamp for entries of zips we create, so two runs give identical bytes."""


def read_csv(path: Path, **kwargs: Any) -> pd.DataFrame:
    """MLE-bench's CSV reader: round-trip float parsing keeps every digit of the raw file.

    pandas >= 3.1 always parses that way and deprecates the option, so it is passed only
    to older versions.
    """
    import pandas as pd

    major, minor = (int(part) for part in pd.__version__.split(".")[:2])
    if (major, minor) < (3, 1):
        kwargs.setdefault("float_precision", "round_trip")
    return pd.read_csv(path, **kwargs)


def write_csv(frame: pd.DataFrame, path: Path, **kwargs: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, **kwargs)


def write_sample(frame: pd.DataFrame, path: Path, values: Mapping[str, Any]) -> None:
    """A constant sample submission: ``frame`` with each column of ``values`` set to its constant.

    Columns are placed as column assignment would place them (a new column goes last, an existing
    one keeps its place); built in one go, as a hundred class columns would fragment the frame.
    """
    import pandas as pd

    columns = {name: frame[name] for name in frame.columns} | dict(values)
    write_csv(pd.DataFrame(columns, index=frame.index), path)


def split(data: Any, test_size: float | int | None = None, train_size: float | None = None) -> Any:
    """``train_test_split(data, test_size, random_state=0)``: shuffled, not stratified."""
    from sklearn.model_selection import train_test_split

    kwargs: dict[str, Any] = {"random_state": SEED}
    if test_size is not None:
        kwargs["test_size"] = test_size
    if train_size is not None:
        kwargs["train_size"] = train_size
    return train_test_split(data, **kwargs)


def unpack(raw: Path, archive: str, into: Path | None = None) -> Path:
    """Extract a nested archive of the Kaggle download (once; resumable) and return the target."""
    from ...data.extract import extract_once

    target = into or raw
    extract_once(raw / archive, target)
    return target


def unpack_if_missing(raw: Path, name: str, archive: str) -> None:
    """Extract ``archive`` unless ``raw/name`` (a file or folder it holds) is already there.

    Some downloads arrive with their inner archives extracted.
    """
    if not (raw / name).exists():
        unpack(raw, archive)


def need(path: Path) -> Path:
    """A raw input that must exist: a clear error instead of a pandas traceback."""
    if not path.exists():
        raise FileNotFoundError(
            f"raw input {path} is missing: the Kaggle download looks incomplete "
            "(delete the competition's raw/ folder and prepare again)"
        )
    return path


def copy_files(pairs: Iterable[tuple[Path, Path]]) -> int:
    """Copy (source, destination) pairs, creating folders; returns how many were copied."""
    count = 0
    made: set[Path] = set()
    for source, destination in pairs:
        if destination.parent not in made:
            destination.parent.mkdir(parents=True, exist_ok=True)
            made.add(destination.parent)
        shutil.copyfile(need(source), destination)
        count += 1
    return count


def expect(condition: bool, message: str) -> None:
    """The original's sanity assertions, kept as real errors (asserts vanish under -O)."""
    if not condition:
        raise _check_failed(message)


def present(value: T | None, message: str) -> T:
    """``value``, checked not to be None as :func:`expect` checks a condition."""
    if value is None:
        raise _check_failed(message)
    return value


def _check_failed(message: str) -> ValueError:
    return ValueError(f"prepare check failed: {message}")


def zip_members(
    archive: Path,
    members: Sequence[tuple[Path, str]],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    directories: Sequence[str] = (),
) -> None:
    """Write a zip of (file, member name) pairs with fixed timestamps (deterministic bytes)."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", compression=compression) as handle:
        for name in directories:
            info = zipfile.ZipInfo(name.rstrip("/") + "/", _ZIP_DATE)
            info.external_attr = 0o40755 << 16
            handle.writestr(info, b"")
        for path, name in members:
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            with path.open("rb") as src, handle.open(info, "w") as out:
                shutil.copyfileobj(src, out, 4 * 1024 * 1024)


def zip_folder(folder: Path, archive: Path, *, under: str | None = None, **kwargs: Any) -> None:
    """Zip a folder's files (sorted): at the archive root, or under ``under/``."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    prefix = f"{under}/" if under else ""
    members = [(p, prefix + p.relative_to(folder).as_posix()) for p in files]
    zip_members(archive, members, directories=[under] if under else [], **kwargs)


def zip_single(path: Path, archive: Path, **kwargs: Any) -> None:
    """A zip holding one file under its bare name; the file itself is removed."""
    zip_members(archive, [(path, path.name)], **kwargs)
    path.unlink()


def one_hot(
    ids: pd.Series, labels: pd.Series, classes: Sequence[str], id_column: str
) -> pd.DataFrame:
    """``id`` then one int column per class (1 for the true class), in ``classes`` order."""
    import numpy as np
    import pandas as pd

    unknown = sorted(set(labels) - set(classes))
    expect(not unknown, f"labels outside the class list: {unknown[:5]}")
    matrix = (np.asarray(labels)[:, None] == np.asarray(classes)[None, :]).astype(np.int64)
    frame = pd.DataFrame(matrix, columns=list(classes))
    frame.insert(0, id_column, np.asarray(ids))
    return frame


@dataclass(frozen=True)
class TableSplit:
    """The common pattern: split one labelled table, drop labels from public, write a sample.

    Competitions that follow it are a single declaration; one that differs wraps
    :func:`run_table_split` with its own extra steps (media copies, renamed ids).
    """

    source: str
    """Raw CSV (relative to raw/)."""
    id_column: str
    targets: tuple[str, ...]
    """Label columns: removed from the public test table."""
    test_size: float | int | None = None
    train_size: float | None = None
    public_train: str | None = "train.csv"
    public_test: str | None = "test.csv"
    answers: str = "test.csv"
    """File in private/."""
    answer_columns: tuple[str, ...] | None = None
    """None keeps every column of the test rows."""
    one_hot: tuple[str, tuple[str, ...]] | None = None
    """(label column, classes): answers become ``id`` + one int column per class."""
    sample: str = "sample_submission.csv"
    sample_in: Literal["public", "private"] = "public"
    sample_values: Mapping[str, Any] = field(default_factory=dict)
    """Sample submission = id column + these columns with constant values, in this order."""
    read_kwargs: Mapping[str, Any] = field(default_factory=dict)


def run_table_split(
    spec: TableSplit, raw: Path, public: Path, private: Path
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write train/test/answers/sample for ``spec``; returns (train, test) for further steps."""
    frame = read_csv(need(raw / spec.source), **spec.read_kwargs)
    train, test = split(frame, spec.test_size, spec.train_size)
    expect(len(train) + len(test) == len(frame), "split sizes add up")
    write_split_outputs(spec, train, test, public, private)
    return train, test


def write_split_outputs(
    spec: TableSplit, train: pd.DataFrame, test: pd.DataFrame, public: Path, private: Path
) -> None:
    """The files of the common pattern, from frames already split (and maybe re-labelled)."""
    if spec.public_train:
        write_csv(train, public / spec.public_train)
    if spec.public_test:
        write_csv(test.drop(columns=list(spec.targets)), public / spec.public_test)
    if spec.one_hot is not None:
        label, classes = spec.one_hot
        answers = one_hot(test[spec.id_column], test[label], classes, spec.id_column)
    elif spec.answer_columns is not None:
        answers = test[list(spec.answer_columns)]
    else:
        answers = test
    write_csv(answers, private / spec.answers)
    sample_dir = public if spec.sample_in == "public" else private
    write_sample(test[[spec.id_column]], sample_dir / spec.sample, spec.sample_values)
