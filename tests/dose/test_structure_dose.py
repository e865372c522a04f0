"""Dose in a labelled structure of a voxel result: mean (with its batch error), minimum and
5th percentile over the structure's voxels, and their scaling to a device and a time."""

from __future__ import annotations

import numpy as np
import pytest

from photodose.dose.structure import structure_dose
from photodose.errors import BadInputError
from photodose.specs import OpticalProperties
from photodose.specs.volume import Cylinder, Medium, Volume
from photodose.specs.voxel_simulation import VoxelSimulation, VoxelSource
from photodose.transport.voxel import simulate_voxel

SKIN = OpticalProperties(mua_per_mm=0.05, mus_per_mm=15.0, g=0.9, n=1.4)
NERVE = OpticalProperties(mua_per_mm=0.03, mus_per_mm=20.0, g=0.9, n=1.4)


@pytest.fixture(scope="module")
def result():
    volume = Volume(
        media=(Medium(name="tissue", optics=SKIN), Medium(name="nerve", optics=NERVE),
               Medium(name="unused", optics=SKIN)),
        voxel_mm=0.25, dims=(16, 16, 16),
        shapes=(Cylinder(label=2, start_mm=(0.0, 2.0, 1.5), end_mm=(4.0, 2.0, 1.5),
                         radius_mm=0.5),),
    )  # fmt: skip
    simulation = VoxelSimulation(
        volume=volume, source=VoxelSource(kind="disk", position_mm=(2.0, 2.0, 0.0), radius_mm=1.0),
        photons=3000, batches=10,
    )  # fmt: skip
    return simulate_voxel(simulation, workers=2)


def test_structure_statistics_are_over_its_voxels(result) -> None:
    dose = structure_dose(result, "nerve")
    inside = result.labels.values == 2
    field = result.fluence_rate_per_mm2.values[inside]
    assert dose.voxels == int(inside.sum()) > 0
    assert dose.volume_mm3 == pytest.approx(dose.voxels * 0.25**3)
    # the tallied mean (which carries the batch error) is the mean of the voxels' field
    assert dose.mean_per_mm2 == pytest.approx(field.mean(), rel=1e-9)
    assert dose.minimum_per_mm2 == field.min()
    assert dose.p5_per_mm2 == pytest.approx(np.percentile(field, 5.0))
    assert dose.minimum_per_mm2 <= dose.p5_per_mm2 <= dose.mean_per_mm2
    assert 0.0 < dose.mean_se_per_mm2 < 0.2 * dose.mean_per_mm2
    # deeper than the skin above it, the nerve gets less light than the tissue's mean
    # within the beam's footprint near the surface
    surface = result.fluence_rate_per_mm2.values[4:12, 4:12, 0].mean()
    assert dose.mean_per_mm2 < surface


def test_dose_scales_to_power_and_time(result) -> None:
    dose = structure_dose(result, "nerve")
    scaled = dose.at(power_W=0.2, exposure_s=30.0)
    # W/mm^2 per W x 0.2 W x 100 mm^2/cm^2 = W/cm^2; x 30 s = J/cm^2
    assert scaled["mean_fluence_J_per_cm2"] == pytest.approx(dose.mean_per_mm2 * 0.2 * 100 * 30)
    assert scaled["p5_fluence_rate_mW_per_cm2"] == pytest.approx(dose.p5_per_mm2 * 0.2 * 1e5)


def test_unknown_or_empty_structures_are_named(result) -> None:
    with pytest.raises(BadInputError, match="structure = vein"):
        structure_dose(result, "vein")
    with pytest.raises(BadInputError, match="at least one voxel"):
        structure_dose(result, "unused")
