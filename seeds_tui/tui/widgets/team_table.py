"""The Team summary screen's table: which columns fit, how wide, in what order the rows go.

Pure functions over the text cells ``seeds_tui.render.summary.display_table`` gives, so that
what the screen shows follows the same rules as the command's text table:

* columns are as wide as their widest cell; the suppression notes give up width first (short
  words), then Title; past the level shares and the median (``DROP_ORDER``) the notes become
  marks such as ``part`` or ``†`` explained by ``legend`` (the panel below gives the row's note
  in full), so that a note never takes Title's and the shares' room;
* when the table is still too wide, columns are left out by meaning, in ``DROP_ORDER``: the
  level shares (the panel below draws them), the median, then the shares of scored items
  together (Shown, Missed, NA and NO % are read against each other), then Title, Band...;
  the label columns (Team, Section, Item...) are never left out and stay frozen at the left;
* rows sort by any column: numbers highest first, text A to Z, suppressed rows last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len

from seeds_tui.render.summary import DASH, LABEL_KEYS, NOTE_MARKS, column_group

#: Free-text columns that shrink before anything is dropped: (widest, narrowest) in cells.
FLEXIBLE = {"title": (40, 14)}
#: Columns left out, in this order, while the table is wider than the screen. ``title:section``:
#: Title only where the row's section id says what the row is (not next to an item id);
#: ``section:item``: Section only where the item still says what the row is.
#: ``marks``: not a column but the notes drawn as marks (``note_mark``), so that they give way to
#: Title and the shares, never to the level shares or the median.
DROP_ORDER: tuple[str, ...] = (
    "levels", "median_percent", "competent", "marks", "shares", "title:section", "section:item", "note", "band", "median", "kind",
    "strengths", "practitioners", "title",
)  # fmt: skip
#: Suppression notes shortened when the full wording does not fit (the panel below has it in full).
SHORT_NOTES = {"suppressed: would reveal a hidden figure": "protects a hidden row"}
#: How a note is drawn: in full, in short words, or as a mark explained by the legend line.
FULL, SHORT, MARK = 0, 1, 2
#: The mark of a shown figure that pools only some of its quarters (the others hidden for privacy).
PART = "part"
#: The padding DataTable draws on each side of a cell.
PADDING = 1

_FEWER = "suppressed: fewer than "
_LEAVES_OUT = "leaves out "


def short_note(note: str) -> str:
    """``suppressed: fewer than 5 practitioners`` as ``< 5 practitioners`` (and the like)."""
    if note in SHORT_NOTES:
        return SHORT_NOTES[note]
    if note.startswith(_FEWER):
        return "< " + note.removeprefix(_FEWER)
    return note


def note_mark(note: str) -> str:
    """The mark standing for a note in a narrow table: ``< 5``, ``†`` (the command's mark) or ``part``."""
    if note in NOTE_MARKS:
        return NOTE_MARKS[note]
    if note.startswith(_FEWER):
        return "< " + note.removeprefix(_FEWER).partition(" ")[0]
    if note.startswith(_LEAVES_OUT):
        return PART
    return note


def drawn_note(note: str, level: int) -> str:
    """``note`` as drawn at ``level`` (``FULL``, ``SHORT`` or ``MARK``)."""
    if not note or level == FULL:
        return note
    return short_note(note) if level == SHORT else note_mark(note)


def legend(notes: Sequence[str], width: int | None = None) -> str:
    """What each mark of these notes stands for, in one line (empty when no note is a mark).

    With ``width``, the words get shorter until the line fits (the panel below has every note in full).
    """
    long: dict[str, str] = {}
    short: dict[str, str] = {}
    for note in notes:
        mark = note_mark(note)
        if not note or mark == note:
            continue
        if mark == PART:
            long[mark], short[mark] = "leaves out quarters hidden for privacy", "leaves out hidden quarters"
        else:
            long[mark], short[mark] = note.removeprefix("suppressed: "), short_note(note).removeprefix("< ")
            if mark.startswith("< "):
                short[mark] = "practitioners"
    if not long:
        return ""
    order = sorted(long, key=lambda m: (m == PART, m))
    lines = [
        "Note: " + " · ".join(f"{m} = {long[m]}" for m in order) + "; the panel below says which",
        "Note: " + " · ".join(f"{m} = {long[m]}" for m in order),
        "Note: " + " · ".join(f"{m} {short[m]}" for m in order),
    ]
    return next((line for line in lines if width is None or cell_len(line) <= width), lines[-1])


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, ending in … when cut."""
    if cell_len(text) <= width:
        return text
    out = ""
    for char in text:
        if cell_len(out + char) > width - 1:
            break
        out += char
    return out + "…"


@dataclass
class Layout:
    """The columns to draw (positions in the keys), their widths and how many stay frozen."""

    columns: list[int]
    widths: list[int]
    frozen: int
    #: How the notes are drawn: ``FULL``, ``SHORT`` or ``MARK`` (see ``drawn_note``).
    notes: int
    dropped: list[str]

    def total(self) -> int:
        """Cells the table takes across, padding included."""
        return sum(self.widths) + 2 * PADDING * len(self.widths)


def _natural(headings: Sequence[str], rows: Sequence[Sequence[str]], n: int, notes: int, key: str) -> int:
    cells = (drawn_note(r[n], notes) if key == "note" else r[n] for r in rows)
    return max([cell_len(headings[n]), *(cell_len(c) for c in cells)])


def _applies(step: str, keys: Sequence[str], kept: set[str]) -> list[str]:
    """The columns a step of ``DROP_ORDER`` leaves out of ``kept`` (none when it does not apply)."""
    name, _, unless = step.partition(":")
    if unless == "section" and not ("section" in kept and "item" not in keys):
        return []
    if unless == "item" and "item" not in kept:
        return []
    return [k for k in column_group(name) if k in kept]


def layout(keys: Sequence[str], headings: Sequence[str], rows: Sequence[Sequence[str]], available: int) -> Layout:
    """The columns that fit ``available`` cells: notes shortened, Title narrowed, then columns left
    out (and the notes made marks) in ``DROP_ORDER``, and any left out that still fits put back,
    most important first; Title then takes what room is left, up to its widest."""
    flexible = [n for n, k in enumerate(keys) if k in FLEXIBLE]

    def widths_for(kept: set[str], notes: int, narrowest: bool) -> dict[int, int]:
        out = {}
        for n, k in enumerate(keys):
            if k in kept:
                natural = _natural(headings, rows, n, notes, k)
                if k in FLEXIBLE:
                    natural = min(natural, FLEXIBLE[k][1] if narrowest else FLEXIBLE[k][0])
                out[n] = natural
        return out

    def total(widths: dict[int, int]) -> int:
        return sum(widths.values()) + 2 * PADDING * len(widths)

    # A Note column with nothing in it (no row suppressed) takes no room.
    kept = {k for n, k in enumerate(keys) if not (k == "note" and all(not r[n] for r in rows))}
    # Notes give way first: in short words, then (Title narrowed, in DROP_ORDER) as marks.
    notes = FULL if total(widths_for(kept, FULL, False)) <= available else SHORT
    dropped: list[list[str]] = []
    if total(widths_for(kept, notes, True)) > available:
        for step in DROP_ORDER:
            if step == "marks":
                if "note" not in kept:
                    continue
                notes = MARK
            else:
                gone = _applies(step, keys, kept)
                if not gone:
                    continue
                kept -= set(gone)
                dropped.append(gone)
            if total(widths_for(kept, notes, True)) <= available:
                break
        # Room left over goes back to what was left out, the last left out (the most important) first.
        for gone in reversed(dropped[:-1]):
            if total(widths_for(kept | set(gone), notes, True)) <= available:
                kept |= set(gone)
                dropped.remove(gone)
    widths = widths_for(kept, notes, True)
    room = available - total(widths)
    for n in flexible:
        if n in widths and room > 0:
            natural = min(_natural(headings, rows, n, notes, keys[n]), FLEXIBLE[keys[n]][0])
            give = min(room, max(0, natural - widths[n]))
            widths[n] += give
            room -= give
    columns = sorted(widths)
    frozen = 0
    while frozen < len(columns) and keys[columns[frozen]] in LABEL_KEYS:
        frozen += 1
    return Layout(columns, [widths[n] for n in columns], frozen, notes, [k for g in dropped for k in g])


def sort_order(frame: Any, rows: Sequence[Sequence[str]], keys: Sequence[str], key: str | None, descending: bool) -> list[int]:
    """Row positions sorted by column ``key`` (None: the table's own order).

    Numbers sort by value, text ignoring case; suppressed rows (no figures) always go last.
    ``descending`` puts the highest (or Z) first.
    """
    n = len(rows)
    if key is None or key not in keys:
        return list(range(n))
    col = keys.index(key)
    hidden = [bool(v) for v in frame["suppressed"]] if "suppressed" in frame.columns else [False] * n
    values: list[Any] = []
    # The level shares sort by the top level's share.
    source = [c for c in frame.columns if str(c).startswith("level_")][-1:] if key == "levels" else [key]
    numeric = bool(source) and source[0] in frame.columns and frame[source[0]].dtype.kind in "iuf"
    for i in range(n):
        if numeric:
            v = frame[source[0]].iloc[i]
            try:
                values.append(None if v is None or v != v else float(v))
            except (TypeError, ValueError):
                values.append(None)
        else:
            text = rows[i][col]
            values.append(None if text in ("", DASH) else text.casefold())
    present = [i for i in range(n) if values[i] is not None and not hidden[i]]
    absent = [i for i in range(n) if i not in set(present)]
    present.sort(key=lambda i: values[i], reverse=descending)
    return present + absent
