"""Secondary suppression, property-based: no hidden figure can be worked out from a shown total."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).parent))

from summary_fixtures import add, registry

from seeds_tui.cli import main
from seeds_tui.storage.store import Store
from seeds_tui.team import suppression

teams = st.lists(st.sets(st.integers(0, 30), min_size=0, max_size=12), min_size=1, max_size=7)


@settings(max_examples=200, deadline=None)
@given(teams=teams, threshold=st.integers(3, 8))
def test_hidden_rows_cannot_be_derived_from_the_total(teams: list[set[int]], threshold: int) -> None:
    names = [f"T{n}" for n in range(len(teams))]
    sets = [frozenset(map(str, s)) for s in teams if s]
    names = names[: len(sets)]
    if not sets:
        return
    total = frozenset().union(*sets)
    table = pd.DataFrame({"team": [*names, suppression.ALL_TEAMS], "section": "s", "observations": [len(s) for s in sets] + [len(total)]})
    out = suppression.suppress(table, [*sets, total], threshold, [("team", suppression.ALL_TEAMS)], ["observations"])
    hidden = out["suppressed"].tolist()
    parts, total_hidden = hidden[:-1], hidden[-1]
    # Primary: every row resting on too few practitioners is hidden.
    for s, h in zip([*sets, total], hidden, strict=True):
        if len(s) < threshold:
            assert h
    # Secondary: if the total is shown, hidden parts are at least two and rest on enough people together.
    gone = [s for s, h in zip(sets, parts, strict=True) if h]
    if gone and not total_hidden:
        assert len(gone) >= 2 and len(frozenset().union(*gone)) >= threshold
    # Hidden rows show no figure.
    assert out.loc[out["suppressed"], "observations"].isna().all()


# -- a hidden team's rows must not depend on its data ------------------------------------------------

VIEWS = ["section", "item", "composite", "quarter", "themes", "ratings"]
ALL_TEAMS_ROWS = (suppression.ALL_TEAMS,)
KEYS = ("team", "section", "item", "group", "quarter", "period", "measure", "kind", "suppressed", "note")


def _store(tmp_path: Path, name: str, east: dict) -> list[str]:
    """North (3) and South (4 practitioners) as always, plus East: one practitioner, data varying by store."""
    registry(tmp_path)
    store = Store(tmp_path / name)
    for team, people in (("North", "ABC"), ("South", "DEFG")):
        for n, who in enumerate(people):
            for month in (2, 5, 8):  # everyone observed in each of three quarters
                add(
                    store, team=team, practitioner=f"{team} {who}", when=date(2026, month, 10 + n),
                    scores={"open.a": n % 3, "open.b": 2, "talk.c": 1, "talk.d": "NA"},
                    development=["open.a", "talk.c"][: 1 + n % 2], strengths=["open.b"], globals_={"overall": 3}, actions=n % 2,
                )  # fmt: skip
    add(store, team="East", practitioner="Lonely Person", **east)
    return ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3"]


EAST_A = {"scores": {"open.a": 2}, "when": date(2026, 2, 20), "development": ["talk.c"]}
EAST_B = {
    "scores": {"open.a": 0, "open.b": 0, "talk.c": 0, "talk.d": 0}, "when": date(2026, 8, 20),
    "development": ["open.b", "talk.d"], "strengths": ["open.a"], "counters": {"questions": 3, "reflections": 1}, "actions": 3,
}  # fmt: skip


def _summary(args: list[str], capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    assert main(["summary", *args, *extra]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("view", VIEWS)
def test_a_hidden_team_shows_the_same_rows_whatever_its_data(tmp_path: Path, capsys, view: str) -> None:
    a, b = _store(tmp_path, "a", EAST_A), _store(tmp_path, "b", EAST_B)
    extra = ["--by", view] + (["--event", "2026-05-01"] if view == "quarter" else [])
    out = {name: json.loads(_summary(args, capsys, *extra, "--format", "json")) for name, args in (("a", a), ("b", b))}
    assert out["a"]["details"] == out["b"]["details"]  # no count, date or team name that differs
    for ta, tb in zip(out["a"]["tables"], out["b"]["tables"], strict=True):
        assert ta["columns"] == tb["columns"]  # level columns from the rubric, not the data
        # All teams' top themes rest on everyone, the hidden team included; every other row must match.
        skip = ALL_TEAMS_ROWS if ta["view"] == "themes" else ()
        keys_a = sorted(tuple(str(r.get(k)) for k in KEYS) for r in ta["rows"] if r["team"] not in skip)
        keys_b = sorted(tuple(str(r.get(k)) for k in KEYS) for r in tb["rows"] if r["team"] not in skip)
        assert keys_a == keys_b, ta["title"]  # same rows, same suppression pattern
        east = [r for r in ta["rows"] if r["team"] == "East"]
        assert len(east) == 1 and east[0]["suppressed"] and east[0]["note"] == "suppressed: fewer than 3 practitioners"
        assert all(east[0].get(k) in ("", None) for k in ("section", "item", "group", "quarter", "measure", "title"))
    # Every other format shows East the same way in both stores.
    for fmt in ("table", "csv", "markdown", "html"):
        east = {}
        for name, args in (("a", a), ("b", b)):
            text = _summary(args, capsys, *extra, "--format", fmt)
            parts = text.replace("<tr", "\n<tr").replace("</tr>", "</tr>\n").splitlines()
            # Column widths follow the shown rows (All teams holds East's data): compare the cells.
            east[name] = [" ".join(ln.split()) for ln in parts if "East" in ln]
        assert east["a"] == east["b"] and east["a"], fmt
    sheets = {}
    for name, args in (("a", a), ("b", b)):
        target = tmp_path / f"{name}.xlsx"
        assert main(["summary", *args, *extra, "--format", "xlsx", "-o", str(target)]) == 0
        wb = load_workbook(target)
        sheets[name] = [[c for c in row] for ws in wb.worksheets[1:] for row in ws.iter_rows(values_only=True) if "East" in row]
    capsys.readouterr()
    assert sheets["a"] == sheets["b"] and sheets["a"]


def test_themes_never_list_a_hidden_teams_items(tmp_path: Path, capsys) -> None:
    args = _store(tmp_path, "a", EAST_A)
    out = _summary(args, capsys, "--by", "themes")
    east = [ln for ln in out.splitlines() if ln.startswith("East")]
    # One row for the themes table and one for the actions table, neither naming an item.
    assert len(east) == 2 and all("suppressed: fewer than 3 practitioners" in ln for ln in east)
    assert not any(word in ln for ln in east for word in ("talk", "Open questions", " c "))


@settings(max_examples=200, deadline=None)
@given(teams=teams, threshold=st.integers(3, 8), data=st.data())
def test_which_rows_are_hidden_does_not_depend_on_the_hidden_rows(teams: list[set[int]], threshold: int, data: st.DataObject) -> None:
    sets = [frozenset(f"p{n}" for n in s) for s in teams]
    # The same teams, except each too-small team has other (still too few) practitioners.
    other = [
        s if len(s) >= threshold else frozenset(f"q{i}-{n}" for n in range(data.draw(st.integers(0, threshold - 1))))
        for i, s in enumerate(sets)
    ]

    def pattern(parts: list[frozenset[str]]) -> list[bool]:
        names = [f"T{n}" for n in range(len(parts))]
        table = pd.DataFrame({"team": [*names, suppression.ALL_TEAMS], "section": "s"})
        total = frozenset().union(*parts)
        return suppression.suppress(table, [*parts, total], threshold, [("team", suppression.ALL_TEAMS)], [])["suppressed"].tolist()[:-1]

    assert pattern(sets) == pattern(other)
