"""Rendering team summaries: a readable text table, Markdown, CSV, JSON, Excel and a
self-contained HTML page (inline CSS and SVG charts, no script, everything escaped).

Suppressed figures are never printed: their cells show an em dash and the row's note says
why ("suppressed: fewer than 5 practitioners" or "suppressed: would reveal a hidden figure").
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from seeds_tui.core.errors import MissingPart, SeedsError
from seeds_tui.team.suppression import ALL_TEAMS
from seeds_tui.team.tables import SummaryTable

FORMATS = ("table", "csv", "markdown", "json", "xlsx", "html")

#: Column headings people read.
LABELS: dict[str, str] = {
    "team": "Team", "section": "Section", "item": "Item", "title": "Title", "group": "Composite", "quarter": "Quarter",
    "period": "Period", "measure": "Measure", "kind": "Kind", "observations": "Obs", "practitioners": "Pract.",
    "mean_percent": "Mean %", "median_percent": "Median %", "band": "Band", "shown": "Shown %", "missed": "Missed %",
    "na": "NA %", "no": "NO %", "change": "Change", "mean": "Mean", "median": "Median", "development_areas": "Development",
    "strengths": "Strengths", "with_actions": "Obs with actions", "actions": "Actions", "practitioner": "Practitioner",
    "levels": "Levels %", "note": "Note", "in_both": "In both", "interval": "± (95 %)", "caution": "Caution",
}  # fmt: skip
PERCENT_COLUMNS = {"mean_percent", "median_percent", "shown", "missed", "na", "no", "change", "interval"}
DECIMAL_COLUMNS = {"mean", "median"}
SPARK = "▁▂▃▄▅▆▇█"
DASH = "—"


@dataclass
class SummaryDocument:
    """Everything a rendered summary shows: heading lines, tables and warnings."""

    heading: str
    details: list[str]
    tables: list[SummaryTable]
    warnings: list[str] = field(default_factory=list)
    threshold: int = 5


def level_columns(frame: pd.DataFrame) -> list[str]:
    """The ``level_<v>`` distribution columns, lowest level first."""
    return [c for c in frame.columns if c.startswith("level_")]


def spark(values: Sequence[float | None]) -> str:
    """A one-line bar chart of shares or means (blank for missing values)."""
    clean = [v for v in values if v is not None and not _missing(v)]
    if not clean:
        return ""
    top = max(clean) or 1.0
    out = []
    for v in values:
        if v is None or _missing(v):
            out.append(" ")
        else:
            out.append(SPARK[min(len(SPARK) - 1, round((len(SPARK) - 1) * float(v) / top))])
    return "".join(out)


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell(column: str, value: Any, suppressed: bool = False) -> str:
    """One cell as text: percents to one decimal, counts whole, suppressed figures as a dash."""
    if column in ("team", "section", "item", "title", "group", "quarter", "period", "measure", "kind", "practitioner", "note", "caution"):
        return "" if _missing(value) else str(value)
    if suppressed:
        return DASH
    if _missing(value):
        return ""
    if column in PERCENT_COLUMNS or column.startswith("level_"):
        return f"{float(value):+.1f}" if column == "change" else f"{float(value):.1f}"
    if column in DECIMAL_COLUMNS:
        return f"{float(value):.2f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def display_rows(table: SummaryTable, *, with_bars: bool = True) -> tuple[list[str], list[list[str]]]:
    """Headings and text cells of a table for people: level shares folded into one column."""
    _, headings, rows = _display(table, with_bars=with_bars)
    return headings, rows


def _display(table: SummaryTable, *, with_bars: bool = True) -> tuple[list[str], list[str], list[list[str]]]:
    """Column keys, headings and text cells (see ``display_rows``)."""
    frame = table.frame
    levels = level_columns(frame)
    hidden = {"suppressed", *levels}
    if table.view == "item":
        hidden.add("section")
    columns = [c for c in frame.columns if c not in hidden]
    headings = [LABELS.get(c, c) for c in columns]
    if levels:
        at = columns.index("note") if "note" in columns else len(columns)
        columns.insert(at, "levels")
        # The rubric's scale levels (``aggregate.scale_levels``), not the levels present in the data.
        span = f"{levels[0].removeprefix('level_')}-{levels[-1].removeprefix('level_')}"
        headings.insert(at, f"Levels {span} %")
    rows = []
    for rec in frame.to_dict("records"):
        sup = bool(rec.get("suppressed", False))
        row = []
        for c in columns:
            if c == "levels":
                shares = [rec[lv] for lv in levels]
                if sup or all(_missing(v) for v in shares):
                    row.append(DASH if sup else "")
                else:
                    nums = "/".join("" if _missing(v) else f"{float(v):.0f}" for v in shares)
                    row.append(f"{spark(shares)} {nums}" if with_bars else nums)
            else:
                row.append(cell(c, rec.get(c), sup))
        rows.append(row)
    return columns, headings, rows


# -- text and markdown -----------------------------------------------------------------------


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


#: Marks standing for the suppression notes when the table is narrowed to fit a terminal.
NOTE_MARKS = {"suppressed: would reveal a hidden figure": "†"}
#: What a narrow terminal gives up first: each step applies on top of the ones before.
_NARROWING = (
    ("marks", None), ("title", 24), ("bars", None), ("drop", "title"), ("drop", "median_percent"), ("drop", "na"),
    ("drop", "no"), ("drop", "levels"), ("drop", "missed"), ("drop", "median"), ("drop", "kind"), ("short", None),
    ("drop", "section"), ("drop", "practitioners"),
)  # fmt: skip
#: Shorter headings for a narrow terminal.
SHORT_LABELS = {"development_areas": "Dev.", "strengths": "Str.", "with_actions": "With act.", "observations": "Obs"}


def _mark(note: str, n: int) -> str:
    if note in NOTE_MARKS:
        return NOTE_MARKS[note]
    return "*" if note.startswith("suppressed: fewer than") else "‡" * (n + 1)


def _width(headings: list[str], rows: list[list[str]]) -> int:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headings)]
    return sum(widths) + 2 * max(0, len(widths) - 1)


def _narrowed(table: SummaryTable, width: int | None) -> tuple[list[str], list[list[str]], list[str]]:
    """Headings, rows and footnotes of a table, giving up less essential columns until it fits ``width``."""
    bars, title_width, marks, short, dropped = True, 44, False, False, set()
    for step, arg in (("start", None), *_NARROWING):
        if step == "short":
            short = True
        elif step == "marks":
            marks = True
        elif step == "title":
            title_width = int(arg) if arg else title_width  # type: ignore[arg-type]
        elif step == "bars":
            bars = False
        elif step == "drop":
            dropped.add(str(arg))
        keys, headings, rows = _display(table, with_bars=bars)
        if short:
            headings = [SHORT_LABELS.get(k, h) for k, h in zip(keys, headings, strict=True)]
        notes: list[str] = []
        if marks and "note" in keys:
            n = keys.index("note")
            seen: dict[str, str] = {}
            for r in rows:
                if r[n]:
                    mark = seen.setdefault(r[n], _mark(r[n], len(seen)))
                    r[n] = mark
            headings[n] = ""
            notes = [f"{mark} {text}" for text, mark in seen.items()]
        if "title" in keys:
            t = keys.index("title")
            rows = [[*r[:t], _fit(r[t], title_width), *r[t + 1 :]] for r in rows]
        # The section goes only where the item (or the row's title) still says what the row is.
        gone = dropped - ({"section"} if "item" not in keys else set())
        keep = [i for i, k in enumerate(keys) if k not in gone]
        headings = [headings[i] for i in keep]
        rows = [[r[i] for i in keep] for r in rows]
        if width is None or _width(headings, rows) <= width:
            break
    return headings, rows, notes


def render_table(doc: SummaryDocument, width: int | None = None) -> str:
    """A readable fixed-width text table per summary table.

    With ``width`` (a terminal's columns) each table gives up less essential parts until it
    fits: notes become marks explained below the table, long titles are shortened, then the
    level bars, the title, median, NA/NO, level and missed columns are left out.
    """
    details = [part for d in doc.details for part in textwrap.wrap(d, width)] if width else doc.details
    out = [doc.heading, *details, ""]
    for table in doc.tables:
        out += textwrap.wrap(table.title, width) if width else [table.title]
        headings, rows, notes = _narrowed(table, width)
        if not rows:
            out += [f"({table.empty})", ""]
            continue
        widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headings)]
        numeric = [_numeric_col(rows, i) for i in range(len(headings))]

        def line(cells: list[str], numeric: list[bool] = numeric, widths: list[int] = widths) -> str:
            parts = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric, strict=True)]
            return "  ".join(parts).rstrip()

        out.append(line(headings))
        out.append("  ".join("-" * w for w in widths).rstrip())
        previous_team = None
        for r in rows:
            if headings[0] == "Team" and previous_team is not None and r[0] != previous_team and r[0] == ALL_TEAMS:
                out.append("")
            previous_team = r[0]
            out.append(line(r))
        out += [*notes, ""]
    return "\n".join(out).rstrip() + "\n"


def _looks_numeric(text: str) -> bool:
    if text in ("", DASH):
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("*", "\\*").replace("_", "\\_").replace("<", "&lt;")


def render_markdown(doc: SummaryDocument) -> str:
    """GitHub-flavoured Markdown: a heading, the filters, one pipe table per summary table."""
    out = [f"# {_md(doc.heading)}", "", *(f"- {_md(d)}" for d in doc.details), ""]
    for table in doc.tables:
        out += [f"## {_md(table.title)}", ""]
        headings, rows = display_rows(table, with_bars=False)
        if not rows:
            out += [f"_{_md(table.empty)}_", ""]
            continue
        out.append("| " + " | ".join(_md(h) for h in headings) + " |")
        out.append("|" + "|".join("---:" if _numeric_col(rows, i) else "---" for i in range(len(headings))) + "|")
        for r in rows:
            out.append("| " + " | ".join(_md(c) for c in r) + " |")
        out.append("")
    if doc.warnings:
        out += ["## Warnings", "", *(f"- {_md(w)}" for w in doc.warnings), ""]
    return "\n".join(out).rstrip() + "\n"


def _numeric_col(rows: list[list[str]], i: int) -> bool:
    return any(r[i] not in ("", DASH) for r in rows) and all(_looks_numeric(r[i]) for r in rows)


# -- machine formats -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if _missing(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, 2)
    return value


def render_csv(doc: SummaryDocument) -> str:
    """CSV with the frames' own column names; several tables get a leading ``table`` column."""
    frames = []
    for table in doc.tables:
        frame = table.frame.copy()
        if len(doc.tables) > 1:
            frame.insert(0, "table", table.title)
        frames.append(frame)
    if not frames:
        return ""
    columns: list[str] = []
    for f in frames:
        columns += [c for c in f.columns if c not in columns]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for f in frames:
        for rec in f.to_dict("records"):
            writer.writerow(["" if _plain(rec.get(c)) is None else _plain(rec.get(c)) for c in columns])
    return buf.getvalue()


def render_json(doc: SummaryDocument) -> str:
    """JSON: heading, details, threshold, warnings and each table's rows (suppressed figures null)."""
    payload = {
        "heading": doc.heading,
        "details": doc.details,
        "threshold": doc.threshold,
        "warnings": doc.warnings,
        "tables": [
            {
                "title": t.title,
                "view": t.view,
                "rubric_id": t.rubric_id,
                "columns": list(t.frame.columns),
                "rows": [{k: _plain(v) for k, v in rec.items()} for rec in t.frame.to_dict("records")],
            }
            for t in doc.tables
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render_xlsx(doc: SummaryDocument) -> bytes:
    """An Excel workbook: a sheet per table plus an ``About`` sheet (needs openpyxl)."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:
        raise MissingPart("Excel output", "openpyxl") from None
    wb = Workbook()
    about = wb.active
    about.title = "About"
    for line in [doc.heading, *doc.details, "", *(f"warning: {w}" for w in doc.warnings)]:
        about.append([_xl_text(line)])
    about["A1"].font = Font(bold=True)
    used: set[str] = {"About"}
    per_rubric: dict[str, int] = {}
    for table in doc.tables:
        per_rubric[table.rubric_id] = per_rubric.get(table.rubric_id, 0) + 1
    for table in doc.tables:
        # Named by rubric id (31 characters at most, unique); a second table of one rubric adds its view.
        alone = per_rubric[table.rubric_id] == 1
        base = table.rubric_id if alone else f"{table.rubric_id[: 30 - len(table.view)]} {table.view}"
        name = _sheet_name(base, used)
        ws = wb.create_sheet(name)
        ws.append([_xl_text(table.title)])
        ws["A1"].font = Font(bold=True)
        headings = [LABELS.get(c, c) if not c.startswith("level_") else f"Level {c.removeprefix('level_')} %" for c in table.frame.columns]
        ws.append(headings)
        for c in ws[2]:
            c.font = Font(bold=True)
        for rec in table.frame.to_dict("records"):
            ws.append([_xl_value(_plain(v)) for v in rec.values()])
        if not len(table.frame):
            ws.append([table.empty])
        ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xl_text(text: str) -> str:
    # A leading = + - @ would make a spreadsheet treat user text as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _xl_value(value: Any) -> Any:
    return _xl_text(value) if isinstance(value, str) else value


def _sheet_name(base: str, used: set[str]) -> str:
    name = "".join(ch for ch in base if ch not in "[]:*?/\\")[:31] or "Sheet"
    candidate, n = name, 2
    while candidate in used:
        candidate = f"{name[:28]} {n}"
        n += 1
    used.add(candidate)
    return candidate


# -- HTML --------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1d2733;background:#fff}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:2px solid #d5dde6;padding-bottom:.2rem}
.details{color:#4a5866;margin:0 0 1rem;padding-left:1.2rem}
table{border-collapse:collapse;font-size:.9rem;margin-bottom:1rem;max-width:100%}
table.wide{font-size:.75rem}table.wide th,table.wide td{padding:.2rem .3rem}
th,td{padding:.25rem .55rem;border-bottom:1px solid #e3e8ee;text-align:left;vertical-align:middle}
th{background:#f2f5f8;font-weight:600}td{white-space:nowrap}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.title,td.note{white-space:normal;overflow-wrap:break-word;min-width:9rem}
tr.total td{font-weight:600;background:#f8fafc}tr.suppressed td{color:#8a96a3;font-style:italic}
.note{color:#8a5a00;font-size:.8rem}.band-very-high{color:#1b6e3a}.band-high{color:#3a7d1b}
.band-moderate{color:#8a6d00}.band-low{color:#a33a2b}
.legend{font-size:.8rem;color:#4a5866}
.legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .25rem 0 .8rem;vertical-align:-.1rem}
.warnings{background:#fff6e0;border:1px solid #e8c66a;padding:.5rem 1rem}
@media print{body{margin:0}}
"""
_LEVEL_COLOURS = ["#c0392b", "#e67e22", "#f1c40f", "#7dbb42", "#27ae60", "#1e8449", "#145a32", "#0b3d20", "#062814", "#021008"]
_SHARE_COLOURS = {"shown": "#27ae60", "missed": "#c0392b", "na": "#95a5a6", "no": "#34495e"}


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _bar(percent: Any, width: int = 120) -> str:
    if _missing(percent):
        return ""
    p = max(0.0, min(100.0, float(percent)))
    w = round(width * p / 100)
    return (
        f'<svg width="{width}" height="12" role="img" aria-label="{p:.0f} percent">'
        f'<rect width="{width}" height="12" fill="#e3e8ee"/><rect width="{w}" height="12" fill="#2c7fb8"/></svg>'
    )


def _stacked(shares: list[tuple[str, Any]], colours: Sequence[str], width: int = 140) -> str:
    parts, x = [], 0.0
    total = sum(float(v) for _, v in shares if not _missing(v)) or 1.0
    for (label, v), colour in zip(shares, colours, strict=False):
        if _missing(v) or float(v) <= 0:
            continue
        w = width * float(v) / total
        parts.append(f'<rect x="{x:.1f}" width="{w:.1f}" height="12" fill="{colour}"><title>{_e(label)}: {float(v):.0f}%</title></rect>')
        x += w
    return f'<svg width="{width}" height="12" role="img" aria-label="distribution">{"".join(parts)}</svg>'


def _sparkline(values: list[float | None], width: int = 240, height: int = 40) -> str:
    points = [(i, v) for i, v in enumerate(values) if v is not None and not _missing(v)]
    if not points:
        return ""
    n = max(1, len(values) - 1)
    # One polyline per run of consecutive quarters shown: a missing quarter is a real gap.
    runs: list[list[tuple[int, Any]]] = []
    for i, v in points:
        if runs and runs[-1][-1][0] == i - 1:
            runs[-1].append((i, v))
        else:
            runs.append([(i, v)])
    lines = "".join(
        '<polyline points="'
        + " ".join(f"{2 + (width - 4) * i / n:.1f},{height - 2 - (height - 4) * float(v) / 100:.1f}" for i, v in run)
        + '" fill="none" stroke="#2c7fb8" stroke-width="1.5"/>'
        for run in runs
        if len(run) > 1
    )
    dots = "".join(
        f'<circle cx="{2 + (width - 4) * i / n:.1f}" cy="{height - 2 - (height - 4) * float(v) / 100:.1f}" r="2" fill="#2c7fb8"/>'
        for i, v in points
    )
    return (
        f'<svg width="{width}" height="{height}" role="img" aria-label="trend">'
        f'<rect width="{width}" height="{height}" fill="#f6f8fa"/>'
        f'<line x1="0" x2="{width}" y1="{height / 2}" y2="{height / 2}" stroke="#d5dde6" stroke-dasharray="3,3"/>'
        f"{lines}{dots}</svg>"
    )


def render_html(doc: SummaryDocument) -> str:
    """A self-contained page (inline CSS and SVG, no script) to open or project."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(doc.heading)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(doc.heading)}</h1>",
        '<ul class="details">' + "".join(f"<li>{_e(d)}</li>" for d in doc.details) + "</ul>",
    ]
    if doc.warnings:
        out.append(
            '<div class="warnings"><strong>Warnings</strong><ul>' + "".join(f"<li>{_e(w)}</li>" for w in doc.warnings) + "</ul></div>"
        )
    for table in doc.tables:
        out.append(f"<h2>{_e(table.title)}</h2>")
        if not len(table.frame):
            out.append(f'<p class="legend">{_e(table.empty)}</p>')
            continue
        if table.view == "quarter":
            out.append(_trend_chart(table))
        out.append(_html_table(table))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _html_table(table: SummaryTable) -> str:
    frame = table.frame
    levels = level_columns(frame)
    columns = [c for c in frame.columns if c not in {"suppressed", *levels} and not (table.view == "item" and c == "section")]
    head = [LABELS.get(c, c) for c in columns]
    if "mean_percent" in columns:
        head.insert(columns.index("mean_percent") + 1, "")
    if levels:
        head.insert(len(head) - 1 if "note" in columns else len(head), f"Levels {levels[0][6:]}-{levels[-1][6:]}")
    # Many columns: a smaller font and narrower charts so the page fits without scrolling sideways.
    wide = len(head) > 10
    rows = []
    for rec in frame.to_dict("records"):
        sup = bool(rec.get("suppressed", False))
        classes = [c for c, on in (("total", rec.get("team") == ALL_TEAMS), ("suppressed", sup)) if on]
        cells = []
        for c in columns:
            text = cell(c, rec.get(c), sup)
            if c == "note":
                if levels:
                    cells.append(
                        "<td>"
                        + ("" if sup else _stacked([(f"level {lv[6:]}", rec[lv]) for lv in levels], _LEVEL_COLOURS, 80 if wide else 140))
                        + "</td>"
                    )
                cells.append(f'<td class="note">{_e(text)}</td>')
                continue
            if c == "band" and text and not sup:
                cells.append(f'<td class="band-{_e(text.replace(" ", "-"))}">{_e(text)}</td>')
                continue
            numeric = _looks_numeric(text) and c not in ("quarter",)
            kind = "num" if numeric else ("title" if c == "title" else "")
            cells.append(f'<td class="{kind}">{_e(text)}</td>' if kind else f"<td>{_e(text)}</td>")
            if c == "mean_percent":
                cells.append("<td>" + ("" if sup else _bar(rec.get(c), 60 if wide else 120)) + "</td>")
        rows.append(f'<tr class="{" ".join(classes)}">' + "".join(cells) + "</tr>")
    legend = ""
    if levels:
        legend = (
            '<p class="legend">Levels:'
            + "".join(
                f'<span style="background:{_LEVEL_COLOURS[i % len(_LEVEL_COLOURS)]}"></span>{_e(lv[6:])}' for i, lv in enumerate(levels)
            )
            + "</p>"
        )
    return (
        f'<table class="{"wide" if wide else ""}"><thead><tr>' + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"
        + "".join(rows) + "</tbody></table>" + legend
    )  # fmt: skip


def _trend_chart(table: SummaryTable) -> str:
    """A small table of sparklines: one line per team and section across quarters."""
    frame = table.frame
    if not len(frame):
        return ""
    part = "group" if "group" in frame.columns else "section"
    quarters = sorted(set(map(str, frame["quarter"])) - {""})
    if not quarters:
        return ""
    rows = []
    for (team, sec), grp in frame.groupby(["team", part], sort=False):
        if not str(sec):
            rows.append(f'<tr><td>{_e(team)}</td><td></td><td></td><td class="note">{_e(grp["note"].iloc[0])}</td></tr>')
            continue
        by_q = {str(q): (None if s else m) for q, m, s in zip(grp["quarter"], grp["mean_percent"], grp["suppressed"], strict=True)}
        values = [None if _missing(by_q.get(q)) else float(by_q[q]) for q in quarters]
        shown = [v for v in values if v is not None]
        change = f"{shown[0]:.1f} → {shown[-1]:.1f} ({shown[-1] - shown[0]:+.1f})" if len(shown) >= 2 else ""
        rows.append(f'<tr><td>{_e(team)}</td><td>{_e(sec)}</td><td>{_sparkline(values)}</td><td class="num">{_e(change)}</td></tr>')
    caption = f"Mean % of maximum by quarter, {_e(quarters[0])} to {_e(quarters[-1])}; dashed line 50 %; gaps: no data or suppressed"
    return (
        f'<table><caption class="legend">{caption}</caption>'
        f"<thead><tr><th>Team</th><th>{_e(LABELS[part])}</th><th>Trend</th><th>First → last shown</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def render(doc: SummaryDocument, fmt: str) -> str | bytes:
    """Render in one of ``FORMATS`` (bytes for xlsx, text otherwise)."""
    if fmt == "table":
        return render_table(doc)
    if fmt == "markdown":
        return render_markdown(doc)
    if fmt == "csv":
        return render_csv(doc)
    if fmt == "json":
        return render_json(doc)
    if fmt == "xlsx":
        return render_xlsx(doc)
    if fmt == "html":
        return render_html(doc)
    raise SeedsError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
