"""One model call as the endpoint sees it, whatever dialect it arrived in."""

from __future__ import annotations

from dataclasses import dataclass

from inspect_ai.model import ChatMessage, GenerateConfig
from inspect_ai.tool import ToolChoice, ToolInfo


@dataclass(frozen=True)
class ModelRequest:
    """What the harness asked for, in Inspect's terms."""

    messages: list[ChatMessage]
    tools: list[ToolInfo]
    tool_choice: ToolChoice | None
    config: GenerateConfig
