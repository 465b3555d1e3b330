"""``baseline``: no model calls. Writes a generic scikit-learn program into the sandbox and runs it.

It needs numpy, pandas, scikit-learn and pillow inside the sandbox (the local sandbox runs
the host's interpreter, which has them as dependencies of mle-inspect).
"""

from __future__ import annotations

import json
import shlex
from importlib import resources
from typing import Any

from inspect_ai.log import transcript
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import ExecResult, sandbox, span

from ..sandboxes.paths import sandbox_paths
from ._common import finish, prediction_kind, public_sample_submission

PROGRAM_NAME = "baseline.py"
MAX_STEPS = 200
"""Step lines shown in the transcript at most (the program writes a few dozen)."""


def baseline_program() -> str:
    """The source of the program run in the sandbox."""
    return resources.files(__package__).joinpath("_baseline_program.py").read_text("utf-8")


@solver
def baseline(timeout: int = 3600, seed: int = 0) -> Solver:
    """Fit a cross-validated scikit-learn model in the sandbox and write the submission.

    Every competition ends with a valid file: where the generic model does not apply or its
    file fails the host-side validator, the program's fallback (majority class or mean in
    the sample submission's shape) is used, and failing that the sample submission itself.
    The path taken is recorded in the sample metadata under ``baseline`` and each step
    (models tried, cross-validation scores, choice, fallback reason) in the transcript.

    Args:
        timeout: Seconds the program may run before it is stopped.
        seed: Random seed for cross-validation and models.

    Returns:
        A solver that needs no model.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        from .tools.validate import check_submission

        paths = sandbox_paths()
        program = f"{paths.code}/{PROGRAM_NAME}"
        steps_file = f"{paths.logs}/baseline-steps.jsonl"
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
            "--steps",
            steps_file,
        ]
        outcome: dict[str, Any] = {}
        async with span("baseline program", type="baseline"):
            output = await _run(command, f"{paths.logs}/baseline.log", timeout)
            steps = await _read_steps(steps_file)
            _show_steps(steps)
            outcome["path"] = _path_taken(steps, output.success)
            check = await check_submission()
            if not check.valid and outcome["path"] == "model":
                transcript().info(f"baseline: the model's file is invalid ({check.message})")
                outcome["model_invalid"] = check.message
                output = await _run(
                    [*command, "--fallback-only"], f"{paths.logs}/baseline.log", timeout
                )
                _show_steps((await _read_steps(steps_file))[len(steps) :])
                outcome["path"] = "fallback"
                check = await check_submission()
            if not check.valid:
                transcript().info(
                    f"baseline: falling back to the sample submission ({check.message})"
                )
                outcome["fallback_invalid"] = check.message
                copied = await sandbox().exec(["cp", sample_submission, paths.submission_file])
                outcome["path"] = "sample-submission" if copied.success else "none"
                check = await check_submission()
        outcome["valid"] = check.valid
        reason = next((s.get("reason") for s in steps if s.get("step") == "path"), None)
        if reason:
            outcome["fallback_reason"] = reason
        state.metadata["baseline"] = outcome
        transcript().info(outcome, source="baseline")
        status = "finished" if output.success else f"failed (exit {output.returncode})"
        return finish(
            state,
            f"baseline {status}; submission from the {outcome['path']} path "
            f"({'valid' if check.valid else 'invalid: ' + check.message}).\n\n"
            f"{output.stdout[-4000:]}{output.stderr[-2000:]}",
        )

    return solve


async def _run(command: list[str], log: str, timeout: int) -> ExecResult[str]:
    script = f"{shlex.join(command)} 2>&1 | tee -a {shlex.quote(log)}; exit ${{PIPESTATUS[0]}}"
    try:
        return await sandbox().exec(["bash", "-c", script], timeout=timeout)
    except TimeoutError:
        return ExecResult(False, 124, "", f"baseline: stopped after {timeout} s")


async def _read_steps(path: str) -> list[dict[str, Any]]:
    """The program's step log; lines that are not JSON objects are skipped."""
    try:
        text = await sandbox().read_file(path)
    except (FileNotFoundError, UnicodeDecodeError, OSError):
        return []
    steps = []
    for line in text.splitlines()[:MAX_STEPS]:
        try:
            step = json.loads(line)
        except ValueError:
            continue
        if isinstance(step, dict):
            steps.append(step)
    return steps


def _show_steps(steps: list[dict[str, Any]]) -> None:
    """One transcript entry per step, so ``inspect view`` shows the baseline's trajectory."""
    for step in steps:
        name = str(step.get("step", "step"))
        details = ", ".join(f"{k}: {v}" for k, v in step.items() if k != "step")
        transcript().info(f"**{name}** {details}", source="baseline")


def _path_taken(steps: list[dict[str, Any]], success: bool) -> str:
    for step in steps:
        if step.get("step") == "path":
            return str(step.get("taken"))
    return "model" if success else "crashed"
