"""Suppression, property-based, end to end: random teams -> observation files -> the summary tables.

Hypothesis draws teams of practitioners with observations and scores; they are written as real
files into a store (``tests/summary_fixtures.add``) and read back through the product's own path
(``aggregate.summary_data`` -> ``section_table`` / ``item_table``). For every table:

* primary: no shown row rests on fewer practitioners than the threshold (counted here, from the
  data drawn, independently of the product's own ``practitioners`` column);
* secondary: where the all-teams row is shown and some teams are hidden, "all teams minus the
  shown teams" gives the hidden teams' figure together: that group rests on at least the
  threshold of practitioners, and a team resting on fewer is never alone in it;
* hidden rows carry no figure.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from harness import REPO, figure
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(REPO / "tests"))

from summary_fixtures import add, registry

from seeds_tui.storage.store import Store
from seeds_tui.team import frames, suppression
from seeds_tui.team import tables as team_tables

ITEMS = ["open.a", "open.b", "talk.c", "talk.d"]
FIGURES = ["observations", "practitioners", "mean_percent", "median_percent", "shown", "missed", "na", "no"]

#: One practitioner: 1-2 observations, each scoring some items (a level 0-2, or NA / NO).
practitioner = st.lists(st.dictionaries(st.sampled_from(ITEMS), st.sampled_from([0, 1, 2, "NA", "NO"]), min_size=1), min_size=1, max_size=2)
dataset = st.lists(st.lists(practitioner, min_size=0, max_size=6), min_size=1, max_size=4)

CHECKED = {"datasets": 0, "rows": 0, "hidden": 0, "derivable": 0}


def _sets(teams: list[list[list[dict[str, object]]]], by_item: bool) -> dict[tuple[str, ...], set[str]]:
    """Practitioners behind each (team, section[, item]) row, and the all-teams rows, from the data drawn."""
    out: dict[tuple[str, ...], set[str]] = {}
    for t, people in enumerate(teams):
        for p, observations in enumerate(people):
            who = f"T{t}-P{p}"
            for scores in observations:
                for key in scores:
                    section, item = key.split(".")
                    part = (section, item) if by_item else (section,)
                    out.setdefault((f"Team {t}", *part), set()).add(who)
                    out.setdefault((suppression.ALL_TEAMS, *part), set()).add(who)
    return out


def _check(table: pd.DataFrame, sets: dict[tuple[str, ...], set[str]], threshold: int, parts: list[str]) -> None:
    teams = sorted({str(t) for t in table["team"]} - {suppression.ALL_TEAMS})
    for _, row in table.iterrows():
        CHECKED["rows"] += 1
        if row["suppressed"]:
            CHECKED["hidden"] += 1
            for col in FIGURES:
                if col in table.columns:
                    assert pd.isna(row[col]), f"hidden row shows {col}"
            continue
        key = (str(row["team"]), *(str(row[p]) for p in parts))
        people = sets.get(key, set())
        assert len(people) >= threshold, f"shown row {key} rests on {len(people)} practitioners"
        assert int(row["practitioners"]) >= threshold
    # Secondary suppression, per section (and item): all teams minus the shown teams never isolates one team.
    shown = table.loc[~table["suppressed"].astype(bool)]
    for _, total in shown.loc[shown["team"] == suppression.ALL_TEAMS].iterrows():
        part = tuple(str(total[p]) for p in parts)
        visible = {
            str(r["team"]) for _, r in shown.iterrows() if tuple(str(r[p]) for p in parts) == part and r["team"] != suppression.ALL_TEAMS
        }
        hidden = [t for t in teams if t not in visible and sets.get((t, *part))]
        if hidden:
            # All teams minus the shown teams gives the hidden teams' figure together: that group
            # must rest on enough practitioners, and a team on too few is never alone in it.
            union = set().union(*(sets[(t, *part)] for t in hidden))
            assert len(union) >= threshold, f"{part}: the hidden teams together rest on {len(union)} practitioners"
            if len(hidden) == 1:
                CHECKED["derivable"] += 1
                assert len(sets[(hidden[0], *part)]) >= threshold, f"{part}: all teams minus the shown teams reveals {hidden[0]}"


def _property(tmp_path: Path, examples: int) -> None:
    reg = registry(tmp_path)
    counter = iter(range(10**6))

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(teams=dataset, threshold=st.integers(3, 5))
    def prop(teams: list[list[list[dict[str, object]]]], threshold: int) -> None:
        store = Store(tmp_path / f"store-{next(counter)}")
        n = 0
        for t, people in enumerate(teams):
            for p, observations in enumerate(people):
                for scores in observations:
                    add(store, team=f"Team {t}", practitioner=f"T{t}-P{p}", scores=scores)  # type: ignore[arg-type]
                    n += 1
        if not n:
            return
        data = frames.summary_data(store, reg, use_cache=False)
        _check(team_tables.section_table(data.items, data.rubric, threshold=threshold), _sets(teams, False), threshold, ["section"])
        _check(team_tables.item_table(data.items, data.rubric, threshold=threshold), _sets(teams, True), threshold, ["section", "item"])
        CHECKED["datasets"] += 1

    prop()


def test_no_shown_figure_rests_on_too_few_or_reveals_a_hidden_team(tmp_path: Path) -> None:
    """Default run: 12 random datasets."""
    _property(tmp_path, 12)


@pytest.mark.slow
def test_suppression_holds_over_many_datasets(tmp_path: Path) -> None:
    """Slow run: 150 random datasets."""
    for key in CHECKED:
        CHECKED[key] = 0
    _property(tmp_path, 150)
    figure(
        "suppression",
        f"{CHECKED['datasets']} random datasets, {CHECKED['rows']} table rows ({CHECKED['hidden']} hidden): "
        f"0 shown on too few practitioners, 0 small team derivable from totals ({CHECKED['derivable']} hidden-for-protection "
        "figures on enough practitioners were derivable)",
        **CHECKED,
    )
