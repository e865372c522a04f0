"""The target window of fluence at the nerve, and where a fluence falls against it.

Photobiomodulation has a biphasic (Arndt-Schulz) dose response: too little light does
nothing, too much inhibits (Huang, Chen, Carroll & Hamblin 2009, Dose-Response 7:358-383,
PMC2790317). The default window, 1-10 J/cm^2 of fluence AT THE TARGET, is an ASSUMPTION
drawn from mixed evidence: Henderson et al. 2024 (Front Neurol,
doi:10.3389/fneur.2024.1398894) state that fluence at the target tissue of 0.9 to
15 J/cm^2 is most effective; Huang et al. 2009 describe stimulation at low doses and
inhibition at high ones. The narrower default keeps a margin inside that range. No trial
in peripheral neuropathy measured the fluence at the nerve. The window is user-settable
and carries its source text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from photodose.dose.validation import require_non_negative
from photodose.specs import Spec

DEFAULT_WINDOW_SOURCE = (
    "ASSUMPTION from mixed evidence: 1-10 J/cm^2 at the target tissue. Biphasic dose "
    "response: Huang YY, Chen AC-H, Carroll JD, Hamblin MR (2009) Dose-Response 7:358-383. "
    "'0.9 to 15 J/cm^2 at the target tissue': Henderson TA et al. (2024) Front Neurol, "
    "doi:10.3389/fneur.2024.1398894. Not established for peripheral nerves."
)

Position = Literal["below", "inside", "above"]


@dataclass(frozen=True)
class WindowClass:
    """Where a fluence lies against the window."""

    position: Position
    margin_J_per_cm2: float
    """Inside: distance to the nearer bound (>= 0). Below: how much is missing to reach
    the lower bound. Above: how much the upper bound is exceeded."""
    factor_to_window: float | None
    """Multiply the exposure (time or power) by this to reach the nearest bound: 1 inside,
    lower/fluence below, upper/fluence above; None for zero fluence (no exposure reaches)."""


class DoseWindow(Spec):
    """Target window of fluence at the nerve, J/cm^2, bounds inclusive."""

    lower_J_per_cm2: float = Field(default=1.0, gt=0.0, le=1.0e4)
    upper_J_per_cm2: float = Field(default=10.0, gt=0.0, le=1.0e4)
    source: str = Field(default=DEFAULT_WINDOW_SOURCE, min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _ordered(self) -> DoseWindow:
        if not self.lower_J_per_cm2 < self.upper_J_per_cm2:
            raise ValueError(
                f"lower_J_per_cm2 = {self.lower_J_per_cm2} must be below "
                f"upper_J_per_cm2 = {self.upper_J_per_cm2}"
            )
        return self

    def classify(self, fluence_J_per_cm2: float) -> WindowClass:
        fluence = require_non_negative("fluence_J_per_cm2", fluence_J_per_cm2)
        lower, upper = self.lower_J_per_cm2, self.upper_J_per_cm2
        if fluence < lower:
            factor = lower / fluence if fluence > 0.0 else None
            return WindowClass("below", lower - fluence, factor)
        if fluence > upper:
            return WindowClass("above", fluence - upper, upper / fluence)
        return WindowClass("inside", min(fluence - lower, upper - fluence), 1.0)
