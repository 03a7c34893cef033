"""The list of actions carried forward from a practitioner's earlier observations, to be marked.

Keys on the focused list (never app-wide, so they are not typed into a field): ``d`` done,
``g`` ongoing, ``x`` dropped, ``u`` back to not yet reviewed, ``c`` a comment. The list posts
a message; the screen changes the observation (or its set-up state).
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from seeds_tui.core.actions import OpenAction
from seeds_tui.core.dates import uk_date
from seeds_tui.core.observation import ACTION_STATUSES, ActionStatus, CarriedAction
from seeds_tui.tui.keys import KeysInOrder
from seeds_tui.tui.widgets.safe import markup, plain

NOT_REVIEWED = "Not yet reviewed"

#: The marker shown before each action, by status (words, not colour alone).
_BADGE: dict[str | None, str] = {"done": "✓ Done", "ongoing": "… Ongoing", "dropped": "✗ Dropped", None: "? To review"}


def describe_carried(action: CarriedAction, previously: str | None = None) -> Content:
    """One row: status, the action, who and when; the comment beneath it."""
    details = [f"owner {action.owner}" if action.owner else "no owner"]
    if action.review_date:
        details.append(f"review {uk_date(action.review_date)}")
    if action.agreed:
        details.append(f"agreed {uk_date(action.agreed)}")
    if previously:
        details.append(previously)
    badge = _BADGE[action.status].ljust(11)
    style = "b" if action.status is None else "b $accent"
    row = markup(f"[{style}]$badge[/] $text [dim]· $details[/]", badge=badge, text=action.text, details=" · ".join(details))
    if action.comment:
        row = row + markup("\n            [i]$comment[/]", comment=action.comment)
    return row


def previously(found: list[OpenAction]) -> dict[tuple[str, int], str]:
    """How each open action stood when last reviewed, and where, in words ("ongoing at supervision on 01/09/2026: half done");
    an action agreed in supervision says so ("agreed in supervision")."""
    said = {}
    for o in found:
        parts = []
        if o.agreed_where == "supervision":
            parts.append("agreed in supervision")
        if o.last_status and o.last_reviewed:
            comment = f": {o.last_comment}" if o.last_comment else ""
            where = "supervision on " if o.last_where == "supervision" else ""
            parts.append(f"{o.last_status} at {where}{uk_date(o.last_reviewed)}{comment}")
        if parts:
            said[o.action.key] = " · ".join(parts)
    return said


class CarriedList(KeysInOrder, OptionList):
    """Actions from earlier observations: d done, g ongoing, x dropped, u not yet reviewed, c comment."""

    BINDINGS = [
        Binding("d", "mark('done')", "Done", id="carried.done", tooltip="The action was carried out"),
        Binding("g", "mark('ongoing')", "Ongoing", id="carried.ongoing", tooltip="Still in progress: carried to the next observation"),
        Binding("x", "mark('dropped')", "Dropped", id="carried.dropped", tooltip="No longer pursued (say why in a comment)"),
        Binding("u", "mark('')", "Not reviewed", show=False, id="carried.unset", tooltip="Back to not yet reviewed"),
        Binding("c", "comment", "Comment", id="carried.comment", tooltip="Add or change a comment on this action"),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]

    class ActionMessage(Message):
        """About the action at ``index`` of ``carried_list``."""

        def __init__(self, carried_list: CarriedList, index: int) -> None:
            super().__init__()
            self.carried_list = carried_list
            self.index = index

        @property
        def control(self) -> CarriedList:
            """The list the action is in (lets ``@on(..., "#id")`` match it)."""
            return self.carried_list

    class Marked(ActionMessage):
        """The user set the status of the action at ``index`` (None: not yet reviewed)."""

        def __init__(self, carried_list: CarriedList, index: int, status: ActionStatus | None) -> None:
            super().__init__(carried_list, index)
            self.status = status

    class CommentWanted(ActionMessage):
        """The user asked to comment on the action at ``index``."""

    def __init__(self, *, editable: bool = True, id: str | None = None) -> None:
        super().__init__(id=id, classes="carried-list")
        self.editable = editable
        self._count = 0

    def show(self, actions: list[CarriedAction], previously: dict[tuple[str, int], str] | None = None) -> None:
        """Show these actions, keeping the cursor where it was."""
        keep = self.highlighted
        previously = previously or {}
        options = [Option(describe_carried(a, previously.get(a.key)), id=str(i)) for i, a in enumerate(actions)]
        self._count = len(options)
        # Nothing to mark: Tab passes it by.
        self.can_focus = bool(options)
        if not options:
            options = [Option(plain("none open"), id="none", disabled=True)]
        self.set_options(options)
        if self._count:
            self.highlighted = min(keep if keep is not None else 0, self._count - 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The marking keys only when there is something to mark and it may be changed."""
        if action in ("mark", "comment"):
            return self.editable and self._count > 0
        return True

    def action_mark(self, status: str) -> None:
        """Mark the highlighted action."""
        if self.highlighted is None or not self._count:
            return
        chosen: ActionStatus | None = status if status in ACTION_STATUSES else None  # type: ignore[assignment]
        self.post_message(self.Marked(self, self.highlighted, chosen))

    def action_comment(self) -> None:
        """Ask for a comment on the highlighted action."""
        if self.highlighted is not None and self._count:
            self.post_message(self.CommentWanted(self, self.highlighted))
