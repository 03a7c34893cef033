"""Record the consensus of a double-scored session: walk the items the two observers scored
differently, choose the agreed level for each and write why.

The level keys are the scoring screen's own (digits for levels, ``a`` NA, ``o`` NO, Backspace
clears): the list takes those bindings from ``ItemList`` rather than defining its own. Items
both observers scored alike are taken as agreed. Every agreed score that differs from either
observer's needs a rationale; saving refuses (and puts the cursor there) until each has one.

Nothing typed is lost on leaving half way, quitting, a crash or a kill: the choices and
rationales are kept in memory while the app runs (keyed by the pair of observations) and
autosaved, like an observation draft, to a consensus draft in ``STORE/consensus/drafts/<ID>.toml``
(``seeds_tui.calibration.consensus.save_consensus_draft``: atomic, owner-only). The autosave runs
``autosave_delay`` seconds after a change (changes in between are coalesced) in a worker
thread, so typing never waits for the disk; leaving the screen (Esc, which asks first) and
quitting (Ctrl+Q) write what is still pending at once. The top bar says "draft saved",
"saving…" or "NOT SAVED" with the reason; a failed write keeps everything in memory, says why
once, and is tried again with the next change. Pressing ``a`` again on the comparison, even after
the app was restarted, carries on where the observers stopped. The final save (Ctrl+S) writes
the consensus record, and only then removes the draft; if it fails, the draft stays.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker

from seeds_tui.calibration.agreement import Agreement, ItemAgreement
from seeds_tui.calibration.consensus import consensus_draft, draft_choices, load_consensus_draft, save_consensus_draft
from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import Observation, Score
from seeds_tui.core.rubric import CODES, Item
from seeds_tui.tui.dialogs import ConfirmDialog, MessageDialog
from seeds_tui.tui.screens.calibration import Pair, long_value, outcome_words, short_value
from seeds_tui.tui.screens.scoring import warn_personal
from seeds_tui.tui.widgets.lists import ItemList, StopAtEnds

if TYPE_CHECKING:
    from seeds_tui.storage.store import Store
    from seeds_tui.tui.app import SeedsApp

#: The scoring keys this screen shares with the scoring screen (by binding id): move, level, NA, NO, clear, scroll.
SHARED_KEYS = frozenset(
    {"score.down", "score.up", "score.na", "score.no", "score.clear", "score.detail_down", "score.detail_up"}
    | {f"score.level{d}" for d in range(10)}
)


class AgreedList(StopAtEnds):
    """The items to agree: the scoring keys choose the agreed level; e or Enter writes the rationale.

    Keys run here, in the order typed, rather than when they reach the app: in a burst such as
    ``j 2 e because…`` (a fast typist, a paste, ``tmux send-keys``) every key is routed to the
    list before ``e`` has moved the focus, so the keys after it are typed into the rationale.
    """

    BINDINGS = [
        *[b for b in ItemList.BINDINGS if isinstance(b, Binding) and b.id in SHARED_KEYS],
        Binding(
            "e,enter",
            "screen.rationale",
            "Rationale",
            key_display="e",
            id="consensus.rationale",
            tooltip="Write why the observers agreed on this score",
        ),
    ]

    async def on_key(self, event: events.Key) -> None:
        """Run this list's keys at once; keys that arrive after the focus moved to the rationale go there."""
        screen = self.screen
        if self.app.screen is not screen:  # a dialog is open: the key is its business
            return
        focused = screen.focused
        if isinstance(focused, RationaleArea):
            if focused.type_key(event):
                event.stop()
                event.prevent_default()
            return
        if focused is not self:
            return
        active = screen.active_bindings.get(event.key)
        if active is None or not active.enabled or active.node is not self or active.binding.priority:
            return
        event.stop()
        event.prevent_default()
        await self.app.run_action(active.binding.action, active.node)


class RationaleArea(TextArea):
    """The rationale of the highlighted item. Esc goes back to the list at once, so ``Esc j 2`` moves and chooses."""

    def type_key(self, event: events.Key) -> bool:
        """A key typed for this field that was routed to the list before the focus moved here.

        True if it was used; other keys (Ctrl+S, F1…) go on to the screen and app as usual.
        """
        if event.key == "escape":
            self.screen.set_focus(self.screen.query_one(AgreedList))
        elif event.key == "enter":
            self.insert("\n")
        elif event.key == "backspace":
            self.action_delete_left()
        elif event.is_printable and event.character:
            self.insert(event.character)
        else:
            return False
        return True

    async def on_key(self, event: events.Key) -> None:
        """Esc: back to the list now; a key that arrives after the focus went back belongs to the list."""
        screen = self.screen
        if self.app.screen is not screen:
            return
        if screen.focused is not self:
            listing = screen.query_one(AgreedList)
            if screen.focused is listing:
                event.stop()
                event.prevent_default()
                await listing.on_key(events.Key(event.key, event.character))
            return
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            screen.set_focus(screen.query_one(AgreedList))


def alike(a: Score | None, b: Score | None) -> bool:
    """True when two scores have the same level or code (or neither has one)."""
    return _choice(a) == _choice(b)


def _choice(score: Score | None) -> tuple[int | None, str | None]:
    if score is None:
        return (None, None)
    return (score.value, score.code)


@dataclass
class ConsensusDraft:
    """The observers' choices so far: agreed scores and rationales by ``section.item``, and their draft file.

    ``changes`` counts the edits, ``written`` how many of them are on disk. ``write`` may run in a
    worker thread while the app thread writes too (leaving, quitting): a lock keeps them in order,
    and an older snapshot is never written over a newer one.
    """

    keys: list[str]
    session_ref: str = ""
    agreed: dict[str, Score] = field(default_factory=dict)
    rationale: dict[str, str] = field(default_factory=dict)
    #: The two observations being agreed (None until a screen shows them).
    pair: Pair | None = None
    #: The draft file's observation id, creation time and path (None until first written or loaded).
    obs_id: str | None = None
    created: datetime | None = None
    path: Path | None = None
    changes: int = 0
    written: int = 0
    #: Why the last autosave failed (None once one succeeds).
    error: str | None = None
    #: Set once the consensus is recorded: the draft is never written again.
    closed: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def touched(self) -> bool:
        """True once anything was chosen or written."""
        return bool(self.agreed) or any(text.strip() for text in self.rationale.values())

    @property
    def dirty(self) -> bool:
        """True when the draft file lacks some change (or none was written and something was chosen)."""
        return not self.closed and self.changes > self.written

    def changed(self) -> None:
        """Count an edit (the autosave writes it)."""
        self.changes += 1

    def snapshot(self, when: datetime) -> tuple[int, Observation]:
        """The draft observation of what is chosen and written now, and the edit count it holds.

        Raises ``SeedsError`` if it cannot be built (a rationale too long, say).
        """
        assert self.pair is not None
        keys = set(self.keys)
        obs = consensus_draft(
            self.pair.first,
            self.pair.second,
            {k: v for k, v in self.agreed.items() if k in keys},
            {k: v for k, v in self.rationale.items() if k in keys},
            obs_id=self.obs_id,
            created=self.created,
            when=when,
        )
        self.obs_id, self.created = obs.id, obs.created
        return self.changes, obs

    def write(self, store: Store, seq: int, obs: Observation) -> None:
        """Write the snapshot of edit ``seq`` (from any thread) unless a newer one is already on disk."""
        with self._lock:
            if self.closed or seq <= self.written:
                return
            self.path = save_consensus_draft(store, obs)
            self.written = seq

    def save_now(self, store: Store, when: datetime) -> str | None:
        """Write any change not on disk yet, at once (leaving the screen, quitting); the problem, or None."""
        if not self.dirty or self.pair is None:
            return None
        try:
            seq, obs = self.snapshot(when)
            self.write(store, seq, obs)
        except SeedsError as exc:
            self.error = str(exc)
            return self.error
        self.error = None
        return None

    def close(self) -> Path | None:
        """The consensus is recorded: stop writing the draft (waits for a write in flight); its path."""
        with self._lock:
            self.closed = True
            return self.path


#: Consensus choices not yet recorded, per app and pair of observations (the live state while the app runs).
_IN_PROGRESS: weakref.WeakKeyDictionary[App, dict[tuple[str, str], ConsensusDraft]] = weakref.WeakKeyDictionary()


def unsaved_consensus(app: App) -> list[str]:
    """Session references whose consensus in progress has changes not yet in its draft file.

    Empty once the autosave (or leaving the screen) has written everything.
    """
    return sorted({draft.session_ref for draft in _IN_PROGRESS.get(app, {}).values() if draft.dirty})


def save_consensus_drafts_now(app: App) -> list[str]:
    """Write every consensus in progress now (synchronously, e.g. when the terminal goes away); the problems."""
    now_fn = getattr(app, "now_fn", None)
    store = getattr(app, "store", None)
    if now_fn is None or store is None:
        return []
    return [problem for draft in _IN_PROGRESS.get(app, {}).values() if (problem := draft.save_now(store, now_fn())) is not None]


def consensus_saved_before_quit(app: SeedsApp) -> bool:
    """For the app's quit action: write every consensus in progress now; True when all are on disk.

    If one cannot be written, asks whether to quit anyway (and lose the changes since the last
    save), and returns False: the dialog's answer quits or stays.
    """
    problems = save_consensus_drafts_now(app)
    if not problems:
        return True

    def answered(quit_anyway: bool | None) -> None:
        if quit_anyway:
            app.exit(1, message=f"seeds-tui: the consensus in progress could not be saved: {problems[0]}")

    app.push_screen(
        ConfirmDialog(
            "Quit without saving the consensus?",
            f"{problems[0]}\n\nThe consensus choices and rationales since the last save are only in memory. Quit anyway and lose them?",
            yes="Quit and lose them",
            no="Stay",
            yes_variant="error",
        ),
        answered,
    )
    return False


def _short_reason(message: str) -> str:
    """A few words for the top bar (the full message is in the notification)."""
    if "disk is full" in message:
        return "the disk is full"
    if "not writable" in message or "permission denied" in message:
        return "folder not writable"
    if "cannot create folder" in message:
        return "cannot create the drafts folder"
    if "characters long" in message:
        return "a rationale is too long"
    return "see the message"


def items_to_agree(agreement: Agreement, first: Observation, second: Observation) -> list[ItemAgreement]:
    """The items the two observers scored differently: those to discuss first (largest gaps first),
    then any other difference (one scored and one not) in rubric order."""
    ordered = list(agreement.for_discussion)
    seen = {i.key for i in ordered}
    for entry in agreement.items:
        if entry.key in seen:
            continue
        if not alike(first.score(entry.section_id, entry.item_id), second.score(entry.section_id, entry.item_id)):
            ordered.append(entry)
    return ordered


class ConsensusScreen(Screen[None]):
    """Walk the items that differ: choose the agreed level, write the rationale; Ctrl+S saves."""

    app: SeedsApp

    BINDINGS = [
        Binding("ctrl+s", "save", "Save consensus", id="consensus.save", tooltip="Check, then write the consensus to the store"),
        Binding("escape", "back", "Back", id="consensus.back", tooltip="Leave the rationale; from the list, back to the comparison"),
    ]

    def __init__(
        self,
        pair: Pair,
        agreement: Agreement,
        *,
        on_saved: Callable[[Path, Observation], None] | None = None,
    ) -> None:
        super().__init__()
        self.pair = pair
        self.agreement = agreement
        self.on_saved = on_saved
        self.entries = items_to_agree(agreement, pair.first, pair.second)
        drafts = _IN_PROGRESS.setdefault(self.app, {})
        keys = [e.key for e in self.entries]
        draft = drafts.get(pair.key)
        if draft is None or draft.keys != keys or draft.closed:
            draft = self._from_disk(keys) or ConsensusDraft(keys, pair.session.session_ref)
            drafts[pair.key] = draft
        draft.pair = pair
        self.draft = draft
        self.index = 0
        self._rationale_key: str | None = None
        self.saving = False
        self._timer: Timer | None = None
        self._worker: Worker[None] | None = None
        #: The last autosave problem told to the user (each is told once).
        self._error_shown: str | None = None

    def _from_disk(self, keys: list[str]) -> ConsensusDraft | None:
        """The pair's consensus draft autosaved earlier (this run or an earlier one), if any."""
        found = load_consensus_draft(self.app.store, self.pair.first.id, self.pair.second.id)
        if found is None:
            return None
        path, obs = found
        scores, rationale = draft_choices(obs)
        wanted = set(keys)
        return ConsensusDraft(
            keys,
            self.pair.session.session_ref,
            agreed={k: Score(value=s.value, code=s.code) for k, s in scores.items() if k in wanted and s.is_set},
            rationale={k: text for k, text in rationale.items() if k in wanted},
            obs_id=obs.id,
            created=obs.created,
            path=path,
        )

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Top bar, the items to agree, the highlighted item in full, its rationale."""
        with Horizontal(classes="topbar"):
            yield Static(
                Content.from_markup("[b]Agree consensus[/b] [dim]· $ref[/]", ref=self.pair.session.session_ref),
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
            listing.set_options([Option(Content("The two observers scored every item alike."), id="none", disabled=True)])
        else:
            start = next((n for n, e in enumerate(self.entries) if not self.complete(e.key)), 0)
            self.index = start
            listing.highlighted = start
        self._refresh()
        listing.focus()

    # -- state --------------------------------------------------------------------------------

    @property
    def current(self) -> ItemAgreement | None:
        """The item under the cursor."""
        return self.entries[self.index] if 0 <= self.index < len(self.entries) else None

    def _item(self, entry: ItemAgreement) -> Item:
        return self.pair.rubric.item(entry.section_id, entry.item_id)

    def needs_rationale(self, key: str) -> bool:
        """True when the agreed score for ``key`` differs from either observer's."""
        agreed = self.draft.agreed.get(key)
        if agreed is None:
            return False
        section_id, item_id = key.split(".")
        return not (
            alike(agreed, self.pair.first.score(section_id, item_id)) and alike(agreed, self.pair.second.score(section_id, item_id))
        )

    def complete(self, key: str) -> bool:
        return key in self.draft.agreed and (not self.needs_rationale(key) or bool(self.draft.rationale.get(key, "").strip()))

    def _row(self, entry: ItemAgreement) -> Content:
        key = entry.key
        agreed = self.draft.agreed.get(key)
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
        return Content.from_markup(
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
            Content.from_markup(
                "[b]$n items to agree[/b] [dim]($same scored alike are taken as agreed) · e writes why[/]",
                n=str(len(self.entries)),
                same=str(alike_count),
            )
        )

    def _show_state(self) -> None:
        """How many items are agreed, and whether the draft is on disk: saved, saving… or NOT SAVED (why)."""
        done = sum(1 for e in self.entries if self.complete(e.key))
        head = Content.from_markup("[dim]$done of $all agreed · [/]", done=str(done), all=str(len(self.entries)))
        draft = self.draft
        if draft.dirty and draft.error is not None:
            state = Content.from_markup("[b reverse $text-error] NOT SAVED [/] [$text-error]$why[/]", why=_short_reason(draft.error))
        elif draft.dirty:
            state = Content.from_markup("[dim]saving…[/]")
        elif draft.path is not None:
            state = Content.from_markup("[$text-success]draft saved[/]")
        else:
            state = Content.from_markup("[dim]nothing to save yet[/]")
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
        agreed = self.draft.agreed.get(entry.key)
        parts = [
            Content.from_markup(
                "[b]$text[/b]  [dim]$section · $outcome[/]\n",
                text=entry.text,
                section=rubric.section(entry.section_id).title,
                outcome=outcome_words(entry),
            )
        ]
        for obs, note in ((first, entry.first_evidence), (second, entry.second_evidence)):
            parts.append(
                Content.from_markup(
                    "[b]$who[/b]: $value\n  $note\n",
                    who=obs.session.observer,
                    value=long_value(rubric, item, obs.score(entry.section_id, entry.item_id)),
                    note=note or "(no evidence note)",
                )
            )
        parts.append(Content.from_markup("[b]Agreed[/b]: $value\n", value=long_value(rubric, item, agreed) if agreed else "not chosen yet"))
        chose = {
            "a": _choice(first.score(entry.section_id, entry.item_id)),
            "b": _choice(second.score(entry.section_id, entry.item_id)),
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
        self.query_one("#cons-item", Static).update(Content("").join(parts))
        if self._rationale_key != entry.key:
            if self.keep_rationale():  # what was typed for the item shown so far, before the field shows another
                self._refresh_rows()
            self._rationale_key = entry.key
            wanted = self.draft.rationale.get(entry.key, "")
            if area.text != wanted:
                area.load_text(wanted)
            self.query_one("#cons-detail", VerticalScroll).scroll_home(animate=False, immediate=True)
        area.disabled = False
        needed = self.needs_rationale(entry.key)
        self._title_rationale()
        area.set_class(needed and not self.draft.rationale.get(entry.key, "").strip(), "-needed")

    def _option_line(
        self,
        key: str,
        label: str,
        meaning: str,
        choice: tuple[int | None, str | None],
        agreed: Score | None,
        chose: dict[str, tuple[int | None, str | None]],
    ) -> Content:
        chosen = agreed is not None and _choice(agreed) == choice
        who = [
            name
            for tag, name in (("a", self.pair.first.session.observer), ("b", self.pair.second.session.observer))
            if chose[tag] == choice
        ]
        return Content.from_markup(
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
        if score is None:
            if self.draft.agreed.pop(entry.key, None) is not None:
                self._changed()
        elif self.draft.agreed.get(entry.key) != score:
            self.draft.agreed[entry.key] = score
            self._changed()
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
        """Take the rationale field's text into the draft now (its change messages may still be on their way).

        True if the draft changed.
        """
        key = self._rationale_key
        if key is None:
            return False
        text = self.query_one("#cons-rationale", RationaleArea).text
        if text == self.draft.rationale.get(key, ""):
            return False
        self.draft.rationale[key] = text
        self._changed()
        return True

    @on(TextArea.Changed, "#cons-rationale")
    def _rationale_changed(self, event: TextArea.Changed) -> None:
        key = self._rationale_key
        if key is None or event.text_area.disabled:
            return
        text = event.text_area.text
        if text == self.draft.rationale.get(key, ""):
            return
        was_complete = self.complete(key)
        self.draft.rationale[key] = text
        self._changed()
        if self.complete(key) != was_complete:  # only then does anything on screen change (not on every key typed)
            self._refresh_rows()
            event.text_area.set_class(self.needs_rationale(key) and not text.strip(), "-needed")

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
        if not self.draft.touched:
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
                f"Your choices and rationales are kept in a draft in {self.app.store.consensus_dir / 'drafts'}: "
                "press a on the comparison to carry on, now or after quitting.",
                yes="Leave for now",
                no="Stay",
            ),
            answered,
        )

    def _leave(self) -> None:
        """Back to the comparison, with every change written to the draft first (or said why not)."""
        self._stop_timer()
        problem = self.draft.save_now(self.app.store, self.app.now_fn())
        if problem is not None:
            self.app.notify(
                f"{problem}\nYour consensus choices are kept in memory while seeds-tui stays open: press a to carry on.",
                title="Consensus draft not saved",
                severity="error",
                timeout=15,
            )
        self.app.pop_screen()

    # -- autosave ------------------------------------------------------------------------------

    def _changed(self) -> None:
        """An edit: count it and schedule the autosave."""
        self.draft.changed()
        self._schedule()
        if self.is_mounted:
            self._show_state()

    def _schedule(self) -> None:
        if self.saving or self.draft.closed:
            return
        if self._timer is None and (self._worker is None or self._worker.is_finished):
            self._timer = self.set_timer(self.app.autosave_delay, self._start_save, name="consensus-autosave")

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _start_save(self) -> None:
        self._timer = None
        if not self.draft.dirty or (self._worker is not None and not self._worker.is_finished):
            return
        try:
            seq, obs = self.draft.snapshot(self.app.now_fn())  # cheap, and on this thread: the draft is not shared
        except SeedsError as exc:
            self._failed(str(exc))
            self._show_state()
            return
        self._worker = self.run_worker(self._write(seq, obs), group="consensus-autosave", exit_on_error=False)
        self._show_state()

    async def _write(self, seq: int, obs: Observation) -> None:
        try:
            await asyncio.to_thread(self.draft.write, self.app.store, seq, obs)
        except SeedsError as exc:
            self._failed(str(exc))
        except Exception as exc:  # a bug must not lose the consensus: keep it in memory and say so
            self._failed(f"could not save the consensus draft in {self.app.store.consensus_dir / 'drafts'} ({type(exc).__name__})")
        else:
            self.draft.error = None
            self._error_shown = None
            if self.draft.dirty:
                self._timer = self.set_timer(self.app.autosave_delay, self._start_save, name="consensus-autosave")
        finally:
            if self.is_mounted:
                self._show_state()

    def _failed(self, message: str) -> None:
        self.draft.error = message
        if self._error_shown != message:
            self._error_shown = message
            self.app.notify(
                f"{message}\nYour consensus choices are kept in memory; they are saved again with your next change.",
                title="Consensus draft not saved",
                severity="error",
                timeout=15,
            )

    @property
    def autosaving(self) -> bool:
        """True while an autosave is due or being written."""
        return self._timer is not None or (self._worker is not None and not self._worker.is_finished)

    def on_unmount(self) -> None:
        """Leaving the screen (or the app closing): write what the autosave has not yet."""
        self._stop_timer()
        self.draft.save_now(self.app.store, self.app.now_fn())

    # -- saving --------------------------------------------------------------------------------

    def _go_to(self, key: str) -> None:
        index = next(n for n, e in enumerate(self.entries) if e.key == key)
        listing = self.query_one("#cons-items", AgreedList)
        listing.highlighted = index
        self.index = index
        self._show_item()

    def problems(self) -> tuple[list[str], list[str]]:
        """Items with no agreed score yet, and items whose agreed score needs a rationale that is missing."""
        undecided = [e.key for e in self.entries if e.key not in self.draft.agreed]
        missing = [e.key for e in self.entries if self.needs_rationale(e.key) and not self.draft.rationale.get(e.key, "").strip()]
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
                + f" are written once to {self.app.store.consensus_dir}. The two observers' own files stay exactly as they are.",
                yes="Save",
                no="Not yet",
            ),
            answered,
        )

    @work(exclusive=True, group="consensus-save")
    async def _save(self) -> None:
        from seeds_tui.calibration.consensus import build_consensus, discard_consensus_draft, save_consensus

        self.saving = True
        pair = self.pair
        scores = {key: self.draft.agreed[key] for key in self.draft.keys}
        rationale = {key: text.strip() for key, text in self.draft.rationale.items() if key in scores and text.strip()}
        try:
            consensus = build_consensus(pair.first, pair.second, scores, rationale, when=self.app.now_fn(), obs_id=self.draft.obs_id)
            path = await asyncio.to_thread(save_consensus, self.app.store, consensus)
        except SeedsError as exc:
            self.saving = False
            self.app.push_screen(
                MessageDialog(
                    "Consensus not saved", f"{exc}\n\nYour choices and rationales are kept on this screen: fix it and press Ctrl+S again."
                )
            )
            return
        # Recorded: only now is the draft no longer needed (a write in flight finishes first).
        self._stop_timer()
        draft_path = await asyncio.to_thread(self.draft.close)
        _IN_PROGRESS.get(self.app, {}).pop(pair.key, None)
        self.app.clear_notifications()
        self.app.notify(f"Consensus saved: {path}", title="Consensus recorded", timeout=12)
        if draft_path is not None:
            try:
                await asyncio.to_thread(discard_consensus_draft, self.app.store, draft_path)
            except SeedsError as exc:
                self.app.notify(f"{exc}. The consensus itself is recorded.", title="Draft left behind", severity="warning", timeout=12)
        self.app.pop_screen()
        if self.on_saved is not None:
            self.on_saved(path, consensus)
