"""An option a command does not use is a usage error (exit 2) with a message, never silently ignored.

A script author who writes ``seeds-tui validate --store S`` believing it checks the store, or
``seeds-tui demo --rubrics DIR`` believing the demo uses their rubrics, must be told at once,
before anything is written; the same command without the option works.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from seeds_tui.cli import main


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("unused") / "store"
    assert main(["demo", "--store", str(store), "-n", "12", "--seed", "4"]) == 0
    return store


def _cases(store: Path, elsewhere: Path) -> dict[str, tuple[list[str], str]]:
    """Each command with a common option it does not read, and the option named in the message."""
    rubrics = str(elsewhere)
    return {
        "schema with a store": (["schema", "--store", str(store), "observation"], "--store"),
        "schema with rubrics": (["schema", "observation", "--rubrics", rubrics], "--rubrics"),
        "validate with a store": (["validate", "--store", str(store), str(store / "observations")], "--store"),
        "rubric list with a store": (["rubric", "list", "--store", str(store)], "--store"),
        "rubric check with a store": (["--store", str(store), "rubric", "check", str(elsewhere / "x.toml")], "--store"),
        "demo with rubrics": (["demo", "--store", str(elsewhere / "new-demo"), "--rubrics", rubrics, "-n", "3"], "--rubrics"),
        "event list with rubrics": (["event", "list", "--store", str(store), "--rubrics", rubrics], "--rubrics"),
        "event add with rubrics": (
            ["event", "add", "--store", str(store), "--rubrics", rubrics, "--date", "2026-04-01", "--title", "Follow-up"],
            "--rubrics",
        ),
        "publish with rubrics": (["publish", "--store", str(store), "--rubrics", rubrics, "--to", str(elsewhere / "shared")], "--rubrics"),
        "import --json with --verbose": (
            ["import", "--store", str(elsewhere / "target"), "--json", "-v", str(store / "observations")],
            "--verbose",
        ),
    }


def test_every_unused_option_is_refused_with_exit_2_before_anything_is_written(
    demo_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.toml").write_text("id = 'x'\n", encoding="utf-8")
    events = demo_store / "events"
    before = sorted(p.name for p in events.iterdir()) if events.is_dir() else []
    for label, (args, option) in _cases(demo_store, tmp_path).items():
        code, out, err = _run(args, capsys)
        assert code == 2, f"{label}: exit {code}"
        assert option in err and "does nothing" in err, f"{label}: {err!r}"
        assert "Traceback" not in err
        # Nothing printed as if it ran (a --json run gets only the error object).
        assert out == "" or json.loads(out)["ok"] is False, f"{label}: printed as if it ran"
    # Nothing was written: no demo store, no shared store, no import target, no event.
    assert not (tmp_path / "new-demo").exists()
    assert not (tmp_path / "shared").exists() or not any((tmp_path / "shared").iterdir())
    assert not (tmp_path / "target").exists()
    assert (sorted(p.name for p in events.iterdir()) if events.is_dir() else []) == before


def test_the_same_commands_without_the_option_work(demo_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["schema", "observation"], capsys)[0] == 0
    assert _run(["validate", str(demo_store / "observations"), "-q"], capsys)[0] == 0
    assert _run(["rubric", "list"], capsys)[0] == 0
    assert _run(["event", "list", "--store", str(demo_store)], capsys)[0] == 0
    code, out, _ = _run(["import", "--store", str(tmp_path / "target"), "--json", str(demo_store / "observations")], capsys)
    assert code == 0 and json.loads(out)["counts"]["imported"] == 12


def test_a_json_run_gets_the_refusal_as_one_json_object_on_stdout(demo_store: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "seeds_tui", "validate", "--store", str(demo_store), "--json", str(demo_store / "observations")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    answer = json.loads(done.stdout)
    assert answer["ok"] is False and answer["exit_code"] == 2 and "--store" in answer["error"]


#: Every summary view and the view-dependent options it uses, written out by hand (the other
#: options, --rubric --team --from --to --status --format -o --strict --no-cache, every view reads).
SUMMARY_USES = {
    "section": {"--event", "--window", "--threshold"},
    "item": {"--event", "--window", "--threshold"},
    "composite": {"--event", "--window", "--threshold"},
    "quarter": {"--event", "--window", "--threshold"},
    "themes": {"--threshold"},
    "ratings": {"--threshold"},
    "practitioner": {"--names", "--threshold"},  # the threshold of the heading's counts
    "actions": {"--threshold"},
    "coverage": {"--names", "--threshold"},
    "voice": {"--threshold"},
    "sets": {"--window", "--threshold"},
    "self": {"--threshold"},
}


def test_every_summary_view_refuses_each_option_it_does_not_use(demo_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each view with each view-dependent option: refused with exit 2 naming the option, or run (not 2)."""
    from seeds_tui.cli.summary import VIEWS

    assert set(SUMMARY_USES) == set(VIEWS)
    given = {
        "--event": ["--event", "2026-01-15"],
        "--window": ["--window", "6"],
        "--threshold": ["--threshold", "3"],
        "--names": ["--names"],
    }
    wrong = []
    for view in VIEWS:
        for option, extra in given.items():
            if option == "--window" and "--event" in SUMMARY_USES[view] and view != "sets":
                extra = [*extra, "--event", "2026-01-15"]  # the window of an event
            code, out, err = _run(["summary", "--store", str(demo_store), "--by", view, *extra], capsys)
            used = option in SUMMARY_USES[view]
            if used and code == 2:
                wrong.append(f"--by {view} {option}: refused ({err.strip()})")
            if not used and (code != 2 or option not in err or out):
                wrong.append(f"--by {view} {option}: exit {code}, not refused")
            assert "Traceback" not in err
    assert not wrong, "\n".join(wrong)


def test_the_per_practitioner_views_do_not_claim_to_suppress(demo_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["summary", "--store", str(demo_store), "--by", "coverage"], capsys)
    assert code == 0
    assert "none suppressed" in out and "are suppressed" not in out


def test_report_refuses_a_store_it_would_not_read(demo_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The sheet is of FILE: --store only keeps -o out of a store, so without -o it is refused."""
    file = next((demo_store / "observations").glob("*.toml"))
    code, out, err = _run(["report", "--store", str(demo_store), str(file)], capsys)
    assert code == 2 and "--store" in err and out == ""
    assert _run(["report", str(file)], capsys)[0] == 0
    code, _, _ = _run(["report", "--store", str(demo_store), str(file), "-o", str(tmp_path / "sheet.md")], capsys)
    assert code == 0 and (tmp_path / "sheet.md").read_text(encoding="utf-8").startswith("#")


def test_strict_counts_an_unreadable_questionnaire_response_in_the_voice_view(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--strict was silently ignored by --by voice: a response file that cannot be read now makes it exit 1."""
    store = tmp_path / "store"
    assert main(["demo", "--store", str(store), "-n", "40", "--seed", "2"]) == 0
    capsys.readouterr()
    (store / "responses" / "broken.toml").write_text("this is = = not toml\n", encoding="utf-8")
    code, _, err = _run(["summary", "--store", str(store), "--by", "voice"], capsys)
    assert code == 0 and "broken.toml" in err
    code, _, err = _run(["summary", "--store", str(store), "--by", "voice", "--strict"], capsys)
    assert code == 1 and "broken.toml" in err
