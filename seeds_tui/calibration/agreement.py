"""Agreement between two observers who scored the same session (double-scoring).

Plain percentages come first: of the items both observers gave a level, how many got the
same level (exact) and how many were at most one level apart (within one). Items where
either observer chose NA or NO, or left the item unscored, are counted apart and never
enter any figure. Then one chance-corrected coefficient, Krippendorff's alpha with the
ordinal metric, per section and overall, with its usual band in words; and the intraclass
correlation ICC(A,1) on section percent scores. Beside them, whether the two judged each
item's occasion alike ("was the skill called for?"): over every item both scored, the share
where both gave a level, both NA or both NO, and how often a level met NA or NO.
Disagreement is for discussion, not a verdict.

Everything here is pure: observations and a rubric in, figures out.

>>> krippendorff_alpha([[1, 1], [2, 2], [3, 3]])
1.0
>>> alpha_band(0.81), alpha_band(0.7), alpha_band(0.2)
('reliable', 'tentative', 'unreliable')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import Observation, Score
from seeds_tui.core.rubric import Rubric
from seeds_tui.core.scoring import score_words, section_scores

#: Krippendorff (2004, p. 241): rely on data with alpha >= .800; draw only tentative
#: conclusions from .667 to .800; below .667 the data are not reliable enough.
ALPHA_BANDS: tuple[tuple[float, str], ...] = ((0.800, "reliable"), (0.667, "tentative"), (float("-inf"), "unreliable"))
#: How each alpha band reads in a sentence (for screens and reports).
ALPHA_BAND_MEANING: dict[str, str] = {
    "reliable": "agreement good enough to rely on (alpha 0.800 or more)",
    "tentative": "agreement good enough for tentative conclusions only (alpha 0.667 to 0.799)",
    "unreliable": "agreement too low to rely on yet (alpha below 0.667)",
}
#: Koo & Li (2016) bands for the intraclass correlation (lower bound inclusive).
ICC_BANDS: tuple[tuple[float, str], ...] = ((0.9, "excellent"), (0.75, "good"), (0.5, "moderate"), (float("-inf"), "poor"))

#: Every item outcome, in the order a table lists them.
OUTCOMES: tuple[str, ...] = ("exact", "within one", "apart", "same code", "code vs level", "unscored")
#: A short mark per outcome for tables: agree, near, differ, and the cases outside agreement.
OUTCOME_MARKS: dict[str, str] = {
    "exact": "=",
    "within one": "~",
    "apart": "!",
    "same code": "=",
    "code vs level": "?",
    "unscored": "-",
}

METRICS = ("nominal", "ordinal", "interval")


class NotReadyError(SeedsError):
    """The observations cannot be compared yet (a draft): neither observer may see the other's scores."""


@dataclass(frozen=True)
class ItemAgreement:
    """How two observers scored one item.

    ``first`` and ``second`` are the level value as text, "NA", "NO", or "-" when unscored.
    ``difference`` is second minus first in levels of the item's scale, when both gave a level.
    """

    key: str
    section_id: str
    item_id: str
    text: str
    first: str
    second: str
    #: "exact", "within one", "apart" (2+ levels), "same code", "code vs level" (or NA vs NO), "unscored".
    outcome: str
    difference: int | None
    first_evidence: str
    second_evidence: str

    @property
    def mark(self) -> str:
        """A one-character mark for tables (see ``OUTCOME_MARKS``)."""
        return OUTCOME_MARKS[self.outcome]


@dataclass(frozen=True)
class AgreementFigures:
    """Agreement over a set of items: counts, plain percentages, then the coefficient."""

    #: Items both observers gave a level: the base of every figure below.
    compared: int
    #: Items where either observer gave NA/NO or left it unscored (never in agreement).
    excluded: int
    exact_percent: float | None
    within_one_percent: float | None
    #: Krippendorff's alpha, ordinal metric, over the compared items (None when undefined).
    alpha: float | None
    alpha_band: str | None
    #: "Was the skill called for?": items both observers judged (a level, NA or NO; not unscored).
    judged: int = 0
    #: Of those, the share where both judged alike: both gave a level, both NA, or both NO.
    occasion_percent: float | None = None
    #: The disagreements about the occasion: a level against NA (one saw the skill called for,
    #: the other saw no occasion), a level against NO (one could judge, the other could not), NA against NO.
    level_vs_na: int = 0
    level_vs_no: int = 0
    na_vs_no: int = 0

    @property
    def alpha_meaning(self) -> str | None:
        """The alpha band as a sentence a person reads."""
        return ALPHA_BAND_MEANING.get(self.alpha_band or "")


#: The ways two observers can judge an item's occasion differently: the figure's field, its words,
#: and what the difference asks (for the command's longer lines).
OCCASION_DIFFERENCES: tuple[tuple[str, str, str], ...] = (
    ("level_vs_na", "a level against NA", "called for, or not?"),
    ("level_vs_no", "a level against NO", "one could judge, one could not"),
    ("na_vs_no", "NA against NO", ""),
)


@dataclass(frozen=True)
class OccasionAgreement:
    """ "Was the skill called for?" in counts: of ``judged`` items, ``alike`` judged alike, and the
    differences that occurred, as (words, what it asks, count), in the order of ``OCCASION_DIFFERENCES``."""

    judged: int
    alike: int
    differences: tuple[tuple[str, str, int], ...]


def occasion_agreement(figures: AgreementFigures | Mapping[str, object]) -> OccasionAgreement | None:
    """The occasion figures of ``figures`` (the dataclass, or its plain form in a report), or None
    when no item was judged by both. One wording for the app and the command."""

    def number(key: str) -> float:
        value = figures.get(key) if isinstance(figures, Mapping) else getattr(figures, key)
        return float(value) if isinstance(value, int | float) else 0.0

    judged = int(number("judged"))
    if not judged:
        return None
    differences = tuple((words, asks, int(count)) for key, words, asks in OCCASION_DIFFERENCES if (count := number(key)))
    return OccasionAgreement(judged=judged, alike=round(number("occasion_percent") * judged / 100), differences=differences)


@dataclass(frozen=True)
class SectionAgreement:
    """One section: each observer's section percent of maximum and the agreement on its items."""

    id: str
    title: str
    first_percent: float | None
    second_percent: float | None
    figures: AgreementFigures


@dataclass
class Agreement:
    """The comparison of two observations of one session, in rubric order."""

    rubric_id: str
    first_observer: str
    second_observer: str
    items: list[ItemAgreement]
    sections: list[SectionAgreement]
    overall: AgreementFigures
    #: ICC(A,1) on section percent scores (sections as targets, the two observers as raters).
    icc: float | None
    icc_band: str | None
    #: How many section scores (sections both observers scored) the ICC rests on.
    icc_sections: int = 0

    @property
    def for_discussion(self) -> list[ItemAgreement]:
        """What the two observers talk through: items 2+ levels apart (largest gap first),
        then a level against NA/NO, then items one level apart. Agreed and unscored items are left out."""
        apart = sorted((i for i in self.items if i.outcome == "apart"), key=lambda i: -abs(i.difference or 0))
        codes = [i for i in self.items if i.outcome == "code vs level"]
        near = [i for i in self.items if i.outcome == "within one"]
        return apart + codes + near

    @property
    def both_levels(self) -> list[ItemAgreement]:
        """Items both observers gave a level."""
        return [i for i in self.items if i.difference is not None]


# -- checks before comparing -----------------------------------------------------------------


def check_pair(first: Observation, second: Observation) -> list[str]:
    """Warnings a person should see before reading a comparison (never quoting names).

    Raises ``NotReadyError`` if either observation is a draft: both observers must finalise
    before their scores are compared, so neither sees the other's scores before that.
    """
    drafts = [which for which, obs in (("first", first), ("second", second)) if obs.status != "final"]
    if drafts:
        which = " and ".join(drafts)
        raise NotReadyError(
            f"both observers must finalise before their scores are compared (the {which} observation "
            f"{'is a draft' if len(drafts) == 1 else 'are drafts'}); neither sees the other's scores before that"
        )
    warnings: list[str] = []
    if first.id == second.id:
        warnings.append("both files are the same observation (same id); compare the two observers' own files")
    if first.rubric.id != second.rubric.id or first.rubric.version != second.rubric.version:
        warnings.append(
            f"scored with different rubrics ({first.rubric.id} {first.rubric.version} and "
            f"{second.rubric.id} {second.rubric.version}); items are matched by id"
        )
    a, b = first.session, second.session
    if a.session_ref != b.session_ref:  # references are matched ignoring case, as in the store
        if a.session_ref is None or b.session_ref is None:
            warnings.append("only one of the two has a session reference; double-scored observations share one")
        elif a.session_ref.casefold() != b.session_ref.casefold():
            warnings.append("the session references differ: these may not be two observations of one session")
    differ = [
        what
        for what, x, y in (
            ("session date", a.date, b.date),
            ("practitioner", a.practitioner, b.practitioner),
            ("team", a.team, b.team),
        )
        if x != y
    ]
    if differ:
        verb = "differs" if len(differ) == 1 else "differ"
        warnings.append(f"the {' and '.join(differ)} {verb}: these may not be two observations of one session")
    if a.observer == b.observer and first.id != second.id:
        warnings.append("both files name the same observer; agreement is between two observers")
    for which, obs in (("first", first), ("second", second)):
        if obs.consensus is not None:
            warnings.append(f"the {which} file is a consensus record, not one observer's own scores")
        elif obs.session.purpose != "calibration":
            warnings.append(f"the {which} observation's purpose is not calibration")
    return warnings


# -- comparing -------------------------------------------------------------------------------


def _outcome(a: Score | None, b: Score | None, step: int | None) -> str:
    if step is not None:
        return "exact" if step == 0 else "within one" if abs(step) == 1 else "apart"
    if a is None or b is None or not a.is_set or not b.is_set:
        return "unscored"
    if a.code is not None and a.code == b.code:
        return "same code"
    return "code vs level"


def occasion(score: str) -> str | None:
    """What an observer judged about an item's occasion: "level" (the skill was called for and
    rated), "NA" (no occasion), "NO" (could not judge), or None when unscored ("-")."""
    if score == "-":
        return None
    return score if score in ("NA", "NO") else "level"


def figures(items: Sequence[ItemAgreement], values: list[int] | None = None) -> AgreementFigures:
    """Counts, percentages and alpha over ``items``; ``values`` is the ordered scale (see ``krippendorff_alpha``).

    Beside agreement on levels, whether both observers judged the occasion alike (a level from
    both, NA from both, NO from both) over every item both scored, so that "a 2 against NA"
    is counted as the disagreement it is rather than left out.
    """
    both = [i for i in items if i.difference is not None]
    n = len(both)
    units: list[list[int | None]] = [[int(i.first), int(i.second)] for i in both]
    alpha = krippendorff_alpha(units, "ordinal", values) if n else None
    pairs = [(occasion(i.first), occasion(i.second)) for i in items]
    judged = [frozenset(p) for p in pairs if None not in p]
    return AgreementFigures(
        compared=n,
        excluded=len(items) - n,
        exact_percent=100.0 * sum(i.difference == 0 for i in both) / n if n else None,
        within_one_percent=100.0 * sum(abs(i.difference or 0) <= 1 for i in both) / n if n else None,
        alpha=alpha,
        alpha_band=alpha_band(alpha),
        judged=len(judged),
        occasion_percent=100.0 * sum(len(p) == 1 for p in judged) / len(judged) if judged else None,
        level_vs_na=judged.count(frozenset({"level", "NA"})),
        level_vs_no=judged.count(frozenset({"level", "NO"})),
        na_vs_no=judged.count(frozenset({"NA", "NO"})),
    )


def scale_values(rubric: Rubric) -> list[int]:
    """Every level value the rubric's items can take, lowest first (the ordinal scale for alpha)."""
    return sorted({level.value for section in rubric.sections for item in section.items for level in rubric.scale_of(item).levels})


def compare(first: Observation, second: Observation, rubric: Rubric) -> Agreement:
    """Compare two observations scored against ``rubric`` (items matched by section and item id).

    Does not check drafts or sessions: call ``check_pair`` first and show its warnings.
    """
    items: list[ItemAgreement] = []
    sections: list[SectionAgreement] = []
    values = scale_values(rubric)
    ours, theirs = section_scores(first, rubric), section_scores(second, rubric)
    for section, mine, other in zip(rubric.sections, ours, theirs, strict=True):
        in_section: list[ItemAgreement] = []
        for item in section.items:
            a, b = first.score(section.id, item.id), second.score(section.id, item.id)
            positions = [level.value for level in rubric.scale_of(item).levels]
            step = None
            if a is not None and b is not None and a.value in positions and b.value in positions:
                step = positions.index(b.value) - positions.index(a.value)  # type: ignore[arg-type]
            in_section.append(
                ItemAgreement(
                    key=f"{section.id}.{item.id}",
                    section_id=section.id,
                    item_id=item.id,
                    text=item.text,
                    first=score_words(None, a, style="short", unscored="-"),
                    second=score_words(None, b, style="short", unscored="-"),
                    outcome=_outcome(a, b, step),
                    difference=step,
                    first_evidence=a.evidence if a is not None else "",
                    second_evidence=b.evidence if b is not None else "",
                )
            )
        items += in_section
        sections.append(SectionAgreement(section.id, section.title, mine.percent, other.percent, figures(in_section, values)))
    rows = [(s.first_percent, s.second_percent) for s in sections if s.first_percent is not None and s.second_percent is not None]
    icc = icc_absolute_agreement(rows)  # type: ignore[arg-type]
    return Agreement(
        rubric_id=rubric.id,
        first_observer=first.session.observer,
        second_observer=second.session.observer,
        items=items,
        sections=sections,
        overall=figures(items, values),
        icc=icc,
        icc_band=icc_band(icc),
        icc_sections=len(rows),
    )


# -- the coefficients ------------------------------------------------------------------------


def alpha_band(alpha: float | None) -> str | None:
    """Krippendorff's (2004) reading of alpha: "reliable", "tentative" or "unreliable"."""
    if alpha is None:
        return None
    return next(name for lower, name in ALPHA_BANDS if round(alpha, 3) >= lower)


def icc_band(icc: float | None) -> str | None:
    """Koo & Li's (2016) name for an ICC: "excellent", "good", "moderate" or "poor" (read to two decimals)."""
    if icc is None:
        return None
    return next(name for lower, name in ICC_BANDS if round(icc, 2) >= lower)


def krippendorff_alpha(units: list[list[int | None]], metric: str = "ordinal", values: list[int] | None = None) -> float | None:
    """Krippendorff's alpha for any number of observers, with missing values (None).

    ``units`` holds one list per unit (item), one value per observer. Follows Krippendorff
    (2011), "Computing Krippendorff's Alpha-Reliability": a coincidence matrix over the units
    with at least two values, then alpha = 1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck).
    ``metric`` is "nominal", "ordinal" (distances from the marginal counts of the values
    between two levels) or "interval" (squared difference). ``values`` is the scale's full,
    ordered level set: it fixes the order of the ranks and rejects values off the scale (a level
    nobody used has a marginal count of 0 and so, by the definition, does not change alpha).

    Undefined (None) when fewer than two values are pairable or every value is the same.

    >>> krippendorff_alpha([[1, 2], [2, 2], [3, 3], [3, 2]], "interval")
    0.5
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}")
    pairable = [[v for v in unit if v is not None] for unit in units]
    pairable = [unit for unit in pairable if len(unit) >= 2]
    if values is None:
        order = sorted({v for unit in pairable for v in unit})
    else:
        order = list(values)
        stray = {v for unit in pairable for v in unit} - set(order)
        if stray:
            raise ValueError(f"values {sorted(stray)} are not among the given scale values")
    rank = {v: r for r, v in enumerate(order)}
    size = len(order)
    # Coincidences: each ordered pair of values within a unit, weighted 1 / (m_u - 1).
    coincidence = [[0.0] * size for _ in range(size)]
    for unit in pairable:
        weight = 1.0 / (len(unit) - 1)
        for i, c in enumerate(unit):
            for j, k in enumerate(unit):
                if i != j:
                    coincidence[rank[c]][rank[k]] += weight
    marginal = [sum(row) for row in coincidence]
    n = sum(marginal)
    if n < 2:
        return None

    def delta(c: int, k: int) -> float:
        if metric == "nominal":
            return 0.0 if c == k else 1.0
        if metric == "interval":
            return float(order[c] - order[k]) ** 2
        lo, hi = min(c, k), max(c, k)
        return (sum(marginal[lo : hi + 1]) - (marginal[lo] + marginal[hi]) / 2) ** 2

    observed = sum(coincidence[c][k] * delta(c, k) for c in range(size) for k in range(size) if coincidence[c][k])
    expected = sum(marginal[c] * marginal[k] * delta(c, k) for c in range(size) for k in range(size) if marginal[c] and marginal[k])
    if expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected


def _targets(rows: Sequence[Sequence[float]]) -> tuple[int, int, float, list[float]] | None:
    """Targets, raters, grand mean and row means of an ICC table; None unless >= 2 full rows of >= 2 ratings."""
    n = len(rows)
    if n < 2:
        return None
    k = len(rows[0])
    if k < 2 or any(len(row) != k for row in rows):
        return None
    grand = sum(sum(row) for row in rows) / (n * k)
    return n, k, grand, [sum(row) / k for row in rows]


def icc_absolute_agreement(rows: Sequence[Sequence[float]]) -> float | None:
    """ICC(A,1): two-way random effects, absolute agreement, single rater (McGraw & Wong 1996;
    Shrout & Fleiss's ICC(2,1)). One row per target, one column per rater (k >= 2, no gaps).

    Undefined (None) with fewer than two targets, rows of unequal length, or no variation at all.

    >>> round(icc_absolute_agreement([(60.0, 62.0), (40.0, 45.0), (80.0, 78.0), (55.0, 50.0)]), 3)
    0.97
    """
    shape = _targets(rows)
    if shape is None:
        return None
    n, k, grand, row_means = shape
    col_means = [sum(row[j] for row in rows) / n for j in range(k)]
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_total = sum((x - grand) ** 2 for row in rows for x in row)
    ss_error = ss_total - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_error / ((n - 1) * (k - 1))
    denominator = msr + (k - 1) * mse + k * (msc - mse) / n
    if denominator <= 1e-12:
        return None
    return _exact((msr - mse) / denominator, msr, mse)


def icc_one_way(rows: Sequence[Sequence[float]]) -> float | None:
    """ICC(1,1): one-way random effects, single rater (Shrout & Fleiss 1979, case 1).

    The form to use when each target is rated by a different set of raters, as across many
    double-scored sessions where the observer pairs change. One row per target, k >= 2 ratings each.

    >>> round(icc_one_way([(60.0, 62.0), (40.0, 45.0), (80.0, 78.0), (55.0, 50.0)]), 3)
    0.97
    """
    shape = _targets(rows)
    if shape is None:
        return None
    n, k, grand, row_means = shape
    ss_between = k * sum((m - grand) ** 2 for m in row_means)
    ss_within = sum((x - m) ** 2 for row, m in zip(rows, row_means, strict=True) for x in row)
    msb = ss_between / (n - 1)
    msw = ss_within / (n * (k - 1))
    denominator = msb + (k - 1) * msw
    if denominator <= 1e-12:
        return None
    return _exact((msb - msw) / denominator, msb, msw)


def _exact(icc: float, between: float, within: float) -> float:
    """The ICC without floating-point dust: an exact 0 when the two mean squares are equal but for
    rounding (it printed as 2.66e-15), and no digits beyond the twelfth.

    >>> from seeds_tui.calibration.agreement import icc_absolute_agreement
    >>> icc_absolute_agreement([(0.0, 0.0), (0.0, 100 / 3)])  # 2.05e-16 before
    0.0
    """
    if abs(between - within) <= 1e-9 * max(abs(between), abs(within), 1.0):
        return 0.0
    return round(icc, 12) + 0.0
