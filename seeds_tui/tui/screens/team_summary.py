"""Team summary: a facilitator's view of a team's results across many observations.

Filters (teams, period, rubric, status, a training event, the privacy threshold) at the top,
in three short rows that fit 80 columns; tabs switch the table between sections, items,
composites, the trend by quarter, ratings and development themes. The highlighted row is drawn
below the table: its level distribution as bars, its trend across quarters as a sparkline, or
a rating's mean for every team. Figures resting on too few practitioners are suppressed
exactly as in ``seeds-tui summary``; no practitioner is named.

The table fits the screen: label columns (Team, Section...) stay frozen at the left, Title
gives up width first and columns are left out by meaning (``tui.widgets.team_table``).

Keys: ``/`` or ``f`` goes to the filters, Enter applies them, Esc returns to the table;
F6 / Shift+F6 change the view; ``t`` shows the view's other table when it has one; ``s``
sorts by the next column and ``S`` reverses; ``e`` exports the view as CSV, Excel or HTML into
the store's ``reports/`` folder.

The store is read once in a thread worker with a progress bar (F5 reads it again); filters,
views, the threshold and the event are answered from the frames in memory, and the other views
of the current filters are built in the background once the first is shown, so that switching
views only draws a table.

This module imports pandas (through ``seeds_tui.team``); the app imports it only when
the screen is opened.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Button, DataTable, Footer, Input, Label, ProgressBar, Select, Sparkline, Static, Tab, Tabs
from textual.worker import Worker, WorkerState

from seeds_tui.core.dates import parse_date, uk_date
from seeds_tui.core.errors import SeedsError
from seeds_tui.core.events import TrainingEvent
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.render import charts
from seeds_tui.render import summary as render
from seeds_tui.render.summary import DASH, display_table
from seeds_tui.team import frames, selfview, suppression
from seeds_tui.team import tables as team_tables
from seeds_tui.tui.controllers.events import EventDraft
from seeds_tui.tui.controllers.team_summary import TeamSummary
from seeds_tui.tui.controllers.team_summary import filter_data as filter_data  # what the screen's filters keep
from seeds_tui.tui.dialogs.events import EventPicker
from seeds_tui.tui.widgets.team_export import ExportDialog
from seeds_tui.tui.widgets.team_table import MARK, drawn_note, fit, layout, legend, sort_order
from seeds_tui.tui.widgets.text import LineInput

#: The longest text a filter field takes (several team names; a date): a paste past it keeps what fits.
FILTER_MAX = 1000
DATE_MAX = 10

#: Tabs: (id, label, aggregate view).
VIEWS: tuple[tuple[str, str, str], ...] = (
    ("section", "Sections", "section"),
    ("item", "Items", "item"),
    ("composite", "Composites", "composite"),
    ("quarter", "Trend", "quarter"),
    ("ratings", "Ratings", "ratings"),
    ("themes", "Themes", "themes"),
    ("actions", "Actions", "actions"),
    ("coverage", "Coverage", "coverage"),
    ("voice", "Voice", "voice"),
    ("sets", "Sets", "sets"),
    ("self", "Self", "self"),
)
BAR_WIDTH = 30
#: Views whose tables the background builds after the first is shown, in this order. Not
#: Coverage: it is built when asked for (it makes the store's pseudonym key on first use).
WARM_ORDER = ("section", "item", "composite", "quarter", "ratings", "themes", "actions")

#: The keys of this screen, for F1 (the help screen reads the screen's HELP_KEYS).
SCREEN_KEYS: list[tuple[str, str]] = [
    ("/ or f", "go to the filters (Teams first; Tab / Shift+Tab move between them)"),
    ("Enter", "in a filter: apply the filters and rebuild the table"),
    ("→", "in Teams: accept the suggested team name (commas between teams)"),
    ("Esc", "in a filter: apply any change and go back to the table; in the table: back to the list"),
    (
        "F6 / Shift+F6",
        "next / previous view: sections, items, composites, trend, ratings, themes, actions, coverage, "
        "sets (each action learning set's items before and after it), self (self-ratings against observer ratings)",
    ),
    (
        "t",
        "show the view's other table, when it has one (Themes: agreed actions; Actions: by wording, then carried actions; "
        "Trend with an event: before and after; Self: by quarter)",
    ),
    ("s / S", "sort by the next column / reverse the order (a click on a heading sorts by it)"),
    ("e", "export this view (CSV, Excel or HTML) into the store's reports folder"),
    ("p", "pick a registered training event or action learning set to compare before and after (sets the Event filter)"),
    (
        "l",
        "in Themes, Items or Sections: record an action learning set on the highlighted team and item or section "
        "(opens the register's form)",
    ),
    ("↑ ↓ PgUp PgDn", "move in the table; the chart below draws the highlighted row"),
    ("← →", "scroll the table sideways when it is wider than the screen"),
    ("F5", "read the store again (new or changed observations)"),
]

#: What the line under the filters says while a filter has the focus.
FIELD_HINTS = {
    "ts-from": "From: the first session date, DD/MM/YYYY (empty: no limit) · Enter applies · Esc: back to the table",
    "ts-to": "To: the last session date, DD/MM/YYYY (empty: no limit) · Enter applies · Esc: back to the table",
    "ts-rubric": "Rubric: Enter opens the list · Esc: back to the table",
    "ts-status": "Status: final observations, drafts, or both · Enter opens the list · Esc: back to the table",
    "ts-event": "Event: a training day, DD/MM/YYYY (p picks a registered one): marked on the trend; Trend then offers before and "
    "after (t) · Enter applies",
    "ts-threshold": "Threshold: hide figures resting on fewer practitioners than this (at least 3) · Enter applies",
    "ts-apply": "Apply the filters · Esc: back to the table",
}


def _parse_date(text: str, what: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise SeedsError(f"{what}: {exc}") from None


def level_bars(labels: list[str], shares: list[float], width: int = BAR_WIDTH) -> Text:
    """Horizontal bars, one line per level: label, bar of block characters, percent."""
    out = Text()
    pad = max((len(label) for label in labels), default=0)
    for label, share in zip(labels, shares, strict=True):
        filled = width * max(0.0, min(100.0, share)) / 100
        full = int(filled)
        part = " ▏▎▍▌▋▊▉"[int((filled - full) * 8)] if full < width else ""
        out.append(f"{label.ljust(pad)} ")
        out.append("█" * full + part.strip(), style="bold")
        out.append(" " * (width - full - len(part.strip())) + f" {share:5.1f}%\n")
    return out


def parse_threshold(text: str) -> int:
    """The privacy threshold typed, or ``SeedsError`` saying what it takes (never below 3)."""
    text = text.strip()
    if not text.isdigit() or int(text) < suppression.MIN_THRESHOLD:
        raise SeedsError(f"Threshold: a whole number of practitioners, at least {suppression.MIN_THRESHOLD}")
    return int(text)


class TeamSuggester(Suggester):
    """Completes the last comma-separated team name from the teams in the store, ignoring case."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.teams: list[str] = []

    async def get_suggestion(self, value: str) -> str | None:
        """The value with its last team name completed, or None."""
        typed = value.rpartition(",")[2].lstrip()
        if not typed:
            return None
        asked = [frames.team_key(t) for t in value.split(",")[:-1]]
        for team in self.teams:
            if team.casefold().startswith(typed.casefold()) and len(team) > len(typed) and frames.team_key(team) not in asked:
                return value + team[len(typed) :]
        return None


def did_you_mean(asked: str, teams: list[str]) -> list[str]:
    """Known teams that start with, or contain, what was typed (ignoring case)."""
    key = frames.team_key(asked)
    if not key:
        return []
    starts = [t for t in teams if frames.team_key(t).startswith(key)]
    return starts or [t for t in teams if key in frames.team_key(t)]


class TeamSummaryScreen(Screen[None]):
    """Team results by section, item, composite, quarter, rating and theme, with privacy built in."""

    HELP_KEYS = SCREEN_KEYS

    DEFAULT_CSS = """
    TeamSummaryScreen { layout: vertical; }
    TeamSummaryScreen #ts-title { height: 1; padding: 0 1; text-style: bold; text-overflow: ellipsis; text-wrap: nowrap; }
    TeamSummaryScreen #ts-filters { height: auto; padding: 0 1; }
    TeamSummaryScreen .ts-row { height: 1; margin-bottom: 0; }
    TeamSummaryScreen .ts-field { height: 1; width: auto; margin-right: 2; }
    TeamSummaryScreen .ts-field > Label { width: auto; padding: 0 1 0 0; color: $text-muted; }
    TeamSummaryScreen .ts-field.-has-focus > Label { color: $text; background: $accent; text-style: bold; }
    TeamSummaryScreen .ts-wide { width: 1fr; }
    TeamSummaryScreen .ts-field Input { width: 1fr; background: $boost; }
    TeamSummaryScreen .ts-date Input { width: 11; }
    TeamSummaryScreen #ts-field-threshold Input { width: 4; }
    TeamSummaryScreen .ts-field Input:focus { background: $accent 30%; }
    TeamSummaryScreen .ts-field Select { width: 1fr; }
    TeamSummaryScreen #ts-field-status Select { width: 18; }
    TeamSummaryScreen .ts-field Select:focus > SelectCurrent { background: $accent 30%; }
    TeamSummaryScreen #ts-keys { width: 1fr; height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    TeamSummaryScreen #ts-apply { min-width: 9; width: 9; height: 1; }
    TeamSummaryScreen #ts-hint { height: auto; max-height: 3; padding: 0 1; color: $text-muted; display: none; }
    TeamSummaryScreen #ts-hint.shown { display: block; }
    TeamSummaryScreen #ts-progress-row { height: 1; padding: 0 1; }
    TeamSummaryScreen #ts-progress { width: 50; }
    TeamSummaryScreen #ts-info { height: auto; max-height: 4; padding: 0 1; color: $text-muted; }
    TeamSummaryScreen #ts-table { height: 1fr; min-height: 4; border-left: outer $surface; }
    TeamSummaryScreen #ts-table:focus { border-left: outer $accent; }
    TeamSummaryScreen #ts-detail { height: auto; max-height: 35%; padding: 0 1; border-top: solid $primary-background; }
    TeamSummaryScreen #ts-spark { height: 3; margin: 0 1; }
    TeamSummaryScreen .hidden { display: none; }
    """

    BINDINGS = [
        Binding("slash,f", "filters", "Filters", key_display="/", id="summary.filters", tooltip="Go to the filters"),
        Binding("f5", "refresh", "Refresh", show=False, id="summary.refresh", tooltip="Read the store again and rebuild the table"),
        Binding(
            "f6",
            "next_view",
            "Next view",
            id="summary.next_view",
            tooltip="Switch to the next table (sections, items, composites, trend, ratings, themes)",
        ),
        Binding(
            "shift+f6", "previous_view", "Previous view", show=False, id="summary.previous_view", tooltip="Switch to the previous table"
        ),
        Binding("t", "other_table", "Other table", id="summary.other_table", tooltip="Show the view's other table"),
        Binding("s", "sort", "Sort", id="summary.sort", tooltip="Sort by the next column"),
        Binding("S", "reverse", "Reverse", show=False, id="summary.reverse", tooltip="Reverse the order of the rows"),
        Binding(
            "e", "export", "Export", id="summary.export", tooltip="Write this view as CSV, Excel or HTML into the store's reports folder"
        ),
        Binding("p", "pick_event", "Pick event", id="summary.pick_event", tooltip="Compare before and after a registered event or set"),
        Binding(
            "l",
            "learning_set",
            "Learning set",
            show=False,
            id="summary.learning_set",
            tooltip="Record an action learning set on the highlighted team and item",
        ),
        Binding("escape", "close", "Back", id="summary.close", tooltip="From a filter: back to the table; else back to the list"),
    ]

    def __init__(self, summary: TeamSummary, *, threshold: int = suppression.DEFAULT_THRESHOLD) -> None:
        super().__init__()
        #: The controller: the screen's only way to the store.
        self.summary = summary
        self.registry: RubricRegistry = summary.registry
        self.threshold = suppression.check_threshold(threshold)
        #: Every observation of the status asked for, as read from the store (before the other filters).
        self.full: frames.SummaryData | None = None
        #: The observations the current filters keep.
        self.data: frames.SummaryData | None = None
        self.event: date | None = None
        #: The date and title of the event picked with p (its title is shown on charts while it is the Event).
        self._picked: tuple[date, str] | None = None
        self.view = "section"
        self.tables: list[team_tables.SummaryTable] = []
        self.table_index = 0
        self.shown: team_tables.SummaryTable | None = None
        self.sort_key: str | None = None
        self.sort_descending = True
        self.suggester = TeamSuggester()
        self._lines: list[str] = []
        self._applied: dict[str, Any] | None = None
        self._status: str | None = None
        self._loads = 0
        self._builds = 0
        self._keys: list[str] = []
        self._generation = 0
        #: Cells of tables shown, and their rows as drawn (per width and order): drawing again costs no layout.
        self._texts: dict[int, tuple[team_tables.SummaryTable, tuple[list[str], list[str], list[list[str]]]]] = {}
        self._drawn: dict[tuple[Any, ...], tuple[team_tables.SummaryTable, Any, list[int], list[list[Text]]]] = {}
        #: The stats of what was shown at opening, to compare with the store once the table is drawn.
        self._recheck: tuple[list[Any], str] | None = None

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Title, filters, view tabs, progress, the table, the chart of the highlighted row."""
        yield Static(Text(f"Team summary · {self.summary.root}"), id="ts-title")
        rubrics = [(lr.rubric.title, lr.rubric.id) for lr in self.registry.latest()]
        with Vertical(id="ts-filters"):
            with Horizontal(classes="ts-row"):
                with Horizontal(classes="ts-field ts-wide", id="ts-field-teams"):
                    yield Label("Teams")
                    yield LineInput(
                        placeholder="all teams (type a name; → completes)",
                        id="ts-teams",
                        compact=True,
                        suggester=self.suggester,
                        max_length=FILTER_MAX,
                        what="The teams filter",
                    )
                with Horizontal(classes="ts-field ts-date"):
                    yield Label("From")
                    yield LineInput(placeholder="DD/MM/YYYY", id="ts-from", compact=True, max_length=DATE_MAX, what="A date")
                with Horizontal(classes="ts-field ts-date"):
                    yield Label("To")
                    yield LineInput(placeholder="DD/MM/YYYY", id="ts-to", compact=True, max_length=DATE_MAX, what="A date")
            with Horizontal(classes="ts-row"):
                with Horizontal(classes="ts-field ts-wide"):
                    yield Label("Rubric")
                    yield Select(rubrics, prompt="the one most used", id="ts-rubric", allow_blank=True, compact=True)
                with Horizontal(classes="ts-field", id="ts-field-status"):
                    yield Label("Status")
                    yield Select(
                        [("Final only", "final"), ("Drafts only", "draft"), ("Final + drafts", "all")],
                        value="final",
                        allow_blank=False,
                        id="ts-status",
                        compact=True,
                    )
            with Horizontal(classes="ts-row"):
                with Horizontal(classes="ts-field ts-date", id="ts-field-event"):
                    yield Label("Event")
                    yield LineInput(placeholder="DD/MM/YYYY", id="ts-event", compact=True, max_length=DATE_MAX, what="A date")
                with Horizontal(classes="ts-field", id="ts-field-threshold"):
                    yield Label("Threshold")
                    yield LineInput(
                        str(self.threshold), id="ts-threshold", compact=True, restrict=r"[0-9]*", max_length=3, what="The threshold"
                    )
                yield Static(Text("s sort · e export"), id="ts-keys")
                yield Button("Apply", id="ts-apply", variant="primary", compact=True)
        yield Static("", id="ts-hint")
        tabs = Tabs(*(Tab(label, id=f"view-{vid}") for vid, label, _ in VIEWS), id="ts-views")
        tabs.can_focus = False  # F6 / Shift+F6 and the mouse change views; typing never lands here
        yield tabs
        with Horizontal(id="ts-progress-row"):
            yield Label("Reading observations ", id="ts-progress-label")
            yield ProgressBar(id="ts-progress", show_eta=False)
        yield Static("", id="ts-info")
        table: DataTable[Text] = DataTable(id="ts-table", cursor_type="row", zebra_stripes=True)
        yield table
        with Vertical(id="ts-detail"):
            yield Static("", id="ts-detail-text")
            yield Sparkline([], id="ts-spark", classes="hidden")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Show what was last read of this store at once (checking the store behind it), or read it."""
        self.query_one("#ts-table", DataTable).focus()
        filters = self._filters()
        last = self.summary.last(filters["status"])
        if last is None:
            self.action_refresh()
            return
        self._applied = filters
        self.full, self._status = last[1], filters["status"]
        # The store is checked once the table is drawn: the check must not slow the first frame.
        self._recheck = (last[0], filters["status"])
        self._narrow(filters)

    # -- filters ------------------------------------------------------------------------------

    def _filters(self) -> dict[str, Any]:
        teams_text = self.query_one("#ts-teams", Input).value
        teams = [t.strip() for t in teams_text.split(",") if t.strip()] or None
        date_from = _parse_date(self.query_one("#ts-from", Input).value, "From")
        date_to = _parse_date(self.query_one("#ts-to", Input).value, "To")
        if date_from and date_to and date_from > date_to:
            raise SeedsError("From is after To")
        status = self.query_one("#ts-status", Select).value
        return {
            "teams": teams,
            "date_from": date_from,
            "date_to": date_to,
            "status": status if isinstance(status, str) else "final",
            "event": _parse_date(self.query_one("#ts-event", Input).value, "Event"),
            "threshold": parse_threshold(self.query_one("#ts-threshold", Input).value),
        }

    def action_refresh(self) -> None:
        """Read the store (through the cache) and rebuild the table with the current filters."""
        self._apply(reload=True)

    def _apply(self, *, reload: bool = False) -> None:
        """Answer the filters: from the frames in memory, or by reading the store when the status changed."""
        try:
            filters = self._filters()
        except SeedsError as exc:
            self.notify(str(exc), severity="error", title="Filters")
            return
        self._applied = filters
        self.threshold = filters["threshold"]
        self.event = filters["event"]
        if reload or self.full is None or filters["status"] != self._status:
            self._loads += 1
            self._show_progress(True)
            self._load(filters, self._loads)
        else:
            self._narrow(filters)

    def action_filters(self) -> None:
        """Put the focus on the first filter (Teams)."""
        self.query_one("#ts-teams", Input).focus()

    def _in_filters(self, widget: Widget | None) -> bool:
        filters = self.query_one("#ts-filters")
        while widget is not None:
            if widget is filters:
                return True
            parent = widget.parent
            widget = parent if isinstance(parent, Widget) else None
        return False

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """While a filter has the focus, say what it takes and how to get back."""
        hint = self.query_one("#ts-hint", Static)
        widget = event.widget
        # A class, not :focus-within: the label's style must follow the focus out as well as in.
        for field in self.query(".ts-field"):
            field.set_class(field in widget.ancestors_with_self, "-has-focus")
        if not self._in_filters(widget):
            hint.set_class(False, "shown")
            return
        if isinstance(widget.parent, Select):
            text = "↑ ↓ choose · Enter picks · Esc closes the list"
        elif widget.id == "ts-teams":
            teams = ", ".join(self.suggester.teams) or "none read yet"
            text = f"→ completes · commas between teams · Enter applies · Esc: back · Teams in this store: {teams}"
        else:
            text = FIELD_HINTS.get(widget.id or "", "Enter applies · Esc: back to the table")
        hint.update(Text(text))
        hint.set_class(True, "shown")

    @on(Button.Pressed, "#ts-apply")
    def _apply_pressed(self) -> None:
        self._apply()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._apply()

    @on(Select.Changed, "#ts-status")
    def _status_changed(self) -> None:
        status = self.query_one("#ts-status", Select).value
        if self.full is not None and status != self._status:
            self._apply()

    @on(Select.Changed, "#ts-rubric")
    def _rubric_changed(self) -> None:
        if self.data is not None:
            self._build()

    @on(Tabs.TabActivated, "#ts-views")
    def _view_changed(self, event: Tabs.TabActivated) -> None:
        if event.tab is None or event.tab.id is None:
            return
        view = event.tab.id.removeprefix("view-")
        if view != self.view:
            self.view = view
            if self.data is not None:
                self._build()

    def action_next_view(self) -> None:
        """Show the next table."""
        self._step_view(1)

    def action_previous_view(self) -> None:
        """Show the previous table."""
        self._step_view(-1)

    def _step_view(self, step: int) -> None:
        ids = [vid for vid, _, _ in VIEWS]
        self.query_one("#ts-views", Tabs).active = f"view-{ids[(ids.index(self.view) + step) % len(ids)]}"

    def action_other_table(self) -> None:
        """Show the view's next table (Themes: development areas, then agreed actions)."""
        if len(self.tables) > 1:
            self.table_index = (self.table_index + 1) % len(self.tables)
            self._fill_table()

    def action_sort(self) -> None:
        """Sort by the next column of the table (after the last: the table's own order)."""
        if not self._keys:
            return
        if self.sort_key not in self._keys:
            self.sort_key = self._keys[0]
        else:
            n = self._keys.index(self.sort_key) + 1
            self.sort_key = self._keys[n] if n < len(self._keys) else None
        self.sort_descending = self._numeric_key(self.sort_key)
        self._fill_table(keep_row=True)

    def action_reverse(self) -> None:
        """Reverse the order of the rows (by the sort column, or the table's own order)."""
        if self.sort_key is None and self._keys:
            self.sort_key = self._keys[0]
            self.sort_descending = False
        self.sort_descending = not self.sort_descending
        self._fill_table(keep_row=True)

    @on(DataTable.HeaderSelected, "#ts-table")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key == self.sort_key:
            self.sort_descending = not self.sort_descending
        else:
            self.sort_key, self.sort_descending = key, self._numeric_key(key)
        self._fill_table(keep_row=True)

    def _numeric_key(self, key: str | None) -> bool:
        frame = self.shown.frame if self.shown is not None else None
        if key is None or frame is None:
            return False
        return key == "levels" or (key in frame.columns and frame[key].dtype.kind in "iuf")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``t`` is offered only when the view has a second table; ``e`` and ``s`` when there is a table."""
        if action == "other_table":
            return len(self.tables) > 1
        if action in ("export", "sort", "reverse"):
            return self.shown is not None
        if action == "learning_set":
            return self.shown is not None and self.shown.view in ("themes", "item", "section")
        return True

    # -- training events and action learning sets ------------------------------------------------

    def action_pick_event(self) -> None:
        """Choose a registered training event or set: its date becomes the Event filter (before and after it)."""
        self._read_register()

    @work(thread=True, exclusive=True, group="team-summary-register", exit_on_error=False, name="reading the register of events")
    def _read_register(self) -> None:
        events = self.summary.registered()
        self.app.call_from_thread(self._pick_from, events)

    def _pick_from(self, events: list[TrainingEvent]) -> None:
        def chosen(key: str | None) -> None:
            found = next((e for e in events if e.id == key), None)
            if found is None:
                return
            what = found.topic if found.kind == "set" and found.topic else found.title
            self._picked = (found.date, f"set: {what}" if found.kind == "set" else what)
            self.query_one("#ts-event", Input).value = uk_date(found.date)
            self._apply()
            if self.view in ("section", "item", "composite") and self.query_one("#ts-views", Tabs).active != "view-quarter":
                self.notify(f"Event {uk_date(found.date)}: the Trend view (F6) marks it; t there shows before and after.", timeout=6)

        self.app.push_screen(EventPicker(events), chosen)

    def action_learning_set(self) -> None:
        """Open the register's form for a new set on the highlighted row's team and item (or section)."""
        table = self.shown
        grid = self.query_one("#ts-table", DataTable)
        if table is None or not table.frame.shape[0] or grid.row_count == 0:
            return
        try:
            index = int(str(grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key.value))
        except Exception:  # no row under the cursor
            return
        rec = table.frame.iloc[index]
        section = str(rec.get("section", "") or "")
        item = str(rec.get("item", "") or "")
        if not section:
            self.notify("This row names no section or item (a suppressed team, or not linked to an item).", timeout=5)
            return
        team = str(rec.get("team", "") or "")
        draft = EventDraft(
            kind="set",
            date=uk_date(self.app.current_date) if hasattr(self.app, "current_date") else "",
            teams="" if team == suppression.ALL_TEAMS else team,
            covers=[f"{section}.{item}" if item else section],
        )
        opener = getattr(self.app, "open_event_register", None)
        if callable(opener):
            opener(draft)

    def action_close(self) -> None:
        """From a filter: apply any change and go back to the table. From the table: leave."""
        if self._in_filters(self.focused):
            self.query_one("#ts-table", DataTable).focus()
            try:
                changed = self._filters() != self._applied
            except SeedsError:
                changed = True  # let _apply say what is wrong
            if changed:
                self._apply()
            return
        self.app.pop_screen()

    # -- export -------------------------------------------------------------------------------

    def action_export(self) -> None:
        """Ask for a format, then write the view as it is shown (filters, rubric, order) into STORE/reports/."""
        if self.shown is None:
            return
        where = f"Into {self.summary.reports_dir} (the filters, rubric, threshold and order shown; every column)"
        if self.summary.store.is_shared:  # the share keeps published finals only: the export stays on this computer
            where += ", on this computer: the team's shared store keeps finals only"
        self.app.push_screen(ExportDialog(where), self._export)

    def _export(self, fmt: str | None) -> None:
        if fmt is None or self.shown is None or self.data is None:
            return
        shown = self.shown
        tables = []
        for table in self.tables:
            if table is shown:
                keys, _, rows = display_table(table)
                order = sort_order(table.frame, rows, keys, self.sort_key, self.sort_descending)
                table = team_tables.SummaryTable(
                    table.title, table.view, table.frame.iloc[order].reset_index(drop=True), table.rubric_id, table.empty
                )
            tables.append(table)
        # The table shown first, the view's other tables after it.
        tables.sort(key=lambda t: t.title != shown.title)
        doc = render.SummaryDocument(
            heading="Team summary",
            details=self._details(),
            tables=tables,
            warnings=list(self.data.problems),
            threshold=self.threshold,
            events=[charts.Event(self.event, self._picked[1] if self._picked and self._picked[0] == self.event else "")]
            if self.event
            else [],
        )
        self._write_export(doc, shown.rubric_id, shown.view, fmt)

    @work(thread=True, group="team-summary-export", exit_on_error=False, description="team summary: write_export")
    def _write_export(self, doc: render.SummaryDocument, rubric_id: str, view: str, fmt: str) -> None:
        """Render and write the export off the event loop (through the store's atomic writer)."""
        try:
            if view == "quarter":
                # The teams' action learning sets are marked on the trend charts, as the command marks them.
                doc.events = [*doc.events, *self.summary.set_markers(self.data)]
            path = self.summary.export(doc, rubric_id, view, fmt)
        except (SeedsError, OSError) as exc:
            message = str(exc) if isinstance(exc, SeedsError) else f"could not write into {self.summary.reports_dir} ({type(exc).__name__})"
            self.app.call_from_thread(self.notify, message, severity="error", title="Export")
            return
        self.app.call_from_thread(self.notify, f"Wrote {path.name} in {path.parent}", title="Export")

    def _details(self) -> list[str]:
        filters = self._applied or {}
        rubric_id = self.shown.rubric_id if self.shown is not None else None
        lines = (
            list(self.summary.heading(self.data, rubric_id, self.threshold))
            if self.data is not None and rubric_id is not None and rubric_id in self.data.rubric_ids
            else []
        )
        if filters.get("date_from") or filters.get("date_to"):
            lines.append(f"dates asked for: {filters.get('date_from') or '...'} to {filters.get('date_to') or '...'}")
        if self.event:
            lines.append(f"training event: {uk_date(self.event)}")
        lines.append(
            "percent of maximum: levels only, NA and NO left out; "
            f"figures resting on fewer than {self.threshold} practitioners are suppressed"
        )
        if self.shown is not None and self.shown.view in (selfview.SELF_VIEW, selfview.SELF_QUARTER_VIEW):
            lines.append(selfview.details_line(self.threshold))
        return lines

    # -- work ---------------------------------------------------------------------------------
    # Every worker is given its description: Textual's default is the repr of its arguments, which
    # for 20,000 files' stats or a SummaryData of frames costs the event loop up to a second.

    def _show_progress(self, on: bool) -> None:
        self.query_one("#ts-progress-row").set_class(not on, "hidden")

    def _progress(self, done: int, total: int) -> None:
        self.app.call_from_thread(self._set_progress, done, total)

    def _set_progress(self, done: int, total: int) -> None:
        if self.is_attached:
            self.query_one("#ts-progress", ProgressBar).update(total=total, progress=done)

    @work(thread=True, exclusive=True, group="team-summary-check", exit_on_error=False, description="team summary: check")
    def _check(self, stats: list[Any], status: str, load: int) -> None:
        """Read the store again if any observation file changed since ``stats`` were taken (in a thread)."""
        if self.summary.changed(stats):
            self.app.call_from_thread(self._stale, status, load)

    @work(thread=True, exclusive=True, group="team-summary-check", exit_on_error=False, description="team summary: remember")
    def _remember(self, full: frames.SummaryData, status: str) -> None:
        """Keep what was read, with the files' stats, for the next opening (in a thread, after the table is drawn).

        The stats are taken just after reading: a file changed in between is seen at the next F5 or change.
        """
        self.summary.remember(full, status)

    def _stale(self, status: str, load: int) -> None:
        if self.is_attached and load == self._loads and status == self._status:
            self.action_refresh()

    @work(thread=True, exclusive=True, group="team-summary", exit_on_error=False, description="team summary: load")
    def _load(self, filters: dict[str, Any], load: int) -> None:
        """Read the store, build the frames, narrow them to the filters and build the view's tables (in a thread)."""
        full = self.summary.read(filters["status"], progress=self._progress)
        data = self.summary.narrow(full, filters["teams"], filters["date_from"], filters["date_to"])
        rubric_id = self._pick_rubric(data)
        tables = self._tables_for(data, self.view, rubric_id, filters["threshold"], filters["event"])
        self.app.call_from_thread(self._loaded, full, filters["status"], data, rubric_id, tables, load)

    @work(thread=True, exclusive=True, group="team-summary-tables", exit_on_error=False, description="team summary: narrow")
    def _narrow(self, filters: dict[str, Any]) -> None:
        """Narrow the frames read to the filters and build the view's tables (in a thread)."""
        full = self.full
        if full is None:
            return
        data = self.summary.narrow(full, filters["teams"], filters["date_from"], filters["date_to"])
        rubric_id = self._pick_rubric(data)
        tables = self._tables_for(data, self.view, rubric_id, filters["threshold"], filters["event"])
        self.app.call_from_thread(self._loaded, full, filters["status"], data, rubric_id, tables, self._loads)

    def _pick_rubric(self, data: frames.SummaryData) -> str | None:
        """The rubric chosen if these observations use it, else the one they use most."""
        value = self.query_one("#ts-rubric", Select).value
        if isinstance(value, str) and value in data.rubric_ids:
            return value
        if not data.rubric_ids:
            return value if isinstance(value, str) else None
        return str(data.observations["rubric_id"].astype(str).value_counts().index[0])

    def _loaded(
        self, full: frames.SummaryData, status: str, data: frames.SummaryData, rubric_id: str | None, tables: list[Any], load: int
    ) -> None:
        # A thread cannot be stopped: a read overtaken by a newer one is dropped here.
        if not self.is_attached or load != self._loads:
            return
        self.full, self._status = full, status
        if data is not self.data:
            self.data = data
            self._generation += 1
        if full.known_teams:
            self.suggester.teams = list(full.known_teams)
        rubric = self.query_one("#ts-rubric", Select)
        if rubric_id is not None and rubric.value != rubric_id and rubric_id in data.rubric_ids:
            with rubric.prevent(Select.Changed):
                rubric.value = rubric_id
        self._builds += 1
        self._show(self.view, rubric_id, data, tables, self._builds)
        if self._recheck is not None:
            stats, status = self._recheck
            self._recheck = None
            self._check(stats, status, self._loads)
        elif not self.summary.remembered(full, status):
            self._remember(full, status)
        self._warm()

    def _build(self) -> None:
        """Show the current view: drawn at once when its tables are built, else built in a thread."""
        data = self.data
        if data is None:
            return
        self._builds += 1
        rubric_id = self._rubric_id()
        hit = self.summary.cached_tables(data, self.view, rubric_id, self.threshold, self.event)
        if hit is not None:
            self._show(self.view, rubric_id, data, hit, self._builds)
            return
        self._show_progress(True)
        self.query_one("#ts-progress", ProgressBar).update(total=None)
        self._tables(self.view, rubric_id, self._builds)

    def _rubric_id(self) -> str | None:
        value = self.query_one("#ts-rubric", Select).value
        if isinstance(value, str):
            return value
        if self.data is None or not self.data.rubric_ids:
            return None
        return str(self.data.observations["rubric_id"].astype(str).value_counts().index[0])

    def _tables_for(
        self, data: frames.SummaryData, view: str, rubric_id: str | None, threshold: int, event: date | None
    ) -> list[team_tables.SummaryTable]:
        """The view's tables for ``data`` and the heading above them (built once, by the controller;
        called from the workers, so that drawing them costs the event loop nothing more)."""
        tables = self.summary.tables(data, view, rubric_id, threshold, event)
        if rubric_id is not None and rubric_id in data.rubric_ids:
            self.summary.heading(data, rubric_id, threshold)
        return tables

    @work(thread=True, exclusive=True, group="team-summary-tables", exit_on_error=False, description="team summary: tables")
    def _tables(self, view: str, rubric_id: str | None, build: int) -> None:
        data = self.data
        if data is None:
            return
        tables = self._tables_for(data, view, rubric_id, self.threshold, self.event)
        self.app.call_from_thread(self._show, view, rubric_id, data, tables, build)

    def _warm(self) -> None:
        """Build the other views of the current filters in the background (a view switch then only draws)."""
        if self.data is not None:
            self._warm_views(self.data, self._rubric_id(), self.threshold, self.event, self._generation)

    @work(thread=True, exclusive=True, group="team-summary-warm", exit_on_error=False, description="team summary: warm_views")
    def _warm_views(self, data: frames.SummaryData, rubric_id: str | None, threshold: int, event: date | None, generation: int) -> None:
        for view in WARM_ORDER:
            if generation != self._generation or not self.is_attached:
                return
            self._tables_for(data, view, rubric_id, threshold, event)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Errors from the workers become notifications, never a crash."""
        if event.worker.group not in ("team-summary", "team-summary-tables", "team-summary-warm", "team-summary-check"):
            return
        if event.state == WorkerState.ERROR:
            self._show_progress(False)
            if event.worker.group in ("team-summary-warm", "team-summary-check"):
                return  # the view is built (or the store read) again, and any error said, when it is asked for
            error = event.worker.error
            message = (
                str(error) if isinstance(error, SeedsError) else f"The summary could not be built ({type(error).__name__}); see the log."
            )
            self.notify(message, severity="error", title="Team summary")
        elif event.state == WorkerState.CANCELLED:
            self._show_progress(False)

    # -- showing ---------------------------------------------------------------------------

    def _show(self, view: str, rubric_id: str | None, part: frames.SummaryData, tables: list[team_tables.SummaryTable], build: int) -> None:
        if not self.is_attached or build != self._builds:
            return
        self._show_progress(False)
        if view != self.view:
            return
        if self.tables is not tables:
            self.tables = tables
            self.table_index = 0
        obs = (
            part.observations.loc[part.observations["rubric_id"] == rubric_id]
            if rubric_id and len(part.observations)
            else part.observations
        )
        lines = []
        if rubric_id is None or not len(obs):
            lines.append("No observations match these filters.")
        else:
            # The same rule as the command's heading: no counts or dates below the threshold.
            head = self.summary.heading(part, rubric_id, self.threshold)
            lines.append(" · ".join([*head, f"fewer than {self.threshold} practitioners: figures suppressed"]))
        if part.unmatched_teams:
            for asked in part.unmatched_teams:
                close = did_you_mean(asked, part.known_teams)
                lines.append(f"No team called {asked!r}" + (f" (did you mean {' or '.join(close)}?)" if close else ""))
            lines.append(f"Teams in this store: {', '.join(part.known_teams) or 'none'}")
        if part.problems:
            more = " …" if len(part.problems) > 2 else ""
            lines.append(f"{frames.plural(len(part.problems), 'warning')}: " + "; ".join(part.problems[:2]) + more)
        self._lines = lines
        self._fill_table()
        self.refresh_bindings()

    def _fill_table(self, keep_row: bool = False) -> None:
        """(Re)draw the shown table: the columns that fit, frozen labels, rows in the order asked for."""
        table = self.query_one("#ts-table", DataTable)
        highlighted = None
        if keep_row and table.row_count:
            try:
                highlighted = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            except Exception:  # an empty or redrawn table has no row under the cursor
                highlighted = None
        table.clear(columns=True)
        self.shown = self.tables[self.table_index] if self.tables else None
        title = self.query_one("#ts-title", Static)
        info = self.query_one("#ts-info", Static)
        lines = list(self._lines)
        if self.shown is None:
            self._keys = []
            title.update(Text(f"Team summary · {self.summary.root}"))
            info.update(Text("\n".join(lines)))
            self._detail(None)
            return
        title.update(Text(f"Team summary · {self.shown.title}"))
        if len(self.tables) > 1:
            others = [t.title.rpartition(": ")[2] for n, t in enumerate(self.tables) if n != self.table_index]
            lines.append(f"Also: {', '.join(others)} (press t to show it)")
        if not len(self.shown.frame):
            lines.append(f"{self.shown.title.rpartition(': ')[2].capitalize()}: {self.shown.empty}.")
        keys, headings, rows = self._cells(self.shown)
        self._keys = list(keys)
        if self.sort_key is not None and self.sort_key not in keys:
            self.sort_key = None
        if self.sort_key is not None:
            n = keys.index(self.sort_key)
            headings = [*headings[:n], f"{headings[n]} {'▼' if self.sort_descending else '▲'}", *headings[n + 1 :]]
            order_words = "highest first" if self.sort_descending else "lowest first"
            if not self._numeric_key(self.sort_key):
                order_words = "Z to A" if self.sort_descending else "A to Z"
            lines.append(f"Sorted by {headings[n][:-2]} ({order_words}); s: next column · S: reverse")
        info.update(Text("\n".join(lines)))
        width = table.size.width or max(20, self.app.size.width - 4)
        drawn_key = (id(self.shown), width, self.sort_key, self.sort_descending)
        hit = self._drawn.get(drawn_key)
        if hit is not None and hit[0] is self.shown:
            plan, order, drawn_rows = hit[1], hit[2], hit[3]
        else:
            plan = layout(keys, headings, rows, width - 2)  # the vertical scrollbar
            order = sort_order(self.shown.frame, rows, keys, self.sort_key, self.sort_descending)
            drawn_rows = self._draw_rows(self.shown, keys, rows, plan, order)
            self._drawn[drawn_key] = (self.shown, plan, order, drawn_rows)
            while len(self._drawn) > 24:
                del self._drawn[next(iter(self._drawn))]
        table.fixed_columns = plan.frozen
        if "note" in plan.dropped and self.shown.frame.get("suppressed", pd.Series(dtype=bool)).any():
            lines.append("—: suppressed (too few practitioners, or protecting such a row); the panel below says which")
            info.update(Text("\n".join(lines)))
        elif plan.notes == MARK and "note" in keys and keys.index("note") in plan.columns:
            note_at = keys.index("note")
            lines.append(legend(sorted({r[note_at] for r in rows}), width - 2))
            info.update(Text("\n".join(lines)))
        for n, w in zip(plan.columns, plan.widths, strict=True):
            table.add_column(Text(fit(headings[n], w)), key=keys[n], width=w)
        for i, drawn in zip(order, drawn_rows, strict=True):
            table.add_row(*drawn, key=str(i))
        row = 0
        if highlighted is not None and str(highlighted) in {str(i) for i in order}:
            row = [str(i) for i in order].index(str(highlighted))
        if rows:
            table.move_cursor(row=row)
        self._detail(order[row] if rows else None)

    def _cells(self, shown: team_tables.SummaryTable) -> tuple[list[str], list[str], list[list[str]]]:
        """``display_table`` of a table, made once per table shown (a view switch back only draws)."""
        hit = self._texts.get(id(shown))
        if hit is None or hit[0] is not shown:
            keys, headings, rows = display_table(shown)
            hit = (shown, (keys, headings, rows))
            self._texts[id(shown)] = hit
            while len(self._texts) > 24:
                del self._texts[next(iter(self._texts))]
        keys, headings, rows = hit[1]
        return list(keys), list(headings), rows

    @staticmethod
    def _draw_rows(
        shown: team_tables.SummaryTable, keys: list[str], rows: list[list[str]], plan: Any, order: list[int]
    ) -> list[list[Text]]:
        """The cells of the rows in ``order``, fitted to the columns of ``plan`` and styled."""
        suppressed = shown.frame["suppressed"].to_numpy(dtype=bool) if "suppressed" in shown.frame.columns else None
        out = []
        for i in order:
            cells = rows[i]
            hidden = bool(suppressed[i]) if suppressed is not None else False
            style = "dim italic" if hidden else ("bold" if cells[0] == suppression.ALL_TEAMS else "")
            drawn = []
            for n, w in zip(plan.columns, plan.widths, strict=True):
                text = drawn_note(cells[n], plan.notes) if keys[n] == "note" else cells[n]
                drawn.append(Text(fit(text, w), style=style, justify="right" if _numeric(text) else "left"))
            out.append(drawn)
        return out

    def on_resize(self, event: events.Resize) -> None:
        """Size the columns to the new width."""
        if self.shown is not None:
            self.call_after_refresh(self._fill_table, True)

    @on(DataTable.RowHighlighted, "#ts-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._detail(int(event.row_key.value))

    def _detail(self, index: int | None) -> None:
        """Draw the highlighted row: level bars, its trend across quarters, or a rating for every team."""
        text = self.query_one("#ts-detail-text", Static)
        spark = self.query_one("#ts-spark", Sparkline)
        spark.set_class(True, "hidden")
        table = self.shown
        if table is None or index is None or index >= len(table.frame):
            text.update("")
            return
        frame = table.frame
        rec: dict[str, Any] = {str(k): v for k, v in frame.iloc[index].to_dict().items()}
        name = " · ".join(
            str(rec[k])
            for k in ("team", "section", "item", "group", "measure", "quarter")
            if k in rec and rec[k] is not None and str(rec[k])
        )
        if rec.get("suppressed"):
            text.update(Text(f"{name}: {rec.get('note')}. Nothing more is shown for this row.", style="italic"))
            return
        note = rec.get("note") if isinstance(rec.get("note"), str) else ""

        def say(out: Text) -> None:
            # The table may show the note as a mark (``part``): here it is in full.
            if note:
                sep = "" if out.plain.endswith("\n") else "\n"
                out.append(f"{sep}{name}: {note}", style="italic")
            text.update(out)

        if table.view == "quarter":
            part = "group" if "group" in frame.columns else "section"
            same = frame.loc[(frame["team"] == rec["team"]) & (frame[part] == rec[part])]
            values = [float(v) for v, s in zip(same["mean_percent"], same["suppressed"], strict=True) if not s and v is not None and v == v]
            quarters = [str(q) for q, s in zip(same["quarter"], same["suppressed"], strict=True) if not s]
            words = f"{rec['team']} · {rec[part]}: mean % of maximum by quarter ({', '.join(quarters) or 'no quarter shown'})"
            if self.event is not None:
                words += f"\ntraining event {uk_date(self.event)}: press t for before and after"
            say(Text(words))
            if len(values) >= 2:
                spark.data = values
                spark.set_class(False, "hidden")
            return
        if table.view == "ratings":
            say(self._rating_chart(frame, rec))
            return
        if table.view == "sets":
            say(_set_detail(frame, rec))
            return
        if table.view in ("self", "self_quarter"):
            say(_self_detail(name, rec))
            return
        levels = [c for c in frame.columns if c.startswith("level_")]
        if levels:
            rubric = self.data.rubrics.get(table.rubric_id) if self.data else None
            labels = [_level_label(rubric, rec, c) for c in levels]
            shares = [0.0 if rec[c] is None or rec[c] != rec[c] else float(rec[c]) for c in levels]
            out = Text(f"{name}: distribution of levels given\n", style="bold")
            out.append_text(level_bars(labels, shares))
            out.append(
                f"shown {rec['shown']:.0f}% · missed {rec['missed']:.0f}% · NA {rec['na']:.0f}% · NO {rec['no']:.0f}% of scored items",
                style="dim",
            )
            total = _all_teams_value(frame, rec)
            if total is not None and rec.get("team") != suppression.ALL_TEAMS:
                out.append(f" · mean {float(rec['mean_percent']):.1f}% against {total:.1f}% for all teams", style="dim")
            say(out)
            return
        if "development_areas" in rec:
            say(Text(f"{name}: named as a development area {rec['development_areas']} times and as a strength {rec['strengths']} times"))
            return
        if "mean_percent" in rec and rec["mean_percent"] is not None:
            out = Text(f"{name}: mean % of maximum\n", style="bold")
            out.append_text(level_bars(["mean"], [float(rec["mean_percent"])]))
            total = _all_teams_value(frame, rec)
            if total is not None and rec.get("team") != suppression.ALL_TEAMS:
                out.append_text(level_bars([suppression.ALL_TEAMS], [total]))
            say(out)
            return
        say(Text(name))

    def _rating_chart(self, frame: pd.DataFrame, rec: dict[str, Any]) -> Text:
        """The highlighted rating's (or indicator's) mean for every team shown, as bars on its scale."""
        measure = rec["measure"]
        rubric = self.data.rubrics.get(self.shown.rubric_id) if self.data and self.shown else None
        low, high, what = 0.0, None, "presses per minute" if rec.get("kind") == "rate" else "indicator"
        if rubric is not None and rec.get("kind") == "global":
            rating = next((g for g in rubric.globals if g.id == measure), None)
            if rating is not None:
                values = rubric.scale_of(rating).values
                low, high, what = float(min(values)), float(max(values)), f"global rating, scale {min(values)}-{max(values)}"
        same = frame.loc[(frame["measure"] == measure) & ~frame["suppressed"].astype(bool)]
        teams = [(str(t), float(m)) for t, m in zip(same["team"], same["mean"], strict=True) if m is not None and m == m]
        top = high if high is not None else max([m for _, m in teams] or [1.0]) or 1.0
        out = Text(f"{rec.get('title') or measure} ({what}): mean by team\n", style="bold")
        pad = max((len(t) for t, _ in teams), default=0)
        for team, mean in teams:
            share = 100 * (mean - low) / ((top - low) or 1)
            line = level_bars([team.ljust(pad)], [max(0.0, min(100.0, share))])
            plain = line.plain.rstrip("\n")
            head = plain[: plain.rfind(" ")]
            out.append(head, style="bold" if team == rec.get("team") else "")
            out.append(f" {mean:5.2f}\n")
        if len(teams) < len(frame.loc[frame["measure"] == measure]):
            out.append("teams with too few practitioners are not drawn", style="dim")
        return out


def _self_detail(name: str, rec: dict[str, Any]) -> Text:
    """A row of the Self view: the practitioners' own percent against the observers', and the gap in words."""
    out = Text(f"{name}: self-rating against observer rating, % of maximum over the items both rated\n", style="bold")
    out.append_text(level_bars(["self", "observer"], [float(rec["self_percent"]), float(rec["observer_percent"])]))
    gap = float(rec["gap"])
    way = "the same on average" if abs(gap) < 0.05 else f"self {abs(gap):.1f} points {'higher' if gap > 0 else 'lower'} on average"
    out.append(f"{way}; {float(rec['apart']):.1f} points apart either way · {rec['observations']} observations", style="dim")
    return out


def _set_detail(frame: pd.DataFrame, rec: dict[str, Any]) -> Text:
    """A set's row: the part it addressed, before against after for the row's team, as bars, with the change."""
    same = frame.loc[
        (frame["date"] == rec["date"]) & (frame["topic"] == rec["topic"]) & (frame["team"] == rec["team"])
        & (frame["addresses"] == rec["addresses"])
    ]  # fmt: skip
    out = Text(f"{rec['date']} · {rec['topic']} · {rec['team']}\n", style="bold")
    out.append(f"{rec.get('title') or rec['addresses']} ({rec['addresses']}): mean % of maximum\n")
    labels, shares = [], []
    change = ""
    for r in same.to_dict("records"):
        if r.get("suppressed"):
            labels.append(str(r["period"]))
            shares.append(0.0)
            continue
        v = r.get("mean_percent")
        if v is not None and v == v:
            labels.append(str(r["period"]))
            shares.append(float(v))
        c = r.get("change")
        if c is not None and c == c:
            half = r.get("interval")
            change = f"change {float(c):+.1f} points" + (f" (± {float(half):.1f}, 95 %)" if half is not None and half == half else "")
            if r.get("caution"):
                change += f"; {r['caution']}"
    if labels:
        out.append_text(level_bars(labels, shares))
    hidden = [str(r["period"]) for r in same.to_dict("records") if r.get("suppressed")]
    if hidden:
        out.append(f"{' and '.join(hidden)}: suppressed (shown as 0 above: no figure)\n", style="dim italic")
    if change:
        out.append(change, style="dim")
    return out


def _numeric(text: str) -> bool:
    if text in ("", DASH):
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def _level_label(rubric: Any, rec: dict[str, Any], column: str) -> str:
    value = int(column.removeprefix("level_"))
    if rubric is not None:
        try:
            section = rubric.section(rec["section"])
            scale = rubric.scale_of(section.items[0])
            level = scale.level(value)
            if level is not None:
                return f"{value} {level.label}"
        except (KeyError, IndexError):
            pass
    return f"level {value}"


def _all_teams_value(frame: pd.DataFrame, rec: dict[str, Any]) -> float | None:
    """The All teams row's mean % for the same section (item, composite) as ``rec``, if shown."""
    keys = [k for k in ("section", "item", "group") if k in frame.columns]
    mask = frame["team"] == suppression.ALL_TEAMS
    for k in keys:
        mask &= frame[k] == rec.get(k)
    rows = frame.loc[mask]
    if not len(rows) or bool(rows["suppressed"].iloc[0]):
        return None
    value = rows["mean_percent"].iloc[0]
    return None if value is None or value != value else float(value)
