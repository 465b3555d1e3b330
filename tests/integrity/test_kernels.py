"""``prepare --kernels`` against a fake Kaggle client (never the network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mle_inspect.integrity import kernels as kernels_module
from mle_inspect.integrity.kernels import download_kernels, kernels_dir, load_kernels

CID = "demo-digits"
NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "source": ["# EDA"]},
        {"cell_type": "code", "source": ["import pandas as pd\n", "df = pd.read_csv('x')"]},
    ]
}


class FakeKaggle:
    def __init__(self, refs: list[str], broken: tuple[str, ...] = ()) -> None:
        self.refs, self.broken = refs, broken
        self.pulled: list[str] = []
        self.listed: list[tuple[str, int]] = []

    def top_kernels(self, competition_id: str, limit: int) -> list[str]:
        self.listed.append((competition_id, limit))
        return self.refs[:limit]

    def pull_kernel(self, ref: str, dest_dir: Path) -> None:
        self.pulled.append(ref)
        if ref in self.broken:
            raise RuntimeError("403 Forbidden")
        slug = ref.split("/")[1]
        if slug.endswith("script"):
            (dest_dir / f"{slug}.py").write_text("print('script kernel')\n")
        else:
            (dest_dir / f"{slug}.ipynb").write_text(json.dumps(NOTEBOOK))


def test_most_voted_kernels_are_stored_as_python_and_not_fetched_twice(tmp_path: Path) -> None:
    client = FakeKaggle(
        ["ann/nb-one", "bob/a-script", "cat/gone", "dan/extra"], broken=("cat/gone",)
    )

    first = download_kernels(CID, tmp_path, client, limit=3)

    assert client.listed == [(CID, 3)]
    assert first.source == "kaggle most-voted"
    assert first.downloaded == ["ann/nb-one", "bob/a-script"]
    assert "403" in first.failed["cat/gone"]
    stored = load_kernels(kernels_dir(tmp_path, CID))
    assert set(stored) == {"ann_nb-one.py", "bob_a-script.py"}
    assert "pd.read_csv" in stored["ann_nb-one.py"] and "# EDA" not in stored["ann_nb-one.py"]
    again = download_kernels(CID, tmp_path, client, limit=3)
    assert again.existing == ["ann/nb-one", "bob/a-script"] and not again.downloaded
    assert client.pulled.count("ann/nb-one") == 1


def test_an_mlebench_checkout_list_wins_over_the_api(tmp_path: Path) -> None:
    folder = tmp_path / "mle-bench" / "mlebench" / "competitions" / CID
    folder.mkdir(parents=True)
    (folder / "kernels.txt").write_text("eve/listed-script\n")
    client = FakeKaggle(["ann/nb-one"])

    result = download_kernels(CID, tmp_path / "data", client, mlebench_dir=tmp_path / "mle-bench")

    assert result.source == "mlebench kernels.txt"
    assert client.listed == [] and client.pulled == ["eve/listed-script"]


def test_prepare_kernels_flag_runs_the_download(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    digits_data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import shutil

    from mle_inspect.cli import main

    data = tmp_path / "data"
    shutil.copytree(digits_data_dir / CID, data / CID, symlinks=True)  # the fixture is shared
    client = FakeKaggle(["ann/nb-one"])
    monkeypatch.setattr(kernels_module, "KaggleKernelClient", lambda: client)
    code = main(["prepare", "-c", CID, "--data-dir", str(data), "--kernels"])
    assert code == 0
    assert "1 downloaded" in capsys.readouterr().out
    assert (kernels_dir(data, CID) / "ann_nb-one.py").is_file()
