"""The report's two plots as inline SVG: fluence against depth, temperature against time.

Presentation only: the numbers come from the plan's saved fields (`plan.axial`,
`plan.temperature`, `plan.site`); this module draws them. Figures are built on
`matplotlib.figure.Figure` (no pyplot, no global state) and written by matplotlib's SVG
backend with text kept as text (selectable, escaped by matplotlib) and no metadata, so
the SVG holds no link and no date.
"""

from __future__ import annotations

import io
import re
from contextlib import AbstractContextManager

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from numpy.typing import ArrayLike

from photodose.planning.plan import Plan
from photodose.safety.temperature import HARD_STOP_C
from photodose.tissue.site import Site
from photodose.units import PERCENT_PER_FRACTION
from photodose.views.rows import number

# Colours (colour-blind safe, Okabe & Ito 2008 palette)
_BLUE = "#0072B2"
_ORANGE = "#E69F00"
_GREEN = "#009E73"
_VERMILION = "#D55E00"
_GREY = "#555555"


def _style() -> AbstractContextManager[None]:
    return matplotlib.rc_context(
        {
            "svg.fonttype": "none",  # text stays text: smaller files, selectable, searchable
            "svg.hashsalt": "photodose-report",  # stable element ids from run to run
            "text.parse_math": False,  # user text (layer names) is never read as mathtext
            "font.family": "sans-serif",
            "font.size": 9.0,
        }
    )


# Log ticks as plain numbers (0.1, 1, 10): no mathtext, readable by anyone.
_PLAIN = FuncFormatter(lambda value, _position: f"{value:g}")
# The SVG backend's preamble: XML declaration, DOCTYPE (a URL) and the RDF metadata.
_PREAMBLE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


def fluence_depth_svg(plan: Plan) -> str:
    """Fluence (J/cm^2 at the plan's power and time) against depth on the beam axis, with
    the nerve, the dose window and the layer boundaries; right axis: % of the incident
    irradiance."""
    site = plan.site
    z = np.asarray(plan.axial.depth_mm)
    fluence = np.asarray(plan.axial.fluence_J_per_cm2)
    window = plan.request.window
    with _style():
        figure = Figure(figsize=(7.2, 4.2), layout="constrained")
        axes = figure.add_subplot()
        axes.axhspan(
            window.lower_J_per_cm2,
            window.upper_J_per_cm2,
            color=_GREEN,
            alpha=0.15,
            label=f"dose window {number(window.lower_J_per_cm2)}-"
            f"{number(window.upper_J_per_cm2)} J/cm²",
        )
        radius = plan.nerve_diameter_mm / 2.0
        axes.axvspan(
            plan.nerve_depth_mm - radius,
            plan.nerve_depth_mm + radius,
            color=_ORANGE,
            alpha=0.25,
            label="nerve (depth band)",
        )
        positive = fluence > 0.0
        axes.plot(
            z[positive],
            fluence[positive],
            color=_BLUE,
            linewidth=1.8,
            label=f"fluence on the beam axis (r < {plan.axial.axis_radius_mm:g} mm)",
        )
        axes.plot(
            [plan.nerve_depth_mm],
            [plan.nerve_fluence_J_per_cm2],
            "o",
            color=_VERMILION,
            label="nerve: cross-section mean",
        )
        if plan.surface_dose_J_per_cm2 > 0.0:
            axes.plot(
                [0.0],
                [plan.surface_dose_J_per_cm2],
                "s",
                color=_GREY,
                clip_on=False,
                label="surface dose (irradiance × time)",
            )
        axes.set_yscale("log")
        axes.yaxis.set_major_formatter(_PLAIN)
        axes.set_ylim(*_headroom(fluence[positive], plan, window.lower_J_per_cm2))
        axes.set_xlim(0.0, float(z[-1]))
        axes.set_xlabel("depth below the skin surface (mm)")
        axes.set_ylabel("fluence (J/cm²)")
        axes.grid(True, which="major", color="#dddddd", linewidth=0.6)
        _layer_boundaries(axes, site, float(z[-1]))
        incident_J = plan.axial.incident_fluence_J_per_cm2
        if incident_J > 0.0:

            def to_percent(fluence_J_per_cm2: ArrayLike) -> ArrayLike:
                return PERCENT_PER_FRACTION * np.asarray(fluence_J_per_cm2) / incident_J

            def to_fluence(percent: ArrayLike) -> ArrayLike:
                return np.asarray(percent) * incident_J / PERCENT_PER_FRACTION

            right = axes.secondary_yaxis("right", functions=(to_percent, to_fluence))
            right.yaxis.set_major_formatter(_PLAIN)
            right.set_ylabel("% of the incident irradiance × time")
        figure.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
        return _svg(figure)


def _headroom(fluence: np.ndarray, plan: Plan, lower: float) -> tuple[float, float]:
    """Log-axis limits that hold the curve, the markers and the window, with the top
    third of the plot left free for the layer names."""
    values = [*fluence, plan.nerve_fluence_J_per_cm2, plan.surface_dose_J_per_cm2, lower]
    positive = [v for v in values if v > 0.0]
    low, high = np.log10(min(positive)) - 0.2, np.log10(max(positive))
    high += 0.5 * max(high - low, 1.0)
    return 10.0**low, 10.0**high


def _layer_boundaries(axes: Axes, site: Site, deepest_mm: float) -> None:
    """Dotted lines at the layer boundaries and each layer's name at its middle, turned
    upright; names closer than a few percent of the axis are pushed apart."""
    boundaries = site.boundaries_mm
    for depth in boundaries[1:-1]:
        if depth < deepest_mm:
            axes.axvline(depth, color=_GREY, linestyle=":", linewidth=0.8)
    gap = 0.035 * deepest_mm
    placed = -0.5 * gap
    transform = axes.get_xaxis_transform()
    for layer, top, bottom in zip(site.layers, boundaries[:-1], boundaries[1:], strict=True):
        if top >= deepest_mm:
            break
        x = max(0.5 * (top + min(bottom, deepest_mm)), placed + gap)
        placed = x
        name = layer.name if len(layer.name) <= 28 else layer.name[:27] + "…"
        axes.text(
            x,
            0.98,
            name,
            transform=transform,
            rotation=90,
            ha="center",
            va="top",
            fontsize=7,
            color=_GREY,
            clip_on=True,
        )


def temperature_svg(plan: Plan) -> str:
    """Skin surface and hottest axis temperature during one spot, with the skin limit and
    the hard stop for any tissue."""
    curves = plan.temperature
    surface_C, hottest_C = np.asarray(curves.surface_C), np.asarray(curves.hottest_C)
    with _style():
        figure = Figure(figsize=(7.2, 3.4), layout="constrained")
        axes = figure.add_subplot()
        depth = curves.hottest_depth_mm
        where = "the skin surface" if depth == 0.0 else f"{number(depth)} mm deep at the end"
        axes.plot(
            curves.time_s,
            curves.surface_C,
            color=_BLUE,
            linewidth=1.8,
            marker=".",
            label="skin surface (beam centre)",
        )
        axes.plot(
            curves.time_s,
            curves.hottest_C,
            color=_VERMILION,
            linewidth=1.8,
            marker=".",
            label=f"hottest point on the beam axis ({where})",
        )
        kind = "insensate" if plan.request.insensate else "sensate"
        axes.axhline(
            plan.temperature_limit_C,
            color=_VERMILION,
            linestyle="--",
            linewidth=1.2,
            label=f"skin limit {plan.temperature_limit_C:g} °C ({kind} skin)",
        )
        axes.axhline(
            HARD_STOP_C,
            color=_GREY,
            linestyle=":",
            linewidth=1.2,
            label=f"hard stop {HARD_STOP_C:g} °C (any tissue)",
        )
        low = float(min(surface_C.min(), hottest_C.min()))
        axes.set_ylim(low - 1.0, max(HARD_STOP_C, float(hottest_C.max())) + 1.0)
        axes.set_xlim(0.0, max(curves.time_s[-1], 1e-9))
        axes.set_xlabel("time since the spot started (s)")
        axes.set_ylabel("temperature (°C)")
        axes.grid(True, color="#dddddd", linewidth=0.6)
        figure.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
        return _svg(figure)


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = _METADATA.sub("", _PREAMBLE.sub("", buffer.getvalue(), count=1), count=1)
    # the figure's fixed pt size becomes a width the page can scale down
    return re.sub(
        r'<svg (.*?)width="[^"]*" height="[^"]*"',
        r'<svg \1role="img" '
        r'style="width:100%;height:auto"',
        text,
        count=1,
        flags=re.DOTALL,
    )
