"""`photodose protocols [show NAME]`: the published protocols shipped, with their sources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # the library is imported inside the commands: --help stays fast
    from photodose.planning.protocols import PublishedProtocol

protocols_app = typer.Typer(
    help="Published protocols (WALT dose tables, neuropathy and carpal tunnel trials).",
    invoke_without_command=True,
    no_args_is_help=False,
)

# (field, label, unit) in the order `show` prints them
_FIELDS = (
    ("wavelength_nm", "wavelength", "nm"),
    ("wavelength_range_nm", "wavelength class", "nm"),
    ("mode", "mode", ""),
    ("power_W", "average power", "W"),
    ("peak_power_W", "peak power", "W"),
    ("power_range_W", "power range", "W"),
    ("frequency_Hz", "pulse frequency", "Hz"),
    ("duty_cycle", "duty cycle", ""),
    ("area_cm2", "spot area", "cm2"),
    ("time_s", "time per point", "s"),
    ("time_range_s", "time per point, range", "s"),
    ("points", "points", ""),
    ("points_range", "points, range", ""),
    ("irradiance_mW_per_cm2", "irradiance", "mW/cm2"),
    ("surface_dose_J_per_cm2", "surface dose", "J/cm2"),
    ("energy_per_point_J", "energy per point", "J"),
    ("total_energy_J", "total energy", "J"),
    ("sessions_per_week", "sessions per week", ""),
    ("weeks", "weeks", ""),
    ("sessions", "sessions", ""),
)


def register(app: typer.Typer) -> None:
    app.add_typer(protocols_app, name="protocols")


def _verified(protocol: PublishedProtocol) -> str:
    return "yes" if protocol.verified else "NOT VERIFIED"


@protocols_app.callback()
def protocols_command(ctx: typer.Context) -> None:
    """List the published protocols: condition, light, dose, schedule, result."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from photodose.planning.protocols import list_protocols

    table = Table(title="Published protocols (photodose protocols show NAME for sources)")
    for column in ("name", "condition", "light", "per point", "schedule", "result", "verified"):
        table.add_column(column)
    for p in list_protocols():
        table.add_row(
            p.name,
            escape(p.condition),
            escape(_light(p)),
            escape(_per_point(p)),
            escape(_schedule(p)),
            p.result,
            _verified(p),
        )
    console = Console()
    console.print(table)
    console.print(
        "Results are each trial's own finding at its own site; controlled trials of "
        "infrared therapy for neuropathy are mixed. NOT VERIFIED rows hold numbers that "
        "could not be read in the source (photodose protocols show NAME says which)."
    )


@protocols_app.command("show")
def show_protocol(name: Annotated[str, typer.Argument(help="protocol name")]) -> None:
    """One protocol: every parameter (stated or derived), result, source, verification."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from photodose.planning.protocols import load_protocol, model_setting

    p = load_protocol(name)
    console = Console()
    console.print(f"[bold]{escape(p.title)}[/bold]")
    console.print(f"condition: {escape(p.condition)}; design: {escape(p.design)}")
    console.print(f"result: [bold]{p.result}[/bold]: {escape(p.result_summary)}")
    table = Table(title="Parameters")
    for column in ("quantity", "value", "unit", "from"):
        table.add_column(column)
    derived = p.derivations()
    for field, label, unit in _FIELDS:
        value = getattr(p, field)
        origin = "stated" if p.is_stated(field) else "assumed"
        if field in derived and not p.is_stated(field):
            value, origin = derived[field], "derived"
        if value is None:
            continue
        table.add_row(label, _text(value), unit, origin)
    console.print(table)
    setting = model_setting(p)
    if setting is None:
        console.print("model: not modelled (the source gives too few parameters)")
    else:
        console.print(f"model: {escape(setting.device.name)}, {escape(setting.rule)}")
    console.print(f"source: {escape(p.citation)}")
    style = "" if p.verified else "bold red"
    label = "verified" if p.verified else "NOT VERIFIED"
    console.print(f"[{style}]{label}[/{style}]: {escape(p.verification)}" if style
                  else f"{label}: {escape(p.verification)}")  # fmt: skip
    for note in p.notes:
        console.print(f"note: {escape(note)}")


def _text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, tuple):
        return "-".join(_text(v) for v in value)
    return str(value)


def _light(p: PublishedProtocol) -> str:
    if p.wavelength_nm is None:
        return "not reported"
    power = p.average_power_W
    text = f"{p.wavelength_nm:g} nm"
    if power is not None:
        text += f", {1000 * power:.3g} mW"
    return text + (f" {p.mode}" if p.mode else "")


def _per_point(p: PublishedProtocol) -> str:
    parts = []
    if p.time_s is not None:
        parts.append(f"{p.time_s:g} s")
    if p.energy_per_point_J is not None:
        parts.append(f"{p.energy_per_point_J:g} J")
    if p.surface_dose_J_per_cm2 is not None:
        parts.append(f"{p.surface_dose_J_per_cm2:g} J/cm2")
    if p.points is not None:
        parts.append(f"{p.points} point(s)")
    return ", ".join(parts) or "not reported"


def _schedule(p: PublishedProtocol) -> str:
    if p.sessions_per_week is not None and p.weeks is not None:
        return f"{p.sessions_per_week}/week x {p.weeks} weeks"
    if p.sessions is not None:
        return f"{p.sessions} sessions"
    return "not reported"
