"""What a transport result says about how it was made: its beam and its wavelength."""

from __future__ import annotations

import json

import xarray as xr

from photodose.errors import BadInputError
from photodose.specs import Beam


def beam_of(dataset: xr.Dataset) -> Beam | None:
    """The beam recorded in the result (attrs 'simulation' from photodose.simulate, or
    'beam' from a spectral combination), None if it records none."""
    if "beam" in dataset.attrs:
        return Beam.model_validate_json(dataset.attrs["beam"])
    if "simulation" in dataset.attrs:
        spec = json.loads(dataset.attrs["simulation"])
        if "beam" in spec:
            return Beam.model_validate(spec["beam"])
    return None


def wavelength_of(dataset: xr.Dataset) -> float | None:
    """The single wavelength (nm) the result was computed at, None if not recorded."""
    if "wavelength_nm" in dataset.attrs:
        return float(dataset.attrs["wavelength_nm"])
    if "wavelength_nm" in dataset.coords and dataset["wavelength_nm"].size == 1:
        return float(dataset["wavelength_nm"].values.item())
    return None


def check_beam(dataset: xr.Dataset, beam: Beam) -> None:
    """ValueError if the result records a different beam from the one given."""
    recorded = beam_of(dataset)
    if recorded is not None and recorded != beam:
        raise BadInputError(
            "beam",
            f"{beam.profile} radius {beam.radius_mm:g} mm",
            f"the transport result was computed for a {recorded.profile} beam of radius "
            f"{recorded.radius_mm:g} mm; the fluence per watt depends on the beam, so pass "
            "the same beam or rerun",
        )
