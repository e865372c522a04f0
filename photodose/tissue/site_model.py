"""A site's 3-D model as data: how its layers are extruded to voxels, where its nerves
lie across the block, and the blood vessels beside them (photodose.tissue.site_volume
builds the volume). A site may carry one (`Site.model`); the planner and the protocol
check then compute the nerve dose in it (photodose.planning.geometry).

Geometry: x across the limb, y along the nerve (every cylinder runs along y), z depth
from the skin. Vessel positions are given relative to the site's nerve centre, so they
follow the nerve when a patient's measured depth or fat moves it.
"""

from __future__ import annotations

from pydantic import Field

from photodose.specs import Spec


class Vessel(Spec):
    """A blood vessel along the nerve: centre offset across (x, + posterior) and in depth
    (+ deeper) from the nerve's centre, mm."""

    name: str = Field(min_length=1, max_length=80)
    offset_mm: float = Field(ge=-100.0, le=100.0)
    depth_mm: float = Field(ge=-100.0, le=100.0, description="depth relative to the nerve centre")
    diameter_mm: float = Field(gt=0.0, le=30.0)
    oxygen_saturation: float = Field(ge=0.0, le=1.0)
    source: str = Field(min_length=1)


class SiteModel(Spec):
    """The site in 3-D: voxel size and block, nerve cylinders and vessels, and the voxel
    run's photons and seed (fixed, so a model gives the same dose on every machine)."""

    voxel_mm: float = Field(gt=0.0, le=2.0, description="voxel edge; at most the thinnest layer")
    width_mm: float = Field(gt=0.0, le=200.0, description="block across the nerve (x)")
    length_mm: float = Field(gt=0.0, le=200.0, description="block along the nerve (y)")
    below_nerve_mm: float = Field(
        default=4.0, ge=0.0, le=100.0,
        description="block depth below the nerve's lower edge (the site's deeper layers are "
        "cut there: light that deep adds little at the nerve)",
    )  # fmt: skip
    nerve_offsets_mm: tuple[float, ...] = Field(
        default=(0.0,), min_length=1, max_length=10,
        description="x offsets of the nerve cylinders from the block's centre line (several: "
        "parallel nerves, e.g. the plantar digital nerves in their web spaces)",
    )  # fmt: skip
    vessels: tuple[Vessel, ...] = ()
    photons: int = Field(
        default=80_000, ge=1000, le=10_000_000,
        description="photons of the voxel run, shared over the emission's wavelengths",
    )  # fmt: skip
    seed: int = Field(default=1, ge=0)
    cell_mm: float = Field(
        default=0.5, gt=0.0, le=5.0,
        description="cells of the nerve's cross-section for its minimum and 5th percentile",
    )  # fmt: skip
    sources: tuple[str, ...] = ()
