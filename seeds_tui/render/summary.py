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
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from seeds_tui.core.dates import uk_date
from seeds_tui.core.errors import MissingPart, SeedsError
from seeds_tui.render import charts
from seeds_tui.team.suppression import ALL_TEAMS
from seeds_tui.team.tables import SummaryTable

FORMATS = ("table", "csv", "markdown", "json", "xlsx", "html")

#: Column headings people read.
LABELS: dict[str, str] = {
    "team": "Team", "section": "Section", "item": "Item", "title": "Title", "group": "Composite", "quarter": "Quarter",
    "period": "Period", "measure": "Measure", "kind": "Kind", "observations": "Obs", "practitioners": "Pract.",
    "mean_percent": "Mean %", "median_percent": "Median %", "band": "Band", "competent": "Competent+ %",
    "shown": "Shown %", "missed": "Missed %",
    "na": "NA %", "no": "NO %", "change": "Change", "mean": "Mean", "median": "Median", "development_areas": "Development",
    "strengths": "Strengths", "with_actions": "Obs with actions", "actions": "Actions", "practitioner": "Practitioner",
    "levels": "Levels %", "note": "Note", "suppressed": "Suppressed", "in_both": "In both", "interval": "± (95 %)",
    "caution": "Caution", "wording": "Wording", "done": "Done", "ongoing": "Ongoing", "dropped": "Dropped",
    "not_reviewed": "Not reviewed", "last_observed": "Last observed", "linked_item": "Item",
    "statement": "Statement", "respondents": "People", "agree_percent": "Agree %", "prefer_not": "Prefer not",
    "date": "Date", "topic": "Topic", "addresses": "Addresses",
    "self_percent": "Self %", "observer_percent": "Observer %", "gap": "Gap", "apart": "Apart",
}  # fmt: skip
#: Columns holding words (or dates), shown as they are, never as a figure.
TEXT_COLUMNS = frozenset(
    (
        "team",
        "section",
        "item",
        "title",
        "group",
        "quarter",
        "period",
        "measure",
        "kind",
        "practitioner",
        "note",
        "caution",
        "wording",
        "last_observed",
        "linked_item",
        "statement",
        "date",
        "topic",
        "addresses",
    )
)
PERCENT_COLUMNS = {
    "mean_percent", "median_percent", "competent", "shown", "missed", "na", "no", "change", "interval", "agree_percent",
    "self_percent", "observer_percent", "gap", "apart",
}  # fmt: skip
#: Differences, shown with their sign (percentage points).
SIGNED_COLUMNS = frozenset(("change", "gap"))
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
    #: Training events marked on trend charts (the HTML page).
    events: list[charts.Event] = field(default_factory=list)


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
    if column in TEXT_COLUMNS:
        return "" if _missing(value) else str(value)
    if suppressed:
        return DASH
    if _missing(value):
        return ""
    if column in PERCENT_COLUMNS or column.startswith("level_"):
        return f"{float(value):+.1f}" if column in SIGNED_COLUMNS else f"{float(value):.1f}"
    if column in DECIMAL_COLUMNS:
        return f"{float(value):.2f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def display_rows(table: SummaryTable, *, with_bars: bool = True) -> tuple[list[str], list[list[str]]]:
    """Headings and text cells of a table for people: level shares folded into one column."""
    _, headings, rows = _display(table, with_bars=with_bars)
    return headings, rows


def display_table(table: SummaryTable, *, with_bars: bool = True) -> tuple[list[str], list[str], list[list[str]]]:
    """Column keys (frame columns, plus ``levels`` for the folded level shares), headings and text cells."""
    return _display(table, with_bars=with_bars)


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
#: Shares of scored items that are read together (missed against not applicable against not
#: observed): a narrow table keeps all four or none, never Missed % without NA % and NO %.
SHARES = ("shown", "missed", "na", "no")
#: What a narrow terminal gives up first: each step applies on top of the ones before.
_NARROWING = (
    ("marks", None), ("title", 24), ("bars", None), ("drop", "title"), ("drop", "linked_item"), ("drop", "median_percent"),
    ("drop", "levels"), ("drop", "competent"),
    ("drop", "shares"), ("drop", "median"), ("drop", "kind"), ("short", None), ("drop", "section"), ("drop", "practitioners"),
)  # fmt: skip


def column_group(key: str) -> tuple[str, ...]:
    """The columns that go with ``key`` when a table is narrowed (the shares stand or fall together)."""
    return SHARES if key in (*SHARES, "shares") else (key,)


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
    bars, title_width, marks, short = True, 44, False, False
    dropped: set[str] = set()
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
            dropped.update(column_group(str(arg)))
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
        for name in ("title", "wording"):  # a wording stays (it is what the row is), shortened as a title
            if name in keys:
                t = keys.index(name)
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
    """JSON: heading, details, threshold, warnings and each table's rows (suppressed figures, and
    text a row has none of, null)."""
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
                # One meaning for missing, as in the exports: null, never an empty string.
                "rows": [{k: None if _plain(v) == "" else _plain(v) for k, v in rec.items()} for rec in t.frame.to_dict("records")],
            }
            for t in doc.tables
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


#: Excel number formats: shares and means are stored as fractions (0.5 shows as 50.0%) so that
#: a spreadsheet computes with them as percentages; a change is in percentage points.
XL_PERCENT = "0.0%"
XL_POINTS = '+0.0" pts";-0.0" pts";0.0" pts"'
XL_DECIMAL = "0.00"
XL_COUNT = "0"
#: Columns that label a row: kept in view (frozen) while the figures scroll.
LABEL_KEYS = ("practitioner", "team", "section", "item", "group", "quarter", "period", "measure")
_XL_MAX_WIDTH = {"title": 48, "note": 40, "wording": 60, "topic": 40}
#: Text columns that wrap in their cells once wider than their cap.
_XL_WRAPPED = ("title", "note", "wording", "topic")
#: Count columns a facilitator compares by eye: a data bar on each (themes, actions, how carried actions ended).
_XL_COUNT_BARS = ("development_areas", "strengths", "actions", "done", "ongoing", "dropped", "not_reviewed")


#: Columns of whole counts.
COUNT_COLUMNS = frozenset(
    (
        "observations",
        "practitioners",
        "development_areas",
        "strengths",
        "with_actions",
        "actions",
        "done",
        "ongoing",
        "dropped",
        "not_reviewed",
    )
)


def _xl_heading(column: str) -> str:
    return f"Level {column.removeprefix('level_')} %" if column.startswith("level_") else LABELS.get(column, column)


def _xl_kind(column: str) -> str:
    if column in PERCENT_COLUMNS - SIGNED_COLUMNS or column.startswith("level_"):
        return "percent"
    if column in SIGNED_COLUMNS:
        return "points"
    if column in DECIMAL_COLUMNS:
        return "decimal"
    if column in COUNT_COLUMNS:
        return "count"
    return "text"


def render_xlsx(doc: SummaryDocument) -> bytes:
    """An Excel workbook: an ``About`` sheet (filters, warnings, a list of the sheets with each
    table's full title) and a sheet per table.

    Each table sheet: the table's title in A1, headings in row 2 (bold, frozen with the label
    columns Team, Section...), an autofilter over the table, columns as wide as their contents,
    percentages as Excel percentages (``0.0%``), a data bar on Mean % and on the counts of themes
    and actions, a colour scale on the level shares, coverage's practitioners with no observation
    shaded red, long text wrapped and suppressed rows in grey italics.
    """
    try:
        from openpyxl import Workbook  # type: ignore[import-untyped]
        from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, DataBarRule  # type: ignore[import-untyped]
        from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
        from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
    except ImportError:
        raise MissingPart("Excel output", "openpyxl") from None
    wb = Workbook()
    about = wb.active
    about.title = "About"
    for line in [doc.heading, *doc.details, "", *(f"warning: {w}" for w in doc.warnings)]:
        about.append([_xl_text(line)])
    about["A1"].font = Font(bold=True, size=14)
    used: set[str] = {"About"}
    per_rubric: dict[str, int] = {}
    for table in doc.tables:
        per_rubric[table.rubric_id] = per_rubric.get(table.rubric_id, 0) + 1
    names = []
    for table in doc.tables:
        # Named by rubric id, plus the view when a rubric has two tables; unique, at most 31 characters.
        suffix = "" if per_rubric[table.rubric_id] == 1 else f" {table.view.replace('_', ' ')}"
        names.append(_sheet_name(table.rubric_id, suffix, used))
    if doc.tables:
        about.append([])
        about.append(["Sheet", "Table"])
        for c in about[about.max_row]:
            c.font = Font(bold=True)
        for name, table in zip(names, doc.tables, strict=True):
            about.append([name, _xl_text(table.title)])
    about.column_dimensions["A"].width = max(12, min(60, max((len(n) for n in names), default=0) + 2))
    about.column_dimensions["B"].width = 80
    grey = Font(italic=True, color="FF7F8C8D")
    bold = Font(bold=True)
    for name, table in zip(names, doc.tables, strict=True):
        ws = wb.create_sheet(name)
        ws.append([_xl_text(table.title)])
        ws["A1"].font = Font(bold=True, size=13)
        columns = list(table.frame.columns)
        ws.append([_xl_heading(c) for c in columns])
        for c in ws[2]:
            c.font = bold
            c.alignment = Alignment(wrap_text=True, vertical="bottom")
        kinds = [_xl_kind(c) for c in columns]
        widths = [len(_xl_heading(c)) for c in columns]
        for rec in table.frame.to_dict("records"):
            values = []
            for n, (column, kind) in enumerate(zip(columns, kinds, strict=True)):
                value = _plain(rec.get(column))
                if kind == "percent" and isinstance(value, int | float) and not isinstance(value, bool):
                    value = round(float(rec[column]) / 100, 5)
                    shown = 6
                elif isinstance(value, str):
                    value = _xl_value(value)
                    shown = len(value)
                else:
                    shown = len("" if value is None else str(value))
                widths[n] = max(widths[n], shown)
                values.append(value)
            ws.append(values)
        last = ws.max_row
        if not len(table.frame):
            ws.append([_xl_text(table.empty)])
            ws["A3"].font = grey
        fmt = {"percent": XL_PERCENT, "points": XL_POINTS, "decimal": XL_DECIMAL, "count": XL_COUNT}
        hidden_rows = [n + 3 for n, s in enumerate(table.frame.get("suppressed", pd.Series(dtype=bool))) if bool(s)]
        total_rows = [n + 3 for n, t in enumerate(table.frame.get("team", pd.Series(dtype=str))) if t == ALL_TEAMS]
        for n, (column, kind) in enumerate(zip(columns, kinds, strict=True), 1):
            letter = get_column_letter(n)
            cap = _XL_MAX_WIDTH.get(column, 30)
            ws.column_dimensions[letter].width = min(cap, widths[n - 1]) + 2
            if kind in fmt and len(table.frame):
                for (c,) in ws.iter_rows(min_row=3, max_row=last, min_col=n, max_col=n):
                    c.number_format = fmt[kind]
            if column in _XL_WRAPPED and len(table.frame):
                for (c,) in ws.iter_rows(min_row=3, max_row=last, min_col=n, max_col=n):
                    c.alignment = Alignment(wrap_text=widths[n - 1] > cap, vertical="top")
        for r in total_rows:
            for c in ws[r]:
                c.font = bold
        for r in hidden_rows:
            for c in ws[r]:
                c.font = grey
        if len(table.frame):
            end = get_column_letter(len(columns))
            ws.auto_filter.ref = f"A2:{end}{last}"
            if "mean_percent" in columns:
                col = get_column_letter(columns.index("mean_percent") + 1)
                ws.conditional_formatting.add(
                    f"{col}3:{col}{last}", DataBarRule(start_type="num", start_value=0, end_type="num", end_value=1, color="FF2C7FB8")
                )
            for column in _XL_COUNT_BARS:
                if column in columns:
                    col = get_column_letter(columns.index(column) + 1)
                    ws.conditional_formatting.add(
                        f"{col}3:{col}{last}", DataBarRule(start_type="num", start_value=0, end_type="max", color="FFE67E22")
                    )
            if table.view == "coverage" and "observations" in columns:
                # Who has not been observed in the dates asked: what a manager looks for first.
                col = get_column_letter(columns.index("observations") + 1)
                ws.conditional_formatting.add(
                    f"{col}3:{col}{last}",
                    CellIsRule(operator="equal", formula=["0"], fill=PatternFill("solid", start_color="FFF5B7B1", end_color="FFF5B7B1")),
                )
            levels = level_columns(table.frame)
            if levels:
                first, final = (get_column_letter(columns.index(c) + 1) for c in (levels[0], levels[-1]))
                ws.conditional_formatting.add(
                    f"{first}3:{final}{last}",
                    ColorScaleRule(
                        start_type="num", start_value=0, start_color="FFFFFFFF", end_type="num", end_value=1, end_color="FF2C7FB8"
                    ),
                )
        frozen = 0
        while frozen < len(columns) and columns[frozen] in LABEL_KEYS:
            frozen += 1
        ws.freeze_panes = f"{get_column_letter(frozen + 1)}3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xl_text(text: str) -> str:
    # A leading = + - @ would make a spreadsheet treat user text as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _xl_value(value: Any) -> Any:
    return _xl_text(value) if isinstance(value, str) else value


#: Excel's limit on a sheet name's length, and the characters it refuses in one.
SHEET_NAME_MAX = 31
_SHEET_BANNED = "[]:*?/\\"


def _sheet_name(base: str, suffix: str, used: set[str]) -> str:
    """A sheet name of at most 31 characters, unique in ``used`` (ignoring case, as Excel does).

    The suffix (the view) is always kept whole; a long base (a rubric id) keeps its first whole
    words and, when it ends in a version (``-v2``, ``-2026``), that too, with ``…`` where words
    were left out (``mi-informed… action wording``, ``probation-supervision…-v2``); a base whose
    first word alone does not fit is cut in the middle. When two names still meet, a number in
    brackets tells them apart. The About sheet lists every sheet's full title.
    """
    clean = "".join(ch for ch in base if ch not in _SHEET_BANNED).strip("'") or "Sheet"
    suffix = "".join(ch for ch in suffix if ch not in _SHEET_BANNED)

    def shorten(text: str, room: int) -> str:
        if len(text) <= room:
            return text
        words = re.split(r"([-_ ])", text)  # words and the separators between them
        last = words[-1] if len(words) > 2 and re.fullmatch(r"v?\d+(\.\d+)*", words[-1], re.IGNORECASE) else ""
        end = "…" + (words[-2] + last if last else "")
        best = ""
        for n in range(1, len(words) - (2 if last else 0), 2):
            start = "".join(words[:n])
            if len(start) + len(end) <= room:
                best = start + end
        if best:
            return best
        half = room // 2
        tail = room - 1 - half
        return text[:half] + "…" + (text[-tail:] if tail > 0 else "")

    taken = {u.casefold() for u in used}
    name = shorten(clean, SHEET_NAME_MAX - len(suffix)) + suffix
    n = 2
    while name.casefold() in taken:
        mark = f" ({n})"
        name = shorten(clean, SHEET_NAME_MAX - len(suffix) - len(mark)) + suffix + mark
        n += 1
    used.add(name)
    return name


# -- HTML --------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.2rem 2rem;color:#1d2733;background:#fff}
h1{font-size:1.5rem;margin:0 0 .2rem}
section.question{margin:0 0 1.2rem;padding-top:.4rem;border-top:3px solid #d5dde6;break-inside:avoid}
h2{font-size:1.2rem;margin:.2rem 0}.sub{color:#4a5866;margin:0 0 .5rem;font-size:.85rem}
.details{color:#4a5866;margin:0 0 .6rem;padding-left:1.2rem;font-size:.85rem}
.multiples{display:flex;flex-wrap:wrap;gap:.4rem 1.4rem;align-items:flex-start}
figure{margin:0}figcaption{font-weight:600;font-size:.9rem;margin:0 0 .1rem}
figcaption .muted,.muted{color:#8a96a3;font-weight:400;font-style:italic}
table{border-collapse:collapse;font-size:.85rem;margin:.3rem 0 .6rem;max-width:100%}
table.wide{font-size:.75rem}table.wide th,table.wide td{padding:.15rem .3rem}
th,td{padding:.2rem .5rem;border-bottom:1px solid #e3e8ee;text-align:left;vertical-align:middle}
th{background:#f2f5f8;font-weight:600;position:sticky;top:0}td{white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.title,td.note{white-space:normal;overflow-wrap:break-word;min-width:9rem}
tr.total td{font-weight:600;background:#f8fafc}tr.suppressed td{color:#8a96a3;font-style:italic}
details{margin:.2rem 0}details>summary{cursor:pointer;color:#2c5d8a;font-size:.9rem}
.band-very-high{color:#1b6e3a}.band-high{color:#3a7d1b}.band-moderate{color:#8a6d00}.band-low{color:#a33a2b}
.legend{font-size:.8rem;color:#4a5866;margin:.1rem 0 .3rem}
.legend span.key{margin-right:1rem;white-space:nowrap}
.legend i{display:inline-block;width:1.4rem;height:0;margin:0 .3rem .2rem 0;vertical-align:middle}
.legend i.box{height:.8rem;border:none;width:.8rem}
.warnings{background:#fff6e0;border:1px solid #e8c66a;padding:.4rem 1rem;font-size:.85rem}
@media print{body{margin:0}section.question{break-before:page}}
"""
_SHARE_COLOURS = {"shown": "#27ae60", "missed": "#c0392b", "na": "#95a5a6", "no": "#34495e"}

#: The question each view answers: the heading of its part of the page.
QUESTIONS = {
    "section": "How does each team score, section by section, against all teams?",
    "item": "Which items does each team score high or low on?",
    "composite": "Relationship and structuring: each team against all teams",
    "quarter": "How have the scores changed, quarter by quarter?",
    "before_after": "Before and after the training event",
    "sets": "Action learning sets: the items each addressed, before and after it",
    "self": "How do self-ratings compare with observer ratings?",
    "self_quarter": "Self-ratings against observer ratings, quarter by quarter",
    "themes": "Which development areas come up most often?",
    "actions": "How often were actions agreed?",
    "action_items": "Which items do the agreed actions address, and how often?",
    "action_wording": "Which actions recur, in similar words?",
    "carried": "How did the actions carried from earlier observations end?",
    "coverage": "Who has been observed, and who has not? (for a manager, not for a group)",
    "ratings": "Global ratings, indicators and tally rates",
    "practitioner": "By practitioner (for supervision, not for a group)",
}
#: Tables longer than this are folded under their chart (a click opens them).
FOLD_ROWS = 12
#: Items per team in the themes chart (the table below lists them all).
THEMES_CHARTED = 5


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _bar(percent: Any, width: int = 120) -> str:
    if _missing(percent):
        return ""
    p = max(0.0, min(100.0, float(percent)))
    w = round(width * p / 100)
    return (
        f'<svg width="{width}" height="12" role="img" aria-label="{p:.0f} percent">'
        f'<rect width="{width}" height="12" fill="#e3e8ee"/><rect width="{w}" height="12" fill="{charts.TEAM_BAR}"/></svg>'
    )


def _value(rec: Mapping[Any, Any], column: str) -> float | None:
    v = rec.get(column)
    if rec.get("suppressed") or _missing(v) or v is None:
        return None
    return float(v)


def events_of(doc: SummaryDocument) -> list[charts.Event]:
    """The training events to mark: the document's own, else the dates of its before/after tables."""
    if doc.events:
        return list(doc.events)
    found: list[charts.Event] = []
    for table in doc.tables:
        if table.view == "before_after":
            # The engine's title: "... before (...) and after (...) the training event of 2025-07-01".
            m = re.search(r"before and after (\d{4}-\d{2}-\d{2})", table.title) or re.search(
                r"the training event of (\d{4}-\d{2}-\d{2})", table.title
            )
            if m:
                when = date.fromisoformat(m.group(1))
                if all(e.when != when for e in found):
                    found.append(charts.Event(when))
    return found


def render_html(doc: SummaryDocument) -> str:
    """A self-contained page (inline CSS and SVG, no script) to open or project.

    One part per question, each headed by the question it answers with its chart first and the
    full table beside it (folded when long): team against all teams per section, a trend chart
    per section with the training events marked, before against after, development themes.
    """
    events = events_of(doc)
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
        question = QUESTIONS.get(table.view, table.title)
        compared = re.search(r"the training event of (\d{4}-\d{2}-\d{2})", table.title)
        if table.view == "before_after" and compared:
            question = f"Before and after the training event of {compared.group(1)}"
        out.append(f'<section class="question view-{_e(table.view)}"><h2>{_e(question)}</h2><p class="sub">{_e(table.title)}</p>')
        if not len(table.frame):
            out.append(f'<p class="legend">{_e(table.empty)}</p></section>')
            continue
        chart = _chart(table, events)
        out.append(chart)
        rows = len(table.frame)
        fold = bool(chart) and rows > FOLD_ROWS
        out.append(f"<details{'' if fold else ' open'}><summary>The figures: {plural_rows(rows)}</summary>{_html_table(table)}</details>")
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def plural_rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _teams(frame: pd.DataFrame) -> list[str]:
    return [t for t in dict.fromkeys(map(str, frame["team"])) if t != ALL_TEAMS]


def _drawn(frame: pd.DataFrame) -> list[str]:
    """The teams a chart draws: each team, then All teams (the service a team is set against)."""
    return [*_teams(frame), ALL_TEAMS]


def _chart(table: SummaryTable, events: Sequence[charts.Event]) -> str:
    frame = table.frame
    if "team" not in frame.columns:
        return ""
    if table.view in ("section", "composite"):
        return _compare_chart(table)
    if table.view == "quarter":
        return _trend_chart(table, events)
    if table.view == "before_after":
        return _before_after_chart(table)
    if table.view == "themes":
        return _themes_chart(table)
    if table.view == "action_items":
        return _action_items_chart(table)
    if table.view == "carried":
        return _carried_chart(table)
    if table.view == "coverage":
        return _coverage_chart(table)
    if table.view == "self":
        return _self_chart(table)
    return ""


def _compare_chart(table: SummaryTable) -> str:
    """Per team: a bar per section (or composite), the all-teams mean marked on each."""
    frame = table.frame
    part = "group" if table.view == "composite" else "section"
    records = frame.to_dict("records")
    total = {str(r[part]): _value(r, "mean_percent") for r in records if r["team"] == ALL_TEAMS}
    figures = []
    for team in _teams(frame) or [ALL_TEAMS]:
        mine = [r for r in records if r["team"] == team]
        if all(not str(r.get(part) or "") for r in mine):
            figures.append(
                f'<figure><figcaption>{_e(team)} <span class="muted">{_e(mine[0]["note"] if mine else "")}</span></figcaption></figure>'
            )
            continue
        rows = [
            (
                str(r.get("title") or r[part]),
                _value(r, "mean_percent"),
                total.get(str(r[part])) if team != ALL_TEAMS else None,
            )
            for r in mine
        ]
        figures.append(f"<figure><figcaption>{_e(team)}</figcaption>{charts.compare_bars(rows, team=team)}</figure>")
    key = charts.legend([("team mean % of maximum", charts.TEAM_BAR), ("all teams", charts.ALL_TEAMS_COLOUR)])
    return key + '<div class="multiples">\n' + "\n".join(figures) + "\n</div>"


def _trend_chart(table: SummaryTable, events: Sequence[charts.Event]) -> str:
    """A small line chart per section (or composite): each team and all teams across the quarters."""
    frame = table.frame
    part = "group" if "group" in frame.columns else "section"
    quarters = sorted(set(map(str, frame["quarter"])) - {""})
    if not quarters:
        return ""
    teams = _teams(frame)
    colour = {t: charts.TEAM_COLOURS[n % len(charts.TEAM_COLOURS)] for n, t in enumerate(teams)}
    colour[ALL_TEAMS] = charts.ALL_TEAMS_COLOUR
    titles = dict(zip(map(str, frame[part]), map(str, frame["title"] if "title" in frame.columns else frame[part]), strict=True))
    values: dict[tuple[str, str], dict[str, float | None]] = {}
    for r in frame.to_dict("records"):
        if str(r.get(part) or ""):
            values.setdefault((str(r[part]), str(r["team"])), {})[str(r["quarter"])] = _value(r, "mean_percent")
    figures = []
    hidden = [t for t in teams if not any(k[1] == t for k in values)]
    for p in dict.fromkeys(str(x) for x in frame[part] if str(x)):
        lines = [
            charts.Line(t, [values.get((p, t), {}).get(q) for q in quarters], colour[t], bold=t == ALL_TEAMS, dashed=t == ALL_TEAMS)
            for t in _drawn(frame)
            if (p, t) in values and any(v is not None for v in values[(p, t)].values())
        ]
        figures.append(
            "<figure>"
            + charts.line_chart(quarters, lines, title=titles.get(p, p), events=events, width=280, height=180, numbered=True)
            + "</figure>"
        )
    entries = [(t, colour[t]) for t in _drawn(frame) if t not in hidden]
    key = charts.legend(entries, dashed=[ALL_TEAMS])
    if events:
        key = key.replace(
            "</p>",
            "".join(
                f'<span class="key"><i style="border-top:2px dashed {charts.EVENT_COLOUR}"></i>'
                f"<b>{n}</b>&nbsp;{_e(e.label or 'training event')} {_e(e.when.isoformat())}</span>"
                for n, e in enumerate(events, 1)
            )
            + "</p>",
        )
    missing = f"; not shown: {_e(', '.join(hidden))} (hidden for privacy)" if hidden else ""
    note = f'<p class="legend">Mean % of maximum by quarter; the axis spans the figures shown; gaps: no data or suppressed{missing}.</p>'
    return key + '<div class="multiples">\n' + "\n".join(figures) + "\n</div>" + note


def _before_after_chart(table: SummaryTable) -> str:
    frame = table.frame
    records = frame.to_dict("records")
    figures = []
    for team in _drawn(frame):
        mine = [r for r in records if r["team"] == team and str(r.get("section") or "")]
        if not mine:
            continue
        by: dict[str, dict[str, float | None]] = {}
        for r in mine:
            by.setdefault(str(r["section"]), {})[str(r["period"])] = _value(r, "mean_percent")
        rows = [(s, v.get("before"), v.get("after")) for s, v in by.items()]
        figures.append(f"<figure><figcaption>{_e(team)}</figcaption>{charts.dumbbell(rows, title=team)}</figure>")
    key = '<p class="legend">Mean % of maximum: ○ before, ● after (green: a rise, red: a fall); the axis spans the figures shown.</p>'
    return key + '<div class="multiples">\n' + "\n".join(figures) + "\n</div>" if figures else ""


def _self_chart(table: SummaryTable) -> str:
    """Per team: observer (hollow) against self (filled) for all sections and each section."""
    records = table.frame.to_dict("records")
    figures = []
    for team in _drawn(table.frame):
        mine = [r for r in records if r["team"] == team and str(r.get("section") or "") and not r.get("suppressed")]
        if not mine:
            continue
        rows = [(str(r.get("title") or r["section"]), _value(r, "observer_percent"), _value(r, "self_percent")) for r in mine]
        figures.append(
            f"<figure><figcaption>{_e(team)}</figcaption>{charts.dumbbell(rows, title=team, names=('observer', 'self'))}</figure>"
        )
    key = (
        '<p class="legend">% of maximum over the items both rated: ○ observer, ● self (green: self higher, red: self lower), '
        "the gap at the right; the axis spans the figures shown; suppressed rows are not drawn.</p>"
    )
    return key + '<div class="multiples">\n' + "\n".join(figures) + "\n</div>" if figures else ""


def _themes_chart(table: SummaryTable) -> str:
    frame = table.frame
    records = frame.to_dict("records")
    figures = []
    for team in _drawn(frame):
        mine = [r for r in records if r["team"] == team]
        if not mine:
            continue
        if all(r.get("suppressed") for r in mine):
            figures.append(f'<figure><figcaption>{_e(team)} <span class="muted">{_e(mine[0]["note"])}</span></figcaption></figure>')
            continue
        rows = [
            (str(r.get("title") or r.get("item")), int(r["development_areas"]), int(r["strengths"]))
            for r in mine
            if not r.get("suppressed")
        ][:THEMES_CHARTED]
        figures.append(f"<figure><figcaption>{_e(team)}</figcaption>{charts.count_bars(rows, title=team, width=390)}</figure>")
    key = charts.legend([("times named a development area", charts.DEVELOPMENT_COLOUR), ("as a strength", charts.STRENGTH_COLOUR)])
    return key + '<div class="multiples">\n' + "\n".join(figures) + "\n</div>"


def _action_items_chart(table: SummaryTable) -> str:
    """Per team: the items its agreed actions address most often (actions not linked to an item left out)."""
    records = table.frame.to_dict("records")
    figures = []
    for team in _drawn(table.frame):
        mine = [r for r in records if r["team"] == team and str(r.get("item") or "") and not r.get("suppressed")]
        if not mine:
            continue
        mine.sort(key=lambda r: -int(r["actions"]))
        rows = [(str(r.get("title") or r["item"]), int(r["actions"])) for r in mine[:THEMES_CHARTED]]
        figures.append(
            "<figure><figcaption>"
            + _e(team)
            + "</figcaption>"
            + charts.bars(rows, colour=charts.DEVELOPMENT_COLOUR, unit="actions", width=390, title=team)
            + "</figure>"
        )
    key = (
        '<p class="legend">Actions agreed, by the item they address '
        "(the most frequent first; actions linked to no item are in the table).</p>"
    )
    return key + '<div class="multiples">\n' + "\n".join(figures) + "\n</div>" if figures else ""


#: How carried actions ended, in the order drawn, with their colours (done green, dropped red).
_OUTCOMES = (
    ("done", "done", "#1e8449"),
    ("ongoing", "ongoing", "#f1c40f"),
    ("dropped", "dropped", "#c0392b"),
    ("not_reviewed", "not reviewed", "#95a5a6"),
)


def _carried_chart(table: SummaryTable) -> str:
    """Per team: a bar per quarter split by how the carried actions ended."""
    records = table.frame.to_dict("records")
    figures = []
    for team in _drawn(table.frame):
        mine = [r for r in records if r["team"] == team]
        if not mine:
            continue
        rows: list[tuple[str, Sequence[int] | None]] = [
            (str(r["period"]), None if r.get("suppressed") else [int(r.get(c) or 0) for c, _, _ in _OUTCOMES]) for r in mine
        ]
        chart = charts.share_bars(
            rows, [n for _, n, _ in _OUTCOMES], [c for _, _, c in _OUTCOMES], width=390, title=f"{team}: how carried actions ended"
        )
        figures.append(f"<figure><figcaption>{_e(team)}</figcaption>{chart}</figure>")
    key = charts.legend([(name, colour) for _, name, colour in _OUTCOMES])
    note = (
        '<p class="legend">Share of the actions carried into each quarter\'s observations; the number at the right is how many actions.</p>'
    )
    return key + '<div class="multiples">\n' + "\n".join(figures) + "\n</div>" + note if figures else ""


#: Time since a practitioner was last observed, the bands of the coverage chart (upper bound in days).
_SINCE = (
    ("within 3 months", 92, "#1e8449"),
    ("3-6 months", 183, "#a9cf54"),
    ("6-12 months", 366, "#f1c40f"),
    ("over a year", None, "#e67e22"),
)
_NEVER = ("not observed in these dates", "#c0392b")


def _coverage_chart(table: SummaryTable) -> str:
    """Per team: its practitioners split by how long ago each was last observed (the latest observation in the table is "now")."""
    records = table.frame.to_dict("records")
    seen = [date.fromisoformat(str(r["last_observed"])) for r in records if str(r.get("last_observed") or "") not in ("", "None", "nan")]
    if not seen:
        return ""
    now = max(seen)
    names = [n for n, _, _ in _SINCE] + [_NEVER[0]]
    colours = [c for _, _, c in _SINCE] + [_NEVER[1]]
    rows: list[tuple[str, Sequence[int] | None]] = []
    for team in sorted({str(r["team"]) for r in records}):
        counts = [0] * len(names)
        for r in records:
            if str(r["team"]) != team:
                continue
            last = str(r.get("last_observed") or "")
            if last in ("", "None", "nan") or not int(r.get("observations") or 0):
                counts[-1] += 1
                continue
            days = (now - date.fromisoformat(last)).days
            counts[next(i for i, (_, top, _) in enumerate(_SINCE) if top is None or days <= top)] += 1
        rows.append((team, counts))
    chart = charts.share_bars(rows, names, colours, width=560, title="practitioners by time since last observed")
    key = charts.legend(list(zip(names, colours, strict=True)))
    note = (
        f'<p class="legend">Practitioners of each team by how long before {_e(uk_date(now))} (the latest observation shown) '
        "each was last observed; the number at the right is how many practitioners.</p>"
    )
    return key + chart + note


def _html_table(table: SummaryTable) -> str:
    frame = table.frame
    levels = level_columns(frame)
    colours = charts.level_colours(len(levels))
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
                    shares = [(f"level {lv[6:]}", None if _missing(rec[lv]) else float(rec[lv])) for lv in levels]
                    cells.append("<td>" + ("" if sup else charts.stacked_bar(shares, colours, width=80 if wide else 140)) + "</td>")
                cells.append(f'<td class="note">{_e(text)}</td>')
                continue
            if c == "band" and text and not sup:
                cells.append(f'<td class="band-{_e(text.replace(" ", "-"))}">{_e(text)}</td>')
                continue
            numeric = _looks_numeric(text) and c not in ("quarter",)
            # Titles and any long text (an action's wording, a set's topic) wrap: the page never scrolls sideways.
            kind = "num" if numeric else ("title" if c == "title" or len(text) > 40 else "")
            cells.append(f'<td class="{kind}">{_e(text)}</td>' if kind else f"<td>{_e(text)}</td>")
            if c == "mean_percent":
                cells.append("<td>" + ("" if sup else _bar(rec.get(c), 60 if wide else 120)) + "</td>")
        rows.append(f'<tr class="{" ".join(classes)}">' + "".join(cells) + "</tr>")
    legend = ""
    if levels:
        legend = (
            '<p class="legend">Levels (lowest red, top green on every rubric):'
            + "".join(
                f'<span class="key"><i class="box" style="background:{colour}"></i>{_e(lv[6:])}</span>'
                for lv, colour in zip(levels, colours, strict=True)
            )
            + "</p>"
        )
    return (
        f'<table class="{"wide" if wide else ""}"><thead><tr>' + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"
        + "".join(rows) + "</tbody></table>" + legend
    )  # fmt: skip


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
