"""Property: observation → TOML → observation is the identity, and the bytes are deterministic.

Strategies cover every optional part of an observation, with notes full of markup-like
text (``[b]``, ``[/]``), quotes, backslashes, newlines (LF and CRLF) and any other unicode.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seeds_tui.core.observation import (
    Action,
    Event,
    Feedback,
    LinkedNote,
    Observation,
    RubricRef,
    Score,
    Session,
    new_id,
    observation_from_toml,
    observation_to_toml,
)

ids = st.builds(lambda a, b: a + b, st.sampled_from("abcxyz"), st.text("abz09_-", max_size=6))
item_keys = st.builds(lambda s, i: f"{s}.{i}", ids, ids)

#: Text a user could type or paste: markup-like runs, quotes, backslashes, newlines, emoji.
tricky = st.sampled_from(
    ["[b]bold[/b]", "[/]", "[", '"', "'", '"""', "'''", "\\", "\\n", "\n", "\r\n", "\t", " ", "#", "=", "é", "😀", "\u2028", "x"]
)
control_free = st.characters(blacklist_categories=("Cs", "Cc"))
any_char = st.characters(blacklist_categories=("Cs",))
notes = st.one_of(
    st.lists(st.one_of(tricky, st.text(control_free, max_size=8)), max_size=12).map("".join),
    st.text(any_char, max_size=60),
)
short_notes = notes.filter(lambda s: len(s) <= 4000)
required_notes = short_notes.filter(lambda s: len(s) >= 1)
names = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x7f"), min_size=1, max_size=30)
offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
stamps = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=offsets)
seconds = st.integers(min_value=0, max_value=7 * 24 * 3600)
values = st.integers(min_value=-1000, max_value=1000)


@st.composite
def scores(draw: st.DrawFn) -> Score:
    """A score with a value, a code or neither, and optional evidence and time."""
    kind = draw(st.sampled_from(["value", "code", "none"]))
    return Score(
        value=draw(values) if kind == "value" else None,
        code=draw(st.sampled_from(["NA", "NO"])) if kind == "code" else None,
        evidence=draw(notes),
        elapsed=draw(st.none() | seconds),
    )


sessions = st.builds(
    Session,
    date=st.dates(),
    observer=names,
    practitioner=names,
    team=names,
    session_type=st.text(any_char, max_size=20),
    mode=st.sampled_from(["in_person", "phone", "video"]),
    purpose=st.sampled_from(["developmental", "quality_assurance", "calibration"]),
    consent_recorded=st.booleans(),
    case_reference=st.none() | st.builds(lambda a, b: a + b, st.sampled_from("aZ0"), st.text("aZ09_/-", max_size=31)),
    started=st.none() | stamps,
    ended=st.none() | stamps,
    elapsed=seconds,
)

events = st.builds(Event, at=stamps, elapsed=seconds, kind=st.sampled_from(["mark", "note"]), text=notes, item=st.none() | item_keys)
linked = st.builds(LinkedNote, text=required_notes, item=st.none() | item_keys)
actions = st.builds(Action, text=required_notes, owner=st.text(any_char, max_size=20), review_date=st.none() | st.dates())
feedbacks = st.builds(
    Feedback,
    self_assessment=notes,
    strengths=st.lists(linked, max_size=3),
    development_areas=st.lists(linked, max_size=3),
    actions=st.lists(actions, max_size=3),
    practitioner_comment=notes,
)


@st.composite
def observations(draw: st.DrawFn) -> Observation:
    """Any valid observation, draft or final, with or without each optional part."""
    created = draw(stamps)
    status = draw(st.sampled_from(["draft", "final"]))
    return Observation(
        id=new_id(draw(st.integers(min_value=0, max_value=2**48 - 1))),
        status=status,
        revision=draw(st.integers(min_value=0, max_value=1_000_000_000)),
        created=created,
        updated=draw(stamps),
        finalised=draw(stamps) if status == "final" else draw(st.none() | stamps),
        rubric=RubricRef(id=draw(ids), version="1.0.0", sha256=draw(st.binary(min_size=32, max_size=32)).hex()),
        session=draw(sessions),
        scores=draw(st.dictionaries(ids, st.dictionaries(ids, scores(), max_size=4), max_size=4)),
        section_notes=draw(st.dictionaries(ids, notes, max_size=3)),
        globals=draw(st.dictionaries(ids, values, max_size=3)),
        counters=draw(st.dictionaries(ids, st.integers(min_value=0, max_value=100_000), max_size=3)),
        events=draw(st.lists(events, max_size=4)),
        feedback=draw(feedbacks),
    )


SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(observations())
def test_toml_round_trip_is_identity(obs: Observation) -> None:
    """Reading back what was written gives the same observation, and the same bytes again."""
    text = observation_to_toml(obs)
    back = observation_from_toml(text)
    assert back == obs
    assert observation_to_toml(back) == text
    for stamp, again in ((obs.created, back.created), (obs.updated, back.updated)):
        assert again.utcoffset() == stamp.utcoffset(), "the offset is kept, not only the instant"


@SETTINGS
@given(observations())
def test_bytes_do_not_depend_on_insertion_order(obs: Observation) -> None:
    """Mappings built in another order give byte-identical files."""
    reordered = obs.model_copy(
        update={
            "scores": {s: dict(reversed(list(items.items()))) for s, items in reversed(list(obs.scores.items()))},
            "section_notes": dict(reversed(list(obs.section_notes.items()))),
            "globals": dict(reversed(list(obs.globals.items()))),
            "counters": dict(reversed(list(obs.counters.items()))),
        }
    )
    assert observation_to_toml(reordered) == observation_to_toml(obs)


@SETTINGS
@given(notes)
def test_any_note_survives(note: str) -> None:
    """A single note of any text comes back exactly (CRLF is stored as LF when the model is built)."""
    obs = Observation(
        id=new_id(0),
        created=datetime(2026, 11, 23, tzinfo=UTC),
        updated=datetime(2026, 11, 23, tzinfo=UTC),
        rubric=RubricRef(id="r", version="1.0.0", sha256="0" * 64),
        session=Session(date=datetime(2026, 11, 23).date(), observer="O", practitioner="P", team="T"),
        feedback=Feedback(self_assessment=note),
    )
    assert obs.feedback.self_assessment == note.replace("\r\n", "\n")
    assert observation_from_toml(observation_to_toml(obs)).feedback.self_assessment == obs.feedback.self_assessment


def test_seconds_in_a_time_zone_offset_are_refused() -> None:
    """An offset TOML cannot write (with seconds) is refused when the model is built, not on reading."""
    import pytest
    from pydantic import ValidationError

    odd = datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=1, seconds=1)))
    with pytest.raises(ValidationError, match="whole minutes"):
        Event(at=odd, elapsed=0)
