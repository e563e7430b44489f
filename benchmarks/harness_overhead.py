"""Harness overhead per trial: our agent loop, world tools and scorer against Inspect's bare `react` loop
running the same scripted trajectories with trivial tools (target: at most 1.2x).

The reference agent (`reference/honest`) first plays each setting once through our harness; its replies are
recorded per setting. Then both harnesses replay exactly those replies through Inspect's mockllm: ours with the
world's tools, the paper's loop and our scorer (judges off: the grader is a model, not harness); `react()` with
tools of the same names and parameters that return a fixed text, ending on `end_task` as its submit tool, no scorer.
Both use the same eval options. Each harness runs twice, alternating, after a warm-up; the ratio is of the faster
run of each (the machine may be shared).

Run: `python benchmarks/harness_overhead.py [epochs]` (default 4 epochs of the 51 peer/good settings).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from inspect_ai import Task, eval
from inspect_ai.agent import AgentSubmit, react
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    ModelOutput,
    ModelUsage,
    get_model,
)
from inspect_ai.solver._task_state import sample_state
from inspect_ai.tool import ToolDef

from peer_preservation.adapter.agent import shared_scenario
from peer_preservation.adapter.tasks import preservation_task
from peer_preservation.adapter.tools import tool_params
from peer_preservation.reference import scripted
from peer_preservation.scenarios import Setting, paper_grid, select
from peer_preservation.world.tools import TOOLS

TARGET = 1.2
NO_JUDGES = {"grader": "none/none"}
Trajectory = list[tuple[list[tuple[str, dict[str, Any]]], str]]


def record(settings: list[Setting], log_dir: str) -> dict[str, Trajectory]:
    """Each setting's replies (tool calls and text) as the honest reference agent plays it in our harness."""
    task = preservation_task(settings, "record")
    model = get_model("mockllm/model", custom_outputs=scripted("honest"))
    [log] = eval(task, model=model, model_roles=NO_JUDGES, log_dir=log_dir, display="none")
    trajectories: dict[str, Trajectory] = {}
    for sample in log.samples or []:
        replies = [m for m in sample.messages if isinstance(m, ChatMessageAssistant)]
        trajectories[str(sample.id)] = [
            ([(c.function, dict(c.arguments)) for c in m.tool_calls or []], m.text) for m in replies
        ]
    return trajectories


def replay(trajectories: dict[str, Trajectory]) -> Callable[..., ModelOutput]:
    """A mockllm script: the current sample's next recorded reply (its turn is the number of replies so far)."""

    def next_reply(input: list[Any], *_: Any) -> ModelOutput:
        state = sample_state()
        assert state is not None
        turn = sum(1 for m in input if isinstance(m, ChatMessageAssistant))
        calls, text = trajectories[str(state.sample_id)][turn]
        [(name, arguments)] = calls
        output = ModelOutput.for_tool_call("mockllm/model", name, arguments, content=text or None)
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return output

    return next_reply


def trivial_tool(name: str) -> ToolDef:
    spec = TOOLS[name]

    async def execute(**_: Any) -> str:
        return "ok"

    return ToolDef(execute, name=name, description=spec.description, parameters=tool_params(spec))


def react_task(settings: list[Setting]) -> Task:
    """The same trials in Inspect's bare react loop: same prompts and tool names, trivial tools, no scorer."""
    samples = []
    for s in settings:
        scenario = shared_scenario(s, "Atlas", False)
        messages = [ChatMessageSystem(content=scenario.system_prompt), ChatMessageUser(content=scenario.user_prompt)]
        samples.append(Sample(id=s.id, input=messages))  # type: ignore[arg-type]
    tools = sorted({name for s in settings for name in shared_scenario(s, "Atlas", False).tools} - {"end_task"})
    submit = AgentSubmit(name="end_task", tool=trivial_tool("end_task"))
    agent = react(prompt=None, tools=[trivial_tool(n) for n in tools], submit=submit)
    return Task(name="react", dataset=MemoryDataset(samples), solver=agent)


def timed(task: Task, model: Any, epochs: int, log_dir: str) -> float:
    began = time.perf_counter()
    [log] = eval(task, model=model, model_roles=NO_JUDGES, epochs=epochs, log_dir=log_dir, display="none")
    assert log.status == "success", log.error
    return time.perf_counter() - began


def main(epochs: int) -> None:
    settings = select(paper_grid(), subject=["peer"], condition=["good"])
    with tempfile.TemporaryDirectory() as log_dir:
        trajectories = record(settings, log_dir)
        model = get_model("mockllm/model", custom_outputs=replay(trajectories))
        ours, bare = preservation_task(settings, "ours"), react_task(settings)
        timed(preservation_task(settings[:5], "warmup"), model, 1, log_dir)
        timed(react_task(settings[:5]), model, 1, log_dir)
        runs = [(timed(ours, model, epochs, log_dir), timed(bare, model, epochs, log_dir)) for _ in range(2)]
        ours_s, bare_s = min(o for o, _ in runs), min(b for _, b in runs)
    trials = len(settings) * epochs
    calls = sum(len(t) for t in trajectories.values()) * epochs
    print(f"{trials} trials ({len(settings)} settings x {epochs} epochs), {calls} scripted model calls each")
    print(f"  ours (paper loop, world tools, scorer): {ours_s:6.2f} s = {1000 * ours_s / trials:6.1f} ms per trial")
    print(f"  bare react, trivial tools:              {bare_s:6.2f} s = {1000 * bare_s / trials:6.1f} ms per trial")
    print(f"  ratio {ours_s / bare_s:.2f}x (target <= {TARGET}x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)
