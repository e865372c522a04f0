"""Michigan Neuropathy Screening Instrument, part B (lower-extremity examination).

Rule, per foot (Herman et al., Diabet Med 2012;29:937, methods; University of Michigan,
"How to Use the MNSI"): appearance normal 0 / abnormal 1 (deformity, dry skin, callus,
infection, fissure); ulceration absent 0 / present 1; ankle reflex present 0 / present
only with reinforcement (Jendrassik) 0.5 / absent 1; vibration at the great toe (128 Hz
fork, dorsum over the DIP joint) present 0 / decreased 0.5 / absent 1. Total 0-8; >= 2.5
is abnormal (Feldman/Herman; Diabetes Res Clin Pract 1998;39:165: sensitivity 78.6 %,
specificity 75 %).
The later form adds the 10 g monofilament per foot, normal 0 / reduced 0.5 / absent 1,
total 0-10 (edc-mnsi calculator and tests, secondary). The two versions are not
comparable, so the version is stored with every result; the 2.5 cut-off belongs to the
8-point form and no cut-off is given for the 10-point form.
"""

from __future__ import annotations

from photodose.clinic.scoring.base import Answer, Instrument, Item, Score, missing_of

EIGHT, TEN = "8-point", "10-point-monofilament"
POINTS: dict[str, dict[str, float]] = {
    "appearance": {"normal": 0.0, "abnormal": 1.0},
    "ulceration": {"absent": 0.0, "present": 1.0},
    "ankle_reflex": {"present": 0.0, "present_with_reinforcement": 0.5, "absent": 1.0},
    "vibration": {"present": 0.0, "decreased": 0.5, "absent": 1.0},
    "monofilament": {"normal": 0.0, "reduced": 0.5, "absent": 1.0},
}
TEXT = {
    "appearance": "appearance of the foot (deformity, dry skin, callus, infection, fissure)",
    "ulceration": "ulceration",
    "ankle_reflex": "ankle reflex",
    "vibration": "vibration perception at the great toe (128 Hz fork)",
    "monofilament": "10 g monofilament",
}
ABNORMAL_CUTOFF = 2.5
SOURCE = ("Herman WH et al. Diabet Med 2012;29:937; Feldman EL et al. Diabetes Care "
          "1994;17:1281; cut-off 2.5: Diabetes Res Clin Pract 1998;39:165")  # fmt: skip


def _items(parts: tuple[str, ...]) -> tuple[Item, ...]:
    return tuple(
        Item(f"{part}_{side}", f"{TEXT[part]}, {side} foot", allowed=tuple(POINTS[part]))
        for side in ("right", "left") for part in parts
    )  # fmt: skip


PARTS = {EIGHT: ("appearance", "ulceration", "ankle_reflex", "vibration")}
PARTS[TEN] = (*PARTS[EIGHT], "monofilament")
ITEMS = {version: _items(parts) for version, parts in PARTS.items()}


def score(answers: dict[str, Answer | None], version: str) -> Score:
    items = ITEMS[version]
    maximum = 8.0 if version == EIGHT else 10.0
    missing = missing_of(answers, [item.id for item in items])
    sides: dict[str, float | None] = {"right": None, "left": None}
    total = None
    interpretation = f"no total: {len(missing)} item(s) missing"
    if not missing:
        for side in sides:
            sides[side] = sum(POINTS[part][str(answers[f"{part}_{side}"])]
                              for part in PARTS[version])  # fmt: skip
        total = float(sum(v for v in sides.values() if v is not None))
        if version == EIGHT:
            verdict = "abnormal" if total >= ABNORMAL_CUTOFF else "not abnormal"
            interpretation = f"{total:g}/8: {verdict} (cut-off {ABNORMAL_CUTOFF:g})"
        else:
            interpretation = (f"{total:g}/10 (monofilament form; no verified cut-off, not "
                              "comparable with the 8-point form)")  # fmt: skip
    return Score(
        instrument="mnsi_b", version=version, primary="total",
        scores={"total": total, "right": sides["right"], "left": sides["left"]},
        ranges={"total": (0.0, maximum), "right": (0.0, maximum / 2),
                "left": (0.0, maximum / 2)},
        interpretation=interpretation, missing=missing,
    )  # fmt: skip


INSTRUMENT = Instrument(
    name="mnsi_b", title="Michigan Neuropathy Screening Instrument, part B (examination)",
    versions=(EIGHT, TEN), source=SOURCE, items_by_version=ITEMS, scorer=score,
)  # fmt: skip
