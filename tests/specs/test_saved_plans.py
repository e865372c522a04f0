"""Saved plans keep loading: one plan saved per schema version (tests/specs/plans/
plan_v<N>.json) loads and renders its report without re-planning."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from photodose.planning import Plan
from photodose.planning.plan import PLAN_SCHEMA_VERSION
from photodose.report import render_plan_html

PLANS = Path(__file__).parent / "plans"
SAVED = sorted(PLANS.glob("plan_v*.json"))


def version_of(path: Path) -> int:
    found = re.fullmatch(r"plan_v(\d+)\.json", path.name)
    assert found, path
    return int(found.group(1))


def test_every_schema_version_has_a_saved_plan() -> None:
    assert sorted(version_of(path) for path in SAVED) == list(range(1, PLAN_SCHEMA_VERSION + 1))


@pytest.mark.parametrize("path", SAVED, ids=[path.stem for path in SAVED])
def test_a_saved_plan_loads_and_renders(path: Path) -> None:
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["schema_version"] == version_of(path)
    plan = Plan.load(path)
    assert plan.schema_version == PLAN_SCHEMA_VERSION  # upgraded on loading
    html = render_plan_html(plan)
    # depth and temperature figures, and the 3-D model's slice when the plan has one
    figures = 2 + (saved.get("model_dose") is not None)
    assert html.count("<svg") == figures and "Treatment plan:" in html
    assert (plan.model_dose is not None) == ('class="nerve-outline"' in html)
    assert f"photodose {saved['photodose_version']}" in html
    # the numbers shown are the saved ones
    for key in ("nerve_fluence_J_per_cm2", "time_per_spot_s", "peak_skin_temperature_C"):
        assert f'data-quantity="{key}" data-value="{saved[key]!r}"' in html


def test_an_unversioned_plan_is_refused_with_a_clear_error() -> None:
    saved = json.loads(SAVED[-1].read_text(encoding="utf-8"))
    for key in ("schema_version", "axial", "penetration", "temperature", "site"):
        saved.pop(key)
    with pytest.raises(ValidationError, match="saved before plans were versioned"):
        Plan.model_validate(saved)


def test_a_plan_from_a_newer_photodose_is_refused() -> None:
    saved = json.loads(SAVED[-1].read_text(encoding="utf-8"))
    saved["schema_version"] = PLAN_SCHEMA_VERSION + 1
    with pytest.raises(ValidationError, match="reads plan versions 1 to"):
        Plan.model_validate(saved)
