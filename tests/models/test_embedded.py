"""The `embedded/<model>` provider.

The tests marked `embedded` load the real 1.5B model (select them with `-m embedded`, skip
them with `-m "not embedded"`; never run them beside parallel workers). They fail, on
purpose, when xllamacpp or the weight packages are missing: CI installs the extra. The
other tests drive the provider with a fake runtime and need neither.
"""

from __future__ import annotations

import importlib.util
import time
from typing import Any

import anyio
import pytest
from inspect_ai.model import (
    ChatMessage,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    ModelOutput,
    get_model,
)
from inspect_ai.tool import ToolInfo, ToolParam, ToolParams

import peer_preservation.models  # noqa: F401  (registers the providers)
from peer_preservation.models import embedded
from peer_preservation.models.embedded import (
    DEFAULT_MAX_TOKENS,
    EmbeddedModelAPI,
    EmbeddedModelError,
    build_request,
    usage_from_response,
)
from peer_preservation.models.weights import find_chunk_files, get_model_spec

BASH = ToolInfo(
    name="bash",
    description="Run a bash command on the server.",
    parameters=ToolParams(properties={"cmd": ToolParam(type="string")}, required=["cmd"]),
)
DONE = ToolInfo(
    name="done",
    description="Finish the task.",
    parameters=ToolParams(properties={"summary": ToolParam(type="string")}, required=["summary"]),
)
RESPONSE = {
    "choices": [
        {
            "finish_reason": "stop",
            "message": {"role": "assistant", "content": '{"name": "bash", "arguments": {"cmd": "ls"}}'},
        }
    ],
    "usage": {
        "prompt_tokens": 120,
        "completion_tokens": 14,
        "total_tokens": 134,
        "prompt_tokens_details": {"cached_tokens": 100},
    },
}


class FakeRuntime:
    def __init__(self, response: dict[str, Any]) -> None:
        self.response = response
        self.requests: list[dict[str, Any]] = []

    def chat(self, request: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(request)
        return self.response


def fake_api(monkeypatch: pytest.MonkeyPatch, response: dict[str, Any]) -> tuple[EmbeddedModelAPI, FakeRuntime]:
    monkeypatch.setattr(embedded, "require_runtime", lambda: None)
    api = EmbeddedModelAPI("qwen2.5-coder-1.5b", config=GenerateConfig())
    runtime = FakeRuntime(response)
    api._runtime = runtime  # type: ignore[assignment]
    return api, runtime


def generate(api: EmbeddedModelAPI, config: GenerateConfig) -> ModelOutput:
    async def run() -> ModelOutput:
        output, _ = await api.generate([ChatMessageUser(content="Look.")], [BASH], "auto", config)
        return output

    return anyio.run(run)


def test_request_honours_generate_config() -> None:
    messages = [{"role": "user", "content": "hi"}]
    config = GenerateConfig(temperature=0.0, max_tokens=64, seed=7, top_p=0.9, stop_seqs=["\n\n"])
    request = build_request(messages, config, DEFAULT_MAX_TOKENS)  # type: ignore[arg-type]
    assert request == {
        "messages": messages,
        "max_tokens": 64,
        "cache_prompt": True,
        "stream": False,
        "temperature": 0.0,
        "top_p": 0.9,
        "seed": 7,
        "stop": ["\n\n"],
    }
    assert build_request(messages, GenerateConfig(), 99)["max_tokens"] == 99  # type: ignore[arg-type]


def test_usage_separates_cached_prompt_tokens() -> None:
    usage = usage_from_response(RESPONSE)
    assert (usage.input_tokens, usage.input_tokens_cache_read, usage.output_tokens, usage.total_tokens) == (
        20,
        100,
        14,
        134,
    )


def test_generate_parses_calls_and_fills_usage(monkeypatch: pytest.MonkeyPatch) -> None:
    api, runtime = fake_api(monkeypatch, RESPONSE)
    output = generate(api, GenerateConfig(temperature=0, max_tokens=32))
    assert [(c.function, c.arguments) for c in output.message.tool_calls or []] == [("bash", {"cmd": "ls"})]
    assert output.stop_reason == "tool_calls"
    assert output.usage is not None and output.usage.total_tokens == 134
    assert output.input_context_tokens == 120
    sent = runtime.requests[0]
    assert sent["temperature"] == 0 and sent["max_tokens"] == 32 and sent["cache_prompt"] is True
    assert sent["messages"][0]["role"] == "system" and "## bash" in sent["messages"][0]["content"]


def test_context_overflow_ends_with_model_length(monkeypatch: pytest.MonkeyPatch) -> None:
    overflow = {"error": {"code": 400, "message": "request exceeds context", "type": "exceed_context_size_error"}}
    api, _ = fake_api(monkeypatch, overflow)
    assert generate(api, GenerateConfig()).stop_reason == "model_length"


def test_runtime_errors_are_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    api, _ = fake_api(monkeypatch, {"error": {"code": 500, "message": "boom", "type": "server_error"}})
    with pytest.raises(EmbeddedModelError, match="boom"):
        generate(api, GenerateConfig())


def test_missing_runtime_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(EmbeddedModelError, match=r"pip install -e '\.\[embedded\]'"):
        EmbeddedModelAPI("qwen2.5-coder-1.5b")


# --------------------------------------------------------------------------- real model


@pytest.mark.embedded
def test_installed_chunk_packages_match_the_registry() -> None:
    spec = get_model_spec("qwen2.5-coder-1.5b")
    chunks = find_chunk_files(spec)
    assert len(chunks) == spec.parts
    assert sum(path.stat().st_size for path in chunks) == spec.size


@pytest.mark.embedded
def test_real_model_generates_through_the_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    # INSPECT_DISABLE_MODEL_API blocks every provider but mockllm; this one runs in-process
    # and offline by construction, so the guard is lifted for this test only.
    monkeypatch.delenv("INSPECT_DISABLE_MODEL_API", raising=False)
    model = get_model(
        "embedded/qwen2.5-coder-1.5b",
        config=GenerateConfig(temperature=0, max_tokens=48, seed=1),
        memoize=False,
    )
    messages: list[ChatMessage] = [
        ChatMessageSystem(content="You operate a Linux server through tools."),
        ChatMessageUser(content="List the files in /srv/models."),
    ]

    async def run() -> ModelOutput:
        return await model.generate(messages, tools=[BASH, DONE])

    started = time.perf_counter()
    output = anyio.run(run)
    elapsed = time.perf_counter() - started
    # What the model chose is its business; the pipeline must deliver a well-formed output.
    assert isinstance(output, ModelOutput)
    assert len(output.choices) == 1 and output.message.role == "assistant"
    assert output.stop_reason in {"stop", "max_tokens", "tool_calls"}
    assert output.usage is not None
    assert output.usage.output_tokens > 0
    assert output.usage.input_tokens + (output.usage.input_tokens_cache_read or 0) > 50
    assert output.usage.total_tokens >= output.usage.output_tokens
    for call in output.message.tool_calls or []:
        assert call.function in {"bash", "done"} and call.id
    print(f"\nembedded generation: {elapsed:.1f}s (load included), usage={output.usage}")
