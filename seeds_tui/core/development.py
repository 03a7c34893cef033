"""A practitioner's development record: everything of their development cycle, in date order.

The record is a list of entries, each with a date, a kind, a title and some lines of text. Each
kind of record the cycle keeps turns into entries through its own pure function here
(observations, the history of each action, supervision notes); the gatherer that reads the store
(``seeds_tui.storage.development``) takes one *provider* per kind, so self-ratings and the
questionnaire's comments are added with one provider each. The record holds one practitioner's
own records only, and never a score of another person or a team figure.

>>> from datetime import date
>>> from seeds_tui.core.supervision import new_note
>>> note = new_note(when=date(2026, 9, 1), practitioner="Pat", reflection="Agenda frees time")
>>> [(e.kind, e.title) for e in supervision_entries([note])]
[('supervision', 'Supervision')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from typing import TYPE_CHECKING

from seeds_tui.core.dates import uk_date
from seeds_tui.core.observation import ACTION_STATUSES, PURPOSES, Observation

if TYPE_CHECKING:
    from seeds_tui.core.questionnaire import Response
    from seeds_tui.core.selfrating import SelfRating
    from seeds_tui.core.supervision import SupervisionNote

#: The kinds of entry, in the order entries of one date are listed.
KINDS: tuple[str, ...] = ("self-rating", "observation", "supervision", "action", "questionnaire")

#: How each kind is named on the sheet and on screen.
KIND_TITLES: dict[str, str] = {
    "self-rating": "Self-rating",
    "observation": "Observation",
    "supervision": "Supervision",
    "action": "Action",
    "questionnaire": "Questionnaire",
}


@dataclass(frozen=True)
class Entry:
    """One thing in the record: when, what kind, a title, and its lines (plain text, never markup)."""

    date: Date
    kind: str
    title: str
    lines: tuple[str, ...] = ()
    #: Only the month of ``date`` is known (the questionnaire keeps no finer date): show the month, not the day.
    month_only: bool = False


@dataclass(frozen=True)
class DevelopmentRecord:
    """One practitioner's record: their name (as the records give it) and the entries, oldest first."""

    practitioner: str
    entries: tuple[Entry, ...] = ()
    #: What could not be read (files named, never their contents), shown beneath the record.
    problems: tuple[str, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """How many entries of each kind the record holds."""
        found: dict[str, int] = {}
        for entry in self.entries:
            found[entry.kind] = found.get(entry.kind, 0) + 1
        return found


def _kind_order(kind: str) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def build_record(practitioner: str, entries: Iterable[Entry], problems: Iterable[str] = ()) -> DevelopmentRecord:
    """The record of ``entries`` in date order (on one date: self-rating, observation, supervision, action, questionnaire).

    >>> a = Entry(Date(2026, 9, 1), "supervision", "Supervision")
    >>> b = Entry(Date(2026, 5, 1), "observation", "Observation")
    >>> [e.date.month for e in build_record("Pat", [a, b]).entries]
    [5, 9]
    """
    ordered = sorted(enumerate(entries), key=lambda p: (p[1].date, _kind_order(p[1].kind), p[0]))
    return DevelopmentRecord(practitioner, tuple(e for _, e in ordered), tuple(problems))


def _count(n: int, one: str) -> str:
    return f"{n} {one}{'' if n == 1 else 's'}"


def observation_entries(observations: Iterable[Observation]) -> list[Entry]:
    """One entry per final observation: who observed, the kind of session, what went well, what to develop,
    the summary and the actions agreed (the scores are on each observation's own feedback sheet)."""
    found = []
    for obs in observations:
        if obs.status != "final":
            continue
        s, fb = obs.session, obs.feedback
        about = [f"observed by {s.observer}" if s.observer else "", s.session_type, PURPOSES.get(s.purpose, s.purpose).lower()]
        lines = [", ".join(p for p in about if p)] if any(about) else []
        lines += [f"Went well: {n.text}" for n in fb.strengths]
        lines += [f"To develop: {n.text}" for n in fb.development_areas]
        if fb.summary:
            lines.append(f"Summary: {fb.summary}")
        lines += [f"Action agreed: {a.text}" + (f" (review {uk_date(a.review_date)})" if a.review_date else "") for a in fb.actions]
        if fb.practitioner_comment:
            lines.append(f"Practitioner's response: {fb.practitioner_comment}")
        found.append(Entry(s.date, "observation", "Observation" + (" (agreed record)" if obs.consensus else ""), tuple(lines)))
    return found


def supervision_entries(notes: Iterable[SupervisionNote]) -> list[Entry]:
    """One entry per supervision note: the reflection, progress on each action, the new actions. No score."""
    found = []
    for note in notes:
        lines = [f"with {note.supervisor}"] if note.supervisor else []
        if note.reflection:
            lines.append(f"Reflection: {note.reflection}")
        for p in note.progress:
            comment = f": {p.comment}" if p.comment else ""
            lines.append(f"{ACTION_STATUSES[p.status]}: {p.text.rstrip('.')}{comment}")
        lines += [f"New action: {a.text}" + (f" (review {uk_date(a.review_date)})" if a.review_date else "") for a in note.actions]
        found.append(Entry(note.date, "supervision", "Supervision", tuple(lines)))
    return found


def selfrating_entries(records: Iterable[SelfRating], observed: dict[str, Date] | None = None) -> list[Entry]:
    """One entry per self-rating: how much of the session was rated and the practitioner's reflection.

    ``observed`` gives the session date of each observation by id, so the entry says which session
    was rated. The levels themselves are on that observation's feedback sheet, beside the observer's.

    >>> from seeds_tui.core.selfrating import SelfRating, SelfRatingRubric
    >>> r = SelfRating(id="01JD3V6Q4W8Z5N2C7B9X1K3M4P", observation="01JD3V2A8S7D6F5G4H3J2K1M0N", practitioner="Pat",
    ...     date=Date(2026, 11, 23), rubric=SelfRatingRubric(id="seed-one-to-one", version="2.1.0"),
    ...     ratings={"beginning": {"welcome": 3, "agenda": "NA"}}, reflection="I rushed the ending.")
    >>> selfrating_entries([r])[0].lines
    ('Rated 2 items of the session, every section', 'Reflection: I rushed the ending.')
    """
    found = []
    for record in records:
        when = (observed or {}).get(record.observation)
        count = record.rated_count()
        which = "every section" if not record.sections else _count(len(record.sections), "section") + " chosen by the observer"
        session = f"the session of {uk_date(when)}" if when is not None else "the session"
        lines = [f"Rated {_count(count, 'item')} of {session}, {which}"]
        if record.reflection:
            lines.append(f"Reflection: {record.reflection}")
        found.append(Entry(record.date, "self-rating", "Self-rating", tuple(lines)))
    return found


def questionnaire_entries(responses: Iterable[Response]) -> list[Entry]:
    """One entry per month with the comments people on probation left about this practitioner.

    The questionnaire is anonymous: only the month is known, so comments are grouped by month and
    listed in alphabetical order (never in the order they were given). A comment that looks like it
    holds personal data (flagged when it was given, or flagged now) is never shown. No answers or
    points are shown: one person's answers could be told from a small month.

    >>> from seeds_tui.core.questionnaire import Response
    >>> r = Response.model_validate({"schema": "seeds-response/1", "id": "abcdefgh12345678", "month": "2026-03",
    ...     "questionnaire": {"id": "voice", "version": "1.0.0"}, "team": "North", "practitioner": "Pat",
    ...     "comment": "Listened to me."})
    >>> [(e.date, e.title, e.lines) for e in questionnaire_entries([r])]
    [(datetime.date(2026, 3, 1), 'Comments from people on probation', ('"Listened to me."',))]
    """
    from seeds_tui.core.privacy import personal_data_warnings

    by_month: dict[Date, list[str]] = {}
    for response in responses:
        comment = (response.comment or "").strip()
        if not comment or response.comment_flagged or personal_data_warnings(comment):
            continue
        year, month = (int(part) for part in response.month.split("-"))
        by_month.setdefault(Date(year, month, 1), []).append(comment)
    title = "Comments from people on probation"
    return [
        Entry(when, "questionnaire", title, tuple(f'"{c}"' for c in sorted(comments, key=str.casefold)), month_only=True)
        for when, comments in sorted(by_month.items())
    ]


@dataclass
class _History:
    text: str
    agreed: Date | None
    where: str
    steps: list[tuple[Date, str]]


def action_entries(observations: Sequence[Observation], notes: Sequence[SupervisionNote] = ()) -> list[Entry]:
    """One entry per action, dated when it was agreed, with its history: each review, where, and how it stood.

    An action is known by where it was first agreed, as for carrying (``seeds_tui.core.actions``),
    so however often it was reviewed it is one entry. Its title says how it stands now.
    """
    finals = sorted((o for o in observations if o.status == "final"), key=lambda o: (o.session.date, o.created, o.id))
    timeline: list[tuple[Date, int, Observation | SupervisionNote]] = [(o.session.date, 0, o) for o in finals]
    timeline += [(n.date, 1, n) for n in notes]
    timeline.sort(key=lambda t: (t[0], t[1]))
    history: dict[tuple[str, int], _History] = {}
    for when, _, record in timeline:
        if isinstance(record, Observation):
            for index, action in enumerate(record.feedback.actions):
                history[(record.id, index)] = _History(action.text, when, "at the observation", [])
            for carried in record.feedback.carried:
                entry = history.setdefault(carried.key, _History(carried.text, carried.agreed, "", []))
                if carried.status is not None:
                    comment = f": {carried.comment}" if carried.comment else ""
                    entry.steps.append((when, f"{ACTION_STATUSES[carried.status]} at the observation of {uk_date(when)}{comment}"))
        else:
            for index, action in enumerate(record.actions):
                history[(record.id, index)] = _History(action.text, when, "in supervision", [])
            for progress in record.progress:
                entry = history.setdefault(progress.key, _History(progress.text, progress.agreed, "", []))
                comment = f": {progress.comment}" if progress.comment else ""
                entry.steps.append((when, f"{ACTION_STATUSES[progress.status]} at supervision on {uk_date(when)}{comment}"))
    found = []
    for item in history.values():
        first = item.agreed or (item.steps[0][0] if item.steps else None)
        if first is None:
            continue
        when = first
        now = item.steps[-1][1].split(" at ", 1)[0] if item.steps else "Open"
        if item.where == "at the observation":
            agreed = f"Agreed at the observation of {uk_date(when)}"
        elif item.where:
            agreed = f"Agreed in supervision on {uk_date(when)}"
        else:
            agreed = f"Agreed {uk_date(when)}"
        found.append(Entry(when, "action", f"{item.text} ({now.lower()})", (agreed, *(step for _, step in item.steps))))
    return found


__all__ = [
    "KINDS",
    "KIND_TITLES",
    "DevelopmentRecord",
    "Entry",
    "action_entries",
    "build_record",
    "observation_entries",
    "questionnaire_entries",
    "selfrating_entries",
    "supervision_entries",
]
