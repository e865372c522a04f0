"""Does the tally grid cover the problem? Warnings for grids that cut the stack or the beam.

As in MCML, the last depth bin and the last radial bin of the grid also collect everything
beyond the grid (Wang, Jacques & Zheng 1995, Comput Methods Programs Biomed 47:131,
sec. 4): those bins hold more than their own volume, so a map or a profile that shows
them shows a spike. Results flag them (`r_overflow`, `z_overflow`); a grid that ends
inside the stack or inside the beam puts real tissue or real light there, which the user
should know before reading a profile.
"""

from __future__ import annotations

import warnings

from photodose.specs import Simulation


class GridCoverageWarning(UserWarning):
    """The tally grid ends inside the stack or inside the beam."""


def grid_depth_mm(simulation: Simulation) -> float:
    return simulation.grid.nz * simulation.grid.dz_mm


def grid_radius_mm(simulation: Simulation) -> float:
    return simulation.grid.nr * simulation.grid.dr_mm


def coverage_problems(simulation: Simulation) -> list[str]:
    """Sentences naming what the grid leaves out; empty if it covers stack and beam."""
    grid = simulation.grid
    problems = []
    depth = grid_depth_mm(simulation)
    # A semi-infinite bottom layer (MCML's 1e8 cm) is never covered: the warning is
    # still true there, the last z bin holds everything absorbed deeper.
    stack = simulation.stack
    if depth < stack.thickness_mm:
        layer = stack.layers[stack.layer_at(depth)]
        problems.append(
            f"grid depth nz x dz_mm = {grid.nz} x {grid.dz_mm:g} = {depth:g} mm is shorter "
            f"than the stack ({stack.thickness_mm:g} mm; it ends in layer {layer.name!r}): "
            f"the last z bin also holds everything absorbed below {depth - grid.dz_mm:g} mm "
            "(flagged z_overflow)"
        )
    radius = grid_radius_mm(simulation)
    beam = simulation.beam
    if beam.radius_mm > 0.0 and radius <= beam.radius_mm:
        problems.append(
            f"grid radius nr x dr_mm = {grid.nr} x {grid.dr_mm:g} = {radius:g} mm is narrower "
            f"than the {beam.profile} beam (radius_mm = {beam.radius_mm:g}): the last r bin "
            f"also holds everything beyond {radius - grid.dr_mm:g} mm (flagged r_overflow)"
        )
    return problems


def warn_grid_coverage(simulation: Simulation, stacklevel: int = 3) -> list[str]:
    """Issue a GridCoverageWarning for each problem; return the problems."""
    problems = coverage_problems(simulation)
    for problem in problems:
        warnings.warn(problem, GridCoverageWarning, stacklevel=stacklevel)
    return problems
