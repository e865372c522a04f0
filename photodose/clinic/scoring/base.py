"""What every instrument shares: its items, the check of raw answers, the scored result.

An instrument takes the raw item answers (a mapping item id -> answer) and returns a
`Score`. Answers are checked first: an unknown item or a value outside the item's allowed
values raises BadInputError naming both; a required item left out (or given as null) is
not an error but gives no score: `scores[...]` is None and `missing` names the items.
Never sum the answered items of an incomplete form (outcomes.md: a published DN4 scorer
does, wrongly).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from photodose.errors import BadInputError

Answer = str | int | float | bool


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    allowed: tuple[Answer, ...] = ()
    """The allowed answers; empty when `minimum`/`maximum` bound a number instead."""
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""

    def check(self, instrument: str, value: Answer) -> Answer:
        if self.allowed:
            # bool is an int in Python: True must not pass for 1 (or the reverse)
            if any(value == a and type(value) is type(a) for a in self.allowed):
                return value
            raise BadInputError(f"{instrument}.{self.id}", value,
                                f"must be one of {list(self.allowed)}")  # fmt: skip
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadInputError(f"{instrument}.{self.id}", value, "must be a number")
        assert self.minimum is not None and self.maximum is not None
        if not self.minimum <= value <= self.maximum:
            raise BadInputError(f"{instrument}.{self.id}", value,
                                f"must be {self.minimum:g}-{self.maximum:g} {self.unit}".rstrip())
        return value

    def template(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": self.id, "text": self.text}
        if self.allowed:
            entry["allowed"] = list(self.allowed)
        else:
            entry["minimum"], entry["maximum"] = self.minimum, self.maximum
            if self.unit:
                entry["unit"] = self.unit
        return entry


@dataclass(frozen=True)
class ChangeMeasure:
    """How a score's change is judged: a threshold and where it comes from.

    `relative`: the threshold is a fraction of the baseline (e.g. 0.3 = 30 %)."""

    threshold: float
    relative: bool
    source: str


@dataclass(frozen=True)
class Score:
    instrument: str
    version: str
    primary: str
    scores: dict[str, float | None]
    ranges: dict[str, tuple[float, float]]
    interpretation: str
    missing: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float | None:
        return self.scores[self.primary]

    @property
    def complete(self) -> bool:
        return not self.missing

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "primary": self.primary,
            "total": self.total,
            "scores": self.scores,
            "ranges": {k: list(v) for k, v in self.ranges.items()},
            "complete": self.complete,
            "missing": list(self.missing),
            "interpretation": self.interpretation,
            "details": self.details,
        }


@dataclass(frozen=True)
class Instrument:
    """One validated instrument. `score` is the instrument module's own function."""

    name: str
    title: str
    versions: tuple[str, ...]
    source: str
    items_by_version: Mapping[str, tuple[Item, ...]]
    scorer: Any  # Callable[[dict[str, Answer], str], Score]
    plateau: Mapping[str, ChangeMeasure] = field(default_factory=dict)
    """Per score: the smallest change that counts (SDC or MCID), for the plateau rule."""
    higher_is_worse: bool = True

    @property
    def default_version(self) -> str:
        return self.versions[0]

    def items(self, version: str | None = None) -> tuple[Item, ...]:
        return self.items_by_version[self._version(version)]

    def _version(self, version: str | None) -> str:
        chosen = version or self.default_version
        if chosen not in self.versions:
            raise BadInputError(f"{self.name} version", chosen,
                                f"must be one of {list(self.versions)}")  # fmt: skip
        return chosen

    def template(self, version: str | None = None) -> dict[str, Any]:
        chosen = self._version(version)
        return {
            "instrument": self.name,
            "title": self.title,
            "version": chosen,
            "versions": list(self.versions),
            "source": self.source,
            "items": [item.template() for item in self.items(chosen)],
            "answers": {item.id: None for item in self.items(chosen)},
        }

    def score(self, answers: Mapping[str, Answer | None], version: str | None = None) -> Score:
        chosen = self._version(version)
        checked = check_answers(self.name, self.items(chosen), answers)
        return self.scorer(checked, chosen)


def check_answers(
    instrument: str, items: Sequence[Item], answers: Mapping[str, Answer | None]
) -> dict[str, Answer | None]:
    """Answers by item id, each checked; unknown ids refused; absent items -> None."""
    if not isinstance(answers, Mapping):
        raise BadInputError(f"{instrument} answers", type(answers).__name__,
                            "must be an object mapping item ids to answers")  # fmt: skip
    known = {item.id: item for item in items}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise BadInputError(f"{instrument} item", unknown[0],
                            f"unknown; items are {list(known)}")  # fmt: skip
    return {
        item.id: (None if answers.get(item.id) is None
                  else item.check(instrument, answers[item.id]))  # type: ignore[arg-type]
        for item in items
    }  # fmt: skip


def missing_of(answers: Mapping[str, Answer | None], ids: Sequence[str]) -> tuple[str, ...]:
    return tuple(i for i in ids if answers.get(i) is None)


YES_NO: tuple[Answer, ...] = ("yes", "no")
