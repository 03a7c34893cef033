"""Realistic synthetic observations, for trying the app, demonstrating team views and testing.

Everything is invented: team, practitioner and observer names are made up, and notes refer
only to "the person on probation". The same seed (and the same ``today``) gives the same
files, byte for byte.

>>> import tempfile
>>> from seeds_tui.storage.store import Store
>>> with tempfile.TemporaryDirectory() as folder:
...     paths = generate_demo(Store(folder), 20, seed=7)
...     len(paths), paths[0].parent.name
(20, 'observations')
"""

from __future__ import annotations

import math
import os
import random
import tomllib
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from importlib import resources
from pathlib import Path
from typing import Any

from seeds_tui.core.observation import OBSERVATION_SCHEMA, CarriedAction, Observation, Score, encode_ulid, observation_to_toml
from seeds_tui.core.rubric import Item, LoadedRubric, Rubric, bundled_rubric_dir, load_rubric_file
from seeds_tui.demo.selfratings import write_selfratings
from seeds_tui.demo.supervision import LastSeen, write_supervision_notes
from seeds_tui.storage.atomic import ensure_dir, write_atomic
from seeds_tui.storage.store import Store

#: Limits the command line enforces (the library accepts the same).
MAX_OBSERVATIONS = 1_000_000
MAX_TEAMS = 500
QUARTERS = 8

#: Share of observations per bundled rubric (the rest use seed-one-to-one).
RUBRIC_SHARES = {"jersey-interview-skills": 0.18, "mi-informed-conversation": 0.12}
MAIN_RUBRIC = "seed-one-to-one"


def demo_id(ms: int, rng: random.Random) -> str:
    """A ULID (like ``observation.new_id``) whose random part comes from ``rng``, for repeatable files."""
    return encode_ulid(ms, rng.getrandbits(80))


def _local_zone() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/London")
    except Exception:  # no time-zone database on this machine
        return UTC


# -- invented people, places and words ---------------------------------------------------------

# The invented words (names, evidence, actions, reasons) are data: phrases.toml beside this file.
_PHRASES = tomllib.loads(resources.files(__package__).joinpath("phrases.toml").read_text(encoding="utf-8"))
TEAM_NAMES = _PHRASES["team_names"]
FIRST_NAMES = _PHRASES["first_names"]
SURNAMES = _PHRASES["surnames"]
SESSION_TYPES = _PHRASES["session_types"]
EVIDENCE: dict[str, list[str]] = _PHRASES["evidence"]
SECTION_NOTES = _PHRASES["section_notes"]
EVENT_NOTES = _PHRASES["event_notes"]
SELF_ASSESSMENTS = _PHRASES["self_assessments"]
PRACTITIONER_COMMENTS = _PHRASES["practitioner_comments"]
ACTIONS_BY_SECTION = _PHRASES["actions_by_section"]
GENERAL_ACTIONS = _PHRASES["general_actions"]
CARRIED_COMMENTS = _PHRASES["carried_comments"]
RATIONALES: dict[str, list[str]] = _PHRASES["rationales"]
FOCUSES: list[str] = _PHRASES["focuses"]
PLANS: list[str] = _PHRASES["plans"]

MODES = (("in_person", 76), ("video", 14), ("phone", 10))
PURPOSES = (("developmental", 70), ("quality_assurance", 24), ("calibration", 6))
#: Share of double-scored sessions for which the two observers recorded a consensus.
CONSENSUS_SHARE = 0.5
CASE_PREFIXES = ("CR", "SR", "OM", "PX")

# -- what observers write ---------------------------------------------------------------------
# Evidence per item key: (skilful, partly shown, missed). Only "the person" or "the person on
# probation" is ever mentioned; never a name.


# -- the generator -----------------------------------------------------------------------------


@dataclass
class Practitioner:
    """An invented practitioner with a skill profile."""

    name: str
    team: int
    skill: float
    growth: float
    weight: float


@dataclass
class DemoResult:
    """What ``write_demo`` wrote."""

    paths: list[Path]
    #: Teams, practitioners and observers that appear in the written observations.
    teams: list[str]
    practitioners: int
    observers: int
    first_date: date | None
    last_date: date | None
    per_rubric: dict[str, int] = field(default_factory=dict)
    #: Questionnaire responses written (people on probation).
    responses: int = 0
    #: Practitioners' self-ratings written.
    selfratings: int = 0
    #: Reflective supervision notes written.
    supervision_notes: int = 0
    #: Training days and action learning sets written into the register (``seeds_tui.demo.events``).
    events: int = 0
    sets: int = 0


@dataclass
class _World:
    rng: random.Random
    zone: tzinfo
    today: date
    rubrics: dict[str, LoadedRubric]
    teams: list[str]
    team_effect: list[dict[str, float]]
    practitioners: list[list[Practitioner]]
    observers: list[str]
    home_observer: list[int]
    quarters: list[tuple[date, date]]
    difficulty: dict[str, float]


def generate_demo(
    store: Store | str | os.PathLike[str], observations: int, *, seed: int = 1, teams: int = 6, today: date | None = None
) -> list[Path]:
    """Write ``observations`` synthetic final observations into ``store`` (a ``Store`` or its folder); return their paths.

    Sessions fall on weekdays over the last eight quarters up to ``today`` (default: the
    real today), across ``teams`` invented teams, scored mostly against the bundled
    ``seed-one-to-one`` rubric, with some ``jersey-interview-skills`` and
    ``mi-informed-conversation`` observations. Scores differ by team and skill and improve
    over time; some items are NA or NO; notes, marks and feedback are filled in. The same
    ``seed`` and ``today`` always give byte-identical files.

    >>> import tempfile
    >>> from datetime import date
    >>> from seeds_tui import Store, generate_demo
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     store = Store(folder)
    ...     paths = generate_demo(store, 3, seed=1, today=date(2026, 11, 23))
    ...     sorted(store.read(p).rubric.id for p in paths)
    ['jersey-interview-skills', 'mi-informed-conversation', 'seed-one-to-one']
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     len(generate_demo(folder, 2, today=date(2026, 11, 23)))
    2
    """
    store = store if isinstance(store, Store) else Store(store)
    return write_demo(store, observations, seed=seed, teams=teams, today=today).paths


def write_demo(
    store: Store,
    observations: int,
    *,
    seed: int = 1,
    teams: int = 6,
    today: date | None = None,
    rubric_dir: Path | None = None,
    wrap: Callable[[Iterable[int]], Iterable[int]] | None = None,
) -> DemoResult:
    """Like ``generate_demo``, returning a summary of what was written.

    ``wrap`` may wrap the loop over observations (e.g. a progress bar).
    """
    if not 1 <= observations <= MAX_OBSERVATIONS:
        raise ValueError(f"observations must be between 1 and {MAX_OBSERVATIONS:,}")
    if not 1 <= teams <= MAX_TEAMS:
        raise ValueError(f"teams must be between 1 and {MAX_TEAMS}")
    world = _build_world(seed, teams, today or date.today(), rubric_dir or bundled_rubric_dir())
    rng = world.rng
    quarter_of = [i * QUARTERS // observations for i in range(observations)]
    rng.shuffle(quarter_of)
    rubric_of = _rubric_plan(observations, rng)

    # Days and purposes are drawn first so the sessions can be written in date order: each
    # practitioner's later observations then review the actions agreed at their earlier ones.
    day_of = [_weekday_between(rng, *world.quarters[q]) for q in quarter_of]
    purpose_of = [_weighted(rng, PURPOSES) for _ in range(observations)]
    partner_of, ref_of = _calibration_plan(purpose_of, rubric_of, day_of, random.Random(f"{seed}-pairs"))
    order = sorted(range(observations), key=lambda i: (day_of[i], i in partner_of, i))
    extra = random.Random(f"{seed}-calibration")

    store.ensure()
    folder = store.final_dir
    paths: list[Path] = []
    dates: list[date] = []
    per_rubric: dict[str, int] = {}
    seen_teams: dict[str, None] = {}
    seen_people: set[str] = set()
    seen_observers: set[str] = set()
    leads: dict[int, Observation] = {}
    open_actions: dict[str, list[CarriedAction]] = {}
    last_seen: dict[str, LastSeen] = {}
    consensus_written = False
    rated: list[Observation] = []
    sessions: list[tuple[date, str, str]] = []
    indices: Iterable[int] = order
    if wrap is not None:
        indices = wrap(indices)
    for i in indices:
        loaded = world.rubrics[rubric_of[i]]
        if i in partner_of:
            lead = leads.pop(partner_of[i])
            obs = _second_observation(world, extra, loaded, lead, quarter_of[partner_of[i]])
            if extra.random() < CONSENSUS_SHARE and lead.session.date + timedelta(days=4) < world.today:
                if not consensus_written:
                    ensure_dir(store.consensus_dir)
                    consensus_written = True
                agreed = _consensus(extra, loaded.rubric, lead, obs)
                write_atomic(store.consensus_dir / f"{agreed.id}.toml", observation_to_toml(agreed).encode("utf-8"), durable=False)
        else:
            obs = _observation(world, loaded, quarter_of[i], day_of[i], purpose_of[i], ref_of.get(i))
            obs = _carry_forward(extra, obs, open_actions)
            last_seen[obs.session.practitioner] = LastSeen(obs.session.date, obs.session.team, obs.session.observer)
            if i in ref_of:
                leads[i] = obs
        path = folder / f"{obs.id}.toml"
        write_atomic(path, observation_to_toml(obs).encode("utf-8"), durable=False)
        paths.append(path)
        dates.append(obs.session.date)
        if i not in partner_of:  # one person, one session: a double-scored session is asked once
            sessions.append((obs.session.date, obs.session.team, obs.session.practitioner))
        seen_teams.setdefault(obs.session.team)
        seen_people.add(obs.session.practitioner)
        seen_observers.add(obs.session.observer)
        per_rubric[loaded.rubric.id] = per_rubric.get(loaded.rubric.id, 0) + 1
        if i not in partner_of:
            rated.append(obs)
    notes = write_supervision_notes(
        store, random.Random(f"{seed}-supervision"), open_actions, last_seen, today=world.today, zone=world.zone
    )
    selfratings = write_selfratings(store, rated, {rid: lr.rubric for rid, lr in world.rubrics.items()}, seed=seed)
    from seeds_tui.demo.questionnaire import write_responses

    responses = write_responses(store, sessions, seed=seed)
    from seeds_tui.demo.events import write_demo_events

    shown_teams = [t for t in world.teams if t in seen_teams]
    events = write_demo_events(store, shown_teams, world.quarters, world.today, seed)
    if hasattr(os, "sync"):
        os.sync()
    return DemoResult(
        paths=paths,
        teams=[t for t in world.teams if t in seen_teams],
        practitioners=len(seen_people),
        observers=len(seen_observers),
        first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
        per_rubric=per_rubric,
        responses=responses,
        selfratings=selfratings,
        supervision_notes=len(notes),
        events=sum(e.kind == "training" for e in events),
        sets=sum(e.kind == "set" for e in events),
    )


def _calibration_plan(
    purpose_of: list[str], rubric_of: list[str], day_of: list[date], rng: random.Random
) -> tuple[dict[int, int], dict[int, str]]:
    """Pair the calibration slots of each rubric: the second of a pair becomes the second observer's
    observation of the first one's session (same day). Returns partner -> lead and lead -> session reference."""
    by_rubric: dict[str, list[int]] = {}
    for i, purpose in enumerate(purpose_of):
        if purpose == "calibration":
            by_rubric.setdefault(rubric_of[i], []).append(i)
    partner_of: dict[int, int] = {}
    ref_of: dict[int, str] = {}
    count = 0
    for rid in sorted(by_rubric):
        slots = by_rubric[rid]
        rng.shuffle(slots)
        for k in range(0, len(slots), 2):
            lead = slots[k]
            count += 1
            ref_of[lead] = f"CAL-{day_of[lead]:%Y%m%d}-{count:04d}"
            if k + 1 < len(slots):  # an odd one out stays single: "only one observation so far"
                partner_of[slots[k + 1]] = lead
                day_of[slots[k + 1]] = day_of[lead]
    return partner_of, ref_of


def _observer_trait(name: str, salt: str) -> float:
    """A stable number in [0, 1) per observer: how lenient or how consistent they are."""
    return (zlib.crc32(f"{salt}:{name}".encode()) % 10_000) / 10_000


def _second_observation(world: _World, rng: random.Random, loaded: LoadedRubric, lead: Observation, quarter: int) -> Observation:
    """A second observer's independent observation of the lead observer's session.

    Mostly the same levels; sometimes one level off (more often early on, and in the direction of
    the observer's leniency), rarely two; now and then NA or NO where the other gave a level.
    """
    rubric = loaded.rubric
    session = lead.session
    assert session.started is not None and session.ended is not None
    observer = rng.choice([o for o in world.observers if o != session.observer])
    lean = 0.5 + 0.6 * (_observer_trait(observer, "lenient") - _observer_trait(session.observer, "lenient"))
    off = max(0.1, 0.32 - 0.025 * quarter) * (0.6 + 0.8 * _observer_trait(observer, "steady"))
    created = session.started - timedelta(minutes=rng.randint(2, 30))
    finalised = session.ended + timedelta(minutes=rng.randint(20, 200))
    scores: dict[str, dict[str, Any]] = {}
    levels: list[tuple[str, Item, int]] = []
    for section in rubric.sections:
        for item in section.items:
            before = lead.score(section.id, item.id)
            if before is None or not before.is_set:
                continue
            key = f"{section.id}.{item.id}"
            values = [level.value for level in rubric.scale_of(item).levels]
            score: dict[str, Any] = {"elapsed": min(session.elapsed, max(0, (before.elapsed or 0) + rng.randint(-45, 45)))}
            if before.code is not None:
                pick = rng.random()
                if pick < 0.8:
                    score["code"] = before.code
                elif pick < 0.92:
                    score["value"] = rng.choice(values)
                else:
                    score["code"] = "NO" if before.code == "NA" else "NA"
            else:
                pick = rng.random()
                if pick < 0.02:
                    score["code"] = "NA"
                elif pick < 0.03:
                    score["code"] = "NO"
                else:
                    pos = values.index(before.value) if before.value in values else 0
                    step = 0
                    if rng.random() < off:
                        step = (1 if rng.random() < lean else -1) * (2 if rng.random() < 0.12 else 1)
                    moved = pos + step
                    if not 0 <= moved < len(values):
                        moved = pos - step
                    score["value"] = values[min(len(values) - 1, max(0, moved))]
            if "value" in score:
                span = values[-1] - values[0]
                levels.append((section.id, item, score["value"]))
                if rng.random() < (0.6 if before.evidence else 0.25):
                    score["evidence"] = _evidence(key, (score["value"] - values[0]) / span if span else 1.0, item)
            scores.setdefault(section.id, {})[item.id] = score
    globals_ = {}
    for rating in rubric.globals:
        if rating.id in lead.globals:
            scale = rubric.scale_of(rating)
            nudge = rng.choice((-1, 1)) if rng.random() < 0.25 else 0
            globals_[rating.id] = min(scale.max_value, max(scale.min_value, lead.globals[rating.id] + nudge))
    feedback = _feedback(rng, rubric, levels, session.practitioner, observer, session.date) if levels else {}
    # The lead observer gives the feedback; the second observer's record notes strengths and areas only.
    feedback.pop("self_assessment", None)
    feedback.pop("practitioner_comment", None)
    feedback["actions"] = []
    data = lead.model_dump(by_alias=True)
    data.update(
        {
            "id": demo_id(int(created.timestamp() * 1000), rng),
            "revision": rng.randint(5, 40),
            "created": created,
            "updated": finalised,
            "finalised": finalised,
            "scores": scores,
            "section_notes": {},
            "globals": globals_,
            "counters": {k: max(0, round(v * rng.uniform(0.85, 1.15))) for k, v in lead.counters.items()},
            "events": _events(rng, rubric, session.started, session.elapsed, scores),
            "feedback": feedback,
            "consensus": None,
        }
    )
    data["session"] = {**data["session"], "observer": observer}
    return Observation.model_validate(data)


def _consensus(rng: random.Random, rubric: Rubric, first: Observation, second: Observation) -> Observation:
    """The two observers' agreed record: for each item they scored differently, one of their scores
    (or the level between), with a reason."""
    from seeds_tui.calibration.agreement import compare
    from seeds_tui.calibration.consensus import build_consensus

    scores: dict[str, Score] = {}
    rationale: dict[str, str] = {}
    for item in compare(first, second, rubric).items:
        if item.outcome in ("exact", "same code"):
            continue
        a, b = first.score(item.section_id, item.item_id), second.score(item.section_id, item.item_id)
        options = [s for s in (a, b) if s is not None and s.is_set]
        if not options:
            continue  # left blank by both: nothing to agree
        if item.outcome == "apart" and a is not None and b is not None and a.value is not None and b.value is not None:
            values = [level.value for level in rubric.scale_of(rubric.item(item.section_id, item.item_id)).levels]
            lo, hi = sorted((values.index(a.value), values.index(b.value)))
            chosen = Score(value=values[(lo + hi) // 2]) if rng.random() < 0.5 else Score(value=rng.choice(options).value)
        elif item.outcome == "code vs level":
            with_level = [s for s in options if s.value is not None]
            pick = with_level[0] if with_level and rng.random() < 0.6 else rng.choice(options)
            chosen = Score(value=pick.value, code=pick.code)
        else:
            pick = rng.choice(options)
            chosen = Score(value=pick.value, code=pick.code)
        scores[item.key] = chosen
        rationale[item.key] = rng.choice(RATIONALES[chosen.code or "level"])
    assert second.finalised is not None
    when = second.finalised + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 3))
    return build_consensus(first, second, scores, rationale, when=when, obs_id=demo_id(int(when.timestamp() * 1000), rng))


def _carry_forward(rng: random.Random, obs: Observation, open_actions: dict[str, list[CarriedAction]]) -> Observation:
    """Review the practitioner's open actions at this observation (done / ongoing / dropped) and
    add the actions agreed today; ongoing ones stay open for the next observation."""
    name = obs.session.practitioner
    carried: list[CarriedAction] = []
    still_open: list[CarriedAction] = []
    for action in open_actions.get(name, []):
        status = _weighted(rng, (("done", 50), ("ongoing", 35), ("dropped", 15)))
        comment = rng.choice(CARRIED_COMMENTS[status]) if rng.random() < 0.5 else ""
        carried.append(action.model_copy(update={"status": status, "comment": comment}))
        if status == "ongoing":
            still_open.append(action)
    ongoing = {a.text for a in still_open}
    # An action still running is not agreed again as if it were new.
    actions = [a for a in obs.feedback.actions if a.text not in ongoing] or obs.feedback.actions[:0]
    for index, agreed in enumerate(actions):
        still_open.append(
            CarriedAction(
                source=obs.id,
                index=index,
                text=agreed.text,
                owner=agreed.owner,
                review_date=agreed.review_date,
                agreed=obs.session.date,
            )
        )
    open_actions[name] = still_open[-8:]
    if not carried and len(actions) == len(obs.feedback.actions):
        return obs
    return obs.model_copy(update={"feedback": obs.feedback.model_copy(update={"actions": actions, "carried": carried})})


def _rubric_plan(n: int, rng: random.Random) -> list[str]:
    counts = {rid: round(n * share) for rid, share in RUBRIC_SHARES.items()}
    if n >= 3:
        counts = {rid: max(1, c) for rid, c in counts.items()}
    plan = [rid for rid, c in counts.items() for _ in range(c)]
    plan += [MAIN_RUBRIC] * (n - len(plan))
    plan = plan[:n]
    rng.shuffle(plan)
    return plan


def _quarters(today: date) -> list[tuple[date, date]]:
    """The last eight calendar quarters (oldest first) as (first day, last usable day)."""
    q_index = today.year * 4 + (today.month - 1) // 3
    out = []
    for k in range(q_index - QUARTERS + 1, q_index + 1):
        year, q = divmod(k, 4)
        start = date(year, 3 * q + 1, 1)
        end = date(year + (q == 3), 1 if q == 3 else 3 * q + 4, 1) - timedelta(days=1)
        # Sessions up to yesterday, so no timestamp lies in the future (today if nothing else fits).
        end = min(end, today - timedelta(days=1))
        if end < start:
            end = start
        out.append((start, end))
    return out


def _weighted(rng: random.Random, choices: Sequence[tuple[Any, int]]) -> Any:
    total = sum(w for _, w in choices)
    pick = rng.random() * total
    for value, weight in choices:
        pick -= weight
        if pick < 0:
            return value
    return choices[-1][0]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


#: How hard each skill is (added to the latent skill; negative = rarer to see done well).
DIFFICULTY = {
    "beginning.welcome": 1.0,
    "beginning.environment": 0.8,
    "beginning.review": -0.1,
    "beginning.agenda": -0.2,
    "role.confidentiality": -0.5,
    "role.negotiable": -0.3,
    "relationship.warmth": 0.8,
    "relationship.clarity": 0.4,
    "change.prosocial_modelling": 0.3,
    "change.prosocial_reinforcement": -0.2,
    "change.antisocial_disapproval": -0.5,
    "role.compliance": 0.5,
    "rnr.safeguarding": -0.3,
    "rnr.sentence_plan": -0.6,
    "rnr.desistance": -0.7,
    "authority.compliance": 0.4,
    "rnr.risk_focus": -0.1,
    "rnr.responsivity": -0.4,
    "change.motivation": -0.4,
    "change.cognitive": -1.0,
    "change.problem_solving": -0.4,
    "change.skill_practice": -1.1,
    "ending.summary": -0.4,
    "ending.next_contact": 1.2,
    "ending.feedback_invited": -0.8,
    "setup.arrangements": 0.9,
    "nonverbal.attentive": 0.7,
    "nonverbal.calm": 0.6,
    "verbal.clear_language": 0.4,
    "mi.ambivalence": -0.5,
    "cognitive.identifies": -0.8,
    "cognitive.alternatives": -1.1,
    "problem_solving.options": -0.4,
    "processes.engaging": 0.6,
    "processes.evoking": -0.5,
    "processes.planning": -0.4,
    "spirit.permission": -0.6,
}
#: Items that need an occasion (not every session calls for them): NA is common.
OCCASIONAL = {
    "beginning.review": 0.18,
    "role.confidentiality": 0.35,
    "role.authority": 0.3,
    "rnr.barriers": 0.2,
    "rnr.sentence_plan": 0.3,
    "rnr.desistance": 0.2,
    "change.prosocial_reinforcement": 0.25,
    "change.antisocial_disapproval": 0.45,
    "change.cognitive": 0.3,
    "change.problem_solving": 0.25,
    "change.skill_practice": 0.45,
    "setup.review": 0.15,
    "authority.fair_firm": 0.3,
    "prosocial.challenges": 0.4,
    "problem_solving.defines": 0.25,
    "problem_solving.options": 0.3,
    "problem_solving.plan": 0.3,
    "cognitive.identifies": 0.35,
    "cognitive.alternatives": 0.4,
    "processes.planning": 0.4,
    "spirit.permission": 0.2,
}
#: Items an observer cannot judge on a phone call.
NOT_ON_PHONE = {"nonverbal.attentive", "beginning.environment", "relationship.warmth"}


def _build_world(seed: int, n_teams: int, today: date, rubric_dir: Path) -> _World:
    rng = random.Random(seed)
    rubrics = {}
    for rid in (MAIN_RUBRIC, *RUBRIC_SHARES):
        rubrics[rid] = load_rubric_file(rubric_dir / f"{rid}.toml")
    teams = [
        TEAM_NAMES[i] if i < len(TEAM_NAMES) else f"{TEAM_NAMES[i % len(TEAM_NAMES)]} {i // len(TEAM_NAMES) + 1}" for i in range(n_teams)
    ]
    # The first teams get recognisable profiles, so views always show a contrast.
    fixed = [(0.85, -0.2), (-0.1, 0.5), (-0.45, -0.3), (0.25, 0.25)]
    team_effect = []
    for i in range(n_teams):
        s, r = fixed[i] if i < len(fixed) else (rng.gauss(0, 0.3), rng.gauss(0, 0.3))
        team_effect.append({"structuring": s, "relationship": r})
    all_names = [f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES]
    n_observers = max(3, min(12, n_teams // 2 + 2))
    sizes = [rng.randint(8, 15) for _ in range(n_teams)]
    needed = sum(sizes) + n_observers
    if needed > len(all_names):  # very many teams: add middle initials to keep every name unique
        all_names += [f"{f} {i}. {s}" for f in FIRST_NAMES for i in "ABCDEFGHJKLMNPRSTW" for s in SURNAMES]
    picked = rng.sample(all_names, needed)
    observers = picked[:n_observers]
    cursor = n_observers
    practitioners = []
    for t, size in enumerate(sizes):
        team = []
        for _ in range(size):
            team.append(Practitioner(picked[cursor], t, rng.gauss(0, 0.45), rng.gauss(0.12, 0.05), rng.uniform(0.5, 1.5)))
            cursor += 1
        practitioners.append(team)
    home_observer = [t % n_observers for t in range(n_teams)]
    return _World(
        rng, _local_zone(), today, rubrics, teams, team_effect, practitioners, observers, home_observer, _quarters(today), DIFFICULTY
    )


def _observation(world: _World, loaded: LoadedRubric, quarter: int, day: date, purpose: str, session_ref: str | None) -> Observation:
    rng = world.rng
    rubric = loaded.rubric
    team = _team_pick(world)
    prac = _practitioner_pick(rng, world.practitioners[team])
    observer = world.observers[world.home_observer[team]]
    if (purpose != "developmental" and rng.random() < 0.5) or rng.random() < 0.1:
        observer = rng.choice(world.observers)
    mode = _weighted(rng, MODES)

    minutes = rng.randint(25, 60)
    hour = _weighted(rng, ((9, 3), (10, 4), (11, 3), (13, 2), (14, 4), (15, 3), (16, 1)))
    started = datetime.combine(day, time(hour, rng.choice((0, 15, 30, 45))), world.zone)
    ended = started + timedelta(minutes=minutes)
    elapsed = minutes * 60 - rng.choice((0, 0, 0, 30, 60, 95))
    created = started - timedelta(minutes=rng.randint(4, 25))
    finalised = ended + timedelta(minutes=rng.randint(25, 150))

    # Latent skill for this session: practitioner, team, growth over the quarters, a good or bad day.
    day_form = rng.gauss(0, 0.35)
    base = 0.15 + prac.skill + prac.growth * quarter + day_form

    def latent(group: str | None, key: str) -> float:
        team_eff = world.team_effect[team].get(group or "", 0.0)
        return base + team_eff + world.difficulty.get(key, 0.0) + rng.gauss(0, 0.7)

    scores: dict[str, dict[str, dict[str, Any]]] = {}
    levels: list[tuple[str, Item, int]] = []
    n_sections = len(rubric.sections)
    for pos, section in enumerate(rubric.sections):
        lo = elapsed * pos // n_sections
        hi = max(lo + 1, elapsed * (pos + 1) // n_sections)
        times = sorted(rng.randint(lo, hi) for _ in section.items)
        for item, at in zip(section.items, times, strict=True):
            key = f"{section.id}.{item.id}"
            if not item.required and rng.random() < 0.07:
                continue  # optional item left blank
            score: dict[str, Any] = {"elapsed": at}
            if (mode == "phone" and key in NOT_ON_PHONE and rng.random() < 0.7) or rng.random() < 0.025:
                score["code"] = "NO"
            elif rng.random() < OCCASIONAL.get(key, 0.0 if item.required else 0.12) + 0.01:
                score["code"] = "NA"
            else:
                scale = rubric.scale_of(item)
                span = scale.max_value - scale.min_value
                raw = span * _sigmoid(latent(item.group or section.group, key)) + rng.gauss(0, 0.35)
                value = scale.min_value + min(span, max(0, round(raw)))
                score["value"] = value
                levels.append((section.id, item, value))
                if rng.random() < 0.3:
                    score["evidence"] = _evidence(key, (value - scale.min_value) / span if span else 1.0, item)
            scores.setdefault(section.id, {})[item.id] = score

    section_notes = {}
    for section in rubric.sections:
        if rng.random() < 0.3:
            vals = [
                (v - rubric.scale_of(it).min_value) / max(1, rubric.scales[it.scale].max_value - rubric.scale_of(it).min_value)
                for sid, it, v in levels
                if sid == section.id
            ]
            mean = sum(vals) / len(vals) if vals else 0.5
            tier = "good" if mean >= 0.7 else "mixed" if mean >= 0.4 else "weak"
            section_notes[section.id] = rng.choice(SECTION_NOTES[tier])

    globals_ = {}
    # Now and then the observer leaves one whole-session rating blank (could not decide).
    skipped = rng.choice(rubric.globals).id if rubric.globals and rng.random() < 0.05 else None
    for rating in rubric.globals:
        if rating.id == skipped:
            continue
        scale = rubric.scale_of(rating)
        group = {"relational": "relationship", "technical": "relationship", "connection": "relationship", "direction": "relationship"}.get(
            rating.group or "", rating.group
        )
        raw = (scale.max_value - scale.min_value) * _sigmoid(latent(group, "") - 0.1) + rng.gauss(0, 0.4)
        globals_[rating.id] = scale.min_value + min(scale.max_value - scale.min_value, max(0, round(raw)))

    # Tallies follow the same practitioner skill the whole-session ratings show.
    rated = [
        (v - rubric.scale_of(g).min_value) / max(1, rubric.scale_of(g).max_value - rubric.scale_of(g).min_value)
        for g in rubric.globals
        if (v := globals_.get(g.id)) is not None
    ]
    skill = sum(rated) / len(rated) if rated else _sigmoid(base)
    counters = _counters(rng, rubric, min(1.0, max(0.0, skill + rng.gauss(0, 0.08))), minutes) if rubric.counters else {}
    events = _events(rng, rubric, started, elapsed, scores)
    feedback = _feedback(rng, rubric, levels, prac.name, observer, day)

    data: dict[str, Any] = {
        "schema": OBSERVATION_SCHEMA,
        "id": demo_id(int(created.timestamp() * 1000), rng),
        "status": "final",
        "revision": rng.randint(6, 48),
        "created": created,
        "updated": finalised,
        "finalised": finalised,
        "rubric": {"id": rubric.id, "version": rubric.version, "sha256": loaded.sha256},
        "session": {
            "date": day,
            "observer": observer,
            "practitioner": prac.name,
            "team": world.teams[team],
            "session_type": _weighted(rng, SESSION_TYPES[rubric.id]),
            "mode": mode,
            "purpose": purpose,
            "consent_recorded": True,
            "started": started,
            "ended": ended,
            "elapsed": elapsed,
        },
        "scores": scores,
        "section_notes": section_notes,
        "globals": globals_,
        "counters": counters,
        "events": events,
        "feedback": feedback,
    }
    if rng.random() < 0.6:
        data["session"]["case_reference"] = f"{rng.choice(CASE_PREFIXES)}-{rng.randint(100, 9999):04d}"
    if session_ref is not None:
        data["session"]["session_ref"] = session_ref
    data["session"].update(_agreed(data["id"]))
    return Observation.model_validate(data)


def _agreed(obs_id: str) -> dict[str, str]:
    """The focus and plan agreed at set-up, for about two observations in five (most with both).

    Drawn from the observation's own id, not the world's random stream, so the rest of the demo
    is the same with or without them."""
    rng = random.Random(zlib.crc32(obs_id.encode("ascii")))
    if rng.random() >= 0.4:
        return {}
    agreed = {"focus": rng.choice(FOCUSES)}
    if rng.random() < 0.8:
        agreed["plan"] = rng.choice(PLANS)
    return agreed


def _team_pick(world: _World) -> int:
    # Bigger teams are observed more often.
    sizes = [len(p) for p in world.practitioners]
    return _weighted(world.rng, list(enumerate(sizes)))


def _practitioner_pick(rng: random.Random, team: list[Practitioner]) -> Practitioner:
    total = sum(p.weight for p in team)
    pick = rng.random() * total
    for p in team:
        pick -= p.weight
        if pick < 0:
            return p
    return team[-1]


#: Days offices are closed every year (other bank holidays move; they are not worth modelling).
_CLOSED_DAYS = {(1, 1), (12, 25), (12, 26)}


def _weekday_between(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    for _ in range(20):
        day = start + timedelta(days=rng.randint(0, span))
        if day.weekday() < 5 and (day.month, day.day) not in _CLOSED_DAYS:
            return day
    return start + timedelta(days=rng.randint(0, span))


def _evidence(key: str, fraction: float, item: Item) -> str:
    tiers = EVIDENCE.get(key)
    if tiers is None:
        text = _lower_first(item.text)
        good, partial, missed = (f"Clear example: {text}.", f"Partly: {text}, briefly.", f"Chance missed: {text}.")
    else:
        good, partial, missed = tiers
    if fraction >= 0.67:
        return good
    if fraction > 0:
        return partial
    return missed


def _counters(rng: random.Random, rubric: Rubric, skill: float, minutes: int) -> dict[str, int]:
    questions = minutes * rng.uniform(0.45, 0.8)
    open_share = 0.3 + 0.45 * skill
    reflections = minutes * (0.2 + 0.7 * skill) * rng.uniform(0.7, 1.2)
    complex_share = 0.15 + 0.5 * skill
    expected = {
        "open_question": questions * open_share,
        "closed_question": questions * (1 - open_share),
        "simple_reflection": reflections * (1 - complex_share),
        "complex_reflection": reflections * complex_share,
        "affirmation": minutes * 0.12 * skill,
        "seeking_collaboration": 1 + 4 * skill,
        "emphasising_autonomy": 0.5 + 3 * skill,
        "persuading": 4 * (1 - skill),
        "confronting": 1.2 * (1 - skill) ** 2,
        "giving_information": minutes * 0.1,
    }
    return {c.id: _poisson(rng, expected.get(c.id, 2.0)) for c in rubric.counters}


def _events(rng: random.Random, rubric: Rubric, started: datetime, elapsed: int, scores: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    # Marks are classified against items that were given a level, not NA or NO.
    timeline = sorted((score["elapsed"], f"{s}.{i}") for s, items in scores.items() for i, score in items.items() if "value" in score)
    out = []
    count = rng.randint(1, 7)
    notes = rng.sample(EVENT_NOTES, count)
    times = sorted(rng.randint(30, max(31, elapsed - 30)) for _ in range(count))
    for at, text in zip(times, notes, strict=True):
        event: dict[str, Any] = {"at": started + timedelta(seconds=at), "elapsed": at}
        if rng.random() < 0.45:
            event["kind"] = "note"
            event["text"] = text
        else:
            event["kind"] = "mark"
        if timeline and rng.random() < 0.5:
            # Classified later against the item being scored around that moment.
            event["item"] = min(timeline, key=lambda entry: abs(entry[0] - at))[1]
        out.append(event)
    return out


def _feedback(
    rng: random.Random, rubric: Rubric, levels: list[tuple[str, Item, int]], practitioner: str, observer: str, day: date
) -> dict[str, Any]:
    def fraction(entry: tuple[str, Item, int]) -> float:
        scale = rubric.scale_of(entry[1])
        return (entry[2] - scale.min_value) / max(1, scale.max_value - scale.min_value)

    scored = sorted(((fraction(e), rng.random(), pos) for pos, e in enumerate(levels)))
    best_pos = [pos for f, _, pos in reversed(scored) if f >= 0.5][: rng.randint(1, 3)] or [pos for _, _, pos in scored[-1:]]
    worst_pos = [pos for f, _, pos in scored if f < 1.0 and pos not in best_pos][: rng.randint(1, 2)]
    best = [levels[pos] for pos in best_pos]
    worst = [levels[pos] for pos in worst_pos]

    def note(entry: tuple[str, Item, int], strength: bool) -> dict[str, str]:
        sid, item, _ = entry
        key = f"{sid}.{item.id}"
        share = fraction(entry)
        if strength and share < 0.67:
            text = f"A good start on this: {_lower_first(item.text)}. Build on it next time."
        else:
            text = f"{item.text}. {_evidence(key, share, item)}"
        return {"text": text, "item": key}

    titles = {s.id: _lower_first(s.title) for s in rubric.sections}
    feedback: dict[str, Any] = {
        "strengths": [note(e, True) for e in best],
        "development_areas": [note(e, False) for e in worst],
    }
    if rng.random() < 0.85 and best and worst:
        good, weak = best[0][0], worst[0][0]
        template = rng.choice(SELF_ASSESSMENTS) if good != weak else SELF_ASSESSMENTS[-1]
        feedback["self_assessment"] = template.format(best=titles[good], worst=titles[weak])
    actions: list[dict[str, Any]] = []
    for sid, item, _ in worst:
        wordings = ACTIONS_BY_SECTION.get(sid, GENERAL_ACTIONS[0])
        if isinstance(wordings, list):
            # Observers word the same action differently; chosen without the random stream, so the
            # rest of a seeded store stays as it was.
            wordings = wordings[(len(practitioner) + day.toordinal()) % len(wordings)]
        text = str(wordings)
        if all(a["text"] != text for a in actions):
            # Linked to the item it addresses, as the development area it answers is.
            actions.append({"text": text, "owner": practitioner, "review_date": _review_date(rng, day), "item": f"{sid}.{item.id}"})
    if not actions or rng.random() < 0.35:
        owner = rng.choice((practitioner, observer))
        actions.append({"text": rng.choice(GENERAL_ACTIONS), "owner": owner, "review_date": _review_date(rng, day)})
    feedback["actions"] = actions[:3]
    if rng.random() < 0.35:
        feedback["practitioner_comment"] = rng.choice(PRACTITIONER_COMMENTS)
    return feedback


def _lower_first(text: str) -> str:
    """'Spirit in practice' -> 'spirit in practice', but 'MI processes' stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _review_date(rng: random.Random, day: date) -> date:
    review = day + timedelta(weeks=rng.randint(4, 8))
    return review + timedelta(days=(7 - review.weekday()) % 7 if review.weekday() >= 5 else 0)
