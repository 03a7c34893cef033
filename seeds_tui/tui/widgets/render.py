"""How scores, items and sections are shown. Every user or rubric text goes in as a plain variable."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widgets import Static

from seeds_tui.core.observation import Observation, Score
from seeds_tui.core.rubric import CODES, GlobalRating, Item, Rubric, Section
from seeds_tui.core.scoring import SectionScore, score_words
from seeds_tui.tui.controllers.session import format_elapsed
from seeds_tui.tui.widgets.safe import markup, plain


def value_text(rubric: Rubric, item: Item | GlobalRating, score: Score | int | None) -> str:
    """``2 Competent``, ``NA``, ``NO`` or a dash (``core.scoring.score_words``, as every screen and sheet says it)."""
    return score_words(rubric.scale_of(item), score, style="label")


def label_width(rubric: Rubric) -> int:
    """Room for the longest ``value label`` of the rubric's scales (at most 18 columns)."""
    widest = max(len(f"{level.value} {level.label}") for scale in rubric.scales.values() for level in scale.levels)
    return min(max(widest, 2), 18)


def item_row(rubric: Rubric, item: Item, score: Score | None, width: int = 14) -> Content:
    """One line of the item list: state mark, chosen value, the item's text, a pen if there is evidence."""
    if score is not None and score.is_set:
        mark, mark_style = "●", "$text-success"
    elif item.required:
        mark, mark_style = "!", "$text-warning"
    else:
        mark, mark_style = "○", "dim"
    value = value_text(rubric, item, score)
    if score is not None and score.value is not None:
        value_style = "b $text-accent"
    elif score is not None and score.code is not None:
        value_style = "b"
    else:
        value_style = "dim"
    pen = " ✎" if score is not None and score.evidence else ""
    return markup(
        f"[{mark_style}]$mark[/] [{value_style}]$value[/] $text[dim]$pen[/]",
        mark=mark,
        value=value.ljust(width)[:width],
        text=item.text,
        pen=pen,
    )


def item_detail(rubric: Rubric, obs: Observation, section: Section, item: Item, *, editable: bool = True) -> Content:
    """The current item: text, guidance, every level with its descriptor (chosen one marked), codes, evidence, marks.

    ``editable`` False (a final observation open read-only) leaves out the hint on how to write.
    """
    score = obs.score(section.id, item.id)
    parts: list[Content] = [
        markup(
            "[b]$text[/b] [dim]$required[/]\n",
            text=item.text,
            required="(required)" if item.required else "(optional)",
        )
    ]
    if item.guidance:
        parts.append(markup("[i]$g[/i]\n", g=item.guidance))
    scale = rubric.scale_of(item)
    for level in scale.levels:
        chosen = score is not None and score.code is None and score.value == level.value
        style = "reverse b" if chosen else "b"
        parts.append(
            markup(
                f"[{style}] $value $label [/] $descriptor\n",
                value=str(level.value),
                label=level.label,
                descriptor=rubric.descriptor(item, level.value),
            )
        )
    for code, meaning in CODES.items():
        chosen = score is not None and score.code == code
        key = "a" if code == "NA" else "o"
        style = "reverse b" if chosen else "b"
        parts.append(markup(f"[{style}] $key $code [/] [dim]$meaning[/]\n", key=key, code=code, meaning=meaning))
    evidence = score.evidence if score is not None else ""
    when = f" (at {format_elapsed(score.elapsed)})" if score is not None and score.elapsed is not None and score.is_set else ""
    hint = " · e to write" if editable else ""
    parts.append(markup("\n[b]Evidence[/b][dim]$when$hint[/]\n$evidence\n", when=when, hint=hint, evidence=evidence or "—"))
    key = f"{section.id}.{item.id}"
    marks = [e for e in obs.events if e.item == key]
    for event in marks:
        parts.append(markup("[dim]mark $at[/] $text\n", at=format_elapsed(event.elapsed), text=event.text or ""))
    return plain("").join(parts)


def section_row(result: SectionScore, section: Section, number: int) -> Content:
    """A line of the section list: number, title, scored/total and required items missing."""
    missing = len(result.missing_required)
    done = result.scored == result.total
    state = "[$text-success]✓[/]" if done else ("[$text-warning]![/]" if missing else "[dim]·[/]")
    return markup(
        f"{state} $number $title\n   [dim]$progress[/][$text-warning]$missing[/]",
        number=f"{number}.",
        title=section.title,
        progress=f"{result.scored}/{result.total} scored",
        missing=f" · {missing} required" if missing else "",
    )


#: Said at the end of a section's guidance cut to fit the rows above the items.
GUIDANCE_MORE = "… G shows all"


def section_head(title: Content, guidance: str, width: int, rows: int = 3) -> tuple[Content, bool]:
    """The section's title line and its guidance in at most ``rows`` lines of ``width`` cells.

    Guidance too long for the room is cut at a word and ends with ``GUIDANCE_MORE``, so it never
    stops mid-sentence without saying there is more. Returns the text and whether it was cut.
    ``width`` 0 (not laid out yet): everything, uncut.
    """
    words = markup("[i dim]$g[/]", g=guidance) if guidance else plain("")
    whole = plain("\n").join([title, words]) if guidance else title
    if width <= 0 or not guidance:
        return whole, False
    room = max(1, rows - len(title.wrap(width)))
    lines = words.wrap(width)
    if len(lines) <= room:
        return whole, False
    kept = lines[:room]
    more = markup("[b]$more[/]", more=GUIDANCE_MORE)
    last = kept[-1]
    if last.cell_length + 1 + more.cell_length > width:
        limit = max(0, width - 1 - more.cell_length)
        cut = last.plain.rfind(" ", 0, limit + 1)
        last = last[: cut if cut > 0 else limit]
    kept[-1] = last.rstrip() + plain(" ") + more
    return plain("\n").join([title, *kept]), True


class SectionHead(Static):
    """The current section's title line and guidance, cut to the rows it has (``section_head``).

    Drawn again at each new width, so the guidance is cut where the words wrap now.
    """

    ROWS = 3

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self._title: Content = plain("")
        self._guidance = ""
        #: Whether the guidance shown is cut short (G shows all of it).
        self.cut = False

    def show(self, title: Content, guidance: str) -> None:
        """Show this title line and guidance."""
        self._title, self._guidance = title, guidance
        self._draw()

    def _draw(self) -> None:
        text, self.cut = section_head(self._title, self._guidance, self.content_region.width, self.ROWS)
        self.update(text)

    def on_resize(self, event: events.Resize) -> None:
        """Another width: cut the guidance again where its words now wrap."""
        self._draw()
