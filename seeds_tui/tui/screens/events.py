"""The register of training events and action learning sets: list, add, edit, remove.

A facilitator records here the quarterly follow-up days and each team's action learning sets: the date,
the team, the topic, the rubric's sections or items it addressed (ticked from the list of the rubric's
sections and items, or brought from the Team summary's Themes or Items view with ``l``), the learning
points and the practice focus the team agreed. No individual is named: a record whose words hold a
practitioner's or observer's name from the store, or what looks like personal data, is refused and the
form opens again saying which field. The Team summary compares before and after any of them
(``p`` there) and shows every set's items before and after it (its Sets view).

The screen never touches the store: it asks its controller (``tui.controllers.events``) from thread
workers.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from seeds_tui.core.dates import uk_date
from seeds_tui.core.errors import Problem, SeedsError
from seeds_tui.core.events import TrainingEvent
from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.controllers.events import EventDraft, EventRegister, Part
from seeds_tui.tui.dialogs import ConfirmDialog
from seeds_tui.tui.dialogs.events import EventForm
from seeds_tui.tui.widgets.lists import KeyTable
from seeds_tui.tui.widgets.safe import plain

#: The list's columns: (heading, key, widest).
COLUMNS = (("Date", "date", 10), ("Kind", "kind", 8), ("Title or topic", "what", 44), ("Teams", "teams", 24), ("Addresses", "covers", 40))

#: The keys of this screen, for F1.
SCREEN_KEYS: list[tuple[str, str]] = [
    ("n", "new training day (date, title, teams, the sections or items it covered)"),
    ("l", "new action learning set (date, team, topic, items addressed, learning points, practice focus)"),
    ("Enter", "edit the highlighted record"),
    ("d / Delete", "remove the highlighted record (asks first)"),
    ("↑ ↓", "move in the list; the panel below shows the whole record"),
    ("F5", "read the register again"),
    ("Esc", "back"),
    ("in the form", "Tab moves between fields · Space ticks a section or item · Ctrl+S saves · Esc cancels"),
]


class EventsScreen(SeedsScreen[None]):
    """Training events and action learning sets of the store, with add, edit and remove."""

    HELP_KEYS = SCREEN_KEYS

    DEFAULT_CSS = """
    EventsScreen #ev-table { height: 1fr; }
    EventsScreen #ev-detail { height: auto; max-height: 12; padding: 0 1; border-top: solid $primary-background; }
    EventsScreen #ev-hint { height: auto; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("n", "new('training')", "New training day", id="events.new_training", tooltip="Record a training day"),
        Binding("l", "new('set')", "New learning set", id="events.new_set", tooltip="Record a team's action learning set"),
        Binding("enter", "edit", "Edit", id="events.edit", tooltip="Edit the highlighted record"),
        Binding("d,delete", "remove", "Remove", id="events.remove", tooltip="Remove the highlighted record (asks first)"),
        Binding("f5", "reload", "Reload", show=False, id="events.reload", tooltip="Read the register again"),
        Binding("escape", "back", "Back", id="events.back", tooltip="Back"),
    ]

    def __init__(self, register: EventRegister, *, new: EventDraft | None = None) -> None:
        super().__init__()
        #: The controller: the screen's only way to the store.
        self.register = register
        self.events: list[TrainingEvent] = []
        self.problems: list[Problem] = []
        self.parts: list[Part] = []
        self.teams: list[str] = []
        self.loaded = False
        #: A record to start with once the register is read (brought from the Team summary).
        self._new = new
        self._select: str | None = None

    def compose(self) -> ComposeResult:
        """Title, the list, the highlighted record in full, a hint, the footer."""
        yield Static(plain("Training events and action learning sets"), id="ev-title", classes="topbar")
        yield KeyTable(id="ev-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="ev-detail")
        yield Static(plain("Reading the register…"), id="ev-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Read the register in a worker."""
        self._load()

    def action_reload(self) -> None:
        """Read the register again."""
        self._load()

    @work(thread=True, exclusive=True, group="events-list", exit_on_error=False, name="reading the register of events")
    def _load(self) -> None:
        events, problems = self.register.records()
        parts = self.parts or self.register.parts()
        teams = self.teams or self.register.teams()
        self.app.call_from_thread(self._show, events, problems, parts, teams)

    def _show(self, events: list[TrainingEvent], problems: list[Problem], parts: list[Part], teams: list[str]) -> None:
        current = self.selected() if self.loaded else None
        keep = self._select or (current.id if current is not None else None)
        self.events, self.problems, self.parts, self.teams = events, problems, parts, teams
        self.loaded = True
        table = self.query_one("#ev-table", DataTable)
        self._select = None
        table.clear(columns=True)
        for title, key, width in COLUMNS:
            table.add_column(title, key=key, width=width)
        for e in events:
            cells = [
                uk_date(e.date),
                "set" if e.kind == "set" else "training",
                (e.topic or e.title) if e.kind == "set" else e.title,
                ", ".join(e.teams) or "every team",
                ", ".join(e.covers),
            ]
            shown = [c if len(c) <= w else c[: w - 1] + "…" for c, (_, _, w) in zip(cells, COLUMNS, strict=True)]
            table.add_row(*(plain(c) for c in shown), key=e.id)
        ids = [e.id for e in events]
        if events:
            # The newest (or the one just saved) under the cursor, once the rows are laid out.
            row = ids.index(keep) if keep in ids else len(events) - 1
            table.focus()
            self.call_after_refresh(self._to_row, row)
        hint = (
            f"{len(events)} record{'' if len(events) == 1 else 's'} · n training day · l learning set · Enter edit · d remove · Esc back"
            if events
            else "No training events or sets yet. n records a training day, l a team's action learning set."
        )
        if problems:
            hint += f"\n{len(problems)} file(s) in the register are not valid and left out (seeds-tui event list names them)."
        self.query_one("#ev-hint", Static).update(plain(hint))
        self._detail()
        if self._new is not None:
            draft, self._new = self._new, None
            self._open_form(draft)

    def _to_row(self, row: int) -> None:
        table = self.query_one("#ev-table", DataTable)
        if 0 <= row < table.row_count:
            table.move_cursor(row=row, animate=False)
        self._detail()

    def selected(self) -> TrainingEvent | None:
        """The record under the cursor."""
        table = self.query_one("#ev-table", DataTable)
        if not self.events or not 0 <= table.cursor_row < len(self.events):
            return None
        return self.events[table.cursor_row]

    @on(DataTable.RowHighlighted, "#ev-table")
    def _highlighted(self) -> None:
        self._detail()

    @on(DataTable.RowSelected, "#ev-table")
    def _row_chosen(self) -> None:
        # Enter on the list (the table takes Enter itself): edit the record.
        self.action_edit()

    def _detail(self) -> None:
        e = self.selected()
        detail = self.query_one("#ev-detail", Static)
        if e is None:
            detail.update("")
            return
        lines = [f"{uk_date(e.date)} · {e.title}", f"teams: {', '.join(e.teams) or 'every team'}"]
        labels = {p.key: p.label.strip() for p in self.parts}
        if e.covers:
            lines.append("addresses: " + "; ".join(f"{labels.get(c, c)} ({c})" for c in e.covers))
        if e.kind == "set":
            lines.append(f"topic: {e.topic}")
            lines += [f"  • {p}" for p in e.learning_points]
            if e.focus:
                lines.append(f"practice focus: {e.focus}")
        detail.update(plain("\n".join(lines)))

    # -- add, edit, remove -----------------------------------------------------------------------

    def action_new(self, kind: str) -> None:
        """A new training day or set."""
        self._open_form(EventDraft(kind=kind, date=uk_date(self.seeds.current_date)))

    def action_edit(self) -> None:
        """Edit the highlighted record."""
        e = self.selected()
        if e is not None:
            self._open_form(EventDraft.of(e))

    def _open_form(self, draft: EventDraft, problem: str = "") -> None:
        def answered(result: EventDraft | None) -> None:
            if result is not None:
                self._save(result)

        self.app.push_screen(EventForm(draft, self.parts, problem=problem, teams=self.teams), answered)

    @work(thread=True, group="events-save", exit_on_error=False, name="saving a training event")
    def _save(self, draft: EventDraft) -> None:
        try:
            event = self.register.save(draft)
        except SeedsError as exc:
            self.app.call_from_thread(self._refused, draft, str(exc))
            return
        self.app.call_from_thread(self._saved, event, draft.id is None)

    def _refused(self, draft: EventDraft, problem: str) -> None:
        self.app.notify(problem, title="Not saved", severity="error", timeout=10)
        self._open_form(draft, problem)

    def _saved(self, event: TrainingEvent, new: bool) -> None:
        self.app.notify(f"{'Registered' if new else 'Saved'} {event.title} ({uk_date(event.date)}).", timeout=4)
        self._select = event.id
        self._load()

    def action_remove(self) -> None:
        """Remove the highlighted record, after asking."""
        e = self.selected()
        if e is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(e.id)

        what = "action learning set" if e.kind == "set" else "training event"
        self.app.push_screen(
            ConfirmDialog(
                f"Remove this {what}?",
                f"{uk_date(e.date)} · {e.title}\n\nIts file is deleted from the register; observations are not touched.",
                yes="Remove",
                no="Keep",
                yes_variant="error",
            ),
            answered,
        )

    @work(thread=True, group="events-save", exit_on_error=False, name="removing a training event")
    def _remove(self, key: str) -> None:
        try:
            self.register.remove(key)
        except SeedsError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), title="Not removed", severity="error", timeout=10)
        self.app.call_from_thread(self._load)

    def action_back(self) -> None:
        """Back to where the register was opened from."""
        self.app.pop_screen()
