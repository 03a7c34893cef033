"""What the calibration screens show, as pure functions: data in, renderables and words out.

The list's columns and status words, the reasons a session is not ready, the comparison's
tables (figures, section scores, items to discuss, every item) and the recorded consensus.
Every name and note from the files is made printable (``seeds_tui.tui.widgets.safe``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from seeds_tui.calibration.agreement import OUTCOME_MARKS, Agreement, AgreementFigures, ItemAgreement, occasion_agreement
from seeds_tui.core.observation import Observation, Score
from seeds_tui.core.rubric import Item, Rubric
from seeds_tui.core.scoring import score_words
from seeds_tui.core.text import printable
from seeds_tui.tui.widgets.safe import rich_text

if TYPE_CHECKING:
    from seeds_tui.calibration.pairing import CalibrationSession

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
    """``2``, ``NA``, ``NO`` or a dash: the compact form for tables (``core.scoring.score_words``)."""
    return score_words(None, score, style="short")


def long_value(rubric: Rubric, item: Item, score: Score | None) -> str:
    """``2 Competent``, ``NA (not applicable)``, ``NO (not observed)`` or ``not scored`` (``core.scoring.score_words``)."""
    return score_words(rubric.scale_of(item), score, style="long")


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


def occasion_words(figures: AgreementFigures) -> str:
    """Whether the two judged each item's occasion alike ("was the skill called for?"), in a sentence."""
    occasion = occasion_agreement(figures)
    if occasion is None:
        return "Was the skill called for? No item was scored by both observers."
    line = f"Was the skill called for? Judged alike on {occasion.alike} of {occasion.judged} items scored by both"
    parts = [f"{count} {words}" for words, _, count in occasion.differences]
    return line + (f" ({'; '.join(parts)}: listed under To discuss)" if parts else "")


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
            rich_text(title, style=style),
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
    table.add_column(rich_text(agreement.first_observer), justify="right", no_wrap=True, max_width=16)
    table.add_column(rich_text(agreement.second_observer), justify="right", no_wrap=True, max_width=16)
    for s in agreement.sections:
        table.add_row(rich_text(s.title), percent(s.first_percent), percent(s.second_percent))
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
        head.append(f"  {printable(section.title, newlines=False)} › ", style="dim")
        head.append(printable(entry.text, newlines=False), style="bold")
        grid = Table.grid(padding=(0, 1), pad_edge=False)
        grid.add_column(width=2)
        grid.add_column(width=width, no_wrap=True, overflow="ellipsis")
        grid.add_column(ratio=1)
        for obs, note in ((first, entry.first_evidence), (second, entry.second_evidence)):
            value = long_value(rubric, item, obs.score(entry.section_id, entry.item_id))
            grid.add_row("", rich_text(obs.session.observer), rich_text(value, style="bold"))
            grid.add_row("", "", rich_text(note) if note else Text("(no evidence note)", style="dim italic"))
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
    table.add_column(rich_text(agreement.first_observer), justify="center", no_wrap=True, overflow="ellipsis", max_width=12)
    table.add_column(rich_text(agreement.second_observer), justify="center", no_wrap=True, overflow="ellipsis", max_width=12)
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
        table.add_row(*blank, rich_text(section.title, style="bold underline"))
        for entry in entries:
            strong = entry.outcome in ("apart", "code vs level")
            cells: list[Text | str] = [
                rich_text(OUTCOME_MARKS[entry.outcome], style="bold" if strong else ""),
                short_value(first.score(entry.section_id, entry.item_id)),
                short_value(second.score(entry.section_id, entry.item_id)),
            ]
            if consensus is not None:
                cells.append(rich_text(short_value(consensus.score(entry.section_id, entry.item_id)), style="bold"))
            cells.append(rich_text(entry.text))
            table.add_row(*cells)
    return table


def consensus_view(rubric: Rubric, path: Path, consensus: Observation, first: Observation, second: Observation) -> RenderableType:
    """The recorded consensus: where it is, and each agreed score that differs from an observer's, with its rationale."""
    parts: list[RenderableType] = [Text.assemble(("File: ", "dim"), printable(str(path)))]
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
        head.append(f"{printable(section.title, newlines=False)} › ", style="dim")
        head.append(printable(item.text, newlines=False), style="bold")
        parts.append(head)
        grid = Table.grid(padding=(0, 1), pad_edge=False)
        grid.add_column(width=2)
        grid.add_column(width=9, no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row("", Text("agreed", style="dim"), rich_text(long_value(rubric, item, agreed), style="bold"))
        a, b = first.score(section.id, item.id), second.score(section.id, item.id)
        grid.add_row(
            "",
            Text("was", style="dim"),
            rich_text(f"{first.session.observer} {short_value(a)} · {second.session.observer} {short_value(b)}"),
        )
        note = rationale.get(f"{section.id}.{item.id}", "")
        grid.add_row("", Text("rationale", style="dim"), rich_text(note) if note else Text("(none)", style="dim italic"))
        parts.append(grid)
    return Group(*parts)


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
