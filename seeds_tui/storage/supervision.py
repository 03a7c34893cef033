"""The register of supervision notes in a store: ``STORE/supervision/<id>.toml`` (``seeds-supervision/1``).

A register like every other record kind but observations (``seeds_tui.storage.registers``):
written atomically and owner-only, inside the store only, read with the same safe TOML reader.
Used by ``seeds-tui supervision``, the development record and the app; the actions carried to a
practitioner's next observation read it (``seeds_tui.storage.carried``).

Example::

    from datetime import date
    from seeds_tui.core.supervision import new_note
    from seeds_tui.storage.store import Store
    from seeds_tui.storage import supervision
    store = Store("my-store")
    supervision.add_note(store, new_note(when=date(2026, 9, 1), practitioner="Pat Practitioner", reflection="..."))
    notes, problems = supervision.notes_for(store, "pat practitioner")
"""

from __future__ import annotations

from seeds_tui.core.actions import same_person
from seeds_tui.core.errors import Problem, SeedsError
from seeds_tui.core.supervision import SUPERVISION_MAX_BYTES, SupervisionError, SupervisionNote, parse_note
from seeds_tui.storage.registers import RecordExists, Register
from seeds_tui.storage.store import Store

#: The register of supervision notes (``STORE/supervision/<id>.toml``), by date.
SUPERVISION: Register[SupervisionNote] = Register(
    folder="supervision",
    what="supervision note",
    parse=parse_note,
    error=SupervisionError,
    max_bytes=SUPERVISION_MAX_BYTES,
    order=lambda n: (n.date, n.created.isoformat() if n.created else "", n.id),
    hint="seeds-tui supervision list",
)


def list_notes(store: Store) -> tuple[list[SupervisionNote], list[Problem]]:
    """Every valid note in the store, by date, and the problems of files that are not valid."""
    return SUPERVISION.list(store)


def notes_for(store: Store, practitioner: str) -> tuple[list[SupervisionNote], list[Problem]]:
    """The notes of one practitioner (names matched ignoring case and spacing), by date, and the problems of the register."""
    notes, problems = SUPERVISION.list(store)
    return [n for n in notes if same_person(n.practitioner, practitioner)], problems


def add_note(store: Store, note: SupervisionNote) -> SupervisionNote:
    """Keep a new note (atomic, never replacing one); ``SeedsError`` if its id is taken."""
    try:
        return SUPERVISION.add(store, note)
    except RecordExists:
        raise SeedsError(f"a supervision note with id {note.id} is already kept; nothing was written") from None


def remove_note(store: Store, note_id: str) -> SupervisionNote:
    """Remove a kept note; ``SeedsError`` if there is none with this id."""
    return SUPERVISION.remove(store, note_id)
