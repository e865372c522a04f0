"""The sweep spec: the issue's TOML as written, clear errors, cells and their seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sweep_cases import ISSUE_SPEC_TOML

from photodose.errors import BadInputError, InputFileError
from photodose.sweep.cell import cell_seed
from photodose.sweep.spec import load_sweep, parse_sweep


def test_issue_spec_loads_as_written(tmp_path: Path) -> None:
    path = tmp_path / "sweep.toml"
    path.write_text(ISSUE_SPEC_TOML)
    spec = load_sweep(path)
    assert (spec.seed, spec.engine, spec.photons) == (11, "monte-carlo", 20000)
    assert spec.grid is not None
    assert list(spec.grid.coords()) == ["site", "device", "skin_type"]
    cells = spec.grid.cells()
    assert len(cells) == 8
    assert cells[0] == {"site": "wrist-median", "device": "808nm-laser-probe", "skin_type": 2}
    assert cells[-1] == {"site": "medial-ankle-tibial", "device": "890nm-led-pad", "skin_type": 5}


def test_json_spec_equals_toml(tmp_path: Path) -> None:
    toml_path = tmp_path / "s.toml"
    toml_path.write_text(ISSUE_SPEC_TOML)
    spec = load_sweep(toml_path)
    json_path = tmp_path / "s.json"
    json_path.write_text(json.dumps({"sweep": spec.model_dump(mode="json")}))
    assert load_sweep(json_path) == spec


def test_unknown_site_names_the_field_and_the_known_names() -> None:
    with pytest.raises(BadInputError, match=r"grid\.site.*no-such-site.*wrist-median"):
        parse_sweep({"sweep": {"grid": {"site": ["no-such-site"], "device": ["890nm-led-pad"]}}})


@pytest.mark.parametrize(
    ("table", "pattern"),
    [
        ({"grid": {"site": ["wrist-median"], "device": ["890nm-led-pad"], "skin_type": [7]}},
         r"skin_type.*1 to 6"),
        ({"engine": "voxel", "grid": {"site": ["wrist-median"], "device": ["890nm-led-pad"]}},
         r"engine"),
        ({"photons": 0, "grid": {"site": ["wrist-median"], "device": ["890nm-led-pad"]}},
         r"photons"),
        ({}, r"exactly one of"),
        ({"cells": [{"site": "wrist-median", "device": "890nm-led-pad"}] * 2}, r"listed once"),
    ],
)  # fmt: skip
def test_bad_values_are_refused(table: dict, pattern: str) -> None:
    with pytest.raises(BadInputError, match=pattern):
        parse_sweep({"sweep": table})


def test_missing_or_malformed_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        load_sweep(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[sweep\nseed = 1")
    with pytest.raises(InputFileError, match="not valid TOML"):
        load_sweep(broken)


def test_cell_seed_depends_on_sweep_seed_and_coordinates_only() -> None:
    cell = {"site": "wrist-median", "device": "890nm-led-pad", "skin_type": 2}
    reordered = {"skin_type": 2, "device": "890nm-led-pad", "site": "wrist-median"}
    assert cell_seed(11, cell) == cell_seed(11, reordered)
    assert cell_seed(11, cell) != cell_seed(12, cell)
    assert cell_seed(11, cell) != cell_seed(11, cell | {"skin_type": 5})
    assert 0 <= cell_seed(11, cell) < 2**63


def test_pd_sweep_stays_callable_after_the_package_is_imported() -> None:
    """Importing photodose.sweep binds `photodose.sweep` to the package: it must still run
    a sweep when called, as the public face promises."""
    import importlib

    import photodose as pd

    importlib.import_module("photodose.sweep.runner")
    assert callable(pd.sweep)
    assert pd.sweep.sweep is importlib.import_module("photodose.sweep.runner").sweep
