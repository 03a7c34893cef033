"""Record the consensus of a double-scored session: walk the items the two observers scored
differently, choose the agreed level for each and write why.

Items both observers scored alike are taken as agreed. Every agreed score that differs from
either observer's needs a rationale; saving refuses (and puts the cursor there) until each
has one. The choices live in the app's ``ConsensusSession`` for the pair (a controller), which
the app's one autosave engine writes to a consensus draft: nothing typed is lost on leaving
half way, quitting, a hang-up or a crash, and pressing ``a`` again on the comparison, even
after the app was restarted, carries on where the observers stopped. The top bar says "draft
saved", "saving…" or "NOT SAVED" with the reason. Ctrl+S writes the consensus record, and only
then is the draft removed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Footer, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from seeds_tui.calibration.agreement import ItemAgreement
from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import Observation, Score
from seeds_tui.core.rubric import CODES, Item
from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.controllers.consensus import ConsensusSession, choice
from seeds_tui.tui.controllers.session import TooLong
from seeds_tui.tui.dialogs import ConfirmDialog, MessageDialog
from seeds_tui.tui.widgets.comparison import long_value, outcome_words, short_value
from seeds_tui.tui.widgets.consensus import AgreedList, RationaleArea
from seeds_tui.tui.widgets.safe import markup, plain
from seeds_tui.tui.widgets.state import warn_personal


def _short_reason(message: str) -> str:
    """A few words for the top bar (the full message is in the notification)."""
    if "disk is full" in message:
        return "the disk is full"
    if "not writable" in message or "permission denied" in message:
        return "folder not writable"
    if "cannot create folder" in message:
        return "cannot create the drafts folder"
    if "characters long" in message or "too long" in message:
        return "a rationale is too long"
    return "see the message"


class ConsensusScreen(SeedsScreen[None]):
    """Walk the items that differ: choose the agreed level, write the rationale; Ctrl+S saves."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save consensus", id="consensus.save", tooltip="Check, then write the consensus to the store"),
        Binding("escape", "back", "Back", id="consensus.back", tooltip="Leave the rationale; from the list, back to the comparison"),
    ]

    def __init__(self, consensus: ConsensusSession, *, on_saved: Callable[[Path, Observation], None] | None = None) -> None:
        super().__init__()
        self.consensus = consensus
        self.pair = consensus.pair
        self.agreement = consensus.agreement
        self.entries = consensus.entries
        self.on_saved = on_saved
        self.index = 0
        self._rationale_key: str | None = None
        self.saving = False

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Top bar, the items to agree, the highlighted item in full, its rationale."""
        with Horizontal(classes="topbar"):
            yield Static(
                markup("[b]Agree consensus[/b] [dim]· $ref[/]", ref=self.pair.session.session_ref),
                id="where",
            )
            yield Static("", id="save-state")
        with Vertical(id="cons-main"):
            yield Static("", id="cons-head")
            yield AgreedList(id="cons-items")
            with VerticalScroll(id="cons-detail"):
                yield Static("", id="cons-item")
            area = RationaleArea(id="cons-rationale", soft_wrap=True, tab_behavior="focus")
            area.border_title = "Rationale (e or Tab to write, Esc back to the items)"  # then as the cursor moves
            yield area
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill the list; the first item not yet agreed is highlighted."""
        self.query_one("#cons-detail", VerticalScroll).can_focus = False
        listing = self.query_one("#cons-items", AgreedList)
        listing.set_options([Option(self._row(e), id=e.key) for e in self.entries])
        if not self.entries:
            listing.set_options([Option(plain("The two observers scored every item alike."), id="none", disabled=True)])
        else:
            start = next((n for n, e in enumerate(self.entries) if not self.complete(e.key)), 0)
            self.index = start
            listing.highlighted = start
        self._refresh()
        listing.focus()
        self.on_mount_watch()

    # -- state --------------------------------------------------------------------------------

    @property
    def current(self) -> ItemAgreement | None:
        """The item under the cursor."""
        return self.entries[self.index] if 0 <= self.index < len(self.entries) else None

    def _item(self, entry: ItemAgreement) -> Item:
        return self.pair.rubric.item(entry.section_id, entry.item_id)

    def needs_rationale(self, key: str) -> bool:
        """True when the agreed score for ``key`` differs from either observer's."""
        return self.consensus.needs_rationale(key)

    def complete(self, key: str) -> bool:
        """True when ``key`` is agreed and, where needed, has a rationale."""
        return self.consensus.complete(key)

    def _row(self, entry: ItemAgreement) -> Content:
        key = entry.key
        agreed = self.consensus.agreed.get(key)
        if agreed is None:
            mark, style = "○", "dim"
        elif self.complete(key):
            mark, style = "✓", "$text-success"
        else:
            mark, style = "!", "$text-warning"
        first, second = self.pair.first, self.pair.second
        was = (
            f"{first.session.observer} {short_value(first.score(entry.section_id, entry.item_id))} · "
            f"{second.session.observer} {short_value(second.score(entry.section_id, entry.item_id))}"
        )
        return markup(
            f"[{style}]$mark[/] [b]$agreed[/] [dim]$was[/]  $text",
            mark=mark,
            agreed=short_value(agreed).ljust(3) if agreed is not None else "–  ",
            was=was,
            text=entry.text,
        )

    def _refresh(self) -> None:
        self._refresh_rows()
        self._show_item()

    def _refresh_rows(self) -> None:
        listing = self.query_one("#cons-items", AgreedList)
        if self.entries:
            for n, entry in enumerate(self.entries):
                listing.replace_option_prompt_at_index(n, self._row(entry))
        self._show_state()
        alike_count = len(self.agreement.items) - len(self.entries)
        self.query_one("#cons-head", Static).update(
            markup(
                "[b]$n items to agree[/b] [dim]($same scored alike are taken as agreed) · e writes why[/]",
                n=str(len(self.entries)),
                same=str(alike_count),
            )
        )

    def _show_state(self) -> None:
        """How many items are agreed, and whether the draft is on disk: saved, saving… or NOT SAVED (why)."""
        done = sum(1 for e in self.entries if self.complete(e.key))
        head = markup("[dim]$done of $all agreed · [/]", done=str(done), all=str(len(self.entries)))
        draft = self.consensus
        error = draft.autosave.error
        if draft.dirty and error is not None:
            state = markup("[b reverse $text-error] NOT SAVED [/] [$text-error]$why[/]", why=_short_reason(error))
        elif draft.dirty and draft.autosave.busy:
            state = markup("[$text-warning]waiting for the store…[/]")
        elif draft.dirty:
            state = markup("[dim]saving…[/]")
        elif draft.path is not None:
            state = markup("[$text-success]draft saved[/]")
        else:
            state = markup("[dim]nothing to save yet[/]")
        self.query_one("#save-state", Static).update(head + state)

    def _show_item(self) -> None:
        entry = self.current
        area = self.query_one("#cons-rationale", TextArea)
        if entry is None:
            self.query_one("#cons-item", Static).update("")
            area.disabled = True
            return
        rubric, first, second = self.pair.rubric, self.pair.first, self.pair.second
        item = self._item(entry)
        agreed = self.consensus.agreed.get(entry.key)
        parts = [
            markup(
                "[b]$text[/b]  [dim]$section · $outcome[/]\n",
                text=entry.text,
                section=rubric.section(entry.section_id).title,
                outcome=outcome_words(entry),
            )
        ]
        for obs, note in ((first, entry.first_evidence), (second, entry.second_evidence)):
            parts.append(
                markup(
                    "[b]$who[/b]: $value\n  $note\n",
                    who=obs.session.observer,
                    value=long_value(rubric, item, obs.score(entry.section_id, entry.item_id)),
                    note=note or "(no evidence note)",
                )
            )
        parts.append(markup("[b]Agreed[/b]: $value\n", value=long_value(rubric, item, agreed) if agreed else "not chosen yet"))
        chose = {
            "a": choice(first.score(entry.section_id, entry.item_id)),
            "b": choice(second.score(entry.section_id, entry.item_id)),
        }
        for level in rubric.scale_of(item).levels:
            parts.append(
                self._option_line(
                    str(level.value),
                    level.label,
                    rubric.descriptor(item, level.value),
                    (level.value, None),
                    agreed,
                    chose,
                )
            )
        for code, meaning in CODES.items():
            parts.append(self._option_line("a" if code == "NA" else "o", code, meaning, (None, code), agreed, chose))
        self.query_one("#cons-item", Static).update(plain("").join(parts))
        if self._rationale_key != entry.key:
            if self.keep_rationale():  # what was typed for the item shown so far, before the field shows another
                self._refresh_rows()
            self._rationale_key = entry.key
            wanted = self.consensus.rationale.get(entry.key, "")
            if area.text != wanted:
                area.load_text(wanted)
            self.query_one("#cons-detail", VerticalScroll).scroll_home(animate=False, immediate=True)
        area.disabled = False
        needed = self.needs_rationale(entry.key)
        self._title_rationale()
        area.set_class(needed and not self.consensus.rationale.get(entry.key, "").strip(), "-needed")

    def _option_line(
        self,
        key: str,
        label: str,
        meaning: str,
        option: tuple[int | None, str | None],
        agreed: Score | None,
        chose: dict[str, tuple[int | None, str | None]],
    ) -> Content:
        chosen = agreed is not None and choice(agreed) == option
        who = [
            name
            for tag, name in (("a", self.pair.first.session.observer), ("b", self.pair.second.session.observer))
            if chose[tag] == option
        ]
        return markup(
            f"[{'reverse b' if chosen else 'b'}] $key $label [/][b $text-accent]$who[/] [dim]$meaning[/]\n",
            key=key,
            label=label,
            meaning=meaning,
            who=f" ◀ {' and '.join(who)}" if who else "",
        )

    # -- keys ----------------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#cons-items")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.entries:
            self.index = event.option_index
            self._show_item()

    def _sync_cursor(self) -> None:
        # The list's cursor is the truth: in a burst ("j2") the highlight message comes after the digit.
        highlighted = self.query_one("#cons-items", AgreedList).highlighted
        if highlighted is not None and self.entries:
            self.index = highlighted

    def _set(self, score: Score | None) -> None:
        self._sync_cursor()
        self.keep_rationale()
        entry = self.current
        if entry is None:
            return
        self.consensus.choose(entry.key, score)
        self._refresh()

    def action_level(self, value: int) -> None:
        """The agreed level for the highlighted item (the same digits as the scoring screen)."""
        self._sync_cursor()
        entry = self.current
        if entry is None:
            return
        scale = self.pair.rubric.scale_of(self._item(entry))
        if scale.level(value) is None:
            self.app.bell()
            self.app.notify(f"This scale has no level {value}: use {', '.join(str(v) for v in scale.values)}, a (NA) or o (NO).", timeout=4)
            return
        self._set(Score(value=value))

    def action_code(self, code: str) -> None:
        """Agree NA or NO for the highlighted item."""
        self._set(Score(code=code))  # type: ignore[arg-type]

    def action_clear(self) -> None:
        """Undo the agreed choice for the highlighted item."""
        self._set(None)

    def action_rationale(self) -> None:
        """Write the rationale for the highlighted item."""
        self._sync_cursor()
        if self.current is None:
            return
        self._show_item()
        area = self.query_one("#cons-rationale", TextArea)
        # At once, not after a refresh: the keys typed right after e (a fast typist, a paste) belong to the rationale.
        self.set_focus(area)
        area.move_cursor(area.document.end)

    def action_scroll_detail(self, lines: int) -> None:
        """Scroll the item's notes and levels (small terminals)."""
        self.query_one("#cons-detail", VerticalScroll).scroll_relative(y=lines, animate=False)

    def keep_rationale(self) -> bool:
        """Take the rationale field's text into the consensus now (its change messages may still be on their way).

        True if it changed.
        """
        key = self._rationale_key
        if key is None:
            return False
        return self._write_rationale(key, self.query_one("#cons-rationale", RationaleArea).text)

    def _write_rationale(self, key: str, text: str) -> bool:
        try:
            return self.consensus.write_rationale(key, text)
        except TooLong as exc:  # the field keeps to the limit itself; a text loaded from a file may not
            self.app.notify(str(exc), severity="warning", timeout=6)
            return False

    @on(TextArea.Changed, "#cons-rationale")
    def _rationale_changed(self, event: TextArea.Changed) -> None:
        key = self._rationale_key
        if key is None or event.text_area.disabled:
            return
        was_complete = self.complete(key)
        if not self._write_rationale(key, event.text_area.text):
            return
        if self.is_mounted:
            self._show_state()
        if self.complete(key) != was_complete:  # only then does anything on screen change (not on every key typed)
            self._refresh_rows()
            event.text_area.set_class(self.needs_rationale(key) and not event.text_area.text.strip(), "-needed")

    def _title_rationale(self) -> None:
        """The rationale box's title says what to do now: type (it has the cursor) or press e / Tab to get there."""
        if not self.is_attached:  # called after a refresh: the screen may have closed meanwhile
            return
        try:
            area = self.query_one("#cons-rationale", RationaleArea)
        except NoMatches:
            return
        entry = self.current
        needed = entry is not None and self.needs_rationale(entry.key)
        if self.focused is area:
            how = "type here; Esc back to the items"
        else:
            how = "e or Tab to write, Esc back" if needed else "e or Tab to write, Esc back to the items"
        area.border_title = f"Rationale: needed, the agreed score differs from an observer's ({how})" if needed else f"Rationale ({how})"

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The rationale box's title follows where the cursor is."""
        self._title_rationale()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """Leaving the rationale: warn if it looks like personal data."""
        if isinstance(event.widget, TextArea) and event.widget.id == "cons-rationale":
            warn_personal(self, event.widget.text)
        self.call_after_refresh(self._title_rationale)

    def action_back(self) -> None:
        """From the rationale, back to the items; from the items, back to the comparison (asks if choices are unsaved)."""
        self.keep_rationale()
        if self.focused is not None and self.focused.id == "cons-rationale":
            self.set_focus(self.query_one("#cons-items", AgreedList))  # at once: "Esc j 2" moves and chooses
            return
        if not self.consensus.touched:
            self._leave()
            return
        done = sum(1 for e in self.entries if self.complete(e.key))

        def answered(leave: bool | None) -> None:
            if leave:
                self._leave()

        self.app.push_screen(
            ConfirmDialog(
                "Leave the consensus for now?",
                f"{done} of {len(self.entries)} items are agreed, but the consensus is not recorded yet (Ctrl+S records it).\n\n"
                f"Your choices and rationales are kept in a draft in {self.consensus.drafts_dir}: "
                "press a on the comparison to carry on, now or after quitting.",
                yes="Leave for now",
                no="Stay",
            ),
            answered,
        )

    def _leave(self) -> None:
        """Back to the comparison, with every change written to the draft first (or said why not)."""
        problem = self.consensus.save_now()
        if problem is not None:
            self.app.notify(
                f"{problem}\nYour consensus choices are kept in memory while seeds-tui stays open: press a to carry on.",
                title="Consensus draft not saved",
                severity="error",
                timeout=15,
            )
        self.app.pop_screen()

    def on_mount_watch(self) -> None:
        """The top bar follows the autosave (saved, saving…, NOT SAVED)."""
        self.watch(self.app, "saves", lambda _: self._show_state(), init=False)

    def on_unmount(self) -> None:
        """Leaving the screen (or the app closing): write what the autosave has not yet."""
        self.consensus.save_now()

    # -- saving --------------------------------------------------------------------------------

    def _go_to(self, key: str) -> None:
        index = next(n for n, e in enumerate(self.entries) if e.key == key)
        listing = self.query_one("#cons-items", AgreedList)
        listing.highlighted = index
        self.index = index
        self._show_item()

    def problems(self) -> tuple[list[str], list[str]]:
        """Items with no agreed score yet, and items whose agreed score needs a rationale that is missing."""
        undecided = [e.key for e in self.entries if e.key not in self.consensus.agreed]
        missing = [e.key for e in self.entries if self.needs_rationale(e.key) and not self.consensus.rationale.get(e.key, "").strip()]
        return undecided, missing

    def _names(self, keys: list[str]) -> str:
        by_key = {e.key: e.text for e in self.entries}
        shown = [f"• {by_key[k]}" for k in keys[:5]]
        if len(keys) > 5:
            shown.append(f"… and {len(keys) - 5} more")
        return "\n".join(shown)

    def action_save(self) -> None:
        """Check every differing item has an agreed score and, where it changed, a rationale; then ask and save."""
        if self.saving:
            return
        self.keep_rationale()
        self.app.clear_notifications()  # an earlier "not saved" must not stand beside this attempt's answer
        undecided, missing = self.problems()
        if undecided:
            self._go_to(undecided[0])
            self.set_focus(self.query_one("#cons-items", AgreedList))
            self.app.notify(
                f"Choose the agreed level (or a NA, o NO) for {len(undecided)} more item(s) first:\n{self._names(undecided)}",
                title="Consensus not saved",
                severity="warning",
                timeout=8,
            )
            return
        if missing:
            self._go_to(missing[0])
            # The cursor goes to the rationale box, and the box's title and this notice say so. Every
            # key typed there is kept (an "e" pressed out of habit shows, and can be deleted).
            self.action_rationale()
            self.app.notify(
                "The cursor is in the rationale box: type the reason there.\n"
                f"Write a rationale for {len(missing)} item(s) whose agreed score differs from an observer's:\n{self._names(missing)}",
                title="Consensus not saved",
                severity="warning",
                timeout=8,
            )
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._save()

        self.app.push_screen(
            ConfirmDialog(
                "Save the consensus?",
                (
                    f"The agreed scores for {len(self.entries)} item(s), with their rationales,"
                    if self.entries
                    else "The two observers scored every item alike: their scores"
                )
                + f" are written once to {self.seeds.records.consensus_dir}. The two observers' own files stay exactly as they are.",
                yes="Save",
                no="Not yet",
            ),
            answered,
        )

    @work(exclusive=True, group="consensus-save", exit_on_error=False, name="recording the consensus")
    async def _save(self) -> None:
        self.saving = True
        try:
            path, consensus, warning = await self.consensus.record()
        except SeedsError as exc:
            self.saving = False
            self.app.push_screen(
                MessageDialog(
                    "Consensus not saved", f"{exc}\n\nYour choices and rationales are kept on this screen: fix it and press Ctrl+S again."
                )
            )
            return
        self.seeds.consensus_recorded(self.pair)
        self.app.clear_notifications()
        self.app.notify(f"Consensus saved: {path}", title="Consensus recorded", timeout=12)
        if warning is not None:
            self.app.notify(warning, title="Draft left behind", severity="warning", timeout=12)
        self.app.pop_screen()
        if self.on_saved is not None:
            self.on_saved(path, consensus)
