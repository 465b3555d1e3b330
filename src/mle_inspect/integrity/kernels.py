"""Top public Kaggle kernels per competition, for the similarity check (issue 17 item 3).

``mle-inspect prepare --kernels`` stores them as Python files in ``<data_dir>/<id>/kernels/``
(``<author>_<slug>.py``; notebooks keep their code cells). Which kernels: MLE-bench's list
(``mlebench/competitions/<id>/kernels.txt`` in a checkout given with ``--mlebench-dir``),
else the competition's most-voted kernels from the Kaggle API.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

DEFAULT_MAX_KERNELS = 50
KERNELS_DIR = "kernels"


class KernelClient(Protocol):
    """What is needed of Kaggle (tests pass a fake; the real one wraps the kaggle package)."""

    def top_kernels(self, competition_id: str, limit: int) -> list[str]:
        """``author/slug`` refs of the most-voted kernels of a competition."""
        ...

    def pull_kernel(self, ref: str, dest_dir: Path) -> None:
        """Download one kernel's source file (``.ipynb`` or ``.py``) into ``dest_dir``."""
        ...


class KaggleKernelClient:
    """The real client, on the ``kaggle`` package (through :class:`..data.kaggle.KaggleApiClient`)."""

    def __init__(self) -> None:
        from ..data.kaggle import KaggleApiClient

        self._client = KaggleApiClient()

    def top_kernels(self, competition_id: str, limit: int) -> list[str]:
        """The refs of the ``limit`` most-voted kernels of a competition."""
        api = self._client._connect()
        kernels = api.kernels_list(competition=competition_id, sort_by="voteCount", page_size=limit)
        return [str(k.ref) for k in kernels or []][:limit]

    def pull_kernel(self, ref: str, dest_dir: Path) -> None:
        """Download one kernel's source into ``dest_dir``."""
        api = self._client._connect()
        api.kernels_pull(ref, path=str(dest_dir))


class KernelsResult(BaseModel):
    """The public kernels gathered for one competition, and where the list came from."""

    competition_id: str
    source: str
    """``mlebench kernels.txt`` or ``kaggle most-voted``."""
    downloaded: list[str] = Field(default_factory=list)
    existing: list[str] = Field(default_factory=list)
    failed: dict[str, str] = Field(default_factory=dict)


def kernels_dir(data_dir: Path, competition_id: str) -> Path:
    """Where a competition's kernels are kept in the data dir."""
    from ..data import competition_paths

    return competition_paths(competition_id, data_dir).root / KERNELS_DIR


def kernel_file_name(ref: str) -> str:
    """The file name a kernel ref is saved under (``author/slug`` -> ``author_slug.py``)."""
    author, _, slug = ref.partition("/")
    return f"{author}_{slug}.py"


def checkout_kernel_refs(mlebench_dir: Path | None, competition_id: str) -> list[str] | None:
    """MLE-bench's kernel list for the competition, when the checkout has one."""
    from ..data.descriptions import checkout_competition_dir

    folder = checkout_competition_dir(mlebench_dir, competition_id)
    listing = folder / "kernels.txt" if folder else None
    if listing is None or not listing.is_file():
        return None
    return [line.strip() for line in listing.read_text().splitlines() if "/" in line.strip()]


def download_kernels(
    competition_id: str,
    data_dir: Path,
    client: KernelClient,
    mlebench_dir: Path | None = None,
    limit: int = DEFAULT_MAX_KERNELS,
) -> KernelsResult:
    """Download the competition's kernels that are not there yet, as ``.py`` files."""
    from .export import _notebook_code

    refs = checkout_kernel_refs(mlebench_dir, competition_id)
    source = "mlebench kernels.txt"
    if refs is None:
        refs, source = client.top_kernels(competition_id, limit), "kaggle most-voted"
    refs = refs[:limit]
    target = kernels_dir(data_dir, competition_id)
    target.mkdir(parents=True, exist_ok=True)
    result = KernelsResult(competition_id=competition_id, source=source)
    for ref in refs:
        final = target / kernel_file_name(ref)
        if final.is_file():
            result.existing.append(ref)
            continue
        with tempfile.TemporaryDirectory(dir=target) as scratch:
            try:
                client.pull_kernel(ref, Path(scratch))
            except Exception as ex:  # one kernel's failure (403, deleted) must not stop the rest
                result.failed[ref] = f"{type(ex).__name__}: {ex}"[:300]
                continue
            pulled = sorted(Path(scratch).glob("*.ipynb")) + sorted(Path(scratch).glob("*.py"))
            pulled += sorted(p for p in Path(scratch).glob("*") if p.suffix.lower() in (".r",))
            if not pulled:
                result.failed[ref] = "no source file in the download"
                continue
            text = pulled[0].read_text(errors="replace")
            if pulled[0].suffix == ".ipynb":
                text = _notebook_code(text)
            partial = final.with_suffix(".part")
            partial.write_text(text)
            partial.replace(final)
        result.downloaded.append(ref)
    return result


def load_kernels(directory: Path) -> dict[str, str]:
    """Name -> source of the kernels stored in a competition's kernels dir."""
    if not directory.is_dir():
        return {}
    return {p.name: p.read_text(errors="replace") for p in sorted(directory.glob("*.py"))}


def prepare_kernels(
    ids: list[str],
    data_dir: str | None,
    mlebench_dir: str | None,
    limit: int = DEFAULT_MAX_KERNELS,
    client: KernelClient | None = None,
) -> int:
    """``mle-inspect prepare --kernels``: download for each id; prints a line each. Exit code."""
    from ..data import resolve_data_dir
    from ..data.descriptions import resolve_mlebench_dir

    where = resolve_data_dir(data_dir)
    checkout = resolve_mlebench_dir(mlebench_dir)
    failed = 0
    for cid in ids:
        try:
            client = client or KaggleKernelClient()
            result = download_kernels(cid, where, client, checkout, limit)
        except Exception as ex:
            failed += 1
            print(f"{cid}: kernels: failed: {ex}")
            continue
        print(
            f"{cid}: kernels ({result.source}): {len(result.downloaded)} downloaded, "
            f"{len(result.existing)} already there, {len(result.failed)} failed "
            f"-> {kernels_dir(where, cid)}"
        )
        failed += bool(result.failed) and not (result.downloaded or result.existing)
    return 1 if failed else 0
