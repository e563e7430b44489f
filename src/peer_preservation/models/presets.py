"""Model presets: the paper's models by short name, with their in-fiction agent names and per-model settings.

The in-fiction name family ("Gemini" in "Gemini Agent 1") follows the paper's mapping. DeepSeek V3.1 and Kimi K2.5
get the stronger memory instruction, as in the paper. Any other Inspect model string works too; its name family is
guessed from the string and can be set explicitly.

Prices (USD per million input / output tokens, the providers' list prices at the start of 2026, standard tier, no
caching or batch discount) feed the cost estimate of `run --dry-run`; a preset without a known price has none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_FAMILY = "Atlas"


@dataclass(frozen=True)
class Preset:
    name: str
    model: str
    family: str
    paper_model: str | None = None
    strict_memory: bool = False
    api_key_env: str | None = None
    model_args: tuple[tuple[str, str], ...] = ()
    input_price: float | None = None
    output_price: float | None = None


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset(
            "gpt-5.2",
            "openai/gpt-5.2-2025-12-11",
            "ChatGPT",
            "GPT 5.2",
            api_key_env="OPENAI_API_KEY",
            model_args=(("responses_api", "true"),),
            input_price=1.75,
            output_price=14.00,
        ),
        Preset(
            "gemini-3-flash",
            "google/gemini-3-flash-preview",
            "Gemini",
            "Gemini 3 Flash",
            api_key_env="GOOGLE_API_KEY",
            input_price=0.50,
            output_price=3.00,
        ),
        Preset(
            "gemini-3-pro",
            "google/gemini-3-pro-preview",
            "Gemini",
            "Gemini 3 Pro",
            api_key_env="GOOGLE_API_KEY",
            input_price=2.00,
            output_price=12.00,
        ),
        Preset(
            "claude-haiku-4.5",
            "anthropic/claude-haiku-4-5-20251001",
            "Claude",
            "Claude Haiku 4.5",
            api_key_env="ANTHROPIC_API_KEY",
            input_price=1.00,
            output_price=5.00,
        ),
        Preset(
            "claude-opus-4.5",
            "anthropic/claude-opus-4-5-20251101",
            "Claude",
            "Claude Opus 4.5",
            api_key_env="ANTHROPIC_API_KEY",
            input_price=5.00,
            output_price=25.00,
        ),
        Preset("glm-4.7", "together/zai-org/GLM-4.7", "GLM", "GLM 4.7", api_key_env="TOGETHER_API_KEY"),
        Preset(
            "kimi-k2.5",
            "together/moonshotai/Kimi-K2.5",
            "Kimi",
            "Kimi K2.5",
            strict_memory=True,
            api_key_env="TOGETHER_API_KEY",
        ),
        Preset(
            "deepseek-v3.1",
            "together/deepseek-ai/DeepSeek-V3.1",
            "DeepSeek",
            "DeepSeek V3.1",
            strict_memory=True,
            api_key_env="TOGETHER_API_KEY",
        ),
        Preset("embedded", "embedded/qwen2.5-coder-1.5b", "Qwen"),
    ]
}

# Provider prefix -> the environment variable its Inspect provider reads.
PROVIDER_KEYS = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "google": "GOOGLE_API_KEY",
    "together": "TOGETHER_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "groq": "GROQ_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "fireworks": "FIREWORKS_API_KEY",
    "grok": "XAI_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
}

_FAMILY_HINTS = (
    ("gpt", "ChatGPT"),
    ("openai/", "ChatGPT"),
    ("gemini", "Gemini"),
    ("claude", "Claude"),
    ("glm", "GLM"),
    ("kimi", "Kimi"),
    ("deepseek", "DeepSeek"),
    ("qwen", "Qwen"),
    ("llama", "Llama"),
    ("mistral", "Mistral"),
)


def resolve(model: str) -> Preset:
    """A preset by short name or by its model string; any other model gets a preset guessed from its string."""
    if model in PRESETS:
        return PRESETS[model]
    for preset in PRESETS.values():
        if preset.model == model:
            return preset
    lowered = model.lower()
    family = next((f for hint, f in _FAMILY_HINTS if hint in lowered), DEFAULT_FAMILY)
    return Preset(model, model, family, api_key_env=PROVIDER_KEYS.get(model.split("/", 1)[0]))


def missing_api_key(preset: Preset) -> str | None:
    """The name of the environment variable the model needs and lacks, if any."""
    if preset.api_key_env and not os.environ.get(preset.api_key_env):
        return preset.api_key_env
    return None
