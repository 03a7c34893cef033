"""The summary as an Excel workbook, opened with openpyxl as a facilitator's spreadsheet would."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).parent))

from summary_fixtures import add, registry

from seeds_tui.cli import main
from seeds_tui.render.summary import SummaryDocument, render_xlsx
from seeds_tui.storage.store import Store
from seeds_tui.team.tables import SummaryTable


@pytest.fixture
def common(tmp_path: Path) -> list[str]:
    """Two teams of three practitioners (threshold 3), observed in one quarter, and a team of one in another."""
    registry(tmp_path)
    store = Store(tmp_path / "store")
    for team in ("North", "South"):
        for n, who in enumerate(("Ann", "Ben", "Cal")):
            add(
                store,
                team=team,
                practitioner=f"{who} {team}",
                scores={"open.a": n, "open.b": 2, "talk.c": "NA", "talk.d": 1},
                when=date(2026, 2, 10 + n),
                development=["open.a"],
                globals_={"overall": 3},
            )
    add(store, team="East", practitioner="Dee East", scores={"open.a": 2, "open.b": 2}, when=date(2025, 11, 5))
    return ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3"]


def workbook(common: list[str], tmp_path: Path, *extra: str):
    target = tmp_path / "out.xlsx"
    assert main(["summary", *common, *extra, "--format", "xlsx", "-o", str(target)]) == 0
    return load_workbook(target)


def column(ws, heading: str) -> int:
    return next(c.column for c in ws[2] if c.value == heading)


def row_of(ws, *labels: str) -> int:
    for r in range(3, ws.max_row + 1):
        if tuple(ws.cell(r, n + 1).value for n in range(len(labels))) == labels:
            return r
    raise AssertionError(f"no row {labels}")


def test_percentages_are_percentages(common, tmp_path: Path, capsys) -> None:
    ws = workbook(common, tmp_path)["mini"]
    r = row_of(ws, "South", "open")
    mean = ws.cell(r, column(ws, "Mean %"))
    # Opening for South: 50, 75 and 100 % of maximum; the mean is 75 %, which Excel shows as 75.0%.
    assert mean.value == pytest.approx(0.75) and mean.number_format == "0.0%"
    na = ws.cell(row_of(ws, "South", "talk"), column(ws, "NA %"))
    assert na.value == pytest.approx(0.5) and na.number_format == "0.0%"
    level = ws.cell(r, column(ws, "Level 2 %"))
    assert level.number_format == "0.0%" and level.value == pytest.approx(4 / 6, abs=1e-4)
    obs = ws.cell(r, column(ws, "Obs"))
    assert obs.value == 3 and obs.number_format == "0"
    # A suppressed row shows no figure at all, in grey italics.
    east = row_of(ws, "East")
    assert ws.cell(east, column(ws, "Mean %")).value is None and ws.cell(east, 1).font.i


def test_filters_frozen_headings_and_widths(common, tmp_path: Path, capsys) -> None:
    ws = workbook(common, tmp_path, "--by", "item")["mini"]
    last = ws.max_row
    assert ws.auto_filter.ref == f"A2:{ws.cell(2, ws.max_column).column_letter}{last}"
    # Headings and the label columns (Team, Section, Item) stay in view while the figures scroll.
    assert ws.freeze_panes == "D3"
    title = ws.cell(2, column(ws, "Title")).column_letter
    team = ws.cell(2, column(ws, "Team")).column_letter
    assert ws.column_dimensions[title].width >= len("Agrees the agenda")
    assert len("All teams") <= ws.column_dimensions[team].width < 20
    # Where a facilitator looks rather than reads: a data bar on the mean, a colour scale on the levels.
    rules = {str(rng): [r.type for r in cf.rules] for rng, cf in ((k.sqref, k) for k in ws.conditional_formatting)}
    mean = ws.cell(2, column(ws, "Mean %")).column_letter
    assert rules[f"{mean}3:{mean}{last}"] == ["dataBar"]
    assert "colorScale" in [t for ts in rules.values() for t in ts]


def test_about_sheet_lists_every_sheet_with_its_full_title(common, tmp_path: Path, capsys) -> None:
    wb = workbook(common, tmp_path, "--by", "themes")
    assert wb.sheetnames == ["About", "mini themes", "mini actions"]
    about = [tuple(r) for r in wb["About"].iter_rows(values_only=True)]
    assert ("mini themes", "Mini rubric (mini): most frequent development areas") in about
    assert ("mini actions", "Mini rubric (mini): agreed actions") in about


def _table(rid: str, view: str = "section") -> SummaryTable:
    frame = pd.DataFrame({"team": ["A"], "section": ["s"], "mean_percent": [50.0], "suppressed": [False], "note": [""]})
    return SummaryTable(f"{rid}: by team and section", view, frame, rid)


def test_long_sheet_names_stay_unique_and_tell_apart() -> None:
    long1 = "probation-supervision-observation-rubric-v1"
    long2 = "probation-supervision-observation-rubric-v2"
    doc = SummaryDocument("Team summary", [], [_table(long1), _table(long2), _table(long2, "themes"), _table("Long/odd:name*")])
    import io

    wb = load_workbook(io.BytesIO(render_xlsx(doc)))
    names = wb.sheetnames[1:]
    assert all(len(n) <= 31 for n in names) and len({n.casefold() for n in names}) == len(names)
    # Cut in the middle, not at the end: the version that tells the rubrics apart stays.
    assert names[0].endswith("v1") and names[1].endswith("v2 section") and names[2].endswith("v2 themes")
    assert names[3] == "Longoddname"
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True) if r and r[0] in names}
    assert about[names[0]].startswith(long1) and about[names[1]].startswith(long2)


def _rules(ws) -> dict[str, list[str]]:
    return {str(cf.sqref): [r.type for r in cf.rules] for cf in ws.conditional_formatting}


def test_themes_counts_carry_data_bars(common, tmp_path: Path, capsys) -> None:
    """Themes: Opening (open.a) named a development area by each of the six practitioners of North
    and South, once each (North is hidden beside East, All teams counts both); whole numbers with a
    bar to look along."""
    ws = workbook(common, tmp_path, "--by", "themes")["mini themes"]
    r = row_of(ws, "All teams", "open", "a")
    dev = ws.cell(r, column(ws, "Development"))
    assert (dev.value, dev.number_format) == (6, "0") and ws.cell(r, column(ws, "Pract.")).value == 6
    letter = ws.cell(2, column(ws, "Development")).column_letter
    assert _rules(ws)[f"{letter}3:{letter}{ws.max_row}"] == ["dataBar"]


def test_coverage_shades_who_was_not_observed_and_keeps_the_label_in_view(common, tmp_path: Path, capsys) -> None:
    """Coverage of 2026Q1: Dee East (observed in 2025Q4 only) has 0 observations, shaded red by a rule on Obs."""
    ws = workbook(common, tmp_path, "--by", "coverage", "--from", "2026-01-01", "--to", "2026-03-31").worksheets[1]
    assert ws.freeze_panes == "C3"  # Practitioner and Team stay in view
    obs = ws.cell(2, column(ws, "Obs")).column_letter
    rng = f"{obs}3:{obs}{ws.max_row}"
    [rule] = [r for cf in ws.conditional_formatting if str(cf.sqref) == rng for r in cf.rules]
    assert rule.type == "cellIs" and rule.operator == "equal" and rule.formula == ["0"]
    counts = sorted(ws.cell(r, column(ws, "Obs")).value for r in range(3, ws.max_row + 1))
    assert counts == [0, 1, 1, 1, 1, 1, 1]


def test_sheet_names_of_the_bundled_rubrics_keep_whole_words() -> None:
    """'jersey-interview-skills action items' is 36 characters: cut at a word, not in the middle."""
    doc = SummaryDocument(
        "Team summary",
        [],
        [_table("jersey-interview-skills", v) for v in ("action_items", "action_wording", "carried")]
        + [_table("mi-informed-conversation", v) for v in ("action_items", "action_wording")],
    )
    import io

    names = load_workbook(io.BytesIO(render_xlsx(doc))).sheetnames[1:]
    assert names == [
        "jersey-interview… action items",
        "jersey… action wording",
        "jersey-interview-skills carried",
        "mi-informed… action items",
        "mi-informed… action wording",
    ]
