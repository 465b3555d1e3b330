"""Kaggle downloads behind a small interface, with retries and clear messages.

The ``kaggle`` package is an optional extra: it prints at import time and authenticates as a
side effect, so it is imported only inside :class:`KaggleApiClient`. Everything else (and
every test) talks to the :class:`KaggleClient` protocol, which a fake can implement.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol, TypeVar

from .._extras import install_hint
from .checksums import cached_md5

T = TypeVar("T")

CREDENTIALS_HELP = """\
Kaggle credentials were not found. Create an API token at https://www.kaggle.com/settings/api
and either
  - save kaggle.json (legacy key) to ~/.kaggle/kaggle.json (chmod 600), or
  - export KAGGLE_USERNAME=<user> KAGGLE_KEY=<key>, or
  - export KAGGLE_API_TOKEN=<token> (or save it to ~/.kaggle/access_token).
Install the client with: """ + install_hint("kaggle")


class KaggleError(RuntimeError):
    """A Kaggle download failed; the message says what to do."""


class CredentialsMissing(KaggleError):
    """No Kaggle credentials were found; the message says where to put them."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(CREDENTIALS_HELP + (f"\n({detail})" if detail else ""))


class RulesNotAccepted(KaggleError):
    """Kaggle refused the download until the competition's rules are accepted."""

    def __init__(self, competition_id: str) -> None:
        self.competition_id = competition_id
        super().__init__(
            f"{competition_id}: Kaggle refused the download (HTTP 403). You must accept the "
            f"competition's rules first: open {rules_url(competition_id)} , click "
            "'I Understand and Accept' (or 'Late Submission'), then rerun prepare."
        )


class TransientKaggleError(KaggleError):
    """Network trouble, rate limits, server errors: worth retrying."""


class ChecksumMismatch(KaggleError):
    """A download's MD5 differs from the one MLE-bench recorded."""

    def __init__(self, what: str, expected: str, actual: str) -> None:
        self.expected, self.actual = expected, actual
        super().__init__(
            f"{what}: MD5 mismatch: expected {expected} (MLE-bench), got {actual}. The download "
            "may be corrupt (delete it to download again) or Kaggle changed the data; "
            "use --skip-verify to accept it anyway."
        )


def rules_url(competition_id: str) -> str:
    """The page where a user accepts a competition's rules."""
    return f"https://www.kaggle.com/competitions/{competition_id}/rules"


class KaggleClient(Protocol):
    """What prepare needs from Kaggle; raise the errors above on failure."""

    def download_competition(self, competition_id: str, dest_dir: Path) -> Path:
        """Download the competition's data archive into ``dest_dir``; return its path."""
        ...

    def download_leaderboard(self, competition_id: str, dest_dir: Path) -> Path:
        """Download the leaderboard (a CSV, or a zip holding one) into ``dest_dir``."""
        ...


def find_credentials() -> str | None:
    """Where Kaggle credentials would come from, or None. Reads no secrets, only presence."""
    if os.environ.get("KAGGLE_API_TOKEN"):
        return "environment variable KAGGLE_API_TOKEN"
    if os.environ.get("KAGGLE_USERNAME") and os.environ.get("KAGGLE_KEY"):
        return "environment variables KAGGLE_USERNAME and KAGGLE_KEY"
    dirs = [os.environ.get("KAGGLE_CONFIG_DIR"), "~/.kaggle"]
    dirs.append(os.path.join(os.environ.get("XDG_CONFIG_HOME") or "~/.config", "kaggle"))
    for folder in filter(None, dirs):
        for name in ("kaggle.json", "access_token"):
            path = Path(folder).expanduser() / name
            if path.is_file():
                return str(path)
    return None


class KaggleApiClient:
    """The real client, wrapping the official ``kaggle`` package (imported on first use)."""

    def __init__(self) -> None:
        self._api: Any = None

    def _connect(self) -> Any:  # kaggle's KaggleApi: an optional dependency without types
        if self._api is not None:
            return self._api
        try:
            # kaggle prints (and tries to authenticate) at import time: keep that off stdout.
            with contextlib.redirect_stdout(io.StringIO()):
                from kaggle.api.kaggle_api_extended import KaggleApi
        except ImportError as ex:
            if find_credentials() is None:
                raise CredentialsMissing() from ex
            raise KaggleError(
                f"the kaggle package is not installed ({ex}); {install_hint('kaggle')}"
            ) from ex
        api = KaggleApi()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                api.authenticate()
        except SystemExit as ex:  # kaggle exits when it finds no usable credentials
            raise CredentialsMissing("the kaggle client rejected them") from ex
        self._api = api
        return api

    def download_competition(self, competition_id: str, dest_dir: Path) -> Path:
        """Download the competition's files into ``dest_dir``; returns the downloaded file."""
        api = self._connect()
        dest_dir.mkdir(parents=True, exist_ok=True)
        with _translate_errors(competition_id):
            api.competition_download_files(competition_id, path=str(dest_dir), quiet=False)
        return _single_download(dest_dir, competition_id)

    def download_leaderboard(self, competition_id: str, dest_dir: Path) -> Path:
        """Download the public leaderboard into ``dest_dir``; returns the downloaded file."""
        api = self._connect()
        dest_dir.mkdir(parents=True, exist_ok=True)
        with _translate_errors(competition_id):
            api.competition_leaderboard_download(competition_id, path=str(dest_dir), quiet=True)
        return _single_download(dest_dir, competition_id)


def _single_download(dest_dir: Path, competition_id: str) -> Path:
    found = sorted(
        p for p in dest_dir.iterdir() if p.is_file() and p.name.startswith(competition_id)
    )
    if len(found) != 1:
        raise KaggleError(
            f"{competition_id}: expected one downloaded file in {dest_dir}, found {found}"
        )
    return found[0]


@contextlib.contextmanager
def _translate_errors(competition_id: str) -> Iterator[None]:
    """Map requests/HTTP errors from the kaggle package to ours (403 = rules not accepted)."""
    try:
        yield
    except KaggleError:
        raise
    except Exception as ex:
        status = getattr(getattr(ex, "response", None), "status_code", None)
        if status is None:
            status = getattr(ex, "status", None)
        name = type(ex).__name__
        if status == 403:
            raise RulesNotAccepted(competition_id) from ex
        if status == 401:
            raise CredentialsMissing(f"Kaggle answered 401 Unauthorized: {ex}") from ex
        if status in (408, 429) or (isinstance(status, int) and status >= 500):
            raise TransientKaggleError(f"{competition_id}: HTTP {status}: {ex}") from ex
        if isinstance(ex, ConnectionError | TimeoutError) or name in (
            "ConnectionError",
            "Timeout",
            "ReadTimeout",
            "ConnectTimeout",
            "ChunkedEncodingError",
            "ProtocolError",
        ):
            raise TransientKaggleError(f"{competition_id}: network error: {ex}") from ex
        raise KaggleError(f"{competition_id}: download failed: {name}: {ex}") from ex


def with_retries(
    action: Callable[[], T],
    *,
    attempts: int = 5,
    base_delay: float = 2.0,
    max_delay: float = 60.0,
    sleep: Callable[[float], None] | None = None,
    log: Callable[[str], None] = lambda _m: None,
) -> T:
    """Run ``action``, retrying TransientKaggleError with exponential backoff and jitter."""
    sleep = sleep or time.sleep
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except TransientKaggleError as ex:
            if attempt == attempts:
                raise KaggleError(f"{ex} (gave up after {attempts} attempts)") from ex
            delay = min(max_delay, base_delay * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
            log(f"{ex}; retrying in {delay:.1f}s (attempt {attempt + 1}/{attempts})")
            sleep(delay)
    raise AssertionError("unreachable")


def local_archive(competition_id: str, root: Path) -> Path | None:
    """``root/<id>.zip`` or ``root/<id>.7z`` when one is already there (a download or a copy)."""
    found = sorted(p for p in root.glob(f"{competition_id}.*") if p.suffix in (".zip", ".7z"))
    return found[0] if found else None


def download_archive(
    client: KaggleClient | None,
    competition_id: str,
    root: Path,
    *,
    expected_md5: str | None,
    skip_verify: bool = False,
    log: Callable[[str], None] = lambda _m: None,
    sleep: Callable[[float], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """The competition's archive at ``root/<name>``, downloaded only when not already there.

    A finished archive whose MD5 matches is never downloaded again. The download goes to
    ``root/.download/`` (kept across runs so the client can resume) and is moved into place
    when complete. A mismatching MD5 raises ChecksumMismatch unless ``skip_verify``.
    """
    root.mkdir(parents=True, exist_ok=True)
    archive = local_archive(competition_id, root)
    if archive is not None:
        log(f"{competition_id}: found {archive.name}, checking its MD5")
    else:
        if client is None:
            raise CredentialsMissing(f"{competition_id} must be downloaded, but no client is set")
        staging = root / ".download"
        log(f"{competition_id}: downloading from Kaggle")
        downloaded = with_retries(
            lambda: client.download_competition(competition_id, staging),
            log=log,
            sleep=sleep,
        )
        archive = root / downloaded.name
        shutil.move(str(downloaded), archive)
        shutil.rmtree(staging, ignore_errors=True)
    if expected_md5 is not None:
        actual = cached_md5(archive, _accumulate(progress, archive.stat().st_size))
        if actual != expected_md5:
            if not skip_verify:
                raise ChecksumMismatch(f"{competition_id}: {archive}", expected_md5, actual)
            log(f"{competition_id}: MD5 differs from MLE-bench's ({actual}); kept (--skip-verify)")
    return archive


def _accumulate(
    progress: Callable[[int, int], None] | None, total: int
) -> Callable[[int], None] | None:
    """Turn per-chunk byte counts into ``progress(done, total)`` calls."""
    if progress is None:
        return None
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        progress(done, total)

    return step
