"""Set-up, step 1: choose the rubric to score against; its title, version and description are shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.keys import AcceptsEarlyKeys, typed_character
from seeds_tui.tui.widgets.forms import reflow
from seeds_tui.tui.widgets.lists import PickList
from seeds_tui.tui.widgets.safe import markup, plain

if TYPE_CHECKING:
    from seeds_tui.core.rubric import LoadedRubric


class RubricScreen(SeedsScreen[None]):
    """Choose the rubric to score against; its title, version and description are shown."""

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
        yield Static(plain("New observation · 1 of 2 · choose a rubric"), classes="topbar")
        with Horizontal(id="rubric-body"):
            options = [
                Option(markup("[b]$title[/b]  [dim]$version[/]", title=r.rubric.title, version=r.rubric.version), id=str(i))
                for i, r in enumerate(self.rubrics)
            ]
            yield PickList(*options, id="rubric-list")
            with VerticalScroll(id="rubric-detail"):
                yield Static("", id="rubric-description")
        yield Footer(compact=True)

    @property
    def rubrics(self) -> list[LoadedRubric]:
        """Every rubric version the app knows, newest version of each first."""
        latest = self.seeds.registry.latest()
        others = [r for r in self.seeds.registry if r not in latest]
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
        text = markup(
            "[b]$title[/b]\nversion $version · $sections sections · $items items$extra\n\n$description\n\n[dim]$path[/]",
            title=r.title,
            version=r.version,
            sections=str(len(r.sections)),
            items=str(items),
            extra=(" · " + " · ".join(extra)) if extra else "",
            description=reflow(r.description),
            path=str(loaded.path),
        )
        self.query_one("#rubric-description", Static).update(text)

    @on(OptionList.OptionSelected, "#rubric-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._chosen = False
        typed = "".join(self._pending)
        self._pending.clear()
        self.seeds.open_session_form(self.rubrics[event.option_index], typed)

    def on_key(self, event: events.Key) -> None:
        """Keys typed straight after Enter (a fast typist, a paste, tmux) belong to the session form.

        They all reach this screen before the list's choice is acted on (and while the form is
        being shown); keep them and hand them to the form, in order.
        """
        top = self.app.screen
        if top is self and event.key == "enter" and isinstance(self.focused, OptionList):
            self._chosen = True
            return
        typed = typed_character(event)
        if not typed:
            return
        if top is self and self._chosen:
            self._pending.append(typed)
        elif isinstance(top, AcceptsEarlyKeys):
            top.type_early(typed)
        else:
            return
        event.stop()
        event.prevent_default()

    def action_back(self) -> None:
        """Back to the home screen."""
        self.app.pop_screen()
