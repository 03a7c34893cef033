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
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from harness import REPO, figure
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(REPO / "tests"))

from summary_fixtures import add, registry

from seeds_tui.storage.store import Store
from seeds_tui.team import frames, suppression
from seeds_tui.team import tables as team_tables
from seeds_tui.team.cache import load_rows

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
@pytest.mark.timeout(600)  # a minute on an idle 2-core machine; a loaded one must not turn it into a failure
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


# -- the attacker: differencing any two or three requests -------------------------------------

QUARTERS = [(date(2025, 10, 1), date(2025, 12, 31)), (date(2026, 1, 1), date(2026, 3, 31)),
            (date(2026, 4, 1), date(2026, 6, 30)), (date(2026, 7, 1), date(2026, 9, 30))]  # fmt: skip
LABELS = ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]

#: One practitioner: 1-3 sessions, each in one of four quarters, scoring "open" (at least one level), final or draft.
session = st.tuples(
    st.integers(0, 3), st.sampled_from([0, 1, 2]), st.sampled_from([0, 1, 2, "NA"]), st.sampled_from(["final"] * 4 + ["draft"])
)
service = st.lists(st.lists(st.lists(session, min_size=1, max_size=3), min_size=1, max_size=6), min_size=2, max_size=4)

ATTACKS = {"datasets": 0, "figures": 0, "pairs": 0, "triples": 0}

#: Random team sets over random runs of quarters (first, last), asked for beside the fixed requests.
team_sets = st.lists(st.tuples(st.frozensets(st.integers(0, 3), min_size=1), st.integers(0, 3), st.integers(0, 3)), max_size=2)


def _requests(n_teams: int, drawn: Sequence[tuple[frozenset[int], int, int]] = ()) -> list[dict[str, object]]:
    """The requests a facilitator can make, as far as they can be told apart: every run of whole
    quarters of final observations (or none), a few of drafts and of both, team sets (fixed ones
    and ``drawn``: random team sets over random periods, in the section and item views), the
    item view, the trend view, and training events on and inside a quarter with windows of one
    and two quarters. (Rubrics are not crossed: a session is of one rubric, so figures of two
    rubrics share no session to difference.)"""
    out: list[dict[str, object]] = []

    def ask(view: str, status: str = "final", a: int | None = None, b: int | None = None, teams: object = None, **more: object) -> None:
        out.append({"view": view, "status": status, "from": a, "to": b, "teams": teams, **more})

    ask("section")
    for a in range(4):
        for b in range(a, 4):
            ask("section", "final", a, b)
    for status in ("all", "draft"):
        for a, b in ((None, None), (1, 2), (2, None)):
            ask("section", status, a, b)
    for status in ("final", "all"):
        ask("quarter", status)
    for when, window in ((date(2026, 2, 15), 3), (date(2026, 4, 1), 3), (date(2026, 4, 1), 6)):
        ask("event", "final", event=when, window=window)
    ask("event", "all", event=date(2026, 4, 1), window=3)
    ask("section", "final", teams=["Team 0"])
    ask("section", "final", 1, 2, teams=[f"Team {u}" for u in range(1, n_teams)])
    for a, b in ((None, None), (2, 3)):
        ask("item", "final", a, b)
    ask("item", "all", 1, None)
    for chosen, a, b in drawn:
        names = [f"Team {u}" for u in sorted(chosen) if u < n_teams]
        if names:
            ask("section", "final", min(a, b), max(a, b), teams=names)
            ask("item", "final", min(a, b), max(a, b), teams=names)
    return out


def _left_out(note: str) -> set[str]:
    if note.startswith("leaves out "):
        assert "hidden quarters" not in note  # four quarters: a shown figure leaves out at most three, all listed
        return set(note.removeprefix("leaves out ").split(" (")[0].split(", "))
    return set()


#: A service where many figures are shown, so that nested pairs and triples are always differenced
#: (random draws of a few services may show too few figures to nest): three teams of five
#: practitioners, each seen in every quarter, a draft now and then, one team of two.
RICH = [
    [[(q, (p + q) % 3, (p * q) % 3, "draft" if (p + q + t) % 5 == 0 else "final") for q in range(4)] for p in range(5)] for t in range(3)
] + [[[(q, 1, 2, "final") for q in range(4)] for _ in range(2)]]


def _attack(tmp_path: Path, examples: int) -> None:
    reg = registry(tmp_path)
    counter = iter(range(10**6))

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(teams=service, threshold=st.integers(3, 4), drawn=team_sets)
    @example(teams=RICH, threshold=3, drawn=[(frozenset({0, 3}), 0, 3), (frozenset({1, 2, 3}), 1, 1)])  # type: ignore[arg-type]
    def prop(teams: list[list[list[tuple[int, int, object, str]]]], threshold: int, drawn: list[tuple[frozenset[int], int, int]]) -> None:
        store = Store(tmp_path / f"attack-{next(counter)}")
        truth: dict[str, tuple[str, str, str, str, float]] = {}  # id -> team, practitioner, quarter, status, percent
        item_pct: dict[tuple[str, str], float] = {}  # (id, item) -> the item's percent, when it has a level
        for t, people in enumerate(teams):
            for p, sessions in enumerate(people):
                for n, (q, a, b, status) in enumerate(sessions):
                    when = QUARTERS[q][0].replace(day=2 + 9 * (n % 3))
                    who = f"T{t}-P{p}"
                    oid = add(store, team=f"Team {t}", practitioner=who, scores={"open.a": a, "open.b": b}, when=when, status=status)  # type: ignore[arg-type]
                    levels = [v for v in (a, b) if v != "NA"]
                    truth[oid] = (f"Team {t}", who, LABELS[q], status, 100.0 * sum(levels) / (2 * len(levels)))
                    for item, v in (("a", a), ("b", b)):
                        if v != "NA":
                            item_pct[(oid, item)] = 50.0 * v  # type: ignore[operator]
        rows = load_rows(store, use_cache=False)
        figures: list[tuple[frozenset[str], float, str]] = []
        for req in _requests(len(teams), drawn):
            status = str(req["status"])
            a, b = req["from"], req["to"]
            data = frames.summary_data(
                store, reg, rows=rows, status=status, teams=req["teams"],  # type: ignore[arg-type]
                date_from=QUARTERS[a][0] if a is not None else None, date_to=QUARTERS[b][1] if b is not None else None,
            )  # fmt: skip
            if not data.rubric_ids:
                continue
            wanted = {"final": {"final"}, "draft": {"draft"}, "all": {"final", "draft"}}[status]
            if req["view"] == "event":
                [table] = [t for t in team_tables.build_tables(data, "section", threshold=threshold, before_after=req["event"],
                                                               window=req["window"]) if t.view == "before_after"]  # type: ignore[arg-type]  # fmt: skip
                before, after = team_tables.event_windows(req["event"], req["window"])  # type: ignore[arg-type]
            else:
                [table] = team_tables.build_tables(data, req["view"], threshold=threshold)  # type: ignore[arg-type]
            in_range = set(LABELS[(a or 0) : (b if b is not None else 3) + 1])
            for rec in table.frame.to_dict("records"):
                if rec["suppressed"] or rec.get("section") != "open" or pd.isna(rec.get("mean_percent")):
                    continue
                quarters = {str(rec["quarter"])} if req["view"] == "quarter" else set(in_range)
                if req["view"] == "event":
                    quarters = set(before if rec["period"] == "before" else after)
                quarters -= _left_out(str(rec.get("note") or ""))
                item = str(rec["item"]) if req["view"] == "item" else ""
                ids = frozenset(
                    i for i, (team, _, q, st_, _) in truth.items()
                    if q in quarters and st_ in wanted and (rec["team"] == suppression.ALL_TEAMS or team == rec["team"])
                    and (not item or (i, item) in item_pct)
                )  # fmt: skip
                # A draft and a final of one id cannot happen here: every file has its own id.
                if not item:
                    assert len(ids) == rec["observations"], f"{req} {rec['team']}: the figure is not the sessions it says"
                mean = sum(item_pct[(i, item)] if item else truth[i][4] for i in ids) / len(ids)
                assert abs(mean - float(rec["mean_percent"])) < 1e-6, f"{req} {rec['team']} {item}: not the sessions it says"
                assert len({truth[i][1] for i in ids}) >= threshold, f"{req}: a shown figure rests on too few"
                # An item's figure and a section's are of different scores: differenced only with their own kind.
                figures.append((frozenset(f"{i}/{item}" for i in ids) if item else ids, mean, f"{req} {rec['team']}"))
        # Distinct figures only; the attacker knows each one's sessions (from the request and its note).
        distinct = {ids: (m, label) for ids, m, label in figures}
        sets = list(distinct)
        ATTACKS["figures"] += len(sets)

        def few(ids: frozenset[str]) -> bool:
            return 0 < len({truth[i.split("/")[0]][1] for i in ids}) < threshold

        for big in sets:
            inside = [s for s in sets if s < big]
            for small in inside:
                ATTACKS["pairs"] += 1
                rest = big - small
                assert not few(rest), f"{distinct[big][1]} minus {distinct[small][1]} gives a figure on too few practitioners"
                for other in inside:
                    if other is not small and not (other & small):
                        ATTACKS["triples"] += 1
                        assert not few(rest - other), (
                            f"{distinct[big][1]} minus {distinct[small][1]} and {distinct[other][1]}: a figure on too few practitioners"
                        )
        ATTACKS["datasets"] += 1

    prop()


@pytest.mark.timeout(300)  # about a minute on an idle 2-core machine: 30-odd real summaries per service
def test_no_two_or_three_requests_can_be_differenced_to_a_hidden_figure(tmp_path: Path) -> None:
    """Default run: a rich service and 2 random ones, 30-odd requests each (every period, status, team
    sets fixed and random, the section and item views, trend, events)."""
    for key in ATTACKS:
        ATTACKS[key] = 0
    _attack(tmp_path, 2)
    assert ATTACKS["pairs"] > 0 and ATTACKS["triples"] > 0


@pytest.mark.slow
@pytest.mark.timeout(900)  # each service is a real store summarised 30-odd times: about 2 s per service here
def test_differencing_attack_over_many_services(tmp_path: Path) -> None:
    """Slow run: 40 random services."""
    for key in ATTACKS:
        ATTACKS[key] = 0
    _attack(tmp_path, 40)
    figure("differencing", f"{ATTACKS['datasets']} random services, {ATTACKS['figures']} distinct shown figures, "
           f"{ATTACKS['pairs']} nested pairs and {ATTACKS['triples']} triples differenced: 0 figures on too few practitioners",
           **ATTACKS)  # fmt: skip
