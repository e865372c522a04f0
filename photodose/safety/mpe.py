"""Laser skin maximum permissible exposure (MPE), 400-1400 nm, 1 ns to 30 000 s.

Values (ICNIRP-based; the same skin MPE appears in ANSI Z136.1-2014 Table 7 and
IEC 60825-1:2014 Table A.5). Verified against the text of EU Directive 2006/25/EC,
Annex II, Table 2.4 (skin) and Table 2.5 (C_A), as published in the French Labour Code,
Annex II to articles R4452-1 ff. (read this session), and the 785 nm value against an
ANSI Z136.1 skin-MPE table reproduced in an Endress+Hauser Raman probe manual (0.2958
W/cm^2, see shared/domain/safety.md):

| exposure t          | skin MPE (400-1400 nm)                        |
|---------------------|-----------------------------------------------|
| 1e-9 s to 1e-7 s    | H = 2e-2 C_A J/cm^2   (200 C_A J/m^2)          |
| 1e-7 s to 10 s      | H = 1.1 C_A t^0.25 J/cm^2   (1.1e4 C_A t^0.25 J/m^2) |
| 10 s to 3e4 s       | E = 0.2 C_A W/cm^2   (2000 C_A W/m^2)          |

C_A = 1 below 700 nm, 10^(0.002 (lambda - 700)) for 700-1050 nm, 5 for 1050-1400 nm.
Limiting aperture for the skin: 3.5 mm diameter (Directive Table 2.4). Where a value
falls on the border of two rows the more restrictive limit applies (Directive, note a to
Table 2.4); the two formulas differ there by about 2 % (at 1e-7 s and at 10 s).

Repeated pulses: per ANSI Z136.1, IEC 60825-1 and ICNIRP as summarised by Schulmeister
et al. (ILSC 2019, paper P106), two criteria apply to the skin, the single-pulse limit and
the average-irradiance limit, without the N^-0.25 reduction used for the retina. We apply
Directive 2006/25/EC Table 2.6 rules 1 and 2: each pulse below the single-pulse MPE, and
every group of pulses (the whole train included) below the MPE for the group's duration.

The MPE is an exposure limit for accidental exposure, not a treatment ceiling:
photobiomodulation lasers (class 3B/4) exceed it at the probe by design. Exceeding it is
therefore reported as a warning with its ratio; treatment safety is decided by the
temperature limits and the thermal model.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import Field, model_validator

from photodose.errors import BadInputError
from photodose.safety.checks import SafetyCheck
from photodose.specs.base import Spec
from photodose.specs.beam import Beam

WAVELENGTH_MIN_NM = 400.0
WAVELENGTH_MAX_NM = 1400.0
EXPOSURE_MIN_S = 1.0e-9
EXPOSURE_MAX_S = 3.0e4
# Borders of the time regimes of the skin MPE table (Directive 2006/25/EC Table 2.4).
SHORT_PULSE_END_S = 1.0e-7
THERMAL_TRANSIENT_END_S = 10.0
# Limiting aperture over which skin irradiance is averaged (Directive Table 2.4).
SKIN_LIMITING_APERTURE_MM = 3.5

MPE_SOURCE = (
    "ANSI Z136.1-2014 Table 7 / IEC 60825-1:2014 Table A.5 skin MPE, values as in EU "
    "Directive 2006/25/EC Annex II Tables 2.4-2.6 (ICNIRP-based)"
)


def _require_range(name: str, values: ArrayLike, low: float, high: float, unit: str) -> NDArray:
    array = np.asarray(values, dtype=float)
    bad = ~((array >= low) & (array <= high))
    if np.any(bad):
        first = array[bad].flat[0]
        raise BadInputError(
            name, f"{first:g}", f"the skin MPE is tabulated for {low:g} to {high:g} {unit}"
        )
    return array


def _scalar_or_array(array: NDArray) -> NDArray | float:
    return float(array) if array.ndim == 0 else array


def correction_factor_ca(wavelength_nm: ArrayLike) -> NDArray | float:
    """C_A: 1 below 700 nm, 10^(0.002 (lambda - 700)) for 700-1050 nm, 5 for 1050-1400 nm.

    Continuous at 700 nm; at 1050 nm the formula gives 10^0.7 = 5.012 and the border
    takes the more restrictive row, 5 (a 0.24 % step).
    """
    wavelength = _require_range(
        "wavelength_nm", wavelength_nm, WAVELENGTH_MIN_NM, WAVELENGTH_MAX_NM, "nm"
    )
    ca = np.where(
        wavelength < 700.0,
        1.0,
        np.where(wavelength < 1050.0, 10.0 ** (0.002 * (wavelength - 700.0)), 5.0),
    )
    return _scalar_or_array(np.asarray(ca))


def skin_mpe_radiant_exposure_J_per_cm2(
    wavelength_nm: ArrayLike, exposure_s: ArrayLike
) -> NDArray | float:
    """Skin MPE as radiant exposure H (J/cm^2) for an exposure lasting `exposure_s`."""
    ca = np.asarray(correction_factor_ca(wavelength_nm))
    t = _require_range("exposure_s", exposure_s, EXPOSURE_MIN_S, EXPOSURE_MAX_S, "s")
    short = 2.0e-2 * ca
    transient = 1.1 * ca * t**0.25
    long = 0.2 * ca * t
    # Borders belong to the more restrictive row: at 1e-7 s and at 10 s that is the
    # t^0.25 row (1.1 x 1e-7^0.25 = 0.01956 < 0.02; 1.1 x 10^0.25 = 1.956 < 2).
    h = np.where(
        t < SHORT_PULSE_END_S, short, np.where(t <= THERMAL_TRANSIENT_END_S, transient, long)
    )
    return _scalar_or_array(np.asarray(h))


def skin_mpe_irradiance_W_per_cm2(
    wavelength_nm: ArrayLike, exposure_s: ArrayLike
) -> NDArray | float:
    """Skin MPE as mean irradiance E = H / t (W/cm^2) over an exposure of `exposure_s`."""
    t = _require_range("exposure_s", exposure_s, EXPOSURE_MIN_S, EXPOSURE_MAX_S, "s")
    h = np.asarray(skin_mpe_radiant_exposure_J_per_cm2(wavelength_nm, t))
    return _scalar_or_array(h / t)


def mpe_regime(exposure_s: float) -> str:
    """The row of the skin MPE table that applies, in words."""
    _require_range("exposure_s", exposure_s, EXPOSURE_MIN_S, EXPOSURE_MAX_S, "s")
    if exposure_s < SHORT_PULSE_END_S:
        return "1e-9 to 1e-7 s: H = 0.02 C_A J/cm^2"
    if exposure_s <= THERMAL_TRANSIENT_END_S:
        return "1e-7 to 10 s: H = 1.1 C_A t^0.25 J/cm^2"
    return "10 to 3e4 s: E = 0.2 C_A W/cm^2"


def aperture_averaged_irradiance_mW_per_cm2(power_W: float, beam: Beam) -> float:
    """Irradiance averaged over the 3.5 mm skin limiting aperture centred on the beam.

    Pencil: all power through the aperture. Gaussian (1/e^2 radius w): the fraction
    1 - exp(-2 a^2 / w^2) passes an aperture of radius a. Flat top of radius R: the
    fraction min(1, a^2 / R^2). For beams wider than the aperture this tends to the
    peak (Gaussian) or uniform (flat top) irradiance; for narrow beams it is P / (pi a^2).
    """
    if not (power_W >= 0.0 and math.isfinite(power_W)):
        raise BadInputError("power_W", power_W, "must be a finite number >= 0")
    a_mm = SKIN_LIMITING_APERTURE_MM / 2.0
    if beam.profile == "gaussian":
        fraction = 1.0 - math.exp(-2.0 * a_mm**2 / beam.radius_mm**2)
    elif beam.profile == "flat_top":
        fraction = min(1.0, a_mm**2 / beam.radius_mm**2)
    else:
        fraction = 1.0
    w_per_mm2 = power_W * fraction / (math.pi * a_mm**2)
    return w_per_mm2 * 100.0 * 1000.0  # W/mm^2 -> W/cm^2 -> mW/cm^2


class PulseTrain(Spec):
    """A regular train of equal rectangular pulses; the irradiance passed with it is the
    time-averaged irradiance, so each pulse carries average irradiance / rate."""

    pulse_duration_s: float = Field(gt=0.0, le=EXPOSURE_MAX_S, description="pulse width, s")
    repetition_rate_Hz: float = Field(gt=0.0, le=1.0e10, description="pulses per second")

    @model_validator(mode="after")
    def _pulses_fit_period(self) -> PulseTrain:
        if self.pulse_duration_s * self.repetition_rate_Hz > 1.0:
            raise ValueError(
                f"pulse_duration_s = {self.pulse_duration_s} at repetition_rate_Hz = "
                f"{self.repetition_rate_Hz}: a pulse must fit in its period (duty cycle <= 1)"
            )
        return self

    @property
    def duty_cycle(self) -> float:
        return self.pulse_duration_s * self.repetition_rate_Hz


_MPE_NOTE = (
    "MPE is an accidental-exposure limit, not a treatment ceiling: therapy lasers exceed it "
    "at the probe by design, so exceeding it is a warning and treatment safety rests on the "
    "temperature limits and thermal model. Irradiance must be averaged over a 3.5 mm "
    "aperture (see aperture_averaged_irradiance_mW_per_cm2)."
)


def skin_mpe_check(
    wavelength_nm: float,
    irradiance_mW_per_cm2: float,
    exposure_s: float,
    *,
    pulse: PulseTrain | None = None,
) -> SafetyCheck:
    """Compare a laser exposure of the skin with the skin MPE.

    `irradiance_mW_per_cm2` is the (time-averaged, for a pulse train) irradiance over the
    3.5 mm limiting aperture; `exposure_s` the exposure duration. Continuous wave: mean
    irradiance against E_MPE(t). Pulsed: rule 1 (each pulse against the single-pulse MPE
    for its width) and rule 2 (every group of pulses, the whole train included, against
    the MPE for the group's duration); the check reports the worse of the two.
    """
    if not (irradiance_mW_per_cm2 >= 0.0 and math.isfinite(irradiance_mW_per_cm2)):
        raise BadInputError(
            "irradiance_mW_per_cm2", irradiance_mW_per_cm2, "must be a finite number >= 0"
        )
    ca = float(correction_factor_ca(wavelength_nm))
    regime = mpe_regime(exposure_s)
    head = f"C_A = {ca:.4f} at {wavelength_nm:g} nm; table row {regime}. "
    if pulse is None:
        limit = float(skin_mpe_irradiance_W_per_cm2(wavelength_nm, exposure_s)) * 1000.0
        return SafetyCheck.compare(
            name="skin MPE (laser)",
            quantity=f"mean irradiance at the skin over {exposure_s:g} s (3.5 mm aperture)",
            value=irradiance_mW_per_cm2,
            limit=limit,
            unit="mW/cm^2",
            severity="warn",
            source=MPE_SOURCE,
            note=head + _MPE_NOTE,
        )
    return _pulsed_check(wavelength_nm, irradiance_mW_per_cm2, exposure_s, pulse, head)


def _pulsed_check(
    wavelength_nm: float,
    irradiance_mW_per_cm2: float,
    exposure_s: float,
    pulse: PulseTrain,
    head: str,
) -> SafetyCheck:
    tau = pulse.pulse_duration_s
    rate = pulse.repetition_rate_Hz
    if tau > exposure_s:
        raise BadInputError(
            "pulse_duration_s", f"{tau:g}", f"must not exceed exposure_s = {exposure_s:g}"
        )
    pulse_J_per_cm2 = irradiance_mW_per_cm2 / 1000.0 / rate
    n_pulses = max(1, math.ceil(exposure_s * rate - 1e-9))
    # A group of k+1 consecutive pulses spans k / rate + tau. Its ratio to the MPE grows
    # with k while the group is shorter than 10 s (energy ~ k, limit ~ t^0.25) and falls
    # beyond (limit ~ t), so the worst group is one of: a single pulse, the groups either
    # side of 10 s, or the whole train.
    k_at_10s = math.floor((THERMAL_TRANSIENT_END_S - tau) * rate)
    candidates = sorted({0, k_at_10s, k_at_10s + 1, n_pulses - 1})
    groups: list[tuple[float, int, float, float]] = []
    for k in candidates:
        if 0 <= k <= n_pulses - 1:
            duration = min(k / rate + tau, exposure_s)
            limit = float(skin_mpe_radiant_exposure_J_per_cm2(wavelength_nm, duration))
            groups.append(((k + 1) * pulse_J_per_cm2 / limit, k, duration, limit))
    ratio, k, duration, limit = max(groups)
    single_limit = float(skin_mpe_radiant_exposure_J_per_cm2(wavelength_nm, tau))
    single_ratio = pulse_J_per_cm2 / single_limit
    if k == 0:
        quantity = f"radiant exposure of one {tau:g} s pulse (rule 1)"
    else:
        quantity = f"radiant exposure of {k + 1} pulses over {duration:g} s (rule 2)"
    note = (
        head
        + f"{n_pulses} pulses at {rate:g} Hz, duty cycle {pulse.duty_cycle:.3g}; "
        + f"single-pulse ratio {single_ratio:.3g}, worst-group ratio {ratio:.3g}. "
        + _MPE_NOTE
    )
    return SafetyCheck.compare(
        name="skin MPE (laser, pulsed)",
        quantity=quantity,
        value=(k + 1) * pulse_J_per_cm2,
        limit=limit,
        unit="J/cm^2",
        severity="warn",
        source=MPE_SOURCE + "; skin repeated-pulse criteria per Schulmeister et al., ILSC 2019",
        note=note,
    )
