"""The Team summary screen as a new user meets it: column widths, team names, the filter bar
at 80 columns, where the focus is, and the screen's own help. Real demo stores, keyboard only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store
from seeds_tui.tui.controllers.team_summary import TeamSummary
from seeds_tui.tui.screens.help import HelpScreen
from seeds_tui.tui.screens.team_summary import TeamSummaryScreen

TODAY = date(2026, 11, 23)


class SummaryApp(App[None]):
    """Just the Team summary screen over a store (the app's own F1 is bound here too)."""

    BINDINGS = [("f1", "help", "Keys")]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.session = None  # the help screen asks the app for an open observation
        self.animation_level = "none"  # the tabs' underline slides; the tests need not wait for it

    def on_mount(self) -> None:
        self.push_screen(TeamSummaryScreen(TeamSummary(self.store, RubricRegistry.default())))

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.screen))


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 demo observations over 6 teams and the three bundled rubrics (read only by the tests)."""
    root = tmp_path_factory.mktemp("demo") / "store"
    generate_demo(Store(root), 300, seed=4, today=TODAY)
    return root


async def settle(app: App, pilot: Pilot) -> None:
    """Wait for the screen's workers (reading, then building tables) to finish."""
    for _ in range(6):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def screen_of(app: App) -> TeamSummaryScreen:
    screen = app.screen
    assert isinstance(screen, TeamSummaryScreen)
    return screen


def info_text(screen: TeamSummaryScreen) -> str:
    return str(screen.query_one("#ts-info", Static).render())


def assert_columns_fit_their_cells(table: DataTable) -> None:
    """Every cell is drawn whole in its column, or cut with … (never cut silently)."""
    for n, column in enumerate(table.ordered_columns):
        cells = [table.get_row_at(r)[n].plain for r in range(table.row_count)]
        assert column.width >= cell_len(column.label.plain.rstrip("…"))
        for text in cells:
            assert cell_len(text) <= column.width
        if column.label.plain != "Title":
            assert column.width >= max([cell_len(column.label.plain), *(cell_len(c) for c in cells)])


async def go_to_view(app: App, pilot: Pilot, view: str) -> None:
    screen = screen_of(app)
    for _ in range(6):
        if screen.view == view:
            return
        await pilot.press("f6")
        await settle(app, pilot)
    assert screen.view == view


async def test_themes_columns_are_sized_after_every_rubric_change(demo_store: Path) -> None:
    app = SummaryApp(Store(demo_store))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        table = screen.query_one("#ts-table", DataTable)
        await go_to_view(app, pilot, "themes")
        assert_columns_fit_their_cells(table)
        rubric = screen.query_one("#ts-rubric", Select)
        seen = {rubric.value}
        for _ in range(2):
            # The rubric filter by keyboard: / (Teams), Tab to From, To, Rubric; Enter opens its list.
            await pilot.press("slash", "tab", "tab", "tab")
            assert screen.focused is rubric
            await pilot.press("enter", "up", "enter")
            await settle(app, pilot)
            assert rubric.value not in seen
            seen.add(rubric.value)
            await pilot.press("escape")
            assert screen.focused is table
            assert table.row_count > 0 and screen.shown is not None and screen.shown.rubric_id == rubric.value
            assert_columns_fit_their_cells(table)
            # F6 then Shift+F6 comes back to the same, still well sized.
            await pilot.press("f6")
            await settle(app, pilot)
            await pilot.press("shift+f6")
            await settle(app, pilot)
            assert screen.view == "themes"
            assert_columns_fit_their_cells(table)
        # Long item titles are cut with … so the counts after them stay on a 120-column screen.
        labels = [c.label.plain for c in table.ordered_columns]
        title = table.ordered_columns[labels.index("Title")]
        assert title.width <= 40
        widths = sum(c.get_render_width(table) for c in table.ordered_columns[: labels.index("Pract.") + 1])
        assert widths <= 120


async def test_title_is_cut_with_an_ellipsis_and_widened_when_the_screen_grows(demo_store: Path) -> None:
    app = SummaryApp(Store(demo_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        table = screen.query_one("#ts-table", DataTable)
        await go_to_view(app, pilot, "themes")
        labels = [c.label.plain for c in table.ordered_columns]
        narrow = table.ordered_columns[labels.index("Title")].width
        titles = [table.get_row_at(r)[labels.index("Title")].plain for r in range(table.row_count)]
        assert any(t.endswith("…") for t in titles)
        assert_columns_fit_their_cells(table)
        await pilot.resize_terminal(120, 40)
        await settle(app, pilot)
        labels = [c.label.plain for c in table.ordered_columns]
        assert table.ordered_columns[labels.index("Title")].width > narrow
        assert_columns_fit_their_cells(table)


async def test_team_names_are_suggested_and_unknown_names_list_the_teams(demo_store: Path) -> None:
    app = SummaryApp(Store(demo_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        teams = screen.query_one("#ts-teams", Input)
        await pilot.press("slash")
        assert screen.focused is teams
        hint = str(screen.query_one("#ts-hint", Static).render())
        assert "Teams in this store: Cardiff Central, Harbourside, North East Hub, Riverside, Valley Road, Westgate" in hint
        # Enter on a part of a name: nothing matches, and the screen says which teams exist.
        await pilot.press(*"Riv", "enter")
        await settle(app, pilot)
        info = info_text(screen)
        assert "No observations match these filters." in info
        assert "No team called 'Riv' (did you mean Riverside?)" in info
        assert "Teams in this store: Cardiff Central, Harbourside, North East Hub, Riverside, Valley Road, Westgate" in info
        # → accepts the suggestion, whatever the case typed.
        await pilot.press("end", "ctrl+u", *"valley")
        await pilot.pause()
        await pilot.press("right")
        assert teams.value.casefold() == "valley road"
        await pilot.press(*", west")
        await pilot.pause()
        await pilot.press("right")
        await pilot.press("enter")
        await settle(app, pilot)
        assert teams.value.casefold() == "valley road, westgate"
        assert set(screen.data.observations["team"].astype(str)) == {"Valley Road", "Westgate"}
        rows = [screen.query_one("#ts-table", DataTable).get_row_at(r)[0].plain for r in range(3)]
        assert set(rows) <= {"Valley Road", "Westgate", "All teams"}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_filters_fit_the_screen(demo_store: Path, size: tuple[int, int]) -> None:
    app = SummaryApp(Store(demo_store))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        width = size[0]
        for selector in ("#ts-teams", "#ts-from", "#ts-to", "#ts-rubric", "#ts-status", "#ts-apply"):
            region = screen.query_one(selector).region
            assert region.width > 0 and region.height > 0 and region.right <= width, selector
        assert screen.query_one("#ts-from", Input).region.width >= len("YYYY-MM-DD")
        # The whole rubric title shows in its field.
        shown = screen.query_one("#ts-rubric", Select).query_one("SelectCurrent #label", Static)
        assert str(shown.render()) == "SEED one-to-one session" and shown.region.width >= len("SEED one-to-one session")
        # The status list opens inside the screen.
        await pilot.press("slash", "tab", "tab", "tab", "tab")
        assert screen.focused is screen.query_one("#ts-status", Select)
        await pilot.press("enter")
        await pilot.pause()
        overlay = screen.query_one("SelectOverlay")
        assert overlay.region.right <= width and overlay.region.bottom <= size[1]
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert screen.query_one("#ts-status", Select).value == "draft"
        # The table keeps room to show rows at 80x24.
        assert screen.query_one("#ts-table", DataTable).region.height >= 5


async def test_focus_is_visible_and_keys_lead_to_filters_and_back(demo_store: Path) -> None:
    app = SummaryApp(Store(demo_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        table = screen.query_one("#ts-table", DataTable)
        assert screen.focused is table
        edge_on_table = table.styles.border_left
        teams = screen.query_one("#ts-teams", Input)
        label = teams.parent.query_one("Label")
        plain_label = label.styles.background
        for key in ("slash", "f"):
            await pilot.press(key)
            await pilot.pause()
            assert screen.focused is teams
            # The focused field's label is highlighted; the table's focus edge goes.
            assert label.styles.background != plain_label
            assert table.styles.border_left != edge_on_table
            assert screen.query_one("#ts-hint").display
            await pilot.press("escape")
            await pilot.pause()
            assert screen.focused is table and isinstance(app.screen, TeamSummaryScreen)
            assert label.styles.background == plain_label and not screen.query_one("#ts-hint").display
        # Typing into the filters lands there, never in the view tabs; Esc applies it.
        await pilot.press("f", *"2026-01-01")
        assert screen.query_one("#ts-teams", Input).value == "2026-01-01"
        await pilot.press("end", "ctrl+u", "tab", *"2026-01-01")
        assert screen.query_one("#ts-from", Input).value == "2026-01-01"
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen.focused is table
        assert screen.data is not None and min(screen.data.observations["session_date"].astype(str)) >= "2026-01-01"
        # Tab from the table goes round the filters and back, skipping the tabs.
        focused = []
        for _ in range(9):  # Teams, From, To, Rubric, Status, Event, Threshold, Apply, and the table
            await pilot.press("tab")
            focused.append(screen.focused.id if screen.focused else None)
        assert "ts-views" not in focused and focused[-1] == "ts-table"
        # From the table, Esc leaves the screen.
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TeamSummaryScreen)


async def test_help_lists_this_screens_keys_and_the_screen_makes_no_cli_detours(demo_store: Path) -> None:
    app = SummaryApp(Store(demo_store))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        footer_keys = {b.binding.description for b in screen.active_bindings.values() if b.binding.show}
        assert not footer_keys & {"Cursor left", "Cursor right", "Page up", "Page down", "Top", "Bottom"}
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        for words in ("/ or f", "go to the filters", "F6 / Shift+F6", "accept the suggested team name", "agreed actions"):
            assert words in text
        assert "Cursor left" not in text and "Page Left" not in text and "Review" not in text
        await pilot.press("escape")
        await pilot.pause()
        await go_to_view(app, pilot, "themes")
        info = info_text(screen)
        assert "seeds-tui" not in info and "--by" not in info
        assert "Also: agreed actions (press t to show it)" in info
        assert screen.shown is not None and screen.shown.title.endswith("most frequent development areas")
        await pilot.press("t")
        await pilot.pause()
        assert screen.shown.title.endswith("agreed actions")
        table = screen.query_one("#ts-table", DataTable)
        assert [c.label.plain for c in table.ordered_columns][:2] == ["Team", "Obs"]
        assert "Also: most frequent development areas (press t to show it)" in info_text(screen)
        assert "agreed actions" in str(screen.query_one("#ts-title", Static).render())
        # Actions (after Themes) has three tables; Coverage, with one, does not offer t.
        await pilot.press("f6")
        await settle(app, pilot)
        assert screen.view == "actions" and screen.check_action("other_table", ()) is True
        await pilot.press("f6")
        await settle(app, pilot)
        assert screen.view == "coverage"
        assert screen.check_action("other_table", ()) is False
        assert "Also:" not in info_text(screen)
