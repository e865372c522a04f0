"""Pain intensity, 0-10 numeric rating scale (NRS).

Rule: one item, the patient's rating of pain on an 11-point scale, 0 = no pain,
10 = worst possible pain; the score is the rating (Farrar et al., Pain 2001;94:149-158,
PubMed 11690728). Clinically important change: a reduction of about 2 points or about
30 % (same source; anchored on PGIC "much" or "very much improved" in 2724 subjects of
10 pregabalin trials). Farrar's ratings were daily diary means; a single clinic reading is
noisier. LOINC 72514-3.
"""

from __future__ import annotations

from photodose.clinic.scoring.base import Answer, ChangeMeasure, Instrument, Item, Score

VERSION = "nrs-11"
ITEMS = (Item("pain", "Pain intensity (0 = no pain, 10 = worst possible pain)",
              allowed=tuple(range(11))),)  # fmt: skip
SOURCE = "Farrar JT et al. Pain 2001;94:149-158 (PubMed 11690728)"
LOINC = "72514-3"


def score(answers: dict[str, Answer | None], version: str) -> Score:
    rating = answers["pain"]
    total = None if rating is None else float(rating)  # type: ignore[arg-type]
    return Score(
        instrument="pain_nrs", version=version, primary="total", scores={"total": total},
        ranges={"total": (0.0, 10.0)},
        interpretation="no total: the rating is missing" if total is None
        else "0 = no pain, 10 = worst possible pain (higher is worse)",
        missing=() if total is not None else ("pain",),
    )  # fmt: skip


INSTRUMENT = Instrument(
    name="pain_nrs", title="Pain intensity 0-10 numeric rating scale", versions=(VERSION,),
    source=SOURCE, items_by_version={VERSION: ITEMS}, scorer=score,
    plateau={"total": ChangeMeasure(2.0, False, "clinically important change of about 2 "
                                    "points: " + SOURCE)},
)  # fmt: skip
