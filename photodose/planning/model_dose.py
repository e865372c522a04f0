"""What a plan keeps of the nerve dose in the site's 3-D model (computed by
photodose.planning.geometry): the specs the saved plan holds. Apart from the computation
so that loading or planning in layers never imports the voxel engine (numba)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from photodose.specs import Spec

ProgressCallback = Callable[[int, int], None]
THREE_D_NOTE = (
    "3-D model: the nerve dose beside the layered estimate comes from a voxel Monte Carlo "
    "run in the site's 3-D model (nerve and vessels as cylinders) at 1 W, scaled to the "
    "plan's power and time; the search for power and time, the heat model and the 90 % "
    "interval stay on the layered model"
)


class Outline(Spec):
    """A structure's circle in the slice: centre (x across, z depth) and radius, mm."""

    name: str
    kind: Literal["nerve", "vessel"]
    x_mm: float
    z_mm: float
    radius_mm: float


class ModelSlice(Spec):
    """Fluence (J/cm^2 at the plan's power and time) in the x-z plane through the spot."""

    x_mm: tuple[float, ...]
    z_mm: tuple[float, ...]
    fluence_J_per_cm2: tuple[tuple[float, ...], ...]
    """[x][z]"""
    y_band_mm: float
    outlines: tuple[Outline, ...]


class ModelDose(Spec):
    """The nerve dose per spot in the site's 3-D model, at the plan's power and time."""

    geometry: str
    """The model in words (what the dose was computed in)."""
    source: str
    """The light source in words."""
    wavelengths_nm: tuple[float, ...]
    photons: int
    seed: int
    voxel_mm: float
    nerve_voxels: int
    nerve_length_mm: float
    """Length of each nerve the dose is taken over (NERVE_BAND_MM through a probe's spot,
    or the whole block under a pad)."""
    mean_J_per_cm2: float
    mean_se_J_per_cm2: float
    mean_fluence_rate_mW_per_cm2: float
    minimum_J_per_cm2: float
    p5_J_per_cm2: float
    cell_mm: float
    cell_median_relative_se: float
    """Estimated relative error of one cell (minimum and 5th percentile are biased low by
    about this much)."""
    layered_J_per_cm2: float
    """The layered model's nerve fluence at the same setting (the plan's estimate)."""
    lost_fraction: float
    """Light that left the block through its sides or bottom (not counted at the nerve)."""
    slice: ModelSlice
