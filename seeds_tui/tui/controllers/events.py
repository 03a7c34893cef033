"""The event register controller: the training days and action learning sets the register screen lists and edits.

Screens never touch the store: the register screen (and the Team summary's event picker) ask this
controller, which calls ``seeds_tui.team.events`` (the one register, ``STORE/events/<id>.toml``, written
atomically). Saving checks the words as ``seeds-tui event add`` does (no practitioner or observer of the
store named, nothing that looks like personal data); it reads the store's names through the summary
cache, so call ``add`` and ``save`` from a thread worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from seeds_tui.core.dates import parse_date
from seeds_tui.core.errors import Problem, SeedsError
from seeds_tui.core.events import TrainingEvent
from seeds_tui.core.rubric import Rubric, RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.team import events as register


@dataclass
class EventDraft:
    """What the event form holds: text as typed (the controller turns it into a record, or says what is wrong)."""

    kind: str = "training"
    date: str = ""
    title: str = ""
    topic: str = ""
    teams: str = ""
    covers: list[str] = field(default_factory=list)
    learning_points: str = ""
    focus: str = ""
    #: The id of the record being edited (None: a new one).
    id: str | None = None

    @classmethod
    def of(cls, event: TrainingEvent) -> EventDraft:
        """The form's fields for a registered record."""
        from seeds_tui.core.dates import uk_date

        return cls(
            kind=event.kind,
            date=uk_date(event.date),
            title=event.title,
            topic=event.topic or "",
            teams=", ".join(event.teams),
            covers=list(event.covers),
            learning_points="\n".join(event.learning_points),
            focus=event.focus or "",
            id=event.id,
        )


@dataclass(frozen=True)
class Part:
    """A section or an item of a rubric a record can address: its key (``open`` or ``talk.c``) and words."""

    key: str
    label: str
    rubric_id: str


class EventRegister:
    """Reads and writes of the store's register of training events and action learning sets."""

    def __init__(self, store: Store, registry: RubricRegistry) -> None:
        self.store = store
        self.registry = registry

    def records(self) -> tuple[list[TrainingEvent], list[Problem]]:
        """Every valid record, by date, and the problems of files that are not valid."""
        return register.list_events(self.store)

    def find(self, key: str) -> TrainingEvent | None:
        """The record with this id, or None."""
        return register.find_event(self.store, key)

    def record(self, draft: EventDraft) -> TrainingEvent:
        """The record the form describes, or ``SeedsError`` saying which field is wrong (never its value)."""
        text = draft.date.strip()
        if not text:
            raise SeedsError("Date: give the day it was held, DD/MM/YYYY")
        try:
            when: date = parse_date(text)
        except ValueError as exc:
            raise SeedsError(f"Date: {exc}") from None
        if draft.kind == "set" and not draft.topic.strip():
            raise SeedsError("Topic: an action learning set needs its topic")
        if draft.kind != "set" and not draft.title.strip():
            raise SeedsError("Title: say what the training was")
        keep_title = draft.title.strip()
        if draft.kind == "set" and draft.id is not None:
            old = self.find(draft.id)
            # A set's title made from its topic follows a new topic.
            if old is not None and old.title == f"Action learning set: {old.topic}" and keep_title == old.title:
                keep_title = ""
        teams = [t.strip() for t in draft.teams.split(",") if t.strip()]
        points = [p.strip() for p in draft.learning_points.splitlines() if p.strip()]
        return register.new_record(
            when,
            kind=draft.kind,
            title=keep_title or None,
            topic=draft.topic if draft.kind == "set" else None,
            teams=teams,
            covers=draft.covers,
            learning_points=points if draft.kind == "set" else [],
            focus=draft.focus if draft.kind == "set" else None,
            id=draft.id,
        )

    def save(self, draft: EventDraft) -> TrainingEvent:
        """Add a new record or write an edited one over its file (after the words are checked); slow: from a thread."""
        event = self.record(draft)
        if draft.id is None:
            return register.add_record(self.store, event)
        if self.find(draft.id) is None:
            raise SeedsError("this record was removed meanwhile (by another window or seeds-tui event remove); add it again")
        register.save_event(self.store, event)
        return event

    def remove(self, key: str) -> TrainingEvent:
        """Remove a record; ``SeedsError`` if there is none with this id."""
        return register.remove_event(self.store, key)

    def teams(self) -> list[str]:
        """The teams named in the store's observations (for the form's suggestions); slow: from a thread."""
        return register.team_names(self.store)

    def parts(self) -> list[Part]:
        """Every section and item of the newest version of each known rubric, the main rubric first."""
        out: list[Part] = []
        seen: set[str] = set()
        for rubric in self._rubrics():
            for section in rubric.sections:
                for key, label in [(section.id, f"{section.title} (section)")] + [
                    (f"{section.id}.{item.id}", f"  {item.text}") for item in section.items
                ]:
                    if key not in seen:
                        seen.add(key)
                        out.append(Part(key, label, rubric.id))
        return out

    def _rubrics(self) -> list[Rubric]:
        rubrics = [loaded.rubric for loaded in self.registry.latest()]
        return sorted(rubrics, key=lambda r: (r.id != "seed-one-to-one", r.id))
