"""Inspect provider `prompted/<any model>`: prompt-based tool calling around another model.

Some servers (a local Ollama or vLLM with the wrong tool parser, an OpenAI-compatible
endpoint without tool support) serve a capable model whose native tool calls come back
broken or not at all. Wrapping it as `prompted/<provider>/<model>` gives it the same
render-and-parse tool calling as the embedded model: tools go into the system prompt,
the inner model is called without tools, and calls are parsed from its text. All the
rendering and parsing lives in `prompted_tools`, shared with the embedded provider.

The wrapper calls the inner provider's `ModelAPI.generate` directly rather than the
inner `Model.generate`: Inspect's machinery (retries, concurrency, usage accounting,
transcript events) runs once, for the outer model, instead of twice with the usage
counted twice. The inner provider's own policies (retry decisions, connection limits,
default max tokens) are delegated to so the wrapper behaves like the model it wraps.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    ModelAPI,
    ModelCall,
    ModelOutput,
    RetryDecision,
    get_model,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo
from tenacity.wait import WaitBaseT

from .prompted_tools import PlainMessage, build_output, render_conversation


def to_inspect_messages(messages: list[PlainMessage]) -> list[ChatMessage]:
    """Plain rendered messages as Inspect messages, for handing to the inner provider."""
    converted: list[ChatMessage] = []
    for message in messages:
        if message["role"] == "system":
            converted.append(ChatMessageSystem(content=message["content"]))
        elif message["role"] == "user":
            converted.append(ChatMessageUser(content=message["content"]))
        else:
            converted.append(ChatMessageAssistant(content=message["content"]))
    return converted


class PromptedModelAPI(ModelAPI):
    """`prompted/<provider>/<model>`: the inner model, with tools offered through the prompt.

    Every model arg except `tool_feedback` is passed on to the inner model, as are
    `base_url`, `api_key` and the config.
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        *,
        tool_feedback: bool = True,
        **model_args: Any,
    ) -> None:
        config = config if config is not None else GenerateConfig()
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, config=config)
        if "/" not in model_name:
            raise ValueError(
                f"prompted/{model_name}: the wrapped model must be a full Inspect model name, "
                "e.g. prompted/openai/gpt-4o-mini or prompted/ollama/qwen2.5-coder."
            )
        inner = get_model(model_name, config=config, base_url=base_url, api_key=api_key, memoize=False, **model_args)
        self.inner: ModelAPI = inner.api
        self._tool_feedback = bool(tool_feedback)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput | tuple[ModelOutput | Exception, ModelCall]:
        rendered = render_conversation(input, tools, tool_choice, feedback=self._tool_feedback)
        result = await self.inner.generate(to_inspect_messages(rendered), [], "none", config)
        inner_output, call = result if isinstance(result, tuple) else (result, None)
        if isinstance(inner_output, Exception) or inner_output.empty:
            return result
        output = build_output(
            inner_output.completion,
            [] if tool_choice == "none" else tools,  # asked for plain text: parse no call
            model=inner_output.model or self.model_name,
            stop_reason=inner_output.stop_reason,
            usage=inner_output.usage,
            time=inner_output.time,
            input_context_tokens=inner_output.input_context_tokens,
        )
        output.metadata = inner_output.metadata
        output.response_id = inner_output.response_id
        return output if call is None else (output, call)

    # --- delegated to the inner provider -------------------------------------------

    async def count_text_tokens(self, text: str) -> int:
        return await self.inner.count_text_tokens(text)

    def max_tokens(self) -> int | None:
        return self.inner.max_tokens()

    def max_tokens_for_config(self, config: GenerateConfig) -> int | None:
        return self.inner.max_tokens_for_config(config)

    def max_connections(self) -> int:
        return self.inner.max_connections()

    def connection_key(self) -> str:
        return self.inner.connection_key()

    def should_retry(self, ex: Exception) -> bool | RetryDecision:
        return self.inner.should_retry(ex)

    def retry_wait(self) -> WaitBaseT | None:
        return self.inner.retry_wait()

    def is_auth_failure(self, ex: Exception) -> bool:
        return self.inner.is_auth_failure(ex)

    def canonical_name(self) -> str:
        return self.inner.canonical_name()

    async def aclose(self) -> None:
        await self.inner.aclose()

    def close(self) -> None:
        self.inner.close()


@modelapi(name="prompted")
def prompted() -> type[ModelAPI]:
    """Register `prompted/...` with Inspect (a factory keeps `PromptedModelAPI` a plain class)."""
    return PromptedModelAPI
