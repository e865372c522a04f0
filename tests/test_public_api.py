"""The public face: `photodose.__all__` is exactly the intended names, each resolves, the
package is typed, the version is written once, and importing the face is cheap."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import photodose

ROOT = Path(__file__).parents[1]

PUBLIC = {
    # specs: the vocabulary
    "Beam", "Grid", "Layer", "OpticalProperties", "Roulette", "Simulation", "TissueStack",
    # data: sites, patients, devices, optics
    "Site", "Patient", "Device", "list_sites", "load_site", "list_devices", "load_device",
    "optical_properties", "optical_spectrum", "tissue_preset",
    # transport and dose
    "simulate", "diffuse", "dose_at_nerve", "DoseWindow", "fluence_at_depth",
    # results drawn (photodose.report.result_plot)
    "plot_result",
    # 3-D voxel transport and MCX inputs
    "Volume", "Medium", "Slab", "Box", "Sphere", "Cylinder", "VoxelSource", "Emitter",
    "TimeGates", "VoxelSimulation", "simulate_voxel", "structure_dose", "read_mcx_json",
    # planning: what a user builds, gets back and checks
    "PlanRequest", "ScreeningInput", "Plan", "plan", "check", "Verification", "verify_plan",
    # many runs: sweeps and populations on Dask
    "sweep",
    # errors
    "PhotodoseError", "BadInputError", "ModelRangeError",
    "__version__",
}  # fmt: skip


def test_all_is_exactly_the_public_names() -> None:
    assert set(photodose.__all__) == PUBLIC
    assert len(photodose.__all__) == len(PUBLIC)  # no name twice


def test_every_public_name_resolves_to_what_it_says() -> None:
    from photodose.errors import BadInputError
    from photodose.planning import PlanRequest, Verification
    from photodose.safety.contraindications import ScreeningInput

    for name in photodose.__all__:
        assert getattr(photodose, name) is not None, name
    assert photodose.PlanRequest is PlanRequest and photodose.Verification is Verification
    assert photodose.ScreeningInput is ScreeningInput
    assert photodose.BadInputError is BadInputError
    assert set(dir(photodose)) >= PUBLIC


def test_unknown_names_raise_attribute_error() -> None:
    try:
        photodose.no_such_name  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("photodose.no_such_name should not exist")


def test_the_package_is_typed_and_ships_the_marker() -> None:
    assert (ROOT / "photodose" / "py.typed").is_file()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in project["tool"]["setuptools"]["package-data"]["photodose"]


def test_the_version_is_written_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "photodose._version.__version__"
    from photodose._version import __version__

    assert photodose.__version__ == __version__


def test_importing_the_face_loads_no_heavy_library() -> None:
    code = (
        "import sys, photodose; "
        "print(' '.join(m for m in ('numba', 'scipy', 'xarray', 'photodose.planning') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
