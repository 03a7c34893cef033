"""Importing a whole store (or a zip of one) reproduces it: every kind of file lands where it
belongs, and summaries, exports and ``compare --store`` give the same results on source and target."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from seeds_tui.calibration.consensus import consensus_draft, load_consensus, save_consensus_draft
from seeds_tui.calibration.pairing import calibration_sessions
from seeds_tui.cli import main
from seeds_tui.core.observation import new_id, observation_to_toml
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.importer import import_files
from seeds_tui.storage.store import Store

TODAY = date(2026, 11, 23)
#: The store's folders that hold observations, each kind in its own place.
KINDS = ("observations", "drafts", "consensus", "consensus/drafts")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A demo store with consensus records, a consensus draft and an observer's draft."""
    store = Store(tmp_path_factory.mktemp("source") / "store")
    generate_demo(store, 80, seed=4, today=TODAY)
    sessions, _ = calibration_sessions(store)
    assert any(s.consensus is not None for s in sessions)
    first, second = next(s.pair for s in sessions if s.consensus is None and s.pair is not None)
    section_id, items = next(iter(first.scores.items()))
    key = f"{section_id}.{next(iter(items))}"
    save_consensus_draft(store, consensus_draft(first, second, {key: items[next(iter(items))]}, {key: "still talking it over"}))
    # An observer's own draft, not finalised yet.
    done = next(obs for _, obs in store.iter_observations() if not isinstance(obs, Exception) and obs.consensus is None)
    store.save_draft(done.model_copy(update={"id": new_id(), "status": "draft", "finalised": None, "revision": 0}))
    return store


def layout(store: Store) -> dict[str, list[str]]:
    """The file names in each of the store's observation folders."""
    return {kind: sorted(p.name for p in (store.root / kind).glob("*.toml")) for kind in KINDS}


def outputs(store: Store, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """What a user reads from the store: summaries, exports, the calibration report."""
    runs = {
        "summary": ["summary", "--store", str(store.root)],
        "summary-drafts": ["summary", "--store", str(store.root), "--status", "all", "--format", "csv"],
        "items": ["export", "--store", str(store.root), "--quiet"],
        "items-drafts": ["export", "--store", str(store.root), "--include-drafts", "--format", "jsonl", "--quiet"],
        "observations": ["export", "--store", str(store.root), "--table", "observations", "--quiet"],
        "compare": ["compare", "--store", str(store.root), "--json"],
    }
    got = {}
    for name, argv in runs.items():
        capsys.readouterr()
        code = main(argv)
        out = capsys.readouterr().out
        got[name] = f"exit {code}\n" + out.replace(str(store.root), "STORE")
    return got


def test_importing_a_store_reproduces_it(source: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = Store(tmp_path / "target")
    assert main(["import", str(source.root), "--store", str(target.root), "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)["counts"]
    assert counts["conflict"] == 0 and counts["invalid"] == 0
    assert layout(target) == layout(source)
    assert layout(source)["consensus"] and layout(source)["consensus/drafts"] and layout(source)["drafts"]
    expected = outputs(source, capsys)
    assert len(load_consensus(target)) == len(load_consensus(source)) > 0
    assert outputs(target, capsys) == expected
    # A second import of the same store changes nothing.
    assert main(["import", str(source.root), "--store", str(target.root), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)["counts"]
    assert again["imported"] == 0 and again["skipped"] == counts["imported"]


def test_importing_a_zip_of_a_store_reproduces_it(source: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "store.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(source.root.rglob("*")):
            if path.is_file():
                zf.write(path, "store/" + path.relative_to(source.root).as_posix())
    target = Store(tmp_path / "target")
    assert main(["import", str(archive), "--store", str(target.root), "--json"]) == 0
    capsys.readouterr()
    assert layout(target) == layout(source)
    assert outputs(target, capsys) == outputs(source, capsys)


def corrected_copy(source: Store, where: Path) -> Store:
    """A copy of ``source`` in which one final was corrected (its old revision in ``history/``)
    and an incoming version of another was kept aside in ``conflicts/``, as the store does."""
    import shutil

    from seeds_tui.core.rubric import RubricRegistry

    copy = Store(shutil.copytree(source.root, where))
    finals = [obs for _, obs in copy.iter_observations() if not isinstance(obs, Exception) and obs.consensus is None]
    rubric = RubricRegistry.default().get(finals[0].rubric.id, finals[0].rubric.version).rubric
    section = next(iter(finals[0].scores))
    copy.save_correction(finals[0].model_copy(update={"section_notes": {section: "corrected after the feedback talk"}}), rubric)
    rejected = finals[1].model_copy(update={"section_notes": {next(iter(finals[1].scores)): "an observer's other copy"}})
    (copy.root / "conflicts").mkdir()
    (copy.root / "conflicts" / f"{rejected.id}.0badc0de.toml").write_text(observation_to_toml(rejected))
    assert list(copy.history_dir.glob("*.toml"))
    return copy


@pytest.mark.parametrize("zipped", [False, True], ids=["folder", "zip"])
def test_a_store_with_history_and_conflicts_is_reproduced(
    source: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], zipped: bool
) -> None:
    """A store's history/ (earlier revisions) and conflicts/ (rejected copies) are not imported,
    from a folder or from a zip of it: the corrected final lands, never its older revision."""
    theirs = corrected_copy(source, tmp_path / "theirs")
    given = theirs.root
    if zipped:
        given = tmp_path / "theirs.zip"
        with zipfile.ZipFile(given, "w") as zf:
            for path in sorted(theirs.root.rglob("*")):
                if path.is_file():
                    zf.write(path, "theirs/" + path.relative_to(theirs.root).as_posix())
    target = Store(tmp_path / "target")
    assert main(["import", str(given), "--store", str(target.root), "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)["counts"]
    assert counts["conflict"] == 0 and counts["invalid"] == 0
    assert layout(target) == layout(theirs)
    assert not (target.root / "conflicts").exists()
    assert outputs(target, capsys) == outputs(theirs, capsys)


def test_a_store_s_training_events_are_imported_with_it(source: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A store's register of training events (events/*.toml, seeds-event/1) comes with it: never
    'invalid' every night, and summary --event ID gives the same tables on both stores."""
    import shutil

    from seeds_tui import api

    theirs = Store(shutil.copytree(source.root, tmp_path / "theirs"))
    team = api.item_frame(theirs)["team"].iloc[0]
    event = api.add_training_event(theirs, date(2026, 4, 1), "Follow-up: reflections", teams=[team])
    target = Store(tmp_path / "target")
    assert main(["import", str(theirs.root), "--store", str(target.root), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    [row] = [r for r in rows if r["source"].endswith(f"{event.id}.toml")]
    assert row["outcome"] == "imported" and row["path"] == f"events/{event.id}.toml"
    registered = [e.id for e in api.training_events(target)]
    assert event.id in registered and registered == [e.id for e in api.training_events(theirs)]
    args = ["--by", "section", "--event", event.id, "--format", "csv"]
    assert main(["summary", "--store", str(theirs.root), *args]) == 0
    expected = capsys.readouterr().out
    assert main(["summary", "--store", str(target.root), *args]) == 0
    assert capsys.readouterr().out == expected and "before_after" in expected
    # Again: skipped. Another event under the same id: a conflict, the store's own left as it was.
    assert main(["import", str(theirs.root), "--store", str(target.root), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["counts"]["imported"] == 0 and again["counts"]["invalid"] == 0
    other = tmp_path / "other.toml"
    other.write_text(event.model_copy(update={"title": "Another day"}).to_toml())
    assert main(["import", str(other), "--store", str(target.root)]) == 1
    assert "conflict" in capsys.readouterr().out
    [kept] = [e for e in api.training_events(target) if e.id == event.id]
    assert kept.title == "Follow-up: reflections"


def test_merging_two_observers_stores_keeps_consensus_apart(source: Store, tmp_path: Path) -> None:
    target = Store(tmp_path / "team")
    import_files([source.root], target)
    rows = [row for row in import_files([source.root / "consensus"], target).rows]
    assert {row.outcome for row in rows} == {"skipped"}
    assert all(row.path and row.path.startswith("consensus/") for row in rows)
    observers = {obs.session.observer for _, obs in target.iter_observations(include_drafts=True) if not isinstance(obs, Exception)}
    assert not any(" and " in name for name in observers)


def test_a_final_after_its_draft_replaces_the_draft(source: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from seeds_tui.core.observation import now

    [(_, drafted)] = [(p, o) for p, o in source.drafts() if not isinstance(o, Exception)]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "night1.toml").write_text(observation_to_toml(drafted))
    target = Store(tmp_path / "target")
    assert main(["import", str(inbox), "--store", str(target.root)]) == 0
    assert target.draft_path(drafted.id).exists()
    # The next night the final arrives (revision higher than the draft's): it replaces the draft.
    finalised = drafted.model_copy(update={"status": "final", "finalised": now(), "revision": drafted.revision + 1})
    (inbox / "night2.toml").write_text(observation_to_toml(finalised))
    capsys.readouterr()
    assert main(["import", str(inbox), "--store", str(target.root), "-v"]) == 0
    out = capsys.readouterr().out
    assert "replaces the draft drafts/" in out and "conflicts 0" in out
    assert target.final_path(drafted.id).exists() and not target.draft_path(drafted.id).exists()
    assert not (target.root / "conflicts").exists()
    # Every later night: the old draft still in the inbox is skipped, nothing is a conflict.
    assert main(["import", str(inbox), "--store", str(target.root)]) == 0
    assert "imported 0, skipped 2, conflicts 0" in capsys.readouterr().out


def test_a_later_draft_replaces_the_earlier_one_and_an_earlier_one_is_skipped(
    source: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An observer's store imported every night while a draft is worked on: each night's draft
    (same id, higher revision) replaces the last, never a conflict; an older copy is skipped."""
    [(_, drafted)] = [(p, o) for p, o in source.drafts() if not isinstance(o, Exception)]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "monday.toml").write_text(observation_to_toml(drafted))
    target = Store(tmp_path / "target")
    assert main(["import", str(inbox), "--store", str(target.root)]) == 0
    section = next(iter(drafted.scores))
    later = drafted.model_copy(update={"revision": drafted.revision + 3, "section_notes": {section: "more scored on Tuesday"}})
    (inbox / "tuesday.toml").write_text(observation_to_toml(later))
    capsys.readouterr()
    assert main(["import", str(inbox), "--store", str(target.root), "-v"]) == 0
    out = capsys.readouterr().out
    assert "conflicts 0" in out and "replaces the earlier draft" in out
    assert target.load(drafted.id).section_notes == {section: "more scored on Tuesday"}
    assert not (target.root / "conflicts").exists()
    # Monday's copy, still in the inbox, is older than the stored draft: skipped every night after.
    assert main(["import", str(inbox), "--store", str(target.root), "--json"]) == 0
    rows = {Path(r["source"]).name: r for r in json.loads(capsys.readouterr().out)["rows"]}
    assert rows["monday.toml"]["outcome"] == "skipped" and "later draft" in rows["monday.toml"]["message"]
    # The same revision with other content is still a conflict: nothing says which is right.
    (inbox / "other.toml").write_text(observation_to_toml(later.model_copy(update={"section_notes": {section: "typed elsewhere"}})))
    assert main(["import", str(inbox / "other.toml"), "--store", str(target.root)]) == 1
    assert target.load(drafted.id).section_notes == {section: "more scored on Tuesday"}


def test_a_final_older_than_the_stored_draft_is_still_a_conflict(source: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [(_, drafted)] = [(p, o) for p, o in source.drafts() if not isinstance(o, Exception)]
    target = Store(tmp_path / "target")
    target.save_draft(drafted.model_copy(update={"revision": 0}))
    for _ in range(3):  # the observer kept working on the draft here
        target.save_draft(target.load(drafted.id))
    stale = tmp_path / "stale.toml"
    stale.write_text(observation_to_toml(drafted.model_copy(update={"status": "final", "finalised": drafted.updated, "revision": 2})))
    assert main(["import", str(stale), "--store", str(target.root)]) == 1
    assert "holds a draft" in capsys.readouterr().out
    assert target.draft_path(drafted.id).exists() and not target.final_path(drafted.id).exists()
