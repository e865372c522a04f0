"""The light entering the tissue: its transverse profile at the surface.

Power and spectrum belong to the device; transport results are normalised per watt,
so a beam needs only its shape. All beams enter at normal incidence.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, model_validator

from photodose.errors import BadInputError
from photodose.specs.base import Spec

BeamProfile = Literal["pencil", "gaussian", "flat_top"]


class Beam(Spec):
    """`radius_mm` is the 1/e^2 irradiance radius for a Gaussian, the disk radius for a
    flat top, and must be 0 for a pencil beam."""

    profile: BeamProfile = "pencil"
    radius_mm: float = Field(default=0.0, ge=0.0, le=1.0e3, description="beam radius, mm")

    @model_validator(mode="after")
    def _radius_fits_profile(self) -> Beam:
        if self.profile == "pencil" and self.radius_mm != 0.0:
            raise BadInputError("radius_mm", self.radius_mm, "a pencil beam has radius 0")
        if self.profile != "pencil" and self.radius_mm <= 0.0:
            raise BadInputError(
                "radius_mm", self.radius_mm, f"a {self.profile} beam needs radius_mm > 0"
            )
        return self

    @property
    def area_mm2(self) -> float:
        """Area over which the irradiance equals the peak for flat top; pi w^2 / 2 for a
        Gaussian (peak irradiance = 2 P / (pi w^2))."""
        if self.profile == "flat_top":
            return math.pi * self.radius_mm**2
        if self.profile == "gaussian":
            return math.pi * self.radius_mm**2 / 2.0
        return 0.0
