"""The HTML plan report: contents, numbers, self-containment and escaping."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from report_html import read_report, squeeze

from photodose.planning import Plan, Verification, plan
from photodose.report import render_plan_html, write_plan_report
from photodose.safety import ScreeningInput
from photodose.tissue import load_site
from photodose.tissue.site import ASSUMPTION_MARK
from photodose.views.rows import number

# Plan fields the report must show, each in a cell carrying its exact value.
SHOWN_FIELDS = (
    "power_W",
    "time_per_spot_s",
    "spots",
    "session_duration_s",
    "peak_irradiance_mW_per_cm2",
    "mean_irradiance_mW_per_cm2",
    "surface_dose_J_per_cm2",
    "energy_per_spot_J",
    "nerve_fluence_J_per_cm2",
    "nerve_fluence_min_J_per_cm2",
    "nerve_fluence_rate_mW_per_cm2",
    "fraction_of_surface_irradiance",
    "peak_skin_temperature_C",
    "peak_tissue_temperature_C",
    "temperature_limit_C",
    "damage_omega",
)


@pytest.fixture(scope="module")
def feasible_html(feasible_plan: Plan) -> str:
    return render_plan_html(feasible_plan)


@pytest.fixture(scope="module")
def infeasible_html(infeasible_plan: Plan) -> str:
    return render_plan_html(infeasible_plan)


def test_feasible_report_holds_the_plans_numbers(feasible_plan: Plan, feasible_html: str) -> None:
    page = read_report(feasible_html)
    for name in SHOWN_FIELDS:
        value = getattr(feasible_plan, name)
        assert float(page.quantities[name]) == pytest.approx(value, rel=1e-12), name
    # and the same numbers as people read them
    text = page.text
    assert f"{number(feasible_plan.power_W)} W" in text
    assert number(feasible_plan.time_per_spot_s) in text
    assert number(feasible_plan.nerve_fluence_J_per_cm2) in text
    assert number(feasible_plan.nerve_fluence_min_J_per_cm2) in text
    assert f"{feasible_plan.sessions_per_week} sessions/week x {feasible_plan.weeks} weeks" in text
    assert page.quantities["feasible"] == "True"
    assert "Within every safety limit checked:" in text
    assert "reporting band (an assumption, not an established target for nerves)" in text
    assert number(feasible_plan.request.device.average_power_W) in text


def test_report_names_the_binding_constraint_and_explains_it(
    feasible_plan: Plan, feasible_html: str
) -> None:
    page = read_report(feasible_html)
    assert feasible_plan.binding.startswith("dose aim at rated power")
    assert page.quantities.get("binding") is None  # a text, not a number
    assert f"What limits this plan: {squeeze(feasible_plan.binding)}" in page.text
    assert squeeze(feasible_plan.explanation) in page.text
    assert "No safety limit is reached" in page.text


def test_report_lists_every_check_and_every_source(feasible_plan: Plan, feasible_html: str) -> None:
    page = read_report(feasible_html)
    assert page.checks == [check.name for check in feasible_plan.checks]
    for check in feasible_plan.checks:
        assert squeeze(check.source) in page.text
        assert squeeze(check.quantity) in page.text
    for source in feasible_plan.sources:
        assert squeeze(source) in page.text
    # the insensate patient's stricter limit
    assert "insensate" in page.text and f"{feasible_plan.temperature_limit_C:g}" in page.text


def test_report_keeps_skin_and_nerve_doses_apart(feasible_plan: Plan, feasible_html: str) -> None:
    text = read_report(feasible_html).text
    assert "Surface dose (peak irradiance x time)" in text
    assert "NOT the dose at the nerve" in text
    assert "Fluence at the nerve, mean over its cross-section" in text
    assert "Fluence at the nerve, minimum over its cross-section" in text
    cco = feasible_plan.cco_weighted_fluence_J_per_cm2
    assert cco is not None
    assert f"Fluence at the nerve weighted by CCO absorption {number(cco)} J/cm²" in text


def test_report_flags_every_assumption(feasible_plan: Plan, feasible_html: str) -> None:
    text = read_report(feasible_html).text
    start = text.index("Assumptions These values")
    section = text[start : text.index(" Notes ", start)]
    site = feasible_plan.request.site.for_patient(feasible_plan.request.patient)
    texts = [layer.source for layer in site.layers] + [
        site.nerve.source,
        feasible_plan.request.device.source,
        feasible_plan.request.window.source,
    ]
    flagged = [t for t in texts if ASSUMPTION_MARK in t]
    assert flagged, "the test site should rest on some assumptions"
    for source in flagged:
        assert squeeze(source) in section
    for note in feasible_plan.notes:
        assert squeeze(note) in text


def test_report_tests_the_depth_claim(feasible_plan: Plan, feasible_html: str) -> None:
    text = read_report(feasible_html).text
    assert 'Popular descriptions say near-infrared light "penetrates 2 to 7 cm".' in text
    one_percent = feasible_plan.depth_1pct_mm
    assert one_percent is not None
    assert f"falls to 1 % of the incident irradiance at {one_percent / 10:.2g} cm" in text
    assert f"{number(feasible_plan.depth_10pct_mm)} mm" in text


def test_infeasible_report_says_so(infeasible_plan: Plan, infeasible_html: str) -> None:
    assert not infeasible_plan.feasible
    assert infeasible_plan.binding == "time per spot"
    page = read_report(infeasible_html)
    assert page.quantities["feasible"] == "False"
    assert "Not feasible: no safe setting reaches the aim" in page.text
    assert "1-10 J/cm² reporting band (an assumption" in page.text
    assert f"What limits this plan: {squeeze(infeasible_plan.binding)}" in page.text
    assert "The longest allowed time per spot (1,200 s) limits the dose" in page.text
    assert "These are the best safe settings found" in page.text
    assert float(page.quantities["nerve_fluence_J_per_cm2"]) == pytest.approx(
        infeasible_plan.nerve_fluence_J_per_cm2
    )
    assert "below the window" in page.text
    assert 'class="verdict infeasible ' in infeasible_html


@pytest.mark.parametrize("which", ["feasible_html", "infeasible_html"])
def test_report_is_self_contained(which: str, request: pytest.FixtureRequest) -> None:
    html: str = request.getfixturevalue(which)
    page = read_report(html)
    assert "script" not in page.tags and "link" not in page.tags
    assert "img" not in page.tags and "iframe" not in page.tags
    assert page.tags.count("svg") == 2  # the two plots, inline
    for tag, name, value in page.attributes:
        if name in ("src", "href", "xlink:href", "action"):
            assert not re.match(r"\s*(https?:|//)", value), (tag, name, value)
    assert "@import" not in html and "@font-face" not in html
    assert not re.search(r"url\(\s*['\"]?(?!#)", html)  # url(#id): the plots' own clip paths
    # the only URLs left are the SVG namespace names, which load nothing
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_plots_show_layers_window_nerve_and_limit(feasible_plan: Plan, feasible_html: str) -> None:
    svgs = re.findall(r"<svg\b.*?</svg>", feasible_html, re.DOTALL)
    fluence_svg = next(svg for svg in svgs if "fluence (J/cm²)" in svg)
    temperature_svg = next(svg for svg in svgs if svg is not fluence_svg)
    site = feasible_plan.request.site.for_patient(feasible_plan.request.patient)
    for layer in site.layers:
        assert layer.name[:20] in fluence_svg  # long names are shortened with an ellipsis
    assert "dose window 1-10 J/cm²" in fluence_svg
    assert "nerve (depth band)" in fluence_svg
    assert "depth below the skin surface (mm)" in fluence_svg
    assert "skin limit 41 °C (insensate skin)" in temperature_svg
    assert "hard stop 44 °C (any tissue)" in temperature_svg
    assert "skin surface (beam centre)" in temperature_svg


def test_temperature_curve_reaches_the_plans_peak(feasible_plan: Plan) -> None:
    """The plotted curves are baseline + P x rise at the plan's power; their hottest value
    is the peak the planner reports (both read the same response, so they must agree)."""
    curves = feasible_plan.temperature
    surface_C, hottest_C = np.asarray(curves.surface_C), np.asarray(curves.hottest_C)
    assert curves.time_s[0] == 0.0
    assert curves.time_s[-1] == pytest.approx(feasible_plan.time_per_spot_s)
    hard_stop = next(c for c in feasible_plan.checks if c.name.startswith("peak tissue"))
    assert hottest_C.max() == pytest.approx(hard_stop.value, abs=1e-9)
    assert (surface_C <= hottest_C + 1e-12).all()
    assert surface_C[-1] > surface_C[0]  # the light warms the skin


def test_text_from_files_is_escaped() -> None:
    site = load_site("medial-ankle-tibial")
    layers = list(site.layers)
    layers[2] = layers[2].updated({"name": "<i>fat</i> & friends"})
    hostile = site.updated(
        {
            "description": "<script>alert('site')</script> and <b>bold</b>",
            "title": 'Ankle "<img src=x onerror=alert(1)>"',
            "layers": tuple(layers),
        }
    )
    html = render_plan_html(plan(hostile, "808nm-laser-probe"))
    page = read_report(html)
    assert "script" not in page.tags and "img" not in page.tags
    assert "b" not in page.tags and "i" not in page.tags
    assert "&lt;script&gt;alert(&#39;site&#39;)&lt;/script&gt;" in html
    assert "<script>alert('site')</script> and <b>bold</b>" in page.text
    assert "&lt;i&gt;fat&lt;/i&gt; &amp; friends" in html  # in the layer table and the plot


def test_monte_carlo_section(feasible_plan: Plan, verification: Verification) -> None:
    without = read_report(render_plan_html(feasible_plan))
    assert "Monte Carlo check" not in without.text
    page = read_report(render_plan_html(feasible_plan, verification))
    assert "Monte Carlo check" in page.text
    assert float(page.quantities["monte_carlo_fluence_J_per_cm2"]) == pytest.approx(
        verification.monte_carlo_fluence_J_per_cm2
    )
    assert float(page.quantities["relative_error"]) == pytest.approx(verification.relative_error)
    se = verification.monte_carlo_se_J_per_cm2
    assert se is not None and f"standard error {number(se)} J/cm²" in page.text
    assert f"{verification.relative_error:+.1%}" in page.text
    assert "in the window" in page.text or "NOT in the window" in page.text


def test_write_plan_report_creates_folders(feasible_plan: Plan, tmp_path: Path) -> None:
    path = write_plan_report(feasible_plan, tmp_path / "a" / "b" / "plan.html")
    assert path.is_file()
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_plan_read_from_json_renders_the_same_page(
    feasible_plan: Plan, verification: Verification
) -> None:
    """A plan stands on its own: loaded from JSON (no fields behind it, no re-planning) it
    renders byte for byte the page the fresh plan renders, figures included."""
    loaded = Plan.from_json(feasible_plan.to_json())
    with pytest.raises(ValueError, match="details"):
        _ = loaded.details  # nothing to fall back on
    when = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    fresh_html = render_plan_html(feasible_plan, verification, generated=when)
    assert render_plan_html(loaded, verification, generated=when) == fresh_html
    assert "2026-01-02 03:04 UTC" in fresh_html


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1200.0, "1,200"), (0.1, "0.1"), (75.55, "75.5"), (5.2456e-6, "5.25e-06"), (0.0, "0"),
     (None, "-"), (-7.5, "-7.5"), (3.16227766, "3.16")],
)  # fmt: skip
def test_number_formatting(value: float | None, shown: str) -> None:
    assert number(value) == shown


def test_depths_beyond_the_model_are_said_so() -> None:
    """A broad LED pad on the forefoot: the light stays above 10 % of the incident
    irradiance down to the bottom of the model, so no depth is invented."""
    led = plan("plantar-forefoot", "890nm-led-pad")
    assert led.depth_10pct_mm is None and led.depth_1pct_mm is None
    text = read_report(render_plan_html(led)).text
    assert re.search(
        r"10 % deeper than [\d.]+ mm the model ends there with [\d.]+ % remaining", text
    )
    assert "the 1 % depth lies deeper" in text
    cco = led.cco_weighted_fluence_J_per_cm2
    shown = "not available" if cco is None else f"{number(cco)} J/cm²"
    assert f"Fluence at the nerve weighted by CCO absorption {shown}" in text


def test_a_blocking_contraindication_is_the_verdict() -> None:
    blocked = plan(
        "wrist-median",
        "808nm-laser-probe",
        screening=ScreeningInput(eyes_in_field=True, tattoo_in_field=True),
    )
    assert blocked.binding == "blocked: contraindication: eyes in the field"
    text = read_report(render_plan_html(blocked)).text
    assert "Not feasible. Do not treat: eyes in the field." in text
    assert "Do not treat until it is resolved." in text
    start = text.index("Contraindication screening")
    screening = text[start : text.index("Assumptions ", start)]
    for check in blocked.checks:
        if check.name.startswith("contraindication: "):
            rule = check.name.removeprefix("contraindication: ")
            assert f"{check.status} {rule}" in screening
            assert squeeze(check.note) in screening


def _visible_text(html: str) -> str:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []
            self.hidden = 0

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.hidden += tag in ("style", "svg")

        def handle_endtag(self, tag: str) -> None:
            self.hidden -= tag in ("style", "svg")

        def handle_data(self, data: str) -> None:
            if not self.hidden:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.mark.parametrize(
    ("site", "device"),
    [("plantar-forefoot", "890nm-led-pad"), ("medial-ankle-tibial", "808nm-laser-probe")],
)
def test_the_report_reads_as_clinical_text(site: str, device: str) -> None:
    """No code identifiers, one unit style, no long decimals, one spot not 'spaced'."""
    import re

    p = plan(site, device)
    text = _visible_text(render_plan_html(p))
    assert re.findall(r"\b[a-z]+_[a-z_]+\b", text) == []
    assert "J/cm^2" not in text and "mW/cm^2" not in text
    assert re.findall(r"\d C\b", text) == []
    # no number carries more than 4 significant digits (DOIs such as 10.3389/... aside)
    decimals = re.findall(r"(?<![\w./])(\d+\.\d+)(?![\w/.])", text)
    assert [d for d in decimals if len(d.replace(".", "").lstrip("0")) > 4] == []
    if p.spots == 1:
        assert "mm apart" not in text
    assert "absorption spectrum of cytochrome c oxidase" in text
