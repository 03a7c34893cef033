"""Running the app in a terminal: a quick first frame, saving on hang-up, and the last resort.

* The first frame needs only Textual: the store and the rubrics (pydantic models, files) are
  built in a background thread once the home screen is drawn (``Later``); anything that needs
  them sooner waits for them, so no key typed early is lost.
* Hang-up: SIGHUP (the terminal went away: an SSH connection dropped, the window closed) and
  SIGTERM (the system asks us to stop) close the app as Ctrl+Q does, after writing every kind
  of unsaved work (the draft, a correction, consensus choices, a set-up form): to its own file
  where it has one, else where the terminal is told. The exit status is non-zero whenever some
  work had to be kept elsewhere. A signal that arrives during start-up closes the app as soon
  as it runs; and a watchdog ends the process if closing ever takes longer than
  ``CLOSE_LIMIT`` seconds (after saving what it can), so the app never hangs for good.
  On Windows there is no SIGHUP: SIGTERM and SIGBREAK (Ctrl+Break) are handled the same way;
  closing the console window ends the process at once, so what the autosave wrote (at most
  ``AUTOSAVE_DELAY`` seconds behind the typing) is what is kept.
* Last resort: an exception nobody caught never shows a traceback (Textual's shows locals,
  i.e. what was typed). The work is saved, a crash report without any field values is
  written to the user data folder, and one plain paragraph says what happened and where the
  work is; the exit status is 3.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seeds_tui.core.selfrating import SelfRating
    from seeds_tui.tui.app import SeedsApp

#: Exit status after a crash (0 success, 1 work kept elsewhere or not saved, 2 usage error).
CRASHED = 3

#: Seconds a close after a hang-up may take before the watchdog ends the process.
CLOSE_LIMIT = 10.0


def hang_up_signals() -> tuple[signal.Signals, ...]:
    """The signals that close the app after saving, on this platform (SIGHUP only where it exists)."""
    names = ("SIGHUP", "SIGTERM", "SIGBREAK")
    return tuple(sig for name in names if isinstance(sig := getattr(signal, name, None), signal.Signals))


class HangUp:
    """What the hang-up signals do: hand the closing to the event loop; never save inside the handler."""

    def __init__(self, app: SeedsApp) -> None:
        self.app = app
        self.received = 0
        self.first: float | None = None
        self.problems: list[str] = []
        self._handed_on = False

    def __call__(self, signum: int, frame: object) -> None:
        # A signal handler runs between any two steps of the main thread, perhaps inside a save,
        # so it only hands the work on. A second signal soon after (bash passes SIGHUP on to its
        # jobs too) changes nothing.
        self.hang_up()

    def hang_up(self) -> None:
        """The terminal went away or we were asked to stop (a signal, or the terminal watch): close soon."""
        self.received += 1
        if self.first is None:
            self.first = time.monotonic()
            _start_watchdog(self)
        loop = self.app.event_loop
        if loop is None or not loop.is_running():  # not running yet (start-up): the app closes as soon as it is mounted
            self.app.hang_up_pending = True
            loop = self.app.event_loop  # read again: the app may have been mounted meanwhile, before seeing the flag
            if loop is None or not loop.is_running():
                return
        if not self._handed_on:
            self._handed_on = True
            loop.call_soon_threadsafe(self.save_and_close)

    def save_and_close(self) -> None:
        """On the event loop, between two tasks: write every kind of unsaved work, then close."""
        self.app.closing = True
        try:
            self.problems.extend(self.app.save_everything_now())
        except Exception as exc:  # a bug must not stop the close; the save after the app stops tries again
            self.problems.append(f"saving on hang-up failed ({type(exc).__name__})")
        self.app.exit(1 if self.problems else 0)


def _start_watchdog(hang_up: HangUp) -> None:
    """End the process if closing after a hang-up takes too long (a terminal gone, a store stuck): never hang for good."""

    def watch() -> None:
        time.sleep(CLOSE_LIMIT)
        messages: list[str] = []
        try:
            messages = hang_up.app.save_everything_now()
        except Exception:  # the last moment: whatever happened, end
            messages = []
        for message in [*hang_up.problems, *messages]:
            _say(f"seeds-tui: {message}")
        os._exit(1)

    threading.Thread(target=watch, name="seeds-close-watchdog", daemon=True).start()


def _watch_terminal(hang_up: HangUp, fd: int) -> None:
    """Notice the terminal going away even when no SIGHUP comes (it was not our controlling terminal,
    or the signal was lost): a hang-up on standard input is a hang-up. POSIX ``poll``; elsewhere
    the signals alone are watched."""
    poll = getattr(select, "poll", None)
    if poll is None:
        return

    def watch() -> None:
        poller = poll()
        poller.register(fd, 0)  # only hang-up and error conditions are reported
        while True:
            try:
                events = poller.poll(250)
            except OSError:
                return
            if any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in events):
                hang_up.hang_up()
                return

    threading.Thread(target=watch, name="seeds-terminal-watch", daemon=True).start()


def _say(text: str) -> None:
    """Print a line on the terminal (which may be gone: never fail for that)."""
    from seeds_tui.core.text import printable

    with contextlib.suppress(OSError, ValueError):
        print(printable(text), file=sys.stderr, flush=True)


#: The thread in which Textual writes to the terminal: once the terminal has gone, its writes fail (not a bug).
TERMINAL_WRITER = "textual-output"


def _quiet_thread_errors(args: threading.ExceptHookArgs) -> None:
    """An exception in a thread nobody waits for: a report, never a traceback on the terminal.

    The terminal going away makes the thread that writes to it fail with ``OSError``: that is a
    hang-up (handled as one), not a bug, so no report is written for it.
    """
    from seeds_tui.storage.crash import write_crash_report

    error = args.exc_value
    if error is None or isinstance(error, SystemExit):
        return
    if isinstance(error, OSError) and args.thread is not None and args.thread.name == TERMINAL_WRITER:
        return
    write_crash_report(error)


def run_app(store: str | None, rubric_dirs: list[str], selfrating: SelfRating | None = None) -> int:
    """Run the app in this terminal on the ``store`` folder (None: the default store) with extra rubric folders; the exit code.

    ``selfrating``: open on it for the practitioner to rate (``seeds-tui self-rate open``); the app ends when it is finished."""
    store_dir = store
    from seeds_tui.tui.app import create_app

    def make_store():  # type: ignore[no-untyped-def]
        from seeds_tui.storage.store import Store

        store = Store(store_dir)
        # Temp files of a save killed last time are removed (only old ones: never a save in flight).
        store.clean_temp_files()
        return store

    def make_registry():  # type: ignore[no-untyped-def]
        from seeds_tui.core.rubric import RubricRegistry

        return RubricRegistry.default([Path(d) for d in rubric_dirs])

    app = create_app(make_store, make_registry)
    app.start_selfrating = selfrating
    hang_up = HangUp(app)
    signals = hang_up_signals()
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = {sig: signal.signal(sig, hang_up) for sig in signals} if in_main_thread else {}
    # Not only while stdin is a terminal: once the terminal has closed it no longer counts as one.
    with contextlib.suppress(AttributeError, OSError, ValueError):
        _watch_terminal(hang_up, sys.stdin.fileno())
    previous_hook = threading.excepthook
    threading.excepthook = _quiet_thread_errors
    crash: BaseException | None = None
    result: int | None = None
    try:
        result = app.run()
    except Exception as exc:  # the driver or Textual itself failed outside the app's own handler
        crash = exc
    finally:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)  # the last save below must not be cut short
    crash = crash or app.crash
    problems = list(hang_up.problems)
    try:
        # The terminal closed, the app crashed or stopped without Ctrl+Q: save what the autosave had not.
        problems.extend(app.save_everything_now())
    except Exception as exc:
        problems.append(f"the last save failed ({type(exc).__name__})")
        crash = crash or exc
    problems.extend(app.rescued)
    try:
        if crash is not None:
            from seeds_tui.storage.crash import crash_paragraph, write_crash_report

            _say(crash_paragraph(write_crash_report(crash), [f"{p[:1].upper()}{p[1:]}." for p in dict.fromkeys(problems)]))
            return CRASHED
        for problem in dict.fromkeys(problems):
            _say(f"seeds-tui: {problem}")
        if hang_up.received:  # no Ctrl+Q said where things are: say where the work that is safe in its own file is
            for place in app.saved_where():
                _say(f"seeds-tui: {place}")
        return 1 if problems else int(result or 0)
    finally:
        threading.excepthook = previous_hook
        for sig, handler in previous.items():
            signal.signal(sig, handler)
