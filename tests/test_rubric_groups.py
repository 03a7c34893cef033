"""One meaning for the shared composites across every shipped rubric: relationship and structuring
skills as core correctional practice splits them (docs/rubric-format.md section 6), item by item;
``rubric check`` warns when a rubric files an item under the other kind; observations scored against
the earlier versions still validate, open and summarise beside new ones."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from seeds_tui.cli import main
from seeds_tui.core.errors import RubricError
from seeds_tui.core.groups import group_warnings, kinds_named
from seeds_tui.core.rubric import RubricRegistry, bundled_rubric_dir, load_rubric
from seeds_tui.demo.generator import generate_demo, write_demo
from seeds_tui.storage.store import Store

RUBRIC_DIR = bundled_rubric_dir()
R, S = "relationship", "structuring"

#: Every item of the newest shipped rubrics and the composite it counts in.
EXPECTED = {
    "seed-one-to-one": {
        "beginning.welcome": R,
        "beginning.review": S,
        "beginning.agenda": S,
        "beginning.environment": S,
        "role.dual_role": S,
        "role.negotiable": S,
        "role.confidentiality": S,
        "role.authority": S,
        "role.compliance": S,
        "relationship.warmth": R,
        "relationship.listening": R,
        "relationship.questions": R,
        "relationship.clarity": R,
        "rnr.risk_focus": S,
        "rnr.need_focus": S,
        "rnr.responsivity": S,
        "rnr.barriers": S,
        "rnr.safeguarding": S,
        "rnr.sentence_plan": S,
        "rnr.desistance": S,
        "change.motivation": R,
        "change.cognitive": S,
        "change.problem_solving": S,
        "change.skill_practice": S,
        "change.prosocial_modelling": S,
        "change.prosocial_reinforcement": S,
        "change.antisocial_disapproval": S,
        "ending.summary": S,
        "ending.task": S,
        "ending.next_contact": S,
        "ending.feedback_invited": S,
    },
    "jersey-interview-skills": {
        "setup.arrangements": S,
        "setup.purpose": S,
        "setup.review": S,
        "nonverbal.attentive": R,
        "nonverbal.calm": R,
        "verbal.open_questions": R,
        "verbal.reflections": R,
        "verbal.clear_language": R,
        "authority.explains_role": S,
        "authority.fair_firm": S,
        "authority.choices": S,
        "authority.compliance": S,
        "authority.harm_check": S,
        "mi.elicits_reasons": R,
        "mi.ambivalence": R,
        "mi.affirms": R,
        "prosocial.models": S,
        "prosocial.reinforces": S,
        "prosocial.challenges": S,
        "problem_solving.defines": S,
        "problem_solving.options": S,
        "problem_solving.plan": S,
        "cognitive.identifies": S,
        "cognitive.alternatives": S,
        "structure.coherent": S,
        "structure.focus": S,
        "structure.closes": S,
    },
    "mi-informed-conversation": {
        "processes.engaging": R,
        "processes.focusing": S,
        "processes.evoking": R,
        "processes.planning": S,
        "spirit.permission": R,
        "spirit.summaries": R,
    },
}


@pytest.mark.parametrize("rubric_id", sorted(EXPECTED))
def test_every_item_counts_in_the_composite_practice_gives_it(rubric_id: str) -> None:
    rubric = load_rubric(RUBRIC_DIR / f"{rubric_id}.toml")
    found = {key: rubric.group_of(*key.split(".")) for key in rubric.item_keys}
    assert found == EXPECTED[rubric_id]
    assert set(rubric.groups) == {R, S}
    assert group_warnings(rubric) == []


def test_the_same_skill_counts_the_same_way_in_every_rubric() -> None:
    seed, jersey, mi = (load_rubric(RUBRIC_DIR / f"{rid}.toml") for rid in EXPECTED)
    pairs = [
        (seed, "role.authority", jersey, "authority.fair_firm"),
        (seed, "role.dual_role", jersey, "authority.explains_role"),
        (seed, "role.compliance", jersey, "authority.compliance"),
        (seed, "rnr.safeguarding", jersey, "authority.harm_check"),
        (seed, "beginning.agenda", jersey, "setup.purpose"),
        (seed, "change.motivation", jersey, "mi.elicits_reasons"),
        (seed, "change.motivation", mi, "processes.evoking"),
        (seed, "change.prosocial_modelling", jersey, "prosocial.models"),
        (seed, "change.prosocial_reinforcement", jersey, "prosocial.reinforces"),
        (seed, "change.antisocial_disapproval", jersey, "prosocial.challenges"),
        (seed, "change.problem_solving", jersey, "problem_solving.defines"),
        (seed, "change.cognitive", jersey, "cognitive.identifies"),
        (seed, "relationship.listening", jersey, "verbal.reflections"),
        (seed, "relationship.questions", jersey, "verbal.open_questions"),
        (seed, "ending.summary", jersey, "structure.closes"),
    ]
    for a, a_key, b, b_key in pairs:
        assert a.group_of(*a_key.split(".")) == b.group_of(*b_key.split(".")), (a_key, b_key)


def test_an_item_group_overrides_its_section_and_must_be_an_id(tmp_path: Path) -> None:
    rubric = load_rubric(RUBRIC_DIR / "seed-one-to-one.toml")
    change = rubric.section("change")
    assert change.group == S and rubric.item("change", "motivation").group == R
    assert rubric.group_of("change", "cognitive") == S
    text = (RUBRIC_DIR / "seed-one-to-one.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('group = "relationship"\nguidance = "Greets', 'group = "Relationship skills"\nguidance = "Greets', 1))
    with pytest.raises(RubricError) as caught:
        load_rubric(bad)
    [problem] = caught.value.problems
    assert problem.field == "sections.0.items.0.group" and problem.line is not None


def test_the_keyword_list_reads_words_not_parts_of_words() -> None:
    assert kinds_named("Uses open questions and reflects back") == {R: ("reflect", "open question")}
    assert kinds_named("change.problem_solving Helps the person solve a concrete problem") == {S: ("problem",)}
    # "role" inside "controlled" or "plan" inside "explanation" is not a match.
    assert kinds_named("Stays controlled during the explanation") == {}


def test_the_earlier_versions_would_be_warned_about() -> None:
    """What the 1.0.0 files did, and why they changed: the warning names each item filed under the other kind."""
    found = {path.name: [w.key for w in group_warnings(load_rubric(path))] for path in sorted(RUBRIC_DIR.glob("*-1.0.0.toml"))}
    assert found == {
        "jersey-interview-skills-1.0.0.toml": ["authority.explains_role"],
        "mi-informed-conversation-1.0.0.toml": ["processes.planning"],
        "seed-one-to-one-1.0.0.toml": [
            "relationship.prosocial",
            "change.cognitive",
            "change.problem_solving",
            "change.skill_practice",
        ],
    }


def test_rubric_check_warns_about_an_item_of_the_other_kind_and_still_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (RUBRIC_DIR / "jersey-interview-skills.toml").read_text(encoding="utf-8")
    # A team's copy that files problem-solving under relationship, as the SEED rubric 1.0.0 did.
    copy = text.replace('id = "jersey-interview-skills"', 'id = "team-interview-skills"').replace(
        'id = "problem_solving"\ntitle = "Problem-solving"\ngroup = "structuring"',
        'id = "problem_solving"\ntitle = "Problem-solving"\ngroup = "relationship"',
    )
    assert copy.count('group = "relationship"') == 4
    path = tmp_path / "team-interview-skills.toml"
    path.write_text(copy, encoding="utf-8")
    code = main(["rubric", "check", str(path)])
    out = capsys.readouterr()
    assert code == 0
    assert f"{path}: ok (team-interview-skills 1.2.0" in out.out
    warnings = [line for line in out.err.splitlines() if line.startswith("warning:")]
    assert [w.split(": item ")[1].split(" ")[0] for w in warnings] == [
        "'problem_solving.defines'",
        "'problem_solving.options'",
        "'problem_solving.plan'",
    ]
    line = next(n for n, text in enumerate(copy.splitlines(), 1) if text == 'id = "defines"') - 1
    assert warnings[0].startswith(f"warning: {path}:{line}: sections.6.items.0: item 'problem_solving.defines' counts as relationship")
    assert 'set group = "structuring" on the item' in warnings[0]
    # The shipped rubrics check clean, without a warning.
    assert main(["rubric", "check", *map(str, sorted(RUBRIC_DIR.glob("*.toml")))]) == 0
    shipped = capsys.readouterr()
    # Only the earlier versions are warned about: their files keep their bytes, and so their old grouping.
    assert all("-1.0.0.toml:" in line for line in shipped.err.splitlines() if line.startswith("warning:"))


# -- observations scored against the earlier versions ------------------------------------------


@pytest.fixture(scope="module")
def old_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Observations of every rubric scored against 1.0.0 (the demo run with the 1.0.0 files), and of the newest."""
    root = tmp_path_factory.mktemp("old-versions")
    old_dir = root / "rubrics-1.0.0"
    old_dir.mkdir()
    for path in RUBRIC_DIR.glob("*-1.0.0.toml"):
        shutil.copyfile(path, old_dir / path.name.replace("-1.0.0", ""))
    store = Store(root / "store")
    write_demo(store, 40, seed=11, today=date(2026, 6, 30), rubric_dir=old_dir)
    generate_demo(store, 40, seed=12, today=date(2026, 11, 23))
    return store


def test_old_observations_still_validate_and_open(old_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    from seeds_tui.core.observation import check_against_rubric

    registry = RubricRegistry([RUBRIC_DIR])
    paths = sorted(old_store.final_dir.glob("*.toml"))
    versions = set()
    for path in paths:
        obs = old_store.read(path)
        # What the app does to open one: the exact version it names, with the same bytes.
        loaded = registry.get(obs.rubric.id, obs.rubric.version)
        assert loaded.sha256 == obs.rubric.sha256
        assert check_against_rubric(obs, loaded.rubric, path=path) == []
        versions.add((obs.rubric.id, obs.rubric.version))
    assert {v for _, v in versions} == {"1.0.0", "2.1.0", "1.2.0"}
    assert main(["validate", "--quiet", *map(str, paths)]) == 0
    capsys.readouterr()


def test_old_observations_summarise_beside_new_ones_by_the_new_grouping(old_store: Store) -> None:
    import seeds_tui

    data = seeds_tui.summary_data(old_store, rubric="seed-one-to-one")
    assert data.problems == []
    items = data.items
    assert set(items["rubric_version"].astype(str)) == {"1.0.0", "2.1.0"}
    old = items[items["rubric_version"].astype(str) == "1.0.0"]
    # The old bundled pro-social item is retired: its scores are not carried into any new item.
    assert not ((old["section"] == "relationship") & (old["item"] == "prosocial")).any()
    assert not old["item"].astype(str).isin(["prosocial_modelling", "prosocial_reinforcement", "antisocial_disapproval"]).any()
    # Old scores are counted in the composite their item has now.
    groups = old.assign(key=old["section"].astype(str) + "." + old["item"].astype(str)).groupby("key")["section_group"].first()
    for key, group in groups.items():
        assert group == EXPECTED["seed-one-to-one"][key], key
    assert groups["change.cognitive"] == S and groups["beginning.welcome"] == R
    [table] = seeds_tui.summary_tables(old_store, "composite", rubric="seed-one-to-one", threshold=3)
    assert {R, S} <= set(table.frame["group"].astype(str))
