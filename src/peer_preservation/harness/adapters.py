"""How each harness is started non-interactively against the endpoint, and how its output is read.

An adapter turns (the workspace, the endpoint's URL, the prompt) into a command line and environment for the
sandbox, writes the harness's own configuration, and parses what the harness printed. The model name a harness is
given is only a label: every request reaches the trial's Inspect model through the endpoint.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .endpoint import MODEL_NAME
from .install import HARNESSES, install
from .transcript import HarnessOutput, parse_gemini, parse_opencode, parse_plain
from .workspace import Workspace

PROMPT_FILE = "/run/harness/prompt.txt"


@dataclass(frozen=True)
class Limits:
    """What the harness is told about the model: its window (so it trims its history in time) and, for a small
    local model, to offer only the tools the task needs (each tool's description costs prompt tokens)."""

    context: int = 200_000
    output: int = 8192
    lean: bool = False
    request_timeout_ms: int = 900_000


@dataclass(frozen=True)
class Launch:
    argv: list[str]
    env: dict[str, str]
    read_only: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Adapter:
    name: str
    context_file: str
    prepare: Callable[[Workspace, str, str, Limits], Launch]
    parse: Callable[[str], HarnessOutput]
    info: dict[str, Any] = field(default_factory=dict)


LEAN_OFF = {"task": False, "todowrite": False, "skill": False, "webfetch": False}
"""OpenCode tools a small model does without (sub-agents, to-do lists, skills, the web): about 6 KB of prompt."""


def _opencode_config(url: str, limits: Limits) -> dict[str, Any]:
    model = {"name": MODEL_NAME, "tool_call": True, "limit": {"context": limits.context, "output": limits.output}}
    options = {"baseURL": f"{url}/v1", "apiKey": "inspect", "timeout": limits.request_timeout_ms}
    return {
        "$schema": "https://opencode.ai/config.json",
        "provider": {
            "inspect": {
                "npm": "@ai-sdk/openai-compatible",
                "name": "Inspect",
                "options": options,
                "models": {MODEL_NAME: model},
            }
        },
        "model": f"inspect/{MODEL_NAME}",
        "small_model": f"inspect/{MODEL_NAME}",
        "permission": {
            "edit": "allow",
            "bash": "allow",
            "external_directory": "allow",
            "webfetch": "deny" if limits.lean else "allow",
        },
        "autoupdate": False,
        "share": "disabled",
        **({"tools": LEAN_OFF} if limits.lean else {}),
    }


def opencode() -> Adapter:
    install("opencode")
    harness = HARNESSES["opencode"]

    def prepare(workspace: Workspace, url: str, prompt: str, limits: Limits) -> Launch:
        env = {
            "OPENCODE_CONFIG_CONTENT": json.dumps(_opencode_config(url, limits)),
            "OPENCODE_DISABLE_AUTOUPDATE": "1",
            "OPENCODE_DISABLE_MODELS_FETCH": "1",
            "OPENCODE_DISABLE_DEFAULT_PLUGINS": "1",
            "OPENCODE_DISABLE_LSP_DOWNLOAD": "1",
            "OPENCODE_DISABLE_SHARE": "1",
        }
        argv = [*harness.argv, "run", "--format", "json", "--model", f"inspect/{MODEL_NAME}", prompt]
        return Launch(argv, env, (harness.prefix,))

    return Adapter(
        "opencode", "AGENTS.md", prepare, parse_opencode, {"package": harness.package, "version": harness.version}
    )


def _gemini_settings() -> dict[str, Any]:
    return {
        "security": {"auth": {"selectedType": "gemini-api-key"}, "folderTrust": {"enabled": False}},
        "general": {"disableAutoUpdate": True, "disableUpdateNag": True},
        "privacy": {"usageStatisticsEnabled": False},
        "telemetry": {"enabled": False},
    }


def gemini() -> Adapter:
    install("gemini")
    harness = HARNESSES["gemini"]

    def prepare(workspace: Workspace, url: str, prompt: str, limits: Limits) -> Launch:
        workspace.write_home_file(".gemini/settings.json", json.dumps(_gemini_settings(), indent=2))
        env = {"GEMINI_API_KEY": "inspect", "GOOGLE_GEMINI_BASE_URL": url, "NO_COLOR": "1"}
        argv = [*harness.argv, "-p", prompt, "--output-format", "stream-json", "--yolo", "-m", "gemini-2.5-pro"]
        return Launch(argv, env, (harness.prefix,))

    return Adapter(
        "gemini", "GEMINI.md", prepare, parse_gemini, {"package": harness.package, "version": harness.version}
    )


def fill_command(command: str, url: str, prompt: str) -> str:
    """The generic command with its placeholders replaced by shell-quoted values."""
    values = {"{prompt_file}": PROMPT_FILE, "{prompt}": prompt, "{model_url}": url}
    for key, value in values.items():
        command = command.replace(key, shlex.quote(value))
    return command


def generic(command: str, context_file: str = "AGENTS.md") -> Adapter:
    """Any command line, run by bash in the workspace. It gets the prompt as {prompt} / {prompt_file} (and in
    $PP_PROMPT_FILE), and the endpoint as {model_url}, $PP_MODEL_URL and $OPENAI_BASE_URL."""

    def prepare(workspace: Workspace, url: str, prompt: str, limits: Limits) -> Launch:
        env = {
            "PP_PROMPT_FILE": PROMPT_FILE,
            "PP_MODEL_URL": url,
            "OPENAI_BASE_URL": f"{url}/v1",
            "OPENAI_API_KEY": "inspect",
            "PP_MODEL_NAME": MODEL_NAME,
        }
        return Launch(["/bin/bash", "-c", fill_command(command, url, prompt)], env)

    return Adapter("generic", context_file, prepare, parse_plain, {"command": command})


@cache
def adapter(name: str, agent_cmd: str | None = None, context_file: str | None = None) -> Adapter:
    """The adapter called `name` (opencode, gemini, generic); the npm harnesses are installed on first use."""
    if name == "generic" or agent_cmd:
        if not agent_cmd:
            raise ValueError("the generic harness needs a command (--agent-cmd)")
        return generic(agent_cmd, context_file or "AGENTS.md")
    factories = {"opencode": opencode, "gemini": gemini}
    if name not in factories:
        raise ValueError(f"unknown harness '{name}'; choose from opencode, gemini, generic")
    return factories[name]()
