"""The spec vocabulary: validation names the field, value and range; files round-trip."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import photodose as pd
from photodose.specs import describe_error


def skin() -> pd.OpticalProperties:
    return pd.OpticalProperties(mua_per_mm=0.04, mus_per_mm=20.0, g=0.9, n=1.4)


def stack() -> pd.TissueStack:
    return pd.TissueStack(layers=[pd.Layer(name="skin", thickness_mm=2.0, tissue=skin())])


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("g", 1.0, "less than 1"),
        ("g", -1.0, "greater than -1"),
        ("n", 0.9, "greater than or equal to 1"),
        ("mua_per_mm", -0.1, "greater than or equal to 0"),
        ("mus_per_mm", math.nan, "finite"),
    ],
)
def test_optical_property_errors_name_field_value_and_limit(field, value, fragment):
    values = {"mua_per_mm": 0.1, "mus_per_mm": 10.0, "g": 0.9, "n": 1.4} | {field: value}
    with pytest.raises(ValidationError) as caught:
        pd.OpticalProperties(**values)
    message = describe_error(caught.value)
    assert message.startswith(f"{field} = ")
    assert fragment in message


def test_negative_thickness_reported_with_its_path():
    with pytest.raises(ValidationError) as caught:
        pd.TissueStack(layers=[pd.Layer(name="x", thickness_mm=-1.0, tissue=skin())])
    assert "thickness_mm = -1.0" in describe_error(caught.value)


def test_nested_error_reports_only_the_specific_field():
    data = {"layers": [{"name": "x", "thickness_mm": 1.0,
                        "tissue": {"mua_per_mm": 0.1, "mus_per_mm": 1.0, "g": 1.5, "n": 1.4}}]}
    with pytest.raises(ValidationError) as caught:
        pd.TissueStack.model_validate(data)
    lines = describe_error(caught.value).splitlines()
    assert lines == ["layers.0.tissue.g = 1.5: Input should be less than 1"]


def test_unknown_field_is_rejected():
    with pytest.raises(ValidationError, match="thicknes_mm"):
        pd.Layer(name="x", thicknes_mm=1.0, tissue=skin())


def test_specs_are_frozen():
    props = skin()
    with pytest.raises(ValidationError):
        props.g = 0.5  # type: ignore[misc]
    assert props.updated({"g": 0.5}).g == 0.5


def test_all_clear_stack_is_rejected():
    clear = pd.OpticalProperties(mua_per_mm=0.0, mus_per_mm=0.0, g=0.0, n=1.5)
    with pytest.raises(ValidationError, match="absorb or scatter"):
        pd.TissueStack(layers=[pd.Layer(name="glass", thickness_mm=1.0, tissue=clear)])


@pytest.mark.parametrize(
    ("profile", "radius", "ok"),
    [("pencil", 0.0, True), ("pencil", 1.0, False), ("gaussian", 0.0, False),
     ("flat_top", 5.0, True)],
)
def test_beam_radius_must_fit_profile(profile, radius, ok):
    if ok:
        assert pd.Beam(profile=profile, radius_mm=radius).radius_mm == radius
    else:
        with pytest.raises(ValidationError, match="radius_mm"):
            pd.Beam(profile=profile, radius_mm=radius)


def test_beam_areas():
    assert pd.Beam(profile="flat_top", radius_mm=2.0).area_mm2 == pytest.approx(4 * math.pi)
    # Gaussian peak irradiance 2P / (pi w^2): effective area pi w^2 / 2
    assert pd.Beam(profile="gaussian", radius_mm=2.0).area_mm2 == pytest.approx(2 * math.pi)


def test_batches_cannot_exceed_photons():
    with pytest.raises(ValidationError, match="batches = 20"):
        pd.Simulation(stack=stack(), photons=10, batches=20)
    assert pd.Simulation(stack=stack(), photons=10).batch_count == 10
    assert pd.Simulation(stack=stack(), photons=10**6).batch_count == 64


def test_stack_geometry():
    two = stack().updated(
        {"layers": (*stack().layers, pd.Layer(name="fat", thickness_mm=3.0, tissue=skin()))}
    )
    assert two.boundaries_mm == (0.0, 2.0, 5.0)
    assert two.thickness_mm == 5.0
    assert [two.layer_at(z) for z in (0.0, 1.99, 2.0, 4.9, 99.0)] == [0, 0, 1, 1, 1]


finite = st.floats(min_value=0.0, max_value=50.0, allow_nan=False)


@given(
    mua=finite, mus=finite, g=st.floats(min_value=-0.99, max_value=0.99),
    n=st.floats(min_value=1.0, max_value=2.0),
    thickness=st.floats(min_value=0.01, max_value=100),
    photons=st.integers(min_value=1, max_value=10**9),
    seed=st.integers(min_value=0, max_value=2**62),
)  # fmt: skip
def test_simulation_round_trips_through_json_and_toml(mua, mus, g, n, thickness, photons, seed):
    props = pd.OpticalProperties(mua_per_mm=mua, mus_per_mm=mus + 0.1, g=g, n=n)
    sim = pd.Simulation(
        stack=pd.TissueStack(layers=[pd.Layer(name="a", thickness_mm=thickness, tissue=props)]),
        beam=pd.Beam(profile="gaussian", radius_mm=1.5), photons=photons, seed=seed,
    )
    assert pd.Simulation.from_json(sim.to_json()) == sim
    assert pd.Simulation.from_toml(sim.to_toml()) == sim


def test_save_and_load_by_suffix(tmp_path):
    sim = pd.Simulation(stack=stack(), wavelength_nm=850.0)
    for name in ("sim.toml", "sim.json"):
        sim.save(tmp_path / name)
        assert pd.Simulation.load(tmp_path / name) == sim
