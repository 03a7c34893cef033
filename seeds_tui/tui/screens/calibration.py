"""Calibration: the double-scored sessions, each with its status in words.

The list shows each session two observers scored independently (purpose: calibration, linked
by a shared session reference) with its status in words. It never shows a score: neither
observer may see the other's scores before both are finalised, so the comparison opens only
for a session that is ready (Enter; the app opens it, see ``screens/comparison.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from seeds_tui.core.dates import uk_date
from seeds_tui.core.errors import SeedsError
from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.widgets.comparison import COLUMNS, join_names, not_ready_message, observers_of, status_text
from seeds_tui.tui.widgets.lists import KeyTable
from seeds_tui.tui.widgets.safe import markup, plain, rich_text

if TYPE_CHECKING:
    from seeds_tui.calibration.pairing import CalibrationSession


class CalibrationScreen(SeedsScreen[None]):
    """Double-scored sessions with their status in words; Enter compares a ready one. No score is shown here."""

    BINDINGS = [
        Binding("enter", "open", "Compare", id="calibration.open", tooltip="Compare the two observers (when both have finalised)"),
        Binding("f5,ctrl+r", "reload", "Reload", key_display="F5", show=False, id="calibration.reload", tooltip="Read the store again"),
        Binding("escape", "back", "Back", id="calibration.back", tooltip="Back to the list of observations"),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[CalibrationSession] = []
        self.damaged = 0
        self.loaded = False

    def compose(self) -> ComposeResult:
        """Title, the list, a line about the highlighted session, a hint, the footer."""
        yield Static(plain("Calibration · double-scored sessions"), id="cal-title", classes="topbar")
        table = KeyTable(id="cal-list", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="cal-detail")
        yield Static(plain("Reading the store…"), id="cal-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Read the sessions in a worker (the first frame is not held up)."""
        self.refresh_list()

    def on_screen_resume(self) -> None:
        """Back from a comparison: a consensus may have been recorded."""
        if self.loaded:
            self.refresh_list()

    def refresh_list(self) -> None:
        """Read the store again."""
        self._load()

    def action_reload(self) -> None:
        """Read the store again."""
        self.refresh_list()

    @work(thread=True, exclusive=True, group="calibration-list", exit_on_error=False, name="reading the double-scored sessions")
    def _load(self) -> None:
        try:
            sessions, damaged = self.seeds.records.calibration_sessions()
        except SeedsError as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        self.app.call_from_thread(self._show, sessions, damaged)

    def _show_error(self, message: str) -> None:
        self.query_one("#cal-hint", Static).update(plain(message))
        self.app.notify(message, title="Store not readable", severity="error", timeout=15)

    def _show(self, sessions: list[CalibrationSession], damaged: int) -> None:
        self.sessions = sessions
        self.damaged = damaged
        self.loaded = True
        table = self.query_one("#cal-list", DataTable)
        keep = table.cursor_row
        all_cells = [[uk_date(s.date) if s.date else "", status_text(s), s.session_ref, join_names(observers_of(s))] for s in sessions]
        # Columns sized from the cells (as on the home screen); longer text is cut with … (the line below has it all).
        widths = [min(max([len(title), *(len(cells[n]) for cells in all_cells)]), widest) for n, (title, _, widest) in enumerate(COLUMNS)]
        table.clear(columns=True)
        for (title, key, _), width in zip(COLUMNS, widths, strict=True):
            table.add_column(title, key=key, width=width)
        for index, cells in enumerate(all_cells):
            ready = sessions[index].ready and sessions[index].consensus is None
            shown = [c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(cells, widths, strict=True)]
            table.add_row(*(rich_text(c, style="bold" if ready and n == 1 else "") for n, c in enumerate(shown)), key=str(index))
        if sessions:
            table.move_cursor(row=min(max(keep, 0), len(sessions) - 1))
            table.focus()
        ready_count = sum(1 for s in sessions if s.ready)
        if not sessions:
            hint = (
                "No double-scored sessions yet. Two observers each set up an observation with purpose Calibration "
                "and the same session reference, score independently and finalise."
            )
        else:
            hint = f"{len(sessions)} session{'' if len(sessions) == 1 else 's'}, {ready_count} ready. Enter compare · Esc back · F1 keys"
        if damaged:
            hint += (
                f"\n{damaged} file{' was' if damaged == 1 else 's were'} not readable and left out (seeds-tui validate lists the problems)."
            )
        self.query_one("#cal-hint", Static).update(plain(hint))
        self._show_detail()

    @on(DataTable.RowHighlighted, "#cal-list")
    def _highlighted(self) -> None:
        self._show_detail()

    def selected(self) -> CalibrationSession | None:
        """The session under the cursor."""
        table = self.query_one("#cal-list", DataTable)
        if not self.sessions or not 0 <= table.cursor_row < len(self.sessions):
            return None
        return self.sessions[table.cursor_row]

    def _show_detail(self) -> None:
        session = self.selected()
        detail = self.query_one("#cal-detail", Static)
        if session is None:
            detail.update("")
            return
        titles = {r.rubric.id: r.rubric.title for r in self.seeds.registry}
        _, obs = session.observations[0] if session.observations else (None, None)
        about = ""
        if obs is not None:
            about = f"{obs.session.practitioner} ({obs.session.team}) · {titles.get(obs.rubric.id, obs.rubric.id)}"
        status = status_text(session)
        if not session.ready and session.agreed_pair is not None:
            status += ". Enter shows the consensus the first two observers recorded."
        elif not session.ready and session.waiting_for:
            status += ". Scores stay hidden until both observers have finalised."
        elif not session.ready:
            status += ". No scores are shown; Enter says what to do."
        observers = join_names(observers_of(session)) or "no observer's own file"
        detail.update(
            markup(
                "[b]$ref[/b] [dim]$about[/]\n$observers · $status", ref=session.session_ref, about=about, observers=observers, status=status
            )
        )

    def action_cursor_down(self) -> None:
        """Next session."""
        self.query_one("#cal-list", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous session."""
        self.query_one("#cal-list", DataTable).action_cursor_up()

    @on(DataTable.RowSelected, "#cal-list")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        """Open the comparison of the highlighted session, if both observers have finalised.

        A session with a recorded consensus opens on the two observations the consensus names,
        even when a later file shares the reference (that is said first).
        """
        session = self.selected()
        if session is None:
            return
        if not session.ready:
            agreed = session.agreed_pair
            if agreed is not None:
                self.app.notify(
                    f"{not_ready_message(session)}\nShowing the consensus recorded for the first two observers' files.",
                    title="Another file shares this reference",
                    severity="warning",
                    timeout=12,
                )
                self.seeds.open_comparison(session, agreed)
                return
            self.app.notify(not_ready_message(session), title="Not ready to compare", timeout=10)
            return
        self.seeds.open_comparison(session)

    def action_back(self) -> None:
        """Back to the list of observations."""
        self.app.pop_screen()
