"""Double-scored (calibration) sessions: finding the pairs of observers' files in a store.

Two observers score one session independently. Each makes an observation with purpose
"calibration" and the same made-up ``session.session_ref``. Once both are final they can be
compared (``seeds_tui.calibration.agreement``) and a consensus recorded
(``seeds_tui.calibration.consensus``).

No Textual and no pandas here: the app and the command line both build on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path

from seeds_tui.calibration.consensus import PURPOSE, drafts_by_pair, load_consensus, scan_records
from seeds_tui.core.errors import ObservationError
from seeds_tui.core.observation import OBSERVATION_MAX_BYTES, Observation, observation_from_toml, ref_key
from seeds_tui.core.tomlio import decode_text, read_bytes
from seeds_tui.storage.store import Store, file_name_problem


@dataclass(frozen=True)
class CalibrationSession:
    """Every observation sharing one session reference, and the consensus record if there is one."""

    session_ref: str
    #: The observers' own observations (drafts and finals), sorted by observer then id.
    observations: list[tuple[Path, Observation]]
    consensus: tuple[Path, Observation] | None = None
    #: A consensus being agreed (autosaved, not yet recorded) for this pair, if any.
    draft: tuple[Path, Observation] | None = None

    @property
    def ready(self) -> bool:
        """Exactly two observations, both final, by different observers, with the same rubric and version."""
        return self.problem is None and not self.waiting_for

    @property
    def waiting_for(self) -> list[str]:
        """Observers whose observation is still a draft (their scores stay hidden until they finalise)."""
        return [obs.session.observer for _, obs in self.observations if obs.status != "final"]

    @property
    def problem(self) -> str | None:
        """What stops a comparison, in plain words (None when nothing does, drafts aside)."""
        kind = self.problem_kind
        if kind is None:
            return None
        if kind == "too many":
            count = len(self.observations)
            words = {3: "three", 4: "four", 5: "five"}.get(count, str(count))
            return f"{words} observations share this reference"
        if kind == "different sessions":
            differ = session_differences(self.observations[0][1], self.observations[1][1])
            verb = "differs" if len(differ) == 1 else "differ"
            return f"the two files do not look like one session (the {' and '.join(differ)} {verb})"
        return {
            "none found": "no observer's own observation found (only a consensus record)",
            "one": "only one observation so far",
            "same observer": "both by the same observer",
            "different rubrics": "scored with different rubrics",
        }[kind]

    @property
    def problem_kind(self) -> str | None:
        """Which problem stops a comparison, as a short key for choosing what to tell the user.

        One of "none found", "one", "too many", "different sessions", "same observer",
        "different rubrics", or None when nothing does (drafts aside).
        """
        count = len(self.observations)
        if count == 0:
            return "none found"
        if count == 1:
            return "one"
        if count > 2:
            return "too many"
        (_, a), (_, b) = self.observations
        if session_differences(a, b):
            return "different sessions"
        if a.session.observer == b.session.observer:
            return "same observer"
        if (a.rubric.id, a.rubric.version) != (b.rubric.id, b.rubric.version):
            return "different rubrics"
        return None

    @property
    def agreed_pair(self) -> tuple[tuple[Path, Observation], tuple[Path, Observation]] | None:
        """The two final observations the recorded consensus was agreed on (``consensus.of``), if both are still here.

        This lets a session whose reference a later, third file also uses still show the
        consensus the original two observers recorded.
        """
        if self.consensus is None or self.consensus[1].consensus is None:
            return None
        by_id = {obs.id: (path, obs) for path, obs in self.observations}
        named = [by_id[obs_id] for obs_id in self.consensus[1].consensus.of if obs_id in by_id]
        if len(named) != 2:
            return None
        first, second = named
        if first[1].status != "final" or second[1].status != "final" or first[1].id == second[1].id:
            return None
        return (first, second) if first[1].session.observer.casefold() <= second[1].session.observer.casefold() else (second, first)

    @property
    def date(self) -> Date:
        """The session date (of the first observation, else of the consensus record)."""
        if self.observations:
            return self.observations[0][1].session.date
        assert self.consensus is not None
        return self.consensus[1].session.date

    @property
    def pair(self) -> tuple[Observation, Observation] | None:
        """The two observations when ``ready``, else None."""
        if not self.ready:
            return None
        return self.observations[0][1], self.observations[1][1]

    @property
    def rubric_id(self) -> str:
        """The rubric id of the first observation (or the consensus record)."""
        if self.observations:
            return self.observations[0][1].rubric.id
        assert self.consensus is not None
        return self.consensus[1].rubric.id


def session_differences(a: Observation, b: Observation) -> list[str]:
    """What differs between two observations that should be of one session: "session date", "practitioner", "team"."""
    return [
        what
        for what, x, y in (
            ("session date", a.session.date, b.session.date),
            ("practitioner", a.session.practitioner, b.session.practitioner),
            ("team", a.session.team, b.session.team),
        )
        if x != y
    ]


def _loose(ref: str) -> str:
    return "".join(ch for ch in ref.casefold() if ch.isalnum())


def similar_refs(store: Store, ref: str) -> list[str]:
    """Calibration session references already in the store that match ``ref`` ignoring case, spaces and punctuation.

    The exact spelling ``ref`` is left out. A reference that differs only by case pairs anyway
    (references are matched ignoring case); one that differs by spacing or punctuation does
    not, so a set-up form can ask "did you mean …?". Files that cannot be read are ignored.
    """
    wanted = _loose(ref)
    if not wanted:
        return []
    sessions, _ = calibration_sessions(store)
    found: set[str] = set()
    for session in sessions:
        spellings = [obs.session.session_ref for _, obs in session.observations]
        if session.consensus is not None:
            spellings.append(session.consensus[1].session.session_ref)
        found.update(s for s in spellings if s is not None and s != ref and _loose(s) == wanted)
    return sorted(found, key=lambda spelling: (spelling.casefold(), spelling))


def _might_be_calibration(data: bytes) -> bool:
    # A cheap test before parsing: a calibration observation names its purpose in plain text.
    return b"calibration" in data


def calibration_sessions(store: Store) -> tuple[list[CalibrationSession], list[ObservationError]]:
    """Every double-scoring session in the store (raw observations and consensus records), newest first.

    Only files that mention "calibration" are parsed. Bad files are returned as errors, never raised.
    A draft and a final file with the same id count once (the final one).
    """
    errors: list[ObservationError] = []
    by_id: dict[str, tuple[Path, Observation]] = {}
    for folder in (store.final_dir, store.draft_dir):
        for path in scan_records(folder):
            try:
                # Never blocks on a pipe in place of a file; never more than an observation's cap.
                raw = read_bytes(path, max_bytes=OBSERVATION_MAX_BYTES, error=ObservationError)
            except ObservationError as exc:
                errors.append(exc)
                continue
            if not _might_be_calibration(raw):
                continue
            try:
                obs = observation_from_toml(decode_text(raw, path, ObservationError), path)
            except ObservationError as exc:
                errors.append(exc)
                continue
            misnamed = file_name_problem(path, obs.id)
            if misnamed is not None:  # a copy under another name would pair with its own original
                errors.append(ObservationError(path, [misnamed]))
                continue
            if obs.session.purpose != PURPOSE or obs.session.session_ref is None or obs.consensus is not None:
                continue
            by_id.setdefault(obs.id, (path, obs))  # finals are read first and win over a draft copy
    groups: dict[str, list[tuple[Path, Observation]]] = {}
    for path, obs in by_id.values():
        assert obs.session.session_ref is not None
        groups.setdefault(ref_key(obs.session.session_ref), []).append((path, obs))
    agreed: dict[str, tuple[Path, Observation]] = {}
    for path, loaded in load_consensus(store):
        if isinstance(loaded, ObservationError):
            errors.append(loaded)
            continue
        ref = loaded.session.session_ref
        if ref is None:
            continue
        key = ref_key(ref)
        if key not in agreed or loaded.id > agreed[key][1].id:
            agreed[key] = (path, loaded)
    drafts = drafts_by_pair(store)
    sessions = []
    for key, found in groups.items():
        found.sort(key=lambda entry: (entry[1].session.observer.casefold(), entry[1].id))
        draft = drafts.get(frozenset(obs.id for _, obs in found)) if len(found) == 2 and key not in agreed else None
        shown = found[0][1].session.session_ref
        assert shown is not None
        sessions.append(CalibrationSession(shown, found, agreed.get(key), draft))
    for key, entry in agreed.items():
        if key not in groups:
            shown = entry[1].session.session_ref
            assert shown is not None
            sessions.append(CalibrationSession(shown, [], entry))
    sessions.sort(key=lambda s: (s.date, s.session_ref), reverse=True)
    return sessions, errors


# -- consensus --------------------------------------------------------------------------------


# -- consensus drafts (autosaved while the observers agree) ---------------------------------------
