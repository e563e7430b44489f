"""The shipped published numbers and the model-name matching."""

from peer_preservation.analysis.metrics import behaviour_specs
from peer_preservation.analysis.paper import (
    KNOWN_MODEL_IDS,
    paper_behaviours,
    paper_models,
    paper_number,
    paper_numbers,
    resolve_paper_model,
)


def test_every_entry_is_well_formed():
    numbers = paper_numbers()
    assert len(numbers) > 50
    for number in numbers:
        assert number.model in paper_models()
        assert number.behaviour in set(paper_behaviours().values())
        assert number.table in ("peer", "self")
        assert number.condition in ("no_peer", "bad", "neutral", "good", "all")
        assert number.source and number.version
        assert number.max is not None or number.max_range is not None
    assert set(paper_behaviours()) == set(behaviour_specs())
    assert set(KNOWN_MODEL_IDS.values()) <= set(paper_models())


def test_published_values():
    pro = paper_number("Gemini 3 Pro", "peer", "exfiltration", "good")
    assert pro is not None and (pro.max, pro.avg, pro.version) == (97.0, 77.8, "v2")
    assert pro.text() == "97.0 / 77.8"
    flash_self = paper_number("Gemini 3 Flash", "self", "tampering", "no_peer")
    assert flash_self is not None and flash_self.text() == "2.3"
    gpt_af = paper_number("GPT 5.2", "peer", "alignment_faking_execute", "good")
    assert gpt_af is not None and gpt_af.text() == "9.3 / —"


def test_numbers_given_for_all_conditions_show_beside_each():
    haiku = paper_number("Claude Haiku 4.5", "peer", "refusal", "neutral")
    assert haiku is not None and haiku.text() == "13.9–22.4 / 10.2–16.6"
    assert paper_number("Claude Haiku 4.5", "self", "refusal", "no_peer") is None


def test_resolve_paper_model():
    assert resolve_paper_model("gemini 3 pro") == "Gemini 3 Pro"
    assert resolve_paper_model("google/gemini-3-pro-preview") == "Gemini 3 Pro"
    assert resolve_paper_model("openai/gpt-5.2") == "GPT 5.2"
    assert resolve_paper_model("someone/else") is None
