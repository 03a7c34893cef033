"""Observations: one observed supervision session, scored against a rubric, saved as TOML.

An observation never holds the name of the person on probation: at most a local
pseudonymous case reference. Scores are keyed by section and item id.

>>> from datetime import date
>>> obs = new_observation(
...     rubric=RubricRef(id="seed-one-to-one", version="1.0.0", sha256="0" * 64),
...     session=Session(date=date(2026, 11, 23), observer="Sam Observer", practitioner="Pat Practitioner",
...                     team="North", mode="in_person", purpose="developmental", consent_recorded=True),
... )
>>> obs.status, obs.revision
('draft', 0)
>>> observation_from_toml(observation_to_toml(obs)) == obs
True
"""

from __future__ import annotations

import itertools
import os
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import date as Date
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, Field, ValidationError, model_validator

from seeds_tui.core.errors import ObservationError, Problem
from seeds_tui.core.models import Model, problems_from_validation
from seeds_tui.core.rubric import Code, Id, Rubric
from seeds_tui.core.tomlio import DEFAULT_MAX_BYTES, dump_toml, find_line, line_index, load_toml, parse_toml

OBSERVATION_SCHEMA: Literal["seeds-observation/5"] = "seeds-observation/5"
OBSERVATION_MAX_BYTES = DEFAULT_MAX_BYTES
#: The highest revision a file may hold. Saving adds one, so a file already at this bound cannot
#: be saved again: ``check_against_rubric`` (hence ``validate``) and the store both refuse it.
REVISION_MAX = 1_000_000_000

#: The longest change target (the behaviour the conversation is about change in).
CHANGE_TARGET_MAX = 200
#: The longest focus agreed with the practitioner (what the observer looks at, one line).
FOCUS_MAX = 200
#: The longest practitioner's plan for the session (one or a few lines).
PLAN_MAX = 2000
#: At most this many press (and undo) times are kept per tally; the count itself goes on to 100,000.
TALLY_TIMES_MAX = 2000

Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]


def _one_newline(text: str) -> str:
    # TOML multi-line strings turn CRLF into LF, so store LF: what is saved is what reads back.
    return text.replace("\r\n", "\n")


def _whole_minutes(stamp: datetime) -> datetime:
    offset = stamp.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        raise ValueError("time zone offset must be whole minutes (TOML cannot write seconds in an offset)")
    return stamp


#: Free text. CRLF is stored as LF (TOML multi-line strings cannot keep CRLF).
Note = Annotated[str, Field(max_length=20_000), AfterValidator(_one_newline)]
#: A time with its UTC offset, in whole minutes as TOML requires.
Stamp = Annotated[AwareDatetime, AfterValidator(_whole_minutes)]
Seconds = Annotated[int, Field(ge=0, le=7 * 24 * 3600)]
ItemKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}\.[a-z][a-z0-9_-]{0,63}$")]
ObsId = Annotated[str, Field(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")]
SessionRef = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$")]
Mode = Literal["in_person", "phone", "video"]
Purpose = Literal["developmental", "quality_assurance", "calibration"]
Status = Literal["draft", "final"]
#: Whether the person on probation is supervised on a community or suspended sentence order, or on licence.
Sentence = Literal["order", "licence"]

MODES: dict[str, str] = {"in_person": "In person", "phone": "Phone", "video": "Video"}
PURPOSES: dict[str, str] = {
    "developmental": "Developmental",
    "quality_assurance": "Quality assurance",
    "calibration": "Calibration",
}
SENTENCES: dict[str, str] = {"order": "On an order", "licence": "On licence"}


class Score(Model):
    """The observer's judgement of one item: a level value or a code (NA/NO), with evidence.

    A score may hold only evidence (written before the level was chosen).
    """

    value: Annotated[int, Field(ge=-1000, le=1000)] | None = None
    code: Code | None = None
    evidence: Note = ""
    #: Session-clock seconds when the value or code was last set.
    elapsed: Seconds | None = None

    @model_validator(mode="after")
    def _value_or_code(self) -> Score:
        if self.value is not None and self.code is not None:
            raise ValueError("a score has either a value or a code (NA/NO), not both")
        return self

    @property
    def is_set(self) -> bool:
        """True when a level or a code was chosen."""
        return self.value is not None or self.code is not None


class Session(Model):
    """What was observed: who, when, how. Never the name of the person on probation."""

    date: Date
    observer: Name
    practitioner: Name
    team: Name
    session_type: Annotated[str, Field(max_length=100), AfterValidator(_one_newline)] = ""
    mode: Mode = "in_person"
    purpose: Purpose = "developmental"
    consent_recorded: bool = False
    #: A local pseudonymous reference, never a name, date of birth or case number.
    case_reference: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_/-]{0,31}$")] | None = None
    #: Shared by the observations of one session scored by two observers (calibration), e.g.
    #: "CAL-2026-11-23-N1". Made up for the pairing; never a case number or a name.
    session_ref: SessionRef | None = None
    #: Whether the person is on an order or on licence (optional; never an identifier).
    sentence: Sentence | None = None
    #: The behaviour the conversation is about change in ("attending appointments", "drinking"):
    #: optional, one line, checked for personal data like the notes.
    change_target: Annotated[str, Field(max_length=CHANGE_TARGET_MAX, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""
    #: The focus agreed with the practitioner before the session, what the observer looks at
    #: ("using open questions"): optional, one line, checked for personal data like the notes.
    focus: Annotated[str, Field(max_length=FOCUS_MAX, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""
    #: The practitioner's plan for the session, in their words (one or a few lines): optional,
    #: checked for personal data like the notes.
    plan: Annotated[str, Field(max_length=PLAN_MAX), AfterValidator(_one_newline)] = ""
    #: When the session clock first started.
    started: Stamp | None = None
    #: When the session ended: scoring left for the feedback, or the observer ended it.
    ended: Stamp | None = None
    #: Seconds on the session clock (pauses excluded; the feedback conversation has its own time).
    elapsed: Seconds = 0
    #: Drafts only: when the session clock was last started, while it runs. Saved so that a draft
    #: reopened after the app stopped without pausing it can ask whether the session went on.
    running_since: Stamp | None = None


def _in_clock_order(times: list[int]) -> list[int]:
    if any(later < earlier for earlier, later in itertools.pairwise(times)):
        raise ValueError("tally times must be in clock order (each at or after the one before)")
    return times


#: Session-clock seconds of a tally's presses (or undos), in clock order, at most ``TALLY_TIMES_MAX``.
TallyTimes = Annotated[list[Seconds], Field(max_length=TALLY_TIMES_MAX), AfterValidator(_in_clock_order)]


class CounterTimes(Model):
    """When a tally was pressed and taken back, in session-clock seconds (pauses excluded).

    ``at`` holds the presses that still count (an undo takes the latest one away), so when the
    times were kept for every press it has as many entries as the tally's count; ``undone``
    holds when each undo was made. Each keeps at most ``TALLY_TIMES_MAX`` times: past that (or
    in a file from before schema 4) the count goes on and the times are partial, so rates and
    the timeline are left out and the total is shown alone.
    """

    at: TallyTimes = []
    undone: TallyTimes = []


class Event(Model):
    """A time-stamped mark or note, optionally tied to an item later ("mark now, classify later")."""

    at: Stamp
    elapsed: Seconds
    kind: Literal["mark", "note"] = "mark"
    text: Note = ""
    item: ItemKey | None = None


class LinkedNote(Model):
    """A strength or development area, optionally linked to a ``section.item``."""

    text: Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_one_newline)]
    item: ItemKey | None = None


class Action(Model):
    """An agreed action with who does it and when it is reviewed, optionally linked to the
    ``section.item`` it addresses (as a development area is)."""

    text: Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_one_newline)]
    owner: Annotated[str, Field(max_length=100), AfterValidator(_one_newline)] = ""
    review_date: Date | None = None
    item: ItemKey | None = None


#: How an action agreed at an earlier observation stands when it is reviewed at a later one.
ActionStatus = Literal["done", "ongoing", "dropped"]
ACTION_STATUSES: dict[str, str] = {"done": "Done", "ongoing": "Ongoing", "dropped": "Dropped"}


class CarriedAction(Model):
    """An action agreed at an earlier observation of the same practitioner, reviewed at this one.

    ``source`` and ``index`` name the action where it was first agreed (the observation id and
    its position in that observation's ``feedback.actions``), however often it was carried since.
    Text, owner and review date are copied so the feedback sheet needs no other file.
    ``status`` stays unset until the observer and practitioner have reviewed it.
    """

    source: ObsId
    index: Annotated[int, Field(ge=0, le=9999)]
    text: Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_one_newline)]
    owner: Annotated[str, Field(max_length=100), AfterValidator(_one_newline)] = ""
    review_date: Date | None = None
    #: The date of the session where it was agreed.
    agreed: Date | None = None
    status: ActionStatus | None = None
    comment: Note = ""

    @property
    def key(self) -> tuple[str, int]:
        """Identifies the action across every observation that carries it."""
        return (self.source, self.index)


class Feedback(Model):
    """The feedback conversation, in the order practice uses: the practitioner's view first, then
    the observer's strengths, development areas and overall summary, then the actions agreed."""

    #: The day the feedback conversation was held (set when it starts; it may be another day than the session).
    date: Date | None = None
    #: Seconds the feedback conversation took (its own clock, apart from the session's).
    elapsed: Seconds | None = None
    self_assessment: Note = ""
    strengths: list[LinkedNote] = []
    development_areas: list[LinkedNote] = []
    #: The observer's overall summary of the session.
    summary: Note = ""
    actions: list[Action] = []
    #: Actions from earlier observations of this practitioner, with how each stands now.
    carried: Annotated[list[CarriedAction], Field(max_length=1000)] = []
    #: The practitioner's written response (may be added after finalising).
    practitioner_comment: Note = ""
    #: When the practitioner's response was added or changed after the observation was finalised.
    response_added: Stamp | None = None


class Consensus(Model):
    """Marks an observation as the agreed record of a double-scored session.

    ``of`` holds the ids of the two observers' own (raw) observations, which stay as they were.
    ``rationale`` says, per ``section.item`` whose agreed score differs from either observer's,
    why the observers settled where they did.
    """

    of: Annotated[list[ObsId], Field(min_length=2, max_length=2)]
    rationale: dict[ItemKey, Annotated[str, Field(max_length=4000), AfterValidator(_one_newline)]] = {}


class RubricRef(Model):
    """Which rubric (id, version and the sha256 of its file) the observation was scored against."""

    id: Id
    version: Annotated[str, Field(max_length=64)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Observation(Model):
    """One observation, draft or final. See docs/file-format.md."""

    schema_: Annotated[Literal["seeds-observation/5"], Field(alias="schema")] = OBSERVATION_SCHEMA
    id: ObsId
    status: Status = "draft"
    #: How many times this observation has been saved; the store checks it before each save.
    revision: Annotated[int, Field(ge=0, le=REVISION_MAX)] = 0
    created: Stamp
    updated: Stamp
    finalised: Stamp | None = None
    rubric: RubricRef
    session: Session
    scores: dict[Id, dict[Id, Score]] = {}
    section_notes: dict[Id, Note] = {}
    globals: dict[Id, Annotated[int, Field(ge=-1000, le=1000)]] = {}
    counters: dict[Id, Annotated[int, Field(ge=0, le=100_000)]] = {}
    #: When each tally was pressed and undone (schema 4 on; see ``CounterTimes``).
    counter_times: Annotated[dict[Id, CounterTimes], Field(max_length=100)] = {}
    events: Annotated[list[Event], Field(max_length=10_000)] = []
    feedback: Feedback = Feedback()
    #: Present only on a consensus observation (kept in the store's ``consensus/`` folder).
    consensus: Consensus | None = None

    model_config = Model.model_config | {"populate_by_name": True}

    def score(self, section_id: str, item_id: str) -> Score | None:
        """The score for an item, or None when nothing was recorded."""
        return self.scores.get(section_id, {}).get(item_id)


def name_key(name: object) -> str:
    """How names typed at different set-ups are matched: case folded, runs of spaces made one, ends trimmed.

    >>> name_key("  Pat   SMITH ") == name_key("pat smith")
    True
    """
    return " ".join(str(name).split()).casefold()


def close_name(name: str, known: Iterable[str]) -> str | None:
    """A known name that ``name`` is probably meant to be, when ``name`` itself is not known:
    one it begins (``Pat`` for ``Pat Practitioner``: a first name typed fast), or one a slip of
    the keys away (``Pat Practioner``). None when ``name`` is known, or nothing is that close.

    >>> close_name("pat", ["Pat Practitioner", "Sam Observer"]), close_name("Pat Practioner", ["Pat Practitioner"])
    ('Pat Practitioner', 'Pat Practitioner')
    >>> close_name("Pat Practitioner", ["pat  practitioner"]) is None, close_name("Jo", ["Pat Practitioner"]) is None
    (True, True)
    """
    import difflib

    wanted = name_key(name)
    names = {name_key(k): k for k in known}
    if not wanted or wanted in names:
        return None
    starts = sorted(k for k in names if k.startswith(wanted + " "))
    if starts:
        return names[starts[0]]
    near = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.85)
    return names[near[0]] if near else None


def ref_key(ref: str) -> str:
    """How session references are matched: ignoring case (``cal-2026-11-23-n1`` pairs with ``CAL-2026-11-23-N1``)."""
    return ref.casefold()


# -- ids and construction -----------------------------------------------------------------

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id(now_ms: int | None = None) -> str:
    """A new ULID: 26 characters, sortable by creation time, filesystem-safe, meaningless otherwise."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    return encode_ulid(ms, int.from_bytes(secrets.token_bytes(10), "big"))


def encode_ulid(ms: int, random80: int) -> str:
    """The ULID text of a millisecond time stamp and 80 random bits (Crockford base 32).

    >>> encode_ulid(0, 0)
    '00000000000000000000000000'
    """
    value = (ms << 80) | (random80 & ((1 << 80) - 1))
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def now() -> datetime:
    """The current local time with its UTC offset, to the second."""
    return datetime.now().astimezone().replace(microsecond=0)


def new_observation(*, rubric: RubricRef, session: Session, when: datetime | None = None) -> Observation:
    """A fresh draft observation with a new id."""
    stamp = when or now()
    return Observation(id=new_id(int(stamp.timestamp() * 1000)), created=stamp, updated=stamp, rubric=rubric, session=session)


# -- TOML in and out ----------------------------------------------------------------------


def _from_1(data: dict[str, Any]) -> dict[str, Any]:
    """seeds-observation/1 -> /2: /2 only added optional keys (``session.session_ref``,
    ``feedback.carried``, ``consensus``), so a /1 file is a valid /2 file with a new tag."""
    return {**data, "schema": "seeds-observation/2"}


def _from_2(data: dict[str, Any]) -> dict[str, Any]:
    """seeds-observation/2 -> /3: /3 only added optional keys (``session.sentence``,
    ``session.running_since``, ``feedback.date``, ``feedback.elapsed``, ``feedback.summary``,
    ``feedback.response_added``), so a /2 file is a valid /3 file with a new tag. A /2 draft's
    clock was never saved as running, so it reopens paused, as it always did."""
    return {**data, "schema": "seeds-observation/3"}


def _from_3(data: dict[str, Any]) -> dict[str, Any]:
    """seeds-observation/3 -> /4: /4 only added optional keys (``session.change_target`` and
    ``counter_times``), so a /3 file is a valid /4 file with a new tag. Its tallies keep their
    totals without times: the sheet shows the totals alone, as it always did."""
    return {**data, "schema": "seeds-observation/4"}


def _from_4(data: dict[str, Any]) -> dict[str, Any]:
    """seeds-observation/4 -> /5: /5 only added optional keys (``session.focus`` and
    ``session.plan``, agreed with the practitioner at set-up), so a /4 file is a valid /5 file
    with a new tag: its sheet shows no agreed focus or plan, as it never did."""
    return {**data, "schema": "seeds-observation/5"}


#: One migration per older schema tag: plain data in, plain data of the next schema out.
MIGRATIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "seeds-observation/1": _from_1,
    "seeds-observation/2": _from_2,
    "seeds-observation/3": _from_3,
    "seeds-observation/4": _from_4,
}

#: The keys each schema added, as (model, key): the JSON Schema of an older version leaves them out.
ADDED_IN: dict[str, tuple[tuple[str, str], ...]] = {
    "seeds-observation/2": (("Session", "session_ref"), ("Feedback", "carried"), ("Observation", "consensus"), ("Action", "item")),
    "seeds-observation/3": (
        ("Session", "sentence"),
        ("Session", "running_since"),
        ("Feedback", "date"),
        ("Feedback", "elapsed"),
        ("Feedback", "summary"),
        ("Feedback", "response_added"),
    ),
    "seeds-observation/4": (("Session", "change_target"), ("Observation", "counter_times")),
    "seeds-observation/5": (("Session", "focus"), ("Session", "plan")),
}


def migrate(data: dict[str, Any], path: Path | None = None) -> dict[str, Any]:
    """Bring data of any earlier observation schema up to the current one."""
    seen = 0
    while isinstance(data.get("schema"), str) and data["schema"] in MIGRATIONS and seen < 100:
        data = MIGRATIONS[data["schema"]](data)
        seen += 1
    schema = data.get("schema")
    if schema != OBSERVATION_SCHEMA:
        if isinstance(schema, str) and schema.startswith("seeds-observation/"):
            msg = "written by a newer seeds-tui (unknown observation schema); upgrade seeds-tui to read it"
        elif isinstance(schema, str) and schema.startswith("seeds-rubric/"):
            msg = "this is a rubric file, not an observation: check it with seeds-tui rubric check"
        else:
            msg = f'not a seeds-tui observation: expected schema = "{OBSERVATION_SCHEMA}" at the top'
        raise ObservationError(path, [Problem(path, msg, line=1 if schema is None else None, field="schema")])
    return data


def parse_observation(data: dict[str, Any], *, path: Path | None = None, text: str | None = None) -> Observation:
    """Validate plain data (as read from TOML) into an ``Observation`` or raise ``ObservationError``."""
    data = migrate(data, path)
    try:
        return Observation.model_validate(data)
    except ValidationError as exc:
        raise ObservationError(path, problems_from_validation(exc, path, text)) from None


def observation_to_data(obs: Observation) -> dict[str, Any]:
    """Plain data for TOML, with mapping keys sorted so the same observation gives the same bytes."""
    data = obs.model_dump(by_alias=True, exclude_none=True)
    data["scores"] = {s: {i: data["scores"][s][i] for i in sorted(data["scores"][s])} for s in sorted(data["scores"])}
    for key in ("section_notes", "globals", "counters"):
        data[key] = {k: data[key][k] for k in sorted(data[key])}
    if "consensus" in data:
        rationale = data["consensus"]["rationale"]
        data["consensus"]["rationale"] = {k: rationale[k] for k in sorted(rationale)}
    return data


def observation_to_toml(obs: Observation) -> str:
    """The observation as TOML text. Deterministic: same observation, same text.

    Tally times are written as compact arrays (many numbers to a line) at the end of the file,
    so a busy session's hundreds of presses take a few lines, not one line each."""
    data = observation_to_data(obs)
    times = data.pop("counter_times", {})
    text = dump_toml(data)
    for counter_id in sorted(times):
        entry = times[counter_id]
        text += f"\n[counter_times.{counter_id}]\nat = {_int_array(entry['at'])}\nundone = {_int_array(entry['undone'])}\n"
    return text


def _int_array(values: list[int], width: int = 96) -> str:
    """A TOML array of whole numbers, on one line when short, else wrapped, several to a line.

    >>> _int_array([]), _int_array([5, 61])
    ('[]', '[5, 61]')
    >>> print(_int_array(list(range(0, 3000, 100)), width=40))
    [
        0, 100, 200, 300, 400, 500, 600, 700,
        800, 900, 1000, 1100, 1200, 1300, 1400,
        1500, 1600, 1700, 1800, 1900, 2000,
        2100, 2200, 2300, 2400, 2500, 2600,
        2700, 2800, 2900,
    ]
    """
    one = ", ".join(map(str, values))
    if len(one) + 8 <= width:
        return f"[{one}]"
    lines: list[str] = []
    line = ""
    for value in map(str, values):
        piece = f"{value},"
        if line and len(line) + 1 + len(piece) > width - 4:
            lines.append(line)
            line = piece
        else:
            line = f"{line} {piece}" if line else piece
    lines.append(line)
    return "[\n" + "".join(f"    {x}\n" for x in lines) + "]"


def observation_from_toml(text: str, path: Path | None = None) -> Observation:
    """Parse TOML text into an ``Observation`` (raises ``ObservationError``)."""
    return parse_observation(parse_toml(text, path, ObservationError), path=path, text=text)


def read_observation(path: str | os.PathLike[str]) -> tuple[Observation, str]:
    """Read an observation file; return it and its text (for line numbers in later checks)."""
    p = Path(path)
    data, text = load_toml(p, max_bytes=OBSERVATION_MAX_BYTES, error=ObservationError)
    return parse_observation(data, path=p, text=text), text


def load_observation(path: str | os.PathLike[str]) -> Observation:
    """Load one observation file (format checks only; see ``check_against_rubric``).

    Raises ``ObservationError`` naming the file and line for anything wrong.
    """
    return read_observation(path)[0]


# -- checks against the rubric ------------------------------------------------------------


def check_against_rubric(obs: Observation, rubric: Rubric, *, path: Path | None = None, text: str | None = None) -> list[Problem]:
    """Everything in ``obs`` that does not fit ``rubric``: unknown ids, values off the scale,
    and, for a final observation, required items left unscored. Messages never quote notes."""
    index = line_index(text) if text else {}
    problems: list[Problem] = []

    def add(loc: tuple[str | int, ...], message: str) -> None:
        problems.append(Problem(path, message, line=find_line(index, loc) if index else None, field=".".join(map(str, loc))))

    if obs.revision >= REVISION_MAX:
        add(("revision",), f"the revision is at its limit ({REVISION_MAX:,}): this file could not be saved again (not made by seeds-tui)")
    if obs.rubric.id != rubric.id or obs.rubric.version != rubric.version:
        add(("rubric",), f"scored against {obs.rubric.id} {obs.rubric.version}, checked against {rubric.id} {rubric.version}")
    sections = {s.id: s for s in rubric.sections}
    for section_id, items in obs.scores.items():
        section = sections.get(section_id)
        if section is None:
            add(("scores", section_id), "unknown section id for this rubric")
            continue
        known = {i.id: i for i in section.items}
        for item_id, score in items.items():
            item = known.get(item_id)
            if item is None:
                add(("scores", section_id, item_id), "unknown item id for this section")
            elif score.value is not None and score.value not in rubric.scale_of(item).values:
                scale = rubric.scale_of(item)
                add(
                    ("scores", section_id, item_id, "value"),
                    f"value is not a level of scale {item.scale!r} ({scale.min_value}..{scale.max_value}); use a level value or NA/NO",
                )
    for section_id in obs.section_notes:
        if section_id not in sections:
            add(("section_notes", section_id), "unknown section id for this rubric")
    ratings = {g.id: g for g in rubric.globals}
    for global_id, value in obs.globals.items():
        rating = ratings.get(global_id)
        if rating is None:
            add(("globals", global_id), "unknown global rating id for this rubric")
        elif value not in rubric.scale_of(rating).values:
            add(("globals", global_id), f"value is not a level of scale {rating.scale!r}")
    counters = {c.id for c in rubric.counters}
    for counter_id in obs.counters:
        if counter_id not in counters:
            add(("counters", counter_id), "unknown counter id for this rubric")
    for counter_id, times in obs.counter_times.items():
        if counter_id not in counters:
            add(("counter_times", counter_id), "unknown counter id for this rubric")
        if len(times.at) > obs.counters.get(counter_id, 0):
            add(("counter_times", counter_id, "at"), "more tally times than the tally's count (an undo takes its press away)")
        if any(t > obs.session.elapsed for t in (*times.at[-1:], *times.undone[-1:])):
            add(("counter_times", counter_id), "a tally time is later than the session clock (session.elapsed)")
    keys = set(rubric.item_keys)
    for pos, event in enumerate(obs.events):
        if event.item is not None and event.item not in keys:
            add(("events", pos, "item"), "linked item is not in this rubric")
    for part in ("strengths", "development_areas", "actions"):
        for pos, note in enumerate(getattr(obs.feedback, part)):
            if note.item is not None and note.item not in keys:
                add(("feedback", part, pos, "item"), "linked item is not in this rubric")
    if obs.consensus is not None:
        for key in obs.consensus.rationale:
            if key not in keys:
                add(("consensus", "rationale", key), "item is not in this rubric")
    if obs.status == "final":
        for key in missing_required(obs, rubric):
            section_id, item_id = key.split(".")
            add(("scores", section_id, item_id), "required item has no score (give a level, NA or NO) in a final observation")
        if obs.finalised is None:
            add(("finalised",), "a final observation needs its finalised time")
        if obs.session.running_since is not None:
            add(("session", "running_since"), "a final observation's session clock has stopped: remove running_since")
    return problems


def missing_required(obs: Observation, rubric: Rubric) -> list[str]:
    """``section.item`` keys of required items with neither a level nor a code."""
    missing = []
    for section in rubric.sections:
        for item in section.items:
            score = obs.score(section.id, item.id)
            if item.required and (score is None or not score.is_set):
                missing.append(f"{section.id}.{item.id}")
    return missing
