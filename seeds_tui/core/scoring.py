"""The scoring rules, in one place for the app, the report, the summaries and the export.

* An item's points are its level value minus the scale's lowest value, so the lowest
  level (a missed opportunity) scores 0 and counts in the denominator.
* NA (not applicable) and NO (not observed) leave both numerator and denominator.
* Percent of maximum = 100 * sum of points / sum of possible points, over the items
  that were given a level. With no such item it is undefined (None / NaN).
* A value that is not a level of the item's scale (a hand-edited 7 on a 0-2 item) earns no
  points and counts in no denominator: ``score_points`` gives it None, as the team tables leave
  it out. ``seeds-tui validate`` (and import) refuse such a file; everything that reads it
  anyway counts it nowhere, never as 350%.

``percent_of_max`` works on plain numbers and, unchanged, on pandas Series, so team tables use the very same rule as the scoring screen.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from seeds_tui.core.observation import Observation, Score
from seeds_tui.core.rubric import Rubric, Scale

N = TypeVar("N")

#: How the codes NA and NO are written in every table a script reads (exports, ``compare`` CSV):
#: words that no reader's defaults take for a missing value (pandas, R, Excel and DuckDB all read
#: the text ``NA`` as missing).
CODE_WORDS = {"NA": "not_applicable", "NO": "not_observed"}

#: Percent-of-maximum bands used by programme checklists (lower bound inclusive).
BANDS: tuple[tuple[float, str], ...] = (
    (65.0, "very high"),
    (55.0, "high"),
    (46.0, "moderate"),
    (float("-inf"), "low"),
)


def item_points(value: Any, scale_min: Any) -> Any:
    """Points for a level value: value minus the scale's lowest value (vectorises)."""
    return value - scale_min


def possible_points(scale: Scale) -> int:
    """The most points one item on this scale can earn."""
    return scale.max_value - scale.min_value


def score_points(score: Score | None, scale: Scale) -> tuple[int, int] | None:
    """``(points, possible)`` for one item's score: the one rule for a score's points.

    None when the score earns nothing and counts in no denominator: unscored, NA, NO, or a value
    that is not a level of ``scale`` (off the scale: refused by ``validate``, counted nowhere).

    >>> from seeds_tui.core.observation import Score
    >>> from seeds_tui.core.rubric import Level, Scale
    >>> from seeds_tui.core.scoring import score_points
    >>> scale = Scale(levels=[Level(value=v, label=str(v)) for v in (0, 1, 2)])
    >>> score_points(Score(value=2), scale), score_points(Score(value=7), scale), score_points(Score(code="NA"), scale)
    ((2, 2), None, None)
    """
    if score is None or score.value is None or scale.level(score.value) is None:
        return None
    return item_points(score.value, scale.min_value), possible_points(scale)


def competent_or_above(scale: Scale, value: Score | int | None) -> bool | None:
    """Is this score at the scale's "competent" level or above? The one rule for that share.

    True or False for a level of ``scale``; None when the question has no answer: the scale
    names no ``competent`` level, the item is unscored, coded NA or NO, or the value is off the
    scale (counted nowhere, as ``score_points`` does). A share "at competent or above" is the
    True answers over the True and False ones, so NA and NO leave its denominator too.

    >>> from seeds_tui.core.rubric import Level
    >>> scale = Scale(levels=[Level(value=v, label=str(v)) for v in (0, 1, 2, 3)], competent=2)
    >>> competent_or_above(scale, 2), competent_or_above(scale, Score(value=1)), competent_or_above(scale, Score(code="NA"))
    (True, False, None)
    """
    value = value.value if isinstance(value, Score) else value
    if scale.competent is None or value is None or scale.level(value) is None:
        return None
    return value >= scale.competent


def competent_threshold(rubric: Rubric, key: str) -> int | None:
    """The level value at which the item ``section.item`` counts as competent (None: its scale names none).

    For tables that compare a whole column at once (``values >= threshold``); for one score,
    ``item_competent_or_above`` gives the same answer. KeyError for an item the rubric lacks.
    """
    section_id, _, item_id = key.partition(".")
    return rubric.scale_of(rubric.item(section_id, item_id)).competent


def item_competent_or_above(rubric: Rubric, key: str, value: Score | int | None) -> bool | None:
    """Is ``value`` competent or above for the item ``section.item`` of ``rubric``? (``competent_or_above`` on its scale.)

    >>> from seeds_tui.core.rubric import bundled_rubric_dir, load_rubric
    >>> seed = load_rubric(bundled_rubric_dir() / "seed-one-to-one.toml")
    >>> item_competent_or_above(seed, "beginning.agenda", 2), item_competent_or_above(seed, "beginning.agenda", 1)
    (True, False)
    """
    section_id, _, item_id = key.partition(".")
    return competent_or_above(rubric.scale_of(rubric.item(section_id, item_id)), value)


def percent_of_max(points: Any, possible: Any) -> Any:
    """100 * points / possible. Scalars give None when nothing was possible; arrays give NaN."""
    if isinstance(possible, numbers.Number):  # int, float and numpy scalars (e.g. a column's sum)
        return None if possible == 0 else 100.0 * points / possible
    # pandas Series: a zero denominator becomes NaN rather than inf.
    return 100.0 * points / possible.where(possible != 0)


#: How ``score_words`` says a score: ``short`` for tables (``2``, ``NA``), ``label`` for the app
#: (``2 Competent``), ``long`` for comparisons (``NA (not applicable)``, ``not scored``),
#: ``sheet`` for the practitioner's feedback sheet (``Competent (2 of 3)``, ``Not applicable``).
ScoreStyle = Literal["short", "label", "long", "sheet"]

_UNSCORED: dict[str, str] = {"short": "\u2013", "label": "\u2013", "long": "not scored", "sheet": "Not scored"}
_CODE_WORDS: dict[str, dict[str, str]] = {
    "short": {"NA": "NA", "NO": "NO"},
    "label": {"NA": "NA", "NO": "NO"},
    "long": {"NA": "NA (not applicable)", "NO": "NO (not observed)"},
    "sheet": {"NA": "Not applicable", "NO": "Not observed"},
}


def score_words(scale: Scale | None, score: Score | int | None, *, style: ScoreStyle = "label", unscored: str | None = None) -> str:
    """A score in words, the one rule every screen, sheet and comparison uses.

    ``score`` is a ``Score`` (level or code), a bare level value (a global rating) or None.
    ``scale`` gives the level's label (None, or a value off the scale: the number alone).
    ``unscored`` replaces the style's word for "no score".

    >>> from seeds_tui.core.rubric import Level
    >>> scale = Scale(levels=[Level(value=0, label="Missed", descriptor="d"), Level(value=1, label="Shown", descriptor="d")])
    >>> score_words(scale, Score(value=1)), score_words(scale, Score(value=1), style="short"), score_words(scale, 1, style="sheet")
    ('1 Shown', '1', 'Shown (1 of 1)')
    >>> score_words(scale, Score(code="NA"), style="long"), score_words(scale, None, style="sheet")
    ('NA (not applicable)', 'Not scored')
    """
    if isinstance(score, Score):
        if score.code is not None:
            return _CODE_WORDS[style][score.code]
        value = score.value
    else:
        value = score
    if value is None:
        return _UNSCORED[style] if unscored is None else unscored
    if style == "short":
        return str(value)
    level = scale.level(value) if scale is not None else None
    if style == "sheet":
        assert scale is not None
        label = level.label if level else str(value)
        if scale.min_value in (0, 1):
            return f"{label} ({value} of {scale.max_value})"
        return f"{label} ({value} on a {scale.min_value} to {scale.max_value} scale)"
    return f"{value} {level.label}" if level else str(value)


def rubric_bands(rubric: Rubric) -> tuple[tuple[float, str], ...]:
    """The rubric's percent bands as (lower bound, name) pairs: its own, or the default when it names none."""
    if rubric.bands is None:
        return BANDS
    return tuple((b.lower, b.name) for b in rubric.bands)


def own_bands(rubric: Rubric) -> tuple[tuple[float, str], ...]:
    """The bands one observation is worded by (the feedback sheet, the review step): the rubric's own
    when it names some, else none, and the section is named by its typical level instead
    (``typical_level``). Team tables use ``rubric_bands``, which falls back to the programme bands."""
    return rubric_bands(rubric) if rubric.bands else ()


def band(percent: float | None, *, whole: bool = True, bands: Sequence[tuple[float, str]] | None = None) -> str | None:
    """The percent-of-maximum band name (very high 65%+, high 55-64, moderate 46-54, low 45 or less).

    ``whole=True`` (one observation, shown as a whole percent): the band of the percent as shown,
    so 64.6, shown "65%", is very high. ``whole=False`` (a team mean, shown to a decimal): the band
    of the value itself, so 64.6 is high and only 65.0 and over very high.
    """
    if percent is None or percent != percent:
        return None
    value = round(percent) if whole else percent
    for lower, name in sorted(BANDS if bands is None else bands, reverse=True):
        if value >= lower:
            return name
    return None


def band_ranges(bands: Sequence[tuple[float, str]] = BANDS) -> str:
    """The bands in words, highest first ("very high 65% or more, high 55–64%, ..."); "" when there are none.

    >>> band_ranges()
    'very high 65% or more, high 55–64%, moderate 46–54%, low 45% or less'
    >>> band_ranges([(0.0, "started"), (50.0, "secure")])
    'secure 50% or more, started 0–49%'
    """
    ordered = sorted(bands, reverse=True)
    words = []
    for n, (lower, name) in enumerate(ordered):
        upper = f"{ordered[n - 1][0] - 1:g}" if n else ""
        if lower == float("-inf"):
            words.append(f"{name} {upper}% or less" if upper else name)
        elif not n:
            words.append(f"{name} {lower:g}% or more")
        else:
            words.append(f"{name} {lower:g}–{upper}%")
    return ", ".join(words)


@dataclass
class SectionScore:
    """Progress and result of one section of one observation."""

    section_id: str
    title: str
    total: int = 0
    levels: int = 0
    na: int = 0
    no: int = 0
    points: int = 0
    possible: int = 0
    missing_required: list[str] = field(default_factory=list)
    #: Items whose value is not a level of their scale (a hand-edited file): no points, in no denominator.
    off_scale: int = 0

    @property
    def scored(self) -> int:
        """Items with a level or a code."""
        return self.levels + self.na + self.no

    @property
    def percent(self) -> float | None:
        """Percent of maximum over the items given a level (None when none were)."""
        return percent_of_max(self.points, self.possible)


def section_scores(obs: Observation, rubric: Rubric) -> list[SectionScore]:
    """One ``SectionScore`` per rubric section, in rubric order."""
    results = []
    for section in rubric.sections:
        result = SectionScore(section.id, section.title, total=len(section.items))
        for item in section.items:
            scale = rubric.scale_of(item)
            score = obs.score(section.id, item.id)
            if score is None or not score.is_set:
                if item.required:
                    result.missing_required.append(item.id)
                continue
            if score.code == "NA":
                result.na += 1
            elif score.code == "NO":
                result.no += 1
            elif score.value is not None:
                earned = score_points(score, scale)
                if earned is None:
                    result.off_scale += 1
                    continue
                result.levels += 1
                result.points += earned[0]
                result.possible += earned[1]
        results.append(result)
    return results


def overall_score(scores: list[SectionScore]) -> SectionScore:
    """All sections added together."""
    total = SectionScore("all", "All sections")
    for s in scores:
        total.total += s.total
        total.levels += s.levels
        total.na += s.na
        total.no += s.no
        total.points += s.points
        total.possible += s.possible
        total.off_scale += s.off_scale
        total.missing_required += [f"{s.section_id}.{i}" for i in s.missing_required]
    return total


def typical_level(scale: Scale | None, result: SectionScore) -> str | None:
    """The level a section's skills were scored at on average, in the scale's own words.

    The mean of the levels given (NA, NO and blanks left out, as for the percent), named by the
    nearest level's label; halfway between two levels names both ("Emerging to Competent"). None
    when no item was given a level, or when the section mixes scales (``scale`` None). The feedback
    sheet shows it where a rubric names no bands of its own: skill ratings read in their own words
    rather than in bands made for programme audits.

    >>> from seeds_tui.core.rubric import Level
    >>> scale = Scale(levels=[Level(value=v, label=w) for v, w in enumerate(("Missed", "Emerging", "Competent", "Skilful"))])
    >>> typical_level(scale, SectionScore("s", "S", levels=4, points=8, possible=12))
    'Competent'
    >>> typical_level(scale, SectionScore("s", "S", levels=2, points=3, possible=6))
    'Emerging to Competent'
    """
    if scale is None or result.levels == 0:
        return None
    mean = scale.min_value + result.points / result.levels
    distances = sorted((abs(level.value - mean), level.value, level.label) for level in scale.levels)
    if len(distances) > 1 and abs(distances[0][0] - distances[1][0]) < 1e-9:
        low, high = sorted(distances[:2], key=lambda d: d[1])
        return f"{low[2]} to {high[2]}"
    return distances[0][2]


def section_scale(rubric: Rubric, section_id: str | None = None) -> Scale | None:
    """The one scale every item of a section (or, with None, of the whole rubric) uses; None when they mix scales."""
    sections = rubric.sections if section_id is None else [rubric.section(section_id)]
    names = {item.scale for section in sections for item in section.items}
    return rubric.scales[names.pop()] if len(names) == 1 else None


def indicator_value(rubric: Rubric, indicator_id: str, counters: dict[str, int], globals_: dict[str, int]) -> float | None:
    """A derived indicator for one observation (ratio of counter sums, or mean of globals)."""
    for ind in rubric.indicators:
        if ind.id != indicator_id:
            continue
        if ind.mean_of:
            values = [globals_[g] for g in ind.mean_of if g in globals_]
            return sum(values) / len(values) if values else None
        num = sum(counters.get(c, 0) for c in ind.numerator)
        den = sum(counters.get(c, 0) for c in ind.denominator)
        if den == 0:
            return None
        return 100.0 * num / den if ind.percent else num / den
    raise KeyError(indicator_id)
