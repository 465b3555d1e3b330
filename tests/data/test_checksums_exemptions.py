"""Files whose published MD5 cannot be reproduced are exempt from verification, and only those."""

from __future__ import annotations

from pathlib import Path

from mle_inspect.data.checksums import UNREPRODUCIBLE, checksums_for, verify_prepared

ICECUBE = "icecube-neutrinos-in-deep-ice"


def test_unreproducible_parquet_files_are_not_verified_but_the_rest_are(tmp_path: Path) -> None:
    (tmp_path / "public").mkdir()
    for relpath in checksums_for(ICECUBE).files:
        (tmp_path / relpath).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relpath).write_bytes(b"not the published bytes")
    verified, mismatches = verify_prepared(ICECUBE, tmp_path)
    assert verified == []
    checked = {m.relpath for m in mismatches}
    exempt = {relpath for cid, relpath in UNREPRODUCIBLE if cid == ICECUBE}
    assert exempt == {"public/train_meta.parquet", "public/test_meta.parquet"}
    assert checked == set(checksums_for(ICECUBE).files) - exempt


def test_every_exemption_names_a_known_checksum_and_a_reason() -> None:
    for (cid, relpath), reason in UNREPRODUCIBLE.items():
        assert relpath in checksums_for(cid).files
        assert "MLE-bench" in reason
