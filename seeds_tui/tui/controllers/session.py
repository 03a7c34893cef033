"""The session controller: one observation being scored, edited as pure model updates, autosaved.

Screens and widgets never write files. They call the controller's edit methods; each edit
replaces the in-memory ``Observation`` with an updated copy and tells the app's one autosave
engine (``seeds_tui.tui.autosave``), which writes drafts off the event loop, debounced and
coalesced. When the store refuses (not writable, disk full, changed on disk), the observation
stays in memory, the state becomes ``"unsaved"``, an error names the folder, and the next
change (or Ctrl+S) tries again. A correction of a final observation is kept in memory until
Ctrl+S saves it as a new revision; if the app must close first, it is kept aside.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import ValidationError

from seeds_tui.core.actions import OpenAction, merge_carried, same_person
from seeds_tui.core.errors import ConflictError, ObservationError, SeedsError
from seeds_tui.core.observation import (
    TALLY_TIMES_MAX,
    Action,
    ActionStatus,
    CarriedAction,
    CounterTimes,
    Event,
    Feedback,
    LinkedNote,
    Observation,
    Score,
    Session,
    now,
    observation_to_toml,
    ref_key,
)
from seeds_tui.core.rubric import Code, GlobalRating, Item, LoadedRubric, Rubric, Section
from seeds_tui.core.text import format_elapsed
from seeds_tui.storage import crash
from seeds_tui.storage.history import flagged_revisions
from seeds_tui.storage.store import Store, default_store_dir
from seeds_tui.tui.autosave import AUTOSAVE_DELAY, Autosave, SaveState, in_daemon_thread

if TYPE_CHECKING:
    from textual.app import App

Mode = Literal["draft", "final", "correction"]
#: The highest count a tally reaches (the file format's bound).
COUNTER_MAX = 100_000


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


class ReadOnly(SeedsError):
    """An edit was attempted on a finalised observation that is open read-only."""


class TooLong(SeedsError):
    """An edit would make a text longer than the file format allows (or otherwise not fit it)."""


@contextlib.contextmanager
def _fits_the_format() -> Iterator[None]:
    """Turn a model's refusal into a plain ``TooLong`` (never the text itself, never a traceback)."""
    try:
        yield
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        limit = next((e.get("ctx", {}).get("max_length") for e in errors if e["type"] == "string_too_long"), None)
        if limit is not None:
            raise TooLong(f"the text is too long (at most {limit:,} characters): shorten it") from None
        raise TooLong("this change does not fit the file format, so it was not made") from None


def apply_edit(app: App, func: Callable[..., object], *args: object) -> bool:
    """Make an edit through the session; on a read-only observation (or a text too long) say why instead. True if applied."""
    try:
        func(*args)
    except (ReadOnly, TooLong) as exc:
        app.notify(str(exc), severity="warning", timeout=5)
        return False
    return True


class _ObservationDraft:
    """The observation as the autosave engine writes it: a draft in the store's drafts folder."""

    what = "draft"

    def __init__(self, session: ObservationSession) -> None:
        self.session = session

    def snapshot(self) -> Observation:
        return self.session._snapshot()

    def write(self, snapshot: object) -> Observation:
        assert isinstance(snapshot, Observation)
        saved = self.session.store.save_draft(snapshot)
        # Recorded here, under the engine's lock: the last-chance save always knows our own last write.
        self.session._disk_revision = saved.revision
        return saved

    def written(self, snapshot: object, result: object) -> None:
        assert isinstance(snapshot, Observation) and isinstance(result, Observation)
        session = self.session
        session._saved_elapsed = snapshot.session.elapsed
        session._saved_feedback = snapshot.feedback.elapsed
        session._obs = session._obs.model_copy(update={"revision": result.revision, "updated": result.updated})

    def conflict(self, exc: ConflictError) -> str:
        session = self.session
        try:
            session.kept_aside = session.store.keep_aside(session._snapshot(), "unsaved", replacing=session.kept_aside)
        except SeedsError:
            return self.rescue("someone else saved this draft and the store's conflicts folder refused a copy")
        return (
            f"Someone else saved this draft since you opened it, so it was not written over. Your version is kept in "
            f"{session.kept_aside}. Close this observation (Esc) and open it again to continue from the saved one."
        )

    def rescue(self, reason: str) -> str:
        return self.session._keep_elsewhere(reason, "unsaved")


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
        on_change: Callable[[bool], None] | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.loaded = loaded
        self._obs = observation
        #: After a correction is saved: the revision it kept in history, and each kept revision
        #: whose notes the personal-data check flags, with where (places, never text).
        self.kept_in_history: tuple[int, list[tuple[int, list[str]]]] | None = None
        self._now = now_fn
        self.mode: Mode = "final" if observation.status == "final" else "draft"
        self.clock = SessionClock(observation.session.elapsed, source=clock_source)
        #: The feedback conversation's own clock (it never adds to the session's).
        self.feedback_clock = SessionClock(observation.feedback.elapsed or 0, source=clock_source)
        #: The draft was saved with its session clock running and the app stopped without pausing
        #: it (a crash, a kill, a closed terminal): ask whether the session went on meanwhile.
        self.interrupted = self.mode == "draft" and observation.session.running_since is not None
        self.section_index = 0
        self.item_index = 0
        #: This run's tally taps, newest last, as (counter id, whether its time was kept): what undo takes back.
        self.counter_taps: list[tuple[str, bool]] = []
        #: Where this observation opened last time the scoring screen showed it (set once).
        self.placed = False
        self._saved_elapsed = observation.session.elapsed
        self._saved_feedback = observation.feedback.elapsed
        #: The revision our last write left on disk (what the next save checks against).
        self._disk_revision = observation.revision
        #: Where our version was kept after someone else saved this draft (no more autosaves then).
        self.kept_aside: Path | None = None
        self._on_change = on_change
        self.autosave = Autosave(app, _ObservationDraft(self), delay=delay, on_state=self._state_changed, enabled=self.mode == "draft")
        if observation.revision == 0 and self.mode == "draft":
            self.autosave.mark_unsaved()

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
    def state(self) -> SaveState:
        """``saved``, ``pending``, ``saving`` or ``unsaved`` (the autosave's state)."""
        return self.autosave.state

    @property
    def error(self) -> str | None:
        """Why the last save failed (None once one succeeds)."""
        return self.autosave.error

    @property
    def busy(self) -> bool:
        """True while another program holds the store's lock (the autosave tries again shortly)."""
        return self.autosave.busy

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

    def _tell(self, state_only: bool = False) -> None:
        if self._on_change is not None:
            self._on_change(state_only)

    def _state_changed(self) -> None:
        self._tell(state_only=True)

    # -- edits: scores -------------------------------------------------------------------

    def _apply(self, obs: Observation, *, quiet: bool = False) -> None:
        """Make ``obs`` current and schedule its autosave. ``quiet``: only text typed in place changed,
        so screens need to refresh the save state, not everything."""
        if not self.editable:
            raise ReadOnly("this observation is final and open read-only; choose 'Correct' on the review screen to change it")
        self._obs = obs
        self.autosave.changed()
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
        """Replace an item's evidence note (empty text removes it). Raises ``TooLong`` past the format's limit."""
        old = self._obs.score(section_id, item_id) or Score()
        if old.evidence == text:
            return
        elapsed = old.elapsed if old.elapsed is not None else self.clock.elapsed()
        with _fits_the_format():
            new = Score(value=old.value, code=old.code, evidence=text, elapsed=elapsed)
        self._with_score(section_id, item_id, new if (new.is_set or new.evidence) else None)

    def set_section_note(self, section_id: str, text: str) -> None:
        """Replace a section's notes. Raises ``TooLong`` past the format's limit."""
        if self._obs.section_notes.get(section_id, "") == text:
            return
        notes = dict(self._obs.section_notes)
        if text:
            notes[section_id] = text
        else:
            notes.pop(section_id, None)
        with _fits_the_format():
            obs = Observation.model_validate({**self._obs.model_dump(by_alias=True), "section_notes": notes})
        self._apply(obs.model_copy(update={"revision": self._obs.revision}), quiet=True)

    # -- marks and counters --------------------------------------------------------------

    def add_mark(self, text: str = "") -> Event:
        """Drop a time-stamped mark now; it can be attached to an item later."""
        with _fits_the_format():
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
        with _fits_the_format():
            events[index] = Event.model_validate({**old.model_dump(), **update})
        self._apply(self._obs.model_copy(update={"events": events}))

    def delete_mark(self, index: int) -> None:
        """Remove a mark."""
        events = list(self._obs.events)
        del events[index]
        self._apply(self._obs.model_copy(update={"events": events}))

    def insert_mark(self, index: int, event: Event) -> None:
        """Put a removed mark back where it was (its time, text and item as they were)."""
        events = list(self._obs.events)
        events.insert(min(index, len(events)), event)
        self._apply(self._obs.model_copy(update={"events": events}))

    def unattached_marks(self) -> list[int]:
        """Indexes of marks not yet attached to an item."""
        return [i for i, e in enumerate(self._obs.events) if e.kind == "mark" and e.item is None]

    def tap_counter(self, counter_id: str) -> int:
        """Add one to a tally, keeping the session-clock time of the press; returns the new count.

        At most ``TALLY_TIMES_MAX`` times are kept per tally: past that the count goes on and
        the times stay partial (the sheet then shows the total alone)."""
        count = self._obs.counters.get(counter_id, 0)
        if count >= COUNTER_MAX:
            return count
        counters = {**self._obs.counters, counter_id: count + 1}
        update: dict[str, object] = {"counters": counters}
        old = self._obs.counter_times.get(counter_id, CounterTimes())
        timed = len(old.at) < TALLY_TIMES_MAX
        if timed:
            at = max(self.clock.elapsed(), old.at[-1] if old.at else 0)  # clock order, even after a clock correction
            update["counter_times"] = {**self._obs.counter_times, counter_id: CounterTimes(at=[*old.at, at], undone=old.undone)}
        self.counter_taps.append((counter_id, timed))
        self._apply(self._obs.model_copy(update=update))
        return count + 1

    def undo_counter(self) -> str | None:
        """Take back the last tally tap (this session): its count and its press time go, and the
        time of the undo is kept. Returns its counter id, or None."""
        while self.counter_taps:
            counter_id, timed = self.counter_taps.pop()
            count = self._obs.counters.get(counter_id, 0)
            if count <= 0:
                continue
            update: dict[str, object] = {"counters": {**self._obs.counters, counter_id: count - 1}}
            old = self._obs.counter_times.get(counter_id, CounterTimes())
            at = old.at[:-1] if timed and old.at else old.at
            undone = [*old.undone, max(self.clock.elapsed(), old.undone[-1] if old.undone else 0)]
            if len(undone) > TALLY_TIMES_MAX:
                undone = old.undone
            update["counter_times"] = {**self._obs.counter_times, counter_id: CounterTimes(at=at, undone=undone)}
            self._apply(self._obs.model_copy(update=update))
            return counter_id
        return None

    # -- clock -----------------------------------------------------------------------------

    def start_clock(self) -> None:
        """Start (or resume) the session clock; the first start records the start time. Resuming
        an ended session opens it again (its end is set anew when it ends)."""
        if self.clock.running or not self.editable:
            return
        self.clock.start()
        stamp = self._now()
        update: dict[str, object] = {"running_since": stamp, "ended": None}
        if self._obs.session.started is None:
            update["started"] = stamp
        self._set_session(**update)

    def pause_clock(self) -> None:
        """Pause the session clock (and the feedback's) and save the time so far."""
        self.pause_feedback()
        if not self.clock.running:
            return
        self.clock.pause()
        self._set_session(elapsed=self.clock.elapsed(), running_since=None)

    def toggle_clock(self) -> bool:
        """Pause or resume; returns True if now running."""
        if self.clock.running:
            self.pause_clock()
        else:
            self.start_clock()
        return self.clock.running

    @property
    def session_ended(self) -> bool:
        """True once the session has ended (scoring left for the feedback, or ended by the observer)."""
        return self._obs.session.ended is not None and not self.clock.running

    def end_session(self) -> bool:
        """End the session: its clock stops and the end time is recorded. True if it ended now
        (a session already ended, a final or a correction is left as it is)."""
        if self.mode != "draft" or self.session_ended:
            return False
        self.clock.pause()
        self._set_session(elapsed=self.clock.elapsed(), running_since=None, ended=self._now())
        return True

    def resume_interrupted(self, went_on: bool) -> int:
        """Answer the question after an interrupted run: ``went_on`` adds the time since the draft
        was last saved to the session clock and starts it again; otherwise the clock keeps the
        saved time and stays paused. Returns the seconds added."""
        self.interrupted = False
        gap = self.interruption_gap() if went_on else 0
        if gap:
            self.clock = SessionClock(self.clock.elapsed() + gap, source=self.clock._source)
        if went_on:
            self._set_session(running_since=None, elapsed=self.clock.elapsed())
            self.start_clock()
        else:
            self._set_session(running_since=None)
        return gap

    def interruption_gap(self) -> int:
        """Whole seconds between the draft's last save and now (never negative)."""
        return max(0, int((self._now() - self._obs.updated).total_seconds()))

    def start_feedback(self) -> None:
        """The feedback conversation begins (or goes on): the session ends, the feedback's own
        clock runs, and its date is recorded the first time."""
        if self.mode != "draft":
            return
        self.end_session()
        if self.feedback_clock.running:
            return
        self.feedback_clock.start()
        update: dict[str, object] = {"elapsed": self.feedback_clock.elapsed()}
        if self._obs.feedback.date is None:
            update["date"] = self._now().date()
        self.set_feedback(**update)

    def pause_feedback(self) -> None:
        """Stop the feedback conversation's clock (leaving the feedback step), keeping its time."""
        if not self.feedback_clock.running:
            return
        self.feedback_clock.pause()
        self.set_feedback(elapsed=self.feedback_clock.elapsed())

    def heartbeat(self) -> None:
        """While a clock runs, save its time now and then (every 30 s) even without edits, so a
        run cut short loses little of it."""
        if self.mode != "draft" or self.autosave.dirty:
            return
        session_moved = self.clock.running and self.clock.elapsed() - self._saved_elapsed >= 30
        feedback_moved = self.feedback_clock.running and self.feedback_clock.elapsed() - (self._saved_feedback or 0) >= 30
        if session_moved or feedback_moved:
            self.autosave.changed()

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
        """Replace parts of the feedback (date, self_assessment, strengths, development_areas, summary, actions, practitioner_comment).

        Raises ``TooLong`` past the format's limits.
        """
        with _fits_the_format():
            feedback = Feedback.model_validate({**self._obs.feedback.model_dump(), **_dumped(update)})
        if feedback == self._obs.feedback:
            return
        quiet = set(update) <= {"self_assessment", "summary", "practitioner_comment"}
        self._apply(self._obs.model_copy(update={"feedback": feedback}), quiet=quiet)

    def add_linked(self, part: Literal["strengths", "development_areas"], text: str, item: str | None) -> None:
        """Add a strength or development area, optionally linked to a ``section.item``."""
        with _fits_the_format():
            note = LinkedNote(text=text, item=item)
        self.set_feedback(**{part: [*getattr(self._obs.feedback, part), note]})

    def replace_linked(self, part: Literal["strengths", "development_areas"], index: int, note: LinkedNote | None) -> None:
        """Edit (or, with None, remove) a strength or development area."""
        notes = list(getattr(self._obs.feedback, part))
        if note is None:
            del notes[index]
        else:
            notes[index] = note
        self.set_feedback(**{part: notes})

    def insert_linked(self, part: Literal["strengths", "development_areas"], index: int, note: LinkedNote) -> None:
        """Put a strength or development area back at ``index`` (undoing a removal)."""
        notes = list(getattr(self._obs.feedback, part))
        notes.insert(min(index, len(notes)), note)
        self.set_feedback(**{part: notes})

    def insert_action(self, index: int, action: Action) -> None:
        """Put an agreed action back at ``index`` (undoing a removal)."""
        actions = list(self._obs.feedback.actions)
        actions.insert(min(index, len(actions)), action)
        self.set_feedback(actions=actions)

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
        """What to write now: the observation with the clocks' times and our own last revision on disk."""
        elapsed = self.clock.elapsed()
        update: dict[str, object] = {}
        if elapsed != self._obs.session.elapsed:
            update["session"] = self._obs.session.model_copy(update={"elapsed": elapsed})
        if self.feedback_clock.running and self.feedback_clock.elapsed() != self._obs.feedback.elapsed:
            update["feedback"] = self._obs.feedback.model_copy(update={"elapsed": self.feedback_clock.elapsed()})
        if self.mode == "draft" and self._obs.revision != self._disk_revision:
            update["revision"] = self._disk_revision
        return self._obs.model_copy(update=update) if update else self._obs

    def _clock_moved(self) -> bool:
        feedback_moved = self.feedback_clock.running and self.feedback_clock.elapsed() != self._saved_feedback
        return self.mode == "draft" and (self.clock.elapsed() != self._saved_elapsed or feedback_moved)

    def save_soon(self) -> None:
        """Schedule an autosave if anything is unsaved (e.g. a brand-new draft)."""
        if self.mode == "draft" and self.autosave.dirty:
            self.autosave.changed()

    async def wait_autosaved(self) -> None:
        """Wait (without forcing a save) until the autosave has written every change, or failed."""
        await self.autosave.wait_idle()

    async def flush(self, timeout: float | None = None) -> bool:
        """Save any pending change now and wait for it; True when everything is on disk.

        ``timeout``: stop waiting for a save stuck in the store after so many seconds (False).
        """
        if self.mode != "draft":
            return not self.autosave.dirty
        if self._clock_moved() and not self.autosave.dirty:
            self.autosave.mark_unsaved()
        return await self.autosave.flush(timeout)

    def save_on_exit(self) -> str | None:
        """Last-chance synchronous save when the app closes; a message for the user, or None when nothing was at risk.

        A draft goes to its own file (never over someone else's save: then to the store's
        conflicts folder). A correction not yet saved is never made a revision behind the
        user's back: it is kept aside, and the message says where. The message is None only
        when everything is where the user expects it.
        """
        if self.mode == "correction":
            if not self.autosave.dirty:
                return None
            self.clock.pause()
            return self._keep_elsewhere("your correction was not saved as a new revision yet", "correction")
        if self.mode != "draft":
            return None
        if self._clock_moved() and not self.autosave.dirty:
            self.autosave.mark_unsaved()
        # Saved with the clock as it runs: reopened, the draft asks whether the session went on.
        message = self.autosave.save_now()
        self.clock.pause()
        self.feedback_clock.pause()
        return message

    @property
    def rescued(self) -> bool:
        """True when our work had to be kept somewhere other than its own file."""
        return self.kept_aside is not None

    def _keep_elsewhere(self, reason: str, kind: str) -> str:
        """Keep our version in the store's conflicts folder, or else in the user's rescue folder; the message saying where."""
        snapshot = self._snapshot()
        try:
            self.kept_aside = self.store.keep_aside(snapshot, kind, replacing=self.kept_aside)
        except SeedsError:
            try:
                self.kept_aside = crash.write_rescue(f"{snapshot.id}.{kind}", observation_to_toml(snapshot).encode("utf-8"))
            except SeedsError as exc:
                return f"{reason}, and it could not be kept anywhere ({exc}); it is lost"
        return f"{reason}; your version is kept in {self.kept_aside}"

    async def save_correction(self) -> Path:
        """Save the corrected final observation as a new revision (raises ``SeedsError``)."""
        if self.mode != "correction":
            raise ReadOnly("nothing to correct: open a finalised observation and choose 'Correct'")
        snapshot = self._snapshot()

        def save() -> tuple[Observation, Path, list[tuple[int, list[str]]]]:
            saved, path = self.store.save_correction(snapshot, self.rubric)
            try:
                flagged = flagged_revisions(self.store, saved.id, self.rubric)
            except SeedsError:  # history cannot be read: the correction itself is saved
                flagged = []
            return saved, path, flagged

        saved, path, flagged = await in_daemon_thread(save)
        self._obs = saved
        self.mode = "final"
        self.autosave.mark_saved()
        self.kept_in_history = (snapshot.revision, flagged)
        self._tell()
        return path

    def correction_note(self, path: Path) -> tuple[str, bool]:
        """What to tell the observer after a correction is saved to ``path``: that the revision it
        replaced is kept in history and how to purge it, and (True) when the personal-data check
        flags notes of a revision kept there, which and where (never their text)."""
        obs_id = self._obs.id
        revision, flagged = self.kept_in_history or (self._obs.revision - 1, [])
        store = "" if self.store.root == default_store_dir() else f" --store {self.store.root}"  # the default is found anyway
        text = f"Correction saved as revision {self._obs.revision} ({path.name}). Revision {revision} is kept in {self.store.history_dir}."
        if not flagged:
            return f"{text} To purge it on purpose: seeds-tui history purge {obs_id} --revision {revision}{store}", False
        if len(flagged) == 1:
            which = f"Revision {flagged[0][0]}"
            places = "\n".join(f"  · {where}" for where in flagged[0][1])
            purge = f"seeds-tui history purge {obs_id} --revision {flagged[0][0]}{store}"
        else:
            which = "Revisions " + ", ".join(str(n) for n, _ in flagged[:-1]) + f" and {flagged[-1][0]}"
            places = "\n".join(f"  · revision {n}: {where}" for n, wheres in flagged for where in wheres)
            purge = f"seeds-tui history purge {obs_id}{store}"  # every kept revision
        return (
            f"Correction saved as revision {self._obs.revision} ({path.name}). {which}, kept in "
            f"{self.store.history_dir}, hold{'s' if len(flagged) == 1 else ''} notes the personal-data check flagged:\n"
            f"{places}\n\nIf this correction took personal data out, history still holds it. Purge it on purpose "
            f"(only the id, revision and date are recorded):\n  {purge}",
            True,
        )

    async def save_response(self, text: str) -> Path:
        """Add or change the practitioner's written response to a finalised observation, without a
        correction: saved at once as a new revision (the previous one kept in history/), with the
        time it was added. Raises ``SeedsError`` (``TooLong`` past the format's limit)."""
        if self.mode != "final":
            raise ReadOnly(
                "the practitioner's response is added here to a final observation; in a draft, write it in the feedback step (F3)"
            )
        with _fits_the_format():
            feedback = Feedback.model_validate(
                {**self._obs.feedback.model_dump(), "practitioner_comment": text, "response_added": self._now() if text else None}
            )
        obs = self._obs.model_copy(update={"feedback": feedback})
        saved, path = await in_daemon_thread(lambda: self.store.save_correction(obs, self.rubric))
        self._obs = saved
        self._tell()
        return path

    def begin_correction(self) -> None:
        """Allow edits to a finalised observation; they are saved as a new revision on request."""
        if self.mode == "final":
            self.mode = "correction"
            self._tell()

    async def finalise(self) -> Path:
        """Save, validate and write the final file; remove the draft. Raises ``SeedsError``."""
        self.pause_clock()
        self.end_session()
        if not await self.flush():
            raise SeedsError(self.error or f"the draft could not be saved in {self.store.draft_dir}")
        obs = self._obs
        final, path = await in_daemon_thread(lambda: self.store.finalise(obs, self.rubric))
        self._obs = final
        self.mode = "final"
        self.autosave.stop()
        self.autosave.mark_saved()
        self._tell()
        return path

    @property
    def has_unsaved(self) -> bool:
        """True when something in memory is not on disk."""
        return self.autosave.has_unsaved


def _dumped(update: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in update.items():
        if isinstance(value, list):
            out[key] = [v.model_dump() if hasattr(v, "model_dump") else v for v in value]
        else:
            out[key] = value
    return out


__all__ = [
    "AUTOSAVE_DELAY",
    "ConflictError",
    "ObservationError",
    "ObservationSession",
    "ReadOnly",
    "SessionClock",
    "TooLong",
    "apply_edit",
    "format_elapsed",
]
