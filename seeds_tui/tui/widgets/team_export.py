"""The Team summary screen's export box: which format to write the current view in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

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
