"""Double-scored sessions in a store, and consensus records: real files under tmp_path."""

from __future__ import annotations

import stat
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from seeds_tui.calibration.agreement import compare
from seeds_tui.calibration.consensus import (
    ConsensusError,
    build_consensus,
    consensus_draft,
    consensus_drafts_dir,
    discard_consensus_draft,
    draft_choices,
    load_consensus,
    load_consensus_draft,
    save_consensus,
    save_consensus_draft,
)
from seeds_tui.calibration.pairing import calibration_sessions, similar_refs
from seeds_tui.core.errors import SeedsError, StoreError
from seeds_tui.core.observation import Observation, RubricRef, Score, Session, check_against_rubric, new_observation
from seeds_tui.core.rubric import LoadedRubric, RubricRegistry
from seeds_tui.storage.store import Store


@pytest.fixture(scope="module")
def loaded() -> LoadedRubric:
    return RubricRegistry.default().get("seed-one-to-one")


def _observation(
    loaded: LoadedRubric,
    observer: str,
    ref: str | None,
    *,
    day: date = date(2026, 9, 1),
    values: dict[str, int | str] | None = None,
    purpose: str = "calibration",
    rubric: LoadedRubric | None = None,
) -> Observation:
    used = rubric or loaded
    obs = new_observation(
        rubric=RubricRef(id=used.rubric.id, version=used.rubric.version, sha256=used.sha256),
        session=Session(date=day, observer=observer, practitioner="Pat Practitioner", team="West", purpose=purpose, session_ref=ref),
    )
    for section in used.rubric.sections:
        for item in section.items:
            v = (values or {}).get(f"{section.id}.{item.id}", 1)
            score = Score(code=v, evidence="") if isinstance(v, str) else Score(value=v, evidence=f"{observer[0]} saw {item.id}")
            obs.scores.setdefault(section.id, {})[item.id] = score
    return obs


def _final(store: Store, obs: Observation, loaded: LoadedRubric) -> Observation:
    saved = store.save_draft(obs)
    return store.finalise(saved, loaded.rubric)[0]


def test_sessions_are_grouped_by_reference_with_their_problems(tmp_path: Path, loaded: LoadedRubric) -> None:
    store = Store(tmp_path / "store")
    jersey = RubricRegistry.default().get("jersey-interview-skills")
    ready = [_final(store, _observation(loaded, name, "CAL-READY", day=date(2026, 9, 1)), loaded) for name in ("Bo B", "Ann A")]
    draft = store.save_draft(_observation(loaded, "Cy C", "CAL-DRAFT", day=date(2026, 10, 1)))
    _final(store, _observation(loaded, "Di D", "CAL-DRAFT", day=date(2026, 10, 1)), loaded)
    _final(store, _observation(loaded, "Ed E", "CAL-SINGLE", day=date(2026, 8, 1)), loaded)
    for name in ("Ann A", "Bo B", "Cy C"):
        _final(store, _observation(loaded, name, "CAL-THREE", day=date(2026, 7, 1)), loaded)
    for _ in range(2):
        _final(store, _observation(loaded, "Ann A", "CAL-SAME", day=date(2026, 6, 1)), loaded)
    _final(store, _observation(loaded, "Ann A", "CAL-RUBRICS", day=date(2026, 5, 1)), loaded)
    _final(store, _observation(loaded, "Bo B", "CAL-RUBRICS", day=date(2026, 5, 1), rubric=jersey), jersey)
    _final(store, _observation(loaded, "Ann A", "CAL-NOTCAL", purpose="developmental"), loaded)
    _final(store, _observation(loaded, "Ann A", None), loaded)
    broken = store.final_dir / "01K00000000000000000000000.toml"
    broken.write_text('schema = "seeds-observation/2"\n[session]\npurpose = "calibration"\n')

    sessions, errors = calibration_sessions(store)
    by_ref = {s.session_ref: s for s in sessions}
    assert [s.session_ref for s in sessions] == ["CAL-DRAFT", "CAL-READY", "CAL-SINGLE", "CAL-THREE", "CAL-SAME", "CAL-RUBRICS"]
    assert [e.path for e in errors] == [broken]

    good = by_ref["CAL-READY"]
    assert good.ready and good.problem is None and good.waiting_for == []
    assert [obs.session.observer for _, obs in good.observations] == ["Ann A", "Bo B"]  # sorted by observer
    assert {obs.id for _, obs in good.observations} == {o.id for o in ready}
    assert good.date == date(2026, 9, 1) and good.pair is not None

    waiting = by_ref["CAL-DRAFT"]
    assert not waiting.ready and waiting.problem is None and waiting.waiting_for == ["Cy C"]
    assert any(obs.id == draft.id and obs.status == "draft" for _, obs in waiting.observations)
    assert by_ref["CAL-SINGLE"].problem == "only one observation so far"
    assert by_ref["CAL-THREE"].problem == "three observations share this reference"
    assert by_ref["CAL-SAME"].problem == "both by the same observer"
    assert by_ref["CAL-RUBRICS"].problem == "scored with different rubrics"
    assert not any(by_ref[ref].ready for ref in ("CAL-SINGLE", "CAL-THREE", "CAL-SAME", "CAL-RUBRICS"))


def test_files_of_different_sessions_sharing_a_reference_are_not_paired(tmp_path: Path, loaded: LoadedRubric) -> None:
    store = Store(tmp_path / "store")
    _final(store, _observation(loaded, "Ann A", "CAL-X", day=date(2026, 9, 1)), loaded)
    other = _observation(loaded, "Bo B", "CAL-X", day=date(2026, 9, 8))
    other = other.model_copy(update={"session": other.session.model_copy(update={"practitioner": "Kim Other"})})
    _final(store, other, loaded)
    (session,), _ = calibration_sessions(store)
    assert session.problem == "the two files do not look like one session (the session date and practitioner differ)"
    assert session.problem_kind == "different sessions"
    assert not session.ready and session.pair is None


def test_references_are_matched_ignoring_case_and_near_misses_are_found(tmp_path: Path, loaded: LoadedRubric) -> None:
    store = Store(tmp_path / "store")
    first = _final(store, _observation(loaded, "Ann A", "cal-2026-11-23-n1"), loaded)
    second = _final(store, _observation(loaded, "Bo B", "CAL-2026-11-23-N1"), loaded)
    (session,), _ = calibration_sessions(store)
    assert session.ready and {o.id for o in session.pair or ()} == {first.id, second.id}
    agreed = build_consensus(first, second, {}, {})  # the two spellings are one session for a consensus too
    save_consensus(store, agreed)
    (session,), _ = calibration_sessions(store)
    assert session.consensus is not None and session.consensus[1].id == agreed.id
    # A set-up form can warn about a reference that matches another only by case, spaces or punctuation.
    assert similar_refs(store, "CAL 2026 11 23 N1") == ["CAL-2026-11-23-N1", "cal-2026-11-23-n1"]
    assert similar_refs(store, "CAL-2026-11-23-N1") == ["cal-2026-11-23-n1"]
    assert similar_refs(store, "CAL-2026-11-23-N2") == [] and similar_refs(store, "--") == []
    assert similar_refs(Store(tmp_path / "empty"), "CAL-1") == []


def test_a_third_file_after_a_consensus_keeps_the_agreed_pair_reachable(tmp_path: Path, loaded: LoadedRubric) -> None:
    store, first, second = _pair(tmp_path, loaded)
    save_consensus(
        store,
        build_consensus(
            first,
            second,
            {"beginning.welcome": Score(value=3), "ending.task": Score(value=1)},
            {"beginning.welcome": "why", "ending.task": "why not"},
        ),
    )
    (session,), _ = calibration_sessions(store)
    assert session.agreed_pair is not None  # ready, with its consensus
    _final(store, _observation(loaded, "Cy C", "CAL-1"), loaded)
    (session,), _ = calibration_sessions(store)
    assert not session.ready and session.problem == "three observations share this reference"
    assert session.agreed_pair is not None
    (_, a), (_, b) = session.agreed_pair
    assert (a.id, b.id) == (first.id, second.id)  # the two the consensus names, not the newcomer


def test_empty_or_missing_store_has_no_sessions(tmp_path: Path) -> None:
    assert calibration_sessions(Store(tmp_path / "nowhere")) == ([], [])


def _pair(tmp_path: Path, loaded: LoadedRubric) -> tuple[Store, Observation, Observation]:
    store = Store(tmp_path / "store")
    first = _final(
        store, _observation(loaded, "Ann A", "CAL-1", values={"beginning.welcome": 3, "ending.task": 0, "rnr.barriers": "NA"}), loaded
    )
    second = _final(
        store, _observation(loaded, "Bo B", "CAL-1", values={"beginning.welcome": 2, "ending.task": 2, "rnr.barriers": "NA"}), loaded
    )
    return store, first, second


def test_consensus_takes_agreed_items_and_needs_a_score_and_a_reason_for_the_rest(tmp_path: Path, loaded: LoadedRubric) -> None:
    _, first, second = _pair(tmp_path, loaded)
    with pytest.raises(ConsensusError, match=r"no agreed score for beginning\.welcome, ending\.task"):
        build_consensus(first, second, {}, {})
    scores = {"beginning.welcome": Score(value=3), "ending.task": Score(value=1)}
    with pytest.raises(ConsensusError, match=r"no rationale for beginning\.welcome, ending\.task"):
        build_consensus(first, second, scores, {"beginning.welcome": "   "})
    when = datetime(2026, 9, 3, 10, 0).astimezone()
    agreed = build_consensus(
        first, second, scores, {"beginning.welcome": "Warm, and checked in properly.", "ending.task": "A task, but vague."}, when=when
    )
    assert agreed.status == "final" and agreed.finalised == when and agreed.id not in (first.id, second.id)
    assert agreed.consensus is not None and agreed.consensus.of == [first.id, second.id]
    assert set(agreed.consensus.rationale) == {"beginning.welcome", "ending.task"}
    assert agreed.session.session_ref == "CAL-1" and agreed.session.purpose == "calibration"
    assert agreed.session.observer == "Ann A and Bo B"
    assert agreed.rubric == first.rubric
    assert agreed.score("beginning", "welcome").value == 3
    assert agreed.score("ending", "task").value == 1
    assert agreed.score("rnr", "barriers").code == "NA"  # both said NA: taken as agreed
    assert agreed.score("beginning", "agenda").value == 1
    assert agreed.score("beginning", "agenda").evidence == "A saw agenda\n\nB saw agenda"
    assert check_against_rubric(agreed, loaded.rubric) == []
    # Agreed items can be overridden, and then need a reason too.
    with pytest.raises(ConsensusError, match=r"no rationale for beginning\.agenda"):
        build_consensus(first, second, {**scores, "beginning.agenda": Score(value=2)}, {"beginning.welcome": "x", "ending.task": "y"})


def test_consensus_refuses_drafts_and_mismatched_pairs(tmp_path: Path, loaded: LoadedRubric) -> None:
    _, first, second = _pair(tmp_path, loaded)
    draft = second.model_copy(update={"status": "draft"})
    with pytest.raises(ConsensusError, match="draft"):
        build_consensus(first, draft, {}, {})
    other = second.model_copy(update={"session": second.session.model_copy(update={"session_ref": "CAL-2"})})
    with pytest.raises(ConsensusError, match="different session references"):
        build_consensus(first, other, {}, {})
    with pytest.raises(SeedsError):
        build_consensus(first, first, {}, {})


def test_saved_consensus_lives_apart_and_is_found_with_its_session(tmp_path: Path, loaded: LoadedRubric) -> None:
    store, first, second = _pair(tmp_path, loaded)
    raw_before = {p.name: p.read_bytes() for p in store.final_dir.iterdir()}
    scores = {"beginning.welcome": Score(value=3), "ending.task": Score(value=1)}
    agreed = build_consensus(first, second, scores, {"beginning.welcome": "why", "ending.task": "why not"})
    path = save_consensus(store, agreed)
    assert path == store.consensus_dir / f"{agreed.id}.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.consensus_dir.stat().st_mode) == 0o700
    assert {p.name: p.read_bytes() for p in store.final_dir.iterdir()} == raw_before  # raw ones untouched
    assert [(p, o.id) for p, o in load_consensus(store)] == [(path, agreed.id)]
    with pytest.raises(StoreError, match="already"):
        save_consensus(store, agreed)
    later = build_consensus(first, second, scores, {"beginning.welcome": "a", "ending.task": "b"}, when=agreed.created + timedelta(hours=1))
    with pytest.raises(StoreError, match="already records the consensus for this session"):
        save_consensus(store, later)
    with pytest.raises(StoreError, match="only a final consensus"):
        save_consensus(store, first)
    (session,), errors = calibration_sessions(store)
    assert errors == [] and session.ready
    assert session.consensus is not None and session.consensus[0] == path
    # The consensus record does not count as a third observation of the session.
    assert len(session.observations) == 2
    # Agreement of the consensus with each observer: it sides with the first on welcome.
    with_first = compare(first, session.consensus[1], loaded.rubric)
    assert {i.key for i in with_first.items if i.outcome != "exact" and i.outcome != "same code"} == {"ending.task"}


def test_a_damaged_consensus_file_is_reported_not_raised(tmp_path: Path, loaded: LoadedRubric) -> None:
    store, _, _ = _pair(tmp_path, loaded)
    store.consensus_dir.mkdir(mode=0o700)
    bad = store.consensus_dir / "01K00000000000000000000001.toml"
    bad.write_text("not = [toml")
    (found,) = load_consensus(store)
    assert found[0] == bad and isinstance(found[1], SeedsError)
    sessions, errors = calibration_sessions(store)
    assert [e.path for e in errors] == [bad] and sessions[0].ready


def test_consensus_draft_round_trip_keeps_exactly_what_was_chosen_and_typed(tmp_path: Path, loaded: LoadedRubric) -> None:
    store, first, second = _pair(tmp_path, loaded)
    raw_before = {p.name: p.read_bytes() for p in store.final_dir.iterdir()}
    scores = {"beginning.welcome": Score(value=3)}  # ending.task: not chosen yet
    typed = {"beginning.welcome": "Warm.\nChecked in", "ending.task": "Still talking about it", "beginning.agenda": "  "}
    # No "every changed item needs a rationale" check yet: that is for the final save.
    draft = consensus_draft(first, second, {"ending.task": Score(value=1)}, {})
    assert draft.status == "draft" and draft.consensus is not None and draft.consensus.rationale == {}
    draft = consensus_draft(first, second, scores, typed, when=datetime(2026, 9, 3, 10, 0).astimezone())
    assert draft.status == "draft" and draft.finalised is None
    assert draft.consensus is not None and draft.consensus.of == [first.id, second.id]
    assert draft.session.session_ref == "CAL-1" and draft.session.observer == "Ann A and Bo B"

    path = save_consensus_draft(store, draft)
    assert path == consensus_drafts_dir(store) / f"{draft.id}.toml" == store.consensus_dir / "drafts" / f"{draft.id}.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.consensus_dir.stat().st_mode) == 0o700
    found = load_consensus_draft(store, second.id, first.id)  # either order
    assert found is not None and found[0] == path and found[1] == draft
    assert draft_choices(found[1]) == (scores, {"beginning.welcome": "Warm.\nChecked in", "ending.task": "Still talking about it"})

    # Autosaving again keeps the id and the creation time, and replaces the file.
    later = consensus_draft(
        first,
        second,
        {**scores, "ending.task": Score(code="NO")},
        typed,
        obs_id=draft.id,
        created=draft.created,
        when=draft.created + timedelta(minutes=5),
    )
    assert save_consensus_draft(store, later) == path
    found = load_consensus_draft(store, first.id, second.id)
    assert found is not None and found[1].created == draft.created and draft_choices(found[1])[0]["ending.task"] == Score(code="NO")
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left

    # A draft is not a consensus record: not loaded as one, but the listing says one is in progress.
    assert load_consensus(store) == []
    (session,), errors = calibration_sessions(store)
    assert errors == [] and session.ready and session.consensus is None
    assert session.draft is not None and session.draft[0] == path
    assert load_consensus_draft(store, first.id, "01K00000000000000000000009") is None

    # Recorded: the listing shows the record, not the draft; discarding the draft removes only it.
    record = build_consensus(
        first,
        second,
        {"beginning.welcome": Score(value=3), "ending.task": Score(value=1)},
        {"beginning.welcome": "a", "ending.task": "b"},
        obs_id=draft.id,
    )
    recorded = save_consensus(store, record)
    (session,), _ = calibration_sessions(store)
    assert session.consensus is not None and session.consensus[0] == recorded and session.draft is None
    discard_consensus_draft(store, path)
    discard_consensus_draft(store, path)  # already gone: fine
    assert not path.exists() and recorded.exists() and load_consensus_draft(store, first.id, second.id) is None
    with pytest.raises(StoreError, match="not a consensus draft"):
        discard_consensus_draft(store, recorded)
    assert {p.name: p.read_bytes() for p in store.final_dir.iterdir()} == raw_before


def test_consensus_draft_refusals_are_clear(tmp_path: Path, loaded: LoadedRubric) -> None:
    store, first, second = _pair(tmp_path, loaded)
    with pytest.raises(ConsensusError, match=r"rationale for ending\.task is 4001 characters long"):
        consensus_draft(first, second, {}, {"ending.task": "x" * 4001})
    with pytest.raises(ConsensusError, match="draft"):
        consensus_draft(first, second.model_copy(update={"status": "draft"}), {}, {})
    with pytest.raises(StoreError, match="only a consensus draft"):
        save_consensus_draft(store, first)
    # A file where the drafts folder should be: a clear StoreError, nothing raised past it.
    store.consensus_dir.mkdir(mode=0o700)
    consensus_drafts_dir(store).write_text("in the way")
    with pytest.raises(StoreError, match="drafts"):
        save_consensus_draft(store, consensus_draft(first, second, {"ending.task": Score(value=1)}, {}))
    assert load_consensus_draft(store, first.id, second.id) is None and calibration_sessions(store)[1] == []


@pytest.mark.parametrize("module", ["seeds_tui.calibration.agreement", "seeds_tui.calibration.pairing", "seeds_tui.calibration.consensus"])
def test_core_imports_neither_textual_nor_pandas(module: str) -> None:
    import json
    import subprocess
    import sys

    probe = (
        f"import importlib, json, sys; importlib.import_module({module!r}); "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'pandas', 'numpy', 'rich'})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1])
    assert json.loads(out.stdout) == []
