"""Absorption spectra of the tissue chromophores, as functions of wavelength (nm -> 1/mm).

Tabulated spectra (whole blood, water, fat) come from the CSV files in `data/`, built by
tools/build_optics_data.py on a 1 nm grid from 450 to 1100 nm; between grid points they
are interpolated with PCHIP (monotone cubic: it adds no overshoot, so a spectrum is
monotone wherever its tabulated points are). Melanin and the baseline absorption of
bloodless skin are published closed-form fits, evaluated directly.

Outside 450-1100 nm every function raises ValueError naming the wavelength and the
range: the data, and the fits' validation, do not extend further.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike, NDArray

from photodose.errors import BadInputError
from photodose.optics.pchip import Pchip

WAVELENGTH_MIN_NM = 450.0
WAVELENGTH_MAX_NM = 1100.0

# Jacques 2013, Phys Med Biol 58:R37, Eq. 8: interior of a typical cutaneous melanosome,
# mua = 519 1/cm (lambda / 500 nm)^-m. 519 1/cm at 500 nm was fixed by laser-ablation
# threshold experiments; Jacques gives m ~ 3 as the approximate power ("an approximate
# value for m is 3"; reports vary). Verified in the paper's text, section 5.3.
MELANOSOME_MUA_500_PER_MM = 51.9
MELANOSOME_POWER = 3.0

# Baseline absorption of bloodless skin (everything but blood and melanin), Jacques 1998,
# 'Skin optics', Oregon Medical Laser Center News (omlc.org/news/jan98/skinoptics.html):
# mua = 0.244 + 85.3 exp(-(lambda - 154)/66.2) 1/cm, lambda in nm.
SKIN_BASELINE_CONSTANT_PER_MM = 0.0244
SKIN_BASELINE_AMPLITUDE_PER_MM = 8.53
SKIN_BASELINE_OFFSET_NM = 154.0
SKIN_BASELINE_DECAY_NM = 66.2


def check_wavelength(wavelength_nm: ArrayLike) -> NDArray[np.float64]:
    """The wavelengths as a float array; ValueError if any lies outside 450-1100 nm."""
    wavelengths = np.asarray(wavelength_nm, dtype=float)
    outside = ~((wavelengths >= WAVELENGTH_MIN_NM) & (wavelengths <= WAVELENGTH_MAX_NM))
    if np.any(outside):
        bad = wavelengths[outside].ravel()[0]
        raise BadInputError(
            "wavelength_nm",
            f"{bad:g}",
            f"outside the tabulated range {WAVELENGTH_MIN_NM:g}-{WAVELENGTH_MAX_NM:g} nm "
            "of the chromophore spectra",
        )
    return wavelengths


@cache
def _table(name: str) -> tuple[NDArray[np.float64], dict[str, NDArray[np.float64]]]:
    text = resources.files("photodose.optics").joinpath("data", name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    columns = lines[0].split(",")
    values = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
    return values[:, 0], {col: values[:, i] for i, col in enumerate(columns) if i > 0}


@cache
def _interpolator(name: str, column: str) -> Pchip:
    wavelengths, columns = _table(name)
    return Pchip.through(wavelengths, columns[column])


def _tabulated(name: str, column: str, wavelength_nm: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(_interpolator(name, column)(check_wavelength(wavelength_nm)))


def oxy_blood_mua_per_mm(wavelength_nm: ArrayLike) -> NDArray[np.float64]:
    """Fully oxygenated whole blood, 150 g/L Hb (Prahl 1999; Bosschaart 2014 > 1000 nm)."""
    return _tabulated("hemoglobin.csv", "mua_oxy_per_mm", wavelength_nm)


def deoxy_blood_mua_per_mm(wavelength_nm: ArrayLike) -> NDArray[np.float64]:
    """Fully deoxygenated whole blood, 150 g/L Hb (Prahl 1999; Bosschaart 2014 > 1000 nm)."""
    return _tabulated("hemoglobin.csv", "mua_deoxy_per_mm", wavelength_nm)


def water_mua_per_mm(wavelength_nm: ArrayLike) -> NDArray[np.float64]:
    """Pure water at room temperature (Segelstein 1981, via Prahl/OMLC)."""
    return _tabulated("water.csv", "mua_water_per_mm", wavelength_nm)


def fat_mua_per_mm(wavelength_nm: ArrayLike) -> NDArray[np.float64]:
    """Purified mammalian fat (van Veen et al 2005, J Biomed Opt 10:054004)."""
    return _tabulated("fat.csv", "mua_fat_per_mm", wavelength_nm)


def melanosome_mua_per_mm(wavelength_nm: ArrayLike) -> NDArray[np.float64]:
    """Interior of a cutaneous melanosome, 519 1/cm (lambda/500)^-3 (Jacques 2013 Eq. 8)."""
    wavelengths = check_wavelength(wavelength_nm)
    return MELANOSOME_MUA_500_PER_MM * (wavelengths / 500.0) ** -MELANOSOME_POWER


def skin_baseline_mua_per_mm(wavelength_nm: ArrayLike) -> NDArray[np.float64]:
    """Bloodless, melanin-free skin (Jacques 1998, OMLC 'Skin optics')."""
    wavelengths = check_wavelength(wavelength_nm)
    decay = np.exp(-(wavelengths - SKIN_BASELINE_OFFSET_NM) / SKIN_BASELINE_DECAY_NM)
    return SKIN_BASELINE_CONSTANT_PER_MM + SKIN_BASELINE_AMPLITUDE_PER_MM * decay
