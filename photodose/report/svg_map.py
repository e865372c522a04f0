"""A small SVG colour-map writer for the report: a 2-D field as coloured cells on a
logarithmic colour scale (depth downwards), circles outlined over it, dashed horizontal
lines, a colour bar and a legend.

The companion of photodose.report.svg_plot (line plots), written by hand for the same
reason (no matplotlib on the report path). Presentation only: callers pass the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from photodose.report.svg_plot import (
    FONT,
    PT_PER_INCH,
    decade_ticks,
    fmt,
    nice_ticks,
    x_tick,
    y_tick,
)

# viridis (Smith & van der Walt 2015, the matplotlib colour map, released CC0) sampled at
# nine even stops; perceptually uniform and readable in grey and by colour-blind readers
VIRIDIS = ("#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779",
           "#6ece58", "#fde725")  # fmt: skip


def colour(fraction: float) -> str:
    """The viridis colour at `fraction` in [0, 1] (linear between the stops)."""
    t = min(1.0, max(0.0, fraction)) * (len(VIRIDIS) - 1)
    k = min(int(t), len(VIRIDIS) - 2)
    a, b = VIRIDIS[k], VIRIDIS[k + 1]
    mix = [round(int(a[i : i + 2], 16) * (k + 1 - t) + int(b[i : i + 2], 16) * (t - k))
           for i in (1, 3, 5)]  # fmt: skip
    return "#" + "".join(f"{c:02x}" for c in mix)


@dataclass
class MapPanel:
    """A map of x (across, mm) and depth (mm, downwards) at equal scale per mm."""

    x_range: tuple[float, float]
    depth_range: tuple[float, float]
    colour_range: tuple[float, float]
    """(low, high) > 0: the log colour scale's ends; values outside are clipped."""
    name: str = "map"
    width_in: float = 7.2
    x_label: str = ""
    y_label: str = ""
    colour_label: str = ""
    _body: list[str] = field(default_factory=list)
    _legend: list[tuple[str, str, str]] = field(default_factory=list)

    _LEFT, _RIGHT_BAR, _TOP = 52.0, 86.0, 8.0

    def _plot_width(self) -> float:
        return self.width_in * PT_PER_INCH - self._LEFT - self._RIGHT_BAR

    def _scale(self) -> float:
        """Points per mm, the same along both axes (circles stay circles)."""
        return self._plot_width() / (self.x_range[1] - self.x_range[0])

    def _plot_height(self) -> float:
        return (self.depth_range[1] - self.depth_range[0]) * self._scale()

    def x(self, value: float) -> float:
        return self._LEFT + (value - self.x_range[0]) * self._scale()

    def y(self, depth: float) -> float:
        return self._TOP + (depth - self.depth_range[0]) * self._scale()

    def _fraction(self, value: float) -> float:
        low, high = self.colour_range
        return (math.log10(max(value, low)) - math.log10(low)) / (math.log10(high)
                                                                  - math.log10(low))

    def cells(self, xs: Sequence[float], depths: Sequence[float],
              values: Sequence[Sequence[float]]) -> None:  # fmt: skip
        """Cells centred at (xs[i], depths[j]) coloured by values[i][j] (even spacing)."""
        dx = (xs[1] - xs[0]) if len(xs) > 1 else 1.0
        dz = (depths[1] - depths[0]) if len(depths) > 1 else 1.0
        w, h = dx * self._scale(), dz * self._scale()
        for i, x in enumerate(xs):
            for j, z in enumerate(depths):
                # a hair of overlap so no seam shows between cells when scaled
                self._body.append(
                    f'<rect x="{fmt(self.x(x - dx / 2))}" y="{fmt(self.y(z - dz / 2))}" '
                    f'width="{fmt(w + 0.3)}" height="{fmt(h + 0.3)}" '
                    f'fill="{colour(self._fraction(values[i][j]))}" '
                    'shape-rendering="crispEdges"/>')

    def circle(self, x: float, depth: float, radius: float, color: str, width: float,
               label: str, css_class: str = "", dash: str = "") -> None:  # fmt: skip
        cls = f' class="{escape(css_class)}"' if css_class else ""
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        self._body.append(
            f'<circle{cls} cx="{fmt(self.x(x))}" cy="{fmt(self.y(depth))}" '
            f'r="{fmt(radius * self._scale())}" fill="none" stroke="{color}" '
            f'stroke-width="{width}"{dashing}><title>{escape(label)}</title></circle>')
        if all(entry[0] != label for entry in self._legend):
            self._legend.append((label, color, dash))

    def hline(self, depth: float, color: str, dash: str, label: str = "",
              legend_color: str = "") -> None:  # fmt: skip
        """A dashed line across the map at `depth`; `legend_color` for its key when the
        line's own colour would not show on the white page (a white line)."""
        y = fmt(self.y(depth))
        self._body.append(f'<line x1="{fmt(self.x(self.x_range[0]))}" y1="{y}" '
                          f'x2="{fmt(self.x(self.x_range[1]))}" y2="{y}" stroke="{color}" '
                          f'stroke-width="0.7" stroke-dasharray="{dash}"/>')  # fmt: skip
        if label and all(entry[0] != label for entry in self._legend):
            self._legend.append((label, legend_color or color, dash))

    def render(self) -> str:
        plot_w, plot_h = self._plot_width(), self._plot_height()
        left, top = self._LEFT, self._TOP
        bottom = top + plot_h
        rows = math.ceil(len(self._legend) / 2)
        width = self.width_in * PT_PER_INCH
        height = bottom + 40.0 + 13.0 * rows
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" id="{self.name}" '
            f'viewBox="0 0 {fmt(width)} {fmt(height)}" '
            f'style="width:100%;height:auto;{FONT}" font-size="9">',
            f'<rect x="0" y="0" width="{fmt(width)}" height="{fmt(height)}" fill="#ffffff"/>',
            *self._body,
            f'<rect x="{fmt(left)}" y="{fmt(top)}" width="{fmt(plot_w)}" '
            f'height="{fmt(plot_h)}" fill="none" stroke="#000000" stroke-width="0.8"/>',
        ]
        for value in nice_ticks(*self.x_range):
            x = fmt(self.x(value))
            out += x_tick(x, bottom, value)
        for value in nice_ticks(*self.depth_range, count=max(2, round(plot_h / 30.0))):
            y = fmt(self.y(value))
            out += y_tick(y, left, value)
        out.append(f'<text x="{fmt(left + plot_w / 2)}" y="{fmt(bottom + 28.0)}" '
                   f'text-anchor="middle">{escape(self.x_label)}</text>')
        mid = fmt(top + plot_h / 2)
        out.append(f'<text x="12" y="{mid}" transform="rotate(-90 12 {mid})" '
                   f'text-anchor="middle">{escape(self.y_label)}</text>')
        out += self._colour_bar(left + plot_w + 14.0, top, max(plot_h, 60.0))
        out += self._legend_svg(bottom + 40.0, width)
        out.append("</svg>")
        return "\n".join(out)

    def _colour_bar(self, x0: float, top: float, length: float) -> list[str]:
        steps = 48
        out = []
        for k in range(steps):
            y = top + length * (1 - (k + 1) / steps)
            out.append(f'<rect x="{fmt(x0)}" y="{fmt(y)}" width="10" '
                       f'height="{fmt(length / steps + 0.3)}" '
                       f'fill="{colour((k + 0.5) / steps)}"/>')
        out.append(f'<rect x="{fmt(x0)}" y="{fmt(top)}" width="10" height="{fmt(length)}" '
                   f'fill="none" stroke="#000000" stroke-width="0.6"/>')
        low, high = self.colour_range
        ticks = decade_ticks(low, high) or [low, high]
        for value in ticks:
            tick_y = top + length * (1 - self._fraction(value))
            at = fmt(tick_y)
            out.append(f'<line x1="{fmt(x0 + 10)}" y1="{at}" x2="{fmt(x0 + 13)}" y2="{at}" '
                       f'stroke="#000000" stroke-width="0.6"/>')
            out.append(f'<text x="{fmt(x0 + 15)}" y="{fmt(tick_y + 3.0)}" '
                       f'font-size="8">{value:g}</text>')
        mid = fmt(top + length / 2)
        lx = fmt(x0 + 58)
        out.append(f'<text x="{lx}" y="{mid}" transform="rotate(-90 {lx} {mid})" '
                   f'text-anchor="middle">{escape(self.colour_label)}</text>')
        return out

    def _legend_svg(self, y_first: float, width: float) -> list[str]:
        column = 0.5 * (width - 2 * self._LEFT)
        out = []
        for index, (label, color, dash) in enumerate(self._legend):
            x = self._LEFT + (index % 2) * column
            y = y_first + (index // 2) * 13.0
            dashing = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<line x1="{fmt(x)}" y1="{fmt(y - 3)}" x2="{fmt(x + 18)}" '
                       f'y2="{fmt(y - 3)}" stroke="{color}" stroke-width="1.6"{dashing}/>')
            out.append(f'<text x="{fmt(x + 24)}" y="{fmt(y)}" font-size="8">'
                       f"{escape(label)}</text>")
        return out
