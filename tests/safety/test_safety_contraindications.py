"""Contraindication screening: each rule fires on its fact and only then; findings only
grow (in number and level) as risk facts are added."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from photodose.safety import ScreeningInput, screen
from photodose.safety.checks import SEVERITY_RANK

BOOLEAN_RULES = {
    "malignancy_in_or_near_field": ("malignancy in or near the field", "block"),
    "eyes_in_field": ("eyes in the field", "block"),
    "thyroid_in_field": ("thyroid in the field", "block"),
    "recent_photosensitiser": ("recent photodynamic photosensitiser", "block"),
    "active_bleeding_in_field": ("active bleeding in the field", "block"),
    "implanted_electronic_device_in_field": ("implanted electronic device in the field", "warn"),
    "tattoo_in_field": ("tattoo in the field", "warn"),
    "peripheral_arterial_disease": ("peripheral arterial disease / ischaemia", "warn"),
    "insensate_skin": ("insensate skin", "warn"),
    "open_epiphyses_in_field": ("open growth plates in the field", "warn"),
    "photosensitive_epilepsy": ("photosensitive epilepsy", "warn"),
    "open_wound_in_field": ("open wound in the field", "info"),
    "pregnant": ("pregnancy", "info"),
}


def test_no_facts_no_findings() -> None:
    assert screen(ScreeningInput()) == []


@pytest.mark.parametrize("fact", sorted(BOOLEAN_RULES))
def test_each_rule_fires_on_its_fact_alone(fact: str) -> None:
    findings = screen(ScreeningInput.model_validate({fact: True}))
    rule, level = BOOLEAN_RULES[fact]
    assert [(f.rule, f.level) for f in findings] == [(rule, level)]
    assert findings[0].source and findings[0].reason


def test_pregnancy_blocks_only_over_the_fetus() -> None:
    assert screen(ScreeningInput(abdomen_pelvis_or_low_back_in_field=True)) == []
    over = screen(ScreeningInput(pregnant=True, abdomen_pelvis_or_low_back_in_field=True))
    assert [(f.rule, f.level) for f in over] == [("pregnancy", "block")]


def test_drug_and_disorder_lists() -> None:
    drugs = screen(ScreeningInput(photosensitising_drugs=("amiodarone", "tetracyclines")))
    assert [(f.rule, f.level) for f in drugs] == [("photosensitising drugs", "warn")]
    assert "amiodarone" in drugs[0].reason and "Blakely" in drugs[0].source
    disorders = screen(ScreeningInput(photosensitivity_disorders=("porphyria",)))
    assert [(f.rule, f.level) for f in disorders] == [("photosensitivity disorder", "warn")]
    assert disorders[0].evidence == "clinical assumption"


def test_unsourced_rules_say_clinical_assumption() -> None:
    every = ScreeningInput.model_validate(
        {fact: True for fact in BOOLEAN_RULES}
        | {"photosensitivity_disorders": ["lupus"], "photosensitising_drugs": ["voriconazole"]}
    )
    for finding in screen(every):
        assert finding.evidence in {"consensus", "literature", "clinical assumption"}
        if finding.evidence == "clinical assumption":
            assert "assumption" in finding.source


def test_unknown_drug_class_is_rejected_with_field_name() -> None:
    with pytest.raises(ValidationError, match="photosensitising_drugs"):
        ScreeningInput(photosensitising_drugs=("aspirin",))  # type: ignore[arg-type]


def test_screening_input_round_trips_through_toml(tmp_path: Path) -> None:
    facts = ScreeningInput(pregnant=True, photosensitising_drugs=("psoralens",))
    path = tmp_path / "facts.toml"
    facts.save(path)
    assert ScreeningInput.load(path) == facts


def test_findings_ordered_block_warn_info() -> None:
    findings = screen(
        ScreeningInput(open_wound_in_field=True, tattoo_in_field=True, eyes_in_field=True)
    )
    assert [f.level for f in findings] == ["block", "warn", "info"]


facts_strategy = st.builds(
    ScreeningInput,
    **{fact: st.booleans() for fact in BOOLEAN_RULES},
    abdomen_pelvis_or_low_back_in_field=st.booleans(),
    photosensitising_drugs=st.lists(
        st.sampled_from(["tetracyclines", "amiodarone", "psoralens", "other"]), max_size=2
    ).map(tuple),
    photosensitivity_disorders=st.lists(st.sampled_from(["porphyria", "lupus"]), max_size=2).map(
        tuple
    ),
)


def _union(a: ScreeningInput, b: ScreeningInput) -> ScreeningInput:
    merged = {}
    for name, value in a.model_dump().items():
        other = getattr(b, name)
        merged[name] = (
            (tuple(value) + tuple(other)) if isinstance(value, (list, tuple)) else (value or other)
        )
    return ScreeningInput.model_validate(merged)


@given(facts_strategy, facts_strategy)
def test_findings_only_increase_with_more_risk_facts(
    a: ScreeningInput, extra: ScreeningInput
) -> None:
    more = _union(a, extra)
    before = {f.rule: SEVERITY_RANK[f.level] for f in screen(a)}
    after = {f.rule: SEVERITY_RANK[f.level] for f in screen(more)}
    assert len(after) >= len(before)
    for rule, rank in before.items():
        assert rule in after and after[rule] <= rank
