"""Patient modifiers: the nerve moves with the layers above it; ranges are enforced."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from photodose.errors import BadInputError
from photodose.tissue import Patient, Site, load_site
from photodose.tissue.patient import (
    MEASURED_OUTSIDE_RANGE,
    PLANTAR_ATROPHY_RATIO,
    REPORTED_INPUTS,
)


def _fat(site: Site) -> float:
    return next(layer.thickness_mm for layer in site.layers if layer.tissue == "subcutaneous_fat")


def test_default_patient_changes_nothing() -> None:
    for name in ("wrist-median", "plantar-forefoot", "medial-ankle-tibial"):
        site = load_site(name)
        assert site.for_patient(Patient()) == site


@settings(max_examples=40, deadline=None)
@given(fat_mm=st.floats(1.0, 6.5, allow_nan=False))
def test_fat_above_the_nerve_moves_it_by_the_same_amount(fat_mm: float) -> None:
    """Tarsal tunnel: the subcutis lies wholly above the nerve's layer, so the nerve and
    every deeper boundary shift by exactly the change in fat thickness."""
    site = load_site("medial-ankle-tibial")
    adapted = site.for_patient(Patient(subcutaneous_fat_mm=fat_mm))
    shift = fat_mm - _fat(site)
    assert adapted.nerve.depth_mm == pytest.approx(site.nerve.depth_mm + shift, abs=1e-9)
    index = site.nerve_layer_index()
    assert adapted.boundaries_mm[index] == pytest.approx(site.boundaries_mm[index] + shift)
    assert adapted.nerve_layer().name == site.nerve_layer().name


@settings(max_examples=40, deadline=None)
@given(fat_mm=st.floats(1.5, 20.0, allow_nan=False))
def test_nerve_inside_the_fat_keeps_its_place_in_it(fat_mm: float) -> None:
    """Superficial peroneal nerve lies in the subcutaneous fat: it keeps its fractional
    depth in that layer, so it stays near the deep fascia as the fat changes."""
    site = load_site("lateral-leg-superficial-peroneal")
    adapted = site.for_patient(Patient(subcutaneous_fat_mm=fat_mm))
    index = site.nerve_layer_index()

    def fraction(s: Site) -> float:
        top = s.boundaries_mm[index]
        return (s.nerve.depth_mm - top) / s.layers[index].thickness_mm

    assert fraction(adapted) == pytest.approx(fraction(site))
    assert _fat(adapted) == pytest.approx(fat_mm)


def test_fat_is_refused_on_plantar_pads() -> None:
    with pytest.raises(BadInputError, match="subcutaneous_fat_mm = 12.0: does not apply"):
        load_site("plantar-heel").for_patient(Patient(subcutaneous_fat_mm=12.0))


def test_plantar_atrophy_follows_the_mansoura_ratio() -> None:
    """Soft tissue over the flexor tendons (skin + fat pad) falls to 26.9/34.2 = 0.787 of
    its value (Med J Cairo Univ article 110943); the nerve below rises by the loss."""
    assert PLANTAR_ATROPHY_RATIO == pytest.approx(26.9 / 34.2)
    site = load_site("plantar-forefoot")
    adapted = site.for_patient(Patient(plantar_atrophy=True, diabetic=True))
    soft_before = sum(layer.thickness_mm for layer in site.layers[:3])
    soft_after = sum(layer.thickness_mm for layer in adapted.layers[:3])
    assert soft_after == pytest.approx(PLANTAR_ATROPHY_RATIO * soft_before)
    assert adapted.layers[0] == site.layers[0] and adapted.layers[1] == site.layers[1]
    loss = soft_before - soft_after
    assert adapted.nerve.depth_mm == pytest.approx(site.nerve.depth_mm - loss)


@pytest.mark.parametrize("name", ["plantar-heel", "medial-ankle-tibial", "wrist-median"])
def test_atrophy_is_refused_away_from_the_forefoot(name: str) -> None:
    with pytest.raises(BadInputError, match="plantar_atrophy = True: applies to the plantar"):
        load_site(name).for_patient(Patient(plantar_atrophy=True))


def test_callus_adds_a_top_layer_and_deepens_the_nerve() -> None:
    site = load_site("plantar-heel")
    adapted = site.for_patient(Patient(callus_mm=2.0))
    assert adapted.layers[0].name == "callus"
    assert adapted.layers[0].tissue == "stratum_corneum"
    assert adapted.layers[1:] == site.layers
    assert adapted.nerve.depth_mm == pytest.approx(site.nerve.depth_mm + 2.0)
    assert "ASSUMPTION" in adapted.layers[0].source


@pytest.mark.parametrize("name", ["wrist-median", "medial-ankle-tibial"])
def test_callus_is_refused_away_from_the_sole(name: str) -> None:
    with pytest.raises(BadInputError, match="callus_mm = 2.0: applies to plantar sites only"):
        load_site(name).for_patient(Patient(callus_mm=2.0))


def test_fat_outside_the_site_range_is_used_with_a_warning_and_a_flag() -> None:
    site = load_site("medial-ankle-tibial")
    adapted = Patient(subcutaneous_fat_mm=15.0).adapted(site)
    fat = next(layer for layer in adapted.site.layers if layer.tissue == "subcutaneous_fat")
    assert fat.thickness_mm == 15.0
    assert MEASURED_OUTSIDE_RANGE in fat.source
    assert any("15 mm is outside the typical range 1-7 mm" in w for w in adapted.warnings)
    shift = 15.0 - _fat(site)
    assert adapted.site.nerve.depth_mm == pytest.approx(site.nerve.depth_mm + shift)


def test_a_measured_nerve_depth_outside_the_range_is_used_and_flagged() -> None:
    site = load_site("medial-ankle-tibial")
    low, high = site.nerve.depth_range_mm
    adapted = Patient(nerve_depth_mm=high + 1.0).adapted(site)
    assert adapted.site.nerve.depth_mm == high + 1.0
    assert MEASURED_OUTSIDE_RANGE in adapted.site.nerve.source
    assert any("outside the typical range" in w for w in adapted.warnings)
    inside = Patient(nerve_depth_mm=(low + high) / 2).adapted(site)
    assert inside.warnings == ()
    assert "measured for this patient" in inside.site.nerve.source


def test_a_nerve_in_bone_or_skin_is_warned_about() -> None:
    site = load_site("medial-ankle-tibial")
    bone_top = site.boundaries_mm[-2]
    in_bone = Patient(nerve_depth_mm=bone_top + 3.0).adapted(site)
    assert any("where a nerve cannot lie" in w and "bone" in w for w in in_bone.warnings)
    # heel: plantar skin 0.7 mm, dermis to 2.19 mm; the branches are 1 mm across
    in_skin = Patient(nerve_depth_mm=1.5).adapted(load_site("plantar-heel"))
    assert any("dermis" in w and "cannot lie" in w for w in in_skin.warnings)


def test_a_nerve_outside_the_stack_is_refused() -> None:
    site = load_site("medial-ankle-tibial")
    with pytest.raises(BadInputError, match="nerve"):
        Patient(nerve_depth_mm=site.thickness_mm + 5.0).adapted(site)


def test_insensate_is_the_default_and_defaults_are_listed() -> None:
    assert Patient().insensate_feet is True
    assert set(Patient().defaulted_inputs()) == set(REPORTED_INPUTS)
    given = Patient(skin_type=3, diabetic=False)
    assert "skin_type" not in given.defaulted_inputs()
    assert "diabetic" not in given.defaulted_inputs()
    assert "subcutaneous_fat_mm" in given.defaulted_inputs()


def test_patient_field_errors_name_field_and_value() -> None:
    with pytest.raises(ValidationError) as error:
        Patient(skin_type=7)
    assert "skin_type" in str(error.value) and "less than or equal to 6" in str(error.value)
    with pytest.raises(ValidationError, match="callus_mm"):
        Patient(callus_mm=-1.0)


def test_patient_round_trips() -> None:
    patient = Patient(skin_type=5, subcutaneous_fat_mm=4.0, diabetic=True, insensate_feet=True)
    assert Patient.from_toml(patient.to_toml()) == patient
    assert Patient.from_json(patient.to_json()) == patient


def test_callus_is_not_pigmented_by_skin_type() -> None:
    """A callus is hyperkeratotic stratum corneum: its optics do not change with skin
    type (melanin is made below it), so its cost to the nerve dose hardly depends on it
    (it did 10x at type III and 50x at type V when modelled as pigmented skin)."""
    from photodose.planning import plan

    ratios = {}
    for skin_type in (3, 5):
        bare = plan("plantar-forefoot", "890nm-led-pad", Patient(skin_type=skin_type))
        callus = plan("plantar-forefoot", "890nm-led-pad",
                      Patient(skin_type=skin_type, callus_mm=2.0))  # fmt: skip
        per_time = lambda p: p.nerve_fluence_J_per_cm2 / p.time_per_spot_s  # noqa: E731
        ratios[skin_type] = per_time(bare) / per_time(callus)
    # the nerve lies 2 mm deeper: a few-fold loss, not 10-50x
    assert 1.0 < ratios[3] < 5.0 and 1.0 < ratios[5] < 5.0, ratios
    # the pigmented plantar skin below still absorbs more at type V (light scattered in
    # the callus crosses it more often): 3.2x vs 4.1x, where it was 10x vs 50x
    assert ratios[5] / ratios[3] < 1.5, ratios
    site = load_site("plantar-forefoot").for_patient(Patient(callus_mm=2.0))
    a = site.stack(890.0, skin_type=1).layers[0].tissue
    b = site.stack(890.0, skin_type=6).layers[0].tissue
    assert a == b
