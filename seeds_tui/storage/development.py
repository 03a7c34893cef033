"""Gathering a practitioner's development record from a store, one provider per kind of record.

A *provider* is ``(store, practitioner) -> (entries, problems)``: it reads one kind of record
for that practitioner only and turns it into ``seeds_tui.core.development.Entry`` items
(problems name a file and what is wrong, never its contents). ``PROVIDERS`` lists the kinds the
record holds (observations, self-ratings, actions, supervision notes, the questionnaire's comments);
a new kind is one more line there::

    PROVIDERS = (*PROVIDERS, another_provider)

Example::

    from seeds_tui.storage.store import Store
    from seeds_tui.storage.development import gather
    record = gather(Store("my-store"), "Pat Practitioner")
    [(e.date, e.kind, e.title) for e in record.entries]
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from seeds_tui.core.actions import same_person
from seeds_tui.core.development import (
    DevelopmentRecord,
    Entry,
    action_entries,
    build_record,
    observation_entries,
    questionnaire_entries,
    selfrating_entries,
    supervision_entries,
)
from seeds_tui.core.errors import SeedsError
from seeds_tui.storage.carried import earlier_observations
from seeds_tui.storage.store import Store
from seeds_tui.storage.supervision import list_notes, notes_for

#: Reads one kind of record of one practitioner: its entries and what could not be read.
Provider = Callable[[Store, str], tuple[Iterable[Entry], Sequence[str]]]


def observations_provider(store: Store, practitioner: str) -> tuple[list[Entry], list[str]]:
    """The practitioner's final observations."""
    found, errors = earlier_observations(store, practitioner)
    return observation_entries(found), [_first(e) for e in errors]


def supervision_provider(store: Store, practitioner: str) -> tuple[list[Entry], list[str]]:
    """The practitioner's supervision notes."""
    notes, problems = notes_for(store, practitioner)
    return supervision_entries(notes), [str(p) for p in problems]


def actions_provider(store: Store, practitioner: str) -> tuple[list[Entry], list[str]]:
    """Each action agreed with the practitioner (at an observation or in supervision), with its history."""
    found, _ = earlier_observations(store, practitioner)
    notes, _ = notes_for(store, practitioner)
    return action_entries(found, notes), []


def selfratings_provider(store: Store, practitioner: str) -> tuple[list[Entry], list[str]]:
    """The practitioner's self-ratings of their observed sessions (with the date of each session rated)."""
    from seeds_tui.storage.selfratings import SELFRATINGS

    records, problems = SELFRATINGS.list(store)
    mine = [r for r in records if same_person(r.practitioner, practitioner)]
    observed: dict[str, date] = {}
    if mine:
        found, _ = earlier_observations(store, practitioner)
        observed = {o.id: o.session.date for o in found}
    return selfrating_entries(mine, observed), [str(p) for p in problems]


def questionnaire_provider(store: Store, practitioner: str) -> tuple[list[Entry], list[str]]:
    """The comments people on probation left about this practitioner, by month (this record only:
    no team view, export or other practitioner's record ever shows them)."""
    from seeds_tui.storage.responses import list_responses

    responses, problems = list_responses(store)
    mine = [r for r in responses if r.practitioner and same_person(r.practitioner, practitioner)]
    return questionnaire_entries(mine), [str(p) for p in problems]


#: The kinds of record the development record holds, one provider each.
PROVIDERS: tuple[Provider, ...] = (
    observations_provider,
    selfratings_provider,
    actions_provider,
    supervision_provider,
    questionnaire_provider,
)


def gather(store: Store, practitioner: str, providers: Iterable[Provider] = PROVIDERS) -> DevelopmentRecord:
    """The practitioner's development record from every provider, in date order (raises ``SeedsError`` if the store cannot be read)."""
    entries: list[Entry] = []
    problems: list[str] = []
    for provider in providers:
        got, said = provider(store, practitioner)
        entries += got
        problems += [p for p in said if p not in problems]
    return build_record(" ".join(practitioner.split()), entries, problems)


def practitioners(store: Store) -> list[str]:
    """Every practitioner named in the store's observations or supervision notes (one spelling each), sorted."""
    names: list[str] = []
    try:
        names = store.known_names()["practitioner"]
    except SeedsError:
        names = []
    with contextlib.suppress(SeedsError):
        names += [n.practitioner for n in list_notes(store)[0]]
    unique: list[str] = []
    for name in names:
        if not any(same_person(name, u) for u in unique):
            unique.append(name)
    return sorted(unique, key=str.casefold)


def _first(error: SeedsError) -> str:
    problems = getattr(error, "problems", None)
    return str(problems[0]) if problems else str(error)
