"""The 3-D model in the report: the fluence slice as inline SVG with the nerve outlined
where the plan puts it, the nerve dose rows beside the layered estimate, and a plan
saved to JSON renders the same page."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from photodose.planning import Plan, plan
from photodose.report import render_plan_html

sys.path.insert(0, str(Path(__file__).parents[1] / "planning"))
from geometry_cases import ARTERY, model_site  # noqa: E402

WHEN = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def plan_3d(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PHOTODOSE_CACHE_DIR", str(cache))
        return plan(model_site(vessels=(ARTERY,), photons=6_000), "808nm-laser-probe",
                    geometry="3d")  # fmt: skip


def test_the_report_shows_the_slice_with_the_nerve_outlined(plan_3d: Plan) -> None:
    html = render_plan_html(plan_3d, generated=WHEN)
    assert 'id="model-slice"' in html
    section = html[html.index('id="model-slice"'):]
    svg = section[section.index("<svg"): section.index("</svg>")]
    assert 'id="slice"' in svg
    nerves = re.findall(r'<circle class="nerve-outline" cx="([\d.]+)" cy="([\d.]+)" '
                        r'r="([\d.]+)"', svg)  # fmt: skip
    vessels = re.findall(r'<circle class="vessel-outline"', svg)
    assert len(nerves) == 1 and len(vessels) == 1
    # the nerve's circle sits at the plan's nerve depth: the artery 3 mm above it
    assert plan_3d.model_dose is not None
    outline = next(o for o in plan_3d.model_dose.slice.outlines if o.kind == "nerve")
    assert outline.z_mm == plan_3d.nerve_depth_mm and outline.radius_mm == 1.5
    assert "<title>nerve (tibial nerve)</title>" in svg
    # coloured cells of the fluence, one per pixel of the slice
    cut = plan_3d.model_dose.slice
    assert svg.count("<rect") >= len(cut.x_mm) * len(cut.z_mm)
    assert "matplotlib" not in html


def test_the_3d_rows_sit_beside_the_layered_estimate(plan_3d: Plan) -> None:
    html = render_plan_html(plan_3d, generated=WHEN)
    dose = plan_3d.model_dose
    assert dose is not None
    assert f'data-quantity="model_dose.mean_J_per_cm2" data-value="{dose.mean_J_per_cm2!r}"' in html
    assert (f'data-quantity="model_dose.layered_J_per_cm2" '
            f'data-value="{dose.layered_J_per_cm2!r}"') in html  # fmt: skip
    assert "3-D minus layered" in html and "3-D model" in html


def test_a_3d_plan_from_json_renders_the_same_page(plan_3d: Plan) -> None:
    loaded = Plan.from_json(plan_3d.to_json())
    assert loaded.model_dose == plan_3d.model_dose
    assert render_plan_html(loaded, generated=WHEN) == render_plan_html(plan_3d, generated=WHEN)
