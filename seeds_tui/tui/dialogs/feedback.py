"""Entry forms for the feedback conversation: a strength or development area, an agreed action."""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from seeds_tui.observation import Action, LinkedNote, Observation
from seeds_tui.rubric import Rubric
from seeds_tui.tui.dialogs.base import BaseDialog
from seeds_tui.tui.widgets.render import value_text


class LinkedNoteDialog(BaseDialog[LinkedNote | None]):
    """Write a strength or development area and, optionally, link it to an item (its evidence shown)."""

    BINDINGS = [Binding("ctrl+s", "done", "Done", id="linked.done")]

    def __init__(self, title: str, rubric: Rubric, obs: Observation, note: LinkedNote | None = None) -> None:
        super().__init__(title)
        self.rubric = rubric
        self.obs = obs
        self.note = note

    def compose(self) -> ComposeResult:
        """Text, item link, the linked item's evidence, buttons."""
        options: list[tuple[Content, str]] = []
        for section in self.rubric.sections:
            for item in section.items:
                score = self.obs.score(section.id, item.id)
                pen = " ✎" if score is not None and score.evidence else ""
                label = Content.from_markup(
                    "$s › $i [dim]($v)$pen[/]", s=section.title, i=item.text, v=value_text(self.rubric, item, score), pen=pen
                )
                options.append((label, f"{section.id}.{item.id}"))
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_widget()
            yield TextArea(self.note.text if self.note else "", id="text", soft_wrap=True, tab_behavior="focus")
            yield Label("Linked item (optional)")
            link = Select(options, id="link", prompt="No linked item", allow_blank=True)
            if self.note is not None and self.note.item is not None:
                link.value = self.note.item
            yield link
            with VerticalScroll(id="linked-evidence"):
                yield Static("", id="evidence")
            yield Static(Content("Ctrl+S done · Esc cancel · Tab next field"), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Done", variant="primary", id="done")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Focus the text."""
        self.query_one("#text", TextArea).focus()
        self._show_evidence()

    @on(Select.Changed, "#link")
    def _show_evidence(self) -> None:
        value = self.query_one("#link", Select).value
        if not isinstance(value, str):
            with_notes = [
                (s, i) for s in self.rubric.sections for i in s.items if (sc := self.obs.score(s.id, i.id)) is not None and sc.evidence
            ]
            lines = [Content.from_markup("[dim]Evidence notes so far:[/]")]
            lines += [
                Content.from_markup("[b]$item[/]: $note", item=i.text, note=self.obs.score(s.id, i.id).evidence) for s, i in with_notes
            ]  # type: ignore[union-attr]
            if not with_notes:
                lines = [Content("No evidence notes were written.")]
            self.query_one("#evidence", Static).update(Content("\n").join(lines))
            return
        section_id, item_id = value.split(".")
        item = self.rubric.item(section_id, item_id)
        score = self.obs.score(section_id, item_id)
        self.query_one("#evidence", Static).update(
            Content.from_markup(
                "[b]$item[/] · $value\n$evidence",
                item=item.text,
                value=value_text(self.rubric, item, score),
                evidence=(score.evidence if score and score.evidence else "(no evidence note)"),
            )
        )

    def action_done(self) -> None:
        """Close with the note (an empty text closes without one)."""
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            self.app.notify("Write the text first (or Esc to cancel).", timeout=4)
            return
        value = self.query_one("#link", Select).value
        self.dismiss(LinkedNote(text=text, item=value if isinstance(value, str) else None))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Done or Cancel."""
        if event.button.id == "done":
            self.action_done()
        else:
            self.dismiss(None)


class ActionDialog(BaseDialog[Action | None]):
    """An agreed action: what, who, and when it is reviewed."""

    BINDINGS = [Binding("ctrl+s", "done", "Done", id="action.done")]

    def __init__(self, action: Action | None = None, *, default_owner: str = "") -> None:
        super().__init__("Agreed action")
        self.action = action
        self.default_owner = default_owner

    def compose(self) -> ComposeResult:
        """Text, owner, review date, buttons."""
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_widget()
            yield TextArea(self.action.text if self.action else "", id="text", soft_wrap=True, tab_behavior="focus")
            yield Label("Owner")
            yield Input(self.action.owner if self.action else self.default_owner, id="owner")
            yield Label("Review date (YYYY-MM-DD, optional)")
            review = self.action.review_date.isoformat() if self.action and self.action.review_date else ""
            yield Input(review, id="review", placeholder="YYYY-MM-DD")
            yield Static(Content("Ctrl+S done · Esc cancel · Tab next field"), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Done", variant="primary", id="done")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Focus the text."""
        self.query_one("#text", TextArea).focus()

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    def action_done(self) -> None:
        """Check and close with the action."""
        text = self.query_one("#text", TextArea).text.strip()
        owner = self.query_one("#owner", Input).value.strip()
        review_text = self.query_one("#review", Input).value.strip()
        review: date | None = None
        if review_text:
            try:
                review = date.fromisoformat(review_text)
            except ValueError:
                self.app.notify("Review date: use the form YYYY-MM-DD.", severity="warning", timeout=5)
                return
        try:
            action = Action(text=text, owner=owner, review_date=review)
        except ValidationError:
            self.app.notify("Write what was agreed (the owner may be up to 100 characters).", severity="warning", timeout=5)
            return
        self.dismiss(action)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Done or Cancel."""
        if event.button.id == "done":
            self.action_done()
        else:
            self.dismiss(None)
