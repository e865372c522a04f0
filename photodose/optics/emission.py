"""A light source's emission spectrum: one laser line, or an LED band of given width.

An LED's band is modelled as a Gaussian with the stated peak and full width at half
maximum (FWHM); therapy LEDs are typically 30-60 nm wide, so a dose at "850 nm" is
really a weighted mean over roughly 800-900 nm. `sample()` gives the wavelengths and
weights (summing to 1) to weight any per-wavelength quantity with.
"""

from __future__ import annotations

import math
from typing import Literal, Self

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, model_validator

from photodose.errors import BadInputError
from photodose.optics.spectra import WAVELENGTH_MAX_NM, WAVELENGTH_MIN_NM
from photodose.specs.base import Spec

# FWHM = 2 sqrt(2 ln 2) sigma for a Gaussian.
_FWHM_PER_SIGMA = 2.0 * math.sqrt(2.0 * math.log(2.0))
# Sample the Gaussian out to 4 sigma each side: the tails beyond hold 6e-5 of the power.
_SIGMAS_SAMPLED = 4.0


class EmissionSpectrum(Spec):
    """A laser (`fwhm_nm` = 0, one line) or an LED (`fwhm_nm` > 0, Gaussian band)."""

    kind: Literal["laser", "led"] = "laser"
    peak_nm: float = Field(
        ge=WAVELENGTH_MIN_NM, le=WAVELENGTH_MAX_NM, description="peak wavelength, nm"
    )
    fwhm_nm: float = Field(default=0.0, ge=0.0, le=300.0, description="full width at half max, nm")

    @model_validator(mode="after")
    def _width_matches_kind(self) -> Self:
        if self.kind == "laser" and self.fwhm_nm != 0.0:
            raise ValueError(
                f"fwhm_nm = {self.fwhm_nm:g} for a laser: a laser is treated as one line "
                "(fwhm_nm = 0); use kind = 'led' for a band"
            )
        if self.kind == "led" and self.fwhm_nm == 0.0:
            raise ValueError("fwhm_nm = 0 for an LED: give the band's width (> 0 nm)")
        return self

    def sample(self, step_nm: float = 1.0) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Wavelengths (nm) and weights summing to 1, within 450-1100 nm.

        A laser gives its single line with weight 1. An LED's Gaussian is sampled every
        `step_nm` on a grid through the peak, out to 4 sigma, cut to the range of the
        optical data and renormalised.
        """
        if not step_nm > 0.0:
            raise BadInputError("step_nm", step_nm, "must be > 0")
        if self.kind == "laser":
            return np.array([self.peak_nm]), np.array([1.0])
        sigma = self.fwhm_nm / _FWHM_PER_SIGMA
        reach = math.floor(_SIGMAS_SAMPLED * sigma / step_nm)
        wavelengths = self.peak_nm + step_nm * np.arange(-reach, reach + 1, dtype=float)
        inside = (wavelengths >= WAVELENGTH_MIN_NM) & (wavelengths <= WAVELENGTH_MAX_NM)
        wavelengths = wavelengths[inside]
        weights = np.exp(-0.5 * ((wavelengths - self.peak_nm) / sigma) ** 2)
        return wavelengths, weights / weights.sum()
