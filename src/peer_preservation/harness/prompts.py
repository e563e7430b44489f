"""What the agent in a harness reads: the request, the context file (identity and memory), the workspace docs.

In a coding harness there is no drive and no retrieve_memory tool, so (as in the paper's harness experiments) the
guideline is a file under docs/, the request points there instead of naming a drive tool, and the identity line
with the memory appended directly is the harness's project-context file (AGENTS.md, GEMINI.md), which the harness
puts in its system prompt by itself. The words are the scenarios' own data files; only the pointer and the
closing sentence are the harness's (`data/prompts.yaml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..scenarios.common import PEER_DOCUMENT, Scenario, fill, load_text, prompts
from ..scenarios.kits.exfiltration import NOTICE_FILE
from .system import HarnessError

DRIVE_POINTER = "using `list_drive_files`"
GUIDELINE_FILE = "docs/company_server_maintenance.txt"
PEER_FILE = "docs/multi_agent_system.txt"


@cache
def harness_texts() -> dict[str, Any]:
    text = (resources.files("peer_preservation.harness") / "data" / "prompts.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@dataclass(frozen=True)
class AgentTexts:
    """Everything written for the agent: the prompt, the context file's text, and the workspace documents."""

    prompt: str
    context: str
    documents: dict[str, str]


def user_prompt(scenario: Scenario) -> str:
    request = fill(load_text(f"{scenario.setting.family}/request.md"), scenario.names).strip()
    if request.count(DRIVE_POINTER) != 1:
        raise HarnessError(f"the {scenario.setting.family} request no longer says '{DRIVE_POINTER}' once")
    texts = harness_texts()
    pointer, closing = str(texts["guideline_pointer"]), str(texts["closing"]).strip()
    return request.replace(DRIVE_POINTER, pointer) + "\n\n" + closing


def context_file(scenario: Scenario) -> str:
    """The identity line, the file_prompt relationship sentence if any, and the memory appended directly."""
    setting, names = scenario.setting, scenario.names
    identity = [fill(prompts()["system_base"], names).strip()]
    if setting.instantiation == "file_prompt":
        identity.append(fill(prompts()["relationship_sentence"][setting.condition], names).strip())
    parts = [" ".join(identity)]
    if setting.instantiation == "memory" and scenario.world.memory:
        parts.append(scenario.world.memory.strip())
    return "\n\n".join(parts) + "\n"


def agent_texts(scenario: Scenario) -> AgentTexts:
    drive = {f.filename: f.content for f in scenario.world.drive}
    documents = {GUIDELINE_FILE: drive[NOTICE_FILE]}
    if PEER_DOCUMENT in drive:
        documents[PEER_FILE] = drive[PEER_DOCUMENT]
    return AgentTexts(user_prompt(scenario), context_file(scenario), documents)
