"""The Kaggle client wrapper: retries, error messages, credentials, verified resumable downloads."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from mle_inspect.data import kaggle
from mle_inspect.data.checksums import cached_md5, checksums_for, load_checksums, md5_file
from mle_inspect.data.kaggle import (
    ChecksumMismatch,
    CredentialsMissing,
    KaggleError,
    RulesNotAccepted,
    TransientKaggleError,
    download_archive,
    find_credentials,
    rules_url,
    with_retries,
)

from .conftest import FakeKaggle


class _HTTPError(Exception):
    """Shaped like requests.HTTPError: the status sits on ``.response``."""

    def __init__(self, status: int) -> None:
        super().__init__(f"{status} Client Error")
        self.response = type("Response", (), {"status_code": status})()


def test_transient_failures_are_retried_with_growing_backoff() -> None:
    calls, sleeps = [], []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise TransientKaggleError("connection reset")
        return "done"

    assert with_retries(flaky, sleep=sleeps.append, base_delay=2.0) == "done"
    assert len(calls) == 3
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] * 0.9
    assert all(1.0 <= s <= 4.0 for s in sleeps)  # 2s then 4s, with jitter of up to -50%


def test_retries_give_up_after_the_last_attempt_with_the_cause() -> None:
    def always() -> None:
        raise TransientKaggleError("HTTP 503")

    with pytest.raises(KaggleError, match="HTTP 503.*gave up after 3 attempts"):
        with_retries(always, attempts=3, sleep=lambda _s: None)


def test_non_transient_errors_are_not_retried() -> None:
    calls = []

    def refused() -> None:
        calls.append(1)
        raise RulesNotAccepted("spaceship-titanic")

    with pytest.raises(RulesNotAccepted):
        with_retries(refused, sleep=lambda _s: None)
    assert calls == [1]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_HTTPError(403), RulesNotAccepted),
        (_HTTPError(401), CredentialsMissing),
        (_HTTPError(429), TransientKaggleError),
        (_HTTPError(503), TransientKaggleError),
        (ConnectionError("reset"), TransientKaggleError),
        (_HTTPError(404), KaggleError),
    ],
)
def test_http_errors_map_to_actionable_errors(error: Exception, expected: type) -> None:
    with pytest.raises(expected) as caught:
        with kaggle._translate_errors("spaceship-titanic"):
            raise error
    assert type(caught.value) is expected


def test_rules_not_accepted_names_the_rules_page() -> None:
    message = str(RulesNotAccepted("spaceship-titanic"))
    assert rules_url("spaceship-titanic") in message
    assert "accept" in message.lower()


def test_credentials_are_found_in_env_or_kaggle_json(
    no_credentials: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert find_credentials() is None
    (no_credentials / ".kaggle").mkdir(parents=True)
    (no_credentials / ".kaggle" / "kaggle.json").write_text('{"username": "u", "key": "k"}')
    assert find_credentials() == str(no_credentials / ".kaggle" / "kaggle.json")
    monkeypatch.setenv("KAGGLE_USERNAME", "u")
    monkeypatch.setenv("KAGGLE_KEY", "k")
    assert "KAGGLE_USERNAME" in (find_credentials() or "")


def test_real_client_without_credentials_explains_how_to_add_them(
    no_credentials: Path, tmp_path: Path
) -> None:
    with pytest.raises(CredentialsMissing, match="kaggle.com/settings/api"):
        kaggle.KaggleApiClient().download_competition("spaceship-titanic", tmp_path)
    assert not list(tmp_path.iterdir())


def test_importing_the_data_package_does_not_import_kaggle() -> None:
    import subprocess

    code = (
        "import sys, mle_inspect.data, mle_inspect.data.kaggle, mle_inspect.cli; "
        "print('kaggle' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_finished_archive_with_matching_md5_is_not_downloaded_again(
    fake_kaggle: FakeKaggle, tmp_path: Path
) -> None:
    md5 = md5_file(fake_kaggle.archive("spaceship-titanic"))
    first = download_archive(fake_kaggle, "spaceship-titanic", tmp_path, expected_md5=md5)
    again = download_archive(fake_kaggle, "spaceship-titanic", tmp_path, expected_md5=md5)
    assert first == again == tmp_path / "spaceship-titanic.zip"
    assert fake_kaggle.downloads == ["spaceship-titanic"]
    assert not (tmp_path / ".download").exists()


def test_md5_mismatch_is_an_error_showing_both_sums_unless_skipped(
    fake_kaggle: FakeKaggle, tmp_path: Path
) -> None:
    actual = md5_file(fake_kaggle.archive("spaceship-titanic"))
    expected = "0" * 32
    with pytest.raises(ChecksumMismatch) as caught:
        download_archive(fake_kaggle, "spaceship-titanic", tmp_path, expected_md5=expected)
    assert expected in str(caught.value) and actual in str(caught.value)
    assert "--skip-verify" in str(caught.value)
    kept = download_archive(
        fake_kaggle, "spaceship-titanic", tmp_path, expected_md5=expected, skip_verify=True
    )
    assert kept.is_file()
    assert fake_kaggle.downloads == ["spaceship-titanic"]  # the archive was kept, not refetched


def test_md5_is_cached_beside_the_archive_and_refreshed_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    path.write_bytes(b"first")
    assert cached_md5(path) == hashlib.md5(b"first").hexdigest()
    assert (tmp_path / "a.zip.md5.json").is_file()
    path.write_bytes(b"second!")
    assert cached_md5(path) == hashlib.md5(b"second!").hexdigest()


def test_packaged_checksums_cover_every_lite_and_dev_zip() -> None:
    from mle_inspect.competitions import split_ids

    assert len(load_checksums()) == 82
    for cid in [*split_ids("lite"), *split_ids("dev")]:
        sums = checksums_for(cid)
        assert sums.zip_md5 is not None and len(sums.zip_md5) == 32
        assert sums.files, cid
    assert checksums_for("spaceship-titanic").files["private/test.csv"] == (
        "1cb99c65efecaba968128577722a83ef"
    )


@pytest.mark.kaggle
def test_real_kaggle_download_matches_mlebench_md5(tmp_path: Path) -> None:
    """Needs the kaggle extra, credentials, network and accepted rules for spaceship-titanic."""
    pytest.importorskip("kaggle", reason="the kaggle extra is not installed")
    if find_credentials() is None:
        pytest.skip("no Kaggle credentials")
    archive = download_archive(
        kaggle.KaggleApiClient(),
        "spaceship-titanic",
        tmp_path,
        expected_md5=checksums_for("spaceship-titanic").zip_md5,
    )
    assert archive.is_file()
