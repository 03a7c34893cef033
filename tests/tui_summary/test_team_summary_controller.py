"""The Team summary controller answers what the command answers: a team filter, answered from the
tables of every team, gives exactly the tables ``seeds-tui summary --team`` builds; the same filters
give the same data; the screen reaches the store only through it. A real demo store."""

from __future__ import annotations

from datetime import date

import pytest
from pandas.testing import assert_frame_equal

from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store
from seeds_tui.team import frames
from seeds_tui.team import tables as team_tables
from seeds_tui.tui.controllers.team_summary import READS, TeamSummary

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> TeamSummary:
    root = tmp_path_factory.mktemp("demo") / "store"
    generate_demo(Store(root), 300, seed=4, today=TODAY)
    READS.__init__()  # type: ignore[misc]
    return TeamSummary(Store(root), RubricRegistry.default())


@pytest.mark.parametrize("view", team_tables.TEAM_ROWS_VIEWS)
def test_a_team_filter_gives_the_commands_tables(summary: TeamSummary, view: str) -> None:
    full = summary.read("final")
    registry = summary.registry
    event = date(2026, 4, 1) if view == "quarter" else None
    for teams, date_from in ((["Riverside"], None), (["westgate ", "Valley Road"], None), (["Harbourside"], date(2026, 1, 1))):
        every = summary.narrow(full, None, date_from, None)
        data = summary.narrow(full, teams, date_from, None)
        assert summary.narrow(full, list(teams), date_from, None) is data  # the same filters: the same data
        for rid in data.rubric_ids:
            summary.tables(every, view, rid, 5, event)  # every team first, as the screen shows it
            got = summary.tables(data, view, rid, 5, event)
            command = frames.summary_data(summary.store, registry, teams=teams, date_from=date_from, rubric_id=rid)
            want = team_tables.build_tables(command, view, threshold=5, before_after=event)
            assert [t.title for t in got] == [t.title for t in want]
            # The heading above the table says what the command's heading says.
            assert summary.heading(data, rid, 5) == team_tables.describe_data(command, 5)
            for g, w in zip(got, want, strict=True):
                assert_frame_equal(g.frame, w.frame, check_dtype=False, check_categorical=False)


@pytest.mark.parametrize("view", ["section", "item", "composite", "quarter", "ratings", "themes", "actions"])
def test_filters_and_thresholds_answered_from_kept_work_give_the_tables_computed_afresh(summary: TeamSummary, view: str) -> None:
    """The screen keeps the work done on what was read (scores, cell counts, protected grids) and
    takes a period's from it: every period and threshold gives exactly the tables counted afresh
    from the same observations, as the command counts them."""
    full = summary.read("final")
    event = date(2026, 4, 1) if view == "quarter" else None
    asked = [(None, None, 5), (date(2026, 1, 1), None, 5), (None, None, 3), (date(2025, 4, 1), date(2026, 3, 31), 6), (None, None, 5)]
    for date_from, date_to, threshold in asked:
        data = summary.narrow(full, None, date_from, date_to)
        for rid in data.rubric_ids:
            got = summary.tables(data, view, rid, threshold, event)
            part = summary.only(data, rid)
            team_tables.remember(False)  # as the command: nothing kept, everything counted again
            try:
                fresh = frames.SummaryData(
                    part.items.copy(), part.observations.copy(), list(part.problems), dict(part.rubrics), dict(part._make)
                )
                scopes = [
                    frames.SummaryData(s.items.copy(), s.observations.copy(), [], dict(s.rubrics), dict(s._make)) for s in part.scopes
                ]
                fresh._scopes = lambda scopes=scopes: scopes
                want = team_tables.build_tables(fresh, view, threshold=threshold, before_after=event)
            finally:
                team_tables.remember(True)
            assert [t.title for t in got] == [t.title for t in want]
            for g, w in zip(got, want, strict=True):
                assert_frame_equal(g.frame, w.frame, check_dtype=False, check_categorical=False)
