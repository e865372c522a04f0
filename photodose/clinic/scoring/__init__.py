"""Validated instruments, one module each, scored exactly as published from raw answers.

Only instruments whose scoring rule was verified against the published form are here
(shared/domain/outcomes.md); TCNS, mTCNS, UENS and NTSS-6 wait for that check.
"""

from __future__ import annotations

from collections.abc import Mapping

from photodose.clinic.scoring import bctq, dn4, mnsi_a, mnsi_b, monofilament, pain_nrs, vpt
from photodose.clinic.scoring.base import Answer, ChangeMeasure, Instrument, Item, Score
from photodose.errors import BadInputError

INSTRUMENTS: dict[str, Instrument] = {
    module.INSTRUMENT.name: module.INSTRUMENT
    for module in (pain_nrs, mnsi_a, mnsi_b, dn4, monofilament, vpt, bctq)
}


def instrument(name: str) -> Instrument:
    try:
        return INSTRUMENTS[name]
    except KeyError:
        raise BadInputError("instrument", name, f"must be one of {list(INSTRUMENTS)}") from None


def score(name: str, answers: Mapping[str, Answer | None], version: str | None = None) -> Score:
    return instrument(name).score(answers, version)


__all__ = ["INSTRUMENTS", "ChangeMeasure", "Instrument", "Item", "Score", "instrument", "score"]
