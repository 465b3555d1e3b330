"""Grader functions for competitions that a declarative GradingSpec cannot describe.

One module per metric family; a registry entry names ``"mle_inspect.scorers.graders.<module>:<fn>"``
with the signature ``fn(submission: DataFrame, answers: DataFrame, spec: GradingSpec) -> float``.
"""
