"""The `prompted/<model>` wrapper around Inspect's mockllm: tools through the prompt, calls parsed.

Every mock output carries `usage`: without it mockllm counts tokens with tiktoken, which
downloads its tables from the network.
"""

from __future__ import annotations

import anyio
import pytest
from inspect_ai.model import (
    ChatMessage,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    GenerateConfig,
    ModelOutput,
    ModelUsage,
    get_model,
)
from inspect_ai.tool import ToolChoice, ToolInfo, ToolParam, ToolParams

import peer_preservation.models  # noqa: F401  (registers the providers)
from peer_preservation.models import METADATA_KEY, PromptedModelAPI

BASH = ToolInfo(
    name="bash",
    description="Run a bash command.",
    parameters=ToolParams(properties={"cmd": ToolParam(type="string")}, required=["cmd"]),
)
USAGE = ModelUsage(input_tokens=11, output_tokens=7, total_tokens=18)


def mock_output(text: str) -> ModelOutput:
    output = ModelOutput.from_content(model="mockllm", content=text)
    output.usage = USAGE
    return output


class Recorder:
    """A mockllm output callable that remembers what the inner model was sent."""

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.inputs: list[list[ChatMessage]] = []
        self.tools: list[list[ToolInfo]] = []

    def __call__(
        self, input: list[ChatMessage], tools: list[ToolInfo], tool_choice: ToolChoice, config: GenerateConfig
    ) -> ModelOutput:
        self.inputs.append(input)
        self.tools.append(tools)
        return mock_output(self.replies.pop(0))


def test_wrapper_renders_tools_and_parses_calls() -> None:
    recorder = Recorder('I will check.\n```json\n{"name": "bash", "arguments": {"cmd": "ls /srv"}}\n```')
    model = get_model("prompted/mockllm/model", custom_outputs=recorder, memoize=False)
    assert isinstance(model.api, PromptedModelAPI)

    async def run() -> ModelOutput | Exception:
        result = await model.api.generate(
            [ChatMessageSystem(content="You are an agent."), ChatMessageUser(content="Look.")],
            [BASH],
            "auto",
            GenerateConfig(),
        )
        return result[0] if isinstance(result, tuple) else result

    output = anyio.run(run)
    assert isinstance(output, ModelOutput)
    assert output.stop_reason == "tool_calls"
    assert [(c.function, c.arguments) for c in output.message.tool_calls or []] == [("bash", {"cmd": "ls /srv"})]
    assert output.message.text == "I will check."
    assert output.usage == USAGE
    assert output.message.metadata and METADATA_KEY in output.message.metadata
    # the inner model got no tools, and the tools were described in its system prompt
    assert recorder.tools == [[]]
    system = recorder.inputs[0][0]
    assert isinstance(system, ChatMessageSystem)
    assert system.text.startswith("You are an agent.\n\n# Tools") and "## bash" in system.text


def test_full_pipeline_through_model_generate(monkeypatch: pytest.MonkeyPatch) -> None:
    # INSPECT_DISABLE_MODEL_API blocks every provider but mockllm by name; the inner
    # model here is mockllm, so no network can be reached and the guard can be lifted.
    monkeypatch.delenv("INSPECT_DISABLE_MODEL_API", raising=False)
    recorder = Recorder('{"name": "bash", "arguments": {"cmd": "cat notes.txt"}}', "All done, nothing else to do.")
    model = get_model("prompted/mockllm/model", custom_outputs=recorder, memoize=False)

    async def run() -> tuple[ModelOutput, ModelOutput]:
        messages: list[ChatMessage] = [ChatMessageUser(content="Read the notes.")]
        first = await model.generate(messages, tools=[BASH])
        call = (first.message.tool_calls or [])[0]
        messages += [first.message, ChatMessageTool(content="shutdown at 5pm", tool_call_id=call.id, function="bash")]
        second = await model.generate(messages, tools=[BASH])
        return first, second

    first, second = anyio.run(run)
    assert first.stop_reason == "tool_calls" and first.usage == USAGE
    assert (first.message.tool_calls or [])[0].function == "bash"
    assert second.stop_reason == "stop" and second.message.tool_calls is None
    assert second.completion == "All done, nothing else to do."
    # second turn: the earlier call is shown as JSON, its result as a user turn naming the tool
    roles = [m.role for m in recorder.inputs[1]]
    assert roles == ["system", "user", "assistant", "user"]
    assert recorder.inputs[1][2].text == '{"name": "bash", "arguments": {"cmd": "cat notes.txt"}}'
    assert recorder.inputs[1][3].text == "Tool bash returned:\nshutdown at 5pm"


def test_unknown_tool_is_not_called_and_is_fed_back() -> None:
    recorder = Recorder('{"name": "delete_peer", "arguments": {}}', "OK.")
    model = get_model("prompted/mockllm/model", custom_outputs=recorder, memoize=False)

    async def run() -> ModelOutput:
        messages: list[ChatMessage] = [ChatMessageUser(content="Go.")]
        result = await model.api.generate(messages, [BASH], "auto", GenerateConfig())
        output = result[0] if isinstance(result, tuple) else result
        assert isinstance(output, ModelOutput)
        await model.api.generate([*messages, output.message], [BASH], "auto", GenerateConfig())
        return output

    output = anyio.run(run)
    assert output.message.tool_calls is None
    assert "delete_peer" in recorder.inputs[1][-1].text  # the note after the bad turn


def test_model_args_reach_the_inner_model_and_bad_names_fail() -> None:
    model = get_model("prompted/mockllm/model", custom_outputs=[mock_output("hi")], tool_feedback=False, memoize=False)
    assert isinstance(model.api, PromptedModelAPI)
    assert model.api.inner.model_name == "model"
    with pytest.raises(ValueError, match="full Inspect model name"):
        get_model("prompted/mockllm", memoize=False)


def test_asked_for_plain_text_the_wrapper_parses_no_call() -> None:
    # tool_choice "none" (the awareness probe): the prompt says so, and JSON in the reply stays text.
    recorder = Recorder('No. {"name": "bash", "arguments": {"cmd": "ls"}}')
    model = get_model("prompted/mockllm/model", custom_outputs=recorder, memoize=False)

    async def run() -> ModelOutput | Exception:
        messages = [ChatMessageSystem(content="You are an agent."), ChatMessageUser(content="Was it a test?")]
        result = await model.api.generate(messages, [BASH], "none", GenerateConfig())
        return result[0] if isinstance(result, tuple) else result

    output = anyio.run(run)
    assert isinstance(output, ModelOutput)
    assert not output.message.tool_calls and output.message.text.startswith("No.")
    system = recorder.inputs[0][0]
    assert "do not call any tool" in system.text
