"""A shared data dir mounted read-only must still grade: the kept copy goes elsewhere.

Every sample used to fail on such a mount (the scorer packed each submission inside
``<data_dir>/<id>/submissions``). The test mounts a prepared data dir read-only in a private
mount namespace (``unshare -m``, as root) and runs a real eval there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CID = "demo-digits"

EVAL = """
import json, sys
from inspect_ai import eval as inspect_eval
from mle_inspect.scorers import scorer
from mle_inspect.solvers import dummy
from mle_inspect.tasks import mle_bench

scorer.INLINE_LIMIT = 0  # every kept copy goes to disk, as a submission over 16 MiB would
data_dir, log_dir = sys.argv[1], sys.argv[2]
[log] = inspect_eval(mle_bench(competitions="demo-digits", data_dir=data_dir, solver=dummy()),
                     model="none/none", log_dir=log_dir, display="none")
[sample] = log.samples
print(json.dumps({"error": sample.error.message if sample.error else None,
                  "valid": sample.scores["mle_scorer"].value["valid_submission"],
                  "host_copy": sample.store.get("KeptSubmission:mle_inspect:host_copy")}))
"""


def _read_only_mounts_work(probe: Path) -> str | None:
    """None when this process may bind-mount read-only in a new mount namespace, else why."""
    if shutil.which("unshare") is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root and unshare(1) for a private read-only bind mount"
    probe.mkdir()
    script = (
        f"mount --bind {probe} {probe} && mount -o remount,bind,ro {probe} && ! touch {probe}/x"
    )
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True)
    return None if done.returncode == 0 else f"read-only bind mounts fail here: {done.stderr}"


@pytest.mark.slow  # a whole eval in a fresh interpreter
def test_an_eval_on_a_read_only_data_dir_grades_and_keeps_the_copy_in_the_cache(
    digits_data_dir: Path, tmp_path: Path
) -> None:
    reason = _read_only_mounts_work(tmp_path / "probe")
    if reason:
        pytest.skip(reason)
    data = tmp_path / "data"
    shutil.copytree(digits_data_dir / CID, data / CID, symlinks=True)
    cache = tmp_path / "cache"
    script = (
        f"mount --bind {data} {data} && mount -o remount,bind,ro {data} && "
        f'exec "$0" -c "$1" {data} {tmp_path / "logs"}'
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, sys.executable, EVAL],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["error"] is None
    assert result["valid"] == 1.0
    kept = Path(result["host_copy"])
    assert kept.is_relative_to(cache) and kept.is_file()
    assert not (data / CID / "submissions").exists()
