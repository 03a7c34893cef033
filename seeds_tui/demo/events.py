"""Demo training events and action learning sets: the register a facilitator would keep beside the observations.

Every other quarter a follow-up training day for every team, on one section of the main rubric; for
each team an action learning set in about half of the quarters, on a topic the team chose, with the
items it addressed, two or three learning points and the practice focus it agreed. No individual is
named. Drawn from their own random stream (``seed``), so the observations of a seed are the same with
or without them, and the same seed gives the same files.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from seeds_tui.core.events import TrainingEvent
from seeds_tui.storage.registers import RecordExists
from seeds_tui.storage.store import Store
from seeds_tui.team.events import EVENTS, new_record

#: Follow-up training days: (title, the section of seed-one-to-one it covered).
TRAINING_DAYS = (
    ("Quarterly follow-up: structuring the session", "beginning"),
    ("Quarterly follow-up: reflections and open questions", "relationship"),
    ("Quarterly follow-up: pro-social modelling", "change"),
    ("Quarterly follow-up: endings and next steps", "ending"),
    ("Quarterly follow-up: role clarification", "role"),
    ("Quarterly follow-up: risk, need and responsivity", "rnr"),
)

#: Action learning sets: (topic, the items it addressed, learning points, the practice focus agreed).
SETS = (
    (
        "Agreeing the agenda together",
        ["beginning.agenda", "beginning.review"],
        [
            "Asking what matters to the person first made the agenda theirs as well",
            "Reviewing the last session's tasks early kept the thread of the work",
            "A written agenda helped when the session was interrupted",
        ],
        "Agree the agenda in the first five minutes and come back to it before the end",
    ),
    (
        "Being clear about the dual role",
        ["role.dual_role", "role.negotiable", "role.authority"],
        [
            "Saying plainly what is and is not negotiable avoided arguments later",
            "Explaining the reason for a requirement made it easier to accept",
            "Care and control can be named in the same conversation",
        ],
        "Name what is negotiable and what is not at the start of each new order",
    ),
    (
        "Reflections before questions",
        ["relationship.listening", "relationship.questions"],
        [
            "Two reflections for each question slowed the session down in a good way",
            "Closed questions crept in when time was short",
            "Summarising helped the person hear their own reasons for change",
        ],
        "Aim for two reflections for every question in one session a week",
    ),
    (
        "Practising skills in the session",
        ["change.skill_practice", "change.problem_solving"],
        [
            "Rehearsing a difficult conversation in the room made it more likely to happen",
            "Breaking a problem into steps worked better than giving advice",
        ],
        "Rehearse one skill in the session rather than only talking about it",
    ),
    (
        "Noticing and rewarding pro-social talk",
        ["change.prosocial_reinforcement", "change.prosocial_modelling", "change.antisocial_disapproval"],
        [
            "Specific praise landed better than general encouragement",
            "Disapproval of a view worked when the relationship was already warm",
            "Modelling punctuality and follow-through mattered as much as words",
        ],
        "Reinforce pro-social statements specifically, at least three times a session",
    ),
    (
        "Endings that carry the work on",
        ["ending.summary", "ending.task", "ending.next_contact"],
        [
            "A short summary by the person showed what they had taken from the session",
            "Tasks agreed together were more often done than tasks set",
        ],
        "End with the person summarising and one task agreed together",
    ),
    (
        "Responsivity and barriers",
        ["rnr.responsivity", "rnr.barriers"],
        [
            "Asking about reading and memory early changed how tasks were set",
            "Barriers like travel costs were raised only when asked about directly",
        ],
        "Ask about barriers to attending and to the work in every review",
    ),
)


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def demo_events(teams: list[str], quarters: list[tuple[date, date]], today: date, seed: int) -> list[TrainingEvent]:
    """The training days and sets for ``teams`` over ``quarters`` (first and last day of each), none after ``today``."""
    rng = random.Random(f"{seed}-events")
    out: list[TrainingEvent] = []
    for n, (start, _end) in enumerate(quarters):
        if n % 2 == 0:
            title, section = TRAINING_DAYS[(n // 2) % len(TRAINING_DAYS)]
            day = _weekday(start + timedelta(days=rng.randint(35, 55)))
            if day <= today:
                out.append(new_record(day, title=title, covers=[section]))
    for team in teams:
        topics = list(range(len(SETS)))
        rng.shuffle(topics)
        picked = 0
        for start, end in quarters:
            if rng.random() >= 0.5:
                continue
            topic, covers, points, focus = SETS[topics[picked % len(topics)]]
            picked += 1
            day = _weekday(start + timedelta(days=rng.randint(10, max(10, (end - start).days - 10))))
            if day > today:
                continue
            chosen = rng.sample(points, k=min(len(points), rng.randint(2, 3)))
            out.append(
                new_record(
                    day,
                    kind="set",
                    topic=topic,
                    teams=[team],
                    covers=covers,
                    learning_points=chosen,
                    focus=focus,
                    id=f"{day.isoformat()}-set-{_slug(team)}",
                )
            )
    return sorted(out, key=lambda e: (e.date, e.id))


def write_demo_events(store: Store, teams: list[str], quarters: list[tuple[date, date]], today: date, seed: int) -> list[TrainingEvent]:
    """Write ``demo_events`` into the store's register (an id already there is left as it is); return what was written."""
    written = []
    for event in demo_events(teams, quarters, today, seed):
        try:
            written.append(EVENTS.add(store, event))
        except RecordExists:
            continue
    return written


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.casefold()).strip("-")[:30].strip("-")
