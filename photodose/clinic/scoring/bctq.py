"""Boston Carpal Tunnel Questionnaire (Levine et al., J Bone Joint Surg Am 1993;75:1585).

Rule: Symptom Severity Scale (SSS), 11 items, and Functional Status Scale (FSS), 8
activities (item list: PMC2532277 Table 2); each item 1-5 (1 = no symptom / no
difficulty, 5 = most severe / cannot do); each scale is the mean of its items, and the two
are separate scores (the mean form; some papers sum the items instead: not comparable).
No published rule for missing items was verified, so a scale with any item missing has no
score. SSS: smallest detectable change (SDC95) 0.55 (Norwegian BCTQ, Front Neurol 2021,
10.3389/fneur.2021.683807); MCID 1.04 after steroid injection (J Hand Surg Am
2006;31:733).
"""

from __future__ import annotations

from statistics import fmean

from photodose.clinic.scoring.base import Answer, ChangeMeasure, Instrument, Item, Score, missing_of

VERSION = "levine-1993-mean"
SSS = (
    "How severe is the hand or wrist pain that you have at night?",
    "How often did hand or wrist pain wake you up during a typical night in the past two "
    "weeks?",
    "Do you typically have pain in your hand or wrist during the daytime?",
    "How often do you have hand or wrist pain during the daytime?",
    "How long, on average, does an episode of pain last during the daytime?",
    "Do you have numbness (loss of sensation) in your hand?",
    "Do you have weakness in your hand or wrist?",
    "Do you have tingling sensations in your hand?",
    "How severe is numbness (loss of sensation) or tingling at night?",
    "How often did hand numbness or tingling wake you up during a typical night during the "
    "past two weeks?",
    "Do you have difficulty with the grasping and use of small objects such as keys or pens?",
)
FSS = (
    "Writing", "Buttoning of clothes", "Holding a book while reading",
    "Gripping of a telephone handle", "Opening of jars", "Household chores",
    "Carrying of grocery bags", "Bathing and dressing",
)  # fmt: skip
LEVELS = (1, 2, 3, 4, 5)
ITEMS = (
    *(Item(f"sss{i}", text, allowed=LEVELS) for i, text in enumerate(SSS, 1)),
    *(Item(f"fss{i}", text, allowed=LEVELS) for i, text in enumerate(FSS, 1)),
)
SOURCE = ("Levine DW et al. J Bone Joint Surg Am 1993;75:1585-1592; items: PMC2532277 "
          "Table 2")  # fmt: skip


def score(answers: dict[str, Answer | None], version: str) -> Score:
    ids = [item.id for item in ITEMS]
    missing = missing_of(answers, ids)

    def scale(prefix: str, count: int) -> float | None:
        values = [answers[f"{prefix}{i}"] for i in range(1, count + 1)]
        if any(v is None for v in values):
            return None
        return fmean(float(v) for v in values)  # type: ignore[arg-type]

    sss, fss = scale("sss", len(SSS)), scale("fss", len(FSS))
    parts = [f"{name} {value:.2f}" for name, value in (("SSS", sss), ("FSS", fss))
             if value is not None]  # fmt: skip
    interpretation = ("; ".join(parts) + " (means, 1 = best, 5 = worst)") if parts else (
        "no scores: items missing")
    if missing and parts:
        interpretation += f"; {len(missing)} item(s) missing"
    return Score(
        instrument="bctq", version=version, primary="sss", scores={"sss": sss, "fss": fss},
        ranges={"sss": (1.0, 5.0), "fss": (1.0, 5.0)}, interpretation=interpretation,
        missing=missing,
    )  # fmt: skip


INSTRUMENT = Instrument(
    name="bctq", title="Boston Carpal Tunnel Questionnaire (SSS and FSS means)",
    versions=(VERSION,), source=SOURCE, items_by_version={VERSION: ITEMS}, scorer=score,
    plateau={"sss": ChangeMeasure(0.55, False, "SDC95 0.55 (Front Neurol 2021, "
                                  "10.3389/fneur.2021.683807)")},
)  # fmt: skip
