"""The across-store agreement engine lives in the library (``seeds_tui.store_agreement``): the
command prints what the API returns. ``compare --json`` gives numbers; an ICC that is exactly 0
says 0, and one resting on two section scores is marked as resting on few data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import seeds_tui
from seeds_tui.calibration.agreement import icc_absolute_agreement, icc_one_way
from seeds_tui.cli import main
from seeds_tui.core.observation import Observation, RubricRef, Score, Session, new_observation, now, observation_to_toml
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("engine") / "store")
    generate_demo(store, 80, seed=4, today=date(2026, 11, 23))
    return store


@pytest.mark.parametrize("by", [None, "quarter", "year"])
def test_compare_store_json_is_what_the_api_returns(store: Store, by: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["compare", "--store", str(store.root), "--json", *(["--by", by] if by else [])]
    assert main(argv) == 0
    printed = json.loads(capsys.readouterr().out)
    result = seeds_tui.store_agreement(str(store.root), by=by)
    assert printed == json.loads(json.dumps(result.report))
    assert printed["sessions"] > 0 and printed["pairs"]


def test_the_cli_holds_no_agreement_engine() -> None:
    source = (Path(seeds_tui.__file__).parent / "cli" / "compare.py").read_text()
    for engine in ("krippendorff_alpha", "icc_one_way(", "icc_absolute_agreement(", "groupby", "import pandas", "calibration_sessions("):
        assert engine not in source, engine


def _pair(
    values_a: dict[str, int | str], values_b: dict[str, int | str], *, rubric_id: str = "jersey-interview-skills"
) -> list[Observation]:
    loaded = RubricRegistry.default().get(rubric_id)
    out = []
    for observer, values in (("Ann Observer", values_a), ("Bo Observer", values_b)):
        obs = new_observation(
            rubric=RubricRef(id=loaded.rubric.id, version=loaded.rubric.version, sha256=loaded.sha256),
            session=Session(date=date(2026, 9, 1), observer=observer, practitioner="Pat", team="West", purpose="calibration",
                            session_ref="CAL-2026-09-01-W1"),
        )  # fmt: skip
        for section in loaded.rubric.sections:
            for item in section.items:
                v = values.get(f"{section.id}.{item.id}", values.get("*", 1))
                if v == "skip":
                    continue
                obs.scores.setdefault(section.id, {})[item.id] = Score(code=v) if isinstance(v, str) else Score(value=v)
        out.append(obs.model_copy(update={"status": "final", "finalised": now()}))
    return out


def _write(tmp_path: Path, observations: list[Observation]) -> list[str]:
    paths = []
    for pos, obs in enumerate(observations):
        path = tmp_path / f"{pos}.toml"
        path.write_text(observation_to_toml(obs))
        paths.append(str(path))
    return paths


def test_compare_json_gives_item_scores_as_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fa, fb = _write(tmp_path, _pair({"setup.arrangements": 2, "setup.review": "NA"}, {"setup.arrangements": 0, "setup.review": "NO"}))
    assert main(["compare", "--json", fa, fb]) == 0
    items = {i["key"]: i for i in json.loads(capsys.readouterr().out)["items"]}
    assert items["setup.arrangements"]["first"] == 2 and items["setup.arrangements"]["second"] == 0
    assert items["setup.review"]["first"] == "NA" and items["setup.review"]["second"] == "NO"
    assert all(isinstance(i["first"], int) for k, i in items.items() if k not in ("setup.review",))


def test_an_icc_that_is_exactly_zero_says_zero() -> None:
    # Mean squares equal: the ICC is exactly 0 (it came out as 2.05e-16, printed 2.66e-15 in another case).
    assert icc_absolute_agreement([(0.0, 0.0), (0.0, 100 / 3)]) == 0.0
    assert icc_one_way([(0.0, 200 / 3), (200 / 3, 200 / 3)]) == 0.0
    assert str(icc_absolute_agreement([(0.0, 0.0), (0.0, 100 / 3)])) == "0.0"


def test_an_icc_on_two_section_scores_carries_the_few_data_star(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loaded = RubricRegistry.default().get("jersey-interview-skills").rubric
    # Only two sections scored by both: every item of the other sections not observed by the second observer.
    keep = {s.id for s in loaded.sections[:2]}
    second = {f"{s.id}.{i.id}": (2 if s.id in keep else "NO") for s in loaded.sections for i in s.items}
    fa, fb = _write(tmp_path, _pair({"*": 1}, second))
    assert main(["compare", "--json", fa, fb]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["icc_targets"] == 2
    assert data["icc"] is not None and data["icc_few_data"] is True
    assert main(["compare", fa, fb]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "Section scores (ICC)" in ln)
    assert f"{data['icc']:6.2f}*" in line
    assert "ICC on fewer than 3 section scores" in out
