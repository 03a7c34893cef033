"""The one autosave engine: every kind of unsaved work in the app is saved by it.

An observation draft, a correction in progress, a consensus draft: each is a ``Draft`` (what
to write and how), and one ``Autosave`` per draft does the rest, the same way for all:

* a change schedules a save ``delay`` seconds later; changes in between are coalesced, and
  the newest state is what gets written;
* the write runs in a daemon thread (typing never waits for the disk, and a write stuck on
  a store lock never keeps the process from ending);
* a write and the last-chance save (hang-up, quit, a crash) never overlap: both hold the
  engine's lock, so the revision the draft records is always its own last write, and no save
  of ours is ever mistaken for someone else's;
* "store busy" (another program holds the store's lock) is retried later, never reported as
  a conflict; a real conflict (someone else saved) keeps our version aside and stops writing;
* any other failure keeps the work in memory, is told once, and the next change retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

from seeds_tui.core.errors import ConflictError, SeedsError, StoreBusy

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

#: Seconds between a change and its autosave (changes in between are coalesced).
AUTOSAVE_DELAY = 0.4

#: Seconds between two tries while another program holds the store's lock.
BUSY_RETRY = 1.0

#: How long a last-chance save waits for a write in flight before keeping the work elsewhere.
LAST_CHANCE_WAIT = 3.0

SaveState = Literal["saved", "pending", "saving", "unsaved"]

T = TypeVar("T")


class Draft(Protocol):
    """One kind of unsaved work, as the engine sees it."""

    #: What it is, in the user's words ("draft", "consensus draft", "correction").
    what: str

    def snapshot(self) -> object:
        """What to write now (on the event loop). Raises ``SeedsError`` if it cannot be built."""
        ...

    def write(self, snapshot: object) -> object:
        """Write ``snapshot`` (in a thread, under the engine's lock). Raises ``SeedsError``."""
        ...

    def written(self, snapshot: object, result: object) -> None:
        """A write succeeded (called on the event loop)."""
        ...

    def conflict(self, exc: ConflictError) -> str:
        """Someone else saved: keep our version aside; the message saying where."""
        ...

    def rescue(self, reason: str) -> str:
        """Keep the work somewhere it can be found (the store refused or is stuck); the message saying where."""
        ...


def in_daemon_thread(func: Callable[[], T]) -> Awaitable[T]:
    """Run ``func`` in a daemon thread and await its result.

    Unlike ``asyncio.to_thread``, a thread stuck (a store lock held by another program, a
    network share gone) never keeps the process from exiting.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(value: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)  # type: ignore[arg-type]

    def run() -> None:
        try:
            value = func()
        except BaseException as exc:  # handed to the awaiting task, which decides
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits any more
                loop.call_soon_threadsafe(settle, None, exc)
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, value, None)

    threading.Thread(target=run, name="seeds-save", daemon=True).start()
    return future


class Autosave:
    """Saves one ``Draft`` in the background; tells ``on_state`` whenever the save state changes."""

    def __init__(
        self,
        app: App,
        draft: Draft,
        *,
        delay: float = AUTOSAVE_DELAY,
        on_state: Callable[[], None] | None = None,
        enabled: bool = True,
    ) -> None:
        self.app = app
        self.draft = draft
        self.delay = delay
        self.on_state = on_state
        #: False: changes are only kept in memory until saved on request (a correction).
        self.enabled = enabled
        self.state: SaveState = "saved"
        #: Why the last save failed (None once one succeeds).
        self.error: str | None = None
        #: True while another program holds the store's lock (we try again shortly).
        self.busy = False
        #: Set once our version was kept aside because someone else saved: no more autosaves.
        self.stopped = False
        self._dirty = False
        self._timer: Timer | None = None
        self._task: asyncio.Future[object] | None = None
        self._error_shown: str | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        #: Held by every write: a background write and a last-chance save never overlap.
        self.lock = threading.Lock()
        #: The message of the last-chance save that kept the work elsewhere (until the next change).
        self._kept_elsewhere: str | None = None

    # -- state ---------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """True when something in memory is not on disk."""
        return self._dirty

    @property
    def has_unsaved(self) -> bool:
        """True while a change is not on disk (due, being written, or refused)."""
        return self._dirty or self.state in ("pending", "saving", "unsaved")

    @property
    def active(self) -> bool:
        """True while a save is due (its timer runs) or being written."""
        return self._timer is not None or self.writing

    @property
    def writing(self) -> bool:
        """True while a write is in flight."""
        return self._task is not None and not self._task.done()

    def _tell(self) -> None:
        if self.on_state is not None:
            self.on_state()

    # -- scheduling ----------------------------------------------------------------------

    def changed(self) -> None:
        """Something changed: save it soon (or, when disabled, remember that it is unsaved)."""
        self._dirty = True
        self._kept_elsewhere = None
        self._idle.clear()
        if not self.enabled:
            self.state = "unsaved"
            self._tell()
            return
        if self.stopped:  # someone else saved: our copy aside is kept up to date instead
            self.state = "unsaved"
            self._schedule(self.delay)
            self._tell()
            return
        if self.state != "saving":
            self.state = "pending"
        self._schedule(self.delay)
        self._tell()

    def mark_saved(self) -> None:
        """Everything is on disk (the owner saved it another way, e.g. a correction saved on request)."""
        self._dirty = False
        self.state = "saved"
        self.error = None
        self._error_shown = None
        self._idle.set()
        self._tell()

    def mark_unsaved(self) -> None:
        """There is work to save that the draft already holds (e.g. a draft never written yet)."""
        self._dirty = True
        self._idle.clear()
        self.state = "pending" if self.enabled else "unsaved"

    def _schedule(self, delay: float) -> None:
        if self._timer is None and not self.writing:
            self._timer = self.app.set_timer(delay, self._start, name="autosave")

    def _stop_timer(self) -> None:
        if self._timer is not None:
            with contextlib.suppress(RuntimeError):  # the app has stopped and its event loop is closed
                self._timer.stop()
            self._timer = None

    def stop(self) -> None:
        """No more background saves (the work was recorded, or is being closed)."""
        self._stop_timer()
        self.enabled = False

    def _start(self) -> None:
        self._timer = None
        if self.stopped and self.enabled:
            self.error = self.draft.conflict(ConflictError("kept aside"))  # rewrites our copy aside; never the file
            self._idle.set()
            self._tell()
            return
        if not self.enabled or self.stopped or self.writing or not self._dirty:
            if not self._dirty and not self.writing:
                self._idle.set()
            return
        try:
            snapshot = self.draft.snapshot()
        except SeedsError as exc:
            self._failed(str(exc))
            self._idle.set()
            self._tell()
            return
        self._dirty = False
        self.state = "saving"
        self._task = asyncio.ensure_future(self._run(snapshot))

    async def _run(self, snapshot: object) -> object:
        def write() -> object:
            with self.lock:
                return self.draft.write(snapshot)

        retry = False
        try:
            result = await in_daemon_thread(write)
        except StoreBusy:
            # Another program is saving into the store: not a conflict, not a failure. Try again shortly.
            self._dirty = self._kept_elsewhere is None  # unless a last-chance save kept a newer version elsewhere
            self.busy = True
            self.state = "pending"
            retry = True
        except ConflictError as exc:
            self._dirty = self._kept_elsewhere is None  # unless a last-chance save kept a newer version elsewhere
            self.stopped = True
            message = self.draft.conflict(exc)
            self.error = message
            self.state = "unsaved"
            if self._error_shown != message:
                self._error_shown = message
                self.app.notify(message, title=f"{self.draft.what.capitalize()} changed elsewhere", severity="error", timeout=20)
        except SeedsError as exc:
            self._dirty = self._kept_elsewhere is None  # unless a last-chance save kept a newer version elsewhere
            self._failed(str(exc))
        except Exception as exc:  # a bug must not lose the work: keep it in memory and say so
            self._dirty = self._kept_elsewhere is None  # unless a last-chance save kept a newer version elsewhere
            self._failed(f"could not save the {self.draft.what} ({type(exc).__name__})")
        else:
            self.busy = False
            self.draft.written(snapshot, result)
            self.error = None
            self._error_shown = None
            self.state = "pending" if self._dirty else "saved"
        finally:
            self._task = None
            if retry and self.enabled:
                self._schedule(BUSY_RETRY)
            elif self.state != "unsaved" and self._dirty and self.enabled and not self.stopped:
                self._schedule(self.delay)
            elif not self.writing and self._timer is None:
                self._idle.set()
            self._tell()
        return None

    def _failed(self, message: str) -> None:
        self.error = message
        self.state = "unsaved"
        if self._error_shown != message:
            self._error_shown = message
            self.app.notify(
                f"{message}\nYour work is kept in memory; it is saved again with your next change or Ctrl+S.",
                title=f"{self.draft.what.capitalize()} not saved",
                severity="error",
                timeout=15,
            )

    # -- waiting and saving now ----------------------------------------------------------

    async def wait_idle(self) -> None:
        """Wait (without forcing a save) until every change is written, or a save failed."""
        await self._idle.wait()

    async def flush(self, timeout: float | None = None) -> bool:
        """Save any pending change now and wait for it; True when everything is on disk.

        ``timeout``: give up waiting for a write stuck in the store after so many seconds (False).
        """
        if self.stopped:
            return not self._dirty
        self._stop_timer()
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        for _ in range(6):
            if self.writing:
                assert self._task is not None
                left = None if deadline is None else max(0.0, deadline - loop.time())
                try:
                    await asyncio.wait_for(asyncio.shield(self._task), left)
                except TimeoutError:
                    return False
                self._stop_timer()
                continue
            if self._dirty and not self.stopped:
                was_enabled = self.enabled
                self.enabled = True
                try:
                    self._start()
                finally:
                    self.enabled = was_enabled
                if self.busy and not self.writing:
                    continue
                if not self.writing and self.state == "unsaved":
                    return False
                continue
            break
        self._stop_timer()
        return self.state != "unsaved" and not self._dirty

    def save_now(self, *, wait: float = LAST_CHANCE_WAIT) -> str | None:
        """Last-chance synchronous save (hang-up, quit, a crash); a message for the user, or None when all is on disk.

        Waits at most ``wait`` seconds for a write in flight; if the store is stuck or refuses,
        the draft's ``rescue`` keeps the work elsewhere and the message says where.
        """
        self._stop_timer()
        if self.stopped:
            return self.draft.conflict(ConflictError("kept aside"))
        if not self._dirty:
            # Nothing changed since the last call: all on disk, or already kept elsewhere (the quit
            # dialog kept it, then the close calls again): say so again without waiting on the store.
            return self._kept_elsewhere
        if self.busy or not self.lock.acquire(timeout=wait):
            # The store is busy (another program holds the lock): waiting again for it would only hold up the close.
            return self._kept(self.draft.rescue("the store stayed busy (another program held its lock)"))
        try:
            snapshot = self.draft.snapshot()
            result = self.draft.write(snapshot)
        except ConflictError as exc:
            self.stopped = True
            return self.draft.conflict(exc)
        except StoreBusy as exc:
            return self._kept(self.draft.rescue(str(exc)))
        except SeedsError as exc:
            return self._kept(self.draft.rescue(str(exc)))
        except Exception as exc:  # last chance: whatever went wrong, keep the work
            return self._kept(self.draft.rescue(f"saving failed ({type(exc).__name__})"))
        finally:
            self.lock.release()
        self.draft.written(snapshot, result)
        self._dirty = False
        self.state = "saved"
        self.error = None
        return None

    def _kept(self, message: str) -> str:
        """The work was kept elsewhere by a last-chance save: nothing more to save until the next change."""
        self._dirty = False
        self.state = "unsaved"
        self._kept_elsewhere = message
        return message
