"""MCX JSON inputs become the simulation MCX would run (fields as MCX's parser reads
them, mcx_utils.c and mcx_shapes.c)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from photodose.errors import BadInputError
from photodose.io.mcx_json import read_mcx_json
from photodose.transport.voxel_raster import rasterise

BENCH = Path(__file__).parents[2] / "benchmarks" / "mcx"


def test_cube60_reads_as_mcx_runs_it() -> None:
    simulation = read_mcx_json(BENCH / "cube60.json")
    assert simulation.photons == 1_000_000 and simulation.seed == 1648335518
    assert not simulation.reflect and not simulation.specular  # DoMismatch 0, DoSpecular off
    assert simulation.roulette is None  # MinEnergy 0: photons end at T1
    assert simulation.time_gates.end_s == 5e-9 and simulation.time_gates.count == 1
    assert simulation.source.position_mm == (29.0, 29.0, 0.0)  # OriginType 1: 0-based
    assert simulation.volume.n_outside == 1.0
    assert np.all(rasterise(simulation.volume) == 1)
    assert read_mcx_json(BENCH / "cube60b.json").reflect


def test_skinvessel_geometry_is_rasterised_as_mcx_does() -> None:
    """ZLayers are 1-based inclusive voxel ranges; the vessel (R = 20 voxels about
    y = z = 100.5) holds, in each x slice, the voxel centres within 20 of its axis: the
    lattice points of a radius-20 disk, 1257 (Gauss's circle problem, N(20) = 1257)."""
    simulation = read_mcx_json(BENCH / "skinvessel.json")
    labels = rasterise(simulation.volume)
    counts = np.bincount(labels.ravel(), minlength=5)
    assert counts.tolist() == [0, 20 * 200 * 200, 200 * 1257, 6_468_600, 12 * 200 * 200]
    assert simulation.volume.voxel_mm == 0.005
    assert simulation.source.kind == "disk" and simulation.source.radius_mm == pytest.approx(0.3)
    assert simulation.source.position_mm == pytest.approx((0.5, 0.5, 0.1))
    assert simulation.volume.medium(2).name == "blood"
    assert simulation.volume.n_outside == 1.37


def test_one_based_positions_and_volume_files(tmp_path: Path) -> None:
    """Without OriginType 1, MCX subtracts 1 from the source position; a .bin volume is
    bytes with x varying fastest."""
    labels = np.zeros((4, 3, 2), dtype=np.uint8)
    labels[1:, :, :] = 1
    labels[3, 2, 1] = 2
    labels.ravel(order="F").tofile(tmp_path / "vol.bin")
    document = {
        "Session": {"Photons": 100, "RNGSeed": 7, "MinEnergy": 1e-4},
        "Domain": {"Dim": [4, 3, 2], "VolumeFile": "vol.bin", "LengthUnit": 0.5,
                   "Media": [{"mua": 0, "mus": 0, "g": 1, "n": 1},
                             {"mua": 0.1, "mus": 10, "g": 0.9, "n": 1.4},
                             {"mua": 1, "mus": 10, "g": 0.9, "n": 1.4}]},
        "Optode": {"Source": {"Type": "gaussian", "Pos": [2, 2, 1], "Param1": [2]}},
    }  # fmt: skip
    (tmp_path / "in.json").write_text(json.dumps(document))
    simulation = read_mcx_json(tmp_path / "in.json")
    np.testing.assert_array_equal(rasterise(simulation.volume), labels)
    assert simulation.source.position_mm == (0.5, 0.5, 0.0)
    assert simulation.source.radius_mm == 1.0
    assert simulation.roulette.weight_threshold == 1e-4
    assert simulation.time_gates.end_s == 5e-9  # MCX's default window
    assert simulation.reflect and not simulation.specular  # MCX's defaults


def test_unsupported_mcx_features_are_refused_by_name(tmp_path: Path) -> None:
    document = json.loads((BENCH / "cube60.json").read_text())
    document["Optode"]["Source"]["Type"] = "fourier"
    (tmp_path / "a.json").write_text(json.dumps(document))
    with pytest.raises(BadInputError, match="Optode.Source.Type"):
        read_mcx_json(tmp_path / "a.json")
    document = json.loads((BENCH / "cube60.json").read_text())
    document["Shapes"].append({"UpperSpace": {"Coef": [1, -1, 0, 0], "Tag": 2}})
    (tmp_path / "b.json").write_text(json.dumps(document))
    with pytest.raises(BadInputError, match="Shapes.1.UpperSpace"):
        read_mcx_json(tmp_path / "b.json")
