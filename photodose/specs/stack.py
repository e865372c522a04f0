"""Planar layered tissue: layers from the surface down, with the media around them."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from pydantic import Field, model_validator

from photodose.specs.base import Spec
from photodose.specs.optical import OpticalProperties


def layer_boundaries_mm(thicknesses_mm: Iterable[float]) -> tuple[float, ...]:
    """Depths of the boundaries of layers stacked from 0 down: one more than layers."""
    return (0.0, *itertools.accumulate(thicknesses_mm))


class Layer(Spec):
    name: str = Field(min_length=1, max_length=80)
    # MCML input files mark a semi-infinite layer with d = 1e8 cm (1e9 mm): accept it.
    thickness_mm: float = Field(gt=0.0, le=1.0e9, description="layer thickness, mm")
    tissue: OpticalProperties


class TissueStack(Spec):
    """Layers listed from the irradiated surface down; light enters from above."""

    layers: tuple[Layer, ...] = Field(min_length=1, max_length=100)
    n_above: float = Field(default=1.0, ge=1.0, le=5.0, description="refractive index above")
    n_below: float = Field(default=1.0, ge=1.0, le=5.0, description="refractive index below")

    @model_validator(mode="after")
    def _not_all_clear(self) -> TissueStack:
        if all(layer.tissue.is_clear for layer in self.layers):
            raise ValueError("layers: at least one layer must absorb or scatter")
        return self

    @property
    def thickness_mm(self) -> float:
        return sum(layer.thickness_mm for layer in self.layers)

    @property
    def boundaries_mm(self) -> tuple[float, ...]:
        """Depths of the layer boundaries, 0 at the surface, len(layers) + 1 values."""
        return layer_boundaries_mm(layer.thickness_mm for layer in self.layers)

    def layer_at(self, depth_mm: float) -> int:
        """Index of the layer holding `depth_mm` (the deepest layer below the stack)."""
        for index, bottom in enumerate(self.boundaries_mm[1:]):
            if depth_mm < bottom:
                return index
        return len(self.layers) - 1
