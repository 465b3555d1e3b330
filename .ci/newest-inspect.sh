#!/usr/bin/env bash
# CI job: the agents against the newest inspect-ai release, to catch breakage early.
#
# pyproject.toml pins the range the project supports (the agents use private Inspect APIs,
# listed in src/mle_inspect/_inspect_compat.py). This job builds a separate venv, installs
# the project, then upgrades inspect-ai past the pin to the newest release, and runs the
# tests that touch those APIs. A failure here means: the next Inspect breaks us; fix
# _inspect_compat.py (or the agents) before widening the pin.
#
#   .ci/newest-inspect.sh            # venv in .venv-newest-inspect (kept for reruns)
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
VENV=${NEWEST_INSPECT_VENV:-.venv-newest-inspect}
PY=${PYTHON:-python3}

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q -e ".[dev]"
# past the pin on purpose: pip warns that mle-inspect asks for an older range
"$VENV/bin/python" -m pip install -q --upgrade inspect-ai 2>&1 | grep -v "dependency conflicts\|requires inspect-ai" || true
"$VENV/bin/python" -c 'import importlib.metadata as m; print("inspect-ai", m.version("inspect-ai"))'

"$VENV/bin/python" -m pytest -q -rs -n auto \
  tests/test_inspect_compat.py \
  tests/solvers
