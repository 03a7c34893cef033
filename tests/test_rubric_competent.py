"""A scale's "competent" level: named in the rubric file, checked, and answered by one core rule
(``core.scoring.competent_or_above``) for the share of scores at competent or above; and the
rubric's note for every feedback sheet (``sheet_note``), printed on the Markdown, HTML and PDF sheet."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pytest

from seeds_tui.cli import main
from seeds_tui.cli.schema import json_schema, to_json_data
from seeds_tui.core.errors import RubricError
from seeds_tui.core.observation import Observation, RubricRef, Score, Session, new_observation
from seeds_tui.core.rubric import Rubric, RubricRegistry, bundled_rubric_dir, load_rubric
from seeds_tui.core.scoring import competent_or_above, competent_threshold, item_competent_or_above
from seeds_tui.core.tomlio import load_toml
from seeds_tui.render.sheet import render_html, render_markdown
from seeds_tui.render.sheet_pdf import render_pdf
from seeds_tui.storage.store import Store

RUBRIC_DIR = bundled_rubric_dir()
SEED = RUBRIC_DIR / "seed-one-to-one.toml"


def test_every_shipped_rubric_names_the_competent_level_of_each_item_scale() -> None:
    registry = RubricRegistry([RUBRIC_DIR])
    expected = {"seed-one-to-one": "Competent", "jersey-interview-skills": "Clearly shown", "mi-informed-conversation": "Competent"}
    for rubric_id, label in expected.items():
        rubric = registry.get(rubric_id).rubric
        for name in {item.scale for section in rubric.sections for item in section.items}:
            scale = rubric.scales[name]
            assert scale.competent is not None, (rubric_id, name)
            level = scale.level(scale.competent)
            assert level is not None and level.label == label, (rubric_id, name)


def test_competent_or_above_answers_for_levels_and_not_for_codes() -> None:
    rubric = load_rubric(SEED)
    assert competent_threshold(rubric, "beginning.agenda") == 2
    answers = [item_competent_or_above(rubric, "beginning.agenda", v) for v in (0, 1, 2, 3)]
    assert answers == [False, False, True, True]
    for score in (Score(code="NA"), Score(code="NO"), Score(), None, Score(value=7)):
        # Not applicable, not observed, unscored and off the scale leave the share's denominator.
        assert item_competent_or_above(rubric, "beginning.agenda", score) is None
    jersey = RubricRegistry([RUBRIC_DIR]).get("jersey-interview-skills").rubric
    # "Partly shown" is not yet competent on the Jersey-style checklist.
    assert item_competent_or_above(jersey, "verbal.open_questions", 1) is False
    assert item_competent_or_above(jersey, "verbal.open_questions", Score(value=2)) is True
    with pytest.raises(KeyError):
        item_competent_or_above(rubric, "beginning.no_such_item", 2)


def test_a_scale_without_a_competent_level_gives_no_answer() -> None:
    older = RubricRegistry([RUBRIC_DIR]).get("seed-one-to-one", "2.0.0").rubric
    assert older.scales["quality"].competent is None
    assert competent_or_above(older.scales["quality"], 3) is None
    assert competent_threshold(older, "beginning.agenda") is None


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = SEED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "mine.toml"
    path.write_text(text.replace('id = "seed-one-to-one"', 'id = "mine"', 1).replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("value", "words"),
    [("7", "is not a level of this scale; use one of its level values: 0, 1, 2, 3"), ('"Competent"', "valid integer")],
)
def test_rubric_check_refuses_a_competent_value_that_is_not_a_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, words: str
) -> None:
    path = _variant(tmp_path, "competent = 2", f"competent = {value}")
    assert main(["rubric", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert re.search(rf"{re.escape(str(path))}:\d+: scales\.quality(\.competent)?: ", out), out
    assert words in out
    with pytest.raises(RubricError):
        load_rubric(path)


def test_the_json_schema_knows_competent_and_sheet_note() -> None:
    validator = jsonschema.Draft202012Validator(json_schema("rubric"))
    data, _ = load_toml(SEED, max_bytes=1 << 20, error=RubricError)
    assert validator.is_valid(to_json_data(data))
    bad = json.loads(json.dumps(to_json_data(data)))
    bad["scales"]["quality"]["competent"] = "Competent"
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(to_json_data(data)))
    bad["sheet_note"] = "x" * 501
    assert not validator.is_valid(bad)


def _mi_observation() -> tuple[Observation, Rubric]:
    loaded = RubricRegistry([RUBRIC_DIR]).get("mi-informed-conversation")
    obs = new_observation(
        rubric=RubricRef(id=loaded.rubric.id, version=loaded.rubric.version, sha256=loaded.sha256),
        session=Session(date=date(2026, 11, 23), observer="Sam Observer", practitioner="Pat Practitioner", team="North"),
    )
    obs = obs.model_copy(
        update={
            "status": "final",
            "finalised": datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
            "scores": {"processes": {"engaging": Score(value=2), "evoking": Score(value=3)}},
        }
    )
    return obs, loaded.rubric


def test_the_mi_sheet_says_mi_informed_not_miti_in_every_format() -> None:
    import pypdfium2 as pdfium

    obs, rubric = _mi_observation()
    assert rubric.sheet_note.startswith("MI-informed, not the MITI")
    md = render_markdown(obs, rubric)
    page = render_html(obs, rubric)
    document = pdfium.PdfDocument(render_pdf(obs, rubric))
    pdf = " ".join(p.get_textpage().get_text_range() for p in document)
    for text in (md, page, pdf):
        flat = " ".join(text.split())
        assert "MI-informed, not the MITI" in flat
        assert "not comparable with MITI scores or thresholds" in flat
        # The description is for observers; the sheet never prints it.
        assert "the observer tallies questions" not in flat
    # Near the top: before the session details.
    assert md.index("MI-informed, not the MITI") < md.index("| Session |")
    assert '<p class="rubric-note">MI-informed, not the MITI' in page


def test_a_rubric_without_a_sheet_note_prints_none() -> None:
    obs, rubric = _mi_observation()
    plain = rubric.model_copy(update={"sheet_note": ""})
    assert "MI-informed, not the MITI" not in render_markdown(obs, plain)
    assert "rubric-note" not in render_html(obs, plain).split("</style>", 1)[1]
    seed = load_rubric(SEED)
    assert seed.sheet_note == ""


@pytest.fixture(scope="module")
def mixed_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Observations scored against the versions before the competent level (the demo run with
    those files), and against the newest."""
    import shutil

    from seeds_tui.demo.generator import generate_demo, write_demo

    root = tmp_path_factory.mktemp("competent-versions")
    before = root / "rubrics-before"
    before.mkdir()
    for name in ("seed-one-to-one-2.0.0", "jersey-interview-skills-1.1.0", "mi-informed-conversation-2.0.0"):
        shutil.copyfile(RUBRIC_DIR / f"{name}.toml", before / f"{name.rsplit('-', 1)[0]}.toml")
    store = Store(root / "store")
    write_demo(store, 24, seed=21, today=date(2026, 9, 30), rubric_dir=before)
    generate_demo(store, 24, seed=22, today=date(2026, 11, 23))
    return store


def test_observations_of_the_versions_before_still_open_and_summarise_beside_new_ones(
    mixed_store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    import seeds_tui
    from seeds_tui.core.observation import check_against_rubric

    registry = RubricRegistry([RUBRIC_DIR])
    paths = sorted(mixed_store.final_dir.glob("*.toml"))
    versions = set()
    for path in paths:
        obs = mixed_store.read(path)
        loaded = registry.get(obs.rubric.id, obs.rubric.version)
        # The exact bytes it was scored against are still shipped.
        assert loaded.sha256 == obs.rubric.sha256
        assert check_against_rubric(obs, loaded.rubric, path=path) == []
        versions.add((obs.rubric.id, obs.rubric.version))
    assert {("seed-one-to-one", "2.0.0"), ("seed-one-to-one", "2.1.0")} <= versions
    assert main(["validate", "--quiet", *map(str, paths)]) == 0
    capsys.readouterr()
    data = seeds_tui.summary_data(mixed_store, rubric="seed-one-to-one")
    assert data.problems == []
    assert set(data.items["rubric_version"].astype(str)) == {"2.0.0", "2.1.0"}
    # Every score of either version is answered by the newest rubric's competent level.
    newest = registry.get("seed-one-to-one").rubric
    for row in data.items.head(50).itertuples():
        key = f"{row.section}.{row.item}"
        if key in newest.item_keys:
            assert competent_threshold(newest, key) == 2


def test_team_tables_give_the_share_at_competent_or_above_beside_the_mean(tmp_path: Path) -> None:
    """Facilitators see, beside the mean, how many of the items given a level reached the scale's
    competent level: worked out by hand on three practitioners of one team."""
    from summary_fixtures import MINI_V1, add

    from seeds_tui.team import frames
    from seeds_tui.team import tables as team_tables

    folder = tmp_path / "rubrics"
    folder.mkdir()
    levels = 'levels = [{value = 0, label = "Missed"}'
    text = MINI_V1.replace(f"[scales.q]\n{levels}", f"[scales.q]\ncompetent = 2\n{levels}")
    assert "competent = 2" in text
    (folder / "mini.toml").write_text(text)
    store = Store(tmp_path / "store")
    add(store, team="North", practitioner="Pat One", scores={"open.a": 2, "open.b": 1, "talk.c": 2, "talk.d": "NA"})
    # Every item of Opening given a level by all three (an item levelled by fewer is hidden, and its
    # neighbour with it, as a cell's practitioners are those who gave it a level).
    add(store, team="North", practitioner="Pat Two", scores={"open.a": 2, "open.b": 1, "talk.c": 0, "talk.d": "NA"})
    add(store, team="North", practitioner="Pat Three", scores={"open.a": 0, "open.b": 0, "talk.c": 1, "talk.d": "NA"})
    data = frames.summary_data(store, RubricRegistry([folder]))
    table = team_tables.section_table(data.items, data.rubric, threshold=3)
    north = table.loc[(table["team"] == "North") & (table["section"] == "open")].iloc[0]
    # Opening: six items given a level (2, 1, 2, 1, 0, 0), two of them at "Clearly" (competent): a third.
    assert north["competent"] == pytest.approx(100 / 3)
    talk = table.loc[(table["team"] == "North") & (table["section"] == "talk")].iloc[0]
    assert talk["competent"] == pytest.approx(100 / 3)  # 2, 0, 1: one of three
    items = team_tables.item_table(data.items, data.rubric, threshold=3)
    a = items.loc[(items["team"] == "North") & (items["item"] == "a")].iloc[0]
    assert a["competent"] == pytest.approx(200 / 3)
    # Hidden with the rest of a row resting on too few practitioners.
    hidden = team_tables.section_table(data.items, data.rubric, threshold=4)
    assert hidden.loc[hidden["team"] == "North", "competent"].isna().all()
    # In the CLI's table, headed as the README says.
    out = tmp_path / "summary.csv"
    assert (
        main(["summary", "--store", str(store.root), "--rubrics", str(folder), "--threshold", "3", "--format", "csv", "-o", str(out)]) == 0
    )
    assert "competent" in out.read_text().splitlines()[0]
    # A rubric whose scales name no competent level gives an empty share, never 0 %.
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "mini.toml").write_text(MINI_V1)
    data = frames.summary_data(store, RubricRegistry([plain]))
    assert team_tables.section_table(data.items, data.rubric, threshold=3)["competent"].isna().all()
