"""Sites: shipped library invariants, validation messages, stacks, round trips."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from photodose.optics import list_tissues, optical_properties, tissue_preset
from photodose.tissue import Nerve, Site, SiteLayer, list_sites, load_site

SHIPPED = list_sites()
REQUIRED_REGIONS = {"plantar_forefoot", "plantar_heel", "dorsal_foot", "ankle", "leg", "wrist"}


def test_library_covers_the_treated_regions() -> None:
    regions = {load_site(name).region for name in SHIPPED}
    assert REQUIRED_REGIONS <= regions


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_nerve_lies_inside_its_stack(name: str) -> None:
    site = load_site(name)
    nerve = site.nerve
    assert nerve.depth_mm - nerve.radius_mm >= 0.0
    assert nerve.depth_mm + nerve.radius_mm <= site.thickness_mm
    top, bottom = site.boundaries_mm[site.nerve_layer_index() : site.nerve_layer_index() + 2]
    assert top <= nerve.depth_mm < bottom


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_values_lie_inside_their_source_ranges(name: str) -> None:
    site = load_site(name)
    for layer in site.layers:
        low, high = layer.thickness_range_mm
        assert low <= layer.thickness_mm <= high, layer.name
        assert layer.source.strip()
    low, high = site.nerve.depth_range_mm
    assert low <= site.nerve.depth_mm <= high
    # a value is either cited (author and year) or marked as an assumption
    for source in [layer.source for layer in site.layers] + [site.nerve.source]:
        assert "ASSUMPTION" in source or re.search(r"(19|20)\d\d", source), source


def test_shipped_nerve_sizes_match_their_ultrasound_areas() -> None:
    """Equivalent-circle diameters of the cited cross-sectional areas: median nerve at
    the carpal tunnel inlet 7.4 mm2 (Mani et al. 2011), tibial nerve behind the medial
    malleolus 11.1 mm2 (Singh et al. 2022)."""
    for name, area_mm2 in (("wrist-median", 7.4), ("medial-ankle-tibial", 11.1)):
        expected = 2.0 * math.sqrt(area_mm2 / math.pi)
        assert load_site(name).nerve.diameter_mm == pytest.approx(expected, abs=0.01)


def test_tibial_nerve_top_matches_the_ultrasound_depth() -> None:
    """Skin to the upper edge of the tibial nerve behind the malleolus: 9.1 mm mean in
    100 volunteers (retromalleolar ultrasound study cited in the site file)."""
    nerve = load_site("medial-ankle-tibial").nerve
    assert nerve.depth_mm - nerve.radius_mm == pytest.approx(9.1, abs=0.05)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_site_round_trips_toml_and_json(name: str, tmp_path) -> None:
    site = load_site(name)
    assert Site.from_toml(site.to_toml()) == site
    assert Site.from_json(site.to_json()) == site
    for suffix in (".toml", ".json"):
        path = tmp_path / f"{name}{suffix}"
        site.save(path)
        assert Site.load(path) == site


@pytest.mark.parametrize("name", SHIPPED)
def test_stack_has_the_site_layers_and_optics(name: str) -> None:
    site = load_site(name)
    stack = site.stack(850.0, skin_type=3)
    assert [layer.name for layer in stack.layers] == [layer.name for layer in site.layers]
    assert stack.thickness_mm == pytest.approx(site.thickness_mm)
    assert stack.n_above == site.n_above
    assert stack.n_below == stack.layers[-1].tissue.n
    for site_layer, layer in zip(site.layers, stack.layers, strict=True):
        skin = 3 if site_layer.tissue in ("epidermis", "plantar_skin") else None
        expected = optical_properties(tissue_preset(site_layer.tissue, skin_type=skin), 850.0)
        assert layer.tissue == expected


def test_skin_type_darkens_only_the_pigmented_layer() -> None:
    site = load_site("wrist-median")
    light = site.stack(850.0, skin_type=1)
    dark = site.stack(850.0, skin_type=6)
    assert dark.layers[0].tissue.mua_per_mm > light.layers[0].tissue.mua_per_mm
    assert dark.layers[1:] == light.layers[1:]


def test_composition_overrides_reach_the_stack() -> None:
    site = load_site("wrist-median")
    layers = list(site.layers)
    layers[1] = layers[1].updated({"composition": {"blood_fraction": 0.02}})
    richer = Site.model_validate(site.model_dump() | {"layers": [x.model_dump() for x in layers]})
    base_mua = site.stack(660.0).layers[1].tissue.mua_per_mm
    assert richer.stack(660.0).layers[1].tissue.mua_per_mm > base_mua


def test_nerve_layer_is_where_the_nerve_centre_is() -> None:
    assert load_site("wrist-median").nerve_layer().name == "carpal tunnel contents"
    assert load_site("medial-ankle-tibial").nerve_layer().name == "tarsal tunnel compartment"


# ---- validation messages name the field, the value and what is allowed ----


def _layer(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "name": "dermis",
        "tissue": "dermis",
        "thickness_mm": 1.0,
        "thickness_range_mm": [0.5, 2.0],
        "source": "ASSUMPTION: test",
    }
    return base | changes


def _site(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "name": "test-site",
        "title": "test",
        "layers": [
            _layer(),
            _layer(
                name="fat",
                tissue="subcutaneous_fat",
                thickness_mm=5.0,
                thickness_range_mm=[1.0, 10.0],
            ),
        ],
        "nerve": {
            "name": "test nerve",
            "depth_mm": 4.0,
            "diameter_mm": 2.0,
            "depth_range_mm": [2.0, 5.0],
            "source": "ASSUMPTION: test",
        },
    }
    return base | changes


def test_thickness_outside_its_range_is_named() -> None:
    with pytest.raises(ValidationError) as error:
        SiteLayer.model_validate(_layer(thickness_mm=3.5))
    message = str(error.value)
    assert "thickness_mm = 3.5" in message and "0.5 to 2.0" in message


def test_unknown_tissue_is_named_with_the_known_ones() -> None:
    with pytest.raises(ValidationError) as error:
        SiteLayer.model_validate(_layer(tissue="cartilage"))
    message = str(error.value)
    assert "tissue = 'cartilage'" in message and "dermis" in message


def test_bad_composition_override_is_named() -> None:
    with pytest.raises(ValidationError) as error:
        SiteLayer.model_validate(_layer(composition={"hemoglobin": 0.1}))
    assert "hemoglobin" in str(error.value)


def test_reversed_range_is_rejected() -> None:
    with pytest.raises(ValidationError, match="thickness_range_mm"):
        SiteLayer.model_validate(_layer(thickness_range_mm=[2.0, 0.5]))


def test_negative_thickness_names_the_bound() -> None:
    with pytest.raises(ValidationError) as error:
        SiteLayer.model_validate(_layer(thickness_mm=-1.0))
    assert "thickness_mm" in str(error.value) and "greater than 0" in str(error.value)


def test_nerve_outside_the_stack_is_rejected() -> None:
    data = _site()
    data["nerve"] = dict(data["nerve"], depth_mm=3.5, diameter_mm=4.0, depth_range_mm=[0, 9])
    # stack 6 mm; depth 3.5, radius 2 -> 1.5 to 5.5 mm fits; a 3 mm deep nerve of 8 mm does not
    Site.model_validate(data)
    data["nerve"] = dict(data["nerve"], depth_mm=3.0, diameter_mm=8.0)
    with pytest.raises(ValidationError) as error:
        Site.model_validate(data)
    assert "nerve.depth_mm = 3.0" in str(error.value) and "outside the stack" in str(error.value)


def test_nerve_depth_outside_its_range_is_named() -> None:
    with pytest.raises(ValidationError) as error:
        Nerve.model_validate(dict(_site()["nerve"], depth_mm=5.5))
    assert "depth_mm = 5.5" in str(error.value) and "2.0 to 5.0" in str(error.value)


def test_site_name_must_be_a_slug() -> None:
    with pytest.raises(ValidationError, match="name"):
        Site.model_validate(_site(name="Wrist Median"))


def test_repeated_layer_names_are_rejected() -> None:
    with pytest.raises(ValidationError, match="unique"):
        Site.model_validate(_site(layers=[_layer(), _layer()]))


# ---- random valid sites round-trip unchanged ----

_finite = {"allow_nan": False, "allow_infinity": False}


@st.composite
def sites(draw: st.DrawFn) -> Site:
    count = draw(st.integers(1, 5))
    layers = []
    for index in range(count):
        thickness = draw(st.floats(0.01, 50.0, **_finite))
        low = draw(st.floats(0.0, thickness, **_finite))
        high = draw(st.floats(thickness, 100.0, **_finite))
        layers.append(
            SiteLayer(
                name=f"layer {index}",
                tissue=draw(st.sampled_from(list_tissues())),
                thickness_mm=thickness,
                thickness_range_mm=(low, high),
                source=draw(st.text(min_size=1, max_size=40).filter(str.strip)),
            )
        )
    total = sum(layer.thickness_mm for layer in layers)
    diameter = draw(st.floats(0.01, 0.99, **_finite)) * min(total, 40.0)
    depth = diameter / 2 + draw(st.floats(0.001, 0.999, **_finite)) * (total - diameter)
    nerve = Nerve(
        name="nerve",
        depth_mm=depth,
        diameter_mm=diameter,
        depth_range_mm=(0.0, total),
        source="ASSUMPTION: generated",
    )
    return Site(
        name=draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)),
        title=draw(st.text(min_size=1, max_size=30)),
        description=draw(st.text(max_size=60)),
        region=draw(st.sampled_from(["ankle", "wrist", "plantar_heel", "other"])),
        layers=tuple(layers),
        nerve=nerve,
        n_above=draw(st.floats(1.0, 2.0, **_finite)),
        sources=tuple(draw(st.lists(st.text(max_size=30), max_size=3))),
    )


@settings(max_examples=60, deadline=None)
@given(site=sites())
def test_random_sites_round_trip(site: Site) -> None:
    assert Site.from_toml(site.to_toml()) == site
    assert Site.from_json(site.to_json()) == site


def test_an_anisotropy_too_close_to_one_is_named_in_the_layer_terms() -> None:
    """g = 0.99999 makes mus = mus' / (1 - g) exceed the transport's 1e5/mm; the error
    names the layer and the override the user wrote, not only an internal field."""
    with pytest.raises(ValidationError) as caught:
        SiteLayer.model_validate(_layer(composition={"g": 0.99999}))
    message = str(caught.value)
    assert "composition g = 0.99999" in message
    assert "mus = mus' / (1 - g) is too large" in message
    assert "at 450 nm" in message
