"""A voxel photon-transport problem: volume, source, photons, seed, physics switches.

Sources (positions in the volume's mm coordinates, directions need not be unit length):
- `pencil`: every photon from `position_mm` along `direction`;
- `gaussian`: launch points on the plane normal to `direction`, irradiance
  exp(-2 r^2 / w^2) with w = `radius_mm` (MCX's "gaussian" source, Param1 = w);
- `disk`: uniform over a disk of `radius_mm` (a flat top; MCX's "disk");
- `isotropic`: a point emitting uniformly over 4 pi (MCX's "isotropic");
- `led_array`: `emitters`, each a point with its power and direction; an emitter is
  picked with probability proportional to its power, and emits Lambertian
  (I ~ cos theta) or by a measured angular profile (relative intensity per polar angle,
  linearly interpolated, sampled with the sin(theta) solid-angle weight).

Results are per watt of total source power (`photodose.transport.voxel`).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, model_validator

from photodose.specs.base import Spec
from photodose.specs.simulation import Roulette
from photodose.specs.volume import Vector3, Volume

SourceKind = Literal["pencil", "gaussian", "disk", "isotropic", "led_array"]


def _norm(v: Vector3) -> float:
    return math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])


class Emitter(Spec):
    position_mm: Vector3
    power_W: float = Field(default=1.0, gt=0.0, le=1.0e3, description="optical power, W")
    direction: Vector3 = (0.0, 0.0, 1.0)

    @model_validator(mode="after")
    def _direction(self) -> Emitter:
        if _norm(self.direction) == 0.0:
            raise ValueError("direction = (0, 0, 0): needs a non-zero vector")
        return self


class VoxelSource(Spec):
    kind: SourceKind = "pencil"
    position_mm: Vector3 = (0.0, 0.0, 0.0)
    direction: Vector3 = (0.0, 0.0, 1.0)
    radius_mm: float = Field(default=0.0, ge=0.0, le=1.0e3, description="beam radius, mm")
    emitters: tuple[Emitter, ...] = Field(default=(), max_length=10_000)
    angular_profile: tuple[tuple[float, float], ...] | None = Field(
        default=None,
        description="LED emission: (polar angle deg, relative intensity) from 0 to <= 90; "
        "None = Lambertian",
    )

    @model_validator(mode="after")
    def _consistent(self) -> VoxelSource:
        if _norm(self.direction) == 0.0:
            raise ValueError("direction = (0, 0, 0): needs a non-zero vector")
        if self.kind in ("gaussian", "disk") and self.radius_mm <= 0.0:
            raise ValueError(f"radius_mm = {self.radius_mm}: a {self.kind} source needs > 0")
        if self.kind in ("pencil", "isotropic") and self.radius_mm != 0.0:
            raise ValueError(f"radius_mm = {self.radius_mm}: a {self.kind} source has radius 0")
        if self.kind == "led_array" and not self.emitters:
            raise ValueError("emitters: an led_array needs at least one emitter")
        if self.kind != "led_array" and self.emitters:
            raise ValueError(f"emitters: only an led_array has emitters (kind = {self.kind})")
        if self.angular_profile is not None:
            angles = [a for a, _ in self.angular_profile]
            if len(angles) < 2 or angles[0] != 0.0 or angles[-1] > 90.0:
                raise ValueError(
                    f"angular_profile angles = {angles}: need >= 2 from 0 to at most 90 deg"
                )
            if any(b <= a for a, b in zip(angles, angles[1:], strict=False)):
                raise ValueError(f"angular_profile angles = {angles}: must increase")
            if any(i < 0.0 for _, i in self.angular_profile) or not any(
                i > 0.0 for _, i in self.angular_profile
            ):
                raise ValueError("angular_profile intensities: >= 0 and not all 0")
        return self

    @property
    def total_power_W(self) -> float:
        """Source power the result is normalised to (1 W for single beams)."""
        if self.kind == "led_array":
            return sum(e.power_W for e in self.emitters)
        return 1.0


class TimeGates(Spec):
    """MCX's Forward section: gates of `width_s` from `start_s` to `end_s`; a photon is
    stopped when its time of flight passes `end_s` (Fang & Boas 2009, Opt Express
    17:20178; MCX's T0, T1, Dt)."""

    start_s: float = Field(default=0.0, ge=0.0, le=1.0)
    end_s: float = Field(gt=0.0, le=1.0)
    width_s: float = Field(gt=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> TimeGates:
        if self.end_s <= self.start_s:
            raise ValueError(f"end_s = {self.end_s}: must exceed start_s = {self.start_s}")
        if self.count > 1000:
            raise ValueError(f"width_s = {self.width_s}: at most 1000 gates")
        return self

    @property
    def count(self) -> int:
        return max(1, round((self.end_s - self.start_s) / self.width_s))


class VoxelSimulation(Spec):
    volume: Volume
    source: VoxelSource = VoxelSource()
    photons: int = Field(default=100_000, ge=1, le=10**12)
    seed: int = Field(default=1, ge=0, lt=2**63)
    batches: int | None = Field(
        default=None, ge=1, le=100_000,
        description="independent photon batches (for standard errors); default min(photons, 16)",
    )  # fmt: skip
    reflect: bool = Field(
        default=True,
        description="Fresnel reflection where n changes, outer surface included (MCX DoMismatch)",
    )
    specular: bool = Field(
        default=True,
        description="a photon launched from outside loses the Fresnel-reflected part at entry "
        "and is refracted (MCX DoSpecular; MCX's default is off)",
    )
    time_gates: TimeGates | None = None
    roulette: Roulette | None = Field(
        default=Roulette(), description="None: no roulette (needs time_gates to end photons)"
    )
    wavelength_nm: float | None = Field(default=None, gt=100.0, lt=20_000.0)

    @model_validator(mode="after")
    def _ends(self) -> VoxelSimulation:
        if self.batches is not None and self.batches > self.photons:
            raise ValueError(f"batches = {self.batches}: cannot exceed photons = {self.photons}")
        if self.roulette is None and self.time_gates is None:
            raise ValueError("roulette = None: needs time_gates, or photons might never end")
        return self

    @property
    def batch_count(self) -> int:
        return self.batches if self.batches is not None else min(self.photons, 16)
