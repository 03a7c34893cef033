"""Rubric versions: reading old observations against a newer rubric, and checking rubric changes.

Saved scores are keyed by ``section.item`` ids. When a new rubric version renames an item
(``wrap_up.summary`` becomes ``ending.summary``) or removes one, it must say so in its
``renamed`` and ``retired`` fields, so observations scored against earlier versions can
still be combined with new ones::

    version = "1.1.0"
    retired = ["relationship.clarity"]

    [renamed]
    "ending.summarises" = "ending.summary"

``remap_scores`` moves an observation's scores onto one rubric version's ids;
``upgrade`` walks every version between the observation's and the target;
``rubric_change_problems`` is the check that a new version declares every id it drops.
Nothing here writes files: an observation file always keeps the ids it was saved with.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path

from seeds_tui.core.errors import Problem
from seeds_tui.core.observation import Action, Event, Feedback, LinkedNote, Observation, RubricRef
from seeds_tui.core.rubric import LoadedRubric, Rubric, RubricRegistry, _version_key

__all__ = ["carry_key", "check_registry", "remap_scores", "rubric_change_problems", "step_map", "upgrade"]


def _mapped(key: str, rubric: Rubric) -> str | None:
    """Where ``section.item`` goes in ``rubric``: its new key, itself, or None when retired."""
    if key in rubric.retired:
        return None
    return rubric.renamed.get(key, key)


def step_map(previous: Rubric, rubric: Rubric) -> dict[str, str | None]:
    """Where each item of ``previous`` goes in the next version ``rubric``: one item of
    ``previous`` per item of ``rubric`` at most, so no table ever holds two rows for one item.

    When two items of ``previous`` would land on one id (a rename onto an item that exists,
    which ``rubric check`` refuses), the item that already had that id keeps it and the renamed
    one is dropped, as if retired: its scores are never counted twice.

    >>> from seeds_tui.core.rubric import Rubric, bundled_rubric_dir, load_rubric
    >>> from seeds_tui.core.versions import step_map
    >>> v1 = load_rubric(bundled_rubric_dir() / "seed-one-to-one-1.0.0.toml")
    >>> data = v1.model_dump(by_alias=True)
    >>> data["sections"][0]["items"] = data["sections"][0]["items"][1:]  # beginning.welcome removed
    >>> bad = Rubric.model_validate({**data, "version": "1.1.0", "renamed": {"beginning.welcome": "beginning.review"}})
    >>> moves = step_map(v1, bad)
    >>> moves["beginning.welcome"], moves["beginning.review"]
    (None, 'beginning.review')
    """
    moves = {key: _mapped(key, rubric) for key in previous.item_keys}
    holders: dict[str, list[str]] = {}
    for key, new in moves.items():
        if new is not None:
            holders.setdefault(new, []).append(key)
    for new, keys in holders.items():
        if len(keys) > 1:
            keep = new if new in keys else keys[0]
            for key in keys:
                if key != keep:
                    moves[key] = None
    return moves


def remap_scores(obs: Observation, rubric: Rubric | LoadedRubric, previous: Rubric | None = None) -> Observation:
    """A copy of ``obs`` with scores of renamed items under their new ids and retired items dropped.

    Uses the ``renamed`` and ``retired`` fields of ``rubric`` (the newer version); links from
    events and feedback notes to items follow the same mapping. With ``previous`` (the version
    ``obs`` was scored against) items follow ``step_map``: two items never become one. When a
    ``LoadedRubric`` is given, the copy also names that rubric version (id, version, sha256). An
    observation of another rubric id is returned unchanged.

    >>> from datetime import date
    >>> from seeds_tui import Observation, Rubric, RubricRef, Score, Session, get_rubric, remap_scores
    >>> from seeds_tui.core.observation import new_observation
    >>> v1 = get_rubric("seed-one-to-one", "1.0.0")
    >>> v2 = Rubric.model_validate({**v1.model_dump(by_alias=True), "version": "1.1.0",
    ...                             "renamed": {"beginning.old_welcome": "beginning.welcome"}})
    >>> session = Session(date=date(2026, 11, 23), observer="Sam Observer", practitioner="Pat Practitioner", team="North")
    >>> obs = new_observation(rubric=RubricRef(id=v1.id, version=v1.version, sha256="0" * 64), session=session)
    >>> obs = obs.model_copy(update={"scores": {"beginning": {"old_welcome": Score(value=2)}}})
    >>> remap_scores(obs, v2).scores["beginning"]["welcome"].value
    2
    """
    target = rubric.rubric if isinstance(rubric, LoadedRubric) else rubric
    if obs.rubric.id != target.id:
        return obs
    if not target.renamed and not target.retired and not isinstance(rubric, LoadedRubric):
        return obs
    moves = step_map(previous, target) if previous is not None else {}

    def mapped(key: str) -> str | None:
        return moves[key] if key in moves else _mapped(key, target)

    scores: dict[str, dict[str, object]] = {}
    for section_id, items in obs.scores.items():
        for item_id, score in items.items():
            new = mapped(f"{section_id}.{item_id}")
            if new is None:
                continue
            new_section, new_item = new.split(".", 1)
            # A score already under the new id (the file was partly edited by hand) wins.
            if new_item not in scores.get(new_section, {}) or new == f"{section_id}.{item_id}":
                scores.setdefault(new_section, {})[new_item] = score

    def link(key: str | None) -> str | None:
        return None if key is None else mapped(key)

    events = [e if e.item is None else Event.model_validate({**e.model_dump(), "item": link(e.item)}) for e in obs.events]
    feedback = obs.feedback
    if feedback.strengths or feedback.development_areas or any(a.item is not None for a in feedback.actions):
        feedback = Feedback.model_validate(
            {
                **feedback.model_dump(),
                "strengths": [_relink(n, link(n.item)) for n in feedback.strengths],
                "development_areas": [_relink(n, link(n.item)) for n in feedback.development_areas],
                "actions": [_relink(a, link(a.item)) for a in feedback.actions],
            }
        )
    update: dict[str, object] = {"scores": scores, "events": events, "feedback": feedback}
    if isinstance(rubric, LoadedRubric):
        update["rubric"] = RubricRef(id=target.id, version=target.version, sha256=rubric.sha256)
    return obs.model_copy(update=update)


def _relink(note: LinkedNote | Action, item: str | None) -> dict[str, object]:
    data = note.model_dump()
    data["item"] = item
    return data


def carry_key(key: str, versions: Iterable[Rubric], from_version: str, to_version: str | None = None) -> str | None:
    """Where the ``section.item`` ``key`` of version ``from_version`` lives in ``to_version``
    (default: the newest of ``versions``), or None when some version in between retired it.

    Follows every version in turn, so a chain of renames (a -> b in 1.1, b -> c in 2.0) ends
    at c. For tables that combine versions item by item.

    >>> from seeds_tui.core.rubric import Rubric, bundled_rubric_dir, load_rubric
    >>> from seeds_tui.core.versions import carry_key
    >>> v1 = load_rubric(bundled_rubric_dir() / "seed-one-to-one-1.0.0.toml")
    >>> data = v1.model_dump(by_alias=True)
    >>> data["sections"][0]["items"][0]["id"] = "check_in"
    >>> v2 = Rubric.model_validate({**data, "version": "2.0.0", "renamed": {"beginning.welcome": "beginning.check_in"}})
    >>> carry_key("beginning.welcome", [v1, v2], "1.0.0")
    'beginning.check_in'
    """
    ordered = sorted(versions, key=lambda r: _version_key(r.version))
    start = _version_key(from_version)
    end = _version_key(to_version) if to_version is not None else (_version_key(ordered[-1].version) if ordered else start)
    current: str | None = key
    previous: Rubric | None = next((r for r in ordered if _version_key(r.version) == start), None)
    for rubric in ordered:
        if current is None:
            break
        if start < _version_key(rubric.version) <= end:
            moves = step_map(previous, rubric) if previous is not None else {}
            current = moves[current] if current in moves else _mapped(current, rubric)
            previous = rubric
    return current


def upgrade(obs: Observation, registry: RubricRegistry, version: str | None = None) -> Observation:
    """``obs`` with its scores carried through every newer version of its rubric up to ``version``.

    ``version`` defaults to the newest version in ``registry``. Each version's ``renamed`` and
    ``retired`` apply in turn, so a chain of renames (a → b in 1.1, b → c in 2.0) ends at c.
    Raises ``RubricNotFound`` when the target version is unknown.

    >>> from datetime import date
    >>> from seeds_tui import RubricRef, Session, rubrics, upgrade
    >>> from seeds_tui.core.observation import new_observation
    >>> session = Session(date=date(2026, 11, 23), observer="Sam Observer", practitioner="Pat Practitioner", team="North")
    >>> ref = RubricRef(id="seed-one-to-one", version="1.0.0", sha256="0" * 64)
    >>> obs = new_observation(rubric=ref, session=session)
    >>> upgrade(obs, rubrics(), "1.0.0") == obs
    True
    """
    target = registry.get(obs.rubric.id, version)
    start = _version_key(obs.rubric.version)
    end = _version_key(target.rubric.version)
    current = obs
    previous: Rubric | None = None
    for loaded in registry.versions(obs.rubric.id):
        key = _version_key(loaded.rubric.version)
        if key == start:
            previous = loaded.rubric
        if start < key <= end:
            current = remap_scores(current, loaded, previous)
            previous = loaded.rubric
    return current


def rubric_change_problems(old: Rubric, new: Rubric) -> list[str]:
    """What makes ``new`` unable to read observations scored against ``old``.

    Every ``section.item`` of ``old`` must still exist in ``new``, or be declared in
    ``new.renamed`` (old id → new id) or ``new.retired``. Messages name the ids and what to add.

    >>> from seeds_tui.core.rubric import Rubric, bundled_rubric_dir, load_rubric
    >>> from seeds_tui.core.versions import rubric_change_problems
    >>> old = load_rubric(bundled_rubric_dir() / "seed-one-to-one-1.0.0.toml")
    >>> data = old.model_dump(by_alias=True)
    >>> new = Rubric.model_validate({**data, "version": "2.0.0", "sections": data["sections"][1:]})
    >>> print(rubric_change_problems(old, new)[0])
    item 'beginning.welcome' of 1.0.0 is missing from 2.0.0: declare it under [renamed] ...
    """
    if old.id != new.id:
        return [f"rubric ids differ ({old.id} and {new.id}); versions of one rubric share an id"]
    keys = set(new.item_keys)
    old_keys = set(old.item_keys)
    problems = []
    for key in old.item_keys:
        if key in keys or key in new.retired:
            continue
        if key in new.renamed:
            target = new.renamed[key]
            if target not in keys:
                problems.append(f"item {key!r} of {old.version} is renamed to {target!r}, which is not an item of {new.version}")
            elif target in old_keys and _mapped(target, new) == target:
                problems.append(
                    f"item {key!r} of {old.version} is renamed to {target!r}, which is already an item of {old.version}: "
                    f"two items would become one and old observations would count twice; retire one of them instead "
                    f'(retired = ["{key}"]) or rename onto a new id'
                )
            continue
        problems.append(
            f"item {key!r} of {old.version} is missing from {new.version}: declare it under [renamed] "
            f'("{key}" = "section.new_item") or in retired = ["{key}"] so older observations stay readable'
        )
    onto: dict[str, list[str]] = {}
    for key in old.item_keys:
        if key not in keys and key in new.renamed and new.renamed[key] not in old_keys:
            onto.setdefault(new.renamed[key], []).append(key)
    for target, sources in onto.items():
        if len(sources) > 1:
            names = " and ".join(repr(k) for k in sorted(sources))
            every = "both" if len(sources) == 2 else "all"
            problems.append(
                f"items {names} of {old.version} are {every} renamed to {target!r}: two items would become one and "
                f"old observations would count twice; rename one onto a new id or retire it "
                f'(retired = ["{sorted(sources)[-1]}"])'
            )
    return problems


def check_registry(registry: RubricRegistry | Iterable[LoadedRubric]) -> list[Problem]:
    """``rubric_change_problems`` for each pair of consecutive versions of every rubric id."""
    loaded = list(registry)
    by_id: dict[str, list[LoadedRubric]] = {}
    for item in loaded:
        by_id.setdefault(item.rubric.id, []).append(item)
    problems: list[Problem] = []
    for versions in by_id.values():
        versions.sort(key=lambda r: _version_key(r.rubric.version))
        for older, newer in itertools.pairwise(versions):
            for message in rubric_change_problems(older.rubric, newer.rubric):
                problems.append(Problem(Path(newer.path), message, field="renamed"))
    return problems
