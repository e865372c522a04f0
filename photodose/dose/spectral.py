"""Spectrum-weighted and cytochrome-c-oxidase-weighted doses.

An LED emits over 30-60 nm and tissue optics change across that band, so the fluence
per watt is the emission-weighted sum of transport results at sampled wavelengths:
Phi = sum_i w_i Phi(lambda_i), with weights w_i summing to 1 (e.g. from
photodose.optics EmissionSpectrum.sample). Every per-watt quantity of a transport result
is linear in the power at each wavelength, so the whole result is combined that way.

Standard errors are combined as sum_i w_i se_i, an upper bound for any correlation
between the runs (runs with the same seed are strongly correlated, so adding in
quadrature would understate the error).

The CCO-weighted dose additionally weights each wavelength by a cytochrome c oxidase
spectrum normalised to 1 at its maximum: Phi_CCO = sum_i w_i a(lambda_i) Phi(lambda_i),
so it is the fluence of an equally effective light at the spectrum's maximum. The shipped
spectrum (data/cco_action_spectrum.csv, built by tools/build_cco_spectrum.py) is the
oxidised-minus-reduced ABSORPTION spectrum of CCO (aa3) used in NIRS (Homer toolbox
table; of the type of Wray et al. 1988, Biochim Biophys Acta 933:184), 650-950 nm, NOT
Karu's action spectrum of a cellular response: no numeric action spectrum was available,
only Karu's peak positions (about 620, 680, 760, 825 nm; Karu & Kolyakov 2005, Photomed
Laser Surg 23:355; unverified), which the data file lists as annotations only. Using the
absorption shape as the weight is an assumption; see docs/dose.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from photodose.dose.result_metadata import beam_of, wavelength_of
from photodose.errors import BadInputError
from photodose.specs import result as schema

WAVELENGTH_DIM = schema.WAVELENGTH
CCO_DATA_FILE = "cco_action_spectrum.csv"
# Emission weights must sum to 1 within this (they come from sampled, renormalised spectra).
WEIGHT_SUM_TOLERANCE = 1.0e-6
# Wavelengths given by the caller match a result's recorded wavelength within this.
WAVELENGTH_MATCH_NM = 0.01
# Default share of the emission allowed to fall outside the CCO table (it counts as 0).
MAX_UNCOVERED_WEIGHT = 0.05


@lru_cache(maxsize=1)
def cco_spectrum() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Wavelengths (nm) and relative CCO weights (1 at the maximum) of the shipped table."""
    text = resources.files("photodose.dose").joinpath("data", CCO_DATA_FILE).read_text("utf-8")
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    table = np.array([[float(v) for v in row.split(",")] for row in rows[1:]])
    return table[:, 0], table[:, 1]


def cco_weight(wavelengths_nm: ArrayLike) -> NDArray[np.float64]:
    """Relative CCO weight at each wavelength (linear interpolation; 1 at the maximum)."""
    grid, weight = cco_spectrum()
    wavelengths = np.atleast_1d(np.asarray(wavelengths_nm, dtype=float))
    outside = (wavelengths < grid[0]) | (wavelengths > grid[-1]) | ~np.isfinite(wavelengths)
    if outside.any():
        raise BadInputError(
            "wavelengths_nm",
            wavelengths[outside].tolist(),
            f"the CCO spectrum covers {grid[0]:g}-{grid[-1]:g} nm only",
        )
    return np.interp(wavelengths, grid, weight)


def _stack_datasets(datasets: list[xr.Dataset], wavelengths_nm: ArrayLike | None) -> xr.Dataset:
    """Concatenate single-wavelength results along wavelength_nm, after checking that they
    share one grid, one layer list and one beam."""
    if not datasets:
        raise BadInputError("results", [], "give at least one transport result")
    recorded = [wavelength_of(ds) for ds in datasets]
    if any(w is None for w in recorded):
        if wavelengths_nm is None:
            missing = [i for i, w in enumerate(recorded) if w is None]
            raise BadInputError(
                "wavelengths_nm",
                None,
                f"results {missing} record no wavelength_nm (set Simulation.wavelength_nm) and "
                "no wavelengths_nm were given",
            )
        recorded = list(np.atleast_1d(np.asarray(wavelengths_nm, dtype=float)))
        if len(recorded) != len(datasets):
            raise BadInputError(
                "wavelengths_nm",
                f"{len(recorded)} values",
                f"need one per result ({len(datasets)} results)",
            )
    beams = {b.model_dump_json() for b in map(beam_of, datasets) if b is not None}
    if len(beams) > 1:
        raise BadInputError(
            "results", "several beams", "results were computed with different beams; use one beam"
        )
    for i, ds in enumerate(datasets[1:], start=1):
        for coord in ("r_mm", "z_mm", "layer_name"):
            if coord in datasets[0].coords and not np.array_equal(
                ds[coord].values, datasets[0][coord].values
            ):
                raise BadInputError(
                    "results", f"result {i}", f"has a different {coord} from result 0"
                )
    stack = xr.concat(
        [ds.drop_vars(WAVELENGTH_DIM, errors="ignore") for ds in datasets],
        dim=xr.Variable(WAVELENGTH_DIM, np.asarray(recorded, dtype=float)),
        combine_attrs="drop",
    )
    if beams:
        stack.attrs["beam"] = beams.pop()
    return stack


def _as_stack(
    results: xr.Dataset | Sequence[xr.Dataset], wavelengths_nm: ArrayLike | None
) -> xr.Dataset:
    """One Dataset with a wavelength_nm dimension, checked against `wavelengths_nm`."""
    if isinstance(results, xr.Dataset) and WAVELENGTH_DIM in results.dims:
        stack = results
    elif isinstance(results, xr.Dataset):
        stack = _stack_datasets([results], wavelengths_nm)
    else:
        stack = _stack_datasets(list(results), wavelengths_nm)
    if wavelengths_nm is not None:
        given = np.atleast_1d(np.asarray(wavelengths_nm, dtype=float))
        have = stack[WAVELENGTH_DIM].values
        if given.shape != have.shape or np.any(np.abs(given - have) > WAVELENGTH_MATCH_NM):
            raise BadInputError(
                "wavelengths_nm",
                given.tolist(),
                f"do not match the results' wavelengths {have.tolist()}",
            )
    return stack


def _weighted_sum(stack: xr.Dataset, weights: NDArray[np.float64]) -> xr.Dataset:
    w = xr.DataArray(weights, dims=WAVELENGTH_DIM)
    combined = xr.Dataset(coords={k: v for k, v in stack.coords.items() if k != WAVELENGTH_DIM})
    for name, variable in stack.data_vars.items():
        if WAVELENGTH_DIM not in variable.dims:
            combined[name] = variable
            continue
        combined[name] = (variable * w).sum(WAVELENGTH_DIM)
        combined[name].attrs = variable.attrs
    combined.attrs = {
        "wavelengths_nm": stack[WAVELENGTH_DIM].values.tolist(),
        **({"beam": stack.attrs["beam"]} if "beam" in stack.attrs else {}),
    }
    return combined


def _check_weights(weights: ArrayLike, count: int, must_sum_to_one: bool) -> NDArray[np.float64]:
    w = np.atleast_1d(np.asarray(weights, dtype=float))
    if w.shape != (count,):
        raise BadInputError(
            "weights", w.tolist(), f"{w.size} values for {count} wavelengths; give one for each"
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0.0):
        raise BadInputError("weights", w.tolist(), "must be finite and >= 0")
    if must_sum_to_one and abs(w.sum() - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise BadInputError(
            "weights", f"summing to {w.sum():.9g}", "emission weights must sum to 1"
        )
    return w


def spectrally_weighted(
    results: xr.Dataset | Sequence[xr.Dataset],
    weights: ArrayLike,
    wavelengths_nm: ArrayLike | None = None,
) -> xr.Dataset:
    """The transport result of the whole emission spectrum, per watt of total power.

    `results`: one result per wavelength (each recording its wavelength_nm, or pass
    `wavelengths_nm` in the same order), or one Dataset with a wavelength_nm dimension.
    `weights`: the emission's power fractions at those wavelengths, summing to 1.
    """
    stack = _as_stack(results, wavelengths_nm)
    w = _check_weights(weights, stack.sizes[WAVELENGTH_DIM], must_sum_to_one=True)
    combined = _weighted_sum(stack, w)
    combined.attrs.update(weighting="emission", spectral_weights=w.tolist())
    return combined


def cco_weighted(
    results: xr.Dataset | Sequence[xr.Dataset],
    weights: ArrayLike,
    wavelengths_nm: ArrayLike | None = None,
    max_uncovered_weight: float = MAX_UNCOVERED_WEIGHT,
) -> xr.Dataset:
    """As `spectrally_weighted`, with each wavelength also weighted by the CCO spectrum:
    its fluence is the CCO-effective fluence per watt.

    Emission outside the CCO table (650-950 nm) counts as 0 and its share is recorded in
    attrs['cco_uncovered_weight']; above `max_uncovered_weight` a ValueError is raised,
    since the result would then say more about the table's range than about the light.
    """
    stack = _as_stack(results, wavelengths_nm)
    w = _check_weights(weights, stack.sizes[WAVELENGTH_DIM], must_sum_to_one=True)
    wavelengths = stack[WAVELENGTH_DIM].values
    grid, _ = cco_spectrum()
    covered = (wavelengths >= grid[0]) & (wavelengths <= grid[-1])
    uncovered = float(w[~covered].sum())
    if uncovered > max_uncovered_weight:
        raise BadInputError(
            "max_uncovered_weight",
            max_uncovered_weight,
            f"{uncovered:.1%} of the emission lies outside the CCO spectrum's "
            f"{grid[0]:g}-{grid[-1]:g} nm (wavelengths {wavelengths[~covered].tolist()})",
        )
    relative = np.zeros_like(w)
    relative[covered] = cco_weight(wavelengths[covered])
    combined = _weighted_sum(stack, w * relative)
    combined.attrs.update(
        weighting="emission x CCO absorption (relative, 1 at maximum); see cco_action_spectrum.csv",
        spectral_weights=w.tolist(),
        cco_relative_weights=relative.tolist(),
        cco_uncovered_weight=uncovered,
    )
    return combined
