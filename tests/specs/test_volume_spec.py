"""The Volume and VoxelSimulation specs: validated, frozen, saved and loaded unchanged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from photodose.specs import Layer, OpticalProperties, TissueStack
from photodose.specs.volume import Cylinder, Medium, Slab, Volume
from photodose.specs.voxel_simulation import Emitter, VoxelSimulation, VoxelSource
from photodose.transport.voxel_raster import rasterise

TISSUE = OpticalProperties(mua_per_mm=0.1, mus_per_mm=10.0, g=0.9, n=1.4)
MEDIA = (Medium(name="tissue", optics=TISSUE), Medium(name="nerve", optics=TISSUE))


def test_bad_volumes_name_the_field_and_the_range() -> None:
    with pytest.raises(ValidationError, match="dims"):
        Volume(media=MEDIA, voxel_mm=0.1, dims=(5000, 10, 10))
    with pytest.raises(ValidationError, match=r"shapes.0.label = 3: labels are 0 \(outside\) .. 2"):
        Volume(media=MEDIA, voxel_mm=0.1, dims=(4, 4, 4),
               shapes=(Slab(label=3, start_mm=0.0, end_mm=1.0),))  # fmt: skip
    with pytest.raises(ValidationError, match="end_mm"):
        Slab(label=1, start_mm=1.0, end_mm=1.0)
    with pytest.raises(ValidationError, match="end_mm"):
        Cylinder(label=1, start_mm=(1, 1, 1), end_mm=(1, 1, 1), radius_mm=1.0)
    with pytest.raises(ValidationError, match="voxel_mm"):
        Volume(media=MEDIA, voxel_mm=0.0, dims=(4, 4, 4))
    with pytest.raises(ValueError, match="n_below"):
        Volume.from_stack(TissueStack(layers=(Layer(name="a", thickness_mm=1, tissue=TISSUE),),
                                      n_below=1.4), voxel_mm=0.1, width_mm=2.0)  # fmt: skip


def test_bad_sources_and_runs_are_refused() -> None:
    with pytest.raises(ValidationError, match="radius_mm"):
        VoxelSource(kind="disk")
    with pytest.raises(ValidationError, match="emitters"):
        VoxelSource(kind="led_array")
    with pytest.raises(ValidationError, match="angular_profile"):
        VoxelSource(kind="led_array", emitters=(Emitter(position_mm=(0, 0, 0)),),
                    angular_profile=((10.0, 1.0), (5.0, 0.5)))  # fmt: skip
    volume = Volume(media=MEDIA, voxel_mm=0.5, dims=(4, 4, 4))
    with pytest.raises(ValidationError, match="time_gates"):
        VoxelSimulation(volume=volume, roulette=None)


def test_volumes_round_trip_through_files(tmp_path: Path) -> None:
    labels = np.zeros((3, 4, 5), dtype=np.uint8)
    labels[1, 2, 3] = 2
    labels[:, :, 4] = 1
    inline = Volume.from_array(labels, MEDIA, voxel_mm=0.2)
    np.testing.assert_array_equal(rasterise(inline), labels)
    simulation = VoxelSimulation(volume=inline, source=VoxelSource(kind="isotropic",
                                 position_mm=(0.3, 0.4, 0.5)))  # fmt: skip
    for name in ("sim.toml", "sim.json"):
        simulation.save(tmp_path / name)
        loaded = VoxelSimulation.load(tmp_path / name)
        assert loaded == simulation
        np.testing.assert_array_equal(rasterise(loaded.volume), labels)
    np.save(tmp_path / "labels.npy", labels)
    from_file = Volume(media=MEDIA, voxel_mm=0.2, dims=(3, 4, 5),
                       labels_file=str(tmp_path / "labels.npy"))  # fmt: skip
    np.testing.assert_array_equal(rasterise(from_file), labels)


def test_extruded_stack_has_one_slab_per_layer() -> None:
    stack = TissueStack(layers=(Layer(name="skin", thickness_mm=0.5, tissue=TISSUE),
                                Layer(name="fat", thickness_mm=1.0, tissue=TISSUE)))  # fmt: skip
    volume = Volume.from_stack(stack, voxel_mm=0.25, width_mm=2.0)
    labels = rasterise(volume)
    assert labels.shape == (8, 8, 6)
    assert [volume.medium(v).name for v in labels[0, 0]] == ["skin"] * 2 + ["fat"] * 4
    assert volume.label_of("fat") == 2
