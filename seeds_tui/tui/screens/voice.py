"""The questionnaire people on probation fill in on the laptop after their session.

Three screens, none of which shows any record of the store:

* ``VoiceSetupScreen`` (for staff): the team, and optionally the practitioner, the answers are for;
  then the laptop is handed over.
* ``VoiceFormScreen`` (for the person): one statement at a time in large, plain type, with six big
  choices (the five points of the agree scale and "Prefer not to say"), picked with the digits 1-5
  (0 or p: prefer not to say), the arrow keys and Enter, or the mouse; Esc goes back one statement.
  Then an optional comment, and Send.
* ``VoiceThanksScreen``: a neutral thank-you that shows none of the answers, so the next person
  sees nothing of them (n: the next person, on the same set-up; Esc: staff go back).

Store work goes through the questionnaire controller (``seeds_tui.tui.controllers.voice``);
navigation through the app (``seeds_tui.tui.protocol``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from seeds_tui.core.errors import SeedsError
from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.widgets.forms import field_row, known_hint, suggest
from seeds_tui.tui.widgets.safe import plain
from seeds_tui.tui.widgets.text import LineInput, NoteArea

if TYPE_CHECKING:
    from seeds_tui.core.questionnaire import Questionnaire
    from seeds_tui.tui.controllers.voice import Voice

#: The longest comment (as the response format allows).
COMMENT_LIMIT = 1000

#: The key of each choice, in the order shown (the five points, then prefer not to say).
CHOICE_KEYS = ("1", "2", "3", "4", "5", "0")

#: What the keys do, under the choices.
KEYS_HINT = "Press a number, or use ↑ ↓ and Enter.  Esc: back."
#: Said on the first statement after one Esc (a person pressing it by mistake does not lose the form).
LEAVE_HINT = "Press Esc again to stop without sending any answers, or pick an answer to go on."
#: Said after one Ctrl+Q on the form: the app does not quit under the person (nor lose their answers unsaid).
STOP_HINT = (
    "Ctrl+Q does not close the questionnaire straight away. Press Ctrl+Q again to stop without sending any answers, or go on answering."
)


class VoiceSetupScreen(SeedsScreen[None]):
    """For staff: which team (and, optionally, practitioner) the answers are for; then hand the laptop over."""

    BINDINGS = [
        Binding("ctrl+s", "start", "Start", id="voice.start", tooltip="Show the questionnaire, ready to hand over"),
        Binding("escape", "back", "Back", id="voice.back", tooltip="Back to the list of observations"),
    ]

    def __init__(self, voice: Voice) -> None:
        super().__init__()
        self.voice = voice

    def compose(self) -> ComposeResult:
        """What the questionnaire is, the team and practitioner fields, Start."""
        teams = self.voice.team_names()
        yield Static(plain("Questionnaire for people on probation · set up (for staff)"), classes="topbar")
        with VerticalScroll(id="voice-setup"):
            yield Static(
                plain(
                    "After the session, hand the laptop to the person on probation. Their answers are anonymous: "
                    "only the month and the team are kept, never a name or a case reference."
                ),
                classes="voice-explain",
            )
            yield from field_row(
                "Team",
                LineInput(id="voice-team", placeholder=known_hint(teams), suggester=suggest(teams), what="A team name", classes="moves-on"),
            )
            yield from field_row(
                "Practitioner",
                LineInput(id="voice-practitioner", placeholder="optional", what="A name", classes="moves-on"),
            )
            yield Static(
                plain(
                    "The practitioner is optional: it puts the answers and any comment in that practitioner's own "
                    "development record only. No team view shows it."
                ),
                classes="dim voice-explain",
            )
            with Horizontal(classes="voice-buttons"):
                yield Button("Start the questionnaire", id="voice-start", variant="primary")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """The team field first."""
        self.query_one("#voice-team", Input).focus()

    @on(Button.Pressed, "#voice-start")
    def _start_pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        """Open the form for the team (and practitioner) typed."""
        team = self.query_one("#voice-team", Input).value.strip()
        practitioner = self.query_one("#voice-practitioner", Input).value.strip() or None
        if not team:
            self.notify("Type the team the answers are for.", severity="warning")
            self.query_one("#voice-team", Input).focus()
            return
        try:
            self.voice.questionnaire()
        except SeedsError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.seeds.start_questionnaire(team, practitioner)

    def action_back(self) -> None:
        """Back to the home screen."""
        self.dismiss(None)


class AnswerList(OptionList):
    """The six choices of one statement: digits pick one at once (1-5; 0 or p: prefer not to say)."""

    BINDINGS = [
        *(Binding(key, f"pick({n})", f"Choice {key}", show=False) for n, key in enumerate(CHOICE_KEYS)),
        Binding("p", "pick(5)", "Prefer not to say", show=False),
    ]

    def action_pick(self, index: int) -> None:
        """Pick the choice at ``index`` (as Enter on it does)."""
        self.highlighted = index
        self.action_select()


class VoiceFormScreen(SeedsScreen[None]):
    """One statement at a time, large and plain; then a comment; then Send. Shows no record of the store."""

    #: A person on probation holds the laptop: the app offers no command palette here.
    HANDED_OVER = True

    # The footer says what the keys do here: Ctrl+Q stops without sending (the app's own Ctrl+Q, still
    # the one that runs, asks and never quits from this screen: ``hold_quit``); Esc goes back a
    # question, and on the first one stops too. A screen's binding of a key is shown instead of the app's.
    BINDINGS = [
        Binding("escape", "back", "Previous question", id="voice.form.back", tooltip="The statement before"),
        Binding("escape", "leave", "Stop (press twice)", id="voice.form.leave", tooltip="Twice: stop without sending any answers"),
        Binding(
            "ctrl+q", "app.quit", "Stop, send nothing", priority=True, id="voice.form.stop",
            tooltip="Twice: stop without sending any answers (the app does not quit from here)",
        ),
    ]  # fmt: skip

    def __init__(self, voice: Voice, team: str, practitioner: str | None) -> None:
        super().__init__()
        self.voice = voice
        self.team = team
        self.practitioner = practitioner
        self.questionnaire: Questionnaire = voice.questionnaire()
        #: The answers given so far, by statement id (a point, or "prefer-not-to-say").
        self.answers: dict[str, int | str] = {}
        #: Which step shows: a statement's index, or ``len(statements)`` for the comment and Send.
        self.step = 0
        #: Esc was pressed once on the first statement (a second Esc leaves without sending).
        self._leaving = False
        #: Ctrl+Q was pressed once (a second one stops without sending; the app never quits from here).
        self._stopping = False

    def compose(self) -> ComposeResult:
        """The title, the statement, its choices; the comment step (hidden until the end)."""
        q = self.questionnaire
        yield Static(plain(q.title), classes="topbar")
        with Vertical(id="voice-form"):
            if q.intro:
                yield Static(plain(q.intro), id="voice-intro", classes="dim voice-explain")
            yield Static("", id="voice-progress")
            yield Static("", id="voice-statement")
            yield AnswerList(*self._choices(), id="voice-choices")
            yield Static(plain(KEYS_HINT), id="voice-keys", classes="dim")
            with Vertical(id="voice-end"):
                yield Static(plain(q.comment or "That is all the questions. Thank you."), id="voice-comment-prompt")
                comment = NoteArea(id="voice-comment", max_length=COMMENT_LIMIT, what="Your comment")
                comment.display = q.comment is not None
                yield comment
                yield Static(
                    plain(
                        "You can leave it empty. To send, press Tab, then Enter (or click 'Send my answers')."
                        if q.comment
                        else "Press Enter (or click 'Send my answers') to send. Esc: back to the last question."
                    ),
                    id="voice-send-keys",
                    classes="dim",
                )
                yield Static("", id="voice-comment-problem")
                with Horizontal(classes="voice-buttons"):
                    yield Button("Send my answers", id="voice-send", variant="success")
                    yield Button("Back", id="voice-back")
            yield Static("", id="voice-stop")
        yield Footer(compact=True)

    def _choices(self) -> list[Option | None]:
        q = self.questionnaire
        labels = [f" {n}   {q.label(n)}" for n in range(1, 6)] + [" 0   Prefer not to say"]
        out: list[Option | None] = []
        for key, label in zip(CHOICE_KEYS, labels, strict=True):
            out.append(Option(plain(label), id=f"choice-{key}"))
        return out

    def on_mount(self) -> None:
        """The first statement."""
        self._show()

    def _show(self) -> None:
        self._stop_armed(False)
        self.refresh_bindings()  # Esc: "Previous question", or on the first one "Stop"
        statements = self.questionnaire.statements
        at_end = self.step >= len(statements)
        self.query_one("#voice-end").display = at_end
        for name in ("#voice-statement", "#voice-choices", "#voice-keys"):
            self.query_one(name).display = not at_end
        if self.questionnaire.intro:
            self.query_one("#voice-intro").display = self.step == 0
        if at_end:
            self.query_one("#voice-progress", Static).update(plain("Last step"))
            target = "#voice-comment" if self.questionnaire.comment else "#voice-send"
            self.query_one(target).focus()
            return
        statement = statements[self.step]
        self._leaving = False
        self.query_one("#voice-keys", Static).update(plain(KEYS_HINT))
        progress = f"Question {self.step + 1} of {len(statements)}"
        if self.step:
            before = self.answers.get(statements[self.step - 1].id)
            said = "Prefer not to say" if before == "prefer-not-to-say" else self.questionnaire.label(int(before or 3))
            progress += f"  ·  you said: {said} (Esc to change)"
        self.query_one("#voice-progress", Static).update(plain(progress))
        self.query_one("#voice-statement", Static).update(plain(statement.text))
        choices = self.query_one("#voice-choices", AnswerList)
        given = self.answers.get(statement.id)
        choices.highlighted = (5 if given == "prefer-not-to-say" else int(given) - 1) if given is not None else None
        choices.focus()

    @on(OptionList.OptionSelected, "#voice-choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        from seeds_tui.core.questionnaire import PREFER_NOT

        statement = self.questionnaire.statements[self.step]
        key = (event.option.id or "").removeprefix("choice-")
        self.answers[statement.id] = PREFER_NOT if key == "0" else int(key)
        self.step += 1
        self._show()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc is "Previous question", except on the first question, where it stops (twice)."""
        if action == "back":
            return self.step > 0
        if action == "leave":
            return self.step == 0
        return True

    def action_leave(self) -> None:
        """Esc on the first question: once asks, twice stops without sending."""
        self.action_back()

    def action_back(self) -> None:
        """The statement before; on the first, Esc twice leaves without sending anything (once only asks)."""
        if self.step == 0:
            if not self._leaving:
                self._leaving = True
                self.query_one("#voice-keys", Static).update(plain(LEAVE_HINT))
                return
            self.seeds.questionnaire_done(self.team, self.practitioner, sent=False)
            return
        self.step -= 1
        self._show()

    def hold_quit(self) -> bool:
        """Ctrl+Q on the form (the app asks before quitting): once says what a second press does; twice
        stops without sending any answers, to the 'Nothing was sent' screen. The app never quits from here,
        so the person holding the laptop is never left at a terminal, nor their answers half-kept."""
        if not self._stopping:
            self._stop_armed(True)
            return True
        self.answers = {}
        self.seeds.questionnaire_done(self.team, self.practitioner, sent=False)
        return True

    def _stop_armed(self, armed: bool) -> None:
        self._stopping = armed
        self.query_one("#voice-stop", Static).update(plain(STOP_HINT if armed else ""))
        self.query_one("#voice-stop").display = armed

    @on(TextArea.Changed, "#voice-comment")
    def _comment_typed(self) -> None:
        if self._stopping:
            self._stop_armed(False)

    @on(Button.Pressed, "#voice-back")
    def _back_pressed(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#voice-send")
    def _send_pressed(self) -> None:
        self.send()

    def send(self) -> None:
        """Keep the answers and show the thank-you (a comment with a name or a date in it is asked again)."""
        comment = self.query_one("#voice-comment", NoteArea).text.strip() if self.questionnaire.comment else ""
        problem = self.voice.comment_problem(comment) if comment else None
        self.query_one("#voice-comment-problem", Static).update(plain(problem or ""))
        if problem:
            self.query_one("#voice-comment").focus()
            return
        try:
            self.voice.send(
                team=self.team,
                practitioner=self.practitioner,
                answers=self.answers,
                comment=comment or None,
                today=self.seeds.current_date,
            )
        except SeedsError as exc:
            self.notify(f"The answers could not be kept: {exc}", severity="error", markup=False)
            return
        self.answers = {}
        self.app.clear_notifications()
        self.seeds.questionnaire_done(self.team, self.practitioner, sent=True)


class VoiceThanksScreen(SeedsScreen[None]):
    """A neutral thank-you: none of the answers, nothing of the store."""

    #: The person may still hold the laptop: no command palette here either.
    HANDED_OVER = True

    BINDINGS = [
        Binding("n", "next", "Next person", id="voice.next", tooltip="The questionnaire again, for the next person (same team)"),
        Binding("escape", "done", "Done (staff)", id="voice.done", tooltip="Back to the list of observations"),
    ]

    def __init__(self, team: str, practitioner: str | None, *, sent: bool) -> None:
        super().__init__()
        self.team = team
        self.practitioner = practitioner
        self.sent = sent

    def compose(self) -> ComposeResult:
        """Thank you, and what to do with the laptop."""
        yield Static(plain("Questionnaire"), classes="topbar")
        with Vertical(id="voice-thanks"):
            if self.sent:
                yield Static(plain("Thank you."), id="voice-thanks-title")
                yield Static(plain("Your answers have been kept. They do not have your name on them."), classes="voice-explain")
            else:
                yield Static(plain("Nothing was sent."), id="voice-thanks-title")
            yield Static(plain("Please hand the laptop back to your officer."), classes="voice-explain")
        yield Footer(compact=True)

    def action_next(self) -> None:
        """The form again for the next person (same team and practitioner)."""
        self.seeds.start_questionnaire(self.team, self.practitioner, replace=True)

    def action_done(self) -> None:
        """Staff: back to the list of observations."""
        self.seeds.close_questionnaire()
