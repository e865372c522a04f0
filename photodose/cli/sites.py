"""`photodose sites` and `photodose devices`: list and show treatment sites and devices."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from photodose.devices import Device, load_device, load_devices
from photodose.errors import InputFileError
from photodose.tissue import Patient, Site, load_site, load_sites

sites_app = typer.Typer(
    help="Treatment sites: layer stacks and target nerves.",
    invoke_without_command=True,
    no_args_is_help=False,
)
devices_app = typer.Typer(
    help="Light sources: laser probes and LED arrays.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def register(app: typer.Typer) -> None:
    app.add_typer(sites_app, name="sites")
    app.add_typer(devices_app, name="devices")


def _flag(is_assumption: bool) -> str:
    return "assumed (in part)" if is_assumption else "sourced"


@sites_app.callback()
def sites_command(ctx: typer.Context) -> None:
    """List the sites (shipped and user): nerve, depth and layer stack."""
    if ctx.invoked_subcommand is not None:
        return
    table = Table(title="Treatment sites")
    for column in ("name", "nerve", "depth mm", "diameter mm", "nerve in layer", "stack"):
        table.add_column(column)
    for site in load_sites():
        table.add_row(
            site.name,
            site.nerve.name,
            f"{site.nerve.depth_mm:g}",
            f"{site.nerve.diameter_mm:g}",
            site.nerve_layer().name,
            f"{len(site.layers)} layers, {site.thickness_mm:g} mm",
        )
    Console().print(table)


@sites_app.command("show")
def show_site(
    name: Annotated[str, typer.Argument(help="site name, or a .toml/.json site file")],
    wavelength: Annotated[
        float, typer.Option(help="wavelength for optical properties, nm")
    ] = 850.0,
    skin_type: Annotated[
        int | None, typer.Option(help="Fitzpatrick skin type 1-6 (default: the patient's)")
    ] = None,
    patient: Annotated[
        Path | None, typer.Option(help="patient file (.toml/.json) to adapt the site to")
    ] = None,
) -> None:
    """Show one site: layers, ranges, optical properties at a wavelength, nerve, sources."""
    site = load_site(name)
    if patient is not None:
        if not patient.is_file():
            raise InputFileError(patient, "no such file")
        person = Patient.load(patient)
        site = site.for_patient(person)
        if skin_type is None:
            skin_type = person.skin_type
    _print_site(site, wavelength, skin_type)


def _print_site(site: Site, wavelength_nm: float, skin_type: int | None) -> None:
    console = Console()
    console.print(f"[bold]{site.name}[/bold]: {site.title}")
    if site.description:
        console.print(" ".join(site.description.split()))
    stack = site.stack(wavelength_nm, skin_type=skin_type)
    shown_type = "preset default" if skin_type is None else str(skin_type)
    table = Table(title=f"Layers at {wavelength_nm:g} nm, skin type {shown_type}")
    for column in (
        "layer",
        "tissue",
        "thickness mm",
        "range mm",
        "mua 1/mm",
        "mus' 1/mm",
        "g",
        "n",
        "value",
    ):
        table.add_column(column)
    for layer, optical in zip(site.layers, stack.layers, strict=True):
        low, high = layer.thickness_range_mm
        props = optical.tissue
        table.add_row(
            layer.name,
            layer.tissue,
            f"{layer.thickness_mm:g}",
            f"{low:g}-{high:g}",
            f"{props.mua_per_mm:.4g}",
            f"{props.musp_per_mm:.4g}",
            f"{props.g:g}",
            f"{props.n:.4g}",
            _flag(layer.is_assumption),
        )
    console.print(table)
    nerve = site.nerve
    low, high = nerve.depth_range_mm
    console.print(
        f"nerve: {nerve.name}, centre {nerve.depth_mm:g} mm deep (range {low:g}-{high:g}), "
        f"diameter {nerve.diameter_mm:g} mm, in layer '{site.nerve_layer().name}' "
        f"({_flag(nerve.is_assumption)})"
    )
    console.print(f"refractive index above the skin: {site.n_above:g}")
    console.print("[bold]where the numbers come from[/bold]")
    for layer in site.layers:
        console.print(f"- {layer.name}: {layer.source}")
    console.print(f"- {nerve.name}: {nerve.source}")
    for source in site.sources:
        console.print(f"- {source}")


@devices_app.callback()
def devices_command(ctx: typer.Context) -> None:
    """List the devices (shipped and user): wavelength, power, mode, irradiance."""
    if ctx.invoked_subcommand is not None:
        return
    table = Table(title="Devices (time-averaged irradiance at the skin)")
    for column in (
        "name",
        "kind",
        "peak nm",
        "mode",
        "average W",
        "area cm2",
        "mean mW/cm2",
        "peak mW/cm2",
    ):
        table.add_column(column)
    for device in load_devices():
        table.add_row(
            device.name,
            device.kind,
            f"{device.emission.peak_nm:g}",
            device.mode,
            f"{device.average_power_W:.4g}",
            f"{device.treated_area_cm2:.3g}",
            f"{device.mean_irradiance_mW_per_cm2():.4g}",
            f"{device.peak_irradiance_mW_per_cm2():.4g}",
        )
    Console().print(table)


@devices_app.command("show")
def show_device(
    name: Annotated[str, typer.Argument(help="device name, or a .toml/.json device file")],
) -> None:
    """Show one device: emission, power, time pattern, beam or array, irradiance, source."""
    _print_device(load_device(name))


def _print_device(device: Device) -> None:
    console = Console()
    console.print(f"[bold]{device.name}[/bold]: {device.title} ({_flag(device.is_assumption)})")
    if device.description:
        console.print(" ".join(device.description.split()))
    emission = device.emission
    width = "laser line" if emission.fwhm_nm == 0 else f"FWHM {emission.fwhm_nm:g} nm"
    table = Table(show_header=False)
    table.add_column("quantity")
    table.add_column("value")
    table.add_row("kind", device.kind)
    table.add_row("emission", f"{emission.peak_nm:g} nm, {width}")
    table.add_row("average power", f"{device.average_power_W:.4g} W")
    table.add_row("mode", device.mode)
    if device.mode == "pulsed":
        table.add_row("peak power", f"{device.peak_power_W:.4g} W")
        table.add_row("frequency", f"{device.frequency_Hz:g} Hz")
        table.add_row("duty cycle", f"{device.duty_cycle:g}")
        if device.pulse_duration_s is not None:
            table.add_row("pulse duration", f"{device.pulse_duration_s:g} s")
    if device.probe is not None:
        beam = device.probe.beam
        table.add_row("beam", f"{beam.profile}, radius {beam.radius_mm:g} mm")
    if device.led_array is not None:
        array = device.led_array
        layout = (
            f"{array.rows} x {array.cols}"
            if array.positions_mm is None
            else f"{array.element_count} positions"
        )
        table.add_row(
            "LEDs",
            f"{layout}, pitch {array.pitch_mm:g} mm, {array.element_power_W * 1e3:.4g} mW each",
        )
        table.add_row("emission pattern", f"cos^m, m = {array.order_m:.3g}")
        table.add_row("stand-off", f"{array.standoff_mm:g} mm")
    table.add_row("treated area", f"{device.treated_area_cm2:.4g} cm2")
    table.add_row("mean irradiance", f"{device.mean_irradiance_mW_per_cm2():.4g} mW/cm2")
    table.add_row("peak irradiance", f"{device.peak_irradiance_mW_per_cm2():.4g} mW/cm2")
    if device.mode == "pulsed":
        table.add_row(
            "peak during a pulse",
            f"{device.peak_irradiance_mW_per_cm2() * device.pulse_peak_factor:.4g} mW/cm2",
        )
    console.print(table)
    console.print(f"source: {device.source}")
