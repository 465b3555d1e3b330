"""Competition -> Inspect Sample: one sample per competition, with its own sandbox spec."""

from __future__ import annotations

from pathlib import Path

from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.util import SandboxEnvironmentSpec

from .._extras import install_hint
from ..competitions import Competition, get_competition
from ..data import (
    CompetitionPaths,
    is_prepared,
    prepare_command,
    prepare_many_command,
    resolve_data_dir,
)
from ..sandboxes.options import SandboxOptions
from ..scorers.metrics import get_metric
from ._errors import CompetitionNotPrepared, TaskArgumentError, TaskPrerequisiteError
from ._instructions import instructions
from ._public_sample import agent_sample_submission

SANDBOX_TYPES = ("local", "docker", "k8s")
DESCRIPTION_VARIANTS = ("standard", "obfuscated")


def sandbox_spec(
    sandbox: str,
    competition: Competition,
    paths: CompetitionPaths,
    workspace_root: str | None,
    options: SandboxOptions | None = None,
    description_file: Path | None = None,
) -> SandboxEnvironmentSpec:
    """The sample's sandbox: only ``prepared/public`` is ever handed to it, never the answers.

    ``description_file`` (the obfuscated description) replaces ``/home/data/description.md``.
    """
    options = options or SandboxOptions()
    if sandbox == "local":
        from ..sandboxes.local import LocalSandboxConfig

        return SandboxEnvironmentSpec(
            "mle_local",
            LocalSandboxConfig(
                public_dir=str(paths.public),
                competition_id=competition.id,
                workspace_root=workspace_root,
                description_file=str(description_file) if description_file else None,
                cpus=options.cpus,
                memory=options.memory,
                gpus=options.gpus,
                env_allow=options.env_allow,
            ),
        )
    if sandbox == "docker":
        from ..sandboxes.compose import compose_file

        return SandboxEnvironmentSpec(
            "mle_docker",
            str(compose_file(paths.public, competition.id, options, description_file)),
        )
    if sandbox == "k8s":
        import importlib.util

        from ..sandboxes.k8s import k8s_values_file

        if importlib.util.find_spec("k8s_sandbox") is None:
            raise TaskPrerequisiteError(
                "sandbox 'k8s' needs inspect-k8s-sandbox: " + install_hint("k8s")
            )
        return SandboxEnvironmentSpec(
            "k8s", k8s_values_file(competition.id, options, description_file is not None)
        )
    raise TaskArgumentError(
        f"sandbox {sandbox!r} is not available; choose one of: {', '.join(SANDBOX_TYPES)}"
    )


def competition_sample(
    competition: Competition,
    paths: CompetitionPaths,
    sandbox: str = "local",
    workspace_root: str | None = None,
    sandbox_options: SandboxOptions | None = None,
    description: str = "standard",
) -> Sample:
    public_sample = agent_sample_submission(competition, paths)
    grading = competition.grading
    kind = get_metric(grading.metric).prediction if grading and grading.metric else None
    return Sample(
        id=competition.id,
        input=instructions(competition, public_sample, description),
        target="",
        metadata={
            "competition_id": competition.id,
            "competition_name": competition.name,
            "complexity": competition.complexity,
            "category": competition.category,
            "metric": competition.metric,
            "lower_is_better": competition.lower_is_better,
            "prediction_kind": kind,
            "sample_submission_public": public_sample,
            "data_dir": str(paths.data_dir),
            "public_dir": str(paths.public),
            "description": description,
        },
        sandbox=sandbox_spec(
            sandbox,
            competition,
            paths,
            workspace_root,
            sandbox_options,
            paths.obfuscated_description if description == "obfuscated" else None,
        ),
    )


def task_ids(split: str | None, competitions: str | list[str] | None) -> list[str]:
    """The competition ids a task runs; an unknown split or id is a one-line error."""
    from ..competitions import UnknownCompetition, resolve_ids

    try:
        return resolve_ids(split, competitions)
    except UnknownCompetition as ex:
        raise TaskArgumentError(str(ex)) from None


def competition_dataset(
    ids: list[str],
    data_dir: str | Path | None = None,
    sandbox: str = "local",
    workspace_root: str | None = None,
    auto_prepare: bool = False,
    name: str = "mle-bench",
    sandbox_options: SandboxOptions | None = None,
    description: str = "standard",
) -> MemoryDataset:
    """Samples for the given competitions; unprepared ones raise with the prepare command."""
    if description not in DESCRIPTION_VARIANTS:
        raise TaskArgumentError(
            f"description {description!r} is not available; choose one of: "
            + ", ".join(DESCRIPTION_VARIANTS)
        )
    where = resolve_data_dir(data_dir)
    samples, missing, unobfuscated = [], [], []
    for cid in ids:
        competition = get_competition(cid)
        paths = CompetitionPaths(where, cid)
        if not is_prepared(paths, competition) and auto_prepare:
            from ..data import prepare_competition

            prepare_competition(competition, paths)
        if not is_prepared(paths, competition):
            missing.append(cid)
            continue
        if description == "obfuscated" and not paths.obfuscated_description.is_file():
            unobfuscated.append(cid)
            continue
        samples.append(
            competition_sample(
                competition, paths, sandbox, workspace_root, sandbox_options, description
            )
        )
    if missing:
        raise CompetitionNotPrepared(
            f"{len(missing)} competition(s) are not prepared in {where}; prepare them with "
            f"(--dry-run first lists the downloads and their sizes):\n"
            f"  {prepare_many_command(missing, where)}"
        )
    if unobfuscated:
        commands = "\n".join(
            f"  {prepare_command(cid, where)} --force --mlebench-dir PATH" for cid in unobfuscated
        )
        raise CompetitionNotPrepared(
            f"description=obfuscated needs prepared/description_obfuscated.md, which "
            f"{len(unobfuscated)} competition(s) lack; prepare them again with an MLE-bench "
            f"checkout (PATH) that has it:\n{commands}"
        )
    return MemoryDataset(samples, name=name)
