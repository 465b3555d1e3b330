"""A random secret per data dir, kept outside what any sandbox shows (issue 14 item 4).

Splits that could otherwise be regenerated inside the sandbox (the demo's, built from data
that ships with scikit-learn by code the agent can import) depend on it. It lives at
``<data_dir>/.mle-inspect-salt``, mode 0600; sandboxes only ever see ``prepared/public``.
Deleting it changes the split of the next preparation (prepare again with ``--force``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

SALT_NAME = ".mle-inspect-salt"


def salt_path(data_dir: Path) -> Path:
    """Where the data dir's salt lives."""
    return data_dir / SALT_NAME


def data_dir_salt(data_dir: Path) -> str:
    """The data dir's salt, created once (safe when several processes race to create it)."""
    path = salt_path(data_dir)
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = data_dir / f"{SALT_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    try:
        os.link(tmp, path)  # fails if another process created it first: theirs wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text(encoding="ascii").strip()


def salted_seed(salt: str, *parts: object) -> int:
    """A 32-bit seed from the salt and a label (e.g. the competition id)."""
    digest = hashlib.sha256(":".join([salt, *map(str, parts)]).encode()).digest()
    return int.from_bytes(digest[:4], "big")
