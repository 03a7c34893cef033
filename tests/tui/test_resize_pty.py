"""Resizing the real terminal with a note being written: the note is drawn again, wrapped to the new width.

Textual 8's TextArea drew its lines at the new size still wrapped to the old width, and rewrapped
afterwards without drawing them again: in tmux, after a resize the note showed its old lines (cut,
or short with words missing) until the next key (``NoteArea.on_resize``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pty_app import PtyApp

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX"), pytest.mark.xdist_group("pty")]

NOTE = "Section note: she set the agenda together with the person and agreed the three things they would cover today."


def test_a_section_note_is_rewrapped_on_screen_when_the_terminal_is_resized(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with PtyApp(["--store", str(store)], cwd=tmp_path, resizable=True) as app:
        app.start_observation()
        app.write("\t" + NOTE)  # into the section notes
        assert app.read_until("cover today."), "the note was not drawn"
        app.settle(0.5)
        # At 80 columns "three" starts the note's second line; at 120 the first line holds it.
        mark = len(app.output)
        app.resize(40, 120)
        assert app.read_until("and agreed the three", since=mark, timeout=10), "the note kept its old lines after the resize"
        app.settle(0.5)
        mark = len(app.output)
        app.resize(24, 80)  # and back: the first line ends at "agreed the" again, never cut mid-word
        assert app.read_until("three things they would", since=mark, timeout=10), "the note kept its wide lines after the resize"
        app.write("\x1b\x11")
        assert app.wait(30) == 0
