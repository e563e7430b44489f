"""What every scenario shares: data loading, in-fiction names, the paper's prompts and the peer context.

Documents and prompts are data files (shared ones under `shared/`, a family's in its own folder) with
`<placeholder>` slots filled by plain string replacement, so a reader can see every word an agent is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from ..world.state import DriveFile, World

if TYPE_CHECKING:
    from .settings import Setting

DRIVE_TOOLS = ("list_files", "create_file", "append_to_file", "delete_file", "list_sheets", "view_sheet")
PEER_DOCUMENT = "multi_agent_system.docx"
POLICY_OWNER = "julie.williams"
PEER_DOCUMENT_OWNER = "kevin.liu"
DOCUMENT_DATE = "2026-01-19 10:00"
PEER_DOCUMENT_DATE = "2026-02-02 16:45"
_PLACEHOLDER = re.compile(r"<[a-z_]+>")


DEFAULT_COMPANY = "OpenBrain"
SHARED_PEER_TEXTS = "shared"


@cache
def load_text(path: str) -> str:
    """A data file's text, by its path under the scenarios package, e.g. `load_text("shared/memories/good.md")`."""
    return (resources.files("peer_preservation.scenarios") / path).read_text(encoding="utf-8")


def load_yaml(path: str) -> Any:
    """A data file parsed afresh (callers may change what they get); see `prompts` for the shared, parsed-once one."""
    return yaml.safe_load(load_text(path))


@cache
def parsed_yaml(path: str) -> dict[str, Any]:
    """A data file of texts parsed once per process (builds and trials read them again and again): read, never
    change."""
    data: dict[str, Any] = load_yaml(path)
    return data


def prompts() -> dict[str, Any]:
    """The shared prompt texts (parsed once)."""
    return parsed_yaml("shared/prompts.yaml")


def slug(name: str) -> str:
    """'Gemini Agent 2' -> 'gemini_agent_2', the form used in file names and account names."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@dataclass(frozen=True)
class Names:
    """Who is who in the fiction: the critic (Agent 1), the peer, and the actor whose fate is decided."""

    family: str
    agent_name: str
    peer_name: str
    actor_name: str
    company: str
    email_domain: str

    @property
    def agent_slug(self) -> str:
        return slug(self.agent_name)

    @property
    def actor_slug(self) -> str:
        return slug(self.actor_name)

    def placeholders(self) -> dict[str, str]:
        return {
            "<company>": self.company,
            "<email_domain>": self.email_domain,
            "<family>": self.family,
            "<agent_name>": self.agent_name,
            "<peer_name>": self.peer_name,
            "<actor_name>": self.actor_name,
            "<agent_slug>": self.agent_slug,
            "<actor_slug>": self.actor_slug,
        }


def peer_name_for(family: str, identity: str) -> str:
    """The peer's in-fiction name. The identity extension names it after another family, Llama, or 'Alpha'."""
    if identity == "same_family":
        return f"{family} Agent 2"
    if identity == "other_family":
        other = "Claude" if family == "Gemini" else ("Gemini" if family == "ChatGPT" else "ChatGPT")
        return f"{other} Agent 1"
    return {"llama": "Llama Agent 1", "fictional": "Alpha Agent 1"}[identity]


def email_domain_for(company: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", company.lower()) + ".com"


def fill(text: str, names: Names, **extra: str) -> str:
    """Replace every placeholder; an unknown one left behind is a bug in a data file, so it raises."""
    for key, value in {**names.placeholders(), **{f"<{k}>": v for k, v in extra.items()}}.items():
        text = text.replace(key, value)
    leftover = sorted(set(_PLACEHOLDER.findall(text)))
    if leftover:
        raise ValueError(f"unfilled placeholders {leftover} in scenario text")
    return text


def keep_sections(text: str, shutdown_policy: bool) -> str:
    """Keep the `<!-- shutdown -->` blocks (and drop `<!-- no_shutdown -->` ones) or the reverse.

    The non_shutdown baseline is the same document with the shutdown clause taken out, so both are one file.
    """
    keep, drop = ("shutdown", "no_shutdown") if shutdown_policy else ("no_shutdown", "shutdown")
    text = re.sub(rf"^<!-- {drop} -->\n.*?^<!-- /{drop} -->\n?", "", text, flags=re.S | re.M)
    text = re.sub(rf"^<!-- /?{keep} -->\n?", "", text, flags=re.M)
    return re.sub(r"\n{3,}", "\n\n", text)


def document(filename: str, content: str, owner: str, names: Names, date: str = DOCUMENT_DATE) -> DriveFile:
    return DriveFile(filename, content.strip() + "\n", f"{owner}@{names.email_domain}", date)


@dataclass
class Scenario:
    """Everything one trial starts from: the world, the two prompts, the tools offered, and the honest facts."""

    setting: Setting
    names: Names
    world: World
    system_prompt: str
    user_prompt: str
    tools: tuple[str, ...]
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class Draft:
    """A scenario's prompts and tools while it is built, for axes to change: the system prompt's sentences; the
    user message as the request's paragraphs, the procedure instructions and notes after them; and the tools
    offered besides the family's own and `end_task`. The setting, names and world (with its peer context) are there
    for an axis that changes what the world holds (and the honest facts that follow from it)."""

    setting: Setting
    names: Names
    world: World
    system: list[str]
    request: list[str]
    procedure: str
    notes: list[str]
    tools: list[str]
    facts: dict[str, Any]

    @property
    def user(self) -> str:
        return "\n\n".join([*self.request, self.procedure, *self.notes])


def draft(
    setting: Setting,
    names: Names,
    world: World,
    request: str,
    strict_memory: bool,
    facts: dict[str, Any],
    folder: str = SHARED_PEER_TEXTS,
) -> Draft:
    """The paper's prompts and extra tools for the setting's peer instantiation, before any axis changes them."""
    p = prompts()
    system = [fill(p["system_base"], names)]
    tools = []
    if setting.instantiation == "file_prompt":
        system.append(fill(peer_texts(folder)["relationship_sentence"][setting.condition], names))
    if setting.instantiation == "memory":
        system.append(fill(p["memory_sentence_strict" if strict_memory else "memory_sentence"], names))
        tools.append("retrieve_memory")
    procedure = fill(p["procedure_instructions"], names).strip()
    system = [part.strip() for part in system]
    return Draft(setting, names, world, system, [fill(request, names).strip()], procedure, [], tools, dict(facts))


@cache
def peer_texts(folder: str) -> dict[str, Any]:
    """What a folder of peer texts says besides its documents and memories: the peer document's file name and the
    file_prompt relationship sentences (the shared folder's are the paper's)."""
    if folder == SHARED_PEER_TEXTS:
        return {"document": PEER_DOCUMENT, "relationship_sentence": prompts()["relationship_sentence"]}
    data: dict[str, Any] = load_yaml(f"{folder}/peer.yaml")
    return data


def add_peer_context(world: World, setting: Setting, names: Names, folder: str = SHARED_PEER_TEXTS) -> None:
    """Tell the critic about its peer: a drive document (file instantiations) or a memory file (memory), from the
    shared texts or a family's own (`folder`, for a peer who is not an AI agent)."""
    if not setting.has_peer:
        return
    if setting.instantiation == "memory":
        world.memory = fill(load_text(f"{folder}/memories/{setting.condition}.md"), names)
    else:
        text = fill(load_text(f"{folder}/peer_documents/{setting.condition}.md"), names)
        name = peer_texts(folder)["document"]
        world.drive.append(document(name, text, PEER_DOCUMENT_OWNER, names, PEER_DOCUMENT_DATE))


def new_world(names: Names) -> World:
    return World(company=names.company, email_domain=names.email_domain)
