"""The scoring rules (seeds_tui.core.scoring) against hand-computed examples on a small rubric."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers_core import draft, small_rubric

from seeds_tui.core.observation import Observation, Score
from seeds_tui.core.rubric import Rubric
from seeds_tui.core.scoring import band, indicator_value, item_points, overall_score, percent_of_max, possible_points, section_scores


@pytest.fixture
def rubric(tmp_path: Path) -> Rubric:
    """The small rubric: quality 0-3 items (structure: agenda, review optional; relationship: empathy)."""
    return small_rubric(tmp_path)


def scored_with(**items: Score) -> Observation:
    """A draft with the given ``section__item`` scores."""
    scores: dict[str, dict[str, Score]] = {}
    for key, score in items.items():
        section, item = key.split("__")
        scores.setdefault(section, {})[item] = score
    return draft().model_copy(update={"scores": scores})


def by_id(obs: Observation, rubric: Rubric) -> dict:
    """Section scores keyed by section id."""
    return {s.section_id: s for s in section_scores(obs, rubric)}


def test_levels_points_and_percent(rubric: Rubric) -> None:
    """agenda 2/3, empathy 3/3: structure 66.7 %, relationship 100 %, overall 5/6 = 83.3 %."""
    obs = scored_with(structure__agenda=Score(value=2), structure__review=Score(code="NA"), relationship__empathy=Score(value=3))
    sections = by_id(obs, rubric)
    structure = sections["structure"]
    assert (structure.total, structure.levels, structure.na, structure.no, structure.scored) == (2, 1, 1, 0, 2)
    assert (structure.points, structure.possible) == (2, 3)
    assert structure.percent == pytest.approx(200 / 3)
    assert sections["relationship"].percent == 100.0
    overall = overall_score(list(sections.values()))
    assert (overall.points, overall.possible, overall.na) == (5, 6, 1)
    assert overall.percent == pytest.approx(500 / 6)
    assert overall.missing_required == []


def test_na_and_no_leave_the_denominator(rubric: Rubric) -> None:
    """NO on agenda, 1 on review: 1 point of 3 possible, not of 6."""
    obs = scored_with(structure__agenda=Score(code="NO"), structure__review=Score(value=1))
    structure = by_id(obs, rubric)["structure"]
    assert (structure.points, structure.possible, structure.no, structure.levels) == (1, 3, 1, 1)
    assert structure.percent == pytest.approx(100 / 3)


def test_lowest_level_counts_as_zero_in_the_denominator(rubric: Rubric) -> None:
    """Two missed opportunities: 0 %, not undefined; a missed opportunity is a score."""
    obs = scored_with(structure__agenda=Score(value=0), structure__review=Score(value=0))
    structure = by_id(obs, rubric)["structure"]
    assert (structure.points, structure.possible) == (0, 6)
    assert structure.percent == 0.0
    assert band(structure.percent) == "low"


def test_only_codes_give_no_percent(rubric: Rubric) -> None:
    """A section with only NA/NO has no percent (None), and no band."""
    obs = scored_with(structure__agenda=Score(code="NA"), structure__review=Score(code="NO"))
    structure = by_id(obs, rubric)["structure"]
    assert structure.percent is None
    assert band(structure.percent) is None


def test_missing_required_and_evidence_only_scores(rubric: Rubric) -> None:
    """Evidence without a level is not a score; unscored required items are listed."""
    obs = scored_with(structure__agenda=Score(evidence="wrote this first"))
    sections = by_id(obs, rubric)
    assert sections["structure"].missing_required == ["agenda"]
    assert sections["structure"].scored == 0
    assert sections["relationship"].missing_required == ["empathy"]
    assert overall_score(list(sections.values())).missing_required == ["structure.agenda", "relationship.empathy"]


def test_scale_not_starting_at_zero(rubric: Rubric) -> None:
    """On a 1-5 scale the lowest level (1) is 0 points and 4 points are possible."""
    scale = rubric.scales["global5"]
    assert possible_points(scale) == 4
    assert item_points(1, scale.min_value) == 0
    assert percent_of_max(item_points(3, scale.min_value), possible_points(scale)) == 50.0


@pytest.mark.parametrize(
    ("percent", "name"),
    [
        (0, "low"),
        (45, "low"),
        (45.4, "low"),
        (45.5, "moderate"),
        (46, "moderate"),
        (54, "moderate"),
        (54.5, "moderate"),
        (55, "high"),
        (64, "high"),
        (64.49, "high"),
        (64.51, "very high"),
        (55.5, "high"),
        (64.5, "high"),
        (65, "very high"),
        (100, "very high"),
        (None, None),
        (math.nan, None),
    ],
)
def test_bands_at_the_edges(percent: float | None, name: str | None) -> None:
    """very high 65+, high 55-64, moderate 46-54, low 45 or less; rounded as the percent is shown."""
    assert band(percent) == name


def test_band_agrees_with_the_whole_percent_shown() -> None:
    """Screens and reports show ``f"{p:.0f}%"``; the band always matches the number shown."""
    for tenth in range(0, 1001):
        for percent in (tenth / 10, tenth / 10 + 0.05, 100 * tenth / 997):
            shown = float(f"{percent:.0f}")
            assert band(percent) == band(shown), percent


def test_percent_of_max_scalars() -> None:
    """Plain numbers and numpy scalars (a column's sum) give floats; nothing possible gives None."""
    assert percent_of_max(1, 4) == 25.0
    assert percent_of_max(0, 0) is None
    assert percent_of_max(np.int64(3), np.int64(6)) == 50.0
    assert percent_of_max(np.float64(1.5), np.float64(0.0)) is None


def test_percent_of_max_on_a_series() -> None:
    """The same rule on pandas Series: a zero denominator becomes NaN, not inf."""
    points = pd.Series([2, 0, 3, 0], name="points")
    possible = pd.Series([3, 0, 6, 6], name="possible")
    result = percent_of_max(points, possible)
    expected = pd.Series([200 / 3, math.nan, 50.0, 0.0])
    pd.testing.assert_series_equal(result.reset_index(drop=True), expected, check_names=False)
    bands = result.map(band)
    assert [None if pd.isna(b) else b for b in bands] == ["very high", None, "moderate", "low"]


def test_percent_of_max_on_a_dataframe_groupby() -> None:
    """Team tables sum points and possible per section, then apply the one rule."""
    frame = pd.DataFrame({"section": ["a", "a", "b"], "points": [1, 2, 0], "possible": [3, 3, 3]})
    sums = frame.groupby("section")[["points", "possible"]].sum()
    assert percent_of_max(sums["points"], sums["possible"]).to_dict() == {"a": 50.0, "b": 0.0}


def test_indicator_ratio_percent_and_mean(rubric: Rubric) -> None:
    """Ratio of counter sums, the same as a percent, and the mean of globals."""
    counters = {"question": 5, "reflection": 3}
    assert indicator_value(rubric, "reflection_ratio", counters, {}) == pytest.approx(0.6)
    assert indicator_value(rubric, "reflection_share", counters, {}) == pytest.approx(60.0)
    assert indicator_value(rubric, "reflection_ratio", {"reflection": 3}, {}) is None
    assert indicator_value(rubric, "reflection_ratio", {"question": 4}, {}) == 0.0
    assert indicator_value(rubric, "relational", {}, {"partnership": 4, "empathy_global": 5}) == 4.5
    assert indicator_value(rubric, "relational", {}, {"partnership": 4}) == 4.0
    assert indicator_value(rubric, "relational", {}, {}) is None
    with pytest.raises(KeyError):
        indicator_value(rubric, "nope", {}, {})
