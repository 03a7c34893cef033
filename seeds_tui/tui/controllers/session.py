"""The session controller: one observation being scored, edited as pure model updates, autosaved.

Screens and widgets never write files. They call the controller's edit methods; each edit
replaces the in-memory ``Observation`` with an updated copy and schedules an autosave. Saves
run off the event loop (a worker awaiting a thread), are debounced (at most one every
``AUTOSAVE_DELAY`` seconds, always within a second of a change) and coalesce: the newest
state is what gets written. When the store refuses (not writable, disk full, changed on
disk), the observation stays in memory, the state becomes ``"unsaved"``, an error names the
folder, and the next change (or Ctrl+S) tries again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import ValidationError

from seeds_tui.core.actions import OpenAction, merge_carried, same_person
from seeds_tui.core.errors import ConflictError, ObservationError, SeedsError
from seeds_tui.core.observation import (
    Action,
    ActionStatus,
    CarriedAction,
    Event,
    Feedback,
    LinkedNote,
    Observation,
    Score,
    Session,
    now,
    ref_key,
)
from seeds_tui.core.rubric import Code, GlobalRating, Item, LoadedRubric, Rubric, Section
from seeds_tui.storage.store import Store

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer
    from textual.worker import Worker

#: Seconds between a change and its autosave (changes in between are coalesced).
AUTOSAVE_DELAY = 0.4

Mode = Literal["draft", "final", "correction"]
SaveState = Literal["saved", "pending", "saving", "unsaved"]


class SessionClock:
    """Elapsed session time in whole seconds; pausable. ``source`` is a monotonic clock (injectable)."""

    def __init__(self, elapsed: int = 0, *, source: Callable[[], float] = time.monotonic) -> None:
        self._base = float(elapsed)
        self._source = source
        self._since: float | None = None

    @property
    def running(self) -> bool:
        """True while the clock is counting."""
        return self._since is not None

    def elapsed(self) -> int:
        """Seconds counted so far (pauses excluded)."""
        extra = self._source() - self._since if self._since is not None else 0.0
        return min(int(self._base + extra), 7 * 24 * 3600)

    def start(self) -> None:
        """Start or resume counting."""
        if self._since is None:
            self._since = self._source()

    def pause(self) -> None:
        """Stop counting, keeping the time so far."""
        if self._since is not None:
            self._base += self._source() - self._since
            self._since = None


def format_elapsed(seconds: int) -> str:
    """``H:MM:SS`` (or ``MM:SS`` under an hour)."""
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class ReadOnly(SeedsError):
    """An edit was attempted on a finalised observation that is open read-only."""


class TooLong(SeedsError):
    """An edit would make a text longer than the file format allows."""


def apply_edit(app: App, func: Callable[..., object], *args: object) -> bool:
    """Make an edit through the session; on a read-only observation (or a text too long) say why instead. True if applied."""
    try:
        func(*args)
    except (ReadOnly, TooLong) as exc:
        app.notify(str(exc), severity="warning", timeout=5)
        return False
    return True


class ObservationSession:
    """Holds the observation being worked on and its rubric; applies edits; saves through the store."""

    def __init__(
        self,
        app: App,
        store: Store,
        loaded: LoadedRubric,
        observation: Observation,
        *,
        clock_source: Callable[[], float] = time.monotonic,
        now_fn: Callable[[], datetime] = now,
        delay: float = AUTOSAVE_DELAY,
    ) -> None:
        self.app = app
        self.store = store
        self.loaded = loaded
        self._obs = observation
        self._now = now_fn
        self.delay = delay
        self.mode: Mode = "final" if observation.status == "final" else "draft"
        self.clock = SessionClock(observation.session.elapsed, source=clock_source)
        self.state: SaveState = "saved" if observation.revision > 0 else "pending"
        self.error: str | None = None
        self.section_index = 0
        self.item_index = 0
        self.counter_taps: list[str] = []
        self._dirty = observation.revision == 0 and self.mode == "draft"
        self._saved_elapsed = observation.session.elapsed
        self._timer: Timer | None = None
        self._worker: Worker | None = None
        self._listeners: list[Callable[[bool], None]] = []
        self._error_shown: str | None = None
        #: The snapshot an autosave worker is writing (to recognise our own save on disk).
        self._inflight: Observation | None = None
        #: Where our version was kept after someone else saved this draft (no more autosaves then).
        self.kept_aside: Path | None = None
        self._idle = asyncio.Event()
        if not self._dirty:
            self._idle.set()

    # -- what is being worked on -------------------------------------------------------

    @property
    def observation(self) -> Observation:
        """The current in-memory observation (what will be saved next)."""
        return self._obs

    @property
    def rubric(self) -> Rubric:
        """The rubric the observation is scored against."""
        return self.loaded.rubric

    @property
    def editable(self) -> bool:
        """False for a finalised observation opened read-only."""
        return self.mode != "final"

    @property
    def path(self) -> Path:
        """The file this observation is (or will be) saved to."""
        return self.store.path_of(self._obs)

    @property
    def section(self) -> Section:
        """The section the scoring screen shows."""
        return self.rubric.sections[self.section_index]

    @property
    def item(self) -> Item:
        """The item the cursor is on."""
        return self.section.items[min(self.item_index, len(self.section.items) - 1)]

    def key_of(self, section: Section, item: Item) -> str:
        """The ``section.item`` key."""
        return f"{section.id}.{item.id}"

    def subscribe(self, callback: Callable[[bool], None]) -> None:
        """Call ``callback(state_only)`` whenever the observation (False) or only the save state (True) changes."""
        self._listeners.append(callback)

    def unsubscribe(self, callback: Callable[[bool], None]) -> None:
        """Stop calling ``callback``."""
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _tell(self, state_only: bool = False) -> None:
        for callback in list(self._listeners):
            callback(state_only)

    # -- edits: scores -------------------------------------------------------------------

    def _apply(self, obs: Observation, *, quiet: bool = False) -> None:
        """Make ``obs`` current and schedule its autosave. ``quiet``: only text typed in place changed,
        so screens need to refresh the save state, not everything."""
        if not self.editable:
            raise ReadOnly("this observation is final and open read-only; choose 'Correct' on the review screen to change it")
        self._obs = obs
        self._dirty = True
        self._idle.clear()
        if self.mode == "draft":
            self.state = "pending"
            self._schedule()
        else:
            self.state = "unsaved"
        self._tell(state_only=quiet)

    def _with_score(self, section_id: str, item_id: str, score: Score | None) -> None:
        scores = {s: dict(items) for s, items in self._obs.scores.items()}
        items = scores.setdefault(section_id, {})
        if score is None:
            items.pop(item_id, None)
        else:
            items[item_id] = score
        if not items:
            scores.pop(section_id, None)
        self._apply(self._obs.model_copy(update={"scores": scores}))

    def set_level(self, section_id: str, item_id: str, value: int) -> None:
        """Give an item a level of its scale (replacing any code)."""
        old = self._obs.score(section_id, item_id)
        self._with_score(section_id, item_id, Score(value=value, evidence=old.evidence if old else "", elapsed=self.clock.elapsed()))

    def set_code(self, section_id: str, item_id: str, code: Code) -> None:
        """Mark an item NA (not applicable) or NO (not observed), replacing any level."""
        old = self._obs.score(section_id, item_id)
        self._with_score(section_id, item_id, Score(code=code, evidence=old.evidence if old else "", elapsed=self.clock.elapsed()))

    def clear(self, section_id: str, item_id: str) -> None:
        """Remove an item's level or code (its evidence note stays)."""
        old = self._obs.score(section_id, item_id)
        if old is None:
            return
        self._with_score(section_id, item_id, Score(evidence=old.evidence) if old.evidence else None)

    def set_evidence(self, section_id: str, item_id: str, text: str) -> None:
        """Replace an item's evidence note (empty text removes it)."""
        old = self._obs.score(section_id, item_id) or Score()
        if old.evidence == text:
            return
        elapsed = old.elapsed if old.elapsed is not None else self.clock.elapsed()
        new = Score(value=old.value, code=old.code, evidence=text, elapsed=elapsed)
        self._with_score(section_id, item_id, new if (new.is_set or new.evidence) else None)

    def set_section_note(self, section_id: str, text: str) -> None:
        """Replace a section's notes."""
        if self._obs.section_notes.get(section_id, "") == text:
            return
        notes = dict(self._obs.section_notes)
        if text:
            notes[section_id] = text
        else:
            notes.pop(section_id, None)
        self._apply(self._obs.model_copy(update={"section_notes": notes}), quiet=True)

    # -- marks and counters --------------------------------------------------------------

    def add_mark(self, text: str = "") -> Event:
        """Drop a time-stamped mark now; it can be attached to an item later."""
        event = Event(at=self._now(), elapsed=self.clock.elapsed(), kind="mark", text=text)
        self._apply(self._obs.model_copy(update={"events": [*self._obs.events, event]}))
        return event

    def update_mark(self, index: int, *, text: str | None = None, item: str | None = None, detach: bool = False) -> None:
        """Change a mark's text, attach it to a ``section.item`` key, or detach it."""
        events = list(self._obs.events)
        old = events[index]
        update: dict[str, object] = {}
        if text is not None:
            update["text"] = text
        if item is not None:
            update["item"] = item
        if detach:
            update["item"] = None
        events[index] = Event.model_validate({**old.model_dump(), **update})
        self._apply(self._obs.model_copy(update={"events": events}))

    def delete_mark(self, index: int) -> None:
        """Remove a mark."""
        events = list(self._obs.events)
        del events[index]
        self._apply(self._obs.model_copy(update={"events": events}))

    def unattached_marks(self) -> list[int]:
        """Indexes of marks not yet attached to an item."""
        return [i for i, e in enumerate(self._obs.events) if e.kind == "mark" and e.item is None]

    def tap_counter(self, counter_id: str) -> int:
        """Add one to a tally; returns the new count."""
        counters = dict(self._obs.counters)
        counters[counter_id] = counters.get(counter_id, 0) + 1
        self.counter_taps.append(counter_id)
        self._apply(self._obs.model_copy(update={"counters": counters}))
        return counters[counter_id]

    def undo_counter(self) -> str | None:
        """Take back the last tally tap (this session); returns its counter id, or None."""
        while self.counter_taps:
            counter_id = self.counter_taps.pop()
            count = self._obs.counters.get(counter_id, 0)
            if count <= 0:
                continue
            counters = dict(self._obs.counters)
            counters[counter_id] = count - 1
            self._apply(self._obs.model_copy(update={"counters": counters}))
            return counter_id
        return None

    # -- clock -----------------------------------------------------------------------------

    def start_clock(self) -> None:
        """Start (or resume) the session clock; the first start records the start time."""
        if self.clock.running or not self.editable:
            return
        self.clock.start()
        if self._obs.session.started is None:
            self._set_session(started=self._now())
        self._tell()

    def pause_clock(self) -> None:
        """Pause the session clock and save the time so far."""
        if not self.clock.running:
            return
        self.clock.pause()
        self._set_session(elapsed=self.clock.elapsed(), ended=self._now())

    def toggle_clock(self) -> bool:
        """Pause or resume; returns True if now running."""
        if self.clock.running:
            self.pause_clock()
        else:
            self.start_clock()
        return self.clock.running

    def _set_session(self, **update: object) -> None:
        self._apply(self._obs.model_copy(update={"session": self._obs.session.model_copy(update=update)}))

    def update_session(self, session: Session) -> None:
        """Replace the session details (validated by the caller).

        Another practitioner, date or session reference changes which earlier actions are
        theirs: the carried list is emptied, to be looked up again in the feedback step.
        """
        old = self._obs.session
        update: dict[str, object] = {"session": session.model_copy(update={"elapsed": self.clock.elapsed()})}
        moved = (
            not same_person(old.practitioner, session.practitioner)
            or old.date != session.date
            or ref_key(old.session_ref or "") != ref_key(session.session_ref or "")
        )
        if moved and self._obs.feedback.carried:
            update["feedback"] = self._obs.feedback.model_copy(update={"carried": []})
        self._apply(self._obs.model_copy(update=update))

    # -- globals and feedback -----------------------------------------------------------

    def set_global(self, rating: GlobalRating, value: int | None) -> None:
        """Give a whole-session rating (None removes it)."""
        ratings = dict(self._obs.globals)
        if value is None:
            ratings.pop(rating.id, None)
        else:
            ratings[rating.id] = value
        self._apply(self._obs.model_copy(update={"globals": ratings}))

    def set_feedback(self, **update: object) -> None:
        """Replace parts of the feedback (self_assessment, strengths, development_areas, actions, practitioner_comment)."""
        feedback = Feedback.model_validate({**self._obs.feedback.model_dump(), **_dumped(update)})
        if feedback == self._obs.feedback:
            return
        quiet = set(update) <= {"self_assessment", "practitioner_comment"}
        self._apply(self._obs.model_copy(update={"feedback": feedback}), quiet=quiet)

    def add_linked(self, part: Literal["strengths", "development_areas"], text: str, item: str | None) -> None:
        """Add a strength or development area, optionally linked to a ``section.item``."""
        notes = [*getattr(self._obs.feedback, part), LinkedNote(text=text, item=item)]
        self.set_feedback(**{part: notes})

    def replace_linked(self, part: Literal["strengths", "development_areas"], index: int, note: LinkedNote | None) -> None:
        """Edit (or, with None, remove) a strength or development area."""
        notes = list(getattr(self._obs.feedback, part))
        if note is None:
            del notes[index]
        else:
            notes[index] = note
        self.set_feedback(**{part: notes})

    def add_action(self, action: Action) -> None:
        """Add an agreed action."""
        self.set_feedback(actions=[*self._obs.feedback.actions, action])

    def replace_action(self, index: int, action: Action | None) -> None:
        """Edit (or, with None, remove) an agreed action."""
        actions = list(self._obs.feedback.actions)
        if action is None:
            del actions[index]
        else:
            actions[index] = action
        self.set_feedback(actions=actions)

    def add_carried(self, still_open: list[OpenAction]) -> None:
        """Add open actions from earlier observations that the draft does not hold yet (kept as marked otherwise)."""
        self.set_feedback(carried=merge_carried(self._obs.feedback.carried, still_open))

    def mark_carried(self, index: int, status: ActionStatus | None, comment: str | None = None) -> None:
        """Say how an action from an earlier observation stands now (None: not yet reviewed)."""
        carried = list(self._obs.feedback.carried)
        update: dict[str, object] = {"status": status}
        if comment is not None:
            update["comment"] = comment
        try:
            carried[index] = CarriedAction.model_validate({**carried[index].model_dump(), **update})
        except ValidationError:
            raise TooLong("the comment is too long (at most 20,000 characters): shorten it") from None
        self.set_feedback(carried=carried)

    # -- saving ---------------------------------------------------------------------------

    def _snapshot(self) -> Observation:
        elapsed = self.clock.elapsed()
        if elapsed == self._obs.session.elapsed:
            return self._obs
        return self._obs.model_copy(update={"session": self._obs.session.model_copy(update={"elapsed": elapsed})})

    def save_soon(self) -> None:
        """Schedule an autosave if anything is unsaved (e.g. a brand-new draft)."""
        if self.mode == "draft" and self._dirty:
            self._schedule()

    def _schedule(self) -> None:
        if self._timer is None and (self._worker is None or self._worker.is_finished):
            self._timer = self.app.set_timer(self.delay, self._start_save, name="autosave")

    def _start_save(self) -> None:
        self._timer = None
        if self.mode != "draft" or (self._worker is not None and not self._worker.is_finished):
            return
        if self.kept_aside is not None:
            # Someone else saved this draft: never write over it; keep our copy up to date aside.
            self._keep_aside_now()
            return
        snapshot = self._snapshot()
        self._dirty = False
        self.state = "saving"
        self._inflight = snapshot
        self._worker = self.app.run_worker(self._save(snapshot), group="autosave", exit_on_error=False)

    def _keep_aside_now(self) -> str:
        """Write our version into the store's conflicts/ folder; return a message saying where."""
        try:
            self.kept_aside = self.store.keep_aside(self._snapshot(), "unsaved")
        except SeedsError as exc:
            message = f"{exc}; your version is only in memory"
        else:
            message = (
                f"Someone else saved this draft since you opened it, so it was not written over. Your version is kept in "
                f"{self.kept_aside}. Close this observation (Esc) and open it again to continue from the saved one."
            )
        self._dirty = True
        self.error = message
        self.state = "unsaved"
        self._idle.set()
        self._tell(state_only=True)
        return message

    async def _save(self, snapshot: Observation) -> None:
        try:
            saved = await asyncio.to_thread(self.store.save_draft, snapshot)
        except ConflictError:
            self._inflight = None
            message = self._keep_aside_now()
            if self._error_shown != message:
                self._error_shown = message
                self.app.notify(message, title="Draft changed elsewhere", severity="error", timeout=20)
        except SeedsError as exc:
            self._inflight = None
            self._failed(str(exc))
        except Exception as exc:  # a bug must not lose the observation: keep it and say so
            self._failed(f"could not save the draft in {self.store.draft_dir} ({type(exc).__name__})")
        else:
            self._inflight = None
            self._saved_elapsed = snapshot.session.elapsed
            self._obs = self._obs.model_copy(update={"revision": saved.revision, "updated": saved.updated})
            self.error = None
            self._error_shown = None
            self.state = "pending" if self._dirty else "saved"
        finally:
            if self.state != "unsaved" and self._dirty and self.kept_aside is None:
                self._timer = self.app.set_timer(self.delay, self._start_save, name="autosave")
            else:
                self._idle.set()
            self._tell(state_only=True)

    def _failed(self, message: str) -> None:
        self._dirty = True
        self.error = message
        self.state = "unsaved"
        if self._error_shown != message:
            self._error_shown = message
            self.app.notify(
                f"{message}\nYour work is kept in memory; it is saved again with your next change or Ctrl+S.",
                title="Draft not saved",
                severity="error",
                timeout=15,
            )

    async def wait_autosaved(self) -> None:
        """Wait (without forcing a save) until the autosave has written every change, or failed."""
        await self._idle.wait()

    def save_on_exit(self) -> str | None:
        """Last-chance synchronous save when the app closes; returns a message for the user or None.

        Never writes over someone else's save: if the draft on disk is not ours (our last save,
        or the one an autosave worker was writing as the app closed), our version goes to the
        store's conflicts/ folder instead and the message says where.
        """
        if self.mode != "draft" or not (self._dirty or self.clock.elapsed() != self._saved_elapsed):
            return None
        self.clock.pause()
        if self.kept_aside is None:
            try:
                if self._own_save_landed():
                    on_disk = self.store.read(self.store.draft_path(self._obs.id))
                    self._obs = self._obs.model_copy(update={"revision": on_disk.revision})
                saved = self.store.save_draft(self._snapshot())
            except ConflictError:
                pass
            except SeedsError as exc:
                try:
                    kept = self.store.keep_aside(self._snapshot(), "unsaved")
                except SeedsError:
                    return f"{exc}; the last changes could not be kept anywhere"
                return f"{exc}; your version is kept in {kept}"
            else:
                self._obs = self._obs.model_copy(update={"revision": saved.revision, "updated": saved.updated})
                self._dirty = False
                self._saved_elapsed = saved.session.elapsed  # a second call (after the app stops) has nothing to do
                return None
        try:
            kept = self.store.keep_aside(self._snapshot(), "unsaved")
        except SeedsError as exc:
            return f"someone else saved {self.path} and your version could not be kept aside: {exc}"
        return f"someone else saved {self.path}, so it was not written over; your version is kept in {kept}"

    def _own_save_landed(self) -> bool:
        """True when the draft on disk is the snapshot our autosave worker was writing."""
        inflight = self._inflight
        if inflight is None:
            return False
        try:
            on_disk = self.store.read(self.store.draft_path(self._obs.id))
        except SeedsError:
            return False
        same = {"revision": 0, "updated": inflight.updated}
        return on_disk.revision == inflight.revision + 1 and on_disk.model_copy(update=same) == inflight.model_copy(update=same)

    async def flush(self) -> bool:
        """Save any pending change now and wait for it; True when everything is on disk."""
        if self.mode != "draft":
            return not self._dirty
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        for _ in range(3):
            if self._worker is not None and not self._worker.is_finished:
                await self._worker.wait()
                continue
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
            if self._dirty or self.clock.elapsed() != self._saved_elapsed:
                self._start_save()
                if self._worker is not None:
                    await self._worker.wait()
                if self.state == "unsaved":
                    return False
                continue
            break
        return self.state != "unsaved" and not self._dirty

    async def save_correction(self) -> Path:
        """Save the corrected final observation as a new revision (raises ``SeedsError``)."""
        if self.mode != "correction":
            raise ReadOnly("nothing to correct: open a finalised observation and choose 'Correct'")
        saved, path = await asyncio.to_thread(self.store.save_correction, self._snapshot(), self.rubric)
        self._obs = saved
        self._dirty = False
        self.state = "saved"
        self.error = None
        self.mode = "final"
        self._tell()
        return path

    def begin_correction(self) -> None:
        """Allow edits to a finalised observation; they are saved as a new revision on request."""
        if self.mode == "final":
            self.mode = "correction"
            self._tell()

    async def finalise(self) -> Path:
        """Save, validate and write the final file; remove the draft. Raises ``SeedsError``."""
        if self.clock.running:
            self.pause_clock()
        if not await self.flush():
            raise SeedsError(self.error or f"the draft could not be saved in {self.store.draft_dir}")
        final, path = await asyncio.to_thread(self.store.finalise, self._obs, self.rubric)
        self._obs = final
        self.mode = "final"
        self.state = "saved"
        self._tell()
        return path

    @property
    def has_unsaved(self) -> bool:
        """True when something in memory is not on disk."""
        return self._dirty or self.state in ("pending", "saving", "unsaved")


def _dumped(update: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in update.items():
        if isinstance(value, list):
            out[key] = [v.model_dump() if hasattr(v, "model_dump") else v for v in value]
        else:
            out[key] = value
    return out


__all__ = ["AUTOSAVE_DELAY", "ObservationError", "ObservationSession", "ReadOnly", "SessionClock", "apply_edit", "format_elapsed"]
