"""The seeds-tui app: ``create_app`` builds it (for the CLI and the tests), ``run_app`` runs it.

The app owns the controllers (the open observation's session, the consensus sessions in
progress, the records of the store) and the navigation between screens; screens import no
other screen and not this module (they see the app through ``seeds_tui.tui.protocol``).
Screens are imported here only when first shown, and nothing heavy (pydantic models, the
store, the rubrics) is needed for the first frame (``seeds_tui.tui.later``). ``seeds_tui.tui.start``
runs it in a terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from seeds_tui.tui.autosave import AUTOSAVE_DELAY
from seeds_tui.tui.base import WorkerFailed
from seeds_tui.tui.keys import AppKeysInOrder
from seeds_tui.tui.protocol import Stage
from seeds_tui.tui.toasts import Toasts, ToastText

if TYPE_CHECKING:
    from seeds_tui.calibration.agreement import Agreement
    from seeds_tui.calibration.pairing import CalibrationSession
    from seeds_tui.core.observation import CarriedAction, Observation, Session
    from seeds_tui.core.rubric import LoadedRubric, RubricRegistry
    from seeds_tui.core.selfrating import SelfRating
    from seeds_tui.storage.store import Store
    from seeds_tui.tui.controllers.consensus import ConsensusSession, Pair
    from seeds_tui.tui.controllers.development import Development
    from seeds_tui.tui.controllers.events import EventDraft
    from seeds_tui.tui.controllers.records import Records
    from seeds_tui.tui.controllers.selfrating import SelfRatings
    from seeds_tui.tui.controllers.session import ObservationSession
    from seeds_tui.tui.controllers.voice import Voice


def _now() -> datetime:
    from seeds_tui.core.observation import now

    return now()


#: The share of the screen's height toasts may take (ToastRack's max-height in seeds.tcss).
TOAST_ROOM = 0.55

#: The longest an information or warning toast stays, in seconds (errors stay as long as they ask).
TOAST_SECONDS: dict[str, float] = {"information": 5.0, "warning": 8.0}


class SeedsApp(AppKeysInOrder, App[int]):
    """Score a live session section by section, then feedback, review and finalise."""

    CSS_PATH = Path(__file__).with_name("seeds.tcss")
    #: Seconds a toast stays unless it says otherwise (Textual's default is 5).
    NOTIFICATION_TIMEOUT = 3
    TITLE = "seeds-tui"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]
    BINDINGS = [
        Binding("f1", "help", "Keys", id="app.help", tooltip="Every key of this screen"),
        Binding("question_mark", "help", "Keys", show=False, id="app.help_alt"),
        Binding("ctrl+s", "save_now", "Save", show=False, id="app.save", tooltip="Save now (changes are also saved automatically)"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, tooltip="Quit; your draft is kept"),
        Binding("f2", "stage('scoring')", "Scoring", show=False, id="app.scoring"),
        Binding("f3", "stage('after')", "After session", show=False, id="app.after"),
        Binding("f4", "stage('review')", "Review", show=False, id="app.review"),
    ]

    #: Counts every change to the open observation: screens watch it to show the new state.
    edits: var[int] = var(0)
    #: Counts every change of a save state (saved, saving…, NOT SAVED): screens watch it for the top bar.
    saves: var[int] = var(0)

    def __init__(
        self,
        store: Store | Callable[[], Store],
        registry: RubricRegistry | Callable[[], RubricRegistry],
        *,
        today: date | None = None,
        clock_source: Callable[[], float] = time.monotonic,
        now_fn: Callable[[], datetime] = _now,
        autosave_delay: float = AUTOSAVE_DELAY,
        offer_resume: bool = True,
    ) -> None:
        super().__init__()
        from seeds_tui.tui.later import Later

        self._store_later = Later(store)
        self._rubrics_later = Later(registry)
        self.today = today
        self.clock_source = clock_source
        self.now_fn = now_fn
        self.autosave_delay = autosave_delay
        self.offer_resume = offer_resume
        self.session: ObservationSession | None = None
        self.resume_offered = False
        #: The consensus sessions in progress while the app runs, by pair of observation ids.
        self.consensus: dict[tuple[str, str], ConsensusSession] = {}
        self._records: Records | None = None
        self._selfratings: SelfRatings | None = None
        self._development: Development | None = None
        #: A self-rating to open at start for the practitioner (``seeds-tui self-rate open``); the app ends once it is finished.
        self.start_selfrating: SelfRating | None = None
        #: The questionnaire controller (made when the questionnaire is first opened).
        self._voice: Voice | None = None
        #: The unexpected exception that stopped the app (the last-resort handler reports it).
        self.crash: BaseException | None = None
        #: Messages about work kept elsewhere than its own file (printed on the terminal at exit).
        self.rescued: list[str] = []
        self._theme_restored = False
        #: A hang-up signal arrived before the event loop ran: close as soon as the app is mounted.
        self.hang_up_pending = False
        #: The event loop the app runs on (set once mounted; the hang-up handling hands work to it).
        self.event_loop: asyncio.AbstractEventLoop | None = None
        #: A hang-up close is under way (the work is saved): screens are being torn down, perhaps mid-mount.
        self.closing = False
        #: Every toast goes through here: held while a dialog is open, shown once it closes.
        self._loop_thread: int | None = None
        self.toasts = Toasts(self._show_toast, self._clear_toasts, self.NOTIFICATION_TIMEOUT, room=self._toast_room)

    # -- what the app holds ---------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The store (loaded in the background at start; waits for it if asked for sooner)."""
        return self._store_later.get()

    @property
    def registry(self) -> RubricRegistry:
        """The known rubrics (loaded in the background at start; waits for them if asked for sooner)."""
        return self._rubrics_later.get()

    @property
    def records(self) -> Records:
        """Reads and removals in the store, for the screens."""
        if self._records is None:
            from seeds_tui.tui.controllers.records import Records

            self._records = Records(self.store)
        return self._records

    @property
    def selfratings(self) -> SelfRatings:
        """The practitioners' self-ratings, for the screens."""
        if self._selfratings is None:
            from seeds_tui.tui.controllers.selfrating import SelfRatings

            self._selfratings = SelfRatings(self.store)
        return self._selfratings

    @property
    def current_date(self) -> date:
        """Today (or the date the tests froze)."""
        return self.today or date.today()

    # -- start-up ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        """Show the home screen; load the store and rubrics behind the first frame; restore the theme."""
        from seeds_tui.tui.screens.home import HomeScreen

        self.event_loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self.screen_change_signal.subscribe(self, self._screen_changed)
        if self.hang_up_pending:  # the terminal went away during start-up: nothing is open yet
            self.exit(0)
            return
        self.push_screen(HomeScreen())
        self.call_after_refresh(self._after_first_frame)
        if self.start_selfrating is not None:
            self.call_after_refresh(self._rate_at_start, self.start_selfrating)

    def _rate_at_start(self, record: SelfRating) -> None:
        """The practitioner's own machine: only the self-rating, then the app ends."""
        from seeds_tui.core.errors import SeedsError
        from seeds_tui.tui.screens.selfrating import SelfRatingScreen

        try:
            rubric = self.registry.get(record.rubric.id, record.rubric.version).rubric
        except SeedsError as exc:
            self.notify(str(exc), title="Cannot open the self-rating", severity="error", timeout=15)
            return

        def done(saved: SelfRating | None) -> None:
            self.exit(0 if saved is not None else 1)

        self.push_screen(SelfRatingScreen(record, rubric), done)

    def _after_first_frame(self) -> None:
        self._store_later.start()
        self._rubrics_later.start()
        self.run_worker(self._settle_start, thread=True, exit_on_error=False, group="start", name="reading the store and rubrics")

    def _settle_start(self) -> None:
        from seeds_tui.storage import settings as config

        theme = config.load_settings().get("theme")
        self._store_later.get()
        errors = list(self._rubrics_later.get().errors)
        self.call_from_thread(self._started, theme if isinstance(theme, str) else None, errors)

    def _started(self, theme: str | None, errors: list[object]) -> None:
        if theme is not None and theme in self.available_themes and theme != self.theme:
            self.theme = theme
        self._theme_restored = True
        for error in errors:
            self.notify(
                f"{error}\nFix the file, or remove it from the rubric folder.", title="Rubric file not usable", severity="error", timeout=20
            )
        from seeds_tui.tui.publishing import start_publishing  # behind the first frame: it reads the observation models

        start_publishing(self)  # finals to the team's shared store, when one is set (the store is open now)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
        dialog: Screen[Any] | None = None,
        replaces: bool = False,
    ) -> None:
        """Show a notification. Plain text by default: messages name files and folders, which may hold brackets.

        Control characters (from a file name, a rubric) are shown as visible stand-ins, never sent to the terminal.
        While a dialog is open the toast waits for it to close (``seeds_tui.tui.toasts``), unless it is
        that dialog's own message (``dialog``: the dialog saying it, as ``SeedsModal.notify`` passes).
        ``replaces``: it takes the place of any toast of the same title still showing or waiting.
        """
        from seeds_tui.core.text import printable

        if self._loop_thread is not None and self.event_loop is not None and threading.get_ident() != self._loop_thread:
            # From a thread worker: on the app's own loop, where the screens are known (without waiting
            # for it: a worker telling something as the app closes must not hang there).
            again = functools.partial(
                self.notify, message, title=title, severity=severity, timeout=timeout, markup=markup, replaces=replaces
            )
            with contextlib.suppress(RuntimeError):  # the loop is closed: the app is gone, and so is the screen
                self.event_loop.call_soon_threadsafe(again)
            return
        cap = TOAST_SECONDS.get(severity)
        if cap is not None:  # short-lived: a toast must not sit over the next thing read (errors stay as long as asked)
            timeout = min(self.NOTIFICATION_TIMEOUT if timeout is None else timeout, cap)
        toast = ToastText(printable(message), printable(title, newlines=False), severity, timeout, markup, replaces)
        self.toasts.notify(toast, from_dialog=dialog is not None and self._top_screen() is dialog)

    def _toast_room(self) -> tuple[int, int]:
        """Rows and text columns toasts may take: the top 55% below the title bar, 60% of the width (seeds.tcss)."""
        width, height = self.size
        return max(3, int(height * TOAST_ROOM)), max(10, int(width * 0.6) - 2)

    def _show_toast(self, toast: ToastText) -> None:
        super().notify(toast.message, title=toast.title, severity=toast.severity, timeout=toast.timeout, markup=toast.markup)
        # A screen just pushed may not have its toast rack yet when Textual handles the toast (it then draws
        # nothing, and nothing later does): ask again once the screen is drawn.
        self.call_after_refresh(self._refresh_notifications)
        # The rack is capped in height (seeds.tcss): the newest toast is the one kept in sight.
        self.call_after_refresh(self.call_after_refresh, self._newest_toast_in_sight)

    def _newest_toast_in_sight(self) -> None:
        for rack in self.screen.query("ToastRack"):
            rack.scroll_end(animate=False, immediate=True)

    def _clear_toasts(self) -> None:
        # In turn with the toasts asked for before (Textual adds each one when its message is handled).
        self.call_later(super().clear_notifications)
        self.call_later(self.call_after_refresh, self._drop_empty_toast_holders)

    def _drop_empty_toast_holders(self) -> None:
        """Textual takes a cleared toast off the screen but leaves its holder, a blank line that pushes
        every later toast one line further down the screen (towards the notes and the tally bar)."""
        for screen in self.screen_stack:
            for holder in screen.query("ToastHolder"):
                if not holder.children:
                    holder.remove()

    def clear_notifications(self) -> None:
        """Take every toast off the screen and forget those waiting for a dialog to close."""
        self.toasts.clear()

    def _top_screen(self) -> Screen[Any] | None:
        return self.screen_stack[-1] if self.screen_stack else None

    def _screen_changed(self, screen: Screen[Any]) -> None:
        """A dialog (or the command palette) on top holds the toasts back; another screen shows them."""
        top = self._top_screen()
        dialog = isinstance(top, ModalScreen)
        if self.toasts.screen_changed(dialog=dialog) and dialog:
            # The dialog's own toast rack is filled as it is first drawn: take them off it then too.
            self.call_after_refresh(super().clear_notifications)
        if dialog:
            # The screen under the dialog shows through it, toasts and all (Textual updates only the top
            # screen's toasts): take them off; that screen draws those still due again when it is back on top.
            for covered in self.screen_stack[:-1]:
                covered.query("ToastHolder").remove()
        self.call_after_refresh(self._drop_empty_toast_holders)  # toasts gone while the screen was covered

    def action_help_quit(self) -> None:
        """Ctrl+C copies text: say, in plain words, how to quit (Textual's own message is markup shown raw here)."""
        self.notify("Press Ctrl+Q to quit the app (your draft is kept).", title="Do you want to quit?")

    def watch_theme(self, theme: str) -> None:
        """Remember the chosen theme between runs."""
        # Only a theme the user chose: not Textual's default at start, not the one restored from the settings.
        if getattr(self, "_theme_restored", False):
            self.remember(theme=theme)

    def remember(self, **settings: object) -> None:
        """Save per-user settings; a config folder that cannot be written is not worth an error."""
        from seeds_tui.core.errors import SeedsError
        from seeds_tui.storage import settings as config

        with contextlib.suppress(SeedsError):
            config.save_settings(dict(settings))

    # -- controllers tell the screens ------------------------------------------------------------

    def _observation_changed(self, state_only: bool) -> None:
        if state_only:
            self.saves += 1
        else:
            self.edits += 1

    def _consensus_changed(self) -> None:
        self.saves += 1

    # -- observations ------------------------------------------------------------------------

    def start_observation(self, loaded: LoadedRubric, session: Session, carried: list[CarriedAction] | None = None) -> None:
        """Create a draft for ``session`` against ``loaded`` and open the scoring screen.

        ``carried``: the practitioner's open actions from earlier observations, as marked at set-up.
        """
        from seeds_tui.core.observation import Feedback, RubricRef, new_observation

        ref = RubricRef(id=loaded.rubric.id, version=loaded.rubric.version, sha256=loaded.sha256)
        obs = new_observation(rubric=ref, session=session, when=self.now_fn())
        if carried:
            obs = obs.model_copy(update={"feedback": Feedback(carried=carried)})
        self.remember(observer=session.observer)
        self.open_observation(obs, loaded)
        assert self.session is not None
        self.session.start_clock()

    def open_observation(self, obs: Observation, loaded: LoadedRubric | None = None, stage: Stage | None = None) -> None:
        """Open a draft to continue scoring, or a final observation read-only (review)."""
        from seeds_tui.core.errors import SeedsError
        from seeds_tui.tui.controllers.session import ObservationSession

        if loaded is None:
            try:
                loaded = self.registry.get(obs.rubric.id, obs.rubric.version)
            except SeedsError as exc:
                self.notify(str(exc), title="Cannot open the observation", severity="error", timeout=15)
                return
        self.session = ObservationSession(
            self,
            self.store,
            loaded,
            obs,
            clock_source=self.clock_source,
            now_fn=self.now_fn,
            delay=self.autosave_delay,
            on_change=self._observation_changed,
        )
        if self.session.mode == "draft":
            self.session.save_soon()
            self.remember(open_draft=obs.id)
        self.clear_notifications()  # the last observation's toasts ("Finalised", its files) are not about this one
        self.go_home()
        self.show_stage(stage or ("scoring" if self.session.mode == "draft" else "review"))
        if self.session.interrupted:
            self._ask_if_the_session_went_on(self.session)

    def _ask_if_the_session_went_on(self, session: ObservationSession) -> None:
        """A draft whose clock was running when the app stopped: did the session go on meanwhile?
        Yes adds the time since its last save to the session clock (and runs it); no keeps the clock
        as saved, paused."""
        from seeds_tui.core.text import format_elapsed, span_text
        from seeds_tui.tui.dialogs import ConfirmDialog

        gap = session.interruption_gap()
        saved = session.clock.elapsed()
        saved_at = session.observation.updated.astimezone().strftime("%H:%M")

        def answered(went_on: bool | None) -> None:
            if self.session is not session or not session.interrupted:
                return
            added = session.resume_interrupted(bool(went_on))
            if added:
                self.notify(
                    f"Added {format_elapsed(added)}: the session clock is at {format_elapsed(session.clock.elapsed())} and running.",
                    timeout=6,
                )
            else:
                self.notify(f"The session clock stays at {format_elapsed(saved)}, paused (t resumes it).", timeout=6)

        self.push_screen(
            ConfirmDialog(
                "Did the session go on?",
                f"The session clock was running when seeds-tui stopped. The draft was last saved at {saved_at}, "
                f"{span_text(gap)} ago, with the clock at {format_elapsed(saved)}.\n\n"
                f"If the session went on meanwhile, the time since then is added to it (the clock would be at "
                f"{format_elapsed(saved + gap)} now). If not, the clock keeps {format_elapsed(saved)}, paused.",
                yes="It went on: add the time",
                no="It did not: keep the time",
                focus_yes=gap < 3600,
            ),
            answered,
        )

    def go_home(self) -> None:
        """Close every screen above the home screen."""
        from seeds_tui.tui.screens.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def _stage_screens(self) -> dict[str, type[Screen[None]]]:
        from seeds_tui.tui.screens.after import AfterScreen
        from seeds_tui.tui.screens.review import ReviewScreen
        from seeds_tui.tui.screens.scoring import ScoringScreen

        return {"scoring": ScoringScreen, "after": AfterScreen, "review": ReviewScreen}

    def show_stage(self, stage: Stage) -> None:
        """Show a stage of the open observation (replacing the stage on screen, if any)."""
        if self.session is None:
            return
        if stage != "scoring":  # scoring is over: so is the session, and its clock stops
            self.session.end_session()
        screens = self._stage_screens()
        if isinstance(self.screen, tuple(screens.values())):
            if isinstance(self.screen, screens[stage]):
                return
            self.switch_screen(screens[stage]())
        else:
            self.push_screen(screens[stage]())

    async def close_observation(self) -> bool:
        """Save what is open and go back to the home screen. False if saving failed (stays open)."""
        session = self.session
        if session is not None:
            if session.mode == "draft":
                session.pause_clock()
                if not await session.flush():
                    self.notify_not_saved(session)
                    return False
                self.remember(open_draft="")
            elif session.mode == "correction" and session.has_unsaved:
                from seeds_tui.tui.dialogs import ConfirmDialog

                ok = await self.push_screen_wait(
                    ConfirmDialog(
                        "Unsaved correction",
                        "Your correction has not been saved. Leave it without saving?",
                        yes="Leave",
                        no="Stay",
                        yes_variant="error",
                    )
                )
                if not ok:
                    return False
        self.session = None
        self.go_home()
        from seeds_tui.tui.screens.home import HomeScreen

        if isinstance(self.screen, HomeScreen):
            self.screen.action_reload()
        return True

    def notify_not_saved(self, session: ObservationSession) -> None:
        """Explain that the draft is only in memory."""
        self.notify(
            f"{session.error or 'The draft could not be saved.'}\nThe observation is still open and kept in memory.",
            title="Draft not saved",
            severity="error",
            timeout=15,
        )

    # -- navigation ----------------------------------------------------------------------------

    def action_new_observation(self) -> None:
        """Set up a new observation: choose a rubric."""
        from seeds_tui.tui.screens.rubric import RubricScreen

        if not list(self.registry):
            self.notify(
                f"No usable rubric found in {', '.join(str(d) for d in self.registry.dirs)}.",
                title="No rubric",
                severity="error",
                timeout=15,
            )
            return
        if self.refused_on_shared_store("Score a new observation"):  # said now, not after the set-up form
            return
        self.clear_notifications()  # a new observation starts: the last one's toasts are done with
        self.push_screen(RubricScreen())

    def refused_on_shared_store(self, doing: str) -> bool:
        """True, having said so, when the open store is a team's shared store (``doing`` would write into it).

        The one check of every path that writes into the store (a new observation, a correction, the
        practitioner's response, a self-rating, a supervision note, the questionnaire, the events
        register, a consensus, discarding a draft): a shared store holds the finals the SPOs publish
        and nothing else, so each says what the share is for and how to open your own store instead.
        """
        if not self.records.shared:
            return False
        self.notify(
            f"{self.records.root} is a team's shared store: published finals, to read (Enter, w, s). "
            f"{doing} in your own store: seeds-tui without --store, or --store YOUR-FOLDER.",
            title="A shared store",
            severity="warning",
            timeout=15,
            markup=False,
            replaces=True,  # one refusal at a time: a second key replaces the first, not a stack
        )
        return True

    def open_session_form(self, loaded: LoadedRubric, typed_early: str = "") -> None:
        """The session details form for a new observation, with the keys typed while it was coming."""
        from seeds_tui.tui.screens.session_form import SessionScreen

        form = SessionScreen(loaded)
        form.type_early(typed_early)
        self.push_screen(form)

    def action_edit_details(self) -> None:
        """Open the session details of the open observation, prefilled, to change them."""
        from seeds_tui.tui.screens.session_form import SessionScreen

        session = self.session
        if session is None:
            self.notify("Open an observation first.", timeout=4)
            return
        if not session.editable:
            if self.refused_on_shared_store("Change a final's details (Correct, c)"):
                return
            self.notify("This observation is final and open read-only: choose Correct (c) on the review screen first.", timeout=6)
            return
        self.push_screen(SessionScreen(session.loaded, edit=session.observation.session))

    def action_open_calibration(self) -> None:
        """Open Calibration: double-scored sessions, their comparison and consensus."""
        from seeds_tui.tui.screens.calibration import CalibrationScreen

        if not isinstance(self.screen, CalibrationScreen):
            self.push_screen(CalibrationScreen())

    def open_comparison(
        self,
        session: CalibrationSession,
        pair: tuple[tuple[object, Observation], tuple[object, Observation]] | None = None,
    ) -> None:
        """The comparison of a ready session (or of ``pair`` of its files), after saying why not when it cannot be built."""
        from seeds_tui.calibration.agreement import NotReadyError, check_pair, compare
        from seeds_tui.core.errors import SeedsError
        from seeds_tui.tui.controllers.consensus import Pair
        from seeds_tui.tui.screens.comparison import ComparisonScreen
        from seeds_tui.tui.widgets.comparison import sentence

        (first_path, first), (second_path, second) = pair or (session.observations[0], session.observations[1])
        try:
            loaded = self.registry.get(first.rubric.id, first.rubric.version)
            warnings = check_pair(first, second)
            agreement = compare(first, second, loaded.rubric)
        except NotReadyError as exc:
            self.notify(sentence(str(exc)), title="Not ready to compare", timeout=8)
            return
        except SeedsError as exc:
            self.notify(str(exc), title="Cannot compare", severity="error", timeout=15)
            return
        assert isinstance(first_path, Path) and isinstance(second_path, Path)
        self.push_screen(ComparisonScreen(Pair(session, loaded, first, second, first_path, second_path), agreement, warnings))

    def consensus_for(self, pair: Pair, agreement: Agreement) -> ConsensusSession:
        """The consensus in progress for a pair: the one of this run, else carried on from its draft on disk."""
        from seeds_tui.tui.controllers.consensus import ConsensusSession, items_to_agree

        keys = [e.key for e in items_to_agree(agreement, pair.first, pair.second)]
        found = self.consensus.get(pair.key)
        if found is None or found.keys != keys or found.closed:
            found = ConsensusSession(
                self, self.store, pair, agreement, now_fn=self.now_fn, delay=self.autosave_delay, on_change=self._consensus_changed
            )
            self.consensus[pair.key] = found
        return found

    def open_consensus(self, pair: Pair, agreement: Agreement, on_saved: Callable[[object, Observation], None] | None = None) -> None:
        """Agree the consensus of a pair."""
        from seeds_tui.tui.screens.consensus import ConsensusScreen

        if self.refused_on_shared_store("Agree a consensus"):
            return
        self.push_screen(ConsensusScreen(self.consensus_for(pair, agreement), on_saved=on_saved))

    def consensus_recorded(self, pair: Pair) -> None:
        """The consensus of ``pair`` is recorded: its session is done."""
        self.consensus.pop(pair.key, None)

    def unsaved_consensus(self) -> list[str]:
        """Session references whose consensus in progress has changes not yet in its draft file."""
        return sorted({c.session_ref for c in self.consensus.values() if c.dirty})

    def action_open_team_summary(self) -> None:
        """Open the Team summary screen (imported only now: it needs pandas)."""
        try:
            from seeds_tui.tui.controllers.team_summary import TeamSummary
            from seeds_tui.tui.screens.team_summary import TeamSummaryScreen
        except ImportError:
            self.notify("The Team summary screen is not available in this build.", severity="error")
            return
        self.push_screen(TeamSummaryScreen(TeamSummary(self.store, self.registry)))

    # -- self-ratings ------------------------------------------------------------------------------

    def action_self_rating(self) -> None:
        """The practitioner's self-rating of the open observation (F6 after the session)."""
        if self.session is None:
            self.notify("Open an observation first, or choose one on the home screen and press p.", timeout=5)
            return
        self.open_selfrating(self.session.observation)

    def open_selfrating(self, obs: Observation, then: Callable[[], None] | None = None) -> None:
        """Choose the sections, hand over for the practitioner's self-rating (none of the observer's
        scores on screen), hand back, then show the gap; ``then`` runs when the gap is closed."""
        from seeds_tui.core.errors import SeedsError
        from seeds_tui.tui.dialogs import ConfirmDialog
        from seeds_tui.tui.screens.selfrating import GapScreen, SectionsDialog, SelfRatingScreen

        if self.refused_on_shared_store("Take the practitioner's self-rating"):
            return
        try:
            rubric = self.registry.get(obs.rubric.id, obs.rubric.version).rubric
        except SeedsError as exc:
            self.notify(str(exc), title="Cannot open the self-rating", severity="error", timeout=15)
            return

        def show_gap(record: SelfRating) -> None:
            self.push_screen(GapScreen(obs, record, rubric, self.selfratings.gaps(obs, record, rubric), then))

        def rated(record: SelfRating | None) -> None:
            if record is None:
                return

            def handed_back(observer: bool | None) -> None:
                if observer:
                    show_gap(record)

            self.push_screen(
                ConfirmDialog(
                    "Thank you",
                    f"Your self-rating is saved ({record.rated_count()} items rated). Please hand the laptop back to the observer.",
                    yes="I am the observer: show the gap",
                    no="Later",
                ),
                handed_back,
            )

        def chosen(sections: list[str] | None) -> None:
            if sections is None:
                return
            try:
                record = self.selfratings.start(obs, sections, self.current_date)
            except SeedsError as exc:
                self.notify(str(exc), title="Cannot open the self-rating", severity="error", timeout=15)
                return
            self.push_screen(SelfRatingScreen(record, rubric), rated)

        try:
            kept = self.selfratings.of(obs.id)
        except SeedsError as exc:
            self.notify(str(exc), title="Cannot read the self-ratings", severity="error", timeout=15)
            return
        if kept is not None and kept.ratings:

            def again(rate_again: bool | None) -> None:
                if rate_again:
                    self.push_screen(SectionsDialog(rubric), chosen)
                elif rate_again is False:
                    show_gap(kept)

            self.push_screen(
                ConfirmDialog(
                    "Self-rating kept",
                    f"{kept.practitioner} has rated {kept.rated_count()} items of this session. Show the gap, or hand over to rate again?",
                    yes="Hand over again",
                    no="Show the gap",
                    focus_yes=False,
                ),
                again,
            )
            return
        self.push_screen(SectionsDialog(rubric), chosen)

    def open_team_summary(self) -> None:
        """Open the Team summary screen (the home screen's s)."""
        self.action_open_team_summary()

    # -- the questionnaire people on probation fill in ------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No command palette while a person on probation holds the laptop (the questionnaire's form and
        thank-you: ``HANDED_OVER``), so that nothing of the store can be reached from there."""
        if action == "command_palette" and getattr(self.screen, "HANDED_OVER", False):
            return False
        return super().check_action(action, parameters)

    def action_open_questionnaire(self) -> None:
        """Open the questionnaire's set-up (the home screen's q): staff say the team, then hand the laptop over."""
        from seeds_tui.tui.controllers.voice import Voice
        from seeds_tui.tui.screens.voice import VoiceSetupScreen

        if self.refused_on_shared_store("Hand over the questionnaire"):
            return
        if self._voice is None:
            self._voice = Voice(self.store)
        self.push_screen(VoiceSetupScreen(self._voice))

    def start_questionnaire(self, team: str, practitioner: str | None, *, replace: bool = False) -> None:
        """The form for one person (``replace``: in place of the thank-you screen)."""
        from seeds_tui.tui.controllers.voice import Voice
        from seeds_tui.tui.screens.voice import VoiceFormScreen

        if self._voice is None:
            self._voice = Voice(self.store)
        form = VoiceFormScreen(self._voice, team, practitioner)
        if replace:
            self.switch_screen(form)
        else:
            self.push_screen(form)

    def questionnaire_done(self, team: str, practitioner: str | None, *, sent: bool) -> None:
        """The neutral thank-you in place of the form (so that no answer can be gone back to)."""
        from seeds_tui.tui.screens.voice import VoiceThanksScreen

        self.switch_screen(VoiceThanksScreen(team, practitioner, sent=sent))

    def close_questionnaire(self) -> None:
        """Staff are back: from the thank-you to the home screen."""
        from seeds_tui.tui.screens.voice import VoiceSetupScreen

        self.pop_screen()
        if isinstance(self.screen, VoiceSetupScreen):
            self.pop_screen()

    # -- supervision and the development record ------------------------------------------------

    @property
    def development(self) -> Development:
        """Supervision notes and development records, for the screens."""
        if self._development is None:
            from seeds_tui.tui.controllers.development import Development

            self._development = Development(self.store)
        return self._development

    def open_supervision(self, practitioner: str, team: str = "") -> None:
        """Record a supervision note for ``practitioner`` (the home screen's v); the supervisor is the observer named in settings."""
        from seeds_tui.tui.screens.supervision import SupervisionScreen

        if self.refused_on_shared_store("Record a supervision note"):
            return
        me = self.records.setting("observer")
        supervisor = me if isinstance(me, str) else ""
        self.push_screen(SupervisionScreen(self.development, practitioner, team, supervisor=supervisor, today=self.current_date))

    def open_development_record(self, practitioner: str) -> None:
        """The practitioner's development record (the home screen's l)."""
        from seeds_tui.tui.screens.development import DevelopmentScreen

        self.push_screen(DevelopmentScreen(self.development, practitioner, today=self.current_date))

    def action_open_event_register(self) -> None:
        """Open the register of training events and action learning sets (the home screen's e)."""
        self.open_event_register()

    def open_event_register(self, new: EventDraft | None = None) -> None:
        """The register of training events and action learning sets; with ``new``, its form opens filled in so far."""
        from seeds_tui.tui.controllers.events import EventRegister
        from seeds_tui.tui.screens.events import EventsScreen

        if self.refused_on_shared_store("Keep the register of events"):
            return
        self.push_screen(EventsScreen(EventRegister(self.store, self.registry), new=new))

    # -- actions -------------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key of the current screen."""
        from seeds_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_save_now(self) -> None:
        """Save now: the draft (it is also saved automatically), or a correction."""
        from seeds_tui.core.errors import SeedsError

        session = self.session
        if session is None:
            self.notify("Nothing open to save.", timeout=3)
            return
        if session.mode == "correction":
            try:
                path = await session.save_correction()
            except SeedsError as exc:
                self.notify(str(exc), title="Correction not saved", severity="error", timeout=15)
            else:
                self.tell_correction_saved(session.correction_note(path))
            return
        if session.mode == "final":
            self.notify("This observation is final and unchanged.", timeout=4)
            return
        if await session.flush(timeout=10):
            self.notify(f"Draft saved: {session.path}", timeout=4)
        else:
            self.notify_not_saved(session)

    def tell_correction_saved(self, note: tuple[str, bool]) -> None:
        """After a correction: where the earlier revision is kept and how to purge it; a dialog
        (to be read, not missed) when the personal-data check flagged notes of that revision."""
        from seeds_tui.tui.dialogs import MessageDialog

        text, flagged = note
        if flagged:
            self.push_screen(MessageDialog("Correction saved: the earlier revision is kept", text))
        else:
            self.notify(text, title="Saved", timeout=12)

    def action_stage(self, stage: Stage) -> None:
        """Go to a stage of the open observation."""
        if self.session is None:
            self.notify("Open or start an observation first.", timeout=3)
            return
        self.show_stage(stage)

    async def action_quit(self) -> None:
        """Quit. Every kind of unsaved work is saved first; if some cannot be, ask before losing it.

        A screen may hold Ctrl+Q back (``hold_quit``: the questionnaire in the hands of a person on probation)."""
        from seeds_tui.tui.dialogs import ConfirmDialog, TextEntryDialog

        holder = next((screen for screen in reversed(self.screen_stack) if callable(getattr(screen, "hold_quit", None))), None)
        if holder is not None:
            while self.screen is not holder and isinstance(self.screen, ModalScreen):  # F1 opened over the form
                self.pop_screen()
            if holder.hold_quit():  # type: ignore[attr-defined]
                return
        problems = [p for c in self.consensus.values() if (p := c.save_now()) is not None]
        if problems:

            def answered_consensus(quit_anyway: bool | None) -> None:
                if quit_anyway:
                    self.exit(1, message=f"seeds-tui: the consensus in progress could not be saved: {problems[0]}")

            self.push_screen(
                ConfirmDialog(
                    "Quit without saving the consensus?",
                    f"{problems[0]}\n\nThe consensus choices and rationales since the last save are only in memory. "
                    "Quit anyway and lose them?",
                    yes="Quit and lose them",
                    no="Stay",
                    yes_variant="error",
                ),
                answered_consensus,
            )
            return
        session = self.session
        if isinstance(self.screen, TextEntryDialog) and session is not None and session.editable:
            self.screen.action_done()  # a note being written is kept, not thrown away
        if session is not None and session.mode == "draft":
            was_running = session.clock.running
            session.pause_clock()
            if not await session.flush(timeout=5):

                def answered(quit_anyway: bool | None) -> None:
                    if quit_anyway:
                        problem = session.save_on_exit()
                        self.exit(1, message=f"seeds-tui: the draft could not be saved: {problem or session.error}")
                    elif was_running:
                        session.start_clock()  # staying: the session goes on, and so does its clock

                if session.kept_aside is not None:
                    # Someone else saved the draft: ours is kept aside, and kept up to date on quitting.
                    question = f"{session.error}\n\nQuit now? Your latest changes go to that file, not to the draft."
                    yes = "Quit"
                elif session.busy or session.autosave.writing:
                    question = (
                        "The store is busy (another program is saving into it), so your latest changes are not written yet.\n\n"
                        "Quit anyway? They are kept in a file of their own, and the terminal says where."
                    )
                    yes = "Quit"
                else:
                    question = f"{session.error}\n\nThe changes since the last save are only in memory. Quit anyway and lose them?"
                    yes = "Quit and lose changes"
                self.push_screen(
                    ConfirmDialog("Quit without saving?", question, yes=yes, no="Stay", yes_variant="error"),
                    answered,
                )
                return
            self.remember(open_draft="")
            self.exit(0, message=f"seeds-tui: your draft is saved ({session.path}); resume it from the home screen next time.")
            return
        if session is not None and session.mode == "correction" and session.has_unsaved:

            def answered_correction(quit_anyway: bool | None) -> None:
                if quit_anyway:
                    self.exit(0)

            self.push_screen(
                ConfirmDialog(
                    "Unsaved correction",
                    "Your correction has not been saved (Ctrl+S saves it). Quit anyway?",
                    yes="Quit",
                    no="Stay",
                    yes_variant="error",
                ),
                answered_correction,
            )
            return
        unsaved_form = self._unsaved_form_text()
        if unsaved_form:
            self.rescued.append(unsaved_form)
        self.exit(0)

    def _unsaved_form_text(self) -> str | None:
        """Keep what is typed in an open set-up form (it has no file of its own yet); the message saying where."""
        from seeds_tui.tui.rescue import keep_unsaved_forms

        return keep_unsaved_forms(self)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The command palette: context commands first, then Textual's own."""
        session = self.session
        if session is not None:
            jump = getattr(screen, "go_to_section", None)
            if callable(jump):
                for index, section in enumerate(session.rubric.sections):
                    yield SystemCommand(
                        f"Jump to section: {section.title}",
                        f"Section {index + 1} of {len(session.rubric.sections)}",
                        _bind(jump, index),
                    )
            yield SystemCommand("Save now", "Save the open observation now (it is also saved automatically)", self.action_save_now)
            yield SystemCommand("Scoring", "Score the sections (F2)", _bind(self.show_stage, "scoring"))
            yield SystemCommand("After the session", "Global ratings and the feedback conversation (F3)", _bind(self.show_stage, "after"))
            yield SystemCommand("Review summary", "Summary of the whole observation; finalise (F4)", _bind(self.show_stage, "review"))
            if session.mode == "draft":
                yield SystemCommand("Finalise", "Validate and write the final file", self._palette_finalise)
            yield SystemCommand("Close observation", "Save and go back to the list of observations", self.close_observation)
        yield SystemCommand(
            "Open team summary", "Team results by section, item, composite, quarter and theme", self.action_open_team_summary
        )
        yield SystemCommand(
            "Training events and action learning sets",
            "The register: add, edit or remove training days and teams' action learning sets (e on the home screen)",
            self.action_open_event_register,
        )
        yield SystemCommand("Keys", "Every key of this screen (F1)", self.action_help)
        # Textual's own "Keys" entry would stand beside ours (F1), which lists this app's keys.
        yield from (c for c in super().get_system_commands(screen) if c.title != "Keys")

    def _palette_finalise(self) -> None:
        self.show_stage("review")
        self.call_after_refresh(self.run_action, "screen.finalise")

    # -- the one funnel for unexpected errors -------------------------------------------------------

    @on(Worker.StateChanged)
    def _app_worker_state(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self._worker_failed(event.worker)

    @on(WorkerFailed)
    def _screen_worker_failed(self, event: WorkerFailed) -> None:
        self._worker_failed(event.worker)

    def _worker_failed(self, worker: Worker[object]) -> None:
        """A worker raised: keep the user's work, write a report without any of their text, and say so in a dialog."""
        from seeds_tui.storage.crash import write_crash_report
        from seeds_tui.tui.dialogs import MessageDialog

        error = worker.error
        report = write_crash_report(error) if isinstance(error, BaseException) else None
        kept = self.save_everything_now()
        what = worker.name or "a background task"
        text = (
            f"Something went wrong while {what} (a bug, not something you did). Your work is kept"
            + (": " + " ".join(kept) if kept else " in memory and in the store as usual.")
            + (f"\n\nA report without any of your text is in {report}." if report is not None else "")
        )
        self.push_screen(MessageDialog("Something went wrong", text))

    def _handle_exception(self, error: Exception) -> None:
        """The last resort for an exception nobody caught: never Textual's traceback (it shows locals, i.e. what was typed).

        The app closes; ``run_app`` saves what can be saved, writes a crash report without any
        field values and prints one plain paragraph. Tests still see the exception (``run_test``
        re-raises it).
        """
        from textual.css.query import NoMatches

        if self.closing and isinstance(error, NoMatches):
            # A hang-up closed the app between two steps of a screen being shown (the Team summary
            # still mounting, say): its handlers now look for widgets already torn down. The work is
            # saved and the app is closing as asked: nothing went wrong for the user.
            return
        self.crash = error
        self._return_code = 3
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    def saved_where(self) -> list[str]:
        """Where work that is safe in its own file is (said on the terminal after a hang-up, so the user finds it)."""
        places: list[str] = []
        session = self.session
        if session is not None and session.mode == "draft" and session.kept_aside is None and not session.autosave.dirty:
            places.append(f"your draft is saved ({session.path}); resume it from the home screen next time")
        for consensus in self.consensus.values():
            if consensus.touched and not consensus.dirty and not consensus.closed and consensus.path is not None:
                places.append(
                    f"the consensus in progress for {consensus.session_ref} is saved ({consensus.path}); "
                    "compare the session again from Calibration to go on"
                )
        return places

    def save_everything_now(self) -> list[str]:
        """Write every kind of unsaved work now (synchronously); messages about what went elsewhere or was lost."""
        from seeds_tui.tui.rescue import keep_unsaved_forms

        problems: list[str] = []
        if self.session is not None:
            problem = self.session.save_on_exit()
            if problem:
                problems.append(problem)
        problems.extend(p for c in self.consensus.values() if (p := c.save_now()) is not None)
        form = keep_unsaved_forms(self)
        if form:
            problems.append(form)
        return problems


def _bind(func: Callable[..., object], *args: object) -> Callable[[], object]:
    def call() -> object:
        return func(*args)

    return call


def create_app(
    store: Store | Callable[[], Store],
    registry: RubricRegistry | Callable[[], RubricRegistry],
    *,
    today: date | None = None,
    clock_source: Callable[[], float] = time.monotonic,
    now_fn: Callable[[], datetime] = _now,
    autosave_delay: float = AUTOSAVE_DELAY,
    offer_resume: bool = True,
) -> SeedsApp:
    """Build the app for a store and the known rubrics (used by ``run_app`` and by the tests).

    ``store`` and ``registry`` may be given as functions that build them: they are then built
    in the background after the first frame. ``today``, ``clock_source`` and ``now_fn`` freeze
    the date and clocks for tests and snapshots.
    """
    return SeedsApp(
        store,
        registry,
        today=today,
        clock_source=clock_source,
        now_fn=now_fn,
        autosave_delay=autosave_delay,
        offer_resume=offer_resume,
    )
