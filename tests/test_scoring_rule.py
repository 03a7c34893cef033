"""One rule for a score's points: a value off its item's scale (a hand-edited 7 on a 0-2 item)
is refused by validate, and wherever such a file is read anyway it earns no points and counts in
no denominator: the API, the feedback sheet, the export and the team tables agree."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import seeds_tui
from seeds_tui.cli import main
from seeds_tui.core.observation import observation_to_toml
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store


@pytest.fixture
def edited(tmp_path: Path) -> tuple[Store, Path, str, str]:
    """A store whose one final observation has a hand-edited value far off an item's scale."""
    store = Store(tmp_path / "store")
    generate_demo(store, 12, seed=2, today=date(2026, 11, 23))
    for path in sorted(store.final_dir.glob("*.toml")):
        obs = store.read(path)
        if obs.rubric.id != "seed-one-to-one" or obs.consensus is not None:
            continue
        rubric = seeds_tui.get_rubric(obs.rubric.id, obs.rubric.version)
        for section in rubric.sections:
            scored = [i for i in section.items if (s := obs.score(section.id, i.id)) is not None and s.value is not None]
            if len(scored) >= 2:
                item = scored[0]
                scores = {k: dict(v) for k, v in obs.scores.items()}
                scores[section.id][item.id] = scores[section.id][item.id].model_copy(update={"value": 7})
                path.write_text(observation_to_toml(obs.model_copy(update={"scores": scores})))
                return store, path, section.id, item.id
    raise AssertionError("no observation to edit")


def expected_percent(store: Store, path: Path, section_id: str, item_id: str) -> float:
    """The section's percent over its other items (computed here from the rubric, by hand)."""
    obs = store.read(path)
    rubric = seeds_tui.get_rubric(obs.rubric.id, obs.rubric.version)
    section = next(s for s in rubric.sections if s.id == section_id)
    points = possible = 0
    for item in section.items:
        score = obs.score(section_id, item.id)
        if item.id == item_id or score is None or score.value is None:
            continue
        scale = rubric.scale_of(item)
        points += score.value - scale.min_value
        possible += scale.max_value - scale.min_value
    return 100 * points / possible


def test_validate_refuses_a_value_off_the_scale(edited: tuple[Store, Path, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    _, path, section_id, item_id = edited
    assert main(["validate", str(path)]) == 1
    assert f"scores.{section_id}.{item_id}.value: value is not a level of scale" in capsys.readouterr().out


def test_an_off_scale_value_earns_no_points_anywhere(edited: tuple[Store, Path, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    store, path, section_id, item_id = edited
    want = expected_percent(store, path, section_id, item_id)
    # The Python API (the rule the app's scoring and review screens use).
    result = next(s for s in seeds_tui.section_scores(store.read(path)) if s.section_id == section_id)
    assert result.percent == pytest.approx(want) and result.off_scale == 1
    # The observations export.
    assert main(["export", "--store", str(store.root), "--table", "observations", "--format", "jsonl", "--quiet"]) == 0
    row = next(json.loads(line) for line in capsys.readouterr().out.splitlines() if json.loads(line)["observation_id"] == path.stem)
    assert row[f"section.{section_id}.percent"] == pytest.approx(want)
    # The team tables' frames (which always left such values out).
    items = seeds_tui.summary_data(store).items
    mine = items[(items["observation_id"] == path.stem) & (items["section"] == section_id)]
    assert 100 * mine["points"].sum() / mine["possible"].sum() == pytest.approx(want)
    # The practitioner's feedback sheet refuses the file, as validate does (no 350% "very high").
    assert main(["report", str(path)]) == 1
    captured = capsys.readouterr()
    assert "not a level of scale" in captured.err and "%" not in captured.out
