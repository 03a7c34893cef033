"""Agreement between two observers who scored the same session (double-scoring).

Plain percentages first (exact and within-one agreement per item), then one coefficient
on section scores with its usual band named. Item-level disagreement is for discussion,
not a verdict.

>>> pairs = [(2, 2), (1, 2), (3, 1)]
>>> sum(a == b for a, b in pairs), sum(abs(a - b) <= 1 for a, b in pairs)
(1, 2)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from seeds_tui.observation import Observation, Score
from seeds_tui.rubric import Rubric
from seeds_tui.scoring import section_scores

#: Koo & Li (2016) bands for the intraclass correlation.
ICC_BANDS: tuple[tuple[float, str], ...] = ((0.9, "excellent"), (0.75, "good"), (0.5, "moderate"), (float("-inf"), "poor"))


@dataclass(frozen=True)
class ItemAgreement:
    """How two observers scored one item."""

    key: str
    text: str
    first: str
    second: str
    #: "exact", "within one", "apart", "same code", "code vs level", or "unscored".
    outcome: str
    difference: int | None = None


@dataclass
class Agreement:
    """The comparison of two observations of one session."""

    rubric_id: str
    items: list[ItemAgreement] = field(default_factory=list)
    sections: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    icc: float | None = None

    @property
    def both_levels(self) -> list[ItemAgreement]:
        """Items both observers gave a level."""
        return [i for i in self.items if i.difference is not None]

    @property
    def exact_percent(self) -> float | None:
        """Share of items given a level by both on which they chose the same level."""
        both = self.both_levels
        return 100.0 * sum(i.difference == 0 for i in both) / len(both) if both else None

    @property
    def within_one_percent(self) -> float | None:
        """Share of items given a level by both that are at most one level apart."""
        both = self.both_levels
        return 100.0 * sum(abs(i.difference or 0) <= 1 for i in both) / len(both) if both else None

    @property
    def icc_band(self) -> str | None:
        """The usual name for the coefficient's size."""
        if self.icc is None:
            return None
        return next(name for lower, name in ICC_BANDS if self.icc >= lower)


def _describe(score: Score | None) -> str:
    if score is None or not score.is_set:
        return "-"
    return score.code if score.code else str(score.value)


def compare(first: Observation, second: Observation, rubric: Rubric) -> Agreement:
    """Compare two observations scored against the same rubric (matched by item id)."""
    result = Agreement(rubric.id)
    for section in rubric.sections:
        for item in section.items:
            a, b = first.score(section.id, item.id), second.score(section.id, item.id)
            key = f"{section.id}.{item.id}"
            da, db = _describe(a), _describe(b)
            if a is not None and b is not None and a.value is not None and b.value is not None:
                diff = b.value - a.value
                outcome = "exact" if diff == 0 else "within one" if abs(diff) <= 1 else "apart"
                result.items.append(ItemAgreement(key, item.text, da, db, outcome, diff))
            elif a is not None and b is not None and a.code and a.code == b.code:
                result.items.append(ItemAgreement(key, item.text, da, db, "same code"))
            elif da == "-" or db == "-":
                result.items.append(ItemAgreement(key, item.text, da, db, "unscored"))
            else:
                result.items.append(ItemAgreement(key, item.text, da, db, "code vs level"))
    ours, theirs = section_scores(first, rubric), section_scores(second, rubric)
    result.sections = [(a.title, a.percent, b.percent) for a, b in zip(ours, theirs, strict=True)]
    pairs = [(a, b) for _, a, b in result.sections if a is not None and b is not None]
    result.icc = icc_absolute_agreement(pairs)
    return result


def icc_absolute_agreement(pairs: list[tuple[float, float]]) -> float | None:
    """ICC(A,1): two-way random effects, absolute agreement, single rater (McGraw & Wong).

    Undefined (None) with fewer than two targets or no variation at all.

    >>> round(icc_absolute_agreement([(60.0, 62.0), (40.0, 45.0), (80.0, 78.0), (55.0, 50.0)]), 3)
    0.97
    """
    n, k = len(pairs), 2
    if n < 2:
        return None
    grand = sum(a + b for a, b in pairs) / (n * k)
    row_means = [(a + b) / 2 for a, b in pairs]
    col_means = [sum(a for a, _ in pairs) / n, sum(b for _, b in pairs) / n]
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_total = sum((x - grand) ** 2 for pair in pairs for x in pair)
    ss_error = ss_total - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_error / ((n - 1) * (k - 1))
    denominator = msr + (k - 1) * mse + k * (msc - mse) / n
    if denominator <= 0:
        return None
    return (msr - mse) / denominator
