"""``seeds-tui history list|purge``: earlier revisions kept by a correction, listed without their
content and purged on purpose, with a purge record an audit can read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/helpers_core.py, with --import-mode=importlib
from helpers_core import scored, small_rubric, write_rubric

from seeds_tui.cli import main
from seeds_tui.core.observation import LinkedNote, Observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.history import PURGE_SCHEMA, flagged_revisions, kept_revisions, purge_history, purges
from seeds_tui.storage.store import Store

SECRET = "Mr Smith born 12/03/1985 CRN X123456"


@pytest.fixture
def corrected(tmp_path: Path) -> tuple[Store, Observation, RubricRegistry]:
    """A final observation corrected twice: revisions 2 and 3 kept in history (saving the draft made
    revision 1, finalising 2), revision 2 holding a name."""
    write_rubric(tmp_path / "rubrics")
    registry = RubricRegistry([tmp_path / "rubrics"])
    rubric = small_rubric(tmp_path / "rubrics")
    store = Store(tmp_path / "store")
    obs = scored()
    draft = store.save_draft(obs.model_copy(update={"feedback": obs.feedback.model_copy(update={"strengths": [LinkedNote(text=SECRET)]})}))
    final, _ = store.finalise(draft, rubric)
    fixed, _ = store.save_correction(final.model_copy(update={"feedback": final.feedback.model_copy(update={"strengths": []})}), rubric)
    again, _ = store.save_correction(fixed.model_copy(update={"section_notes": {}}), rubric)
    return store, again, registry


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "seeds_tui", *args], input=stdin, capture_output=True, text=True, timeout=60, check=False)


def test_list_shows_revisions_and_dates_never_what_they_hold(corrected, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    store, obs, _ = corrected
    assert sorted(p.name for p in store.history_dir.iterdir()) == [f"{obs.id}.r2.toml", f"{obs.id}.r3.toml"]
    assert SECRET in (store.history_dir / f"{obs.id}.r2.toml").read_text()  # what the purge is for
    assert main(["history", "list", "--store", str(store.root)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 2 and all(line.startswith(obs.id) for line in lines)
    assert "revision 2" in lines[0] and "revision 3" in lines[1] and "saved " in lines[0] and "kept " in lines[0]
    assert "Smith" not in out and "X123456" not in out
    assert main(["history", "list", obs.id, "--store", str(store.root), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [k["revision"] for k in data["kept"]] == [2, 3] and data["purged"] == []
    assert "Smith" not in json.dumps(data)


def test_purge_one_revision_then_the_rest_leaves_a_record_without_content(corrected, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    store, obs, _ = corrected
    final_before = store.final_path(obs.id).read_bytes()
    assert main(["history", "purge", obs.id, "--revision", "2", "--yes", "--store", str(store.root)]) == 0
    assert "purged revision 2 of" in capsys.readouterr().out
    assert [k.revision for k in kept_revisions(store, obs.id)] == [3]
    record = store.history_dir / "purged.toml"
    data = tomllib.loads(record.read_text())
    assert data["schema"] == PURGE_SCHEMA
    assert [(e["id"], e["revision"], e["files"]) for e in data["purged"]] == [(obs.id, 2, 1)]
    assert set(data["purged"][0]) == {"id", "revision", "when", "files"}
    assert "Smith" not in record.read_text()
    assert os.stat(record).st_mode & 0o077 == 0  # owner-only, as every store file
    # The rest; the final file is untouched; the record keeps both purges, in order.
    assert main(["history", "purge", obs.id, "--yes", "--store", str(store.root)]) == 0
    assert kept_revisions(store, obs.id) == [] and store.final_path(obs.id).read_bytes() == final_before
    assert [(p.id, p.revision) for p in purges(store)] == [(obs.id, 2), (obs.id, 3)]
    capsys.readouterr()
    assert main(["history", "list", obs.id, "--store", str(store.root)]) == 0
    out = capsys.readouterr().out
    assert "revision 2    purged" in out and "revision 3    purged" in out
    # Nothing left to purge: not found.
    assert main(["history", "purge", obs.id, "--yes", "--store", str(store.root)]) == 1
    assert f"keeps no revision of {obs.id}" in capsys.readouterr().err


def test_the_store_still_validates_and_imports_with_a_purge_record(corrected, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    store, obs, _ = corrected
    purge_history(store, obs.id, 2)
    rubrics = str(tmp_path / "rubrics")
    assert main(["validate", str(store.root), "--rubrics", rubrics]) == 0
    assert main(["import", str(store.root), "--store", str(tmp_path / "other"), "--rubrics", rubrics]) == 0
    capsys.readouterr()
    assert Store(tmp_path / "other").final_path(obs.id).is_file()
    assert not (tmp_path / "other" / "history").exists()  # history is never imported


def test_without_a_terminal_purge_needs_yes_and_usage_errors_exit_two(corrected) -> None:  # type: ignore[no-untyped-def]
    store, obs, _ = corrected
    refused = run("history", "purge", obs.id, "--store", str(store.root), stdin="y\n")
    assert refused.returncode == 2 and "--yes" in refused.stderr and "Traceback" not in refused.stderr
    assert len(kept_revisions(store, obs.id)) == 2  # nothing purged
    bad = run("history", "purge", "Mr-Smith", "--yes", "--store", str(store.root))
    assert bad.returncode == 2 and "not an observation id" in bad.stderr and "Smith" not in bad.stderr
    assert run("history", "list", "nope", "--store", str(store.root)).returncode == 2
    assert run("history", "purge", obs.id, "--revision", "-1", "--yes", "--store", str(store.root)).returncode == 2
    missing = run("history", "purge", obs.id, "--revision", "9", "--yes", "--store", str(store.root))
    assert missing.returncode == 1 and "revision 9" in missing.stderr
    assert run("history", "list", "--store", str(store.root / "nowhere")).returncode == 1
    assert run("history", "purge", obs.id, "--yes", "--rubrics", str(store.root)).returncode == 2  # reads no rubrics
    ok = run("history", "purge", obs.id, "--yes", "--json", "--store", str(store.root))
    assert ok.returncode == 0 and [p["revision"] for p in json.loads(ok.stdout)["purged"]] == [2, 3]


def test_on_a_terminal_purge_asks_and_no_keeps_everything(corrected) -> None:  # type: ignore[no-untyped-def]
    """Through a real pseudo-terminal: the question, then 'n' (nothing purged) or 'y'."""
    import pty

    store, obs, _ = corrected

    def answer(reply: bytes) -> tuple[int, bytes]:
        pid, fd = pty.fork()
        if pid == 0:  # the child: the command, its standard input a terminal
            os.execv(sys.executable, [sys.executable, "-m", "seeds_tui", "history", "purge", obs.id, "--store", str(store.root)])
        seen = b""
        while b"[y/N]" not in seen:
            seen += os.read(fd, 1024)
        os.write(fd, reply + b"\n")
        while True:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        return os.waitstatus_to_exitcode(status), seen

    code, seen = answer(b"n")
    assert code == 0 and b"2 kept revisions" in seen and b"nothing purged" in seen
    assert len(kept_revisions(store, obs.id)) == 2
    code, seen = answer(b"y")
    assert code == 0 and b"purged revisions 2, 3 of" in seen
    assert kept_revisions(store, obs.id) == []


def test_the_kept_revisions_holding_flagged_notes_are_named_by_place(corrected) -> None:  # type: ignore[no-untyped-def]
    store, obs, registry = corrected
    rubric = registry.get("small").rubric
    assert flagged_revisions(store, obs.id, rubric) == [(2, ["strength 1"])]  # revision 3 was corrected clean
    purge_history(store, obs.id, 2)
    assert flagged_revisions(store, obs.id, rubric) == []
