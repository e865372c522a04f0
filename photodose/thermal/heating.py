"""Driver: skin and tissue heating from a transport result, for a treatment schedule.

Takes the absorbed power density of a transport Dataset (W/mm^3 per W delivered), the
thermal properties of its layers and the thermal conditions; builds the thermal grid
(the transport grid without its overflow bins, extended sideways and downwards with
zero source), runs the bioheat kernel for irradiation then cooling, and returns a
labelled Dataset.

Pulsed sources are modelled by their average power. The equation is linear, so the
mean temperature under a pulse train equals the response to the mean power once the
period is short against the thermal time constants the grid resolves (the smallest is
that of the smallest cell, min(dr, dz)^2 / alpha, reported as an attribute); what the
average misses is the ripple within one period. No cell can gain more in one period
than the energy of one pulse, Q_avg T_p / (rho c) per unit volume, and the driver
reports the largest such bound (`pulse_ripple_bound_K`) when given the pulse period.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import xarray as xr

from photodose._version import __version__
from photodose.errors import BadInputError
from photodose.specs import Simulation
from photodose.specs import result as schema
from photodose.thermal.bioheat import (
    BioheatBoundary,
    BioheatMedium,
    CylindricalGrid,
    HeatSource,
    assemble_operator,
    padded_edges,
    run_heating,
)
from photodose.thermal.conditions import ThermalConditions
from photodose.thermal.properties import ThermalProperties, list_thermal_tissues, thermal_preset
from photodose.units import PER_MM2_PER_PER_M2, PER_MM3_PER_PER_M3, PER_MM_PER_PER_M

# SI to the kernel's mm-based units
_PER_M3_TO_PER_MM3 = PER_MM3_PER_PER_M3
_PER_M_TO_PER_MM = PER_MM_PER_PER_M
_PER_M2_TO_PER_MM2 = PER_MM2_PER_PER_M2


def transport_edges(centres_mm: np.ndarray, width_mm: float | None = None) -> np.ndarray:
    """Edges of a uniform transport grid from its bin centres (i + 1/2) * width."""
    centres = np.asarray(centres_mm, dtype=np.float64)
    width = float(width_mm) if width_mm is not None else 2.0 * float(centres[0])
    expected = (np.arange(centres.size) + 0.5) * width
    if width <= 0.0 or not np.allclose(centres, expected, rtol=1e-9, atol=1e-12):
        raise ValueError("bin centres are not (i + 1/2) * width of a uniform grid from 0")
    return np.arange(centres.size + 1) * width


def _layer_properties(
    simulation: Simulation, tissues: Sequence[str | ThermalProperties] | None
) -> list[ThermalProperties]:
    names = [layer.name for layer in simulation.stack.layers]
    if tissues is None:
        unknown = [name for name in names if name not in list_thermal_tissues()]
        if unknown:
            raise BadInputError(
                "tissues",
                None,
                f"none given and layer names {unknown} are not thermal presets; pass one tissue "
                "per layer (for a site: [layer.tissue for layer in site.layers])",
            )
        tissues = names
    if len(tissues) != len(names):
        raise BadInputError(
            "tissues",
            len(tissues),
            f"need one per layer; {len(tissues)} given, the stack has {len(names)} layers "
            f"({', '.join(names)})",
        )
    return [thermal_preset(t) if isinstance(t, str) else t for t in tissues]


def _medium(
    grid: CylindricalGrid,
    simulation: Simulation,
    layers: list[ThermalProperties],
) -> tuple[BioheatMedium, np.ndarray]:
    # a cell takes the layer holding its centre; below the stack, the deepest layer goes on
    bottoms = np.asarray(simulation.stack.boundaries_mm[1:])
    which = np.minimum(np.searchsorted(bottoms, grid.z_mm, side="right"), len(layers) - 1)

    def column(values: list[float], scale: float) -> np.ndarray:
        per_depth = np.asarray(values)[which] * scale
        return np.broadcast_to(per_depth, (grid.nr, grid.nz)).copy()

    medium = BioheatMedium(
        heat_capacity_J_per_mm3_K=column(
            [p.volumetric_heat_capacity_J_per_m3_K for p in layers], _PER_M3_TO_PER_MM3
        ),
        conductivity_W_per_mm_K=column(
            [p.conductivity_W_per_m_K for p in layers], _PER_M_TO_PER_MM
        ),
        perfusion_W_per_mm3_K=column(
            [p.perfusion_coefficient_W_per_m3_K for p in layers], _PER_M3_TO_PER_MM3
        ),
        metabolic_W_per_mm3=column([p.metabolic_heat_W_per_m3 for p in layers], _PER_M3_TO_PER_MM3),
    )
    return medium, which


def _boundary(grid: CylindricalGrid, conditions: ThermalConditions) -> BioheatBoundary:
    h = np.full(grid.nr, conditions.convection_W_per_m2_K * _PER_M2_TO_PER_MM2)
    ambient = np.full(grid.nr, conditions.air_temperature_C)
    if conditions.probe is not None:
        # a ring is under the probe when its centre is
        under = grid.r_mm < conditions.probe.radius_mm
        h[under] = conditions.probe.contact_conductance_W_per_m2_K * _PER_M2_TO_PER_MM2
        ambient[under] = conditions.probe.temperature_C
    return BioheatBoundary(
        surface_h_W_per_mm2_K=h,
        surface_ambient_C=ambient,
        arterial_C=conditions.arterial_temperature_C,
        deep_fixed=conditions.deep_boundary == "core",
        deep_C=conditions.arterial_temperature_C,
    )


def heat_from_transport(
    dataset: xr.Dataset,
    tissues: Sequence[str | ThermalProperties] | None,
    power_W: float,
    duration_s: float,
    *,
    cooling_s: float = 120.0,
    conditions: ThermalConditions | None = None,
    padding_mm: float = 100.0,
    dt_max_s: float = 10.0,
    ramp_levels: int = 4,
    pulse_period_s: float | None = None,
) -> xr.Dataset:
    """Temperature, damage and energy balance of one irradiation followed by cooling.

    `tissues`: one per layer of the transport stack, a preset name or ThermalProperties;
    None uses the layer names as preset names. `power_W`: delivered (average) power;
    `padding_mm`: how far the thermal domain reaches beyond the optical grid, sideways and
    downwards: several diffusion lengths sqrt(alpha t) (15 mm for half an hour) and
    perfusion lengths sqrt(k / (rho_b c_b w_b)) (11 mm in fat, 14 mm in muscle, 24 mm in
    muscle at a third of its perfusion). Cells grow by 1.2 outwards: 100 mm costs ~30 cells.
    """
    if power_W < 0.0:
        raise BadInputError("power_W", power_W, "must be >= 0")
    if duration_s <= 0.0:
        raise BadInputError("duration_s", duration_s, "must be > 0")
    if cooling_s < 0.0:
        raise BadInputError("cooling_s", cooling_s, "must be >= 0")
    if padding_mm <= 0.0:
        raise BadInputError("padding_mm", padding_mm, "must be > 0 (see the docstring)")
    if pulse_period_s is not None and pulse_period_s <= 0.0:
        raise BadInputError("pulse_period_s", pulse_period_s, "must be > 0")
    if "simulation" not in dataset.attrs or schema.ABSORBED_RZ not in dataset:
        raise BadInputError(
            "dataset",
            "not a transport result",
            "need a transport result (absorbed_rz_per_mm3, attrs simulation)",
        )
    absorbed = dataset[schema.ABSORBED_RZ]
    if absorbed.dims != ("r_mm", "z_mm"):
        raise BadInputError(
            schema.ABSORBED_RZ, f"dims {absorbed.dims}", "select one (r_mm, z_mm) field first"
        )
    conditions = conditions or ThermalConditions()
    simulation = Simulation.from_json(dataset.attrs["simulation"])
    layers = [
        p.with_perfusion_scale(conditions.perfusion_scale)
        for p in _layer_properties(simulation, tissues)
    ]

    r_transport = transport_edges(dataset["r_mm"].values, simulation.grid.dr_mm)
    z_transport = transport_edges(dataset["z_mm"].values, simulation.grid.dz_mm)
    nr_optical, nz_optical = r_transport.size - 2, z_transport.size - 2
    if nr_optical < 1 or nz_optical < 1:
        raise ValueError("the transport grid needs at least 2 radial and 2 depth bins")
    # the last radial and depth bins hold everything beyond the grid: leave them out
    grid = CylindricalGrid(
        padded_edges(r_transport[:-1], padding_mm), padded_edges(z_transport[:-1], padding_mm)
    )
    density = np.asarray(absorbed.values, dtype=np.float64)
    transport_volume = np.pi * np.diff(r_transport**2)[:, None] * np.diff(z_transport)[None, :]
    kept = np.zeros((grid.nr, grid.nz))
    kept[:nr_optical, :nz_optical] = density[:-1, :-1]
    absorbed_in_grid_W = float((density[:-1, :-1] * transport_volume[:-1, :-1]).sum())
    overflow_W = float((density * transport_volume).sum()) - absorbed_in_grid_W

    medium, layer_index = _medium(grid, simulation, layers)
    operator = assemble_operator(grid, medium, _boundary(grid, conditions))
    segments = [(duration_s, power_W)] + ([(cooling_s, 0.0)] if cooling_s > 0.0 else [])
    history = run_heating(
        operator, HeatSource(kept), segments, dt_max_s=dt_max_s, ramp_levels=ramp_levels
    )

    peak = int(np.argmax(history.max_temperature_C))
    peak_r, peak_z = history.max_cell[peak]
    omega_at = np.unravel_index(int(np.argmax(history.damage_omega)), history.damage_omega.shape)
    diffusivity = medium.conductivity_W_per_mm_K / medium.heat_capacity_J_per_mm3_K
    smallest = min(float(grid.dr_mm.min()), float(grid.dz_mm.min()))
    energy = history.energy_J

    data = {
        "temperature_C": (("time_s", "z_mm"), history.axis_temperature_C),
        "surface_temperature_C": ("time_s", history.surface_temperature_C[:, 0]),
        "surface_temperature_rt_C": (("time_s", "r_mm"), history.surface_temperature_C),
        "max_temperature_C": ("time_s", history.max_temperature_C),
        "power_W": ("time_s", history.power_W),
        "baseline_temperature_C": (("r_mm", "z_mm"), history.baseline_temperature_C),
        "temperature_end_of_irradiation_C": (
            ("r_mm", "z_mm"),
            history.segment_end_temperature_C[0],
        ),
        "damage_omega": (("r_mm", "z_mm"), history.damage_omega),
        "cem43_min": (("r_mm", "z_mm"), history.cem43_min),
        "layer_index": (("z_mm",), layer_index + 1),
        "peak_temperature_C": ((), float(history.max_temperature_C[peak])),
        "peak_time_s": ((), float(history.time_s[peak])),
        "peak_r_mm": ((), float(grid.r_mm[peak_r])),
        "peak_z_mm": ((), float(grid.z_mm[peak_z])),
        "peak_surface_temperature_C": ((), float(history.surface_temperature_C[:, 0].max())),
        "max_damage_omega": ((), float(history.damage_omega.max())),
        "max_damage_r_mm": ((), float(grid.r_mm[omega_at[0]])),
        "max_damage_z_mm": ((), float(grid.z_mm[omega_at[1]])),
        "max_cem43_min": ((), float(history.cem43_min.max())),
        "energy_absorbed_J": ((), energy["absorbed"]),
        "energy_stored_J": ((), energy["stored"]),
        "energy_surface_loss_J": ((), energy["surface"]),
        "energy_deep_loss_J": ((), energy["deep"]),
        "energy_perfusion_loss_J": ((), energy["perfusion"]),
    }
    coords = {
        "time_s": ("time_s", history.time_s, {"units": "s"}),
        "r_mm": ("r_mm", grid.r_mm, {"units": "mm"}),
        "z_mm": ("z_mm", grid.z_mm, {"units": "mm"}),
        "r_edge_mm": ("r_edge_mm", grid.r_edges_mm, {"units": "mm"}),
        "z_edge_mm": ("z_edge_mm", grid.z_edges_mm, {"units": "mm"}),
    }
    result = xr.Dataset(data, coords=coords)
    result.attrs.update(
        power_W=power_W,
        duration_s=duration_s,
        cooling_s=cooling_s,
        absorbed_power_in_grid_W=absorbed_in_grid_W * power_W,
        overflow_power_dropped_W=overflow_W * power_W,
        optical_extent_r_mm=float(r_transport[-2]),
        optical_extent_z_mm=float(z_transport[-2]),
        thermal_extent_r_mm=float(grid.r_edges_mm[-1]),
        thermal_extent_z_mm=float(grid.z_edges_mm[-1]),
        dt_max_s=dt_max_s,
        ramp_levels=ramp_levels,
        lu_factorisations=history.factorisations,
        smallest_cell_time_constant_s=float(smallest**2 / diffusivity.max()),
        conditions=conditions.to_json(),
        tissues=json.dumps([p.model_dump() for p in layers]),
        axis="temperature_C is on the beam axis (the first radial cell)",
        surface="surface temperatures are of the skin face, from the first cell and the boundary",
        damage="Arrhenius (Henriques 1947, A = 3.1e98 1/s, Ea = 6.28e5 J/mol); CEM43 "
        "(Sapareto & Dewey 1984)",
        photodose_version=__version__,
    )
    if pulse_period_s is not None:
        heat_capacity = medium.heat_capacity_J_per_mm3_K
        result.attrs["pulse_period_s"] = pulse_period_s
        result.attrs["pulse_ripple_bound_K"] = float(
            (power_W * kept / heat_capacity).max() * pulse_period_s
        )
    return result
