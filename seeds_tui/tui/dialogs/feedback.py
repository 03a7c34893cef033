"""Entry forms for the feedback conversation: a strength or development area, an agreed action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from seeds_tui.core.dates import parse_date, uk_date
from seeds_tui.core.observation import Action, LinkedNote, Observation
from seeds_tui.core.rubric import Rubric
from seeds_tui.tui.dialogs.base import BaseDialog, ConfirmDialog, DialogForm
from seeds_tui.tui.widgets.render import value_text
from seeds_tui.tui.widgets.safe import markup, plain
from seeds_tui.tui.widgets.text import Limits, LineInput, NoteArea

R = TypeVar("R")


class EntryDialog(BaseDialog[R]):
    """A feedback entry form. Esc keeps what was typed (asks first when it is not complete);
    ``live`` is called with the entry, whenever it is complete, as it is typed."""

    TEXT_FIELD = "text"
    BINDINGS = [Binding("escape", "cancel", "Done (keep)", id="entry.keep", tooltip="Close; keep the entry if it is complete")]

    def __init__(self, title: str, live: Callable[[R], None] | None = None) -> None:
        super().__init__(title)
        self.live = live
        self._initial: tuple[object, ...] | None = None
        #: Set once the entry was kept or thrown away.
        self._answered = False

    def read(self) -> tuple[R | None, str]:
        """The entry, or None and what is wrong with it."""
        raise NotImplementedError

    def fields(self) -> tuple[object, ...]:
        """The raw values of the form (to tell whether anything was typed)."""
        raise NotImplementedError

    def on_mount(self) -> None:
        """Focus the text and type what arrived early."""
        self._initial = self.fields()
        self.query_one("#text", TextArea).focus()
        self.type_early_keys()

    @on(TextArea.Changed)
    @on(Input.Changed)
    @on(Select.Changed)
    def _typed(self) -> None:
        # A change message can arrive after the entry was answered (Ctrl+S typed in the same burst): it must not add it again.
        if self.live is None or self._initial is None or self._answered:
            return
        value, _ = self.read()
        if value is not None:
            self.live(value)

    def action_done(self) -> None:
        """Close with the entry, or say what is missing."""
        value, problem = self.read()
        if value is None:
            self.notify(problem, severity="warning", timeout=5)
            self.focus_problem()
            return
        self._answered = True
        self.dismiss(value)

    def focus_problem(self) -> None:
        """Put the cursor where the problem is."""
        self.query_one("#text", TextArea).focus()

    def unsaved_text(self) -> dict[str, str] | None:
        """An entry typed but not complete (so not yet in the draft): kept if the app must close."""
        if self._initial is None or self.fields() == self._initial:
            return None
        value, _ = self.read()
        if value is not None and self.live is not None:
            return None  # complete: the draft holds it already
        return {self.dialog_title: str(self.query_one("#text", TextArea).text)}

    def action_cancel(self) -> None:
        """Esc: keep a complete entry; ask before throwing away an incomplete one."""
        if self.fields() == self._initial:
            self._answered = True
            self.dismiss(None)
            return
        value, problem = self.read()
        if value is not None:
            self._answered = True
            self.dismiss(value)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._answered = True
                self.dismiss(None)
            else:
                self.focus_problem()

        self.app.push_screen(
            ConfirmDialog(
                "Discard this entry?",
                f"{problem}\n\nDiscard what you typed, or keep editing?",
                yes="Discard",
                no="Keep editing",
                yes_variant="error",
            ),
            answered,
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Done, or Cancel (throws the changes away)."""
        if event.button.id == "done":
            self.action_done()
        else:
            self._answered = True
            self.dismiss(None)


def item_options(rubric: Rubric, obs: Observation) -> list[tuple[Content, str]]:
    """The items an entry may link to, each with its section, its score so far and a pen when it has evidence."""
    options: list[tuple[Content, str]] = []
    for section in rubric.sections:
        for item in section.items:
            score = obs.score(section.id, item.id)
            pen = " ✎" if score is not None and score.evidence else ""
            label = markup("$s › $i [dim]($v)$pen[/]", s=section.title, i=item.text, v=value_text(rubric, item, score), pen=pen)
            options.append((label, f"{section.id}.{item.id}"))
    return options


class LinkedNoteDialog(EntryDialog[LinkedNote | None]):
    """Write a strength or development area and, optionally, link it to an item (its evidence shown)."""

    BINDINGS = [Binding("ctrl+s", "done", "Done", id="linked.done")]

    def __init__(
        self,
        title: str,
        rubric: Rubric,
        obs: Observation,
        note: LinkedNote | None = None,
        *,
        live: Callable[[LinkedNote | None], None] | None = None,
    ) -> None:
        super().__init__(title, live)
        self.rubric = rubric
        self.obs = obs
        self.note = note

    def compose(self) -> ComposeResult:
        """Text, item link, the linked item's evidence, buttons."""
        options = item_options(self.rubric, self.obs)
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_widget()
            with DialogForm(classes="dialog-body dialog-form"):
                yield NoteArea(
                    self.note.text if self.note else "",
                    id="text",
                    soft_wrap=True,
                    tab_behavior="focus",
                    max_length=Limits.ENTRY,
                    what="This entry",
                )
                yield Label("Linked item (optional)")
                link = Select(options, id="link", prompt="No linked item", allow_blank=True)
                if self.note is not None and self.note.item is not None:
                    link.value = self.note.item
                yield link
                with VerticalScroll(id="linked-evidence"):
                    yield Static("", id="evidence")
            yield Static(plain("Ctrl+S or Esc done (keeps it) · Cancel throws it away · Tab next field"), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Done", variant="primary", id="done")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Focus the text."""
        super().on_mount()
        self._show_evidence()

    def fields(self) -> tuple[object, ...]:
        """Text and link."""
        return (self.query_one("#text", TextArea).text, self.query_one("#link", Select).value)

    def read(self) -> tuple[LinkedNote | None, str]:
        """The note (it needs a text)."""
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            return None, "Write the text first (or Cancel)."
        value = self.query_one("#link", Select).value
        return LinkedNote(text=text, item=value if isinstance(value, str) else None), ""

    @on(Select.Changed, "#link")
    def _show_evidence(self) -> None:
        value = self.query_one("#link", Select).value
        if not isinstance(value, str):
            with_notes = [
                (s, i) for s in self.rubric.sections for i in s.items if (sc := self.obs.score(s.id, i.id)) is not None and sc.evidence
            ]
            lines = [markup("[dim]Evidence notes so far:[/]")]
            lines += [markup("[b]$item[/]: $note", item=i.text, note=self.obs.score(s.id, i.id).evidence) for s, i in with_notes]  # type: ignore[union-attr]
            if not with_notes:
                lines = [plain("No evidence notes were written.")]
            self.query_one("#evidence", Static).update(plain("\n").join(lines))
            return
        section_id, item_id = value.split(".")
        item = self.rubric.item(section_id, item_id)
        score = self.obs.score(section_id, item_id)
        self.query_one("#evidence", Static).update(
            markup(
                "[b]$item[/] · $value\n$evidence",
                item=item.text,
                value=value_text(self.rubric, item, score),
                evidence=(score.evidence if score and score.evidence else "(no evidence note)"),
            )
        )


class ActionDialog(EntryDialog[Action | None]):
    """An agreed action: what, who, when it is reviewed (not before the session) and, when a
    rubric is given, the item it addresses (optional, as a development area's link)."""

    BINDINGS = [Binding("ctrl+s", "done", "Done", id="action.done")]

    def __init__(
        self,
        action: Action | None = None,
        *,
        default_owner: str = "",
        session_date: date | None = None,
        live: Callable[[Action | None], None] | None = None,
        rubric: Rubric | None = None,
        obs: Observation | None = None,
    ) -> None:
        super().__init__("Agreed action", live)
        self.rubric = rubric
        self.obs = obs
        self.action = action
        self.default_owner = default_owner
        self.session_date = session_date
        self._problem_field = "text"

    def compose(self) -> ComposeResult:
        """Text, owner, review date, the item it addresses, buttons."""
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_widget()
            with DialogForm(classes="dialog-body dialog-form"):
                yield NoteArea(
                    self.action.text if self.action else "",
                    id="text",
                    soft_wrap=True,
                    tab_behavior="focus",
                    max_length=Limits.ENTRY,
                    what="An action",
                )
                yield Label("Owner")
                yield LineInput(self.action.owner if self.action else self.default_owner, id="owner", what="The owner")
                yield Label("Review date (DD/MM/YYYY, optional)")
                review = uk_date(self.action.review_date) if self.action and self.action.review_date else ""
                yield LineInput(review, id="review", placeholder="DD/MM/YYYY", max_length=Limits.DATE, what="The review date")
                if self.rubric is not None and self.obs is not None:
                    yield Label("Item it addresses (optional)")
                    link = Select(item_options(self.rubric, self.obs), id="link", prompt="No linked item", allow_blank=True)
                    if self.action is not None and self.action.item is not None:
                        link.value = self.action.item
                    yield link
            yield Static(plain("Ctrl+S or Esc done (keeps it) · Cancel throws it away · Tab next field"), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Done", variant="primary", id="done")
                yield Button("Cancel", id="cancel")

    def fields(self) -> tuple[object, ...]:
        """Text, owner, review date as typed, and the item linked."""
        return (
            self.query_one("#text", TextArea).text,
            self.query_one("#owner", Input).value,
            self.query_one("#review", Input).value,
            self._link(),
        )

    def _link(self) -> str | None:
        links = self.query("#link")
        value = links.first(Select).value if links else None
        return value if isinstance(value, str) else None

    def focus_problem(self) -> None:
        """Put the cursor in the field that is wrong."""
        self.query_one(f"#{self._problem_field}").focus()

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    def read(self) -> tuple[Action | None, str]:
        """The action, or None and what is wrong (the field is remembered for the cursor)."""
        text = self.query_one("#text", TextArea).text.strip()
        owner = self.query_one("#owner", Input).value.strip()
        review_text = self.query_one("#review", Input).value.strip()
        review: date | None = None
        if not text:
            self._problem_field = "text"
            return None, "Write what was agreed."
        if len(owner) > 100:
            self._problem_field = "owner"
            return None, "Owner: up to 100 characters."
        if review_text:
            try:
                review = parse_date(review_text)
            except ValueError as exc:
                self._problem_field = "review"
                return None, f"Review date: {exc}."
            if self.session_date is not None and review < self.session_date:
                self._problem_field = "review"
                before = uk_date(self.session_date)
                return None, f"Review date: {uk_date(review)} is before the session ({before}); give a later date."
        try:
            return Action(text=text, owner=owner, review_date=review, item=self._link()), ""
        except ValidationError:
            self._problem_field = "text"
            return None, "Write what was agreed (the owner may be up to 100 characters)."
