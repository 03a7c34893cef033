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
from seeds_tui.store import Store


@pytest.fixture
def setup(tmp_path: Path) -> tuple[list[str], Store]:
    """Two teams of three practitioners (threshold 3), plus a team of one, a draft and a rubric folder."""
    registry(tmp_path)
    store = Store(tmp_path / "store")
    for team in ("North", "<b>South</b>"):
        for n, who in enumerate(("Alex Example", "Bo Example", "Cy Example")):
            add(
                store,
                team=team,
                practitioner=f"{who} {team[:2]}",
                scores={"open.a": n % 3, "open.b": 2, "talk.c": "NA", "talk.d": 1},
                when=date(2026, 2 + n * 3, 10),
                development=["open.a"],
                actions=1,
                globals_={"overall": 3},
            )
    add(store, team="East", practitioner="Dee Lonely", scores={"open.a": 2, "open.b": 2})
    add(store, team="North", practitioner="Alex Example No", status="draft", scores={"open.a": 0})
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
    assert "7 final observations, 7 practitioners, 3 teams" in out
    north = next(line for line in out.splitlines() if line.startswith("North") and " open " in line)
    assert "Opening" in north and "3" in north
    east = next(line for line in out.splitlines() if line.startswith("East") and " open " in line)
    assert "suppressed: fewer than 3 practitioners" in east
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


def test_before_after_a_training_event(setup, capsys) -> None:
    common, _ = setup
    code, out, _ = run([*common, "--by", "quarter", "--event", "2026-04-01", "--format", "json"], capsys)
    assert code == 0
    titles = [t["title"] for t in json.loads(out)["tables"]]
    assert any("before and after 2026-04-01" in t for t in titles)


def test_per_practitioner_view_is_pseudonymous_unless_names_asked(setup, capsys) -> None:
    common, _ = setup
    code, out, _ = run([*common, "--by", "practitioner"], capsys)
    assert code == 0 and "P-" in out and "Alex" not in out
    code, out, _ = run([*common, "--by", "practitioner", "--names"], capsys)
    assert code == 0 and "Alex Example No" in out


def test_drafts_only_on_request(setup, capsys) -> None:
    common, _ = setup
    _, out, _ = run([*common, "--status", "all", "--format", "json"], capsys)
    assert "8 observations" in json.loads(out)["details"][0]
    _, out, _ = run([*common, "--format", "json"], capsys)
    assert "7 final observations" in json.loads(out)["details"][0]


def test_filters_by_date(setup, capsys) -> None:
    common, _ = setup
    _, out, _ = run([*common, "--from", "2026-04-01", "--to", "2026-12-31", "--format", "json"], capsys)
    assert json.loads(out)["details"][0].startswith("5 final observations")


@pytest.mark.parametrize(
    "extra",
    [
        ["--from", "yesterday"],
        ["--by", "colour"],
        ["--format", "pdf"],
        ["--threshold", "2"],
        ["--from", "2026-05-01", "--to", "2026-01-01"],
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
