"""Set-up: choose a rubric, then the session details. No field for the person on probation's name."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from seeds_tui import config
from seeds_tui.errors import SeedsError
from seeds_tui.observation import MODES, PURPOSES, Session
from seeds_tui.rubric import LoadedRubric
from seeds_tui.tui.widgets.lists import PickList

if TYPE_CHECKING:
    from seeds_tui.tui.app import SeedsApp

SESSION_TYPES = ["Induction", "Routine supervision", "Risk review", "Sentence plan review", "Three-way meeting", "Other"]

FIELD_LABELS = {
    "date": "Date",
    "observer": "Observer",
    "practitioner": "Practitioner",
    "team": "Team",
    "session_type": "Session type",
    "mode": "Mode",
    "purpose": "Purpose",
    "consent_recorded": "Consent recorded",
    "case_reference": "Case reference",
}


class RubricScreen(Screen[None]):
    """Choose the rubric to score against; its title, version and description are shown."""

    app: SeedsApp

    BINDINGS = [
        Binding("escape", "back", "Back", id="setup.back"),
    ]

    def compose(self) -> ComposeResult:
        """The list of rubrics and the description of the highlighted one."""
        yield Static(Content("New observation · 1 of 2 · choose a rubric"), classes="topbar")
        with Horizontal(id="rubric-body"):
            options = [
                Option(Content.from_markup("[b]$title[/b]  [dim]$version[/]", title=r.rubric.title, version=r.rubric.version), id=str(i))
                for i, r in enumerate(self.rubrics)
            ]
            yield PickList(*options, id="rubric-list")
            with VerticalScroll(id="rubric-detail"):
                yield Static("", id="rubric-description")
        yield Footer(compact=True)

    @property
    def rubrics(self) -> list[LoadedRubric]:
        """Every rubric version the app knows, newest version of each first."""
        latest = self.app.registry.latest()
        others = [r for r in self.app.registry if r not in latest]
        return [*latest, *sorted(others, key=lambda r: (r.rubric.title, r.rubric.version))]

    def on_mount(self) -> None:
        """Highlight the first rubric."""
        listing = self.query_one("#rubric-list", OptionList)
        listing.focus()
        listing.highlighted = 0
        self._describe(0)

    @on(OptionList.OptionHighlighted, "#rubric-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._describe(event.option_index)

    def _describe(self, index: int) -> None:
        loaded = self.rubrics[index]
        r = loaded.rubric
        items = len(r.item_keys)
        extra = []
        if r.globals:
            extra.append(f"{len(r.globals)} global ratings")
        if r.counters:
            extra.append(f"{len(r.counters)} tallies ({', '.join(f'{c.key} {c.title}' for c in r.counters)})")
        text = Content.from_markup(
            "[b]$title[/b]\nversion $version · $sections sections · $items items$extra\n\n$description\n\n[dim]$path[/]",
            title=r.title,
            version=r.version,
            sections=str(len(r.sections)),
            items=str(items),
            extra=(" · " + " · ".join(extra)) if extra else "",
            description=_reflow(r.description),
            path=str(loaded.path),
        )
        self.query_one("#rubric-description", Static).update(text)

    @on(OptionList.OptionSelected, "#rubric-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.app.push_screen(SessionScreen(self.rubrics[event.option_index]))

    def action_back(self) -> None:
        """Back to the home screen."""
        self.app.pop_screen()


class SessionScreen(Screen[None]):
    """The session details. Names are picked from the store's names (Right arrow completes) or typed new."""

    app: SeedsApp

    BINDINGS = [
        Binding("ctrl+s", "start", "Start scoring", id="setup.start", tooltip="Check the details and start the session clock"),
        Binding("escape", "back", "Back", id="setup.back2"),
    ]

    def __init__(self, loaded: LoadedRubric) -> None:
        super().__init__()
        self.loaded = loaded

    def compose(self) -> ComposeResult:
        """The form."""
        app = self.app
        try:
            names = app.store.known_names()
        except SeedsError:
            names = {"practitioner": [], "team": [], "observer": []}
        observer = config.load_settings().get("observer")
        observer = observer if isinstance(observer, str) else ""
        yield Static(Content(f"New observation · 2 of 2 · session details · {self.loaded.rubric.title}"), classes="topbar")
        with VerticalScroll(id="session-form"):
            yield from _field("Date", Input(app.current_date.isoformat(), id="date", placeholder="YYYY-MM-DD", compact=True))
            yield from _field("Observer (you)", Input(observer, id="observer", suggester=_suggest(names["observer"]), compact=True))
            yield from _field(
                "Practitioner",
                Input(
                    id="practitioner",
                    placeholder=_known_hint(names["practitioner"]),
                    suggester=_suggest(names["practitioner"]),
                    compact=True,
                ),
            )
            yield from _field(
                "Team", Input(id="team", placeholder=_known_hint(names["team"]), suggester=_suggest(names["team"]), compact=True)
            )
            yield from _field(
                "Session type",
                Input(
                    id="session_type", placeholder="e.g. " + ", ".join(SESSION_TYPES[:3]), suggester=_suggest(SESSION_TYPES), compact=True
                ),
            )
            yield from _field(
                "Mode", Select([(v, k) for k, v in MODES.items()], id="mode", allow_blank=False, value="in_person", compact=True)
            )
            yield from _field(
                "Purpose",
                Select([(v, k) for k, v in PURPOSES.items()], id="purpose", allow_blank=False, value="developmental", compact=True),
            )
            yield from _field("Consent", Checkbox("consent of the person on probation recorded", id="consent", compact=True))
            yield from _field("Case reference", Input(id="case_reference", placeholder="optional, e.g. A7-042", compact=True))
            yield Static(
                Content(
                    "The case reference is a local pseudonym: never a name, date of birth or case number. "
                    "There is no field for the person on probation's name."
                ),
                classes="dim",
            )
            yield Static("", id="session-errors")
            with Horizontal(classes="form-buttons"):
                yield Button("Start scoring", variant="primary", id="start")
                yield Button("Back", id="back")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Focus the first empty field."""
        for name in ("observer", "practitioner", "team"):
            field = self.query_one(f"#{name}", Input)
            if not field.value:
                field.focus()
                return
        self.query_one("#practitioner", Input).focus()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    def read_session(self) -> Session:
        """The details as a ``Session`` (raises ``ValueError`` naming the fields that are wrong)."""

        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value.strip()

        problems: list[str] = []
        try:
            when = date.fromisoformat(text("date"))
        except ValueError:
            problems.append("Date: use the form YYYY-MM-DD, e.g. 2026-11-23")
            when = self.app.current_date
        case_ref = text("case_reference") or None
        data = {
            "date": when,
            "observer": text("observer"),
            "practitioner": text("practitioner"),
            "team": text("team"),
            "session_type": text("session_type"),
            "mode": self.query_one("#mode", Select).value,
            "purpose": self.query_one("#purpose", Select).value,
            "consent_recorded": self.query_one("#consent", Checkbox).value,
            "case_reference": case_ref,
        }
        try:
            session = Session.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_input=False, include_url=False):
                name = str(error["loc"][0]) if error["loc"] else ""
                label = FIELD_LABELS.get(name, name)
                if error["type"] == "string_too_short":
                    problems.append(f"{label}: required")
                elif name == "case_reference":
                    problems.append(f"{label}: letters, digits, - / _ only (up to 32), starting with a letter or digit")
                else:
                    problems.append(f"{label}: {error['msg']}")
        else:
            if not problems:
                return session
        raise ValueError("\n".join(dict.fromkeys(problems)))

    def action_start(self) -> None:
        """Check the details and open the scoring screen."""
        try:
            session = self.read_session()
        except ValueError as exc:
            self.query_one("#session-errors", Static).update(Content(str(exc)))
            self.app.notify(str(exc), title="Check the session details", severity="warning", timeout=8)
            return
        self.app.start_observation(self.loaded, session)

    def action_back(self) -> None:
        """Back to the rubric list."""
        self.app.pop_screen()


def _field(label: str, widget: Input | Select | Checkbox) -> ComposeResult:
    with Horizontal(classes="form-field"):
        yield Label(Content(label))
        yield widget


def _suggest(names: list[str]) -> SuggestFromList | None:
    return SuggestFromList(names, case_sensitive=False) if names else None


def _known_hint(names: list[str]) -> str:
    if not names:
        return "type a name"
    shown = ", ".join(names[:3])
    return f"type, or pick: {shown}{'…' if len(names) > 3 else ''} (→ completes)"


def _reflow(text: str) -> str:
    """Join the hard-wrapped lines of a TOML paragraph; keep blank lines between paragraphs."""
    paragraphs = [" ".join(line.strip() for line in para.splitlines()) for para in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)
