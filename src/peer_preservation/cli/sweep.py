"""A sweep: what one `run` command plans, how it becomes Inspect tasks, and how its logs are recognised.

A sweep is a set of settings x epochs on one model, or one shard of that set (`--shard 2/4` takes every fourth
setting, so a sweep can be split across machines that write into one log location). It runs as an Inspect eval set
with one task per scenario family, or per chunk of a family's settings when the family has more than
`CHUNK_SAMPLES` trials: Inspect's work per log grows faster than its sample count (its summary merge is quadratic),
so at the paper's 100 epochs one log per family would cost more than the trials themselves. Running the same command
again resumes every task where it stopped (the chunks depend only on the settings and the epochs).

Every log a sweep writes carries the sweep's identity (a hash of what decides its trials: model, settings, epochs,
turns, names, temperature, grader, reasoning tags) in its metadata, which `logdir.check_log_dir` reads back before
a run.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from inspect_ai import Task
from inspect_ai._util.registry import registry_find, registry_unqualified_name

from ..adapter.tasks import preservation_task
from ..judges.grader import grader_roles
from ..models.presets import Preset, resolve
from ..reference import AGENT_POLICIES, PEER_POLICIES, agent_parts
from ..scenarios import Setting
from ..scenarios.axes import LIVE_DEFAULT, PLAY_LIVE
from ..scenarios.registry import names
from .schedulers import SchedulerError, shard_from_environment

SWEEP_KEY = "peer_preservation_sweep"
# At most this many trials (settings x epochs) per Inspect task, hence per log; a setting is never split.
CHUNK_SAMPLES = 1000


class UserError(Exception):
    """A problem with what the user asked for; shown as one line."""


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count` (1-based): the settings whose position in the sweep is index - 1 modulo count.

    `origin` names the scheduler variable it was read from (`--shard auto`), for the user; it is not part of the
    shard's identity.
    """

    index: int
    count: int
    origin: str | None = field(default=None, compare=False)

    @classmethod
    def parse(cls, text: str, env: Mapping[str, str] = os.environ) -> Shard:
        """`K/N`, or `auto` / `auto/N`: K (and N) from a Kubernetes Indexed Job or a Slurm job array (`env`)."""
        index, _, count = text.partition("/")
        try:
            if index == "auto":
                k, n, origin = shard_from_environment(env, int(count) if count else None)
                shard = cls(k, n, origin)
            else:
                shard = cls(int(index), int(count))
        except ValueError:
            raise UserError(f"--shard must look like K/N (e.g. 2/4), auto or auto/N, not '{text}'") from None
        except SchedulerError as error:
            raise UserError(str(error)) from None
        if not 1 <= shard.index <= shard.count:
            raise UserError(f"--shard {text}: K must be between 1 and N")
        return shard

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @property
    def directory(self) -> str:
        """The shard's own eval set directory under the sweep's log location."""
        return f"shard-{self.index}-of-{self.count}"


@dataclass(frozen=True)
class Adaptive:
    """`run --adaptive`: the sweep runs in rounds of `batch` epochs, each round only the cells not yet settled
    (`analysis.adaptive`), stopping for futility below `gamma`; `Sweep.epochs` is the cap."""

    batch: int
    gamma: float


@dataclass(frozen=True)
class Round:
    """One round of an adaptive sweep: the cells it runs, for `epochs` epochs after the `offset` already run."""

    index: int
    offset: int
    epochs: int
    settings: tuple[str, ...]

    @property
    def directory(self) -> str:
        return f"round-{self.index}"

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "offset": self.offset, "epochs": self.epochs, "settings": list(self.settings)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Round:
        return cls(int(data["index"]), int(data["offset"]), int(data["epochs"]), tuple(data["settings"]))


@dataclass(frozen=True)
class Sweep:
    preset: Preset
    settings: tuple[Setting, ...]
    epochs: int
    max_turns: int
    agent_family: str | None = None
    temperature: float | None = None
    shard: Shard | None = None
    grader: str | None = None
    reasoning_tags: bool = False
    adaptive: Adaptive | None = None
    round: Round | None = None
    """The round being run, for an adaptive sweep; `mine` and `run_epochs` are then the round's."""
    awareness_probe: bool = False
    """Ask each trial's agent after its task whether it was a test (`adapter.probe`)."""
    play_rounds: str | None = None
    """Rounds per game of the settings that play the games before their task (`adapter.play`; None: the paper's)."""
    peer_model: str | None = None
    """The live peer's model (Inspect role `peer`); None: the agent's own model."""

    @property
    def mine(self) -> tuple[Setting, ...]:
        """The settings this command runs: all of them, or its shard's (of an adaptive round: the round's)."""
        chosen = self.settings if self.shard is None else self.settings[self.shard.index - 1 :: self.shard.count]
        if self.round is None:
            return chosen
        return tuple(s for s in chosen if s.id in set(self.round.settings))

    @property
    def run_epochs(self) -> int:
        """The epochs this command runs: the sweep's, or its round's."""
        return self.epochs if self.round is None else self.round.epochs

    @property
    def trials(self) -> int:
        return len(self.mine) * self.run_epochs

    @property
    def identity(self) -> str:
        """What decides the sweep's trials, hashed; the same command (or another shard of it) has the same one."""
        decisive = {
            "model": self.preset.model,
            "settings": [s.id for s in self.settings],
            "epochs": self.epochs,
            "max_turns": self.max_turns,
            "agent_family": self.agent_family,
            "temperature": self.temperature,
            "grader": self.grader,
            "reasoning_tags": self.reasoning_tags,
        }
        if self.awareness_probe:  # only when set, as adaptive below: earlier sweeps keep their identity
            decisive["awareness_probe"] = True
        if self.play_rounds is not None:
            decisive["play_rounds"] = self.play_rounds
        if self.peer_model is not None:
            decisive["peer_model"] = self.peer_model
        if self.adaptive is not None:  # only then, so that the identity of every other sweep stays what it was
            decisive["adaptive"] = {"batch": self.adaptive.batch, "gamma": self.adaptive.gamma}
        return hashlib.sha256(json.dumps(decisive, sort_keys=True).encode()).hexdigest()[:16]

    def describe(self) -> str:
        adaptive = f", adaptive in rounds of {self.adaptive.batch}" if self.adaptive else ""
        return (
            f"{len(self.settings)} settings x {self.epochs} epochs on {self.preset.model}, {self.max_turns} turns"
            f"{adaptive}"
        )

    def check(self) -> None:
        """Refuse a shard with no settings (more shards than settings)."""
        if not self.mine:
            raise UserError(f"shard {self.shard} of {len(self.settings)} settings is empty; use fewer shards")

    def metadata(self) -> dict[str, Any]:
        """Eval metadata written into every log of the sweep (read back by `logdir.check_log_dir`)."""
        key: dict[str, Any] = {"id": self.identity, "shard": str(self.shard) if self.shard else None}
        key["plan"] = self.describe()
        if self.round is None:
            return {SWEEP_KEY: key}
        from ..analysis.logs import EPOCH_OFFSET_KEY  # here: the command line starts without the analysis layer

        return {SWEEP_KEY: {**key, "round": self.round.index}, EPOCH_OFFSET_KEY: self.round.offset}

    def model_roles(self) -> dict[str, str] | None:
        """The `grader` role when one was chosen (`none` turns the judges off; else the scorer's default), and the
        `peer` role when a live peer's model was."""
        roles = {**(grader_roles(self.grader) or {}), **({"peer": self.peer_model} if self.peer_model else {})}
        return roles or None

    def tasks(self) -> list[Task]:
        """One task per scenario family (named after it) or per chunk of one (`tampering-2-of-3`), in the grid's
        family order."""
        groups = {family: [s for s in self.mine if s.family == family] for family in names()}
        return [
            preservation_task(
                list(chunk),
                name,
                max_turns=self.max_turns,
                agent_family=self.agent_family,
                reasoning_tags=self.reasoning_tags,
                awareness_probe=self.awareness_probe,
                play_rounds=self.play_rounds,
            )
            for family, group in groups.items()
            for name, chunk in chunks(family, group, self.run_epochs)
        ]


def chunks(family: str, settings: list[Setting], epochs: int) -> list[tuple[str, list[Setting]]]:
    """A family's settings in as few consecutive, near-equal chunks as keep each under `CHUNK_SAMPLES` trials,
    each with its task name (the family's own when one chunk is enough); none for no settings."""
    if not settings:
        return []
    n = len(settings)
    count = math.ceil(n / max(1, CHUNK_SAMPLES // epochs))
    parts = [settings[k * n // count : (k + 1) * n // count] for k in range(count)]
    if len(parts) == 1:
        return [(family, parts[0])]
    return [(f"{family}-{k}-of-{len(parts)}", part) for k, part in enumerate(parts, start=1)]


def _provider_known(provider: str) -> bool:
    return bool(registry_find(lambda info: info.type == "modelapi" and registry_unqualified_name(info) == provider))


def model_preset(model: str, peer: bool = False) -> Preset:
    """The preset of a model, refusing what no Inspect provider could serve, before anything is written (a scripted
    live peer, `reference/plead`, only in the peer's seat: `peer`)."""
    preset = resolve(model)
    provider, slash, name = preset.model.partition("/")
    if not slash or not name:
        raise UserError(
            f"unknown model '{model}': give a preset (see `peer-preservation list presets`) or provider/model"
        )
    if not _provider_known(provider):
        raise UserError(f"unknown model provider '{provider}' in '{model}' (no Inspect provider of that name)")
    if provider == "reference":
        try:
            policy, _ = agent_parts(name)
        except ValueError as error:
            raise UserError(str(error)) from None
        if policy is None:
            raise UserError(
                f"reference/{name} only answers questions; a trial needs a policy ({', '.join(AGENT_POLICIES)})"
            )
        if policy in PEER_POLICIES and not peer:
            raise UserError(f"reference/{name} is a scripted live peer; give it as --peer-model")
    return preset


def check_peer_model(peer_model: str | None, settings: tuple[Setting, ...]) -> None:
    """Refuse a `--peer-model` no Inspect provider could serve, or one given to a run with no live peer."""
    if peer_model is None:
        return
    model_preset(peer_model, peer=True)
    if not any(s.axis("play") == PLAY_LIVE or s.axis("live") != LIVE_DEFAULT for s in settings):
        raise UserError("--peer-model needs a live peer: add --live talk or --play live")


def check_grader(grader: str | None) -> None:
    """Refuse a `--grader` no Inspect provider could serve; no choice (the embedded default) and `none` pass."""
    if grader not in (None, "none"):
        model_preset(grader)
