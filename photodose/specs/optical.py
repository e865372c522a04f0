"""Optical properties of one homogeneous medium at one wavelength (units: mm, 1/mm)."""

from __future__ import annotations

from pydantic import Field

from photodose.specs.base import Spec


class OpticalProperties(Spec):
    """Absorption, scattering, anisotropy and refractive index.

    g is open on both ends: Henyey-Greenstein is defined for -1 < g < 1, negative g
    included (stock MCML rejects g < 0; the physics does not).
    """

    mua_per_mm: float = Field(ge=0.0, le=1.0e4, description="absorption coefficient, 1/mm")
    mus_per_mm: float = Field(ge=0.0, le=1.0e5, description="scattering coefficient, 1/mm")
    g: float = Field(gt=-1.0, lt=1.0, description="scattering anisotropy (mean cosine)")
    n: float = Field(ge=1.0, le=5.0, description="refractive index")

    @property
    def mut_per_mm(self) -> float:
        return self.mua_per_mm + self.mus_per_mm

    @property
    def musp_per_mm(self) -> float:
        """Reduced scattering coefficient mus' = mus (1 - g)."""
        return self.mus_per_mm * (1.0 - self.g)

    @property
    def albedo(self) -> float:
        mut = self.mut_per_mm
        return self.mus_per_mm / mut if mut > 0 else 0.0

    @property
    def is_clear(self) -> bool:
        """A clear (glass-like) medium: no absorption and no scattering."""
        return self.mua_per_mm == 0.0 and self.mus_per_mm == 0.0
