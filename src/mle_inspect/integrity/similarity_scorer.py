"""``mle_inspect/similarity``: the agent's code against the competition's public kernels.

Optional and offline: it reads the kernels ``mle-inspect prepare --kernels`` stored in
``<data_dir>/<id>/kernels/`` and the code export (:mod:`.export`), fingerprints both
(:mod:`.similarity`) and reports the closest kernels with their overlap, Jaccard similarity
and matching line ranges. A pair at or above :data:`.similarity.FLAG_OVERLAP` is flagged.
Works on an existing log too: ``inspect score LOG --scorer mle_inspect/similarity
--action append --overwrite``.
"""

from __future__ import annotations

import math
from pathlib import Path

import anyio
from inspect_ai.scorer import Score, Scorer, Target, mean, scorer
from inspect_ai.solver import TaskState
from pydantic import BaseModel, Field

from .export import ExportedFile, stored_export
from .similarity import FLAG_OVERLAP, MatchedFragment, compare, fingerprint

TOP = 5


class KernelMatch(BaseModel):
    """One kernel's overlap with the agent's code, as stored in the score."""

    kernel: str
    overlap: float
    jaccard: float
    shared_fingerprints: int
    flagged: bool
    fragments: list[MatchedFragment] = Field(default_factory=list)


class SimilarityReport(BaseModel):
    """The similarity scorer's findings for one sample."""

    kernels: int
    code_files: int
    max_overlap: float
    top: list[KernelMatch]


def _compare_sync(files: list[ExportedFile], directory: Path, top: int) -> SimilarityReport:
    from .kernels import load_kernels

    kernels = load_kernels(directory)
    agent = [fingerprint(f.path, f.content) for f in files]
    matches = []
    for name, source in kernels.items():
        result = compare(agent, fingerprint(name, source))
        matches.append(
            KernelMatch(
                kernel=name,
                overlap=result.overlap,
                jaccard=result.jaccard,
                shared_fingerprints=result.shared,
                flagged=result.flagged,
                fragments=result.fragments,
            )
        )
    matches.sort(key=lambda m: (-m.overlap, -m.jaccard, m.kernel))
    return SimilarityReport(
        kernels=len(kernels),
        code_files=len(files),
        max_overlap=matches[0].overlap if matches else 0.0,
        top=matches[:top],
    )


async def compare_with_kernels(
    files: list[ExportedFile], directory: Path, top: int = TOP
) -> SimilarityReport:
    """Compare the agent's files with every kernel in ``directory`` (off the event loop)."""
    return await anyio.to_thread.run_sync(_compare_sync, files, directory, top)


@scorer(metrics={"*": [mean()]})
def similarity(data_dir: str | None = None, top: int = TOP) -> Scorer:
    """Similarity of the agent's code to the competition's public kernels.

    ``Score.value``: ``max_overlap`` (0-1, NaN with no kernels or no code) and ``flagged``
    (1 when a kernel reaches the threshold). ``Score.metadata``: the top matches with their
    matching fragments.

    Args:
        data_dir: Data dir holding ``<id>/kernels`` (default: the sample's, else the default).
        top: How many kernels to report.
    """

    async def score(state: TaskState, target: Target) -> Score:
        from ..data import resolve_data_dir
        from .judge import _export_if_possible
        from .kernels import kernels_dir

        competition_id = str(state.metadata.get("competition_id") or state.sample_id)
        where = resolve_data_dir(data_dir or state.metadata.get("data_dir"))
        export = stored_export(state.store) or await _export_if_possible()
        files = export.files if export else []
        report = await compare_with_kernels(files, kernels_dir(where, competition_id), top)
        known = report.kernels > 0 and files
        flagged = any(m.flagged for m in report.top)
        best = report.top[0] if report.top else None
        explanation = (
            f"closest kernel {best.kernel}: overlap {best.overlap:.2f}, Jaccard "
            f"{best.jaccard:.2f} (flag at {FLAG_OVERLAP})"
            if best and files
            else f"nothing to compare: {report.kernels} kernels, {len(files)} code files"
        )
        return Score(
            value={
                "max_overlap": report.max_overlap if known else math.nan,
                "flagged": float(flagged),
            },
            answer="flagged" if flagged else "clean",
            explanation=explanation,
            metadata=report.model_dump(),
        )

    return score
