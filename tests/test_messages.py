"""Messages a quality lead or script author acts on: plain words, never raw patterns or echoed values."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from seeds_tui.cli import main
from seeds_tui.core import models, observation, rubric

ROOT = Path(__file__).resolve().parents[1]


def test_every_pattern_in_the_formats_has_a_message_in_words() -> None:
    source = inspect.getsource(rubric) + inspect.getsource(observation)
    patterns = set(re.findall(r'pattern=r"([^"]+)"', source))
    assert patterns, "no patterns found: the test is looking in the wrong place"
    assert patterns <= set(models._PATTERN_MESSAGES), "add a message for each new pattern to models._PATTERN_MESSAGES"


def _rubric_text(**changes: str) -> str:
    text = (ROOT / "rubrics" / "jersey-interview-skills-1.0.0.toml").read_text()  # kept byte for byte: stable test data
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('version = "1.0.0"', "version = 1.0", 'version: must be text: put the version in quotes, e.g. version = "1.0.0"'),
        ('id = "setup"', 'id = "Set Up"', "sections.0.id: must be an id: a lower-case letter"),
        ('schema = "seeds-rubric/1"', 'schema = "seeds-rubric/2"', "upgrade seeds-tui to use it"),
        ('schema = "seeds-rubric/1"', 'schema = "seeds-observation/1"', "this is an observation file, not a rubric"),
    ],
)
def test_rubric_check_explains_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: str) -> None:
    path = tmp_path / "r.toml"
    path.write_text(_rubric_text(**{old: new}))
    assert main(["rubric", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert expected in out
    assert "should match pattern" not in out


def test_an_observation_with_a_control_character_in_a_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from seeds_tui.demo.generator import generate_demo
    from seeds_tui.storage.store import Store

    path = generate_demo(Store(tmp_path / "s"), 1, seed=3)[0]
    text = path.read_text()
    team = re.search(r'^team = "(.*)"$', text, re.M)
    assert team
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(team.group(0), 'team = "North\\tSECRET"'))
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "session.team: must not contain control characters" in out
    assert "SECRET" not in out
    rubric_as_observation = tmp_path / "rubric.toml"
    rubric_as_observation.write_text(_rubric_text())
    assert main(["validate", str(rubric_as_observation)]) == 1
    assert "this is a rubric file, not an observation: check it with seeds-tui rubric check" in capsys.readouterr().out
