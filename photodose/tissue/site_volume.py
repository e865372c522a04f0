"""Treatment sites in 3-D: a site's layers extruded to a voxel volume, with its nerve (and,
at the medial ankle, the posterior tibial artery and veins) as cylinders, and an LED pad
as a grid of emitters over the skin.

Geometry: x across the limb, y along the nerve (every cylinder runs along y through the
whole block), z depth from the skin (0) down; the nerve's centre at x = width / 2 and at
the site's nerve depth. Light leaves the block through any face into the medium above the
skin (index `site.n_above`); the block is the site's full depth (the deepest layer is bone
as a model closure, where little light arrives) and `width_mm` wide, so the faces take
little light when the beam is well inside them (the result's `exit_by_face` says how much).
"""

from __future__ import annotations

import numpy as np

from photodose.devices.device import LedArray
from photodose.errors import BadInputError
from photodose.optics import optical_properties, tissue_preset
from photodose.optics.composition import TissueComposition
from photodose.specs.volume import Cylinder, Medium, Slab, Volume
from photodose.specs.voxel_simulation import Emitter, VoxelSource
from photodose.tissue.site import Site
from photodose.tissue.site_model import Vessel

NERVE_MEDIUM = "nerve"
NERVE_BEYOND_MEDIUM = "nerve beyond the spot"
"""The nerve outside the segment the dose is taken over (same optics as the nerve)."""


def whole_blood(oxygen_saturation: float) -> TissueComposition:
    """Whole blood as a tissue composition: B = 1 (its water is in the blood spectrum),
    reduced scattering 1.0/mm at 500 nm with Mie power 1 and g 0.90, as in Jacques'
    mcxyz tissue list (makeTissueList.m: blood musp500 10/cm, fRay 0, bMie 1, g 0.90);
    n 1.4 (ASSUMPTION: that of the soft tissue around it, so that the vessel wall adds no
    reflection the model cannot resolve)."""
    return TissueComposition(
        name=f"whole blood, SO2 {oxygen_saturation:.2f}",
        source="Jacques, mcxyz makeTissueList.m (blood scattering); Prahl (haemoglobin)",
        blood_fraction=1.0, oxygen_saturation=oxygen_saturation, water_fraction=0.0,
        fat_fraction=0.0, musp500_per_mm=1.0, f_rayleigh=0.0, b_mie=1.0, g=0.90, n=1.4,
    )  # fmt: skip


def site_volume(
    site: Site, wavelength_nm: float, voxel_mm: float = 0.25, width_mm: float = 20.0,
    length_mm: float = 20.0, vessels: tuple[Vessel, ...] = (), skin_type: int | None = None,
    depth_mm: float | None = None, nerve_offsets_mm: tuple[float, ...] = (0.0,),
    segment_mm: tuple[float, float] | None = None,
) -> Volume:  # fmt: skip
    """The site at one wavelength as a labelled volume, with its nerve (medium "nerve")
    and `vessels` as cylinders along y. Depths are relative to the nerve's centre for
    vessels (`depth_mm` = 0: the nerve's depth). `depth_mm`: the block's depth (default
    the whole site); `nerve_offsets_mm`: x offsets of parallel nerve cylinders from the
    centre line; `segment_mm` (y from, to): only that part of each nerve is the medium
    "nerve", the rest is "nerve beyond the spot" (same optics)."""
    stack = site.stack(wavelength_nm, skin_type)
    bounds = stack.boundaries_mm
    block_depth = site.thickness_mm if depth_mm is None else min(depth_mm, site.thickness_mm)
    nz = round(block_depth / voxel_mm)
    centres = np.arange(nz) * voxel_mm + voxel_mm / 2
    for layer, top, bottom in zip(stack.layers, bounds, bounds[1:], strict=False):
        if top >= nz * voxel_mm:
            break  # below the block
        # a layer holding no voxel centre would vanish from the model without a word
        if not np.any((centres >= top) & (centres < bottom)):
            raise BadInputError(
                "voxel_mm", voxel_mm, f"at most the thinnest layer's thickness "
                f"({layer.name}: {bottom - top:g} mm), or that layer is lost",
            )  # fmt: skip
    media = [Medium(name=layer.name, optics=layer.tissue) for layer in stack.layers]
    shapes: list = [Slab(label=i + 1, start_mm=bounds[i], end_mm=bounds[i + 1])
                    for i in range(len(stack.layers))]  # fmt: skip
    centre_x = width_mm / 2.0
    depth = site.nerve.depth_mm
    for vessel in vessels:
        media.append(Medium(name=vessel.name,
                            optics=optical_properties(whole_blood(vessel.oxygen_saturation),
                                                      wavelength_nm)))  # fmt: skip
        shapes.append(_along_y(len(media), centre_x + vessel.offset_mm,
                               depth + vessel.depth_mm, vessel.diameter_mm,
                               (0.0, length_mm)))  # fmt: skip
    nerve = optical_properties(tissue_preset("nerve"), wavelength_nm)
    if segment_mm is not None:
        media.append(Medium(name=NERVE_BEYOND_MEDIUM, optics=nerve))
        for offset in nerve_offsets_mm:
            shapes.append(_along_y(len(media), centre_x + offset, depth,
                                   site.nerve.diameter_mm, (0.0, length_mm)))  # fmt: skip
    media.append(Medium(name=NERVE_MEDIUM, optics=nerve))
    for offset in nerve_offsets_mm:
        shapes.append(_along_y(len(media), centre_x + offset, depth, site.nerve.diameter_mm,
                               segment_mm or (0.0, length_mm)))  # fmt: skip
    dims = (round(width_mm / voxel_mm), round(length_mm / voxel_mm), nz)
    return Volume(media=tuple(media), voxel_mm=voxel_mm, dims=dims, n_outside=site.n_above,
                  fill_label=0, shapes=tuple(shapes))  # fmt: skip


def model_volume(
    site: Site, wavelength_nm: float, skin_type: int | None = None, vessels: bool = True,
    segment_mm: tuple[float, float] | None = None,
) -> Volume:  # fmt: skip
    """The volume of the site's own 3-D model (`site.model`), cut `below_nerve_mm` under
    the nerve's lower edge; `vessels=False` leaves the vessels out (for comparisons)."""
    site.check_model_fits()
    model = site.model
    assert model is not None  # checked above
    depth = site.nerve.depth_mm + site.nerve.radius_mm + model.below_nerve_mm
    return site_volume(
        site, wavelength_nm, voxel_mm=model.voxel_mm, width_mm=model.width_mm,
        length_mm=model.length_mm, vessels=model.vessels if vessels else (),
        skin_type=skin_type, depth_mm=depth, nerve_offsets_mm=model.nerve_offsets_mm,
        segment_mm=segment_mm,
    )  # fmt: skip


def _along_y(label: int, x_mm: float, z_mm: float, diameter_mm: float,
             y_mm: tuple[float, float]) -> Cylinder:  # fmt: skip
    return Cylinder(label=label, start_mm=(x_mm, y_mm[0], z_mm), end_mm=(x_mm, y_mm[1], z_mm),
                    radius_mm=diameter_mm / 2.0)  # fmt: skip


def pad_source(
    pad: LedArray, centre_mm: tuple[float, float], step_deg: float = 2.0
) -> VoxelSource:
    """An LED pad as an emitter grid: each LED at its position over `centre_mm` (x, y on
    the skin), `standoff_mm` above it, facing it, with the pad's cos^m emission
    (m = its Lambertian order) as a tabulated angular profile; every LED has the same power,
    so results per watt are per watt of the whole pad."""
    xs, ys = pad.emitter_positions_mm()
    emitters = tuple(
        Emitter(position_mm=(centre_mm[0] + x, centre_mm[1] + y, -pad.standoff_mm),
                power_W=pad.element_power_W)
        for x, y in zip(xs, ys, strict=True)
    )  # fmt: skip
    angles = np.arange(0.0, 90.0 + step_deg / 2, step_deg)
    intensity = np.cos(np.radians(angles)) ** pad.order_m
    profile = tuple((float(a), float(max(i, 0.0))) for a, i in zip(angles, intensity, strict=True))
    return VoxelSource(kind="led_array", emitters=emitters, angular_profile=profile)
