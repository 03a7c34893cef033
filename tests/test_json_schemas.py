"""The published JSON Schemas mean what the docs and the tools say, checked with an independent
validator (the ``jsonschema`` package) against the same broken files ``validate`` and
``rubric check`` refuse: every rule a JSON Schema can express is in the schema; what only the
tools can check is listed in the docs."""

from __future__ import annotations

import copy
import functools
import json
import tomllib
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from seeds_tui.cli import main
from seeds_tui.cli.schema import KINDS, VALIDATE_ONLY, json_schema, to_json_data
from seeds_tui.core.observation import new_id
from seeds_tui.core.rubric import bundled_rubric_dir
from seeds_tui.core.tomlio import dump_toml
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store

ROOT = Path(__file__).resolve().parents[1]
BAD_RUBRICS = ROOT / "tests" / "data" / "bad_rubrics"
FIXTURES = ROOT / "tests" / "data" / "schema_versions"
Data = dict[str, Any]


@functools.cache
def validator(kind: str) -> jsonschema.Draft202012Validator:
    """The validator of one published schema (built once: the schema does not change within a run)."""
    schema = json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def schema_accepts(kind: str, path: Path) -> bool:
    return validator(kind).is_valid(to_json_data(tomllib.loads(path.read_text())))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("schema") / "store")
    generate_demo(store, 80, seed=4, today=date(2026, 11, 23))
    done = next(obs for _, obs in store.iter_observations() if not isinstance(obs, Exception) and obs.consensus is None)
    store.save_draft(done.model_copy(update={"id": new_id(), "status": "draft", "finalised": None, "revision": 0}))
    return store


@pytest.fixture(scope="module")
def final(demo: Store) -> Data:
    """A valid final observation of the demo, as plain TOML data."""
    path = next(iter(sorted(demo.final_dir.glob("*.toml"))))
    return tomllib.loads(path.read_text())


# -- every valid file passes --------------------------------------------------------------------


def test_every_valid_file_passes_the_published_schemas(demo: Store) -> None:
    files = sorted(p for p in demo.root.rglob("*.toml") if p.relative_to(demo.root).parts[0] in ("observations", "drafts", "consensus"))
    assert any("consensus" in p.parts for p in files) and any("drafts" in p.parts for p in files)
    rated = sorted((demo.root / "selfratings").glob("*.toml"))
    assert rated
    for path in rated:
        assert schema_accepts("selfrating", path) and schema_accepts("selfrating-1", path), path
        assert not schema_accepts("observation", path), path
    for path in files:
        assert schema_accepts("observation", path), path
        assert schema_accepts("observation-5", path), path
        assert not schema_accepts("observation-4", path), path  # one schema per format version
        assert not schema_accepts("observation-3", path), path
        assert not schema_accepts("observation-2", path), path
        assert not schema_accepts("observation-1", path), path
    for path in sorted(bundled_rubric_dir().glob("*.toml")):
        assert schema_accepts("rubric", path) and schema_accepts("rubric-1", path), path
    for folder, kind in (("supervision", "supervision"), ("responses", "response")):
        made = sorted((demo.root / folder).glob("*.toml"))
        assert made, folder
        for path in made:
            assert schema_accepts(kind, path), path
            assert not schema_accepts("observation", path), path


def test_schema_1_files_that_validate_accepts_pass_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    old = sorted(FIXTURES.glob("seeds-observation-1*.toml"))
    assert old
    for path in old:
        assert main(["validate", str(path)]) == 0
        assert schema_accepts("observation", path), path
        assert schema_accepts("observation-1", path), path
        assert not schema_accepts("observation-2", path), path


@pytest.mark.parametrize("tag", [2, 3, 4, 5])
def test_each_versions_fixture_passes_its_own_schema_and_the_one_for_every_version(tag: int) -> None:
    for path in sorted(FIXTURES.glob(f"seeds-observation-{tag}*.toml")):
        assert main(["validate", str(path)]) == 0
        assert schema_accepts("observation", path), path
        assert schema_accepts(f"observation-{tag}", path), path
        others = {f"observation-{n}" for n in (1, 2, 3, 4, 5)} - {f"observation-{tag}"}
        assert not any(schema_accepts(kind, path) for kind in others), path


def test_an_older_versions_schema_refuses_the_keys_a_later_version_added(final: Data) -> None:
    """A schema 2 file using schema 3's keys is refused by the schema 2 JSON Schema, as seeds-tui
    of that version refuses an unknown key; the schema for every version takes it."""
    data = copy.deepcopy(final)
    data["schema"] = "seeds-observation/2"
    data["feedback"].pop("summary")  # written by schema 3, empty or not
    data["session"].pop("change_target")  # written by schema 4, empty or not
    for key in ("focus", "plan"):  # written by schema 5, empty or not
        data["session"].pop(key)
    assert validator("observation-2").is_valid(to_json_data(data))
    for part, key, value in (
        ("session", "sentence", "licence"),
        ("feedback", "summary", "Warm and well structured."),
        ("feedback", "date", date(2026, 11, 24)),
        ("feedback", "elapsed", 900),
    ):
        newer = copy.deepcopy(data)
        newer[part][key] = value
        assert not validator("observation-2").is_valid(to_json_data(newer)), key
        assert validator("observation").is_valid(to_json_data(newer)), key
        newer["schema"] = "seeds-observation/3"
        assert validator("observation-3").is_valid(to_json_data(newer)), key


def test_the_schema_3_json_schema_refuses_the_keys_schema_4_added(final: Data) -> None:
    data = copy.deepcopy(final)
    data["schema"] = "seeds-observation/3"
    data["session"].pop("change_target")  # written by schema 4, empty or not
    for key in ("focus", "plan"):  # written by schema 5, empty or not
        data["session"].pop(key)
    data.pop("counter_times", None)
    assert validator("observation-3").is_valid(to_json_data(data))
    for newer in (
        {**data, "session": {**data["session"], "change_target": "drinking"}},
        {**data, "counter_times": {"open_question": {"at": [12], "undone": []}}},
    ):
        assert not validator("observation-3").is_valid(to_json_data(newer))
        assert validator("observation-4").is_valid(to_json_data({**newer, "schema": "seeds-observation/4"}))


def test_the_schema_4_json_schema_refuses_the_focus_and_plan_schema_5_added(final: Data) -> None:
    data = copy.deepcopy(final)
    data["schema"] = "seeds-observation/4"
    for key in ("focus", "plan"):  # written by schema 5, empty or not
        data["session"].pop(key)
    assert validator("observation-4").is_valid(to_json_data(data))
    for key, value in (("focus", "using open questions"), ("plan", "Review the week.\nAgree one step.")):
        newer = {**data, "session": {**data["session"], key: value}}
        assert not validator("observation-4").is_valid(to_json_data(newer)), key
        assert validator("observation-5").is_valid(to_json_data({**newer, "schema": "seeds-observation/5"})), key
        assert validator("observation").is_valid(to_json_data({**newer, "schema": "seeds-observation/5"})), key


def test_the_schemas_in_docs_are_the_published_ones() -> None:
    for kind in KINDS:
        saved = json.loads((ROOT / "docs" / "schema" / f"{kind}.schema.json").read_text())
        assert saved == json_schema(kind), f"regenerate: seeds-tui schema {kind} > docs/schema/{kind}.schema.json"


# -- broken observations: refused by validate, and by the schema unless only validate can tell ----


def _first_score(data: Data) -> Data:
    section = next(iter(data["scores"].values()))
    return next(iter(section.values()))


def _set(path: str, value: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value

    return change


def _drop(path: str) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[part]
        del node[last]

    return change


def _both(data: Data) -> None:
    score = _first_score(data)
    score["value"], score["code"] = 1, "NA"


def _bad_item_key(data: Data) -> None:
    section = next(iter(data["scores"].values()))
    section["Item One"] = {"value": 1}


def _off_scale(data: Data) -> None:
    score = _first_score(data)
    score.pop("code", None)
    score["value"] = 9


def _unknown_item(data: Data) -> None:
    next(iter(data["scores"].values()))["not_an_item"] = {"value": 1}


def _missing_required(data: Data) -> None:
    section = next(iter(data["scores"].values()))
    del section[next(iter(section))]


def _local_time(data: Data) -> None:
    data["created"] = datetime(2026, 11, 23, 9, 30)  # no offset


def _long_evidence(data: Data) -> None:
    _first_score(data)["evidence"] = "x" * 20_001


OBSERVATION_CASES: dict[str, tuple[Callable[[Data], None], bool]] = {
    # name: (how the file is broken, whether a JSON Schema can tell)
    "no schema key": (_drop("schema"), True),
    "unknown schema tag": (_set("schema", "seeds-observation/9"), True),
    "a rubric's tag": (_set("schema", "seeds-rubric/1"), True),
    "value and code": (_both, True),
    "malformed section key under scores": (_set("scores.Bad Section", {"intro": {"value": 1}}), True),
    "malformed item key under scores": (_bad_item_key, True),
    "malformed key under section_notes": (_set("section_notes.Not OK", "a note"), True),
    "malformed key under globals": (_set("globals.Overall Rating", 2), True),
    "malformed key under counters": (_set("counters.Open Q", 2), True),
    "final without finalised": (_drop("finalised"), True),
    "unknown top-level key": (_set("reviewer", "someone"), True),
    "bad id": (_set("id", "obs-1"), True),
    "rubric version not semantic": (_set("rubric.version", "one"), True),
    "bad sha256": (_set("rubric.sha256", "abc"), True),
    "date as text": (_set("session.date", "23/11/2026"), True),
    "time without offset": (_local_time, True),
    "unknown status": (_set("status", "done"), True),
    "unknown mode": (_set("session.mode", "carrier pigeon"), True),
    "negative counter": (_set("counters.negative", -1), True),
    "value as text": (_set("scores", {"beginning": {"welcome": {"value": "2"}}}), True),
    "evidence too long": (_long_evidence, True),
    "control character in a name": (_set("session.observer", "Sam\nObserver"), True),
    "negative revision": (_set("revision", -1), True),
    "consensus of one": (_set("consensus", {"of": ["01JGK71590A75502W4W47NE4ZM"]}), True),
    "malformed rationale key": (
        _set("consensus", {"of": ["01JGK71590A75502W4W47NE4ZM", "01JGK71590A75502W4W47NE4ZN"], "rationale": {"x": "y"}}),
        True,
    ),
    "bad case reference": (_set("session.case_reference", "Case of J. Smith"), True),
    "order or licence as free text": (_set("session.sentence", "on licence until 2027"), True),
    "final with its clock running": (_set("session.running_since", datetime(2026, 11, 23, 10, 5, tzinfo=UTC)), True),
    "feedback date as text": (_set("feedback.date", "24/11/2026"), True),
    "negative feedback time": (_set("feedback.elapsed", -5), True),
    "summary too long": (_set("feedback.summary", "x" * 20_001), True),
    "change target over two lines": (_set("session.change_target", "drinking\nand driving"), True),
    "change target too long": (_set("session.change_target", "x" * 201), True),
    "focus over two lines": (_set("session.focus", "open questions\nand reflections"), True),
    "focus too long": (_set("session.focus", "x" * 201), True),
    "plan too long": (_set("session.plan", "x" * 2001), True),
    "tally time as text": (_set("counter_times.open_question", {"at": ["0:40"], "undone": []}), True),
    "negative tally time": (_set("counter_times.open_question", {"at": [-3], "undone": []}), True),
    "unknown key in tally times": (_set("counter_times.open_question", {"at": [], "when": [4]}), True),
    "too many tally times": (_set("counter_times.open_question", {"at": [1] * 2001, "undone": []}), True),
    # The reader refuses these (so validate does); a JSON Schema cannot compare values.
    "tally times out of clock order": (_set("counter_times.open_question", {"at": [90, 30], "undone": []}), False),
    # Only validate can tell: these need the rubric the file names.
    "unknown rubric": (_set("rubric.id", "no-such-rubric"), False),
    "item not in the rubric": (_unknown_item, False),
    "value off the item's scale": (_off_scale, False),
    "final missing a required item": (_missing_required, False),
    "more tally times than the count": (_set("counter_times.no_such_tally", {"at": [5], "undone": []}), False),
    "tally time after the session clock": (_set("counter_times.no_such_tally", {"at": [], "undone": [10_000_000 // 20]}), False),
}


@pytest.mark.parametrize("name", list(OBSERVATION_CASES))
def test_broken_observation_is_refused_by_validate_and_the_schema(
    name: str, final: Data, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change, expressible = OBSERVATION_CASES[name]
    data = copy.deepcopy(final)
    change(data)
    path = tmp_path / "broken.toml"
    path.write_text(dump_toml(data))
    assert main(["validate", str(path)]) == 1, f"validate accepted: {name}"
    capsys.readouterr()
    accepted = schema_accepts("observation", path)
    if expressible:
        assert not accepted, f"the schema accepts a file validate refuses: {name}"
    else:
        assert accepted, f"{name} is listed as validate-only but the schema refuses it: move it"


# -- broken rubrics -------------------------------------------------------------------------------

#: The files of tests/data/bad_rubrics that only ``rubric check`` can refuse (uniqueness, references, order).
RUBRIC_CHECK_ONLY = {
    "descriptor_off_scale", "duplicate_item_id", "duplicate_section_id", "indicator_unknown_counter",
    "renamed_nowhere", "scale_repeated_value", "scale_unordered", "unknown_scale",
}  # fmt: skip


def _rubric(change: Callable[[Data], None]) -> Callable[[], Data]:
    def build() -> Data:
        data = tomllib.loads((bundled_rubric_dir() / "mi-informed-conversation.toml").read_text())
        change(data)
        return data

    return build


def _levels(n: int) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        scale = next(iter(data["scales"].values()))
        scale["levels"] = [{"value": v, "label": f"Level {v}"} for v in range(n)]
        for section in data["sections"]:
            for item in section["items"]:
                item.pop("descriptors", None)

    return change


def _reserved_counter(data: Data) -> None:
    data["counters"][0]["key"] = "a"


def _empty_sections(data: Data) -> None:
    data["sections"] = []


MORE_RUBRICS: dict[str, Callable[[], Data]] = {
    "no schema key": _rubric(_drop("schema")),
    "no levels": _rubric(_levels(0)),
    "eleven levels": _rubric(_levels(11)),
    "reserved counter key": _rubric(_reserved_counter),
    "empty sections": _rubric(_empty_sections),
    "version pattern": _rubric(_set("version", "1.0")),
    # The schema's section.item pattern is the tool's too (rubric check once took these).
    "retired id without its section": _rubric(_set("retired", ["engaging"])),
    "renamed from an id without its section": _rubric(lambda data: data.update(renamed={"engaging": "processes.engaging"})),
}


@pytest.mark.parametrize("name", sorted(p.stem for p in BAD_RUBRICS.glob("*.toml") if p.stem != "bad_toml"))
def test_broken_rubric_file_is_refused_by_rubric_check_and_the_schema(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = BAD_RUBRICS / f"{name}.toml"
    assert main(["rubric", "check", str(path)]) == 1
    capsys.readouterr()
    accepted = schema_accepts("rubric", path)
    if name in RUBRIC_CHECK_ONLY:
        assert accepted, f"{name} is listed as check-only but the schema refuses it"
    else:
        assert not accepted, f"the schema accepts a rubric that rubric check refuses: {name}"


@pytest.mark.parametrize("name", list(MORE_RUBRICS))
def test_more_broken_rubrics_are_refused_by_both(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rubric.toml"
    path.write_text(dump_toml(MORE_RUBRICS[name]()))
    assert main(["rubric", "check", str(path)]) == 1
    capsys.readouterr()
    assert not schema_accepts("rubric", path), name


def test_the_docs_list_what_only_the_tools_check() -> None:
    text = (ROOT / "docs" / "file-format.md").read_text() + (ROOT / "docs" / "rubric-format.md").read_text()
    for rules in VALIDATE_ONLY.values():
        for rule in rules:
            assert rule in text, f"docs do not list the validate-only rule: {rule}"
