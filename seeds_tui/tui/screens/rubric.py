"""Set-up, step 1: choose the rubric to score against; its title, version and description are shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.widgets.forms import reflow
from seeds_tui.tui.widgets.lists import PickList
from seeds_tui.tui.widgets.safe import markup, plain

if TYPE_CHECKING:
    from seeds_tui.core.rubric import LoadedRubric


class RubricList(PickList):
    """The rubrics: Enter chooses at once (in the order typed), not through a message that comes later."""

    BINDINGS = [Binding("enter", "screen.choose", "Use it", show=False, id="setup.choose")]


class RubricScreen(SeedsScreen[None]):
    """Choose the rubric to score against; its title, version and description are shown."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="setup.back"),
    ]

    def compose(self) -> ComposeResult:
        """The list of rubrics and the description of the highlighted one."""
        yield Static(plain("New observation · 1 of 2 · choose a rubric"), classes="topbar")
        with Horizontal(id="rubric-body"):
            newest = {(r.rubric.id, r.rubric.version) for r in self.seeds.registry.latest()}
            options = [
                Option(
                    markup(
                        "[b]$title[/b]  [dim]$version$older[/]",
                        title=r.rubric.title,
                        version=r.rubric.version,
                        older="" if (r.rubric.id, r.rubric.version) in newest else " · older version",
                    ),
                    id=str(i),
                )
                for i, r in enumerate(self.rubrics)
            ]
            yield RubricList(*options, id="rubric-list")
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
        newest = self.seeds.registry.get(r.id)
        if newest.rubric.version != r.version:
            extra.append(
                f"an older version, kept so that observations scored with it still open; new observations normally use "
                f"the newest ({newest.rubric.version})"
            )
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
        self.seeds.open_session_form(self.rubrics[event.option_index])

    def action_choose(self) -> None:
        """Use the highlighted rubric: the session form opens at once, so keys typed after Enter reach it."""
        highlighted = self.query_one("#rubric-list", OptionList).highlighted
        if highlighted is not None:
            self.seeds.open_session_form(self.rubrics[highlighted])

    def action_back(self) -> None:
        """Back to the home screen."""
        self.app.pop_screen()
