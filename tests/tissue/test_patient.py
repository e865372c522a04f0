"""Patient modifiers: the nerve moves with the layers above it; ranges are enforced."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from photodose.tissue import Patient, Site, load_site
from photodose.tissue.patient import PLANTAR_ATROPHY_RATIO


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


def test_fat_does_not_change_plantar_pads() -> None:
    site = load_site("plantar-heel")
    assert site.for_patient(Patient(subcutaneous_fat_mm=12.0)) == site


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


def test_atrophy_applies_only_to_the_forefoot() -> None:
    heel = load_site("plantar-heel")
    assert heel.for_patient(Patient(plantar_atrophy=True)) == heel


def test_callus_adds_a_top_layer_and_deepens_the_nerve() -> None:
    site = load_site("plantar-heel")
    adapted = site.for_patient(Patient(callus_mm=2.0))
    assert adapted.layers[0].name == "callus"
    assert adapted.layers[0].tissue == "plantar_skin"
    assert adapted.layers[1:] == site.layers
    assert adapted.nerve.depth_mm == pytest.approx(site.nerve.depth_mm + 2.0)
    assert "ASSUMPTION" in adapted.layers[0].source


def test_callus_is_plantar_only() -> None:
    site = load_site("wrist-median")
    assert site.for_patient(Patient(callus_mm=2.0)) == site


def test_fat_outside_the_site_range_is_a_clear_error() -> None:
    with pytest.raises(ValueError) as error:
        load_site("medial-ankle-tibial").for_patient(Patient(subcutaneous_fat_mm=30.0))
    message = str(error.value)
    assert "medial-ankle-tibial" in message
    assert "thickness_mm = 30.0" in message and "1.0 to 7.0" in message


def test_nerve_pushed_out_of_its_range_is_a_clear_error() -> None:
    # callus plus the forefoot's nerve depth 7.5 mm: 7.5 + 5 = 12.5 > 11 mm
    with pytest.raises(ValueError) as error:
        load_site("plantar-forefoot").for_patient(Patient(callus_mm=5.0))
    assert "depth_mm = 12.5" in str(error.value)


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
