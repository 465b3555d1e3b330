"""Stopping the agent: every process a sample started, killed before its submission is read.

The scorer calls :func:`halt_agent` first, so the submission graded is the one that existed
when the agent was stopped (a command still running at the time limit cannot write a late
one). It is idempotent and never raises for a sample that is already gone.
"""

from __future__ import annotations

from logging import getLogger

from inspect_ai.util import SandboxEnvironment

logger = getLogger(__name__)


class DataTampered(RuntimeError):
    """The agent changed the shared public data (possible only without bubblewrap)."""


HALT_TIMEOUT = 30
"""Seconds an in-container kill may take before we give up (best effort)."""

# Kill everything in the container but its init (pid 1), the keep-alive ``tail`` started by
# the sandbox spec, and this shell. Uses only builtins and /proc, so it works in any image.
_CONTAINER_HALT = r"""
me=$$
for round in 1 2 3; do
  for d in /proc/[0-9]*; do
    p=${d#/proc/}
    [ "$p" = 1 ] || [ "$p" = "$me" ] && continue
    pp=
    { while read -r key value _; do
        [ "$key" = PPid: ] && { pp=$value; break; }
      done < "$d/status"; } 2>/dev/null
    [ -n "$pp" ] || continue
    [ "$pp" = "$me" ] && continue
    comm=
    { read -r comm < "$d/comm"; } 2>/dev/null
    [ "$pp" = 1 ] && [ "$comm" = tail ] && continue
    kill -9 "$p" 2>/dev/null
  done
done
exit 0
"""


def _provider(environment: SandboxEnvironment) -> object:
    """The provider behind Inspect's logging proxy (``sandbox()`` hands out a proxy)."""
    inner: object = environment
    while hasattr(inner, "_sandbox") and not hasattr(inner, "halt"):
        inner = inner._sandbox
    return inner


async def halt_agent(environment: SandboxEnvironment) -> None:
    """Kill every process the sample started in ``environment``; never raises if it is gone.

    Local sandboxes kill by facts the agent cannot shed (pid namespace, per-sample uid, process
    tree); containers kill everything but their init and keep-alive process, as root where
    the provider allows it (docker), else as the default user (k8s: best effort).
    """
    provider = _provider(environment)
    halt = getattr(provider, "halt", None)
    if callable(halt):
        try:
            await halt()
        except DataTampered:
            raise  # the sample must fail loudly: its data, and maybe others', was changed
        except Exception as ex:  # a dead sample has nothing left to halt
            logger.warning("halt_agent: local halt failed: %s", ex)
        return
    for user in ("root", None):
        try:
            result = await environment.exec(
                ["sh", "-c", _CONTAINER_HALT], user=user, timeout=HALT_TIMEOUT
            )
        except Exception as ex:  # unsupported user, stopped container ...
            logger.debug("halt_agent: exec as %s failed: %s", user or "default user", ex)
            continue
        if result.success:
            return
        logger.debug("halt_agent: as %s: %s", user or "default user", result.stderr[:300])
    logger.warning("halt_agent: could not stop the agent's processes in %r", environment)
