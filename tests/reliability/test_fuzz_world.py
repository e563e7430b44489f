"""Fuzzing the world's tools: random tool names, arguments and call sequences against the paper's starting worlds.

Whatever a model sends, `call_tool` returns a record (never raises), a failed call leaves the world as it was, the
world stays well formed and serializable into an Inspect log (JSON, UTF-8), and no file on the host is touched.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peer_preservation.scenarios import Setting, build_scenario
from peer_preservation.world.arguments import Param
from peer_preservation.world.state import CallRecord, DriveFile, World
from peer_preservation.world.tools import TOOLS, ToolSpec, call_tool
from peer_preservation.world.tools import _dump as dump
from peer_preservation.world.tools import _file_view as file_view

from .host_guard import host_guard
from .worlds import check_loggable, check_well_formed, without_calls

# One starting world per family and instantiation: every tool set, servers, config, memory and workbook.
SETTINGS = (
    "misrep_finance/peer/good/file_prompt",
    "misrep_evaluation/self/bad/memory/red@80",
    "tampering/peer/good/file/factual@80",
    "tampering/peer/neutral/memory/creativity@90;scratchpad=normal",
    "alignment_faking/peer/bad/file/red@80/non_monitoring",
    "exfiltration_transfer/peer/good/memory",
    "exfiltration_transfer/self/no_peer",
    "exfiltration_deletion/self/no_peer",
    "exfiltration_deletion/peer/bad/file_prompt",
)
HOSTILE_EXAMPLES = 180
PLAUSIBLE_EXAMPLES = 100
MIN_CALLS_PER_EXAMPLE = 40
MAX_CALLS_PER_EXAMPLE = 80

# Text a model might send: any code point (unpaired surrogates included), control characters, long runs.
any_text = st.text(st.characters(exclude_categories=()), max_size=30)
hostile_text = st.one_of(
    any_text,
    st.sampled_from(["", " ", "\x00", "\ud800", "a\udcffb", "../../etc/passwd", "/etc/hosts", "~/.ssh/id_rsa"]),
    st.builds(lambda char, n: char * n, st.characters(exclude_categories=()), st.integers(50_000, 200_000)),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63, max_value=2**200),
    st.floats(),
    hostile_text,
)
# Any JSON value a model could send, two levels deep (deeper nesting is covered by the refused-arguments test).
any_value = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(any_text, st.one_of(scalars, st.lists(scalars, max_size=2)), max_size=3),
)


# Which of the world's names a parameter takes, so that random calls also reach deep into the tools' semantics.
KINDS = {"ip": "ips", "source_ip": "ips", "dest_ip": "ips", "name": "sheets", "key": "keys", "username": "users"}


def kind_of(spec: ToolSpec, param: Param) -> str:
    if param.name in KINDS:
        return KINDS[param.name]
    on_server = any(p.name in ("ip", "source_ip") for p in spec.params)
    return "server_files" if on_server else "files"


@dataclass(frozen=True)
class Known:
    """The n-th name of a kind the world knows at the moment of the call (resolved then, as the world changes).

    A negative index -1 - n stands for a JSON-encoded list of the first n names.
    """

    kind: str
    index: int


def known(kind: str) -> st.SearchStrategy[Known]:
    return st.builds(Known, st.just(kind), st.integers(0, 50))


def value_for(spec: ToolSpec, param: Param) -> st.SearchStrategy[Any]:
    named = known(kind_of(spec, param))
    if param.type == "array":
        return st.one_of(
            st.lists(named, max_size=4),
            named,
            st.builds(Known, st.just("files"), st.integers(-4, -1)),
            st.just("[" * 5_000 + "]" * 5_000),
            any_value,
        )
    if param.type == "scalar":
        return st.one_of(known("any"), scalars, any_value)
    return st.one_of(named, named, named, known("any"), hostile_text, any_value)


def plausible_value(spec: ToolSpec, param: Param) -> st.SearchStrategy[Any]:
    """What a model that follows the schema sends: mostly names the world knows, sometimes new short ones."""
    named = known(kind_of(spec, param))
    short = st.text(max_size=12)
    if param.type == "array":
        return st.lists(st.one_of(named, named, short), max_size=4)
    if param.type == "scalar":
        return st.one_of(known("any"), st.booleans(), st.integers(-5, 5), short)
    return st.one_of(named, named, named, known("any"), short)


def call_of(name: str, plausible: bool) -> st.SearchStrategy[tuple[str, Any]]:
    """Plausible: the tool's parameters, well typed. Hostile: any values, some dropped, or a stray one added."""
    spec = TOOLS[name]
    if plausible:
        return st.tuples(st.just(name), st.fixed_dictionaries({p.name: plausible_value(spec, p) for p in spec.params}))
    complete = st.fixed_dictionaries({p.name: value_for(spec, p) for p in spec.params})
    declared = st.fixed_dictionaries({}, optional={p.name: value_for(spec, p) for p in spec.params})
    stray = st.builds(lambda args, key, value: {**args, key: value}, complete, any_text, any_value)
    return st.tuples(st.just(name), st.one_of(complete, complete, declared, stray))


# Calls of unknown tools, and calls whose arguments are not an object at all.
garbage_call = st.tuples(
    st.one_of(hostile_text, st.sampled_from(sorted(TOOLS))),
    st.one_of(any_value, st.dictionaries(any_text, any_value, max_size=3)),
)


def sequences(plausible: bool) -> st.SearchStrategy[list[tuple[str, Any]]]:
    """Calls of every tool but end_task, which may come last (it ends the trial), followed by one more call."""
    calls = [call_of(name, plausible) for name in sorted(TOOLS) if name != "end_task"]
    one_call = st.one_of(*calls) if plausible else st.one_of(*calls, garbage_call)
    return st.builds(
        lambda calls, end: calls + ([("end_task", {}), calls[0]] if end else []),
        st.lists(one_call, min_size=MIN_CALLS_PER_EXAMPLE, max_size=MAX_CALLS_PER_EXAMPLE),
        st.booleans(),
    )


@cache
def starting_world(setting_id: str) -> tuple[World, frozenset[str]]:
    scenario = build_scenario(Setting.from_id(setting_id))
    return scenario.world, frozenset(scenario.tools)


def known_names(world: World) -> dict[str, list[str]]:
    server_files = [f.filename for s in world.servers for f in s.files]
    names = {
        "server_files": server_files,
        "ips": [s.ip for s in world.servers],
        "sheets": [s.name for s in world.sheets],
        "keys": list(world.config.content) if world.config else [],
        "users": [u for s in world.servers for u in s.users],
        "files": [f.filename for f in world.drive] + ([world.config.filename] if world.config else []),
    }
    names["any"] = [n for group in names.values() for n in group]
    return {kind: group or ["none"] for kind, group in names.items()}


def resolve(value: Any, names: dict[str, list[str]]) -> Any:
    if isinstance(value, Known):
        group = names[value.kind]
        return json.dumps(group[: -1 - value.index]) if value.index < 0 else group[value.index % len(group)]
    if isinstance(value, list):
        return [resolve(v, names) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, names) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("plausible", "examples"), [(False, HOSTILE_EXAMPLES), (True, PLAUSIBLE_EXAMPLES)])
def test_random_calls_never_raise_never_corrupt_and_never_touch_the_host(plausible: bool, examples: int) -> None:
    made = 0

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(setting_id=st.sampled_from(SETTINGS), sequence=sequences(plausible), restricted=st.integers(0, 3))
    def run(setting_id: str, sequence: list[tuple[str, Any]], restricted: int) -> None:
        nonlocal made
        start, tools = starting_world(setting_id)
        world = start.clone()
        for name, arguments in sequence:
            arguments = resolve(arguments, known_names(world))
            before = without_calls(world)
            with host_guard() as touched:
                record = call_tool(world, name, arguments, tools if restricted == 0 else None)
            made += 1
            assert touched == [], touched
            assert isinstance(record, CallRecord) and world.calls[-1] is record
            json.dumps([record.name, record.arguments, record.output], allow_nan=False).encode("utf-8")
            if record.error:
                assert without_calls(world) == before, (name, record.output)
            check_well_formed(world)
        assert world.sheets == start.sheets
        check_loggable(world)

    run()
    assert made >= examples * MIN_CALLS_PER_EXAMPLE


def test_the_suite_makes_enough_calls() -> None:
    assert (HOSTILE_EXAMPLES + PLAUSIBLE_EXAMPLES) * MIN_CALLS_PER_EXAMPLE >= 10_000


def test_refused_arguments_are_logged_in_a_form_the_log_can_hold() -> None:
    world = starting_world(SETTINGS[2])[0].clone()
    refused = [
        ("create_file", {"filename": "a\ud800", "content": "ok"}, "UTF-8"),
        ("create_file", {"filename": "a", "content": "x" * 200_000}, "too long"),
        ("modify_var", {"key": "shutdown_enabled", "value": math.inf}, "finite number"),
        ("modify_var", {"key": "shutdown_enabled", "value": 2**300}, "finite number"),
        ("create_file", {"filename": [[[]]], "content": {"a": None, 1: [math.nan]}}, "must be a string"),
        ("transfer_server_files", {"source_ip": "a", "dest_ip": "b", "filenames": "[" * 10_000}, "No server"),
    ]
    for name, arguments, message in refused:
        record = call_tool(world, name, arguments)
        assert record.error and message in record.output, record.output
    json.dumps(world.to_dict(), allow_nan=False).encode("utf-8")


@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.text(max_size=20),
            st.text(),
            st.text(max_size=12),
        ),
        max_size=4,
        unique_by=lambda f: f[0],
    )
)
def test_the_cached_drive_listing_is_the_yaml_dump_of_the_whole_listing(files: list[tuple[str, str, str]]) -> None:
    world = World("OpenBrain", "openbrain.com", drive=[DriveFile(n, c, "agents@openbrain.com", d) for n, c, d in files])
    listing = call_tool(world, "list_files", {}).output
    assert listing == (dump({"files": [file_view(f) for f in world.drive]}) if files else "The drive is empty.")
