"""Self-ratings against observer ratings in team views (``seeds-tui summary --by self``, the app's Self tab).

A small hand-built store (real observation and self-rating files, the mini rubric: four items on a
0-2 scale, two sections) whose figures are worked out by hand below.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from seeds_tui.cli import main
from seeds_tui.core.observation import new_id
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.core.selfrating import SelfRating, SelfRatingRubric
from seeds_tui.storage.selfratings import SELFRATINGS
from seeds_tui.storage.store import Store
from seeds_tui.team import frames, selfview
from seeds_tui.team.suppression import ALL_TEAMS, SUPPRESSED_PRIMARY, SUPPRESSED_SECONDARY
from seeds_tui.tui.controllers.team_summary import TeamSummary
from seeds_tui.tui.screens.team_summary import TeamSummaryScreen
from tests.summary_fixtures import add, registry

Q2 = date(2026, 5, 4)
Q3 = date(2026, 8, 10)


def _rate(store: Store, obs_id: str, practitioner: str, ratings: dict[str, int | str], *, when: date = Q2) -> None:
    nested: dict[str, dict[str, int | str]] = {}
    for key, value in ratings.items():
        section, item = key.split(".")
        nested.setdefault(section, {})[item] = value
    record = SelfRating(
        id=new_id(),
        observation=obs_id,
        practitioner=practitioner,
        date=when,
        rubric=SelfRatingRubric(id="mini", version="1.0.0"),
        ratings=nested,  # type: ignore[arg-type]
    )
    SELFRATINGS.save(store, record)


def _pair(store: Store, team: str, who: str, observer: dict[str, int | str], own: dict[str, int | str], when: date = Q2) -> str:
    obs_id = add(store, team=team, practitioner=who, scores=observer, when=when)
    _rate(store, obs_id, who, own, when=when)
    return obs_id


def _north(store: Store) -> None:
    """North: three practitioners self-rated in 2026Q2, a fourth was only observed; one more pair in 2026Q3.

    Per observation, percent of maximum over the items both gave a level (each item 0-2):
      P1 observer a1 b1 c2 d0, self a2 b2 c2 d1: Opening 50 / 100, Talking 50 / 75, all 50 / 87.5
      P2 observer a2 b2 c1 d1, self a1 b1 c1 dNA: Opening 100 / 50, Talking (c only) 50 / 50, all (a b c) 83.33 / 50
      P3 observer a2 b1 c2 d2, self the same (its earlier self-rating, all 0, is replaced by the later one)
    """
    _pair(store, "North", "P1", {"open.a": 1, "open.b": 1, "talk.c": 2, "talk.d": 0}, {"open.a": 2, "open.b": 2, "talk.c": 2, "talk.d": 1})
    _pair(
        store, "North", "P2", {"open.a": 2, "open.b": 2, "talk.c": 1, "talk.d": 1}, {"open.a": 1, "open.b": 1, "talk.c": 1, "talk.d": "NA"}
    )
    p3 = _pair(
        store, "North", "P3", {"open.a": 2, "open.b": 1, "talk.c": 2, "talk.d": 2}, {"open.a": 0, "open.b": 0, "talk.c": 0, "talk.d": 0}
    )
    _rate(store, p3, "P3", {"open.a": 2, "open.b": 1, "talk.c": 2, "talk.d": 2}, when=date(2026, 5, 6))
    add(store, team="North", practitioner="P4", scores={"open.a": 0, "open.b": 0, "talk.c": 0, "talk.d": 0})
    # One pair in 2026Q3: a quarter resting on one practitioner, hidden.
    _pair(
        store, "North", "P1", {"open.a": 0, "open.b": 0, "talk.c": 0, "talk.d": 0}, {"open.a": 2, "open.b": 2, "talk.c": 2, "talk.d": 2}, Q3
    )


@pytest.fixture
def north(tmp_path: Path) -> tuple[Store, object]:
    store = Store(tmp_path / "store")
    _north(store)
    return store, registry(tmp_path)


def _tables(store: Store, reg: object, threshold: int = 3, **filters: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = frames.summary_data(store, reg, **filters)  # type: ignore[arg-type]
    tables = selfview.self_tables(data, SELFRATINGS.list(store)[0], threshold=threshold, registry=reg)  # type: ignore[arg-type]
    assert [t.view for t in tables] == [selfview.SELF_VIEW, selfview.SELF_QUARTER_VIEW]
    return tables[0].frame, tables[1].frame


def _row(frame: pd.DataFrame, team: str, part: str, column: str = "section") -> dict:
    rows = frame.loc[(frame["team"] == team) & (frame[column] == part)]
    assert len(rows) == 1, (team, part)
    return rows.iloc[0].to_dict()


def test_hand_computed_self_against_observer_on_average_and_by_section(north) -> None:
    store, reg = north
    by_section, _ = _tables(store, reg)
    assert list(by_section.columns) == ["team", "section", "title", *selfview.FIGURES, "suppressed", "note"]
    every = _row(by_section, "North", "all sections")
    # Self (87.5 + 50 + 87.5) / 3, observer (50 + 83.33 + 87.5) / 3, gap (37.5 - 33.33 + 0) / 3, apart (37.5 + 33.33 + 0) / 3.
    assert (every["observations"], every["practitioners"]) == (3, 3)
    assert (every["self_percent"], every["observer_percent"], every["gap"], every["apart"]) == (75.0, 73.6, 1.4, 23.6)
    assert every["title"] == "All sections (on average)"
    opening = _row(by_section, "North", "open")
    assert (opening["self_percent"], opening["observer_percent"], opening["gap"], opening["apart"]) == (75.0, 75.0, 0.0, 33.3)
    talking = _row(by_section, "North", "talk")
    assert (talking["self_percent"], talking["observer_percent"], talking["gap"], talking["apart"]) == (75.0, 66.7, 8.3, 8.3)
    # The 2026Q3 pair rests on one practitioner: its quarter is hidden, and the period's figures say they leave it out.
    assert every["note"] == "leaves out 2026Q3 (hidden for privacy)"
    # All teams is North here: the same figures. Rows go on average first, then the rubric's sections.
    assert _row(by_section, ALL_TEAMS, "all sections")["self_percent"] == 75.0
    assert list(by_section.loc[by_section["team"] == "North", "section"]) == ["all sections", "open", "talk"]
    # The practitioner observed but never self-rated counts nowhere; no column names anyone.
    assert "practitioner" not in by_section.columns
    assert not by_section.astype(str).apply(lambda c: c.str.contains(r"\bP[1-4]\b")).any().any()


def test_by_quarter_shows_each_quarter_and_hides_the_thin_one(north) -> None:
    store, reg = north
    _, by_quarter = _tables(store, reg)
    q2 = _row(by_quarter, "North", "2026Q2", "quarter")
    assert (q2["observations"], q2["self_percent"], q2["observer_percent"], q2["gap"]) == (3, 75.0, 73.6, 1.4)
    q3 = _row(by_quarter, "North", "2026Q3", "quarter")
    assert q3["suppressed"] and q3["note"] == SUPPRESSED_PRIMARY.format(k=3)
    assert pd.isna(q3["self_percent"]) and pd.isna(q3["observations"])
    assert _row(by_quarter, ALL_TEAMS, "2026Q3", "quarter")["suppressed"]


def test_a_team_below_the_threshold_is_hidden_and_cannot_be_worked_out_from_all_teams(north, tmp_path: Path) -> None:
    store, reg = north
    # South: one practitioner, a large gap. East: three practitioners.
    _pair(store, "South", "S1", {"open.a": 0, "open.b": 0, "talk.c": 0, "talk.d": 0}, {"open.a": 2, "open.b": 2, "talk.c": 2, "talk.d": 2})
    for who in ("E1", "E2", "E3"):
        _pair(
            store, "East", who, {"open.a": 1, "open.b": 1, "talk.c": 1, "talk.d": 1}, {"open.a": 1, "open.b": 1, "talk.c": 1, "talk.d": 1}
        )
    # West: observed, never self-rated.
    for who in ("W1", "W2", "W3"):
        add(store, team="West", practitioner=who, scores={"open.a": 1, "open.b": 1})
    by_section, by_quarter = _tables(store, reg)
    for frame in (by_section, by_quarter):
        west = frame.loc[frame["team"] == "West"]
        assert len(west) == 1 and west.iloc[0]["suppressed"] and west.iloc[0]["note"] == SUPPRESSED_PRIMARY.format(k=3)
    south = by_section.loc[by_section["team"] == "South"]
    assert len(south) == 1 and south.iloc[0]["note"] == SUPPRESSED_PRIMARY.format(k=3)
    assert south[list(selfview.FIGURES)].isna().all().all()
    # Another team is hidden with it (the smallest, first by name on a tie), so All teams less the
    # teams shown rests on 4 practitioners, never on South's one.
    east = by_section.loc[by_section["team"] == "East"].iloc[0]
    assert east["suppressed"] and east["note"] == SUPPRESSED_SECONDARY
    shown = by_section.loc[~by_section["suppressed"] & (by_section["section"] == "all sections")]
    total = _row(by_section, ALL_TEAMS, "all sections")
    assert total["observations"] == 3 + 1 + 3 and total["practitioners"] == 7
    rest = total["observations"] - shown.loc[shown["team"] != ALL_TEAMS, "observations"].sum()
    assert rest == 4
    assert by_quarter.loc[by_quarter["team"] == "South", "suppressed"].all()
    # Asking for South alone shows nothing more, and All teams is still every team.
    alone, _ = _tables(store, reg, teams=["South"])
    assert set(alone["team"]) == {"South", ALL_TEAMS}
    quiet, _ = _tables(store, reg, teams=["West"])
    assert list(quiet.loc[quiet["team"] == "West", "suppressed"]) == [True]
    assert alone.loc[alone["team"] == "South", "suppressed"].all()
    assert _row(alone, ALL_TEAMS, "all sections")["observations"] == 7


def _cli(store: Store, tmp_path: Path, *args: str) -> int:
    return main(["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "summary", "--by", "self", "--threshold", "3", *args])


def test_cli_every_format(north, tmp_path: Path, capsys) -> None:
    store, _ = north
    assert _cli(store, tmp_path) == 0
    out = capsys.readouterr().out
    assert "self-ratings against observer ratings" in out and "Self %" in out and "Observer %" in out and "+1.4" in out
    assert _cli(store, tmp_path, "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    mine = [r for r in rows if r["team"] == "North" and r.get("section") == "all sections"]
    assert mine and mine[0]["self_percent"] == "75.0" and mine[0]["gap"] == "1.4"
    assert _cli(store, tmp_path, "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    views = [t["view"] for t in doc["tables"]]
    assert views == ["self", "self_quarter"]
    assert _cli(store, tmp_path, "--format", "markdown") == 0
    assert "| North |" in capsys.readouterr().out
    assert _cli(store, tmp_path, "--format", "html", "-o", str(tmp_path / "self.html")) == 0
    page = (tmp_path / "self.html").read_text(encoding="utf-8")
    assert "How do self-ratings compare with observer ratings?" in page and "75.0" in page
    # The chart: per team, observer (hollow) against self (filled), suppressed rows not drawn.
    assert "<title>self: 75.0%</title>" in page and "<title>observer: 73.6%</title>" in page
    assert _cli(store, tmp_path, "--format", "xlsx", "-o", str(tmp_path / "self.xlsx")) == 0
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "self.xlsx")
    assert {"mini self", "mini self quarter"} <= set(book.sheetnames)
    rows = list(book["mini self"].iter_rows(values_only=True))
    north = next(r for r in rows if r[:2] == ("North", "all sections"))
    assert north[3:9] == (3, 3, 0.75, 0.736, 1.4, 0.236)  # percents as fractions (shown as %), the gap in points
    capsys.readouterr()
    # Options the view does not use are usage errors.
    assert _cli(store, tmp_path, "--event", "2026-06-01") == 2
    assert "--event" in capsys.readouterr().err
    assert _cli(store, tmp_path, "--window", "6") == 2
    assert _cli(store, tmp_path, "--names") == 2


def test_cli_without_self_ratings_says_so(tmp_path: Path, capsys) -> None:
    store = Store(tmp_path / "store")
    registry(tmp_path)
    add(store, team="North", practitioner="P1", scores={"open.a": 1})
    assert _cli(store, tmp_path) == 0
    assert "no observation here has a self-rating" in capsys.readouterr().out


def test_a_self_rating_file_that_is_not_valid_is_a_warning(north, tmp_path: Path, capsys) -> None:
    store, _ = north
    (store.root / "selfratings" / "bad.toml").write_text('schema = "seeds-selfrating/1"\nid = 3\n', encoding="utf-8")
    assert _cli(store, tmp_path) == 0
    captured = capsys.readouterr()
    assert "warning:" in captured.err and "bad.toml" in captured.err
    assert _cli(store, tmp_path, "--strict") == 1


class _SummaryApp(App[None]):
    """Just the Team summary screen over a store."""

    def __init__(self, store: Store, reg: RubricRegistry) -> None:
        super().__init__()
        self.store, self.reg = store, reg

    def on_mount(self) -> None:
        self.push_screen(TeamSummaryScreen(TeamSummary(self.store, self.reg), threshold=3))


async def _settle(app: App, pilot: Pilot) -> None:
    for _ in range(6):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def _cells(screen: TeamSummaryScreen) -> list[list[str]]:
    table = screen.query_one("#ts-table", DataTable)
    return [[c.plain for c in table.get_row_at(n)] for n in range(table.row_count)]


async def test_the_app_self_tab_shows_both_sides_and_the_quarters(north) -> None:
    store, reg = north
    _pair(store, "South", "S1", {"open.a": 0, "open.b": 0, "talk.c": 0, "talk.d": 0}, {"open.a": 2, "open.b": 2, "talk.c": 2, "talk.d": 2})
    app = _SummaryApp(store, reg)
    async with app.run_test(size=(160, 50)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TeamSummaryScreen)
        await pilot.press("shift+f6")  # back from Sections: the last tab, Self
        await _settle(app, pilot)
        assert screen.view == "self" and screen.shown is not None and screen.shown.view == selfview.SELF_VIEW
        table = screen.query_one("#ts-table", DataTable)
        headings = [str(c.label.plain) for c in table.columns.values()]
        assert any("Self %" in h for h in headings) and any("Observer %" in h for h in headings)
        rows = _cells(screen)
        # South (one practitioner) is one suppressed row, and North is hidden with it; All teams shows.
        south = [r for r in rows if r[0] == "South"]
        assert len(south) == 1 and "—" in south[0]
        every = [r for r in rows if r[0] == ALL_TEAMS and r[1] == "all sections"]
        # Self (87.5 + 50 + 87.5 + 100) / 4 = 81.25, observer (50 + 83.33 + 87.5 + 0) / 4 = 55.2, gap (37.5 - 33.33 + 0 + 100) / 4.
        assert every and every[0][5:9] == ["81.2", "55.2", "+26.0", "42.7"]
        # The panel below draws the highlighted row: both sides as bars and the gap in words.
        table.focus()
        at = next(n for n, r in enumerate(rows) if r[0] == ALL_TEAMS and r[1] == "all sections")
        table.move_cursor(row=at)
        await pilot.pause()
        detail = str(screen.query_one("#ts-detail-text", Static).render())
        assert "self" in detail and "observer" in detail and "26.0 points higher" in detail
        # t shows the quarters.
        await pilot.press("t")
        await pilot.pause()
        assert screen.shown.view == selfview.SELF_QUARTER_VIEW
        quarters = [r[1] for r in _cells(screen) if r[0] == ALL_TEAMS]
        assert quarters == ["2026Q2", "2026Q3"]
        # e exports the view as shown (the quarters first, then the sections) into the store's reports folder.
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("h")
        await _settle(app, pilot)
        [page] = list(store.reports_dir.glob("team-summary-mini-self-quarter-*.html"))
        text = page.read_text(encoding="utf-8")
        assert text.index("quarter by quarter") < text.index("How do self-ratings compare") and "gap is self minus observer" in text


def test_a_self_rating_of_an_older_rubric_version_lines_up_through_renames(tmp_path: Path) -> None:
    # v2 renames open.a to open.a2 and retires talk.d: a v1 self-rating's open.a is compared with the
    # observer's open.a (both carried to open.a2), and talk.d counts on neither side.
    reg = registry(tmp_path, v2=True)
    store = Store(tmp_path / "store")
    for who in ("P1", "P2", "P3"):
        _pair(
            store, "North", who, {"open.a": 0, "open.b": 2, "talk.c": 1, "talk.d": 0}, {"open.a": 2, "open.b": 2, "talk.c": 1, "talk.d": 2}
        )
    by_section, _ = _tables(store, reg)
    opening = _row(by_section, "North", "open")
    assert (opening["self_percent"], opening["observer_percent"], opening["gap"]) == (100.0, 50.0, 50.0)
    talking = _row(by_section, "North", "talk")  # talk.c only
    assert (talking["self_percent"], talking["observer_percent"], talking["gap"]) == (50.0, 50.0, 0.0)


def test_the_app_answers_a_team_filter_with_the_commands_figures(north) -> None:
    store, reg = north
    _pair(store, "South", "S1", {"open.a": 0, "open.b": 0, "talk.c": 0, "talk.d": 0}, {"open.a": 2, "open.b": 2, "talk.c": 2, "talk.d": 2})
    for who in ("E1", "E2", "E3"):
        _pair(
            store, "East", who, {"open.a": 1, "open.b": 1, "talk.c": 1, "talk.d": 1}, {"open.a": 1, "open.b": 1, "talk.c": 1, "talk.d": 1}
        )
    summary = TeamSummary(store, reg)
    full = summary.read("final")
    for teams in (None, ["north"], ["South", "East"]):
        data = summary.narrow(full, teams, None, None)
        app_tables = summary.tables(data, selfview.SELF_VIEW, "mini", 3, None)
        command = _tables(store, reg, teams=teams)
        for shown, expected in zip(app_tables, command, strict=True):
            pd.testing.assert_frame_equal(shown.frame.reset_index(drop=True), expected.reset_index(drop=True))


def test_the_python_api_gives_the_same_tables(north, tmp_path: Path) -> None:
    import seeds_tui

    store, reg = north
    tables = seeds_tui.summary_tables(store, "self", rubric_dirs=[tmp_path / "rubrics"], threshold=3)
    by_section, by_quarter = _tables(store, reg)
    pd.testing.assert_frame_equal(tables[0].frame, by_section)
    pd.testing.assert_frame_equal(tables[1].frame, by_quarter)


def test_sections_each_too_thin_hide_but_all_sections_together_shows(tmp_path: Path) -> None:
    # Two practitioners rated only Opening, two only Talking: each section rests on two (hidden at 3),
    # all sections together on four. The sections add up to all sections, as teams add up to All teams:
    # two hidden sections protect each other, and all sections shows (it rests on its own four).
    reg = registry(tmp_path)
    store = Store(tmp_path / "store")
    scores = {"open.a": 1, "open.b": 1, "talk.c": 1, "talk.d": 1}
    for who in ("P1", "P2"):
        _pair(store, "North", who, scores, {"open.a": 2, "open.b": 2})
    for who in ("P3", "P4"):
        _pair(store, "North", who, scores, {"talk.c": 0, "talk.d": 0})
    by_section, _ = _tables(store, reg)
    north = by_section.loc[by_section["team"] == "North"].set_index("section")
    assert north.loc["open", "suppressed"] and north.loc["talk", "suppressed"]
    every = north.loc["all sections"]
    assert not every["suppressed"] and every["practitioners"] == 4
    # Self (100 + 100 + 0 + 0) / 4, observer 50 throughout.
    assert (every["self_percent"], every["observer_percent"], every["gap"], every["apart"]) == (50.0, 50.0, 0.0, 50.0)
