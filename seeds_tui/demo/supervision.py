"""Synthetic supervision notes for a demo store: SPOs' reflective supervision after observations.

After a practitioner's latest demo observation, most have one or two supervision notes before
today: each reviews the actions still open (done, ongoing, dropped, now and then with a
comment), sometimes agrees a new one, and has a line of reflection. No score. The same seed
writes byte-identical notes (ids and times come from the seeded random source).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from seeds_tui.core.observation import Action, CarriedAction, encode_ulid
from seeds_tui.core.supervision import Progress, SupervisionNote
from seeds_tui.storage.atomic import write_atomic
from seeds_tui.storage.store import Store
from seeds_tui.storage.supervision import SUPERVISION

#: The share of practitioners with supervision notes after their latest observation.
SUPERVISED_SHARE = 0.6
#: Of those, the share with a second note.
SECOND_SHARE = 0.35

REFLECTIONS = (
    "Noticed that setting the agenda together leaves more time for the harder part of the conversation.",
    "Sees that summarising before moving on helps the person feel heard; wants to do it without notes.",
    "Finds the dual role easier to explain now that it is said at the start, not when a problem comes up.",
    "Reflected on a session that went off track: the plan was not revisited, and next time it will be.",
    "Recognises a habit of filling silences; agreed to leave more room for the person to think.",
    "More confident using open questions with people who say little; still slips into closed ones when rushed.",
    "Linking each session to the sentence plan has made appointments feel less like checking in.",
    "Talked through a difficult disclosure and how the response kept the relationship and the boundaries.",
)

NEW_ACTIONS = (
    "Try a scaling question on motivation in two sessions before the next review.",
    "Bring one recording or detailed case note to the next supervision to reflect on together.",
    "End each session by asking what the person found most useful.",
    "Agree one small, specific goal with the person at each appointment and review it the next time.",
    "Practise a short, plain explanation of what happens after a missed appointment.",
)

COMMENTS = {
    "done": ("Done: used in most sessions since.", "Completed; gave an example in supervision.", "Done and now a habit."),
    "ongoing": ("Started; keep going until the next observation.", "Partly done: caseload pressure. Carry on.", "Tried twice so far."),
    "dropped": ("No longer relevant after the change of caseload.", "Replaced by a more specific action agreed today."),
}


@dataclass(frozen=True)
class LastSeen:
    """A practitioner's latest demo observation: its date, their team and the observer (their SPO here)."""

    day: date
    team: str
    observer: str


def write_supervision_notes(
    store: Store,
    rng: random.Random,
    open_actions: Mapping[str, list[CarriedAction]],
    last_seen: Mapping[str, LastSeen],
    *,
    today: date,
    zone: tzinfo,
) -> list[SupervisionNote]:
    """Write notes for some practitioners after their latest observation (``open_actions``: what is open after it)."""
    written: list[SupervisionNote] = []
    for name, seen in last_seen.items():
        if rng.random() >= SUPERVISED_SHARE:
            continue
        still_open = list(open_actions.get(name, []))
        day = seen.day
        for _ in range(2 if rng.random() < SECOND_SHARE else 1):
            room = (today - timedelta(days=1) - day).days
            if room < 14:
                break
            day = day + timedelta(days=rng.randint(14, min(room, 60)))
            note, still_open = _note(rng, name, seen, day, still_open, zone)
            folder = store.folder(SUPERVISION.dir(store))
            write_atomic(folder / f"{note.id}.toml", note.to_toml().encode("utf-8"), durable=False)
            written.append(note)
    return written


def _note(
    rng: random.Random, name: str, seen: LastSeen, day: date, still_open: list[CarriedAction], zone: tzinfo
) -> tuple[SupervisionNote, list[CarriedAction]]:
    stamp = datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))), tzinfo=zone).replace(microsecond=0)
    note_id = encode_ulid(int(stamp.timestamp() * 1000), rng.getrandbits(80))
    progress = []
    after: list[CarriedAction] = []
    for action in still_open:
        status = rng.choices(("done", "ongoing", "dropped"), weights=(45, 45, 10))[0]
        comment = rng.choice(COMMENTS[status]) if rng.random() < 0.6 else ""
        progress.append(Progress.model_validate(action.model_dump() | {"status": status, "comment": comment}))
        if status == "ongoing":
            after.append(action)
    actions = []
    if rng.random() < 0.5:
        actions.append(Action(text=rng.choice(NEW_ACTIONS), review_date=day + timedelta(days=rng.choice((28, 42, 56)))))
    note = SupervisionNote.model_validate(
        {
            "id": note_id,
            "date": day,
            "practitioner": name,
            "team": seen.team,
            "supervisor": seen.observer,
            "created": stamp,
            "reflection": rng.choice(REFLECTIONS),
            "progress": progress,
            "actions": actions,
        }
    )
    after += [note.new_action(i) for i in range(len(note.actions))]
    return note, after
