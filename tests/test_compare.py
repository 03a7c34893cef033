"""`seeds-tui compare`: plain agreement percentages between two observers of one session."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from seeds_tui.agreement import compare
from seeds_tui.cli import main
from seeds_tui.observation import Observation, RubricRef, Score, Session, new_observation, observation_to_toml
from seeds_tui.rubric import RubricRegistry


def _observation(observer: str, values: dict[str, int | str]) -> tuple[Observation, object]:
    loaded = RubricRegistry.default().get("jersey-interview-skills")
    obs = new_observation(
        rubric=RubricRef(id=loaded.rubric.id, version=loaded.rubric.version, sha256=loaded.sha256),
        session=Session(date=date(2026, 9, 1), observer=observer, practitioner="Pat", team="West"),
    )
    for section in loaded.rubric.sections:
        for item in section.items:
            v = values.get(f"{section.id}.{item.id}", 1)
            obs.scores.setdefault(section.id, {})[item.id] = Score(code=v) if isinstance(v, str) else Score(value=v)
    return obs, loaded.rubric


def test_agreement_counts_exact_within_one_and_codes() -> None:
    a, rubric = _observation("A", {"setup.arrangements": 2, "setup.purpose": 0, "setup.review": "NA", "verbal.reflections": "NO"})
    b, _ = _observation("B", {"setup.arrangements": 0, "setup.purpose": 1, "setup.review": "NA", "verbal.reflections": 1})
    result = compare(a, b, rubric)
    outcomes = {i.key: i.outcome for i in result.items}
    assert outcomes["setup.arrangements"] == "apart"
    assert outcomes["setup.purpose"] == "within one"
    assert outcomes["setup.review"] == "same code"
    assert outcomes["verbal.reflections"] == "code vs level"
    total = len(rubric.item_keys)
    both = total - 2  # one NA pair, one code-vs-level pair
    assert len(result.both_levels) == both
    assert result.exact_percent == pytest.approx(100 * (both - 2) / both)
    assert result.within_one_percent == pytest.approx(100 * (both - 1) / both)


def test_cli_compare_prints_percentages_and_items_to_discuss(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, _ = _observation("A", {"setup.arrangements": 2, "mi.affirms": 0})
    b, _ = _observation("B", {"setup.arrangements": 1, "mi.affirms": 2})
    fa, fb = tmp_path / "a.toml", tmp_path / "b.toml"
    fa.write_text(observation_to_toml(a))
    fb.write_text(observation_to_toml(b))
    assert main(["compare", str(fa), str(fb)]) == 0
    out = capsys.readouterr().out
    assert "exact agreement 92%" in out  # 23 of 25 items
    assert "within one level 96%" in out
    assert "setup.arrangements" in out and "mi.affirms" in out and "apart" in out
    assert main(["compare", "--json", str(fa), str(fb)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["items_compared"] == 25 and data["icc_band"] in {"poor", "moderate", "good", "excellent"}


def test_cli_compare_refuses_different_rubrics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, _ = _observation("A", {})
    fa, fb = tmp_path / "a.toml", tmp_path / "b.toml"
    fa.write_text(observation_to_toml(a))
    fb.write_text(observation_to_toml(a).replace('id = "jersey-interview-skills"', 'id = "seed-one-to-one"'))
    assert main(["compare", str(fa), str(fb)]) == 1
    assert "only observations of one rubric can be compared" in capsys.readouterr().err


def test_cli_compare_warns_when_files_are_not_one_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, _ = _observation("A", {})
    b, _ = _observation("B", {})
    b = b.model_copy(update={"session": b.session.model_copy(update={"practitioner": "Someone Else"})})
    fa, fb = tmp_path / "a.toml", tmp_path / "b.toml"
    fa.write_text(observation_to_toml(a))
    fb.write_text(observation_to_toml(b))
    assert main(["compare", str(fa), str(fb)]) == 0
    err = capsys.readouterr().err
    assert "the practitioner differs" in err and "Someone Else" not in err
    assert main(["compare", str(fa), str(fa)]) == 0
    assert "both files are the same observation" in capsys.readouterr().err
