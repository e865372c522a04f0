"""From a tissue's composition to its optical properties at any wavelength, 450-1100 nm.

Jacques 2013, Phys Med Biol 58:R37: absorption is the volume-weighted sum of the
chromophores' absorption (Eq. 12), reduced scattering a Rayleigh plus Mie power law
(Eq. 2); mus = mus' / (1 - g). All lengths in mm.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from photodose.errors import BadInputError
from photodose.optics import spectra
from photodose.optics.composition import TissueComposition
from photodose.specs import OpticalProperties

# Eq. 2 of Jacques 2013 takes its reference wavelength and Rayleigh power from theory.
REFERENCE_WAVELENGTH_NM = 500.0
RAYLEIGH_POWER = 4.0


def absorption_per_mm(
    composition: TissueComposition, wavelength_nm: ArrayLike
) -> NDArray[np.float64]:
    """mua (1/mm) at each wavelength (Jacques 2013 Eq. 12 plus the skin baseline)."""
    c = composition
    wavelengths = spectra.check_wavelength(wavelength_nm)
    mua = np.zeros_like(wavelengths)
    # Skip absent chromophores: keeps the sum exact and avoids needless interpolation.
    if c.blood_fraction:
        mua += c.blood_fraction * (
            c.oxygen_saturation * spectra.oxy_blood_mua_per_mm(wavelengths)
            + (1.0 - c.oxygen_saturation) * spectra.deoxy_blood_mua_per_mm(wavelengths)
        )
    if c.water_fraction:
        mua += c.water_fraction * spectra.water_mua_per_mm(wavelengths)
    if c.fat_fraction:
        mua += c.fat_fraction * spectra.fat_mua_per_mm(wavelengths)
    if c.melanin_fraction:
        mua += c.melanin_fraction * spectra.melanosome_mua_per_mm(wavelengths)
    if c.baseline_fraction:
        mua += c.baseline_fraction * spectra.skin_baseline_mua_per_mm(wavelengths)
    return mua


def reduced_scattering_per_mm(
    composition: TissueComposition, wavelength_nm: ArrayLike
) -> NDArray[np.float64]:
    """mus' (1/mm) at each wavelength (Jacques 2013 Eq. 2)."""
    c = composition
    x = spectra.check_wavelength(wavelength_nm) / REFERENCE_WAVELENGTH_NM
    rayleigh = c.f_rayleigh * x**-RAYLEIGH_POWER
    mie = (1.0 - c.f_rayleigh) * x**-c.b_mie
    return c.musp500_per_mm * (rayleigh + mie)


def optical_properties(composition: TissueComposition, wavelength_nm: float) -> OpticalProperties:
    """The tissue's optical properties at one wavelength, ready for a `Layer`."""
    return _optical_properties(composition, float(wavelength_nm))


@lru_cache(maxsize=4096)
def _optical_properties(composition: TissueComposition, wavelength_nm: float) -> OpticalProperties:
    # kept (both are immutable): the nerve-fluence interval asks for the same few tissues
    # at one wavelength ~130 times
    mua = float(absorption_per_mm(composition, wavelength_nm))
    musp = float(reduced_scattering_per_mm(composition, wavelength_nm))
    return OpticalProperties(
        mua_per_mm=mua,
        mus_per_mm=musp / (1.0 - composition.g),
        g=composition.g,
        n=composition.n,
    )


def optical_spectrum(composition: TissueComposition, wavelengths_nm: ArrayLike) -> xr.Dataset:
    """mua, mus, mus', g and n over `wavelength_nm`, labelled, with the tissue's sources."""
    wavelengths = np.atleast_1d(spectra.check_wavelength(wavelengths_nm)).astype(float)
    if wavelengths.ndim != 1:
        raise BadInputError(
            "wavelengths_nm", f"shape {wavelengths.shape}", "must be one-dimensional"
        )
    mua = absorption_per_mm(composition, wavelengths)
    musp = reduced_scattering_per_mm(composition, wavelengths)
    ones = np.ones_like(wavelengths)
    dims = ("wavelength_nm",)
    return xr.Dataset(
        {
            "mua_per_mm": (dims, mua, {"units": "1/mm", "long_name": "absorption coefficient"}),
            "mus_per_mm": (
                dims,
                musp / (1.0 - composition.g),
                {"units": "1/mm", "long_name": "scattering coefficient"},
            ),
            "musp_per_mm": (
                dims,
                musp,
                {"units": "1/mm", "long_name": "reduced scattering coefficient"},
            ),
            "g": (dims, composition.g * ones, {"units": "1", "long_name": "anisotropy"}),
            "n": (dims, composition.n * ones, {"units": "1", "long_name": "refractive index"}),
        },
        coords={"wavelength_nm": (dims, wavelengths, {"units": "nm"})},
        attrs={
            "tissue": composition.name,
            "source": composition.source,
            "composition": composition.to_json(),
            "model": "Jacques 2013, Phys Med Biol 58:R37, Eqs. 2 and 12",
        },
    )
