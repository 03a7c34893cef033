"""Reading a practitioner's earlier observations (and supervision notes) from the store, for actions carried forward.

The rules of carrying (what stays open, how reviews close an action) are pure and live in
``seeds_tui.core.actions``; this module only finds the files they apply to.
"""

from __future__ import annotations

import re
import tomllib

from seeds_tui.core.actions import OpenAction, open_actions, same_person
from seeds_tui.core.errors import ObservationError
from seeds_tui.core.observation import OBSERVATION_MAX_BYTES, Observation
from seeds_tui.core.supervision import SupervisionNote
from seeds_tui.core.tomlio import read_regular
from seeds_tui.storage.store import Store


def earlier_observations(store: Store, practitioner: str) -> tuple[list[Observation], list[ObservationError]]:
    """The store's final observations of ``practitioner`` (files that cannot be read come back as errors).

    Only files whose ``practitioner = "..."`` line names them (ignoring case and spacing) are
    parsed in full, so a large store is scanned quickly; a file without such a line (damaged,
    or hand-written in another TOML style) is parsed in full to be sure.
    """
    found: list[Observation] = []
    problems: list[ObservationError] = []
    for stored in store.files("final"):
        try:
            # Never blocks on a pipe in place of a file; as much as the reader below would take.
            head = read_regular(stored.path, max_bytes=OBSERVATION_MAX_BYTES)
        except OSError:
            continue
        match = _PRACTITIONER_LINE.search(head.decode("utf-8", "replace"))
        if match is not None and not same_person(_unescape(match.group(1)), practitioner):
            continue
        try:
            # Through the store: a copy under another name is an error here, never a second set of actions.
            obs = store.read(stored.path)
        except ObservationError as exc:
            problems.append(exc)
            continue
        if same_person(obs.session.practitioner, practitioner):
            found.append(obs)
    return found, problems


#: The session's practitioner as seeds-tui writes it (a basic string on one line).
_PRACTITIONER_LINE = re.compile(r'^practitioner = "((?:[^"\\\n]|\\.)*)"[ \t]*$', re.MULTILINE)


def _unescape(value: str) -> str:
    if "\\" not in value:
        return value
    try:
        return str(tomllib.loads(f'v = "{value}"')["v"])
    except tomllib.TOMLDecodeError:
        return value


def supervision_notes(store: Store, practitioner: str) -> list[SupervisionNote]:
    """The practitioner's supervision notes (notes that cannot be read are left out: ``seeds-tui supervision list`` reports them)."""
    from seeds_tui.storage.supervision import notes_for

    return notes_for(store, practitioner)[0]


def practitioner_open_actions(store: Store, obs: Observation) -> list[OpenAction]:
    """The open actions of ``obs``'s practitioner from the store's earlier final observations and supervision notes."""
    earlier, _ = earlier_observations(store, obs.session.practitioner)
    session = obs.session
    return open_actions(
        earlier,
        session.practitioner,
        before=session.date,
        exclude=obs.id,
        session_ref=session.session_ref,
        notes=supervision_notes(store, session.practitioner),
    )
