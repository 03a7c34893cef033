"""The register of training events in a store: ``STORE/events/<id>.toml`` (``seeds-event/1`` and ``/2``).

A register like every other record kind but observations (``seeds_tui.storage.registers``): written
atomically, inside the store only, read with the same safe TOML reader as every other file. Used by ``seeds-tui event`` and by the
app (``seeds_tui.api.training_events``).

Example::

    from datetime import date
    from seeds_tui.storage.store import Store
    from seeds_tui.team import events
    store = Store("my-store")
    ev = events.add_event(store, date(2026, 4, 15), "Quarterly follow-up: reflections", teams=["Riverside"])
    [e.id for e in events.list_events(store)[0]]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from seeds_tui.core.errors import Problem, SeedsError
from seeds_tui.core.events import EVENT_ID, EVENT_MAX_BYTES, EventError, TrainingEvent, event_id, parse_event
from seeds_tui.storage.registers import RecordExists, Register
from seeds_tui.storage.store import Store

#: The register of training events and action learning sets (``STORE/events/<id>.toml``).
EVENTS: Register[TrainingEvent] = Register(
    folder="events",
    what="training event",
    parse=parse_event,
    error=EventError,
    max_bytes=EVENT_MAX_BYTES,
    order=lambda e: (e.date, e.id),
    hint="seeds-tui event list",
)


def events_dir(store: Store) -> Path:
    """The register's folder (not made)."""
    return EVENTS.dir(store)


def list_events(store: Store) -> tuple[list[TrainingEvent], list[Problem]]:
    """Every valid event in the register, by date then id, and the problems of files that are not valid."""
    return EVENTS.list(store)


def find_event(store: Store, key: str) -> TrainingEvent | None:
    """The registered event with this id, or None."""
    return EVENTS.find(store, key)


def add_event(
    store: Store, when: date, title: str, *, teams: Iterable[str] = (), covers: Iterable[str] = (), id: str | None = None
) -> TrainingEvent:
    """Register a new training event (never replacing one); ``SeedsError`` if the id is taken or a field is not valid."""
    event = _checked(
        {
            "schema": "seeds-event/1",
            "id": id or event_id(when, title),
            "date": when,
            "title": title,
            "teams": list(teams),
            "covers": list(covers),
        }
    )
    try:
        return EVENTS.add(store, event)
    except RecordExists:
        raise SeedsError(f"a training event with id {event.id} is already registered; give another --id") from None


def save_event(store: Store, event: TrainingEvent) -> None:
    """Write an edited event over its file (atomic)."""
    EVENTS.save(store, event)


def remove_event(store: Store, key: str) -> TrainingEvent:
    """Remove a registered event; ``SeedsError`` if there is none with this id."""
    return EVENTS.remove(store, key)


def _checked(data: dict[str, object]) -> TrainingEvent:
    from pydantic import ValidationError

    from seeds_tui.core.models import problems_from_validation

    if not isinstance(data.get("id"), str) or not __import__("re").match(EVENT_ID, str(data["id"])):
        raise SeedsError("an event id is lower-case letters, digits and dashes (at most 80), e.g. 2026-04-15-reflections")
    try:
        return TrainingEvent.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc, None, None)
        raise SeedsError("; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems)) from None
