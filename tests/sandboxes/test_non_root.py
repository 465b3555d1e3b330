"""An eval run by a non-root user: prepared data, bubblewrap sandbox, the in-sandbox
``validate_submission`` command and grading all work.

Every other test runs as root here, which hid two faults: five competitions could not load
(their public sample copy went into a read-only dir) and the validate command never started
(Inspect's local exec refused the sandbox's uid 0 for a non-root caller). This one drops to
uid 65534 with setpriv and runs the system interpreter on this checkout's packages.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

from mle_inspect.sandboxes import bwrap

CID = "demo-digits"
NOBODY = 65534

EVAL = """
import json, sys
from inspect_ai import eval as inspect_eval
from inspect_ai.log import read_eval_log
from inspect_ai.solver import solver
from inspect_ai.util import sandbox
from mle_inspect.solvers import dummy
from mle_inspect.tasks import mle_bench

copy = dummy()

@solver
def dummy_then_validate():
    async def solve(state, generate):
        state = await copy(state, generate)
        done = await sandbox().exec(["/home/validate_submission"], timeout=120)
        state.metadata["validate"] = done.stdout + done.stderr
        return state
    return solve

[log] = inspect_eval(mle_bench(competitions="demo-digits", data_dir=sys.argv[1],
                               solver=dummy_then_validate()),
                     model="none/none", log_dir=sys.argv[2], display="none")
[sample] = read_eval_log(log.location).samples
print(json.dumps({"status": log.status, "valid": sample.scores["mle_scorer"].value["valid_submission"],
                  "validate": sample.metadata.get("validate", "")}))
"""


def _why_not() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root, to drop to another uid with setpriv"
    if shutil.which("setpriv") is None:
        return "needs setpriv(1)"
    if bwrap.bwrap_available() is not None:
        return f"bubblewrap unavailable: {bwrap.bwrap_available()}"
    system = shutil.which(
        f"python{sys.version_info.major}.{sys.version_info.minor}", path="/usr/bin"
    )
    if system is None:
        return "no system Python of this version in /usr/bin (the venv's may sit in /root)"
    return None


@pytest.mark.slow  # a whole eval in a fresh interpreter (about 20 s)
def test_a_non_root_user_runs_an_eval_with_the_validate_command(digits_data_dir: Path) -> None:
    reason = _why_not()
    if reason:
        pytest.skip(reason)
    system = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    root = Path(tempfile.mkdtemp(prefix="mle-non-root-"))  # under /tmp: others may traverse
    try:
        shutil.copytree(digits_data_dir / CID, root / "data" / CID, symlinks=True)
        for path in [root, *root.rglob("*")]:
            os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
        packages = [sysconfig.get_paths()["purelib"], str(Path(__file__).parents[2] / "src")]
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(root),
            "PYTHONPATH": os.pathsep.join(packages),
            "MLE_INSPECT_DATA_DIR": str(root / "data"),
        }
        done = subprocess.run(
            ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", system]
            + ["-c", EVAL, str(root / "data"), str(root / "logs")],
            capture_output=True,
            text=True,
            env=env,
            cwd=root,
            timeout=600,
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if (
        done.returncode != 0
        and "Permission denied" in done.stderr
        and "site-packages" in done.stderr
    ):
        pytest.skip(f"this checkout's packages are not readable by uid {NOBODY}")
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "success" and result["valid"] == 1.0
    assert result["validate"].startswith("VALID"), result["validate"]
