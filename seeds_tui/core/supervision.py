"""Reflective supervision notes: a short record an SPO keeps of supervision between observations.

One file per note in ``STORE/supervision/<id>.toml`` (format ``seeds-supervision/1``; docs/file-format.md)::

    schema = "seeds-supervision/1"
    id = "01JD7Q0XW5P6M3C2R8T4V9B1KA"      # a ULID, like an observation's id (it names the file)
    date = 2026-09-01
    practitioner = "Pat Practitioner"       # as the observations name them
    team = "North"
    supervisor = "Sam Observer"             # optional
    reflection = "Sees that a shared agenda frees time for the harder conversation."

    [[progress]]                            # each open action, as carried from the observations
    source = "01JD5..."                     # where it was first agreed (observation or note id)
    index = 0
    text = "Set the agenda together"
    agreed = 2026-05-01
    status = "done"                         # done | ongoing | dropped
    comment = "Does it every session now"

    [[actions]]                             # new actions agreed in supervision
    text = "Try a scaling question on motivation"
    review_date = 2026-11-01

There is no score: supervision is a conversation, not an assessment. Progress marked here
carries into the practitioner's next observation exactly as a review at an observation does
(``seeds_tui.core.actions.open_actions``); new actions are carried from here, known by the
note's id and their position. The model is pure; the register is ``seeds_tui.storage.supervision``.
"""

from __future__ import annotations

from datetime import date as Date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from seeds_tui.core.errors import FileProblems
from seeds_tui.core.models import Model, parse_record
from seeds_tui.core.observation import Action, ActionStatus, CarriedAction, Name, Note, ObsId, Stamp, new_id, now
from seeds_tui.core.privacy import personal_data_warnings
from seeds_tui.core.tomlio import dump_toml

SUPERVISION_SCHEMA = "seeds-supervision/1"

#: Largest supervision note read.
SUPERVISION_MAX_BYTES = 256 * 1024

#: The longest line of reflection.
REFLECTION_MAX = 2000

#: At most this many open actions reviewed, and new actions agreed, in one note.
PROGRESS_MAX = 200
NEW_ACTIONS_MAX = 20


class SupervisionError(FileProblems):
    """A supervision note file is not valid (each problem names the file and the field)."""


class Progress(CarriedAction):
    """How one open action stands at supervision: the action as carried, with its status (required)."""

    status: ActionStatus  # type: ignore[assignment]


class SupervisionNote(Model):
    """One reflective supervision: when, with whom, progress on each open action, new actions, a line of reflection."""

    schema_: Literal["seeds-supervision/1"] = Field("seeds-supervision/1", alias="schema")
    id: ObsId
    date: Date
    practitioner: Name
    team: Annotated[str, Field(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""
    supervisor: Annotated[str, Field(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""
    created: Stamp | None = None
    reflection: Annotated[Note, Field(max_length=REFLECTION_MAX)] = ""
    progress: Annotated[list[Progress], Field(max_length=PROGRESS_MAX)] = []
    actions: Annotated[list[Action], Field(max_length=NEW_ACTIONS_MAX)] = []

    model_config = Model.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _each_action_once(self) -> SupervisionNote:
        keys = [p.key for p in self.progress]
        if len(keys) != len(set(keys)):
            raise ValueError("an open action is reviewed twice in one note (two progress entries with the same source and index)")
        if any(p.source == self.id for p in self.progress):
            raise ValueError("a note cannot review its own new actions (progress names this note's id)")
        return self

    def to_toml(self) -> str:
        """The file's text (same note, same bytes)."""
        data: dict[str, Any] = {"schema": SUPERVISION_SCHEMA, "id": self.id, "date": self.date, "practitioner": self.practitioner}
        if self.team:
            data["team"] = self.team
        if self.supervisor:
            data["supervisor"] = self.supervisor
        if self.created is not None:
            data["created"] = self.created
        if self.reflection:
            data["reflection"] = self.reflection
        if self.progress:
            data["progress"] = [p.model_dump(exclude_defaults=True) | {"status": p.status} for p in self.progress]
        if self.actions:
            data["actions"] = [a.model_dump(exclude_defaults=True) for a in self.actions]
        return dump_toml(data)

    def new_action(self, index: int) -> CarriedAction:
        """The note's new action at ``index`` as it is carried to later observations."""
        action = self.actions[index]
        return CarriedAction(
            source=self.id, index=index, text=action.text, owner=action.owner, review_date=action.review_date, agreed=self.date
        )


def new_note(
    *,
    when: Date,
    practitioner: str,
    team: str = "",
    supervisor: str = "",
    progress: list[Progress] | None = None,
    actions: list[Action] | None = None,
    reflection: str = "",
) -> SupervisionNote:
    """A new note with a fresh id (``ValidationError`` for a field that is not valid)."""
    stamp = now()
    return SupervisionNote.model_validate(
        {
            "id": new_id(int(stamp.timestamp() * 1000)),
            "date": when,
            "practitioner": " ".join(practitioner.split()),
            "team": team.strip(),
            "supervisor": supervisor.strip(),
            "created": stamp,
            "reflection": reflection.strip(),
            "progress": list(progress or []),
            "actions": list(actions or []),
        }
    )


def parse_note(data: bytes, path: Path | None = None) -> SupervisionNote:
    """A supervision note from a file's bytes, or ``SupervisionError`` naming each problem (never a value)."""
    return parse_record(data, path, model=SupervisionNote, schema=SUPERVISION_SCHEMA, what="supervision note", error=SupervisionError)


def suspect_texts(note: SupervisionNote) -> list[tuple[str, list[str]]]:
    """Every text of ``note`` that looks like personal data of a person on probation, as (where, what it looks like).

    "Where" names the place (``action 1``, ``progress 2: comment``), never the text, so the list can
    be shown before saving. As with observation notes nothing is blocked: it is the SPO's own words.

    >>> from datetime import date
    >>> note = new_note(when=date(2026, 9, 1), practitioner="Pat", reflection="Mr Smith was calmer")
    >>> suspect_texts(note)
    [('reflection', ['looks like a name after a title (Mr, Mrs, Ms...)'])]
    """
    places: list[tuple[str, str]] = [("reflection", note.reflection)]
    places += [(f"progress {n}: comment", p.comment) for n, p in enumerate(note.progress, 1)]
    for n, action in enumerate(note.actions, 1):
        places += [(f"action {n}", action.text), (f"action {n}: owner", action.owner)]
    return [(where, found) for where, text in places if text and (found := personal_data_warnings(text))]


__all__ = [
    "NEW_ACTIONS_MAX",
    "PROGRESS_MAX",
    "REFLECTION_MAX",
    "SUPERVISION_MAX_BYTES",
    "SUPERVISION_SCHEMA",
    "Progress",
    "SupervisionError",
    "SupervisionNote",
    "new_note",
    "parse_note",
    "suspect_texts",
]
