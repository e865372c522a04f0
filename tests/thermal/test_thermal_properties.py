"""Thermal tissue presets: IT'IS v4.1 values, unit conversions, validation messages."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from photodose.optics import list_tissues
from photodose.specs import describe_error
from photodose.thermal import ThermalProperties, list_thermal_tissues, thermal_preset
from photodose.thermal.properties import (
    BLOOD_DENSITY_KG_PER_M3,
    BLOOD_SPECIFIC_HEAT_J_PER_KG_K,
)


def test_every_optics_tissue_name_has_a_thermal_preset() -> None:
    assert set(list_tissues()) == set(list_thermal_tissues())


@pytest.mark.parametrize(
    ("name", "density", "heat_capacity", "conductivity", "perfusion"),
    [
        # IT'IS database v4.1 rows (TissueProperties.csv), rounded
        ("dermis", 1109.0, 3391.0, 0.37, 106.0),  # Skin
        ("subcutaneous_fat", 911.0, 2348.0, 0.21, 33.0),  # SAT (Subcutaneous Fat)
        ("muscle", 1090.0, 3421.0, 0.49, 37.0),  # Muscle
        ("nerve", 1075.0, 3613.0, 0.49, 160.0),  # Nerve
        ("tendon", 1142.0, 3432.0, 0.47, 29.0),  # Tendon\Ligament
        ("bone", 1908.0, 1313.0, 0.32, 10.0),  # Bone (Cortical)
    ],
)
def test_presets_match_the_itis_table(
    name: str, density: float, heat_capacity: float, conductivity: float, perfusion: float
) -> None:
    p = thermal_preset(name)
    assert p.density_kg_per_m3 == pytest.approx(density, rel=2e-3)
    assert p.specific_heat_J_per_kg_K == pytest.approx(heat_capacity, rel=2e-3)
    assert p.conductivity_W_per_m_K == pytest.approx(conductivity, rel=0.03)
    assert p.perfusion_ml_per_min_per_kg == pytest.approx(perfusion, rel=0.02)


def test_epidermis_is_not_perfused() -> None:
    assert thermal_preset("epidermis").perfusion_per_s == 0.0
    assert thermal_preset("epidermis").conductivity_W_per_m_K == pytest.approx(0.37, rel=0.01)


def test_perfusion_unit_conversion_by_hand() -> None:
    """106.38 ml/min/kg in tissue of 1109 kg/m^3: w_b = 106.38e-6 * 1109 / 60 1/s."""
    skin = thermal_preset("dermis")
    w_b = 106.3813131e-6 * 1109.0 / 60.0
    assert skin.perfusion_per_s == pytest.approx(w_b, rel=1e-12)
    assert skin.perfusion_coefficient_W_per_m3_K == pytest.approx(1050.0 * 3617.0 * w_b, rel=1e-12)
    assert (BLOOD_DENSITY_KG_PER_M3, BLOOD_SPECIFIC_HEAT_J_PER_KG_K) == (1050.0, 3617.0)
    # metabolic heat: IT'IS 1.6475 W/kg times density
    assert skin.metabolic_heat_W_per_m3 == pytest.approx(1.647516035 * 1109.0)


def test_diffusivity_of_skin() -> None:
    skin = thermal_preset("dermis")
    assert skin.diffusivity_m2_per_s == pytest.approx(0.3721835 / (1109.0 * 3390.5))
    assert 0.9e-7 < skin.diffusivity_m2_per_s < 1.1e-7


def test_perfusion_scale() -> None:
    fat = thermal_preset("subcutaneous_fat")
    reduced = fat.with_perfusion_scale(0.3)
    assert reduced.perfusion_per_s == pytest.approx(0.3 * fat.perfusion_per_s)
    assert reduced.conductivity_W_per_m_K == fat.conductivity_W_per_m_K
    with pytest.raises(ValueError, match="perfusion scale = -1"):
        fat.with_perfusion_scale(-1.0)


def test_unknown_preset_names_the_choices() -> None:
    with pytest.raises(ValueError, match="'skin'.*plantar_skin"):
        thermal_preset("skin")


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("density_kg_per_m3", 0.0, "greater than 0"),
        ("conductivity_W_per_m_K", 20.0, "less than or equal to 10"),
        ("perfusion_ml_per_min_per_kg", -1.0, "greater than or equal to 0"),
        ("specific_heat_J_per_kg_K", math.nan, "finite"),
    ],
)
def test_validation_names_field_value_and_range(field: str, value: float, fragment: str) -> None:
    values = thermal_preset("muscle").model_dump() | {field: value}
    with pytest.raises(ValidationError) as error:
        ThermalProperties(**values)
    message = describe_error(error.value)
    assert field in message
    assert fragment in message


def test_round_trip_through_toml(tmp_path) -> None:
    path = tmp_path / "nerve.toml"
    thermal_preset("nerve").save(path)
    assert ThermalProperties.load(path) == thermal_preset("nerve")
