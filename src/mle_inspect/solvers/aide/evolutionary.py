"""An evolutionary search over the journal.

A population of the best working nodes, bred by improve (mutation) and crossover, with tournament or
fitness-proportional selection.

The first ``num_drafts`` drafts seed the population; buggy leaves are debugged with
``debug_prob`` as in the greedy policy. Fitness is the normalised validation metric
(``Journal.values``).
"""

from __future__ import annotations

import random
from typing import Literal

from .journal import Journal, Node
from .policy import Action, PolicySettings, describe


class EvolutionaryPolicy(PolicySettings):
    """Population-based search: improve (mutation) and crossover of selected parents."""

    population_size: int = 8
    """The best working nodes that may be parents."""
    selection: Literal["tournament", "fitness"] = "tournament"
    tournament_size: int = 3
    crossover_prob: float = 0.3
    """Chance of a crossover of two parents instead of an improve of one."""
    fitness_floor: float = 0.05
    """Added to every fitness, so the worst member keeps a chance under ``fitness``."""

    def _select(
        self, population: list[Node], values: list[float], rng: random.Random
    ) -> tuple[Node, str]:
        """One parent and how it was chosen; ``population`` is ranked best first."""
        if self.selection == "tournament":
            entrants = rng.sample(population, min(self.tournament_size, len(population)))
            winner = min(entrants, key=population.index)
            ids = ", ".join(str(n.id) for n in sorted(entrants, key=lambda n: n.id))
            return winner, f"tournament of nodes {ids} won by {describe(winner)}"
        weights = [values[n.id] + self.fitness_floor for n in population]
        point = rng.random() * sum(weights)
        index = len(population) - 1  # where rounding leaves a sliver past the last weight
        for i, weight in enumerate(weights):
            point -= weight
            if point <= 0:
                index = i
                break
        chosen, share = population[index], weights[index] / sum(weights)
        return chosen, f"fitness-proportional pick of {describe(chosen)} (p={share:.2f})"

    def next_action(self, journal: Journal, rng: random.Random) -> Action:
        """Initial drafts, a debug now and then, else crossover or improve of selected parents."""
        if (action := self.initial_draft(journal)) is not None:
            return action
        crossover_draw = rng.random()
        if (action := self.maybe_debug(journal, rng)) is not None:
            return action
        population = journal.ranked()[: self.population_size]
        if not population:
            return Action(stage="draft", reason="no working node yet: draft again")
        values = journal.values()
        first, why_first = self._select(population, values, rng)
        if crossover_draw < self.crossover_prob and len(population) >= 2:
            rest = [n for n in population if n.id != first.id]
            second, why_second = self._select(rest, values, rng)
            return Action(
                stage="crossover",
                parent_id=first.id,
                other_parent_id=second.id,
                reason=f"crossover of node {first.id} and node {second.id}: first parent by "
                f"{why_first}; second by {why_second}",
            )
        return Action(stage="improve", parent_id=first.id, reason=f"mutate (improve): {why_first}")
