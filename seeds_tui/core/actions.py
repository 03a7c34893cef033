"""Actions carried forward: what was agreed at a practitioner's earlier observations and is still open.

An action is agreed in one observation's ``feedback.actions`` and reviewed at later ones, where
``feedback.carried`` records how it stands: done, ongoing or dropped. It stays open until a later
observation marks it done or dropped; "ongoing", or not yet reviewed, keeps it open for the next.
An action is known everywhere by where it was first agreed (observation id, position), so
carrying it many times never makes a second copy.

>>> from datetime import date, datetime, timezone
>>> from seeds_tui.core.observation import Action, Feedback, RubricRef, Session, new_observation
>>> session = Session(date=date(2026, 5, 1), observer="Sam", practitioner="Pat Practitioner", team="North")
>>> first = new_observation(rubric=RubricRef(id="r", version="1", sha256="0" * 64), session=session)
>>> first = first.model_copy(update={"status": "final", "feedback": Feedback(actions=[Action(text="Agenda first")])})
>>> [a.action.text for a in open_actions([first], "pat  practitioner", before=date(2026, 6, 1))]
['Agenda first']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date as Date
from typing import TYPE_CHECKING, Literal

from seeds_tui.core.observation import Action, ActionStatus, CarriedAction, Observation, name_key, ref_key

if TYPE_CHECKING:
    from seeds_tui.core.supervision import SupervisionNote

#: Where an action was agreed, or last reviewed: at an observation or in a supervision note.
Where = Literal["observation", "supervision"]

#: Statuses that close an action: it is not carried to later observations.
CLOSED: frozenset[str] = frozenset({"done", "dropped"})


@dataclass(frozen=True)
class OpenAction:
    """An action still open for a practitioner, with how it stood when last reviewed."""

    #: A fresh record to carry (status not yet set).
    action: CarriedAction
    last_status: ActionStatus | None
    #: The session date of the observation where it was last reviewed, if ever.
    last_reviewed: Date | None
    #: What was said about it then.
    last_comment: str = ""
    #: Where it was last reviewed (None if never): an observation or a supervision note.
    last_where: Where | None = None
    #: Where it was agreed: at an observation, or as a new action in a supervision note.
    agreed_where: Where = "observation"


def same_person(a: str, b: str) -> bool:
    """Names match ignoring case and extra spaces (as typed at different set-ups).

    >>> same_person("Pat  Smith", "pat smith")
    True
    """
    return name_key(a) == name_key(b)


def open_actions(
    observations: Iterable[Observation],
    practitioner: str,
    *,
    before: Date | None = None,
    exclude: str | None = None,
    session_ref: str | None = None,
    notes: Iterable[SupervisionNote] = (),
) -> list[OpenAction]:
    """The actions still open for ``practitioner`` from final observations dated on or before ``before``.

    ``exclude`` is the id of the observation being worked on (its own actions are not carried
    into itself). ``session_ref`` is its double-scored session's reference, if any: the other
    observer's file of that same session is not "earlier", and showing its actions would show
    that observer's judgement before both have finalised. A review that leaves an action
    unmarked does not undo an earlier review. Oldest agreement first.

    ``notes`` are the practitioner's supervision notes: one dated on or before ``before`` reviews
    the actions open at its date (a status there closes or keeps an action as a review at an
    observation does) and its new actions are carried too. On one date a note comes after the
    observation of that day, so a note can review the actions just agreed.
    """
    same_session = ref_key(session_ref) if session_ref else None
    earlier = sorted(
        (
            o
            for o in observations
            if o.status == "final"
            and o.id != exclude
            and o.consensus is None
            and same_person(o.session.practitioner, practitioner)
            and (before is None or o.session.date <= before)
            and not (same_session and ref_key(o.session.session_ref or "") == same_session)
        ),
        key=lambda o: (o.session.date, o.created, o.id),
    )
    kept_notes = sorted(
        (n for n in notes if same_person(n.practitioner, practitioner) and (before is None or n.date <= before)),
        key=lambda n: (n.date, n.created.isoformat() if n.created else "", n.id),
    )
    timeline: list[tuple[Date, int, Observation | SupervisionNote]] = [
        *((o.session.date, 0, o) for o in earlier),
        *((n.date, 1, n) for n in kept_notes),
    ]
    timeline.sort(key=lambda t: (t[0], t[1]))
    agreed: dict[tuple[str, int], CarriedAction] = {}
    agreed_where: dict[tuple[str, int], Where] = {}
    latest: dict[tuple[str, int], tuple[ActionStatus | None, Date, str, Where]] = {}
    for _, _, record in timeline:
        if not isinstance(record, Observation):
            for index in range(len(record.actions)):
                agreed[(record.id, index)] = record.new_action(index)
                agreed_where[(record.id, index)] = "supervision"
            for progress in record.progress:
                agreed.setdefault(progress.key, CarriedAction.model_validate(progress.model_dump() | {"status": None, "comment": ""}))
                latest[progress.key] = (progress.status, record.date, progress.comment, "supervision")
            continue
        obs = record
        for index, action in enumerate(obs.feedback.actions):
            agreed[(obs.id, index)] = CarriedAction(
                source=obs.id,
                index=index,
                text=action.text,
                owner=action.owner,
                review_date=action.review_date,
                agreed=obs.session.date,
            )
        for carried in obs.feedback.carried:
            # The copy stands in for the original if that file is gone (moved, or never imported).
            agreed.setdefault(carried.key, carried.model_copy(update={"status": None, "comment": ""}))
            if carried.status is not None or carried.key not in latest:
                latest[carried.key] = (carried.status, obs.session.date, carried.comment, "observation")
    found = []
    for key, carried_action in agreed.items():
        status, when, comment, where = latest.get(key, (None, None, "", None))
        if status in CLOSED:
            continue
        found.append(OpenAction(carried_action, status, when, comment, where if when else None, agreed_where.get(key, "observation")))
    return sorted(found, key=lambda a: (a.action.agreed or Date.min, a.action.source, a.action.index))


def merge_carried(carried: list[CarriedAction], still_open: Iterable[OpenAction]) -> list[CarriedAction]:
    """``carried`` with every open action it does not hold yet appended; what it holds is kept as marked."""
    have = {c.key for c in carried}
    return [*carried, *(o.action for o in still_open if o.action.key not in have)]


__all__ = [
    "CLOSED",
    "FEW_ACTIONS",
    "OpenAction",
    "Where",
    "actions_notice",
    "merge_carried",
    "open_actions",
    "same_person",
]


#: How many agreed actions practice finds it can follow up.
FEW_ACTIONS = 3


def actions_notice(actions: Sequence[Action]) -> str:
    """A gentle word when the agreed actions are many or lack a review date ("" when they are fine).

    >>> from seeds_tui.core.observation import Action
    >>> actions_notice([Action(text="a"), Action(text="b"), Action(text="c"), Action(text="d")])
    'Four actions: two or three are easier to follow up. 4 without a review date.'
    """
    words = {4: "Four", 5: "Five", 6: "Six"}
    parts = []
    if len(actions) > FEW_ACTIONS:
        parts.append(f"{words.get(len(actions), str(len(actions)))} actions: two or three are easier to follow up.")
    undated = sum(a.review_date is None for a in actions)
    if undated:
        parts.append(f"{undated} without a review date.")
    return " ".join(parts)
