"""Small inline SVG charts for the summary page: no script, no dependency, everything escaped.

Every chart has axes with labelled ticks. Trend and before/after charts range over the data
(rounded out to whole tens, at least 20 points tall), so that a 23-point rise fills most of
the chart instead of a sliver of 0-100; bars of a share always start at zero. Level colours go
by meaning, not by position in a list: the lowest level of any scale is the same red, the top
level the same green, whatever the number of levels, so two rubrics read alike side by side.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

#: Colour of the lowest level ("missed") and of the top level, on every scale.
LOW_COLOUR = "#c0392b"
TOP_COLOUR = "#1e8449"
#: From lowest to top: intermediate levels are picked evenly from this ramp (ends pinned).
_LEVEL_RAMP = ["#c0392b", "#e67e22", "#f1c40f", "#a9cf54", "#58b85c", "#1e8449"]
#: Teams on a trend chart (All teams is always black).
TEAM_COLOURS = ["#2c7fb8", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#1b9e77", "#e6ab02", "#666666"]
ALL_TEAMS_COLOUR = "#1d2733"
EVENT_COLOUR = "#b35806"
TEAM_BAR = "#2c7fb8"
DEVELOPMENT_COLOUR = "#e67e22"
STRENGTH_COLOUR = "#1e8449"
_FONT = 'font-family="system-ui,sans-serif"'


def level_colours(n: int) -> list[str]:
    """``n`` colours for a scale's levels, lowest first: red at the bottom, green at the top.

    Two levels are red and green; three add amber; more fill in from the ramp in order.
    """
    if n <= 0:
        return []
    if n == 1:
        return [TOP_COLOUR]
    last = len(_LEVEL_RAMP) - 1
    picks = [round(i * last / (n - 1)) for i in range(n)]
    if n == 3:
        picks = [0, 2, last]
    return [_LEVEL_RAMP[p] for p in picks]


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _svg(width: int, height: int, label: str) -> str:
    return f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(label)}">'


def _row_label(x: float, y: float, label: str, n: int) -> str:
    """A row's label, right-aligned at ``x``, cut to ``n`` characters (the whole text as a tooltip)."""
    text = f"{_e(_cut(label, n))}<title>{_e(label)}</title>"
    return f'<text x="{x}" y="{y:.1f}" text-anchor="end" {_FONT} font-size="11" fill="#1d2733">{text}</text>'


def nice_range(values: Sequence[float], *, floor: float = 0.0, ceiling: float = 100.0, span: float = 20.0) -> tuple[float, float]:
    """An axis range around ``values``: out to whole tens, at least ``span`` tall, within [floor, ceiling]."""
    if not values:
        return floor, ceiling
    lo = math.floor((min(values) - 2) / 10) * 10
    hi = math.ceil((max(values) + 2) / 10) * 10
    while hi - lo < span:
        if hi < ceiling:
            hi += 5
        if hi - lo < span and lo > floor:
            lo -= 5
        if lo <= floor and hi >= ceiling:
            break
    return max(floor, lo), min(ceiling, hi)


def _ticks(lo: float, hi: float) -> list[float]:
    step = 10.0 if hi - lo <= 60 else 20.0
    if hi - lo <= 25:
        step = 5.0
    first = math.ceil(lo / step) * step
    out = []
    v = first
    while v <= hi + 1e-9:
        out.append(v)
        v += step
    return out


def _count_ticks(top: float) -> tuple[float, list[float]]:
    if top <= 0:
        return 1.0, [0.0, 1.0]
    raw = top / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    end = math.ceil(top / step) * step
    return end, [i * step for i in range(round(end / step) + 1)]


@dataclass
class Line:
    """One line on a trend chart: a label, a value per category (None: a gap), how it is drawn."""

    label: str
    values: list[float | None]
    colour: str = TEAM_COLOURS[0]
    bold: bool = False
    dashed: bool = False


@dataclass
class Event:
    """A training event marked on trend charts."""

    when: date
    label: str = ""


def quarter_position(quarters: Sequence[str], when: date) -> float | None:
    """Where ``when`` falls on an axis of quarter labels (``2026Q2``) drawn at their middles.

    0 is the middle of the first quarter; a date at the start of a quarter is half a step
    before its middle. None when the date is outside the quarters shown.
    """
    index = {q: n for n, q in enumerate(quarters)}
    key = f"{when.year}Q{(when.month - 1) // 3 + 1}"
    if key not in index:
        return None
    start = date(when.year, 3 * ((when.month - 1) // 3) + 1, 1)
    end = date(when.year + (start.month == 10), 1 if start.month == 10 else start.month + 3, 1)
    fraction = (when - start).days / (end - start).days
    return index[key] - 0.5 + fraction


def line_chart(
    categories: Sequence[str],
    lines: Sequence[Line],
    *,
    title: str = "",
    events: Sequence[Event] = (),
    width: int = 300,
    height: int = 190,
    unit: str = "%",
    numbered: bool = False,
) -> str:
    """A line chart over quarters (or any categories) with a y axis ranged to the data and event markers
    (``numbered``: each marker labelled by its place in ``events``, which a legend then lists)."""
    values = [v for ln in lines for v in ln.values if v is not None]
    lo, hi = nice_range(values)
    left, right, top, bottom = 34, 10, 22 if title else 10, 34
    pw, ph = width - left - right, height - top - bottom
    n = len(categories)

    def x(i: float) -> float:
        return left + (pw * (i + 0.5) / n if n else pw / 2)

    def y(v: float) -> float:
        return top + ph * (1 - (v - lo) / (hi - lo or 1))

    parts = [_svg(width, height, title)]
    if title:
        parts.append(f'<text x="{left}" y="14" {_FONT} font-size="12" font-weight="600" fill="#1d2733">{_e(_cut(title, 44))}</text>')
    for t in _ticks(lo, hi):
        parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#e3e8ee"/>')
        parts.append(
            f'<text class="ytick" x="{left - 4}" y="{y(t) + 3.5:.1f}" text-anchor="end" {_FONT} font-size="10" fill="#4a5866">{t:g}</text>'
        )
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#8a96a3"/>')
    parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#8a96a3"/>')
    for i, c in enumerate(categories):
        q, _, year = (c[5:], "", c[:4]) if len(c) == 6 and c[4] == "Q" else (c, "", "")
        parts.append(
            f'<text x="{x(i):.1f}" y="{top + ph + 12}" text-anchor="middle" {_FONT} font-size="10" fill="#4a5866">'
            f"{_e('Q' + q if year else c)}</text>"
        )
        if year and (i == 0 or c.endswith("Q1")):
            parts.append(
                f'<text x="{x(i):.1f}" y="{top + ph + 24}" text-anchor="middle" {_FONT} font-size="10" fill="#8a96a3">{_e(year)}</text>'
            )
    same_day: dict[date, list[str]] = {}
    for number, ev in enumerate(events, 1):
        same_day.setdefault(ev.when, []).append(str(number))
    for number, ev in enumerate(events, 1):
        pos = quarter_position(categories, ev.when)
        if pos is None or (numbered and same_day[ev.when][0] != str(number)):
            continue  # events of one day: one marker, numbered with all of them
        ex = x(pos)
        # The marker's number in the legend: words would run into the next marker's.
        label = ",".join(same_day[ev.when]) if numbered else ev.label or f"{ev.when.day} {ev.when:%b %Y}"
        parts.append(
            f'<g class="event"><line x1="{ex:.1f}" x2="{ex:.1f}" y1="{top}" y2="{top + ph}" stroke="{EVENT_COLOUR}" stroke-width="1.5" '
            f'stroke-dasharray="4,3"/><text x="{ex + 3:.1f}" y="{top + 9}" {_FONT} font-size="9" fill="{EVENT_COLOUR}">'
            f"{_e(_cut(label, 20))}</text><title>{_e(ev.label or 'training event')} {ev.when.isoformat()}</title></g>"
        )
    for ln in lines:
        width_ = 2.5 if ln.bold else 1.8
        dash = ' stroke-dasharray="5,3"' if ln.dashed else ""
        run: list[str] = []
        runs: list[list[str]] = []
        for i, v in enumerate(ln.values):
            if v is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(f"{x(i):.1f},{y(v):.1f}")
        if run:
            runs.append(run)
        for r in runs:
            if len(r) > 1:
                parts.append(f'<polyline points="{" ".join(r)}" fill="none" stroke="{ln.colour}" stroke-width="{width_}"{dash}/>')
        for i, v in enumerate(ln.values):
            if v is not None:
                parts.append(
                    f'<circle class="point" data-value="{v:.1f}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.6" fill="{ln.colour}">'
                    f"<title>{_e(ln.label)} {_e(categories[i])}: {v:.1f}{unit}</title></circle>"
                )
    parts.append("</svg>")
    return "".join(parts)


def legend(entries: Sequence[tuple[str, str]], *, dashed: Sequence[str] = ()) -> str:
    """A one-line legend of coloured swatches (HTML)."""
    out = []
    for label, colour in entries:
        style = f"border-top:3px {'dashed' if label in dashed else 'solid'} {colour}"
        out.append(f'<span class="key"><i style="{style}"></i>{_e(label)}</span>')
    return '<p class="legend">' + "".join(out) + "</p>"


def compare_bars(rows: Sequence[tuple[str, float | None, float | None]], *, team: str, width: int = 520, note: str = "suppressed") -> str:
    """Horizontal bars of a team's mean % per row, with the all-teams mean marked on each.

    ``rows`` are (label, team value or None when suppressed, all-teams value or None).
    The axis runs 0-100 (a share's bar starts at zero) with ticks every 25.
    """
    label_w, right, top, row_h = 190, 34, 8, 20
    pw = width - label_w - right
    height = top + row_h * len(rows) + 24
    parts = [_svg(width, height, f"{team} against all teams")]
    for t in (0, 25, 50, 75, 100):
        tx = label_w + pw * t / 100
        parts.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{top + row_h * len(rows)}" stroke="#e3e8ee"/>')
        parts.append(f'<text x="{tx:.1f}" y="{height - 8}" text-anchor="middle" {_FONT} font-size="10" fill="#4a5866">{t}</text>')
    for n, (label, value, total) in enumerate(rows):
        cy = top + row_h * n + row_h / 2
        parts.append(_row_label(label_w - 6, cy + 4, label, 29))
        if value is None:
            parts.append(
                f'<text x="{label_w + 4}" y="{cy + 4:.1f}" {_FONT} font-size="10" font-style="italic" fill="#8a96a3">{_e(note)}</text>'
            )
        else:
            w = pw * max(0.0, min(100.0, value)) / 100
            parts.append(
                f'<rect class="bar" data-value="{value:.1f}" x="{label_w}" y="{cy - 6:.1f}" width="{w:.1f}" height="12" fill="{TEAM_BAR}">'
                f"<title>{_e(team)}, {_e(label)}: {value:.1f}%</title></rect>"
            )
            parts.append(f'<text x="{label_w + pw + 6:.1f}" y="{cy + 4:.1f}" {_FONT} font-size="10" fill="#1d2733">{value:.0f}</text>')
        if total is not None:
            tx = label_w + pw * max(0.0, min(100.0, total)) / 100
            parts.append(
                f'<line class="all" x1="{tx:.1f}" x2="{tx:.1f}" y1="{cy - 9:.1f}" y2="{cy + 9:.1f}" '
                f'stroke="{ALL_TEAMS_COLOUR}" stroke-width="2.5">'
                f"<title>All teams, {_e(label)}: {total:.1f}%</title></line>"
            )
    parts.append("</svg>")
    return "".join(parts)


def count_bars(rows: Sequence[tuple[str, int, int]], *, width: int = 520, title: str = "") -> str:
    """Paired horizontal bars per row: times named a development area and a strength."""
    label_w, right, top, row_h = 180, 58, 8, 20
    pw = width - label_w - right
    end, ticks = _count_ticks(max([max(d, s) for _, d, s in rows] or [1]))
    height = top + row_h * len(rows) + 24
    parts = [_svg(width, height, title)]
    for t in ticks:
        tx = label_w + pw * t / end
        parts.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{top + row_h * len(rows)}" stroke="#e3e8ee"/>')
        parts.append(f'<text x="{tx:.1f}" y="{height - 8}" text-anchor="middle" {_FONT} font-size="10" fill="#4a5866">{t:g}</text>')
    for n, (label, dev, strength) in enumerate(rows):
        y0 = top + row_h * n
        parts.append(_row_label(label_w - 6, y0 + 14, label, 27))
        for k, (value, colour, what) in enumerate(((dev, DEVELOPMENT_COLOUR, "development area"), (strength, STRENGTH_COLOUR, "strength"))):
            w = pw * value / end
            parts.append(
                f'<rect class="bar" data-value="{value}" x="{label_w}" y="{y0 + 3 + 8 * k}" width="{w:.1f}" height="7" fill="{colour}">'
                f"<title>{_e(label)}: {value} times a {what}</title></rect>"
            )
        parts.append(f'<text x="{label_w + pw + 6:.1f}" y="{y0 + 14}" {_FONT} font-size="10" fill="#4a5866">{dev} / {strength}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars(rows: Sequence[tuple[str, int]], *, colour: str = TEAM_BAR, unit: str = "", width: int = 520, title: str = "") -> str:
    """One horizontal bar of a count per row, on an axis from zero with round ticks."""
    label_w, right, top, row_h = 180, 40, 8, 18
    pw = width - label_w - right
    end, ticks = _count_ticks(max([v for _, v in rows] or [1]))
    height = top + row_h * len(rows) + 24
    parts = [_svg(width, height, title)]
    for t in ticks:
        tx = label_w + pw * t / end
        parts.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{top + row_h * len(rows)}" stroke="#e3e8ee"/>')
        parts.append(f'<text x="{tx:.1f}" y="{height - 8}" text-anchor="middle" {_FONT} font-size="10" fill="#4a5866">{t:g}</text>')
    for n, (label, value) in enumerate(rows):
        y0 = top + row_h * n
        parts.append(_row_label(label_w - 6, y0 + 13, label, 27))
        parts.append(
            f'<rect class="bar" data-value="{value}" x="{label_w}" y="{y0 + 4}" width="{pw * value / end:.1f}" height="10" fill="{colour}">'
            f"<title>{_e(label)}: {value} {_e(unit)}</title></rect>"
        )
        parts.append(f'<text x="{label_w + pw + 6:.1f}" y="{y0 + 13}" {_FONT} font-size="10" fill="#4a5866">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def share_bars(
    rows: Sequence[tuple[str, Sequence[int] | None]], names: Sequence[str], colours: Sequence[str], *, width: int = 520, title: str = ""
) -> str:
    """A bar per row split into the shares of its parts (counts, drawn as % of the row's total), 0-100 axis.

    ``rows`` are (label, a count per part in the order of ``names``, or None when the row is suppressed).
    The row's total is written at the right, so that a share resting on few cases can be seen as such.
    """
    label_w, right, top, row_h = 110, 52, 8, 18
    pw = width - label_w - right
    height = top + row_h * len(rows) + 24
    parts = [_svg(width, height, title)]
    for t in (0, 25, 50, 75, 100):
        tx = label_w + pw * t / 100
        parts.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{top + row_h * len(rows)}" stroke="#e3e8ee"/>')
        parts.append(f'<text x="{tx:.1f}" y="{height - 8}" text-anchor="middle" {_FONT} font-size="10" fill="#4a5866">{t}%</text>')
    for n, (label, counts) in enumerate(rows):
        y0 = top + row_h * n
        parts.append(_row_label(label_w - 6, y0 + 13, label, 16))
        if counts is None:
            parts.append(
                f'<text x="{label_w + 4}" y="{y0 + 13}" {_FONT} font-size="10" font-style="italic" fill="#8a96a3">suppressed</text>'
            )
            continue
        total = sum(counts)
        x = float(label_w)
        for name, count, colour in zip(names, counts, colours, strict=True):
            if count <= 0:
                continue
            w = pw * count / total
            parts.append(
                f'<rect class="part" data-value="{count}" x="{x:.1f}" y="{y0 + 3}" width="{w:.1f}" height="12" fill="{colour}">'
                f"<title>{_e(label)}, {_e(name)}: {count} of {total} ({100 * count / total:.0f}%)</title></rect>"
            )
            x += w
        parts.append(f'<text x="{label_w + pw + 6:.1f}" y="{y0 + 13}" {_FONT} font-size="10" fill="#4a5866">{total}</text>')
    parts.append("</svg>")
    return "".join(parts)


def dumbbell(
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    width: int = 520,
    title: str = "",
    names: tuple[str, str] = ("before", "after"),
) -> str:
    """Before (hollow) and after (filled) means per row on an axis ranged to the data, with the change.

    ``names`` says what the two are in the points' tooltips (e.g. observer and self).
    """
    values = [v for _, b, a in rows for v in (b, a) if v is not None]
    lo, hi = nice_range(values)
    label_w, right, top, row_h = 150, 52, 8, 20
    pw = width - label_w - right
    height = top + row_h * len(rows) + 24

    def x(v: float) -> float:
        return label_w + pw * (v - lo) / (hi - lo or 1)

    parts = [_svg(width, height, title)]
    for t in _ticks(lo, hi):
        parts.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top}" y2="{top + row_h * len(rows)}" stroke="#e3e8ee"/>')
        parts.append(f'<text x="{x(t):.1f}" y="{height - 8}" text-anchor="middle" {_FONT} font-size="10" fill="#4a5866">{t:g}</text>')
    for n, (label, before, after) in enumerate(rows):
        cy = top + row_h * n + row_h / 2
        parts.append(_row_label(label_w - 6, cy + 4, label, 28))
        if before is None or after is None:
            parts.append(
                f'<text x="{label_w + 4}" y="{cy + 4:.1f}" {_FONT} font-size="10" font-style="italic" fill="#8a96a3">not shown</text>'
            )
            continue
        colour = TOP_COLOUR if after >= before else LOW_COLOUR
        parts.append(f'<line x1="{x(before):.1f}" x2="{x(after):.1f}" y1="{cy:.1f}" y2="{cy:.1f}" stroke="{colour}" stroke-width="2"/>')
        parts.append(
            f'<circle cx="{x(before):.1f}" cy="{cy:.1f}" r="4" fill="#fff" stroke="#4a5866" stroke-width="1.5">'
            f"<title>{_e(names[0])}: {before:.1f}%</title></circle>"
        )
        parts.append(
            f'<circle cx="{x(after):.1f}" cy="{cy:.1f}" r="4" fill="{colour}"><title>{_e(names[1])}: {after:.1f}%</title></circle>'
        )
        parts.append(f'<text x="{width - right + 6}" y="{cy + 4:.1f}" {_FONT} font-size="10" fill="{colour}">{after - before:+.1f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar(shares: Sequence[tuple[str, float | None]], colours: Sequence[str], *, width: int = 140) -> str:
    """One bar split by level shares (percent), lowest level at the left."""
    parts, x = [], 0.0
    total = sum(float(v) for _, v in shares if v is not None) or 1.0
    for (label, v), colour in zip(shares, colours, strict=False):
        if v is None or float(v) <= 0:
            continue
        w = width * float(v) / total
        parts.append(f'<rect x="{x:.1f}" width="{w:.1f}" height="12" fill="{colour}"><title>{_e(label)}: {float(v):.0f}%</title></rect>')
        x += w
    return f'<svg width="{width}" height="12" role="img" aria-label="distribution of levels">{"".join(parts)}</svg>'
