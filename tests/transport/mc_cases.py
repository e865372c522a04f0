"""Shared helpers for the layered Monte Carlo validation tests: stacks, runs, references.

Every run uses one worker thread (the suite must stay cheap on a shared machine) and a
fixed seed, so each test is deterministic: a statistical tolerance of k standard errors
was chosen so that, for a fresh seed, a correct engine would fail it rarely (the
probability is stated in each test).
"""

from __future__ import annotations

import iadpython
import numpy as np
import xarray as xr

from photodose.specs import (
    Beam,
    Grid,
    Layer,
    OpticalProperties,
    Roulette,
    Simulation,
    TissueStack,
)
from photodose.transport import simulate

# iadpython 0.5.3 quadrature (docs/validation.md, shared/domain/mc-validation.md): for
# index-matched slabs 32 points and more return nonsense, 16-24 are safe; mismatched
# slabs converge up to 48. The difference between the two point counts is taken as
# adding-doubling's own error.
_AD_POINTS_MATCHED = (16, 24)
_AD_POINTS_MISMATCHED = (32, 48)


def tissue(mua: float, mus: float, g: float, n: float) -> OpticalProperties:
    return OpticalProperties(mua_per_mm=mua, mus_per_mm=mus, g=g, n=n)


def slab(
    mua: float, mus: float, g: float, n: float, thickness_mm: float,
    n_above: float = 1.0, n_below: float = 1.0,
) -> TissueStack:  # fmt: skip
    layer = Layer(name="slab", thickness_mm=thickness_mm, tissue=tissue(mua, mus, g, n))
    return TissueStack(layers=(layer,), n_above=n_above, n_below=n_below)


def run(
    stack: TissueStack,
    photons: int,
    seed: int,
    grid: Grid | None = None,
    beam: Beam | None = None,
    roulette: Roulette | None = None,
    batches: int | None = None,
    finite_beam: str = "sample",
    workers: int = 1,
) -> xr.Dataset:
    simulation = Simulation(
        stack=stack,
        photons=photons,
        seed=seed,
        grid=grid or Grid(nr=10, nz=10, na=1),
        beam=beam or Beam(),
        roulette=roulette or Roulette(),
        batches=batches,
        finite_beam=finite_beam,
    )
    return simulate(simulation, workers=workers)


def adding_doubling(
    mua: float, mus: float, g: float, n: float, thickness_mm: float, n_slide: float = 1.0
) -> tuple[float, float, float]:
    """(UR1, UT1, error): total reflectance (specular included) and transmittance of a
    slab in air for normal collimated light, from iadpython's adding-doubling (Prahl),
    optionally under a non-absorbing glass slide of index n_slide; `error` is the larger
    change between two quadrature orders."""
    matched = n == 1.0 and n_slide == 1.0
    results = []
    for points in _AD_POINTS_MATCHED if matched else _AD_POINTS_MISMATCHED:
        mut = mua + mus
        sample = iadpython.Sample(
            a=mus / mut, b=mut * thickness_mm, g=g, d=thickness_mm, n=n,
            n_above=n_slide, n_below=1.0, quad_pts=points,
        )  # fmt: skip
        ur1, ut1, _, _ = sample.rt()
        results.append((float(ur1), float(ut1)))
    (r_lo, t_lo), (r_hi, t_hi) = results
    return r_hi, t_hi, max(abs(r_hi - r_lo), abs(t_hi - t_lo))


def fresnel_normal(n1: float, n2: float) -> float:
    """Normal-incidence Fresnel reflectance (Born & Wolf, Principles of Optics, 1.5.2)."""
    return ((n1 - n2) / (n1 + n2)) ** 2


def deviation(value: float, reference: float, se: float, extra: float = 0.0) -> float:
    """|value - reference| in units of the combined error sqrt(se^2 + extra^2)."""
    return abs(value - reference) / float(np.hypot(se, extra))


def scalar(dataset: xr.Dataset, name: str) -> tuple[float, float]:
    """A total and its standard error."""
    return float(dataset[name]), float(dataset[f"{name}_se"])
