"""Actions and coverage as content (issue 15): recurring actions by item and by wording, how carried
actions ended, and who has been observed. Small hand-built stores, expected tables written out by hand."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from summary_fixtures import add, registry

from seeds_tui.cli import main
from seeds_tui.core.observation import Action
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.team import frames
from seeds_tui.team import tables as team_tables
from seeds_tui.team.pseudonyms import pseudonym, pseudonym_key

SCORES = {"open.a": 1, "open.b": 2, "talk.c": 2, "talk.d": 1}
Q2 = date(2026, 5, 4)


def rows(frame: pd.DataFrame, columns: list[str]) -> list[list[Any]]:
    """The frame's rows as plain lists, missing values as None."""
    out = []
    for rec in frame.loc[:, columns].astype(object).to_dict("records"):
        out.append([None if (not isinstance(v, str) and pd.isna(v)) else v for v in rec.values()])
    return out


# -- the model --------------------------------------------------------------------------------


def test_an_action_may_link_the_item_it_addresses_and_older_files_need_not() -> None:
    assert Action(text="Agree an agenda").item is None
    assert Action(text="Agree an agenda", item="open.a").item == "open.a"
    with pytest.raises(ValueError):
        Action(text="Agree an agenda", item="not an item key")


def test_validate_refuses_a_link_to_an_item_the_rubric_has_not(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry(tmp_path)
    store = Store(tmp_path / "store")
    add(store, team="North", practitioner="Pat", scores=SCORES, agreed=[("Agree an agenda", "open.a")])
    bad = add(store, team="North", practitioner="Sam", scores=SCORES, agreed=[("Agree an agenda", "open.zz")])
    code = main(["validate", str(store.root), "--rubrics", str(tmp_path / "rubrics")])
    out = capsys.readouterr()
    assert code == 1
    text = out.out + out.err
    assert bad in text and "feedback.actions.0.item" in text and "linked item is not in this rubric" in text
    assert "1 invalid" in text


# -- recurring actions ------------------------------------------------------------------------


@pytest.fixture
def actions_store(tmp_path: Path) -> tuple[Store, RubricRegistry]:
    """North (N1 twice, N2, N3) and South (S1, S2, S3), all in 2026Q2, with actions worded alike or not."""
    reg = registry(tmp_path)
    store = Store(tmp_path / "store")
    agenda = ("Agree an agenda at the start.", "open.a")
    add(store, team="North", practitioner="N1", scores=SCORES, when=Q2, agreed=[agenda, ("Use more open questions", "talk.c")])
    add(store, team="North", practitioner="N1", scores=SCORES, when=date(2026, 6, 1), agreed=[agenda])
    add(store, team="North", practitioner="N2", scores=SCORES, when=Q2, agreed=[("Agree the agenda at the start!", "open.a")])
    add(store, team="North", practitioner="N3", scores=SCORES, when=Q2, agreed=[("Bring a case to supervision.", None)])
    add(store, team="South", practitioner="S1", scores=SCORES, when=Q2, agreed=[("Agree an agenda at the start of the session.", "open.a")])
    add(store, team="South", practitioner="S2", scores=SCORES, when=Q2, agreed=[agenda])
    add(store, team="South", practitioner="S3", scores=SCORES, when=Q2, agreed=[("Use more open questions.", "talk.c")])
    return store, reg


def test_recurring_actions_by_the_item_they_address(actions_store) -> None:
    store, reg = actions_store
    data = frames.summary_data(store, reg)
    table = team_tables.action_items_table(data.actions, data.observations, data.rubric, threshold=3)
    cols = ["team", "section", "item", "title", "actions", "observations", "practitioners", "suppressed", "note"]
    assert rows(table, cols) == [
        ["North", "open", "a", "Agrees the agenda", 3, 3, 2, False, ""],
        ["North", "", "", "not linked to an item", 1, 1, 1, False, ""],
        ["North", "talk", "c", "Open questions", 1, 1, 1, False, ""],
        ["South", "open", "a", "Agrees the agenda", 2, 2, 2, False, ""],
        ["South", "talk", "c", "Open questions", 1, 1, 1, False, ""],
        ["All teams", "open", "a", "Agrees the agenda", 5, 5, 4, False, ""],
        ["All teams", "talk", "c", "Open questions", 2, 2, 2, False, ""],
        ["All teams", "", "", "not linked to an item", 1, 1, 1, False, ""],
    ]


def test_recurring_actions_by_wording_show_only_groups_on_enough_practitioners(actions_store) -> None:
    store, reg = actions_store
    data = frames.summary_data(store, reg)
    table = team_tables.action_wording_table(data.actions, data.observations, threshold=3)
    cols = ["team", "wording", "linked_item", "actions", "observations", "practitioners", "suppressed", "note"]
    # The three agenda wordings are one group (same key words, or 3 of 4 shared); on 2
    # practitioners per team it is shown only for All teams (4). "open questions" rests on 2: never shown.
    assert rows(table, cols) == [
        ["North", "no wording on 3 or more practitioners", "", None, None, None, False, ""],
        ["South", "no wording on 3 or more practitioners", "", None, None, None, False, ""],
        ["All teams", "Agree an agenda at the start.", "open.a", 5, 5, 4, False, ""],
    ]
    assert team_tables.wording_key("Agree the agenda at the start!") == team_tables.wording_key("agree an AGENDA, at the start")
    four = team_tables.wording_key("Agree an agenda at the start of the session.")
    assert four == "agenda agree session start"
    assert len(set(team_tables.wording_groups([four, "agenda agree start"]).values())) == 1
    assert len(set(team_tables.wording_groups(["agenda agree start", "agreeing agenda start"]).values())) == 2


def test_a_wording_that_may_name_someone_is_never_shown(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    store = Store(tmp_path / "store")
    for who in ("A", "B", "C"):
        add(store, team="North", practitioner=who, scores=SCORES, when=Q2, agreed=[("Discuss Mr Smith's letter in supervision", None)])
    data = frames.summary_data(store, reg)
    table = team_tables.action_wording_table(data.actions, data.observations, threshold=3)
    assert "Smith" not in table.to_string()
    assert rows(table, ["team", "wording", "practitioners"]) == [
        ["North", "no wording on 3 or more practitioners", None],
        ["All teams", "no wording on 3 or more practitioners", None],
    ]
    # Still counted by item: the flag keeps the words out, not the action.
    items = team_tables.action_items_table(data.actions, data.observations, data.rubric, threshold=3)
    assert rows(items, ["team", "title", "actions", "practitioners"]) == [
        ["North", "not linked to an item", 3, 3],
        ["All teams", "not linked to an item", 3, 3],
    ]


def test_a_small_team_is_hidden_whole_and_protected_from_all_teams(actions_store) -> None:
    store, reg = actions_store
    add(store, team="East", practitioner="E1", scores=SCORES, when=Q2, agreed=[("Agree an agenda at the start.", "open.a")])
    data = frames.summary_data(store, reg)
    table = team_tables.action_items_table(data.actions, data.observations, data.rubric, threshold=3)
    # East (1 practitioner) hides primarily; North (the smaller of North and South, first by order)
    # hides to protect it, so All teams is South plus the two hidden together (4 practitioners).
    assert rows(table, ["team", "title", "actions", "observations", "practitioners", "note"]) == [
        ["East", "", None, None, None, "suppressed: fewer than 3 practitioners"],
        ["North", "", None, None, None, "suppressed: would reveal a hidden figure"],
        ["South", "Agrees the agenda", 2, 2, 2, ""],
        ["South", "Open questions", 1, 1, 1, ""],
        ["All teams", "Agrees the agenda", 6, 6, 5, ""],
        ["All teams", "Open questions", 2, 2, 2, ""],
        ["All teams", "not linked to an item", 1, 1, 1, ""],
    ]
    text = team_tables.build_tables(data, "actions", threshold=3)
    assert [t.view for t in text] == ["action_items", "action_wording", "carried"]
    for t in text:
        east = t.frame.loc[t.frame["team"] == "East"]
        assert len(east) == 1 and bool(east["suppressed"].iloc[0])


# -- how carried actions ended ----------------------------------------------------------------


def test_how_carried_actions_ended_per_team_and_quarter(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    store = Store(tmp_path / "store")
    first: dict[str, str] = {}
    for team, people in (("North", ("N1", "N2", "N3")), ("South", ("S1", "S2", "S3"))):
        for who in people:
            first[who] = add(
                store, team=team, practitioner=who, scores=SCORES, when=date(2026, 2, 2), agreed=[("One", None), ("Two", None)]
            )
    later = {
        "N1": [(first["N1"], 0, "done")],
        "N2": [(first["N2"], 0, "ongoing")],
        "S1": [(first["S1"], 0, "dropped"), (first["S1"], 1, None)],
    }
    for team, people in (("North", ("N1", "N2", "N3")), ("South", ("S1", "S2", "S3"))):
        for who in people:
            add(store, team=team, practitioner=who, scores=SCORES, when=date(2026, 5, 5), carried=later.get(who, []))  # type: ignore[arg-type]
    # In 2026Q3 only N2 is observed: the ongoing action is done. That quarter rests on one practitioner.
    add(store, team="North", practitioner="N2", scores=SCORES, when=date(2026, 8, 8), carried=[(first["N2"], 0, "done")])
    data = frames.summary_data(store, reg)
    table = team_tables.carried_table(data.carried, data.observations, threshold=3)
    cols = ["team", "period", "actions", "done", "ongoing", "dropped", "not_reviewed", "practitioners", "suppressed", "note"]
    few = "suppressed: fewer than 3 practitioners"
    leaves = "leaves out 2026Q3 (hidden for privacy)"
    assert rows(table, cols) == [
        ["North", "2026Q1", 0, 0, 0, 0, 0, 0, False, ""],
        ["North", "2026Q2", 2, 1, 1, 0, 0, 2, False, ""],
        ["North", "2026Q3", None, None, None, None, None, None, True, few],
        # The whole period leaves out the hidden quarter: N2's action stands as it did in 2026Q2.
        ["North", "whole period", 2, 1, 1, 0, 0, 2, False, leaves],
        ["South", "2026Q1", 0, 0, 0, 0, 0, 0, False, ""],
        ["South", "2026Q2", 2, 0, 0, 1, 1, 1, False, ""],
        ["South", "2026Q3", None, None, None, None, None, None, True, few],
        ["South", "whole period", 2, 0, 0, 1, 1, 1, False, ""],
        ["All teams", "2026Q1", 0, 0, 0, 0, 0, 0, False, ""],
        ["All teams", "2026Q2", 4, 1, 1, 1, 1, 3, False, ""],
        ["All teams", "2026Q3", None, None, None, None, None, None, True, few],
        ["All teams", "whole period", 4, 1, 1, 1, 1, 3, False, leaves],
    ]


# -- coverage ---------------------------------------------------------------------------------


@pytest.fixture
def coverage_store(tmp_path: Path) -> tuple[Store, RubricRegistry]:
    reg = registry(tmp_path)
    store = Store(tmp_path / "store")
    add(store, team="North", practitioner="Nia One", scores={"open.a": "NO", "open.b": 2, "talk.c": 2, "talk.d": 2}, when=date(2026, 2, 10))
    add(
        store,
        team="North",
        practitioner="Nia One",
        scores={"open.a": 1, "open.b": "NO", "talk.c": 2, "talk.d": "NA"},
        when=date(2026, 5, 4),
    )
    add(
        store,
        team="North",
        practitioner="Ned Two",
        scores={"open.a": 2, "open.b": 2, "talk.c": "NO", "talk.d": "NO"},
        when=date(2026, 5, 6),
    )
    add(store, team="North", practitioner="Nat Three", scores=SCORES, when=date(2025, 11, 3))
    add(store, team="South", practitioner="Sol One", scores={"open.a": 0, "open.b": 1, "talk.c": 1, "talk.d": 1}, when=date(2026, 5, 5))
    add(store, team="South", practitioner="Sue Draft", scores=SCORES, when=date(2026, 5, 5), status="draft")
    return store, reg


def test_coverage_lists_who_was_observed_in_the_period_and_who_was_not(coverage_store) -> None:
    store, reg = coverage_store
    data = frames.summary_data(store, reg, date_from=date(2026, 4, 1), date_to=date(2026, 6, 30))
    [table] = team_tables.build_tables(data, "coverage", names=True)
    assert table.title == "Mini rubric (mini): coverage by practitioner (names)"
    cols = ["practitioner", "team", "observations", "last_observed", "no"]
    assert rows(table.frame, cols) == [
        ["Nat Three", "North", 0, "2025-11-03", None],
        ["Nia One", "North", 1, "2026-05-04", 25.0],
        ["Sol One", "South", 1, "2026-05-05", 0.0],
        ["Ned Two", "North", 1, "2026-05-06", 50.0],
    ]
    north = frames.summary_data(store, reg, teams=["north"], date_from=date(2026, 4, 1), date_to=date(2026, 6, 30))
    [table] = team_tables.build_tables(north, "coverage", names=True)
    assert [r[0] for r in rows(table.frame, cols)] == ["Nat Three", "Nia One", "Ned Two"]
    # Last observed is ever, in the store: a period before it still shows the later date.
    early = frames.summary_data(store, reg, date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))
    [table] = team_tables.build_tables(early, "coverage", names=True)
    assert rows(table.frame, cols) == [
        ["Nat Three", "North", 0, "2025-11-03", None],
        ["Sol One", "South", 0, "2026-05-05", None],
        ["Ned Two", "North", 0, "2026-05-06", None],
        ["Nia One", "North", 1, "2026-05-04", 25.0],
    ]


def test_coverage_is_pseudonymous_unless_names_are_asked_for(coverage_store) -> None:
    store, reg = coverage_store
    data = frames.summary_data(store, reg, date_from=date(2026, 4, 1), date_to=date(2026, 6, 30))
    key = pseudonym_key(store)
    [table] = team_tables.build_tables(data, "coverage", key=key)
    assert list(table.frame["practitioner"]) == [pseudonym(n, key) for n in ("Nat Three", "Nia One", "Sol One", "Ned Two")]
    assert "pseudonymous labels" in table.title
    with pytest.raises(frames.SummaryError):
        team_tables.build_tables(data, "coverage")


# -- the command line -------------------------------------------------------------------------


def summary(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["summary", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "json", "html"])
def test_actions_in_every_text_format(actions_store, capsys, fmt: str, tmp_path: Path) -> None:
    store, _ = actions_store
    common = ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3"]
    code, out, err = summary([*common, "--by", "actions", "--format", fmt], capsys)
    assert code == 0, err
    assert "N1" not in out and "Use more open questions" not in out
    if fmt == "json":
        payload = json.loads(out)
        assert [t["view"] for t in payload["tables"]] == ["action_items", "action_wording", "carried"]
        wording = payload["tables"][1]["rows"]
        assert [(r["team"], r["wording"], r["practitioners"]) for r in wording][-1] == ("All teams", "Agree an agenda at the start.", 4)
    elif fmt == "csv":
        got = list(csv.DictReader(io.StringIO(out)))
        assert {r["view"] for r in got} == {"action_items", "action_wording", "carried"}
        agenda = [r for r in got if r["view"] == "action_items" and r["team"] == "All teams" and r["item"] == "a"]
        assert [(r["actions"], r["observations"], r["practitioners"]) for r in agenda] == [("5", "5", "4")]
    elif fmt == "html":
        assert "Which actions recur, in similar words?" in out and "How did the actions carried" in out
    else:
        assert "recurring actions by the item they address" in out and "how carried actions ended" in out
        assert "Agree an agenda at the start." in out


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "json", "html"])
def test_coverage_in_every_text_format(coverage_store, capsys, fmt: str, tmp_path: Path) -> None:
    store, _ = coverage_store
    common = ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--from", "2026-04-01", "--to", "2026-06-30"]
    code, out, err = summary([*common, "--by", "coverage", "--format", fmt], capsys)
    assert code == 0, err
    assert "Nat" not in out and "Nia" not in out
    key = pseudonym_key(store)
    assert pseudonym("Nat Three", key) in out
    if fmt == "json":
        [table] = json.loads(out)["tables"]
        assert table["view"] == "coverage"
        assert [(r["observations"], r["last_observed"], r["no"]) for r in table["rows"]] == [
            (0, "2025-11-03", None), (1, "2026-05-04", 25.0), (1, "2026-05-05", 0.0), (1, "2026-05-06", 50.0)
        ]  # fmt: skip
    code, out, err = summary([*common, "--by", "coverage", "--names", "--format", fmt], capsys)
    assert code == 0, err
    assert "Nat Three" in out and "Sue Draft" not in out


def test_actions_and_coverage_to_excel(actions_store, capsys, tmp_path: Path) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    store, _ = actions_store
    common = ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3"]
    target = tmp_path / "actions.xlsx"
    code, _, err = summary([*common, "--by", "actions", "--format", "xlsx", "-o", str(target)], capsys)
    assert code == 0, err
    book = load_workbook(target)
    assert book.sheetnames == ["About", "mini action items", "mini action wording", "mini carried"]
    sheet = book["mini action items"]
    assert [c.value for c in sheet[2]][:7] == ["Team", "Section", "Item", "Title", "Actions", "Obs", "Pract."]
    assert sheet.auto_filter.ref and sheet["E3"].number_format == "0"
    target = tmp_path / "coverage.xlsx"
    code, _, err = summary([*common, "--by", "coverage", "--format", "xlsx", "-o", str(target)], capsys)
    assert code == 0, err
    sheet = load_workbook(target)["mini"]
    assert [c.value for c in sheet[2]] == ["Practitioner", "Team", "Obs", "Last observed", "NO %"]


def test_names_and_event_with_the_new_views(actions_store, capsys, tmp_path: Path) -> None:
    store, _ = actions_store
    common = ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3"]
    code, _, err = summary([*common, "--by", "actions", "--names"], capsys)
    assert code == 2 and "--names" in err
    code, _, err = summary([*common, "--by", "coverage", "--event", "2026-04-01"], capsys)
    assert code == 2 and "--event" in err


def test_the_python_api_gives_the_new_views(actions_store, tmp_path: Path) -> None:
    import seeds_tui

    store, _ = actions_store
    tables = seeds_tui.summary_tables(store, "actions", threshold=3, rubric_dirs=[tmp_path / "rubrics"])
    assert [t.view for t in tables] == ["action_items", "action_wording", "carried"]
    [coverage] = seeds_tui.summary_tables(store, "coverage", rubric_dirs=[tmp_path / "rubrics"])
    key = pseudonym_key(store)
    assert set(coverage.frame["practitioner"]) == {pseudonym(n, key) for n in ("N1", "N2", "N3", "S1", "S2", "S3")}
    [named] = seeds_tui.summary_tables(store, "coverage", names=True, rubric_dirs=[tmp_path / "rubrics"])
    assert list(named.frame["practitioner"]) == ["N2", "N3", "S1", "S2", "S3", "N1"]


def test_the_actions_tables_fit_an_80_column_terminal(actions_store) -> None:
    from seeds_tui.render import summary as render

    store, reg = actions_store
    data = frames.summary_data(store, reg)
    doc = render.SummaryDocument("Team summary", [], team_tables.build_tables(data, "actions", threshold=3))
    text = render.render_table(doc, width=80)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "Agree an agenda at the start." in text  # a wording is shortened last, never left out


def test_an_action_linked_to_a_renamed_item_follows_it_and_one_to_a_retired_item_is_unlinked(tmp_path: Path) -> None:
    from seeds_tui.core.observation import load_observation
    from seeds_tui.core.versions import remap_scores

    reg = registry(tmp_path, v2=True)
    store = Store(tmp_path / "store")
    for who in ("A", "B", "C"):
        add(
            store,
            team="North",
            practitioner=who,
            scores=SCORES,
            when=Q2,
            agreed=[("Agree an agenda", "open.a"), ("Reflect more", "talk.d")],
        )
    data = frames.summary_data(store, reg)
    table = team_tables.action_items_table(data.actions, data.observations, data.rubric, threshold=3)
    assert rows(table, ["team", "section", "item", "title", "actions"]) == [
        ["North", "", "", "not linked to an item", 3],
        ["North", "open", "a2", "Agrees the agenda", 3],
        ["All teams", "", "", "not linked to an item", 3],
        ["All teams", "open", "a2", "Agrees the agenda", 3],
    ]
    obs = load_observation(next(store.final_dir.glob("*.toml")))
    moved = remap_scores(obs, reg.get("mini").rubric)
    assert [(a.text, a.item) for a in moved.feedback.actions] == [("Agree an agenda", "open.a2"), ("Reflect more", None)]


# -- the page a facilitator projects: charts of actions and coverage --------------------------


def _figures(page: str, view: str) -> dict[str, list[int]]:
    """Each figure's caption and the counts its bars (or bar parts) stand for, in one view's part of the page."""
    part = page.split(f'class="question view-{view}"', 1)[1].split("</section>", 1)[0]
    found = {}
    for caption, svg in re.findall(r"<figcaption>([^<]*)</figcaption>(<svg.*?</svg>)", part):
        found[html.unescape(caption)] = [int(v) for v in re.findall(r'class="(?:bar|part)" data-value="(\d+)"', svg)]
    return found


def test_the_page_charts_how_carried_actions_ended_and_what_actions_address(actions_store, capsys, tmp_path: Path) -> None:
    store, _ = actions_store
    common = ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3"]
    code, out, err = summary([*common, "--by", "actions", "--format", "html"], capsys)
    assert code == 0, err
    payload = json.loads(summary([*common, "--by", "actions", "--format", "json"], capsys)[1])
    carried = {}
    for r in payload["tables"][2]["rows"]:
        if not r["suppressed"]:
            carried.setdefault(r["team"], []).extend(v for v in (r["done"], r["ongoing"], r["dropped"], r["not_reviewed"]) if v)
    # Every shown quarter is a bar split by how its actions ended: the parts are the table's counts.
    assert _figures(out, "carried") == carried
    linked = {}
    for r in sorted(payload["tables"][0]["rows"], key=lambda r: -r["actions"]):
        if r["item"] and not r["suppressed"]:
            linked.setdefault(r["team"], []).append(r["actions"])
    assert _figures(out, "action_items") == {team: counts[:5] for team, counts in linked.items()}


def test_the_coverage_chart_sorts_each_team_by_time_since_last_observed(coverage_store, capsys, tmp_path: Path) -> None:
    store, _ = coverage_store
    common = ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--from", "2026-04-01", "--to", "2026-06-30"]
    code, out, err = summary([*common, "--by", "coverage", "--format", "html"], capsys)
    assert code == 0, err
    part = out.split('class="question view-coverage"', 1)[1].split("</section>", 1)[0]
    # North: Nia One and Ned Two seen within three months of the latest observation (6 May 2026),
    # Nat Three not observed in these dates; South: Sol One seen. Counts, not names or labels.
    parts = re.findall(r"<title>([^<]*): (\d+) of (\d+)", part)
    assert [(html.unescape(t), int(n), int(of)) for t, n, of in parts] == [
        ("North, within 3 months", 2, 3),
        ("North, not observed in these dates", 1, 3),
        ("South, within 3 months", 1, 1),
    ]
    assert "06/05/2026" in part and pseudonym("Nat Three", pseudonym_key(store)) not in part.split("<details", 1)[0]
