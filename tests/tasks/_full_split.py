"""A synthetic prepared data dir holding every registered benchmark competition.

Built from the registry (answers and sample-submission paths, answers format, the public
archive of a private sample submission) and the grader tests' synthetic frames, so that
whole-split runs can be tested offline in seconds. Nothing here is a Kaggle download: these
are prepared dirs in MLE-bench's layout, answers included.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from mle_inspect.competitions import Competition, get_competition, split_ids

from ..scorers.graders.synth_all import synth_case


def benchmark_ids() -> list[str]:
    """The 75 benchmark competitions and the 7 dev ones, in registry order."""
    return [*split_ids("all"), *split_ids("dev")]


def build_prepared_dir(data_dir: Path, ids: list[str] | None = None) -> Path:
    """Write ``<data_dir>/<id>/prepared/{public,private}`` for each id; returns ``data_dir``."""
    for cid in ids or benchmark_ids():
        _write_competition(get_competition(cid), data_dir / cid / "prepared")
    return data_dir


def _write_competition(competition: Competition, prepared: Path) -> None:
    case = synth_case(competition.id)
    public, private = prepared / "public", prepared / "private"
    public.mkdir(parents=True, exist_ok=True)
    private.mkdir(parents=True, exist_ok=True)
    (public / "description.md").write_text(
        f"# {competition.name}\n\nSynthetic stand-in data for harness tests.\n"
    )
    answers = prepared / competition.answers
    answers.parent.mkdir(parents=True, exist_ok=True)
    spec = competition.grading
    if spec is not None and spec.answers_format == "jsonl":
        case.answers.to_json(answers, orient="records", lines=True, force_ascii=False)
    else:
        case.answers.to_csv(answers, index=False)
    sample = prepared / competition.sample_submission
    sample.parent.mkdir(parents=True, exist_ok=True)
    case.sample.to_csv(sample, index=False)
    if competition.sample_submission_archive:
        _archive_sample(prepared / competition.sample_submission_archive, sample)


def _archive_sample(archive: Path, sample: Path) -> None:
    """The public archive holding the private sample submission, as MLE-bench ships it."""
    member = archive.name.removesuffix(".zip").removesuffix(".7z")
    if archive.suffix == ".7z":
        import py7zr

        with py7zr.SevenZipFile(archive, "w") as bundle:
            bundle.write(sample, arcname=member)
    else:
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.write(sample, arcname=member)
