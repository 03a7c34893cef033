"""The rules of the app's toasts (seeds_tui.tui.toasts), on a hand-moved clock: what waits for a dialog,
what comes back after it and for how long, and which toasts give way when too many would show."""

from __future__ import annotations

from seeds_tui.tui.toasts import HELD_MAX, Toasts, ToastText


class Screen:
    """What Textual would show: the toasts put up since the last clear."""

    def __init__(self) -> None:
        self.shown: list[ToastText] = []

    def show(self, toast: ToastText) -> None:
        self.shown.append(toast)

    def clear(self) -> None:
        self.shown = []


def make(rows: int = 100) -> tuple[Toasts, Screen, list[float]]:
    screen, now = Screen(), [0.0]
    return Toasts(screen.show, screen.clear, 3, clock=lambda: now[0], room=lambda: (rows, 46)), screen, now


def test_a_toast_waits_for_the_dialog_and_those_on_screen_come_back_for_the_time_they_had_left() -> None:
    toasts, screen, now = make()
    toasts.notify(ToastText("Mark at 02:10", timeout=5))
    now[0] = 2.0
    toasts.screen_changed(dialog=True)
    assert screen.shown == []  # taken off the screen as the dialog opens
    toasts.notify(ToastText("Published"))
    toasts.notify(ToastText("Mark removed", timeout=8), from_dialog=True)  # the dialog's own: over it
    assert [t.message for t in screen.shown] == ["Mark removed"]
    toasts.screen_changed(dialog=False)
    assert [(t.message, t.timeout) for t in screen.shown[1:]] == [("Mark at 02:10", 3.0), ("Published", None)]


def test_too_many_waiting_keep_the_newest_and_clear_forgets_them() -> None:
    toasts, screen, _ = make()
    toasts.screen_changed(dialog=True)
    for n in range(HELD_MAX + 2):
        toasts.notify(ToastText(f"Toast {n}"))
    assert [t.message for t in toasts.held] == [f"Toast {n}" for n in range(2, HELD_MAX + 2)]
    toasts.clear()
    toasts.screen_changed(dialog=False)
    assert screen.shown == []


def test_information_gives_way_before_an_error_and_long_toasts_before_the_notes() -> None:
    toasts, screen, _ = make()
    toasts.notify(ToastText("Not saved: the disk is full", severity="error", timeout=20))
    for n in range(4):
        toasts.notify(ToastText(f"Mark {n}"))
    assert [t.message for t in screen.shown] == ["Not saved: the disk is full", "Mark 2", "Mark 3"]
    toasts, screen, _ = make(rows=8)
    for n in range(3):
        toasts.notify(ToastText("x" * 130, title=f"Long {n}"))  # four rows each at 46 columns
    assert [t.title for t in screen.shown] == ["Long 1", "Long 2"]


def test_a_replacing_toast_takes_the_place_of_its_title_on_screen_and_waiting() -> None:
    """A second refusal on a shared store replaces the first instead of stacking, whether it shows or waits."""
    toasts, screen, now = make()
    toasts.notify(ToastText("Saved", timeout=10))
    toasts.notify(ToastText("Score a new observation in your own store", title="A shared store", replaces=True))
    now[0] = 1.0
    toasts.notify(ToastText("Correct a final in your own store", title="A shared store", replaces=True))
    assert [t.message for t in screen.shown] == ["Saved", "Correct a final in your own store"]
    assert screen.shown[0].timeout == 9.0  # the other toast stays, for the time it had left
    toasts.screen_changed(dialog=True)
    toasts.notify(ToastText("Write a note in your own store", title="A shared store", replaces=True))
    toasts.notify(ToastText("Record an event in your own store", title="A shared store", replaces=True))
    toasts.screen_changed(dialog=False)
    assert [t.message for t in screen.shown] == ["Saved", "Record an event in your own store"]
