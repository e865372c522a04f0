"""MCX JSON input files as `VoxelSimulation` specs, run as MCX would run them.

Read (MCX's JSON input, Fang: MCX documentation "JSON input file format", and the
reference parser mcx_utils.c / mcx_shapes.c):
- Session: Photons, RNGSeed, DoMismatch (default on, as MCX), DoSpecular (default off),
  MinEnergy (roulette threshold; default 0, i.e. no roulette: photons end at T1);
- Forward: T0, T1, Dt (time gates, s);
- Domain: Dim, LengthUnit (voxel size, mm; default 1), Media (Media[0] is the
  background, label 0: its n is the outside index), OriginType (1: positions are
  0-based grid coordinates; otherwise 1-based and MCX subtracts 1), VolumeFile (.bin
  bytes with x fastest, .nii, .nii.gz, .jnii; relative to the JSON file);
- Shapes: Origin, Name, Grid, Sphere, Box, Cylinder, XLayers/YLayers/ZLayers (1-based
  inclusive index ranges), XSlabs/YSlabs/ZSlabs (0-based half-open bounds), painted on
  voxel centres like mcx_shapes.c;
- Optode.Source: Type pencil, gaussian (Param1[0] = waist radius), disk
  (Param1[0] = radius), isotropic; Pos and Dir in grid units.
MCX's media are in 1/mm whatever LengthUnit is; positions and shapes are in grid units
and become mm here. Detectors, photon replay and other source types are not read: a
file that needs them is refused with the field named, never run differently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from photodose.errors import BadInputError, InputFileError
from photodose.io.nifti import read_labels
from photodose.specs.optical import OpticalProperties
from photodose.specs.simulation import Roulette
from photodose.specs.volume import Box, Cylinder, Medium, Slab, Sphere, Volume
from photodose.specs.voxel_simulation import TimeGates, VoxelSimulation, VoxelSource

_SOURCES = {"pencil": "pencil", "gaussian": "gaussian", "disk": "disk", "isotropic": "isotropic"}
_AXES = {"X": "x", "Y": "y", "Z": "z"}
# MCX's default RNG seed when a file gives none (mcx_utils.c: cfg->seed = 0x623F9A9E)
MCX_DEFAULT_SEED = 0x623F9A9E


def read_mcx_json(path: str | Path) -> VoxelSimulation:
    """The simulation an MCX JSON input file describes."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such file")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise InputFileError(path, f"not JSON ({error})") from error
    return mcx_to_simulation(document, path.parent)


def _get(section: dict[str, Any], key: str, where: str, default: Any = None) -> Any:
    if key in section:
        return section[key]
    if default is None:
        raise BadInputError(f"{where}.{key}", "missing", "required by MCX's JSON format")
    return default


def _vector(value: Any, field: str, length: int = 3) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in value)
    except (TypeError, ValueError) as error:
        raise BadInputError(field, value, f"{length} numbers") from error
    if len(values) < length:
        raise BadInputError(field, value, f"{length} numbers")
    return values[:length]


def mcx_to_simulation(document: dict[str, Any], folder: Path = Path(".")) -> VoxelSimulation:
    """The simulation of an already parsed MCX JSON document."""
    for section in ("Session", "Domain", "Optode"):
        if not isinstance(document.get(section), dict):
            raise BadInputError(section, "missing", "an MCX JSON input needs this section")
    session, domain, optode = document["Session"], document["Domain"], document["Optode"]
    h = float(domain.get("LengthUnit", 1.0))
    from_zero = int(domain.get("OriginType", 0)) == 1
    media_raw = _get(domain, "Media", "Domain")
    if not isinstance(media_raw, list) or len(media_raw) < 2:
        raise BadInputError("Domain.Media", media_raw, "background (label 0) and >= 1 medium")
    media = []
    for label, item in enumerate(media_raw[1:], start=1):
        g = float(item.get("g", 0.0))
        # MCX accepts g = 1 (no deflection); HG needs |g| < 1, and 1 - 1e-9 is the same
        # to well below any statistical error
        g = min(max(g, -1.0 + 1e-9), 1.0 - 1e-9)
        optics = OpticalProperties(
            mua_per_mm=float(item.get("mua", 0.0)), mus_per_mm=float(item.get("mus", 0.0)),
            g=g, n=float(item.get("n", 1.0)),
        )  # fmt: skip
        media.append(Medium(name=str(item.get("name", f"medium {label}")), optics=optics))
    n_outside = float(media_raw[0].get("n", 1.0))
    volume = _volume(document, domain, tuple(media), h, n_outside, folder)
    source = _source(optode, h, from_zero)
    photons = int(float(_get(session, "Photons", "Session")))
    seed = int(session.get("RNGSeed", MCX_DEFAULT_SEED))
    if seed < 0:
        raise BadInputError("Session.RNGSeed", seed, "a seed >= 0 (photodose runs are seeded)")
    # MCX always stops photons at T1; its default window is 0 to 5 ns (cfg->tend = 5e-9)
    forward = document.get("Forward", {})
    start, end = float(forward.get("T0", 0.0)), float(forward.get("T1", 5e-9))
    gates = TimeGates(start_s=start, end_s=end, width_s=float(forward.get("Dt", end - start)))
    min_energy = float(session.get("MinEnergy", 0.0))
    roulette = None
    if min_energy > 0:
        roulette = Roulette(weight_threshold=min_energy, survival_chance=0.1)
    return VoxelSimulation(
        volume=volume, source=source, photons=photons, seed=seed,
        reflect=bool(session.get("DoMismatch", True)),
        specular=bool(session.get("DoSpecular", False)),
        time_gates=gates, roulette=roulette,
    )  # fmt: skip


def _source(optode: dict[str, Any], h: float, from_zero: bool) -> VoxelSource:
    raw = _get(optode, "Source", "Optode")
    kind = str(raw.get("Type", "pencil")).lower()
    if kind not in _SOURCES:
        raise BadInputError("Optode.Source.Type", kind, f"one of {sorted(_SOURCES)}")
    pos = np.array(_vector(_get(raw, "Pos", "Optode.Source"), "Optode.Source.Pos"))
    if not from_zero:
        pos = pos - 1.0
    direction = _vector(raw.get("Dir", [0.0, 0.0, 1.0]), "Optode.Source.Dir")
    radius = 0.0
    if kind in ("gaussian", "disk"):
        param = _vector(_get(raw, "Param1", "Optode.Source"), "Optode.Source.Param1", 1)
        radius = param[0] * h
    return VoxelSource(kind=_SOURCES[kind], position_mm=tuple(pos * h), direction=direction,
                       radius_mm=radius)  # fmt: skip


def _volume(
    document: dict[str, Any], domain: dict[str, Any], media: tuple[Medium, ...], h: float,
    n_outside: float, folder: Path,
) -> Volume:  # fmt: skip
    if "VolumeFile" in domain and domain["VolumeFile"]:
        file = folder / str(domain["VolumeFile"])
        if file.suffix.lower() == ".bin":
            dims = tuple(int(d) for d in _vector(_get(domain, "Dim", "Domain"), "Domain.Dim"))
            if not file.is_file():
                raise InputFileError(file, "no such file")
            raw = np.fromfile(file, dtype=np.uint8)
            if raw.size != int(np.prod(dims)):
                raise InputFileError(file, f"holds {raw.size} bytes, Dim needs {np.prod(dims)}")
            labels = raw.reshape(dims, order="F")
        else:
            labels = read_labels(file)
        return Volume.from_array(labels, media, h, n_outside)
    shapes_raw = document.get("Shapes")
    if not isinstance(shapes_raw, list):
        raise BadInputError("Domain.VolumeFile", "missing", "a volume file or a Shapes list")
    dims = tuple(int(d) for d in _vector(_get(domain, "Dim", "Domain"), "Domain.Dim"))
    origin = np.zeros(3)
    fill = 0
    shapes: list = []
    for index, command in enumerate(shapes_raw):
        for name, body in command.items():
            field = f"Shapes.{index}.{name}"
            if name == "Name":
                continue
            if name == "Origin":
                origin = np.array(_vector(body, field))
            elif name == "Grid":
                size = tuple(int(s) for s in _vector(body.get("Size", dims), field + ".Size"))
                if size != dims:
                    raise BadInputError(field + ".Size", list(size), f"Domain.Dim = {list(dims)}")
                fill = int(body.get("Tag", 0))
                shapes = []  # a Grid command starts the volume afresh
            elif name == "Sphere":
                centre = (np.array(_vector(body["O"], field + ".O")) - origin) * h
                shapes.append(Sphere(label=int(body.get("Tag", 0)), center_mm=tuple(centre),
                                     radius_mm=float(body["R"]) * h))  # fmt: skip
            elif name == "Box":
                low = np.array(_vector(body["O"], field + ".O")) - origin
                extent = np.array(_vector(body["Size"], field + ".Size"))
                shapes.append(Box(label=int(body.get("Tag", 0)), min_mm=tuple(low * h),
                                  max_mm=tuple((low + extent) * h)))  # fmt: skip
            elif name == "Cylinder":
                c0 = (np.array(_vector(body["C0"], field + ".C0")) - origin) * h
                c1 = (np.array(_vector(body["C1"], field + ".C1")) - origin) * h
                radius = float(body["R"]) * h
                shapes.append(Cylinder(label=int(body.get("Tag", 0)), start_mm=tuple(c0),
                                       end_mm=tuple(c1), radius_mm=radius))  # fmt: skip
            elif name[1:] == "Layers" and name[0] in _AXES:
                rows = body if body and isinstance(body[0], list) else [body]
                for row in rows:
                    first, last, tag = (int(v) for v in row)
                    first, last = sorted((first, last))
                    start = (max(first, 1) - 1) * h
                    shapes.append(Slab(label=tag, axis=_AXES[name[0]], start_mm=start,
                                       end_mm=last * h))  # fmt: skip
            elif name[1:] == "Slabs" and name[0] in _AXES:
                bounds = body.get("Bound", [])
                rows = bounds if bounds and isinstance(bounds[0], list) else [bounds]
                for row in rows:
                    start, end = sorted(int(v) for v in row)
                    shapes.append(Slab(label=int(body.get("Tag", 0)), axis=_AXES[name[0]],
                                       start_mm=start * h, end_mm=end * h))  # fmt: skip
            else:
                raise BadInputError(
                    field, "...", "Origin, Name, Grid, Sphere, Box, Cylinder, [XYZ]Layers or "
                    "[XYZ]Slabs (other MCX shapes are not read)",
                )  # fmt: skip
    return Volume(media=media, voxel_mm=h, dims=dims, n_outside=n_outside, fill_label=fill,
                  shapes=tuple(shapes))  # fmt: skip
