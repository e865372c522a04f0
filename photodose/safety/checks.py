"""The result every safety check returns: what was compared, with what limit, from where.

A check is data, not a verdict hidden in a boolean: it carries the quantity compared, the
value, the limit, the unit, the ratio value / limit (`margin`; above 1 means the limit is
exceeded), what exceeding it means (`severity`) and the source of the limit, so a report
can show the reasoning and a planner can tell which limit binds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import Field, model_validator

from photodose.errors import BadInputError
from photodose.specs.base import Spec

Severity = Literal["block", "warn", "info"]
"""What failing the check means: `block` forbids the exposure, `warn` needs a clinician's
judgement (and is reported with its ratio), `info` is reported only."""

CheckKind = Literal["limit", "advisory"]
"""`limit`: a numeric limit a planner can trade power and time against. `advisory`: a fact
or a statement of applicability (a contraindication, a limit that does not apply); it is
reported but never named as the binding limit."""

SEVERITY_RANK: dict[str, int] = {"block": 0, "warn": 1, "info": 2}


class SafetyCheck(Spec):
    """One comparison of a value against a limit. `passed` is `value <= limit` for limit
    checks; `margin` is `value / limit`."""

    name: str = Field(min_length=1)
    quantity: str = Field(min_length=1, description="what was compared, in words")
    value: float
    limit: float = Field(gt=0.0)
    unit: str
    passed: bool
    severity: Severity
    margin: float = Field(ge=0.0, description="value / limit")
    source: str = Field(min_length=1, description="citation of the limit")
    note: str = ""
    kind: CheckKind = "limit"

    @model_validator(mode="after")
    def _margin_is_ratio(self) -> SafetyCheck:
        expected = self.value / self.limit
        if abs(self.margin - expected) > 1e-9 * max(1.0, abs(expected)):
            raise BadInputError("margin", self.margin, f"must equal value / limit = {expected}")
        return self

    @classmethod
    def compare(
        cls,
        *,
        name: str,
        quantity: str,
        value: float,
        limit: float,
        unit: str,
        severity: Severity,
        source: str,
        note: str = "",
        kind: CheckKind = "limit",
    ) -> SafetyCheck:
        """Build a check that passes when `value <= limit`."""
        value = float(value)
        limit = float(limit)
        return cls(
            name=name,
            quantity=quantity,
            value=value,
            limit=limit,
            unit=unit,
            passed=value <= limit,
            severity=severity,
            margin=value / limit,
            source=source,
            note=note,
            kind=kind,
        )

    def summary(self) -> str:
        """One line: `name: value unit vs limit unit (ratio) ok/EXCEEDED [severity]`; for an
        advisory, `name [severity]: note`."""
        if self.kind == "advisory":
            return f"{self.name} [{self.severity}]: {self.note}"
        verdict = "ok" if self.passed else "EXCEEDED"
        unit = f" {self.unit}" if self.unit else ""
        return (
            f"{self.name}: {self.value:.4g}{unit} vs limit {self.limit:.4g}{unit}"
            f" (ratio {self.margin:.3g}) {verdict} [{self.severity}]"
        )


def ordered(checks: Iterable[SafetyCheck]) -> list[SafetyCheck]:
    """Most serious first: by severity, failed before passed, then largest margin."""
    return sorted(checks, key=lambda c: (SEVERITY_RANK[c.severity], c.passed, -c.margin))


def binding_limit(checks: Iterable[SafetyCheck]) -> SafetyCheck | None:
    """The numeric limit that constrains the exposure most.

    Among `limit` checks (advisories are never binding), those of the most serious
    severity present; of these, the one with the largest margin: the exceeded limit if
    any is exceeded (margin > 1), else the one an increase of power or time would reach
    first. So a `block` limit binds before any `warn` limit (such as the skin MPE, which
    therapy may exceed by design). None when there is no limit check.
    """
    limits = [c for c in checks if c.kind == "limit"]
    if not limits:
        return None
    top = min(SEVERITY_RANK[c.severity] for c in limits)
    return max((c for c in limits if SEVERITY_RANK[c.severity] == top), key=lambda c: c.margin)
