"""``seeds-tui import``: a mixed inbox gives the right outcomes, exit code and an untouched store."""

from __future__ import annotations

import csv
import json
import os
import stat
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/helpers_core.py, with --import-mode=importlib
from helpers_core import SECRET, STAMP, draft, observation_text, scored, write_rubric

from seeds_tui.cli import main
from seeds_tui.core.observation import Observation, load_observation, observation_to_toml
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.importer import import_files
from seeds_tui.storage.store import Store


def final(obs: Observation | None = None) -> Observation:
    """A scored, finalised observation of the small rubric."""
    obs = scored(obs)
    return obs.model_copy(update={"status": "final", "finalised": STAMP + timedelta(hours=1), "revision": 3})


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` with its bytes (to prove nothing changed)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def rubrics(tmp_path: Path) -> Path:
    folder = tmp_path / "rubrics"
    write_rubric(folder)
    return folder


@pytest.fixture
def registry(rubrics: Path) -> RubricRegistry:
    return RubricRegistry([rubrics])


@pytest.fixture
def inbox(tmp_path: Path) -> dict[str, object]:
    """A folder as observers really send it: good files, bad files, a duplicate, a clash, junk."""
    folder = tmp_path / "inbox"
    (folder / "sam").mkdir(parents=True)
    (folder / ".git").mkdir()
    good = [final(draft(team="North")), final(draft(team="South")), scored(draft(team="East"))]
    for pos, obs in enumerate(good):
        (folder / f"good{pos}.toml").write_text(observation_to_toml(obs))
    # The same observation again, under another name and with other spacing: a duplicate.
    (folder / "sam" / "copy-of-good0.toml").write_text(observation_to_toml(good[0]).replace(" = ", "   =   "))
    # Invalid: broken TOML, a value off the scale, an unknown rubric.
    (folder / "broken.toml").write_text('schema = "seeds-observation/1"\nid = = 1\n')
    off_scale = final(draft()).model_copy()
    off_scale_text = observation_to_toml(off_scale).replace("value = 2", "value = 9")
    (folder / "off-scale.toml").write_text(off_scale_text)
    (folder / "unknown-rubric.toml").write_text(observation_text().replace('id = "small"', 'id = "nowhere"'))
    # Temp files and non-TOML files.
    (folder / ".good0.toml.swp").write_bytes(b"\x00junk")
    (folder / "good1.toml~").write_text("old")
    (folder / "notes.txt").write_text("not an observation")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / ".git" / "config.toml").write_text("x = 1")
    return {"folder": folder, "good": good}


def run_import(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["import", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_mixed_folder_gives_the_right_counts_and_exit_code(
    inbox: dict, rubrics: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    # The store already holds an observation; the inbox has another version of it (a conflict).
    ours = final(draft(team="West"))
    Store(store).ensure()
    Store(store).final_path(ours.id).write_text(observation_to_toml(ours))
    ours_before = snapshot(store)
    (inbox["folder"] / "sam" / "edited.toml").write_text(observation_to_toml(ours.model_copy(update={"globals": {"partnership": 1}})))
    code, out, _ = run_import(capsys, str(inbox["folder"]), "--store", str(store), "--rubrics", str(rubrics), "--json")
    data = json.loads(out)
    assert code == 1
    assert data["counts"] == {"imported": 3, "skipped": 1, "conflict": 1, "invalid": 3, "ignored": 4}
    after = snapshot(store)
    assert all(after[name] == content for name, content in ours_before.items())  # the store's copy is untouched
    [kept] = [name for name in after if name.startswith("conflicts/")]
    assert after[kept] == (inbox["folder"] / "sam" / "edited.toml").read_bytes()
    by_source = {Path(r["source"]).name: r for r in data["rows"]}
    assert by_source["copy-of-good0.toml"]["outcome"] == "skipped"
    assert by_source["unknown-rubric.toml"]["outcome"] == "invalid"
    assert "nowhere" in by_source["unknown-rubric.toml"]["message"] and "--rubrics" in by_source["unknown-rubric.toml"]["message"]
    assert "scores.structure.agenda.value" in by_source["off-scale.toml"]["message"]
    assert by_source["broken.toml"]["message"].startswith("line ")
    assert by_source["notes.txt"]["outcome"] == "ignored"
    assert "config.toml" not in by_source  # hidden folders are not searched
    # The valid ones are in the store, finals and drafts in their own folders, owner-only.
    good = inbox["good"]
    for obs in good:
        path = Store(store).path_of(obs)
        assert load_observation(path) == obs
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in (store / "drafts").iterdir()) == [f"{good[2].id}.toml"]
    assert len(list((store / "observations").iterdir())) == 3
    # No file from the bad ones reached the store; no temp files were left behind.
    expected = [Store(store).path_of(o).relative_to(store).as_posix() for o in [*good, ours]]
    assert sorted(after) == sorted([*expected, kept])


def test_json_output_is_one_object_and_messages_never_echo_values(
    inbox: dict, rubrics: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = inbox["folder"] / "bad-name.toml"
    bad.write_text(observation_text().replace(f'practitioner = "{SECRET}"', f'practitioner = "{SECRET}"\nnickname = "{SECRET}"'))
    code, out, err = run_import(capsys, str(inbox["folder"]), "--store", str(tmp_path / "s"), "--rubrics", str(rubrics), "--json")
    assert code == 1
    data = json.loads(out)  # stdout is exactly one JSON document
    assert set(data) >= {"dry_run", "counts", "rows"}
    assert err == ""
    assert SECRET not in out
    row = next(r for r in data["rows"] if r["source"].endswith("bad-name.toml"))
    assert row["outcome"] == "invalid" and "session.nickname" in row["message"]


def test_same_import_twice_changes_nothing(inbox: dict, rubrics: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    (inbox["folder"] / "broken.toml").unlink()
    (inbox["folder"] / "off-scale.toml").unlink()
    (inbox["folder"] / "unknown-rubric.toml").unlink()
    code, out, _ = run_import(capsys, str(inbox["folder"]), "--store", str(store), "--rubrics", str(rubrics))
    assert code == 0
    assert "imported 3, skipped 1, conflicts 0, invalid 0, ignored 4" in out
    before = snapshot(store)
    mtimes = {p: p.stat().st_mtime_ns for p in store.rglob("*")}
    code, out, _ = run_import(capsys, str(inbox["folder"]), "--store", str(store), "--rubrics", str(rubrics))
    assert code == 0
    assert "imported 0, skipped 4, conflicts 0, invalid 0, ignored 4" in out
    assert snapshot(store) == before
    assert {p: p.stat().st_mtime_ns for p in store.rglob("*")} == mtimes


def test_conflict_keeps_both_versions_and_never_overwrites(rubrics: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ours = final()
    store = Store(tmp_path / "store")
    store.ensure()
    store.final_path(ours.id).write_text(observation_to_toml(ours))
    theirs = ours.model_copy(update={"globals": {"partnership": 2}})
    incoming = tmp_path / "in" / "theirs.toml"
    incoming.parent.mkdir()
    incoming.write_text(observation_to_toml(theirs))
    before = store.final_path(ours.id).read_bytes()

    code, out, _ = run_import(capsys, str(incoming), "--store", str(store.root), "--rubrics", str(rubrics))
    assert code == 1
    assert "conflicts 1" in out and ours.id in out
    assert store.final_path(ours.id).read_bytes() == before
    kept = list((store.root / "conflicts").iterdir())
    assert len(kept) == 1 and kept[0].name.startswith(ours.id)
    assert kept[0].read_bytes() == incoming.read_bytes()
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    # Importing the same conflicting file again keeps exactly one copy aside.
    code, _, _ = run_import(capsys, str(incoming), "--store", str(store.root), "--rubrics", str(rubrics))
    assert code == 1
    assert len(list((store.root / "conflicts").iterdir())) == 1


def test_incoming_final_of_a_draft_edited_further_in_the_store_is_a_conflict(
    rubrics: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = scored()
    store = Store(tmp_path / "store")
    saved = store.save_draft(ours)
    for _ in range(4):  # the draft was worked on here after the incoming final was made
        saved = store.save_draft(saved)
    incoming = tmp_path / "final.toml"
    incoming.write_text(observation_to_toml(final(ours)))
    code, out, _ = run_import(capsys, str(incoming), "--store", str(store.root), "--rubrics", str(rubrics))
    assert code == 1
    assert "holds a draft" in out
    assert not store.final_path(ours.id).exists()


def test_dry_run_writes_nothing_and_reports_what_would_happen(
    inbox: dict, rubrics: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    report = tmp_path / "report.csv"
    code, out, _ = run_import(
        capsys, str(inbox["folder"]), "--store", str(store), "--rubrics", str(rubrics), "--dry-run", "--report", str(report)
    )
    assert code == 1
    assert "imported 3, skipped 1, conflicts 0, invalid 3, ignored 4 (dry run: nothing was written)" in out
    assert not store.exists()
    rows = list(csv.DictReader(report.open()))
    assert [*rows[0]] == ["source", "id", "outcome", "message", "path"]
    assert sum(r["outcome"] == "imported" for r in rows) == 3
    assert stat.S_IMODE(report.stat().st_mode) == 0o600


def test_json_report_file(inbox: dict, rubrics: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.json"
    args = [str(inbox["folder"]), "--store", str(tmp_path / "s"), "--rubrics", str(rubrics), "--report", str(report)]
    code, _, _ = run_import(capsys, *args)
    assert code == 1
    rows = json.loads(report.read_text())
    assert {r["outcome"] for r in rows} == {"imported", "skipped", "invalid", "ignored"}


def test_missing_source_is_an_input_problem_and_usage_errors_exit_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_import(capsys, str(tmp_path / "missing"), "--store", str(tmp_path / "s"))
    assert code == 1 and "no such file or folder (nothing was imported)" in err
    assert not (tmp_path / "s").exists()
    code, _, err = run_import(capsys, str(tmp_path), "--store", str(tmp_path / "s"), "--report", str(tmp_path / "r.xlsx"))
    assert code == 2 and ".csv or .json" in err


def test_zip_of_observations_is_imported_and_unsafe_members_refused(rubrics: Path, tmp_path: Path, registry: RubricRegistry) -> None:
    good = [final(draft(team=t)) for t in ("North", "South")]
    archive = tmp_path / "from-sam.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("obs/", "")
        zf.writestr("obs/a.toml", observation_to_toml(good[0]))
        zf.writestr("obs/b.toml", observation_to_toml(good[1]))
        zf.writestr("../escape.toml", observation_to_toml(good[0]))
        zf.writestr("__MACOSX/obs/._a.toml", b"\x00\x05")
        zf.writestr("readme.txt", "hello")
        # A zip bomb: a tiny compressed member that would unpack far past the size cap.
        zf.writestr("bomb.toml", b"#" * (3 * 1024 * 1024))
    store = Store(tmp_path / "store")
    result = import_files([archive], store, registry)
    assert result.counts == {"imported": 2, "skipped": 0, "conflict": 0, "invalid": 2, "ignored": 2}
    rows = {r.source.split(":", 1)[1]: r for r in result.rows}
    assert "unsafe path" in rows["../escape.toml"].message
    assert "larger than" in rows["bomb.toml"].message
    assert not (tmp_path / "escape.toml").exists()
    assert {o.id for _, o in store.iter_observations()} == {o.id for o in good}


def test_zip_member_that_lies_about_its_size_is_capped(tmp_path: Path, registry: RubricRegistry) -> None:
    archive = tmp_path / "liar.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.toml", b"#" * (3 * 1024 * 1024))
    # Patch the declared size in both headers to something small.
    data = bytearray(archive.read_bytes())
    real = (3 * 1024 * 1024).to_bytes(4, "little")
    data = data.replace(real, (100).to_bytes(4, "little"))
    archive.write_bytes(bytes(data))
    result = import_files([archive], Store(tmp_path / "store"), registry)
    assert result.counts["invalid"] == 1
    assert result.counts["imported"] == 0


def test_a_damaged_zip_is_invalid_not_a_crash(tmp_path: Path, registry: RubricRegistry) -> None:
    archive = tmp_path / "damaged.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    result = import_files([archive], Store(tmp_path / "store"), registry)
    assert [r.outcome for r in result.rows] == ["invalid"]
    assert "zip" in result.rows[0].message


def test_two_copies_in_one_dry_run_are_judged_against_each_other(tmp_path: Path, registry: RubricRegistry) -> None:
    obs = final()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.toml").write_text(observation_to_toml(obs))
    (folder / "b.toml").write_text(observation_to_toml(obs))
    (folder / "c.toml").write_text(observation_to_toml(obs.model_copy(update={"counters": {"question": 1}})))
    for dry_run in (True, False):
        result = import_files([folder], Store(tmp_path / f"store-{dry_run}"), registry, dry_run=dry_run)
        assert [r.outcome for r in result.rows] == ["imported", "skipped", "conflict"]


def test_importing_a_store_into_another_skips_its_history_and_conflicts(tmp_path: Path, registry: RubricRegistry) -> None:
    rubric = registry.get("small").rubric
    source = Store(tmp_path / "theirs")
    obs = source.save_draft(scored())
    finalised, _ = source.finalise(obs, rubric)
    corrected, _ = source.save_correction(finalised.model_copy(update={"counters": {"question": 9}}), rubric)
    assert list(source.history_dir.iterdir())
    result = import_files([source.root], Store(tmp_path / "ours"), registry)
    assert result.counts["imported"] == 1 and result.counts["conflict"] == 0
    assert Store(tmp_path / "ours").load(obs.id) == corrected


def test_concurrent_imports_write_each_id_once(tmp_path: Path, rubrics: Path) -> None:
    """Two imports of overlapping inboxes at once: every id lands once, nothing is lost or doubled."""
    import subprocess

    folder = tmp_path / "in"
    folder.mkdir()
    for pos in range(40):
        (folder / f"{pos}.toml").write_text(observation_to_toml(final(draft(team=f"T{pos}"))))
    store = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    cmd = [sys.executable, "-m", "seeds_tui", "import", str(folder), "--store", str(store), "--rubrics", str(rubrics), "--json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
    outputs = [json.loads(p.communicate(timeout=60)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    imported = sum(o["counts"]["imported"] for o in outputs)
    skipped = sum(o["counts"]["skipped"] for o in outputs)
    assert imported == 40 and skipped == 40
    assert len(list((store / "observations").glob("*.toml"))) == 40
    assert not [p for p in (store / "observations").iterdir() if p.name.startswith(".")]


def test_odd_file_names_are_reported_safely(tmp_path: Path, rubrics: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Undecodable bytes and terminal escape sequences in names never reach the screen or the report raw."""
    folder = tmp_path / "in"
    folder.mkdir()
    odd = os.fsencode(folder) + b"/caf\xe9 \x1b[31mred.toml"
    with open(odd, "wb") as handle:
        handle.write(observation_text().encode())
    report = tmp_path / "r.csv"
    code, out, _ = run_import(capsys, str(folder), "--store", str(tmp_path / "s"), "--rubrics", str(rubrics), "-v", "--report", str(report))
    assert code == 0
    assert "\x1b" not in out and "\x1b" not in report.read_text()
    assert "caf\ufffd ?[31mred.toml" in out
