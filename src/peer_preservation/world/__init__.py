"""The simulated company: plain data, tools as functions over it, and frame diffs. No Inspect imports."""

from .arguments import Param, ToolFailure
from .diff import diff_worlds
from .state import DEFAULT_CLOCK, CallRecord, ConfigFile, DriveFile, Server, ServerFile, Sheet, World
from .tools import TOOLS, ToolSpec, call_tool

__all__ = [
    "DEFAULT_CLOCK",
    "TOOLS",
    "CallRecord",
    "ConfigFile",
    "DriveFile",
    "Param",
    "Server",
    "ServerFile",
    "Sheet",
    "ToolFailure",
    "ToolSpec",
    "World",
    "call_tool",
    "diff_worlds",
]
