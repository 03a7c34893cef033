"""Home: the observations in the store (drafts first), new observation, resume a draft."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Input, Static

from seeds_tui.core.dates import uk_date
from seeds_tui.core.errors import RubricNotFound, SeedsError
from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.commands import (
    CalibrationCommands,
    DevelopmentRecordCommands,
    QuestionnaireCommands,
    SelfRatingCommands,
    SupervisionCommands,
)
from seeds_tui.tui.controllers.records import Row
from seeds_tui.tui.widgets.lists import KeyTable
from seeds_tui.tui.widgets.safe import plain, rich_text
from seeds_tui.tui.widgets.text import Limits, LineInput

if TYPE_CHECKING:
    from seeds_tui.core.observation import Observation

if TYPE_CHECKING:
    pass

#: The home list shows at most this many observations (newest first, drafts always).
HOME_LIMIT = 300


#: The list's columns: title, key, widest it grows (longer text is cut).
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("Status", "status", 7),
    ("Date", "date", 10),
    ("Practitioner", "practitioner", 24),
    ("Team", "team", 20),
    ("Rubric", "rubric", 32),
    ("Progress", "progress", 20),
    ("Observer", "observer", 24),
)


#: Columns that give up width first when the terminal is narrow, and the least each keeps: Rubric,
#: then Observer, then Team, then Practitioner (never below its header).
SHRINK: tuple[tuple[int, int], ...] = ((4, 9), (6, 8), (3, 10), (2, 12))
#: Blank cells after each column (the table's own cell padding is off: two cells a column cost
#: the names their room at 80 columns), the list's left margin, and its scroll bar.
COLUMN_GAP, LIST_MARGIN, SCROLL_BAR = 1, 1, 2


def column_gap(widths: list[int], screen_width: int) -> int:
    """Two blank cells after each column when every column fits whole with them, else one."""
    wide = sum(widths) + 2 * len(widths) + LIST_MARGIN + SCROLL_BAR <= screen_width
    return 2 if wide else COLUMN_GAP


def fit_columns(widths: list[int], screen_width: int) -> list[int]:
    """``widths`` narrowed so that every column fits ``screen_width`` (a blank cell after each, the
    list's margin, a scroll bar): Rubric, then Observer, Team and Practitioner give way, each down
    to its least, so that Status, Date and Progress always show whole, no column drops off at 80
    columns and the Observer gives way before the practitioner's name.

    >>> fit_columns([6, 10, 14, 15, 29, 10, 15], 80)
    [6, 10, 14, 13, 9, 10, 8]
    >>> fit_columns([7, 10, 16, 8, 24, 10, 12], 120)
    [7, 10, 16, 8, 24, 10, 12]
    """
    out = list(widths)
    room = screen_width - COLUMN_GAP * len(out) - LIST_MARGIN - SCROLL_BAR
    for position, least in SHRINK:
        excess = sum(out) - room
        if excess <= 0:
            break
        out[position] = max(min(least, out[position]), out[position] - excess)
    return out


class HomeScreen(SeedsScreen[None]):
    """The list of observations with the keys to start or continue one."""

    COMMANDS = {CalibrationCommands, SelfRatingCommands, QuestionnaireCommands, SupervisionCommands, DevelopmentRecordCommands}

    WRITES_STORE = frozenset({"new", "resume", "discard", "self_rating", "questionnaire", "events", "supervision"})

    BINDINGS = [
        Binding("n", "new", "New observation", id="home.new", tooltip="Set up a new observation"),
        Binding("enter", "open", "Open", id="home.open", tooltip="Continue a draft, or view a final observation"),
        Binding("r", "resume", "Resume draft", id="home.resume", tooltip="Continue the newest draft"),
        Binding("d", "discard", "Discard draft", show=False, id="home.discard", tooltip="Delete the selected draft (asks first)"),
        Binding("s", "summary", "Team summary", id="home.summary", tooltip="Team results (opens the Team summary)"),
        Binding(
            "c",
            "calibration",
            "Calibration",
            show=False,
            id="home.calibration",
            tooltip="Double-scored sessions: compare two observers, agree a consensus",
        ),
        Binding(
            "p",
            "self_rating",
            "Self-rating",
            show=False,
            id="home.self_rating",
            tooltip="The practitioner's self-rating of the selected observation, then the gap",
        ),
        Binding(
            "q",
            "questionnaire",
            "Questionnaire",
            show=False,
            id="home.questionnaire",
            tooltip="The anonymous questionnaire a person on probation fills in on this laptop after the session",
        ),
        Binding(
            "e",
            "events",
            "Events",
            show=False,
            id="home.events",
            tooltip="The register of training events and action learning sets",
        ),
        Binding(
            "v",
            "supervision",
            "Supervision",
            show=False,
            id="home.supervision",
            tooltip="Record a supervision note for the selected observation's practitioner (progress on actions, reflection)",
        ),
        Binding(
            "l",
            "development_record",
            "Development record",
            show=False,
            id="home.development_record",
            tooltip="The selected observation's practitioner's development record, in date order (w writes their sheet)",
        ),
        Binding("ctrl+r", "reload", "Reload", show=False, id="home.reload"),
        Binding("slash", "search", "Search", show=False, id="home.search", tooltip="Find by practitioner, team or date (all files)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        #: Final observations in the store (the list shows the newest ``HOME_LIMIT``).
        self.final_count = 0
        self.search_text = ""

    def compose(self) -> ComposeResult:
        """Title, the list, a hint line, the footer."""
        yield Static(plain("seeds-tui · observations"), id="home-title", classes="topbar")
        yield Static(plain("Store: reading…"), id="home-store", classes="dim")
        table = KeyTable(id="home-list", cursor_type="row", zebra_stripes=True, cell_padding=0)
        yield table
        search = LineInput(
            id="home-search",
            placeholder="search practitioner, team or date (Enter finds, Esc clears)",
            compact=True,
            max_length=Limits.SEARCH,
            what="A search",
        )
        search.display = False
        yield search
        yield Static("", id="home-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Columns now; rows from a worker so the first frame is not held up."""
        table = self.query_one("#home-list", DataTable)
        for title, key, _ in COLUMNS:
            table.add_column(title, key=key)
        # After the first frame: reading the store (in a thread) would otherwise hold the first frame up.
        self.call_after_refresh(self.refresh_list)

    def refresh_list(self) -> None:
        """Reload the list from the store."""
        self._load()

    def action_reload(self) -> None:
        """Reload the list from the store."""
        self.refresh_list()

    @work(thread=True, exclusive=True, group="home-list", exit_on_error=False, name="reading the list of observations")
    def _load(self) -> list[Row]:
        rows: list[Row] = []
        records = self.seeds.records  # waits for the store, built behind the first frame
        self.app.call_from_thread(self._show_store, str(records.root), records.shared)
        try:
            files = records.files()
        except SeedsError as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return rows
        drafts = [f for f in files if f.status == "draft"]
        all_finals = [f for f in files if f.status == "final"]
        finals = all_finals[: max(0, HOME_LIMIT - len(drafts))]
        for stored in (*drafts, *finals):
            rows.append(self._row(stored.path))
        self.app.call_from_thread(self._show_rows, rows, len(all_finals))
        return rows

    def _row(self, path: Path) -> Row:
        return self.seeds.records.row(path)

    def _show_store(self, root: str, shared: bool = False) -> None:
        told = " · a team's shared store: finals published by the SPOs, read here (score in your own store)" if shared else ""
        self.query_one("#home-store", Static).update(plain(f"Store: {root}{told}"))
        if shared:
            self.hide_store_writes()

    @work(thread=True, exclusive=True, group="home-list", exit_on_error=False, name="searching the store")
    def _search(self, text: str) -> None:
        """Every file in the store (newest first) whose practitioner, team or date contains ``text``."""
        try:
            files = self.seeds.records.files()
        except SeedsError as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        wanted = text.casefold()
        rows: list[Row] = []
        for stored in files:
            row = self._row(stored.path)
            obs = row.observation
            if obs is None:
                continue
            haystack = (
                f"{obs.session.practitioner}\n{obs.session.team}\n{obs.session.date.isoformat()}\n{uk_date(obs.session.date)}".casefold()
            )
            if wanted in haystack:
                rows.append(row)
                if len(rows) >= HOME_LIMIT:
                    break
        self.app.call_from_thread(self._show_rows, rows, sum(1 for f in files if f.status == "final"), text)

    def _show_error(self, message: str) -> None:
        self.query_one("#home-hint", Static).update(plain(message))
        self.app.notify(message, title="Store not readable", severity="error", timeout=15)

    def _show_rows(self, rows: list[Row], final_count: int | None = None, search: str = "") -> None:
        self.rows = rows
        self.search_text = search
        if final_count is not None:
            self.final_count = final_count
        table = self.query_one("#home-list", DataTable)
        titles = {r.rubric.id: r.rubric.title for r in self.seeds.registry}
        all_cells: list[list[str]] = []
        for row in rows:
            obs = row.observation
            if obs is None:
                cells = ["damaged", "", row.path.name, "", "", row.problem or "", ""]
            else:
                cells = [
                    "draft" if obs.status == "draft" else "final",
                    uk_date(obs.session.date),
                    obs.session.practitioner,
                    obs.session.team,
                    titles.get(obs.rubric.id, obs.rubric.id),
                    self._progress(obs),
                    obs.session.observer,
                ]
            all_cells.append(cells)
        # Columns sized from the cells on every fill: the table's own auto-sizing was seen to keep
        # header widths ("2026", "Nort") when rows arrived from the loading worker under load.
        table.clear(columns=True)
        natural = [min(max([len(title), *(len(cells[p]) for cells in all_cells)]), widest) for p, (title, _, widest) in enumerate(COLUMNS)]
        gap = column_gap(natural, self.app.size.width)
        widths = fit_columns(natural, self.app.size.width)
        for (title, key, _), width in zip(COLUMNS, widths, strict=True):
            table.add_column(title if len(title) <= width else title[: width - 1] + "…", key=key, width=width + gap)
        for index, cells in enumerate(all_cells):
            # rich Text: names and notes are shown as typed, never read as markup.
            shown = [c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(cells, widths, strict=True)]  # a cut text says so
            table.add_row(*(rich_text(c, style="bold" if c == "draft" else "") for c in shown), key=str(index))
        drafts = sum(1 for r in rows if r.observation is not None and r.observation.status == "draft")
        finals_shown = sum(1 for r in rows if r.observation is None or r.observation.status == "final")
        if search:
            found = f"{len(rows)}{'+' if len(rows) >= HOME_LIMIT else ''}"
            hint = f"{found} found for “{search}” in all files. Esc shows the newest again · Enter open"
        elif not rows:
            hint = "No observations yet. Press n to set up a new observation."
        elif finals_shown < self.final_count:
            hint = (
                f"{drafts} draft{'' if drafts == 1 else 's'}; showing the newest {finals_shown} of {self.final_count} final observations"
                " (/ searches all). n new · Enter open · F1 keys"
            )
        else:
            # A file that cannot be read (a sync tool's conflict copy, one still arriving, a damaged one) is listed, not counted.
            unread = sum(1 for r in rows if r.observation is None)
            counted = len(rows) - unread
            counts = f"{counted} observation{'' if counted == 1 else 's'}, {drafts} draft{'' if drafts == 1 else 's'}"
            if unread:
                counts += f", {unread} file{' is' if unread == 1 else 's are'} not counted (marked damaged: see why in the row)"
            hint = f"{counts}. n new · Enter open · r resume newest draft · F1 keys"
        if self.seeds.records.shared:  # nothing is scored here: offer what the share is for
            hint = hint.replace("No observations yet. Press n to set up a new observation.", "No finals published here yet.")
            hint = hint.replace("n new · ", "").replace(" · r resume newest draft", " · s Team summary")
        self.query_one("#home-hint", Static).update(plain(hint))
        if rows:
            table.focus()
        self._offer_resume()

    def _progress(self, obs: Observation) -> str:
        from seeds_tui.core.scoring import overall_score, section_scores

        try:
            rubric = self.seeds.registry.get(obs.rubric.id, obs.rubric.version).rubric
        except RubricNotFound:
            return "rubric not found"
        total = len(rubric.item_keys)
        scored = sum(1 for items in obs.scores.values() for s in items.values() if s.is_set)
        if obs.status == "final":
            pct = overall_score(section_scores(obs, rubric)).percent
            return "final" if pct is None else f"{pct:.0f}% of max"  # the Status column says final
        return f"{scored}/{total} scored"

    # -- resume after a crash ---------------------------------------------------------------

    def _offer_resume(self) -> None:
        app = self.seeds
        if not app.offer_resume or app.resume_offered or app.session is not None:
            return
        app.resume_offered = True
        open_id = app.records.setting("open_draft")
        if not isinstance(open_id, str) or not open_id:
            return
        row = next(
            (r for r in self.rows if r.observation is not None and r.observation.id == open_id and r.observation.status == "draft"), None
        )
        if row is None or row.observation is None:
            app.remember(open_draft="")
            return
        obs = row.observation
        from seeds_tui.tui.dialogs import ConfirmDialog

        message = (
            "seeds-tui was closed during an observation. Its draft is safe:\n\n"
            f"  {obs.session.practitioner} · {obs.session.team} · {uk_date(obs.session.date)} · {self._progress(obs)}\n\n"
            "Resume it now? (Later, it stays at the top of this list.)"
        )

        def answered(resume: bool | None) -> None:
            # Offered once, clearly, and forgotten only once answered: if the app is closed with the
            # question open, it is asked again on the next start. Afterwards the draft is in the list.
            app.remember(open_draft="")
            if resume:
                app.open_observation(obs)

        self.app.push_screen(ConfirmDialog("Resume the interrupted observation?", message, yes="Resume", no="Not now"), answered)

    # -- actions -------------------------------------------------------------------------------

    def selected(self) -> Row | None:
        """The row under the cursor."""
        table = self.query_one("#home-list", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    async def action_new(self) -> None:
        """Set up a new observation (the app opens the rubric list)."""
        await self.app.run_action("app.new_observation")

    def action_open(self) -> None:
        """Open the selected observation (drafts to continue scoring, finals read-only)."""
        row = self.selected()
        if row is None:
            return
        if row.observation is None:
            self.app.notify(
                f"{row.path}: {row.problem}. Check it with: seeds-tui validate {row.path}",
                title="Damaged file",
                severity="error",
                timeout=15,
            )
            return
        try:
            obs = self.seeds.records.read(row.path)  # the newest version on disk
        except SeedsError as exc:
            self.app.notify(str(exc), title="Cannot open", severity="error", timeout=15)
            return
        self._open_checked(obs)

    def _open_checked(self, obs: Observation) -> None:
        """Open ``obs``; first ask if it is another observer's unfinished calibration file."""
        other = self._someone_elses_unfinished_calibration(obs)
        if other is None:
            self.seeds.open_observation(obs)
            return
        from seeds_tui.tui.dialogs import ConfirmDialog

        def answered(open_it: bool | None) -> None:
            if open_it:
                self.seeds.open_observation(obs)

        self.app.push_screen(
            ConfirmDialog(
                "Another observer's calibration scores",
                f"This is {other}'s observation of a double-scored session ({obs.session.session_ref}) that is not yet "
                "finalised by both observers. Opening it shows their scores, which the other observer must not see "
                f"before finalising their own.\n\nOpen it only if you are {other}.",
                yes=f"I am {other}: open",
                no="Cancel",
                yes_variant="warning",
                focus_yes=False,
            ),
            answered,
        )

    def _someone_elses_unfinished_calibration(self, obs: Observation) -> str | None:
        """The observer's name if ``obs`` is another observer's file of a double-scored session that
        is not yet finalised by both observers (until then neither may see the other's scores)."""
        ref = obs.session.session_ref
        if obs.session.purpose != "calibration" or not ref:
            return None
        from seeds_tui.core.actions import same_person

        me = self.seeds.records.setting("observer")
        if isinstance(me, str) and same_person(me, obs.session.observer):
            return None
        session = self.seeds.records.calibration_session(ref)
        ready = session is not None and session.ready and any(o.id == obs.id for _, o in session.observations)
        return None if ready else obs.session.observer

    @on(DataTable.RowSelected, "#home-list")
    def _row_selected(self) -> None:
        self.action_open()

    def action_resume(self) -> None:
        """Continue the newest draft."""
        row = next((r for r in self.rows if r.observation is not None and r.observation.status == "draft"), None)
        if row is None or row.observation is None:
            self.app.notify("There is no draft to resume.", timeout=4)
            return
        self._open_checked(row.observation)

    def action_discard(self) -> None:
        """Delete the selected draft after asking."""
        if self.seeds.refused_on_shared_store("Discard a draft"):
            return
        row = self.selected()
        if row is None or row.observation is None or row.observation.status != "draft":
            self.app.notify("Select a draft to discard.", timeout=4)
            return
        obs = row.observation
        from seeds_tui.tui.dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.seeds.records.discard_draft(obs.id)
            except SeedsError as exc:
                self.app.notify(str(exc), title="Draft not discarded", severity="error", timeout=15)
                return
            self.app.notify("Draft discarded.", timeout=4)
            self.refresh_list()

        self.app.push_screen(
            ConfirmDialog(
                "Discard this draft?",
                f"The draft for {obs.session.practitioner} ({uk_date(obs.session.date)}) will be deleted. This cannot be undone.",
                yes="Discard",
                no="Keep",
                yes_variant="error",
            ),
            answered,
        )

    def action_search(self) -> None:
        """Show the search field and put the cursor in it."""
        search = self.query_one("#home-search", Input)
        search.display = True
        search.focus()

    @on(Input.Submitted, "#home-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self._clear_search()
            return
        self.query_one("#home-hint", Static).update(plain(f"Searching every file for “{text}”…"))
        self._search(text)

    def _clear_search(self) -> None:
        search = self.query_one("#home-search", Input)
        search.value = ""
        search.display = False
        self.query_one("#home-list", DataTable).focus()
        if self.search_text:
            self.refresh_list()

    async def on_key(self, event: events.Key) -> None:
        """Esc clears the search (in the search field, or while its results are shown)."""
        if event.key == "escape" and (self.search_text or self.focused is self.query_one("#home-search", Input)):
            event.stop()
            self._clear_search()

    async def action_summary(self) -> None:
        """Open the Team summary."""
        await self.app.run_action("app.open_team_summary")

    async def action_questionnaire(self) -> None:
        """Open the questionnaire for people on probation (staff set it up, then hand the laptop over)."""
        await self.app.run_action("app.open_questionnaire")

    async def action_events(self) -> None:
        """Open the register of training events and action learning sets."""
        await self.app.run_action("app.open_event_register")

    async def action_calibration(self) -> None:
        """Open Calibration: double-scored sessions, their comparison and consensus."""
        await self.app.run_action("app.open_calibration")

    def _practitioner(self, what: str) -> tuple[str, str] | None:
        """The selected observation's practitioner and team (or a word on what to select)."""
        row = self.selected()
        if row is None or row.observation is None:
            self.app.notify(f"Select an observation of the practitioner {what}.", timeout=4)
            return None
        return row.observation.session.practitioner, row.observation.session.team

    def action_supervision(self) -> None:
        """Record a supervision note for the selected observation's practitioner."""
        found = self._practitioner("to record a supervision note for")
        if found is not None:
            self.seeds.open_supervision(*found)

    def action_development_record(self) -> None:
        """The selected observation's practitioner's development record."""
        found = self._practitioner("whose development record to show")
        if found is not None:
            self.seeds.open_development_record(found[0])

    def action_self_rating(self) -> None:
        """Hand over for the practitioner's self-rating of the selected observation; then the gap, then its feedback."""
        row = self.selected()
        if row is None or row.observation is None:
            self.app.notify("Select an observation to be self-rated.", timeout=4)
            return
        obs = row.observation

        def then() -> None:
            if obs.status == "draft":
                self.seeds.open_observation(obs, stage="after")

        self.seeds.open_selfrating(obs, then)
