"""The fluence-rate field of a transport result on its (r, z) grid, without the overflow bins.

A transport result (photodose.transport.simulate) tallies `fluence_rate_rz_per_mm2`
(W/mm^2 per W delivered) on bins centred at r_mm, z_mm; as in MCML the last r bin and
the last z bin also collect everything beyond the grid, so they are not fluence at their
centres and are left out here. Bilinear interpolation between bin centres gives values
in between. Inside the first half bin (r < dr/2 or z < dz/2) the value of the first
centre is used: the field is symmetric about the axis (zero radial slope at r = 0), and
the half bin under the surface is the shallowest place the tally resolves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from photodose.errors import BadInputError
from photodose.specs import Grid
from photodose.specs import result as schema

FLUENCE_RATE = schema.FLUENCE_RATE_RZ


@dataclass(frozen=True)
class RZField:
    """Bin centres and values, overflow bins removed. Values are W/mm^2 per W."""

    r_mm: NDArray[np.float64]
    z_mm: NDArray[np.float64]
    values: NDArray[np.float64]
    standard_error: NDArray[np.float64] | None
    dr_mm: float
    dz_mm: float

    @classmethod
    def from_dataset(cls, dataset: xr.Dataset, variable: str = FLUENCE_RATE) -> RZField:
        if variable not in dataset:
            raise BadInputError(
                "dataset",
                f"no variable {variable!r}",
                "pass a transport result from photodose.simulate (or one loaded with "
                "photodose.io.result_file.load_result)",
            )
        if set(dataset[variable].dims) != {"r_mm", "z_mm"}:
            raise BadInputError(
                variable,
                f"dimensions {dataset[variable].dims}",
                "expected (r_mm, z_mm); combine wavelengths first with "
                "photodose.dose.spectrally_weighted",
            )
        data = dataset[variable].transpose("r_mm", "z_mm")
        r = np.asarray(dataset["r_mm"].values, dtype=float)
        z = np.asarray(dataset["z_mm"].values, dtype=float)
        if r.size < 3 or z.size < 3:
            raise BadInputError(
                "dataset",
                f"an (r, z) grid of {r.size} x {z.size} bins",
                "at least 3 x 3 are needed (the last bin in each direction is overflow)",
            )
        se_name = f"{variable}_se"
        se = None
        if se_name in dataset:
            se_values = dataset[se_name].transpose("r_mm", "z_mm").values
            se = np.asarray(se_values, dtype=float)[:-1, :-1]
        return cls(
            r_mm=r[:-1],
            z_mm=z[:-1],
            values=np.asarray(data.values, dtype=float)[:-1, :-1],
            standard_error=se,
            dr_mm=float(r[1] - r[0]),
            dz_mm=float(z[1] - z[0]),
        )

    @classmethod
    def from_grid(cls, grid: Grid, values: NDArray[np.float64]) -> RZField:
        """The field of bare values (r_mm, z_mm) on `grid`'s bins (the fast path's
        photodose.transport.diffusion_layered.diffuse_fluence_rate), as `from_dataset`."""
        r, z = grid.r_centres_mm, grid.z_centres_mm
        if values.shape != (r.size, z.size) or r.size < 3 or z.size < 3:
            raise BadInputError(
                "values", f"shape {values.shape}",
                f"({r.size}, {z.size}) bins of the grid, at least 3 x 3",
            )  # fmt: skip
        return cls(r_mm=r[:-1], z_mm=z[:-1], values=np.asarray(values, dtype=float)[:-1, :-1],
                   standard_error=None, dr_mm=float(r[1] - r[0]),
                   dz_mm=float(z[1] - z[0]))  # fmt: skip

    @property
    def max_r_mm(self) -> float:
        """Largest radius where values are interpolated (centre of the last usable bin)."""
        return float(self.r_mm[-1])

    @property
    def max_z_mm(self) -> float:
        """Largest depth where values are interpolated (centre of the last usable bin)."""
        return float(self.z_mm[-1])

    def interpolate(
        self, r_mm: NDArray[np.float64], z_mm: NDArray[np.float64], standard_error: bool = False
    ) -> NDArray[np.float64]:
        """Bilinear values at points (r, z) (the two arrays broadcast together); the caller
        keeps the points inside the grid."""
        table = self.standard_error if standard_error else self.values
        if table is None:
            raise ValueError("the dataset carries no standard error for the fluence rate")
        r = np.clip(r_mm, self.r_mm[0], self.r_mm[-1])
        z = np.clip(z_mm, self.z_mm[0], self.z_mm[-1])
        i, i1, u = _cell(self.r_mm, r)
        j, j1, v = _cell(self.z_mm, z)
        return ((1.0 - u) * ((1.0 - v) * table[i, j] + v * table[i, j1])
                + u * ((1.0 - v) * table[i1, j] + v * table[i1, j1]))  # fmt: skip


def _cell(axis: NDArray[np.float64], at: NDArray[np.float64]) -> tuple[np.ndarray, ...]:
    """For each point: the indices of the two bin centres of the increasing `axis` around
    it and its fractional position between them (0 at the first); one bin: that bin."""
    if len(axis) == 1:
        zero = np.zeros(np.shape(at), dtype=int)
        return zero, zero, np.zeros(np.shape(at))
    steps = np.diff(axis)
    if np.all(np.abs(steps - steps[0]) <= 1e-9 * steps[0]):  # bin centres: evenly spaced
        index = np.clip(((at - axis[0]) / steps[0]).astype(int), 0, len(axis) - 2)
    else:
        index = np.clip(np.searchsorted(axis, at, side="right") - 1, 0, len(axis) - 2)
    return index, index + 1, (at - axis[index]) / (axis[index + 1] - axis[index])
