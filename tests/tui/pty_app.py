"""The real app in a real pseudo-terminal: keys written to the terminal at once, signals, the terminal closed.

``PtyApp`` starts ``python -m seeds_tui`` (or a given script) on a pty of 80x24 (or another
size), keeps every byte the app writes, and lets a test write bytes all at once (a burst:
0 ms between keys), send signals and wait for the exit status. POSIX only (the tests that
use it are skipped elsewhere).
"""

from __future__ import annotations

import contextlib
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ESC = "\x1b"
KEYS = {"enter": "\r", "tab": "\t", "esc": ESC, "ctrl+s": "\x13", "ctrl+q": "\x11", "f2": "\x1bOQ", "f3": "\x1bOR", "f4": "\x1bOS"}


def paste(text: str) -> bytes:
    """``text`` as a terminal sends a paste (bracketed paste mode, which Textual turns on)."""
    return f"{ESC}[200~{text}{ESC}[201~".encode()


class PtyApp:
    """One run of the app in a pseudo-terminal."""

    def __init__(
        self, args: list[str], *, cwd: Path, size: tuple[int, int] = (24, 80), script: str | None = None, resizable: bool = False
    ) -> None:
        """``resizable``: the app reads its size from the terminal only (no COLUMNS/LINES, which would pin it), so ``resize`` works."""
        import fcntl
        import pty
        import struct
        import termios

        self.leader, follower = pty.openpty()
        rows, cols = size
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
        if resizable:
            del env["COLUMNS"], env["LINES"]
        command = [sys.executable, "-c", script, *args] if script is not None else [sys.executable, "-m", "seeds_tui", *args]
        self.started = time.monotonic()
        self.child = subprocess.Popen(
            command, stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True, cwd=cwd, close_fds=True
        )
        os.close(follower)
        self.output = bytearray()
        self.closed = False

    # -- reading -----------------------------------------------------------------------

    def pump(self, timeout: float = 0.05) -> None:
        """Read what the app wrote (as a terminal does), for up to ``timeout`` seconds."""
        import select

        if self.closed:
            time.sleep(timeout)
            return
        ready, _, _ = select.select([self.leader], [], [], timeout)
        if ready:
            try:
                chunk = os.read(self.leader, 65536)
            except OSError:
                chunk = b""
            if chunk:
                self.output.extend(chunk)

    def read_until(self, wanted: bytes | str, timeout: float = 30.0, *, since: int = 0) -> bool:
        """Read until ``wanted`` is on screen (after offset ``since`` of the output); False after ``timeout``."""
        wanted_bytes = wanted.encode() if isinstance(wanted, str) else wanted
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if wanted_bytes in self.output[since:]:
                return True
            if self.child.poll() is not None:
                self.pump(0.05)
                return wanted_bytes in self.output[since:]
            self.pump()
        return wanted_bytes in self.output[since:]

    def settle(self, seconds: float) -> None:
        """Keep reading for ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.pump()

    # -- writing -------------------------------------------------------------------------

    def write(self, data: bytes | str) -> None:
        """Write every byte at once (one burst, as a fast typist over SSH or tmux delivers it)."""
        os.write(self.leader, data.encode() if isinstance(data, str) else data)

    def type(self, keys: str, gap: float = 0.02) -> None:
        """Type ``keys`` one at a time, ``gap`` seconds apart (reading the screen meanwhile)."""
        for key in keys:
            self.write(key)
            self.settle(gap)

    def start_observation(self) -> None:
        """From the home screen: a new observation of the first rubric, its details typed, on the scoring screen."""
        assert self.read_until("New observation"), "the home screen did not appear"
        self.type("n")
        assert self.read_until("choose a rubric")
        self.type("\r")
        assert self.read_until("session details")
        self.type("Sam Observer\tPat P\tNorth\x13")
        assert self.read_until("clock"), "the scoring screen did not appear"
        self.settle(0.3)

    def resize(self, rows: int, cols: int) -> None:
        """Resize the terminal, as a window manager or ``tmux resize-window`` does (needs ``resizable``)."""
        import fcntl
        import termios

        fcntl.ioctl(self.leader, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.child.send_signal(signal.SIGWINCH)

    # -- ending --------------------------------------------------------------------------

    def signal(self, sig: int) -> None:
        """Send a signal to the app."""
        self.child.send_signal(sig)

    def close_terminal(self) -> None:
        """Close the terminal (the pty's leader side): the app gets SIGHUP and reads end-of-file."""
        if not self.closed:
            os.close(self.leader)
            self.closed = True

    def wait(self, timeout: float = 30.0) -> int | None:
        """Wait for the exit status (reading the screen meanwhile); None if still running after ``timeout``."""
        deadline = time.monotonic() + timeout
        while self.child.poll() is None and time.monotonic() < deadline:
            self.pump(0.05)
        self.pump(0.05)
        return self.child.poll()

    def text(self) -> str:
        """Everything the app wrote, as text."""
        return self.output.decode("utf-8", errors="replace")

    def kill(self) -> None:
        """End the app (if still running) and close the terminal."""
        if self.child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.child.send_signal(signal.SIGKILL)
            self.child.wait(10)
        if not self.closed:
            os.close(self.leader)
            self.closed = True

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
