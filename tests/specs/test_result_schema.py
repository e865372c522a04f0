"""The result schema (photodose.specs.result): every transport result, whichever engine or
file made it, carries the schema's names, CF `units` and `long_name` on every variable and
coordinate, and the grid's bin measures are the MCML conventions."""

from __future__ import annotations

import math

import numpy as np
import pytest

import photodose as pd
from photodose.io.mcml_format import format_mco, parse_mco
from photodose.specs import result as schema


def simulation() -> pd.Simulation:
    tissue = pd.OpticalProperties(mua_per_mm=0.05, mus_per_mm=10.0, g=0.9, n=1.4)
    stack = pd.TissueStack(
        layers=[
            pd.Layer(name="skin", thickness_mm=1.0, tissue=tissue),
            pd.Layer(name="fat", thickness_mm=3.0, tissue=tissue),
        ]
    )
    grid = pd.Grid(dr_mm=0.2, dz_mm=0.2, nr=6, nz=8, na=3)
    return pd.Simulation(stack=stack, photons=400, seed=5, grid=grid, batches=4)


@pytest.fixture(scope="module")
def results():
    mc = pd.simulate(simulation(), workers=1)
    return {
        "monte carlo": mc,
        "diffusion": pd.diffuse(simulation()),
        "mcml file": parse_mco(format_mco(mc, "schema.mco"), source="schema.mco"),
    }


@pytest.mark.parametrize("engine", ["monte carlo", "diffusion", "mcml file"])
def test_every_variable_and_coordinate_is_labelled(results, engine) -> None:
    dataset = results[engine]
    for name in [*dataset.data_vars, *dataset.coords]:
        attrs = dataset[name].attrs
        assert attrs.get("long_name"), (engine, name)
        if name != schema.LAYER_NAME:
            assert "units" in attrs, (engine, name)
        entry = schema.quantity(str(name))
        assert entry is not None, f"{engine}: {name} is not in the schema"
        assert dataset[name].dims == entry.dims, (engine, name)
    assert dataset.attrs["normalisation"] == schema.NORMALISATION
    assert dataset.attrs["photodose_version"] == pd.__version__
    if engine != "mcml file":  # an .mco file holds the run in cm with its own layer names
        assert pd.Simulation.from_json(dataset.attrs["simulation"]) == simulation()


def test_monte_carlo_has_every_schema_variable_with_its_standard_error(results) -> None:
    dataset = results["monte carlo"]
    for name in schema.VARIABLES:
        assert name in dataset
        if name != schema.SPECULAR_REFLECTANCE:
            se = schema.standard_error(name)
            assert dataset[se].attrs["units"] == dataset[name].attrs["units"]


def test_grid_measures_are_mcml_conventions() -> None:
    grid = pd.Grid(dr_mm=0.1, dz_mm=0.25, nr=4, nz=3, na=5)
    np.testing.assert_allclose(grid.r_centres_mm, [0.05, 0.15, 0.25, 0.35])
    np.testing.assert_allclose(grid.z_centres_mm, [0.125, 0.375, 0.625])
    # annulus i: pi ((i+1)^2 - i^2) dr^2 = 2 pi (i + 1/2) dr^2, exactly the ring between faces
    faces = np.arange(5) * 0.1
    np.testing.assert_allclose(grid.ring_areas_mm2, np.pi * np.diff(faces**2), rtol=1e-12)
    np.testing.assert_allclose(grid.ring_volumes_mm3, grid.ring_areas_mm2 * 0.25)
    # the exit-angle bins' solid angles add up to the hemisphere, 2 pi sr
    assert grid.solid_angles_sr.sum() == pytest.approx(2.0 * math.pi, rel=1e-12)
