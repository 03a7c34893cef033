"""The Team summary screen as a facilitator uses it to prepare a session: the table fits the
screen at 80 and 120 columns with the labels frozen, rows sort by any column, the view is
exported into the store's reports folder, the threshold and a training day are set from the
screen, and the Ratings panel draws every team. Real stores, the real app driver."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.cells import cell_len
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

sys.path.insert(0, str(Path(__file__).parent.parent))

from summary_fixtures import add, registry

from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store
from seeds_tui.team import frames
from seeds_tui.team import tables as team_tables
from seeds_tui.tui.controllers.team_summary import TeamSummary
from seeds_tui.tui.screens.team_summary import TeamSummaryScreen, filter_data

TODAY = date(2026, 11, 23)
SHARES = ("Shown %", "Missed %", "NA %", "NO %")


class SummaryApp(App[None]):
    """Just the Team summary screen over a store."""

    def __init__(self, store: Store, reg: RubricRegistry, threshold: int = 5) -> None:
        super().__init__()
        self.store = store
        self.reg = reg
        self.threshold = threshold
        self.animation_level = "none"

    def on_mount(self) -> None:
        self.push_screen(TeamSummaryScreen(TeamSummary(self.store, self.reg), threshold=self.threshold))


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "store"
    generate_demo(Store(root), 300, seed=4, today=TODAY)
    return root


@pytest.fixture
def small(tmp_path: Path) -> SummaryApp:
    """North: three practitioners at 50/75/100 % on Opening; South: four at 100 %; West: five at 50 %; East: one. Threshold 3.

    Team figures are protected quarter by quarter (seeds_tui.team.suppression), a team not observed in a
    quarter counting as hidden there: North, South and West share 2026Q3, and East, alone in 2025Q4,
    hides nobody else's figure."""
    reg = registry(tmp_path)
    store = Store(tmp_path / "store")
    for n, who in enumerate(("A", "B", "C")):
        scores = {"open.a": n, "open.b": 2, "talk.c": 1}
        add(store, team="North", practitioner=f"Pat North {who}", scores=scores, when=date(2026, 7 + n, 5), globals_={"overall": 2 + n})
    for who in ("A", "B", "C", "D"):
        add(store, team="South", practitioner=f"Pat South {who}", scores={"open.a": 2, "open.b": 2, "talk.c": 0}, when=date(2026, 8, 5),
            globals_={"overall": 5})  # fmt: skip
    for n in range(5):
        add(store, team="West", practitioner=f"Pat West {n}", scores={"open.a": 1, "open.b": 1, "talk.c": 1}, when=date(2026, 9, 5),
            globals_={"overall": 1 + n})  # fmt: skip
    add(store, team="East", practitioner="Pat East", scores={"open.a": 2, "open.b": 2}, when=date(2025, 11, 5))
    return SummaryApp(store, reg, threshold=3)


async def settle(app: App, pilot: Pilot) -> None:
    for _ in range(6):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def screen_of(app: App) -> TeamSummaryScreen:
    assert isinstance(app.screen, TeamSummaryScreen)
    return app.screen


def headings(table: DataTable) -> list[str]:
    return [c.label.plain for c in table.ordered_columns]


def cells(table: DataTable) -> list[list[str]]:
    return [[c.plain for c in table.get_row_at(n)] for n in range(table.row_count)]


async def go_to_view(app: App, pilot: Pilot, view: str) -> None:
    screen = screen_of(app)
    for _ in range(6):
        if screen.view == view:
            return
        await pilot.press("f6")
        await settle(app, pilot)
    assert screen.view == view


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_view_fits_the_screen_with_its_labels_frozen(demo_store: Path, size: tuple[int, int]) -> None:
    app = SummaryApp(Store(demo_store), RubricRegistry.default())
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        table = screen.query_one("#ts-table", DataTable)
        labels = {"Team", "Section", "Item", "Composite", "Quarter", "Measure"}
        for view in ("section", "item", "composite", "quarter", "ratings", "themes"):
            await go_to_view(app, pilot, view)
            names = headings(table)
            # Nothing runs off the right edge: no sideways scrolling needed to see a row whole.
            assert table.virtual_size.width <= table.scrollable_content_region.width, (view, names)
            assert table.max_scroll_x == 0
            # The label columns (Team, Section...) stay at the left while the figures scroll.
            frozen = table.fixed_columns
            assert frozen >= 2 and names[0] == "Team" and set(names[:frozen]) <= labels and names[frozen] not in labels, (view, names)
            for n, column in enumerate(table.ordered_columns):
                assert all(cell_len(table.get_row_at(r)[n].plain) <= column.width for r in range(table.row_count))
            # Shares of scored items are shown together or not at all.
            present = [h in names for h in SHARES]
            assert all(present) or not any(present), (view, names)
            if size[0] >= 120 and view == "section":
                assert all(present) and "Mean %" in names and "Title" in names
            if view == "themes":
                assert "Title" in names


async def test_notes_give_way_to_the_figures_and_are_given_in_full_below(demo_store: Path) -> None:
    app = SummaryApp(Store(demo_store), RubricRegistry.default())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = screen_of(app)
        table = screen.query_one("#ts-table", DataTable)
        names = headings(table)
        assert all(h in names for h in SHARES) and "Title" in names and "Note" in names
        note = names.index("Note")
        # The grid's notes ("leaves out 7 hidden quarters") are marks here, explained above the table.
        marks = {r[note] for r in cells(table)}
        assert "part" in marks and marks <= {"", "part", "†", f"< {screen.threshold}"}
        info = str(screen.query_one("#ts-info", Static).render())
        assert "part = leaves out quarters hidden for privacy" in info
        # The highlighted row's note is given in full in the panel below, as the command prints it.
        row = next(n for n, r in enumerate(cells(table)) if r[note] == "part")
        table.move_cursor(row=row)
        await pilot.pause()
        index = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)
        assert screen.shown is not None
        full = str(screen.shown.frame["note"].iloc[index])
        assert full.startswith("leaves out ")
        assert full in str(screen.query_one("#ts-detail-text", Static).render())


async def test_rows_sort_by_any_column_from_the_keyboard(small: SummaryApp) -> None:
    async with small.run_test(size=(120, 40)) as pilot:
        await settle(small, pilot)
        screen = screen_of(small)
        table = screen.query_one("#ts-table", DataTable)
        for _ in range(12):
            if any(h.startswith("Mean %") and h.endswith("▼") for h in headings(table)):
                break
            await pilot.press("s")
            await pilot.pause()
        names = headings(table)
        mean = names.index("Mean % ▼")
        rows = cells(table)
        shown = [r for r in rows if r[mean] != "—"]
        values = [float(r[mean]) for r in shown]
        assert values == sorted(values, reverse=True) and len(values) >= 4
        assert rows[: len(shown)] == shown  # suppressed rows last
        assert "Sorted by Mean % (highest first)" in str(screen.query_one("#ts-info", Static).render())
        await pilot.press("S")
        await pilot.pause()
        values = [float(r[headings(table).index("Mean % ▲")]) for r in cells(table) if r[mean] != "—"]
        assert values == sorted(values)
        # The panel below follows the highlighted row, wherever the sort put it.
        here = cells(table)[table.cursor_row]
        assert str(screen.query_one("#ts-detail-text", Static).render()).startswith(here[0])


async def test_export_writes_the_view_as_shown_into_the_reports_folder(small: SummaryApp) -> None:
    store = small.store
    before = {p for p in store.root.rglob("*") if p.is_file() and ".cache" not in p.parts}
    async with small.run_test(size=(120, 40)) as pilot:
        await settle(small, pilot)
        screen = screen_of(small)
        table = screen.query_one("#ts-table", DataTable)
        while not any(h.endswith("▼") and h.startswith("Mean %") for h in headings(table)):
            await pilot.press("s")
            await pilot.pause()
        shown_order = [(r[0], r[1]) for r in cells(table)]
        for letter in ("c", "x", "h"):
            await pilot.press("e")
            await pilot.pause()
            await pilot.press(letter)
            await settle(small, pilot)
        assert any(n.message.startswith("Wrote team-summary-mini-section-") for n in small._notifications)
    written = {p for p in store.root.rglob("*") if p.is_file() and ".cache" not in p.parts} - before
    assert {p.parent for p in written} == {store.reports_dir}
    assert sorted(p.suffix for p in written) == [".csv", ".html", ".xlsx"]
    by = {p.suffix: p for p in written}
    rows = list(csv.DictReader(io.StringIO(by[".csv"].read_text())))
    # Every column, the rows in the order on screen, the privacy of the screen.
    assert [(r["team"], r["section"]) for r in rows] == shown_order
    assert {"shown", "missed", "na", "no", "median_percent"} <= set(rows[0])
    east = next(r for r in rows if r["team"] == "East")
    assert east["mean_percent"] == "" and east["suppressed"] == "True"
    ws = load_workbook(by[".xlsx"])["mini"]
    assert [(ws.cell(r, 1).value, ws.cell(r, 2).value or "") for r in range(3, ws.max_row + 1)] == shown_order
    page = by[".html"].read_text()
    assert "How does each team score, section by section, against all teams?" in page
    assert "Pat " not in page and "Pat " not in by[".csv"].read_text()


async def test_threshold_and_event_are_set_from_the_screen(small: SummaryApp) -> None:
    async with small.run_test(size=(120, 40)) as pilot:
        await settle(small, pilot)
        screen = screen_of(small)
        table = screen.query_one("#ts-table", DataTable)
        assert any(r[0] == "South" and r[1] == "open" for r in cells(table))
        field = screen.query_one("#ts-threshold", Input)
        field.focus()
        await pilot.press("ctrl+u", "2", "enter")
        await settle(small, pilot)
        assert any("at least 3" in n.message for n in small._notifications)
        assert screen.threshold == 3
        await pilot.press("ctrl+u", "4", "enter")
        await settle(small, pilot)
        # North (three practitioners) is hidden for itself now, South (four) to protect it; West (five) shows.
        rows = cells(table)
        assert screen.threshold == 4 and any(r[0] == "West" and r[1] == "open" for r in rows)
        # At 120 columns the notes are marks (explained above the table) so that the shares keep their room.
        assert [r[0] for r in rows].count("North") == 1 and "< 4" in next(r for r in rows if r[0] == "North")
        assert [r[0] for r in rows].count("South") == 1 and "†" in next(r for r in rows if r[0] == "South")
        assert screen.shown is not None
        notes = dict(zip(screen.shown.frame["team"], screen.shown.frame["note"], strict=True))
        assert notes["North"] == "suppressed: fewer than 4 practitioners"
        assert notes["South"] == "suppressed: would reveal a hidden figure"
        assert "† protects a hidden row" in str(screen.query_one("#ts-info", Static).render())
        await pilot.press("ctrl+u", "3", "enter")
        event = screen.query_one("#ts-event", Input)
        event.focus()
        await pilot.press(*"2026-05-01", "enter")
        await settle(small, pilot)
        await go_to_view(small, pilot, "quarter")
        info = str(screen.query_one("#ts-info", Static).render())
        assert "the training event of 2026-05-01 (press t to show it)" in info
        await pilot.press("escape")  # back to the table
        await pilot.press("t")
        await settle(small, pilot)
        assert screen.shown is not None and screen.shown.view == "before_after"
        assert screen.shown.title.endswith("the training event of 2026-05-01") and "Period" in headings(table)


async def test_the_ratings_panel_draws_every_team(small: SummaryApp) -> None:
    async with small.run_test(size=(80, 24)) as pilot:
        await settle(small, pilot)
        await go_to_view(small, pilot, "ratings")
        screen = screen_of(small)
        table = screen.query_one("#ts-table", DataTable)
        south = next(n for n, r in enumerate(cells(table)) if r[0] == "South")
        table.move_cursor(row=south)
        await pilot.pause()
        text = str(screen.query_one("#ts-detail-text", Static).render())
        assert "Overall (global rating, scale 1-5): mean by team" in text
        assert "South" in text and "5.00" in text and "█" in text
        assert "West" in text and "3.00" in text  # 1 to 5
        assert "North" not in text  # hidden to protect East


def test_filters_in_memory_give_the_tables_the_command_gives(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    store = Store(tmp_path / "store")
    for n in range(12):
        add(store, team=("North", "South", "West")[n % 3], practitioner=f"P{n}", scores={"open.a": n % 3, "talk.c": (n + 1) % 3},
            when=date(2026, 1 + n, 1), globals_={"overall": 1 + n % 5}, development=["open.a"])  # fmt: skip
    full = frames.summary_data(store, reg)
    for teams, start, end in (
        (["north", " SOUTH "], None, None),
        (None, date(2026, 4, 1), date(2026, 9, 30)),
        (["West", "Nowhere"], date(2026, 4, 1), None),
        (["North"], None, date(2026, 6, 30)),
    ):
        mine = filter_data(full, teams, start, end)
        theirs = frames.summary_data(store, reg, teams=teams, date_from=start, date_to=end)
        assert mine.unmatched_teams == theirs.unmatched_teams
        for view in ("section", "item", "composite", "quarter", "ratings", "themes"):
            a = team_tables.build_tables(mine, view, threshold=3)
            b = team_tables.build_tables(theirs, view, threshold=3)
            assert [t.title for t in a] == [t.title for t in b]
            for x, y in zip(a, b, strict=True):
                assert x.frame.astype(str).to_dict("records") == y.frame.astype(str).to_dict("records"), (teams, view)


async def test_opening_again_shows_the_last_read_and_notices_a_changed_store(small: SummaryApp) -> None:
    async with small.run_test(size=(120, 40)) as pilot:
        await settle(small, pilot)
        assert len(screen_of(small).data.observations) == 13
        await pilot.press("escape")
        await pilot.pause()
        small.push_screen(TeamSummaryScreen(TeamSummary(small.store, small.reg), threshold=3))
        await settle(small, pilot)
        again = screen_of(small)
        # Nothing changed: the screen did not read the store again.
        assert again._loads == 0 and len(again.data.observations) == 13
        await pilot.press("escape")
        await pilot.pause()
        add(small.store, team="West", practitioner="Pat West 9", scores={"open.a": 2}, when=date(2026, 7, 1))
        small.push_screen(TeamSummaryScreen(TeamSummary(small.store, small.reg), threshold=3))
        await settle(small, pilot)
        third = screen_of(small)
        assert third._loads == 1 and len(third.data.observations) == 14
        assert any(r[0] == "West" for r in cells(third.query_one("#ts-table", DataTable)))


async def test_a_long_paste_with_escapes_into_a_filter_keeps_what_fits_and_never_reaches_the_screen(small: SummaryApp) -> None:
    """A 22,000-character paste holding terminal escapes into the teams filter (or a date): the field keeps
    its limit and no control character, says "Too long" without quoting the text, and the screen still works."""
    from textual import events

    paste = ("North \x1b]0;owned\x07\x1b[2J " * 2000)[:22_000]
    async with small.run_test(size=(120, 40)) as pilot:
        await settle(small, pilot)
        screen = screen_of(small)
        for field_id in ("#ts-teams", "#ts-from"):
            field = screen.query_one(field_id, Input)
            field.focus()
            await pilot.pause()
            small.post_message(events.Paste(paste))
            await pilot.pause()
            await pilot.press("x")
            await pilot.pause()
            assert len(field.value) <= field.max_length
            assert "\x1b" not in field.value and "\x07" not in field.value
        told = [n for n in small._notifications if n.title == "Too long"]
        assert told and all("owned" not in n.message for n in told)
        screen.query_one("#ts-from", Input).value = ""
        screen.query_one("#ts-teams", Input).value = ""
        await pilot.press("f6")
        await settle(small, pilot)
        assert screen.query_one("#ts-table", DataTable).row_count > 0
