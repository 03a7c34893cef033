"""The development record's providers: the practitioner's self-ratings and the questionnaire comments
people on probation left about them, gathered from a real store beside observations, actions and
supervision notes; comments appear only in that practitioner's own record."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from seeds_tui.cli import main
from seeds_tui.core.observation import Action, RubricRef, Score, Session, new_observation
from seeds_tui.core.rubric import RubricRegistry, bundled_rubric_dir
from seeds_tui.core.selfrating import new_selfrating
from seeds_tui.core.supervision import new_note
from seeds_tui.render.development import render_html, render_markdown
from seeds_tui.storage.development import (
    PROVIDERS,
    gather,
    practitioners,
    questionnaire_provider,
    selfratings_provider,
)
from seeds_tui.storage.responses import RESPONSES, add_response, new_response, questionnaires
from seeds_tui.storage.selfratings import SELFRATINGS
from seeds_tui.storage.store import Store
from seeds_tui.storage.supervision import add_note


@pytest.fixture(scope="module")
def registry() -> RubricRegistry:
    return RubricRegistry([bundled_rubric_dir()])


def _final(store: Store, registry: RubricRegistry, practitioner: str, when: date) -> str:
    loaded = registry.get("seed-one-to-one")
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=when, observer="Sam Observer", practitioner=practitioner, team="North"),
    )
    scores = {s.id: {i.id: Score(value=2) for i in s.items} for s in rubric.sections}
    feedback = obs.feedback.model_copy(update={"actions": [Action(text="Set the agenda together")]})
    final, _ = store.finalise(store.save_draft(obs.model_copy(update={"scores": scores, "feedback": feedback})), rubric)
    return final.id


def _respond(store: Store, month: str, practitioner: str | None, comment: str | None) -> None:
    q = questionnaires(store).current()
    assert q is not None
    answers = {s.id: 4 for s in q.statements}
    add_response(store, new_response(q, month=month, team="North", answers=answers, practitioner=practitioner, comment=comment))


@pytest.fixture
def store(tmp_path: Path, registry: RubricRegistry) -> Store:
    """Two practitioners with observations, self-ratings, a supervision note and questionnaire answers."""
    store = Store(tmp_path / "store")
    for name, day in (("Pat Practitioner", date(2026, 3, 10)), ("Alex Other", date(2026, 3, 12))):
        obs_id = _final(store, registry, name, day)
        obs = store.read(store.final_dir / f"{obs_id}.toml")
        section = registry.get("seed-one-to-one").rubric.sections[0]
        record = new_selfrating(obs, sections=[section.id], when=day)
        record = record.model_copy(
            update={"ratings": {section.id: {section.items[0].id: 3, section.items[1].id: "NA"}}, "reflection": f"{name} rushed"}
        )
        SELFRATINGS.add(store, record)
    add_note(store, new_note(when=date(2026, 4, 20), practitioner="Pat Practitioner", reflection="Agenda frees time"))
    _respond(store, "2026-03", "Pat Practitioner", "Zoe-like calm: she explained what happens next.")
    _respond(store, "2026-03", "pat  practitioner", "Answered every question I had.")
    _respond(store, "2026-05", "Pat Practitioner", "Mr Smith from the hostel came with me.")  # looks like personal data
    _respond(store, "2026-05", "Pat Practitioner", None)
    _respond(store, "2026-03", "Alex Other", "Only about Alex.")
    _respond(store, "2026-03", None, "Not tied to anyone.")
    return store


def test_providers_are_in_the_record() -> None:
    assert selfratings_provider in PROVIDERS and questionnaire_provider in PROVIDERS


def test_the_self_ratings_of_the_practitioner_are_in_date_order_with_the_session_rated(store: Store) -> None:
    record = gather(store, "Pat Practitioner")
    kinds = [(e.date, e.kind) for e in record.entries]
    assert kinds == sorted(kinds, key=lambda k: k[0])
    [rated] = [e for e in record.entries if e.kind == "self-rating"]
    assert rated.date == date(2026, 3, 10)
    assert rated.lines == (
        "Rated 2 items of the session of 10/03/2026, 1 section chosen by the observer",
        "Reflection: Pat Practitioner rushed",
    )
    # On one day the self-rating comes before the observation it rates (it is made before feedback).
    same_day = [e.kind for e in record.entries if e.date == date(2026, 3, 10)]
    assert same_day.index("self-rating") < same_day.index("observation")
    assert "Alex Other rushed" not in render_markdown(record)


def test_comments_appear_only_in_the_practitioners_own_record_by_month(store: Store) -> None:
    record = gather(store, "Pat Practitioner")
    comments = [e for e in record.entries if e.kind == "questionnaire"]
    assert [(e.date, e.month_only) for e in comments] == [(date(2026, 3, 1), True)]
    # In alphabetical order, not the order given; the flagged one and the empty one left out.
    assert comments[0].lines == ('"Answered every question I had."', '"Zoe-like calm: she explained what happens next."')
    md = render_markdown(record)
    assert "## March 2026 · Questionnaire: Comments from people on probation" in md
    assert "1 March 2026" not in md  # only the month is known
    assert "Smith" not in md and "Only about Alex" not in md and "Not tied to anyone" not in md
    html = render_html(record)
    assert "March 2026 · Questionnaire" in html and "Answered every question I had." in html and "Smith" not in html
    # The other practitioner's record has their own comment only; a comment tied to nobody is in no record.
    other = render_markdown(gather(store, "Alex Other"))
    assert "Only about Alex" in other and "Answered every question" not in other and "Not tied to anyone" not in other
    for name in practitioners(store):
        assert "Not tied to anyone" not in render_markdown(gather(store, name))


def test_no_answers_or_points_are_shown(store: Store) -> None:
    record = gather(store, "Pat Practitioner")
    statements = questionnaires(store).current()
    assert statements is not None
    md = render_markdown(record)
    assert not any(s.text in md for s in statements.statements)


def test_the_record_command_holds_them_and_reports_a_broken_response(store: Store, tmp_path: Path, capsys) -> None:
    out = tmp_path / "record.md"
    assert main(["record", "Pat Practitioner", "--store", str(store.root), "-o", str(out)]) == 0
    capsys.readouterr()
    text = out.read_text()
    assert "· Self-rating" in text and "· Questionnaire" in text and "· Supervision" in text and "· Observation" in text
    (RESPONSES.dir(store) / "brokenbrokenbrok.toml").write_bytes(b"\x00\x01 not a response")
    (SELFRATINGS.dir(store) / "01AAAAAAAAAAAAAAAAAAAAAAAA.toml").write_text('schema = "seeds-selfrating/1"\n')
    assert main(["record", "Pat Practitioner", "--store", str(store.root), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "left out" in err and "brokenbrokenbrok.toml" in err and "01AAAAAAAAAAAAAAAAAAAAAAAA.toml" in err
    assert "Answered every question I had." in out.read_text()  # the rest still there


def test_a_self_rating_alone_makes_a_record(tmp_path: Path, registry: RubricRegistry) -> None:
    store = Store(tmp_path / "store")
    obs_id = _final(store, registry, "Pat Practitioner", date(2026, 3, 10))
    obs = store.read(store.final_dir / f"{obs_id}.toml")
    SELFRATINGS.add(store, new_selfrating(obs, when=date(2026, 3, 10)))
    entries, problems = selfratings_provider(store, "pat practitioner")
    assert [e.lines[0] for e in entries] == ["Rated 0 items of the session of 10/03/2026, every section"] and problems == []
    assert questionnaire_provider(store, "Pat Practitioner") == ([], [])
