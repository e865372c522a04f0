"""Photon transport: compiled kernels and the drivers that prepare and label their work."""

from photodose.transport.diffusion_layered import diffuse
from photodose.transport.layered import RunStats, simulate, simulate_with_stats

__all__ = ["RunStats", "diffuse", "simulate", "simulate_with_stats"]
