"""The scoring rules, in one place for the app, the report, the summaries and the export.

* An item's points are its level value minus the scale's lowest value, so the lowest
  level (a missed opportunity) scores 0 and counts in the denominator.
* NA (not applicable) and NO (not observed) leave both numerator and denominator.
* Percent of maximum = 100 * sum of points / sum of possible points, over the items
  that were given a level. With no such item it is undefined (None / NaN).

``percent_of_max`` works on plain numbers and, unchanged, on pandas Series, so team tables use the very same rule as the scoring screen.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any, TypeVar

from seeds_tui.core.observation import Observation
from seeds_tui.core.rubric import Rubric, Scale

N = TypeVar("N")

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


def percent_of_max(points: Any, possible: Any) -> Any:
    """100 * points / possible. Scalars give None when nothing was possible; arrays give NaN."""
    if isinstance(possible, numbers.Number):  # int, float and numpy scalars (e.g. a column's sum)
        return None if possible == 0 else 100.0 * points / possible
    # pandas Series: a zero denominator becomes NaN rather than inf.
    return 100.0 * points / possible.where(possible != 0)


def band(percent: float | None) -> str | None:
    """The percent-of-maximum band name (very high 65%+, high 55-64, moderate 46-54, low 45 or less)."""
    if percent is None or percent != percent:
        return None
    for lower, name in BANDS:
        # Bands are whole-percent ranges; 64.6 rounds into "very high" as a reader would expect.
        if round(percent) >= lower:
            return name
    return "low"


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
                result.levels += 1
                result.points += item_points(score.value, scale.min_value)
                result.possible += possible_points(scale)
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
        total.missing_required += [f"{s.section_id}.{i}" for i in s.missing_required]
    return total


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
