"""``examples/scripted_aide.py`` runs offline under each policy and shows a search worth
watching: failures debugged, improvements, a graded valid submission."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import read_eval_log
from pydantic import TypeAdapter

from mle_inspect.solvers.aide import Node

EXAMPLE = Path(__file__).parents[3] / "examples" / "scripted_aide.py"


def _example():  # noqa: ANN202 - the example module
    spec = importlib.util.spec_from_file_location("scripted_aide_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # 25 s of CPU: each policy's searches and scripts are also tested in make test
def test_the_scripted_aide_example_runs_offline(prepare_demo, tmp_path: Path) -> None:  # noqa: ANN001
    example = _example()
    data_dir = prepare_demo(example.COMPETITION_ID)
    tasks = [
        example.scripted_aide(policy, steps=7, data_dir=str(data_dir))
        for policy in ("greedy", "mcts", "evolutionary")
    ]
    logs = inspect_eval(tasks, log_dir=str(tmp_path), display="none", max_tasks=3)
    stages: dict[str, set[str]] = {}
    for policy, log in zip(("greedy", "mcts", "evolutionary"), logs, strict=True):
        assert log.status == "success", log.error
        [sample] = read_eval_log(log.location).samples or []
        nodes = TypeAdapter(list[Node]).validate_python(sample.store["AideStore:nodes"])
        assert len(nodes) == 7 and any(n.buggy for n in nodes)
        assert any(n.stage in ("improve", "crossover") and not n.buggy for n in nodes)
        assert sample.scores["mle_scorer"].value["valid_submission"] == 1.0
        stages[policy] = {n.stage for n in nodes}
    assert "debug" in stages["greedy"] and "crossover" in stages["evolutionary"]
