"""``validate_submission`` as a command inside the sandbox.

For agents that are not Inspect solvers (issue 17 item 4).

The command is a small Python script the setup step writes into the sandbox. It asks the host
through Inspect's sandbox service mechanism (request files in ``/var/tmp/sandbox-services``,
polled by the host), and the host checks the file with the same grader-backed check as the
``validate_submission`` tool (:func:`.tools.validate.check_submission`). It prints VALID or
INVALID with the reason, never a score, and exits 0 or 1. Every call is logged as an info
event in the transcript and counted in :class:`ValidateCommandCalls`.

The service runs in the background of the sample (polling once a second) until it ends. Its
name is unique per sample, since samples of the local sandbox without bubblewrap share the
host's ``/var/tmp``.
"""

from __future__ import annotations

import posixpath
import uuid
from logging import getLogger
from typing import TYPE_CHECKING, Any

import anyio
from inspect_ai.util import StoreModel
from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from inspect_ai.util import SandboxEnvironment

    from .tools.validate import SubmissionTarget

logger = getLogger(__name__)

SERVICES_DIR = "/var/tmp/sandbox-services"
"""Where Inspect's sandbox services keep their request queues (inspect_ai's SERVICES_DIR)."""
POLLING_INTERVAL = 1.0
"""Seconds between the host's looks for requests (each look is one sandbox command)."""
CLIENT_TIMEOUT = 600
START_TIMEOUT = 120
"""Seconds setup waits for the service to be in place."""
"""Seconds the command waits for an answer before saying the checker is unavailable."""

_SCRIPT = '''\
#!/usr/bin/env python3
"""Check a submission CSV with the benchmark's grader.

Usage: validate_submission [CSV]   (default: the graded submission file)
Prints VALID, or INVALID and the reason; never a score. Exit status 0 when valid, 1 when not,
2 when the checker could not be reached.
"""
import importlib.util
import os
import sys
import time

SERVICE = "{name}"
SERVICE_DIR = "{services_dir}/" + SERVICE
DEFAULT = "{default}"


def main():
    args = [a for a in sys.argv[1:] if a != "--"]
    if args and args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    path = os.path.abspath(args[0]) if args else DEFAULT
    spec = importlib.util.spec_from_file_location(SERVICE, SERVICE_DIR + "/" + SERVICE + ".py")
    try:
        client = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(client)
    except OSError as ex:
        print("validate_submission: the checker is not available (" + str(ex) + ")")
        return 2
    request = getattr(client, "_write_" + SERVICE + "_request")("validate", path=path)
    read = getattr(client, "_read_" + SERVICE + "_response")
    deadline = time.monotonic() + {timeout}
    while time.monotonic() < deadline:
        time.sleep(0.1)
        try:
            done, result = read(request, "validate")
        except Exception as ex:
            print("validate_submission: " + str(ex))
            return 2
        if done:
            print(("VALID" if result["valid"] else "INVALID") + ": " + result["path"] + ": "
                  + result["message"])
            return 0 if result["valid"] else 1
    print("validate_submission: no answer from the checker in {timeout} s")
    return 2


sys.exit(main())
'''


class ValidateCall(BaseModel):
    """One use of the in-sandbox ``validate_submission`` command, kept for the log."""

    path: str
    valid: bool
    message: str


class ValidateCommandCalls(StoreModel):
    """Calls of the in-sandbox command, in the sample's store."""

    calls: list[ValidateCall] = Field(default_factory=list)
    command: str | None = None
    """Where the command was installed."""


async def write_sandbox_file(
    environment: SandboxEnvironment, path: str, content: str, mode: str = "644"
) -> None:
    """Write a file anywhere in the sandbox: as the agent user, else as root.

    Beside the agent's dirs (``/home/...``) the default user may not be allowed to write
    (docker's non-root agent; the local sandbox's per-sample root as root).
    """
    script = 'mkdir -p -- "$(dirname -- "$1")" && cat > "$1" && chmod "$2" -- "$1"'
    command = ["sh", "-c", script, "sh", path, mode]
    result = await environment.exec(command, input=content, timeout=60)
    if not result.success:
        try:
            result = await environment.exec(command, input=content, timeout=60, user="root")
        except Exception as ex:  # a sandbox that cannot switch users (local, not root)
            raise PermissionError(f"cannot write {path} in the sandbox: {ex}") from ex
    if not result.success:
        raise PermissionError(f"cannot write {path} in the sandbox: {result.stderr.strip()}")


def agent_home(submission_dir: str) -> str:
    """The dir holding the agent's dirs (``/home``, or the local sandbox's per-sample dir)."""
    return posixpath.dirname(submission_dir.rstrip("/"))


async def install_validate_command(
    environment: SandboxEnvironment | None = None,
    command_path: str | None = None,
    target: SubmissionTarget | None = None,
) -> str:
    """Write the command into the sandbox and serve it until the sample ends.

    Returns:
        The command's path inside the sandbox.
    """
    from inspect_ai.util import background, sandbox, store_as

    from ..sandboxes.paths import sandbox_paths
    from .tools.validate import current_target

    environment = environment or sandbox()
    paths = sandbox_paths(environment)
    command_path = command_path or f"{agent_home(paths.submission)}/validate_submission"
    target = target or current_target()
    name = f"mle_validate_{uuid.uuid4().hex[:12]}"
    script = _SCRIPT.format(
        name=name, default=paths.submission_file, timeout=CLIENT_TIMEOUT, services_dir=SERVICES_DIR
    )
    await write_sandbox_file(environment, command_path, script, mode="755")
    store_as(ValidateCommandCalls).command = command_path
    ready = anyio.Event()
    background(serve_validate_command, environment, name, target, ready)
    with anyio.move_on_after(START_TIMEOUT):
        await ready.wait()  # the agent's first call must find the service in place
    return command_path


async def serve_validate_command(
    environment: SandboxEnvironment,
    name: str,
    target: SubmissionTarget,
    ready: anyio.Event | None = None,
) -> None:
    """Answer the command's requests until the sample ends (never fails the sample)."""
    from inspect_ai.log import transcript
    from inspect_ai.util import sandbox_service, store_as

    from .tools.validate import check_submission

    calls = store_as(ValidateCommandCalls)

    async def validate(path: str = "") -> dict[str, Any]:
        check = await check_submission(str(path) or None, target)
        calls.calls = [
            *calls.calls,
            ValidateCall(path=check.path, valid=check.valid, message=check.message),
        ]
        transcript().info(
            {"path": check.path, "valid": check.valid, "message": check.message},
            source="validate_submission command",
        )
        return {"valid": check.valid, "path": check.path, "message": check.message}

    try:
        user = await _default_uid(environment)
        await sandbox_service(
            name,
            {"validate": validate},
            until=lambda: False,  # cancelled when the sample ends
            sandbox=environment,
            user=user,
            polling_interval=POLLING_INTERVAL,
            started=ready,
        )
    except Exception as ex:  # a broken checker must not fail the agent's sample
        logger.warning("validate_submission command unavailable: %s", ex)
        transcript().info(f"validate_submission command unavailable: {ex}", source="setup")
    finally:
        if ready is not None:
            ready.set()
        _remove_host_service_dir(environment, name)


def _remove_host_service_dir(environment: SandboxEnvironment, name: str) -> None:
    """Remove the sample's service dir where the sandbox shares the host's ``/var/tmp``.

    Only the local sandbox without bubblewrap does; the name is this sample's alone.
    """
    import shutil
    from pathlib import Path

    from ..sandboxes.paths import CANONICAL_PATHS, sandbox_paths

    if sandbox_paths(environment) != CANONICAL_PATHS:
        shutil.rmtree(Path(SERVICES_DIR) / name, ignore_errors=True)


async def _default_uid(environment: SandboxEnvironment) -> str | None:
    """The uid commands run as by default (the service's files must be theirs)."""
    result = await environment.exec(["id", "-u"], timeout=30)
    uid = result.stdout.strip()
    return uid if result.success and uid.isdigit() else None
