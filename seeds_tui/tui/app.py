"""The seeds-tui app: ``create_app`` builds it (for the CLI and the tests), ``run_app`` runs it.

Start-up imports no pandas: the Team summary screen is imported only when opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import CarriedAction, Feedback, Observation, RubricRef, Session, new_observation, now
from seeds_tui.core.rubric import LoadedRubric, RubricRegistry
from seeds_tui.storage import settings as config
from seeds_tui.storage.store import Store
from seeds_tui.tui.publishing import start_publishing
from seeds_tui.tui.session import AUTOSAVE_DELAY, ObservationSession

Stage = Literal["scoring", "after", "review"]


class SeedsApp(App[int]):
    """Score a live session section by section, then feedback, review and finalise."""

    CSS_PATH = Path(__file__).with_name("seeds.tcss")
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

    def __init__(
        self,
        store: Store,
        registry: RubricRegistry,
        *,
        today: date | None = None,
        clock_source: Callable[[], float] = time.monotonic,
        now_fn: Callable[[], datetime] = now,
        autosave_delay: float = AUTOSAVE_DELAY,
        offer_resume: bool = True,
    ) -> None:
        super().__init__()
        self.store = store
        self.registry = registry
        self.today = today
        self.clock_source = clock_source
        self.now_fn = now_fn
        self.autosave_delay = autosave_delay
        self.offer_resume = offer_resume
        self.session: ObservationSession | None = None
        self.resume_offered = False

    # -- start-up ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        """Restore the theme, show the home screen, report broken rubric files."""
        theme = config.load_settings().get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        from seeds_tui.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        self.call_after_refresh(self._report_rubric_errors)
        self.call_after_refresh(start_publishing, self)  # finals to the team's shared store, when one is set

    def _report_rubric_errors(self) -> None:
        for error in self.registry.errors:
            self.notify(
                f"{error}\nFix the file, or remove it from the rubric folder.", title="Rubric file not usable", severity="error", timeout=20
            )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show a notification. Plain text by default: messages name files and folders, which may hold brackets."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def watch_theme(self, theme: str) -> None:
        """Remember the chosen theme between runs."""
        if self.is_mounted:
            self.remember(theme=theme)

    def remember(self, **settings: object) -> None:
        """Save per-user settings; a config folder that cannot be written is not worth an error."""
        with contextlib.suppress(SeedsError):
            config.save_settings(dict(settings))

    @property
    def current_date(self) -> date:
        """Today (or the date the tests froze)."""
        return self.today or date.today()

    # -- observations ------------------------------------------------------------------------

    def start_observation(self, loaded: LoadedRubric, session: Session, carried: list[CarriedAction] | None = None) -> None:
        """Create a draft for ``session`` against ``loaded`` and open the scoring screen.

        ``carried``: the practitioner's open actions from earlier observations, as marked at set-up.
        """
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
        if loaded is None:
            try:
                loaded = self.registry.get(obs.rubric.id, obs.rubric.version)
            except SeedsError as exc:
                self.notify(str(exc), title="Cannot open the observation", severity="error", timeout=15)
                return
        self.session = ObservationSession(
            self, self.store, loaded, obs, clock_source=self.clock_source, now_fn=self.now_fn, delay=self.autosave_delay
        )
        if self.session.mode == "draft":
            self.session.save_soon()
            self.remember(open_draft=obs.id)
        self.go_home()
        self.show_stage(stage or ("scoring" if self.session.mode == "draft" else "review"))

    def go_home(self) -> None:
        """Close every screen above the home screen."""
        from seeds_tui.tui.screens.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def show_stage(self, stage: Stage) -> None:
        """Show a stage of the open observation (replacing the stage on screen, if any)."""
        if self.session is None:
            return
        from seeds_tui.tui.screens.after import AfterScreen
        from seeds_tui.tui.screens.review import ReviewScreen
        from seeds_tui.tui.screens.scoring import ScoringScreen

        screens: dict[str, type[Screen]] = {"scoring": ScoringScreen, "after": AfterScreen, "review": ReviewScreen}
        screen = screens[stage]()
        if isinstance(self.screen, (ScoringScreen, AfterScreen, ReviewScreen)):
            if isinstance(self.screen, screens[stage]):
                return
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

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
            self.screen.refresh_list()
        return True

    def notify_not_saved(self, session: ObservationSession) -> None:
        """Explain that the draft is only in memory."""
        self.notify(
            f"{session.error or 'The draft could not be saved.'}\nThe observation is still open and kept in memory.",
            title="Draft not saved",
            severity="error",
            timeout=15,
        )

    # -- actions -------------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key of the current screen."""
        from seeds_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_save_now(self) -> None:
        """Save now: the draft (it is also saved automatically), or a correction."""
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
                self.notify(f"Correction saved as a new revision: {path}", title="Saved", timeout=8)
            return
        if session.mode == "final":
            self.notify("This observation is final and unchanged.", timeout=4)
            return
        if await session.flush():
            self.notify(f"Draft saved: {session.path}", timeout=4)
        else:
            self.notify_not_saved(session)

    def action_stage(self, stage: Stage) -> None:
        """Go to a stage of the open observation."""
        if self.session is None:
            self.notify("Open or start an observation first.", timeout=3)
            return
        self.show_stage(stage)

    async def action_quit(self) -> None:
        """Quit. The draft is saved first; if it cannot be, ask before losing it."""
        from seeds_tui.tui.screens.consensus import consensus_saved_before_quit

        if not consensus_saved_before_quit(self):
            return  # a consensus in progress could not be saved: the user was asked whether to quit anyway
        session = self.session
        from seeds_tui.tui.dialogs import TextEntryDialog

        if isinstance(self.screen, TextEntryDialog) and session is not None and session.editable:
            self.screen.action_done()  # a note being written is kept, not thrown away
        if session is not None and session.mode == "draft":
            was_running = session.clock.running
            session.pause_clock()
            if not await session.flush():
                from seeds_tui.tui.dialogs import ConfirmDialog

                def answered(quit_anyway: bool | None) -> None:
                    if quit_anyway:
                        self.exit(1, message=f"seeds-tui: the draft could not be saved: {session.error}")
                    elif was_running:
                        session.start_clock()  # staying: the session goes on, and so does its clock

                if session.kept_aside is not None:
                    # Someone else saved the draft: ours is kept aside, and kept up to date on quitting.
                    question = f"{session.error}\n\nQuit now? Your latest changes go to that file, not to the draft."
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
            from seeds_tui.tui.dialogs import ConfirmDialog

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
        self.exit(0)

    def open_team_summary(self) -> None:
        """Open the Team summary screen (imported only now: it needs pandas)."""
        try:
            from seeds_tui.tui.screens.team_summary import TeamSummaryScreen
        except ImportError:
            self.notify("The Team summary screen is not available in this build.", severity="error")
            return
        self.push_screen(TeamSummaryScreen(self.store, self.registry))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette: context commands first, then Textual's own."""
        from seeds_tui.tui.screens.scoring import ScoringScreen

        session = self.session
        if session is not None:
            if isinstance(screen, ScoringScreen):
                for index, section in enumerate(session.rubric.sections):
                    yield SystemCommand(
                        f"Jump to section: {section.title}",
                        f"Section {index + 1} of {len(session.rubric.sections)}",
                        _bind(screen.go_to_section, index),
                    )
            yield SystemCommand("Save now", "Save the open observation now (it is also saved automatically)", self.action_save_now)
            yield SystemCommand("Scoring", "Score the sections (F2)", _bind(self.show_stage, "scoring"))
            yield SystemCommand("After the session", "Global ratings and the feedback conversation (F3)", _bind(self.show_stage, "after"))
            yield SystemCommand("Review summary", "Summary of the whole observation; finalise (F4)", _bind(self.show_stage, "review"))
            if session.mode == "draft":
                yield SystemCommand("Finalise", "Validate and write the final file", self._palette_finalise)
            yield SystemCommand("Close observation", "Save and go back to the list of observations", self.close_observation)
        yield SystemCommand("Open team summary", "Team results by section, item, composite, quarter and theme", self.open_team_summary)
        yield SystemCommand("Keys", "Every key of this screen (F1)", self.action_help)
        # Textual's own "Keys" entry would stand beside ours (F1), which lists this app's keys.
        yield from (c for c in super().get_system_commands(screen) if c.title != "Keys")

    def _palette_finalise(self) -> None:
        self.show_stage("review")
        self.call_after_refresh(self._finalise_on_review)

    def _finalise_on_review(self) -> None:
        from seeds_tui.tui.screens.review import ReviewScreen

        if isinstance(self.screen, ReviewScreen):
            self.screen.action_finalise()


def _bind(func: Callable[..., object], *args: object) -> Callable[[], object]:
    def call() -> object:
        return func(*args)

    return call


def create_app(
    store: Store,
    registry: RubricRegistry,
    *,
    today: date | None = None,
    clock_source: Callable[[], float] = time.monotonic,
    now_fn: Callable[[], datetime] = now,
    autosave_delay: float = AUTOSAVE_DELAY,
    offer_resume: bool = True,
) -> SeedsApp:
    """Build the app for a store and the known rubrics (used by ``run_app`` and by the tests).

    ``today``, ``clock_source`` and ``now_fn`` freeze the date and clocks for tests and snapshots.
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


def run_app(store: str | None, rubric_dirs: list[str]) -> int:
    """Open the app on a store folder (None: the default store) with extra rubric folders.

    SIGHUP (the terminal went away: an SSH connection dropped, the window closed) and SIGTERM
    (the system asks us to stop) save the open draft and any consensus in progress at once, then
    close the app as Ctrl+Q does.
    """
    registry = RubricRegistry.default([Path(d) for d in rubric_dirs])
    app = create_app(Store(store), registry)
    problems: list[str] = []

    def save_and_close() -> None:
        # Runs on the event loop, between two tasks: never inside a save that holds a lock.
        try:
            problems.extend(save_everything_now(app))
        except Exception as exc:  # a bug must not stop the close; the final save below tries again
            problems.append(f"saving on hang-up failed ({type(exc).__name__})")
        app.exit(1 if problems else 0)

    def hang_up(signum: int, frame: object) -> None:
        # Only hand the work to the event loop: a signal handler runs between any two steps of the
        # main thread, perhaps inside a save, so it must not save itself. A second signal (bash
        # passes SIGHUP on to its jobs too) changes nothing.
        for sig in HANG_UP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # the app is not running yet: nothing is open, just do not start
            app.exit(0)
            return
        loop.call_soon_threadsafe(save_and_close)

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = {sig: signal.signal(sig, hang_up) for sig in HANG_UP_SIGNALS} if in_main_thread else {}
    try:
        result = app.run()
    finally:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)  # the last save below must not be cut short
    try:
        # The terminal closed or the app stopped without Ctrl+Q: save what the autosave had not.
        problems.extend(save_everything_now(app))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    for problem in dict.fromkeys(problems):
        print(f"seeds-tui: {problem}", file=sys.stderr)
    return 1 if problems else int(result or 0)


#: The signals that close the app after saving.
HANG_UP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)


def save_everything_now(app: SeedsApp) -> list[str]:
    """Write the open draft and any consensus in progress now (synchronously); what could not be saved."""
    from seeds_tui.tui.screens.consensus import save_consensus_drafts_now

    problems: list[str] = []
    if app.session is not None:
        problem = app.session.save_on_exit()
        if problem:
            problems.append(problem)
    problems.extend(save_consensus_drafts_now(app))
    return problems
