"""What a tissue is made of, in the terms of the Jacques 2013 mixing model.

A `TissueComposition` holds the chromophore volume fractions and the scattering
parameters of one tissue; `photodose.optics.mixing` turns it into optical properties at
any wavelength. Model: S. L. Jacques (2013) 'Optical properties of biological tissues:
a review', Phys Med Biol 58:R37, Eqs. 2 and 12.
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from photodose.specs.base import Spec

# Rounding slack when fractions are meant to add up to exactly 1 (e.g. 1 - M + M).
_FRACTION_SUM_SLACK = 1e-9


class TissueComposition(Spec):
    """Chromophore volume fractions and scattering parameters of one tissue.

    Absorption (Jacques 2013 Eq. 12, plus the bloodless-skin baseline of Jacques 1998):
    mua = B S mua_oxy + B (1-S) mua_deoxy + W mua_water + F mua_fat + M mua_melanosome
          + K mua_skin_baseline,
    with B = blood_fraction (whole blood at 150 g/L Hb), S = oxygen_saturation,
    W = water_fraction, F = fat_fraction, M = melanin_fraction (melanosome volume
    fraction; nonzero only in an epidermis) and K = baseline_fraction (the part of an
    epidermis whose absorption is the measured baseline of bloodless skin).

    Reduced scattering (Jacques 2013 Eq. 2), lambda in nm:
    mus' = musp500 (f_Ray (lambda/500)^-4 + (1 - f_Ray) (lambda/500)^-b_Mie),
    and mus = mus' / (1 - g).

    The five fractions are volume fractions of the same tissue, so they may not add up
    to more than 1; what is left over is material that neither absorbs nor matters here
    (protein, collagen, mineral).
    """

    name: str = Field(min_length=1, description="tissue name")
    source: str = Field(default="", description="where the values come from")
    blood_fraction: float = Field(ge=0.0, le=1.0, description="B, whole-blood volume fraction")
    oxygen_saturation: float = Field(ge=0.0, le=1.0, description="S, Hb oxygen saturation")
    water_fraction: float = Field(ge=0.0, le=1.0, description="W, water volume fraction")
    fat_fraction: float = Field(ge=0.0, le=1.0, description="F, lipid volume fraction")
    melanin_fraction: float = Field(
        default=0.0, ge=0.0, le=1.0, description="M, melanosome volume fraction (epidermis)"
    )
    baseline_fraction: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="K, volume fraction absorbing as bloodless skin (epidermis)",
    )
    musp500_per_mm: float = Field(
        ge=0.0, le=100.0, description="a', reduced scattering coefficient at 500 nm, 1/mm"
    )
    f_rayleigh: float = Field(ge=0.0, le=1.0, description="f_Ray, Rayleigh share at 500 nm")
    b_mie: float = Field(ge=0.0, le=5.0, description="b_Mie, Mie scattering power")
    g: float = Field(gt=-1.0, lt=1.0, description="scattering anisotropy (mean cosine)")
    n: float = Field(ge=1.0, le=5.0, description="refractive index")

    @model_validator(mode="after")
    def _fractions_fit_in_one_volume(self) -> Self:
        parts = {
            "blood_fraction": self.blood_fraction,
            "water_fraction": self.water_fraction,
            "fat_fraction": self.fat_fraction,
            "melanin_fraction": self.melanin_fraction,
            "baseline_fraction": self.baseline_fraction,
        }
        total = sum(parts.values())
        if total > 1.0 + _FRACTION_SUM_SLACK:
            used = " + ".join(f"{key} {value:g}" for key, value in parts.items() if value)
            raise ValueError(
                f"volume fractions add up to {total:g} ({used}); they are parts of one "
                "tissue volume and must add up to at most 1"
            )
        return self
