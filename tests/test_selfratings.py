"""Self-ratings (``seeds-selfrating/1``): the file format (round trip, validation against the rubric,
hostile files), the register, validate / import / export, the gap ordering and the sheet."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from seeds_tui.cli import main
from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import RubricRef, Score, Session, new_observation
from seeds_tui.core.rubric import RubricRegistry, bundled_rubric_dir
from seeds_tui.core.selfrating import (
    SelfRating,
    SelfRatingError,
    SelfRatingRubric,
    check_selfrating,
    gaps,
    new_selfrating,
    parse_selfrating,
    reflection_warnings,
)
from seeds_tui.render.sheet import render_html, render_markdown
from seeds_tui.storage.selfratings import SELFRATINGS, selfrating_of, selfratings_for
from seeds_tui.storage.store import Store

OBS_ID = "01JD3V2A8S7D6F5G4H3J2K1M0N"
SR_ID = "01JD3V6Q4W8Z5N2C7B9X1K3M4P"


@pytest.fixture(scope="module")
def registry() -> RubricRegistry:
    return RubricRegistry([bundled_rubric_dir()])


def _final(store: Store, registry: RubricRegistry, practitioner: str = "Pat P", value: int = 2) -> str:
    loaded = registry.get("seed-one-to-one")
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=date(2026, 11, 23), observer="Sam", practitioner=practitioner, team="North"),
    )
    scores = {s.id: {i.id: Score(value=value) for i in s.items} for s in rubric.sections}
    final, _ = store.finalise(store.save_draft(obs.model_copy(update={"scores": scores})), rubric)
    return final.id


def _text(registry: RubricRegistry, **extra: str) -> str:
    rubric = registry.get("seed-one-to-one").rubric
    section = rubric.sections[0]
    lines = [
        'schema = "seeds-selfrating/1"',
        f'id = "{SR_ID}"',
        f'observation = "{OBS_ID}"',
        'practitioner = "Pat P"',
        "date = 2026-11-23",
        f'sections = ["{section.id}"]',
        'reflection = "I rushed the ending."',
        "",
        "[rubric]",
        f'id = "{rubric.id}"',
        f'version = "{rubric.version}"',
        "",
        f"[ratings.{section.id}]",
        f"{section.items[0].id} = {extra.get('value', '3')}",
        f'{section.items[1].id} = "NA"',
    ]
    return "\n".join(lines) + "\n"


def test_round_trip_is_identity_and_deterministic(registry: RubricRegistry) -> None:
    record = parse_selfrating(_text(registry).encode())
    again = parse_selfrating(record.to_toml().encode())
    assert again == record and again.to_toml() == record.to_toml()
    assert check_selfrating(record, registry.get("seed-one-to-one").rubric) == []


def test_values_are_checked_against_the_rubric_scales(registry: RubricRegistry) -> None:
    rubric = registry.get("seed-one-to-one").rubric
    text = _text(registry, value="7")
    problems = check_selfrating(parse_selfrating(text.encode()), rubric, text=text)
    assert len(problems) == 1 and "not a level of scale" in problems[0].message and problems[0].line == 14
    other = rubric.sections[1]
    outside = _text(registry) + f"\n[ratings.{other.id}]\n{other.items[0].id} = 1\n"
    problems = check_selfrating(parse_selfrating(outside.encode()), rubric)
    assert [p.field for p in problems] == [f"ratings.{other.id}"]
    unknown = _text(registry) + "\n[ratings.nosuch]\nx = 1\n"
    assert "unknown section" in check_selfrating(parse_selfrating(unknown.encode()), rubric)[0].message


HOSTILE = {
    "not toml": (b"schema = = =\n", "not valid TOML"),
    "an observation": (b'schema = "seeds-observation/5"\n', "not a seeds-tui self-rating"),
    "newer": (b'schema = "seeds-selfrating/9"\n', "newer seeds-tui"),
    "binary": (b"\x00\x01\x02\xff" * 40, ""),
    "bad code": (None, "Input should be"),
    "unknown key": (None, "unknown key"),
    "control chars in name": (None, "control characters"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files_give_clean_errors_that_never_echo_values(name: str, registry: RubricRegistry, tmp_path: Path) -> None:
    raw, fragment = HOSTILE[name]
    text = _text(registry)
    if name == "bad code":
        raw = text.replace('"NA"', '"SECRET-VALUE"').encode()
    elif name == "unknown key":
        raw = text.replace("reflection =", "secret_key_SECRET-VALUE = 1\nreflection =").encode()
    elif name == "control chars in name":
        raw = text.replace('"Pat P"', '"Pat\\u0007SECRET-VALUE"').encode()
    assert raw is not None
    with pytest.raises(SelfRatingError) as caught:
        parse_selfrating(raw, tmp_path / "x.toml")
    message = str(caught.value)
    assert fragment in message and "SECRET-VALUE" not in message.replace("secret_key_SECRET-VALUE", "")
    assert "Traceback" not in message
    # validate says the same, exit 1, no traceback.
    path = tmp_path / "bad.toml"
    path.write_bytes(raw)
    assert main(["validate", str(path)]) == 1


def test_register_validate_import_export_and_the_practitioner_list(registry: RubricRegistry, tmp_path: Path, capsys) -> None:
    spo = Store(tmp_path / "spo")
    obs_id = _final(spo, registry)
    obs = next(o for _, o in spo.iter_observations() if not isinstance(o, Exception))
    # On the practitioner's own machine, with their own store: the file they hand over.
    own = Store(tmp_path / "own")
    record = new_selfrating(obs, when=date(2026, 11, 23))
    section = registry.get("seed-one-to-one").rubric.sections[0]
    record = record.model_copy(update={"ratings": {section.id: {section.items[0].id: 3, section.items[1].id: "NO"}}})
    SELFRATINGS.add(own, record)
    path = SELFRATINGS.path(own, record.id)
    assert path.stat().st_mode & 0o077 == 0
    assert main(["validate", str(path)]) == 0
    capsys.readouterr()
    # The SPO brings it in; twice changes nothing.
    assert main(["import", str(path), "--store", str(spo.root), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["imported"] == 1
    assert main(["import", str(path), "--store", str(spo.root), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["skipped"] == 1
    assert selfrating_of(spo, obs_id) == record
    assert [r.id for r in selfratings_for(spo, " pat  p ")] == [record.id]
    assert selfratings_for(spo, "someone else") == []
    # A changed copy under the same id is a conflict, kept aside.
    path.write_text(record.model_copy(update={"reflection": "changed"}).to_toml())
    assert main(["import", str(path), "--store", str(spo.root)]) == 1
    capsys.readouterr()
    assert list(spo.conflict_dir.glob(f"{record.id}.*.toml"))
    # Exported beside the observer's score.
    assert main(["export", "--store", str(spo.root), "--table", "selfratings", "--format", "jsonl", "-q"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted((r["item"], r["self_value"], r["self_code"], r["observer_value"], r["difference"]) for r in rows) == sorted(
        [
            (section.items[0].id, 3, None, 2, 1),
            (section.items[1].id, None, "not_observed", 2, None),
        ]
    )


def test_gap_puts_the_largest_differences_first_then_what_cannot_be_compared(registry: RubricRegistry) -> None:
    rubric = registry.get("seed-one-to-one").rubric
    loaded = registry.get("seed-one-to-one")
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=date(2026, 11, 23), observer="Sam", practitioner="Pat P", team="North"),
    )
    s = rubric.sections[0]
    a, b, c, d = (i.id for i in s.items[:4])
    obs = obs.model_copy(update={"scores": {s.id: {a: Score(value=1), b: Score(value=2), c: Score(value=0), d: Score(code="NA")}}})
    record = SelfRating(
        id=SR_ID, observation=obs.id, practitioner="Pat P", date=date(2026, 11, 23),
        rubric=SelfRatingRubric(id=rubric.id, version=rubric.version), sections=[s.id],
        ratings={s.id: {a: 2, b: 2, c: 3, d: 1}},
    )  # fmt: skip
    got = gaps(obs, record, rubric)
    assert [(g.item, g.difference) for g in got[:3]] == [(c, 3), (a, 1), (b, 0)]
    assert all(g.difference is None for g in got[3:]) and got[3].item == d  # NA, then items not rated, in rubric order
    assert {g.section for g in got} == {s.id}  # only the chosen section
    md = render_markdown(obs, rubric, record)
    assert "## Your self-rating beside the observer's" in md
    assert md.index(f"{s.items[2].text}") < md.index(f"{s.items[0].text} | 2")
    assert "Your self-rating beside" in render_html(obs, rubric, record)
    assert "self-rating" not in render_markdown(obs, rubric).casefold().replace("self-assessment", "")


def test_reflection_is_checked_for_personal_data(registry: RubricRegistry) -> None:
    record = parse_selfrating(_text(registry).encode())
    assert reflection_warnings(record) == []
    assert reflection_warnings(record.model_copy(update={"reflection": "Mr Smith was late"}))


def test_schema_command_publishes_the_format(capsys) -> None:
    assert main(["schema", "selfrating"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["schema"]["enum"] == ["seeds-selfrating/1"]


def test_a_missing_rubric_is_a_clear_problem(tmp_path: Path, registry: RubricRegistry) -> None:
    text = _text(registry).replace('id = "seed-one-to-one"', 'id = "no-such-rubric"')
    path = tmp_path / "x.toml"
    path.write_text(text)
    assert main(["validate", str(path)]) == 1
    with pytest.raises(SeedsError):
        registry.get("no-such-rubric")
