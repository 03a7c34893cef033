"""The terminal goes away mid-note (an SSH connection drops, the window is closed): what was typed is saved.

The real app runs in a pseudo-terminal, is driven by keys written to it, and gets SIGHUP (or
SIGTERM) right after the last key is on screen, before the autosave's delay has passed.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from seeds_tui.core.observation import load_observation

ROOT = Path(__file__).resolve().parents[2]


def _read_until(fd: int, wanted: bytes, seen: bytearray, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            seen.extend(chunk)
            if wanted in seen:
                return True
    return False


def _type(fd: int, keys: str) -> None:
    for key in keys:
        os.write(fd, key.encode())
        time.sleep(0.02)


@pytest.mark.parametrize(
    "signals",
    [[signal.SIGHUP], [signal.SIGTERM], [signal.SIGHUP, signal.SIGHUP]],
    ids=["SIGHUP", "SIGTERM", "SIGHUP twice (bash passes it on too)"],
)
def test_an_evidence_note_typed_just_before_the_terminal_closes_is_saved(tmp_path: Path, signals: list[signal.Signals]) -> None:
    store = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    leader, follower = pty.openpty()
    os.set_blocking(leader, True)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    child = subprocess.Popen(
        [sys.executable, "-m", "seeds_tui", "--store", str(store)],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
        cwd=tmp_path,
    )
    os.close(follower)
    seen = bytearray()
    try:
        assert _read_until(leader, b"New observation", seen), "the home screen did not appear"
        _type(leader, "n")
        assert _read_until(leader, b"choose a rubric", seen)
        _type(leader, "\r")
        assert _read_until(leader, b"session details", seen)
        # Observer (focused first when empty), practitioner, team; Ctrl+S starts scoring.
        _type(leader, "Sam Observer\tPat Practitioner\tNorth\x13")
        assert _read_until(leader, b"clock", seen), "the scoring screen did not appear"
        _type(leader, "2e")
        time.sleep(0.5)
        _type(leader, "Agreed an agenda zqxhangup")
        assert _read_until(leader, b"zqxhangup", seen), "the note did not reach the screen"
        for sig in signals:
            child.send_signal(sig)
        # Keep reading, as a terminal does: the app restores the screen as it closes.
        deadline = time.monotonic() + 30
        while child.poll() is None and time.monotonic() < deadline:
            _read_until(leader, b"\x00never", seen, timeout=0.2)
        assert child.poll() is not None, "the app did not close"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(leader)
    assert child.returncode == 0
    assert not (store / "conflicts").exists() or not list((store / "conflicts").iterdir()), "our own save taken for someone else's"
    drafts = list((store / "drafts").glob("*.toml"))
    assert len(drafts) == 1
    obs = load_observation(drafts[0])
    evidence = [s.evidence for items in obs.scores.values() for s in items.values() if s.evidence]
    assert evidence == ["Agreed an agenda zqxhangup"]
    assert not [p for p in (store / "drafts").iterdir() if p.name.startswith(".")], "a temp file was left behind"
