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

CheckKind = Literal["limit", "advisory", "not_applicable"]
"""`limit`: a numeric limit a planner can trade power and time against. `advisory`: a fact
(a contraindication or a precaution from the screening). `not_applicable`: a limit that
does not apply to this exposure, with the reason. Only `limit` checks can bind."""

Status = Literal[
    "within limit", "exceeded", "not applicable", "contraindication", "precaution", "note"
]
"""What a reader is told about a check: one word for the table, the same for the banner."""
CONCERNS: frozenset[str] = frozenset({"exceeded", "contraindication", "precaution"})

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
        """Build a check that passes when `value <= limit` (a limit that does not apply
        never fails)."""
        value = float(value)
        limit = float(limit)
        return cls(
            name=name,
            quantity=quantity,
            value=value,
            limit=limit,
            unit=unit,
            passed=value <= limit or kind == "not_applicable",
            severity=severity,
            margin=value / limit,
            source=source,
            note=note,
            kind=kind,
        )

    @property
    def status(self) -> Status:
        """`within limit` / `exceeded` for limits; `not applicable`; for advisories the
        level as a clinician reads it: `contraindication` (block), `precaution` (warn),
        `note` (info)."""
        if self.kind == "not_applicable":
            return "not applicable"
        if self.kind == "advisory":
            levels: dict[str, Status] = {
                "block": "contraindication", "warn": "precaution", "info": "note"
            }  # fmt: skip
            return levels[self.severity]
        return "within limit" if self.passed else "exceeded"

    @property
    def is_concern(self) -> bool:
        """Exceeded, a contraindication or a precaution: what the verdict must mention."""
        return self.status in CONCERNS

    def summary(self) -> str:
        """One line: `name: value unit vs limit unit (ratio) ok/EXCEEDED [severity]`; for an
        advisory, `name [severity]: note`."""
        if self.kind != "limit":
            return f"{self.name} [{self.status}]: {self.note}"
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
