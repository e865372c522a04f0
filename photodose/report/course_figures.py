"""SVG charts of a course: each score over time, and the cumulative nerve dose over the
sessions. Plain SVG written here (no plotting library: the patient report opens fast and
the files are byte-stable). Several assessments on one day are all drawn: repeats are set
side by side a few pixels apart and labelled with their count, never merged."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 24, 40
REPEAT_OFFSET_PX = 6.0


def _day(at: str, start: dt.date) -> float:
    moment = dt.datetime.fromisoformat(at) if "T" in at else dt.datetime.fromisoformat(at + "T00:00")
    return (moment.date() - start).days


def _scale(low: float, high: float, out_low: float, out_high: float):  # type: ignore[no-untyped-def]
    span = (high - low) or 1.0
    return lambda v: out_low + (v - low) / span * (out_high - out_low)


def _axes(title: str, x_label: str, y_label: str, x_max: float, y_low: float, y_high: float,
          body: list[str]) -> str:  # fmt: skip
    x = _scale(0.0, x_max, LEFT, WIDTH - RIGHT)
    y = _scale(y_low, y_high, HEIGHT - BOTTOM, TOP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="14" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#444"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#444"/>',
    ]  # fmt: skip
    for i in range(5):
        value = y_low + (y_high - y_low) * i / 4
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
                     f"{value:.3g}</text>")  # fmt: skip
    for i in range(5):
        day = x_max * i / 4
        parts.append(f'<text x="{x(day):.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">'
                     f"{day:.0f}</text>")  # fmt: skip
    parts.append(f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 8}" '
                 f'text-anchor="middle">{escape(x_label)}</text>')  # fmt: skip
    parts.append(f'<text transform="translate(14 {(TOP + HEIGHT - BOTTOM) / 2}) rotate(-90)" '
                 f'text-anchor="middle">{escape(y_label)}</text>')  # fmt: skip
    parts.extend(body)
    parts.append("</svg>")
    return "\n".join(parts)


def score_svg(measure: dict[str, Any], start: dt.date, x_max: float) -> str:
    """One measure's values over days since the course started."""
    points = measure["points"]
    low, high = measure["range"]
    x = _scale(0.0, x_max, LEFT, WIDTH - RIGHT)
    y = _scale(low, high, HEIGHT - BOTTOM, TOP)
    by_day: dict[float, int] = {}
    placed = []
    for point in points:
        day = _day(point["at"], start)
        repeat = by_day.get(day, 0)
        by_day[day] = repeat + 1
        placed.append((x(day) + repeat * REPEAT_OFFSET_PX, y(point["value"]), point))
    body = []
    if len(placed) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in placed)
        body.append(f'<polyline points="{path}" fill="none" stroke="#1f5f9f" stroke-width="1.5"/>')
    for px, py, point in placed:
        body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="#1f5f9f">'
                    f"<title>{escape(point['at'])}: {point['value']:g}</title></circle>")  # fmt: skip
    for day, count in by_day.items():
        if count > 1:
            body.append(f'<text x="{x(day):.1f}" y="{TOP + 10}" fill="#a33">x{count} same day'
                        "</text>")  # fmt: skip
    title = f"{measure['instrument']} {measure['score']} ({measure['version']}; higher is worse)"
    return _axes(title, "days since the course started", measure["score"], x_max, low, high, body)


def cumulative_dose_svg(sessions: list[dict[str, Any]], start: dt.date, x_max: float) -> str:
    """Cumulative nerve fluence (J/cm^2) after each session, as steps."""
    total = sessions[-1]["cumulative_nerve_dose_J_per_cm2"] if sessions else 0.0
    top = total * 1.1 or 1.0
    x = _scale(0.0, x_max, LEFT, WIDTH - RIGHT)
    y = _scale(0.0, top, HEIGHT - BOTTOM, TOP)
    coords = [(x(0.0), y(0.0))]
    for s in sessions:
        px = x(_day(s["at"], start))
        coords.append((px, coords[-1][1]))
        coords.append((px, y(s["cumulative_nerve_dose_J_per_cm2"])))
    body = []
    if sessions:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="#b5651d" stroke-width="1.5"/>')
        for s in sessions:
            body.append(
                f'<circle cx="{x(_day(s["at"], start)):.1f}" '
                f'cy="{y(s["cumulative_nerve_dose_J_per_cm2"]):.1f}" r="2.5" fill="#b5651d">'
                f"<title>{escape(s['ref'])} {escape(s['at'])}: "
                f"+{s['nerve_dose_J_per_cm2']:.3g} J/cm2</title></circle>")  # fmt: skip
    return _axes("cumulative nerve dose (mean fluence over the nerve, J/cm2)",
                 "days since the course started", "J/cm2", x_max, 0.0, top, body)  # fmt: skip
