"""Photon transport: compiled kernels and the drivers that prepare and label their work."""

from photodose.transport.layered import RunStats, simulate, simulate_with_stats

__all__ = ["RunStats", "simulate", "simulate_with_stats"]
