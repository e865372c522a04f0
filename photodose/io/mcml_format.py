"""MCML 1.2.2 files: read `.mci` inputs, write and read `.mco` outputs.

MCML is the reference layered-tissue Monte Carlo program of Wang, Jacques & Zheng
(1995, Comput Methods Programs Biomed 47:131-146); its public C source (lhvwang/MCML,
"Version 1.2.2, 2000") fixes both file layouts. This module follows that layout from
the published format; it shares no code with MCML.

Units: MCML files use cm and 1/cm; photodose uses mm and 1/mm. Conversions happen here
and nowhere else.

Two MCML conventions differ from photodose's dataset and are converted on the way out
and back in, so that an `.mco` written here reads exactly like one MCML would write for
the same photon tallies (MCML 1.2.2, mcmlio.c, ScaleRdTt):
- Rd(a), Tt(a): MCML divides by the solid angle 2 pi sin(a) da; photodose by
  4 pi sin(a) sin(da/2). Factor 2 sin(da/2) / da.
- Rd(r, a), Tt(r, a): MCML divides by the area projected on the exit direction,
  2 pi r dr cos(a), times 4 pi sin(a) sin(da/2); photodose by the surface area.
  Factor 1 / cos(a).

MCML 1.2.2 writes no standard errors, so `.mco` files carry none; and it describes only
pencil beams, so finite-beam results are refused by the writer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
import xarray as xr
from pydantic import BaseModel, ValidationError

from photodose.errors import BadInputError, InputFileError
from photodose.specs import Grid, Layer, OpticalProperties, Simulation, TissueStack
from photodose.specs import result as schema
from photodose.specs.result import label_result, result_coords
from photodose.specs.spec_file import read_text
from photodose.units import MM_PER_CM

OutputFormat = Literal["A", "B"]

_REAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_SHOWN_CHARS = 40
# RAT totals are written with 6 significant digits: their sum may pass 1 by rounding.
_RAT_ROUNDING = 1.0e-4
_USER_TIME = re.compile(r"^#\s*User time:\s*([0-9.]+)\s*sec", re.MULTILINE)

# The data sections of an .mco file in the order MCML 1.2.2 writes them (WriteResult).
MCO_SECTIONS = ("A_l", "A_z", "Rd_r", "Rd_a", "Tt_r", "Tt_a", "A_rz", "Rd_ra", "Tt_ra")


@dataclass(frozen=True)
class MciRun:
    """One run of an MCML input file: where MCML would write it, and what to simulate.

    `output_name` is the file name as written in the .mci (relative to the .mci's
    folder); `output_format` is MCML's A (ASCII) / B (binary) flag, kept for the header.
    """

    output_name: str
    simulation: Simulation
    output_format: OutputFormat = "A"


# ---------------------------------------------------------------------------------------
# Reading: data lines, with line numbers for the error messages


@dataclass(frozen=True)
class _DataLine:
    number: int
    tokens: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


@dataclass(frozen=True)
class _Origin:
    """Where a spec field's value came from, to name it when the spec rejects it."""

    line: int
    field: str
    raw: str


class _Cursor:
    """Walks the data lines of a file. As in MCML, '#' starts a comment and blank lines
    are skipped; every value sits on its own data line or group of lines."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.lines = []
        for number, raw in enumerate(text.splitlines(), start=1):
            tokens = tuple(raw.split("#", 1)[0].split())
            if tokens:
                self.lines.append(_DataLine(number, tokens))
        self.position = 0

    def error(self, line: int, field: str, value: str, problem: str) -> BadInputError:
        # a value from a damaged file can be a whole binary line: show its start only
        shown = value if len(value) <= _SHOWN_CHARS else value[:_SHOWN_CHARS] + "..."
        return BadInputError(f"{self.source}:{line}: {field}", repr(shown), problem)

    def at_end(self) -> bool:
        return self.position >= len(self.lines)

    def take(self, what: str) -> _DataLine:
        if self.at_end():
            last = self.lines[-1].number if self.lines else 0
            raise InputFileError(self.source, f"the file ends (line {last}) before {what}")
        line = self.lines[self.position]
        self.position += 1
        return line

    def fields(self, what: str, names: Sequence[str], hint: str = "") -> _DataLine:
        """A data line holding exactly one value per name."""
        line = self.take(what)
        if len(line.tokens) != len(names):
            found = f"found {len(line.tokens)}"
            raise self.error(
                line.number,
                what,
                line.text,
                f"expected {len(names)} value(s) ({' '.join(names)}), {found}{hint}",
            )
        return line

    def real(self, line: _DataLine, index: int, field: str) -> float:
        raw = line.tokens[index]
        if not _REAL.fullmatch(raw):
            raise self.error(line.number, field, raw, "not a number")
        value = float(raw)
        if not math.isfinite(value):  # 1e999
            raise self.error(line.number, field, raw, "not a finite number")
        return value

    def integer(self, line: _DataLine, index: int, field: str, minimum: int = 1) -> int:
        raw = line.tokens[index]
        if not _INTEGER.fullmatch(raw):
            raise self.error(line.number, field, raw, "not a whole number")
        value = int(raw)
        if value < minimum:
            raise self.error(line.number, field, raw, f"must be >= {minimum}")
        return value

    def keyword(self, name: str) -> _DataLine:
        line = self.take(f"the {name} section")
        if line.tokens != (name,):
            raise self.error(line.number, "section", line.text, f"expected {name!r}")
        return line


_Model = TypeVar("_Model", bound=BaseModel)


def _build(
    cursor: _Cursor,
    model: type[_Model],
    values: dict[str, Any],
    origins: dict[str, _Origin],
    fallback: _Origin,
) -> _Model:
    """Validate a spec; name a rejected value by its line and MCML field, not its spec
    path, and show the converted value the spec checked when the units differ."""
    try:
        return model(**values)
    except ValidationError as error:
        item = error.errors()[0]
        key = str(item["loc"][0]) if item["loc"] else ""
        origin = origins.get(key, fallback)
        problem = item["msg"]
        checked = values.get(key)
        if key in origins and isinstance(checked, float) and checked != float(origin.raw):
            problem += f" (checked as {key} = {checked:g})"
        raise cursor.error(origin.line, origin.field, origin.raw, problem) from None


def _read_run(cursor: _Cursor, label: str) -> tuple[str, OutputFormat, Simulation]:
    """The fields of one run, as in an .mci run and an .mco InParm block."""
    name_line = cursor.take(f"{label}: output file name")
    if len(name_line.tokens) > 2:
        raise cursor.error(
            name_line.number,
            f"{label}: output file name and format",
            name_line.text,
            "expected a file name and A or B",
        )
    output_name = name_line.tokens[0]
    flag = name_line.tokens[1].upper() if len(name_line.tokens) == 2 else "A"
    if flag not in ("A", "B"):
        raise cursor.error(
            name_line.number,
            f"{label}: output format",
            name_line.tokens[1],
            "must be A (ASCII) or B (binary)",
        )
    output_format: OutputFormat = "B" if flag == "B" else "A"

    photons_line = cursor.fields(f"{label}: number of photons", ("photons",))
    photons = cursor.integer(photons_line, 0, f"{label}: photons")

    step_line = cursor.fields(f"{label}: dz dr", ("dz", "dr"))
    dz_cm = cursor.real(step_line, 0, f"{label}: dz")
    dr_cm = cursor.real(step_line, 1, f"{label}: dr")
    count_line = cursor.fields(f"{label}: nz nr na", ("nz", "nr", "na"))
    nz, nr, na = (
        cursor.integer(count_line, i, f"{label}: {field}")
        for i, field in enumerate(("nz", "nr", "na"))
    )
    grid = _build(
        cursor,
        Grid,
        {"dz_mm": dz_cm * MM_PER_CM, "dr_mm": dr_cm * MM_PER_CM, "nz": nz, "nr": nr, "na": na},
        {
            "dz_mm": _Origin(step_line.number, f"{label}: dz", step_line.tokens[0]),
            "dr_mm": _Origin(step_line.number, f"{label}: dr", step_line.tokens[1]),
            "nz": _Origin(count_line.number, f"{label}: nz", count_line.tokens[0]),
            "nr": _Origin(count_line.number, f"{label}: nr", count_line.tokens[1]),
            "na": _Origin(count_line.number, f"{label}: na", count_line.tokens[2]),
        },
        _Origin(step_line.number, f"{label}: grid", step_line.text),
    )

    count_layers_line = cursor.fields(f"{label}: number of layers", ("layers",))
    n_layers = cursor.integer(count_layers_line, 0, f"{label}: number of layers")
    above_line = cursor.fields(f"{label}: n above", ("n",))
    n_above = cursor.real(above_line, 0, f"{label}: n above")

    hint = f" (line {count_layers_line.number} declares {n_layers} layer(s))"
    layers = []
    for index in range(1, n_layers + 1):
        where = f"{label}: layer {index}"
        line = cursor.fields(where, ("n", "mua", "mus", "g", "d"), hint)
        n, mua, mus, g, d = (
            cursor.real(line, i, f"{where} {field}")
            for i, field in enumerate(("n", "mua", "mus", "g", "d"))
        )
        origins = {
            key: _Origin(line.number, f"{where} {field}", line.tokens[i])
            for i, (key, field) in enumerate(
                (
                    ("n", "n"),
                    ("mua_per_mm", "mua"),
                    ("mus_per_mm", "mus"),
                    ("g", "g"),
                    ("thickness_mm", "d"),
                )
            )
        }
        whole_line = _Origin(line.number, where, line.text)
        tissue = _build(
            cursor,
            OpticalProperties,
            {"n": n, "mua_per_mm": mua / MM_PER_CM, "mus_per_mm": mus / MM_PER_CM, "g": g},
            origins,
            whole_line,
        )
        layers.append(
            _build(
                cursor,
                Layer,
                {"name": f"layer {index}", "thickness_mm": d * MM_PER_CM, "tissue": tissue},
                origins,
                whole_line,
            )
        )

    below_line = cursor.fields(f"{label}: n below", ("n",))
    n_below = cursor.real(below_line, 0, f"{label}: n below")
    stack = _build(
        cursor,
        TissueStack,
        {"layers": tuple(layers), "n_above": n_above, "n_below": n_below},
        {
            "n_above": _Origin(above_line.number, f"{label}: n above", above_line.tokens[0]),
            "n_below": _Origin(below_line.number, f"{label}: n below", below_line.tokens[0]),
        },
        _Origin(count_layers_line.number, f"{label}: layers", count_layers_line.tokens[0]),
    )
    simulation = _build(
        cursor,
        Simulation,
        {"stack": stack, "photons": photons, "grid": grid},
        {"photons": _Origin(photons_line.number, f"{label}: photons", photons_line.tokens[0])},
        _Origin(name_line.number, label, name_line.text),
    )
    return output_name, output_format, simulation


def parse_mci(text: str, source: str = "<mci>") -> list[MciRun]:
    """Every run of an MCML 1.x input file's text; lengths converted to mm.

    Raises ValueError naming `source`, the line, the field and the value on malformed
    input (MCML 2.0 inputs, which start with `mcmli2.0`, are a different format).
    """
    cursor = _Cursor(text, source)
    version_line = cursor.fields("file version", ("version",))
    version = version_line.tokens[0]
    if version.lower().startswith("mcmli"):
        raise cursor.error(
            version_line.number,
            "file version",
            version,
            "an MCML 2.0 input; photodose reads the MCML 1.x format (version 1.0)",
        )
    cursor.real(version_line, 0, "file version")
    runs_line = cursor.fields("number of runs", ("runs",))
    n_runs = cursor.integer(runs_line, 0, "number of runs")
    runs: list[MciRun] = []
    seen: dict[str, int] = {}
    for index in range(1, n_runs + 1):
        first = cursor.lines[cursor.position].number if not cursor.at_end() else 0
        name, output_format, simulation = _read_run(cursor, f"run {index}")
        if name in seen:
            raise cursor.error(
                first,
                f"run {index}: output file name",
                name,
                f"already used by run {seen[name]} (MCML refuses duplicate names)",
            )
        seen[name] = index
        runs.append(MciRun(name, simulation, output_format))
    if not cursor.at_end():
        extra = cursor.take("")
        raise cursor.error(
            extra.number,
            "data after the last run",
            extra.text,
            f"line {runs_line.number} declares {n_runs} run(s)",
        )
    return runs


def read_mci(path: str | Path) -> list[MciRun]:
    """Every run of an MCML input file (see `parse_mci`). A missing, binary or
    non-UTF-8 file raises InputFileError naming it; a byte-order mark is accepted."""
    return parse_mci(read_text(path), source=str(path))


# ---------------------------------------------------------------------------------------
# Writing: MCML's number layout. C printf's %G, %12.4E, %-14.6G equal Python's :G,
# :12.4E, :<14.6G for finite floats, so the formats below are MCML's.


def format_mci(runs: Sequence[MciRun]) -> str:
    """An MCML 1.x input file for `runs` (pencil beams), in MCML's template layout."""
    parts = [
        "####\n# MCML input file written by photodose.\n"
        "# Lengths in cm, mua and mus in 1/cm; '#' starts a comment.\n####\n\n",
        "1.0\t\t\t\t\t\t# file version\n",
        f"{len(runs)}\t\t\t\t\t\t# number of runs\n\n",
    ]
    for index, run in enumerate(runs, start=1):
        simulation = _pencil_only(run.simulation, "format_mci")
        grid = simulation.grid
        stack = simulation.stack
        dz_cm, dr_cm = grid.dz_mm / MM_PER_CM, grid.dr_mm / MM_PER_CM
        parts += [
            f"### Specify data for run {index}\n",
            f"{run.output_name}\t{run.output_format}\t\t\t\t# output filename, ASCII/Binary\n",
            f"{simulation.photons}\t\t\t\t\t\t# No. of photons\n",
            f"{dz_cm:G}\t{dr_cm:G}\t\t\t\t\t# dz, dr\n",
            f"{grid.nz}\t{grid.nr}\t{grid.na}\t\t\t\t# No. of dz, dr & da.\n\n",
            f"{len(stack.layers)}\t\t\t\t\t\t# No. of layers\n",
            "# n\tmua\tmus\tg\td\t\t# One line for each layer\n",
            f"{stack.n_above:G}\t\t\t\t\t\t# n for medium above.\n",
        ]
        for number, layer in enumerate(stack.layers, start=1):
            parts.append(f"{_layer_values(layer)}\t\t# layer {number}\n")
        parts.append(f"{stack.n_below:G}\t\t\t\t\t\t# n for medium below.\n\n")
    return "".join(parts)


def write_mci(runs: Sequence[MciRun], path: str | Path) -> Path:
    """Write `format_mci(runs)` to `path`; returns the path written."""
    path = Path(path)
    path.write_text(format_mci(runs), encoding="utf-8")
    return path


def _layer_values(layer: Layer) -> str:
    """n mua mus g d in MCML's units and %G layout (C's %G equals Python's :G)."""
    tissue = layer.tissue
    values = (
        tissue.n,
        tissue.mua_per_mm * MM_PER_CM,
        tissue.mus_per_mm * MM_PER_CM,
        tissue.g,
        layer.thickness_mm / MM_PER_CM,
    )
    return "\t".join(f"{value:G}" for value in values)


def _pencil_only(simulation: Simulation, caller: str) -> Simulation:
    if simulation.beam.profile != "pencil":
        raise BadInputError(
            f"{caller}: beam.profile",
            repr(simulation.beam.profile),
            "MCML files describe pencil-beam runs only (convolve MCML's pencil result for "
            "finite beams)",
        )
    return simulation


# ---------------------------------------------------------------------------------------
# .mco output files

# Section headers exactly as MCML 1.2.2 writes them (mcmlio.c, Write* functions); the
# trailing spaces are part of the layout some parsers match on.
_MCO_PREAMBLE = (
    "####\n# Data categories include: \n# InParm, RAT, \n"
    "# A_l, A_z, Rd_r, Rd_a, Tt_r, Tt_a, \n# A_rz, Rd_ra, Tt_ra \n####\n\n"
)
_RAT_LABELS = (
    (schema.SPECULAR_REFLECTANCE, "Specular reflectance"),
    (schema.DIFFUSE_REFLECTANCE, "Diffuse reflectance"),
    (schema.ABSORBED_FRACTION, "Absorbed fraction"),
    (schema.TRANSMITTANCE, "Transmittance"),
)
_ONE_D_HEADERS = {
    "A_l": "A_l #Absorption as a function of layer. [-]",
    "A_z": "A_z #A[0], [1],..A[nz-1]. [1/cm]",
    "Rd_r": "Rd_r #Rd[0], [1],..Rd[nr-1]. [1/cm2]",
    "Rd_a": "Rd_a #Rd[0], [1],..Rd[na-1]. [sr-1]",
    "Tt_r": "Tt_r #Tt[0], [1],..Tt[nr-1]. [1/cm2]",
    "Tt_a": "Tt_a #Tt[0], [1],..Tt[na-1]. [sr-1]",
}


_TWO_D_HEADERS = {
    "A_rz": "# A[r][z]. [1/cm3]\n# A[0][0], [0][1],..[0][nz-1]\n# A[1][0], [1][1],..[1][nz-1]\n"
    "# ...\n# A[nr-1][0], [nr-1][1],..[nr-1][nz-1]\nA_rz",
    "Rd_ra": "# Rd[r][angle]. [1/(cm2sr)].\n# Rd[0][0], [0][1],..[0][na-1]\n"
    "# Rd[1][0], [1][1],..[1][na-1]\n# ...\n# Rd[nr-1][0], [nr-1][1],..[nr-1][na-1]\nRd_ra",
    "Tt_ra": "# Tt[r][angle]. [1/(cm2sr)].\n# Tt[0][0], [0][1],..[0][na-1]\n"
    "# Tt[1][0], [1][1],..[1][na-1]\n# ...\n# Tt[nr-1][0], [nr-1][1],..[nr-1][na-1]\nTt_ra",
}

# MCML section -> (photodose variable, dims, kind of density) for the unit conversion.
_SECTION_VARIABLES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "A_l": (schema.ABSORBED_BY_LAYER, ("layer",), "fraction"),
    "A_z": (schema.ABSORBED_Z, ("z_mm",), "per_length"),
    "Rd_r": (schema.RD_R, ("r_mm",), "per_area"),
    "Rd_a": (schema.RD_A, ("exit_angle_rad",), "per_sr"),
    "Tt_r": (schema.TT_R, ("r_mm",), "per_area"),
    "Tt_a": (schema.TT_A, ("exit_angle_rad",), "per_sr"),
    "A_rz": (schema.ABSORBED_RZ, ("r_mm", "z_mm"), "per_volume"),
    "Rd_ra": (schema.RD_RA, ("r_mm", "exit_angle_rad"), "per_area_sr"),
    "Tt_ra": (schema.TT_RA, ("r_mm", "exit_angle_rad"), "per_area_sr"),
}


def _mcml_factor(kind: str, grid: Grid) -> float | np.ndarray:
    """Multiply a photodose density by this to get MCML 1.2.2's value in its cm units.

    Angular densities: see the module docstring (MCML's ScaleRdTt normalisation).
    """
    da = grid.da_rad
    if kind == "per_length":
        return MM_PER_CM
    if kind == "per_area":
        return MM_PER_CM**2
    if kind == "per_volume":
        return MM_PER_CM**3
    if kind == "per_sr":
        return 2.0 * math.sin(da / 2.0) / da
    if kind == "per_area_sr":
        return MM_PER_CM**2 / np.cos(grid.angle_centres_rad)[None, :]
    if kind == "fraction":
        return 1.0
    raise BadInputError("kind", repr(kind), "unknown density")


def _block_1d(header: str, values: np.ndarray, number_format: str) -> str:
    return header + "\n" + "".join(f"{v:{number_format}}\n" for v in values) + "\n"


def _block_2d(header: str, values: np.ndarray) -> str:
    # Five numbers a line, each followed by a space; the final newline ends a partial
    # line, or leaves an empty line when the count is a multiple of five (as MCML does).
    flat = values.ravel()
    text = "".join(f"{v:12.4E} " + ("\n" if (i + 1) % 5 == 0 else "") for i, v in enumerate(flat))
    return header + "\n" + text + "\n"


def _in_parm(simulation: Simulation, output_name: str) -> str:
    grid = simulation.grid
    stack = simulation.stack
    lines = [
        "InParm \t\t\t# Input parameters. cm is used.\n",
        f"{output_name} \tA\t\t# output file name, ASCII.\n",
        f"{simulation.photons} \t\t\t# No. of photons\n",
        f"{grid.dz_mm / MM_PER_CM:G}\t{grid.dr_mm / MM_PER_CM:G}\t\t# dz, dr [cm]\n",
        f"{grid.nz}\t{grid.nr}\t{grid.na}\t# No. of dz, dr, da.\n\n",
        f"{len(stack.layers)}\t\t\t\t\t# Number of layers\n",
        "#n\tmua\tmus\tg\td\t# One line for each layer\n",
        f"{stack.n_above:G}\t\t\t\t\t# n for medium above\n",
    ]
    for number, layer in enumerate(stack.layers, start=1):
        lines.append(f"{_layer_values(layer)}\t# layer {number}\n")
    lines.append(f"{stack.n_below:G}\t\t\t\t\t# n for medium below\n\n")
    return "".join(lines)


def format_mco(
    dataset: xr.Dataset,
    output_name: str = "photodose.mco",
    output_format: OutputFormat = "A",
    user_time_s: float | None = None,
) -> str:
    """The text of an MCML 1.2.2 `.mco` file for a photodose pencil-beam result.

    `output_name` is echoed in the InParm block (MCML echoes the .mci's name);
    `output_format` sets the header tag A1 / B1 (MCML writes text either way);
    `user_time_s` goes on the time line, where MCML reports its CPU time (default: the
    time read from an .mco, else 0).
    """
    simulation = _pencil_only(Simulation.from_json(dataset.attrs["simulation"]), "format_mco")
    grid = simulation.grid
    if user_time_s is None:
        user_time_s = float(dataset.attrs.get("mcml_user_time_s", 0.0))
    parts = [
        f"{output_format}1 \t# Version number of the file format.\n\n",
        _MCO_PREAMBLE,
        f"# User time: {user_time_s:8.0f} sec = {user_time_s / 3600.0:8.2f} hr."
        "   Simulation time of this run.\n\n",
        _in_parm(simulation, output_name),
        "RAT #Reflectance, absorption, transmission. \n",
    ]
    for variable, label in _RAT_LABELS:
        parts.append(f"{float(dataset[variable]):<14.6G} \t#{label} [-]\n")
    parts.append("\n")
    for section in MCO_SECTIONS:
        variable, dims, kind = _SECTION_VARIABLES[section]
        values = dataset[variable].transpose(*dims).values * _mcml_factor(kind, grid)
        if section == "A_l":
            parts.append(_block_1d(_ONE_D_HEADERS[section], values, "12.4G"))
        elif section in _ONE_D_HEADERS:
            parts.append(_block_1d(_ONE_D_HEADERS[section], values, "12.4E"))
        else:
            parts.append(_block_2d(_TWO_D_HEADERS[section], values))
    return "".join(parts)


def write_mco(
    dataset: xr.Dataset,
    path: str | Path,
    output_name: str | None = None,
    output_format: OutputFormat = "A",
    user_time_s: float | None = None,
) -> Path:
    """Write `format_mco(...)` to `path` (InParm echoes `output_name`, default the
    file's name); returns the path written."""
    path = Path(path)
    text = format_mco(dataset, output_name or path.name, output_format, user_time_s)
    path.write_text(text, encoding="utf-8")
    return path


def _read_block(cursor: _Cursor, section: str, count: int) -> np.ndarray:
    cursor.keyword(section)
    values: list[float] = []
    while len(values) < count:
        line = cursor.take(f"value {len(values) + 1} of {count} in {section}")
        if len(values) + len(line.tokens) > count:
            raise cursor.error(
                line.number,
                section,
                line.text,
                f"more values than the {count} the InParm grid gives",
            )
        for index in range(len(line.tokens)):
            field = f"{section} value {len(values) + 1} of {count}"
            value = cursor.real(line, index, field)
            if value < 0.0:
                raise cursor.error(line.number, field, line.tokens[index], "must be >= 0")
            values.append(value)
    return np.array(values)


def parse_mco(text: str, source: str = "<mco>") -> xr.Dataset:
    """An MCML 1.x `.mco` file's text as a photodose-style Dataset (mm, 1/mm).

    Variables carry photodose's names and conventions (see the module docstring); no
    standard errors (MCML writes none). `fluence_rate_rz_per_mm2` is derived as
    A(r, z) / mua of the layer at each bin centre, as MCML's CONV does, and is NaN in
    layers with mua = 0. attrs["simulation"] holds the InParm block as a Simulation
    (JSON; the seed is not in the file and reads as the default).
    """
    cursor = _Cursor(text, source)
    version_line = cursor.fields("file format version", ("version",))
    version = version_line.tokens[0]
    if version not in ("A1", "B1"):
        raise cursor.error(
            version_line.number,
            "file format version",
            version,
            "expected A1 or B1 (MCML 1.x output; MCML 2.0 files start with mcmloA2.0)",
        )
    cursor.keyword("InParm")
    output_name, _, simulation = _read_run(cursor, "InParm")
    cursor.keyword("RAT")
    totals = {}
    for variable, label in _RAT_LABELS:
        line = cursor.fields(f"RAT: {label}", ("value",))
        value = cursor.real(line, 0, f"RAT: {label}")
        if not 0.0 <= value <= 1.0 + _RAT_ROUNDING:
            raise cursor.error(
                line.number, f"RAT: {label}", line.tokens[0], "a fraction must lie in 0 to 1"
            )
        totals[variable] = value
    total = sum(totals.values())
    if total > 1.0 + _RAT_ROUNDING:
        raise cursor.error(
            line.number,
            "RAT: sum of the four fractions",
            f"{total:g}",
            "exceeds 1: more light out than in (a damaged or edited file)",
        )
    grid = simulation.grid
    sizes = {
        "A_l": len(simulation.stack.layers),
        "A_z": grid.nz,
        "Rd_r": grid.nr,
        "Rd_a": grid.na,
        "Tt_r": grid.nr,
        "Tt_a": grid.na,
        "A_rz": grid.nr * grid.nz,
        "Rd_ra": grid.nr * grid.na,
        "Tt_ra": grid.nr * grid.na,
    }
    blocks = {section: _read_block(cursor, section, sizes[section]) for section in MCO_SECTIONS}
    if not cursor.at_end():
        extra = cursor.take("")
        raise cursor.error(extra.number, "data after Tt_ra", extra.text, "not an MCML section")
    dataset = _mco_dataset(simulation, totals, blocks, output_name, version)
    timed = _USER_TIME.search(text)
    if timed:
        dataset.attrs["mcml_user_time_s"] = float(timed.group(1))
    return dataset


def read_mco(path: str | Path) -> xr.Dataset:
    """Read an MCML `.mco` output file (see `parse_mco`)."""
    return parse_mco(read_text(path), source=str(path))


def _mco_dataset(
    simulation: Simulation,
    totals: dict[str, float],
    blocks: dict[str, np.ndarray],
    output_name: str,
    version: str,
) -> xr.Dataset:
    grid = simulation.grid
    stack = simulation.stack
    z_mm = grid.z_centres_mm
    coords = result_coords(simulation)
    sizes = {
        "r_mm": grid.nr,
        "z_mm": grid.nz,
        "exit_angle_rad": grid.na,
        "layer": len(stack.layers),
    }
    data: dict[str, tuple[Any, ...]] = {name: ((), value) for name, value in totals.items()}
    for section in MCO_SECTIONS:
        variable, dims, kind = _SECTION_VARIABLES[section]
        values = blocks[section].reshape(tuple(sizes[d] for d in dims))
        data[variable] = (dims, values / _mcml_factor(kind, grid))
    # Fluence = A / mua (MCML manual, CONV's "Frz"), with the layer at each depth bin's
    # centre as MCML's IzToLayer assigns depth bins to layers.
    mua = np.array([stack.layers[stack.layer_at(z)].tissue.mua_per_mm for z in z_mm])
    absorbed = data[schema.ABSORBED_RZ][1]
    with np.errstate(divide="ignore", invalid="ignore"):
        fluence = np.where(mua > 0, absorbed / mua[None, :], np.nan)
    data[schema.FLUENCE_RATE_RZ] = (schema.VARIABLES[schema.FLUENCE_RATE_RZ].dims, fluence)
    dataset = xr.Dataset(data, coords=coords)
    dataset.attrs.update(
        photons=simulation.photons,
        mcml_output_name=output_name,
        mcml_file_version=version,
        fluence="A(r, z) / mua of the layer at the bin centre; NaN where mua = 0",
        source_format="MCML 1.x .mco: 5 significant digits (A_l 4, RAT 6), no standard errors",
    )
    return label_result(dataset, simulation)
