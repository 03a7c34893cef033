"""``seeds-tui summary`` as a facilitator or a script uses it."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from summary_fixtures import add, registry

from seeds_tui.cli import main
from seeds_tui.storage.store import Store


@pytest.fixture
def setup(tmp_path: Path) -> tuple[list[str], Store]:
    """Two teams of three practitioners observed in 2026Q1 (threshold 3), plus a team of one, a draft and a rubric folder."""
    registry(tmp_path)
    store = Store(tmp_path / "store")
    for team in ("North", "<b>South</b>"):
        for n, who in enumerate(("Alex Example", "Bo Example", "Cy Example")):
            add(
                store,
                team=team,
                practitioner=f"{who} {team[:2]}",
                scores={"open.a": n % 3, "open.b": 2, "talk.c": "NA", "talk.d": 1},
                when=date(2026, 2, 10 + n),
                development=["open.a"],
                actions=1,
                globals_={"overall": 3},
            )
    add(store, team="East", practitioner="Dee Lonely", scores={"open.a": 2, "open.b": 2}, when=date(2026, 2, 20))
    add(store, team="North", practitioner="Alex Example No", status="draft", scores={"open.a": 0}, when=date(2026, 2, 21))
    return ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3"], store


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["summary", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_default_is_a_readable_table(setup, capsys) -> None:
    common, _ = setup
    code, out, err = run(common, capsys)
    assert code == 0, err
    assert "Mini rubric (mini): by team and section" in out
    assert "all teams: 7 final observations, 7 practitioners, 3 teams" in out
    north = next(line for line in out.splitlines() if line.startswith("North") and " open " in line)
    assert "Opening" in north and "3" in north
    east = [line for line in out.splitlines() if line.startswith("East")]
    assert len(east) == 1 and "suppressed: fewer than 3 practitioners" in east[0] and " open " not in east[0]
    assert "Alex" not in out and "Dee" not in out


@pytest.mark.parametrize("by", ["section", "item", "composite", "quarter", "themes", "ratings"])
@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "json", "html"])
def test_every_view_in_every_text_format(setup, capsys, by: str, fmt: str) -> None:
    common, _ = setup
    code, out, err = run([*common, "--by", by, "--format", fmt], capsys)
    assert code == 0, err
    assert out.strip()
    assert "Alex" not in out and "Lonely" not in out
    if fmt == "json":
        payload = json.loads(out)
        assert payload["threshold"] == 3 and payload["tables"]
        for table in payload["tables"]:
            for r in table["rows"]:
                if r.get("suppressed"):
                    assert all(r.get(k) is None for k in ("observations", "mean_percent", "mean", "development_areas") if k in r)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows and "team" in rows[0]
    if fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and "<script" not in out
        assert "<b>South</b>" not in out and "&lt;b&gt;South&lt;/b&gt;" in out
    if fmt == "markdown":
        assert out.startswith("# Team summary")


def test_csv_numbers(setup, capsys) -> None:
    common, _ = setup
    code, out, _ = run([*common, "--format", "csv", "--team", "North"], capsys)
    assert code == 0
    rows = {r["section"]: r for r in csv.DictReader(io.StringIO(out)) if r["team"] == "North"}
    # open: (0+2)/4, (1+2)/4, (2+2)/4 = 50, 75, 100 %
    assert float(rows["open"]["mean_percent"]) == 75.0 and rows["open"]["observations"] == "3"
    assert float(rows["talk"]["na"]) == 50.0


def test_xlsx_needs_a_file_and_opens(setup, capsys, tmp_path: Path) -> None:
    common, _ = setup
    target = tmp_path / "out.xlsx"
    code, _, err = run([*common, "--format", "xlsx", "-o", str(target), "--by", "composite"], capsys)
    assert code == 0, err
    from openpyxl import load_workbook

    wb = load_workbook(target)
    assert wb.sheetnames[0] == "About" and len(wb.sheetnames) == 2
    sheet = wb[wb.sheetnames[1]]
    assert sheet["A2"].value == "Team" and sheet["B2"].value == "Composite"
    assert target.stat().st_mode & 0o777 == 0o600


def test_an_event_after_all_data_says_so(setup, capsys) -> None:
    common, _ = setup
    code, out, _ = run([*common, "--by", "quarter", "--event", "2030-01-01", "--format", "json"], capsys)
    assert code == 0
    [event] = [t for t in json.loads(out)["tables"] if t["view"] == "before_after"]
    assert "training event of 2030-01-01" in event["title"] and event["rows"] == []
    code, out, _ = run([*common, "--event", "2030-01-01"], capsys)
    assert code == 0 and "(no observations after 2030-01-01)" in out and "suppressed" not in out.split("2030-01-01")[-1]


def test_per_practitioner_view_is_pseudonymous_unless_names_asked(setup, capsys) -> None:
    common, _ = setup
    code, out, _ = run([*common, "--by", "practitioner"], capsys)
    assert code == 0 and "P-" in out and "Alex" not in out
    code, out, _ = run([*common, "--by", "practitioner", "--names"], capsys)
    assert code == 0 and "Alex Example No" in out


def test_drafts_only_on_request(setup, capsys) -> None:
    common, _ = setup
    _, out, _ = run([*common, "--status", "all", "--format", "json"], capsys)
    # The one draft is a quarter cell of its own below the threshold: with it, 2026Q1 cannot be shown.
    assert json.loads(out)["details"][0].startswith("the observations asked for rest on fewer than 3")
    _, out, _ = run([*common, "--format", "json"], capsys)
    assert "7 final observations" in json.loads(out)["details"][0]


def test_filters_by_date(setup, capsys) -> None:
    common, _ = setup
    _, out, _ = run([*common, "--from", "2026-01-01", "--to", "2026-03-31", "--format", "json"], capsys)
    assert json.loads(out)["details"][0].startswith("all teams: 7 final observations")
    code, _, err = run([*common, "--from", "2026-04-01", "--to", "2026-12-31"], capsys)
    assert code == 1 and "no final observations" in err


@pytest.mark.parametrize(
    "extra",
    [
        ["--from", "yesterday"],
        ["--by", "colour"],
        ["--format", "pdf"],
        ["--threshold", "2"],
        ["--from", "2026-05-01", "--to", "2026-01-01"],
        ["--from", "2026-01-02"],
        ["--to", "2026-05-31"],
        ["--by", "themes", "--event", "2026-04-01"],
        ["--by", "ratings", "--event", "2026-04-01"],
        ["--window", "6"],
        ["--event", "2026-04-01", "--window", "4"],
        ["--names"],
        ["--event", "no-such-event"],
    ],
)
def test_usage_errors_exit_2(setup, capsys, extra: list[str]) -> None:
    common, _ = setup
    code, _, err = run([*common, *extra], capsys)
    assert code == 2
    assert "Traceback" not in err


def test_missing_store_and_no_match_exit_1(setup, capsys, tmp_path: Path) -> None:
    common, _ = setup
    code, _, err = run(["--store", str(tmp_path / "nowhere")], capsys)
    assert code == 1 and "no store" in err
    code, _, err = run([*common, "--team", "Nobody"], capsys)
    assert code == 1 and "no team called 'Nobody'" in err and "known teams: <b>South</b>, East, North" in err
    code, _, err = run([*common, "--team", "North", "--from", "2030-01-01"], capsys)
    assert code == 1 and "no final observations" in err
    code, _, err = run([*common, "--rubric", "unheard-of"], capsys)
    assert code == 1 and "unheard-of" in err


def test_unreadable_files_warn_and_strict_fails(setup, capsys) -> None:
    common, store = setup
    (store.final_dir / "01BROKENBROKENBROKENBROKEN.toml").write_text("= broken")
    code, _, err = run(common, capsys)
    assert code == 0 and "warning:" in err and "01BROKENBROKENBROKENBROKEN.toml" in err
    assert "= broken" not in err
    code, _, _ = run([*common, "--strict"], capsys)
    assert code == 1


def test_output_file_and_help(setup, capsys, tmp_path: Path) -> None:
    common, _ = setup
    target = tmp_path / "summary.html"
    code, out, err = run([*common, "--format", "html", "-o", str(target)], capsys)
    assert code == 0 and out == "" and "wrote" in err
    page = target.read_text()
    assert "<svg" in page and "Mini rubric" in page
    assert main(["summary", "--help"]) == 0
    assert "--threshold" in capsys.readouterr().out


def test_progress_bar_only_for_long_runs(capsys) -> None:
    from seeds_tui.cli.summary import _Progress

    bar = _Progress()
    bar(10, 100)  # short runs draw nothing
    assert capsys.readouterr().err == ""
    bar(500, 1000)
    bar.close()
    err = capsys.readouterr().err
    assert "Reading observations [" in err and "500/1000" in err and err.endswith("\n")


def test_command_module_imports_no_pandas() -> None:
    import subprocess

    probe = "import sys, seeds_tui.cli.summary; print('pandas' in sys.modules, 'pyarrow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[1])
    assert out.stdout.strip() == "False False"


# -- the new-user trial's findings -------------------------------------------------------------------


def test_level_columns_follow_the_rubric_scale_not_the_data(tmp_path: Path, capsys) -> None:
    registry(tmp_path)
    store = Store(tmp_path / "store")
    for who in ("A", "B", "C"):
        add(store, team="North", practitioner=who, scores={"open.a": 2, "open.b": 2})
    args = ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3"]
    code, out, _ = run([*args, "--format", "csv"], capsys)
    assert code == 0
    header = out.splitlines()[0].split(",")
    assert [c for c in header if c.startswith("level_")] == ["level_0", "level_1", "level_2"]  # everyone scored 2
    code, out, _ = run(args, capsys)
    assert "Levels 0-2 %" in out and "Levels 2-2" not in out


def test_heading_keeps_counts_and_dates_below_the_threshold(setup, capsys) -> None:
    common, _ = setup
    code, out, _ = run([*common, "--team", "East", "--format", "json"], capsys)
    assert code == 0
    details = json.loads(out)["details"]
    # The heading is All teams' (every team), whatever was asked: nothing in it is East's alone.
    code, whole, _ = run([*common, "--format", "json"], capsys)
    assert details[:2] == json.loads(whole)["details"][:2]
    assert "teams asked for: East; All teams is every team" in details
    east = json.loads(out)["tables"][0]["rows"]
    assert [r["team"] for r in east] == ["East", "All teams", "All teams"]
    assert east[0]["suppressed"] and east[0]["observations"] is None and east[1]["observations"] == 7
    # Below the threshold nothing is counted or dated.
    one = Store(setup[1].root.parent / "one")
    add(one, team="East", practitioner="Dee Lonely", scores={"open.a": 2})
    code, out, _ = run(["--store", str(one.root), *common[2:], "--format", "json"], capsys)
    details = json.loads(out)["details"]
    assert details[0] == "the final observations asked for rest on fewer than 3 practitioners: counts, dates and teams are not shown"
    assert not any("East" in d or "2026" in d or "1 " in d for d in details)
    # Enough practitioners: counts in the right number.
    code, out, _ = run(common, capsys)
    assert "all teams: 7 final observations, 7 practitioners, 3 teams\n" in out
    assert "sessions in 2026Q1" in out


def test_unknown_rubric_is_the_first_thing_said(setup, capsys) -> None:
    common, store = setup
    for who in ("A", "B"):
        add(store, team="West", practitioner=who, rubric="home-visit", scores={"visit.x": 1})
    code, out, err = run([*common, "--team", "West"], capsys)
    assert code == 1 and out == ""
    first = err.splitlines()[0]
    assert "2 observations use rubric 'home-visit', which is not known" in first and "--rubrics DIR" in first
    assert "match the rubric, teams and dates" not in err


def test_team_names_ignore_case_and_spacing_and_take_several(setup, capsys) -> None:
    common, _ = setup
    code, out, err = run([*common, "--team", "  north ", "<B>SOUTH</B>", "--format", "json"], capsys)
    assert code == 0, err
    teams = {r["team"] for t in json.loads(out)["tables"] for r in t["rows"]}
    assert teams == {"North", "<b>South</b>", "All teams"}
    code, out, err = run([*common, "--team", "North", "--team", "Nowhere", "--format", "json"], capsys)
    assert code == 0 and "no team called 'Nowhere'" in err and "known teams: <b>South</b>, East, North" in err


def test_table_fits_an_80_column_terminal(setup, capsys, monkeypatch) -> None:
    common, _ = setup
    for by in ("section", "item", "composite", "quarter", "themes", "ratings"):
        code, out, _ = run([*common, "--by", by], capsys)  # a pipe: every column
        assert code == 0
        if by in ("section", "item"):
            assert "Title" in out and "Median %" in out and max(map(len, out.splitlines())) > 80
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    for by in ("section", "item", "composite", "quarter", "themes", "ratings"):
        code, out, _ = run([*common, "--by", by], capsys)
        assert code == 0
        table_lines = [ln for ln in out.splitlines() if not ln.startswith(("Team summary", "7 final", "sessions", "percent of"))]
        assert max(map(len, table_lines)) <= 80, (by, max(table_lines, key=len))
        assert "Mean %" in out or by in ("themes", "ratings")
    code, out, _ = run([*common, "--by", "section"], capsys)
    east = next(ln for ln in out.splitlines() if ln.startswith("East"))
    assert east.rstrip().endswith("*") and "* suppressed: fewer than 3 practitioners" in out


def test_wording_of_small_numbers_empty_tables_and_dashes(tmp_path: Path, capsys) -> None:
    registry(tmp_path, other=True)
    store = Store(tmp_path / "store")
    for who in ("A", "B", "C"):
        add(store, team="Solo", practitioner=who, rubric="other", scores={"whole.x": 2})
    add(store, team="Tiny", practitioner="D", rubric="other", scores={"whole.x": 3})
    args = ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3"]
    code, out, _ = run(args, capsys)
    assert "all teams: 4 final observations, 4 practitioners, 2 teams\n" in out
    tiny = next(ln for ln in out.splitlines() if ln.startswith("Tiny"))
    cells = tiny.split()
    assert "suppressed:" in tiny and cells[1 : cells.index("suppressed:")] == ["—"] * (len(cells[1 : cells.index("suppressed:")]))
    code, out, _ = run([*args, "--by", "ratings"], capsys)
    assert code == 0 and "(this rubric has no global ratings, indicators or tallies)" in out and "(no rows)" not in out
    target = tmp_path / "s.xlsx"
    assert run([*args, "--by", "themes", "--format", "xlsx", "-o", str(target)], capsys)[0] == 0
    from openpyxl import load_workbook

    assert load_workbook(target).sheetnames == ["About", "other themes", "other actions"]
    assert run([*args, "--format", "xlsx", "-o", str(target)], capsys)[0] == 0
    assert load_workbook(target).sheetnames == ["About", "other"]


def test_html_trend_lines_break_at_hidden_quarters(tmp_path: Path, capsys) -> None:
    registry(tmp_path)
    store = Store(tmp_path / "store")
    # Six quarters; the third rests on one practitioner.
    sizes = [5, 5, 1, 3, 5, 5]
    for q, size in enumerate(sizes):
        when = date(2025 + q // 4, 1 + 3 * (q % 4), 15)
        for n in range(size):
            add(store, team="North", practitioner=f"P{q}{n}", scores={"open.a": 1 + (q % 2)}, when=when)
    args = ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3"]
    code, out, _ = run([*args, "--by", "quarter", "--format", "html"], capsys)
    assert code == 0
    chart = next(f for f in out.split("<figure>") if 'aria-label="open"' in f)
    # Only the one-practitioner quarter is hidden (a period figure leaves it out, so no other
    # quarter has to go with it): 2025Q1-Q2, then 2025Q4-2026Q2; North's line and All teams' (dashed).
    assert chart.count("<polyline") == 4 and chart.count("<circle") == 10
    assert chart.count("<title>North ") == 5 and chart.count('stroke-dasharray="5,3"') == 2


def test_dates_typed_the_uk_way_give_what_iso_dates_give(setup, capsys, tmp_path: Path) -> None:
    """--from/--to, --event, export and event add read 01/01/2026 as 1 January 2026, day first."""
    common, store = setup
    for by in ("section", "quarter"):
        iso = run([*common, "--by", by, "--format", "csv", "--from", "2026-01-01", "--to", "2026-06-30", "--event", "2026-04-01"], capsys)
        uk = run([*common, "--by", by, "--format", "csv", "--from", "01/01/2026", "--to", "30/06/2026", "--event", "1/4/2026"], capsys)
        assert iso[0] == 0 and uk == iso, by
    exported = []
    for n, when in enumerate(("2026-01-01", "01/01/2026")):
        out = tmp_path / f"{n}.csv"
        assert main(["export", *common[:4], "--from", when, "-q", "-o", str(out)]) == 0
        exported.append(out.read_text())
    assert exported[0] == exported[1] and "2026-02-10" in exported[0]
    for when in ("2025-12-31", "31/12/2025"):  # the date is read, not ignored: nothing before it
        assert main(["export", *common[:4], "--to", when, "-q", "-o", str(tmp_path / "none.csv")]) == 1
    assert main(["event", "add", "--store", str(store.root), "--date", "15/04/2026", "--title", "Follow-up", "--id", "uk"]) == 0
    assert "date = 2026-04-15" in (store.root / "events" / "uk.toml").read_text()
    code, _, err = run([*common, "--from", "31/02/2026"], capsys)
    assert code == 2 and "has no day 31" in err and "day first" in err


@pytest.mark.parametrize("view", ["section", "item", "composite", "quarter", "themes", "ratings", "practitioner", "actions", "coverage"])
def test_json_says_missing_as_null_never_an_empty_string(setup, capsys, view: str) -> None:
    """One meaning for missing, as in the exports: a suppressed row's section, a row without a note."""
    common, _ = setup
    code, out, err = run([*common, "--by", view, "--format", "json"], capsys)
    assert code == 0, err
    rows = [row for table in json.loads(out)["tables"] for row in table["rows"]]
    assert rows and not [(key, row) for row in rows for key, value in row.items() if value == ""]
