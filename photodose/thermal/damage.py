"""Thermal damage from a temperature history: Arrhenius damage integral and CEM43 dose.

Arrhenius (first-order rate process): Omega(t) = integral A exp(-Ea / (R T)) dt, T in
kelvin; the surviving fraction is exp(-Omega), and Omega = 1 is the usual threshold of
irreversible injury (for skin, the Henriques criterion for a second-degree burn).
Default coefficients are Henriques' for porcine skin: A = 3.1e98 1/s, Ea = 6.28e5 J/mol
(Henriques FC, 1947, Arch Pathol 43:489-502, "Studies of thermal injury V"). ASSUMPTION:
the paper itself was not read for this package; the pair was checked only as reproduced
consistently in secondary sources (burn-model literature and code). Henriques fitted them
for basal-layer temperatures of about 44 C and above; at 37 C their rate is 5e-8 1/s,
Omega 1e-4 per half hour, so no lower cut-off is applied.

CEM43 (Sapareto SA, Dewey WC, 1984, Int J Radiat Oncol Biol Phys 10:787-800): cumulative
equivalent minutes at 43 C, integral R^(43 - T) dt in minutes, with R = 0.5 at and above
43 C and R = 0.25 below.

Both integrals use the trapezoid rule over the samples given, exact for constant T.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from photodose.errors import BadInputError
from photodose.units import S_PER_MIN, ZERO_CELSIUS_K

# CODATA 2018 (exact since the 2019 SI redefinition).
GAS_CONSTANT_J_PER_MOL_K = 8.314462618

HENRIQUES_FREQUENCY_FACTOR_PER_S = 3.1e98
HENRIQUES_ACTIVATION_ENERGY_J_PER_MOL = 6.28e5

CEM43_REFERENCE_C = 43.0
CEM43_R_ABOVE = 0.5
CEM43_R_BELOW = 0.25


def arrhenius_rate_per_s(
    temperature_C: ArrayLike,
    frequency_factor_per_s: float = HENRIQUES_FREQUENCY_FACTOR_PER_S,
    activation_energy_J_per_mol: float = HENRIQUES_ACTIVATION_ENERGY_J_PER_MOL,
) -> NDArray[np.float64]:
    """dOmega/dt = A exp(-Ea / (R T)), 1/s."""
    kelvin = np.asarray(temperature_C, dtype=np.float64) + ZERO_CELSIUS_K
    # in logs: A alone is ~1e98 and its product with a tiny exponential loses nothing this way
    exponent = np.log(frequency_factor_per_s) - activation_energy_J_per_mol / (
        GAS_CONSTANT_J_PER_MOL_K * kelvin
    )
    return np.exp(exponent)


def cem43_rate(temperature_C: ArrayLike) -> NDArray[np.float64]:
    """Equivalent minutes at 43 C per minute at temperature T: R^(43 - T)."""
    t = np.asarray(temperature_C, dtype=np.float64)
    base = np.where(t >= CEM43_REFERENCE_C, CEM43_R_ABOVE, CEM43_R_BELOW)
    return base ** (CEM43_REFERENCE_C - t)


def _trapezoid(time_s: ArrayLike, rate: NDArray[np.float64]) -> NDArray[np.float64]:
    times = np.asarray(time_s, dtype=np.float64)
    if times.ndim != 1 or times.size != rate.shape[0]:
        raise ValueError(
            f"time_s has {times.size} samples; temperature_C needs as many along its first axis"
        )
    if times.size and np.any(np.diff(times) < 0):
        raise BadInputError("time_s", "decreasing", "must not decrease")
    steps = np.diff(times).reshape((-1,) + (1,) * (rate.ndim - 1))
    return np.sum(0.5 * (rate[1:] + rate[:-1]) * steps, axis=0)


def arrhenius_damage(
    time_s: ArrayLike,
    temperature_C: ArrayLike,
    frequency_factor_per_s: float = HENRIQUES_FREQUENCY_FACTOR_PER_S,
    activation_energy_J_per_mol: float = HENRIQUES_ACTIVATION_ENERGY_J_PER_MOL,
) -> NDArray[np.float64]:
    """Omega over a history: time along the first axis of `temperature_C`."""
    rate = arrhenius_rate_per_s(temperature_C, frequency_factor_per_s, activation_energy_J_per_mol)
    return _trapezoid(time_s, rate)


def cem43_minutes(time_s: ArrayLike, temperature_C: ArrayLike) -> NDArray[np.float64]:
    """CEM43 in minutes over a history: time (s) along the first axis of `temperature_C`."""
    return _trapezoid(time_s, cem43_rate(temperature_C)) / S_PER_MIN
