"""The Team summary screen's table: which columns fit, how wide, in what order the rows go.

Pure functions over the text cells ``seeds_tui.render.summary.display_table`` gives, so that
what the screen shows follows the same rules as the command's text table:

* columns are as wide as their widest cell; Title (and then Note) give up width first;
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

from seeds_tui.render.summary import DASH, LABEL_KEYS, column_group

#: Free-text columns that shrink before anything is dropped: (widest, narrowest) in cells.
FLEXIBLE = {"title": (40, 14)}
#: Columns left out, in this order, while the table is wider than the screen. ``title:section``:
#: Title only where the row's section id says what the row is (not next to an item id);
#: ``section:item``: Section only where the item still says what the row is.
DROP_ORDER: tuple[str, ...] = (
    "levels", "median_percent", "shares", "title:section", "section:item", "note", "band", "median", "kind", "strengths",
    "practitioners", "title",
)  # fmt: skip
#: Suppression notes shortened when the full wording does not fit (the panel below has it in full).
SHORT_NOTES = {"suppressed: would reveal a hidden figure": "protects a hidden row"}
#: The padding DataTable draws on each side of a cell.
PADDING = 1


def short_note(note: str) -> str:
    """``suppressed: fewer than 5 practitioners`` as ``< 5 practitioners`` (and the like)."""
    if note in SHORT_NOTES:
        return SHORT_NOTES[note]
    if note.startswith("suppressed: fewer than "):
        return "< " + note.removeprefix("suppressed: fewer than ")
    return note


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
    short_notes: bool
    dropped: list[str]

    def total(self) -> int:
        """Cells the table takes across, padding included."""
        return sum(self.widths) + 2 * PADDING * len(self.widths)


def _natural(headings: Sequence[str], rows: Sequence[Sequence[str]], n: int, short: bool, key: str) -> int:
    cells = (short_note(r[n]) if short and key == "note" else r[n] for r in rows)
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
    out in ``DROP_ORDER`` (and any left out that still fits put back, most important first); Title
    then takes what room is left, up to its widest."""
    flexible = [n for n, k in enumerate(keys) if k in FLEXIBLE]

    def widths_for(kept: set[str], short: bool, narrowest: bool) -> dict[int, int]:
        out = {}
        for n, k in enumerate(keys):
            if k in kept:
                natural = _natural(headings, rows, n, short, k)
                if k in FLEXIBLE:
                    natural = min(natural, FLEXIBLE[k][1] if narrowest else FLEXIBLE[k][0])
                out[n] = natural
        return out

    def total(widths: dict[int, int]) -> int:
        return sum(widths.values()) + 2 * PADDING * len(widths)

    # A Note column with nothing in it (no row suppressed) takes no room.
    kept = {k for n, k in enumerate(keys) if not (k == "note" and all(not r[n] for r in rows))}
    short = total(widths_for(kept, False, False)) > available
    dropped: list[list[str]] = []
    if total(widths_for(kept, short, True)) > available:
        for step in DROP_ORDER:
            gone = _applies(step, keys, kept)
            if not gone:
                continue
            kept -= set(gone)
            dropped.append(gone)
            if total(widths_for(kept, short, True)) <= available:
                break
        # Room left over goes back to what was left out, the last left out (the most important) first.
        for gone in reversed(dropped[:-1]):
            if total(widths_for(kept | set(gone), short, True)) <= available:
                kept |= set(gone)
                dropped.remove(gone)
    widths = widths_for(kept, short, True)
    room = available - total(widths)
    for n in flexible:
        if n in widths and room > 0:
            natural = min(_natural(headings, rows, n, short, keys[n]), FLEXIBLE[keys[n]][0])
            give = min(room, max(0, natural - widths[n]))
            widths[n] += give
            room -= give
    columns = sorted(widths)
    frozen = 0
    while frozen < len(columns) and keys[columns[frozen]] in LABEL_KEYS:
        frozen += 1
    return Layout(columns, [widths[n] for n in columns], frozen, short, [k for g in dropped for k in g])


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
