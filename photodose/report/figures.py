"""The report's plots as inline SVG: fluence against depth, temperature against time, and
(with a 3-D model) a slice of the fluence across the nerve.

Presentation only: the numbers come from the plan's saved fields (`plan.axial`,
`plan.temperature`, `plan.site`); this module draws them with the small SVG writer of
photodose.report.svg_plot (text kept as text, escaped; no link, no date).
"""

from __future__ import annotations

import math

from photodose.planning.plan import Plan
from photodose.report.svg_map import MapPanel
from photodose.report.svg_plot import Panel
from photodose.safety.temperature import HARD_STOP_C
from photodose.tissue.site import Site
from photodose.units import PERCENT_PER_FRACTION
from photodose.views.model_slice import SliceView
from photodose.views.rows import number

# Colours (colour-blind safe, Okabe & Ito 2008 palette)
_BLUE = "#0072B2"
_ORANGE = "#E69F00"
_GREEN = "#009E73"
_VERMILION = "#D55E00"
_GREY = "#555555"


def fluence_depth_svg(plan: Plan) -> str:
    """Fluence (J/cm^2 at the plan's power and time) against depth on the beam axis, with
    the nerve, the dose window and the layer boundaries; right axis: % of the incident
    irradiance."""
    z = list(plan.axial.depth_mm)
    fluence = list(plan.axial.fluence_J_per_cm2)
    window = plan.request.window
    positive = [(depth, value) for depth, value in zip(z, fluence, strict=True) if value > 0.0]
    incident_J = plan.axial.incident_fluence_J_per_cm2
    right = None
    if incident_J > 0.0:
        right = (lambda f: PERCENT_PER_FRACTION * f / incident_J,
                 lambda p: p * incident_J / PERCENT_PER_FRACTION,
                 "% of the incident irradiance × time")  # fmt: skip
    panel = Panel(
        width_in=7.2, height_in=4.2, name="fluence", x_range=(0.0, float(z[-1])),
        y_range=_headroom([v for _, v in positive], plan, window.lower_J_per_cm2),
        log_y=True, right_axis=right,
        x_label="depth below the skin surface (mm)", y_label="fluence (J/cm²)",
    )  # fmt: skip
    panel.band_y(window.lower_J_per_cm2, window.upper_J_per_cm2, _GREEN, 0.15,
                 f"dose window {number(window.lower_J_per_cm2)}-"
                 f"{number(window.upper_J_per_cm2)} J/cm²")  # fmt: skip
    radius = plan.nerve_diameter_mm / 2.0
    panel.band_x(plan.nerve_depth_mm - radius, plan.nerve_depth_mm + radius, _ORANGE, 0.25,
                 "nerve (depth band)")  # fmt: skip
    _layer_boundaries(panel, plan.site, float(z[-1]))
    panel.line([d for d, _ in positive], [v for _, v in positive], _BLUE, 1.8,
               f"fluence on the beam axis (r < {plan.axial.axis_radius_mm:g} mm)")  # fmt: skip
    panel.marker(plan.nerve_depth_mm, plan.nerve_fluence_J_per_cm2, "o", _VERMILION,
                 "nerve: cross-section mean")  # fmt: skip
    if plan.surface_dose_J_per_cm2 > 0.0:
        panel.marker(0.0, plan.surface_dose_J_per_cm2, "s", _GREY,
                     "surface dose (irradiance × time)")  # fmt: skip
    return panel.render()


def _headroom(fluence: list[float], plan: Plan, lower: float) -> tuple[float, float]:
    """Log-axis limits that hold the curve, the markers and the window, with the top
    third of the plot left free for the layer names."""
    values = [*fluence, plan.nerve_fluence_J_per_cm2, plan.surface_dose_J_per_cm2, lower]
    positive = [v for v in values if v > 0.0]
    low, high = math.log10(min(positive)) - 0.2, math.log10(max(positive))
    high += 0.5 * max(high - low, 1.0)
    return 10.0**low, 10.0**high


def _layer_boundaries(panel: Panel, site: Site, deepest_mm: float) -> None:
    """Dotted lines at the layer boundaries and each layer's name at its middle, turned
    upright; names closer than a few percent of the axis are pushed apart."""
    boundaries = site.boundaries_mm
    for depth in boundaries[1:-1]:
        if depth < deepest_mm:
            panel.vline(depth, _GREY, 0.8, "1,2")
    gap = 0.035 * deepest_mm
    placed = -0.5 * gap
    for layer, top, bottom in zip(site.layers, boundaries[:-1], boundaries[1:], strict=True):
        if top >= deepest_mm:
            break
        x = max(0.5 * (top + min(bottom, deepest_mm)), placed + gap)
        placed = x
        name = layer.name if len(layer.name) <= 28 else layer.name[:27] + "…"
        panel.upright_text(x, name, _GREY, 7.0)


def temperature_svg(plan: Plan) -> str:
    """Skin surface and hottest axis temperature during one spot, with the skin limit and
    the hard stop for any tissue."""
    curves = plan.temperature
    surface_C, hottest_C = list(curves.surface_C), list(curves.hottest_C)
    low = float(min(min(surface_C), min(hottest_C)))
    panel = Panel(
        width_in=7.2, height_in=3.4, name="temperature",
        x_range=(0.0, max(float(curves.time_s[-1]), 1e-9)),
        y_range=(low - 1.0, max(HARD_STOP_C, float(max(hottest_C))) + 1.0),
        x_label="time since the spot started (s)", y_label="temperature (°C)",
    )  # fmt: skip
    depth = curves.hottest_depth_mm
    where = "the skin surface" if depth == 0.0 else f"{number(depth)} mm deep at the end"
    panel.line(curves.time_s, surface_C, _BLUE, 1.8, "skin surface (beam centre)", dots=True)
    panel.line(curves.time_s, hottest_C, _VERMILION, 1.8,
               f"hottest point on the beam axis ({where})", dots=True)  # fmt: skip
    kind = "insensate" if plan.request.insensate else "sensate"
    panel.hline(plan.temperature_limit_C, _VERMILION, 1.2, "5,3",
                f"skin limit {plan.temperature_limit_C:g} °C ({kind} skin)")  # fmt: skip
    panel.hline(HARD_STOP_C, _GREY, 1.2, "1,2", f"hard stop {HARD_STOP_C:g} °C (any tissue)")
    return panel.render()


def fluence_slice_svg(view: SliceView) -> str:
    """The 3-D model's fluence across the nerve (log colour scale, depth downwards) with
    the nerve outlined (solid orange), the vessels (dashed vermilion) and the layer
    boundaries (dashed white)."""
    x, z = view.x_mm, view.z_mm
    dx = x[1] - x[0] if len(x) > 1 else 1.0
    dz = z[1] - z[0] if len(z) > 1 else 1.0
    panel = MapPanel(
        x_range=(x[0] - dx / 2, x[-1] + dx / 2), depth_range=(0.0, z[-1] + dz / 2),
        colour_range=(view.colour_min_J_per_cm2, view.colour_max_J_per_cm2), name="slice",
        x_label="across the nerve (mm)", y_label="depth below the skin (mm)",
        colour_label="fluence (J/cm²)",
    )  # fmt: skip
    panel.cells(x, z, view.fluence_J_per_cm2)
    for depth in view.layer_depths_mm:
        panel.hline(depth, "#ffffff", "3,2", "layer boundaries", legend_color=_GREY)
    for outline in view.outlines:
        nerve = outline.kind == "nerve"
        panel.circle(outline.x_mm, outline.z_mm, outline.radius_mm,
                     _ORANGE if nerve else _VERMILION, 1.6,
                     f"nerve ({outline.name})" if nerve else outline.name,
                     "nerve-outline" if nerve else "vessel-outline",
                     "" if nerve else "3,2")  # fmt: skip
    return panel.render()
