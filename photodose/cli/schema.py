"""`photodose schema [NAME]`: the JSON Schema of a spec, for editors and validators.

Every file photodose reads (simulation specs, sites, devices, patients, plans) is one of
these frozen pydantic specs; the schema lists each key with its type, unit, default and
allowed range. Without NAME the command lists the names.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Annotated, Any

import typer

# name -> (module, class, what it describes); imported only when asked for
SPECS: dict[str, tuple[str, str, str]] = {
    "SimulationFile": (
        "photodose.tissue.simulation_file",
        "SimulationFile",
        "what `photodose simulate` reads: a Simulation whose stack may name presets or a site",
    ),
    "Simulation": ("photodose.specs", "Simulation", "a resolved transport problem (raw optics)"),
    "TissueStack": ("photodose.specs", "TissueStack", "planar layers and the media around them"),
    "Layer": ("photodose.specs", "Layer", "one layer: name, thickness, optical properties"),
    "OpticalProperties": ("photodose.specs", "OpticalProperties", "mua, mus, g, n of a medium"),
    "Beam": ("photodose.specs", "Beam", "beam profile and radius at the surface"),
    "Grid": ("photodose.specs", "Grid", "cylindrical tally grid"),
    "Roulette": ("photodose.specs", "Roulette", "Russian roulette settings"),
    "Site": ("photodose.tissue.site", "Site", "a treatment site file (photodose sites)"),
    "Device": ("photodose.devices.device", "Device", "a device file (photodose devices)"),
    "Patient": ("photodose.tissue.patient", "Patient", "patient modifiers for planning"),
    "TissueComposition": (
        "photodose.optics.composition",
        "TissueComposition",
        "a tissue's chromophores and scattering (photodose optics)",
    ),
    "EmissionSpectrum": (
        "photodose.optics.emission",
        "EmissionSpectrum",
        "a source's emission spectrum",
    ),
    "DoseWindow": ("photodose.dose.window", "DoseWindow", "the target fluence window"),
    "PlanRequest": ("photodose.planning.request", "PlanRequest", "what a plan is asked for"),
    "Plan": ("photodose.planning.plan", "Plan", "a saved plan (photodose plan --json)"),
}


def register(app: typer.Typer) -> None:
    app.command("schema")(schema_command)


def spec_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12, as pydantic writes it) of the spec called `name`."""
    from photodose.errors import BadInputError

    key = {known.lower(): known for known in SPECS}.get(name.lower())
    if key is None:
        raise BadInputError("NAME", name, f"not a spec; known: {', '.join(SPECS)}")
    module, attribute, _ = SPECS[key]
    model = getattr(importlib.import_module(module), attribute)
    schema: dict[str, Any] = model.model_json_schema()
    schema.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
    return schema


def schema_command(
    name: Annotated[str | None, typer.Argument(help="spec name; omit to list them")] = None,
    out: Annotated[Path | None, typer.Option(help="write the schema here (.json)")] = None,
    force: Annotated[bool, typer.Option(help="overwrite an existing output file")] = False,
) -> None:
    """Print (or write) the JSON Schema of a spec; without NAME, list the specs."""
    if name is None:
        width = max(map(len, SPECS))
        for known, (_, _, what) in SPECS.items():
            typer.echo(f"{known:<{width}}  {what}")
        return
    from photodose.io.output_path import atomic_write, check_output_path

    target = check_output_path(out, (".json",), force=force) if out is not None else None
    text = json.dumps(spec_schema(name), indent=2) + "\n"
    if target is None:
        typer.echo(text, nl=False)
        return
    with atomic_write(target) as temporary:
        temporary.write_text(text, encoding="utf-8")
    typer.echo(f"schema written to {target}")
