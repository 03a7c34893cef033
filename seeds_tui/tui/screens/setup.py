"""Set-up: choose a rubric, then the session details. No field for the person on probation's name."""

from __future__ import annotations

import contextlib
import time
from datetime import date
from typing import TYPE_CHECKING

from pydantic import ValidationError
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.style import Style
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from seeds_tui.core.actions import OpenAction, open_actions
from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import MODES, PURPOSES, CarriedAction, Session, name_key
from seeds_tui.core.rubric import LoadedRubric
from seeds_tui.storage import settings as config
from seeds_tui.storage.carried import earlier_observations
from seeds_tui.tui.dialogs.base import TextEntryDialog
from seeds_tui.tui.widgets.carried import CarriedList, previously
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
    "session_ref": "Session reference",
}

SESSION_REF_HINT = "calibration only: the same for both observers"


class RubricScreen(Screen[None]):
    """Choose the rubric to score against; its title, version and description are shown."""

    app: SeedsApp

    BINDINGS = [
        Binding("escape", "back", "Back", id="setup.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        #: Enter was pressed on the list: keys that follow are for the session form.
        self._chosen = False
        self._pending: list[str] = []

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
        form = SessionScreen(self.rubrics[event.option_index])
        self._chosen = False
        form.type_early("".join(self._pending))
        self._pending.clear()
        self.app.push_screen(form)

    def on_key(self, event: events.Key) -> None:
        """Keys typed straight after Enter (a fast typist, a paste, tmux) belong to the session form.

        They all reach this screen before the list's choice is acted on (and while the form is
        being shown); keep them and hand them to the form, in order.
        """
        top = self.app.screen
        if top is self and event.key == "enter" and isinstance(self.focused, OptionList):
            self._chosen = True
            return
        typed = "\t" if event.key == "tab" else event.character if event.is_printable else None
        if not typed:
            return
        if top is self and self._chosen:
            self._pending.append(typed)
        elif isinstance(top, SessionScreen):
            top.type_early(typed)
        else:
            return
        event.stop()
        event.prevent_default()

    def action_back(self) -> None:
        """Back to the home screen."""
        self.app.pop_screen()


class SessionScreen(Screen[None]):
    """The session details. Names are picked from the store's names (Right arrow completes) or typed new.

    With ``edit`` (the details of the observation being worked on) the form is prefilled and
    Ctrl+S changes them in the draft; the rubric cannot be changed.
    """

    app: SeedsApp

    BINDINGS = [
        Binding("ctrl+s", "start", "Start scoring", id="setup.start", tooltip="Check the details and start the session clock"),
        Binding("ctrl+s", "save_details", "Save details", id="setup.save_details", tooltip="Change the details of the open observation"),
        Binding("escape", "back", "Back", id="setup.back2"),
        # Moving on at once (priority: when the key arrives, not when it comes back from the field)
        # sends the keys typed after Tab to the next field, not the one being left.
        Binding("tab", "app.focus_next", show=False, priority=True, id="setup.next_field"),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True, id="setup.previous_field"),
    ]

    def __init__(self, loaded: LoadedRubric, edit: Session | None = None) -> None:
        super().__init__()
        self.loaded = loaded
        self.edit = edit
        self._errors_shown = False
        #: The practitioner's open actions from earlier observations, as marked here so far.
        self.carried: list[CarriedAction] = []
        self._previously: dict[tuple[str, int], str] = {}
        #: What the open actions shown were looked up for: (name key, date, session reference).
        self._looked_up: tuple[str, date, str] | None = None
        #: Keys typed before the form was ready (see ``type_early``).
        self._early: list[str] = []
        #: The form has its fields and focus: keys typed early go straight into the focused field.
        self._ready = False
        self._known: dict[str, list[str]] = {}

    def compose(self) -> ComposeResult:
        """The form."""
        app = self.app
        try:
            names = app.store.known_names()
        except SeedsError:
            names = {"practitioner": [], "team": [], "observer": []}
        self._known = names
        observer = config.load_settings().get("observer")
        observer = observer if isinstance(observer, str) else ""
        old = self.edit
        # The field that has the focus from the first frame (not Textual's default, the first field:
        # keys typed while the form appears would land in the date).
        if old is not None:
            self.AUTO_FOCUS = "#date"
        else:
            self.AUTO_FOCUS = "#practitioner" if observer else "#observer"
        if old is None:
            top = f"New observation · 2 of 2 · session details · {self.loaded.rubric.title}"
        else:
            top = f"Edit session details · {self.loaded.rubric.title} (the rubric cannot be changed)"
        yield Static(Content(top), classes="topbar")
        with VerticalScroll(id="session-form"):
            when = (old.date if old else app.current_date).isoformat()
            yield from _field("Date", Input(when, id="date", placeholder="YYYY-MM-DD", compact=True))
            yield from _field(
                "Observer (you)",
                Input(old.observer if old else observer, id="observer", suggester=_suggest(names["observer"]), compact=True),
            )
            yield from _field(
                "Practitioner",
                Input(
                    old.practitioner if old else "",
                    id="practitioner",
                    placeholder=_known_hint(names["practitioner"]),
                    suggester=_suggest(names["practitioner"]),
                    compact=True,
                ),
            )
            count = Static("", id="carried-count", classes="dim")
            count.display = False  # shown when the practitioner has open actions (listed at the end of the form)
            yield count
            yield from _field(
                "Team",
                Input(
                    old.team if old else "",
                    id="team",
                    placeholder=_known_hint(names["team"]),
                    suggester=_suggest(names["team"]),
                    compact=True,
                ),
            )
            yield from _field(
                "Session type",
                Input(
                    old.session_type if old else "",
                    id="session_type",
                    placeholder="e.g. " + ", ".join(SESSION_TYPES[:3]),
                    suggester=_suggest(SESSION_TYPES),
                    compact=True,
                ),
            )
            yield from _field(
                "Mode",
                Select(
                    [(v, k) for k, v in MODES.items()], id="mode", allow_blank=False, value=old.mode if old else "in_person", compact=True
                ),
            )
            yield from _field(
                "Purpose",
                Select(
                    [(v, k) for k, v in PURPOSES.items()],
                    id="purpose",
                    allow_blank=False,
                    value=old.purpose if old else "developmental",
                    compact=True,
                ),
            )
            yield from _field(
                "Session ref.",
                Input(
                    (old.session_ref or "") if old else "",
                    id="session_ref",
                    placeholder=SESSION_REF_HINT,
                    compact=True,
                ),
            )
            ref_hint = Static("", id="session-ref-hint", classes="dim")
            ref_hint.display = False
            yield ref_hint
            yield from _field(
                "Consent",
                ConsentBox(
                    "consent of the person on probation recorded", old.consent_recorded if old else False, id="consent", compact=True
                ),
            )
            yield from _field(
                "Case reference",
                Input((old.case_reference or "") if old else "", id="case_reference", placeholder="optional, e.g. A7-042", compact=True),
            )
            yield Static(
                Content(
                    "The case reference is a local pseudonym: never a name, date of birth or case number. "
                    "There is no field for the person on probation's name."
                ),
                classes="dim",
            )
            if old is None:
                yield Static(Content.from_markup("[b]Open actions from earlier observations[/b]"), classes="heading", id="carried-heading")
                yield Static(Content("Type the practitioner's name to see them."), id="carried-hint", classes="dim")
                yield CarriedList(id="carried")
            yield Static("", id="session-errors")
            with Horizontal(classes="form-buttons"):
                yield Button("Start scoring" if old is None else "Save details", variant="primary", id="start")
                yield Button("Back", id="back")
        yield Footer(compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Name Ctrl+S after what it does."""
        if action == "start":
            return self.edit is None
        if action == "save_details":
            return self.edit is not None
        return True

    def action_save_details(self) -> None:
        """Check the details and change them in the open observation."""
        self.action_start()

    def on_mount(self) -> None:
        """Type what arrived before the form was ready into the first field (focused since the first frame)."""
        first = self.query_one(self.AUTO_FOCUS or "#practitioner", Input)
        self.set_focus(first)
        self._ready = True
        self._type_into(first, "".join(self._early))
        self._early.clear()

    def type_early(self, text: str) -> None:
        """Type keys that reached the previous screen while this form was being shown (Tab moves on)."""
        if not text:
            return
        if not self._ready:
            self._early.append(text)
            return
        if isinstance(self.focused, Input):
            self._type_into(self.focused, text)

    def _type_into(self, field: Input, text: str) -> None:
        # A Tab in the text moves on to the next field, as the key would.
        fields = [w for w in self.query(Input) if w.can_focus]
        first, *after_tabs = text.split("\t")
        field.insert_text_at_cursor(first)
        for part in after_tabs:
            at = fields.index(field) if field in fields else -1
            if 0 <= at < len(fields) - 1:
                field = fields[at + 1]
                self.set_focus(field)  # at once, so the next keys go there too
            field.insert_text_at_cursor(part)

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    def problems(self) -> tuple[Session | None, dict[str, str]]:
        """The details as a ``Session``, or None with a message per field that is wrong (in form order)."""

        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value.strip()

        problems: dict[str, str] = {}
        try:
            when = date.fromisoformat(text("date"))
        except ValueError:
            problems["date"] = "Date: use the form YYYY-MM-DD, e.g. 2026-11-23"
            when = self.app.current_date
        case_ref = text("case_reference") or None
        session_ref = text("session_ref") or None
        data = {
            "date": when,
            "observer": self._as_known("observer", text("observer")),
            "practitioner": self._as_known("practitioner", text("practitioner")),
            "team": self._as_known("team", text("team")),
            "session_type": text("session_type"),
            "mode": self.query_one("#mode", Select).value,
            "purpose": self.query_one("#purpose", Select).value,
            "consent_recorded": self.query_one("#consent", Checkbox).value,
            "case_reference": case_ref,
            "session_ref": session_ref,
        }
        if data["purpose"] == "calibration" and session_ref is None:
            problems["session_ref"] = "Session reference: needed for calibration, so the two observers' files can be paired"
        try:
            session = Session.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_input=False, include_url=False):
                name = str(error["loc"][0]) if error["loc"] else ""
                label = FIELD_LABELS.get(name, name)
                if error["type"] == "string_too_short":
                    message = f"{label}: required"
                elif name == "case_reference":
                    message = f"{label}: letters, digits, - / _ only (up to 32), starting with a letter or digit"
                elif name == "session_ref":
                    message = f"{label}: letters, digits, - / _ . : only (up to 64), starting with a letter or digit"
                else:
                    message = f"{label}: {error['msg']}"
                problems.setdefault(name, message)
        else:
            if not problems:
                return session, {}
        order = list(FIELD_LABELS)
        ordered = dict(sorted(problems.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
        return None, ordered

    def _as_known(self, field: str, typed: str) -> str:
        """A name typed with other capitals or spacing than one already in the store is that name
        (so "amy  hussain" does not become a second practitioner beside "Amy Hussain")."""
        wanted = name_key(typed)
        return next((known for known in self._known.get(field, []) if name_key(known) == wanted), typed)

    def read_session(self) -> Session:
        """The details as a ``Session`` (raises ``ValueError`` naming the fields that are wrong)."""
        session, problems = self.problems()
        if session is None:
            raise ValueError("\n".join(problems.values()))
        return session

    def _show_problems(self, problems: dict[str, str]) -> None:
        self.query_one("#session-errors", Static).update(Content("\n".join(problems.values())))

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _recheck(self) -> None:
        """Once problems are listed, take each off the list as soon as its field is right."""
        if self._errors_shown:
            _, problems = self.problems()
            self._show_problems(problems)
            self._errors_shown = bool(problems)

    def action_start(self) -> None:
        """Check the details; start scoring (or, editing, change the details of the open observation)."""
        session, problems = self.problems()
        if session is None:
            self._show_problems(problems)
            self._errors_shown = True
            self.app.notify("\n".join(problems.values()), title="Check the session details", severity="warning", timeout=8)
            first = next(iter(problems))
            field = {"consent_recorded": "consent"}.get(first, first)
            with contextlib.suppress(NoMatches):
                self.query_one(f"#{field}").focus()
            return
        if self.edit is None:
            self.app.start_observation(self.loaded, session, self.carried_for(session))
            return
        open_session = self.app.session
        if open_session is None:
            self.app.pop_screen()
            return
        changed = self.edit.model_copy(update={name: getattr(session, name) for name in FIELD_LABELS})
        try:
            open_session.update_session(changed)
        except SeedsError as exc:
            self.app.notify(str(exc), title="Details not changed", severity="warning", timeout=8)
            return
        self.app.pop_screen()
        self.app.notify("Session details changed.", timeout=4)

    def action_back(self) -> None:
        """Back to the rubric list (or, editing, to the observation, unchanged)."""
        self.app.pop_screen()

    # -- open actions from earlier observations -------------------------------------------

    def carried_for(self, session: Session) -> list[CarriedAction]:
        """The open actions to carry into the new observation, as marked here.

        If the list shown is not for these details (Ctrl+S pressed before the lookup finished),
        they are looked up now, so the observation starts with them.
        """
        ref = session.session_ref or ""
        if self._looked_up != self._lookup_key(session.practitioner, session.date, ref):
            return self._as_marked(self._open_for(session.practitioner, session.date, ref))
        return list(self.carried)

    def _open_for(self, name: str, when: date, ref: str) -> list[OpenAction]:
        """The practitioner's open actions from the store (the other observer's file of ``ref`` left out)."""
        try:
            earlier, _ = earlier_observations(self.app.store, name)
        except SeedsError:
            earlier = []
        return open_actions(earlier, name, before=when, session_ref=ref or None)

    def _as_marked(self, found: list[OpenAction]) -> list[CarriedAction]:
        """``found`` as carried actions, keeping what was already marked here."""
        marks = {c.key: c for c in self.carried}
        return [marks.get(o.action.key, o.action) for o in found]

    @staticmethod
    def _lookup_key(name: str, when: date, ref: str) -> tuple[str, date, str]:
        return (name_key(name), when, ref.strip().casefold())

    @on(Input.Changed, "#session_ref")
    def _session_ref_changed(self, event: Input.Changed) -> None:
        self._check_ref(event.value.strip())
        self._practitioner_changed()  # the other observer's file of this session is not "earlier"

    @work(thread=True, exclusive=True, group="setup-session-ref", exit_on_error=False)
    def _check_ref(self, ref: str) -> None:
        time.sleep(0.25)  # a pause in typing
        if get_current_worker().is_cancelled:
            return
        from seeds_tui.calibration.pairing import similar_refs

        try:
            others = [r for r in similar_refs(self.app.store, ref) if r.casefold() != ref.casefold()] if ref else []
        except SeedsError:
            others = []
        hint = ""
        if others:
            hint = (
                f"Another double-scored session uses {', '.join(others[:3])}: the two observers must type the same "
                "reference (capitals do not matter; spaces and punctuation do)."
            )
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_ref_hint, hint)

    def _show_ref_hint(self, hint: str) -> None:
        if self.is_mounted:
            shown = self.query_one("#session-ref-hint", Static)
            shown.update(Content(hint))
            shown.display = bool(hint)

    @on(Input.Changed, "#practitioner")
    @on(Input.Changed, "#date")
    def _practitioner_changed(self) -> None:
        if self.edit is not None:
            return
        name = self.query_one("#practitioner", Input).value
        try:
            when = date.fromisoformat(self.query_one("#date", Input).value.strip())
        except ValueError:
            when = self.app.current_date
        ref = self.query_one("#session_ref", Input).value.strip()
        if not name.strip():
            self._show_open(None, when, ref, [])
            return
        self._find_open(name, when, ref)

    @work(thread=True, exclusive=True, group="setup-open-actions", exit_on_error=False)
    def _find_open(self, name: str, when: date, ref: str) -> None:
        # Wait for a pause in typing: each key restarts this (exclusive) worker.
        time.sleep(0.25)
        if get_current_worker().is_cancelled:
            return
        found = self._open_for(name, when, ref)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_open, name, when, ref, found)

    def _show_open(self, name: str | None, when: date, ref: str, found: list[OpenAction]) -> None:
        if not self.is_mounted:
            return
        self.carried = self._as_marked(found)
        self._previously = previously(found)
        self._looked_up = self._lookup_key(name, when, ref) if name else None
        hint = self.query_one("#carried-hint", Static)
        if not name:
            hint.update(Content("Type the practitioner's name to see them."))
        elif found:
            hint.update(
                Content(
                    f"{len(found)} open. Tab to the list, then d done · g ongoing · x dropped · c comment "
                    "(or mark them in the feedback step)."
                )
            )
        else:
            hint.update(Content("None open for this practitioner."))
        count = self.query_one("#carried-count", Static)
        actions = f"{len(found)} open action{'' if len(found) == 1 else 's'}"
        count.update(Content(f"  {actions} from earlier observations: see the end of the form"))
        count.display = bool(name and found)
        self._show_carried()

    def _show_carried(self) -> None:
        listing = self.query_one("#carried", CarriedList)
        listing.show(self.carried, self._previously)
        listing.display = bool(self.carried)  # "none open" is said by the hint above it

    @on(CarriedList.Marked, "#carried")
    def _marked(self, event: CarriedList.Marked) -> None:
        self.carried[event.index] = self.carried[event.index].model_copy(update={"status": event.status})
        self._show_carried()

    @on(CarriedList.CommentWanted, "#carried")
    def _comment_wanted(self, event: CarriedList.CommentWanted) -> None:
        index = event.index
        action = self.carried[index]

        def keep(text: str | None) -> None:
            if text is not None and index < len(self.carried) and self.carried[index].key == action.key:
                try:
                    self.carried[index] = CarriedAction.model_validate({**self.carried[index].model_dump(), "comment": text.strip()})
                except ValidationError:
                    self.app.notify("The comment is too long (at most 20,000 characters): shorten it.", severity="warning", timeout=6)
                    return
                self._show_carried()

        self.app.push_screen(TextEntryDialog("Comment on the action", action.comment, context=action.text), keep)


class SessionDetailsCommands(Provider):
    """The command palette entry "Edit session details" (screens of an open observation list it in COMMANDS)."""

    async def discover(self) -> Hits:
        """Shown before anything is typed."""
        yield DiscoveryHit(EDIT_DETAILS, self._open, help=EDIT_DETAILS_HELP)

    async def search(self, query: str) -> Hits:
        """Matched against what is typed."""
        matcher = self.matcher(query)
        score = matcher.match(EDIT_DETAILS)
        if score > 0:
            yield Hit(score, matcher.highlight(EDIT_DETAILS), self._open, help=EDIT_DETAILS_HELP)

    def _open(self) -> None:
        open_session_details(self.app)  # type: ignore[arg-type]


EDIT_DETAILS = "Edit session details"
EDIT_DETAILS_HELP = "Date, names, mode, purpose, consent, case reference of the open observation"


def open_session_details(app: SeedsApp) -> None:
    """Open the session details of the open observation, prefilled, to change them."""
    session = app.session
    if session is None:
        app.notify("Open an observation first.", timeout=4)
        return
    if not session.editable:
        app.notify("This observation is final and open read-only: choose Correct (c) on the review screen first.", timeout=6)
        return
    app.push_screen(SessionScreen(session.loaded, edit=session.observation.session))


class ConsentBox(Checkbox):
    """A checkbox whose box is visibly empty when not ticked (Textual draws an X either way, only dimmer)."""

    @property
    def _button(self) -> Content:
        button_style = self.get_visual_style("toggle--button")
        side_style = Style(foreground=button_style.background, background=self.background_colors[1])
        inner = self.BUTTON_INNER if self.value else " "
        return Content.assemble((self.BUTTON_LEFT, side_style), (inner, button_style), (self.BUTTON_RIGHT, side_style))


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
