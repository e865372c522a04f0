"""Named tissue presets, their overrides and the validation of compositions."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from photodose.optics import TissueComposition, list_tissues, tissue_preset
from photodose.optics.presets import FITZPATRICK_MELANIN_FRACTION

REQUIRED = {
    "epidermis",
    "dermis",
    "plantar_skin",
    "subcutaneous_fat",
    "muscle",
    "nerve",
    "tendon",
    "bone",
}


def test_required_tissues_exist_and_cite_a_source():
    assert REQUIRED <= set(list_tissues())
    for name in list_tissues():
        tissue = tissue_preset(name)
        assert tissue.name == name
        assert tissue.source, name


def test_unknown_tissue_lists_the_known_ones():
    with pytest.raises(ValueError, match="tissue = 'skin': unknown.*dermis.*muscle"):
        tissue_preset("skin")


def test_skin_type_sets_epidermal_melanin():
    for skin_type, melanin in FITZPATRICK_MELANIN_FRACTION.items():
        epidermis = tissue_preset("epidermis", skin_type=skin_type)
        assert epidermis.melanin_fraction == melanin
        assert epidermis.melanin_fraction + epidermis.baseline_fraction == pytest.approx(1.0)
        assert f"type {skin_type}" in epidermis.source
    assert list(FITZPATRICK_MELANIN_FRACTION) == [1, 2, 3, 4, 5, 6]
    values = list(FITZPATRICK_MELANIN_FRACTION.values())
    assert values == sorted(values)


def test_plantar_skin_has_a_fifth_of_the_melanin():
    """Yamaguchi et al 2004: five times fewer melanocytes in palmoplantar skin."""
    for skin_type in (1, 4, 6):
        plantar = tissue_preset("plantar_skin", skin_type=skin_type)
        epidermis = tissue_preset("epidermis", skin_type=skin_type)
        assert plantar.melanin_fraction == pytest.approx(epidermis.melanin_fraction / 5)


@pytest.mark.parametrize("skin_type", [0, 7, -1])
def test_bad_skin_type(skin_type):
    with pytest.raises(ValueError, match=f"skin_type = {skin_type}: .* 1 to 6"):
        tissue_preset("epidermis", skin_type=skin_type)


def test_skin_type_for_a_tissue_without_epidermis():
    with pytest.raises(ValueError, match="skin_type = 3: given for 'muscle'"):
        tissue_preset("muscle", skin_type=3)


def test_override_one_field_and_record_it():
    base = tissue_preset("dermis")
    richer = tissue_preset("dermis", blood_fraction=0.01)
    assert richer.blood_fraction == 0.01
    assert richer.water_fraction == base.water_fraction
    assert "overridden: blood_fraction=0.01" in richer.source


def test_epidermis_melanin_override_keeps_the_baseline_the_remainder():
    epidermis = tissue_preset("epidermis", melanin_fraction=0.4)
    assert epidermis.baseline_fraction == pytest.approx(0.6)


def test_unknown_override_field():
    with pytest.raises(ValueError, match="composition fields = blood_volume: .*blood_fraction"):
        tissue_preset("dermis", blood_volume=0.01)


def test_override_out_of_range_names_field_value_and_limit():
    with pytest.raises(ValidationError) as error:
        tissue_preset("muscle", oxygen_saturation=1.2)
    text = str(error.value)
    assert "oxygen_saturation" in text and "1.2" in text and "less than or equal to 1" in text


def test_override_fractions_adding_above_one():
    # muscle has blood_fraction 0.0361: 0.0361 + 0.9 + 0.4 = 1.3361
    with pytest.raises(ValidationError, match=r"add up to 1\.3361 .*at most 1"):
        tissue_preset("muscle", water_fraction=0.9, fat_fraction=0.4)


def composition(**fields) -> dict:
    values = dict(
        name="t",
        blood_fraction=0.01,
        oxygen_saturation=0.7,
        water_fraction=0.6,
        fat_fraction=0.1,
        musp500_per_mm=2.0,
        f_rayleigh=0.2,
        b_mie=1.0,
        g=0.9,
        n=1.4,
    )
    return values | fields


@pytest.mark.parametrize(
    "field",
    ["blood_fraction", "oxygen_saturation", "water_fraction", "fat_fraction", "melanin_fraction"],
)
@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_fraction_outside_unit_interval(field, value):
    with pytest.raises(ValidationError) as error:
        TissueComposition(**composition(**{field: value}))
    assert field in str(error.value)


def test_fractions_must_fit_in_one_volume():
    with pytest.raises(ValidationError, match="add up to 1.1"):
        TissueComposition(**composition(blood_fraction=0.2, water_fraction=0.6, fat_fraction=0.3))
    fits = TissueComposition(
        **composition(blood_fraction=0.1, water_fraction=0.6, fat_fraction=0.3)
    )
    assert fits.blood_fraction + fits.water_fraction + fits.fat_fraction == pytest.approx(1.0)


def test_composition_round_trips_through_toml(tmp_path):
    tissue = tissue_preset("nerve")
    path = tmp_path / "nerve.toml"
    tissue.save(path)
    assert TissueComposition.load(path) == tissue


# Callus (preset "stratum_corneum") against the published numbers its values are tied to.
def test_callus_refractive_index_is_the_measured_stratum_corneum_index():
    """In vivo at the skin surface (the stratum corneum), visible light: 1.51-1.53 on the
    cheek (Yoshida et al 2013, J Biomed Opt 18:037002, critical-angle method, abstract)
    and 1.533 on average (Xie, Li & Li 2003, Chin Opt Lett 1:44, total internal
    reflection, abstract); well above the epidermis' 1.42 (Ding et al 2006)."""
    n = tissue_preset("stratum_corneum").n
    assert 1.51 <= n <= 1.533
    assert n > tissue_preset("epidermis").n + 0.05


@pytest.mark.parametrize("wavelength_nm", [633.0, 808.0, 890.0, 980.0, 1064.0])
def test_callus_absorbs_as_bloodless_melanin_free_skin(wavelength_nm):
    """Jacques 1998 (OMLC 'Skin optics', Jan 1998 news): mua.skinbaseline = 0.244 +
    85.3 exp(-(nm - 154)/66.2) 1/cm, recomputed here from the published expression; no
    melanin and no blood are added for a callus, whatever the skin type."""
    from photodose.optics import mixing

    published_per_cm = 0.244 + 85.3 * math.exp(-(wavelength_nm - 154.0) / 66.2)
    callus = tissue_preset("stratum_corneum")
    assert float(mixing.absorption_per_mm(callus, wavelength_nm)) == pytest.approx(
        published_per_cm / 10.0, rel=1e-9
    )
    assert callus.melanin_fraction == 0.0 and callus.blood_fraction == 0.0


def test_callus_uncertainty_spans_the_published_epidermal_values():
    """The sampled ranges reach the nearest measured values: in vitro epidermis, 800 nm,
    mua 0.2 1/cm and mus' 21 1/cm ('Optical properties of in vitro epidermis and their
    possible relationship with optical properties of in vivo skin', J Photochem Photobiol
    B 1992, abstract); and on the low side a keratin layer absorbing only through water
    (fraction 0.2) at 850 nm."""
    from photodose.optics import mixing, spectra
    from photodose.planning.uncertainty import (
        ABSORPTION_FACTOR_RANGE,
        scattering_factor_range,
    )

    callus = tissue_preset("stratum_corneum")
    low, high = ABSORPTION_FACTOR_RANGE["stratum_corneum"]
    mua_800 = float(mixing.absorption_per_mm(callus, 800.0))
    assert low * mua_800 <= 0.02 <= high * mua_800
    water_only_850 = 0.2 * float(spectra.water_mua_per_mm(850.0))
    assert low * float(mixing.absorption_per_mm(callus, 850.0)) <= water_only_850
    low, high = scattering_factor_range("stratum_corneum")
    musp_800 = float(mixing.reduced_scattering_per_mm(callus, 800.0))
    assert low * musp_800 <= 2.1 <= high * musp_800
    # other tissues keep the common range
    assert scattering_factor_range("dermis") == (0.75, 1.33)
