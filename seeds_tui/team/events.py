"""The register of training events in a store: ``STORE/events/<id>.toml`` (``seeds-event/1``).

Written through the store's atomic helpers (``seeds_tui.storage.atomic``), inside the store only;
read with the same safe TOML reader as every other file. Used by ``seeds-tui event`` and by the
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

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from seeds_tui.core.errors import Problem, SeedsError, StoreError
from seeds_tui.core.events import EVENT_ID, EVENT_MAX_BYTES, EventError, TrainingEvent, event_id, parse_event
from seeds_tui.core.tomlio import read_bytes
from seeds_tui.storage.atomic import create_exclusive, remove_file, write_atomic
from seeds_tui.storage.store import Store


def events_dir(store: Store) -> Path:
    """The register's folder (not made)."""
    return store.root / "events"


def list_events(store: Store) -> tuple[list[TrainingEvent], list[Problem]]:
    """Every valid event in the register, by date then id, and the problems of files that are not valid."""
    folder = events_dir(store)
    found: list[TrainingEvent] = []
    problems: list[Problem] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        raise StoreError(f"cannot read folder {folder}: {exc.strerror or exc}") from None
    for entry in entries:
        if not entry.name.endswith(".toml") or entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            ev = parse_event(read_bytes(path, max_bytes=EVENT_MAX_BYTES, error=EventError), path)
        except EventError as exc:
            problems.extend(exc.problems)
            continue
        if ev.id != entry.name.removesuffix(".toml"):
            problems.append(Problem(path, f"the file is named after another id; rename it to {ev.id}.toml", field="id"))
            continue
        found.append(ev)
    found.sort(key=lambda e: (e.date, e.id))
    return found, problems


def find_event(store: Store, key: str) -> TrainingEvent | None:
    """The registered event with this id, or None."""
    events, _ = list_events(store)
    return next((e for e in events if e.id == key), None)


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
    folder = store.folder(events_dir(store))
    try:
        create_exclusive(folder / f"{event.id}.toml", event.to_toml().encode("utf-8"), root=store.root)
    except FileExistsError:
        raise SeedsError(f"a training event with id {event.id} is already registered; give another --id") from None
    return event


def save_event(store: Store, event: TrainingEvent) -> None:
    """Write an edited event over its file (atomic)."""
    folder = store.folder(events_dir(store))
    write_atomic(folder / f"{event.id}.toml", event.to_toml().encode("utf-8"), root=store.root)


def remove_event(store: Store, key: str) -> TrainingEvent:
    """Remove a registered event; ``SeedsError`` if there is none with this id."""
    event = find_event(store, key)
    if event is None:
        raise SeedsError(f"no training event with id {key!r}; see 'seeds-tui event list'")
    remove_file(events_dir(store) / f"{event.id}.toml", store.root)
    return event


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
