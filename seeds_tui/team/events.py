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
from seeds_tui.core.events import EVENT_ID, TrainingEvent, event_id
from seeds_tui.storage.events import EVENTS
from seeds_tui.storage.registers import RecordExists
from seeds_tui.storage.store import Store


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
    """Write an edited event over its file (atomic), after the same privacy check as a new one."""
    check_private(event, people_names(store))
    EVENTS.save(store, event)


def new_record(
    when: date,
    *,
    kind: str = "training",
    title: str | None = None,
    topic: str | None = None,
    teams: Iterable[str] = (),
    covers: Iterable[str] = (),
    learning_points: Iterable[str] = (),
    focus: str | None = None,
    id: str | None = None,
) -> TrainingEvent:
    """A training day or an action learning set, validated (``SeedsError`` naming the field, never its value).

    A set's title defaults to ``Action learning set: TOPIC``; its id, like a training day's, to the date and the
    title's first words.
    """
    topic = (topic or "").strip() or None
    if kind == "set" and not topic:
        raise SeedsError("an action learning set needs its topic (--topic)")
    title = (title or "").strip() or (f"Action learning set: {topic}" if kind == "set" and topic else "")
    if not title:
        raise SeedsError("a training event needs its title (--title)")
    points = [p.strip() for p in learning_points if p.strip()]
    focus = (focus or "").strip() or None
    data: dict[str, object] = {
        "schema": "seeds-event/2",
        "id": id or event_id(when, title),
        "kind": kind,
        "date": when,
        "title": title,
        "teams": [t.strip() for t in teams if t.strip()],
        "covers": [c.strip() for c in covers if c.strip()],
        "learning_points": points,
    }
    if topic:
        data["topic"] = topic
    if focus:
        data["focus"] = focus
    return _checked(data)


def add_record(store: Store, event: TrainingEvent) -> TrainingEvent:
    """Register a new training day or set (never replacing one), after the privacy check (``check_private``)."""
    check_private(event, people_names(store))
    try:
        return EVENTS.add(store, event)
    except RecordExists:
        raise SeedsError(f"a training event with id {event.id} is already registered; give another --id") from None


def people_names(store: Store) -> list[str]:
    """The practitioners and observers named in the store's observations (read through the summary cache)."""
    return _named(store, ("practitioner", "observer"))


def team_names(store: Store) -> list[str]:
    """The teams named in the store's observations (read through the summary cache), for suggestions."""
    return _named(store, ("team",))


def _named(store: Store, columns: tuple[str, ...]) -> list[str]:
    if not store.root.is_dir():
        return []
    from seeds_tui.team import cache

    files = cache.load_rows(store).files
    if not len(files):
        return []
    names = {str(n) for col in columns if col in files.columns for n in files[col].dropna().unique()}
    return sorted((n for n in names if n.strip()), key=str.casefold)


def private_problems(event: TrainingEvent, names: Iterable[str]) -> list[str]:
    """What in an event's words names an individual or looks like personal data, one line per field (never the text).

    A set (and a training day) names no individual: no practitioner or observer of the store, and nothing that
    ``seeds_tui.core.privacy`` takes for personal data of a person on probation.
    """
    from seeds_tui.core.privacy import names_person, personal_data_warnings

    names = list(names)
    fields: list[tuple[str, str]] = [("title", event.title)]
    if event.topic:
        fields.append(("topic", event.topic))
    fields += [(f"learning point {n}", text) for n, text in enumerate(event.learning_points, 1)]
    if event.focus:
        fields.append(("focus", event.focus))
    out = []
    for where, text in fields:
        found = personal_data_warnings(text)
        if names_person(text, names):
            found.insert(0, "names a practitioner or observer of this store")
        if found:
            out.append(f"{where}: {'; '.join(found)}")
    return out


def check_private(event: TrainingEvent, names: Iterable[str]) -> None:
    """``SeedsError`` if ``private_problems`` finds anything: the record is not written."""
    problems = private_problems(event, names)
    if problems:
        raise SeedsError(
            "not saved: " + " | ".join(problems) + ". A training event or action learning set names no individual: "
            "say 'a practitioner' or 'the team', and leave out anything about a person on probation"
        )


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
