"""Set-up, step 2: the session details. No field for the person on probation's name."""

from __future__ import annotations

import contextlib
import time
from datetime import date

from pydantic import ValidationError
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Button, Checkbox, Footer, Input, Select, Static
from textual.worker import get_current_worker

from seeds_tui.core.actions import OpenAction
from seeds_tui.core.dates import parse_date, uk_date
from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import MODES, PURPOSES, SENTENCES, CarriedAction, Session, close_name, name_key, ref_key
from seeds_tui.core.rubric import LoadedRubric
from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.commands import SessionDetailsCommands
from seeds_tui.tui.dialogs import ConfirmDialog
from seeds_tui.tui.dialogs.base import TextEntryDialog
from seeds_tui.tui.keys import EarlyKeys, type_with_tabs, typed_character
from seeds_tui.tui.widgets.carried import CarriedList, previously
from seeds_tui.tui.widgets.forms import (
    CHANGE_TARGET_HINT,
    FIELD_LABELS,
    FOCUS_HINT,
    NOT_RECORDED,
    PLAN_HINT,
    SESSION_REF_HINT,
    SESSION_TYPES,
    ConsentBox,
    field_row,
    flag_required,
    known_hint,
    suggest,
)
from seeds_tui.tui.widgets.safe import markup, plain
from seeds_tui.tui.widgets.state import warn_personal
from seeds_tui.tui.widgets.text import Limits, LineInput, NoteArea

__all__ = ["SessionDetailsCommands", "SessionScreen"]


class SessionScreen(SeedsScreen[None]):
    """The session details. Names are picked from the store's names (Right arrow completes) or typed new.

    With ``edit`` (the details of the observation being worked on) the form is prefilled and
    Ctrl+S changes them in the draft; the rubric cannot be changed.
    """

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
        self._early = EarlyKeys()
        #: The form has its fields and focus: keys typed early go straight into the focused field.
        self._ready = False
        self._known: dict[str, list[str]] = {}
        #: (field, name key) pairs already asked about ("did you mean…?"): asked once per name.
        self._checked: set[tuple[str, str]] = set()
        #: Every field's value when the form was shown (Esc asks before leaving changes behind).
        self._initial: dict[str, str] = {}
        #: Each known practitioner's latest team (by name key), to fill in the team of a known name.
        self._teams: dict[str, str] = {}
        #: The team this form filled in (replaced or cleared when the practitioner changes; a typed one stays).
        self._filled_team = ""

    def compose(self) -> ComposeResult:
        """The form."""
        app = self.seeds
        names = self.seeds.records.known_names()
        self._known = names
        self._teams = self.seeds.records.latest_teams() if self.edit is None else {}
        observer = self.seeds.records.setting("observer")
        observer = observer if isinstance(observer, str) else ""
        old = self.edit
        # The field that has the focus from the first frame (not Textual's default, the first field:
        # keys typed while the form appears would land in the date).
        if old is not None:
            self.AUTO_FOCUS = "#date"  # type: ignore[misc]  # per form: Textual reads it when the screen is first shown
        else:
            self.AUTO_FOCUS = "#practitioner" if observer else "#observer"  # type: ignore[misc]
        if old is None:
            top = f"New observation · 2 of 2 · session details · {self.loaded.rubric.title}"
        else:
            top = f"Edit session details · {self.loaded.rubric.title} (the rubric cannot be changed)"
        yield Static(plain(top), classes="topbar")
        with VerticalScroll(id="session-form"):
            when = uk_date(old.date if old else app.current_date)
            yield from field_row(
                "Date",
                LineInput(
                    when, id="date", placeholder="DD/MM/YYYY", compact=True, max_length=Limits.DATE, what="The date", required="Date"
                ),
            )
            yield from field_row(
                "Observer (you)",
                LineInput(
                    old.observer if old else observer,
                    id="observer",
                    suggester=suggest(names["observer"]),
                    compact=True,
                    what="A name",
                    required="Observer",
                ),
            )
            yield from field_row(
                "Practitioner",
                LineInput(
                    old.practitioner if old else "",
                    what="A name",
                    required="Practitioner",
                    id="practitioner",
                    placeholder=known_hint(names["practitioner"]),
                    suggester=suggest(names["practitioner"]),
                    compact=True,
                ),
            )
            count = Static("", id="carried-count", classes="dim")
            count.display = False  # shown when the practitioner has open actions (listed at the end of the form)
            yield count
            yield from field_row(
                "Team",
                LineInput(
                    old.team if old else "",
                    what="A team name",
                    required="Team",
                    id="team",
                    placeholder=known_hint(names["team"]),
                    suggester=suggest(names["team"]),
                    compact=True,
                ),
            )
            yield from field_row(
                "Session type",
                LineInput(
                    old.session_type if old else "",
                    what="The session type",
                    id="session_type",
                    placeholder="e.g. " + ", ".join(SESSION_TYPES[:3]),
                    suggester=suggest(SESSION_TYPES),
                    compact=True,
                ),
            )
            yield from field_row(
                "Mode",
                Select(
                    [(v, k) for k, v in MODES.items()], id="mode", allow_blank=False, value=old.mode if old else "in_person", compact=True
                ),
            )
            yield from field_row(
                "Purpose",
                Select(
                    [(v, k) for k, v in PURPOSES.items()],
                    id="purpose",
                    allow_blank=False,
                    value=old.purpose if old else "developmental",
                    compact=True,
                ),
            )
            yield from field_row(
                "Order/licence",
                Select(
                    [("Not recorded", NOT_RECORDED), *((v, k) for k, v in SENTENCES.items())],
                    id="sentence",
                    allow_blank=False,
                    value=(old.sentence or NOT_RECORDED) if old else NOT_RECORDED,
                    compact=True,
                ),
            )
            yield from field_row(
                "Change target",
                LineInput(
                    old.change_target if old else "",
                    max_length=Limits.CHANGE_TARGET,
                    what="The change target",
                    id="change_target",
                    placeholder=CHANGE_TARGET_HINT,
                    compact=True,
                ),
            )
            yield from field_row(
                "Session ref.",
                LineInput(
                    (old.session_ref or "") if old else "",
                    max_length=Limits.SESSION_REFERENCE,
                    what="A session reference",
                    id="session_ref",
                    placeholder=SESSION_REF_HINT,
                    compact=True,
                ),
            )
            ref_hint = Static("", id="session-ref-hint", classes="dim")
            ref_hint.display = False
            yield ref_hint
            yield from field_row(
                "Consent",
                ConsentBox(
                    "consent of the person on probation recorded", old.consent_recorded if old else False, id="consent", compact=True
                ),
            )
            yield from field_row(
                "Case reference",
                LineInput(
                    (old.case_reference or "") if old else "",
                    id="case_reference",
                    placeholder="optional, e.g. A7-042",
                    compact=True,
                    max_length=Limits.CASE_REFERENCE,
                    what="A case reference",
                ),
            )
            yield Static(
                plain(
                    "The case reference is a local pseudonym: never a name, date of birth or case number. "
                    "There is no field for the person on probation's name."
                ),
                classes="dim",
            )
            yield from field_row(
                "Agreed focus",
                LineInput(
                    old.focus if old else "",
                    max_length=Limits.FOCUS,
                    what="The agreed focus",
                    id="focus",
                    placeholder=FOCUS_HINT,
                    compact=True,
                ),
            )
            yield from field_row(
                "Plan",
                NoteArea(old.plan if old else "", max_length=Limits.PLAN, what="The plan", id="plan", compact=True, soft_wrap=True),
            )
            yield Static(plain(PLAN_HINT), classes="dim", id="plan-hint")
            if old is None:
                yield Static(markup("[b]Open actions from earlier observations[/b]"), classes="heading", id="carried-heading")
                yield Static(plain("Type the practitioner's name to see them."), id="carried-hint", classes="dim")
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
        self._enter_moves_on()
        self._initial = self._as_typed()
        self._ready = True
        type_with_tabs(self, first, self._early.take())

    def type_early(self, text: str) -> None:
        """Type keys that reached the previous screen while this form was being shown (Tab moves on)."""
        if not text:
            return
        if not self._ready:
            self._early.keep(text)
            return
        if isinstance(self.focused, Input):
            type_with_tabs(self, self.focused, text)

    async def on_key(self, event: events.Key) -> None:
        """A key that reached the form itself (typed before its first field had the focus) is typed there."""
        if self.focused is None and (typed := typed_character(event)):
            event.stop()
            event.prevent_default()
            self.type_early(typed)

    def unsaved_text(self) -> dict[str, str] | None:
        """What is typed in a new observation's form (kept if the app must close before scoring starts)."""
        if self.edit is not None or not self._ready:
            return None
        typed = {FIELD_LABELS.get(w.id or "", w.id or ""): w.value for w in self.query(Input) if w.id and w.value.strip()}
        typed.update({FIELD_LABELS.get(w.id or "", w.id or ""): w.text for w in self.query(NoteArea) if w.id and w.text.strip()})
        typed.pop("Date", None)
        return typed or None

    def _enter_moves_on(self) -> None:
        """Enter in a field moves on to the next at once, as Tab does (see ``LineInput.action_submit``)."""
        for field in self.query(LineInput):
            field.add_class("moves-on")

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
            when = parse_date(text("date"))
        except ValueError as exc:
            problems["date"] = f"Date: {exc}"
            when = self.seeds.current_date
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
            "sentence": None if (sentence := self.query_one("#sentence", Select).value) == NOT_RECORDED else sentence,
            "change_target": " ".join(text("change_target").split()),
            "focus": " ".join(text("focus").split()),
            "plan": "\n".join(line.rstrip() for line in self.query_one("#plan", NoteArea).text.strip().splitlines()),
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
        self.query_one("#session-errors", Static).update(plain("\n".join(problems.values())))

    @on(Input.Changed)
    @on(NoteArea.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _recheck(self) -> None:
        """Once problems are listed, take each off the list as soon as its field is right."""
        if self._errors_shown:
            _, problems = self.problems()
            self._show_problems(problems)
            self._errors_shown = bool(problems)

    def action_start(self) -> None:
        """Check the details; ask about a new name close to a known one; start scoring (or, editing,
        change the details of the open observation)."""
        session, problems = self.problems()
        if session is not None and self._ask_about_close_names(session):
            return
        self._start(session, problems)

    def _ask_about_close_names(self, session: Session) -> bool:
        """When the practitioner or the team is new but close to a known one ("Pat" beside
        "Pat Practitioner"), ask "did you mean…?" before a record starts under a split name.
        True while the question is open (the answer starts scoring)."""
        for field in ("practitioner", "team"):
            typed = getattr(session, field)
            meant = close_name(typed, self._known.get(field, []))
            if meant is None or (self.edit is not None and name_key(getattr(self.edit, field)) == name_key(typed)):
                continue
            what = FIELD_LABELS[field].lower()

            def answered(use_known: bool | None, field: str = field, typed: str = typed, meant: str = meant) -> None:
                self._checked.add((field, name_key(typed)))  # asked once: Ctrl+S again keeps the new name
                if use_known:
                    self.query_one(f"#{field}", Input).value = meant
                    self.action_start()
                else:
                    self.query_one(f"#{field}", Input).focus()

            if (field, name_key(typed)) in self._checked:
                continue
            self.app.push_screen(
                ConfirmDialog(
                    f"A new {what}?",
                    f"No {what} called “{typed}” is in the store yet. Did you mean “{meant}”? "
                    f"Their earlier observations{' and open actions' if field == 'practitioner' else ''} are under that name; "
                    f"a new name starts a separate record.\n\nTo keep “{typed}” as a new {what}, go back and press Ctrl+S again.",
                    yes=f"Use “{meant}”",
                    no="Back to the form",
                ),
                answered,
            )
            return True
        return False

    def _start(self, session: Session | None, problems: dict[str, str]) -> None:
        if session is None:
            flag_required(self)  # "Team: required" under each required field left empty
            self._show_problems(problems)
            self._errors_shown = True
            self.app.notify("\n".join(problems.values()), title="Check the session details", severity="warning", timeout=8)
            first = next(iter(problems))
            field = {"consent_recorded": "consent"}.get(first, first)
            with contextlib.suppress(NoMatches):
                self.query_one(f"#{field}").focus()
            return
        typed = "\n".join((session.focus, session.plan, session.change_target))
        if self.edit is None:
            self.seeds.start_observation(self.loaded, session, self.carried_for(session))
            # After the start, which clears the last observation's toasts: this one is about the new one.
            warn_personal(self, typed)  # one warning for all three
            return
        warn_personal(self, typed)
        open_session = self.seeds.session
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

    def _as_typed(self) -> dict[str, str]:
        """Every field's value as it stands (text fields, choices and the consent box)."""
        values = {w.id: w.value for w in self.query(Input) if w.id}
        values.update({w.id: w.text for w in self.query(NoteArea) if w.id})
        values.update({w.id: str(w.value) for w in self.query(Select) if w.id})
        values.update({w.id: str(w.value) for w in self.query(ConsentBox) if w.id})
        return values

    def action_back(self) -> None:
        """Back to the rubric list (or, editing, to the observation, unchanged); asks first when
        something was typed or changed here, so Esc never throws details away by surprise."""
        if not self._ready or self._as_typed() == self._initial:
            self.app.pop_screen()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.app.pop_screen()

        where = "the rubric list" if self.edit is None else "the observation, with its details as they were"
        self.app.push_screen(
            ConfirmDialog(
                "Leave without saving these details?",
                f"What you typed or changed here is not kept if you go back to {where}.",
                yes="Leave",
                no="Keep editing",
                yes_variant="error",
            ),
            answered,
        )

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
        return self.seeds.records.open_actions(name, when, ref)

    def _as_marked(self, found: list[OpenAction]) -> list[CarriedAction]:
        """``found`` as carried actions, keeping what was already marked here."""
        marks = {c.key: c for c in self.carried}
        return [marks.get(o.action.key, o.action) for o in found]

    @staticmethod
    def _lookup_key(name: str, when: date, ref: str) -> tuple[str, date, str]:
        return (name_key(name), when, ref_key(ref))

    @on(Input.Changed, "#session_ref")
    def _session_ref_changed(self, event: Input.Changed) -> None:
        self._check_ref(event.value.strip())
        self._practitioner_changed()  # the other observer's file of this session is not "earlier"

    @work(thread=True, exclusive=True, group="setup-session-ref", exit_on_error=False, name="looking up session references")
    def _check_ref(self, ref: str) -> None:
        time.sleep(0.25)  # a pause in typing
        if get_current_worker().is_cancelled:
            return
        others = self.seeds.records.similar_refs(ref)
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
            shown.update(plain(hint))
            shown.display = bool(hint)

    @on(Input.Changed, "#practitioner")
    @on(Input.Changed, "#date")
    def _practitioner_changed(self) -> None:
        if self.edit is not None:
            return
        name = self.query_one("#practitioner", Input).value
        self._fill_team(name)
        try:
            when = parse_date(self.query_one("#date", Input).value)
        except ValueError:
            when = self.seeds.current_date
        ref = self.query_one("#session_ref", Input).value.strip()
        if not name.strip():
            self._show_open(None, when, ref, [])
            return
        self._find_open(name, when, ref)

    def _fill_team(self, name: str) -> None:
        """A known practitioner's team (their latest) is filled in, so it is not typed again, or
        mistyped into a second team; a team typed by hand is left as it is.

        Also when the cursor is already in the Team field (the name typed fast: first name, Right
        to complete it, Tab; the name changes after Tab has moved on) and nothing is typed there yet:
        the team filled in is selected, as on Tab into it, so a team typed then replaces it."""
        team = self.query_one("#team", Input)
        if team.value.strip() and team.value != self._filled_team:
            return
        known = self._teams.get(name_key(name), "")
        if team.value != known:
            team.value = known
            if team.has_focus:
                team.select_all()
        self._filled_team = known

    @work(thread=True, exclusive=True, group="setup-open-actions", exit_on_error=False, name="looking up open actions")
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
            hint.update(plain("Type the practitioner's name to see them."))
        elif found:
            hint.update(
                plain(
                    f"{len(found)} open. Tab to the list, then d done · g ongoing · x dropped · c comment "
                    "(or mark them in the feedback step)."
                )
            )
        else:
            hint.update(plain("None open for this practitioner."))
        count = self.query_one("#carried-count", Static)
        actions = f"{len(found)} open action{'' if len(found) == 1 else 's'}"
        count.update(plain(f"  {actions} from earlier observations: see the end of the form"))
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
