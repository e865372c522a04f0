"""A small SVG line-plot writer for the report's figures: one panel, a linear x axis, a
linear or logarithmic y axis (optionally a second y scale on the right), lines and
markers, shaded bands, reference lines, labels and a legend below the panel.

Written by hand instead of with matplotlib, whose import and SVG rendering took about
0.8 s of every `photodose plan` (benchmarks/cli_startup.py). Presentation only: callers
pass the numbers; this module places them. Text stays text (escaped), the SVG links to
nothing and carries no date, so a plan renders the same page every time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

PT_PER_INCH = 72.0
FONT = "font-family:sans-serif"
_CHAR_WIDTH_EM = 0.55  # mean advance of a sans-serif character, for laying out the legend


def fmt(value: float) -> str:
    """A coordinate as SVG text: two decimals at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def x_tick(x: str, bottom: float, value: float) -> list[str]:
    """A tick mark below the frame at `x` and its label."""
    return [f'<line x1="{x}" y1="{fmt(bottom)}" x2="{x}" y2="{fmt(bottom + 3.5)}" '
            f'stroke="#000000" stroke-width="0.8"/>',
            f'<text x="{x}" y="{fmt(bottom + 13.0)}" text-anchor="middle">{value:g}</text>']


def y_tick(y: str, left: float, value: float) -> list[str]:
    """A tick mark left of the frame at `y` and its label."""
    return [f'<line x1="{fmt(left - 3.5)}" y1="{y}" x2="{fmt(left)}" y2="{y}" '
            f'stroke="#000000" stroke-width="0.8"/>',
            f'<text x="{fmt(left - 5.0)}" y="{fmt(float(y) + 3.0)}" '
            f'text-anchor="end">{value:g}</text>']


def nice_ticks(low: float, high: float, count: int = 8) -> list[float]:
    """Linear ticks at 1, 2 or 5 x 10^k inside [low, high], about `count` of them."""
    span = high - low
    if span <= 0.0:
        return [low]
    raw = span / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)
    first = math.ceil(low / step - 1e-9)
    ticks = []
    k = first
    while k * step <= high + 1e-9 * step:
        ticks.append(round(k * step, 12) + 0.0)
        k += 1
    return ticks


def decade_ticks(low: float, high: float) -> list[float]:
    """Powers of ten inside [low, high] (low > 0)."""
    return [10.0**k for k in range(math.ceil(math.log10(low) - 1e-9),
                                   math.floor(math.log10(high) + 1e-9) + 1)]  # fmt: skip


@dataclass
class _Entry:
    label: str
    kind: str  # "line", "marker", "band"
    color: str
    style: dict[str, str] = field(default_factory=dict)


@dataclass
class Panel:
    """One plot panel of `width_in` x `height_in` inches (drawn at 72 units per inch)."""

    width_in: float
    height_in: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    name: str = "plot"
    """Prefix of the element ids, unique per figure on a page."""
    log_y: bool = False
    right_axis: tuple[Callable[[float], float], Callable[[float], float], str] | None = None
    """(to right-axis value, back to y value, label): a second scale of the same data."""
    # drawing waits for render(): the frame depends on the legend's final size
    _body: list[Callable[[], str]] = field(default_factory=list)
    _over: list[Callable[[], str]] = field(default_factory=list)
    _legend: list[_Entry] = field(default_factory=list)
    x_label: str = ""
    y_label: str = ""

    # the panel's frame (left, right, top, bottom) inside the figure
    def _frame(self) -> tuple[float, float, float, float]:
        width, height = self.width_in * PT_PER_INCH, self.height_in * PT_PER_INCH
        rows = math.ceil(len(self._legend) / 2)
        left = 58.0
        right = width - (58.0 if self.right_axis else 14.0)
        top = 8.0
        bottom = height - 38.0 - 13.0 * rows
        return left, right, top, bottom

    def x(self, value: float) -> float:
        left, right, _, _ = self._frame()
        low, high = self.x_range
        return left + (value - low) / (high - low) * (right - left)

    def y(self, value: float) -> float:
        _, _, top, bottom = self._frame()
        low, high = self.y_range
        if self.log_y:
            value, low, high = (math.log10(max(value, 1e-300)), math.log10(low),
                                math.log10(high))  # fmt: skip
        return bottom - (value - low) / (high - low) * (bottom - top)

    def band_y(self, low: float, high: float, color: str, opacity: float, label: str) -> None:
        """A horizontal band between two y values, across the panel."""

        def draw() -> str:
            left, right, top, bottom = self._frame()
            y0, y1 = max(top, min(bottom, self.y(high))), max(top, min(bottom, self.y(low)))
            return (f'<rect x="{fmt(left)}" y="{fmt(y0)}" width="{fmt(right - left)}" '
                    f'height="{fmt(y1 - y0)}" fill="{color}" fill-opacity="{opacity}"/>')

        self._body.append(draw)
        self._legend.append(_Entry(label, "band", color, {"opacity": str(opacity)}))

    def band_x(self, low: float, high: float, color: str, opacity: float, label: str) -> None:
        """A vertical band between two x values, the panel's full height."""

        def draw() -> str:
            left, right, top, bottom = self._frame()
            x0, x1 = max(left, self.x(low)), min(right, self.x(high))
            if x1 <= x0:
                return ""
            return (f'<rect x="{fmt(x0)}" y="{fmt(top)}" width="{fmt(x1 - x0)}" '
                    f'height="{fmt(bottom - top)}" fill="{color}" fill-opacity="{opacity}"/>')

        self._body.append(draw)
        self._legend.append(_Entry(label, "band", color, {"opacity": str(opacity)}))

    def line(self, xs: Sequence[float], ys: Sequence[float], color: str, width: float,
             label: str = "", dash: str = "", dots: bool = False) -> None:  # fmt: skip
        """A polyline through the points (clipped to the panel), with dots at the points."""
        xs, ys = [float(a) for a in xs], [float(b) for b in ys]
        dashing = f' stroke-dasharray="{dash}"' if dash else ""

        def draw() -> str:
            pairs = zip(xs, ys, strict=True)
            points = " ".join(f"{fmt(self.x(a))},{fmt(self.y(b))}" for a, b in pairs)
            out = [f'<polyline points="{points}" fill="none" stroke="{color}" '
                   f'stroke-width="{width}"{dashing} stroke-linejoin="round" '
                   f'clip-path="url(#{self.name}-panel)"/>']  # fmt: skip
            if dots:
                out += [f'<circle cx="{fmt(self.x(a))}" cy="{fmt(self.y(b))}" r="1.6" '
                        f'fill="{color}" clip-path="url(#{self.name}-panel)"/>'
                        for a, b in zip(xs, ys, strict=True)]  # fmt: skip
            return "\n".join(out)

        self._body.append(draw)
        if label:
            self._legend.append(_Entry(label, "line", color, {"width": str(width), "dash": dash}))

    def hline(self, value: float, color: str, width: float, dash: str, label: str = "") -> None:
        low, high = self.x_range
        self.line([low, high], [value, value], color, width, label, dash)

    def vline(self, value: float, color: str, width: float, dash: str) -> None:

        def draw() -> str:
            _, _, top, bottom = self._frame()
            x = fmt(self.x(value))
            return (f'<line x1="{x}" y1="{fmt(top)}" x2="{x}" y2="{fmt(bottom)}" '
                    f'stroke="{color}" stroke-width="{width}" stroke-dasharray="{dash}"/>')

        self._body.append(draw)

    def marker(self, x: float, y: float, shape: str, color: str, label: str) -> None:
        """A circle ("o") or square ("s") marker, drawn over the frame (not clipped)."""
        self._over.append(lambda: _marker(self.x(x), self.y(y), shape, color, 3.5))
        self._legend.append(_Entry(label, "marker", color, {"shape": shape}))

    def upright_text(self, x: float, text: str, color: str, size: float) -> None:
        """`text` turned upright (reading bottom to top) at data x, hanging from the top."""

        def draw() -> str:
            _, _, top, _ = self._frame()
            px, py = fmt(self.x(x) + 0.35 * size), fmt(top + 4.0)
            return (f'<text x="{px}" y="{py}" transform="rotate(-90 {px} {py})" '
                    f'text-anchor="end" font-size="{size:g}" fill="{color}">'
                    f"{escape(text)}</text>")

        self._body.append(draw)

    def render(self) -> str:
        """The SVG element, scaling to the width of its container."""
        width, height = self.width_in * PT_PER_INCH, self.height_in * PT_PER_INCH
        left, right, top, bottom = self._frame()
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {fmt(width)} '
            f'{fmt(height)}" style="width:100%;height:auto;{FONT}" font-size="9">',
            f'<defs><clipPath id="{self.name}-panel"><rect x="{fmt(left)}" y="{fmt(top)}" '
            f'width="{fmt(right - left)}" height="{fmt(bottom - top)}"/></clipPath></defs>',
            f'<rect x="0" y="0" width="{fmt(width)}" height="{fmt(height)}" fill="#ffffff"/>',
        ]
        out += self._grid_and_ticks()
        out += [draw() for draw in self._body]
        out.append(f'<rect x="{fmt(left)}" y="{fmt(top)}" width="{fmt(right - left)}" '
                   f'height="{fmt(bottom - top)}" fill="none" stroke="#000000" '
                   f'stroke-width="0.8"/>')  # fmt: skip
        out += [draw() for draw in self._over]
        mid_x = fmt(0.5 * (left + right))
        out.append(f'<text x="{mid_x}" y="{fmt(bottom + 28.0)}" text-anchor="middle">'
                   f"{escape(self.x_label)}</text>")
        mid_y = fmt(0.5 * (top + bottom))
        out.append(f'<text x="14" y="{mid_y}" transform="rotate(-90 14 {mid_y})" '
                   f'text-anchor="middle">{escape(self.y_label)}</text>')
        if self.right_axis is not None:
            rx = fmt(width - 10.0)
            out.append(f'<text x="{rx}" y="{mid_y}" transform="rotate(-90 {rx} {mid_y})" '
                       f'text-anchor="middle">{escape(self.right_axis[2])}</text>')
        out += self._legend_svg(bottom + 40.0)
        out.append("</svg>")
        return "\n".join(out)

    def _y_ticks(self, low: float, high: float) -> list[float]:
        return decade_ticks(low, high) if self.log_y else nice_ticks(low, high)

    def _grid_and_ticks(self) -> list[str]:
        left, right, top, bottom = self._frame()
        out = []
        for value in nice_ticks(*self.x_range):
            x = fmt(self.x(value))
            out.append(f'<line x1="{x}" y1="{fmt(top)}" x2="{x}" y2="{fmt(bottom)}" '
                       f'stroke="#dddddd" stroke-width="0.6"/>')
            out += x_tick(x, bottom, value)
        for value in self._y_ticks(*self.y_range):
            y = fmt(self.y(value))
            out.append(f'<line x1="{fmt(left)}" y1="{y}" x2="{fmt(right)}" y2="{y}" '
                       f'stroke="#dddddd" stroke-width="0.6"/>')
            out += y_tick(y, left, value)
        if self.right_axis is not None:
            forward, back, _ = self.right_axis
            low, high = sorted((forward(self.y_range[0]), forward(self.y_range[1])))
            for value in self._y_ticks(low, high):
                y = fmt(self.y(back(value)))
                out.append(f'<line x1="{fmt(right)}" y1="{y}" x2="{fmt(right + 3.5)}" '
                           f'y2="{y}" stroke="#000000" stroke-width="0.8"/>')
                out.append(f'<text x="{fmt(right + 5.0)}" y="{fmt(float(y) + 3.0)}">'
                           f"{value:g}</text>")
        return out

    def _legend_svg(self, y_first: float) -> list[str]:
        """Two columns of entries, centred under the panel, in the order they were drawn."""
        width = self.width_in * PT_PER_INCH
        size = 8.0
        text_width = max((len(e.label) for e in self._legend), default=0) * size * _CHAR_WIDTH_EM
        column = 24.0 + text_width + 12.0
        x0 = max(4.0, 0.5 * (width - 2 * column))
        out = []
        for index, entry in enumerate(self._legend):
            x = x0 + (index % 2) * column
            y = y_first + (index // 2) * 13.0
            out.append(_key(entry, x, y - 3.0))
            out.append(f'<text x="{fmt(x + 24.0)}" y="{fmt(y)}" font-size="{size:g}">'
                       f"{escape(entry.label)}</text>")
        return out


def _marker(x: float, y: float, shape: str, color: str, size: float) -> str:
    if shape == "s":
        return (f'<rect x="{fmt(x - size)}" y="{fmt(y - size)}" width="{fmt(2 * size)}" '
                f'height="{fmt(2 * size)}" fill="{color}"/>')  # fmt: skip
    return f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(size)}" fill="{color}"/>'


def _key(entry: _Entry, x: float, y: float) -> str:
    """The legend's sample of an entry: a short line, a marker or a swatch."""
    if entry.kind == "band":
        return (f'<rect x="{fmt(x)}" y="{fmt(y - 4.0)}" width="18" height="8" '
                f'fill="{entry.color}" fill-opacity="{entry.style["opacity"]}"/>')  # fmt: skip
    if entry.kind == "marker":
        return _marker(x + 9.0, y, entry.style["shape"], entry.color, 3.0)
    dash = entry.style.get("dash", "")
    dashing = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{fmt(x)}" y1="{fmt(y)}" x2="{fmt(x + 18.0)}" y2="{fmt(y)}" '
            f'stroke="{entry.color}" stroke-width="{entry.style["width"]}"{dashing}/>')
