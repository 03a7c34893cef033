"""Pilot tests of the Team summary screen, in a small app of their own."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, ProgressBar, Sparkline, Static, Tabs

sys.path.insert(0, str(Path(__file__).parent.parent))

from summary_fixtures import add, registry

from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.controllers.team_summary import TeamSummary
from seeds_tui.tui.screens.team_summary import VIEWS, TeamSummaryScreen


class SummaryApp(App[None]):
    """Just the Team summary screen over a store."""

    def __init__(self, store: Store, reg: RubricRegistry) -> None:
        super().__init__()
        self.store = store
        self.reg = reg

    def on_mount(self) -> None:
        self.push_screen(TeamSummaryScreen(TeamSummary(self.store, self.reg), threshold=3))


@pytest.fixture
def app(tmp_path: Path) -> SummaryApp:
    reg = registry(tmp_path)
    store = Store(tmp_path / "store")
    for team in ("North", "South [b]bold[/b]"):
        for n, who in enumerate(("A", "B", "C")):
            add(
                store,
                team=team,
                practitioner=f"Person {who} {team[:5]}",
                scores={"open.a": n % 3, "open.b": 2, "talk.c": 1, "talk.d": "NO"},
                when=date(2026, 1 + n, 5),  # all in 2026Q1: team figures come from whole quarters
                development=["talk.c"],
                globals_={"overall": 3},
            )
    add(store, team="East", practitioner="Only One", scores={"open.a": 2, "open.b": 2}, when=date(2026, 2, 20))
    add(store, team="North", practitioner="Person D North", scores={"open.a": 1}, when=date(2026, 5, 5))
    return SummaryApp(store, reg)


async def settle(app: App, pilot: Pilot) -> None:
    """Wait for the screen's workers (reading, then building tables) to finish."""
    for _ in range(6):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def cells(screen: TeamSummaryScreen) -> list[list[str]]:
    table = screen.query_one("#ts-table", DataTable)
    return [[c.plain for c in table.get_row_at(n)] for n in range(table.row_count)]


async def test_opens_with_the_section_table_and_privacy(app: SummaryApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TeamSummaryScreen)
        assert screen.data is not None and len(screen.data.observations) == 8
        rows = cells(screen)
        teams = [r[0] for r in rows]
        assert "North" in teams and "South [b]bold[/b]" in teams and teams[-1] == "All teams"
        east = [r for r in rows if r[0] == "East"]
        # The note is shortened to fit; the panel below gives it in full.
        assert len(east) == 1 and "< 3 practitioners" in east[0] and "—" in east[0]
        south_open = next(r for r in rows if r[0].startswith("South") and r[1] == "open")
        assert "3" in south_open and "75.0" in south_open  # 50, 75, 100 %
        # All teams minus South would reveal East: North is hidden too.
        north = [r for r in rows if r[0] == "North"]
        assert len(north) == 1 and "protects a hidden row" in north[0]
        assert not any("Person" in c for r in rows for c in r)
        assert screen.query_one("#ts-progress-row").has_class("hidden")
        assert screen.query_one("#ts-progress", ProgressBar) is not None
        info = screen.query_one("#ts-info", Static)
        assert "7 observations, 7 practitioners, 3 teams" in str(info.render())
        assert "East" not in str(info.render())  # one practitioner: counted, not named


async def test_views_switch_with_keys_and_tabs(app: SummaryApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TeamSummaryScreen)
        ids = [vid for vid, _, _ in VIEWS]
        assert ids[:8] == ["section", "item", "composite", "quarter", "ratings", "themes", "actions", "coverage"]
        seen = []
        for _ in ids:  # F6 goes round every tab and back to the first
            await pilot.press("f6")
            await settle(app, pilot)
            seen.append((screen.view, screen.shown.view if screen.shown else None))
        assert [v for v, _ in seen] == [*ids[1:], ids[0]]
        # Actions opens on its items table; Voice and Sets have no table here (no answers, no sets): they say so instead.
        assert all(v == shown or (v, shown) == ("actions", "action_items") or v in ("voice", "sets") for v, shown in seen), seen
        for _ in range(len(ids) - ids.index("themes")):  # Shift+F6 goes back round
            await pilot.press("shift+f6")
            await settle(app, pilot)
        await settle(app, pilot)
        assert screen.view == "themes"
        rows = cells(screen)
        assert any(r[0].startswith("South") and "c" in r for r in rows)
        # East (one practitioner) and North (hidden to protect it) are one row each: no items listed.
        assert [r for r in rows if r[0] in ("East", "North") and "c" in r] == []
        screen.query_one("#ts-views", Tabs).active = "view-composite"
        await settle(app, pilot)
        assert screen.view == "composite"
        assert {r[1] for r in cells(screen)} >= {"structuring", "relationship", "all sections"}


async def test_actions_and_coverage_views_show_their_tables(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    store = Store(tmp_path / "store")
    for team in ("North", "South"):
        for who in ("A", "B", "C"):
            add(
                store, team=team, practitioner=f"Person {who} {team}", scores={"open.a": 1, "open.b": 2},
                when=date(2026, 2, 5), agreed=[("Agree an agenda at the start.", "open.a")],
            )  # fmt: skip
    add(store, team="North", practitioner="Person Z North", scores={"open.a": 1}, when=date(2025, 5, 5))
    app = SummaryApp(store, reg)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TeamSummaryScreen)
        screen.query_one("#ts-views", Tabs).active = "view-actions"
        await settle(app, pilot)
        assert screen.view == "actions" and screen.shown is not None and screen.shown.view == "action_items"
        by_item = cells(screen)
        assert by_item[0][:7] == ["North", "open", "a", "Agrees the agenda", "3", "3", "3"]
        assert by_item[-1][:7] == ["All teams", "open", "a", "Agrees the agenda", "6", "6", "6"]
        await pilot.press("t")
        await settle(app, pilot)
        assert screen.shown.view == "action_wording"
        assert [r[:2] for r in cells(screen) if r[0] == "All teams"] == [["All teams", "Agree an agenda at the start."]]
        await pilot.press("t")
        await settle(app, pilot)
        assert screen.shown.view == "carried"
        screen.query_one("#ts-views", Tabs).active = "view-coverage"
        await settle(app, pilot)
        assert screen.shown is not None and screen.shown.view == "coverage"
        got = cells(screen)
        assert len(got) == 7 and all(r[0].startswith("P-") for r in got)
        assert not any("Person" in c for r in got for c in r)
        # Every period: one observation each; Person Z, last observed longest ago (2025), comes first.
        assert got[0][2:4] == ["1", "2025-05-05"]


async def test_sections_draw_bars_and_suppressed_rows_say_so(app: SummaryApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TeamSummaryScreen)
        detail = screen.query_one("#ts-detail-text", Static)
        assert "suppressed: fewer than 3 practitioners" in str(detail.render())  # East comes first
        table = screen.query_one("#ts-table", DataTable)
        south = next(n for n, r in enumerate(cells(screen)) if r[0].startswith("South") and r[1] == "open")
        table.move_cursor(row=south)
        await pilot.pause()
        text = str(detail.render())
        assert "distribution of levels" in text and "█" in text and "0 Missed" in text and "2 Clearly" in text


async def test_trend_draws_a_sparkline(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    store = Store(tmp_path / "store")
    for month, value in ((2, 0), (5, 1), (8, 2)):
        for who in ("A", "B", "C"):
            add(store, team="North", practitioner=who, scores={"open.a": value}, when=date(2026, month, 3))
    app = SummaryApp(store, reg)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TeamSummaryScreen)
        screen.query_one("#ts-views", Tabs).active = "view-quarter"
        await settle(app, pilot)
        assert [r[2] for r in cells(screen)][:3] == ["2026Q1", "2026Q2", "2026Q3"]
        spark = screen.query_one("#ts-spark", Sparkline)
        assert not spark.has_class("hidden")
        assert list(spark.data) == [0.0, 50.0, 100.0]
        assert "by quarter" in str(screen.query_one("#ts-detail-text", Static).render())


async def test_filters_rerun_the_summary(app: SummaryApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TeamSummaryScreen)
        teams = screen.query_one("#ts-teams", Input)
        teams.focus()
        await pilot.press(*"North")
        await pilot.press("enter")
        await settle(app, pilot)
        assert set(screen.data.observations["team"].astype(str)) == {"North"}
        assert {r[0] for r in cells(screen)} == {"North", "All teams"}
        date_from = screen.query_one("#ts-from", Input)
        date_from.focus()
        await pilot.press(*"2026-04-01", "enter")  # periods are whole quarters
        await settle(app, pilot)
        assert len(screen.data.observations) == 1


async def test_team_filter_ignores_case_and_names_unknown_teams(app: SummaryApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TeamSummaryScreen)
        screen.query_one("#ts-teams", Input).focus()
        await pilot.press(*" NORTH , Westgate", "enter")
        await settle(app, pilot)
        assert set(screen.data.observations["team"].astype(str)) == {"North"}
        info = str(screen.query_one("#ts-info", Static).render())
        assert "No team called 'Westgate'\nTeams in this store: East, North, South [b]bold[/b]" in info


async def test_refresh_shows_progress_then_hides_it(app: SummaryApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TeamSummaryScreen)
        screen.action_refresh()  # what F5 does; checked before the event loop runs again
        assert not screen.query_one("#ts-progress-row").has_class("hidden")  # drawn while the worker reads
        assert any(w.group == "team-summary" for w in app.workers)
        await settle(app, pilot)
        assert screen.query_one("#ts-progress-row").has_class("hidden")
        assert screen.query_one("#ts-table", DataTable).row_count > 0


async def test_bad_date_is_a_notification_not_a_crash(app: SummaryApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TeamSummaryScreen)
        field = screen.query_one("#ts-to", Input)
        field.focus()
        await pilot.press(*"31/13/2026", "enter")  # day first: there is no month 13
        await settle(app, pilot)
        assert any("not a date" in n.message for n in app._notifications)
        assert isinstance(app.screen, TeamSummaryScreen)


async def test_missing_store_is_reported(tmp_path: Path) -> None:
    app = SummaryApp(Store(tmp_path / "nowhere"), registry(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert any("no store" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TeamSummaryScreen)
