"""Team summary tables on small hand-built stores, with the expected numbers written out by hand."""

from __future__ import annotations

import math
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from summary_fixtures import MINI_V2, add, registry

from seeds_tui.core import errors, scoring
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.team import frames, pseudonyms, suppression
from seeds_tui.team import tables as team_tables


def row(table: pd.DataFrame, **keys: str) -> dict:
    """The one row matching ``keys``."""
    mask = pd.Series(True, index=table.index)
    for k, v in keys.items():
        mask &= table[k] == v
    assert mask.sum() == 1, f"{keys}: {mask.sum()} rows"
    return table.loc[mask].iloc[0].to_dict()


@pytest.fixture
def north(tmp_path: Path) -> tuple[Store, object]:
    """Team North: three practitioners, one observation each, plus a draft that must not count."""
    store = Store(tmp_path / "store")
    add(
        store,
        team="North",
        practitioner="Pat One",
        scores={"open.a": 2, "open.b": 1, "talk.c": 0, "talk.d": "NA"},
        globals_={"overall": 4},
        counters={"questions": 10, "reflections": 5},
        development=["talk.c"],
        strengths=["open.a"],
        actions=2,
    )
    add(
        store,
        team="North",
        practitioner="Pat Two",
        scores={"open.a": 1, "open.b": "NO", "talk.c": 2, "talk.d": 2},
        globals_={"overall": 2},
        counters={"questions": 4, "reflections": 4},
        development=["talk.c", "open.b"],
        actions=1,
    )
    add(
        store,
        team="North",
        practitioner="Pat Three",
        scores={"open.a": 0, "open.b": 0, "talk.c": "NA", "talk.d": "NA"},
        globals_={"overall": 3},
        counters={"questions": 2, "reflections": 0},
        development=["talk.c"],
        strengths=["open.a"],
    )
    add(store, team="North", practitioner="Pat One", status="draft", scores={"open.a": 2, "open.b": 2, "talk.c": 2, "talk.d": 2})
    return store, registry(tmp_path)


def test_long_frame_has_one_row_per_scored_item_of_final_observations(north) -> None:
    store, reg = north
    frame = frames.item_frame(store, reg)
    assert list(frame.columns) == list(frames.ITEM_COLUMNS)
    assert len(frame) == 12  # 3 final observations x 4 items; the draft is left out
    assert set(frame["status"].astype(str)) == {"final"}
    na = frame.loc[frame["code"] == "NA"]
    assert len(na) == 3 and na["points"].isna().all() and na["possible"].isna().all() and na["percent"].isna().all()
    a = frame.loc[(frame["item"] == "a")].sort_values("value")
    assert a["points"].tolist() == [0, 1, 2] and a["possible"].tolist() == [2, 2, 2] and a["percent"].tolist() == [0.0, 50.0, 100.0]
    assert set(frame["section_group"].astype(str)) == {"structuring", "relationship"}
    assert set(frame["quarter"].astype(str)) == {"2026Q2"}
    assert frame["scale_max"].eq(2).all() and frame["scale_min"].eq(0).all()
    with_drafts = frames.item_frame(store, reg, include_drafts=True)
    assert len(with_drafts) == 16


def test_section_table_numbers_by_hand(north) -> None:
    store, reg = north
    data = frames.summary_data(store, reg)
    table = team_tables.section_table(data.items, data.rubric, threshold=3)
    opening = row(table, team="North", section="open")
    # Per observation: 3/4 = 75 %, 1/2 = 50 % (NO left out), 0/4 = 0 %.
    assert opening["observations"] == 3 and opening["practitioners"] == 3
    assert opening["mean_percent"] == pytest.approx(125 / 3)
    assert opening["median_percent"] == pytest.approx(50.0)
    assert opening["band"] == "low"
    # Six scored items: shown 3 (2, 1, 1), missed 2 (the zeros), NO 1.
    assert (opening["shown"], opening["missed"], opening["na"], opening["no"]) == pytest.approx((50.0, 100 / 3, 0.0, 100 / 6))
    # Among the five items with a level: two 0s, two 1s, one 2.
    assert (opening["level_0"], opening["level_1"], opening["level_2"]) == pytest.approx((40.0, 40.0, 20.0))
    talking = row(table, team="North", section="talk")
    # 0/2 = 0 %, 4/4 = 100 %, and an observation with only NA: the mean would rest on the two
    # practitioners who gave Talking a level, fewer than 3, so it is hidden (issue 15).
    assert talking["suppressed"] and talking["note"] == "suppressed: fewer than 3 practitioners"
    assert pd.isna(talking["mean_percent"]) and pd.isna(talking["observations"])
    assert table.loc[table["section"] == "open", "suppressed"].eq(False).all()
    all_teams = row(table, team=suppression.ALL_TEAMS, section="open")
    assert all_teams["mean_percent"] == pytest.approx(opening["mean_percent"])


def test_item_table_and_composites_by_hand(north) -> None:
    store, reg = north
    data = frames.summary_data(store, reg)
    items = team_tables.item_table(data.items, data.rubric, threshold=3)
    # Reviews: 50 % and 0 % (NO left out), two practitioners with a level: hidden, so the team is
    # one placeholder row (Agrees beside it would give Reviews from Opening's figure; c, d as few).
    [north_row] = items.loc[items["team"] == "North"].to_dict("records")
    assert north_row["suppressed"] and pd.isna(north_row["mean_percent"])
    comp = team_tables.composite_table(data.items, data.rubric, threshold=3)
    # Relationship (Talking) rests on two practitioners with a level: hidden, and one more group beside it.
    assert row(comp, team="North", group="relationship")["suppressed"]
    shown = comp.loc[(comp["team"] == "North") & ~comp["suppressed"].astype(bool)]
    assert len(shown) <= 1
    for rec in shown.to_dict("records"):
        # Structuring 125/3; all sections per observation 3/6 = 50 %, 5/6 = 83.3 %, 0/4 = 0 %.
        want = {"structuring": 125 / 3, team_tables.ALL_SECTIONS: (50 + 500 / 6 + 0) / 3}[rec["group"]]
        assert rec["mean_percent"] == pytest.approx(want) and rec["band"] == scoring.band(want) == "low"


def test_observation_percent_matches_the_scoring_screen(north) -> None:
    store, reg = north
    data = frames.summary_data(store, reg)
    per_obs = team_tables.observation_scores(data.items, by=["section"])
    rubric = data.rubric
    for path, obs in store.iter_observations():
        assert not isinstance(obs, Exception), path
        for s in scoring.section_scores(obs, rubric):
            mine = per_obs.loc[(per_obs["observation_id"] == obs.id) & (per_obs["section"] == s.section_id), "percent"]
            expected = s.percent
            if expected is None:
                assert mine.isna().all()
            else:
                assert mine.iloc[0] == pytest.approx(expected)


def test_ratings_indicators_themes_and_actions(north) -> None:
    store, reg = north
    data = frames.summary_data(store, reg)
    ratings = team_tables.ratings_table(data.ratings, data.rubric, threshold=3)
    overall = row(ratings, team="North", measure="overall")
    assert overall["mean"] == pytest.approx(3.0) and overall["observations"] == 3
    r2q = row(ratings, team="North", measure="r2q")
    assert r2q["observations"] == 3 and r2q["mean"] == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    themes = team_tables.themes_table(data.links, data.observations, data.rubric, threshold=3)
    top = themes.loc[themes["team"] == "North"].iloc[0]
    assert (top["section"], top["item"], top["development_areas"], top["strengths"]) == ("talk", "c", 3, 0)
    assert row(themes, team="North", item="a")["strengths"] == 2
    actions = team_tables.actions_table(data.observations, threshold=3)
    north_actions = row(actions, team="North")
    assert (north_actions["observations"], north_actions["with_actions"], north_actions["actions"]) == (3, 2, 3)


def test_trend_by_quarter_and_before_after(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    reg = registry(tmp_path)
    for n, who in enumerate(["A", "B", "C"]):
        add(store, team="North", practitioner=who, scores={"open.a": 0, "open.b": n % 2}, when=date(2026, 2, 1 + n))
        add(store, team="North", practitioner=who, scores={"open.a": 2, "open.b": 2}, when=date(2026, 5, 1 + n))
    data = frames.summary_data(store, reg)
    trend = team_tables.trend_table(data.items, data.rubric, threshold=3)
    q1 = row(trend, team="North", section="open", quarter="2026Q1")
    q2 = row(trend, team="North", section="open", quarter="2026Q2")
    assert q1["mean_percent"] == pytest.approx((0 + 25 + 0) / 3) and q2["mean_percent"] == pytest.approx(100.0)
    ba = team_tables.before_after_table(data.items, data.rubric, date(2026, 4, 1), threshold=3)
    after = row(ba, team="North", section="open", period="after")
    assert after["change"] == pytest.approx(100 - 25 / 3)
    assert pd.isna(row(ba, team="North", section="open", period="before")["change"])


def test_primary_and_secondary_suppression(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    reg = registry(tmp_path)
    for team, people in (("North", ["N1", "N2", "N3"]), ("South", ["S1", "S2", "S3", "S4"]), ("East", ["E1"])):
        for who in people:
            add(store, team=team, practitioner=who, scores={"open.a": 2, "open.b": 1, "talk.c": 1, "talk.d": 0})
    data = frames.summary_data(store, reg)
    table = team_tables.section_table(data.items, data.rubric, threshold=3)
    # A hidden team is one placeholder row: no section of it is listed.
    east = row(table, team="East")
    assert east["suppressed"] and east["note"] == "suppressed: fewer than 3 practitioners" and east["section"] == ""
    assert all(pd.isna(east[c]) for c in ("observations", "practitioners", "mean_percent", "shown", "level_2"))
    assert pd.isna(east["band"])
    # All teams minus South would give East alone: the smallest other team is hidden too.
    north_row = row(table, team="North")
    assert north_row["suppressed"] and north_row["note"] == suppression.SUPPRESSED_SECONDARY
    assert pd.isna(north_row["mean_percent"])
    south = row(table, team="South", section="open")
    assert not south["suppressed"] and south["practitioners"] == 4
    total = row(table, team=suppression.ALL_TEAMS, section="open")
    assert not total["suppressed"] and total["practitioners"] == 8


def test_suppression_hides_the_total_when_nothing_else_can_protect(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    reg = registry(tmp_path)
    for team, people in (("North", ["N1", "N2", "N3", "N4"]), ("East", ["E1"])):
        for who in people:
            add(store, team=team, practitioner=who, scores={"open.a": 2})
    data = frames.summary_data(store, reg)
    table = team_tables.section_table(data.items, data.rubric, threshold=3)
    assert row(table, team="East")["suppressed"]
    assert row(table, team="North")["suppressed"]
    # Two hidden parts resting on 5 practitioners: the total may stay.
    assert not row(table, team=suppression.ALL_TEAMS, section="open")["suppressed"]
    one = Store(tmp_path / "one")
    for who in ("N1", "N2", "N3"):
        add(one, team="North", practitioner=who, scores={"open.a": 2})
    add(one, team="East", practitioner="E1", scores={"talk.c": 2})
    data = frames.summary_data(one, reg)
    table = team_tables.section_table(data.items, data.rubric, threshold=3)
    # Only East scored "talk": its all-teams row is East itself and is hidden as such.
    assert row(table, team=suppression.ALL_TEAMS, section="talk")["suppressed"]


def test_a_period_figure_leaves_out_its_hidden_quarters_so_it_cannot_reveal_them(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    reg = registry(tmp_path)
    for who in ("A", "B", "C", "D"):
        add(store, team="North", practitioner=who, scores={"open.a": 2}, when=date(2026, 2, 2))
    add(store, team="North", practitioner="E", scores={"open.a": 0}, when=date(2026, 5, 5))
    data = frames.summary_data(store, reg)
    trend = team_tables.trend_table(data.items, data.rubric, threshold=3)
    # Q2 rests on one practitioner: hidden. Q1 rests on four: shown.
    assert row(trend, team="North", section="open", quarter="2026Q2")["suppressed"]
    q1 = row(trend, team="North", section="open", quarter="2026Q1")
    assert not q1["suppressed"] and q1["mean_percent"] == 100.0 and q1["observations"] == 4
    # The whole period pools only the shown quarter: the period minus Q1 gives nothing.
    section = row(team_tables.section_table(data.items, data.rubric, threshold=3), team="North", section="open")
    assert (section["observations"], section["practitioners"], section["mean_percent"]) == (4, 4, 100.0)
    assert section["note"] == "leaves out 2026Q2 (hidden for privacy)"


def test_threshold_is_never_below_three(north) -> None:
    store, reg = north
    data = frames.summary_data(store, reg)
    with pytest.raises(frames.SummaryError, match="at least 3"):
        team_tables.section_table(data.items, data.rubric, threshold=2)
    default = team_tables.section_table(data.items, data.rubric)
    assert default["suppressed"].all()  # three practitioners < 5


def test_rubric_versions_combine_by_item_id(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    reg = registry(tmp_path, v2=True)
    add(store, team="North", practitioner="A", version="1.0.0", scores={"open.a": 2, "open.b": 0, "talk.c": 1, "talk.d": 2})
    add(store, team="North", practitioner="B", version="2.0.0", scores={"open.a2": 1, "open.b": 2, "open.e": 2, "talk.c": 1})
    data = frames.summary_data(store, reg)
    frame = data.items
    assert set(frame["rubric_version"].astype(str)) == {"1.0.0", "2.0.0"}
    keys = sorted(set(zip(frame["section"].astype(str), frame["item"].astype(str), strict=True)))
    assert keys == [("open", "a2"), ("open", "b"), ("open", "e"), ("talk", "c")]  # a -> a2, d retired
    per_item = team_tables.observation_scores(frame, by=["section", "item"])
    assert sorted(per_item.loc[per_item["item"] == "a2", "percent"]) == [50.0, 100.0]  # v2's a2 and v1's "a"
    assert per_item.loc[per_item["item"] == "e", "percent"].tolist() == [100.0]  # absent from v1: not a zero
    add(store, team="North", practitioner="C", version="1.0.0", scores={"open.a": 1, "open.b": 1})
    data = frames.summary_data(store, reg)
    table = team_tables.item_table(data.items, data.rubric, threshold=3)
    assert row(table, team="North", item="e")["suppressed"]  # one practitioner
    # Items add up to their section, so one more item of the section is hidden with "e".
    assert row(table, team="North", item="a2")["note"] == suppression.SUPPRESSED_SECONDARY
    assert row(table, team="North", item="b")["mean_percent"] == pytest.approx((0 + 100 + 50) / 3)
    sections = team_tables.section_table(data.items, data.rubric, threshold=3)
    # v1: (2+0)/4 = 50 %; v2: (1+2+2)/6 = 83.3 %; v1: (1+1)/4 = 50 %.
    assert row(sections, team="North", section="open")["mean_percent"] == pytest.approx((50 + 500 / 6 + 50) / 3)
    assert not any("left out" in p for p in data.problems)


def test_rubric_ids_are_never_mixed(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    reg = registry(tmp_path, other=True)
    add(store, team="North", practitioner="A", scores={"open.a": 2})
    add(store, team="North", practitioner="B", rubric="other", scores={"whole.x": 3})
    data = frames.summary_data(store, reg)
    assert data.rubric_ids == ["mini", "other"]
    with pytest.raises(frames.SummaryError, match="--rubric"):
        team_tables.section_table(data.items, reg.get("mini").rubric, threshold=3)
    tables = team_tables.build_tables(data, "section", threshold=3)
    assert [t.rubric_id for t in tables] == ["mini", "other"]
    assert "Other rubric" in tables[1].title
    assert set(tables[0].frame["section"]) <= {"open", "talk", ""}
    # One practitioner per rubric: each team (and All teams) is one placeholder row.
    assert tables[1].frame["suppressed"].all() and set(tables[1].frame["section"]) == {""}
    other = frames.summary_data(store, reg, rubric_id="other")
    assert other.rubric_ids == ["other"]
    # "other" has levels 1..3: a 3 is 100 % (suppressed at 3 practitioners, so look at the frame).
    assert other.items["percent"].tolist() == [100.0]


def test_filters_teams_dates_and_status(north, tmp_path: Path) -> None:
    store, reg = north
    add(store, team="South", practitioner="Sam", scores={"open.a": 2}, when=date(2025, 1, 10))
    assert frames.summary_data(store, reg, teams=["South"]).observations["team"].astype(str).tolist() == ["South"]
    assert len(frames.summary_data(store, reg, date_from=date(2026, 1, 1)).observations) == 3
    assert len(frames.summary_data(store, reg, date_to=date(2025, 12, 31)).observations) == 1
    drafts = frames.summary_data(store, reg, status="draft")
    assert drafts.observations["status"].astype(str).tolist() == ["draft"]
    assert len(frames.summary_data(store, reg, status="all").observations) == 5


def test_unreadable_files_and_off_scale_values_are_reported_not_fatal(north) -> None:
    store, reg = north
    (store.final_dir / "01BROKENBROKENBROKENBROKEN.toml").write_text("this is = = not toml")
    add(store, team="North", practitioner="Pat One", scores={"open.a": 7, "open.b": 1})
    data = frames.summary_data(store, reg)
    assert any("01BROKENBROKENBROKENBROKEN.toml" in p and "could not be read" in p for p in data.problems)
    assert any("off their item's scale" in p for p in data.problems)
    assert len(data.observations) == 4
    assert not (data.items["value"] == 7).any()


def test_unknown_rubric_is_reported(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    add(store, team="North", practitioner="A", rubric="nobody-knows", scores={"open.a": 2})
    add(store, team="North", practitioner="A", scores={"open.a": 2})
    data = frames.summary_data(store, registry(tmp_path))
    assert data.rubric_ids == ["mini"]
    assert any("nobody-knows" in p and "not known" in p for p in data.problems)


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(errors.StoreError, match="no store"):
        frames.summary_data(Store(tmp_path / "nowhere"), registry(tmp_path))


def test_pseudonyms_are_stable_keyed_and_names_only_on_request(north) -> None:
    store, reg = north
    key = pseudonyms.pseudonym_key(store)
    assert pseudonyms.pseudonym_key(store) == key
    assert (store.root / pseudonyms.PSEUDONYM_KEY_FILE).stat().st_mode & 0o777 == 0o600
    label = pseudonyms.pseudonym("Pat One", key)
    assert label.startswith("P-") and len(label) == 12 and pseudonyms.pseudonym(" pat  one ", key) == label
    assert pseudonyms.pseudonym("Pat One", b"another key") != label
    frame = frames.item_frame(store, reg, pseudonymise=True)
    assert "Pat One" not in set(frame["practitioner"].astype(str)) and label in set(frame["practitioner"].astype(str))
    data = frames.summary_data(store, reg)
    hidden = team_tables.practitioner_table(data.items, data.rubric, key=key)
    assert label in set(hidden["practitioner"]) and "Pat One" not in set(hidden["practitioner"])
    named = team_tables.practitioner_table(data.items, data.rubric, names=True)
    assert "Pat One" in set(named["practitioner"])
    for table in team_tables.build_tables(data, "section", threshold=3) + team_tables.build_tables(data, "themes", threshold=3):
        text = table.frame.to_csv()
        assert "Pat" not in text


def test_empty_sections_have_no_percent_but_count(north) -> None:
    store, reg = north
    data = frames.summary_data(store, reg)
    per_obs = team_tables.observation_scores(data.items, by=["section"])
    assert per_obs["percent"].isna().sum() == 1  # Pat Three's "talk": only NA
    assert not math.isnan(per_obs["percent"].dropna().iloc[0])


@pytest.mark.parametrize("view", team_tables.VIEWS)
def test_observations_without_scores_give_empty_tables_not_errors(tmp_path: Path, view: str) -> None:
    store = Store(tmp_path / "store")
    for who in ("A", "B", "C"):
        add(store, team="North", practitioner=who, scores={})
    data = frames.summary_data(store, registry(tmp_path))
    assert len(data.observations) == 3 and len(data.items) == 0
    event = date(2026, 1, 1) if view in team_tables.BEFORE_AFTER_VIEWS else None
    tables = team_tables.build_tables(data, view, threshold=3, before_after=event, key=b"k")
    assert tables
    for table in tables:
        assert "suppressed" in table.frame.columns or view in ("practitioner", "coverage")


def test_a_chain_of_renames_across_three_versions_lines_up(tmp_path: Path) -> None:
    """a -> a2 in 2.0.0, then a2 -> a3 in 3.0.0: a 1.0.0 score of "a" lands on "a3", not dropped."""
    reg_dir = tmp_path / "rubrics"
    registry(tmp_path, v2=True)
    v3 = (
        MINI_V2.replace('version = "2.0.0"', 'version = "3.0.0"')
        .replace('renamed = {"open.a" = "open.a2"}', 'renamed = {"open.a2" = "open.a3"}')
        .replace('retired = ["talk.d"]', "")
        .replace('{id = "a2",', '{id = "a3",')
    )
    (reg_dir / "mini-3.toml").write_text(v3)
    reg = RubricRegistry([reg_dir])
    store = Store(tmp_path / "store")
    add(store, team="North", practitioner="A", version="1.0.0", scores={"open.a": 2, "talk.d": 1})
    add(store, team="North", practitioner="B", version="2.0.0", scores={"open.a2": 1})
    add(store, team="North", practitioner="C", version="3.0.0", scores={"open.a3": 0})
    data = frames.summary_data(store, reg)
    items = data.items
    assert sorted(items.loc[items["item"] == "a3", "percent"].tolist()) == [0.0, 50.0, 100.0]
    assert set(items["item"].astype(str)) == {"a3"}  # talk.d was retired in 2.0.0: dropped, not "unknown"
    assert not any("left out" in p for p in data.problems)


def test_a_double_scored_session_counts_once_in_team_figures_and_twice_in_the_export(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    for n, who in enumerate(["Pat One", "Pat Two", "Pat Three"]):
        add(store, team="North", practitioner=who, scores={"open.a": n, "open.b": 1, "talk.c": 1, "talk.d": 1})
    first = add(store, team="North", practitioner="Pat One", scores={"open.a": 2, "open.b": 2, "talk.c": 2, "talk.d": 2},
                observer="Alex Observer", session_ref="CAL-1", when=date(2026, 6, 1))  # fmt: skip
    second = add(store, team="North", practitioner="Pat One", scores={"open.a": 0, "open.b": 0, "talk.c": 0, "talk.d": 0},
                 observer="Sam Observer", session_ref="CAL-1", when=date(2026, 6, 1))  # fmt: skip
    data = frames.summary_data(store, registry(tmp_path), rubric_id="mini")
    ids = set(data.observations["observation_id"].astype(str))
    assert len(ids) == 4 and min(first, second) in ids and max(first, second) not in ids
    # The session stands in the figures once, with the scores of the file that stands for it.
    kept = 2 if first < second else 0
    open_a = data.items.loc[data.items["item"].astype(str) == "a", "value"].astype(int).tolist()
    assert sorted(open_a) == sorted([0, 1, 2, kept])
    exported = frames.item_frame(store, registry(tmp_path), rubric_id="mini")
    assert set(exported["observation_id"].astype(str)) >= {first, second}


def test_pairs_are_matched_as_compare_matches_them(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    same = {"open.a": 1, "open.b": 1, "talk.c": 1, "talk.d": 1}
    a = add(store, team="North", practitioner="Pat One", scores=same, observer="Alex", session_ref="CAL-1", when=date(2026, 6, 1))
    b = add(store, team="North", practitioner="Pat One", scores=same, observer="Sam", session_ref="cal-1", when=date(2026, 6, 1))
    # One reference reused by mistake for two other sessions: neither is anyone's second file.
    c = add(store, team="North", practitioner="Pat Two", scores=same, observer="Alex", session_ref="S1", when=date(2026, 7, 1))
    d = add(store, team="South", practitioner="Pat Three", scores=same, observer="Sam", session_ref="S1", when=date(2026, 8, 1))
    ids = set(frames.summary_data(store, registry(tmp_path), rubric_id="mini").observations["observation_id"].astype(str))
    assert ids == {min(a, b), c, d}
