"""A team's shared store: two SPOs' stores publish into one shared folder, with sync tools simulated.

Two kinds of shared folder are played here with real files:

- a **network share**: one folder that both laptops write into at the same moment;
- a **synced folder** (OneDrive, SharePoint, Syncthing): each computer has its own copy, and a
  "sync" copies files between copies later (delayed arrival), sometimes only in part (a file
  written in place, still arriving), sometimes leaving a conflict copy beside a file.

Readers are the product's own: the observation export and summary data (what facilitators and
``seeds-tui summary`` see), ``validate``, the store's reader, and ``seeds-tui publish`` itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from harness import mounted_tmpfs, remount_read_only, tree

import seeds_tui
from seeds_tui.cli import main
from seeds_tui.core.errors import ObservationError, StoreError
from seeds_tui.core.observation import Score, observation_to_toml, read_observation
from seeds_tui.core.rubric import RubricRegistry, bundled_rubric_dir
from seeds_tui.core.seal import seal
from seeds_tui.core.tomlio import decode_text
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.publish import make_shared_store, publish, remember_shared_store, shared_store_problems
from seeds_tui.storage.store import Store

TODAY = date(2026, 11, 23)


def laptop(root: Path, seed: int, count: int = 12) -> Store:
    """An SPO's own store with ``count`` finals (the demo generator), a draft and a consensus draft."""
    store = Store(root)
    generate_demo(store, count, seed=seed, today=TODAY)
    first = store.read(store.files("final")[0].path)
    draft = first.model_copy(update={"id": seeds_tui.core.observation.new_id(), "status": "draft", "revision": 0, "finalised": None})
    store.save_draft(draft)
    (store.consensus_dir / "drafts").mkdir(parents=True, exist_ok=True)
    (store.consensus_dir / "drafts" / f"{draft.id}.toml").write_text(observation_to_toml(draft))
    return store


def finals(store: Store) -> dict[str, bytes]:
    """The id and bytes of every final observation and consensus record of a store."""
    out = {p.stem: p.read_bytes() for p in sorted(store.final_dir.glob("*.toml"))}
    out.update({p.stem: p.read_bytes() for p in sorted(store.consensus_dir.glob("*.toml"))})
    return out


def counted(folder: Path) -> tuple[list[str], list[str]]:
    """What a facilitator's summary counts in a (shared) store: observation ids, and the problems reported."""
    frame = seeds_tui.observation_frame(folder)
    problems = [str(p) for p in frame.attrs["problems"]]
    return sorted(frame["observation_id"]), problems


def sync(source: Path, target: Path, *, partial: dict[str, int] | None = None) -> list[str]:
    """One pass of a sync tool from one copy of the shared folder to another; returns the names copied.

    New or changed files are written in place (as a network copy or a sync tool that downloads
    into the file does); ``partial`` gives, for a file name, how many bytes have arrived so far.
    """
    copied = []
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.name.startswith(".tmp-"):
            continue
        dest = target / path.relative_to(source)
        data = path.read_bytes()
        if partial and path.name in partial:
            data = data[: partial[path.name]]
        if dest.exists() and dest.read_bytes() == data:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        copied.append(path.name)
    return copied


@pytest.fixture
def registry() -> RubricRegistry:
    """The bundled rubrics."""
    return RubricRegistry([bundled_rubric_dir()])


def test_two_spos_publishing_at_once_into_one_network_share_never_collide(tmp_path: Path) -> None:
    a, b = laptop(tmp_path / "a", seed=1, count=40), laptop(tmp_path / "b", seed=2, count=40)
    share = tmp_path / "share"
    share.mkdir()
    # Both laptops publish for the first time at the same moment, each in its own process.
    command = [sys.executable, "-m", "seeds_tui", "publish", "--to", str(share), "--store"]
    runs = [subprocess.Popen([*command, str(s.root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE) for s in (a, b)]
    results = [(run.wait(timeout=120), run.stdout.read().decode(), run.stderr.read().decode()) for run in runs]  # type: ignore[union-attr]
    assert [code for code, _, _ in results] == [0, 0], results
    published = {p.stem: p.read_bytes() for p in [*share.glob("observations/*.toml"), *share.glob("consensus/*.toml")]}
    expected = {**finals(a), **finals(b)}
    assert len(expected) >= 80 and set(published) == set(expected)
    assert all(published[i] == seal(data) for i, data in expected.items())  # each whole, as it is on its laptop
    assert not [p for p in share.rglob("*") if p.name.startswith(".tmp-")]
    assert not (share / "drafts").exists() and not (share / "consensus" / "drafts").exists()  # drafts never leave the laptop
    ids, problems = counted(share)
    assert problems == [] and len(ids) == len(set(ids)) == len(list(share.glob("observations/*.toml")))
    # Published again: nothing is written, everything is already there.
    before = tree(share)
    assert publish(a).count("already") == len(finals(a)) and tree(share) == before


def test_a_synced_folder_delayed_arrival_a_partial_file_and_conflict_copies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cloud, view_a, view_b, view_f = (tmp_path / n for n in ("cloud", "view-a", "view-b", "view-facilitator"))
    for view in (cloud, view_a, view_b, view_f):
        view.mkdir()
    make_shared_store(view_a)  # made once on one laptop; the mark syncs to the others
    sync(view_a, cloud), sync(cloud, view_b), sync(cloud, view_f)
    a, b = laptop(tmp_path / "a", seed=3), laptop(tmp_path / "b", seed=4)
    remember_shared_store(a, view_a), remember_shared_store(b, view_b)
    assert publish(a).problems == [] and publish(b).problems == []
    a_ids = sorted(p.stem for p in a.final_dir.glob("*.toml"))
    b_ids = sorted(p.stem for p in b.final_dir.glob("*.toml"))

    # Delayed arrival: A's finals have reached the facilitator, B's not yet.
    sync(view_a, cloud), sync(cloud, view_f)
    assert counted(view_f) == (a_ids, [])

    # B's arrive, two of them still being written: one cut at a line end (still valid TOML), one mid-line.
    sync(view_b, cloud)
    cut_line, cut_mid = f"{b_ids[0]}.toml", f"{b_ids[1]}.toml"
    whole = (view_b / "observations" / cut_line).read_bytes()
    line_end = whole.index(b"\n[scores", len(whole) // 2) + 1
    assert line_end < len(whole) - 100
    sync(cloud, view_f, partial={cut_line: line_end, cut_mid: 1234})
    decode_text(whole[1 + whole.index(b"\n") : line_end], None, ObservationError)  # what arrived would parse without its seal
    ids, problems = counted(view_f)
    assert ids == sorted([*a_ids, *b_ids[2:]])  # neither partial file is counted
    # Each reported once, saying why (validate says it in full).
    assert len(problems) == 2 and sum(cut_line in p for p in problems) == 1 and sum(cut_mid in p for p in problems) == 1
    assert main(["validate", str(view_f)]) == 1
    out = capsys.readouterr().out
    assert out.count("is incomplete") == 2
    with pytest.raises(ObservationError, match="is incomplete"):
        Store(view_f).read(view_f / "observations" / cut_line)
    assert main(["summary", "--store", str(view_f), "--rubric", "seed-one-to-one"]) == 0
    told = capsys.readouterr().err.splitlines()
    assert [sum(name in line for line in told) for name in (cut_line, cut_mid)] == [1, 1]  # the facilitator is told once per file
    assert all("incomplete (a sync tool still copying it" in line for line in told if cut_line in line or cut_mid in line)

    # The sync finishes: everything counted, once.
    sync(cloud, view_f)
    assert counted(view_f) == (sorted([*a_ids, *b_ids]), [])

    # Sync tools' conflict copies beside a published file: counted nowhere, reported once each, never written through.
    original = view_f / "observations" / f"{a_ids[0]}.toml"
    obs = Store(view_f).read(original)
    changed = obs.model_copy(update={"section_notes": {**obs.section_notes, "ending": "another version"}, "revision": obs.revision + 1})
    copies = [
        f"{a_ids[0]} (conflicted copy 2026-11-24).toml",  # Dropbox, Nextcloud
        f"{a_ids[0]} (conflict copy).toml",  # a copy made by hand or by another tool
        f"{a_ids[0]}-LAPTOP-7.toml",  # OneDrive, SharePoint
        f"{a_ids[0]}-DESKTOP-1.toml",
        f"{a_ids[0]}.sync-conflict-20261124-101010-ABCD123.toml",  # Syncthing
    ]
    for name in copies:
        (view_f / "observations" / name).write_bytes(seal(observation_to_toml(changed).encode()))
    before_rows = seeds_tui.item_frame(view_f)
    ids, problems = counted(view_f)
    assert ids == sorted([*a_ids, *b_ids])
    assert len(problems) == len(copies) and all(sum(name in p for p in problems) == 1 for name in copies)  # each once
    assert main(["summary", "--store", str(view_f), "--rubric", "seed-one-to-one"]) == 0
    told = capsys.readouterr().err.splitlines()
    assert [sum(name in line and "a sync tool's conflict copy" in line for line in told) for name in copies] == [1] * len(copies)
    listed = shared_store_problems(view_f)
    assert sorted(p.path.name for p in listed) == sorted(copies)
    # The copies sync back to A's view; A publishes again: neither the original nor a copy is written over.
    sync(view_f, cloud), sync(cloud, view_a)
    before = tree(view_a)
    report = publish(a, verify=True)
    assert report.problems == [] and report.count("already") == len(finals(a))
    assert tree(view_a) == before
    assert len(seeds_tui.item_frame(view_f)) == len(before_rows)  # the copies add no row


def test_a_publish_that_cannot_reach_the_share_keeps_the_final_and_retries(tmp_path: Path) -> None:
    a = laptop(tmp_path / "a", seed=5, count=6)
    share = tmp_path / "mnt" / "team"
    share.mkdir(parents=True)
    make_shared_store(share)
    remember_shared_store(a, share)
    share.rename(tmp_path / "mnt" / "away")  # the share is not connected: its mount point is gone
    local = tree(a.root)
    report = publish(a)
    assert report.count("waiting") == len(finals(a)) and report.count("published") == 0
    assert all("cannot be reached" in o.message for o in report.problems)
    assert not share.exists()  # nothing is ever made where the share should be
    assert tree(a.root) == local  # the finals are kept as they were
    assert main(["publish", "--store", str(a.root)]) == 1
    (tmp_path / "mnt" / "away").rename(share)  # back again
    report = publish(a)
    assert report.problems == [] and report.count("published") == len(finals(a))
    assert sorted(p.stem for p in share.glob("observations/*.toml")) == sorted(p.stem for p in a.final_dir.glob("*.toml"))


def test_a_read_only_share_keeps_the_finals_here_and_facilitators_still_read_it(tmp_path: Path) -> None:
    a = laptop(tmp_path / "a", seed=6, count=4)
    b = laptop(tmp_path / "b", seed=7, count=4)
    with mounted_tmpfs(tmp_path / "ro", size="4m") as mounted:
        if mounted is None:
            share = tmp_path / "share"
            share.mkdir()
        else:
            share = mounted
        make_shared_store(share)
        assert publish(b, share).problems == []
        remember_shared_store(a, share)
        if mounted is not None:
            if not remount_read_only(mounted):
                pytest.skip("cannot remount the tmpfs read-only")
        elif os.geteuid() == 0:
            pytest.skip("needs a tmpfs to make a read-only share as root (chmod does not stop root)")
        else:
            for folder in (share, share / "observations", share / "consensus"):
                folder.chmod(0o500)
        try:
            local = tree(a.root)
            report = publish(a)
            assert report.count("waiting") == len(finals(a)) and report.count("published") == 0
            assert all("not writable" in o.message for o in report.problems), report.problems
            assert len({o.message for o in report.problems}) == 1  # about the share: `seeds-tui publish` says it in one line
            assert {k: v for k, v in tree(a.root).items() if ".publish" not in k} == {k: v for k, v in local.items() if ".publish" not in k}
            ids, problems = counted(share)  # the facilitator still reads what is there
            assert len(ids) == len(list(b.final_dir.glob("*.toml"))) and problems == []
        finally:
            if mounted is not None:
                subprocess.run(["mount", "-o", "remount,rw", str(mounted)], check=True)
            else:
                for folder in (share, share / "observations", share / "consensus"):
                    folder.chmod(0o700)
        assert publish(a).problems == []  # writable again: published at the next try


def test_a_correction_is_published_and_the_revision_it_replaces_kept(tmp_path: Path, registry: RubricRegistry) -> None:
    a = laptop(tmp_path / "a", seed=8, count=3)
    share = tmp_path / "share"
    share.mkdir()
    make_shared_store(share)
    assert publish(a, share).problems == []
    path = sorted(a.final_dir.glob("*.toml"))[0]
    obs = a.read(path)
    first_section = next(iter(obs.scores))
    scores = {**obs.scores, first_section: {k: Score(value=0) for k in obs.scores[first_section]}}
    a.save_correction(obs.model_copy(update={"scores": scores}), registry.get(obs.rubric.id, obs.rubric.version).rubric)
    old = (share / "observations" / path.name).read_bytes()
    remember_shared_store(a, share)
    report = publish(a)
    assert report.count("published") == 1 and report.problems == []
    assert (share / "observations" / path.name).read_bytes() == seal(path.read_bytes())
    assert [p.read_bytes() for p in (share / "history").glob(f"{obs.id}.r{obs.revision}*.toml")] == [old]


def test_an_incomplete_or_foreign_shared_copy_is_never_written_through(tmp_path: Path) -> None:
    a = laptop(tmp_path / "a", seed=9, count=3)
    share = tmp_path / "share"
    share.mkdir()
    make_shared_store(share)
    first, second = sorted(a.final_dir.glob("*.toml"))[:2]
    (share / "observations").mkdir(exist_ok=True)
    incomplete = seal(first.read_bytes())[:700]  # this final's own file, still arriving from another copy
    (share / "observations" / first.name).write_bytes(incomplete)
    newer = a.read(second).model_copy(update={"revision": 99})  # a later revision, from elsewhere
    (share / "observations" / second.name).write_bytes(seal(observation_to_toml(newer).encode()))
    before = tree(share)
    report = publish(a, share)
    states = {o.id: (o.state, o.message) for o in report.outcomes}
    assert states[first.stem][0] == "waiting" and "incomplete" in states[first.stem][1]
    assert states[second.stem][0] == "conflict" and "revision 99" in states[second.stem][1]
    assert {k: v for k, v in tree(share).items() if first.stem in k or second.stem in k} == {
        k: v for k, v in before.items() if first.stem in k or second.stem in k
    }


def test_a_shared_copy_cut_short_and_then_removed_is_published_again_by_a_plain_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As the SPO is told: the shared copy stays incomplete, they remove it, and the next publish (or the app) puts it back."""
    a = laptop(tmp_path / "a", seed=13, count=3)
    share = tmp_path / "share"
    share.mkdir()
    assert main(["publish", "--store", str(a.root), "--to", str(share)]) == 0
    first = sorted(a.final_dir.glob("*.toml"))[0]
    shared_copy = share / "observations" / first.name
    whole = shared_copy.read_bytes()
    shared_copy.write_bytes(whole[:900])  # a sync tool cut it short on the way back
    capsys.readouterr()
    assert main(["publish", "--store", str(a.root), "--verify"]) == 1
    told = capsys.readouterr()
    assert "remove it from the shared store" in told.err and "1 waiting" in told.out
    assert shared_copy.read_bytes() == whole[:900]  # left alone, never written through
    shared_copy.unlink()  # as the message says
    assert main(["publish", "--store", str(a.root)]) == 0  # a plain run, as the app's every minute
    assert "1 published" in capsys.readouterr().out
    assert shared_copy.read_bytes() == whole
    assert main(["publish", "--store", str(a.root)]) == 0
    assert "0 published" in capsys.readouterr().out  # and then it is there: nothing more to do


def test_summaries_of_a_shared_store_write_nothing_into_it_and_are_cached_on_this_computer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seeds_tui.team import cache
    from seeds_tui.team.cache import load_rows

    monkeypatch.setattr(cache, "RACY_NS", -(10**12))  # trust timestamps at once (normally: after 3 s), as in test_aggregate_cache

    a = laptop(tmp_path / "a", seed=14, count=6)
    share = tmp_path / "share"
    share.mkdir()
    make_shared_store(share)
    assert publish(a, share).problems == []
    before = tree(share)
    assert main(["summary", "--store", str(share)]) == 0  # a facilitator's summary, then the same again
    again = load_rows(Store(share))
    assert tree(share) == before  # no .cache (nor anything else) in the share: synced, or copied in conflict, by nobody
    assert again.parsed == 0 and again.cached == len(again.files) == len(finals(a)) - len(list(a.consensus_dir.glob("*.toml")))
    assert Store(share).cache_dir.is_relative_to(Path(os.environ["HOME"]))  # this computer's own cache folder
    assert Store(a.root).cache_dir == a.root / ".cache"  # an SPO's own store keeps its cache as before


def test_the_shared_store_refuses_drafts_corrections_and_copies(tmp_path: Path, registry: RubricRegistry) -> None:
    a = laptop(tmp_path / "a", seed=10, count=2)
    share = tmp_path / "share"
    share.mkdir()
    make_shared_store(share)
    publish(a, share)
    shared = Store(share)
    draft = a.drafts()[0][1]
    assert not isinstance(draft, ObservationError)
    with pytest.raises(StoreError, match="shared store"):
        shared.save_draft(draft)
    with pytest.raises(StoreError, match="shared store"):
        shared.keep_aside(draft)
    final = shared.read(sorted(shared.final_dir.glob("*.toml"))[0])
    with pytest.raises(StoreError, match="shared store"):
        shared.save_correction(final, registry.get(final.rubric.id, final.rubric.version).rubric)
    assert not (share / "drafts").exists() and not (share / "conflicts").exists()


def test_a_shared_folder_must_exist_and_start_empty(tmp_path: Path) -> None:
    own = laptop(tmp_path / "own", seed=11, count=1)
    with pytest.raises(StoreError, match="does not exist or cannot be reached"):
        make_shared_store(tmp_path / "not-mounted")
    assert not (tmp_path / "not-mounted").exists()
    with pytest.raises(StoreError, match="a store of its own"):
        make_shared_store(own.root)
    synced = tmp_path / "synced"
    synced.mkdir()
    (synced / ".stfolder").mkdir()  # Syncthing's own marker is fine
    (synced / "desktop.ini").write_text("[.ShellClassInfo]")
    make_shared_store(synced)
    make_shared_store(synced)  # again: the same shared store


def test_every_cut_of_a_published_file_is_refused_by_the_reader(tmp_path: Path) -> None:
    a = laptop(tmp_path / "a", seed=12, count=1)
    data = seal(sorted(a.final_dir.glob("*.toml"))[0].read_bytes())
    arrived = tmp_path / "arrived.toml"
    refused = 0
    for cut in range(len(data)):  # a file that has arrived up to any byte, at a line end or not
        arrived.write_bytes(data[:cut])
        with pytest.raises(ObservationError):
            read_observation(arrived)
        refused += 1
    assert refused == len(data) > 2000
    arrived.write_bytes(data)
    assert read_observation(arrived)[0].status == "final"  # the whole file reads
