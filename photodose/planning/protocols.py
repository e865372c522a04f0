"""The library of published protocols: each as its source states it, with its result.

The library (planning/data/protocols.toml) holds the WALT dose-table rows and the
neuropathy and carpal tunnel trials, each with the parameters its source states, those
derived from them, the trial's result and whether every stated number was verified
against the source. A protocol is data; `model_setting` says how photodose models it:
which shipped device stands for it, at which average power and for how long.

The arithmetic the field mixes up (docs/protocols.md): irradiance = power / area;
surface dose = irradiance x time; energy per point = power x time.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from photodose.devices.device import Device
from photodose.devices.library import load_device
from photodose.dose.surface import MM2_PER_CM2, peak_irradiance_per_mm2
from photodose.errors import BadInputError
from photodose.planning.light import transport_beam
from photodose.specs import Spec

LIBRARY_FILE = Path(__file__).parent / "data" / "protocols.toml"

Result = Literal["positive", "negative", "mixed", "uncontrolled", "recommendation"]

# Relative agreement a derived value must reach with the same value stated in the source:
# the sources round to 2 significant figures (9.7 J/cm^2, 5.7 J/cm^2), i.e. up to 5 %.
ROUNDING_REL = 0.05

# The quantities a protocol can state; `stated` names a subset.
QUANTITIES = frozenset({
    "wavelength_nm", "wavelength_range_nm", "mode", "power_W", "peak_power_W", "power_range_W",
    "frequency_Hz", "duty_cycle", "area_cm2", "time_s", "time_range_s", "points",
    "points_range", "irradiance_mW_per_cm2", "surface_dose_J_per_cm2",
    "energy_per_point_J", "total_energy_J", "sessions_per_week", "weeks", "sessions",
})  # fmt: skip


class PublishedProtocol(Spec):
    """A published protocol. Powers W (average unless `peak_`), times s per point, areas
    cm^2, irradiance mW/cm^2, surface dose J/cm^2, energy J per point."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    citation: str = Field(min_length=1)
    condition: str
    design: str
    result: Result
    result_summary: str
    regions: tuple[str, ...] = Field(min_length=1)
    wavelength_nm: float | None = Field(default=None, ge=400.0, le=1100.0)
    wavelength_range_nm: tuple[float, float] | None = None
    mode: Literal["cw", "pulsed"] | None = None
    power_W: float | None = Field(default=None, gt=0.0, le=50.0)
    peak_power_W: float | None = Field(default=None, gt=0.0, le=1000.0)
    power_range_W: tuple[float, float] | None = None
    frequency_Hz: float | None = Field(default=None, gt=0.0)
    duty_cycle: float | None = Field(default=None, gt=0.0, le=1.0)
    area_cm2: float | None = Field(default=None, gt=0.0, le=1000.0)
    time_s: float | None = Field(default=None, gt=0.0, le=14_400.0)
    time_range_s: tuple[float, float] | None = None
    points: int | None = Field(default=None, ge=1, le=100)
    points_range: tuple[int, int] | None = None
    irradiance_mW_per_cm2: float | None = Field(default=None, gt=0.0)
    surface_dose_J_per_cm2: float | None = Field(default=None, gt=0.0)
    energy_per_point_J: float | None = Field(default=None, gt=0.0)
    total_energy_J: float | None = Field(default=None, gt=0.0)
    sessions_per_week: int | None = Field(default=None, ge=1, le=14)
    weeks: int | None = Field(default=None, ge=1, le=104)
    sessions: int | None = Field(default=None, ge=1, le=1000)
    stated: tuple[str, ...]
    """The parameters the source states; every other value is derived or assumed."""
    model_device: str | None = None
    """The shipped device that stands for this protocol in photodose's model."""
    verified: bool
    verification: str = Field(min_length=1)
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> PublishedProtocol:
        unknown = sorted(set(self.stated) - QUANTITIES)
        if unknown:
            raise ValueError(f"protocol {self.name!r}: stated = {unknown}: not quantities")
        missing = [q for q in self.stated if getattr(self, q) is None]
        if missing:
            raise ValueError(f"protocol {self.name!r}: stated {missing} but gave no value")
        for field, derived in self.derivations().items():
            given = getattr(self, field)
            if given is not None and not math.isclose(given, derived, rel_tol=ROUNDING_REL):
                raise ValueError(
                    f"protocol {self.name!r}: {field} = {given} but its other parameters "
                    f"give {derived:.4g} (more than {ROUNDING_REL:.0%} apart)"
                )
        return self

    @property
    def average_power_W(self) -> float | None:
        """The stated average power, or peak x duty cycle of a pulsed source."""
        if self.power_W is not None:
            return self.power_W
        if self.peak_power_W is not None and self.duty_cycle is not None:
            return self.peak_power_W * self.duty_cycle
        return None

    def derivations(self) -> dict[str, float]:
        """Each quantity that follows from the others given (irradiance = P / A, surface
        dose = irradiance x t, energy = P x t), computed from them."""
        power, area, time = self.average_power_W, self.area_cm2, self.time_s
        out: dict[str, float] = {}
        if power is not None and area is not None:
            out["irradiance_mW_per_cm2"] = 1000.0 * power / area
        if power is not None and time is not None:
            out["energy_per_point_J"] = power * time
        irradiance = self.irradiance_mW_per_cm2 or out.get("irradiance_mW_per_cm2")
        if irradiance is not None and time is not None:
            out["surface_dose_J_per_cm2"] = irradiance * time / 1000.0
        dose = self.surface_dose_J_per_cm2
        if irradiance is None and dose is not None and time is not None:
            out["irradiance_mW_per_cm2"] = 1000.0 * dose / time
        if self.energy_per_point_J is not None and power is not None and time is None:
            out["time_s"] = self.energy_per_point_J / power
        if self.points is not None and self.energy_per_point_J is not None:
            out["total_energy_J"] = self.points * self.energy_per_point_J
        if self.sessions_per_week is not None and self.weeks is not None:
            out["sessions"] = float(self.sessions_per_week * self.weeks)
        return out

    def is_stated(self, quantity: str) -> bool:
        return quantity in self.stated

    @property
    def modelled(self) -> bool:
        return self.model_device is not None


@dataclass(frozen=True)
class ModelSetting:
    """How photodose models a protocol: the device, its average power, the time per point."""

    device: Device
    power_W: float
    time_s: float
    rule: str
    """How power and time were chosen, in words."""


def model_setting(protocol: PublishedProtocol) -> ModelSetting | None:
    """The setting photodose evaluates the protocol at (None: not modelled).

    - power: the stated average power if the device can give it; else the stated (or
      derived) irradiance on the model device's beam; else the device's rated power;
    - time: the stated time per point, else energy per point / power.
    """
    if protocol.model_device is None:
        return None
    device = load_device(protocol.model_device)
    rated = device.average_power_W
    irradiance = protocol.irradiance_mW_per_cm2 or protocol.derivations().get(
        "irradiance_mW_per_cm2"
    )
    power = protocol.average_power_W
    if power is not None and power <= rated * (1.0 + 1e-9):
        rule = f"stated average power {1000 * power:.3g} mW"
    elif irradiance is not None:
        area_cm2 = 1.0 / (peak_irradiance_per_mm2(transport_beam(device)) * MM2_PER_CM2)
        power = min(rated, irradiance / 1000.0 * area_cm2)
        rule = f"the protocol's irradiance {irradiance:.3g} mW/cm2 on this device's beam"
    else:
        power = rated
        rule = f"the device's rated {1000 * rated:.3g} mW (the source gives no power)"
    if protocol.time_s is not None:
        time = protocol.time_s
        rule += f", {time:.0f} s per point"
    elif protocol.energy_per_point_J is not None:
        time = protocol.energy_per_point_J / power
        rule += f", {protocol.energy_per_point_J:g} J per point ({time:.0f} s)"
    else:
        return None
    return ModelSetting(device=device, power_W=power, time_s=time, rule=rule)


@lru_cache(maxsize=1)
def _library() -> tuple[PublishedProtocol, ...]:
    data = tomllib.loads(LIBRARY_FILE.read_text(encoding="utf-8"))
    protocols = tuple(PublishedProtocol.model_validate(p) for p in data["protocols"])
    names = [p.name for p in protocols]
    if len(set(names)) != len(names):
        raise ValueError(f"{LIBRARY_FILE}: a protocol name is used twice")
    return protocols


def list_protocols() -> tuple[PublishedProtocol, ...]:
    """Every published protocol shipped, in the library's order."""
    return _library()


def load_protocol(name: str) -> PublishedProtocol:
    for protocol in _library():
        if protocol.name == name:
            return protocol
    known = ", ".join(p.name for p in _library())
    raise BadInputError("protocol", name, f"not in the library; known: {known}")


def protocols_for_region(region: str) -> tuple[PublishedProtocol, ...]:
    """The protocols applied to this site region in their sources."""
    return tuple(p for p in _library() if region in p.regions)
