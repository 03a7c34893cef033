"""Old files stay readable: every observation schema has a frozen fixture, and rubric versions map ids.

When the observation schema changes (``seeds-observation/2``), add a migration to
``seeds_tui.core.observation.MIGRATIONS`` and keep the old fixtures here: these tests then
prove files of every earlier schema still read, and fail if a schema has no fixture.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/helpers_core.py, with --import-mode=importlib
from helpers_core import SMALL_RUBRIC, STAMP, scored, write_rubric

from seeds_tui.core import observation as observation_module
from seeds_tui.core.errors import ObservationError
from seeds_tui.core.observation import (
    OBSERVATION_SCHEMA,
    Score,
    check_against_rubric,
    load_observation,
    observation_from_toml,
    observation_to_toml,
)
from seeds_tui.core.rubric import RubricRegistry, load_rubric
from seeds_tui.core.versions import carry_key, check_registry, remap_scores, rubric_change_problems, upgrade
from seeds_tui.storage.importer import import_files
from seeds_tui.storage.store import Store

FIXTURES = Path(__file__).resolve().parent / "data" / "schema_versions"
FIXTURE_FILES = sorted(FIXTURES.glob("*.toml"))


def schema_of(path: Path) -> str:
    return tomllib.loads(path.read_text())["schema"]


def test_there_is_a_fixture_for_every_schema_the_reader_accepts() -> None:
    known = {OBSERVATION_SCHEMA, *observation_module.MIGRATIONS}
    have = {schema_of(p) for p in FIXTURE_FILES}
    missing = known - have
    assert not missing, f"add a fixture file to {FIXTURES} for each of {sorted(missing)}"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.name for p in FIXTURE_FILES])
def test_every_fixture_still_reads_and_fits_its_rubric(path: Path) -> None:
    obs = load_observation(path)
    assert obs.schema_ == OBSERVATION_SCHEMA
    # Against its own rubric version when that is still known, else carried to the newest one.
    registry = RubricRegistry.default()
    known = {loaded.rubric.version for loaded in registry.versions(obs.rubric.id)}
    own = obs if obs.rubric.version in known else upgrade(obs, registry)
    target = registry.get(own.rubric.id, own.rubric.version)
    assert check_against_rubric(own, target.rubric, path=path) == []
    # Carried to the newest version it fits too, but for items that version added as required:
    # an observation finalised before they existed cannot have scored them.
    newest = registry.get(obs.rubric.id)
    upgraded = upgrade(obs, registry)
    versions = [loaded.rubric for loaded in registry.versions(obs.rubric.id)]
    carried = {carry_key(key, versions, target.rubric.version) for key in target.rubric.item_keys}
    added = set(newest.rubric.item_keys) - carried  # by any version after the fixture's own
    problems = check_against_rubric(upgraded, newest.rubric, path=path)
    assert [p for p in problems if not (p.message.startswith("required item has no score") and (p.field or "")[7:] in added)] == []
    # Written back in the current schema, it reads as the same observation, byte-stable.
    text = observation_to_toml(obs)
    assert observation_from_toml(text) == obs
    assert observation_to_toml(observation_from_toml(text)) == text


def test_an_unknown_newer_schema_gives_a_clear_error(tmp_path: Path) -> None:
    newer = tmp_path / "from-the-future.toml"
    current = next(p for p in FIXTURE_FILES if schema_of(p) == OBSERVATION_SCHEMA)
    newer.write_text(current.read_text().replace(f'schema = "{OBSERVATION_SCHEMA}"', 'schema = "seeds-observation/99"'))
    with pytest.raises(ObservationError) as caught:
        load_observation(newer)
    message = str(caught.value)
    assert str(newer) in message and "newer seeds-tui" in message and "upgrade" in message
    other = tmp_path / "other.toml"
    other.write_text('schema = "something-else/1"\n')
    with pytest.raises(ObservationError, match="not a seeds-tui observation"):
        load_observation(other)


def test_a_migration_brings_an_old_schema_up_to_date_on_reading_and_importing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """How a future schema change works: register old tag -> function; reading and import use it."""

    def from_0(data: dict) -> dict:
        # Pretend schema 0 called the session's team "unit".
        data = {**data, "schema": "seeds-observation/1"}
        session = dict(data["session"])
        session["team"] = session.pop("unit")
        data["session"] = session
        return data

    monkeypatch.setitem(observation_module.MIGRATIONS, "seeds-observation/0", from_0)
    current = scored().model_copy(update={"status": "final", "finalised": STAMP})
    old_text = observation_to_toml(current).replace(f'schema = "{OBSERVATION_SCHEMA}"', 'schema = "seeds-observation/0"')
    old_text = old_text.replace('team = "North"', 'unit = "North"')
    old = tmp_path / "inbox" / "old.toml"
    old.parent.mkdir()
    old.write_text(old_text)
    assert load_observation(old) == current
    registry = RubricRegistry([write_rubric(tmp_path / "rubrics").parent])
    store = Store(tmp_path / "store")
    result = import_files([old.parent], store, registry)
    assert result.counts["imported"] == 1
    assert store.final_path(current.id).read_text() == observation_to_toml(current)  # stored in the current schema
    assert import_files([old.parent], store, registry).counts["skipped"] == 1


# -- rubric versions: renamed and retired items ------------------------------------------------

V2 = (
    SMALL_RUBRIC.replace('version = "1.2.0"', 'version = "2.0.0"')
    .replace('id = "agenda"\ntext = "Sets an agenda together"', 'id = "plan"\ntext = "Agrees a plan for the session"')
    .replace(
        'description = "Two sections, enough to exercise every rule."',
        'description = "Two sections, enough to exercise every rule."\nretired = ["structure.review"]',
        1,
    )
    .replace('[[sections]]\nid = "structure"', '[renamed]\n"structure.agenda" = "structure.plan"\n\n[[sections]]\nid = "structure"', 1)
    .replace(
        '[[sections.items]]\nid = "review"\ntext = "Reviews the last session"\nscale = "quality"\nrequired = false\n'
        'guidance = "Only when there was a last session."\n',
        "",
    )
)
V3 = (
    V2.replace('version = "2.0.0"', 'version = "3.0.0"')
    .replace('"structure.agenda" = "structure.plan"', '"structure.plan" = "structure.setting"')
    .replace('id = "plan"', 'id = "setting"')
)


@pytest.fixture
def versions(tmp_path: Path) -> RubricRegistry:
    folder = tmp_path / "rubrics"
    write_rubric(folder)
    write_rubric(folder, V2, "small-2.toml")
    write_rubric(folder, V3, "small-3.toml")
    registry = RubricRegistry([folder])
    assert not registry.errors, [str(e) for e in registry.errors]
    return registry


def old_observation() -> object:
    obs = scored()
    scores = {**obs.scores, "structure": {**obs.scores["structure"], "review": Score(code="NA")}}
    return obs.model_copy(update={"scores": scores})


def test_remap_moves_renamed_items_and_drops_retired_ones(versions: RubricRegistry) -> None:
    obs = old_observation()
    v2 = versions.get("small", "2.0.0")
    moved = remap_scores(obs, v2)
    assert moved.scores["structure"] == {"plan": obs.scores["structure"]["agenda"]}
    assert moved.scores["relationship"] == obs.scores["relationship"]
    assert (moved.rubric.version, moved.rubric.sha256) == ("2.0.0", v2.sha256)
    assert check_against_rubric(moved, v2.rubric) == []
    assert obs.scores["structure"]["agenda"].value == 2  # the original is untouched


def test_upgrade_follows_a_chain_of_renames(versions: RubricRegistry) -> None:
    obs = old_observation()
    newest = upgrade(obs, versions)
    assert newest.rubric.version == "3.0.0"
    assert set(newest.scores["structure"]) == {"setting"}
    assert check_against_rubric(newest, versions.get("small").rubric) == []
    assert upgrade(obs, versions, "2.0.0").scores["structure"].keys() == {"plan"}
    assert upgrade(obs, versions, "1.2.0") == obs


def test_carry_key_follows_each_version_between(versions: RubricRegistry) -> None:
    all_versions = [r.rubric for r in versions.versions("small")]
    assert carry_key("structure.agenda", all_versions, "1.2.0") == "structure.setting"
    assert carry_key("structure.agenda", all_versions, "1.2.0", "2.0.0") == "structure.plan"
    assert carry_key("structure.plan", all_versions, "2.0.0") == "structure.setting"
    assert carry_key("structure.review", all_versions, "1.2.0") is None
    assert carry_key("relationship.empathy", all_versions, "1.2.0") == "relationship.empathy"
    assert carry_key("structure.agenda", all_versions, "1.2.0", "1.2.0") == "structure.agenda"


def test_a_rubric_version_that_drops_an_item_without_a_mapping_is_refused(tmp_path: Path, versions: RubricRegistry) -> None:
    assert check_registry(versions) == []
    careless = V2.replace('"structure.agenda" = "structure.plan"\n', "").replace('retired = ["structure.review"]', "retired = []")
    old = load_rubric(write_rubric(tmp_path / "a", SMALL_RUBRIC))
    new = load_rubric(write_rubric(tmp_path / "b", careless))
    problems = rubric_change_problems(old, new)
    assert len(problems) == 2
    assert "'structure.agenda'" in problems[0] and "[renamed]" in problems[0] and "retired" in problems[0]
    folder = tmp_path / "both"
    write_rubric(folder)
    write_rubric(folder, careless, "small-2.toml")
    found = check_registry(RubricRegistry([folder]))
    assert [p.path.name for p in found] == ["small-2.toml", "small-2.toml"]


def test_bundled_rubric_versions_declare_every_dropped_item() -> None:
    assert check_registry(RubricRegistry.default()) == []
