"""heat_from_transport: from a transport result and a schedule to temperatures and damage."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import photodose as pd
from photodose.thermal import (
    ContactProbe,
    ThermalConditions,
    heat_from_transport,
    thermal_preset,
)
from photodose.thermal.heating import transport_edges


def optics(mua: float, mus: float) -> pd.OpticalProperties:
    return pd.OpticalProperties(mua_per_mm=mua, mus_per_mm=mus, g=0.9, n=1.4)


def simulation(nr: int = 60, nz: int = 80, photons: int = 1000) -> pd.Simulation:
    stack = pd.TissueStack(
        layers=[
            pd.Layer(name="epidermis", thickness_mm=0.1, tissue=optics(0.2, 20.0)),
            pd.Layer(name="dermis", thickness_mm=1.9, tissue=optics(0.03, 15.0)),
            pd.Layer(name="subcutaneous_fat", thickness_mm=4.0, tissue=optics(0.01, 10.0)),
            pd.Layer(name="muscle", thickness_mm=20.0, tissue=optics(0.03, 8.0)),
        ]
    )
    return pd.Simulation(
        stack=stack,
        beam=pd.Beam(profile="flat_top", radius_mm=3.0),
        photons=photons,
        grid=pd.Grid(dr_mm=0.1, dz_mm=0.1, nr=nr, nz=nz),
    )


def synthetic_result(overflow_density: float = 0.0) -> xr.Dataset:
    """A transport-shaped Dataset with a smooth absorbed field (W/mm^3 per W) and, in the
    overflow bins, whatever the test asks for."""
    sim = simulation()
    grid = sim.grid
    r = (np.arange(grid.nr) + 0.5) * grid.dr_mm
    z = (np.arange(grid.nz) + 0.5) * grid.dz_mm
    field = 2.0e-3 * np.exp(-2.0 * (r[:, None] / 3.0) ** 2 - z[None, :] / 1.0)
    field[-1, :] = overflow_density
    field[:, -1] = overflow_density
    return xr.Dataset(
        {"absorbed_rz_per_mm3": (("r_mm", "z_mm"), field)},
        coords={"r_mm": r, "z_mm": z},
        attrs={"simulation": sim.to_json()},
    )


def test_outputs_have_the_promised_shapes_and_units() -> None:
    out = heat_from_transport(synthetic_result(), None, power_W=0.5, duration_s=300.0)
    assert out["temperature_C"].dims == ("time_s", "z_mm")
    assert out["surface_temperature_C"].dims == ("time_s",)
    assert out["temperature_end_of_irradiation_C"].dims == ("r_mm", "z_mm")
    assert out["time_s"].values[0] == 0.0
    assert out["time_s"].values[-1] == pytest.approx(300.0 + 120.0)
    # the thermal domain reaches beyond the optical one
    assert out.attrs["thermal_extent_r_mm"] > out.attrs["optical_extent_r_mm"] + 49.0
    assert out.attrs["thermal_extent_z_mm"] > out.attrs["optical_extent_z_mm"] + 49.0
    # layers by depth: epidermis (1) at the top, muscle (4) below 6 mm
    layer = out["layer_index"]
    assert int(layer.sel(z_mm=0.05)) == 1 and int(layer.sel(z_mm=1.0, method="nearest")) == 2
    assert int(layer.sel(z_mm=10.0, method="nearest")) == 4


def test_overflow_bins_are_left_out() -> None:
    clean = heat_from_transport(synthetic_result(0.0), None, power_W=0.5, duration_s=120.0)
    dirty = heat_from_transport(synthetic_result(1.0), None, power_W=0.5, duration_s=120.0)
    np.testing.assert_allclose(dirty["temperature_C"], clean["temperature_C"], rtol=1e-12)
    assert dirty.attrs["overflow_power_dropped_W"] > 1.0
    assert clean.attrs["overflow_power_dropped_W"] == pytest.approx(0.0, abs=1e-15)


def test_energy_balance_and_absorbed_energy() -> None:
    """Absorbed = P t sum(A V) over the kept bins; and absorbed = stored + losses (1%)."""
    ds = synthetic_result()
    power, duration = 0.7, 600.0
    out = heat_from_transport(ds, None, power_W=power, duration_s=duration, cooling_s=300.0)
    r_edges = transport_edges(ds["r_mm"].values)
    z_edges = transport_edges(ds["z_mm"].values)
    volume = np.pi * np.diff(r_edges**2)[:, None] * np.diff(z_edges)[None, :]
    kept = (ds["absorbed_rz_per_mm3"].values * volume)[:-1, :-1].sum()
    assert float(out["energy_absorbed_J"]) == pytest.approx(power * duration * kept, rel=1e-9)
    losses = sum(
        float(out[name])
        for name in (
            "energy_stored_J",
            "energy_surface_loss_J",
            "energy_deep_loss_J",
            "energy_perfusion_loss_J",
        )
    )
    assert losses == pytest.approx(float(out["energy_absorbed_J"]), rel=0.01)


def test_rise_is_linear_in_power() -> None:
    ds = synthetic_result()
    one = heat_from_transport(ds, None, power_W=1.0, duration_s=200.0, cooling_s=60.0)
    three = heat_from_transport(ds, None, power_W=3.0, duration_s=200.0, cooling_s=60.0)
    base = one["baseline_temperature_C"]
    rise_one = one["temperature_end_of_irradiation_C"] - base
    rise_three = three["temperature_end_of_irradiation_C"] - base
    np.testing.assert_allclose(rise_three, 3.0 * rise_one, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(three["baseline_temperature_C"], base)


def test_no_power_keeps_the_baseline() -> None:
    out = heat_from_transport(synthetic_result(), None, power_W=0.0, duration_s=100.0)
    axis_base = out["baseline_temperature_C"].isel(r_mm=0).values
    temperature = out["temperature_C"].values
    np.testing.assert_allclose(
        temperature, np.broadcast_to(axis_base, temperature.shape), atol=1e-9
    )


def test_peak_and_heating_then_cooling() -> None:
    out = heat_from_transport(synthetic_result(), None, power_W=1.0, duration_s=600.0)
    surface = out["surface_temperature_C"]
    end = int(np.argmin(np.abs(out["time_s"].values - 600.0)))
    assert surface[end] > surface[0] + 1.0
    assert surface[-1] < surface[end]  # cooling after the light goes off
    assert float(out["peak_temperature_C"]) == pytest.approx(float(out["max_temperature_C"].max()))
    assert float(out["peak_temperature_C"]) >= float(out["temperature_C"].max()) - 1e-12
    assert 0.0 < float(out["max_damage_omega"]) and 0.0 < float(out["max_cem43_min"])


def test_reduced_perfusion_heats_more() -> None:
    ds = synthetic_result()
    normal = heat_from_transport(ds, None, power_W=1.0, duration_s=600.0)
    diabetic = heat_from_transport(
        ds, None, power_W=1.0, duration_s=600.0, conditions=ThermalConditions(perfusion_scale=0.3)
    )

    def rise(out: xr.Dataset) -> float:
        top = out["baseline_temperature_C"].isel(r_mm=0, z_mm=0)
        return float(out["peak_temperature_C"]) - float(top)

    assert rise(diabetic) > rise(normal)


def test_a_cool_probe_cools_the_skin_under_it() -> None:
    ds = synthetic_result()
    probe = ContactProbe(radius_mm=5.0, temperature_C=25.0, contact_conductance_W_per_m2_K=500.0)
    air = heat_from_transport(ds, None, power_W=1.0, duration_s=300.0)
    held = heat_from_transport(
        ds, None, power_W=1.0, duration_s=300.0, conditions=ThermalConditions(probe=probe)
    )
    assert float(held["peak_surface_temperature_C"]) < float(air["peak_surface_temperature_C"])


def test_tissues_by_name_or_properties() -> None:
    ds = synthetic_result()
    by_name = heat_from_transport(ds, None, power_W=0.5, duration_s=60.0)
    names = ["epidermis", "dermis", "subcutaneous_fat", "muscle"]
    explicit = heat_from_transport(
        ds, [thermal_preset(n) for n in names], power_W=0.5, duration_s=60.0
    )
    np.testing.assert_allclose(by_name["temperature_C"], explicit["temperature_C"])
    with pytest.raises(ValueError, match="2 given, the stack has 4 layers"):
        heat_from_transport(ds, ["dermis", "muscle"], power_W=0.5, duration_s=60.0)
    renamed = simulation().model_copy(deep=True)
    layers = tuple(
        layer.updated({"name": f"heel {layer.name}"}) for layer in renamed.stack.layers
    )
    stack = renamed.stack.updated({"layers": layers})
    ds_renamed = ds.assign_attrs(simulation=renamed.updated({"stack": stack}).to_json())
    with pytest.raises(ValueError, match="not thermal presets.*site.layers"):
        heat_from_transport(ds_renamed, None, power_W=0.5, duration_s=60.0)
    by_tissue = heat_from_transport(ds_renamed, names, power_W=0.5, duration_s=60.0)
    np.testing.assert_allclose(by_tissue["temperature_C"], by_name["temperature_C"])


def test_pulse_ripple_bound() -> None:
    """Bound = max Q_avg T_p / (rho c): here the top epidermis cell, by hand."""
    ds = synthetic_result()
    out = heat_from_transport(ds, None, power_W=1.0, duration_s=60.0, pulse_period_s=0.1)
    q_top = float(ds["absorbed_rz_per_mm3"][0, 0])
    epidermis = thermal_preset("epidermis")
    rho_c = epidermis.volumetric_heat_capacity_J_per_m3_K * 1e-9
    assert out.attrs["pulse_ripple_bound_K"] == pytest.approx(q_top * 0.1 / rho_c, rel=1e-9)


def test_bad_input_is_refused() -> None:
    ds = synthetic_result()
    with pytest.raises(ValueError, match="power_W = -1"):
        heat_from_transport(ds, None, power_W=-1.0, duration_s=60.0)
    with pytest.raises(ValueError, match="duration_s = 0"):
        heat_from_transport(ds, None, power_W=1.0, duration_s=0.0)
    with pytest.raises(ValueError, match="transport result"):
        heat_from_transport(xr.Dataset(), None, power_W=1.0, duration_s=60.0)


def test_a_real_transport_result() -> None:
    """End to end on a small Monte Carlo run: heating is positive where light is absorbed,
    and the energy balance holds."""
    result = pd.simulate(simulation(nr=40, nz=60, photons=3000))
    out = heat_from_transport(result, None, power_W=0.5, duration_s=300.0, cooling_s=60.0)
    rise = out["temperature_end_of_irradiation_C"] - out["baseline_temperature_C"]
    assert float(rise.isel(r_mm=0, z_mm=0)) > 0.1
    assert float(rise.min()) > -1e-9
    losses = sum(
        float(out[n])
        for n in (
            "energy_stored_J",
            "energy_surface_loss_J",
            "energy_deep_loss_J",
            "energy_perfusion_loss_J",
        )
    )
    assert losses == pytest.approx(float(out["energy_absorbed_J"]), rel=0.01)


def test_deep_tissue_settles_where_perfusion_puts_it() -> None:
    """Adiabatic deep face: far below the skin, Pennes' balance rho_b c_b w_b (T - T_a) =
    Q_met gives T = T_a + Q_met / (rho_b c_b w_b) in the deepest layer (muscle)."""
    out = heat_from_transport(synthetic_result(), None, power_W=0.0, duration_s=10.0)
    muscle = thermal_preset("muscle")
    expected = 37.0 + muscle.metabolic_heat_W_per_m3 / muscle.perfusion_coefficient_W_per_m3_K
    bottom = float(out["baseline_temperature_C"].isel(r_mm=0, z_mm=-1))
    assert bottom == pytest.approx(expected, abs=0.01)
    core = heat_from_transport(
        synthetic_result(),
        None,
        power_W=0.0,
        duration_s=10.0,
        conditions=ThermalConditions(deep_boundary="core"),
    )
    # held at 37 C below its last (large) cell, the core face pulls that cell towards 37 C
    assert 37.0 < float(core["baseline_temperature_C"].isel(r_mm=0, z_mm=-1)) < bottom - 0.05


def test_the_thermal_domain_is_large_enough() -> None:
    """Doubling the padding around the optical grid changes nothing that matters."""
    ds = synthetic_result()
    runs = [
        heat_from_transport(ds, None, power_W=1.0, duration_s=1800.0, padding_mm=padding)
        for padding in (100.0, 200.0)
    ]
    peaks = [float(run["peak_temperature_C"]) for run in runs]
    assert peaks[1] == pytest.approx(peaks[0], abs=0.01)
