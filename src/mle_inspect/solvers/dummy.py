"""``dummy``: copies the sample submission into place. A sanity check of the harness."""

from __future__ import annotations

from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox

from ..sandboxes.paths import sandbox_paths
from ._common import finish, public_sample_submission


@solver
def dummy() -> Solver:
    """Submit the competition's sample submission unchanged (valid, never a medal).

    Returns:
        A solver that needs no model: a floor to compare agents against.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        paths = sandbox_paths()
        source = public_sample_submission(state, paths)
        result = await sandbox().exec(["cp", source, paths.submission_file])
        if not result.success:
            return finish(state, f"dummy: could not copy {source}: {result.stderr.strip()}")
        return finish(state, f"dummy: copied {source} to {paths.submission_file}")

    return solve
