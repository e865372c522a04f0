"""Michigan Neuropathy Screening Instrument, part A (history questionnaire).

Rule (University of Michigan, "How to Use the MNSI"; the same in the edc-mnsi calculator
and its tests): 15 yes/no items; "yes" to items 1-3, 5-6, 8-9, 11-12, 14-15 scores 1
each; "no" to items 7 and 13 scores 1 (reverse-scored); items 4 (muscle cramps: impaired
circulation) and 10 (weak all over: general asthenia) are not scored; total 0-13; higher is
more neuropathic. Item text as in PhenX protocol 140401.
Trap: PhenX says "score each positive response as a 1", which ignores items 4, 7, 10, 13.
Cut-offs in use differ: >= 7 (the original) and >= 4 (shares reported by Herman et al.,
Diabet Med 2012;29:937, DCCT/EDIC); >= 3 in a Polish validation (World J Diabetes
2023;14:435). No MCID was found. All 15 items are required (unscored items too: a form
with gaps is an incomplete form).
"""

from __future__ import annotations

from photodose.clinic.scoring.base import YES_NO, Answer, Instrument, Item, Score, missing_of

VERSION = "michigan-15"
QUESTIONS = (
    "Are your legs and/or feet numb?",
    "Do you ever have any burning pain in your legs and/or feet?",
    "Are your feet too sensitive to touch?",
    "Do you get muscle cramps in your legs and/or feet?",
    "Do you ever have any prickling feelings in your legs or feet?",
    "Does it hurt when the bed covers touch your skin?",
    "When you get into the tub or shower, are you able to tell the hot water from the cold "
    "water?",
    "Have you ever had an open sore on your foot?",
    "Has your doctor ever told you that you have diabetic neuropathy?",
    "Do you feel weak all over most of the time?",
    "Are your symptoms worse at night?",
    "Do your legs hurt when you walk?",
    "Are you able to sense your feet when you walk?",
    "Is the skin on your feet so dry that it cracks open?",
    "Have you ever had an amputation?",
)
ITEMS = tuple(Item(f"q{i}", text, allowed=YES_NO) for i, text in enumerate(QUESTIONS, 1))
UNSCORED = frozenset({4, 10})
REVERSED = frozenset({7, 13})
SOURCE = ("University of Michigan, How to Use the Michigan Neuropathy Screening Instrument; "
          "Feldman EL et al. Diabetes Care 1994;17:1281")  # fmt: skip


def item_points(number: int, answer: Answer) -> int:
    if number in UNSCORED:
        return 0
    if number in REVERSED:
        return int(answer == "no")
    return int(answer == "yes")


def score(answers: dict[str, Answer | None], version: str) -> Score:
    missing = missing_of(answers, [item.id for item in ITEMS])
    total = None
    interpretation = f"no total: {len(missing)} item(s) missing"
    if not missing:
        total = float(sum(item_points(i, answers[f"q{i}"]) for i in range(1, 16)))  # type: ignore[arg-type]
        interpretation = (
            f"{total:g}/13 abnormal responses; "
            f"{'at or above' if total >= 7 else 'below'} the original cut-off of 7, "
            f"{'at or above' if total >= 4 else 'below'} 4 (cut-offs differ between studies)"
        )
    return Score(
        instrument="mnsi_a", version=version, primary="total", scores={"total": total},
        ranges={"total": (0.0, 13.0)}, interpretation=interpretation, missing=missing,
        details={} if total is None else {"at_least_4": total >= 4, "at_least_7": total >= 7},
    )  # fmt: skip


INSTRUMENT = Instrument(
    name="mnsi_a", title="Michigan Neuropathy Screening Instrument, part A (history)",
    versions=(VERSION,), source=SOURCE, items_by_version={VERSION: ITEMS}, scorer=score,
)  # fmt: skip
