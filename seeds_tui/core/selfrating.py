"""Self-ratings: the practitioner's own rating of an observed session, on the same rubric items.

Before the feedback conversation the practitioner rates the session they were observed in, on
the items the observer scored (all sections, or those the observer chose), without seeing the
observer's scores. One file per self-rating in ``STORE/selfratings/<id>.toml`` (format
``seeds-selfrating/1``; docs/file-format.md)::

    schema = "seeds-selfrating/1"
    id = "01JD3V6Q4W8Z5N2C7B9X1K3M4P"
    observation = "01JD3V2A8S7D6F5G4H3J2K1M0N"   # the observation it rates
    practitioner = "Pat Practitioner"             # as the observation holds it
    date = 2026-11-23
    sections = ["beginning", "middle"]            # the sections it covers; empty: every section
    reflection = "I rushed the ending."           # optional, checked for personal data like notes

    [rubric]
    id = "seed-one-to-one"
    version = "1.0.0"

    [ratings.beginning]
    agenda = 2          # a level of the item's scale
    welcome = "NA"      # or a code: NA (not applicable), NO (could not judge)

A level is checked against the rubric's scales as an observation's score is
(``check_selfrating``); ``gaps`` lays a self-rating beside the observer's scores, item by item,
the largest differences first. The model is pure: the register is ``seeds_tui.storage.selfratings``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from seeds_tui.core.errors import FileProblems, Problem
from seeds_tui.core.models import Model, parse_record
from seeds_tui.core.observation import Name, Observation, ObsId, Score, new_id
from seeds_tui.core.privacy import personal_data_warnings
from seeds_tui.core.rubric import Code, Id, Rubric
from seeds_tui.core.tomlio import dump_toml, find_line, line_index

SELFRATING_SCHEMA: Literal["seeds-selfrating/1"] = "seeds-selfrating/1"

#: Largest self-rating file read.
SELFRATING_MAX_BYTES = 256 * 1024

#: The longest reflection.
REFLECTION_MAX = 4000


def _one_newline(text: str) -> str:
    return text.replace("\r\n", "\n")


#: One item's self-rating: a level value of the item's scale, or a code (NA, NO).
Rating = Annotated[int, Field(ge=-1000, le=1000)] | Code


class SelfRatingError(FileProblems):
    """A self-rating file is not valid (each problem names the file and the field, never a value)."""


class SelfRatingRubric(Model):
    """The rubric rated against: the observation's rubric id and version."""

    id: Id
    version: Annotated[str, Field(min_length=1, max_length=64)]


class SelfRating(Model):
    """One practitioner's rating of one observed session. See docs/file-format.md."""

    schema_: Annotated[Literal["seeds-selfrating/1"], Field(alias="schema")] = SELFRATING_SCHEMA
    id: ObsId
    observation: ObsId
    practitioner: Name
    date: Date
    rubric: SelfRatingRubric
    #: The sections the observer asked to be rated; empty: every section of the rubric.
    sections: Annotated[list[Id], Field(max_length=200)] = []
    ratings: dict[Id, dict[Id, Rating]] = {}
    reflection: Annotated[str, Field(max_length=REFLECTION_MAX), AfterValidator(_one_newline)] = ""

    model_config = Model.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _sections_once(self) -> SelfRating:
        if len(set(self.sections)) != len(self.sections):
            raise ValueError("a section is listed twice in sections")
        return self

    def covers(self, section_id: str) -> bool:
        """Whether the practitioner was asked to rate this section."""
        return not self.sections or section_id in self.sections

    def rating(self, section_id: str, item_id: str) -> int | str | None:
        """The level or code given to an item, or None."""
        return self.ratings.get(section_id, {}).get(item_id)

    def as_score(self, section_id: str, item_id: str) -> Score | None:
        """The item's rating as a ``Score`` (so the scoring rules apply to it unchanged)."""
        value = self.rating(section_id, item_id)
        if value is None:
            return None
        return Score(code=value) if isinstance(value, str) else Score(value=value)  # type: ignore[arg-type]

    def rated_count(self) -> int:
        """How many items were given a level or a code."""
        return sum(len(items) for items in self.ratings.values())

    def to_toml(self) -> str:
        """The file's text: deterministic (keys sorted), as the register writes it."""
        data: dict[str, Any] = self.model_dump(by_alias=True)
        data["ratings"] = {s: {i: self.ratings[s][i] for i in sorted(self.ratings[s])} for s in sorted(self.ratings)}
        if not data["reflection"]:
            del data["reflection"]
        return dump_toml(data)


def new_selfrating(obs: Observation, *, sections: list[str] | tuple[str, ...] = (), when: Date | None = None) -> SelfRating:
    """An empty self-rating of ``obs`` (a new id), for the practitioner to fill in."""
    return SelfRating(
        id=new_id(),
        observation=obs.id,
        practitioner=obs.session.practitioner,
        date=when or Date.today(),
        rubric=SelfRatingRubric(id=obs.rubric.id, version=obs.rubric.version),
        sections=list(sections),
    )


def parse_selfrating(data: bytes, path: Path | None = None) -> SelfRating:
    """A self-rating from a file's bytes, or ``SelfRatingError`` naming each problem (never a value)."""
    return parse_record(data, path, model=SelfRating, schema=SELFRATING_SCHEMA, what="self-rating", error=SelfRatingError)


def check_selfrating(record: SelfRating, rubric: Rubric, *, path: Path | None = None, text: str | None = None) -> list[Problem]:
    """Everything in ``record`` that does not fit ``rubric``: the rubric named, unknown sections
    and items, items outside the sections chosen, levels off the item's scale. Never quotes a value."""
    index = line_index(text) if text else {}
    problems: list[Problem] = []

    def add(loc: tuple[str | int, ...], message: str) -> None:
        problems.append(Problem(path, message, line=find_line(index, loc) if index else None, field=".".join(map(str, loc))))

    if record.rubric.id != rubric.id or record.rubric.version != rubric.version:
        add(("rubric",), f"rated against {record.rubric.id} {record.rubric.version}, checked against {rubric.id} {rubric.version}")
    sections = {s.id: s for s in rubric.sections}
    for pos, section_id in enumerate(record.sections):
        if section_id not in sections:
            add(("sections", pos), "unknown section id for this rubric")
    for section_id, items in record.ratings.items():
        section = sections.get(section_id)
        if section is None:
            add(("ratings", section_id), "unknown section id for this rubric")
            continue
        if not record.covers(section_id):
            add(("ratings", section_id), "this section is not one of the sections listed in sections; add it there or remove its ratings")
        known = {i.id: i for i in section.items}
        for item_id, value in items.items():
            item = known.get(item_id)
            if item is None:
                add(("ratings", section_id, item_id), "unknown item id for this section")
            elif isinstance(value, int) and value not in rubric.scale_of(item).values:
                scale = rubric.scale_of(item)
                add(
                    ("ratings", section_id, item_id),
                    f"value is not a level of scale {item.scale!r} ({scale.min_value}..{scale.max_value}); use a level value or NA/NO",
                )
    return problems


def reflection_warnings(record: SelfRating) -> list[str]:
    """What in the reflection looks like personal data of the person on probation (never the text)."""
    return personal_data_warnings(record.reflection) if record.reflection else []


# -- the gap: self against observer ----------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """One item, the practitioner's rating beside the observer's.

    ``difference`` is self minus observer in levels (points), None when either side gave a code
    or nothing; ``share`` is the difference as a share of the scale's range (to order items of
    different scales alike).
    """

    section: str
    item: str
    section_title: str
    text: str
    self_rating: int | str | None
    observer: int | str | None
    difference: int | None
    share: float | None


def _side(score: Score | None) -> int | str | None:
    if score is None or not score.is_set:
        return None
    return score.code if score.code is not None else score.value


def gaps(obs: Observation, record: SelfRating, rubric: Rubric) -> list[Gap]:
    """The items the practitioner was asked to rate, self against observer, the largest differences
    first (as a share of each item's scale), then items where one side gave NA/NO or nothing, each
    group in rubric order."""
    out: list[tuple[tuple[int, float, int], Gap]] = []
    position = 0
    for section in rubric.sections:
        if not record.covers(section.id):
            continue
        for item in section.items:
            position += 1
            mine = record.rating(section.id, item.id)
            theirs = _side(obs.score(section.id, item.id))
            scale = rubric.scale_of(item)
            span = scale.max_value - scale.min_value
            both = isinstance(mine, int) and isinstance(theirs, int) and mine in scale.values and theirs in scale.values
            difference = int(mine) - int(theirs) if both else None  # type: ignore[arg-type]
            share = abs(difference) / span if difference is not None and span else (0.0 if difference is not None else None)
            gap = Gap(section.id, item.id, section.title, item.text, mine, theirs, difference, share)
            out.append(((0 if share is not None else 1, -(share or 0.0), position), gap))
    return [g for _, g in sorted(out, key=lambda pair: pair[0])]


def gap_words(gap: Gap) -> str:
    """The difference in words: ``self 1 higher``, ``self 2 lower``, ``same``, or ``not compared``."""
    if gap.difference is None:
        return "not compared"
    if gap.difference == 0:
        return "same"
    n = abs(gap.difference)
    return f"self {n} {'level' if n == 1 else 'levels'} {'higher' if gap.difference > 0 else 'lower'}"
