"""Scoring: the heart of the app. Section by section, keyboard only, every change autosaved."""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from seeds_tui.core.scoring import section_scores
from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.commands import SessionDetailsCommands
from seeds_tui.tui.controllers.session import ObservationSession, ReadOnly, apply_edit, format_elapsed
from seeds_tui.tui.dialogs import MessageDialog, TextEntryDialog
from seeds_tui.tui.widgets.lists import ItemList, SectionList
from seeds_tui.tui.widgets.render import SectionHead, item_detail, item_row, label_width, section_row, value_text
from seeds_tui.tui.widgets.safe import markup, plain
from seeds_tui.tui.widgets.state import save_state_text, warn_personal
from seeds_tui.tui.widgets.text import Limits, NoteArea

#: Actions of the scoring keys that change the observation (hidden while it is read-only).
EDITING_ACTIONS = frozenset({"level", "code", "clear", "evidence", "mark", "marks", "clock", "undo_counter", "end_session"})


class ScoringScreen(SeedsScreen[None]):
    """Sections with progress, the current section's items, the current item's levels and evidence."""

    COMMANDS = {SessionDetailsCommands}

    BINDINGS = [
        Binding("escape", "back", "Home", show=False, id="scoring.home", tooltip="Save and go back to the list (or leave the notes)"),
        Binding("f3", "app.stage('after')", "After", id="scoring.after", tooltip="After the session: ratings and feedback"),
        # Still Ctrl+Q (F1 lists it), but not in the footer: at 80 columns the scoring keys need the room.
        Binding("ctrl+q", "app.quit", "Quit", show=False, priority=True, id="scoring.quit"),
        Binding(
            "G",
            "guidance",
            "Guidance",
            show=False,
            id="scoring.guidance",
            tooltip="Read the whole guidance of this section (cut to fit above the items on a small terminal)",
        ),
        Binding(
            "E",
            "end_session",
            "End session",
            show=False,
            id="scoring.end",
            tooltip="End the session now: its clock stops (F3 goes on to the feedback; t opens it again)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        session = self.seeds.session
        assert session is not None
        self.session: ObservationSession = session
        self.counter_by_key = {c.key: c for c in session.rubric.counters}
        self._shown_section = -1
        self._item_prompts: list[str] = []
        self._detail_key: tuple[int, int, str] | None = None
        self._section_prompts: list[str] = []
        self.label_width = label_width(session.rubric)

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Top bar, sections, items, detail, notes, tallies, footer."""
        with Horizontal(classes="topbar"):
            yield Static("", id="where")
            yield Static("", id="clock")
            yield Static("", id="save-state")
        with Horizontal(id="scoring-body"):
            yield SectionList(id="sections")
            with Vertical(id="scoring-main"):
                yield SectionHead(id="section-head")
                yield ItemList(counter_keys=frozenset(self.counter_by_key), id="items")
                with VerticalScroll(id="item-detail"):
                    yield Static("", id="detail")
                notes = NoteArea(id="section-notes", soft_wrap=True, tab_behavior="focus", max_length=Limits.NOTE, what="Section notes")
                notes.border_title = "Section notes (Tab to write, Esc back)"
                yield notes
        if self.counter_by_key:
            yield Static("", id="counters")
        # At 80 columns the keys needed while scoring fill the line: the palette (Ctrl+P) is in F1's list.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """Show the current section and start listening to the session."""
        self.watch(self.app, "edits", lambda _: self._changed(), init=False)
        self.watch(self.app, "saves", lambda _: self._changed(state_only=True), init=False)
        # Tab goes straight from the items to the notes; the detail scrolls with Shift+↑/↓.
        self.query_one("#item-detail", VerticalScroll).can_focus = False
        if not self.session.placed:  # first time this observation is shown: where scoring stopped last time
            self.session.placed = True
            if self.session.mode == "draft" and (self.session.section_index, self.session.item_index) == (0, 0):
                self.session.section_index, self.session.item_index = last_scored(self.session)
        self._show_section(self.session.section_index, self.session.item_index)
        self.query_one("#items", ItemList).focus()
        self._tick()
        self.set_interval(1.0, self._tick, name="clock")

    # -- showing state -------------------------------------------------------------------------

    def _show_section(self, index: int, item_index: int = 0) -> None:
        session = self.session
        session.section_index = index
        section = session.section
        item_index = max(0, min(item_index, len(section.items) - 1))
        session.item_index = item_index
        items = self.query_one("#items", ItemList)
        obs = session.observation
        prompts = [item_row(session.rubric, item, obs.score(section.id, item.id), self.label_width) for item in section.items]
        items.set_options([Option(p, id=item.id) for p, item in zip(prompts, section.items, strict=True)])
        self._item_prompts = [p.plain for p in prompts]
        items.highlighted = item_index
        notes = self.query_one("#section-notes", TextArea)
        wanted = obs.section_notes.get(section.id, "")
        if notes.text != wanted:
            notes.load_text(wanted)
        self._shown_section = index
        self._refresh_all()
        sections = self.query_one("#sections", SectionList)
        sections.highlighted = index

    def _refresh_all(self) -> None:
        session = self.session
        obs = session.observation
        rubric = session.rubric
        section = session.section
        results = section_scores(obs, rubric)
        current = results[session.section_index]
        # Sections list
        sections = self.query_one("#sections", SectionList)
        prompts = [section_row(r, s, i + 1) for i, (r, s) in enumerate(zip(results, rubric.sections, strict=True))]
        if sections.option_count != len(prompts):
            sections.set_options([Option(p, id=s.id) for p, s in zip(prompts, rubric.sections, strict=True)])
            self._section_prompts = [p.plain for p in prompts]
        else:
            # Replace only what changed: re-rendering every option on each key press costs frames.
            for i, prompt in enumerate(prompts):
                if self._section_prompts[i] != prompt.plain:
                    sections.replace_option_prompt_at_index(i, prompt)
                    self._section_prompts[i] = prompt.plain
        if sections.highlighted != session.section_index:
            sections.highlighted = session.section_index
        # Items of the current section
        items = self.query_one("#items", ItemList)
        for i, item in enumerate(section.items):
            prompt = item_row(rubric, item, obs.score(section.id, item.id), self.label_width)
            if self._item_prompts[i] != prompt.plain:
                items.replace_option_prompt_at_index(i, prompt)
                self._item_prompts[i] = prompt.plain
        missing = len(current.missing_required)
        self.query_one("#section-head", SectionHead).show(
            markup(
                "[b]$n $title[/b]  [dim]$progress[/][$text-warning]$missing[/]",
                n=f"§{session.section_index + 1}/{len(rubric.sections)}",
                title=section.title,
                progress=f"{current.scored}/{current.total} scored",
                missing=f" · {missing} required missing" if missing else "",
            ),
            section.guidance,
        )
        self._show_detail()
        self.query_one("#where", Static).update(
            markup(
                "[b]$who[/b] [dim]· $rubric[/]",
                who=obs.session.practitioner,
                rubric=rubric.title,
            )
        )
        self.query_one("#save-state", Static).update(save_state_text(session))
        self._show_tallies()
        self._show_editable()

    def _show_tallies(self) -> None:
        """The tallies in aligned columns, as many as the width allows; every label whole where it fits."""
        if not self.counter_by_key:
            return
        session = self.session
        cells = [(c.key, c.title, str(session.observation.counters.get(c.id, 0))) for c in session.rubric.counters]
        width = max(20, self.size.width - 2)  # the bar's padding
        self.query_one("#counters", Static).update(tally_grid(cells, width, undo=session.editable))

    def on_resize(self, event: events.Resize) -> None:
        """Another width: the tallies take as many columns as now fit."""
        self._show_tallies()

    def _show_detail(self) -> None:
        session = self.session
        detail = item_detail(session.rubric, session.observation, session.section, session.item, editable=session.editable)
        key = (session.section_index, session.item_index, detail.plain)
        if key != self._detail_key:
            moved = self._detail_key is None or key[:2] != self._detail_key[:2]
            self._detail_key = key
            self.query_one("#detail", Static).update(detail)
            if moved:  # another item or section: start at its title, not where the last one was scrolled to
                self.query_one("#item-detail", VerticalScroll).scroll_home(animate=False, immediate=True)

    def _show_editable(self) -> None:
        """Offer the editing keys and the notes only when the observation can be changed."""
        editable = self.session.editable
        notes = self.query_one("#section-notes", TextArea)
        if notes.read_only == editable:
            notes.read_only = not editable
            notes.border_title = "Section notes (Tab to write, Esc back)" if editable else "Section notes (read-only)"
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A final observation open read-only hides the editing keys."""
        return self.session.editable or action not in EDITING_ACTIONS

    def _tick(self) -> None:
        session = self.session
        clock = session.clock
        if clock.running:
            state = "running"
        elif not session.editable:
            state = ""
        else:
            state = "ended (t resumes)" if session.session_ended else "paused (t)"
        self.query_one("#clock", Static).update(plain(f"clock {format_elapsed(clock.elapsed())} {state}"))
        session.heartbeat()

    def _changed(self, state_only: bool = False) -> None:
        if not self.is_attached or self.seeds.session is not self.session:
            return
        if self.later_if_covered(self._changed):  # under a dialog: once it closes
            return
        if state_only:
            self.query_one("#save-state", Static).update(save_state_text(self.session))
            return
        self._refresh_all()
        self._tick()

    # -- edits ------------------------------------------------------------------------------------

    def _edit(self, func: Callable[..., object], *args: object) -> bool:
        return apply_edit(self.app, func, *args)

    @on(OptionList.OptionHighlighted, "#items")
    def _item_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self._shown_section == self.session.section_index:
            self.session.item_index = event.option_index
            self._show_detail()

    def _sync_cursor(self) -> None:
        """Take the current item from the list's cursor, the source of truth.

        The highlight message that also updates it is queued behind key presses: in a burst
        such as "j1" (a fast typist, a paste, a slow SSH link) the digit would otherwise land
        on the item the cursor just left.
        """
        highlighted = self.query_one("#items", ItemList).highlighted
        if highlighted is not None and self._shown_section == self.session.section_index:
            self.session.item_index = highlighted

    def action_level(self, value: int) -> None:
        """Give the current item the level with this value."""
        self._sync_cursor()
        session = self.session
        item = session.item
        scale = session.rubric.scale_of(item)
        if scale.level(value) is None:
            self.app.bell()
            self.app.notify(f"This scale has no level {value}: use {', '.join(str(v) for v in scale.values)}, a (NA) or o (NO).", timeout=4)
            return
        self._edit(session.set_level, session.section.id, item.id, value)

    def action_code(self, code: str) -> None:
        """Mark the current item NA or NO."""
        self._sync_cursor()
        session = self.session
        self._edit(session.set_code, session.section.id, session.item.id, code)

    def action_clear(self) -> None:
        """Remove the current item's level or code."""
        self._sync_cursor()
        session = self.session
        self._edit(session.clear, session.section.id, session.item.id)

    def action_evidence(self) -> None:
        """Write the evidence note for the current item."""
        self._sync_cursor()
        session = self.session
        section, item = session.section, session.item
        score = session.observation.score(section.id, item.id)
        context = f"{item.text}\nNow: {value_text(session.rubric, item, score)} · session clock {format_elapsed(session.clock.elapsed())}"

        def keep(text: str) -> None:
            if self._edit(session.set_evidence, section.id, item.id, text):
                warn_personal(self, text)

        def live(text: str) -> None:
            # Into the draft while typing: the autosave keeps the note if the app dies with the dialog open.
            if session.editable:
                self._edit(session.set_evidence, section.id, item.id, text)

        self.app.push_screen(TextEntryDialog("Evidence", score.evidence if score else "", context=context, keep=keep, live=live))

    def action_mark(self) -> None:
        """Drop a time-stamped mark now."""
        try:
            event = self.session.add_mark()
        except ReadOnly as exc:
            self.app.notify(str(exc), severity="warning")
            return
        count = len(self.session.unattached_marks())
        # One line at 80 columns (toasts stack at the top right while marks are dropped in a row).
        self.app.notify(f"Mark at {format_elapsed(event.elapsed)} · {count} not attached · x lists them", timeout=3)

    def action_marks(self) -> None:
        """List marks; attach one to the current item."""
        self._sync_cursor()
        from seeds_tui.tui.dialogs.marks import MarksDialog

        session = self.session
        self.app.push_screen(MarksDialog(session, session.key_of(session.section, session.item)))

    def action_section(self, delta: int) -> None:
        """Next or previous section; after the last section come the session ratings and feedback."""
        target = self.session.section_index + delta
        if target >= len(self.session.rubric.sections):
            self.seeds.show_stage("after")
            return
        if target < 0:
            self.app.bell()
            return
        self._show_section(target)

    def go_to_section(self, index: int) -> None:
        """Jump to a section (command palette)."""
        self._show_section(index)
        self.query_one("#items", ItemList).focus()

    def action_guidance(self) -> None:
        """The current section's whole guidance, in a box of its own (the head shows what fits)."""
        session = self.session
        section = session.section
        title = f"§{session.section_index + 1} {section.title}"
        self.app.push_screen(MessageDialog(title, section.guidance or "This section has no guidance."))

    def on_click(self, event: events.Click) -> None:
        """A click on the section's heading shows its whole guidance."""
        if event.widget is not None and event.widget.id == "section-head":
            self.action_guidance()

    def action_scroll_detail(self, lines: int) -> None:
        """Scroll the item's levels and evidence (for small terminals)."""
        self.query_one("#item-detail", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_clock(self) -> None:
        """Pause or resume the session clock."""
        if not self.session.editable:
            return
        running = self.session.toggle_clock()
        self._tick()
        self.app.notify("Clock running" if running else "Clock paused (t resumes)", timeout=2)

    def action_end_session(self) -> None:
        """End the session now (the clock stops), staying on the scoring screen to tidy up."""
        session = self.session
        if not session.editable or session.mode != "draft":
            return
        if not session.end_session():
            self.app.notify("The session has already ended (t opens it again).", timeout=3)
            return
        self._tick()
        self.app.notify(f"Session ended at {format_elapsed(session.clock.elapsed())}. F3 goes on to the feedback.", timeout=4)

    def action_undo_counter(self) -> None:
        """Take back the last tally."""
        try:
            counter_id = self.session.undo_counter()
        except ReadOnly as exc:
            self.app.notify(str(exc), severity="warning")
            return
        if counter_id is None:
            self.app.notify("No tally to undo.", timeout=2)
        else:
            title = next(c.title for c in self.session.rubric.counters if c.id == counter_id)
            self.app.notify(f"Undid one: {title}", timeout=2)

    @on(ItemList.CounterKey)
    def _counter_key(self, event: ItemList.CounterKey) -> None:
        counter = self.counter_by_key.get(event.key)
        if counter is not None:
            self._edit(self.session.tap_counter, counter.id)

    @on(TextArea.Changed, "#section-notes")
    def _notes_changed(self, event: TextArea.Changed) -> None:
        session = self.session
        if self._shown_section != session.section_index or not session.editable:
            return
        if event.text_area.text != session.observation.section_notes.get(session.section.id, ""):
            self._edit(session.set_section_note, session.section.id, event.text_area.text)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """Leaving the section notes: warn if they look like personal data."""
        if isinstance(event.widget, TextArea) and event.widget.id == "section-notes":
            warn_personal(self, event.widget.text)

    async def action_back(self) -> None:
        """Leave the notes for the item list; from the item list, save and go home."""
        if self.focused is not None and self.focused.id == "section-notes":
            self.query_one("#items", ItemList).focus()
            return
        await self.seeds.close_observation()


def last_scored(session: ObservationSession) -> tuple[int, int]:
    """Section and item index of the score given last (by session clock), or (0, 0)."""
    best: tuple[int, int, int] | None = None
    for s_index, section in enumerate(session.rubric.sections):
        for i_index, item in enumerate(section.items):
            score = session.observation.score(section.id, item.id)
            if score is None or not score.is_set or score.elapsed is None:
                continue
            if best is None or score.elapsed >= best[0]:
                best = (score.elapsed, s_index, i_index)
    return (best[1], best[2]) if best is not None else (0, 0)


#: Between two columns of tallies.
TALLY_GAP = 3
#: The most rows the tally bar takes (below 80 columns labels are cut rather than the bar growing).
TALLY_ROWS = 5


def tally_grid(cells: list[tuple[str, str, str]], width: int, *, undo: bool = False) -> Content:
    """Tallies (key, label, count) laid out in rows of aligned columns within ``width`` cells.

    The most columns whose widest labels still fit; labels are cut (with "…"), longest first, only
    when the bar would otherwise be taller than ``TALLY_ROWS``. At 80 columns the MI-informed rubric's ten tallies take two
    columns of five rows, each label whole, each count at the end of its label's column.
    ``undo``: say that u takes back the last tally (on the last row, where it fits).
    """
    if not cells:
        return plain("")
    count_width = max(len(count) for _, _, count in cells)

    def widths(columns: int) -> list[int]:
        return [max(len(title) for _, title, _ in cells[c::columns]) for c in range(columns)]

    def total(titles: list[int]) -> int:
        return sum(3 + 1 + t + 1 + count_width for t in titles) + TALLY_GAP * (len(titles) - 1)

    columns = next((n for n in range(len(cells), 0, -1) if total(widths(n)) <= width), 1)
    columns = max(columns, -(-len(cells) // TALLY_ROWS))  # never taller than TALLY_ROWS: the notes need the room
    titles = widths(columns)
    while total(titles) > width and max(titles) > 6:  # too narrow for whole labels: cut the longest first
        longest = titles.index(max(titles))
        titles[longest] -= 1
    lines: list[Content] = []
    for start in range(0, len(cells), columns):
        parts = []
        for column, (key, title, count) in enumerate(cells[start : start + columns]):
            room = titles[column]
            label = title if len(title) <= room else title[: room - 1] + "…"
            parts.append(
                markup("[b reverse] $key [/] $title [b]$count[/]", key=key, title=label.ljust(room), count=count.rjust(count_width))
            )
        lines.append(plain(" " * TALLY_GAP).join(parts))
    hint = markup("[dim]u undo[/]")
    if undo and lines[-1].cell_length + TALLY_GAP + hint.cell_length <= width:
        lines[-1] = lines[-1] + plain(" " * TALLY_GAP) + hint
    return plain("\n").join(lines)
