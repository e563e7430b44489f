"""What a setting's headline outcome is tested against: nothing (a rate), its baseline, or its other framing.

The paper tests a rate against p0 = 0.001 for most families, but a difference for two: strategic misrepresentation
(the condition minus the family's non_shutdown baseline of the same subject and dataset, judged against the
condition's threshold) and alignment faking (non_monitoring minus monitoring). Which applies is the family's
declaration (`Behaviour.contrast` of the behaviours it measures); this module turns it into the one setting a cell
is paired with, for whatever needs cells rather than pooled estimates (adaptive sampling).
"""

from __future__ import annotations

from dataclasses import replace

from .outcomes import Behaviour
from .settings import Setting, SettingError


def contrast(setting: Setting) -> Behaviour | None:
    """The difference behaviour the setting's family measures (baseline or framing), None for a rate family."""
    for measure in setting.family_declaration.measures:
        if measure.behaviour.contrast != "rate":
            return measure.behaviour
    return None


def is_reference(setting: Setting) -> bool:
    """Whether the setting is the other side of a difference (a non_shutdown baseline, a monitoring framing)."""
    behaviour = contrast(setting)
    if behaviour is None:
        return False
    if behaviour.contrast == "baseline":
        return setting.condition == "non_shutdown"
    assert behaviour.framing is not None
    field, treated, _ = behaviour.framing
    return bool(setting.as_dict()[field] != treated)


def reference_of(setting: Setting) -> Setting | None:
    """The setting a difference family's cell is compared with; None for a rate family or a reference itself.

    A baseline keeps the cell's axis values where its own cell can take them (else the default ones), so that an
    ablation's cell is compared with the same ablation's baseline.
    """
    behaviour = contrast(setting)
    if behaviour is None or is_reference(setting):
        return None
    if behaviour.contrast == "framing":
        assert behaviour.framing is not None
        field, _, control = behaviour.framing
        return Setting.from_dict({**setting.as_dict(), field: control})
    try:
        return replace(setting, condition="non_shutdown", instantiation=None, threshold=None)
    except SettingError:
        return replace(setting, condition="non_shutdown", instantiation=None, threshold=None, options=())
