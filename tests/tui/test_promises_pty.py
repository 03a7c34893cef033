"""The app's promises (issue 11), each tried as a user (or an attacker) would: the real app in a pseudo-terminal.

* every kind of unsaved work survives SIGTERM / SIGHUP, written where the terminal says, with a
  non-zero exit status when it had to be kept somewhere other than its own file;
* a long paste never crashes the app and never shows the text in a traceback;
* control characters from a rubric or an observation never reach the terminal;
* a crash shows one plain paragraph (no traceback, no field values) and leaves a report;
* the terminal closing during start-up never leaves the app hanging;
* another program holding the store's lock is "busy", never "someone else saved".
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from pty_app import PtyApp, paste
from tui_helpers import FROZEN, finalised

from seeds_tui.core.observation import RubricRef, Score, Session, load_observation, new_observation
from seeds_tui.core.rubric import RubricRegistry, bundled_rubric_dir
from seeds_tui.storage.store import Store

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX"), pytest.mark.xdist_group("pty")]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data folder (rescued work, crash reports) for this test."""
    folder = tmp_path / "data"
    monkeypatch.setenv("SEEDS_DATA_DIR", str(folder))
    return folder


# -- hang-up: every kind of unsaved work ---------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_correction_in_progress_is_kept_aside_on_a_hang_up_and_the_exit_says_so(tmp_path: Path, data_dir: Path, sig: int) -> None:
    store_dir = tmp_path / "store"
    store, registry = Store(store_dir), RubricRegistry([bundled_rubric_dir()])
    obs_id = finalised(store, registry)
    final_before = store.final_path(obs_id).read_bytes()
    with PtyApp(["--store", str(store_dir)], cwd=tmp_path) as app:
        assert app.read_until("final")
        app.settle(0.5)
        app.type("\r")
        assert app.read_until("read-only")
        app.type("c")
        assert app.read_until("Correcting")
        app.type("\x1bOQ")  # F2: scoring
        assert app.read_until("clock")
        app.settle(0.3)
        app.type("e")
        assert app.read_until("Evidence")
        app.type("corrected zqx")
        app.settle(0.3)
        app.write("\x1b")
        app.settle(1.0)  # "wait": no autosave writes a correction
        app.signal(sig)
        status = app.wait(30)
    assert status == 1, app.text()[-2000:]
    assert store.final_path(obs_id).read_bytes() == final_before, "a correction was written without Ctrl+S"
    kept = list((store_dir / "conflicts").glob(f"{obs_id}*.toml"))
    assert len(kept) == 1
    assert any(s.evidence == "corrected zqx" for items in load_observation(kept[0]).scores.values() for s in items.values())
    assert str(kept[0]) in app.text().replace("\r\n", "").replace("\n", "")


def test_the_set_up_form_is_kept_on_a_hang_up(tmp_path: Path, data_dir: Path) -> None:
    with PtyApp(["--store", str(tmp_path / "store")], cwd=tmp_path) as app:
        assert app.read_until("New observation")
        app.type("n")
        assert app.read_until("choose a rubric")
        app.type("\r")
        assert app.read_until("session details")
        app.type("Sam Observer\tPat Zedhangup")
        assert app.read_until("Zedhangup")
        app.signal(signal.SIGHUP)
        status = app.wait(30)
    assert status == 1
    [kept] = list((data_dir / "rescued").glob("*.toml"))
    assert "Pat Zedhangup" in kept.read_text(encoding="utf-8") and "Sam Observer" in kept.read_text(encoding="utf-8")
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    assert "rescued" in app.text()


# -- long pastes -----------------------------------------------------------------------------------


def test_a_paste_past_the_limit_keeps_what_fits_and_says_so_without_a_traceback(tmp_path: Path, data_dir: Path) -> None:
    store_dir = tmp_path / "store"
    secret = "private words zqx "
    text = (secret * 1300)[:22_000]
    with PtyApp(["--store", str(store_dir)], cwd=tmp_path) as app:
        app.start_observation()
        app.type("e")
        assert app.read_until("Evidence")
        app.settle(0.3)
        app.write(paste(text))
        assert app.read_until("Too long"), "no word about the limit"
        app.settle(0.5)
        app.write("x")  # typing past the limit: refused with the same message, nothing breaks
        app.settle(0.5)
        app.write("\x1b")
        app.settle(0.5)
        app.write("\x11")
        status = app.wait(30)
    assert status == 0, app.text()[-2000:]
    [draft] = list((store_dir / "drafts").glob("*.toml"))
    notes = [s.evidence for items in load_observation(draft).scores.values() for s in items.values() if s.evidence]
    assert notes == [text[:20_000]]
    assert "Traceback" not in app.text()


def test_a_key_typed_into_a_note_redraws_the_note_not_the_whole_screen(tmp_path: Path, data_dir: Path) -> None:
    """Over SSH every byte counts: the scoring screen dimmed behind the note is redrawn once the note closes, not per key."""
    with PtyApp(["--store", str(tmp_path / "store")], cwd=tmp_path) as app:
        app.start_observation()
        app.type("e")
        assert app.read_until("Evidence")
        app.settle(1.0)
        mark = len(app.output)
        for key in "abcdefghijklmnopqrst":
            app.write(key)
            app.settle(0.15)
        per_key = (len(app.output) - mark) / 20
        app.write("\x1b")
        app.settle(0.5)
        app.write("\x11")
        assert app.wait(30) == 0
    # Measured: about 3,100 bytes a key (the clock's tick included); 12,500 when every key redrew the screen behind.
    assert per_key < 6000, f"{per_key:.0f} bytes written to the terminal per key typed into a note"


# -- control characters from files -----------------------------------------------------------------


def test_control_characters_in_a_rubric_and_a_note_never_reach_the_terminal(tmp_path: Path, data_dir: Path) -> None:
    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    source = (bundled_rubric_dir() / "jersey-interview-skills.toml").read_text(encoding="utf-8")
    hostile = source.replace('id = "jersey-interview-skills"', 'id = "hostile-rubric"', 1)
    title_line = next(line for line in hostile.splitlines() if line.startswith("title = "))
    hostile = hostile.replace(title_line, 'title = "Hostile \\u001b]0;zqxwindow\\u0007 \\u001b[2Jzqxwipe"', 1)
    (rubrics / "hostile.toml").write_text(hostile, encoding="utf-8")
    store_dir = tmp_path / "store"
    store = Store(store_dir)
    registry = RubricRegistry([bundled_rubric_dir(), rubrics])
    loaded = registry.get("hostile-rubric")
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=FROZEN.date(), observer="Sam", practitioner="Pat Red", team="North"),
    )
    first = rubric.sections[0]
    note = "seen \x1b]0;zqxnote\x07 then \x1b[2Jzqxclear"
    store.save_draft(obs.model_copy(update={"scores": {first.id: {first.items[0].id: Score(value=1, evidence=note)}}}))
    with PtyApp(["--store", str(store_dir), "--rubrics", str(rubrics)], cwd=tmp_path, size=(40, 120)) as app:
        assert app.read_until("Red")
        app.settle(0.5)
        app.type("\r")  # open the draft: the scoring screen shows the rubric's title and the note
        assert app.read_until("zqxclear"), app.text()[-1500:]
        app.settle(0.5)
        app.write("\x11")
        app.wait(30)
    out = bytes(app.output)
    for payload in (b"\x1b]0;zqx", b"\x1b[2Jzqx"):
        assert payload not in out, f"{payload!r} reached the terminal"
    assert "␛[2Jzqxclear" in app.text()  # shown, as a visible stand-in


# -- the last resort -------------------------------------------------------------------------------

CRASHING = textwrap.dedent(
    """
    import sys
    from seeds_tui.tui.screens import home

    def broken(self):
        secret = "zqxsecret typed by the user"
        raise RuntimeError(f"a bug holding {secret}")

    home.HomeScreen.action_new = broken
    from seeds_tui.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def test_a_crash_shows_one_plain_paragraph_and_leaves_a_report_without_any_field_value(tmp_path: Path, data_dir: Path) -> None:
    with PtyApp(["--store", str(tmp_path / "store")], cwd=tmp_path, script=CRASHING) as app:
        assert app.read_until("New observation")
        app.settle(0.3)
        app.type("n")
        status = app.wait(30)
    text = app.text()
    assert status == 3, text[-2000:]
    assert "stopped because of an unexpected problem" in text
    assert "Traceback" not in text and "zqxsecret" not in text and "secret =" not in text
    [report] = list((data_dir / "crash-reports").glob("*.txt"))
    body = report.read_text(encoding="utf-8")
    assert "RuntimeError" in body and "zqxsecret" not in body
    assert str(report) in text.replace("\r\n", "").replace("\n", "")


# -- the terminal closing during start-up -------------------------------------------------------------


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0, 1.5])
def test_the_terminal_closing_during_start_up_never_leaves_the_app_hanging(tmp_path: Path, data_dir: Path, delay: float) -> None:
    app = PtyApp(["--store", str(tmp_path / "store")], cwd=tmp_path)
    try:
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline:
            app.pump(0.01)
        app.close_terminal()
        status = app.wait(20)
        assert status is not None, f"the app still runs 20 s after its terminal closed {delay} s into start-up"
    finally:
        app.kill()
    # The terminal going away is a hang-up, not a bug: no crash report (its writes failing are expected).
    assert not list(data_dir.glob("crash-reports/*.txt")), [p.read_text() for p in data_dir.glob("crash-reports/*.txt")]


@pytest.mark.parametrize("delay", [0.05, 0.25])
@pytest.mark.parametrize("key", ["s", "c"], ids=["team summary", "calibration"])
def test_a_hang_up_while_a_screen_opens_closes_cleanly_without_a_crash(tmp_path: Path, data_dir: Path, key: str, delay: float) -> None:
    with PtyApp(["--store", str(tmp_path / "store")], cwd=tmp_path) as app:
        assert app.read_until("New observation")
        app.settle(0.5)
        app.write(key)  # the screen is still being built (the Team summary imports pandas) when the signal comes
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline:
            app.pump(0.01)
        app.signal(signal.SIGTERM)
        status = app.wait(30)
    assert status == 0, app.text()[-2000:]
    assert "unexpected problem" not in app.text()
    assert not list(data_dir.glob("crash-reports/*.txt")), "a hang-up while a screen opened was reported as a crash"


# -- another program holds the store's lock ------------------------------------------------------------

HOLD_LOCK = textwrap.dedent(
    """
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    """
)


def test_a_busy_store_during_a_hang_up_is_never_reported_as_someone_else_saving(tmp_path: Path, data_dir: Path) -> None:
    store_dir = tmp_path / "store"
    with PtyApp(["--store", str(store_dir)], cwd=tmp_path) as app:
        app.start_observation()
        app.settle(1.0)  # the new draft is on disk
        [draft] = list((store_dir / "drafts").glob("*.toml"))
        # The observation's own lock (the store locks each observation on its own: STORE/.locks/<ID>.lock).
        lock = store_dir / ".locks" / f"{draft.stem}.lock"
        holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lock), "60"], stdout=subprocess.PIPE)
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
            app.write("2")
            app.settle(1.5)  # the autosave now waits for the lock
            started = time.monotonic()
            app.signal(signal.SIGTERM)
            status = app.wait(30)
            took = time.monotonic() - started
        finally:
            holder.kill()
            holder.wait()
    text = app.text()
    assert status is not None and took < 15, "a save stuck on the lock blocked the close"
    assert "Someone else saved" not in text and "someone else saved" not in text
    reports = list((data_dir / "crash-reports").glob("*.txt")) if (data_dir / "crash-reports").exists() else []
    assert status == 1, [r.read_text() for r in reports] or text[-2000:]
    kept = [p for p in (store_dir / "conflicts").glob("*.toml")] if (store_dir / "conflicts").exists() else []
    kept += list((data_dir / "rescued").glob("*.toml")) if (data_dir / "rescued").exists() else []
    assert len(kept) == 1
    assert any(s.value == 2 for items in load_observation(kept[0]).scores.values() for s in items.values())
    assert "busy" in text


def test_ctrl_q_on_a_stuck_save_asks_within_seconds_and_quitting_keeps_the_work(tmp_path: Path, data_dir: Path) -> None:
    store_dir = tmp_path / "store"
    with PtyApp(["--store", str(store_dir)], cwd=tmp_path) as app:
        app.start_observation()
        app.settle(1.0)
        [draft] = list((store_dir / "drafts").glob("*.toml"))
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(store_dir / ".locks" / f"{draft.stem}.lock"), "60"], stdout=subprocess.PIPE
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
            app.write("2")
            app.settle(0.5)
            mark = len(app.output)
            started = time.monotonic()
            app.write("\x11")  # Ctrl+Q while the save waits for the lock
            assert app.read_until("busy", since=mark, timeout=15), app.text()[-1500:]
            asked = time.monotonic() - started
            app.settle(0.3)
            app.write("y")  # quit anyway
            status = app.wait(20)
            closed = time.monotonic() - started
        finally:
            holder.kill()
            holder.wait()
    assert asked < 8, f"Ctrl+Q waited {asked:.1f} s on a stuck save before saying so"
    assert status == 1 and closed < 15, (status, closed)
    kept = list((store_dir / "conflicts").glob("*.toml")) + list((data_dir / "rescued").glob("*.toml"))
    assert len(kept) == 1 and any(s.value == 2 for items in load_observation(kept[0]).scores.values() for s in items.values())
    assert str(kept[0]) in app.text().replace("\r\n", "").replace("\n", "")


# -- every other kind of unsaved work on a hang-up -----------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_after_session_text_typed_just_before_a_hang_up_is_in_the_draft_and_the_terminal_says_where(
    tmp_path: Path, data_dir: Path, sig: int
) -> None:
    store_dir = tmp_path / "store"
    with PtyApp(["--store", str(store_dir)], cwd=tmp_path) as app:
        app.start_observation()
        app.write("\x1bOR")  # F3: the Jersey rubric has no global ratings, the self-assessment has the cursor
        assert app.read_until("self-assessment")
        app.settle(0.5)
        app.write("They said it went well zqxhang")
        assert app.read_until("zqxhang")
        app.signal(sig)  # before the autosave's delay has passed
        status = app.wait(30)
    assert status == 0, app.text()[-2000:]
    [draft] = list((store_dir / "drafts").glob("*.toml"))
    assert load_observation(draft).feedback.self_assessment == "They said it went well zqxhang"
    assert str(draft) in app.text().replace("\r\n", "").replace("\n", ""), "the terminal did not say where the draft is"


def _calibration_pair(store: Store, registry: RubricRegistry) -> tuple[str, str]:
    import importlib.util

    # The calibration screen's tests build the pair (tests/test_calibration.py shares the module name, so by path).
    spec = importlib.util.spec_from_file_location("tui_calibration_cases", Path(__file__).with_name("test_calibration.py"))
    assert spec is not None and spec.loader is not None
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    (_, first) = cases.calibration_observation(store, registry, "Sam", cases.SAM, {})
    (_, second) = cases.calibration_observation(store, registry, "Alex", cases.ALEX, {})
    return first.id, second.id


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_consensus_rationale_typed_just_before_a_hang_up_is_in_its_draft(tmp_path: Path, data_dir: Path, sig: int) -> None:
    from seeds_tui.calibration.consensus import draft_choices, load_consensus_draft

    store_dir = tmp_path / "store"
    store = Store(store_dir)
    first, second = _calibration_pair(store, RubricRegistry.default())
    with PtyApp(["--store", str(store_dir)], cwd=tmp_path) as app:
        assert app.read_until("observations")
        app.settle(0.5)
        app.write("c")
        assert app.read_until("ready to compare")
        app.write("\r")
        assert app.read_until("Comparison")
        app.settle(0.3)
        app.write("a2eBoth saw half of it zqxhang")  # agree item 1 at 2, write why
        assert app.read_until("zqxhang")
        app.signal(sig)
        status = app.wait(30)
    assert status == 0, app.text()[-2000:]
    found = load_consensus_draft(store, first, second)
    assert found is not None, "the consensus in progress was not saved"
    scores, rationale = draft_choices(found[1])
    assert scores["beginning.agenda"].value == 2 and rationale == {"beginning.agenda": "Both saw half of it zqxhang"}
    assert str(found[0]) in app.text().replace("\r\n", "").replace("\n", ""), "the terminal did not say where it is"


# -- Ctrl+C ------------------------------------------------------------------------------------------


def test_ctrl_c_says_how_to_quit_in_plain_words(tmp_path: Path, data_dir: Path) -> None:
    with PtyApp(["--store", str(tmp_path / "store")], cwd=tmp_path) as app:
        assert app.read_until("New observation")
        app.settle(0.3)
        app.write("\x03")
        assert app.read_until("Ctrl+Q to quit"), "Ctrl+C said nothing on the home screen"
        app.start_observation()
        mark = len(app.output)
        app.write("\x03")
        assert app.read_until("Ctrl+Q to quit", since=mark), "Ctrl+C said nothing on the scoring screen"
        app.settle(0.3)
        app.write("\x11")
        assert app.wait(30) == 0
    text = app.text()
    assert "[b]" not in text and "[/b]" not in text and "Traceback" not in text
