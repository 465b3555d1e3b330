"""``bridge_agent``: an agent program in the sandbox, its model calls through Inspect's bridge.

The agent here is a small Python program using the OpenAI client (as a CLI coding agent
would): it reads the instructions file, asks the model for a script, runs it, checks the
submission with the in-sandbox ``validate_submission`` command and reports back. The model is
a scripted mockllm, so the test is offline.
"""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.model import ModelOutput, ModelUsage, get_model

from mle_inspect.sandboxes import bwrap
from mle_inspect.solvers.bridge import bridge_agent
from mle_inspect.tasks import mle_bench

CID = "demo-digits"
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("openai") is None, reason="the openai package is not installed"
)

AGENT = textwrap.dedent(
    """\
    import os, re, subprocess, sys
    from openai import OpenAI

    client = OpenAI()  # OPENAI_BASE_URL and OPENAI_API_KEY come from the bridge
    task = open(os.environ["MLE_INSTRUCTIONS_FILE"]).read()
    messages = [{"role": "user", "content": task}]
    reply = client.chat.completions.create(model=os.environ["MLE_MODEL"], messages=messages)
    text = reply.choices[0].message.content
    code = re.search(r"```python\\n(.*?)```", text, re.S).group(1)
    path = os.path.join(os.environ["MLE_CODE_DIR"], "solution.py")
    open(path, "w").write(code)
    subprocess.run([sys.executable, path], check=True)
    home = os.path.dirname(os.environ["MLE_SUBMISSION_DIR"])
    check = subprocess.run([home + "/validate_submission"], capture_output=True, text=True)
    messages += [{"role": "assistant", "content": text},
                 {"role": "user", "content": "validate_submission said: " + check.stdout}]
    final = client.chat.completions.create(model="inspect", messages=messages)
    print("agent done:", final.choices[0].message.content)
    """
)

SOLUTION = textwrap.dedent(
    """\
    Here is a baseline:
    ```python
    import os, shutil
    data = os.environ["MLE_DATA_DIR"]
    sample = [f for f in os.listdir(data) if "sample" in f][0]
    shutil.copy(os.path.join(data, sample), os.path.join(os.environ["MLE_SUBMISSION_DIR"], "submission.csv"))
    ```
    """
)


def _output(text: str) -> ModelOutput:
    output = ModelOutput.from_content("mockllm/model", text)
    output.usage = ModelUsage(input_tokens=50, output_tokens=10, total_tokens=60)
    return output


@pytest.mark.parametrize("use_bwrap", [True, False], ids=["bwrap", "no-bwrap"])
def test_an_in_sandbox_openai_agent_runs_through_the_bridge(
    digits_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_bwrap: bool
) -> None:
    why_not = bwrap.bwrap_available()
    if use_bwrap and why_not:
        pytest.skip(f"bubblewrap unavailable: {why_not}")
    if not use_bwrap:
        monkeypatch.setenv(bwrap.BWRAP_ENV, "0")
    bwrap.bwrap_available.cache_clear()
    (tmp_path / "ws").mkdir()
    model = get_model(
        "mockllm/model",
        custom_outputs=[_output(SOLUTION), _output("Finished: the submission is valid.")],
    )
    task = mle_bench(
        split="demo",
        competitions=CID,
        data_dir=str(digits_data_dir),
        workspace_root=str(tmp_path / "ws"),
        solver=bridge_agent(
            command=["python3", "-c", AGENT],  # the program as argv: no file to place
            timeout=300,
        ),
    )
    try:
        [log] = inspect_eval(task, model=model, log_dir=str(tmp_path / "logs"), display="none")
    finally:
        bwrap.bwrap_available.cache_clear()
    assert log.status == "success", log.error
    from inspect_ai.log import resolve_sample_attachments

    sample = resolve_sample_attachments((log.samples or [None])[0])
    assert sample is not None and sample.error is None, sample and sample.error
    run = {k.split(":", 1)[1]: v for k, v in sample.store.items() if k.startswith("BridgeRun:")}
    assert run.get("returncode") == 0, (run, [e for e in sample.events if e.event == "info"][-2:])
    assert "agent done: Finished" in run["stdout_tail"]
    # the agent's two model calls went through the bridge and show as model events
    model_events = [e for e in sample.events if e.event == "model"]
    assert len(model_events) == 2
    assert "validate_submission said: VALID" in model_events[1].input[-1].text
    # the bridged conversation is the sample's and the submission was graded
    assert sample.messages[-1].role == "assistant"
    assert "submission is valid" in sample.messages[-1].text
    [score] = sample.scores.values()
    assert score.value["valid_submission"] == 1.0
