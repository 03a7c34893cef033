"""The privacy design end to end, on small hand-built stores with the expected tables written out.

Every figure is answered from one protected team x quarter grid computed over the whole store
(seeds_tui.team.suppression): the two leaks found in issue 15 (periods differenced, team filters
differenced) give nothing, small services still see All teams, and the heading says one true
thing. Also the before/after windows of a training event, and themes counted per practitioner.
"""

from __future__ import annotations

import json
import statistics
from datetime import date
from pathlib import Path

import pytest
from summary_fixtures import add, registry

from seeds_tui.cli import main
from seeds_tui.storage.store import Store

PRIMARY = "suppressed: fewer than {k} practitioners"
SECONDARY = "suppressed: would reveal a hidden figure"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["summary", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _rows(doc: dict, view: str = "section", *cols: str) -> list[tuple]:
    [table] = [t for t in doc["tables"] if t["view"] == view]
    out = []
    for r in table["rows"]:
        if r.get("section") == "talk":  # the rubric's other section: nobody scored it here
            continue
        mean = r.get("mean_percent")
        out.append(
            (r["team"], r.get("section"), *(r.get(c) for c in cols), r["observations"], None if mean is None else round(mean, 2), r["note"])
        )
    return out


def _args(tmp_path: Path, store: Store, k: int) -> list[str]:
    return ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", str(k)]


def test_two_periods_cannot_be_differenced_to_a_hidden_quarter(tmp_path: Path, capsys) -> None:
    """Issue 15: '--from 2025-10-01' minus '--from 2026-01-01' gave a hidden quarter. Now a period's
    figure pools only the quarters the grid shows, so both requests give North the same figure."""
    registry(tmp_path)
    store = Store(tmp_path / "s")
    for n in range(1, 5):  # North 2025Q4: four practitioners at 100 % (too few at threshold 5)
        add(store, team="North", practitioner=f"N{n}", scores={"open.a": 2, "open.b": 2}, when=date(2025, 11, n))
    for n in range(5, 10):  # North 2026Q1: five others at 50 %
        add(store, team="North", practitioner=f"N{n}", scores={"open.a": 1, "open.b": 1}, when=date(2026, 2, n))
    for n in range(1, 6):  # South: the same five at 0 % then 50 %
        add(store, team="South", practitioner=f"S{n}", scores={"open.a": 0, "open.b": 0}, when=date(2025, 11, n))
        add(store, team="South", practitioner=f"S{n}", scores={"open.a": 2, "open.b": 0}, when=date(2026, 2, n))
    args = _args(tmp_path, store, 5)
    left = "leaves out 2025Q4 (hidden for privacy)"
    # (4 x 100 + 5 x 50 + 5 x 0 + 5 x 50) / 19 = 47.37: All teams rests on everyone.
    whole = [("North", "open", 5, 50.0, left), ("South", "open", 5, 50.0, left), ("All teams", "open", 19, 47.37, None)]
    assert _rows(_run(args, capsys)) == whole
    assert _rows(_run([*args, "--from", "2025-10-01"], capsys)) == whole
    assert _rows(_run([*args, "--from", "2026-01-01"], capsys)) == [
        ("North", "open", 5, 50.0, None),
        ("South", "open", 5, 50.0, None),
        ("All teams", "open", 10, 50.0, None),
    ]
    # The quarter view is the grid: North's 2025Q4 hidden, South's hidden to protect it, All teams' shown
    # (it is North's and South's together, nine practitioners: (4 x 100 + 5 x 0) / 9).
    trend = _rows(_run([*args, "--by", "quarter"], capsys), "quarter", "quarter")
    assert trend == [
        ("North", "open", "2025Q4", None, None, PRIMARY.format(k=5)),
        ("North", "open", "2026Q1", 5, 50.0, None),
        ("South", "open", "2025Q4", None, None, SECONDARY),
        ("South", "open", "2026Q1", 5, 50.0, None),
        ("All teams", "open", "2025Q4", 9, 44.44, None),
        ("All teams", "open", "2026Q1", 10, 50.0, None),
    ]
    # A period cut inside a quarter is refused (it would single out a few sessions).
    assert main(["summary", *args, "--from", "2025-11-03"]) == 2
    assert "use --from 2025-10-01" in capsys.readouterr().err


def test_team_filters_cannot_be_differenced_to_a_hidden_team(tmp_path: Path, capsys) -> None:
    """Issue 15: '--team A B' hid B and showed All teams, '--team B' showed B, so A = All - B.
    Now All teams is every team whatever is asked, and B is hidden in every request."""
    registry(tmp_path)
    store = Store(tmp_path / "s")
    for team, size, scores in (
        ("A", 2, {"open.a": 2, "open.b": 2}),
        ("B", 6, {"open.a": 1, "open.b": 1}),
        ("C", 7, {"open.a": 0, "open.b": 0}),
    ):
        for n in range(size):
            add(store, team=team, practitioner=f"{team}{n}", scores=scores, when=date(2026, 2, 1 + n))
    args = _args(tmp_path, store, 5)
    total = ("All teams", "open", 15, round(500 / 15, 2), None)  # (2 x 100 + 6 x 50 + 7 x 0) / 15
    a = ("A", None, None, None, PRIMARY.format(k=5))
    b = ("B", None, None, None, SECONDARY)
    assert _rows(_run(args, capsys)) == [a, b, ("C", "open", 7, 0.0, None), total]
    assert _rows(_run([*args, "--team", "A", "B"], capsys)) == [a, b, total]
    assert _rows(_run([*args, "--team", "B"], capsys)) == [b, total]


def test_six_small_teams_still_see_all_teams(tmp_path: Path, capsys) -> None:
    """Every team hidden: All teams is the sum of all of them, which reveals no team."""
    registry(tmp_path)
    store = Store(tmp_path / "s")
    for t, size in enumerate((2, 3, 2, 3, 2, 3)):
        for n in range(size):
            for day in (3, 17):  # 30 observations of 15 practitioners
                add(store, team=f"Team {t}", practitioner=f"T{t}P{n}", scores={"open.a": 2, "open.b": 1}, when=date(2026, 2, day))
    doc = _run(_args(tmp_path, store, 5), capsys)
    rows = _rows(doc)
    assert rows[:-1] == [(f"Team {t}", None, None, None, PRIMARY.format(k=5)) for t in range(6)]
    assert rows[-1] == ("All teams", "open", 30, 75.0, None)
    # The heading says one true thing: what All teams rests on, naming nothing it does not show.
    assert doc["details"][:2] == ["all teams: 30 final observations, 15 practitioners, 6 teams", "sessions in 2026Q1"]
    assert not any("not named" in line for line in doc["details"])


def test_before_and_after_a_training_event_compares_equal_windows(tmp_path: Path, capsys) -> None:
    """Equal whole-quarter windows: an old quarter does not count as 'before' (no steady trend taken
    for a training effect); both sides' practitioners and observations, who was on both sides, the
    change with a 95 % interval and a caution in words."""
    registry(tmp_path)
    store = Store(tmp_path / "s")
    old = {"open.a": 0, "open.b": 0}
    for who in ("P1", "P2", "P3"):  # 2025Q3: left out of a one-quarter window
        add(store, team="North", practitioner=who, scores=old, when=date(2025, 8, 5))
    before = {"P1": (1, 0), "P2": (1, 1), "P3": (2, 1), "P4": (1, 1)}  # 25, 50, 75, 50 %
    after = {"P1": (2, 2), "P2": (2, 1), "P3": (2, 2)}  # 100, 75, 100 %
    for who, (a, b) in before.items():
        add(store, team="North", practitioner=who, scores={"open.a": a, "open.b": b}, when=date(2026, 2, 10))
    for who, (a, b) in after.items():
        add(store, team="North", practitioner=who, scores={"open.a": a, "open.b": b}, when=date(2026, 5, 10))
    args = [*_args(tmp_path, store, 3), "--event", "2026-04-01"]
    doc = _run(args, capsys)
    [table] = [t for t in doc["tables"] if t["view"] == "before_after"]
    assert "before (2026Q1) and after (2026Q2) the training event of 2026-04-01" in table["title"]
    north = [r for r in table["rows"] if r["team"] == "North" and r["section"] == "open"]
    b_vals, a_vals = [25.0, 50.0, 75.0, 50.0], [100.0, 75.0, 100.0]
    half = 1.96 * (statistics.variance(b_vals) / 4 + statistics.variance(a_vals) / 3) ** 0.5
    got = [(r["period"], r["observations"], r["practitioners"], r["in_both"], r["mean_percent"]) for r in north]
    assert got == [("before", 4, 4, 3, 50.0), ("after", 3, 3, 3, round(275 / 3, 2))]  # JSON gives two decimals
    assert north[1]["change"] == round(275 / 3 - 50, 2) and north[1]["interval"] == round(half, 2)
    assert (
        north[1]["caution"]
        == f"few observations: the change could be {half:.0f} points either way; 1 of 4 practitioners were observed on one side only"
    )
    assert north[0]["change"] is None
    # Inside a quarter, the event's own quarter holds both sides and is left out; six months take two quarters each side.
    doc = _run([*_args(tmp_path, store, 3), "--event", "2026-02-15", "--window", "6"], capsys)
    [table] = [t for t in doc["tables"] if t["view"] == "before_after"]
    assert "before (2025Q3 to 2025Q4) and after (2026Q2 to 2026Q3)" in table["title"]
    north = {r["period"]: r for r in table["rows"] if r["team"] == "North" and r["section"] == "open"}
    assert (north["before"]["observations"], north["before"]["mean_percent"]) == (3, 0.0)
    assert (north["after"]["observations"], north["after"]["change"]) == (3, round(275 / 3, 2))


def test_a_registered_event_names_its_teams(tmp_path: Path, capsys) -> None:
    registry(tmp_path)
    store = Store(tmp_path / "s")
    for team in ("North", "South"):
        for n in range(3):
            add(store, team=team, practitioner=f"{team}{n}", scores={"open.a": 1, "open.b": 1}, when=date(2026, 2, 1 + n))
            add(store, team=team, practitioner=f"{team}{n}", scores={"open.a": 2, "open.b": 2}, when=date(2026, 5, 1 + n))
    assert main(["event", "add", "--store", str(store.root), "--date", "2026-04-01", "--title", "Follow-up", "--team", "north"]) == 0
    assert "registered 2026-04-01-follow-up" in capsys.readouterr().out
    doc = _run([*_args(tmp_path, store, 3), "--by", "composite", "--event", "2026-04-01-follow-up"], capsys)
    [table] = [t for t in doc["tables"] if t["view"] == "before_after"]
    assert {r["team"] for r in table["rows"]} == {"North", "All teams"}
    north = {(r["group"], r["period"]): r for r in table["rows"] if r["team"] == "North"}
    assert north[("all sections", "after")]["change"] == pytest.approx(50.0)
    assert north[("all sections", "after")]["in_both"] == 3


def test_themes_count_practitioners_once_however_often_observed(tmp_path: Path, capsys) -> None:
    """Issue 15: the practitioners column was the team's size, and repeat observations counted several times."""
    registry(tmp_path)
    store = Store(tmp_path / "s")
    for n in range(4):
        dev = ["open.a"] if n < 3 else ["talk.c"]
        for day in (2, 20):  # each observed twice, with the same development area
            add(
                store,
                team="North",
                practitioner=f"N{n}",
                scores={"open.a": 1},
                when=date(2026, 2, day),
                development=dev,
                strengths=["open.b"],
            )
    doc = _run([*_args(tmp_path, store, 3), "--by", "themes"], capsys)
    [table] = [t for t in doc["tables"] if t["view"] == "themes"]
    north = {
        (r["section"], r["item"]): (r["development_areas"], r["strengths"], r["practitioners"])
        for r in table["rows"]
        if r["team"] == "North"
    }
    # open.a: 3 practitioners (6 links); open.b a strength of all 4; talk.c one practitioner's.
    assert north == {("open", "a"): (3, 0, 3), ("talk", "c"): (1, 0, 1), ("open", "b"): (0, 4, 4)}


def test_team_bands_follow_the_mean_not_its_rounding(tmp_path: Path, capsys) -> None:
    """Issue 15: a team mean of 64.6 showed as 'very high' though the bands say 65 %+."""
    registry(tmp_path)
    store = Store(tmp_path / "s")
    # 64.6 exactly: 0.646 = x * 0.75 + (1 - x) * 0.5 -> x = 0.584; 73 of 125 at 75 % and 52 at 50 %: (5475 + 2600) / 125 = 64.6
    scores = [{"open.a": 2, "open.b": 1}] * 73 + [{"open.a": 1, "open.b": 1}] * 52
    for n, sc in enumerate(scores):
        add(store, team="North", practitioner=f"N{n % 10}", scores=sc, when=date(2026, 2, 1 + n % 28))
    doc = _run(_args(tmp_path, store, 3), capsys)
    north = next(r for r in doc["tables"][0]["rows"] if r["team"] == "North" and r["section"] == "open")
    assert north["mean_percent"] == 64.6 and north["band"] == "high"


def test_an_item_most_marked_na_does_not_show_the_one_score_behind_it(tmp_path: Path, capsys) -> None:
    """Found by the differencing property test once it asked for items: three practitioners, two of
    whom marked Reviews (open.b) NA. Its mean was shown as 100.0 with 'Pract. 3', though it was one
    practitioner's score. A figure now rests on the practitioners who gave the part a level.

    Threshold 3. Reviews: one practitioner with a level, hidden; Agrees (open.a, 1 = 50 % each)
    hidden beside it, since Opening's section figure (P0 (1+2)/4 = 75 %, P1 and P2 1/2 = 50 %:
    58.33) less Agrees would give Reviews. The section is the mean of three practitioners' levels.
    """
    registry(tmp_path)
    store = Store(tmp_path / "store")
    for n, b in enumerate([2, "NA", "NA"]):
        add(store, team="North", practitioner=f"P{n}", scores={"open.a": 1, "open.b": b}, when=date(2026, 2, 10))
    args = _args(tmp_path, store, 3)
    items = [r for r in _rows(_run([*args, "--by", "item"], capsys), "item", "item") if r[1] != "talk"]
    assert items == [
        ("North", None, None, None, None, SECONDARY),
        ("All teams", None, None, None, None, SECONDARY),
    ]
    assert _rows(_run(args, capsys)) == [
        ("North", "open", 3, 58.33, None),
        ("All teams", "open", 3, 58.33, None),
    ]
