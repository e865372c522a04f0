"""Choose power and time per spot: a pure search over arrays, no I/O.

Pennes' equation with fixed perfusion is linear in the light source, so the temperature
rise at power P is P times the rise at 1 W: one thermal solution at 1 W over the longest
allowed time answers every (power, time) pair. Dose at the nerve is linear in P t.
Among the settings that reach the aimed fluence within the time and temperature limits,
the highest power (shortest time) is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ThermalResponse:
    """Temperatures on the beam axis: baseline (no light) plus power x rise per watt."""

    time_s: np.ndarray  # (T,), starts at 0
    baseline_C: np.ndarray  # (Z,)
    rise_per_W: np.ndarray  # (T, Z), K per W delivered

    def __post_init__(self) -> None:
        # the hottest rise reached at or before each time, per depth
        object.__setattr__(self, "_running_max", np.maximum.accumulate(self.rise_per_W, axis=0))

    def peak_C(self, power_W: float | np.ndarray, duration_s: float | np.ndarray) -> np.ndarray:
        """Hottest axis temperature reached during `duration_s` at `power_W` (broadcast)."""
        power = np.asarray(power_W, dtype=float)
        duration = np.clip(np.asarray(duration_s, dtype=float), 0.0, self.time_s[-1])
        index = np.searchsorted(self.time_s, duration, side="right") - 1
        before = self._running_max[index]  # type: ignore[attr-defined]
        # interpolation of the rise to the exact duration (it keeps rising while on),
        # linear in sqrt(t), not t: under skin-absorbed light the rise grows as sqrt(t)
        # (surface flux on a semi-infinite solid, 2 q sqrt(alpha t / pi) / k; Carslaw &
        # Jaeger 1959, sec 2.9), which this makes exact, and while it is still linear in t
        # (before conduction) this errs high, the safe side. Linear in t read 40.98 C at
        # 4.5 s where the converged solution gives 41.12 C (wrist, 10 W 980 nm on a 2 mm
        # spot, thermal steps at 3.75 and 7.5 s).
        upper = np.minimum(index + 1, len(self.time_s) - 1)
        root = np.sqrt(self.time_s)
        span = np.maximum(root[upper] - root[index], 1e-12)
        fraction = ((np.sqrt(duration) - root[index]) / span)[..., None]
        at_duration = self.rise_per_W[index] + fraction * (
            self.rise_per_W[upper] - self.rise_per_W[index]
        )
        rise = np.maximum(before, at_duration)
        return (self.baseline_C + power[..., None] * rise).max(axis=-1)

    def time_to_reach_C(self, power_W: float, limit_C: float) -> float:
        """First time the axis reaches `limit_C` at `power_W`; inf if it never does."""
        peaks = (self.baseline_C + power_W * self._running_max).max(axis=1)  # type: ignore[attr-defined]
        over = np.nonzero(peaks > limit_C)[0]
        if over.size == 0:
            return float("inf")
        k = int(over[0])
        if k == 0:
            return 0.0
        # linear in sqrt(t) as in peak_C; the peak is convex in sqrt(t) between two steps
        # (a maximum of linear pieces), so this chord crosses the limit no later than it
        s0, s1 = np.sqrt(self.time_s[k - 1]), np.sqrt(self.time_s[k])
        p0, p1 = peaks[k - 1], peaks[k]
        return float((s0 + (limit_C - p0) / (p1 - p0) * (s1 - s0)) ** 2)


@dataclass(frozen=True)
class Setting:
    feasible: bool
    power_W: float
    time_s: float
    fluence_J_per_cm2: float
    binding: str
    explanation: str


def choose_setting(
    *,
    fluence_per_J: float,
    aim_J_per_cm2: float,
    lower_J_per_cm2: float,
    rated_power_W: float,
    min_power_W: float,
    max_time_s: float,
    limit_C: float,
    response: ThermalResponse,
    powers: int = 400,
) -> Setting:
    """`fluence_per_J`: nerve fluence (J/cm^2) per joule delivered (power x time)."""
    if fluence_per_J <= 0.0:
        return Setting(False, rated_power_W, 0.0, 0.0, "no light reaches the nerve",
                       "the transport result has no fluence at the nerve")  # fmt: skip
    candidates = (
        np.array([rated_power_W])
        if min_power_W >= rated_power_W
        else np.geomspace(min_power_W, rated_power_W, powers)
    )
    times = aim_J_per_cm2 / (fluence_per_J * candidates)
    peaks = response.peak_C(candidates, times)
    ok = (times <= max_time_s) & (peaks <= limit_C)
    if ok.any():
        best = int(np.nonzero(ok)[0][-1])
        power, time = float(candidates[best]), float(times[best])
        if best == len(candidates) - 1:
            binding = "dose aim at rated power"
            explanation = (
                f"the device's rated {rated_power_W:g} W reaches the aimed "
                f"{aim_J_per_cm2:.3g} J/cm^2 in {_seconds(time)} within the temperature "
                f"limit ({limit_C:g} C)"
            )
        else:
            binding = "skin temperature"
            explanation = (
                f"at the rated {rated_power_W:g} W the temperature limit ({limit_C:g} C) "
                f"would be passed before the aim is reached; {power:.3g} W for "
                f"{_seconds(time)} keeps the tissue at the limit"
            )
        return Setting(True, power, time, aim_J_per_cm2, binding, explanation)
    # No setting reaches the aim: find the most fluence any setting can deliver safely.
    allowed = np.array([min(max_time_s, response.time_to_reach_C(float(p), limit_C))
                        for p in candidates])  # fmt: skip
    fluences = fluence_per_J * candidates * allowed
    best = int(np.argmax(fluences))
    power, time, fluence = float(candidates[best]), float(allowed[best]), float(fluences[best])
    limited_by = "skin temperature" if allowed[best] < max_time_s else "time per spot"
    if fluence >= lower_J_per_cm2:
        return Setting(True, power, time, fluence, limited_by, (
            f"the aim {aim_J_per_cm2:.3g} J/cm^2 is out of reach; {power:.3g} W for "
            f"{_seconds(time)} delivers {fluence:.3g} J/cm^2, still inside the window "
            f"(limited by {limited_by})"
        ))  # fmt: skip
    return Setting(False, power, time, fluence, limited_by, (
        f"no safe setting reaches the window: at best {fluence:.3g} J/cm^2 "
        f"({power:.3g} W for {_seconds(time)}), below the {lower_J_per_cm2:g} J/cm^2 "
        f"lower bound; {limited_by} stops it"
    ))  # fmt: skip


def _seconds(time_s: float) -> str:
    return f"{time_s:.0f} s" if time_s >= 10.0 else f"{time_s:.2g} s"
