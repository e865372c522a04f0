"""Scoring on the worked examples of shared/domain/outcomes.md (constructed from the
published rules), all-best and all-worst answers, missing items, and the known traps."""

from __future__ import annotations

import pytest

from photodose.clinic.scoring import INSTRUMENTS, instrument, score
from photodose.errors import BadInputError


def mnsi_a(yes: set[int]) -> dict[str, str]:
    return {f"q{i}": "yes" if i in yes else "no" for i in range(1, 16)}


def test_mnsi_a_worked_example() -> None:
    # yes to 1, 2, 4, 5, 10, 11, 13 -> items 1, 2, 5, 11 score, 7 "no" scores, 4 and 10
    # unscored, 13 "yes" (able to sense the feet) scores 0: total 5
    result = score("mnsi_a", mnsi_a({1, 2, 4, 5, 10, 11, 13}))
    assert result.total == 5
    assert result.details == {"at_least_4": True, "at_least_7": False}


def test_mnsi_a_best_and_worst() -> None:
    # best: no to everything except the two reversed items (7, 13), which are "yes"
    assert score("mnsi_a", mnsi_a({7, 13})).total == 0
    # worst: yes to every scored item, no to 7 and 13; items 4 and 10 either way
    worst = set(range(1, 16)) - {7, 13}
    assert score("mnsi_a", mnsi_a(worst)).total == 13
    assert score("mnsi_a", mnsi_a(worst - {4, 10})).total == 13


def test_mnsi_a_phenx_trap() -> None:
    """PhenX 'score each positive response as 1' would give 15 for all yes; Michigan 11."""
    assert score("mnsi_a", mnsi_a(set(range(1, 16)))).total == 11


def test_mnsi_a_missing_item_gives_no_total() -> None:
    answers = mnsi_a({1, 2})
    del answers["q4"]  # even an unscored item: the form is incomplete
    result = score("mnsi_a", answers)
    assert result.total is None and result.missing == ("q4",)


def mnsi_b(version: str, **values: str) -> dict[str, str]:
    items = instrument("mnsi_b").items(version)
    best = {i.id: str(i.allowed[0]) for i in items}
    return {**best, **values}


def test_mnsi_b_worked_example_both_versions() -> None:
    exam = {
        "appearance_right": "abnormal",
        "ankle_reflex_right": "present_with_reinforcement",
        "vibration_right": "decreased",
        "ankle_reflex_left": "absent",
        "vibration_left": "absent",
    }
    eight = score("mnsi_b", mnsi_b("8-point", **exam), "8-point")
    assert eight.total == 4.0 and eight.scores["right"] == 2.0 and eight.scores["left"] == 2.0
    assert "abnormal" in eight.interpretation
    ten = score(
        "mnsi_b",
        mnsi_b(
            "10-point-monofilament",
            **exam,
            monofilament_right="reduced",
            monofilament_left="normal",
        ),
        "10-point-monofilament",
    )
    assert ten.total == 4.5 and ten.version == "10-point-monofilament"


def test_mnsi_b_best_and_worst() -> None:
    for version, maximum in (("8-point", 8.0), ("10-point-monofilament", 10.0)):
        items = instrument("mnsi_b").items(version)
        assert score("mnsi_b", {i.id: i.allowed[0] for i in items}, version).total == 0
        assert score("mnsi_b", {i.id: i.allowed[-1] for i in items}, version).total == maximum


def test_mnsi_b_cutoff_is_2_5() -> None:
    below = score(
        "mnsi_b",
        mnsi_b("8-point", appearance_right="abnormal", vibration_left="decreased"),
        "8-point",
    )
    at = score(
        "mnsi_b",
        mnsi_b(
            "8-point",
            appearance_right="abnormal",
            vibration_left="absent",
            ankle_reflex_left="present_with_reinforcement",
        ),
        "8-point",
    )
    assert below.total == 1.5 and "not abnormal" in below.interpretation
    assert at.total == 2.5 and at.interpretation.endswith("abnormal (cut-off 2.5)")


def test_dn4_worked_example_and_trap() -> None:
    answers = {i.id: "no" for i in instrument("dn4").items()}
    for key in ("burning", "tingling", "pins_and_needles", "numbness", "hypoaesthesia_pinprick"):
        answers[key] = "yes"
    result = score("dn4", answers)
    assert result.total == 5 and result.scores["interview"] == 4
    assert result.scores["examination"] == 1 and result.interpretation.startswith("5/10: positive")
    # the published scorer's trap: with an item left out it sums the rest; here no total
    del answers["brushing"]
    partial = score("dn4", answers)
    assert partial.total is None and partial.scores["examination"] is None
    assert partial.scores["interview"] == 4  # the complete subscale keeps its value


def test_dn4_range_is_0_to_10_with_cutoff_4() -> None:
    items = instrument("dn4").items()
    assert score("dn4", {i.id: "yes" for i in items}).total == 10
    three = {i.id: "no" for i in items} | {"burning": "yes", "itching": "yes", "brushing": "yes"}
    assert "negative" in score("dn4", three).interpretation
    four = three | {"numbness": "yes"}
    assert "positive" in score("dn4", four).interpretation


def test_pain_nrs() -> None:
    assert score("pain_nrs", {"pain": 0}).total == 0
    assert score("pain_nrs", {"pain": 10}).total == 10
    assert score("pain_nrs", {}).total is None
    with pytest.raises(BadInputError, match=r"pain_nrs.pain = 11"):
        score("pain_nrs", {"pain": 11})
    with pytest.raises(BadInputError, match=r"pain_nrs.pain = 7.5"):
        score("pain_nrs", {"pain": 7.5})
    with pytest.raises(BadInputError):
        score("pain_nrs", {"pain": True})  # a bool is not a rating


def test_bctq_worked_example_means() -> None:
    sss = dict(
        zip([f"sss{i}" for i in range(1, 12)], [3, 2, 3, 3, 2, 4, 2, 4, 3, 3, 2], strict=True)
    )
    fss = dict(zip([f"fss{i}" for i in range(1, 9)], [2, 1, 2, 1, 3, 2, 2, 1], strict=True))
    result = score("bctq", sss | fss)
    assert result.scores["sss"] == pytest.approx(31 / 11)
    assert result.scores["fss"] == pytest.approx(14 / 8)
    assert result.total == result.scores["sss"]
    del fss["fss8"]
    partial = score("bctq", sss | fss)
    assert partial.scores["fss"] is None and partial.scores["sss"] == pytest.approx(31 / 11)
    best = score("bctq", {i.id: 1 for i in instrument("bctq").items()})
    worst = score("bctq", {i.id: 5 for i in instrument("bctq").items()})
    assert best.scores == {"sss": 1.0, "fss": 1.0} and worst.scores == {"sss": 5.0, "fss": 5.0}


def test_monofilament_protocols_are_versions() -> None:
    iwgdf = {f"{side}_site_{n}": 3 for side in ("right", "left") for n in (1, 2, 3)}
    iwgdf |= {"right_site_1": 1, "left_site_3": 0, "left_site_2": 2}  # 2 of 3 = sensate
    result = score("monofilament", iwgdf, "iwgdf-3-sites")
    assert result.total == 2 and result.scores["right"] == 1 and result.scores["left"] == 1
    perkins = score("monofilament", {"right_incorrect": 1, "left_incorrect": 5}, "perkins-dorsum-8")
    assert perkins.total == 6
    assert perkins.details == {"right_class": "normal", "left_class": "abnormal"}
    middle = score("monofilament", {"right_incorrect": 2, "left_incorrect": 4}, "perkins-dorsum-8")
    assert middle.details == {"right_class": "reduced", "left_class": "reduced"}
    with pytest.raises(BadInputError, match="must be one of"):
        score("monofilament", {"right_incorrect": 9}, "perkins-dorsum-8")
    with pytest.raises(BadInputError, match="version"):
        score("monofilament", {}, "ten-sites")


def test_vpt() -> None:
    result = score("vpt", {"right_V": 18.0, "left_V": 26})
    assert result.total == 26 and "abnormal" in result.interpretation
    assert "below" in score("vpt", {"right_V": 24.9, "left_V": 10}).interpretation
    with pytest.raises(BadInputError, match=r"vpt.left_V = 51"):
        score("vpt", {"right_V": 1, "left_V": 51})


def test_unknown_item_and_instrument_refused() -> None:
    with pytest.raises(BadInputError, match="unknown"):
        score("pain_nrs", {"pain": 3, "mood": 2})
    with pytest.raises(BadInputError, match="instrument = tcns"):
        score("tcns", {})


@pytest.mark.parametrize("name", sorted(INSTRUMENTS))
def test_templates_list_items_in_order(name: str) -> None:
    chosen = INSTRUMENTS[name]
    for version in chosen.versions:
        template = chosen.template(version)
        assert [i["id"] for i in template["items"]] == [i.id for i in chosen.items(version)]
        assert list(template["answers"]) == [i.id for i in chosen.items(version)]
        assert chosen.score(template["answers"], version).total is None  # blank: no total
