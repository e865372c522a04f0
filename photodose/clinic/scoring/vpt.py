"""Vibration perception threshold (VPT, biothesiometer / neurothesiometer) at the pulp of
each great toe, in volts.

Rule: the threshold is the measured voltage; the worse (higher) foot is the score.
>= 25 V at the hallux pulp is abnormal (PMC7950904); VPT > 25 V carried a 19.8 %
cumulative ulceration rate against 2.9 % below 15 V (Young et al., Diabetes Care
1994;17:557). Smallest real difference on retest 24.94 % of the value (Vibratron II,
90 type 2 patients, PMC7084471): a smaller relative change is within measurement error.
Accepted range 0-50 V, the usual scale of these devices (ASSUMPTION: check the device's
own maximum).
"""

from __future__ import annotations

from photodose.clinic.scoring.base import Answer, ChangeMeasure, Instrument, Item, Score, missing_of

VERSION = "hallux-pulp-volts"
ITEMS = tuple(
    Item(f"{side}_V", f"{side} great toe pulp: threshold", minimum=0.0, maximum=50.0, unit="V")
    for side in ("right", "left")
)
ABNORMAL_V = 25.0
SRD_FRACTION = 0.2494
SOURCE = ("Young MJ et al. Diabetes Care 1994;17:557; abnormal >= 25 V: PMC7950904; "
          "smallest real difference 24.94 %: PMC7084471")  # fmt: skip


def score(answers: dict[str, Answer | None], version: str) -> Score:
    missing = missing_of(answers, [item.id for item in ITEMS])
    right, left = answers["right_V"], answers["left_V"]
    total = None
    interpretation = f"no total: {len(missing)} item(s) missing"
    if not missing:
        total = float(max(right, left))  # type: ignore[type-var, arg-type]
        verdict = "abnormal" if total >= ABNORMAL_V else "below the 25 V abnormal threshold"
        interpretation = f"worse foot {total:g} V: {verdict}"
    return Score(
        instrument="vpt", version=version, primary="total",
        scores={"total": total,
                "right": None if right is None else float(right),  # type: ignore[arg-type]
                "left": None if left is None else float(left)},  # type: ignore[arg-type]
        ranges={"total": (0.0, 50.0), "right": (0.0, 50.0), "left": (0.0, 50.0)},
        interpretation=interpretation, missing=missing,
    )  # fmt: skip


INSTRUMENT = Instrument(
    name="vpt", title="Vibration perception threshold at the great toe", versions=(VERSION,),
    source=SOURCE, items_by_version={VERSION: ITEMS}, scorer=score,
    plateau={"total": ChangeMeasure(SRD_FRACTION, True, "smallest real difference 24.94 % "
                                    "(PMC7084471)")},
)  # fmt: skip
