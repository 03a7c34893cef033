"""Agreement between two observers: the coefficients against published worked examples, and
hand-made pairs of observations whose answers can be worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from seeds_tui.calibration.agreement import (
    Agreement,
    NotReadyError,
    alpha_band,
    check_pair,
    compare,
    icc_absolute_agreement,
    icc_band,
    icc_one_way,
    krippendorff_alpha,
)
from seeds_tui.core.observation import Observation, RubricRef, Score, Session, new_observation, now
from seeds_tui.core.rubric import Rubric, RubricRegistry

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers
# (A-D) by 12 units with missing values (None). Published: nominal .743, ordinal .815, interval .849.
# (Also the example of Krippendorff's "Content Analysis", and of the `krippendorff` package's tests.)
_ = None
PAPER = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    "C": [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
}
PAPER_UNITS = [list(unit) for unit in zip(*PAPER.values(), strict=True)]

# Shrout & Fleiss (1979), Psychological Bulletin 86(2), 420-428: 6 targets rated by 4 judges.
# Published: ICC(1,1) = .17, ICC(2,1) = .29 (mean squares BMS 11.24, JMS 32.49, EMS 1.02).
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


@pytest.mark.parametrize(("metric", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_alpha_matches_krippendorffs_worked_example(metric: str, published: float) -> None:
    assert round(krippendorff_alpha(PAPER_UNITS, metric), 3) == published


def test_alpha_matches_the_three_coder_example_with_many_gaps() -> None:
    # The 3 coders x 15 units example (Wikipedia's computational example): nominal .691, interval .811.
    units = [
        [_, 1, _],
        [_, _, _],
        [_, 2, 2],
        [_, 1, 1],
        [_, 3, 3],
        [3, 3, 4],
        [4, 4, 4],
        [1, 3, _],
        [2, _, 2],
        [1, _, 1],
        [1, _, 1],
        [3, _, 3],
        [3, _, 3],
        [_, _, _],
        [3, _, 4],
    ]
    assert round(krippendorff_alpha(units, "nominal"), 3) == 0.691
    assert round(krippendorff_alpha(units, "interval"), 3) == 0.811


def test_unused_scale_levels_do_not_change_ordinal_alpha_but_off_scale_values_are_refused() -> None:
    assert krippendorff_alpha(PAPER_UNITS, "ordinal", [0, 1, 2, 3, 4, 5, 6]) == pytest.approx(krippendorff_alpha(PAPER_UNITS))
    with pytest.raises(ValueError, match="not among the given scale values"):
        krippendorff_alpha(PAPER_UNITS, "ordinal", [1, 2, 3, 4])


def test_alpha_is_undefined_without_variation_or_pairs() -> None:
    assert krippendorff_alpha([[2, 2], [2, 2], [2, 2]]) is None  # every value the same: 0/0
    assert krippendorff_alpha([[1, None], [None, 3]]) is None  # no unit with two values
    assert krippendorff_alpha([]) is None
    assert krippendorff_alpha([[0, 0], [1, 1], [3, 3]]) == 1.0


def test_alpha_of_two_observers_always_two_levels_apart_is_below_zero() -> None:
    # N units, each (0, 2): o(0,2) = o(2,0) = N, n0 = n2 = N, so alpha = 1 - (2N - 1) * 2N / (2N * N) = (1 - N) / N.
    n = 8
    assert krippendorff_alpha([[0, 2]] * n) == pytest.approx((1 - n) / n)
    assert alpha_band(krippendorff_alpha([[0, 2]] * n)) == "unreliable"


def test_alpha_bands_follow_krippendorff_2004() -> None:
    # Read to three decimals, as alpha is reported: 0.7996 shows as 0.800.
    assert [alpha_band(a) for a in (1.0, 0.8, 0.7996, 0.7994, 0.667, 0.6664, 0.0, -0.5, None)] == [
        "reliable",
        "reliable",
        "reliable",
        "tentative",
        "tentative",
        "unreliable",
        "unreliable",
        "unreliable",
        None,
    ]


def test_icc_matches_shrout_and_fleiss() -> None:
    assert round(icc_absolute_agreement(SHROUT_FLEISS), 2) == 0.29
    assert round(icc_one_way(SHROUT_FLEISS), 2) == 0.17


def test_icc_on_two_raters_and_undefined_cases() -> None:
    assert icc_absolute_agreement([(10.0, 10.0), (50.0, 50.0), (90.0, 90.0)]) == pytest.approx(1.0)
    assert icc_one_way([(10.0, 10.0), (50.0, 50.0)]) == pytest.approx(1.0)
    assert icc_absolute_agreement([(50.0, 50.0)]) is None  # one target
    assert icc_absolute_agreement([(50.0, 50.0), (50.0, 50.0)]) is None  # no variation at all
    assert icc_absolute_agreement([(1.0, 2.0), (3.0,)]) is None  # ragged
    # A constant offset between raters lowers absolute agreement, not the one-way form's rows' order.
    shifted = [(x, x + 20.0) for x in (10.0, 30.0, 50.0, 70.0)]
    assert icc_absolute_agreement(shifted) < 0.9
    # Read to two decimals, as the ICC is shown: 0.7496 shows as 0.75.
    assert [icc_band(v) for v in (0.95, 0.8, 0.7496, 0.7449, 0.6, 0.2, None)] == [
        "excellent",
        "good",
        "good",
        "moderate",
        "moderate",
        "poor",
        None,
    ]


# -- hand-made pairs of observations ---------------------------------------------------------------


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return RubricRegistry.default().get("seed-one-to-one").rubric


def _obs(
    rubric: Rubric, observer: str, values: dict[str, int | str | None], default: int | str | None = 1, status: str = "final"
) -> Observation:
    """An observation of the shared test session; ``values`` per ``section.item``, the rest ``default``.
    A value None leaves the item unscored; "NA"/"NO" give the code."""
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256="0" * 64),
        session=Session(
            date=date(2026, 9, 1),
            observer=observer,
            practitioner="Pat Practitioner",
            team="West",
            purpose="calibration",
            session_ref="CAL-TEST-1",
        ),
    )
    for section in rubric.sections:
        for item in section.items:
            v = values.get(f"{section.id}.{item.id}", default)
            if v is None:
                continue
            score = Score(code=v) if isinstance(v, str) else Score(value=v)
            obs.scores.setdefault(section.id, {})[item.id] = score
    if status == "final":
        stamp = now()
        obs = obs.model_copy(update={"status": "final", "finalised": stamp})
    return obs


def _varied(rubric: Rubric) -> dict[str, int | str | None]:
    """Every level 0-3 in turn, so alpha is defined."""
    return {key: pos % 4 for pos, key in enumerate(rubric.item_keys)}


def test_all_agree(rubric: Rubric) -> None:
    values = _varied(rubric)
    result = compare(_obs(rubric, "Ann Observer", values), _obs(rubric, "Bo Observer", values), rubric)
    n = len(rubric.item_keys)
    assert isinstance(result, Agreement)
    assert {i.outcome for i in result.items} == {"exact"}
    assert result.overall.compared == n and result.overall.excluded == 0
    assert result.overall.exact_percent == 100.0 and result.overall.within_one_percent == 100.0
    assert result.overall.alpha == 1.0 and result.overall.alpha_band == "reliable"
    assert result.icc == pytest.approx(1.0) and result.icc_band == "excellent"
    assert result.for_discussion == []
    assert [s.id for s in result.sections] == [s.id for s in rubric.sections]
    assert sum(s.figures.compared for s in result.sections) == n


def test_all_agree_on_one_level_gives_full_agreement_but_no_alpha(rubric: Rubric) -> None:
    result = compare(_obs(rubric, "Ann Observer", {}, default=2), _obs(rubric, "Bo Observer", {}, default=2), rubric)
    assert result.overall.exact_percent == 100.0
    assert result.overall.alpha is None and result.overall.alpha_band is None  # no variation: alpha undefined


def test_all_differ(rubric: Rubric) -> None:
    n = len(rubric.item_keys)
    result = compare(_obs(rubric, "Ann Observer", {}, default=0), _obs(rubric, "Bo Observer", {}, default=2), rubric)
    assert {i.outcome for i in result.items} == {"apart"}
    assert {i.difference for i in result.items} == {2}
    assert result.overall.exact_percent == 0.0 and result.overall.within_one_percent == 0.0
    assert result.overall.alpha == pytest.approx((1 - n) / n)
    assert result.overall.alpha_band == "unreliable"
    assert len(result.for_discussion) == n
    for s in result.sections:
        assert (s.first_percent, s.second_percent) == (0.0, pytest.approx(200 / 3))


def test_na_and_no_items_are_excluded_and_counted_apart(rubric: Rubric) -> None:
    first = _obs(
        rubric,
        "Ann Observer",
        {
            "beginning.review": "NA",
            "role.confidentiality": "NO",
            "rnr.barriers": 3,
            "change.cognitive": "NA",
            "ending.task": 2,
            "ending.summary": 3,
        },
    )
    second = _obs(
        rubric,
        "Bo Observer",
        {
            "beginning.review": "NA",
            "role.confidentiality": 2,
            "rnr.barriers": "NO",
            "change.cognitive": "NO",
            "ending.task": 0,
            "ending.summary": 2,
        },
    )
    result = compare(first, second, rubric)
    outcome = {i.key: i.outcome for i in result.items}
    assert outcome["beginning.review"] == "same code"
    assert outcome["role.confidentiality"] == outcome["rnr.barriers"] == outcome["change.cognitive"] == "code vs level"
    assert outcome["ending.task"] == "apart" and outcome["ending.summary"] == "within one"
    n = len(rubric.item_keys)
    compared = n - 4
    assert result.overall.excluded == 4 and result.overall.compared == compared
    # Of the compared items all but two are exact (both 1); one is one level apart, one two.
    assert result.overall.exact_percent == pytest.approx(100 * (compared - 2) / compared)
    assert result.overall.within_one_percent == pytest.approx(100 * (compared - 1) / compared)
    by_key = {i.key: i for i in result.items}
    assert (by_key["role.confidentiality"].first, by_key["role.confidentiality"].second) == ("NO", "2")
    assert by_key["role.confidentiality"].difference is None
    assert by_key["ending.task"].difference == -2
    # Sections: the beginning lost one item (NA on both), the ending lost none.
    sections = {s.id: s.figures for s in result.sections}
    assert sections["beginning"].excluded == 1 and sections["ending"].excluded == 0
    assert sections["ending"].exact_percent == pytest.approx(100 * 2 / 4)
    assert [i.key for i in result.for_discussion] == [
        "ending.task",
        "role.confidentiality",
        "rnr.barriers",
        "change.cognitive",
        "ending.summary",
    ]


def test_whether_the_skill_was_called_for_is_agreement_too(rubric: Rubric) -> None:
    """A level against NA is the calibration question "was the skill called for?": counted, not dropped."""
    n = len(rubric.item_keys)
    first = _obs(
        rubric,
        "Ann Observer",
        {
            "beginning.review": "NA",
            "change.motivation": 2,
            "change.problem_solving": 1,
            "role.authority": "NO",
            "rnr.barriers": "NA",
            "ending.task": None,
        },
    )
    second = _obs(
        rubric,
        "Bo Observer",
        {"beginning.review": "NA", "change.motivation": "NA", "change.problem_solving": "NA", "role.authority": 2, "rnr.barriers": "NO"},
    )
    result = compare(first, second, rubric)
    overall = result.overall
    # Every item but ending.task (unscored by the first) was judged by both.
    assert overall.judged == n - 1
    # Alike: every item both gave a level (n - 6 of them) and beginning.review (NA from both).
    assert overall.occasion_percent == pytest.approx(100 * (n - 5) / (n - 1))
    assert (overall.level_vs_na, overall.level_vs_no, overall.na_vs_no) == (2, 1, 1)
    sections = {s.id: s.figures for s in result.sections}
    assert (sections["change"].judged, sections["change"].level_vs_na, sections["change"].occasion_percent) == (
        len(rubric.section("change").items),
        2,
        pytest.approx(100 * (len(rubric.section("change").items) - 2) / len(rubric.section("change").items)),
    )
    # Agreement on levels is unchanged by it: those items stay out of exact and alpha.
    assert overall.compared == n - 6


def test_no_item_judged_by_both_gives_no_occasion_figure(rubric: Rubric) -> None:
    result = compare(_obs(rubric, "Ann Observer", _varied(rubric)), _obs(rubric, "Bo Observer", {}, default=None), rubric)
    assert result.overall.judged == 0 and result.overall.occasion_percent is None


def test_one_observer_left_everything_unscored(rubric: Rubric) -> None:
    result = compare(_obs(rubric, "Ann Observer", _varied(rubric)), _obs(rubric, "Bo Observer", {}, default=None), rubric)
    assert {i.outcome for i in result.items} == {"unscored"}
    assert {i.second for i in result.items} == {"-"}
    assert result.overall.compared == 0 and result.overall.excluded == len(rubric.item_keys)
    assert result.overall.exact_percent is None and result.overall.alpha is None
    assert result.icc is None
    assert result.for_discussion == []


def test_discussion_puts_the_largest_gap_first_with_both_evidence_notes(rubric: Rubric) -> None:
    first = _obs(rubric, "Ann Observer", {"beginning.welcome": 0, "ending.task": 3, "rnr.need_focus": 2})
    second = _obs(rubric, "Bo Observer", {"beginning.welcome": 2, "ending.task": 0, "rnr.need_focus": 1})
    first.scores["ending"]["task"] = Score(value=3, evidence="Agreed a clear task with a date.")
    second.scores["ending"]["task"] = Score(value=0, evidence="No task [/b] agreed.")
    result = compare(first, second, rubric)
    discussion = result.for_discussion
    assert [i.key for i in discussion] == ["ending.task", "beginning.welcome", "rnr.need_focus"]
    assert discussion[0].difference == -3 and discussion[1].difference == 2
    assert discussion[0].first_evidence == "Agreed a clear task with a date."
    assert discussion[0].second_evidence == "No task [/b] agreed."
    assert discussion[0].text == rubric.item("ending", "task").text


def test_drafts_cannot_be_compared(rubric: Rubric) -> None:
    final = _obs(rubric, "Ann Observer", {})
    draft = _obs(rubric, "Bo Observer", {}, status="draft")
    with pytest.raises(NotReadyError, match="both observers must finalise before their scores are compared"):
        check_pair(final, draft)
    with pytest.raises(NotReadyError, match="are drafts"):
        check_pair(draft, draft)


def test_check_pair_warns_about_pairs_that_are_not_one_session(rubric: Rubric) -> None:
    a = _obs(rubric, "Ann Observer", {})
    b = _obs(rubric, "Bo Observer", {})
    assert check_pair(a, b) == []
    other = b.model_copy(update={"session": b.session.model_copy(update={"session_ref": "CAL-OTHER", "team": "East"})})
    warnings = check_pair(a, other)
    assert any("session references differ" in w for w in warnings)
    assert any("the team differs" in w for w in warnings)
    assert not any("East" in w or "West" in w for w in warnings)  # never quotes field values
    same = b.model_copy(update={"session": b.session.model_copy(update={"observer": "Ann Observer"})})
    assert any("same observer" in w for w in check_pair(a, same))
    assert any("same observation" in w for w in check_pair(a, a))
