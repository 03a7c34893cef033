"""Training events: the register of training days a before/after comparison is made around.

One file per event in ``STORE/events/<id>.toml`` (format ``seeds-event/2``, which still reads ``/1``;
an action learning set adds ``kind = "set"``, ``topic``, ``learning_points`` and ``focus``;
docs/file-format.md)::

    schema = "seeds-event/1"
    id = "2026-04-15-reflections"
    date = 2026-04-15
    title = "Quarterly follow-up: reflections"
    teams = ["Riverside", "Westgate"]      # the teams that attended; empty: every team
    covers = ["open", "talk.c"]            # sections or section.item ids it covered; empty: not said

The model is pure; reading and writing the register is ``seeds_tui.team.events``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from seeds_tui.core.errors import FileProblems
from seeds_tui.core.models import Model, problems_from_validation
from seeds_tui.core.tomlio import decode_text, dump_toml, parse_toml

EVENT_SCHEMA = "seeds-event/2"

#: The older format, still read; a training day with none of the set's fields is still written in it.
EVENT_SCHEMA_1 = "seeds-event/1"

#: The kinds of event: a training day, or a team's action learning set.
EventKind = Literal["training", "set"]

#: Largest event file read.
EVENT_MAX_BYTES = 64 * 1024

#: An event id: lower-case letters, digits and dashes (it names the file).
EVENT_ID = r"^[a-z0-9][a-z0-9-]{0,79}$"

_Text = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
_Note = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^[^\x00-\x09\x0b-\x1f\x7f]+$")]
_Part = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$")]


class EventError(FileProblems):
    """A training event file is not valid (each problem names the file and the field)."""


class TrainingEvent(Model):
    """One event: a training day or an action learning set; when, what, who attended, what it covered.

    A set (``kind = "set"``, format ``seeds-event/2``) also holds its topic, the learning points and the
    practice focus the team agreed; no individual is named in it.
    """

    schema_: Literal["seeds-event/1", "seeds-event/2"] = Field("seeds-event/2", alias="schema")
    id: Annotated[str, Field(pattern=EVENT_ID)]
    kind: EventKind = "training"
    date: date
    title: _Text
    teams: list[_Text] = Field(default_factory=list, max_length=500)
    covers: list[_Part] = Field(default_factory=list, max_length=500)
    topic: _Text | None = None
    learning_points: list[_Note] = Field(default_factory=list, max_length=50)
    focus: _Note | None = None

    model_config = Model.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _fields_of_its_format(self) -> TrainingEvent:
        if self.schema_ == EVENT_SCHEMA_1 and (self.kind != "training" or self.topic or self.learning_points or self.focus):
            raise ValueError("a seeds-event/1 file holds a training day only (a set is seeds-event/2)")
        if self.kind == "set" and not self.topic:
            raise ValueError("an action learning set needs its topic")
        return self

    def to_toml(self) -> str:
        """The file's text."""
        plain = self.kind == "training" and not (self.topic or self.learning_points or self.focus)
        data: dict[str, Any] = {"schema": EVENT_SCHEMA_1 if plain else EVENT_SCHEMA, "id": self.id}
        if not plain:
            data["kind"] = self.kind
        data |= {"date": self.date, "title": self.title, "teams": list(self.teams), "covers": list(self.covers)}
        if self.topic:
            data["topic"] = self.topic
        if self.learning_points:
            data["learning_points"] = list(self.learning_points)
        if self.focus:
            data["focus"] = self.focus
        return dump_toml(data)


def event_id(when: date, title: str) -> str:
    """A readable id for a new event: its date and the first words of its title (``2026-04-15-reflections``)."""
    words = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:40].strip("-")
    return f"{when.isoformat()}-{words}" if words else when.isoformat()


def parse_event(data: bytes, path: Path | None = None) -> TrainingEvent:
    """A training event from a file's bytes, or ``EventError`` naming each problem (never a value)."""
    text = decode_text(data, path, EventError)
    raw = parse_toml(text, path, EventError)
    try:
        return TrainingEvent.model_validate(raw)
    except ValidationError as exc:
        raise EventError(path, problems_from_validation(exc, path, text)) from None
