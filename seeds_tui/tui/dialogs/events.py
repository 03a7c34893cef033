"""The form of a training event or action learning set, and a picker of registered events.

The form returns an ``EventDraft`` (text as typed); the register screen asks its controller to save it
and, when the controller refuses (a date that is not one, a name of the store in the words), opens the
form again with the draft and the reason. The form never writes a file.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, OptionList, Select, SelectionList, Static
from textual.widgets.option_list import Option

from seeds_tui.core.dates import uk_date
from seeds_tui.core.events import TrainingEvent
from seeds_tui.tui.controllers.events import EventDraft, Part
from seeds_tui.tui.dialogs.base import BaseDialog, DialogForm
from seeds_tui.tui.widgets.forms import flag_required
from seeds_tui.tui.widgets.safe import plain
from seeds_tui.tui.widgets.text import LineInput, NoteArea

#: The longest text of a title, topic or team list, and of a learning point or the focus (the file format's limits).
TITLE_MAX = 200
NOTE_MAX = 2000

KINDS = [("Training day", "training"), ("Action learning set", "set")]


class EventForm(BaseDialog[EventDraft | None]):
    """Add or edit a training day or a team's action learning set. Ctrl+S saves; Esc closes without saving."""

    TEXT_FIELD = None
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="event_form.save", tooltip="Save the record into the register"),
        Binding("escape", "cancel", "Cancel", id="event_form.cancel", tooltip="Close without saving"),
    ]

    DEFAULT_CSS = """
    EventForm .ev-row { height: auto; margin-bottom: 1; }
    EventForm .ev-row > Label { width: 16; color: $text-muted; }
    EventForm .ev-row LineInput, EventForm .ev-row Select { width: 1fr; }
    EventForm #ev-covers { height: 10; width: 1fr; }
    EventForm #ev-points { height: 5; width: 1fr; }
    EventForm #ev-problem { color: $error; height: auto; }
    EventForm .set-only.-hidden { display: none; }
    """

    def __init__(self, draft: EventDraft, parts: Sequence[Part], *, problem: str = "", teams: Sequence[str] = ()) -> None:
        what = "action learning set" if draft.kind == "set" else "training event"
        super().__init__(f"Edit the {what}" if draft.id else f"New {what}")
        self.draft = draft
        self.parts = list(parts)
        self.problem = problem
        self.known_teams = list(teams)

    def cancel_value(self) -> EventDraft | None:
        """Escape: nothing saved."""
        return None

    def compose(self) -> ComposeResult:
        """Kind, date, title, topic, teams, the sections and items addressed, learning points, focus."""
        d = self.draft
        chosen = set(d.covers)
        known = {p.key for p in self.parts}
        options = [(p.label, p.key, p.key in chosen) for p in self.parts]
        # Parts of a rubric this app does not know are kept as they are.
        options += [(f"{key} (not in a known rubric)", key, True) for key in d.covers if key not in known]
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_widget()
            with DialogForm(classes="dialog-body dialog-form"):
                with Horizontal(classes="ev-row"):
                    yield Label("Kind")
                    yield Select(KINDS, value=d.kind, allow_blank=False, id="ev-kind", compact=True)
                with Horizontal(classes="ev-row"):
                    yield Label("Date")
                    yield LineInput(
                        d.date, placeholder="DD/MM/YYYY", id="ev-date", compact=True, max_length=10, what="A date", required="Date"
                    )
                with Horizontal(classes="ev-row set-only"):
                    yield Label("Topic")
                    yield LineInput(d.topic, id="ev-topic", compact=True, max_length=TITLE_MAX, what="The topic")
                with Horizontal(classes="ev-row"):
                    yield Label("Title")
                    yield LineInput(
                        d.title, placeholder="a set: 'Action learning set: TOPIC' if empty", id="ev-title", compact=True,
                        max_length=TITLE_MAX, what="The title",
                    )  # fmt: skip
                with Horizontal(classes="ev-row"):
                    yield Label("Teams")
                    hint = ", ".join(self.known_teams[:6])
                    yield LineInput(
                        d.teams, placeholder=f"every team (or: {hint})" if hint else "every team", id="ev-teams", compact=True,
                        max_length=TITLE_MAX, what="The teams",
                    )  # fmt: skip
                with Horizontal(classes="ev-row"):
                    yield Label("Addresses")
                    yield SelectionList[str](*options, id="ev-covers")
                with Horizontal(classes="ev-row set-only"):
                    yield Label("Learning points")
                    yield NoteArea(d.learning_points, id="ev-points", max_length=NOTE_MAX * 5, what="The learning points")
                with Horizontal(classes="ev-row set-only"):
                    yield Label("Practice focus")
                    yield LineInput(d.focus, id="ev-focus", compact=True, max_length=NOTE_MAX, what="The practice focus")
                yield Static(plain(self.problem), id="ev-problem")
            yield Static(
                plain("Space ticks a section or item · one learning point a line · name no individual · Ctrl+S saves · Esc cancels"),
                classes="dialog-hint",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Show the set's fields for a set; focus the first field to fill."""
        self._kind_shown(self.draft.kind)
        if self.problem:  # opened again after a refusal: each required field left empty says so
            flag_required(self)
        self.query_one("#ev-topic" if self.draft.kind == "set" and not self.draft.topic else "#ev-date").focus()

    @on(Select.Changed, "#ev-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        self._kind_shown(str(event.value))

    def _kind_shown(self, kind: str) -> None:
        for widget in self.query(".set-only"):
            widget.set_class(kind != "set", "-hidden")
        # A set needs its topic (its title can be made from it); a training day its title.
        self.query_one("#ev-topic", LineInput).set_required("Topic" if kind == "set" else "")
        self.query_one("#ev-title", LineInput).set_required("" if kind == "set" else "Title")

    def read(self) -> EventDraft:
        """The form's fields as typed."""
        kind = self.query_one("#ev-kind", Select).value
        return EventDraft(
            kind=kind if isinstance(kind, str) else "training",
            date=self.query_one("#ev-date", LineInput).value,
            title=self.query_one("#ev-title", LineInput).value,
            topic=self.query_one("#ev-topic", LineInput).value,
            teams=self.query_one("#ev-teams", LineInput).value,
            covers=list(self.query_one("#ev-covers", SelectionList).selected),
            learning_points=self.query_one("#ev-points", NoteArea).text,
            focus=self.query_one("#ev-focus", LineInput).value,
            id=self.draft.id,
        )

    def unsaved_text(self) -> dict[str, str] | None:
        """What is typed, kept if the app must close with the form open."""
        d = self.read()
        if d == self.draft:
            return None
        return {self.dialog_title: "\n".join(t for t in (d.date, d.title, d.topic, d.teams, d.learning_points, d.focus) if t)}

    def action_save(self) -> None:
        """Close with what was typed (the register screen saves it); a required field left empty
        says so under itself, and the form stays."""
        missing = flag_required(self)
        if missing:
            self.query_one("#ev-problem", Static).update(plain("; ".join(missing)))
            next(f for f in self.query(LineInput) if f.required and not f.value.strip()).focus()
            return
        self.dismiss(self.read())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save or Cancel."""
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)


class EventPicker(BaseDialog[str | None]):
    """Choose a registered training event or set (its id), e.g. for the Team summary's before/after comparison."""

    BINDINGS = [Binding("escape", "cancel", "Close", id="event_picker.close", tooltip="Close without choosing")]

    DEFAULT_CSS = """
    EventPicker #ev-list { height: auto; max-height: 20; }
    """

    def __init__(self, events: Sequence[TrainingEvent]) -> None:
        super().__init__("Compare before and after which event?")
        self.events = list(events)

    def compose(self) -> ComposeResult:
        """The events, newest first."""
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_widget()
            if self.events:
                yield OptionList(*(Option(plain(describe(e)), id=e.id) for e in reversed(self.events)), id="ev-list")
            else:
                yield Static(plain("No training events or sets are registered yet: add them on the register (e on the home screen)."))
            yield Static(plain("Enter chooses · Esc closes"), classes="dialog-hint")

    def on_mount(self) -> None:
        """Focus the list."""
        if self.events:
            self.query_one("#ev-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#ev-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def describe(event: TrainingEvent) -> str:
    """One line for a record: date, kind, what it was, for whom."""
    kind = "set" if event.kind == "set" else "training"
    what = event.topic if event.kind == "set" and event.topic else event.title
    teams = ", ".join(event.teams) if event.teams else "every team"
    return f"{uk_date(event.date)}  {kind:<8}  {what}  ({teams})"
