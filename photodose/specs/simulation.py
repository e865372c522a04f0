"""A photon-transport problem: stack, beam, photons, seed and tally grid."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, model_validator

from photodose.errors import BadInputError
from photodose.specs.base import Spec
from photodose.specs.beam import Beam
from photodose.specs.stack import TissueStack


class Grid(Spec):
    """Cylindrical tally grid. As in MCML, the last radial and depth bins also collect
    everything beyond the grid; exit angles span [0, 90] degrees in `na` bins."""

    dr_mm: float = Field(default=0.1, gt=0.0, le=1.0e3)
    dz_mm: float = Field(default=0.1, gt=0.0, le=1.0e3)
    nr: int = Field(default=100, ge=1, le=10_000)
    nz: int = Field(default=100, ge=1, le=10_000)
    na: int = Field(default=1, ge=1, le=1_000)

    @property
    def da_rad(self) -> float:
        return math.pi / 2.0 / self.na


class Roulette(Spec):
    """Russian roulette: below `weight_threshold` a packet survives with probability
    `survival_chance` and its weight is divided by it (MCML's defaults: Wang, Jacques &
    Zheng 1995, Comput Methods Programs Biomed 47:131, WEIGHT 1e-4, CHANCE 0.1)."""

    weight_threshold: float = Field(default=1.0e-4, gt=0.0, lt=1.0)
    survival_chance: float = Field(default=0.1, gt=0.0, le=1.0)


class Simulation(Spec):
    stack: TissueStack
    beam: Beam = Beam()
    photons: int = Field(default=100_000, ge=1, le=10**12)
    seed: int = Field(default=1, ge=0, lt=2**63)
    grid: Grid = Grid()
    batches: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="independent photon batches (for standard errors); default min(photons, 64)",
    )
    finite_beam: Literal["sample", "convolve"] = Field(
        default="sample",
        description="finite beams: sample launch points, or convolve the pencil result",
    )
    roulette: Roulette = Roulette()
    wavelength_nm: float | None = Field(default=None, gt=100.0, lt=20_000.0)

    @model_validator(mode="after")
    def _enough_photons(self) -> Simulation:
        if self.batches is not None and self.batches > self.photons:
            raise BadInputError('batches', self.batches, f'cannot exceed photons = {self.photons}')
        return self

    @property
    def batch_count(self) -> int:
        return self.batches if self.batches is not None else min(self.photons, 64)
