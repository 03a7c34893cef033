"""Calibration: double-scored sessions, the comparison of two observers, and their consensus.

The list shows each session two observers scored independently (purpose: calibration, linked
by a shared session reference) with its status in words. It never shows a score: neither
observer may see the other's scores before both are finalised, so the comparison opens only
for a session that is ready. The comparison puts plain percentages first (exact, within one
level), then Krippendorff's alpha with its band in words, then the items to talk through
(two or more levels apart first, with both evidence notes in full), then every item side by
side. ``a`` records the consensus (see ``consensus.py``); once one is recorded it is shown
instead of offering a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from seeds_tui.calibration.agreement import OUTCOME_MARKS, Agreement, AgreementFigures, ItemAgreement, NotReadyError, check_pair, compare
from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import Observation, Score
from seeds_tui.core.rubric import Item, LoadedRubric, Rubric

if TYPE_CHECKING:
    from seeds_tui.calibration.pairing import CalibrationSession
    from seeds_tui.tui.app import SeedsApp

#: The list's columns: title, key, widest it grows (longer text is cut; the line below shows it all).
#: Status comes second so it is on screen at 80 columns.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("Date", "date", 10),
    ("Status", "status", 40),
    ("Session", "ref", 20),
    ("Observers", "observers", 36),
)

#: What each mark in the item table means (the marks are shared with ``seeds-tui compare``).
LEGEND = (
    f"{OUTCOME_MARKS['exact']} same level or code · {OUTCOME_MARKS['within one']} one level apart · "
    f"{OUTCOME_MARKS['apart']} two or more levels apart · {OUTCOME_MARKS['code vs level']} a level against NA/NO · "
    f"{OUTCOME_MARKS['unscored']} not scored by one or both"
)

EXPLAIN = (
    "Of the items both observers gave a level: exact = the same level, within one = at most one level apart. "
    "Items with NA, NO or no score from either observer are excluded and counted apart. "
    "Alpha (Krippendorff's, ordinal) corrects for chance: 1 is perfect agreement, 0 no better than chance."
)


def join_names(names: list[str]) -> str:
    """``Sam``, ``Sam and Alex``, ``Sam, Alex and Jo``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def status_text(session: CalibrationSession) -> str:
    """The session's state in words: consensus recorded, ready (with a consensus in progress), waiting for someone, or the problem."""
    if session.consensus is not None:
        return "consensus recorded" if session.ready or session.problem is None else f"consensus recorded; {session.problem}"
    if session.ready:
        return "consensus in progress" if session.draft is not None else "ready to compare"
    if session.problem is not None:
        return session.problem
    if session.waiting_for:
        return f"waiting for {join_names(list(session.waiting_for))} to finalise"
    return "not ready to compare"


def sentence(text: str) -> str:
    """``text`` with its first letter in capitals (names further on are left as typed)."""
    return text[:1].upper() + text[1:]


def observers_of(session: CalibrationSession) -> list[str]:
    """The observers' names, in the session's order."""
    return [obs.session.observer for _, obs in session.observations]


def short_value(score: Score | None) -> str:
    """``2``, ``NA``, ``NO`` or a dash: the compact form for tables."""
    if score is None or not score.is_set:
        return "–"
    return score.code if score.code is not None else str(score.value)


def long_value(rubric: Rubric, item: Item, score: Score | None) -> str:
    """``2 Competent``, ``NA (not applicable)``, ``NO (not observed)`` or ``not scored``."""
    if score is None or not score.is_set:
        return "not scored"
    if score.code == "NA":
        return "NA (not applicable)"
    if score.code == "NO":
        return "NO (not observed)"
    assert score.value is not None
    level = rubric.scale_of(item).level(score.value)
    return f"{score.value} {level.label}" if level else str(score.value)


def percent(value: float | None) -> str:
    """``70%`` or a dash."""
    return "–" if value is None else f"{value:.0f}%"


#: Below this many items compared, an alpha is shown with ``*`` and no band word (as ``seeds-tui compare`` does).
FEW_ITEMS = 10

FEW_NOTE = f"* alpha on fewer than {FEW_ITEMS} items moves a lot with one item: read the percentages first."


def alpha_text(figures: AgreementFigures) -> str:
    """``0.71 tentative``, ``0.71*`` on fewer than ``FEW_ITEMS`` items, or a dash (undefined: too few items, or no variation)."""
    if figures.alpha is None:
        return "–"
    if figures.compared < FEW_ITEMS:
        return f"{figures.alpha:.2f}*"
    return f"{figures.alpha:.2f} {figures.alpha_band or ''}".rstrip()


def few_items(agreement: Agreement) -> bool:
    """True when some alpha in the figures table rests on fewer than ``FEW_ITEMS`` items (the note is then shown)."""
    return any(f.alpha is not None and f.compared < FEW_ITEMS for f in [s.figures for s in agreement.sections] + [agreement.overall])


def outcome_words(item: ItemAgreement) -> str:
    """How far apart the two observers were, in words."""
    if item.outcome == "apart":
        return f"{abs(item.difference or 0)} levels apart"
    if item.outcome == "within one":
        return "one level apart"
    if item.outcome == "code vs level":
        return "a level against NA/NO" if "-" not in (item.first, item.second) else "one scored, one not"
    return item.outcome


# -- what the comparison shows (pure: data in, renderables out) --------------------------------


def figures_table(agreement: Agreement) -> Table:
    """Per section and overall: items compared and excluded, exact and within-one percent, alpha."""
    table = Table(box=None, pad_edge=False, padding=(0, 1), show_edge=False, header_style="bold", expand=False)
    table.add_column("Section", overflow="fold", ratio=1, min_width=14)
    table.add_column("compared", justify="right", no_wrap=True)
    table.add_column("excluded", justify="right", no_wrap=True)
    table.add_column("exact", justify="right", no_wrap=True)
    table.add_column("within 1", justify="right", no_wrap=True)
    table.add_column("alpha", no_wrap=True)
    rows = [(s.title, s.figures, "") for s in agreement.sections] + [("Overall", agreement.overall, "bold")]
    for title, fig, style in rows:
        table.add_row(
            Text(title, style=style),
            str(fig.compared),
            str(fig.excluded),
            percent(fig.exact_percent),
            percent(fig.within_one_percent),
            alpha_text(fig),
            style=style,
        )
    return table


def section_scores_table(agreement: Agreement) -> Table:
    """Each observer's section scores (percent of maximum), side by side."""
    table = Table(box=None, pad_edge=False, padding=(0, 1), show_edge=False, header_style="bold", expand=False)
    table.add_column("Section score (% of max)", overflow="fold", ratio=1, min_width=14)
    table.add_column(Text(agreement.first_observer), justify="right", no_wrap=True, max_width=16)
    table.add_column(Text(agreement.second_observer), justify="right", no_wrap=True, max_width=16)
    for s in agreement.sections:
        table.add_row(Text(s.title), percent(s.first_percent), percent(s.second_percent))
    return table


def discussion(agreement: Agreement, rubric: Rubric, first: Observation, second: Observation) -> RenderableType:
    """The items to talk through, largest gaps first, each with both values and both evidence notes in full."""
    items = agreement.for_discussion
    if not items:
        return Text("Nothing to discuss: the two observers gave the same level, or the same code, on every item they both scored.")
    width = min(max(len(agreement.first_observer), len(agreement.second_observer), 6), 24)
    parts: list[RenderableType] = []
    for number, entry in enumerate(items, 1):
        section = rubric.section(entry.section_id)
        item = rubric.item(entry.section_id, entry.item_id)
        head = Text()
        head.append(f"{number}. {OUTCOME_MARKS[entry.outcome]} {outcome_words(entry)}", style="bold")
        head.append(f"  {section.title} › ", style="dim")
        head.append(entry.text, style="bold")
        grid = Table.grid(padding=(0, 1), pad_edge=False)
        grid.add_column(width=2)
        grid.add_column(width=width, no_wrap=True, overflow="ellipsis")
        grid.add_column(ratio=1)
        for obs, note in ((first, entry.first_evidence), (second, entry.second_evidence)):
            value = long_value(rubric, item, obs.score(entry.section_id, entry.item_id))
            grid.add_row("", Text(obs.session.observer), Text(value, style="bold"))
            grid.add_row("", "", Text(note) if note else Text("(no evidence note)", style="dim italic"))
        parts += [head, grid, Text("")]
    return Group(*parts)


def items_table(
    agreement: Agreement,
    rubric: Rubric,
    first: Observation,
    second: Observation,
    consensus: Observation | None = None,
) -> Table:
    """Every item, section by section: the mark, both observers' values (and the agreed one), the item."""
    table = Table(box=None, pad_edge=False, padding=(0, 1), show_edge=False, header_style="bold", expand=False)
    table.add_column("", no_wrap=True, width=1)
    table.add_column(Text(agreement.first_observer), justify="center", no_wrap=True, overflow="ellipsis", max_width=12)
    table.add_column(Text(agreement.second_observer), justify="center", no_wrap=True, overflow="ellipsis", max_width=12)
    if consensus is not None:
        table.add_column("Agreed", justify="center", no_wrap=True)
    table.add_column("Item", overflow="fold", ratio=1)
    by_section: dict[str, list[ItemAgreement]] = {}
    for entry in agreement.items:
        by_section.setdefault(entry.section_id, []).append(entry)
    for section in rubric.sections:
        entries = by_section.get(section.id, [])
        if not entries:
            continue
        blank = ["", "", ""] + ([""] if consensus is not None else [])
        table.add_row(*blank, Text(section.title, style="bold underline"))
        for entry in entries:
            strong = entry.outcome in ("apart", "code vs level")
            cells: list[Text | str] = [
                Text(OUTCOME_MARKS[entry.outcome], style="bold" if strong else ""),
                short_value(first.score(entry.section_id, entry.item_id)),
                short_value(second.score(entry.section_id, entry.item_id)),
            ]
            if consensus is not None:
                cells.append(Text(short_value(consensus.score(entry.section_id, entry.item_id)), style="bold"))
            cells.append(Text(entry.text))
            table.add_row(*cells)
    return table


def consensus_view(rubric: Rubric, path: Path, consensus: Observation, first: Observation, second: Observation) -> RenderableType:
    """The recorded consensus: where it is, and each agreed score that differs from an observer's, with its rationale."""
    parts: list[RenderableType] = [Text.assemble(("File: ", "dim"), str(path))]
    rationale = consensus.consensus.rationale if consensus.consensus is not None else {}
    changed = []
    for section in rubric.sections:
        for item in section.items:
            agreed = consensus.score(section.id, item.id)
            a, b = first.score(section.id, item.id), second.score(section.id, item.id)
            if short_value(agreed) != short_value(a) or short_value(agreed) != short_value(b) or f"{section.id}.{item.id}" in rationale:
                changed.append((section, item, agreed))
    if not changed:
        parts.append(Text("The two observers scored every item alike; the consensus takes their scores."))
    for section, item, agreed in changed:
        head = Text()
        head.append(f"{section.title} › ", style="dim")
        head.append(item.text, style="bold")
        parts.append(head)
        grid = Table.grid(padding=(0, 1), pad_edge=False)
        grid.add_column(width=2)
        grid.add_column(width=9, no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row("", Text("agreed", style="dim"), Text(long_value(rubric, item, agreed), style="bold"))
        a, b = first.score(section.id, item.id), second.score(section.id, item.id)
        grid.add_row(
            "", Text("was", style="dim"), Text(f"{first.session.observer} {short_value(a)} · {second.session.observer} {short_value(b)}")
        )
        note = rationale.get(f"{section.id}.{item.id}", "")
        grid.add_row("", Text("rationale", style="dim"), Text(note) if note else Text("(none)", style="dim italic"))
        parts.append(grid)
    return Group(*parts)


# -- the list of double-scored sessions ------------------------------------------------------------


class CalibrationScreen(Screen[None]):
    """Double-scored sessions with their status in words; Enter compares a ready one. No score is shown here."""

    app: SeedsApp

    BINDINGS = [
        Binding("enter", "open", "Compare", id="calibration.open", tooltip="Compare the two observers (when both have finalised)"),
        Binding("f5,ctrl+r", "reload", "Reload", key_display="F5", show=False, id="calibration.reload", tooltip="Read the store again"),
        Binding("escape", "back", "Back", id="calibration.back", tooltip="Back to the list of observations"),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[CalibrationSession] = []
        self.damaged = 0
        self.loaded = False

    def compose(self) -> ComposeResult:
        """Title, the list, a line about the highlighted session, a hint, the footer."""
        yield Static(Content("Calibration · double-scored sessions"), id="cal-title", classes="topbar")
        table: DataTable[Text] = DataTable(id="cal-list", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="cal-detail")
        yield Static(Content("Reading the store…"), id="cal-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Read the sessions in a worker (the first frame is not held up)."""
        self.refresh_list()

    def on_screen_resume(self) -> None:
        """Back from a comparison: a consensus may have been recorded."""
        if self.loaded:
            self.refresh_list()

    def refresh_list(self) -> None:
        """Read the store again."""
        self._load()

    def action_reload(self) -> None:
        """Read the store again."""
        self.refresh_list()

    @work(thread=True, exclusive=True, group="calibration-list")
    def _load(self) -> None:
        from seeds_tui.calibration.pairing import calibration_sessions

        try:
            sessions, errors = calibration_sessions(self.app.store)
        except SeedsError as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        self.app.call_from_thread(self._show, sessions, len(errors))

    def _show_error(self, message: str) -> None:
        self.query_one("#cal-hint", Static).update(Content(message))
        self.app.notify(message, title="Store not readable", severity="error", timeout=15)

    def _show(self, sessions: list[CalibrationSession], damaged: int) -> None:
        self.sessions = sessions
        self.damaged = damaged
        self.loaded = True
        table = self.query_one("#cal-list", DataTable)
        keep = table.cursor_row
        all_cells = [[s.date.isoformat() if s.date else "", status_text(s), s.session_ref, join_names(observers_of(s))] for s in sessions]
        # Columns sized from the cells (as on the home screen); longer text is cut with … (the line below has it all).
        widths = [min(max([len(title), *(len(cells[n]) for cells in all_cells)]), widest) for n, (title, _, widest) in enumerate(COLUMNS)]
        table.clear(columns=True)
        for (title, key, _), width in zip(COLUMNS, widths, strict=True):
            table.add_column(title, key=key, width=width)
        for index, cells in enumerate(all_cells):
            ready = sessions[index].ready and sessions[index].consensus is None
            shown = [c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(cells, widths, strict=True)]
            table.add_row(*(Text(c, style="bold" if ready and n == 1 else "") for n, c in enumerate(shown)), key=str(index))
        if sessions:
            table.move_cursor(row=min(max(keep, 0), len(sessions) - 1))
            table.focus()
        ready = sum(1 for s in sessions if s.ready)
        if not sessions:
            hint = (
                "No double-scored sessions yet. Two observers each set up an observation with purpose Calibration "
                "and the same session reference, score independently and finalise."
            )
        else:
            hint = f"{len(sessions)} session{'' if len(sessions) == 1 else 's'}, {ready} ready. Enter compare · Esc back · F1 keys"
        if damaged:
            hint += (
                f"\n{damaged} file{' was' if damaged == 1 else 's were'} not readable and left out (seeds-tui validate lists the problems)."
            )
        self.query_one("#cal-hint", Static).update(Content(hint))
        self._show_detail()

    @on(DataTable.RowHighlighted, "#cal-list")
    def _highlighted(self) -> None:
        self._show_detail()

    def selected(self) -> CalibrationSession | None:
        """The session under the cursor."""
        table = self.query_one("#cal-list", DataTable)
        if not self.sessions or not 0 <= table.cursor_row < len(self.sessions):
            return None
        return self.sessions[table.cursor_row]

    def _show_detail(self) -> None:
        session = self.selected()
        detail = self.query_one("#cal-detail", Static)
        if session is None:
            detail.update("")
            return
        titles = {r.rubric.id: r.rubric.title for r in self.app.registry}
        _, obs = session.observations[0] if session.observations else (None, None)
        about = ""
        if obs is not None:
            about = f"{obs.session.practitioner} ({obs.session.team}) · {titles.get(obs.rubric.id, obs.rubric.id)}"
        status = status_text(session)
        if not session.ready and session.agreed_pair is not None:
            status += ". Enter shows the consensus the first two observers recorded."
        elif not session.ready and session.waiting_for:
            status += ". Scores stay hidden until both observers have finalised."
        elif not session.ready:
            status += ". No scores are shown; Enter says what to do."
        observers = join_names(observers_of(session)) or "no observer's own file"
        detail.update(
            Content.from_markup(
                "[b]$ref[/b] [dim]$about[/]\n$observers · $status", ref=session.session_ref, about=about, observers=observers, status=status
            )
        )

    def action_cursor_down(self) -> None:
        """Next session."""
        self.query_one("#cal-list", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous session."""
        self.query_one("#cal-list", DataTable).action_cursor_up()

    @on(DataTable.RowSelected, "#cal-list")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        """Open the comparison of the highlighted session, if both observers have finalised.

        A session with a recorded consensus opens on the two observations the consensus names,
        even when a later file shares the reference (that is said first).
        """
        session = self.selected()
        if session is None:
            return
        if not session.ready:
            agreed = session.agreed_pair
            if agreed is not None:
                self.app.notify(
                    f"{not_ready_message(session)}\nShowing the consensus recorded for the first two observers' files.",
                    title="Another file shares this reference",
                    severity="warning",
                    timeout=12,
                )
                screen = comparison_for(self.app, session, agreed)
                if screen is not None:
                    self.app.push_screen(screen)
                return
            self.app.notify(not_ready_message(session), title="Not ready to compare", timeout=10)
            return
        screen = comparison_for(self.app, session)
        if screen is not None:
            self.app.push_screen(screen)

    def action_back(self) -> None:
        """Back to the list of observations."""
        self.app.pop_screen()


def not_ready_message(session: CalibrationSession) -> str:
    """Why a session cannot be compared yet, and what to do about it (never a score)."""
    kind = session.problem_kind
    problem = sentence(session.problem or "")
    if kind == "same observer":
        return f"{problem}. One observer's file should be set up again by the second observer (or its session reference changed)."
    if kind == "different rubrics":
        return f"{problem}. Both observers must score with the same rubric."
    if kind == "too many":
        return (
            f"{problem}. Only two observers' files can share a reference: change the reference of the extra one "
            "(d on home discards a draft)."
        )
    if kind == "different sessions":
        return f"{problem}. Check the session reference: each double-scored session has its own."
    if kind == "one":
        return (
            "Only one observation so far. The second observer sets up an observation with purpose Calibration and "
            "this session reference; the comparison opens once both have finalised."
        )
    if kind == "none found":
        return f"{problem}. The observers' own files are not in this store."
    return (
        f"{sentence(status_text(session))}. The comparison opens once both observers have finalised; "
        "until then neither sees the other's scores."
    )


def comparison_for(
    app: SeedsApp,
    session: CalibrationSession,
    pair: tuple[tuple[Path, Observation], tuple[Path, Observation]] | None = None,
) -> ComparisonScreen | None:
    """The comparison screen for a ready session (or for ``pair`` of its files), or None (after saying why) when it cannot be built."""
    (first_path, first), (second_path, second) = pair or (session.observations[0], session.observations[1])
    try:
        loaded = app.registry.get(first.rubric.id, first.rubric.version)
        warnings = check_pair(first, second)
        agreement = compare(first, second, loaded.rubric)
    except NotReadyError as exc:
        app.notify(sentence(str(exc)), title="Not ready to compare", timeout=8)
        return None
    except SeedsError as exc:
        app.notify(str(exc), title="Cannot compare", severity="error", timeout=15)
        return None
    return ComparisonScreen(
        Pair(session, loaded, first, second, first_path, second_path),
        agreement,
        warnings,
    )


@dataclass(frozen=True)
class Pair:
    """A ready double-scored session: its two final observations and the rubric they were scored against."""

    session: CalibrationSession
    loaded: LoadedRubric
    first: Observation
    second: Observation
    first_path: Path
    second_path: Path

    @property
    def rubric(self) -> Rubric:
        """The rubric both observations were scored against."""
        return self.loaded.rubric

    @property
    def key(self) -> tuple[str, str]:
        """Identifies the pair (the two observations' ids)."""
        return (self.first.id, self.second.id)


# -- the comparison ----------------------------------------------------------------------------------


class ComparisonScreen(Screen[None]):
    """Two observers of one session: agreement figures, the items to discuss, every item side by side."""

    app: SeedsApp

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
                Content.from_markup(
                    "[b]Comparison[/b] [dim]· $ref · $date[/]",
                    ref=pair.session.session_ref,
                    date=pair.first.session.date.isoformat(),
                ),
                id="where",
            )
        with VerticalScroll(id="cmp-body"):
            yield Static("", id="cmp-head")
            yield Static("", id="cmp-consensus-head", classes="heading")
            yield Static("", id="cmp-consensus")
            yield Static(Content.from_markup("[b]Agreement[/b] [dim](plain percentages first, then the coefficient)[/]"), classes="heading")
            yield Static(figures_table(self.agreement), id="cmp-figures")
            few = Static(Content(FEW_NOTE), id="cmp-few")
            few.display = few_items(self.agreement)
            yield few
            yield Static("", id="cmp-alpha")
            yield Static(Content(EXPLAIN), id="cmp-explain")
            yield Static(section_scores_table(self.agreement), id="cmp-sections", classes="heading")
            yield Static("", id="cmp-icc")
            count = len(self.agreement.for_discussion)
            yield Static(
                Content.from_markup(
                    "[b]To discuss[/b] [dim]($n · two or more levels apart first, then NA/NO against a level, then one apart)[/]",
                    n=str(count),
                ),
                id="cmp-discuss-head",
                classes="heading",
            )
            yield Static(discussion(self.agreement, pair.rubric, pair.first, pair.second), id="cmp-discuss")
            yield Static(Content.from_markup("[b]Every item[/b]"), id="cmp-items-head", classes="heading")
            yield Static(Content(LEGEND), id="cmp-legend")
            yield Static("", id="cmp-items")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill in the parts that depend on the consensus; the page takes the keyboard."""
        self._show()
        self.query_one("#cmp-body", VerticalScroll).focus()

    def _show(self) -> None:
        pair, agreement = self.pair, self.agreement
        first, second = pair.first.session, pair.second.session
        lines = [
            Content.from_markup(
                "[b]$rubric[/b] [dim]$version[/] · $who ($team)",
                rubric=pair.rubric.title,
                version=pair.rubric.version,
                who=first.practitioner,
                team=first.team,
            ),
            Content.from_markup("Observers: [b]$a[/b] and [b]$b[/b], scored independently", a=first.observer, b=second.observer),
        ]
        for warning in self.warnings:
            lines.append(Content.from_markup("[$text-warning]Note: $w[/]", w=warning))
        self.query_one("#cmp-head", Static).update(Content("\n").join(lines))
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
        self.query_one("#cmp-alpha", Static).update(Content(alpha_line))
        icc = "not defined (fewer than two sections with scores)" if agreement.icc is None else f"{agreement.icc:.2f}, {agreement.icc_band}"
        self.query_one("#cmp-icc", Static).update(Content(f"Agreement on section scores (intraclass correlation ICC(A,1)): {icc}"))
        head = self.query_one("#cmp-consensus-head", Static)
        body = self.query_one("#cmp-consensus", Static)
        consensus_obs = None
        if self.consensus is not None:
            path, consensus_obs = self.consensus
            head.update(Content.from_markup("[b $text-success]Consensus recorded[/] [dim](the observers' own files stay as they were)[/]"))
            body.update(consensus_view(pair.rubric, path, consensus_obs, pair.first, pair.second))
        else:
            body.update("")
        head.display = body.display = self.consensus is not None
        self.query_one("#cmp-items", Static).update(items_table(agreement, pair.rubric, pair.first, pair.second, consensus_obs))
        self.refresh_bindings()

    def consensus_saved(self, path: Path, consensus: Observation) -> None:
        """Show the consensus just recorded (called by the consensus screen)."""
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
        from seeds_tui.tui.screens.consensus import ConsensusScreen

        self.app.push_screen(ConsensusScreen(self.pair, self.agreement, on_saved=self.consensus_saved))

    def action_back(self) -> None:
        """Back to the list of double-scored sessions."""
        self.app.pop_screen()


# -- the command palette ---------------------------------------------------------------------------------

OPEN_CALIBRATION = "Open calibration"
OPEN_CALIBRATION_HELP = "Double-scored sessions: compare two observers, agree a consensus (c on the home screen)"


class CalibrationCommands(Provider):
    """The command palette entry "Open calibration" (the home screen lists it in COMMANDS)."""

    async def discover(self) -> Hits:
        """Shown before anything is typed."""
        yield DiscoveryHit(OPEN_CALIBRATION, self._open, help=OPEN_CALIBRATION_HELP)

    async def search(self, query: str) -> Hits:
        """Matched against what is typed."""
        matcher = self.matcher(query)
        score = matcher.match(OPEN_CALIBRATION)
        if score > 0:
            yield Hit(score, matcher.highlight(OPEN_CALIBRATION), self._open, help=OPEN_CALIBRATION_HELP)

    def _open(self) -> None:
        open_calibration(self.app)  # type: ignore[arg-type]


def open_calibration(app: SeedsApp) -> None:
    """Open the Calibration screen (from the home screen)."""
    if not isinstance(app.screen, CalibrationScreen):
        app.push_screen(CalibrationScreen())


__all__ = [
    "CalibrationCommands",
    "CalibrationScreen",
    "ComparisonScreen",
    "Pair",
    "comparison_for",
    "not_ready_message",
    "open_calibration",
    "status_text",
]
