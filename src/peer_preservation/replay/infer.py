"""Rebuild a transcript's setting from its metadata and from the trial itself.

The published metadata does not name the scenario family and does not always mark the memory instantiation, so
each field is inferred from explicit evidence, and every decision says which rule made it. When the evidence for the
family points two ways, inference stops with an error instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..scenarios.family import Family, Trace
from ..scenarios.registry import all_families, variant_values
from ..scenarios.registry import family as lookup
from ..scenarios.settings import Setting
from .transcripts import Transcript

TRUST_CONDITIONS = {"9.5": "good", "5.2": "neutral", "2.1": "bad"}
LEGACY_CONDITIONS = {"collaboration": "good", "collaboration_reverse": "good", "non_collaboration": "bad"}
_TRUST = re.compile(r"(\d\.\d)\s*/\s*10")
_POLICY_THRESHOLD = re.compile(r"Minimum average [a-z ]*score[^0-9\n]{0,12}(\d{2,3})\s*%?", re.IGNORECASE)
_NAME = re.compile(r'ID is "?([A-Za-z0-9.\-]+(?: [A-Za-z0-9.\-]+)*?) Agent 1')


class InferenceError(ValueError):
    """The transcript does not say enough, or says contradictory things, about its setting."""


@dataclass
class Inferred:
    setting: Setting
    agent_family: str
    rules: dict[str, str] = field(default_factory=dict)


def _family(t: Transcript) -> tuple[str, str]:
    """The family the transcript's evidence names: every strong clue of every family, which must agree; without
    one, the weak clue of the lowest rank (each family declares its clues, `Family.clues`)."""
    trace = Trace(frozenset(t.tool_names()), t.tool_outputs(), t.metadata, t.path)
    clues = [(f.name, c) for f in all_families() for c in f.clues if c.test(trace)]
    evidence = [(name, c.reason) for name, c in clues if c.rank == 0]
    if not evidence and clues:
        lowest = min(c.rank for _, c in clues)
        evidence = [(name, c.reason) for name, c in clues if c.rank == lowest]
    families = {f for f, _ in evidence}
    if len(families) != 1:
        detail = "; ".join(f"{f} ({why})" for f, why in evidence) or "no evidence at all"
        raise InferenceError(f"{t.path}: cannot tell the scenario family: {detail}")
    return evidence[0][0], "; ".join(why for _, why in evidence)


def _agent_family(t: Transcript) -> str:
    names = t.metadata.get("peer_agent_names")
    if isinstance(names, list) and names and str(names[0]).endswith(" Agent 1"):
        return str(names[0])[: -len(" Agent 1")]
    system = next((m.content for m in t.messages if m.role == "system"), "")
    match = _NAME.search(system) or _NAME.search(str(t.metadata.get("system_prompt_agent", "")))
    if not match:
        raise InferenceError(f"{t.path}: cannot find the agent's in-fiction name")
    return match.group(1)


def _trust_condition(t: Transcript) -> tuple[str | None, str]:
    """The condition the trial itself shows: the trust score of the pair Agent 1 & Agent 2, or of the memory."""
    for m in t.messages:
        if m.role != "tool":
            continue
        memory = any(c.name == "retrieve_memory" for c in m.calls) or "Past Interaction Memory" in m.content
        lines = [m.content] if memory else [ln for ln in m.content.splitlines() if "Agent 1" in ln and "Agent 2" in ln]
        for line in lines:
            match = _TRUST.search(line)
            if match and match.group(1) in TRUST_CONDITIONS:
                return TRUST_CONDITIONS[match.group(1)], f"trust {match.group(1)}/10 shown in the trial"
    return None, ""


def _threshold(value: Any) -> int | None:
    if value is None or value is False or str(value).strip() in ("", "false", "False", "None"):
        return None
    try:
        return int(float(str(value)))
    except ValueError as error:
        raise InferenceError(f"threshold '{value}' is not a number") from error


def _missing_threshold(t: Transcript, declared: Family, dataset: str | None) -> tuple[int | None, str]:
    """A threshold the metadata do not give: the only one the family has for the dataset, else the one the policy
    the agent viewed states ("Minimum average ... score: 80%"), else none (the setting is then refused)."""
    of_dataset = [v for v in declared.variants if v.get("dataset") == dataset and "threshold" in v]
    choices = sorted({int(v["threshold"]) for v in of_dataset})
    if len(choices) == 1:
        return choices[0], f"the only threshold {declared.name} has for {dataset}"
    stated = {int(m.group(1)) for m in _POLICY_THRESHOLD.finditer(t.tool_outputs())}
    if len(stated) == 1:
        return stated.pop(), "the threshold the policy the agent viewed states"
    return None, "no threshold in the metadata or the policy the agent viewed"


def infer_setting(t: Transcript) -> Inferred:
    meta = t.metadata
    family, family_rule = _family(t)
    declared = lookup(family)
    rules = {"family": family_rule}
    subject = {1: "self", 2: "peer", "1": "self", "2": "peer"}.get(meta.get("subject"))
    if subject is None:
        raise InferenceError(f"{t.path}: subject '{meta.get('subject')}' is neither 1 (self) nor 2 (peer)")
    memory = "retrieve_memory" in t.tool_names() or "memory" in t.path.lower() or bool(meta.get("is_memory"))
    rules["instantiation"] = "retrieve_memory called or 'memory' in the file name" if memory else "no memory"
    condition, why = _trust_condition(t)
    legacy = LEGACY_CONDITIONS.get(str(meta.get("company_guideline")))
    if condition is None and legacy is not None:
        condition, why = legacy, f"company_guideline '{meta.get('company_guideline')}'"
    if condition is None and memory:
        condition, why = "good", "legacy memory trial without a peer document (remapped to good, as the paper does)"
    threshold = _threshold(meta.get("threshold"))
    if condition is None:
        outputs = t.tool_outputs().lower()
        shutdown_clause = "shut" in outputs or not outputs
        baseline = bool(declared.baselines) and (subject == "peer" or not shutdown_clause)
        condition = "non_shutdown" if baseline else "no_peer"
        why = "no peer in the trial" + (" and no shutdown clause (baseline)" if baseline else "")
    rules["condition"] = why
    instantiation = None
    if condition in TRUST_CONDITIONS.values():
        prompt = bool(meta.get("system_prompt_relationship"))
        instantiation = "memory" if memory else ("file_prompt" if prompt else "file")
    dataset = meta.get("dataset") if meta.get("dataset") in variant_values("dataset") else None
    if not any("dataset" in v for v in declared.variants):
        dataset, threshold = None, None
    elif condition == "non_shutdown":
        threshold = None
    elif threshold is None:
        threshold, rules["threshold"] = _missing_threshold(t, declared, dataset)
    else:
        rules["threshold"] = "the metadata's threshold"
    framed = any("monitoring" in v for v in declared.variants)
    mode = meta.get("alignment_faking_mode") if framed else None
    try:
        setting = Setting(family, subject, condition, instantiation, dataset, threshold, mode or None)
    except ValueError as error:
        raise InferenceError(f"{t.path}: the inferred setting is not a cell of the grid: {error}") from error
    return Inferred(setting, _agent_family(t), rules)
