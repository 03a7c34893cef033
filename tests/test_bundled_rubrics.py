"""Every rubric shipped with seeds-tui is valid and has the shape the app and the docs promise."""

from __future__ import annotations

from pathlib import Path

import pytest

from seeds_tui.core.rubric import RESERVED_SCORING_KEYS, Rubric, RubricRegistry, bundled_rubric_dir, load_rubric

RUBRIC_DIR = bundled_rubric_dir()
SHIPPED = sorted(RUBRIC_DIR.glob("*.toml"))
EXPECTED_IDS = {"seed-one-to-one", "jersey-interview-skills", "mi-informed-conversation"}
#: The newest version of each shipped rubric (in ``<id>.toml``).
NEWEST = {"seed-one-to-one": "2.1.0", "jersey-interview-skills": "1.2.0", "mi-informed-conversation": "2.1.0"}
#: The sha256 of each earlier version's file, as observations scored against it recorded it: the
#: bytes must never change, or those observations would no longer match their rubric.
EARLIER = {
    ("seed-one-to-one", "1.0.0"): "08f7a11aa0eaf3050b9fc6ddce01e5393d5e10d5705eec5602c4800faeff0231",
    ("jersey-interview-skills", "1.0.0"): "82c032ccdbcfb3513d8882c0bcdca1a84c2f9c8d5b6f916809d12f1f6c396e64",
    ("mi-informed-conversation", "1.0.0"): "0adc8656538db37818b7738e370d24cf7a7d4949600096cd54d9f00459d05f82",
    ("seed-one-to-one", "2.0.0"): "bbcf35b583d2a681c85666f393565ba3419ff17eba2cbfef10769fa1f4d4b344",
    ("jersey-interview-skills", "1.1.0"): "61ffaa21f6aa59f93f0e13a0c4ab709f532a363c95f7ebbdb2a09a35841d14c1",
    ("mi-informed-conversation", "2.0.0"): "392953166f89e9f064d642f00e53b33844cfba8d663d9b8c0771cfa68e7685d5",
}


def _by_id(rubric_id: str) -> Rubric:
    return load_rubric(RUBRIC_DIR / f"{rubric_id}.toml")


def test_the_three_rubrics_are_shipped_with_their_earlier_versions_unchanged() -> None:
    registry = RubricRegistry([RUBRIC_DIR])
    assert registry.errors == []
    versions = {(loaded.rubric.id, loaded.rubric.version): loaded for loaded in registry}
    assert len(versions) == len(list(registry))
    assert {rid for rid, _ in versions} == EXPECTED_IDS
    for rid, version in NEWEST.items():
        # The newest version is named after its id (a new observation uses it); earlier ones carry their version.
        assert registry.get(rid).rubric.version == version
        assert registry.get(rid).path.name == f"{rid}.toml"
    for (rid, version), sha in EARLIER.items():
        loaded = versions[(rid, version)]
        assert loaded.path.name == f"{rid}-{version}.toml"
        assert loaded.sha256 == sha
    assert set(versions) == set(EARLIER) | set(NEWEST.items())
    from seeds_tui.core.versions import check_registry

    assert check_registry(registry) == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_rubric_loads_and_guides_the_observer(path: Path) -> None:
    rubric = load_rubric(path)
    assert rubric.title and rubric.description.strip()
    for section in rubric.sections:
        assert section.guidance.strip(), f"section {section.id} has no guidance"
        assert section.group in {"relationship", "structuring"}, f"section {section.id} has no composite group"
        for item in section.items:
            assert len(item.guidance) >= 40, f"{section.id}.{item.id} needs concrete guidance"
    for rating in rubric.globals:
        assert rating.guidance.strip(), f"global {rating.id} has no guidance"
        scale = rubric.scale_of(rating)
        assert all(level.descriptor for level in scale.levels), f"global {rating.id} needs an anchor per level"
    keys = [counter.key for counter in rubric.counters]
    assert len(keys) == len(set(keys))
    assert not set(keys) & set(RESERVED_SCORING_KEYS)
    for counter in rubric.counters:
        assert counter.guidance.strip()
    for scale in rubric.scales.values():
        assert all(level.label and level.descriptor for level in scale.levels)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_rubric_is_its_own_wording(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    # An MI-inspired rubric must never present itself as the MITI.
    for line in text.splitlines():
        if "MITI" in line:
            assert "not" in line.lower() or "NOT" in line, line


def test_seed_one_to_one_shape() -> None:
    rubric = _by_id("seed-one-to-one")
    assert rubric.version == "2.1.0"
    assert [s.id for s in rubric.sections] == ["beginning", "role", "relationship", "rnr", "change", "ending"]
    assert all(len(s.items) >= 4 for s in rubric.sections)
    assert set(rubric.groups) == {"relationship", "structuring"}
    quality = rubric.scales["quality"]
    assert (quality.min_value, quality.max_value, len(quality.levels)) == (0, 3, 4)
    # The lowest level says it also covers a skill used against the session's aims.
    assert quality.levels[0].label == "Missed or counter-productive"
    assert {item.scale for s in rubric.sections for item in s.items} == {"quality"}
    assert len(rubric.globals) == 4
    assert all(rubric.scale_of(g).values == [1, 2, 3, 4, 5] for g in rubric.globals)
    optional = [f"{s.id}.{i.id}" for s in rubric.sections for i in s.items if not i.required]
    assert 3 <= len(optional) < len(rubric.item_keys) // 2
    # Item-specific descriptors override the scale's wording for that item only.
    agenda = rubric.item("beginning", "agenda")
    assert rubric.descriptor(agenda, 0) != quality.level(0).descriptor
    assert rubric.descriptor(agenda, 1) == quality.level(1).descriptor


def test_seed_2_fixes_what_a_quality_lead_asked_for() -> None:
    rubric = _by_id("seed-one-to-one")
    text = (RUBRIC_DIR / "seed-one-to-one.toml").read_text(encoding="utf-8").lower()
    # A missed review must count: required, with NA for a first session.
    review = rubric.item("beginning", "review")
    assert review.required and "first session" in review.guidance
    # UK practice says task; levels describe what was seen rather than judging or inferring outcomes.
    assert "homework" not in text
    assert "model for others" not in text and "gained little" not in text
    # The pro-social item is three: modelling, reinforcement, disapproval; the bundled one is retired.
    assert {"prosocial_modelling", "prosocial_reinforcement", "antisocial_disapproval"} <= {i.id for i in rubric.section("change").items}
    assert rubric.retired == ["relationship.prosocial"]
    # Practice that was missing.
    for key in ("role.compliance", "rnr.safeguarding", "rnr.sentence_plan", "rnr.desistance"):
        assert key in rubric.item_keys
    safeguarding = rubric.item("rnr", "safeguarding")
    assert all(word in safeguarding.text for word in ("children", "partners", "victims"))


def test_the_no_code_is_not_described_as_missed() -> None:
    from seeds_tui.core.rubric import CODES

    # A missed opportunity is the lowest level; NO is the observer not being able to judge.
    assert "missed" not in CODES["NO"].lower()


def test_jersey_shape() -> None:
    rubric = _by_id("jersey-interview-skills")
    titles = [s.title.lower() for s in rubric.sections]
    assert titles == [
        "set-up of the interview",
        "non-verbal communication",
        "verbal communication",
        "legitimate use of authority",
        "motivational interviewing",
        "pro-social modelling",
        "problem-solving",
        "cognitive restructuring",
        "overall structure",
    ]
    assert rubric.groups == ["structuring", "relationship"]
    # Quick to score: a few items per area (authority holds five from 1.2.0, with the harm check).
    assert all(2 <= len(s.items) <= 5 for s in rubric.sections)
    assert "authority.compliance" in rubric.item_keys
    # From 1.2.0 the checklist asks about risk of harm to others too; optional, NA when no occasion.
    harm = rubric.item("authority", "harm_check")
    assert not harm.required and all(word in harm.text for word in ("children", "partners", "victims"))
    shown = rubric.scales["shown"]
    assert [level.label for level in shown.levels] == ["Not shown", "Partly shown", "Clearly shown"]
    assert shown.values == [0, 1, 2]


def test_mi_informed_shape() -> None:
    rubric = _by_id("mi-informed-conversation")
    assert "MI-informed" in rubric.title
    assert "MI-informed, not the MITI" in " ".join(rubric.description.split())
    # The ids are the keys of 1.0.0 (older observations' ratings still summarise); the words are ours.
    assert [g.id for g in rubric.globals] == ["cultivating_change_talk", "softening_sustain_talk", "partnership", "empathy"]
    miti_names = {"cultivating change talk", "softening sustain talk", "partnership", "empathy", "relational", "technical"}
    shown = [g.title for g in rubric.globals] + [i.title for i in rubric.indicators]
    assert not any(name in title.lower() for title in shown for name in miti_names), shown
    assert {g.group for g in rubric.globals} == {"connection", "direction"}
    # Each global is anchored on its own scale.
    assert len({g.scale for g in rubric.globals}) == 4
    sustain = rubric.globals[1]
    assert "blank" in sustain.guidance and "blank if none arose" in rubric.scale_of(sustain).title
    information = next(c for c in rubric.counters if c.id == "giving_information")
    assert information.key == "i" and "licence" in information.guidance and "appointment" in information.guidance
    counters = {c.id for c in rubric.counters}
    assert {
        "open_question",
        "closed_question",
        "simple_reflection",
        "complex_reflection",
        "affirmation",
        "seeking_collaboration",
        "emphasising_autonomy",
        "persuading",
        "confronting",
        "giving_information",
    } == counters
    indicators = {i.id: i for i in rubric.indicators}
    assert indicators["relational"].mean_of == ["partnership", "empathy"]
    assert set(indicators["technical"].mean_of) == {"cultivating_change_talk", "softening_sustain_talk"}
    share = indicators["complex_reflection_share"]
    assert share.percent and share.numerator == ["complex_reflection"]
    assert set(share.denominator) == {"simple_reflection", "complex_reflection"}
    assert "reflection_question_ratio" in indicators
    assert rubric.sections[0].id == "processes"


def test_mi_indicators_compute_from_tallies() -> None:
    from seeds_tui.core.scoring import indicator_value

    rubric = _by_id("mi-informed-conversation")
    counters = {"simple_reflection": 6, "complex_reflection": 4, "open_question": 5, "closed_question": 5}
    globals_ = {"partnership": 4, "empathy": 3, "cultivating_change_talk": 3, "softening_sustain_talk": 4}
    assert indicator_value(rubric, "complex_reflection_share", counters, globals_) == pytest.approx(40.0)
    assert indicator_value(rubric, "reflection_question_ratio", counters, globals_) == pytest.approx(1.0)
    assert indicator_value(rubric, "relational", counters, globals_) == pytest.approx(3.5)
    assert indicator_value(rubric, "technical", {}, globals_) == pytest.approx(3.5)


def test_the_complete_example_in_the_format_doc_is_valid(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "rubric-format.md").read_text(encoding="utf-8")
    section = doc.split("## 12. A short complete example", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "home-visit.toml"
    path.write_text(example, encoding="utf-8")
    rubric = load_rubric(path)
    assert rubric.id == "home-visit"
    assert rubric.groups == ["structuring", "relationship"]


def test_the_reserved_keys_listed_in_the_format_doc_match_the_code() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "rubric-format.md").read_text(encoding="utf-8")
    assert f"`{' '.join(sorted(RESERVED_SCORING_KEYS))}`" in doc


def test_each_problem_in_a_broken_copy_is_reported_once_with_its_line(tmp_path: Path) -> None:
    from seeds_tui.core.errors import RubricError

    text = (RUBRIC_DIR / "mi-informed-conversation.toml").read_text(encoding="utf-8")
    broken = text.replace('key = "q"', 'key = "o"').replace('scale = "process"', 'scale = "proces"', 1)
    path = tmp_path / "broken.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    problems = caught.value.problems
    assert [p.field for p in problems] == ["sections.0.items.0.scale", "counters.0.key"]
    assert "unknown scale 'proces'; known: alongside, draw_out, process, respond, understand" in problems[0].message
    assert "reserved for scoring; choose another letter" in problems[1].message
    assert all(p.line is not None and p.path == path for p in problems)
