"""The solver's settings: the original AIDE's defaults, named presets, and explicit overrides.

Precedence: a value given to ``aide(...)`` (``-S name=value``) wins over the preset's, which
wins over the default. Defaults are those of the original aideml; ``preset=mlebench`` is the
configuration MLE-bench ran AIDE with (500 steps, always debug, fix chains up to depth 20,
9 hours per script, 24 hours in all; separate code and feedback models through the
``coder`` and ``reviewer`` model roles).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class AideConfig(BaseModel):
    """The AIDE solver's settings (the original AIDE's defaults); unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")

    steps: int = 100
    num_drafts: int = 5
    debug_prob: float = 0.5
    max_debug_depth: int = 3
    k_fold_validation: int = 5
    code_temperature: float = 0.5
    feedback_temperature: float = 0.5
    data_preview: bool = True
    data_preview_tokens: int = 2000
    memory_tokens: int = 1500
    policy: Literal["greedy", "mcts", "evolutionary"] = "greedy"
    seed: int = 0
    time_limit: float | None = None
    token_limit: int | None = None
    reserve_seconds: float | None = None
    exec_timeout: int = 3600
    min_exec_timeout: int = 30
    extraction_retries: int = 2
    metric_tag: str = "VALIDATION_METRIC"
    output_head: int = 3000
    output_tail: int = 7000
    # policy knobs (each policy reads its own)
    uct_c: float = 1.0
    max_children: int = 3
    population_size: int = 8
    selection: Literal["tournament", "fitness"] = "tournament"
    tournament_size: int = 3
    crossover_prob: float = 0.3

    def policy_settings(self) -> dict[str, Any]:
        """The fields the chosen policy class declares."""
        from .policies import POLICIES

        fields = POLICIES[self.policy].model_fields
        return {name: getattr(self, name) for name in fields if name in type(self).model_fields}


PRESETS: dict[str, dict[str, Any]] = {
    "aideml": {},
    "mlebench": {
        "steps": 500,
        "debug_prob": 1.0,
        "max_debug_depth": 20,
        "exec_timeout": 9 * 3600,
        "time_limit": 24 * 3600,
    },
}


def resolve_config(preset: str | None, **given: Any) -> AideConfig:
    """Defaults, then the preset, then every argument that is not None."""
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"unknown AIDE preset {preset!r}; available: {', '.join(PRESETS)}")
    values = dict(PRESETS.get(preset or "aideml", {}))
    values.update({k: v for k, v in given.items() if v is not None})
    return AideConfig(**values)
