"""Team summary: a facilitator's view of a team's results across many observations.

Filters (teams, period, rubric, status) at the top, in two short rows that fit 80 columns;
tabs switch the table between sections, items, composites, the trend by quarter, ratings
and development themes. The highlighted row is drawn below the table: its level
distribution as bars, or its trend across quarters as a sparkline. Reading the store and
building tables runs in a thread worker with a progress bar, so the screen never freezes.
Figures resting on too few practitioners are suppressed exactly as in ``seeds-tui
summary``; no practitioner is named.

Keys: ``/`` or ``f`` goes to the filters, Enter applies them, Esc returns to the table;
F6 / Shift+F6 change the view; ``t`` shows the view's other table when it has one.

This module imports pandas (through ``seeds_tui.team``); the app imports it only when
the screen is opened.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.cells import cell_len
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

from seeds_tui.core.errors import SeedsError
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.render.summary import DASH, display_rows
from seeds_tui.storage.store import Store
from seeds_tui.team import frames, suppression
from seeds_tui.team import tables as team_tables

#: Tabs: (id, label, aggregate view).
VIEWS: tuple[tuple[str, str, str], ...] = (
    ("section", "Sections", "section"),
    ("item", "Items", "item"),
    ("composite", "Composites", "composite"),
    ("quarter", "Trend", "quarter"),
    ("ratings", "Ratings", "ratings"),
    ("themes", "Themes", "themes"),
)
BAR_WIDTH = 30
#: Columns of free text in the middle of a table, which give up width so the figures after
#: them stay on screen: (widest, narrowest) in cells. Note, always last, keeps its width.
TEXT_COLUMNS = {"Title": (40, 14)}

#: The keys of this screen, for F1 (the help screen reads the screen's HELP_KEYS).
SCREEN_KEYS: list[tuple[str, str]] = [
    ("/ or f", "go to the filters (Teams first; Tab / Shift+Tab move between them)"),
    ("Enter", "in a filter: apply the filters and rebuild the table"),
    ("→", "in Teams: accept the suggested team name (commas between teams)"),
    ("Esc", "in a filter: apply any change and go back to the table; in the table: back to the list"),
    ("F6 / Shift+F6", "next / previous view: sections, items, composites, trend, ratings, themes"),
    ("t", "show the view's other table, when it has one (Themes: agreed actions)"),
    ("↑ ↓ PgUp PgDn", "move in the table; the chart below draws the highlighted row"),
    ("← →", "scroll the table sideways when it is wider than the screen"),
    ("F5", "read the store again (new or changed observations)"),
]

#: What the line under the filters says while a filter has the focus.
FIELD_HINTS = {
    "ts-from": "From: the first session date, YYYY-MM-DD (empty: no limit) · Enter applies · Esc: back to the table",
    "ts-to": "To: the last session date, YYYY-MM-DD (empty: no limit) · Enter applies · Esc: back to the table",
    "ts-rubric": "Rubric: Enter opens the list · Esc: back to the table",
    "ts-status": "Status: final observations, drafts, or both · Enter opens the list · Esc: back to the table",
    "ts-apply": "Apply the filters · Esc: back to the table",
}


def _parse_date(text: str, what: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SeedsError(f"{what}: not a date; use YYYY-MM-DD, e.g. 2026-04-01") from None


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


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, ending in … when cut."""
    if cell_len(text) <= width:
        return text
    out = ""
    for char in text:
        if cell_len(out + char) > width - 1:
            break
        out += char
    return out + "…"


def column_widths(headings: list[str], rows: list[list[str]], available: int) -> list[int]:
    """A width for each column: as wide as its widest cell, except Title, which is capped and
    narrowed (down to a minimum) until the table fits ``available`` cells."""
    natural = [max([cell_len(h), *(cell_len(r[n]) for r in rows)]) for n, h in enumerate(headings)]
    widths = list(natural)
    flexible = [n for n, h in enumerate(headings) if h in TEXT_COLUMNS]
    if not flexible:
        return widths
    for n in flexible:
        widths[n] = min(natural[n], TEXT_COLUMNS[headings[n]][0])
    over = sum(widths) + 2 * len(headings) - available
    for n in flexible:
        if over <= 0:
            break
        give = min(over, widths[n] - min(natural[n], TEXT_COLUMNS[headings[n]][1]))
        widths[n] -= max(0, give)
        over -= max(0, give)
    return widths


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
    TeamSummaryScreen .ts-field Input:focus { background: $accent 30%; }
    TeamSummaryScreen .ts-field Select { width: 1fr; }
    TeamSummaryScreen #ts-field-status Select { width: 18; }
    TeamSummaryScreen .ts-field Select:focus > SelectCurrent { background: $accent 30%; }
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
        Binding("escape", "close", "Back", id="summary.close", tooltip="From a filter: back to the table; else back to the list"),
    ]

    def __init__(self, store: Store, registry: RubricRegistry, *, threshold: int = suppression.DEFAULT_THRESHOLD) -> None:
        super().__init__()
        self.store = store
        self.registry = registry
        self.threshold = suppression.check_threshold(threshold)
        self.data: frames.SummaryData | None = None
        self.view = "section"
        self.tables: list[team_tables.SummaryTable] = []
        self.table_index = 0
        self.shown: team_tables.SummaryTable | None = None
        self.suggester = TeamSuggester()
        self._lines: list[str] = []
        self._applied: dict[str, Any] | None = None
        self._loads = 0
        self._builds = 0

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Title, filters, view tabs, progress, the table, the chart of the highlighted row."""
        yield Static(Text(f"Team summary · {self.store.root}"), id="ts-title")
        rubrics = [(lr.rubric.title, lr.rubric.id) for lr in self.registry.latest()]
        with Vertical(id="ts-filters"):
            with Horizontal(classes="ts-row"):
                with Horizontal(classes="ts-field ts-wide", id="ts-field-teams"):
                    yield Label("Teams")
                    yield Input(placeholder="all teams (type a name; → completes)", id="ts-teams", compact=True, suggester=self.suggester)
                with Horizontal(classes="ts-field ts-date"):
                    yield Label("From")
                    yield Input(placeholder="YYYY-MM-DD", id="ts-from", compact=True)
                with Horizontal(classes="ts-field ts-date"):
                    yield Label("To")
                    yield Input(placeholder="YYYY-MM-DD", id="ts-to", compact=True)
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
        """Start the first aggregation."""
        self.query_one("#ts-table", DataTable).focus()
        self.action_refresh()

    # -- filters ------------------------------------------------------------------------------

    def _filters(self) -> dict[str, Any]:
        teams_text = self.query_one("#ts-teams", Input).value
        teams = [t.strip() for t in teams_text.split(",") if t.strip()] or None
        date_from = _parse_date(self.query_one("#ts-from", Input).value, "From")
        date_to = _parse_date(self.query_one("#ts-to", Input).value, "To")
        if date_from and date_to and date_from > date_to:
            raise SeedsError("From is after To")
        status = self.query_one("#ts-status", Select).value
        return {"teams": teams, "date_from": date_from, "date_to": date_to, "status": status if isinstance(status, str) else "final"}

    def action_refresh(self) -> None:
        """Read the store (through the cache) with the current filters and rebuild the table."""
        try:
            filters = self._filters()
        except SeedsError as exc:
            self.notify(str(exc), severity="error", title="Filters")
            return
        self._applied = filters
        self._loads += 1
        self._show_progress(True)
        self._load(filters, self._loads)

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
    def _apply(self) -> None:
        self.action_refresh()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_refresh()

    @on(Select.Changed, "#ts-status")
    def _status_changed(self) -> None:
        if self.data is not None:
            self.action_refresh()

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``t`` is offered only when the view has a second table."""
        if action == "other_table":
            return len(self.tables) > 1
        return True

    def action_close(self) -> None:
        """From a filter: apply any change and go back to the table. From the table: leave."""
        if self._in_filters(self.focused):
            self.query_one("#ts-table", DataTable).focus()
            try:
                changed = self._filters() != self._applied
            except SeedsError:
                changed = True  # let action_refresh say what is wrong
            if changed:
                self.action_refresh()
            return
        self.app.pop_screen()

    # -- work ---------------------------------------------------------------------------------

    def _show_progress(self, on: bool) -> None:
        self.query_one("#ts-progress-row").set_class(not on, "hidden")

    def _progress(self, done: int, total: int) -> None:
        self.app.call_from_thread(self._set_progress, done, total)

    def _set_progress(self, done: int, total: int) -> None:
        if self.is_attached:
            self.query_one("#ts-progress", ProgressBar).update(total=total, progress=done)

    @work(thread=True, exclusive=True, group="team-summary", exit_on_error=False)
    def _load(self, filters: dict[str, Any], load: int) -> frames.SummaryData:
        """Read the store and build the frames (in a thread)."""
        data = frames.summary_data(self.store, self.registry, progress=self._progress, **filters)
        self.app.call_from_thread(self._loaded, data, load)
        return data

    def _loaded(self, data: frames.SummaryData, load: int) -> None:
        # A thread cannot be stopped: a read overtaken by a newer one is dropped here.
        if not self.is_attached or load != self._loads:
            return
        self.data = data
        if data.known_teams:
            self.suggester.teams = list(data.known_teams)
        rubric = self.query_one("#ts-rubric", Select)
        if data.rubric_ids and (rubric.value not in data.rubric_ids):
            # The rubric with the most observations first; others one Select away.
            counts = data.observations["rubric_id"].astype(str).value_counts()
            with rubric.prevent(Select.Changed):
                rubric.value = str(counts.index[0])
        self._build()

    def _build(self) -> None:
        """Build the tables of the current view (in a thread) from the data already read."""
        self._show_progress(True)
        self.query_one("#ts-progress", ProgressBar).update(total=None)
        self._builds += 1
        self._tables(self.view, self._rubric_id(), self._builds)

    def _rubric_id(self) -> str | None:
        value = self.query_one("#ts-rubric", Select).value
        if isinstance(value, str):
            return value
        if self.data is None or not self.data.rubric_ids:
            return None
        return str(self.data.observations["rubric_id"].astype(str).value_counts().index[0])

    @work(thread=True, exclusive=True, group="team-summary-tables", exit_on_error=False)
    def _tables(self, view: str, rubric_id: str | None, build: int) -> list[team_tables.SummaryTable]:
        data = self.data
        if data is None:
            return []
        part = data.only(rubric_id) if rubric_id else data
        tables = team_tables.build_tables(part, view, threshold=self.threshold) if part.rubric_ids else []
        self.app.call_from_thread(self._show, view, rubric_id, part, tables, build)
        return tables

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Errors from the workers become notifications, never a crash."""
        if event.worker.group not in ("team-summary", "team-summary-tables"):
            return
        if event.state == WorkerState.ERROR:
            self._show_progress(False)
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
        self.tables = tables
        self.table_index = 0
        obs = part.observations
        lines = []
        if rubric_id is None or not len(obs):
            lines.append("No observations match these filters.")
        else:
            # The same rule as the command's heading: no counts or dates below the threshold.
            head = team_tables.describe_selection(obs, self.threshold)
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
        """(Re)draw the shown table: columns cleared and added again, sized to the screen."""
        table = self.query_one("#ts-table", DataTable)
        row = table.cursor_row if keep_row else 0
        table.clear(columns=True)
        self.shown = self.tables[self.table_index] if self.tables else None
        title = self.query_one("#ts-title", Static)
        info = self.query_one("#ts-info", Static)
        lines = list(self._lines)
        if self.shown is None:
            title.update(Text(f"Team summary · {self.store.root}"))
            info.update(Text("\n".join(lines)))
            self._detail(None)
            return
        title.update(Text(f"Team summary · {self.shown.title}"))
        if len(self.tables) > 1:
            others = [t.title.rpartition(": ")[2] for n, t in enumerate(self.tables) if n != self.table_index]
            lines.append(f"Also: {', '.join(others)} (press t to show it)")
        if not len(self.shown.frame):
            lines.append(f"{self.shown.title.rpartition(': ')[2].capitalize()}: {self.shown.empty}.")
        info.update(Text("\n".join(lines)))
        headings, rows = display_rows(self.shown)
        available = (table.size.width or self.size.width or self.app.size.width) - 3  # the focus edge and the scrollbar
        widths = column_widths(headings, rows, available)
        for n, (heading, width) in enumerate(zip(headings, widths, strict=True)):
            table.add_column(Text(fit(heading, width)), key=f"c{n}", width=width)
        suppressed = self.shown.frame["suppressed"] if "suppressed" in self.shown.frame.columns else None
        for n, cells in enumerate(rows):
            hidden = bool(suppressed.iloc[n]) if suppressed is not None else False
            style = "dim italic" if hidden else ("bold" if cells[0] == suppression.ALL_TEAMS else "")
            table.add_row(
                *(Text(fit(c, w), style=style, justify="right" if _numeric(c) else "left") for c, w in zip(cells, widths, strict=True)),
                key=str(n),
            )
        if rows:
            row = min(row, len(rows) - 1)
            table.move_cursor(row=row)
        self._detail(row if rows else None)

    def on_resize(self, event: events.Resize) -> None:
        """Size the columns to the new width."""
        if self.shown is not None:
            self.call_after_refresh(self._fill_table, True)

    @on(DataTable.RowHighlighted, "#ts-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._detail(int(event.row_key.value))

    def _detail(self, index: int | None) -> None:
        """Draw the highlighted row: level bars, shares, or its trend across quarters."""
        text = self.query_one("#ts-detail-text", Static)
        spark = self.query_one("#ts-spark", Sparkline)
        spark.set_class(True, "hidden")
        table = self.shown
        if table is None or index is None or index >= len(table.frame):
            text.update("")
            return
        rec = table.frame.iloc[index].to_dict()
        name = " · ".join(
            str(rec[k]) for k in ("team", "section", "item", "group", "measure", "quarter") if k in rec and rec[k] is not None
        )
        if rec.get("suppressed"):
            text.update(Text(f"{name}: {rec.get('note')}. Nothing more is shown for this row.", style="italic"))
            return
        if table.view == "quarter":
            part = "group" if "group" in table.frame.columns else "section"
            same = table.frame.loc[(table.frame["team"] == rec["team"]) & (table.frame[part] == rec[part])]
            values = [float(v) for v, s in zip(same["mean_percent"], same["suppressed"], strict=True) if not s and v is not None and v == v]
            quarters = [str(q) for q, s in zip(same["quarter"], same["suppressed"], strict=True) if not s]
            text.update(Text(f"{rec['team']} · {rec[part]}: mean % of maximum by quarter ({', '.join(quarters) or 'no quarter shown'})"))
            if len(values) >= 2:
                spark.data = values
                spark.set_class(False, "hidden")
            return
        levels = [c for c in table.frame.columns if c.startswith("level_")]
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
            text.update(out)
            return
        if "development_areas" in rec:
            text.update(
                Text(f"{name}: named as a development area {rec['development_areas']} times and as a strength {rec['strengths']} times")
            )
            return
        if "mean_percent" in rec and rec["mean_percent"] is not None:
            out = Text(f"{name}: mean % of maximum\n", style="bold")
            out.append_text(level_bars(["mean"], [float(rec["mean_percent"])]))
            text.update(out)
            return
        text.update(Text(name))


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
