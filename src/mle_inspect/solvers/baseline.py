"""``baseline``: no model calls. Writes a generic scikit-learn program into the sandbox and runs it.

It needs numpy, pandas, scikit-learn and pillow inside the sandbox (the local sandbox runs
the host's interpreter, which has them as dependencies of mle-inspect).
"""

from __future__ import annotations

import shlex
from importlib import resources

from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox

from ..sandboxes.paths import sandbox_paths
from ._common import finish, prediction_kind, public_sample_submission

PROGRAM_NAME = "baseline.py"


def baseline_program() -> str:
    """The source of the program run in the sandbox."""
    return resources.files(__package__).joinpath("_baseline_program.py").read_text("utf-8")


@solver
def baseline(timeout: int = 3600, seed: int = 0) -> Solver:
    """Fit a cross-validated scikit-learn model in the sandbox and write the submission.

    Args:
        timeout: Seconds the program may run before it is stopped.
        seed: Random seed for cross-validation and models.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        paths = sandbox_paths()
        program = f"{paths.code}/{PROGRAM_NAME}"
        await sandbox().write_file(program, baseline_program())
        sample_submission = public_sample_submission(state, paths)
        command = [
            "python3",
            program,
            "--data",
            paths.data,
            "--sample-submission",
            sample_submission,
            "--out",
            paths.submission_file,
            "--kind",
            prediction_kind(state),
            "--seed",
            str(seed),
        ]
        log = f"{paths.logs}/baseline.log"
        script = f"{shlex.join(command)} 2>&1 | tee {shlex.quote(log)}; exit ${{PIPESTATUS[0]}}"
        result = await sandbox().exec(["bash", "-c", script], timeout=timeout)
        status = "finished" if result.success else f"failed (exit {result.returncode})"
        return finish(state, f"baseline {status}.\n\n{result.stdout[-4000:]}{result.stderr[-2000:]}")

    return solve
