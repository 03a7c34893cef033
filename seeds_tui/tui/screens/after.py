"""After the session: the observer rates the whole session first, privately; then the feedback
conversation, on its own clock, in the order practice uses: the practitioner's view first, the
observer's strengths, development areas and summary, then a few agreed actions."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Literal

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from seeds_tui.core.actions import OpenAction, actions_notice
from seeds_tui.core.dates import parse_date, uk_date
from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import Action, LinkedNote
from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.commands import SelfRatingCommands, SessionDetailsCommands
from seeds_tui.tui.controllers.session import ObservationSession, TooLong, apply_edit, format_elapsed
from seeds_tui.tui.dialogs.base import TextEntryDialog
from seeds_tui.tui.dialogs.feedback import ActionDialog, LinkedNoteDialog
from seeds_tui.tui.keys import KeysInOrder
from seeds_tui.tui.widgets.carried import CarriedList, previously
from seeds_tui.tui.widgets.lists import GlobalList
from seeds_tui.tui.widgets.render import value_text
from seeds_tui.tui.widgets.safe import markup, plain
from seeds_tui.tui.widgets.state import save_state_text, warn_personal
from seeds_tui.tui.widgets.text import Limits, LineInput, NoteArea

#: Prompts for the practitioner's self-assessment (our own words).
SELF_ASSESSMENT_PROMPTS = (
    "What went well, and how do you know?",
    "What would you do differently with this person next time?",
    "Which skill do you want to build on next?",
)


Part = Literal["strengths", "development_areas"]
ADD = "add"
NONE = "none"


class FeedbackList(KeysInOrder, OptionList):
    """Strengths, development areas or actions: Enter adds or edits, Delete removes."""

    BINDINGS = [
        Binding("delete,backspace", "screen.remove_entry", "Remove", id="feedback.remove"),
        Binding("u,ctrl+z", "screen.undo_remove", "Undo remove", show=False, id="feedback.undo"),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]


class AfterScreen(SeedsScreen[None]):
    """Global ratings with their anchors; self-assessment, strengths, development areas, actions, comment."""

    COMMANDS = {SessionDetailsCommands, SelfRatingCommands}
    #: The first part has the cursor from the first frame (keys typed straight after F3 belong there).
    AUTO_FOCUS = "#globals, #self-assessment"

    BINDINGS = [
        Binding("escape", "back", "Scoring", id="after.back", tooltip="Back to scoring"),
        Binding("f4", "app.stage('review')", "Review", id="after.review"),
        Binding("f6", "self_rating", "Self-rating", id="after.self_rating", tooltip="Hand over for the practitioner's self-rating"),
    ]

    WRITES_STORE = frozenset({"self_rating"})

    def __init__(self) -> None:
        super().__init__()
        session = self.seeds.session
        assert session is not None
        self.session: ObservationSession = session
        #: How each carried action stood when last reviewed ("ongoing at 2026-09-01").
        self._previously: dict[tuple[str, int], str] = {}
        #: The entry removed last (its list, its place, the entry), for u to put back.
        self._removed: tuple[str, int, Action | LinkedNote] | None = None

    def compose(self) -> ComposeResult:
        """Everything in one scrolling column, in conversation order."""
        rubric = self.session.rubric
        feedback = self.session.observation.feedback
        with Horizontal(classes="topbar"):
            yield Static(
                markup("[b]After the session[/b] [dim]· $who[/]", who=self.session.observation.session.practitioner),
                id="where",
            )
            yield Static("", id="feedback-clock")
            yield Static("", id="save-state")
        with VerticalScroll(id="after-body"):
            if rubric.globals:
                yield Static(
                    markup("[b]1. Whole-session ratings[/b] [dim](yours, before the conversation; digits rate)[/]"), classes="heading"
                )
                yield GlobalList(id="globals")
                yield Static("", id="global-detail")
            yield Static(markup("[b]The feedback conversation[/b] [dim](its own clock, from here on)[/]"), classes="heading")
            with Horizontal(classes="form-field"):
                yield Label(plain("Held on"))
                yield LineInput(
                    uk_date(feedback.date) if feedback.date else "",
                    id="feedback-date",
                    placeholder="DD/MM/YYYY",
                    compact=True,
                    max_length=Limits.DATE,
                    what="The date",
                )
            hint = Static("", id="feedback-date-hint", classes="dim")
            hint.display = False  # shown only while the date typed is not one
            yield hint
            yield Static(markup("[b]2. The practitioner's self-assessment[/b] [dim](they speak first)[/]"), classes="heading")
            yield Static(plain(" · ".join(SELF_ASSESSMENT_PROMPTS)), id="self-assessment-prompts", classes="dim")
            to_self_rating = Button("Practitioner's self-rating on the rubric (F6)", id="to-self-rating")
            to_self_rating.can_focus = False  # F6 (or a click): Tab keeps going from the date to the self-assessment
            yield to_self_rating
            yield NoteArea(
                feedback.self_assessment,
                id="self-assessment",
                soft_wrap=True,
                tab_behavior="focus",
                classes="feedback-text",
                max_length=Limits.NOTE,
                what="The self-assessment",
            )
            yield Static(markup("[b]3. Strengths[/b] [dim](Enter adds or edits; link each to an item)[/]"), classes="heading")
            yield FeedbackList(id="strengths", classes="feedback-list")
            yield Static(markup("[b]4. Development areas[/b]"), classes="heading")
            yield FeedbackList(id="development_areas", classes="feedback-list")
            yield Static(markup("[b]5. Your overall summary[/b] [dim](the observer's view of the whole session)[/]"), classes="heading")
            yield NoteArea(
                feedback.summary,
                id="summary",
                soft_wrap=True,
                tab_behavior="focus",
                classes="feedback-text",
                max_length=Limits.NOTE,
                what="The summary",
            )
            yield Static(
                markup("[b]6. Actions from earlier observations[/b] [dim](d done · g ongoing · x dropped · c comment)[/]"),
                classes="heading",
            )
            yield CarriedList(editable=self.session.editable, id="carried")
            yield Static(markup("[b]7. Agreed actions[/b] [dim](two or three, each with a review date)[/]"), classes="heading")
            yield FeedbackList(id="actions", classes="feedback-list")
            yield Static("", id="actions-notice")
            yield Static(
                markup("[b]8. The practitioner's written response[/b] [dim](may also be added after finalising)[/]"), classes="heading"
            )
            yield NoteArea(
                feedback.practitioner_comment,
                id="comment",
                soft_wrap=True,
                tab_behavior="focus",
                classes="feedback-text",
                max_length=Limits.NOTE,
                what="The response",
            )
            with Horizontal(classes="form-buttons"):
                yield Button("Review and finalise (F4)", variant="primary", id="to-review")
                yield Button("Back to scoring (Esc)", id="to-scoring")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill the lists; focus the first part."""
        if self.seeds.records.shared:  # a final of a team's shared store, read only: no self-rating here (F6 says why)
            self.hide_store_writes()
        self.watch(self.app, "edits", lambda _: self._changed(), init=False)
        self.watch(self.app, "saves", lambda _: self._changed(state_only=True), init=False)
        self._changed()
        if self.session.mode == "draft":  # a correction of a final keeps the record it had
            self._find_open()
        first = self.query("#globals")
        (first.first() if first else self.query_one("#self-assessment")).focus(scroll_visible=False)
        if not first:  # no ratings to give first: the conversation starts at once
            self.session.start_feedback()
        self._tick()
        self.set_interval(1.0, self._tick, name="feedback clock")
        # The screen opens at its top (section 1's heading in view), wherever focusing before the first layout scrolled to.
        self.call_after_refresh(self.query_one("#after-body", VerticalScroll).scroll_home, animate=False)

    def _tick(self) -> None:
        session = self.session
        clock = session.feedback_clock
        if clock.running or clock.elapsed():
            state = "" if clock.running else " paused"
            text = f"feedback {format_elapsed(clock.elapsed())}{state}"
        else:
            text = "feedback not started"
        self.query_one("#feedback-clock", Static).update(plain(text))
        session.heartbeat()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Leaving the ratings for any part of the conversation starts the feedback's clock."""
        if event.widget.id != "globals" and self.session.editable and not self.session.feedback_clock.running:
            self.session.start_feedback()
            self._tick()

    def on_unmount(self) -> None:
        """Away from this step (scoring, review, home) the feedback's clock waits."""
        if self.session.mode == "draft" and self.session.feedback_clock.running:
            self.session.pause_feedback()

    def _changed(self, state_only: bool = False) -> None:
        if not self.is_attached or self.seeds.session is not self.session:
            return
        if self.later_if_covered(self._changed):  # under a dialog: once it closes
            return
        session = self.session
        if state_only:
            self.query_one("#save-state", Static).update(save_state_text(session))
            return
        obs = session.observation
        rubric = session.rubric
        self.query_one("#save-state", Static).update(save_state_text(session))
        for area in self.query(TextArea):
            area.read_only = not session.editable
        when = self.query_one("#feedback-date", Input)
        when.disabled = not session.editable
        if (not when.has_focus or not when.value) and obs.feedback.date is not None and when.value != uk_date(obs.feedback.date):
            when.value = uk_date(obs.feedback.date)
        self.query_one("#actions-notice", Static).update(plain(actions_notice(obs.feedback.actions)))
        self._tick()
        self.refresh_bindings()
        if rubric.globals:
            ratings = self.query_one("#globals", GlobalList)
            prompts = [
                markup(
                    "[b $accent]$value[/] $title",
                    value=value_text(rubric, g, obs.globals.get(g.id)).ljust(14)[:14],
                    title=g.title,
                )
                for g in rubric.globals
            ]
            if ratings.option_count != len(prompts):
                ratings.set_options([Option(p, id=g.id) for p, g in zip(prompts, rubric.globals, strict=True)])
                ratings.highlighted = 0
            else:
                for i, p in enumerate(prompts):
                    ratings.replace_option_prompt_at_index(i, p)
            self._show_anchors()
        feedback = obs.feedback
        for part in ("strengths", "development_areas"):
            notes: list[LinkedNote] = getattr(feedback, part)
            self._fill(
                part, [self._linked_row(n) for n in notes], "+ Add a strength" if part == "strengths" else "+ Add a development area"
            )
        self._fill(
            "actions",
            [
                markup(
                    "$text [dim]· $owner · review $review$item[/]",
                    text=a.text,
                    owner=a.owner or "no owner",
                    review=uk_date(a.review_date) if a.review_date else "not set",
                    item=f" → {self._item_label(a.item)}" if a.item else "",
                )
                for a in feedback.actions
            ],
            "+ Add an agreed action",
        )
        carried = self.query_one("#carried", CarriedList)
        carried.editable = session.editable
        carried.show(feedback.carried, self._previously)

    @work(thread=True, exclusive=True, group="after-open-actions", exit_on_error=False, name="looking up open actions")
    def _find_open(self) -> None:
        """Bring in the practitioner's actions still open from earlier observations (not yet in this one)."""
        try:
            found = self.seeds.records.open_actions_for(self.session.observation)
        except SeedsError:
            return
        self.app.call_from_thread(self._add_open, found)

    def _add_open(self, found: list[OpenAction]) -> None:
        if not self.is_attached or not self.session.editable:
            return
        self._previously = previously(found)
        have = {c.key for c in self.session.observation.feedback.carried}
        if any(o.action.key not in have for o in found):
            self._edit(self.session.add_carried, found)
        else:
            self._changed()

    @on(CarriedList.Marked, "#carried")
    def _carried_marked(self, event: CarriedList.Marked) -> None:
        self._edit(self.session.mark_carried, event.index, event.status)

    @on(CarriedList.CommentWanted, "#carried")
    def _carried_comment(self, event: CarriedList.CommentWanted) -> None:
        session = self.session
        index = event.index
        action = session.observation.feedback.carried[index]

        def live(text: str) -> None:
            if session.editable and _same_carried(session, index, action.key):
                with contextlib.suppress(TooLong):  # said when the dialog closes
                    session.mark_carried(index, session.observation.feedback.carried[index].status, text)

        def done(text: str | None) -> None:
            if text is not None and _same_carried(session, index, action.key):
                self._edit(session.mark_carried, index, session.observation.feedback.carried[index].status, text.strip())

        self.app.push_screen(TextEntryDialog("Comment on the action", action.comment, context=action.text, live=live), done)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A final observation open read-only hides the editing keys."""
        return self.session.editable or action not in ("rate", "remove_entry", "undo_remove")

    def _linked_row(self, note: LinkedNote) -> Content:
        if note.item is None:
            return plain(note.text)
        return markup("$text [dim]→ $item[/]", text=note.text, item=self._item_label(note.item))

    def _item_label(self, key: str) -> str:
        """The text of the item ``section.item`` (the key itself if the rubric has no such item)."""
        section_id, item_id = key.split(".")
        try:
            return self.session.rubric.item(section_id, item_id).text
        except KeyError:
            return key

    def _fill(self, list_id: str, rows: list[Content], add_label: str) -> None:
        listing = self.query_one(f"#{list_id}", FeedbackList)
        keep = listing.highlighted
        options = [Option(r, id=str(i)) for i, r in enumerate(rows)]
        if self.session.editable:
            options.append(Option(plain(add_label), id=ADD))
        elif not options:
            options.append(Option(plain("none"), id=NONE, disabled=True))
        listing.set_options(options)
        listing.highlighted = min(keep if keep is not None else 0, listing.option_count - 1)

    def _show_anchors(self) -> None:
        rubric = self.session.rubric
        ratings = self.query_one("#globals", GlobalList)
        index = ratings.highlighted or 0
        rating = rubric.globals[index]
        chosen = self.session.observation.globals.get(rating.id)
        parts = [markup("[b]$title[/b]\n", title=rating.title)]
        if rating.guidance:
            parts.append(markup("[i]$g[/i]\n", g=rating.guidance))
        for level in rubric.scale_of(rating).levels:
            style = "reverse b" if chosen == level.value else "b"
            parts.append(markup(f"[{style}] $v $label [/] $d\n", v=str(level.value), label=level.label, d=level.descriptor))
        self.query_one("#global-detail", Static).update(plain("").join(parts))

    @on(OptionList.OptionHighlighted, "#globals")
    def _global_highlighted(self) -> None:
        self._show_anchors()

    def _edit(self, func: Callable[..., object], *args: object) -> bool:
        return apply_edit(self.app, func, *args)

    def action_rate(self, value: int | None) -> None:
        """Rate the highlighted global with this level (None clears)."""
        rubric = self.session.rubric
        ratings = self.query_one("#globals", GlobalList)
        rating = rubric.globals[ratings.highlighted or 0]
        scale = rubric.scale_of(rating)
        if value is not None and scale.level(value) is None:
            self.app.bell()
            self.app.notify(f"This scale has no level {value}: use {', '.join(str(v) for v in scale.values)}.", timeout=4)
            return
        self._edit(self.session.set_global, rating, value)

    @on(TextArea.Changed, "#self-assessment")
    def _self_assessment(self, event: TextArea.Changed) -> None:
        if event.text_area.text != self.session.observation.feedback.self_assessment and self.session.editable:
            self._edit(_setter(self.session, "self_assessment"), event.text_area.text)

    @on(TextArea.Changed, "#summary")
    def _summary(self, event: TextArea.Changed) -> None:
        if event.text_area.text != self.session.observation.feedback.summary and self.session.editable:
            self._edit(_setter(self.session, "summary"), event.text_area.text)

    @on(Input.Changed, "#feedback-date")
    def _feedback_date(self, event: Input.Changed) -> None:
        hint = self.query_one("#feedback-date-hint", Static)
        text = event.value.strip()
        hint.display = False
        if not self.session.editable or not text:
            return
        try:
            when = parse_date(text)
        except ValueError as exc:
            hint.update(plain(f"Date: {exc}"))
            hint.display = True
            return
        if when != self.session.observation.feedback.date:
            self._edit(_date_setter(self.session), when)

    @on(TextArea.Changed, "#comment")
    def _comment(self, event: TextArea.Changed) -> None:
        if event.text_area.text != self.session.observation.feedback.practitioner_comment and self.session.editable:
            self._edit(_setter(self.session, "practitioner_comment"), event.text_area.text)

    def on_descendant_blur(self, event: object) -> None:
        """Leaving a text: warn if it looks like personal data of the person on probation."""
        widget = getattr(event, "widget", None)
        if isinstance(widget, TextArea):
            warn_personal(self, widget.text)

    @on(OptionList.OptionSelected, ".feedback-list")
    def _entry_selected(self, event: OptionList.OptionSelected) -> None:
        list_id = event.option_list.id or ""
        option_id = event.option.id
        if option_id == NONE:
            return
        index = None if option_id == ADD else int(option_id or 0)
        session = self.session
        if not session.editable:
            self.app.notify("This observation is final and open read-only.", severity="warning", timeout=4)
            return
        # What is typed reaches the draft while the form is open (the autosave keeps it if the app
        # dies): a new entry is added at its first complete state and replaced as typing goes on.
        slot: list[int | None] = [index]

        if list_id == "actions":
            old = session.observation.feedback.actions[index] if index is not None else None

            def action_live(action: Action | None) -> None:
                if action is None or not session.editable:
                    return
                if slot[0] is None:
                    if self._edit(session.add_action, action):
                        slot[0] = len(session.observation.feedback.actions) - 1
                else:
                    self._edit(session.replace_action, slot[0], action)

            def action_done(action: Action | None) -> None:
                if action is None:  # cancelled: back to how it was
                    if slot[0] is not None and index is None:
                        self._edit(session.replace_action, slot[0], None)
                    elif index is not None:
                        self._edit(session.replace_action, index, old)
                    return
                if slot[0] is None:
                    self._edit(session.add_action, action)
                else:
                    self._edit(session.replace_action, slot[0], action)
                warn_personal(self, action.text)

            self.app.push_screen(
                ActionDialog(
                    old,
                    default_owner=session.observation.session.practitioner,
                    session_date=session.observation.session.date,
                    live=action_live,
                    rubric=session.rubric,
                    obs=session.observation,
                ),
                action_done,
            )
            return
        part: Part = "strengths" if list_id == "strengths" else "development_areas"
        notes: list[LinkedNote] = getattr(session.observation.feedback, part)
        note = notes[index] if index is not None else None
        title = "Strength" if part == "strengths" else "Development area"

        def note_live(new: LinkedNote | None) -> None:
            if new is None or not session.editable:
                return
            if slot[0] is None:
                if self._edit(session.add_linked, part, new.text, new.item):
                    slot[0] = len(getattr(session.observation.feedback, part)) - 1
            else:
                self._edit(session.replace_linked, part, slot[0], new)

        def note_done(new: LinkedNote | None) -> None:
            if new is None:
                if slot[0] is not None and index is None:
                    self._edit(session.replace_linked, part, slot[0], None)
                elif index is not None and note is not None:
                    self._edit(session.replace_linked, part, index, note)
                return
            if slot[0] is None:
                self._edit(session.add_linked, part, new.text, new.item)
            else:
                self._edit(session.replace_linked, part, slot[0], new)
            warn_personal(self, new.text)

        self.app.push_screen(LinkedNoteDialog(title, session.rubric, session.observation, note, live=note_live), note_done)

    def action_remove_entry(self) -> None:
        """Remove the highlighted strength, development area or action."""
        focused = self.focused
        if not isinstance(focused, FeedbackList):
            return
        option = focused.highlighted_option
        if option is None or option.id in (ADD, NONE):
            return
        index = int(option.id or 0)
        fb = self.session.observation.feedback
        if focused.id == "actions":
            entry: Action | LinkedNote = fb.actions[index]
            self._edit(self.session.replace_action, index, None)
        else:
            part: Part = "strengths" if focused.id == "strengths" else "development_areas"
            entry = getattr(fb, part)[index]
            self._edit(self.session.replace_linked, part, index, None)
        self._removed = (focused.id or "", index, entry)
        what = {"actions": "Action", "strengths": "Strength"}.get(focused.id or "", "Development area")
        self.app.notify(f"{what} removed · u puts it back", timeout=8)

    def action_undo_remove(self) -> None:
        """Put back the strength, development area or action removed last, where it was."""
        if self._removed is None:
            return
        list_id, index, entry = self._removed
        self._removed = None
        if isinstance(entry, Action):
            self._edit(self.session.insert_action, index, entry)
        else:
            self._edit(self.session.insert_linked, "strengths" if list_id == "strengths" else "development_areas", index, entry)
        self.app.notify("Put back.", timeout=3)

    @on(Button.Pressed, "#to-review")
    def _to_review(self) -> None:
        self.seeds.show_stage("review")

    @on(Button.Pressed, "#to-self-rating")
    def action_self_rating(self) -> None:
        """Hand over for the practitioner's self-rating of the same items; back here after the gap."""
        self.seeds.open_selfrating(self.session.observation)

    @on(Button.Pressed, "#to-scoring")
    def _to_scoring(self) -> None:
        self.seeds.show_stage("scoring")

    def action_back(self) -> None:
        """Leave a text for the next part, or go back to scoring."""
        if isinstance(self.focused, (TextArea, Input)):
            self.focus_next()
            return
        self.seeds.show_stage("scoring")


def _same_carried(session: ObservationSession, index: int, key: tuple[str, int]) -> bool:
    carried = session.observation.feedback.carried
    return index < len(carried) and carried[index].key == key


def _date_setter(session: ObservationSession) -> Callable[[object], None]:
    def set_date(when: object) -> None:
        session.set_feedback(date=when)

    return set_date


def _setter(session: ObservationSession, name: str) -> Callable[[str], None]:
    def set_text(text: str) -> None:
        session.set_feedback(**{name: text})

    return set_text
