"""halt_agent in containers: everything but init and the keep-alive process is killed."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from typing import cast

import pytest
from inspect_ai.util import ExecResult, SandboxEnvironment

from mle_inspect.sandboxes.lifecycle import _CONTAINER_HALT, halt_agent


def _pid_namespace_works() -> str | None:
    if shutil.which("unshare") is None:
        return "unshare is not installed"
    probe = subprocess.run(
        ["unshare", "--pid", "--fork", "--mount-proc", "true"], capture_output=True, text=True
    )
    return None if probe.returncode == 0 else f"no pid namespaces here: {probe.stderr.strip()}"


WHY_NOT = _pid_namespace_works()


@pytest.mark.skipif(WHY_NOT is not None, reason=f"{WHY_NOT}")
def test_the_container_script_spares_only_init_and_the_keep_alive_tail() -> None:
    """A fresh pid namespace stands in for a container: pid 1, its `tail`, agent processes."""
    container = (
        "tail -f /dev/null & "
        "(setsid sleep 1002 &); "  # detached: reparented to pid 1
        'sh -c "while true; do sleep 1; done" & '
        "sleep 0.3; "
        'sh -c "$HALT"; echo "halt=$?"; '
        "sleep 0.3; ps -eo ppid=,args="
    )
    result = subprocess.run(
        ["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", container],
        env={"HALT": _CONTAINER_HALT, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "halt=0" in result.stdout, result
    survivors = [line.split(None, 1)[1] for line in result.stdout.splitlines()[1:] if line]
    assert "tail -f /dev/null" in survivors
    assert not any(s.startswith(("sleep", "sh -c while")) for s in survivors), survivors


class _FakeContainer:
    """Records exec calls; refuses root first, as a k8s pod without root would."""

    def __init__(self) -> None:
        self.calls: list[str | None] = []

    async def exec(
        self, cmd: list[str], user: str | None = None, timeout: int | None = None
    ) -> ExecResult[str]:
        self.calls.append(user)
        if user == "root":
            raise PermissionError("cannot exec as root here")
        return ExecResult(success=True, returncode=0, stdout="", stderr="")


def test_halt_falls_back_to_the_default_user_and_never_raises() -> None:
    fake = _FakeContainer()
    asyncio.run(halt_agent(cast(SandboxEnvironment, fake)))
    assert fake.calls == ["root", None]

    class Gone(_FakeContainer):
        async def exec(
            self, cmd: list[str], user: str | None = None, timeout: int | None = None
        ) -> ExecResult[str]:
            raise RuntimeError("container is gone")

    asyncio.run(halt_agent(cast(SandboxEnvironment, Gone())))
