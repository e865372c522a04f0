"""The shared vocabulary: immutable, validated descriptions of problems."""

from photodose.specs.base import Spec, describe_error
from photodose.specs.beam import Beam
from photodose.specs.optical import OpticalProperties
from photodose.specs.simulation import Grid, Roulette, Simulation
from photodose.specs.stack import Layer, TissueStack

__all__ = [
    "Beam",
    "Grid",
    "Layer",
    "OpticalProperties",
    "Roulette",
    "Simulation",
    "Spec",
    "TissueStack",
    "describe_error",
]
