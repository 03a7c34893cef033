"""Consensus records of double-scored sessions, and the drafts autosaved while observers agree.

Once both observers' files of a session are final, the two observers may record a consensus:
a third, final observation holding the scores they agreed, with a rationale for each item where
the agreed score differs from either observer's. Consensus records live in ``STORE/consensus/``,
apart from the raw observations (which stay as they were) and out of team summaries.

While the observers are still agreeing, what they chose so far is autosaved as a *consensus
draft* in ``STORE/consensus/drafts/<ID>.toml``: an observation with status "draft", the pair in
``consensus.of``, the agreed scores chosen so far (an item not chosen yet is absent from
``scores``) and every rationale typed so far (even for an item whose level is not chosen yet).
Drafts are never consensus records: the listing and ``load_consensus`` skip that folder.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from seeds_tui.core.errors import ObservationError, SeedsError, StoreError
from seeds_tui.core.observation import (
    Consensus,
    Feedback,
    Observation,
    Score,
    new_id,
    now,
    observation_from_toml,
    observation_to_toml,
    read_observation,
    ref_key,
)
from seeds_tui.storage.atomic import create_exclusive, is_temp_name, remove_file, write_atomic
from seeds_tui.storage.store import Store, file_name_problem

PURPOSE = "calibration"


#: The longest rationale a consensus keeps for one item (characters), as the file format allows.
RATIONALE_MAX = 4000


class ConsensusError(SeedsError):
    """A consensus record could not be built (an agreed score or a rationale is missing)."""


def scan_records(folder: Path) -> list[Path]:
    """The ``*.toml`` regular files of ``folder`` (temp and hidden files skipped), newest name first."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"cannot read folder {folder}: {exc.strerror or exc}") from None
    names = sorted((e.name for e in entries if e.name.endswith(".toml") and not is_temp_name(e.name) and e.is_file()), reverse=True)
    return [folder / n for n in names]


def _same(a: Score | None, b: Score | None) -> bool:
    a_set = a is not None and a.is_set
    b_set = b is not None and b.is_set
    if not a_set or not b_set:
        return a_set == b_set
    assert a is not None and b is not None
    return (a.value, a.code) == (b.value, b.code)


def _joined_evidence(a: Score | None, b: Score | None) -> str:
    notes = [s.evidence.strip() for s in (a, b) if s is not None and s.evidence.strip()]
    if len(notes) == 2 and notes[0] == notes[1]:
        notes = notes[:1]
    return "\n\n".join(notes)[:20_000]


def consensus_observer(first: Observation, second: Observation) -> str:
    """Who a consensus record names as its observer: both observers, e.g. "Sam Lee and Kim Ray"."""
    a, b = first.session.observer, second.session.observer
    name = f"{a} and {b}"
    return name if len(name) <= 100 else f"{a[:47]} and {b[:48]}"


def build_consensus(
    first: Observation,
    second: Observation,
    scores: dict[str, Score],
    rationale: dict[str, str],
    *,
    when: datetime | None = None,
    obs_id: str | None = None,
) -> Observation:
    """A new final consensus observation for the session ``first`` and ``second`` scored.

    ``scores`` maps ``section.item`` to the agreed score. Items both observers scored the same
    are taken as agreed unless given in ``scores``; every item they scored differently needs an
    agreed score. Every agreed score that differs from either observer's needs a ``rationale``.
    The record has a new id (or ``obs_id``), purpose calibration, the same session reference and
    rubric, both observers' names, and ``consensus.of`` naming the two raw observations.

    Raises ``ConsensusError`` naming the items that need an agreed score or a rationale.
    """
    _check_pair(first, second)
    keys = sorted({f"{s}.{i}" for obs in (first, second) for s, items in obs.scores.items() for i in items} | set(scores))
    agreed: dict[str, dict[str, Score]] = {}
    missing, unexplained = [], []
    reasons = {k: v.strip() for k, v in rationale.items() if v.strip()}
    for key in keys:
        section_id, _, item_id = key.partition(".")
        a, b = first.score(section_id, item_id), second.score(section_id, item_id)
        if key in scores:
            chosen = scores[key]
            if not chosen.evidence:
                chosen = chosen.model_copy(update={"evidence": _joined_evidence(a, b)})
            if (not _same(chosen, a) or not _same(chosen, b)) and key not in reasons:
                unexplained.append(key)
        elif _same(a, b):
            if a is None or not a.is_set:
                continue
            chosen = Score(value=a.value, code=a.code, evidence=_joined_evidence(a, b))
        else:
            missing.append(key)
            continue
        if chosen.is_set or chosen.evidence:
            agreed.setdefault(section_id, {})[item_id] = chosen.model_copy(update={"elapsed": None})
    if missing:
        raise ConsensusError(f"no agreed score for {', '.join(missing)}: the observers scored these differently; agree one for each")
    if unexplained:
        raise ConsensusError(f"no rationale for {', '.join(unexplained)}: say why the agreed score differs from an observer's")
    stamp = when or now()
    return _consensus_observation(
        first, second, agreed, reasons, status="final", obs_id=obs_id, created=stamp, updated=stamp, finalised=stamp, revision=1
    )


def _check_pair(first: Observation, second: Observation) -> None:
    """Refuse (``ConsensusError``) two observations that cannot have a consensus together."""
    if first.id == second.id:
        raise ConsensusError("a consensus needs two different observations (the same id was given twice)")
    if (first.rubric.id, first.rubric.version) != (second.rubric.id, second.rubric.version):
        raise ConsensusError("the two observations were scored with different rubrics; a consensus needs one rubric")
    if ref_key(first.session.session_ref or "") != ref_key(second.session.session_ref or ""):
        raise ConsensusError("the two observations have different session references; a consensus is of one session")
    for which, obs in (("first", first), ("second", second)):
        if obs.status != "final":
            raise ConsensusError(f"the {which} observation is a draft: both observers finalise before agreeing a consensus")


def _consensus_observation(
    first: Observation,
    second: Observation,
    scores: dict[str, dict[str, Score]],
    reasons: dict[str, str],
    *,
    status: Literal["draft", "final"],
    obs_id: str | None,
    created: datetime,
    updated: datetime,
    finalised: datetime | None,
    revision: int,
) -> Observation:
    """The consensus observation of the pair (validated: a rationale too long is a ``ConsensusError``)."""
    for key, text in reasons.items():
        if len(text) > RATIONALE_MAX:
            raise ConsensusError(f"the rationale for {key} is {len(text)} characters long; shorten it to {RATIONALE_MAX} at most")
    session = first.session.model_copy(update={"observer": consensus_observer(first, second), "purpose": PURPOSE})
    try:
        return Observation(
            id=obs_id or new_id(int(created.timestamp() * 1000)),
            status=status,
            revision=revision,
            created=created,
            updated=updated,
            finalised=finalised,
            rubric=first.rubric,
            session=session,
            scores=scores,
            feedback=Feedback(),
            consensus=Consensus(of=[first.id, second.id], rationale={k: reasons[k] for k in sorted(reasons)}),
        )
    except ValidationError as exc:
        where = ".".join(str(part) for part in exc.errors()[0]["loc"])
        raise ConsensusError(f"the consensus cannot be written: {where} is not valid ({exc.errors()[0]['msg']})") from None


def save_consensus(store: Store, consensus: Observation) -> Path:
    """Write a consensus record into ``STORE/consensus/`` (atomic, never over an existing file, owner-only).

    Refuses (``StoreError``) a record that is not a final consensus, or a second record for a
    session that already has one (delete the old file first to replace it).
    """
    if consensus.consensus is None or consensus.status != "final":
        raise StoreError("only a final consensus record (with consensus.of) goes into the consensus folder")
    store.folder(store.consensus_dir)
    ref = consensus.session.session_ref
    if ref is not None:
        for path, existing in load_consensus(store):
            if not isinstance(existing, Observation) or existing.id == consensus.id or existing.session.session_ref is None:
                continue
            if ref_key(existing.session.session_ref) == ref_key(ref):
                raise StoreError(f"{path} already records the consensus for this session; remove it first to record a new one")
    path = store.consensus_dir / f"{store.final_path(consensus.id).name}"
    try:
        create_exclusive(path, observation_to_toml(consensus).encode("utf-8"), root=store.root)
    except FileExistsError:
        raise StoreError(f"{path} already exists: this consensus was saved before") from None
    return path


def load_consensus(store: Store) -> list[tuple[Path, Observation | ObservationError]]:
    """Every consensus record in the store, newest first, each loaded (or its error)."""
    out: list[tuple[Path, Observation | ObservationError]] = []
    for path in scan_records(store.consensus_dir):
        try:
            obs = read_observation(path)[0]
        except ObservationError as exc:
            out.append((path, exc))
            continue
        misnamed = file_name_problem(path, obs.id)
        out.append((path, obs if misnamed is None else ObservationError(path, [misnamed])))
    return out


def consensus_drafts_dir(store: Store) -> Path:
    """Where consensus drafts are autosaved: ``STORE/consensus/drafts/``."""
    return store.consensus_dir / "drafts"


def consensus_draft(
    first: Observation,
    second: Observation,
    scores: dict[str, Score],
    rationale: dict[str, str],
    *,
    obs_id: str | None = None,
    created: datetime | None = None,
    when: datetime | None = None,
) -> Observation:
    """A draft consensus observation: what the observers chose and wrote so far, checked for nothing missing.

    ``scores`` maps ``section.item`` to the agreed scores chosen so far; an item not chosen yet is
    simply absent (so is every item both observers scored alike, unless chosen). ``rationale``
    keeps every text typed so far, as typed, even for an item whose level is not chosen yet;
    blank ones are left out. Unlike ``build_consensus`` nothing needs a rationale yet: that is
    checked on the final save. ``obs_id`` and ``created`` keep the draft's identity across autosaves.
    """
    _check_pair(first, second)
    stamp = when or now()
    agreed: dict[str, dict[str, Score]] = {}
    for key in sorted(scores):
        section_id, _, item_id = key.partition(".")
        agreed.setdefault(section_id, {})[item_id] = scores[key].model_copy(update={"elapsed": None})
    reasons = {key: text for key, text in rationale.items() if text.strip()}
    return _consensus_observation(
        first, second, agreed, reasons, status="draft", obs_id=obs_id, created=created or stamp, updated=stamp, finalised=None, revision=0
    )


def draft_choices(draft: Observation) -> tuple[dict[str, Score], dict[str, str]]:
    """The agreed scores (by ``section.item``) and the rationales a consensus draft holds."""
    scores = {f"{section_id}.{item_id}": score for section_id, items in draft.scores.items() for item_id, score in items.items()}
    return scores, dict(draft.consensus.rationale) if draft.consensus is not None else {}


def _read_drafts(store: Store) -> list[tuple[Path, Observation]]:
    """Every readable consensus draft, newest first (files that cannot be read are skipped)."""
    found: list[tuple[Path, Observation]] = []
    try:
        paths = scan_records(consensus_drafts_dir(store))
    except StoreError:
        return []
    for path in paths:
        try:
            obs = read_observation(path)[0]
        except ObservationError:
            continue
        if obs.consensus is not None and obs.status == "draft" and file_name_problem(path, obs.id) is None:
            found.append((path, obs))
    found.sort(key=lambda entry: (entry[1].updated, entry[1].id), reverse=True)
    return found


def drafts_by_pair(store: Store) -> dict[frozenset[str], tuple[Path, Observation]]:
    by_pair: dict[frozenset[str], tuple[Path, Observation]] = {}
    for path, obs in _read_drafts(store):
        assert obs.consensus is not None
        by_pair.setdefault(frozenset(obs.consensus.of), (path, obs))  # newest first: the newest wins
    return by_pair


def load_consensus_draft(store: Store, first_id: str, second_id: str) -> tuple[Path, Observation] | None:
    """The newest consensus draft of the pair ``first_id`` and ``second_id`` (either order), or None."""
    return drafts_by_pair(store).get(frozenset((first_id, second_id)))


def save_consensus_draft(store: Store, obs: Observation) -> Path:
    """Write a consensus draft to ``STORE/consensus/drafts/<ID>.toml`` (atomic, owner-only; replaces the last one).

    Raises ``StoreError`` when the folder cannot be written (the message says why: not writable, disk full).
    """
    if obs.consensus is None or obs.status != "draft":
        raise StoreError("only a consensus draft (status draft, with consensus.of) goes into the consensus drafts folder")
    folder = consensus_drafts_dir(store)
    path = folder / f"{store.draft_path(obs.id).name}"
    text = observation_to_toml(obs)
    try:
        observation_from_toml(text, path)  # what is written must read back
    except ObservationError as exc:
        raise StoreError(f"could not save {path}: {exc}") from None
    store.folder(folder)
    write_atomic(path, text.encode("utf-8"), root=store.root)
    return path


def discard_consensus_draft(store: Store, path: Path) -> None:
    """Remove a consensus draft (once its consensus is recorded); a draft already gone is fine.

    Refuses (``StoreError``) a path outside the consensus drafts folder.
    """
    folder = consensus_drafts_dir(store)
    if path.parent != folder:
        raise StoreError(f"{path} is not a consensus draft (those are in {folder})")
    try:
        remove_file(path, store.root)
    except StoreError as exc:
        raise StoreError(f"{exc}; remove the consensus draft by hand") from None
