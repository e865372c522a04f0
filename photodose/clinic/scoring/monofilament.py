"""10 g (5.07) Semmes-Weinstein monofilament, result by site, with the protocol recorded.

Totals from different protocols (site sets, stimuli) are not comparable, so each protocol
is its own version of this instrument:

- `iwgdf-3-sites` (IWGDF guidance; text reproduced at dmdisease.com, secondary): three
  sites per foot; at each site the filament is applied twice with at least one sham in
  between, three questions in all; protective sensation is present at the site with 2 of
  3 correct answers, absent with 2 of 3 wrong. Raw answer per site: correct answers
  0-3. Score: insensate sites 0-6 (and per foot 0-3). Which three sites the clinic uses is
  recorded with the assessment (protocol note); the item ids number them.
- `perkins-dorsum-8` (Perkins et al., Diabetes Care 2001;24:250): dorsum of the great toe,
  8 stimuli per foot; raw answer per foot: incorrect responses 0-8; <= 1 normal, >= 5
  abnormal, 2-4 reduced (between the two published bounds). Score: incorrect responses,
  both feet, 0-16.
No MCID exists; PBM trials report the count of insensate sites (Harkless 2006).
"""

from __future__ import annotations

from photodose.clinic.scoring.base import Answer, Instrument, Item, Score, missing_of

IWGDF, PERKINS = "iwgdf-3-sites", "perkins-dorsum-8"
SIDES = ("right", "left")
IWGDF_ITEMS = tuple(
    Item(f"{side}_site_{n}", f"{side} foot, site {n}: correct answers of 3 (2 applications "
         "+ 1 sham)", allowed=(0, 1, 2, 3))
    for side in SIDES for n in (1, 2, 3)
)  # fmt: skip
PERKINS_ITEMS = tuple(
    Item(f"{side}_incorrect", f"{side} foot, dorsum of the great toe: incorrect responses "
         "of 8 stimuli", allowed=tuple(range(9)))
    for side in SIDES
)  # fmt: skip
SOURCE = ("IWGDF guidance on the 10 g monofilament (2 of 3 rule); Perkins BA et al. "
          "Diabetes Care 2001;24:250 (8 stimuli at the great toe)")  # fmt: skip


def score(answers: dict[str, Answer | None], version: str) -> Score:
    items = IWGDF_ITEMS if version == IWGDF else PERKINS_ITEMS
    missing = missing_of(answers, [item.id for item in items])
    per_side: dict[str, float | None] = {side: None for side in SIDES}
    details: dict[str, object] = {}
    if version == IWGDF:
        maximum_side = 3.0
        sensate = {item.id: answers[item.id] is not None and int(answers[item.id]) >= 2  # type: ignore[arg-type]
                   for item in items}  # fmt: skip
        for side in SIDES:
            ids = [f"{side}_site_{n}" for n in (1, 2, 3)]
            if all(answers[i] is not None for i in ids):
                per_side[side] = float(sum(not sensate[i] for i in ids))
        details["site_sensate"] = {k: v for k, v in sensate.items() if answers[k] is not None}
    else:
        maximum_side = 8.0
        for side in SIDES:
            value = answers[f"{side}_incorrect"]
            if value is not None:
                per_side[side] = float(value)  # type: ignore[arg-type]
                details[f"{side}_class"] = _perkins_class(int(value))  # type: ignore[arg-type]
    total = None
    interpretation = f"no total: {len(missing)} item(s) missing"
    if not missing:
        total = float(sum(v for v in per_side.values() if v is not None))
        interpretation = (f"{total:g} of 6 sites without protective sensation" if version == IWGDF
                          else f"{total:g} incorrect of 16 stimuli; right "
                          f"{details['right_class']}, left {details['left_class']}")  # fmt: skip
    return Score(
        instrument="monofilament", version=version, primary="total",
        scores={"total": total, **per_side},
        ranges={"total": (0.0, 2 * maximum_side), "right": (0.0, maximum_side),
                "left": (0.0, maximum_side)},
        interpretation=interpretation, missing=missing, details=details,
    )  # fmt: skip


def _perkins_class(incorrect: int) -> str:
    if incorrect <= 1:
        return "normal"
    return "abnormal" if incorrect >= 5 else "reduced"


INSTRUMENT = Instrument(
    name="monofilament", title="10 g Semmes-Weinstein monofilament by site",
    versions=(IWGDF, PERKINS), source=SOURCE,
    items_by_version={IWGDF: IWGDF_ITEMS, PERKINS: PERKINS_ITEMS}, scorer=score,
)  # fmt: skip
