"""Every private ``inspect_ai`` name this package uses, in one place.

Each has no public equivalent in inspect_ai 0.3.285. An upgrade that moves or renames one
breaks here, and ``tests/test_inspect_compat.py`` says which. Import them from this module,
never from ``inspect_ai`` directly.
"""

from __future__ import annotations

# Inspect prints this error's message without a traceback (for a data dir that is not
# prepared, an unknown split ...); there is no public way to ask for that.
from inspect_ai._util.error import PrerequisiteError

# Raised when an operator or a limit ends a sample: an infrastructure stop, never the agent's
# crash; only this private class tells the two apart.
from inspect_ai._util.exception import TerminateSampleError

# The module whose ``count_text_tokens`` every model without its own counter uses (tiktoken,
# which downloads its file on first use): solvers/_tokens.py wraps it for offline runs.
from inspect_ai.model import _model as inspect_model_module

# The running sample's TaskState, for helpers that run outside a solver's arguments (the
# host-side validation tool reads the sample's metadata through it).
from inspect_ai.solver._task_state import sample_state

# The path Inspect runs its sandbox-tools launcher at: the local sandbox must recognise
# these commands to point them at a per-sample tools dir.
from inspect_ai.util._sandbox._cli import SANDBOX_CLI

# Inspect's docker sandbox, which ``mle_docker`` extends (resource-aware concurrency, its own
# GPU ids); inspect_ai registers it but does not export the class.
from inspect_ai.util._sandbox.docker.docker import DockerSandboxEnvironment

# Inspect's own local sandbox, which ``mle_local`` extends (its exec, file I/O and the
# sandbox-tools server lifecycle); inspect_ai registers it but does not export the class.
from inspect_ai.util._sandbox.local import LocalSandboxEnvironment

__all__ = [
    "SANDBOX_CLI",
    "DockerSandboxEnvironment",
    "LocalSandboxEnvironment",
    "PrerequisiteError",
    "TerminateSampleError",
    "inspect_model_module",
    "sample_state",
]
