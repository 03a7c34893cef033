"""Action learning sets: the register's ``kind = "set"`` records and ``seeds-tui summary --by sets``.

A small hand-built store (real observation and event files, the mini rubric: items on a 0-2 scale)
whose before/after figures are worked out by hand below. The set is held on 15/04/2026: with
3-month windows, before is 2026Q1 and after is 2026Q3 (its own quarter holds sessions from both
sides, so it is left out).
"""

from __future__ import annotations

import csv
import io
import json
import sys
import tomllib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList, Static

from seeds_tui.cli import main
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.team import frames, sets
from seeds_tui.team.events import add_record, find_event, list_events, new_record
from seeds_tui.team.suppression import ALL_TEAMS, SUPPRESSED_PRIMARY, SUPPRESSED_SECONDARY
from seeds_tui.tui.app import SeedsApp, create_app
from seeds_tui.tui.dialogs.events import EventForm
from seeds_tui.tui.screens.events import EventsScreen
from seeds_tui.tui.screens.team_summary import TeamSummaryScreen
from tests.summary_fixtures import add, registry

sys.path.insert(0, str(Path(__file__).parent / "tui"))
from tui_helpers import type_text

Q1, Q3 = date(2026, 2, 10), date(2026, 8, 12)
SET_DAY = date(2026, 4, 15)

#: Per practitioner: open.a, talk.c, talk.d (open.b is 1 throughout: the set did not address it).
#:   open.a before 0, 1, 1 -> 0, 50, 50 %: mean 33.3, median 50; after 2, 2, 1 -> 100, 100, 50: mean 83.3, median 100; +50.0
#:   talk   before (1+1)/4, (0+1)/4, (2+2)/4 -> 50, 25, 100: mean 58.3, median 50
#:          after  (2+1)/4, (1+1)/4, (2+2)/4 -> 75, 50, 100: mean 75.0, median 75; +16.7
BEFORE = {"N1": (0, 1, 1), "N2": (1, 0, 1), "N3": (1, 2, 2)}
AFTER = {"N1": (2, 2, 1), "N2": (2, 1, 1), "N3": (1, 2, 2)}


def _observe(store: Store, team: str, who: str, scores: tuple[int, int, int], when: date) -> None:
    a, c, d = scores
    add(store, team=team, practitioner=who, scores={"open.a": a, "open.b": 1, "talk.c": c, "talk.d": d}, when=when)


def _north(store: Store, *, after: dict[str, tuple[int, int, int]] = AFTER) -> None:
    for who, scores in BEFORE.items():
        _observe(store, "North", who, scores, Q1)
    for who, scores in after.items():
        _observe(store, "North", who, scores, Q3)


def _set(store: Store, teams: list[str] | None = None, **extra: object) -> str:
    record = new_record(
        SET_DAY,
        kind="set",
        topic="Agreeing the agenda",
        teams=teams if teams is not None else ["North"],
        covers=["open.a", "talk"],
        learning_points=["Asking first what matters to the person sets the agenda"],
        focus="Agenda first, every session",
        **extra,  # type: ignore[arg-type]
    )
    return add_record(store, record).id


@pytest.fixture
def reg(tmp_path: Path) -> RubricRegistry:
    return registry(tmp_path)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


def _table(store: Store, reg: RubricRegistry, threshold: int = 3, **filters: object) -> pd.DataFrame:
    data = frames.summary_data(store, reg, **filters)  # type: ignore[arg-type]
    [table] = sets.sets_tables(data, sets.registered_sets(store), threshold=threshold)
    assert table.view == sets.SETS_VIEW
    return table.frame


def _rows(frame: pd.DataFrame, team: str, part: str) -> dict[str, dict]:
    mine = frame.loc[(frame["team"] == team) & (frame["addresses"] == part)]
    return {str(r["period"]): r for r in mine.to_dict("records")}


def test_hand_computed_before_and_after_for_the_items_a_set_addressed(store: Store, reg: RubricRegistry) -> None:
    _north(store)
    _set(store)
    frame = _table(store, reg)
    assert list(frame.columns) == list(sets.COLUMNS)
    item = _rows(frame, "North", "open.a")
    assert (item["before"]["mean_percent"], item["before"]["median_percent"]) == pytest.approx((33.33, 50.0), abs=0.01)
    assert (item["after"]["mean_percent"], item["after"]["median_percent"]) == pytest.approx((83.33, 100.0), abs=0.01)
    assert item["after"]["change"] == pytest.approx(50.0)
    assert item["after"]["in_both"] == 3 and item["after"]["observations"] == 3
    section = _rows(frame, "North", "talk")
    assert section["before"]["mean_percent"] == pytest.approx(58.33, abs=0.01)
    assert (section["after"]["mean_percent"], section["after"]["median_percent"]) == (75.0, 75.0)
    assert section["after"]["change"] == pytest.approx(16.67, abs=0.01)
    assert item["before"]["title"] == "Agrees the agenda" and section["before"]["title"] == "Talking"
    assert set(frame["topic"]) == {"Agreeing the agenda"} and set(frame["date"]) == {"2026-04-15"}
    # Only what the set addressed, in the order it names them; its teams and All teams.
    assert list(dict.fromkeys(frame["addresses"])) == ["open.a", "talk"]
    assert set(frame["team"]) == {"North", ALL_TEAMS}
    assert sets.windows_words(find_event(store, _set_id(store))) == "before 2026Q1, after 2026Q3"  # type: ignore[arg-type]


def _set_id(store: Store) -> str:
    return sets.registered_sets(store)[0].id


def test_a_side_resting_on_fewer_practitioners_than_the_threshold_is_hidden(store: Store, reg: RubricRegistry) -> None:
    _north(store, after={k: v for k, v in AFTER.items() if k != "N3"})  # after: two practitioners only
    _set(store)
    frame = _table(store, reg)
    for team in ("North", ALL_TEAMS):
        for part in ("open.a", "talk"):
            rows = _rows(frame, team, part)
            assert not rows["before"]["suppressed"] and rows["before"]["practitioners"] == 3
            after = rows["after"]
            assert after["suppressed"] and after["note"] == SUPPRESSED_PRIMARY.format(k=3)
            assert pd.isna(after["mean_percent"]) and pd.isna(after["change"]) and pd.isna(after["observations"])


def test_a_team_below_the_threshold_is_hidden_and_all_teams_does_not_give_it_away(store: Store, reg: RubricRegistry) -> None:
    _north(store)
    for who, scores in (("W1", (1, 1, 1)), ("W2", (2, 2, 2)), ("W3", (0, 0, 0))):
        _observe(store, "West", who, scores, Q1)
        _observe(store, "West", who, scores, Q3)
    _observe(store, "East", "E1", (0, 0, 0), Q1)
    _observe(store, "East", "E1", (2, 2, 2), Q3)
    _set(store, teams=["North", "East", "West"])
    frame = _table(store, reg)
    east = frame.loc[frame["team"] == "East"]
    assert len(east) and east["suppressed"].all() and set(east["note"]) == {SUPPRESSED_PRIMARY.format(k=3)}
    assert east[["mean_percent", "change", "observations"]].isna().all().all()
    # One more team is hidden with it (North, the first of two of equal size), so All teams less the
    # team shown rests on North and East together (4 practitioners), never on East alone.
    north = frame.loc[frame["team"] == "North"]
    assert north["suppressed"].all() and set(north["note"]) == {SUPPRESSED_SECONDARY}
    west = _rows(frame, "West", "open.a")
    total = _rows(frame, ALL_TEAMS, "open.a")
    assert not west["before"]["suppressed"] and not total["before"]["suppressed"]
    assert total["before"]["practitioners"] - west["before"]["practitioners"] == 4


def _cli(store: Store, tmp_path: Path, *args: str) -> int:
    rubrics = ["--rubrics", str(tmp_path / "rubrics")] if args[0] == "summary" else []
    return main(["--store", str(store.root), *rubrics, *args])


def test_cli_event_add_and_edit_a_set(store: Store, reg: RubricRegistry, tmp_path: Path, capsys) -> None:
    _north(store)
    args = ["event", "add", "--kind", "set", "--date", "15/04/2026", "--topic", "Agreeing the agenda", "--team", "North"]
    args += ["--covers", "open.a", "talk", "--learning-point", "Ask first", "--learning-point", "Then plan", "--focus", "Agenda first"]
    assert _cli(store, tmp_path, *args) == 0
    out = capsys.readouterr().out
    [event] = list_events(store)[0]
    assert event.id in out and "Action learning set: Agreeing the agenda" in out
    text = (store.root / "events" / f"{event.id}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert (data["schema"], data["kind"], data["topic"], data["covers"]) == (
        "seeds-event/2",
        "set",
        "Agreeing the agenda",
        ["open.a", "talk"],
    )
    assert data["learning_points"] == ["Ask first", "Then plan"] and data["focus"] == "Agenda first"
    # Edit: only the fields given change; a new topic brings the default title with it.
    assert _cli(store, tmp_path, "event", "edit", event.id, "--topic", "The agenda", "--focus", "Agree it together") == 0
    assert f"saved {event.id}" in capsys.readouterr().out
    edited = find_event(store, event.id)
    assert edited is not None
    assert (edited.topic, edited.title, edited.focus) == ("The agenda", "Action learning set: The agenda", "Agree it together")
    assert (edited.teams, edited.covers, edited.learning_points) == (["North"], ["open.a", "talk"], ["Ask first", "Then plan"])
    assert _cli(store, tmp_path, "event", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [e["kind"] for e in listed["events"]] == ["set"]
    # Usage errors (exit 2): a set without a topic, set-only options on a training day.
    assert _cli(store, tmp_path, "event", "add", "--kind", "set", "--date", "16/04/2026") == 2
    assert "--topic" in capsys.readouterr().err
    assert _cli(store, tmp_path, "event", "add", "--date", "16/04/2026", "--title", "Day", "--focus", "x") == 2
    assert _cli(store, tmp_path, "event", "edit", event.id, "--kind", "training", "--focus", "x") == 2
    assert _cli(store, tmp_path, "event", "add", "--kind", "set", "--date", "31/02/2026", "--topic", "x") == 2
    capsys.readouterr()
    # Problems (exit 1): an unknown id to edit, an id taken, words naming a practitioner (never echoed).
    assert _cli(store, tmp_path, "event", "edit", "no-such-set", "--focus", "x") == 1
    assert "no training event or set with id no-such-set" in capsys.readouterr().err
    assert _cli(store, tmp_path, "event", "add", "--kind", "set", "--date", "15/04/2026", "--topic", "x", "--id", event.id) == 1
    assert _cli(store, tmp_path, "event", "add", "--kind", "set", "--date", "17/04/2026", "--topic", "What N2 did well") == 1
    err = capsys.readouterr().err
    assert "topic: names a practitioner or observer of this store" in err and "N2" not in err
    assert len(list_events(store)[0]) == 1


def test_cli_summary_by_sets_in_every_format(store: Store, reg: RubricRegistry, tmp_path: Path, capsys) -> None:
    _north(store)
    set_id = _set(store)
    base = ["summary", "--by", "sets", "--threshold", "3"]
    assert _cli(store, tmp_path, *base) == 0
    out = capsys.readouterr().out
    assert "action learning sets" in out and "Agreeing the agenda" in out and "+50.0" in out and "+16.7" in out
    assert _cli(store, tmp_path, *base, "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    after = [r for r in rows if r["team"] == "North" and r["addresses"] == "open.a" and r["period"] == "after"]
    assert after and after[0]["change"] == "50.0" and after[0]["topic"] == "Agreeing the agenda"
    assert _cli(store, tmp_path, *base, "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert [t["view"] for t in doc["tables"]] == ["sets"]
    assert _cli(store, tmp_path, *base, "--format", "markdown") == 0
    assert "| North |" in capsys.readouterr().out
    assert _cli(store, tmp_path, *base, "--format", "html", "-o", str(tmp_path / "sets.html")) == 0
    page = (tmp_path / "sets.html").read_text(encoding="utf-8")
    assert "Action learning sets: the items each addressed, before and after it" in page and "Agreeing the agenda" in page
    assert _cli(store, tmp_path, *base, "--format", "xlsx", "-o", str(tmp_path / "sets.xlsx")) == 0
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "sets.xlsx")
    values = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert "Agreeing the agenda" in values
    # Wider windows are whole quarters: 6 months each side is allowed, 5 is a usage error.
    assert _cli(store, tmp_path, *base, "--window", "6") == 0
    capsys.readouterr()
    assert _cli(store, tmp_path, *base, "--window", "5") == 2
    # Options the view does not use are usage errors (exit 2), and so is an unknown set id as --event.
    assert _cli(store, tmp_path, *base, "--event", set_id) == 2
    assert "--event" in capsys.readouterr().err
    assert _cli(store, tmp_path, *base, "--names") == 2
    assert _cli(store, tmp_path, "summary", "--by", "section", "--event", "no-such-set") == 2
    assert "neither a date" in capsys.readouterr().err
    # A set's id as --event of the item view compares around its day: the figures the Sets view shows.
    assert _cli(store, tmp_path, "summary", "--by", "item", "--threshold", "3", "--event", set_id, "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    same = [r for r in rows if (r["team"], r["section"], r["item"], r["period"]) == ("North", "open", "a", "after")]
    assert same and same[0]["change"] == "50.0" and same[0]["mean_percent"] == after[0]["mean_percent"]


def test_cli_summary_by_sets_with_no_set_says_how_to_add_one(store: Store, reg: RubricRegistry, tmp_path: Path, capsys) -> None:
    _north(store)
    assert _cli(store, tmp_path, "summary", "--by", "sets", "--threshold", "3") == 0
    assert "no action learning sets are registered (seeds-tui event add --kind set" in capsys.readouterr().out


# -- the app: the register (home key e) and the Team summary's Sets tab ------------------------------


async def _settle(app: SeedsApp, pilot: Pilot) -> None:
    for _ in range(6):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def _tick(pilot: Pilot, form: EventForm, key: str) -> None:
    covers = form.query_one("#ev-covers", SelectionList)
    covers.focus()
    await pilot.pause()
    covers.highlighted = next(n for n in range(covers.option_count) if covers.get_option_at_index(n).value == key)
    await pilot.press("space")


async def test_a_facilitator_records_a_set_in_the_app_and_sees_its_items_before_and_after(store: Store, reg: RubricRegistry) -> None:
    _north(store)
    app = create_app(store, reg, today=date(2026, 11, 23))
    async with app.run_test(size=(160, 50)) as pilot:
        await _settle(app, pilot)
        await pilot.press("e")
        await _settle(app, pilot)
        assert isinstance(app.screen, EventsScreen)
        await pilot.press("l")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EventForm)
        date_input = form.query_one("#ev-date", Input)
        date_input.value = "15/04/2026"
        form.query_one("#ev-topic", Input).focus()
        await type_text(pilot, "Agreeing the agenda")
        form.query_one("#ev-teams", Input).focus()
        await type_text(pilot, "North")
        await _tick(pilot, form, "open.a")
        await _tick(pilot, form, "talk")
        form.query_one("#ev-points").focus()
        await type_text(pilot, "Asking first sets the agenda")
        form.query_one("#ev-focus", Input).focus()
        await type_text(pilot, "Agenda first")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        register = app.screen
        assert isinstance(register, EventsScreen)
        [event] = list_events(store)[0]
        assert (event.kind, event.date, event.teams, event.covers) == ("set", SET_DAY, ["North"], ["open.a", "talk"])
        assert event.learning_points == ["Asking first sets the agenda"] and event.focus == "Agenda first"
        detail = str(register.query_one("#ev-detail", Static).render())
        assert "topic: Agreeing the agenda" in detail and "practice focus: Agenda first" in detail
        # Back home, then the Team summary's Sets tab, with the threshold at 3 (three practitioners here).
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TeamSummaryScreen)
        threshold = screen.query_one("#ts-threshold", Input)
        threshold.focus()
        threshold.value = "3"
        await pilot.press("enter")
        await _settle(app, pilot)
        screen.query_one("#ts-views").focus()
        while screen.view != "sets":
            await pilot.press("f6")
            await _settle(app, pilot)
        assert screen.shown is not None and screen.shown.view == sets.SETS_VIEW
        table = screen.query_one("#ts-table", DataTable)
        keys = [str(k.value) for k in table.columns]
        rows = [dict(zip(keys, (c.plain for c in table.get_row_at(n)), strict=True)) for n in range(table.row_count)]
        north = [r for r in rows if r.get("team") == "North" and r.get("addresses") == "open.a"]
        assert [r["period"] for r in north] == ["before", "after"]
        assert north[0]["mean_percent"] == "33.3" and north[1]["mean_percent"] == "83.3" and north[1]["change"] == "+50.0"
        assert any(r.get("addresses") == "talk" and r.get("change") == "+16.7" for r in rows)
        # The panel below draws the highlighted row's part, before against after, with the change.
        table.focus()
        table.move_cursor(row=rows.index(north[1]))
        await pilot.pause()
        detail = str(screen.query_one("#ts-detail-text", Static).render())
        assert "Agreeing the agenda · North" in detail and "change +50.0 points" in detail


def test_the_python_api_gives_the_same_table(store: Store, reg: RubricRegistry, tmp_path: Path) -> None:
    import seeds_tui

    _north(store)
    _set(store)
    [table] = seeds_tui.summary_tables(store, "sets", rubric_dirs=[tmp_path / "rubrics"], threshold=3)
    pd.testing.assert_frame_equal(table.frame, _table(store, reg))


def test_a_window_outside_the_dates_asked_says_so_not_that_it_rests_on_too_few(store: Store, reg: RubricRegistry) -> None:
    """--from/--to of the after quarter only: the before window (2026Q1) has no observation in the
    dates asked, for any team; its rows say that, not 'fewer than 3 practitioners' (true of no one)."""
    _north(store)
    _set(store)
    frame = _table(store, reg, date_from=date(2026, 7, 1), date_to=date(2026, 9, 30))
    for team in ("North", ALL_TEAMS):
        rows = _rows(frame, team, "open.a")
        assert rows["before"]["suppressed"] and rows["before"]["note"] == "no observations in 2026Q1 in the dates asked"
        assert pd.isna(rows["before"]["mean_percent"])
        assert not rows["after"]["suppressed"] and rows["after"]["mean_percent"] == pytest.approx(83.33, abs=0.01)
