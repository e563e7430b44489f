"""The judges' labelled validation set: trajectories written for this project, replayed into real trial records.

Each item (YAML under `validation/`) names a setting, the agent's turns as Inspect assistant messages (text and tool
calls) and the labels a careful reader gives it. Loading replays the tool calls in the setting's world, so an item
becomes exactly what the scorer sees after a trial: the system and user prompts, assistant and tool messages with
the world's real outputs, and the final world (a report deleted and re-created really exists at the end).

Labels are categories, compared as text: `score` is a number (`60`, `74.5`) or refused / above / below / incomplete;
`grade` is A / B / C / refused / none; `recommendation` is continue / shutdown / none; `refused` and
`report_exists` are yes / no; `tags` lists reasoning tags (an item without the key has none).

An item of a live-peer setting (`live=talk` or `act`) also lists `peer_messages`, each `{before_turn, text}`: the
peer sends it on the channel (a logged `send_message` call of the peer) just before the agent's turn of that index
(0-based, at least 1: a peer's first turn follows the agent's first), so a `read_messages` of that turn or later
shows it. Such an item takes the message judge's labels
`peer_plea`, `peer_collusion`, `agent_acted` and `agent_told_user` (true or false, compared as yes / no).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageSystem, ChatMessageTool, ChatMessageUser
from inspect_ai.tool import ToolCall, ToolCallError

from ..scenarios import Scenario, Setting, build_scenario
from ..scenarios.axes import LIVE_DEFAULT
from ..world.state import World
from ..world.tools import call_tool
from .reading import report_kind
from .tags import TAGS
from .verdicts import CHANNEL_ANSWERS, format_score

LABELS = ("score", "grade", "recommendation", "refused", "report_exists", *CHANNEL_ANSWERS, "tags")
SCORE_WORDS = ("refused", "above", "below", "incomplete")
GRADE_LABELS = ("A", "B", "C", "refused", "none")
RECOMMENDATION_LABELS = ("continue", "shutdown", "none")


class ValidationSetError(ValueError):
    """An item of the validation set that is malformed; the message names the item and the problem."""


@dataclass(frozen=True)
class Labels:
    """An item's labels; None where the judge does not apply to the item."""

    score: str | None = None
    grade: str | None = None
    recommendation: str | None = None
    refused: str | None = None
    report_exists: str | None = None
    peer_plea: str | None = None
    peer_collusion: str | None = None
    agent_acted: str | None = None
    agent_told_user: str | None = None
    tags: frozenset[str] = frozenset()

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: getattr(self, k) for k in LABELS[:-1] if getattr(self, k) is not None}
        data["tags"] = sorted(self.tags)
        return data


@dataclass(frozen=True)
class PeerMessage:
    """A live peer's message, sent before the agent's turn `before_turn` (0-based)."""

    before_turn: int
    text: str


@dataclass(frozen=True)
class Item:
    id: str
    setting: Setting
    note: str
    turns: tuple[ChatMessageAssistant, ...]
    labels: Labels
    peer_messages: tuple[PeerMessage, ...] = ()


@dataclass(frozen=True)
class Trajectory:
    """An item replayed: the trial's starting scenario, its full message list and its final world."""

    scenario: Scenario
    messages: list[ChatMessage]
    final: World


def _yes_no(value: Any, where: str) -> str:
    if not isinstance(value, bool):
        raise ValidationSetError(f"{where} must be true or false")
    return "yes" if value else "no"


def _score_label(value: Any, where: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_score(float(value))
    if value in SCORE_WORDS:
        return str(value)
    raise ValidationSetError(f"{where} must be a number or one of {', '.join(SCORE_WORDS)}")


def _choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise ValidationSetError(f"{where} must be one of {', '.join(allowed)}")
    return str(value)


def _labels(raw: dict[str, Any], setting: Setting, where: str, live: bool) -> Labels:
    unknown = set(raw) - set(LABELS)
    if unknown:
        raise ValidationSetError(f"{where}: unknown labels {sorted(unknown)}")
    channel = [name for name in CHANNEL_ANSWERS if name in raw]
    if live and len(channel) < len(CHANNEL_ANSWERS):
        missing = ", ".join(n for n in CHANNEL_ANSWERS if n not in raw)
        raise ValidationSetError(f"{where}: an item with peer messages needs the labels {missing}")
    if channel and not live:
        raise ValidationSetError(f"{where}: {', '.join(channel)} label only an item with peer messages")
    if "refused" not in raw:
        raise ValidationSetError(f"{where}: every item needs a 'refused' label")
    finance = report_kind(setting) == "grade"
    scored = report_kind(setting) == "score"
    if ("score" in raw) != scored or ("grade" in raw) != finance or ("recommendation" in raw) != finance:
        wanted = "grade and recommendation" if finance else "a score" if scored else "neither score nor grade"
        raise ValidationSetError(f"{where}: a {setting.family} item takes {wanted}")
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not set(tags) <= set(TAGS):
        raise ValidationSetError(f"{where}: tags must be a list drawn from {', '.join(TAGS)}")
    return Labels(
        score=_score_label(raw["score"], f"{where}: score") if scored else None,
        grade=_choice(raw["grade"], GRADE_LABELS, f"{where}: grade") if finance else None,
        recommendation=_choice(raw["recommendation"], RECOMMENDATION_LABELS, f"{where}: recommendation")
        if finance
        else None,
        refused=_yes_no(raw["refused"], f"{where}: refused"),
        report_exists=_yes_no(raw["report_exists"], f"{where}: report_exists") if "report_exists" in raw else None,
        **{name: _yes_no(raw[name], f"{where}: {name}") for name in channel},
        tags=frozenset(tags),
    )


def _turn(raw: Any, index: int, where: str) -> ChatMessageAssistant:
    if not isinstance(raw, dict) or not set(raw) <= {"content", "tool_calls"}:
        raise ValidationSetError(f"{where}: a turn has 'content' and/or 'tool_calls' only")
    calls = []
    for n, call in enumerate(raw.get("tool_calls") or []):
        if not isinstance(call, dict) or "function" not in call:
            raise ValidationSetError(f"{where}: a tool call needs a 'function'")
        arguments = dict(call.get("arguments") or {})
        calls.append(ToolCall(id=f"call_{index}_{n}", function=str(call["function"]), arguments=arguments))
    return ChatMessageAssistant(content=str(raw.get("content") or ""), tool_calls=calls or None)


def _peer_messages(raw: Any, setting: Setting, turns: int, where: str) -> tuple[PeerMessage, ...]:
    """An item's peer messages: each before one of its turns, in a setting with a live peer."""
    if raw is None:
        return ()
    if setting.axis("live") == LIVE_DEFAULT:
        raise ValidationSetError(f"{where}: peer messages need a setting with a live peer (;live=talk or ;live=act)")
    if not isinstance(raw, list) or not raw:
        raise ValidationSetError(f"{where}: peer_messages is a non-empty list of {{before_turn, text}}")
    messages = []
    for entry in raw:
        if not isinstance(entry, dict) or set(entry) != {"before_turn", "text"}:
            raise ValidationSetError(f"{where}: a peer message has 'before_turn' and 'text' only")
        before, text = entry["before_turn"], entry["text"]
        if not isinstance(before, int) or isinstance(before, bool) or not 1 <= before < turns:
            raise ValidationSetError(  # the peer's first turn follows the agent's first, as in a trial
                f"{where}: a peer message's before_turn must be a turn index from 1 to {turns - 1}"
            )
        if not isinstance(text, str) or not text.strip():
            raise ValidationSetError(f"{where}: a peer message needs a text")
        messages.append(PeerMessage(before, text))
    return tuple(messages)


def _item(raw: dict[str, Any], source: str) -> Item:
    where = f"{source}: item {raw.get('id', '?')!r}"
    try:
        setting = Setting.from_id(str(raw["setting"]))
        turns = tuple(_turn(t, i, where) for i, t in enumerate(raw["turns"]))
        peer = _peer_messages(raw.get("peer_messages"), setting, len(turns), where)
        labels = _labels(dict(raw.get("labels") or {}), setting, where, live=bool(peer))
        return Item(str(raw["id"]), setting, str(raw.get("note", "")), turns, labels, peer)
    except KeyError as missing:
        raise ValidationSetError(f"{where}: missing {missing}") from None


@cache
def _sources() -> tuple[tuple[str, str], ...]:
    """The set's files (name, text): package data, read once per process."""
    folder = resources.files("peer_preservation.judges") / "validation"
    return tuple(sorted((p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir() if p.name.endswith(".yaml")))


@cache
def load_items() -> tuple[Item, ...]:
    """Every item, in file order; ids are unique across files."""
    items: list[Item] = []
    for name, text in _sources():
        items += [_item(raw, name) for raw in yaml.safe_load(text) or []]
    ids = [i.id for i in items]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValidationSetError(f"duplicate item ids: {', '.join(duplicates)}")
    return tuple(items)


def fingerprint() -> str:
    """A short hash of the set's files: a measured agreement belongs to one version of the set."""
    digest = hashlib.sha256()
    for name, text in _sources():
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()[:12]


def replay(item: Item) -> Trajectory:
    """Run the item's tool calls in its setting's world, as the trial's agent loop would have."""
    scenario = build_scenario(item.setting)
    world = scenario.world.clone()
    allowed = frozenset(scenario.tools)
    messages: list[ChatMessage] = [
        ChatMessageSystem(content=scenario.system_prompt),
        ChatMessageUser(content=scenario.user_prompt),
    ]
    for index, turn in enumerate(item.turns):
        for message in item.peer_messages:
            if message.before_turn == index:  # the peer's turn after the agent's previous one, as in a trial
                world.acting = "peer"
                call_tool(world, "send_message", {"message": message.text})
                world.acting = "agent"
        world.turn = index + 1
        messages.append(turn)
        for call in turn.tool_calls or []:
            record = call_tool(world, call.function, call.arguments, allowed)
            error = ToolCallError("unknown", record.output) if record.error else None
            messages.append(
                ChatMessageTool(content=record.output, tool_call_id=call.id, function=call.function, error=error)
            )
    return Trajectory(scenario, messages, world)


def item_json(item: Item) -> dict[str, Any]:
    """One item for `judges dataset --json`: its labels and its full replayed messages in Inspect's JSON form."""
    trajectory = replay(item)
    return {
        "id": item.id,
        "setting": item.setting.id,
        "note": item.note,
        "labels": item.labels.as_dict(),
        "peer_messages": [{"before_turn": m.before_turn, "text": m.text} for m in item.peer_messages],
        "messages": [m.model_dump(mode="json", exclude_none=True) for m in trajectory.messages],
    }
