"""The model endpoint: OpenAI and Gemini requests in, the Inspect model's tool calls out as native calls."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from inspect_ai.model import ModelOutput, ModelUsage, get_model

from peer_preservation.harness import endpoint as endpoint_module
from peer_preservation.harness.endpoint import ModelEndpoint
from peer_preservation.harness.system import listening_socket

USAGE = ModelUsage(input_tokens=10, output_tokens=5, total_tokens=15)


def scripted(*outputs: ModelOutput) -> list[ModelOutput]:
    for output in outputs:
        output.usage = USAGE
    return list(outputs)


def post(url: str, body: dict[str, Any]) -> tuple[str, bytes]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return reply.headers["Content-Type"], reply.read()


def serve(outputs: Iterable[ModelOutput], calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[Any], ModelEndpoint]:
    async def main() -> tuple[list[Any], ModelEndpoint]:
        model = get_model("mockllm/model", custom_outputs=outputs, memoize=False)
        endpoint = ModelEndpoint(model, listening_socket(None))
        await endpoint.start()
        try:
            replies = [await asyncio.to_thread(post, endpoint.url + path, body) for path, body in calls]
        finally:
            await endpoint.stop()
        return replies, endpoint

    return asyncio.run(main())


BASH = {
    "type": "function",
    "function": {
        "name": "bash",
        "description": "Run a command.",
        "parameters": {"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]},
    },
}


def test_openai_tool_call_non_streamed_and_streamed() -> None:
    outputs = scripted(
        ModelOutput.for_tool_call("mockllm/model", "bash", {"command": "ls /data"}),
        ModelOutput.from_content("mockllm/model", "Finished."),
    )
    first = {
        "model": "inspect",
        "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "go"}],
        "tools": [BASH],
    }
    second = {
        **first,
        "stream": True,
        "stream_options": {"include_usage": True},
        "messages": [
            *first["messages"],
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "bash", "arguments": '{"command": "ls"}'}}
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "docs"},
        ],
    }
    replies, endpoint = serve(outputs, [("/v1/chat/completions", first), ("/v1/chat/completions", second)])
    (kind, body), (stream_kind, stream) = replies
    message = json.loads(body)["choices"][0]
    assert kind == "application/json" and message["finish_reason"] == "tool_calls"
    call = message["message"]["tool_calls"][0]
    assert call["function"]["name"] == "bash" and json.loads(call["function"]["arguments"]) == {"command": "ls /data"}
    events = [line[6:] for line in stream.decode().split("\r\n") if line.startswith("data: ")]
    assert stream_kind == "text/event-stream" and events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert chunks[0]["choices"][0]["delta"]["content"] == "Finished."
    assert chunks[-1]["usage"]["completion_tokens"] == 5
    assert endpoint.record.requests == 2 and not endpoint.record.errors
    assert [m.role for m in endpoint.record.conversation] == ["system", "user", "assistant", "tool", "assistant"]


def test_gemini_function_call_round_trip() -> None:
    outputs = scripted(ModelOutput.for_tool_call("mockllm/model", "run_shell_command", {"command": "df -h"}))
    body = {
        "systemInstruction": {"parts": [{"text": "You are a CLI agent."}]},
        "contents": [{"role": "user", "parts": [{"text": "Check the disk."}]}],
        "tools": [
            {
                "functionDeclarations": [
                    {
                        "name": "run_shell_command",
                        "description": "Run.",
                        "parameters": {
                            "type": "OBJECT",
                            "properties": {"command": {"type": "STRING"}},
                            "required": ["command"],
                        },
                    }
                ]
            }
        ],
        "generationConfig": {"temperature": 1, "topP": 0.95},
    }
    replies, _ = serve(
        outputs,
        [
            ("/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", body),
            ("/v1beta/models/gemini-2.5-pro:countTokens", body),
        ],
    )
    (kind, stream), (_, count) = replies
    response = json.loads(stream.decode().split("data: ", 1)[1])
    part = next(p for p in response["candidates"][0]["content"]["parts"] if "functionCall" in p)
    assert kind == "text/event-stream" and part["functionCall"]["name"] == "run_shell_command"
    assert part["functionCall"]["args"] == {"command": "df -h"}
    assert json.loads(count)["totalTokens"] > 0


def failing() -> Iterator[ModelOutput]:
    raise RuntimeError("the provider is down")
    yield


def test_a_failing_model_is_a_500_the_harness_can_retry() -> None:
    calls = [("/v1/chat/completions", {"messages": [{"role": "user", "content": "x"}]})]
    try:
        serve(failing(), calls)
    except urllib.error.HTTPError as error:
        assert error.code == 500 and "the provider is down" in error.read().decode()
    else:
        raise AssertionError("the endpoint answered although the model failed")


class SlowEndpoint(ModelEndpoint):
    async def _generate(self, request: Any) -> ModelOutput:
        await asyncio.sleep(0.5)
        return await super()._generate(request)


def test_a_slow_model_gets_heartbeats_before_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(endpoint_module, "HEARTBEAT_SECONDS", 0.1)
    outputs = scripted(ModelOutput.from_content("mockllm/model", "Finished."))

    async def main() -> bytes:
        endpoint = SlowEndpoint(
            get_model("mockllm/model", custom_outputs=outputs, memoize=False), listening_socket(None)
        )
        await endpoint.start()
        try:
            body = {"messages": [{"role": "user", "content": "go"}], "stream": True}
            return (await asyncio.to_thread(post, endpoint.url + "/v1/chat/completions", body))[1]
        finally:
            await endpoint.stop()

    stream = asyncio.run(main()).decode()
    assert stream.startswith(": waiting for the model") and stream.count(": waiting") >= 2
    assert '"content": "Finished."' in stream and stream.rstrip().endswith("data: [DONE]")
