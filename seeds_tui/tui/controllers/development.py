"""The development controller: supervision notes recorded in the app, and a practitioner's development record.

Screens never touch the store: the supervision screen asks this controller for the practitioner's open
actions and hands it what was typed (``SupervisionDraft``); the controller turns it into a note (or says
which field is wrong, never its value) and keeps it in the register (``seeds_tui.storage.supervision``,
atomic, never over another note). The development record screen asks it for the record
(``seeds_tui.storage.development``) and to write the sheet the practitioner keeps into ``STORE/reports/``.
Reads and writes can take a while on a large store: call them from thread workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from seeds_tui.core.errors import SeedsError

if TYPE_CHECKING:
    from seeds_tui.core.actions import OpenAction
    from seeds_tui.core.development import DevelopmentRecord
    from seeds_tui.core.observation import Action, CarriedAction
    from seeds_tui.core.supervision import SupervisionNote
    from seeds_tui.render.development import Format
    from seeds_tui.storage.store import Store


@dataclass
class SupervisionDraft:
    """What the supervision screen holds: text as typed, and each open action as marked (status None: not reviewed)."""

    practitioner: str
    team: str = ""
    date: str = ""
    supervisor: str = ""
    reflection: str = ""
    #: New actions agreed, each with its owner and review date.
    new_actions: list[Action] = field(default_factory=list)
    progress: list[CarriedAction] = field(default_factory=list)


class Development:
    """Supervision notes and development records for the screens, through the storage layer."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- supervision notes ---------------------------------------------------------------------

    def open_actions(self, practitioner: str, when: date) -> list[OpenAction]:
        """The practitioner's actions open on ``when`` (from final observations and earlier notes); empty if none can be read."""
        from seeds_tui.core.actions import open_actions
        from seeds_tui.storage.carried import earlier_observations, supervision_notes

        try:
            earlier, _ = earlier_observations(self.store, practitioner)
            notes = supervision_notes(self.store, practitioner)
        except SeedsError:
            return []
        return open_actions(earlier, practitioner, before=when, notes=notes)

    def note(self, draft: SupervisionDraft) -> SupervisionNote:
        """The note the screen describes, or ``SeedsError`` saying which field is wrong (never its value)."""
        from pydantic import ValidationError

        from seeds_tui.core.dates import parse_date
        from seeds_tui.core.models import problems_from_validation
        from seeds_tui.core.supervision import NEW_ACTIONS_MAX, Progress, new_note

        text = draft.date.strip()
        if not text:
            raise SeedsError("Date: give the day of the supervision, DD/MM/YYYY")
        try:
            when = parse_date(text)
        except ValueError as exc:
            raise SeedsError(f"Date: {exc}") from None
        if len(draft.new_actions) > NEW_ACTIONS_MAX:
            raise SeedsError(f"New actions: at most {NEW_ACTIONS_MAX} in one note")
        if any(a.review_date is not None and a.review_date < when for a in draft.new_actions):
            raise SeedsError("New actions: a review date is before the supervision; give a later date")
        reviewed = [a for a in draft.progress if a.status is not None]
        try:
            return new_note(
                when=when,
                practitioner=draft.practitioner,
                team=draft.team,
                supervisor=draft.supervisor,
                progress=[Progress.model_validate(a.model_dump()) for a in reviewed],
                actions=list(draft.new_actions),
                reflection=draft.reflection,
            )
        except ValidationError as exc:
            problems = problems_from_validation(exc, None, None)
            raise SeedsError("; ".join(_field_words(p.field) + p.message for p in problems)) from None

    def save(self, note: SupervisionNote) -> Path:
        """Keep a new note (atomic, owner-only, never over another); where it is kept. Raises ``SeedsError``."""
        from seeds_tui.storage.supervision import SUPERVISION, add_note

        add_note(self.store, note)
        return SUPERVISION.path(self.store, note.id)

    @staticmethod
    def warnings(note: SupervisionNote) -> list[str]:
        """Where the note's words look like personal data of a person on probation ("reflection", "action 1"), never the words."""
        from seeds_tui.core.supervision import suspect_texts

        return [_place_words(note, where) for where, _ in suspect_texts(note)]

    # -- the development record ------------------------------------------------------------------

    def record(self, practitioner: str) -> DevelopmentRecord:
        """The practitioner's development record, in date order (raises ``SeedsError`` if the store cannot be read)."""
        from seeds_tui.storage.development import gather

        return gather(self.store, practitioner)

    def write_sheet(self, record: DevelopmentRecord, today: date) -> list[Path]:
        """Write the record as Markdown, HTML and PDF into ``STORE/reports/`` (atomic, owner-only); the paths. Raises ``SeedsError``."""
        from seeds_tui.render.development import record_file_stem, render_record

        stem = record_file_stem(record, today)
        formats: tuple[tuple[Format, str], ...] = (("markdown", "md"), ("html", "html"), ("pdf", "pdf"))
        return [self.store.write_report(f"{stem}.{suffix}", render_record(record, fmt, today=today)) for fmt, suffix in formats]


#: How the note's fields are named on screen (a problem names the field, never its value).
_FIELDS = {"reflection": "Reflection", "supervisor": "Supervisor", "team": "Team", "practitioner": "Practitioner", "date": "Date"}


def _field_words(name: str | None) -> str:
    if not name:
        return ""
    parts = name.split(".")
    if parts[0] == "actions" and len(parts) > 1 and parts[1].isdigit():
        return f"New action {int(parts[1]) + 1}: "
    if parts[0] == "progress" and len(parts) > 1 and parts[1].isdigit():
        return f"Open action {int(parts[1]) + 1}: "
    return f"{_FIELDS.get(parts[0], parts[0])}: "


def _place_words(note: SupervisionNote, where: str) -> str:
    """``progress 2: comment`` as the screen names it: the comment on the action (by its opening words), ``new action 1``."""
    head, _, part = where.partition(": ")
    kind, _, number = head.partition(" ")
    if kind == "progress" and number.isdigit() and int(number) <= len(note.progress):
        text = note.progress[int(number) - 1].text
        return f"the comment on '{text[:40]}{'…' if len(text) > 40 else ''}'"
    if kind == "action" and number.isdigit():
        return f"the owner of new action {number}" if part == "owner" else f"new action {number}"
    return f"the {where}"
