"""Synthetic self-ratings for a demo store: a share of the developmental observations are rated by
their practitioner before the feedback, on all sections or a few the observer chose.

Practitioners differ in how they see themselves (a stable lean per person: some rate themselves
higher than their observer does, more rate themselves lower), with a little noise per item, and
leave an item NA where the observer did more often than elsewhere. Deterministic for a seed.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable
from datetime import timedelta

from seeds_tui.core.observation import Observation, encode_ulid
from seeds_tui.core.rubric import Rubric
from seeds_tui.core.selfrating import Rating, SelfRating, SelfRatingRubric
from seeds_tui.storage.atomic import write_atomic
from seeds_tui.storage.selfratings import SELFRATINGS
from seeds_tui.storage.store import Store

#: The share of developmental observations whose practitioner rated the session too.
SELFRATING_SHARE = 0.4

#: Reflections a practitioner might write beside their ratings (our own words, no personal data).
REFLECTIONS = (
    "I think I set the agenda well but ran out of time for the plan.",
    "I was not sure I checked what they had understood before we finished.",
    "I felt I talked too much in the middle part.",
    "I tried to reflect back more than last time; I am not sure it came across.",
    "The session felt rushed; I want to slow the opening down.",
    "I was pleased with how we agreed the next steps together.",
    "I found it hard to bring the conversation back to the plan.",
)


def _lean(name: str) -> float:
    """A practitioner's lean in levels: mostly a little below their observer, some above."""
    unit = (zlib.crc32(f"self:{name}".encode()) % 10_000) / 10_000
    return -0.9 + 1.5 * unit


def selfrating_for(obs: Observation, rubric: Rubric, rng: random.Random) -> SelfRating:
    """One realistic self-rating of ``obs``."""
    sections = [s.id for s in rubric.sections]
    chosen: list[str] = []
    if len(sections) > 2 and rng.random() < 0.3:
        chosen = sorted(rng.sample(sections, rng.randint(1, 2)), key=sections.index)
    lean = _lean(obs.session.practitioner)
    ratings: dict[str, dict[str, Rating]] = {}
    for section in rubric.sections:
        if chosen and section.id not in chosen:
            continue
        for item in section.items:
            scale = rubric.scale_of(item).values
            score = obs.score(section.id, item.id)
            if score is not None and score.code == "NA" and rng.random() < 0.6:
                ratings.setdefault(section.id, {})[item.id] = "NA"
                continue
            if rng.random() < 0.03:
                ratings.setdefault(section.id, {})[item.id] = "NO"
                continue
            base = score.value if score is not None and score.value is not None else scale[len(scale) // 2]
            here = scale.index(base) if base in scale else len(scale) // 2
            step = round(lean + rng.gauss(0, 0.55))
            ratings.setdefault(section.id, {})[item.id] = scale[max(0, min(len(scale) - 1, here + step))]
    when = obs.session.date + timedelta(days=rng.choice((0, 0, 0, 1)))
    ms = int((obs.finalised or obs.updated).timestamp() * 1000) - rng.randint(60_000, 3_600_000)
    return SelfRating(
        id=encode_ulid(ms, rng.getrandbits(80)),
        observation=obs.id,
        practitioner=obs.session.practitioner,
        date=when,
        rubric=SelfRatingRubric(id=obs.rubric.id, version=obs.rubric.version),
        sections=chosen,
        ratings=ratings,
        reflection=rng.choice(REFLECTIONS) if rng.random() < 0.5 else "",
    )


def write_selfratings(store: Store, observations: Iterable[Observation], rubrics: dict[str, Rubric], *, seed: int) -> int:
    """Write self-ratings for a share of the developmental observations; how many were written."""
    rng = random.Random(f"{seed}-selfratings")
    folder: object = None
    written = 0
    for obs in observations:
        if obs.session.purpose != "developmental" or obs.consensus is not None or rng.random() >= SELFRATING_SHARE:
            continue
        rubric = rubrics.get(obs.rubric.id)
        if rubric is None:
            continue
        record = selfrating_for(obs, rubric, rng)
        if folder is None:
            folder = store.folder(SELFRATINGS.dir(store))
        write_atomic(SELFRATINGS.path(store, record.id), record.to_toml().encode("utf-8"), durable=False, root=store.root)
        written += 1
    return written
