"""Light sources: laser probes and LED arrays, their spectrum, power and time pattern.

Powers are radiant (optical) powers in W. `average_power_W` is the time average; a pulsed
source also states its peak power, repetition frequency and duty cycle, and
average = peak x duty cycle must hold. Irradiance at the skin is time-averaged and given
in mW/cm^2 (the clinical unit; 1 W/mm^2 = 1e5 mW/cm^2). During a pulse it is higher by
1 / duty_cycle (`pulse_peak_factor`).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import Field, model_validator

from photodose.devices.led_irradiance import array_irradiance_W_per_mm2, lambertian_order
from photodose.errors import BadInputError
from photodose.optics import EmissionSpectrum
from photodose.specs import Beam, Spec

MW_PER_CM2_PER_W_PER_MM2 = 1.0e5
# Relative tolerance for stated values that must agree (average = peak x duty, ...):
# files carry rounded numbers.
_AGREEMENT = 1.0e-3
# A Gaussian beam puts 1 - e^-2 = 86.5 % of its power inside its 1/e^2 radius.
_GAUSSIAN_POWER_IN_W = 1.0 - math.exp(-2.0)
# Skin sampling for LED arrays: points per min(pitch, stand-off), and a cap per axis.
_SAMPLES_PER_FEATURE = 10
_MAX_SAMPLES_PER_AXIS = 2000


def _agree(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_AGREEMENT, abs_tol=1.0e-15)


class LaserProbe(Spec):
    """A probe held on or near the skin: its beam profile at the skin (normal incidence)."""

    beam: Beam

    @model_validator(mode="after")
    def _finite_spot(self) -> LaserProbe:
        if self.beam.profile == "pencil":
            raise ValueError(
                "beam.profile = 'pencil': a device needs a finite spot (flat_top or gaussian)"
            )
        return self

    @property
    def treated_area_mm2(self) -> float:
        """The spot: disk of the flat-top radius or of the Gaussian 1/e^2 radius."""
        return math.pi * self.beam.radius_mm**2

    def irradiance_W_per_mm2(
        self, x_mm: ArrayLike, y_mm: ArrayLike, power_W: float
    ) -> NDArray[np.float64]:
        r2 = np.asarray(x_mm, dtype=float) ** 2 + np.asarray(y_mm, dtype=float) ** 2
        w = self.beam.radius_mm
        if self.beam.profile == "flat_top":
            return np.where(r2 <= w * w, power_W / (math.pi * w * w), 0.0)
        # Gaussian with 1/e^2 radius w: E = 2 P / (pi w^2) exp(-2 r^2 / w^2).
        return 2.0 * power_W / (math.pi * w * w) * np.exp(-2.0 * r2 / (w * w))

    def peak_W_per_mm2(self, power_W: float) -> float:
        return power_W / (self.beam.area_mm2)

    def mean_W_per_mm2(self, power_W: float) -> float:
        fraction = 1.0 if self.beam.profile == "flat_top" else _GAUSSIAN_POWER_IN_W
        return fraction * power_W / self.treated_area_mm2


class LedArray(Spec):
    """LEDs in a plane parallel to the skin, facing it, `standoff_mm` above it.

    Layout: `rows` x `cols` on a square grid of `pitch_mm`, centred on (0, 0), or explicit
    `positions_mm`; each LED then owns a `pitch_mm` square cell, and the treated area is
    the rectangle of those cells. Emission: `half_angle_deg` (intensity halves there) or
    `lambertian_order` m directly. `element_power_W` is one LED's time-averaged power.
    """

    rows: int | None = Field(default=None, ge=1, le=1000)
    cols: int | None = Field(default=None, ge=1, le=1000)
    positions_mm: tuple[tuple[float, float], ...] | None = Field(default=None, min_length=1)
    pitch_mm: float = Field(gt=0.0, le=1.0e3, description="LED spacing (cell size), mm")
    element_power_W: float = Field(gt=0.0, le=100.0, description="average power per LED, W")
    half_angle_deg: float | None = Field(default=None, gt=0.0, lt=90.0)
    lambertian_order: float | None = Field(default=None, ge=0.0, le=1.0e4)
    standoff_mm: float = Field(gt=0.0, le=1.0e3, description="LED plane to skin, mm")

    @model_validator(mode="after")
    def _one_of_each(self) -> LedArray:
        grid = self.rows is not None or self.cols is not None
        if grid == (self.positions_mm is not None):
            raise ValueError("give either rows and cols, or positions_mm (exactly one layout)")
        if grid and (self.rows is None or self.cols is None):
            raise ValueError(f"rows = {self.rows}, cols = {self.cols}: a grid needs both")
        if (self.half_angle_deg is None) == (self.lambertian_order is None):
            raise ValueError("give either half_angle_deg or lambertian_order (exactly one)")
        return self

    @property
    def element_count(self) -> int:
        if self.positions_mm is not None:
            return len(self.positions_mm)
        assert self.rows is not None and self.cols is not None
        return self.rows * self.cols

    @property
    def order_m(self) -> float:
        if self.lambertian_order is not None:
            return self.lambertian_order
        assert self.half_angle_deg is not None
        return lambertian_order(self.half_angle_deg)

    def emitter_positions_mm(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if self.positions_mm is not None:
            xy = np.asarray(self.positions_mm, dtype=float)
            return xy[:, 0], xy[:, 1]
        assert self.rows is not None and self.cols is not None
        xs = (np.arange(self.cols) - (self.cols - 1) / 2.0) * self.pitch_mm
        ys = (np.arange(self.rows) - (self.rows - 1) / 2.0) * self.pitch_mm
        gx, gy = np.meshgrid(xs, ys)
        return gx.ravel(), gy.ravel()

    def footprint_mm(self) -> tuple[float, float, float, float]:
        """(x_min, x_max, y_min, y_max) of the LEDs' cells."""
        xs, ys = self.emitter_positions_mm()
        half = self.pitch_mm / 2.0
        return (
            float(xs.min() - half),
            float(xs.max() + half),
            float(ys.min() - half),
            float(ys.max() + half),
        )

    @property
    def treated_area_mm2(self) -> float:
        x0, x1, y0, y1 = self.footprint_mm()
        return (x1 - x0) * (y1 - y0)

    def irradiance_W_per_mm2(self, x_mm: ArrayLike, y_mm: ArrayLike) -> NDArray[np.float64]:
        xs, ys = self.emitter_positions_mm()
        return array_irradiance_W_per_mm2(
            x_mm, y_mm, xs, ys, self.standoff_mm, self.element_power_W, self.order_m
        )

    def _footprint_samples(self) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
        """Cell-centre sample points over the footprint, and the area of one cell."""
        x0, x1, y0, y1 = self.footprint_mm()
        feature = min(self.pitch_mm, self.standoff_mm) / _SAMPLES_PER_FEATURE
        nx = min(_MAX_SAMPLES_PER_AXIS, max(1, math.ceil((x1 - x0) / feature)))
        ny = min(_MAX_SAMPLES_PER_AXIS, max(1, math.ceil((y1 - y0) / feature)))
        hx, hy = (x1 - x0) / nx, (y1 - y0) / ny
        gx, gy = np.meshgrid(x0 + (np.arange(nx) + 0.5) * hx, y0 + (np.arange(ny) + 0.5) * hy)
        return gx, gy, hx * hy

    def mean_W_per_mm2(self) -> float:
        """Mean over the treated area (midpoint rule on a grid finer than pitch and
        stand-off, so the error is well below 1 %)."""
        gx, gy, cell = self._footprint_samples()
        return float(self.irradiance_W_per_mm2(gx, gy).sum() * cell / self.treated_area_mm2)

    def peak_W_per_mm2(self) -> float:
        """Largest value on the sampling grid and directly under each LED."""
        gx, gy, _ = self._footprint_samples()
        xs, ys = self.emitter_positions_mm()
        on_grid = float(self.irradiance_W_per_mm2(gx, gy).max())
        under_leds = float(self.irradiance_W_per_mm2(xs, ys).max())
        return max(on_grid, under_leds)


class Device(Spec):
    """A light source as used on a patient: what it emits, how much, where and when."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$", max_length=80)
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    kind: Literal["laser_probe", "led_array"]
    emission: EmissionSpectrum
    mode: Literal["cw", "pulsed"] = "cw"
    power_W: float | None = Field(
        default=None,
        gt=0.0,
        le=1.0e3,
        description="time-averaged radiant power of a probe, W (arrays: from element power)",
    )
    peak_power_W: float | None = Field(
        default=None, gt=0.0, le=1.0e6, description="total power during a pulse, W"
    )
    frequency_Hz: float | None = Field(default=None, gt=0.0, le=1.0e9)
    duty_cycle: float | None = Field(default=None, gt=0.0, le=1.0)
    pulse_duration_s: float | None = Field(default=None, gt=0.0, le=10.0)
    probe: LaserProbe | None = None
    led_array: LedArray | None = None
    source: str = Field(
        min_length=1, description="citation; contains 'ASSUMPTION' where a value is unverified"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Device:
        if self.kind == "laser_probe":
            if self.probe is None or self.led_array is not None:
                raise ValueError("kind = 'laser_probe': give probe (and no led_array)")
            if self.power_W is None:
                raise ValueError("power_W: a laser probe needs its average power")
        else:
            if self.led_array is None or self.probe is not None:
                raise ValueError("kind = 'led_array': give led_array (and no probe)")
            if self.power_W is not None:
                raise BadInputError(
                    "power_W",
                    self.power_W,
                    "an LED array's power comes from led_array.element_power_W; leave power_W out",
                )
        pulse_fields = {
            "peak_power_W": self.peak_power_W,
            "frequency_Hz": self.frequency_Hz,
            "duty_cycle": self.duty_cycle,
        }
        if self.mode == "cw":
            given = [k for k, v in pulse_fields.items() if v is not None]
            if given or self.pulse_duration_s is not None:
                raise ValueError(
                    f"mode = 'cw': remove the pulse fields {given or ['pulse_duration_s']}"
                )
            return self
        missing = [k for k, v in pulse_fields.items() if v is None]
        if missing:
            raise ValueError(f"mode = 'pulsed': missing {', '.join(missing)}")
        assert self.peak_power_W is not None and self.duty_cycle is not None
        expected = self.peak_power_W * self.duty_cycle
        if not _agree(self.average_power_W, expected):
            raise ValueError(
                f"average power = {self.average_power_W:g} W but peak_power_W x duty_cycle = "
                f"{self.peak_power_W:g} x {self.duty_cycle:g} = {expected:g} W"
            )
        if self.pulse_duration_s is not None:
            assert self.frequency_Hz is not None
            implied = self.pulse_duration_s * self.frequency_Hz
            if not _agree(self.duty_cycle, implied):
                raise ValueError(
                    f"duty_cycle = {self.duty_cycle:g} but pulse_duration_s x frequency_Hz = "
                    f"{self.pulse_duration_s:g} x {self.frequency_Hz:g} = {implied:g}"
                )
        return self

    @property
    def is_assumption(self) -> bool:
        """True if the source marks a value (or more) as an assumption."""
        return "ASSUMPTION" in self.source

    @property
    def average_power_W(self) -> float:
        """Time-averaged radiant power of the whole device, W."""
        if self.led_array is not None:
            return self.led_array.element_power_W * self.led_array.element_count
        assert self.power_W is not None
        return self.power_W

    @property
    def pulse_peak_factor(self) -> float:
        """Irradiance during a pulse over its time average (1 for CW)."""
        return 1.0 if self.duty_cycle is None else 1.0 / self.duty_cycle

    @property
    def treated_area_cm2(self) -> float:
        area_mm2 = (
            self.led_array.treated_area_mm2
            if self.led_array is not None
            else self._probe.treated_area_mm2
        )
        return area_mm2 / 100.0

    @property
    def _probe(self) -> LaserProbe:
        assert self.probe is not None
        return self.probe

    def irradiance_at_skin_mW_per_cm2(
        self, x_mm: ArrayLike, y_mm: ArrayLike
    ) -> NDArray[np.float64]:
        """Time-averaged irradiance at skin points (x, y), mm from the beam/array centre."""
        if self.led_array is not None:
            values = self.led_array.irradiance_W_per_mm2(x_mm, y_mm)
        else:
            values = self._probe.irradiance_W_per_mm2(x_mm, y_mm, self.average_power_W)
        return values * MW_PER_CM2_PER_W_PER_MM2

    def peak_irradiance_mW_per_cm2(self) -> float:
        """Largest time-averaged irradiance on the skin."""
        if self.led_array is not None:
            value = self.led_array.peak_W_per_mm2()
        else:
            value = self._probe.peak_W_per_mm2(self.average_power_W)
        return value * MW_PER_CM2_PER_W_PER_MM2

    def mean_irradiance_mW_per_cm2(self) -> float:
        """Time-averaged irradiance averaged over the treated area (`treated_area_cm2`):
        the spot (flat top), the 1/e^2 disk (Gaussian, 86.5 % of the power), or the
        rectangle of the LEDs' cells."""
        if self.led_array is not None:
            value = self.led_array.mean_W_per_mm2()
        else:
            value = self._probe.mean_W_per_mm2(self.average_power_W)
        return value * MW_PER_CM2_PER_W_PER_MM2
