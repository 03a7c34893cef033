"""The practitioner's self-rating, and the gap the feedback opens with.

* ``SectionsDialog``: the observer chooses the sections to be rated (all, or some) before handing over.
* ``SelfRatingScreen``: the practitioner rates the same items on the same scales. It shows the
  rubric's words only: none of the observer's scores, notes or marks is on this screen.
* ``GapScreen``: back with the observer, item by item, self against observer, the largest
  differences first, so that the conversation starts from the practitioner's view.

The screens reach the store only through the self-rating controller (``seeds.selfratings``).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Footer, OptionList, SelectionList, Static, TextArea
from textual.widgets.option_list import Option

from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import Observation
from seeds_tui.core.rubric import CODES, Rubric
from seeds_tui.core.selfrating import Gap, Rating, SelfRating, gap_words
from seeds_tui.tui.base import SeedsModal, SeedsScreen
from seeds_tui.tui.keys import KeysInOrder
from seeds_tui.tui.widgets.safe import markup, plain, rich_text
from seeds_tui.tui.widgets.text import NoteArea

#: The longest reflection typed on the screen (the file format's limit).
REFLECTION_LIMIT = 4000


def rating_words(rubric: Rubric, section_id: str, item_id: str, value: int | str | None) -> str:
    """A rating as the screens show it: ``2 Good``, ``NA``, ``NO`` or ``—``."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    level = rubric.scale_of(rubric.item(section_id, item_id)).level(value)
    return f"{value} {level.label}" if level is not None else str(value)


class SectionsDialog(SeedsModal[list[str] | None]):
    """Which sections the practitioner rates: every one is ticked at first; Space unticks."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="selfsections.cancel"),
        Binding("f10", "hand_over", "Hand over", id="selfsections.go", tooltip="Hand the laptop to the practitioner"),
    ]

    def __init__(self, rubric: Rubric) -> None:
        super().__init__()
        self.rubric = rubric

    def compose(self) -> ComposeResult:
        """The sections, ticked, and the hand-over button."""
        with Vertical(classes="dialog"):
            yield Static(markup("[b]Practitioner's self-rating[/b]"), classes="dialog-title")
            yield Static(
                plain(
                    "Choose the sections the practitioner rates (Space ticks or unticks). They will see the items and the "
                    "levels only: none of your scores, notes or marks."
                ),
                classes="dialog-message",
            )
            yield SelectionList[str](*[(s.title, s.id, True) for s in self.rubric.sections], id="self-sections")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Hand over (F10)", variant="primary", id="self-hand-over")
                yield Button("Cancel (Esc)", id="self-cancel")

    def on_mount(self) -> None:
        """The list has the cursor."""
        self.query_one("#self-sections", SelectionList).focus()

    def action_cancel(self) -> None:
        """No self-rating now."""
        self.dismiss(None)

    def action_hand_over(self) -> None:
        """The chosen sections (empty when every section is ticked: the whole rubric)."""
        chosen = list(self.query_one("#self-sections", SelectionList).selected)
        if not chosen:
            self.notify("Tick at least one section to rate.", timeout=4)
            return
        ids = [s.id for s in self.rubric.sections]
        self.dismiss([] if set(chosen) == set(ids) else [i for i in ids if i in chosen])

    @on(Button.Pressed, "#self-hand-over")
    def _go(self) -> None:
        self.action_hand_over()

    @on(Button.Pressed, "#self-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


_DIGITS = [
    Binding(str(d), f"screen.rate({d})", "Level", show=d == 0, key_display="0-9", id=f"self.level{d}", tooltip="Rate at this level")
    for d in range(10)
]


class SelfItems(KeysInOrder, OptionList):
    """The items to rate: digits choose a level, a is NA, o is NO, Delete clears."""

    BINDINGS = [
        *_DIGITS,
        Binding("a", "screen.code('NA')", "NA", id="self.na", tooltip=CODES["NA"]),
        Binding("o", "screen.code('NO')", "NO", id="self.no", tooltip="not sure: I cannot judge this one"),
        Binding("delete,backspace", "screen.clear", "Clear", show=False, id="self.clear"),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]


class SelfRatingScreen(SeedsScreen[SelfRating | None]):
    """The practitioner rates the session on the rubric's items, with the rubric's words only.

    Each rating is saved as it is given (through the controller). F10 (or the button) finishes:
    the screen closes with the record.
    """

    BINDINGS = [
        Binding("f10", "finish", "Finished", id="self.finish", tooltip="Save and hand back to the observer"),
        Binding("escape", "leave", "Finished", show=False, id="self.escape"),
    ]

    def __init__(self, record: SelfRating, rubric: Rubric, *, hand_back: str = "Hand the laptop back to the observer") -> None:
        super().__init__()
        self.record = record
        self.rubric = rubric
        self.hand_back = hand_back
        self.keys = [(s.id, i.id) for s in rubric.sections if record.covers(s.id) for i in s.items]

    def compose(self) -> ComposeResult:
        """The items, the chosen item's levels, a reflection, the finish button."""
        yield Static(
            markup("[b]Your self-rating[/b] [dim]· $who · rate the session you were observed in[/]", who=self.record.practitioner),
            classes="topbar",
        )
        with VerticalScroll(id="self-body"):
            yield Static(
                plain("How did you do? Rate each item as you saw it: a digit for the level, a for NA (no occasion), o if unsure."),
                classes="dim",
            )
            yield SelfItems(id="self-items")
            yield Static("", id="self-levels")
            yield Static(markup("[b]A line of reflection[/b] [dim](optional: what you would keep, what you would change)[/]"))
            yield NoteArea(self.record.reflection, id="self-reflection", soft_wrap=True, max_length=REFLECTION_LIMIT, what="The reflection")
            yield Static("", id="self-warning", classes="dim")
            with Horizontal(classes="form-buttons"):
                yield Button("Finished (F10)", variant="primary", id="self-finished")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill the list; the first item has the cursor."""
        self._fill()
        items = self.query_one("#self-items", SelfItems)
        items.highlighted = 0 if self.keys else None
        items.focus()
        self._show_levels()

    def _row(self, section_id: str, item_id: str) -> object:
        item = self.rubric.item(section_id, item_id)
        value = self.record.rating(section_id, item_id)
        return markup(
            "[b $accent]$value[/] $section › $text",
            value=rating_words(self.rubric, section_id, item_id, value).ljust(14)[:14],
            section=self.rubric.section(section_id).title,
            text=item.text,
        )

    def _fill(self) -> None:
        items = self.query_one("#self-items", SelfItems)
        if items.option_count != len(self.keys):
            items.set_options([Option(self._row(s, i), id=f"{s}.{i}") for s, i in self.keys])  # type: ignore[arg-type]
        else:
            for n, (s, i) in enumerate(self.keys):
                items.replace_option_prompt_at_index(n, self._row(s, i))  # type: ignore[arg-type]

    def _current(self) -> tuple[str, str] | None:
        n = self.query_one("#self-items", SelfItems).highlighted
        return self.keys[n] if n is not None and 0 <= n < len(self.keys) else None

    @on(OptionList.OptionHighlighted, "#self-items")
    def _show_levels(self) -> None:
        key = self._current()
        box = self.query_one("#self-levels", Static)
        if key is None:
            box.update("")
            return
        item = self.rubric.item(*key)
        lines = [
            f"{level.value}  {level.label}: {self.rubric.descriptor(item, level.value)}" for level in self.rubric.scale_of(item).levels
        ]
        lines.append("a  NA: the session never called for this")
        lines.append("o  NO: I cannot say")
        box.update(plain("\n".join(lines)))

    def _set(self, value: Rating | None) -> None:
        key = self._current()
        if key is None:
            return
        section_id, item_id = key
        if isinstance(value, int) and value not in self.rubric.scale_of(self.rubric.item(section_id, item_id)).values:
            self.app.bell()
            return
        ratings = {s: dict(r) for s, r in self.record.ratings.items()}
        if value is None:
            ratings.get(section_id, {}).pop(item_id, None)
        else:
            ratings.setdefault(section_id, {})[item_id] = value
        self.record = self.record.model_copy(update={"ratings": {s: r for s, r in ratings.items() if r}})
        self._save()
        self._fill()
        items = self.query_one("#self-items", SelfItems)
        if value is not None and items.highlighted is not None and items.highlighted < len(self.keys) - 1:
            items.highlighted += 1

    def action_rate(self, value: int) -> None:
        """Rate the item at the level with this value."""
        self._set(value)

    def action_code(self, code: str) -> None:
        """NA or NO for the item."""
        if code in ("NA", "NO"):
            self._set("NA" if code == "NA" else "NO")

    def action_clear(self) -> None:
        """Take the item's rating away."""
        self._set(None)

    @on(TextArea.Changed, "#self-reflection")
    def _reflection(self, event: TextArea.Changed) -> None:
        text = event.text_area.text[:REFLECTION_LIMIT]
        if text == self.record.reflection:
            return
        self.record = self.record.model_copy(update={"reflection": text})
        found = self.seeds.selfratings.warnings(self.record)
        self.query_one("#self-warning", Static).update(
            plain("This may hold personal data of the person on probation: " + "; ".join(found) + ".") if found else ""
        )

    def _save(self) -> bool:
        try:
            self.seeds.selfratings.save(self.record)
        except SeedsError as exc:
            self.app.notify(str(exc), title="Self-rating not saved", severity="error", timeout=15)
            return False
        return True

    def action_finish(self) -> None:
        """Save and close with the record."""
        if not self._save():
            return
        self.dismiss(self.record)

    def action_leave(self) -> None:
        """Esc: out of the reflection first, then finished."""
        if isinstance(self.focused, TextArea):
            self.query_one("#self-items", SelfItems).focus()
            return
        self.action_finish()

    @on(Button.Pressed, "#self-finished")
    def _finished(self) -> None:
        self.action_finish()


class GapScreen(SeedsScreen[None]):
    """Self against observer, item by item, the largest differences first (the observer's screen)."""

    BINDINGS = [
        Binding("escape", "close", "Feedback", id="gap.close", tooltip="On to the feedback conversation"),
        Binding("f10", "close", "Feedback", show=False, id="gap.close_alt"),
    ]

    def __init__(
        self, obs: Observation, record: SelfRating, rubric: Rubric, gaps: list[Gap], then: Callable[[], None] | None = None
    ) -> None:
        super().__init__()
        self.obs = obs
        self.record = record
        self.rubric = rubric
        self.gaps = gaps
        self.then = then

    def compose(self) -> ComposeResult:
        """A heading, the table, the reflection."""
        compared = [g for g in self.gaps if g.difference is not None]
        differ = sum(1 for g in compared if g.difference)
        yield Static(
            markup(
                "[b]Self against observer[/b] [dim]· $who · $n items compared, $d differ · largest differences first[/]",
                who=self.record.practitioner,
                n=len(compared),
                d=differ,
            ),
            classes="topbar",
        )
        yield DataTable(id="gap-table", cursor_type="row", zebra_stripes=True)
        if self.record.reflection:
            yield Static(markup("[b]The practitioner's reflection[/b]"))
            yield Static(plain(self.record.reflection), id="gap-reflection")
        yield Static(plain("Start the conversation from the practitioner's view. Esc: on to the feedback."), classes="dim")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill the table."""
        table = self.query_one("#gap-table", DataTable)
        # The short figures first and the item last, so that a narrow terminal shows the gap whole.
        table.add_columns("Self", "Observer", "Difference", "Item")
        for g in self.gaps:
            table.add_row(
                rich_text(rating_words(self.rubric, g.section, g.item, g.self_rating)),
                rich_text(rating_words(self.rubric, g.section, g.item, g.observer)),
                rich_text(gap_words(g)),
                rich_text(f"{g.section_title} › {g.text}"),
                key=f"{g.section}.{g.item}",
            )
        table.focus()

    def action_close(self) -> None:
        """Close; then what the app asked for (the feedback step)."""
        self.dismiss(None)
        if self.then is not None:
            self.then()
