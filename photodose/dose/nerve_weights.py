"""The nerve dose as a linear function of a pencil-beam run's collision tally.

`cross_section_fluence_rate` of a convolved pencil-beam result is linear in the raw
fluence tally f_rz: fluence rate = f / (photons x ring volume), convolved along r by the
beam's transfer matrix (transport/convolution.py), interpolated bilinearly at the
cross-section's cells (rz_field.py) and averaged. `nerve_weight_map` folds those steps
into one map M, so the nerve's mean fluence rate per watt = sum M f_rz / photons, and a
Monte Carlo kernel can score each photon's share of it directly.
"""

from __future__ import annotations

import numpy as np

from photodose.dose.nerve import CROSS_SECTION_RINGS, CROSS_SECTION_SPOKES, _disc_points
from photodose.specs import Beam, Grid
from photodose.transport.convolution import radial_transfer_matrix


def _linear_weights(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(points, centres) weights of linear interpolation, clamped to the end centres."""
    p = np.clip(points, centres[0], centres[-1])
    upper = np.clip(np.searchsorted(centres, p, side="right"), 1, centres.size - 1)
    lower = upper - 1
    t = (p - centres[lower]) / (centres[upper] - centres[lower])
    weights = np.zeros((p.size, centres.size))
    rows = np.arange(p.size)
    np.add.at(weights, (rows, lower), 1.0 - t)
    np.add.at(weights, (rows, upper), t)
    return weights


def nerve_weight_map(grid: Grid, beam: Beam, depth_mm: float, diameter_mm: float,
                     offset_mm: float = 0.0) -> np.ndarray:  # fmt: skip
    """M (nr, nz): the nerve's cross-section mean fluence rate per watt, for `beam`
    convolved over a pencil run on `grid`, is sum M * f_rz / photons."""
    x, z = _disc_points(offset_mm, depth_mm, diameter_mm / 2.0,
                        CROSS_SECTION_RINGS, CROSS_SECTION_SPOKES)  # fmt: skip
    r_centres = (np.arange(grid.nr - 1) + 0.5) * grid.dr_mm  # overflow bins left out
    z_centres = (np.arange(grid.nz - 1) + 0.5) * grid.dz_mm
    wr = _linear_weights(np.abs(x), r_centres)
    wz = _linear_weights(z, z_centres)
    field_weights = np.zeros((grid.nr, grid.nz))
    field_weights[:-1, :-1] = wr.T @ wz / x.size
    transfer = (np.eye(grid.nr) if beam.profile == "pencil"
                else radial_transfer_matrix(beam, grid.dr_mm, grid.nr))  # fmt: skip
    return (transfer.T @ field_weights) / grid.ring_volumes_mm3[:, None]
