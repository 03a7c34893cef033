"""A practitioner's development record (the home screen's ``l``, for the selected observation's practitioner).

Everything of their development cycle in date order, as the sheet they keep shows it: each final
observation, each self-rating, each action with its history, each supervision note, and the comments
people on probation left about them (by month). Scrollable; ``w`` writes the sheet (Markdown, HTML and
PDF) into ``STORE/reports/``. It holds that practitioner's own records only, never a team figure.

The screen never touches the store: it asks the development controller (``seeds.development``) from
thread workers.
"""

from __future__ import annotations

from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from seeds_tui.core.dates import uk_date
from seeds_tui.core.development import KIND_TITLES, DevelopmentRecord, Entry
from seeds_tui.core.errors import SeedsError
from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.controllers.development import Development
from seeds_tui.tui.widgets.safe import markup, plain

#: The keys of this screen, for F1.
SCREEN_KEYS: list[tuple[str, str]] = [
    ("↑ ↓ / j k", "scroll a line"),
    ("PgUp PgDn / Space", "scroll a page"),
    ("Home / End", "oldest / newest"),
    ("w", "write the sheet the practitioner keeps (Markdown, HTML and PDF) into STORE/reports/ (a team's shared store: your own store's)"),
    ("F5", "read the record again"),
    ("Esc", "back"),
]

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


#: How many of each kind the hint line counts, in words.
_COUNTED = {"observation": "observation", "self-rating": "self-rating", "action": "action",
            "supervision": "supervision note", "questionnaire": "month of comments"}  # fmt: skip


def entry_heading(entry: Entry) -> Content:
    """An entry's heading as the screen shows it: the date (the month only when no day is known), the kind, the title."""
    when = f"{_MONTHS[entry.date.month - 1]} {entry.date.year}" if entry.month_only else uk_date(entry.date)
    kind = KIND_TITLES.get(entry.kind, entry.kind.capitalize())
    title = f": {entry.title}" if entry.title and entry.title != kind else ""
    return markup("[b]$when[/b]  [b $accent]$kind[/]$title", when=when, kind=kind, title=title)


def record_widgets(record: DevelopmentRecord) -> list[Static]:
    """The record as the screen shows it: a heading per entry, its lines beneath, indented (never markup)."""
    out: list[Static] = []
    if not record.entries:
        out.append(Static(plain("Nothing recorded yet: no final observation, self-rating or supervision note names this practitioner.")))
    for entry in record.entries:
        out.append(Static(entry_heading(entry), classes=f"dev-heading dev-{entry.kind}"))
        out += [Static(plain(line), classes="dev-line") for line in entry.lines if line.strip()]
    if record.problems:
        out.append(Static(markup("[b $text-warning]Not included[/]: these files could not be read, so the record may miss something:"),
                          classes="dev-heading"))  # fmt: skip
        out += [Static(plain(p), classes="dev-line") for p in record.problems]
    return out


class DevelopmentScreen(SeedsScreen[None]):
    """One practitioner's development record, oldest first, with the key to write their sheet."""

    HELP_KEYS = SCREEN_KEYS

    DEFAULT_CSS = """
    DevelopmentScreen #dev-body { height: 1fr; padding: 0 1; }
    DevelopmentScreen .dev-heading { margin-top: 1; }
    DevelopmentScreen .dev-line { padding-left: 4; }
    DevelopmentScreen #dev-hint { height: auto; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding(
            "w",
            "write",
            "Write sheet",
            id="development.write",
            tooltip="Write the sheet the practitioner keeps into STORE/reports/ (a shared store: your own store's)",
        ),
        Binding("f5", "reload", "Reload", show=False, id="development.reload", tooltip="Read the record again"),
        Binding("j", "scroll('down')", show=False),
        Binding("k", "scroll('up')", show=False),
        Binding("space", "scroll('page')", show=False),
        Binding("escape", "back", "Back", id="development.back", tooltip="Back"),
    ]

    def __init__(self, development: Development, practitioner: str, *, today: date) -> None:
        super().__init__()
        #: The controller: the screen's only way to the store.
        self.development = development
        self.practitioner = practitioner
        self.today = today
        self.record: DevelopmentRecord | None = None
        self._writing = False

    def compose(self) -> ComposeResult:
        """Title, the record, a hint line, the footer."""
        yield Static(plain(f"Development record · {self.practitioner}"), classes="topbar")
        yield Static(
            plain("Their own records only, oldest first; no team figures."),
            classes="dim",
        )
        with VerticalScroll(id="dev-body"):
            yield Static(plain("Reading the record…"), id="dev-reading")
        yield Static("", id="dev-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Read the record behind the first frame; the record has the keys."""
        self.query_one("#dev-body", VerticalScroll).focus()
        self._load()

    def action_reload(self) -> None:
        """Read the record again."""
        self._load()

    def action_scroll(self, where: str) -> None:
        """Scroll a line (j / k) or a page (Space)."""
        body = self.query_one("#dev-body", VerticalScroll)
        if where == "down":
            body.scroll_down()
        elif where == "page":
            body.scroll_page_down()
        else:
            body.scroll_up()

    @work(thread=True, exclusive=True, group="development-read", exit_on_error=False, name="reading the development record")
    def _load(self) -> None:
        try:
            record = self.development.record(self.practitioner)
        except SeedsError as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        self.app.call_from_thread(self._show, record)

    def _show_error(self, message: str) -> None:
        body = self.query_one("#dev-body", VerticalScroll)
        body.remove_children()
        body.mount(Static(plain(message), id="dev-reading"))
        self.app.notify(message, title="Cannot read the record", severity="error", timeout=15)

    def _show(self, record: DevelopmentRecord) -> None:
        self.record = record
        body = self.query_one("#dev-body", VerticalScroll)
        with self.app.batch_update():
            body.remove_children()
            body.mount_all(record_widgets(record))
        body.scroll_home(animate=False)
        counts = record.counts()
        said = [_counted(n, _COUNTED.get(k, k)) for k, n in counts.items()]
        hint = ", ".join(said) if said else "nothing recorded yet"
        self.query_one("#dev-hint", Static).update(plain(f"{hint}."))

    def action_write(self) -> None:
        """Write the sheet (Markdown, HTML, PDF) into the store's reports folder."""
        if self.record is None or self._writing:
            return
        if not self.record.entries:
            self.app.notify("Nothing recorded for this practitioner yet: there is no sheet to write.", timeout=5)
            return
        self._writing = True
        self.query_one("#dev-hint", Static).update(plain("Writing the sheet…"))
        self._write(self.record)

    @work(thread=True, exclusive=True, group="development-write", exit_on_error=False, name="writing the development record")
    def _write(self, record: DevelopmentRecord) -> None:
        try:
            paths = self.development.write_sheet(record, self.today)
        except SeedsError as exc:
            self.app.call_from_thread(self._written, [], str(exc))
            return
        self.app.call_from_thread(self._written, [str(p) for p in paths], "")

    def _written(self, paths: list[str], problem: str) -> None:
        self._writing = False
        if problem:
            self.app.notify(problem, title="Sheet not written", severity="error", timeout=15)
            self.query_one("#dev-hint", Static).update(plain(f"Not written: {problem}"))
            return
        self.app.notify("Written (Markdown, HTML, PDF):\n" + "\n".join(paths), title="Development record", timeout=10)
        self.query_one("#dev-hint", Static).update(plain(f"Written: {paths[0].rsplit('.', 1)[0]}.md, .html, .pdf"))

    def action_back(self) -> None:
        """Back."""
        self.dismiss(None)


def _counted(n: int, one: str) -> str:
    many = "months of comments" if one == "month of comments" else f"{one}s"
    return f"{n} {one if n == 1 else many}"
