"""A reflective supervision note (the home screen's ``v``, for the selected observation's practitioner).

The SPO records the date, how each open action stands (d done, g ongoing, x dropped, c a comment; an
action left unmarked stays open as it was), any new action (each with its owner and review date, in
the same form as an action agreed at an observation) and a line of reflection. There
is no score. Words that look like personal data of a person on probation get the same gentle warning
as observation notes, and saving asks first; nothing is blocked. Ctrl+S saves the note; the
practitioner's next observation carries the actions as they stand after it.

The screen never touches the store: it asks the development controller (``seeds.development``) from
thread workers.
"""

from __future__ import annotations

from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from seeds_tui.core.actions import OpenAction
from seeds_tui.core.dates import parse_date, uk_date
from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import Action, CarriedAction
from seeds_tui.core.supervision import NEW_ACTIONS_MAX, REFLECTION_MAX, SupervisionNote
from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.controllers.development import Development, SupervisionDraft
from seeds_tui.tui.dialogs import ConfirmDialog
from seeds_tui.tui.dialogs.base import TextEntryDialog
from seeds_tui.tui.dialogs.feedback import ActionDialog
from seeds_tui.tui.keys import KeysInOrder
from seeds_tui.tui.widgets.carried import CarriedList, previously
from seeds_tui.tui.widgets.forms import flag_required
from seeds_tui.tui.widgets.safe import markup, plain
from seeds_tui.tui.widgets.state import warn_personal
from seeds_tui.tui.widgets.text import Limits, LineInput

#: The keys of this screen, for F1.
SCREEN_KEYS: list[tuple[str, str]] = [
    ("Tab / Shift+Tab", "next / previous field"),
    ("d / g / x", "on the open actions: done / ongoing / dropped"),
    ("u", "on the open actions: back to not reviewed (it stays open as it was)"),
    ("c", "on the open actions: a comment on the highlighted action"),
    ("Enter", "on the new actions: add one (what, owner, review date), or change the highlighted one"),
    ("Delete / u", "on the new actions: remove the highlighted one / put it back"),
    ("Ctrl+S", "save the note (asks first when words look like personal data)"),
    ("Esc", "back without saving (asks first when something was typed)"),
]


#: The id of the list's last row, which adds a new action.
ADD = "add"


class NewActionList(KeysInOrder, OptionList):
    """The new actions of the note: Enter adds (on the last row) or changes one, Delete removes, u puts back."""

    BINDINGS = [
        Binding("delete,backspace", "screen.remove_new", "Remove", id="supervision.new.remove"),
        Binding("u,ctrl+z", "screen.undo_remove_new", "Undo remove", show=False, id="supervision.new.undo"),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]


class SupervisionScreen(SeedsScreen[SupervisionNote | None]):
    """Record one supervision note for a practitioner: date, progress on open actions, new actions, reflection."""

    HELP_KEYS = SCREEN_KEYS

    DEFAULT_CSS = """
    SupervisionScreen #sv-body { height: 1fr; padding: 0 1; }
    SupervisionScreen .sv-row { height: auto; margin-bottom: 1; }
    SupervisionScreen .sv-row > Label { width: 14; color: $text-muted; }
    SupervisionScreen .sv-row LineInput { width: 1fr; }
    SupervisionScreen #sv-carried { height: auto; max-height: 14; }
    SupervisionScreen #sv-new { height: auto; max-height: 8; }
    SupervisionScreen #sv-problem { color: $error; height: auto; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", id="supervision.save", tooltip="Keep the supervision note"),
        Binding("escape", "back", "Back", id="supervision.back", tooltip="Back without saving"),
    ]

    def __init__(self, development: Development, practitioner: str, team: str = "", *, supervisor: str = "", today: date) -> None:
        super().__init__()
        #: The controller: the screen's only way to the store.
        self.development = development
        self.practitioner = practitioner
        self.team = team
        self.supervisor = supervisor
        self.today = today
        self.actions: list[CarriedAction] = []
        self._previously: dict[tuple[str, int], str] = {}
        self._loaded_for: date | None = None
        self._saving = False
        #: New actions agreed in this supervision, in order.
        self.new_actions: list[Action] = []
        #: The new action removed last and where it was (u puts it back).
        self._removed: tuple[int, Action] | None = None

    def compose(self) -> ComposeResult:
        """Who, the date, the open actions, new actions, the reflection."""
        team = f" ({self.team})" if self.team else ""
        yield Static(plain(f"Supervision note · {self.practitioner}{team}"), classes="topbar")
        yield Static(
            plain("Reflective supervision between observations: no score. Name no person on probation."),
            classes="dim",
        )
        with VerticalScroll(id="sv-body"):
            with Horizontal(classes="sv-row"):
                yield Label("Date")
                yield LineInput(
                    uk_date(self.today), placeholder="DD/MM/YYYY", id="sv-date", compact=True, max_length=Limits.DATE, what="A date",
                    required="Date",
                )  # fmt: skip
            with Horizontal(classes="sv-row"):
                yield Label("Supervisor")
                yield LineInput(self.supervisor, placeholder="who held the supervision (optional)", id="sv-supervisor",
                                compact=True, max_length=Limits.NAME, what="The supervisor's name")  # fmt: skip
            yield Static(plain("Open actions"), classes="heading")
            yield Static(plain("Reading the practitioner's open actions…"), id="sv-carried-hint", classes="dim")
            yield CarriedList(id="sv-carried")
            yield Static(plain("New actions (Enter adds one with its owner and review date)"), classes="heading")
            yield NewActionList(id="sv-new")
            yield Static(plain("Reflection (one line)"), classes="heading")
            yield LineInput("", placeholder="what the practitioner is taking from it", id="sv-reflection", compact=True,
                            max_length=REFLECTION_MAX, what="The reflection")  # fmt: skip
            yield Static("", id="sv-problem")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Read the open actions on today's date; the open actions (or the date) have the cursor."""
        self._load(self.today)
        self._show_new()
        self.query_one("#sv-date", LineInput).focus()

    # -- the new actions -----------------------------------------------------------------------

    def _show_new(self, highlight: int | None = None) -> None:
        listing = self.query_one("#sv-new", NewActionList)
        keep = listing.highlighted if highlight is None else highlight
        listing.clear_options()
        for n, action in enumerate(self.new_actions):
            listing.add_option(
                Option(
                    markup(
                        "$text [dim]· $owner · review $review[/]",
                        text=action.text,
                        owner=action.owner or "no owner",
                        review=uk_date(action.review_date) if action.review_date else "not set",
                    ),
                    id=str(n),
                )
            )
        if len(self.new_actions) < NEW_ACTIONS_MAX:
            listing.add_option(Option(plain("+ Add a new action"), id=ADD))
        if listing.option_count:
            listing.highlighted = min(keep or 0, listing.option_count - 1)

    def _supervision_day(self) -> date:
        try:
            return parse_date(self.query_one("#sv-date", LineInput).value.strip())
        except ValueError:
            return self.today

    @on(OptionList.OptionSelected, "#sv-new")
    def _new_selected(self, event: OptionList.OptionSelected) -> None:
        index = None if event.option.id == ADD else int(event.option.id or 0)
        old = self.new_actions[index] if index is not None else None

        def done(action: Action | None) -> None:
            if action is None:
                return
            warn_personal(self, action.text)
            if index is None:
                self.new_actions.append(action)
                self._show_new(len(self.new_actions) - 1)
            elif index < len(self.new_actions) and self.new_actions[index] is old:
                self.new_actions[index] = action
                self._show_new(index)

        self.app.push_screen(ActionDialog(old, default_owner=self.practitioner, session_date=self._supervision_day()), done)

    def action_remove_new(self) -> None:
        """Remove the highlighted new action (u puts it back)."""
        option = self.query_one("#sv-new", NewActionList).highlighted_option
        if option is None or option.id in (None, ADD):
            return
        index = int(option.id)
        self._removed = (index, self.new_actions.pop(index))
        self._show_new(index)
        self.notify("New action removed · u puts it back", timeout=8)

    def action_undo_remove_new(self) -> None:
        """Put back the new action removed last, where it was."""
        if self._removed is None:
            return
        index, action = self._removed
        self._removed = None
        self.new_actions.insert(min(index, len(self.new_actions)), action)
        self._show_new(index)
        self.notify("Put back.", timeout=3)

    # -- the open actions ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="supervision-open", exit_on_error=False, name="reading the open actions")
    def _load(self, when: date) -> None:
        found = self.development.open_actions(self.practitioner, when)
        self.app.call_from_thread(self._show_open, when, found)

    def _show_open(self, when: date, found: list[OpenAction]) -> None:
        marked = {a.key: a for a in self.actions}
        self.actions = [marked.get(o.action.key, o.action) for o in found]
        self._previously = previously(found)
        self._loaded_for = when
        hint = self.query_one("#sv-carried-hint", Static)
        if found:
            hint.update(
                plain(
                    f"{len(found)} open on {uk_date(when)}. Tab to the list, then d done · g ongoing · x dropped · c comment; "
                    "an action left unmarked stays open."
                )
            )
        else:
            hint.update(plain(f"No open actions on {uk_date(when)}: agree new ones below if you wish."))
        self._show_actions()

    def _show_actions(self) -> None:
        listing = self.query_one("#sv-carried", CarriedList)
        listing.show(self.actions, self._previously)
        listing.display = bool(self.actions)

    @on(Input.Changed, "#sv-date")
    def _date_changed(self, event: Input.Changed) -> None:
        try:
            when = parse_date(event.value.strip())
        except ValueError:
            return
        if when != self._loaded_for:
            self._load(when)

    @on(CarriedList.Marked, "#sv-carried")
    def _marked(self, event: CarriedList.Marked) -> None:
        self.actions[event.index] = self.actions[event.index].model_copy(update={"status": event.status})
        self._show_actions()

    @on(CarriedList.CommentWanted, "#sv-carried")
    def _comment_wanted(self, event: CarriedList.CommentWanted) -> None:
        index = event.index
        action = self.actions[index]

        def keep(text: str | None) -> None:
            if text is None or index >= len(self.actions) or self.actions[index].key != action.key:
                return
            warn_personal(self, text)
            self.actions[index] = self.actions[index].model_copy(update={"comment": text.strip()[: Limits.NOTE]})
            self._show_actions()

        self.app.push_screen(TextEntryDialog("Comment on the action", action.comment, context=action.text), keep)

    def on_descendant_blur(self, event: object) -> None:
        """Leaving a text: warn if it looks like personal data of the person on probation."""
        widget = getattr(event, "widget", None)
        if isinstance(widget, TextArea):
            warn_personal(self, widget.text)
        elif isinstance(widget, LineInput) and widget.id == "sv-reflection":
            warn_personal(self, widget.value)

    # -- saving --------------------------------------------------------------------------------

    def draft(self) -> SupervisionDraft:
        """What is typed and marked."""
        return SupervisionDraft(
            practitioner=self.practitioner,
            team=self.team,
            date=self.query_one("#sv-date", LineInput).value,
            supervisor=self.query_one("#sv-supervisor", LineInput).value,
            reflection=self.query_one("#sv-reflection", LineInput).value,
            new_actions=list(self.new_actions),
            progress=list(self.actions),
        )

    def _typed(self) -> bool:
        d = self.draft()
        return bool(d.reflection.strip() or d.new_actions or any(a.status or a.comment for a in d.progress))

    def unsaved_text(self) -> dict[str, str] | None:
        """What is typed, kept if the app must close with the screen open."""
        if not self._typed():
            return None
        d = self.draft()
        comments = [f"{a.text}: {a.status or 'not reviewed'} {a.comment}".strip() for a in d.progress if a.status or a.comment]
        new = [
            f"New action: {a.text} ({a.owner or 'no owner'}, review {uk_date(a.review_date) if a.review_date else 'not set'})"
            for a in d.new_actions
        ]
        return {f"Supervision note ({d.date})": "\n".join(t for t in (d.reflection, *new, *comments) if t.strip())}

    def action_save(self) -> None:
        """Check the note, ask first when words look like personal data, then keep it."""
        if self._saving:
            return
        problem = self.query_one("#sv-problem", Static)
        try:
            note = self.development.note(self.draft())
        except SeedsError as exc:
            flag_required(self)  # "Date: required" under the date left empty
            problem.update(plain(str(exc)))
            self.app.notify(str(exc), title="Not saved", severity="error", timeout=8)
            return
        problem.update("")
        if note.date > self.today:
            self.app.notify("The date is in the future: check it.", severity="warning", timeout=6)
        places = self.development.warnings(note)
        if not places:
            self._save(note)
            return

        def answered(save: bool | None) -> None:
            if save:
                self._save(note)

        self.app.push_screen(
            ConfirmDialog(
                "Personal data?",
                f"These look like they may name a person on probation or hold their details: {', '.join(places)}.\n\n"
                "Supervision notes are about the practitioner's practice. Save anyway?",
                yes="Save anyway",
                no="Go back and change it",
                yes_variant="warning",
                focus_yes=False,
            ),
            answered,
        )

    def _save(self, note: SupervisionNote) -> None:
        self._saving = True
        self._write(note)

    @work(thread=True, exclusive=True, group="supervision-save", exit_on_error=False, name="saving the supervision note")
    def _write(self, note: SupervisionNote) -> None:
        try:
            path = self.development.save(note)
        except SeedsError as exc:
            self.app.call_from_thread(self._not_saved, str(exc))
            return
        self.app.call_from_thread(self._saved, note, str(path))

    def _not_saved(self, message: str) -> None:
        self._saving = False
        self.query_one("#sv-problem", Static).update(plain(message))
        self.app.notify(message, title="Not saved", severity="error", timeout=15)

    def _saved(self, note: SupervisionNote, path: str) -> None:
        reviewed = len(note.progress)
        self.app.notify(
            f"Supervision note kept ({reviewed} action{'' if reviewed == 1 else 's'} reviewed, {len(note.actions)} new): {path}. "
            "The next observation carries the actions as they stand now.",
            title="Saved",
            timeout=8,
        )
        self.dismiss(note)

    def action_back(self) -> None:
        """Back; ask first when something was typed."""
        if not self._typed():
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(
                "Leave without saving?",
                "What you typed and marked in this supervision note will be lost.",
                yes="Leave without saving",
                no="Stay",
                yes_variant="error",
                focus_yes=False,
            ),
            answered,
        )
