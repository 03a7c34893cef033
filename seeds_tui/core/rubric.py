"""Rubrics: what an observer scores against, read from TOML files.

A rubric has named scales of ordered levels, sections of items that each use a scale,
whole-session global ratings, live tally counters and derived indicators. Ids are
stable keys: saved scores refer to ``section.item`` ids, never to positions.

>>> rubric = load_rubric(bundled_rubric_dir() / "seed-one-to-one.toml")
>>> rubric.id, rubric.scales["quality"].max_value
('seed-one-to-one', 3)
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from seeds_tui.core.errors import Problem, RubricError, RubricNotFound
from seeds_tui.core.models import Model, PathOrPaths, as_paths, problems_from_validation
from seeds_tui.core.tomlio import find_line, line_index, load_toml

RUBRIC_SCHEMA: Literal["seeds-rubric/1"] = "seeds-rubric/1"
RUBRIC_MAX_BYTES = 1024 * 1024

#: The non-scoring codes, available on every scored item. Both leave the denominator.
CODES: dict[str, str] = {
    "NA": "not applicable: the session never called for this skill",
    "NO": "not observed: the observer could not judge (out of view, inaudible, interrupted)",
}
Code = Literal["NA", "NO"]

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
#: A ``section.item`` id (``beginning.agenda``), as saved scores and the ``renamed`` and ``retired`` fields name items.
ItemKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}\.[a-z][a-z0-9_-]{0,63}$")]
Text = Annotated[str, Field(max_length=4000)]
SEMVER_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


class Level(Model):
    """One point on a scale: its value, a short label and what it looks like in practice."""

    value: Annotated[int, Field(ge=-1000, le=1000)]
    label: Annotated[str, Field(min_length=1, max_length=80)]
    descriptor: Text = ""


class Scale(Model):
    """Ordered levels, lowest first. The lowest level is a missed opportunity, not a code."""

    title: Annotated[str, Field(max_length=200)] = ""
    levels: list[Level]
    #: The value of the scale's "competent" level: a score at it or above shows the skill at the
    #: standard expected (None: the scale names none). Facilitators read the share of scores at or
    #: above it beside the mean; ``core.scoring.competent_or_above`` is the one rule.
    competent: Annotated[int, Field(ge=-1000, le=1000)] | None = None

    @field_validator("levels")
    @classmethod
    def _ordered(cls, levels: list[Level]) -> list[Level]:
        if not levels:
            raise ValueError("a scale needs at least one level")
        if len(levels) > 10:
            raise ValueError("a scale may have at most 10 levels (one key each: 0-9)")
        values = [level.value for level in levels]
        if values != sorted(set(values)):
            raise ValueError("level values must be unique and in increasing order")
        return levels

    @model_validator(mode="after")
    def _competent_is_a_level(self) -> Scale:
        if self.competent is not None and self.level(self.competent) is None:
            known = ", ".join(str(v) for v in self.values)
            raise ValueError(f"competent = {self.competent} is not a level of this scale; use one of its level values: {known}")
        return self

    @property
    def min_value(self) -> int:
        """The lowest level's value."""
        return self.levels[0].value

    @property
    def max_value(self) -> int:
        """The highest level's value."""
        return self.levels[-1].value

    @property
    def values(self) -> list[int]:
        """All level values, lowest first."""
        return [level.value for level in self.levels]

    def level(self, value: int) -> Level | None:
        """The level with this value, or None."""
        for level in self.levels:
            if level.value == value:
                return level
        return None


class Item(Model):
    """One skill to score within a section."""

    id: Id
    text: Annotated[str, Field(min_length=1, max_length=500)]
    scale: Id
    required: bool = True
    guidance: Text = ""
    #: Item-specific descriptors, keyed by level value as text (TOML keys are strings).
    descriptors: dict[str, Text] = {}
    #: The composite this item counts in, when it differs from its section's ``group``.
    group: Id | None = None


class Section(Model):
    """A part of the session, scored item by item."""

    id: Id
    title: Annotated[str, Field(min_length=1, max_length=200)]
    guidance: Text = ""
    group: Id | None = None
    items: list[Item]

    @field_validator("items")
    @classmethod
    def _not_empty(cls, items: list[Item]) -> list[Item]:
        if not items:
            raise ValueError("a section needs at least one item")
        return items


class GlobalRating(Model):
    """A whole-session rating made at the end, anchored by its scale's descriptors."""

    id: Id
    title: Annotated[str, Field(min_length=1, max_length=200)]
    scale: Id
    guidance: Text = ""
    group: Id | None = None


class Counter(Model):
    """A live tally with its own key (e.g. open questions, reflections)."""

    id: Id
    title: Annotated[str, Field(min_length=1, max_length=200)]
    key: Annotated[str, Field(pattern=r"^[a-z]$")]
    guidance: Text = ""


class Indicator(Model):
    """A figure derived from counters (a ratio of sums) or globals (a mean)."""

    id: Id
    title: Annotated[str, Field(min_length=1, max_length=200)]
    numerator: list[Id] = []
    denominator: list[Id] = []
    mean_of: list[Id] = []
    percent: bool = False
    guidance: Text = ""

    @model_validator(mode="after")
    def _one_kind(self) -> Indicator:
        ratio = bool(self.numerator) and bool(self.denominator)
        if ratio == bool(self.mean_of) or (bool(self.numerator) != bool(self.denominator)):
            raise ValueError("an indicator needs either numerator and denominator (counters) or mean_of (globals)")
        return self


class Band(Model):
    """A named percent-of-maximum band: percents at or above ``lower`` (up to the next band) carry ``name``."""

    name: Annotated[str, Field(min_length=1, max_length=80)]
    lower: Annotated[float, Field(ge=0, le=100)]


class Rubric(Model):
    """A scoring instrument: scales, sections of items, globals, counters, indicators."""

    schema_: Annotated[Literal["seeds-rubric/1"], Field(alias="schema")] = RUBRIC_SCHEMA
    id: Id
    version: Annotated[str, Field(max_length=64)]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Text = ""
    #: A short note printed on every feedback sheet of this rubric, under the title (the sheet
    #: never prints ``description``): e.g. "MI-informed, not the MITI".
    sheet_note: Annotated[str, Field(max_length=500)] = ""
    scales: dict[Id, Scale]
    sections: list[Section]
    globals: list[GlobalRating] = []
    counters: list[Counter] = []
    indicators: list[Indicator] = []
    #: Old ``section.item`` ids mapped to their new ids, so older observations stay readable.
    renamed: dict[ItemKey, ItemKey] = {}
    #: ``section.item`` ids removed from this version; old scores for them are dropped on reading.
    retired: list[ItemKey] = []
    #: Percent bands, lowest first; ``None`` (key absent) keeps the default programme bands, ``[]`` names none.
    bands: list[Band] | None = None

    model_config = Model.model_config | {"populate_by_name": True}

    @field_validator("version")
    @classmethod
    def _semver(cls, version: str) -> str:
        if not SEMVER_RE.match(version):
            raise ValueError("version must be semantic, like 1.0.0")
        return version

    @field_validator("bands")
    @classmethod
    def _bands_ordered(cls, bands: list[Band] | None) -> list[Band] | None:
        if bands is None:
            return None
        lowers = [b.lower for b in bands]
        if lowers != sorted(set(lowers)):
            raise ValueError("band lower bounds must be unique and in increasing order")
        names = [b.name for b in bands]
        if len(names) != len(set(names)):
            raise ValueError("band names must be unique")
        return bands

    @field_validator("sections")
    @classmethod
    def _has_sections(cls, sections: list[Section]) -> list[Section]:
        if not sections:
            raise ValueError("a rubric needs at least one section")
        return sections

    @model_validator(mode="after")
    def _references(self) -> Rubric:
        errors: list[str] = []
        section_ids = [s.id for s in self.sections]
        errors += _duplicates("section id", section_ids, "sections.{}.id")
        for pos, section in enumerate(self.sections):
            item_ids = [i.id for i in section.items]
            errors += _duplicates("item id", item_ids, f"sections.{pos}.items.{{}}.id", where=f" in section {section.id!r}")
            for ipos, item in enumerate(section.items):
                if item.scale not in self.scales:
                    known = ", ".join(sorted(self.scales)) or "none defined"
                    errors.append(f"sections.{pos}.items.{ipos}.scale: unknown scale {item.scale!r}; known: {known}")
                else:
                    allowed = {str(v) for v in self.scales[item.scale].values}
                    for key in item.descriptors:
                        if key not in allowed:
                            errors.append(f"sections.{pos}.items.{ipos}.descriptors: {key!r} is not a level of scale {item.scale!r}")
        errors += _duplicates("global id", [g.id for g in self.globals], "globals.{}.id")
        for pos, rating in enumerate(self.globals):
            if rating.scale not in self.scales:
                errors.append(f"globals.{pos}.scale: unknown scale {rating.scale!r}")
        errors += _duplicates("counter id", [c.id for c in self.counters], "counters.{}.id")
        errors += _duplicates("counter key", [c.key for c in self.counters], "counters.{}.key")
        reserved = set(RESERVED_SCORING_KEYS)
        for pos, counter in enumerate(self.counters):
            if counter.key in reserved:
                errors.append(f"counters.{pos}.key: {counter.key!r} is reserved for scoring; choose another letter")
        counter_ids = {c.id for c in self.counters}
        global_ids = {g.id for g in self.globals}
        errors += _duplicates("indicator id", [i.id for i in self.indicators], "indicators.{}.id")
        for pos, ind in enumerate(self.indicators):
            for name in (*ind.numerator, *ind.denominator):
                if name not in counter_ids:
                    errors.append(f"indicators.{pos}: unknown counter {name!r}")
            for name in ind.mean_of:
                if name not in global_ids:
                    errors.append(f"indicators.{pos}.mean_of: unknown global {name!r}")
        keys = set(self.item_keys)
        for old, new in self.renamed.items():
            if new not in keys:
                errors.append(f"renamed: {old!r} maps to {new!r}, which is not an item of this rubric")
            if old in keys:
                errors.append(f"renamed: {old!r} is still an item of this rubric")
        for old in self.retired:
            if old in keys:
                errors.append(f"retired: {old!r} is still an item of this rubric")
        if errors:
            raise ValueError("\n".join(errors))
        return self

    # -- lookups ---------------------------------------------------------------------

    @cached_property
    def item_keys(self) -> list[str]:
        """Every ``section.item`` key, in rubric order."""
        return [f"{s.id}.{i.id}" for s in self.sections for i in s.items]

    def section(self, section_id: str) -> Section:
        """The section with this id (KeyError if none)."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def item(self, section_id: str, item_id: str) -> Item:
        """The item with these ids (KeyError if none)."""
        for item in self.section(section_id).items:
            if item.id == item_id:
                return item
        raise KeyError(f"{section_id}.{item_id}")

    def scale_of(self, item: Item | GlobalRating) -> Scale:
        """The scale an item or global rating uses."""
        return self.scales[item.scale]

    def group_of(self, section_id: str, item_id: str) -> str | None:
        """The composite an item counts in: its own ``group``, else its section's (None for neither)."""
        section = self.section(section_id)
        for item in section.items:
            if item.id == item_id:
                return item.group or section.group
        raise KeyError(f"{section_id}.{item_id}")

    def descriptor(self, item: Item, value: int) -> str:
        """What ``value`` looks like for this item (its own descriptor, else the scale's)."""
        if str(value) in item.descriptors:
            return item.descriptors[str(value)]
        level = self.scale_of(item).level(value)
        return level.descriptor if level else ""

    @property
    def groups(self) -> list[str]:
        """Groups used for composites (an item's own, else its section's), in order of first appearance."""
        seen: dict[str, None] = {}
        for section in self.sections:
            for item in section.items:
                group = item.group or section.group
                if group:
                    seen.setdefault(group)
        return list(seen)


#: Keys the scoring screen uses; rubric counters must not take them.
RESERVED_SCORING_KEYS = ("a", "o", "j", "k", "e", "m", "n", "p", "u", "t", "h", "l", "x")


def _duplicates(what: str, values: Iterable[str], field: str, where: str = "") -> list[str]:
    """One message per repeated value, at its second use (``field`` has ``{}`` for the position)."""
    seen: set[str] = set()
    reported: set[str] = set()
    messages: list[str] = []
    for pos, value in enumerate(values):
        if value in seen and value not in reported:
            reported.add(value)
            messages.append(f"{field.format(pos)}: duplicate {what} {value!r}{where}")
        seen.add(value)
    return messages


# -- loading ------------------------------------------------------------------------------

_FIELD_IN_MESSAGE = re.compile(r"^((?:[A-Za-z_]+\.\d+\.?)+[A-Za-z_]*|renamed|retired): ")


def parse_rubric(data: dict, *, path: Path | None = None, text: str | None = None) -> Rubric:
    """Validate plain data (as read from TOML) into a ``Rubric`` or raise ``RubricError``."""
    schema = data.get("schema")
    if schema != RUBRIC_SCHEMA:
        if isinstance(schema, str) and schema.startswith("seeds-rubric/"):
            msg = "written for a newer seeds-tui (unknown rubric schema); upgrade seeds-tui to use it"
        elif isinstance(schema, str) and schema.startswith("seeds-observation/"):
            msg = "this is an observation file, not a rubric: check it with seeds-tui validate"
        else:
            msg = f'not a seeds-tui rubric: expected schema = "{RUBRIC_SCHEMA}" at the top'
        raise RubricError(path, [Problem(path, msg, line=1)])
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc, path, text)
        index = line_index(text) if text else {}
        split: list[Problem] = []
        for problem in problems:
            if problem.field is None:
                for part in problem.message.split("\n"):
                    match = _FIELD_IN_MESSAGE.match(part)
                    if match:
                        loc = [int(p) if p.isdigit() else p for p in match.group(1).split(".")]
                        split.append(Problem(path, part[match.end() :], line=find_line(index, loc), field=match.group(1)))
                    else:
                        split.append(Problem(path, part, line=None, field=None))
            else:
                split.append(problem)
        raise RubricError(path, _swallowed_keys(data, split, index)) from None


def _swallowed_keys(data: dict, problems: list[Problem], index: dict) -> list[Problem]:
    """Say where a "missing" top-level key went: TOML puts every key written after a table's
    header (``[renamed]``) into that table, so a table pasted above ``title`` takes ``title``.

    The message points at the table that took the key, with the line of its header.
    """
    fields = {(info.alias or name): info for name, info in Rubric.model_fields.items()}
    swallowed = {(name, key) for name, value in data.items() if isinstance(value, dict) for key in value if key in fields}
    out: list[Problem] = []
    for table, key in sorted(swallowed):
        if key in data or fields[key].is_required():
            continue  # a required key is said below, where the model misses it
        line = find_line(index, [table, key]) if index else None
        header = find_line(index, [table]) if index else None
        message = (
            f"{key!r} is a top-level key, but it comes after the [{table}] table's header"
            f"{f' (line {header})' if header else ''}, so it was read as part of that table; move the [{table}] table "
            "below the top-level keys (to the end of the file)"
        )
        out.append(Problem(problems[0].path if problems else Path(), message, line=line, field=f"{table}.{key}"))
    for problem in problems:
        field = problem.field or ""
        if any(field == f"{table}.{key}" or field.startswith(f"{table}.{key}.") for table, key in swallowed):
            continue  # the key is not a rename: said once, above or below
        taken_by = [name for name, value in data.items() if isinstance(value, dict) and field and field in value and "." not in field]
        if problem.message == "required key is missing" and taken_by:
            table = taken_by[0]
            line = find_line(index, [table]) if index else None
            where = f" (line {line})" if line else ""
            message = (
                f"required key is missing: it is inside the [{table}] table{where}, which takes every key written after its "
                f"header; move the [{table}] table below the top-level keys (to the end of the file)"
            )
            out.append(Problem(problem.path, message, line=line, field=field))
        else:
            out.append(problem)
    return sorted(out, key=lambda p: p.line or 0)


@dataclass(frozen=True)
class LoadedRubric:
    """A rubric with where it came from and the sha256 of the file's bytes."""

    rubric: Rubric
    path: Path
    sha256: str


def load_rubric_file(path: Path) -> LoadedRubric:
    """Read and validate a rubric file, keeping its path and hash."""
    data, text = load_toml(path, max_bytes=RUBRIC_MAX_BYTES, error=RubricError)
    rubric = parse_rubric(data, path=path, text=text)
    return LoadedRubric(rubric, path, hashlib.sha256(text.encode("utf-8")).hexdigest())


def load_rubric(path: str | os.PathLike[str]) -> Rubric:
    """Load a rubric from a TOML file.

    >>> load_rubric(bundled_rubric_dir() / "jersey-interview-skills.toml").groups
    ['structuring', 'relationship']
    """
    return load_rubric_file(Path(path)).rubric


def bundled_rubric_dir() -> Path:
    """The folder of rubrics shipped with seeds-tui (inside the wheel, or the source tree)."""
    package = Path(__file__).resolve().parent.parent
    shipped = package / "_rubrics"
    if shipped.is_dir():
        return shipped
    return package.parent / "rubrics"


def rubric_dirs(extra: PathOrPaths = ()) -> list[Path]:
    """Where rubrics are looked for: bundled, then ``SEEDS_RUBRICS`` (os.pathsep-separated), then ``extra`` (one folder or several)."""
    dirs = [bundled_rubric_dir()]
    env = os.environ.get("SEEDS_RUBRICS", "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p]
    dirs += as_paths(extra)
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


class RubricRegistry:
    """Every rubric found in a list of folders, by id and version. Broken files are kept as errors."""

    def __init__(self, dirs: PathOrPaths) -> None:
        self.dirs = as_paths(dirs)
        self.rubrics: list[LoadedRubric] = []
        self.errors: list[RubricError] = []
        for folder in self.dirs:
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.toml")):
                try:
                    self.rubrics.append(load_rubric_file(path))
                except RubricError as exc:
                    self.errors.append(exc)

    @classmethod
    def default(cls, extra: PathOrPaths = ()) -> RubricRegistry:
        """The registry over ``rubric_dirs(extra)``."""
        return cls(rubric_dirs(extra))

    def __iter__(self) -> Iterator[LoadedRubric]:
        return iter(self.rubrics)

    def get(self, rubric_id: str, version: str | None = None) -> LoadedRubric:
        """The rubric with this id and version (the highest version when none is given)."""
        matches = [r for r in self.rubrics if r.rubric.id == rubric_id and (version is None or r.rubric.version == version)]
        if not matches:
            where = ", ".join(str(d) for d in self.dirs)
            wanted = f"{rubric_id} {version}" if version else rubric_id
            raise RubricNotFound(f"rubric {wanted} not found in {where}; add its folder with --rubrics DIR or SEEDS_RUBRICS")
        return max(matches, key=lambda r: _version_key(r.rubric.version))

    def conflicting_copies(self) -> list[list[LoadedRubric]]:
        """Groups of files that claim the same id and version with different content.

        ``get`` uses the first of each group (folders are searched in order); the others are
        ignored, which is worth a warning: change ``version`` whenever a rubric changes.
        """
        groups: dict[tuple[str, str], list[LoadedRubric]] = {}
        for loaded in self.rubrics:
            groups.setdefault((loaded.rubric.id, loaded.rubric.version), []).append(loaded)
        return [g for g in groups.values() if len({r.sha256 for r in g}) > 1]

    def versions(self, rubric_id: str) -> list[LoadedRubric]:
        """Every known version of a rubric, oldest first."""
        return sorted((r for r in self.rubrics if r.rubric.id == rubric_id), key=lambda r: _version_key(r.rubric.version))

    def latest(self) -> list[LoadedRubric]:
        """The newest version of each rubric id, sorted by title."""
        ids = {r.rubric.id for r in self.rubrics}
        return sorted((self.get(i) for i in ids), key=lambda r: r.rubric.title)


def _version_key(version: str) -> tuple[int, int, int, int, str]:
    match = SEMVER_RE.match(version)
    assert match
    pre = version.split("+")[0].partition("-")[2]
    return (int(match.group(1)), int(match.group(2)), int(match.group(3)), 0 if pre else 1, pre)
