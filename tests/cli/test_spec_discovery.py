"""The spec is discoverable: a template that runs, JSON Schemas, unknown keys named with the
keys allowed, and specs that name tissue presets or a site at one or more wavelengths."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

import photodose as pd
from photodose.cli.schema import SPECS, spec_schema
from photodose.io.result_file import load_result
from photodose.specs import describe_error
from photodose.tissue.simulation_file import SimulationFile, simulation_template

PHOTODOSE = [sys.executable, "-m", "photodose.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PHOTODOSE, *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd)  # fmt: skip


def test_template_is_commented_toml_naming_presets():
    text = simulation_template()
    assert text.count("\n#") > 10
    data = tomllib.loads(text)
    assert [layer["preset"] for layer in data["stack"]["layers"]][:2] == ["epidermis", "dermis"]
    request = SimulationFile.from_toml(text)
    (simulation,) = request.resolve()
    assert simulation.wavelength_nm == 850
    assert len(simulation.stack.layers) == 4


def test_template_prints_and_refuses_to_overwrite(tmp_path):
    printed = run("simulate", "--template")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == simulation_template()
    target = tmp_path / "spec.toml"
    assert run("simulate", "--template", str(target)).returncode == 0
    again = run("simulate", "--template", str(target))
    assert again.returncode == 2 and "--force" in again.stderr


def test_schema_of_every_spec_is_json_schema_with_units():
    for name in SPECS:
        schema = spec_schema(name)
        assert schema["type"] == "object", name
        assert schema["properties"], name
    simulation = spec_schema("SimulationFile")
    assert {"stack", "beam", "photons", "wavelengths_nm"} <= set(simulation["properties"])
    layer = spec_schema("OpticalProperties")["properties"]["mua_per_mm"]
    assert layer["minimum"] == 0.0 and "1/mm" in layer["description"]


def test_schema_command_lists_writes_and_refuses_unknown(tmp_path):
    listing = run("schema")
    assert listing.returncode == 0
    assert all(name in listing.stdout for name in ("Simulation", "TissueStack", "Beam", "Site"))
    out = tmp_path / "beam.json"
    assert run("schema", "beam", "--out", str(out)).returncode == 0
    assert json.loads(out.read_text())["title"] == "Beam"
    unknown = run("schema", "Nonsense")
    assert unknown.returncode == 2
    assert "known: SimulationFile" in unknown.stderr


def test_unknown_key_names_the_allowed_keys():
    tissue = {"mua_per_mm": 1, "mus_per_mm": 1, "g": 0, "n": 1}
    data = {"stack": {"layers": [{"name": "a", "thicknes_mm": 1.0, "tissue": tissue}]}}
    with pytest.raises(ValidationError) as caught:
        pd.Simulation.model_validate(data)
    message = describe_error(caught.value)
    assert "stack.layers.0" in message
    assert "'thicknes_mm'" in message
    assert "name, thickness_mm, tissue" in message


def test_unknown_key_in_a_spec_file_on_the_command_line(tmp_path):
    spec = tmp_path / "typo.toml"
    spec.write_text(simulation_template().replace("photons = 20000", "photon = 20000"))
    done = run("simulate", str(spec))
    assert done.returncode == 2
    assert "'photon'" in done.stderr
    assert "photons" in done.stderr and "wavelengths_nm" in done.stderr


def test_preset_layers_resolve_to_the_optics_of_that_wavelength():
    request = SimulationFile.model_validate({
        "wavelengths_nm": [660, 850],
        "stack": {"skin_type": 5, "layers": [
            {"name": "epidermis", "thickness_mm": 0.1, "preset": "epidermis"},
            {"name": "glass", "thickness_mm": 1.0,
             "tissue": {"mua_per_mm": 0.0, "mus_per_mm": 0.0, "g": 0.0, "n": 1.5}},
        ]},
    })  # fmt: skip
    red, infrared = request.resolve()
    for simulation in (red, infrared):
        expected = pd.optical_properties(pd.tissue_preset("epidermis", skin_type=5),
                                         simulation.wavelength_nm)  # fmt: skip
        assert simulation.stack.layers[0].tissue == expected
        assert simulation.stack.layers[1].tissue.n == 1.5
    # melanin absorbs more in the red than in the near infrared
    assert red.stack.layers[0].tissue.mua_per_mm > infrared.stack.layers[0].tissue.mua_per_mm


def test_site_resolves_to_the_site_stack():
    request = SimulationFile.model_validate(
        {"wavelength_nm": 810, "stack": {"site": "wrist-median", "skin_type": 3}}
    )
    (simulation,) = request.resolve()
    assert simulation.stack == pd.load_site("wrist-median").stack(810, skin_type=3)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"stack": {"site": "wrist-median"}}, "needs wavelength_nm"),
        ({"wavelength_nm": 850, "stack": {"layers": [
            {"name": "x", "thickness_mm": 1.0, "preset": "skin"}]}}, "not a tissue preset"),
        ({"wavelength_nm": 850, "stack": {"layers": [
            {"name": "x", "thickness_mm": 1.0}]}}, "exactly one of tissue"),
        ({"wavelengths_nm": [800, 850], "stack": {"layers": [
            {"name": "x", "thickness_mm": 1.0,
             "tissue": {"mua_per_mm": 1, "mus_per_mm": 1, "g": 0, "n": 1}}]}},
         "raw coefficients do not change"),
        ({"wavelength_nm": 850, "stack": {"site": "wrist-median", "layers": [
            {"name": "x", "thickness_mm": 1.0, "preset": "dermis"}]}}, "not both"),
    ],
)
def test_bad_preset_specs_are_refused_clearly(data, fragment):
    with pytest.raises(ValidationError) as caught:
        SimulationFile.model_validate(data)
    assert fragment in describe_error(caught.value)


def test_plain_simulation_file_still_runs_as_before(tmp_path):
    tissue = pd.OpticalProperties(mua_per_mm=1.0, mus_per_mm=9.0, g=0.75, n=1.0)
    layer = pd.Layer(name="slab", thickness_mm=0.2, tissue=tissue)
    simulation = pd.Simulation(stack=pd.TissueStack(layers=[layer]), photons=500)
    path = tmp_path / "plain.json"
    simulation.save(path)
    assert SimulationFile.load(path).resolve() == [simulation]


def test_wavelength_list_gives_a_result_with_a_wavelength_axis(tmp_path):
    spec = tmp_path / "two.toml"
    spec.write_text(
        "photons = 400\nwavelengths_nm = [810, 850]\n[grid]\nnr = 20\nnz = 30\n"
        "[stack]\nskin_type = 2\n[[stack.layers]]\nname = \"skin\"\nthickness_mm = 1.0\n"
        "preset = \"dermis\"\n"
    )
    out = tmp_path / "two.nc"
    done = run("simulate", str(spec), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    result = load_result(out)
    assert list(result.wavelength_nm.values) == [810.0, 850.0]
    assert result.fluence_rate_rz_per_mm2.dims == ("wavelength_nm", "r_mm", "z_mm")
    simulations = json.loads(result.attrs["simulations"])
    assert [s["wavelength_nm"] for s in simulations] == [810.0, 850.0]
    for wavelength, saved in zip((810.0, 850.0), simulations, strict=True):
        direct = pd.simulate(pd.Simulation.model_validate(saved))
        saved_map = result.fluence_rate_rz_per_mm2.sel(wavelength_nm=wavelength).values
        assert (direct.fluence_rate_rz_per_mm2.values == saved_map).all()
