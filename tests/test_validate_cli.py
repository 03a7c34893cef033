"""`seeds-tui validate`: one line per problem, exit 0 when all valid, 1 otherwise, never a traceback."""

from __future__ import annotations

import json
import tomllib
import zipfile
from datetime import date
from pathlib import Path

import pytest

from seeds_tui.cli import main
from seeds_tui.core.observation import RubricRef, Score, Session, new_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store


def _write_final(store: Store, *, practitioner: str = "Pat Example") -> Path:
    loaded = RubricRegistry.default().get("seed-one-to-one")
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(
            date=date(2026, 10, 1),
            observer="Sam Observer",
            practitioner=practitioner,
            team="North",
            mode="video",
            purpose="calibration",
            consent_recorded=True,
        ),
    )
    for section in rubric.sections:
        obs.scores[section.id] = {item.id: Score(value=1) for item in section.items}
    saved = store.save_draft(obs)
    _, path = store.finalise(saved, rubric)
    return path


def test_valid_store_folder_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "s")
    _write_final(store)
    _write_final(store)
    assert main(["validate", str(store.root)]) == 0
    assert "2 file(s) checked: 2 valid, 0 invalid" in capsys.readouterr().out


def test_problems_name_file_line_and_field_without_echoing_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "s")
    path = _write_final(store, practitioner="SECRET-PRACTITIONER")
    text = path.read_text()
    # A value off the scale, an unknown item, and a hand-edit that removed a required item.
    text = text.replace("[scores.beginning.agenda]\nvalue = 1", "[scores.beginning.agenda]\nvalue = 7")
    text = text.replace("[scores.ending.summary]\nvalue = 1\n", "[scores.ending.summarry]\nvalue = 1\n")
    broken = tmp_path / "broken.toml"
    broken.write_text(text)
    line_of_value = text.splitlines().index("value = 7") + 1
    assert main(["validate", str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"{broken}:{line_of_value}: scores.beginning.agenda.value: value is not a level of scale 'quality'" in out
    assert "scores.ending.summarry: unknown item id" in out
    assert "scores.ending.summary: required item has no score" in out
    assert "SECRET-PRACTITIONER" not in out
    assert "1 file(s) checked: 0 valid, 1 invalid" in out


def test_unknown_rubric_and_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "s")
    path = _write_final(store)
    other = tmp_path / "other.toml"
    other.write_text(path.read_text().replace('id = "seed-one-to-one"', 'id = "no-such-rubric"'))
    junk = tmp_path / "junk.toml"
    junk.write_bytes(b"\x00\x01binary")
    assert main(["validate", "--json", str(other), str(junk), str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == 3 and report["valid"] == 1 and report["invalid"] == 2
    messages: dict[str, str] = {}
    for p in report["problems"]:  # other.toml is also a copy of path's id: every message of a file counts
        messages[Path(p["file"]).name] = messages.get(Path(p["file"]).name, "") + p["message"] + "\n"
    version = tomllib.loads(path.read_text())["rubric"]["version"]
    assert f"rubric no-such-rubric {version} not found" in messages["other.toml"]
    assert "binary data" in messages["junk.toml"]
    assert "same observation id" in messages["other.toml"] and path.name not in messages


def test_missing_path_and_named_non_observation_are_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    assert main(["validate", str(tmp_path / "nope"), str(notes)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'nope'}: no such file or folder" in out
    assert f"{notes}: not an observation file" in out


def test_zips_are_validated_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "s")
    good = _write_final(store)
    archive = tmp_path / "inbox.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(good, "a/good.toml")
        z.writestr("a/bad.toml", good.read_text().replace('status = "final"', 'status = "finished"'))
        z.writestr("../escape.toml", good.read_text())
    assert main(["validate", str(archive)]) == 1
    out = capsys.readouterr().out
    assert f"{archive}:a/bad.toml:3: status: Input should be 'draft' or 'final'" in out
    assert "unsafe path inside the zip" in out
    assert "3 file(s) checked: 1 valid, 2 invalid" in out
