"""Toasts that wait while a dialog is open: the app's one way to show a notification.

A toast raised while a dialog (or the command palette) is on screen is held back and shown
once the dialog closes, not on top of it; a dialog's own messages ("Mark removed · u puts it
back", "Write what was agreed") are shown over it, as they are about it. Toasts already on
screen when a dialog opens are taken back and shown again, for the time they had left, when it
closes. ``clear`` forgets both (a new observation does not show the last one's toasts).

At most ``AT_ONCE`` toasts show at a time, and no more than fit in the top part of the screen
(``room``: the rows and columns toasts may take), clear of the section notes and the tally bar at
80x24: a new one puts the oldest away (information before warnings, warnings before errors); the
newest always shows.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from textual.notifications import SeverityLevel

#: At most this many toasts wait for a dialog to close (the oldest give way).
HELD_MAX = 4

#: At most this many toasts on screen at once.
AT_ONCE = 3

#: Which toasts give way first when there are too many (an error last).
_GIVES_WAY = {"information": 0, "warning": 1, "error": 2}

#: A toast taken back with less than this many seconds left is not shown again.
SHORTEST_SECONDS = 1.0


@dataclass(frozen=True)
class ToastText:
    """One notification as asked for (timeout in seconds; ``None`` for the app's default)."""

    message: str
    title: str = ""
    severity: SeverityLevel = "information"
    timeout: float | None = None
    markup: bool = False
    #: It puts away every toast of its title still showing or waiting (one at a time, not a stack).
    replaces: bool = False


@dataclass
class _Shown:
    toast: ToastText
    at: float


class Toasts:
    """Which toasts show now, and which wait for the dialog on screen to close.

    ``show`` puts a toast on screen (Textual's own ``App.notify``), ``clear_screen`` takes every
    toast off it; ``default_timeout`` is the app's default toast time.
    """

    def __init__(
        self,
        show: Callable[[ToastText], None],
        clear_screen: Callable[[], None],
        default_timeout: float,
        clock: Callable[[], float] = time.monotonic,
        room: Callable[[], tuple[int, int]] | None = None,
    ) -> None:
        self._room = room
        self._show = show
        self._clear_screen = clear_screen
        self._default = default_timeout
        self._clock = clock
        self._shown: list[_Shown] = []
        #: Toasts waiting for the dialog to close, oldest first.
        self.held: list[ToastText] = []
        self._dialog_open = False

    def notify(self, toast: ToastText, *, from_dialog: bool = False) -> None:
        """Show ``toast`` now, or once the dialog closes (unless the dialog itself says it)."""
        if toast.replaces:
            self.held = [t for t in self.held if t.title != toast.title]
        if self._dialog_open and not from_dialog:
            self.held = [*self.held, toast][-HELD_MAX:]
            return
        self._put(toast)

    def _put(self, toast: ToastText) -> None:
        now = self._clock()
        live = [s for s in self._shown if now - s.at < self._seconds(s.toast)]
        rows, columns = self._room() if self._room is not None else (10**6, 80)
        giving_way = sorted(live, key=lambda s: (_GIVES_WAY.get(s.toast.severity, 0), s.at))
        away = [s for s in live if toast.replaces and s.toast.title == toast.title]
        giving_way = [s for s in giving_way if s not in away]
        while giving_way and (
            len(live) - len(away) >= AT_ONCE
            or sum(toast_rows(s.toast, columns) for s in live if s not in away) + toast_rows(toast, columns) > rows
        ):
            away.append(giving_way.pop(0))
        if away:
            live = [s for s in live if s not in away]
            self._clear_screen()  # Textual shows or clears them all: the rest come back for the time they had left
            again = [_Shown(replace(s.toast, timeout=self._seconds(s.toast) - (now - s.at)), now) for s in live]
            for shown in again:
                self._show(shown.toast)
            live = again
        self._shown = [*live, _Shown(toast, now)]
        self._show(toast)

    def _seconds(self, toast: ToastText) -> float:
        return self._default if toast.timeout is None else toast.timeout

    def screen_changed(self, *, dialog: bool) -> bool:
        """A screen came on top: a dialog takes the toasts back; another screen shows those held.
        True when toasts were taken off the screen."""
        if dialog == self._dialog_open:
            return False
        self._dialog_open = dialog
        if dialog:
            now = self._clock()
            left = [replace(s.toast, timeout=self._seconds(s.toast) - (now - s.at)) for s in self._shown]
            left = [t for t in left if (t.timeout or 0) >= SHORTEST_SECONDS]
            self._shown = []
            if left:
                self._clear_screen()
                self.held = [*left, *self.held][-HELD_MAX:]
            return bool(left)
        held, self.held = self.held, []
        for toast in held:
            self._put(toast)
        return False

    def clear(self) -> None:
        """Forget every toast, on screen and waiting."""
        self._shown = []
        self.held = []
        self._clear_screen()


def toast_rows(toast: ToastText, columns: int) -> int:
    """About how many rows ``toast`` takes when its text wraps at ``columns`` (its title takes one)."""
    width = max(columns, 10)
    lines = sum(max(1, math.ceil(len(line) / width)) for line in toast.message.splitlines() or [""])
    return lines + (1 if toast.title else 0)
