"""The command line is documented: every command has help, is in the README, and the schemas in docs/ are current."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from seeds_tui.cli import build_parser, main
from seeds_tui.cli.schema import json_schema

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> dict[str, object]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return dict(sub.choices)


def test_every_command_has_help_text_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = _commands()
    assert {"rubric", "validate", "schema"} <= set(commands)
    for name, parser in commands.items():
        assert parser.description, f"{name} has no description"
        assert f"seeds-tui {name}" in readme, f"README does not document `seeds-tui {name}`"


@pytest.mark.parametrize("name", sorted(_commands()))
def test_help_exits_zero(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([name, "--help"]) == 0
    assert "usage: seeds-tui" in capsys.readouterr().out


def test_usage_error_exits_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["rubric", "observation"])
def test_json_schemas_in_docs_are_current(kind: str) -> None:
    saved = json.loads((ROOT / "docs" / "schema" / f"{kind}.schema.json").read_text())
    assert saved == json_schema(kind), f"regenerate: seeds-tui schema {kind} > docs/schema/{kind}.schema.json"


def test_python_dash_m_is_the_same_command() -> None:
    out = subprocess.run([sys.executable, "-m", "seeds_tui", "rubric", "list"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stderr
    assert re.search(r"^seed-one-to-one\s+1\.0\.0", out.stdout, re.M)
    assert "jersey-interview-skills" in out.stdout and "mi-informed-conversation" in out.stdout


def test_rubric_check_reports_file_line_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'schema = "seeds-rubric/1"\nid = "bad"\nversion = "one"\ntitle = "Bad"\n\n[scales.q]\nlevels = []\n\n'
        '[[sections]]\nid = "s"\ntitle = "S"\n[[sections.items]]\nid = "i"\ntext = "t"\nscale = "q"\n'
    )
    good = ROOT / "rubrics" / "seed-one-to-one.toml"
    assert main(["rubric", "check", str(bad), str(good)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:3: version: version must be semantic" in out
    assert f"{bad}:7: scales.q.levels: " in out
    assert f"{good}: ok" in out
    assert main(["rubric", "check", str(good)]) == 0


def test_rubric_check_requires_renames_to_be_declared(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "rubrics" / "seed-one-to-one.toml").read_text()
    assert 'version = "2.1.0"' in text
    text = text.replace('version = "2.1.0"', 'version = "3.0.0"', 1).replace('id = "welcome"', 'id = "greeting"', 1)
    newer = tmp_path / "seed-3.toml"
    newer.write_text(text)
    assert main(["rubric", "check", str(newer)]) == 1
    assert "item 'beginning.welcome' of 2.1.0 is missing from 3.0.0: declare it under [renamed]" in capsys.readouterr().out
    declared = 'title = "SEED one-to-one session"\nrenamed = { "beginning.welcome" = "beginning.greeting" }'
    newer.write_text(text.replace('title = "SEED one-to-one session"', declared, 1))
    assert main(["rubric", "check", str(newer)]) == 0, capsys.readouterr().out
