"""Every ``--json`` output is one JSON object on stdout, on every path: success, input problems,
usage errors, a missing store, a store that cannot be written."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from seeds_tui.cli import build_parser, main
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store


def one_object(text: str) -> dict:
    """``text`` parsed as exactly one JSON object (nothing before or after it)."""
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = Store(tmp_path_factory.mktemp("demo") / "store")
    generate_demo(store, 30, seed=2, today=date(2026, 11, 23))
    return store.root


def _responses(demo: Path) -> list[str]:
    """The demo store's questionnaire response files (three of them)."""
    return [str(p) for p in sorted((demo / "responses").glob("*.toml"))[:3]] or [str(demo / "responses" / "none.toml")]


def _observation(demo: Path) -> list[str]:
    """One observation file of the demo store (not a response: refused)."""
    return [str(p) for p in sorted((demo / "observations").rglob("*.toml"))[:1]] or [str(demo / "observations" / "none.toml")]


def cases(base: Path, demo: Path) -> dict[str, list[str]]:
    missing = str(base / "missing")
    return {
        "import ok": ["import", str(demo / "observations"), "--store", str(base / "s1"), "--json"],
        "import missing source": ["import", missing, "--store", str(base / "s2"), "--json"],
        "import bad report name": ["import", str(demo), "--store", str(base / "s3"), "--report", str(base / "r.xlsx"), "--json"],
        "import report into the store": ["import", str(demo), "--store", str(demo), "--report", str(demo / "r.csv"), "--json"],
        "import no source": ["import", "--json"],
        "import unknown option": ["import", str(demo), "--json", "--frobnicate"],
        "import unknown rubric folder": ["import", str(demo), "--store", str(base / "s4"), "--rubrics", missing, "--json"],
        "validate ok": ["validate", str(demo / "observations"), "--json"],
        "validate missing": ["validate", missing, "--json"],
        "validate unknown rubric folder": ["validate", str(demo), "--rubrics", missing, "--json"],
        "compare store": ["compare", "--store", str(demo), "--json"],
        "compare no store": ["compare", "--store", missing, "--json"],
        "compare three files": ["compare", "a", "b", "c", "--json"],
        "compare json and csv": ["compare", "--store", str(demo), "--json", "--format", "csv"],
        "compare missing files": ["compare", missing, missing + "2", "--format", "json"],
        "publish no shared store": ["publish", "--store", str(demo), "--json"],
        "summary json no store": ["summary", "--store", missing, "--format", "json"],
        "summary json unknown team": ["summary", "--store", str(demo), "--format", "json", "--team", "Nowhere"],
        "event list": ["event", "list", "--store", str(demo), "--json"],
        "event list no store": ["event", "list", "--store", missing, "--json"],
        "event list unknown option": ["event", "list", "--store", str(demo), "--json", "--frobnicate"],
        "voice import ok": ["voice", "import", *_responses(demo), "--store", str(base / "s5"), "--json"],
        "voice import dry run": ["voice", "import", *_responses(demo), "--store", str(base / "s6"), "--dry-run", "--json"],
        "voice import missing source": ["voice", "import", missing, "--store", str(base / "s7"), "--json"],
        "voice import not a response": ["voice", "import", *_observation(demo), "--store", str(base / "s8"), "--json"],
        "voice import no source": ["voice", "import", "--json"],
        "voice import unknown option": ["voice", "import", "x.toml", "--json", "--frobnicate"],
        "supervision list": ["supervision", "list", "--store", str(demo), "--json"],
        "supervision list one practitioner": ["supervision", "list", "--store", str(demo), "--practitioner", "Nobody", "--json"],
        "supervision list open actions": ["supervision", "list", "--store", str(demo), "--open", "Nobody", "--json"],
        "supervision list no store": ["supervision", "list", "--store", missing, "--json"],
        "history list": ["history", "list", "--store", str(demo), "--json"],
        "history list no store": ["history", "list", "--store", missing, "--json"],
        "history list not an id": ["history", "list", "nope", "--store", str(demo), "--json"],
        "history purge nothing kept": ["history", "purge", "01JP4Z8Q2M3V5W6X7Y8Z9A0B5F", "--yes", "--store", str(demo), "--json"],
        "history purge without yes": ["history", "purge", "01JP4Z8Q2M3V5W6X7Y8Z9A0B5F", "--store", str(demo), "--json"],
    }


@pytest.mark.parametrize("name", list(cases(Path("/x"), Path("/y"))))
def test_json_output_is_one_object_on_every_path(name: str, demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = cases(tmp_path, demo)[name]
    code = main(argv)
    out = capsys.readouterr()
    data = one_object(out.out)
    if code != 0 and "error" in data:
        assert data["ok"] is False and data["exit_code"] == code
        assert data["error"] and data["error"] in out.err  # the same message a person reads on stderr
        assert "Traceback" not in out.err


def test_every_command_with_json_output_is_covered() -> None:
    """A new command with --json must be added to the cases above."""
    import argparse

    def commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> dict[tuple[str, ...], argparse.ArgumentParser]:
        """Every command and subcommand (``event list``), by its words."""
        found = {words: parser} if words else {}
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    found |= commands(child, (*words, name))
        return found

    with_json = {
        " ".join(words)
        for words, p in commands(build_parser()).items()
        if any("--json" in a.option_strings or (a.dest == "format" and "json" in (a.choices or ())) for a in p._actions)
    }
    covered = {" ".join(w for w in argv[:2] if not w.startswith("-")) for argv in cases(Path("/x"), Path("/y")).values()}
    covered |= {argv[0] for argv in cases(Path("/x"), Path("/y")).values()}
    assert with_json <= covered, sorted(with_json - covered)


def test_voice_import_json_says_what_was_imported_and_refused(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _responses(demo)
    code = main(["voice", "import", *good, *_observation(demo), "--store", str(tmp_path / "s"), "--json"])
    data = one_object(capsys.readouterr().out)
    assert code == 1  # the observation file was refused
    assert [r["outcome"] in ("imported", "flagged") for r in data["rows"]] == [True] * len(good)
    assert len(data["problems"]) == 1 and data["problems"][0]["field"] == "schema"
    assert data["dry_run"] is False and len(list((tmp_path / "s" / "responses").glob("*.toml"))) == len(good)


def test_json_error_object_when_the_store_cannot_be_written(demo: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's parent folder should be")
    run = subprocess.run(
        [sys.executable, "-m", "seeds_tui", "import", str(demo / "observations"), "--store", str(blocker / "store"), "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 1
    data = one_object(run.stdout)
    assert data["ok"] is False and data["error"] in run.stderr and "Traceback" not in run.stderr
