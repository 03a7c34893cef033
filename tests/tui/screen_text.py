"""Plain-text captures of the app's screen, for snapshot tests and for looking at screens.

Textual exports the screen as SVG; each run of text carries its column (``x``) and its
line (``clip-path ... line-N``). Laying the runs out on a grid gives the screen as text,
which is easy to diff and independent of colours and themes.
"""

from __future__ import annotations

import difflib
import html
import os
import re
from pathlib import Path

from textual.app import App

CHAR_WIDTH = 12.2  # rich's SVG export: 0.61 * font size 20
_TEXT = re.compile(
    r'<text class="[^"]*" x="([0-9.]+)" y="[0-9.]+" textLength="[0-9.]+" clip-path="url\(#[^)]*-line-(\d+)\)">([^<]*)</text>'
)
SNAPSHOTS = Path(__file__).parent / "snapshots"


def screen_text(app: App) -> str:
    """The current screen as lines of text (trailing spaces removed)."""
    svg = app.export_screenshot()
    width, height = app.size
    grid = [[" "] * width for _ in range(height)]
    for x, line, text in _TEXT.findall(svg):
        row = int(line)
        col = round(float(x) / CHAR_WIDTH)
        for offset, char in enumerate(html.unescape(text).replace("\xa0", " ")):
            if 0 <= row < height and 0 <= col + offset < width:
                grid[row][col + offset] = char
    return "\n".join("".join(r).rstrip() for r in grid) + "\n"


def assert_snapshot(app: App, name: str, replace: dict[str, str] | None = None) -> None:
    """Compare the screen with ``snapshots/<name>.txt``; SEEDS_UPDATE_SNAPSHOTS=1 rewrites it.

    ``replace`` swaps volatile text (such as a temp folder) for a fixed word first.
    """
    actual = screen_text(app)
    for old, new in (replace or {}).items():
        actual = actual.replace(old, new)
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("SEEDS_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if os.environ.get("SEEDS_UPDATE_SNAPSHOTS") != "1":
            raise AssertionError(f"new snapshot written to {path}; check it and run again")
        return
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "\n".join(difflib.unified_diff(expected.splitlines(), actual.splitlines(), "expected", "actual", lineterm=""))
        raise AssertionError(f"screen differs from {path} (SEEDS_UPDATE_SNAPSHOTS=1 to accept):\n{diff}")
