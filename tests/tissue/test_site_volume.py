"""Sites in 3-D: the medial ankle with its nerve, artery and veins as cylinders, and the
plantar forefoot under an LED pad as a grid of emitters."""

from __future__ import annotations

import numpy as np
import pytest

import photodose as pd
from photodose.errors import BadInputError
from photodose.tissue.site_volume import (
    NERVE_MEDIUM,
    pad_source,
    site_volume,
)
from photodose.transport.voxel_raster import rasterise


def test_medial_ankle_volume_holds_nerve_and_vessels_where_the_site_says() -> None:
    site = pd.load_site("medial-ankle-tibial")
    volume = site_volume(site, 850.0, voxel_mm=0.1, width_mm=16.0, length_mm=2.0,
                         vessels=site.model.vessels)  # fmt: skip
    labels = rasterise(volume)
    nerve = volume.label_of(NERVE_MEDIUM)
    x, _, z = np.nonzero(labels == nerve)
    centre = np.array([x.mean(), z.mean()]) * 0.1 + 0.05
    assert centre == pytest.approx((8.0, site.nerve.depth_mm), abs=0.05)
    area_mm2 = (labels[:, 0, :] == nerve).sum() * 0.01
    assert area_mm2 == pytest.approx(np.pi * (site.nerve.diameter_mm / 2) ** 2, rel=0.03)
    artery = volume.label_of("posterior tibial artery")
    # blood absorbs far more than the fat around it at 850 nm
    fat = volume.medium(volume.label_of("tarsal tunnel compartment")).optics
    assert volume.medium(artery).optics.mua_per_mm > 50 * fat.mua_per_mm
    assert (labels == artery).any()
    with pytest.raises(BadInputError, match="voxel_mm"):
        site_volume(site, 850.0, voxel_mm=0.25)  # the 0.1 mm epidermis would vanish


def test_led_pad_over_the_forefoot_is_an_emitter_grid() -> None:
    pad = pd.load_device("890nm-led-pad").led_array
    source = pad_source(pad, centre_mm=(60.0, 40.0))
    assert len(source.emitters) == pad.element_count
    assert source.total_power_W == pytest.approx(pad.element_count * pad.element_power_W)
    positions = np.array([e.position_mm for e in source.emitters])
    assert positions[:, :2].mean(axis=0) == pytest.approx((60.0, 40.0))
    assert np.all(positions[:, 2] == -pad.standoff_mm)
    # cos^m emission: intensity halves at the pad's half angle
    angles, intensity = np.array(source.angular_profile).T
    assert np.interp(pad.half_angle_deg, angles, intensity) == pytest.approx(0.5, abs=0.01)


def test_nerve_dose_in_3d_with_the_vessels() -> None:
    """A 4 mm beam beside the nerve, over the veins: the nerve beside them gets a dose with a
    usable error, and blood absorbs far more power per volume than the compartment's fat
    around it (its mua is ~150 x larger at 850 nm)."""
    site = pd.load_site("medial-ankle-tibial")
    volume = site_volume(site, 850.0, voxel_mm=0.1, width_mm=18.0, length_mm=12.0,
                         vessels=site.model.vessels)  # fmt: skip
    source = pd.VoxelSource(kind="disk", position_mm=(7.0, 6.0, 0.0), radius_mm=2.0)
    result = pd.simulate_voxel(
        pd.VoxelSimulation(volume=volume, source=source, photons=1000, batches=10), workers=2
    )
    dose = pd.structure_dose(result, NERVE_MEDIUM)
    assert dose.mean_per_mm2 > 0.0
    assert dose.mean_se_per_mm2 < 0.3 * dose.mean_per_mm2
    density = result.absorbed_fraction_by_medium / result.voxels_by_medium.clip(min=1)
    artery = volume.label_of("posterior tibial artery") - 1
    fat = volume.label_of("tarsal tunnel compartment") - 1
    assert float(density[artery]) > 10.0 * float(density[fat])
