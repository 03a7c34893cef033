"""The comparison of two observers of one session: agreement figures, the items to discuss, every item.

Plain percentages first (exact, within one level), then Krippendorff's alpha with its band in
words, then the items to talk through (two or more levels apart first, with both evidence
notes in full), then every item side by side. ``a`` records the consensus (the app opens the
consensus screen); once one is recorded it is shown instead of offering a second.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static

from seeds_tui.calibration.agreement import Agreement
from seeds_tui.core.dates import uk_date
from seeds_tui.core.observation import Observation
from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.controllers.consensus import Pair
from seeds_tui.tui.widgets.comparison import (
    EXPLAIN,
    FEW_ITEMS,
    FEW_NOTE,
    LEGEND,
    consensus_view,
    discussion,
    few_items,
    figures_table,
    items_table,
    occasion_words,
    section_scores_table,
)
from seeds_tui.tui.widgets.safe import markup, plain


class ComparisonScreen(SeedsScreen[None]):
    """Two observers of one session: agreement figures, the items to discuss, every item side by side."""

    BINDINGS = [
        Binding(
            "a", "agree", "Agree consensus", id="comparison.agree", tooltip="Record the agreed scores, with a rationale per changed item"
        ),
        Binding("d", "jump('cmp-discuss-head')", "To discuss", id="comparison.discuss", tooltip="Go to the items to discuss"),
        Binding("i", "jump('cmp-items-head')", "Every item", id="comparison.items", tooltip="Go to the table of every item"),
        Binding("t", "jump('cmp-head')", "Top", show=False, id="comparison.top", tooltip="Back to the top"),
        Binding("escape", "back", "Back", id="comparison.back", tooltip="Back to the list of double-scored sessions"),
        Binding("j", "scroll('down')", show=False),
        Binding("k", "scroll('up')", show=False),
        Binding("space", "scroll('page_down')", show=False),
    ]

    WRITES_STORE = frozenset({"agree"})

    def __init__(self, pair: Pair, agreement: Agreement, warnings: list[str]) -> None:
        super().__init__()
        self.pair = pair
        self.agreement = agreement
        self.warnings = warnings
        self.consensus: tuple[Path, Observation] | None = pair.session.consensus

    def compose(self) -> ComposeResult:
        """A top bar, then one scrolling page."""
        pair = self.pair
        with Horizontal(classes="topbar"):
            yield Static(
                markup(
                    "[b]Comparison[/b] [dim]· $ref · $date[/]",
                    ref=pair.session.session_ref,
                    date=uk_date(pair.first.session.date),
                ),
                id="where",
            )
        with VerticalScroll(id="cmp-body"):
            yield Static("", id="cmp-head")
            yield Static("", id="cmp-consensus-head", classes="heading")
            yield Static("", id="cmp-consensus")
            yield Static(markup("[b]Agreement[/b] [dim](plain percentages first, then the coefficient)[/]"), classes="heading")
            yield Static(figures_table(self.agreement), id="cmp-figures")
            few = Static(plain(FEW_NOTE), id="cmp-few")
            few.display = few_items(self.agreement)
            yield few
            yield Static("", id="cmp-alpha")
            yield Static(plain(EXPLAIN), id="cmp-explain")
            yield Static(section_scores_table(self.agreement), id="cmp-sections", classes="heading")
            yield Static("", id="cmp-icc")
            count = len(self.agreement.for_discussion)
            yield Static(
                markup(
                    "[b]To discuss[/b] [dim]($n · two or more levels apart first, then NA/NO against a level, then one apart)[/]",
                    n=str(count),
                ),
                id="cmp-discuss-head",
                classes="heading",
            )
            yield Static(discussion(self.agreement, pair.rubric, pair.first, pair.second), id="cmp-discuss")
            yield Static(markup("[b]Every item[/b]"), id="cmp-items-head", classes="heading")
            yield Static(plain(LEGEND), id="cmp-legend")
            yield Static("", id="cmp-items")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill in the parts that depend on the consensus; the page takes the keyboard."""
        self._show()
        self.query_one("#cmp-body", VerticalScroll).focus()
        if self.seeds.records.shared:  # a team's shared store: compare here, agree the consensus in your own store
            self.hide_store_writes()

    def _show(self) -> None:
        pair, agreement = self.pair, self.agreement
        first, second = pair.first.session, pair.second.session
        lines = [
            markup(
                "[b]$rubric[/b] [dim]$version[/] · $who ($team)",
                rubric=pair.rubric.title,
                version=pair.rubric.version,
                who=first.practitioner,
                team=first.team,
            ),
            markup("Observers: [b]$a[/b] and [b]$b[/b], scored independently", a=first.observer, b=second.observer),
        ]
        for warning in self.warnings:
            lines.append(markup("[$text-warning]Note: $w[/]", w=warning))
        self.query_one("#cmp-head", Static).update(plain("\n").join(lines))
        overall = agreement.overall
        if overall.alpha is None:
            alpha_line = "Alpha overall: not defined (fewer than two items compared, or every level the same)"
        elif overall.compared < FEW_ITEMS:
            alpha_line = (
                f"Alpha overall {overall.alpha:.2f}*, on only {overall.compared} items: too few to read a band from; "
                "read the percentages first"
            )
        else:
            alpha_line = f"Alpha overall {overall.alpha:.2f}, {overall.alpha_band}: {overall.alpha_meaning}"
        self.query_one("#cmp-alpha", Static).update(plain(f"{alpha_line}\n{occasion_words(overall)}"))
        icc = "not defined (fewer than two sections with scores)" if agreement.icc is None else f"{agreement.icc:.2f}, {agreement.icc_band}"
        self.query_one("#cmp-icc", Static).update(plain(f"Agreement on section scores (intraclass correlation ICC(A,1)): {icc}"))
        head = self.query_one("#cmp-consensus-head", Static)
        body = self.query_one("#cmp-consensus", Static)
        consensus_obs = None
        if self.consensus is not None:
            path, consensus_obs = self.consensus
            head.update(markup("[b $text-success]Consensus recorded[/] [dim](the observers' own files stay as they were)[/]"))
            body.update(consensus_view(pair.rubric, path, consensus_obs, pair.first, pair.second))
        else:
            body.update("")
        head.display = body.display = self.consensus is not None
        self.query_one("#cmp-items", Static).update(items_table(agreement, pair.rubric, pair.first, pair.second, consensus_obs))
        self.refresh_bindings()

    def _consensus_saved(self, path: object, consensus: Observation) -> None:
        """Show the consensus just recorded (called by the consensus screen)."""
        assert isinstance(path, Path)
        self.consensus = (path, consensus)
        self._show()
        self.call_after_refresh(self.action_jump, "cmp-consensus-head")

    def action_jump(self, target: str) -> None:
        """Scroll a part of the page to the top."""
        widget = self.query_one(f"#{target}")
        self.query_one("#cmp-body", VerticalScroll).scroll_to_widget(widget, animate=False, top=True)

    def action_scroll(self, where: str) -> None:
        """Scroll the page (j / k / Space)."""
        body = self.query_one("#cmp-body", VerticalScroll)
        {"down": body.scroll_down, "up": body.scroll_up, "page_down": body.scroll_page_down}[where](animate=False)

    def action_agree(self) -> None:
        """Record the consensus; if one is recorded already, show it instead of offering a second."""
        if self.consensus is not None:
            self.app.notify(f"A consensus is already recorded: {self.consensus[0]}. It is shown at the top.", timeout=8)
            self.action_jump("cmp-consensus-head")
            return
        if self.seeds.refused_on_shared_store("Agree a consensus"):
            return
        self.seeds.open_consensus(self.pair, self.agreement, on_saved=self._consensus_saved)

    def action_back(self) -> None:
        """Back to the list of double-scored sessions."""
        self.app.pop_screen()
