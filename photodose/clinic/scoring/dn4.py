"""DN4 (Douleur Neuropathique en 4 questions), the neuropathic pain screen.

Rule (Bouhassira et al., Pain 2005;114:29-36; item list as in PMC7136290 Table 3): 10
yes/no items, yes = 1: interview (characteristics of the pain) 1 burning, 2 painful cold,
3 electric shocks; (in the same area) 4 tingling, 5 pins and needles, 6 numbness,
7 itching; examination of the painful area 8 hypoaesthesia to touch, 9 hypoaesthesia to
pinprick, 10 pain caused or increased by brushing. Interview subtotal /7, examination /3,
total /10; >= 4 = neuropathic pain (Perez et al., Health Qual Life Outcomes 2007;5:66).
Trap: a published scorer says the range is 0-100 and sums only the answered items; here
the range is 0-10 and a missing item gives no total. A diagnostic screen, not a change
measure: no MCID.
"""

from __future__ import annotations

from photodose.clinic.scoring.base import YES_NO, Answer, Instrument, Item, Score, missing_of

VERSION = "dn4-10"
INTERVIEW = (
    ("burning", "Does the pain have the characteristic of burning?"),
    ("painful_cold", "... painful cold?"),
    ("electric_shocks", "... electric shocks?"),
    ("tingling", "Is the pain associated with tingling in the same area?"),
    ("pins_and_needles", "... pins and needles?"),
    ("numbness", "... numbness?"),
    ("itching", "... itching?"),
)
EXAMINATION = (
    ("hypoaesthesia_touch", "Is the pain located in an area where examination shows "
                            "hypoaesthesia to touch?"),
    ("hypoaesthesia_pinprick", "... hypoaesthesia to pinprick?"),
    ("brushing", "In the painful area, can the pain be caused or increased by brushing?"),
)  # fmt: skip
ITEMS = tuple(Item(key, text, allowed=YES_NO) for key, text in (*INTERVIEW, *EXAMINATION))
CUTOFF = 4
SOURCE = ("Bouhassira D et al. Pain 2005;114:29-36; cut-off >= 4: Perez C et al. Health "
          "Qual Life Outcomes 2007;5:66")  # fmt: skip


def score(answers: dict[str, Answer | None], version: str) -> Score:
    missing = missing_of(answers, [item.id for item in ITEMS])

    def part(keys: tuple[tuple[str, str], ...]) -> float | None:
        if any(answers[k] is None for k, _ in keys):
            return None
        return float(sum(answers[k] == "yes" for k, _ in keys))

    interview, examination = part(INTERVIEW), part(EXAMINATION)
    total = None
    interpretation = f"no total: {len(missing)} item(s) missing"
    if not missing:
        assert interview is not None and examination is not None
        total = interview + examination
        verdict = "positive: neuropathic pain likely" if total >= CUTOFF else "negative"
        interpretation = f"{total:g}/10: {verdict} (cut-off {CUTOFF})"
    return Score(
        instrument="dn4", version=version, primary="total",
        scores={"total": total, "interview": interview, "examination": examination},
        ranges={"total": (0.0, 10.0), "interview": (0.0, 7.0), "examination": (0.0, 3.0)},
        interpretation=interpretation, missing=missing,
    )  # fmt: skip


INSTRUMENT = Instrument(
    name="dn4", title="DN4 neuropathic pain questionnaire", versions=(VERSION,),
    source=SOURCE, items_by_version={VERSION: ITEMS}, scorer=score,
)  # fmt: skip
