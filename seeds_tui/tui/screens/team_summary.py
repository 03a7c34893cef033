"""Team summary: a facilitator's view of a team's results across many observations.

Filters (rubric, teams, period, status) at the top; tabs switch the table between
sections, items, composites, the trend by quarter, ratings and development themes. The
highlighted row is drawn below the table: its level distribution as bars, or its trend
across quarters as a sparkline. Reading the store and building tables runs in a thread
worker with a progress bar, so the screen never freezes. Figures resting on too few
practitioners are suppressed exactly as in ``seeds-tui summary``; no practitioner is named.

This module imports pandas (through ``seeds_tui.aggregate``); the app imports it only when
the screen is opened.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, ProgressBar, Select, Sparkline, Static, Tab, Tabs
from textual.worker import Worker, WorkerState

from seeds_tui import aggregate as agg
from seeds_tui.errors import SeedsError
from seeds_tui.rubric import RubricRegistry
from seeds_tui.store import Store
from seeds_tui.summary_render import DASH, display_rows

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


class TeamSummaryScreen(Screen[None]):
    """Team results by section, item, composite, quarter, rating and theme, with privacy built in."""

    DEFAULT_CSS = """
    TeamSummaryScreen { layout: vertical; }
    TeamSummaryScreen #ts-title { text-style: bold; padding: 0 1; }
    TeamSummaryScreen #ts-filters { height: auto; padding: 0 1; }
    TeamSummaryScreen #ts-filters Select { width: 44; }
    TeamSummaryScreen #ts-filters #ts-status { width: 16; }
    TeamSummaryScreen #ts-filters Input { width: 20; }
    TeamSummaryScreen #ts-filters #ts-teams { width: 28; }
    TeamSummaryScreen #ts-filters Button { min-width: 10; }
    TeamSummaryScreen #ts-progress-row { height: 1; padding: 0 1; }
    TeamSummaryScreen #ts-progress { width: 50; }
    TeamSummaryScreen #ts-info { height: auto; padding: 0 1; color: $text-muted; }
    TeamSummaryScreen #ts-table { height: 1fr; }
    TeamSummaryScreen #ts-detail { height: auto; max-height: 12; padding: 0 1; border-top: solid $primary-background; }
    TeamSummaryScreen #ts-spark { height: 3; margin: 0 1; }
    TeamSummaryScreen .hidden { display: none; }
    """

    BINDINGS = [
        Binding("f5", "refresh", "Refresh", id="summary.refresh", tooltip="Read the store again and rebuild the table"),
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
        Binding("escape", "close", "Back", id="summary.close", tooltip="Back to the list of observations"),
    ]

    def __init__(self, store: Store, registry: RubricRegistry, *, threshold: int = agg.DEFAULT_THRESHOLD) -> None:
        super().__init__()
        self.store = store
        self.registry = registry
        self.threshold = agg.check_threshold(threshold)
        self.data: agg.SummaryData | None = None
        self.view = "section"
        self.tables: list[agg.SummaryTable] = []
        self.shown: agg.SummaryTable | None = None
        self._loads = 0

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Title, filters, view tabs, progress, the table, the chart of the highlighted row."""
        yield Static(Text(f"Team summary · {self.store.root}"), id="ts-title")
        rubrics = [(lr.rubric.title, lr.rubric.id) for lr in self.registry.latest()]
        with Horizontal(id="ts-filters"):
            yield Select(rubrics, prompt="Rubric", id="ts-rubric", allow_blank=True)
            yield Input(placeholder="teams (comma-separated; all)", id="ts-teams")
            yield Input(placeholder="from YYYY-MM-DD", id="ts-from")
            yield Input(placeholder="to YYYY-MM-DD", id="ts-to")
            yield Select(
                [("Final only", "final"), ("Drafts only", "draft"), ("Final and drafts", "all")],
                value="final",
                allow_blank=False,
                id="ts-status",
            )
            yield Button("Apply", id="ts-apply", variant="primary")
        yield Tabs(*(Tab(label, id=f"view-{vid}") for vid, label, _ in VIEWS), id="ts-views")
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
        self._loads += 1
        self._show_progress(True)
        self._load(filters)

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

    def action_close(self) -> None:
        """Back to where the screen was opened from."""
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
    def _load(self, filters: dict[str, Any]) -> agg.SummaryData:
        """Read the store and build the frames (in a thread)."""
        data = agg.summary_data(self.store, self.registry, progress=self._progress, **filters)
        self.app.call_from_thread(self._loaded, data)
        return data

    def _loaded(self, data: agg.SummaryData) -> None:
        if not self.is_attached:
            return
        self.data = data
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
        self._tables(self.view, self._rubric_id())

    def _rubric_id(self) -> str | None:
        value = self.query_one("#ts-rubric", Select).value
        if isinstance(value, str):
            return value
        if self.data is None or not self.data.rubric_ids:
            return None
        return str(self.data.observations["rubric_id"].astype(str).value_counts().index[0])

    @work(thread=True, exclusive=True, group="team-summary-tables", exit_on_error=False)
    def _tables(self, view: str, rubric_id: str | None) -> list[agg.SummaryTable]:
        data = self.data
        if data is None:
            return []
        part = data.only(rubric_id) if rubric_id else data
        tables = agg.build_tables(part, view, threshold=self.threshold) if part.rubric_ids else []
        self.app.call_from_thread(self._show, view, rubric_id, part, tables)
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

    def _show(self, view: str, rubric_id: str | None, part: agg.SummaryData, tables: list[agg.SummaryTable]) -> None:
        if not self.is_attached:
            return
        self._show_progress(False)
        if view != self.view:
            return
        self.tables = tables
        info = self.query_one("#ts-info", Static)
        obs = part.observations
        lines = []
        if rubric_id is None or not len(obs):
            lines.append("No observations match these filters.")
        else:
            # The same rule as the command's heading: no counts or dates below the threshold.
            head = agg.describe_selection(obs, self.threshold)
            lines.append(" · ".join([*head, f"figures resting on fewer than {self.threshold} practitioners are suppressed"]))
        if part.unmatched_teams:
            asked = ", ".join(repr(t) for t in part.unmatched_teams)
            lines.append(f"No team called {asked}; known teams: {', '.join(part.known_teams) or 'none'}")
        if part.problems:
            more = " …" if len(part.problems) > 2 else ""
            lines.append(f"{agg.plural(len(part.problems), 'warning')}: " + "; ".join(part.problems[:2]) + more)
        info.update(Text("\n".join(lines)))
        table = self.query_one("#ts-table", DataTable)
        table.clear(columns=True)
        self.shown = tables[0] if tables else None
        if self.shown is None:
            self._detail(None)
            return
        headings, rows = display_rows(self.shown)
        for n, heading in enumerate(headings):
            table.add_column(Text(heading), key=f"c{n}")
        for n, cells in enumerate(rows):
            style = "dim italic" if self.shown.frame["suppressed"].iloc[n] else ("bold" if cells[0] == agg.ALL_TEAMS else "")
            table.add_row(*(Text(c, style=style, justify="right" if _numeric(c) else "left") for c in cells), key=str(n))
        if len(tables) > 1:
            extra = tables[1]
            info.update(Text("\n".join([*lines, f"Also: {extra.title} (see seeds-tui summary --by {view})"])))
        self._detail(0)

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
        if table.view == "themes":
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
