"""The base of every screen and dialog of the app: the app typed through its Protocol, and worker failures sent up.

No worker of a screen may end the app: each runs with ``exit_on_error=False``, and a failure
reaches the app's one funnel (``WorkerFailed``), which keeps the user's work and says what
happened in a dialog. Keys that reach a screen itself are handled in the order typed
(``seeds_tui.tui.keys.ScreenKeysInOrder``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual import events
from textual.css.query import NoMatches
from textual.css.scalar import Unit
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from seeds_tui.tui.keys import ScreenKeysInOrder

if TYPE_CHECKING:
    from seeds_tui.tui.protocol import SeedsAppLike

R = TypeVar("R")


class WorkerFailed(Message):
    """A worker raised an unexpected exception (posted to the app, whose funnel handles it)."""

    def __init__(self, worker: Worker[object]) -> None:
        super().__init__()
        self.worker = worker


class _SendsWorkerFailures:
    """Worker state messages do not bubble: hand failures to the app.

    A plain ``on_worker_state_changed`` method, not ``@on``: Textual collects ``@on`` handlers only
    from classes built by its message-pump metaclass, so in a mixin like this one they never ran
    (and a failing screen worker went unseen).
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker of this screen failed: the app's funnel keeps the work and says so."""
        if event.state == WorkerState.ERROR:
            cast("Screen[Any]", self).app.post_message(WorkerFailed(event.worker))


def size_classes_now(screen: Screen[Any]) -> None:
    """Give a screen its size classes (``-narrow``/``-wide``, ``-short``/``-tall``) for the terminal as it is.

    Textual sets them at the screen's first resize, after its first frame: at 80x24 a new scoring
    screen was first drawn with the wide layout's section list beside the items, for a moment (longer
    on a busy machine) before it jumped to the narrow one.
    """
    app = screen.app
    width, height = app.size
    for size, breakpoints in ((width, app.HORIZONTAL_BREAKPOINTS or []), (height, app.VERTICAL_BREAKPOINTS or [])):
        chosen = None
        for least, name in sorted(breakpoints):
            if size >= least:
                chosen = name
        for _, name in breakpoints:
            screen.set_class(name == chosen, name)


class SeedsScreen(_SendsWorkerFailures, ScreenKeysInOrder, Screen[R]):
    """A screen of the app."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with contextlib.suppress(RuntimeError):  # made outside a running app: its first resize sets them
            size_classes_now(self)

    #: The refresh put off while another screen (a dialog) covers this one.
    _put_off: Callable[[], None] | None = None

    #: This screen's actions that would write into the store. On a team's shared store their keys
    #: leave the footer (``hide_store_writes``); pressed all the same, the action says why not
    #: (``SeedsAppLike.refused_on_shared_store``) and writes nothing.
    WRITES_STORE: ClassVar[frozenset[str]] = frozenset()

    def hide_store_writes(self) -> None:
        """On a team's shared store, take the keys of ``WRITES_STORE`` out of the footer (they still say why, pressed).

        Not ``check_action`` returning False: Textual then drops the key unseen, and the user who
        presses ``c`` on a shared final would get no word at all.
        """
        from dataclasses import replace

        bindings = self._bindings.key_to_bindings  # this screen's own copy (Textual copies the class's map per node)
        for key, found in list(bindings.items()):
            bindings[key] = [replace(b, show=False) if b.action in self.WRITES_STORE else b for b in found]
        self.refresh_bindings()

    @property
    def seeds(self) -> SeedsAppLike:
        """The app, as screens may use it."""
        return cast("SeedsAppLike", self.app)

    def later_if_covered(self, refresh: Callable[[], None]) -> bool:
        """True when a dialog or another screen covers this one: ``refresh`` then runs once it is shown again.

        A screen under a dialog is drawn dimmed behind it, and Textual draws the whole of it again
        whenever any of it changes: refreshing it on every key typed into a note dialog repainted
        the full terminal per key (slow over SSH, and most of a test's time).
        """
        if not self.is_attached or self.app.screen is self:
            return False
        self._put_off = refresh
        return True

    def on_screen_resume(self) -> None:
        """Shown again: run the refresh put off meanwhile."""
        refresh, self._put_off = self._put_off, None
        if refresh is not None:
            refresh()


class SeedsModal(_SendsWorkerFailures, ScreenKeysInOrder, ModalScreen[R]):
    """A modal dialog of the app: its box (``.dialog``) always fits the terminal.

    The part that may be long (``FIT_BODY``: the form, the message, the list) scrolls and gives
    way when the terminal is short, so the title, the hint and the buttons stay on screen: at
    80x24 the strength, development and action forms put Done and Cancel below the screen.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with contextlib.suppress(RuntimeError):  # made outside a running app: its first resize sets them
            size_classes_now(self)

    #: The child of ``.dialog`` that scrolls and shrinks to fit (the rest keeps its height).
    FIT_BODY: ClassVar[str] = ".dialog-body"
    #: Rows of the dimmed screen kept above and below the box.
    FIT_MARGIN: ClassVar[int] = 1

    def on_resize(self, event: events.Resize) -> None:
        """Shown or resized: fit the box to the terminal once it is laid out."""
        self.call_after_refresh(self.fit_to_screen)

    def fit_to_screen(self) -> None:
        """Cap the body's height so that the whole box fits the screen (the body then scrolls)."""
        try:
            box = self.query_one(".dialog")
            body = box.query_one(self.FIT_BODY)
        except NoMatches:
            return
        if body.parent is not box:
            return
        others = sum(
            child.outer_size.height + child.styles.margin.top + child.styles.margin.bottom
            for child in box.children
            if child is not body and child.display
        )
        room = self.size.height - 2 * self.FIT_MARGIN - box.styles.gutter.height - others - body.styles.margin.height
        room = max(3, room)
        wanted = body.styles.base.max_height  # the stylesheet's cap, if any (in cells)
        if wanted is not None and wanted.unit == Unit.CELLS and wanted.value <= room:
            room = int(wanted.value)
        if body.styles.inline.max_height is None or body.styles.inline.max_height.value != room:
            body.styles.max_height = room

    @property
    def seeds(self) -> SeedsAppLike:
        """The app, as dialogs may use it."""
        return cast("SeedsAppLike", self.app)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """The dialog's own message: shown over it (every other toast waits for the dialog to close)."""
        self.seeds.notify(message, title=title, severity=severity, timeout=timeout, markup=markup, dialog=self)
