"""The agent-facing paths, the same in every sandbox type (DESIGN §3).

Docker and Kubernetes use these paths as they are. The local provider cannot create
``/home/data`` on the host, so it maps each one into a per-sample directory and reports the
mapping through :func:`sandbox_paths`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SandboxPaths(BaseModel):
    """Where the agent finds data and writes its submission, code and logs."""

    model_config = ConfigDict(frozen=True)

    data: str = "/home/data"
    """Public competition data, read-only."""
    submission: str = "/home/submission"
    code: str = "/home/code"
    logs: str = "/home/logs"
    workspace: str = "/home/workspace"

    @property
    def submission_file(self) -> str:
        """The graded submission file."""
        return f"{self.submission}/submission.csv"

    def as_env(self) -> dict[str, str]:
        """Environment variables every sandbox command sees (so scripts need no hard paths)."""
        return {
            "MLE_DATA_DIR": self.data,
            "MLE_SUBMISSION_DIR": self.submission,
            "MLE_CODE_DIR": self.code,
            "MLE_LOGS_DIR": self.logs,
            "MLE_WORKSPACE_DIR": self.workspace,
        }

    def rewrite(self, text: str, canonical: SandboxPaths | None = None) -> str:
        """Replace canonical paths in ``text`` with these (for instructions in local sandboxes)."""
        canonical = canonical or CANONICAL_PATHS
        for field in ("data", "submission", "code", "logs", "workspace"):
            text = text.replace(getattr(canonical, field), getattr(self, field))
        return text


CANONICAL_PATHS = SandboxPaths()


def sandbox_paths(environment: object | None = None) -> SandboxPaths:
    """The paths inside the given (or current sample's default) sandbox."""
    if environment is None:
        from inspect_ai.util import sandbox

        environment = sandbox()
    # sandbox() hands out a proxy that logs events; the provider is behind its `_sandbox`
    while not hasattr(environment, "mle_paths") and hasattr(environment, "_sandbox"):
        environment = environment._sandbox
    paths = getattr(environment, "mle_paths", None)
    return paths if isinstance(paths, SandboxPaths) else CANONICAL_PATHS
