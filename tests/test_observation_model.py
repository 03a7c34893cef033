"""Observation models and their checks against the rubric they name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers_core import SECRET, STAMP, draft, observation_text, rubric_ref, scored, small_rubric
from pydantic import ValidationError

from seeds_tui.core.errors import ObservationError
from seeds_tui.core.observation import (
    MIGRATIONS,
    OBSERVATION_SCHEMA,
    Event,
    Feedback,
    LinkedNote,
    Observation,
    Score,
    Session,
    check_against_rubric,
    missing_required,
    new_observation,
    observation_from_toml,
    observation_to_toml,
    read_observation,
)
from seeds_tui.core.rubric import Rubric


@pytest.fixture
def rubric(tmp_path: Path) -> Rubric:
    """The small rubric, from a real file."""
    return small_rubric(tmp_path / "rubrics")


def write(tmp_path: Path, text: str) -> Path:
    """Write an observation file and return its path."""
    path = tmp_path / "obs.toml"
    path.write_text(text, encoding="utf-8")
    return path


def checked(tmp_path: Path, text: str, rubric: Rubric) -> list[tuple[int | None, str, str]]:
    """(line, field, message) of every problem of the file ``text`` against ``rubric``."""
    path = write(tmp_path, text)
    obs, raw = read_observation(path)
    return [(p.line, p.field, p.message) for p in check_against_rubric(obs, rubric, path=path, text=raw)]


def line_of(text: str, fragment: str, start: str | None = None) -> int:
    """The 1-based line of the first line equal to ``fragment`` (after the line ``start``)."""
    lines = text.splitlines()
    begin = lines.index(start) if start else 0
    return lines.index(fragment, begin) + 1


def test_new_observation_is_an_empty_draft() -> None:
    """A new observation: draft, revision 0, its own id, created = updated."""
    obs = draft()
    assert (obs.status, obs.revision, obs.finalised) == ("draft", 0, None)
    assert obs.created == obs.updated == STAMP
    assert obs.scores == {} and obs.events == [] and obs.feedback == Feedback()
    assert draft().id != obs.id


def test_a_complete_draft_fits_its_rubric(rubric: Rubric, tmp_path: Path) -> None:
    """No problems, and nothing missing, for a fully scored draft."""
    assert checked(tmp_path, observation_text(), rubric) == []
    assert missing_required(scored(), rubric) == []


def test_unknown_ids_and_values_off_the_scale(rubric: Rubric, tmp_path: Path) -> None:
    """Each problem is at the right line, with a message that quotes no value from the file."""
    text = observation_text()
    text = text.replace("[scores.relationship.empathy]\nvalue = 3", "[scores.relationship.empathy]\nvalue = 7")
    text = text.replace("[scores.structure.agenda]", "[scores.structure.agendum]")
    text += "\n[scores.closing.summary]\nvalue = 1\n"
    text = text.replace("partnership = 4", "partnership = 9\nwarmth = 3")
    text = text.replace("question = 5", "question = 5\nsilence = 2")
    text = text.replace("[section_notes]", f'[section_notes]\nending = "{SECRET}"')
    problems = checked(tmp_path, text, rubric)
    assert problems == [
        (
            line_of(text, "value = 7"),
            "scores.relationship.empathy.value",
            "value is not a level of scale 'quality' (0..3); use a level value or NA/NO",
        ),
        (line_of(text, "[scores.structure.agendum]"), "scores.structure.agendum", "unknown item id for this section"),
        (line_of(text, "[scores.closing.summary]"), "scores.closing", "unknown section id for this rubric"),
        (line_of(text, f'ending = "{SECRET}"'), "section_notes.ending", "unknown section id for this rubric"),
        (line_of(text, "partnership = 9"), "globals.partnership", "value is not a level of scale 'global5'"),
        (line_of(text, "warmth = 3"), "globals.warmth", "unknown global rating id for this rubric"),
        (line_of(text, "silence = 2"), "counters.silence", "unknown counter id for this rubric"),
    ]
    assert all(SECRET not in message for _, _, message in problems)


def test_final_observation_missing_required_items(rubric: Rubric, tmp_path: Path) -> None:
    """A final file without a required score is a problem; an optional one may stay empty."""
    final = scored().model_copy(update={"status": "final", "finalised": STAMP})
    final = final.model_copy(update={"scores": {"structure": final.scores["structure"]}})
    text = observation_to_toml(final)
    problems = checked(tmp_path, text, rubric)
    # No [scores.relationship...] table exists: the line is where the scores begin.
    first_scores = next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith("[scores."))
    assert problems == [
        (first_scores, "scores.relationship.empathy", "required item has no score (give a level, NA or NO) in a final observation")
    ]
    assert missing_required(final, rubric) == ["relationship.empathy"]
    as_draft = final.model_copy(update={"status": "draft"})
    assert check_against_rubric(as_draft, rubric) == []


def test_final_needs_its_finalised_time(rubric: Rubric) -> None:
    """status = final without a finalised time is reported."""
    final = scored().model_copy(update={"status": "final"})
    assert [p.field for p in check_against_rubric(final, rubric)] == ["finalised"]


def test_codes_count_as_scored_for_required_items(rubric: Rubric) -> None:
    """NA and NO satisfy a required item; evidence alone does not."""
    obs = draft().model_copy(
        update={"scores": {"structure": {"agenda": Score(code="NA")}, "relationship": {"empathy": Score(evidence="later")}}}
    )
    assert missing_required(obs, rubric) == ["relationship.empathy"]


def test_links_to_items_must_exist(rubric: Rubric) -> None:
    """Events and feedback notes may link only to items of the rubric."""
    obs = scored().model_copy(
        update={
            "events": [Event(at=STAMP, elapsed=5, item="structure.agenda"), Event(at=STAMP, elapsed=9, item="structure.nope")],
            "feedback": Feedback(
                strengths=[LinkedNote(text="Warm", item="relationship.empathy")], development_areas=[LinkedNote(text="x", item="gone.item")]
            ),
        }
    )
    assert [p.field for p in check_against_rubric(obs, rubric)] == ["events.1.item", "feedback.development_areas.0.item"]


def test_other_rubric_version_is_reported(rubric: Rubric) -> None:
    """Checking against another version of the rubric says so."""
    obs = scored().model_copy(update={"rubric": rubric_ref().model_copy(update={"version": "1.0.0"})})
    problems = check_against_rubric(obs, rubric)
    assert [p.field for p in problems] == ["rubric"]
    assert "scored against small 1.0.0, checked against small 1.2.0" in problems[0].message


def test_score_value_or_code_not_both() -> None:
    """A score is a level or a code; a code must be NA or NO."""
    with pytest.raises(ValidationError, match="not both"):
        Score(value=1, code="NA")
    with pytest.raises(ValidationError):
        Score(code="NX")
    assert Score(evidence="only evidence").is_set is False
    assert Score(code="NO").is_set is True


def test_session_refuses_names_in_the_case_reference() -> None:
    """A case reference is a short pseudonymous code: no spaces, so no full names."""
    with pytest.raises(ValidationError):
        Session(date=date(2026, 1, 1), observer="O", practitioner="P", team="T", case_reference="John Smith")
    assert (
        Session(date=date(2026, 1, 1), observer="O", practitioner="P", team="T", case_reference="CR-2026/014").case_reference
        == "CR-2026/014"
    )


def test_strict_types_no_coercion() -> None:
    """Strict models: "3" is not 3, 1 is not True."""
    with pytest.raises(ValidationError):
        Score.model_validate({"value": "3"})
    with pytest.raises(ValidationError):
        Session.model_validate({"date": date(2026, 1, 1), "observer": "O", "practitioner": "P", "team": "T", "consent_recorded": 1})


def test_migrations_bring_old_files_up_to_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file with an older schema tag goes through MIGRATIONS before validation."""
    current = observation_text()
    text = current.replace(f'schema = "{OBSERVATION_SCHEMA}"', 'schema = "seeds-observation/0"').replace("practitioner =", "worker =")

    def from_zero(data: dict) -> dict:
        session = dict(data["session"])
        session["practitioner"] = session.pop("worker")
        return {**data, "schema": "seeds-observation/1", "session": session}

    monkeypatch.setitem(MIGRATIONS, "seeds-observation/0", from_zero)
    assert observation_from_toml(text) == observation_from_toml(current)


def test_observation_error_from_text_names_input() -> None:
    """Text without a path still gives a located problem."""
    with pytest.raises(ObservationError) as caught:
        observation_from_toml(observation_text().replace("revision = 0", "revision = -1"))
    assert str(caught.value) == "<input>:4: revision: Input should be greater than or equal to 0"


def test_doctest_example_round_trips() -> None:
    """The documented construction path gives an observation that reads back equal."""
    obs = new_observation(rubric=rubric_ref(), session=Session(date=date(2026, 11, 23), observer="O", practitioner="P", team="T"))
    assert isinstance(obs, Observation)
    assert observation_from_toml(observation_to_toml(obs)) == obs


def test_suspect_notes_name_every_place_a_personal_detail_can_hide_never_the_text() -> None:
    from datetime import UTC, datetime

    from seeds_tui.core.observation import Action, CarriedAction, Event, Feedback, LinkedNote, Score
    from seeds_tui.core.privacy import suspect_notes
    from seeds_tui.core.rubric import RubricRegistry

    rubric = RubricRegistry.default().get("seed-one-to-one").rubric
    bad = "Mr Smith, CRN X123456"
    obs = draft().model_copy(
        update={
            "scores": {"beginning": {"welcome": Score(value=2, evidence=bad), "agenda": Score(value=1, evidence="fine")}},
            "section_notes": {"ending": bad},
            "events": [Event(at=datetime(2026, 1, 1, tzinfo=UTC), elapsed=5, text=bad)],
            "feedback": Feedback(
                self_assessment="all good",
                strengths=[LinkedNote(text="ok"), LinkedNote(text=bad)],
                summary=bad,
                actions=[Action(text="Call the hostel", owner=bad)],
                carried=[CarriedAction(source="01JK65KEH0Q9J0CQG595BDG56A", index=0, text="x", comment=bad)],
                practitioner_comment=bad,
            ),
        }
    )
    found = suspect_notes(obs, rubric)
    where = [w for w, _ in found]
    assert where == [
        "Beginning and set-up › " + rubric.item("beginning", "welcome").text + ": evidence note",
        "Ending: section notes",
        "mark 1",
        "strength 2",
        "observer's summary",
        "action 1: owner",
        "earlier action 1: comment",
        "practitioner's response",
    ]
    assert all(bad not in w and all(bad not in k for k in kinds) for w, kinds in found)
