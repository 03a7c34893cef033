"""The Team summary screen's export: the box that asks which format, and the writing of the file.

The file goes into ``STORE/reports/`` through ``Store.write_report`` (atomic, owner-only, never
through a link, never outside the store), named ``team-summary-<rubric>-<view>-<date-time>.<ext>``.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from seeds_tui.render import summary as render
from seeds_tui.storage.store import Store

#: (format, what the list says), in the order offered.
EXPORT_FORMATS: tuple[tuple[str, str], ...] = (
    ("csv", "CSV: the figures, for a spreadsheet or a script"),
    ("xlsx", "Excel workbook: formatted, with filters"),
    ("html", "HTML page with charts: to open or project"),
)


class ExportDialog(ModalScreen[str | None]):
    """Pick a format (↑ ↓ and Enter, or c / x / h); Esc closes without writing anything."""

    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical { width: 64; max-width: 100%; height: auto; border: thick $primary; background: $surface; padding: 0 1; }
    ExportDialog #te-where { color: $text-muted; margin-bottom: 1; }
    ExportDialog OptionList { height: auto; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Close", id="team_export.close", tooltip="Close without writing anything"),
        Binding("c", "pick('csv')", "CSV", show=False),
        Binding("x", "pick('xlsx')", "Excel", show=False),
        Binding("h", "pick('html')", "HTML", show=False),
    ]

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def compose(self) -> ComposeResult:
        """A title, where the file goes, the formats."""
        with Vertical():
            yield Static("[b]Export this view[/b]", id="te-title")
            yield Static(self.where, id="te-where", markup=False)
            yield OptionList(*(Option(text, id=fmt) for fmt, text in EXPORT_FORMATS), id="te-formats")

    def on_mount(self) -> None:
        """The list has the focus."""
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a format: write it."""
        self.dismiss(event.option.id)

    def action_pick(self, fmt: str) -> None:
        """A format's letter: write it."""
        self.dismiss(fmt)

    def action_cancel(self) -> None:
        """Close without writing."""
        self.dismiss(None)


def export_name(rubric_id: str, view: str, fmt: str, when: datetime | None = None) -> str:
    """``team-summary-<rubric>-<view>-<YYYYMMDD-HHMMSS>.<fmt>``, in the letters a report's name allows."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    rubric = re.sub(r"[^A-Za-z0-9.-]+", "-", rubric_id).strip("-.")[:40] or "rubric"
    return f"team-summary-{rubric}-{view.replace('_', '-')}-{stamp}.{fmt}"


def write_view(store: Store, doc: render.SummaryDocument, rubric_id: str, view: str, fmt: str) -> Path:
    """Render ``doc`` as ``fmt`` (csv, xlsx or html) and write it into ``STORE/reports/``; return the path."""
    output = render.render(doc, fmt)
    return store.write_report(export_name(rubric_id, view, fmt), output if isinstance(output, bytes) else output.encode("utf-8"))
