"""Pieces of the set-up form: its field labels, the consent box, name suggestions, rubric text reflowed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.style import Style
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from seeds_tui.tui.widgets.safe import plain
from seeds_tui.tui.widgets.text import LineInput

#: Suggested session types (any text may be typed): the kinds of one-to-one practice an SPO observes.
SESSION_TYPES = [
    "Induction",
    "Routine supervision",
    "Risk review",
    "Sentence plan review",
    "Enforcement or compliance interview",
    "Home visit",
    "Pre-release",
    "Termination",
    "Three-way meeting",
    "Other",
]

FIELD_LABELS = {
    "date": "Date",
    "observer": "Observer",
    "practitioner": "Practitioner",
    "team": "Team",
    "session_type": "Session type",
    "mode": "Mode",
    "purpose": "Purpose",
    "sentence": "Order or licence",
    "change_target": "Change target",
    "consent_recorded": "Consent recorded",
    "case_reference": "Case reference",
    "session_ref": "Session reference",
    "focus": "Agreed focus",
    "plan": "Practitioner's plan",
}

#: The choice of the "Order or licence" field that leaves it unrecorded (a Select needs a value).
NOT_RECORDED = "not_recorded"

SESSION_REF_HINT = "calibration only: the same for both observers"

FOCUS_HINT = "optional: what to look at, agreed with the practitioner, e.g. using open questions"

#: Under the plan field: what goes there, and that Tab (not Enter) moves on from it.
PLAN_HINT = "Plan: optional, the practitioner's plan for the session in a line or a few (Enter: new line; Tab: next field)."

CHANGE_TARGET_HINT = "optional: the behaviour talked about, e.g. attending appointments"


class ConsentBox(Checkbox):
    """A checkbox whose box is visibly empty when not ticked (Textual draws an X either way, only dimmer)."""

    @property
    def _button(self) -> Content:
        button_style = self.get_visual_style("toggle--button")
        side_style = Style(foreground=button_style.background, background=self.background_colors[1])
        inner = self.BUTTON_INNER if self.value else " "
        return Content.assemble((self.BUTTON_LEFT, side_style), (inner, button_style), (self.BUTTON_RIGHT, side_style))


def field_row(label: str, widget: Input | Select[str] | Checkbox | TextArea) -> ComposeResult:
    """A label and its field on one line."""
    with Horizontal(classes="form-field"):
        yield Label(plain(label))
        yield widget


def suggest(names: list[str]) -> SuggestFromList | None:
    """Suggest the names already in the store (Right arrow completes), if any."""
    return SuggestFromList(names, case_sensitive=False) if names else None


def known_hint(names: list[str]) -> str:
    """The placeholder of a name field: the first names known, or "type a name"."""
    if not names:
        return "type a name"
    shown = ", ".join(names[:3])
    return f"type, or pick: {shown}{'…' if len(names) > 3 else ''} (→ completes)"


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of a TOML paragraph; keep blank lines between paragraphs."""
    paragraphs = [" ".join(line.strip() for line in para.splitlines()) for para in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def flag_required(root: Widget) -> list[str]:
    """A save was tried: each required field under ``root`` left empty says so under itself
    ("Team: required", until it is filled in). The messages, in form order."""
    return [missing for field in root.query(LineInput) if shown(field) and (missing := field.flag())]


def shown(widget: Widget) -> bool:
    """The widget and every container around it are displayed (a hidden part of a form is not checked)."""
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))
