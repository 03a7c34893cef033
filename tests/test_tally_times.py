"""Schema 4: tally times and the change target, read, checked, migrated, and shown on the feedback sheet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from seeds_tui.core.errors import ObservationError
from seeds_tui.core.observation import (
    OBSERVATION_SCHEMA,
    CounterTimes,
    check_against_rubric,
    load_observation,
    observation_from_toml,
    observation_to_toml,
)
from seeds_tui.core.privacy import suspect_notes
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.core.tallies import block_minutes, per_minute, rates_shown, timeline
from seeds_tui.render.sheet import NO_TALLY_TIMES, build_sheet, render_html, render_markdown
from seeds_tui.render.sheet_pdf import sheet_html

FIXTURES = Path(__file__).resolve().parent / "data" / "schema_versions"
V4 = FIXTURES / "seeds-observation-4.toml"
MI = RubricRegistry.default().get("mi-informed-conversation", "2.0.0").rubric


def _v4_text() -> str:
    return V4.read_text()


def _as_schema_3(text: str) -> str:
    """The fixture as schema 3 wrote it: no change target, no tally times."""
    text = text.replace(f'schema = "{OBSERVATION_SCHEMA}"', 'schema = "seeds-observation/3"')
    text = re.sub(r'^change_target = ".*"\n', "", text, flags=re.M)
    return text[: text.index("\n[counter_times.")] + "\n"


def test_schema_4_round_trips_and_its_times_are_written_compactly() -> None:
    obs = load_observation(V4)
    assert obs.session.change_target == "attending appointments"
    assert obs.counter_times["closed_question"] == CounterTimes(at=[20, 400, 1500, 2380], undone=[401])
    text = observation_to_toml(obs)
    assert observation_from_toml(text) == obs and observation_to_toml(observation_from_toml(text)) == text
    busy = obs.model_copy(
        update={"counters": {**obs.counters, "open_question": 1500}, "counter_times": {"open_question": CounterTimes(at=list(range(1500)))}}
    )
    busy_text = observation_to_toml(busy)
    assert observation_from_toml(busy_text) == busy
    lines = busy_text[busy_text.index("[counter_times.open_question]") :].splitlines()
    assert len(lines) < 120, "1,500 press times take a few dozen lines, not one each"
    assert max(map(len, lines)) <= 100


def test_a_schema_3_file_reads_as_schema_4_with_totals_only() -> None:
    obs = observation_from_toml(_as_schema_3(_v4_text()))
    assert obs.schema_ == OBSERVATION_SCHEMA and obs.counter_times == {} and obs.session.change_target == ""
    assert obs.counters["open_question"] == 6
    assert check_against_rubric(obs, MI) == []
    assert not rates_shown(obs, [c.id for c in MI.counters]) and timeline(obs, ["open_question"]) is None
    sheet = build_sheet(obs, MI)
    assert ("Open question", "6") in sheet.tallies and sheet.timeline is None and sheet.tally_note == NO_TALLY_TIMES
    markdown = render_markdown(obs, MI)
    assert "a minute" not in markdown and "### Timeline" not in markdown and "- **Open question**: 6\n" in markdown
    assert "Change target" not in markdown


def test_a_schema_2_file_reads_in_the_current_schema() -> None:
    obs = load_observation(FIXTURES / "seeds-observation-2.toml")
    assert obs.schema_ == OBSERVATION_SCHEMA and obs.counter_times == {} and obs.session.change_target == ""
    assert f'schema = "{OBSERVATION_SCHEMA}"' in observation_to_toml(obs)


def test_the_sheet_shows_rates_per_minute_and_a_timeline_by_hand() -> None:
    """40 minutes of session (2,400 s): eight 5-minute blocks; open questions at 40, 95, 310, 640, 1210
    and 1900 s fall in blocks 0, 0, 1, 2, 4 and 6; 6 in 40 minutes is 0.15 a minute."""
    obs = load_observation(V4)
    sheet = build_sheet(obs, MI)
    tallies = dict(sheet.tallies)
    assert tallies["Open question"] == "6 (0.15 a minute)"
    assert tallies["Closed question"] == "4 (0.10 a minute)"
    assert tallies["Complex reflection"] == "3 (0.08 a minute)"  # 0.075 to two places
    assert tallies["Arguing for change"] == "0 (0.00 a minute)"
    assert sheet.tally_note == ""
    line = sheet.timeline
    assert line is not None and line.minutes == 5
    assert line.labels == ("0–5", "5–10", "10–15", "15–20", "20–25", "25–30", "30–35", "35–40")
    rows = dict(line.rows)
    assert list(rows) == [
        "Open question",
        "Closed question",
        "Simple reflection",
        "Complex reflection",
        "Affirmation",
        "Giving information",
    ]
    assert rows["Open question"] == (2, 1, 1, 0, 1, 0, 1, 0)
    assert rows["Closed question"] == (1, 1, 0, 0, 0, 1, 0, 1)  # the undone press (401 s) is not in it
    assert rows["Giving information"] == (0, 0, 2, 0, 0, 0, 0, 0)
    markdown = render_markdown(obs, MI)
    assert "| Tally | 0–5 | 5–10 | 10–15 | 15–20 | 20–25 | 25–30 | 30–35 | 35–40 | Total |" in markdown
    assert "| Open question | 2 | 1 | 1 | 0 | 1 | 0 | 1 | 0 | 6 |" in markdown
    assert "| Change target | attending appointments |" in markdown
    page = render_html(obs, MI)
    assert '<table class="timeline">' in page and "<dt>Change target</dt><dd>attending appointments</dd>" in page
    assert '<td>Open question</td><td class="n">2</td><td class="n">1</td>' in page
    pdf = sheet_html(sheet)
    assert '<table class="timeline" repeat="1">' in pdf and "Change target" in pdf
    assert '<td>Closed question</td><td class="n">1</td><td class="n">1</td><td class="n">0</td>' in pdf


def test_timeline_blocks_boundaries_and_longer_sessions() -> None:
    obs = load_observation(V4)
    moved = obs.model_copy(
        update={
            "counters": {"open_question": 3},
            "counter_times": {"open_question": CounterTimes(at=[299, 300, 2400])},
            "session": obs.session.model_copy(update={"elapsed": 2400}),
        }
    )
    line = timeline(moved, ["open_question"])
    assert line is not None and line.rows == (("open_question", (1, 1, 0, 0, 0, 0, 0, 1)),)  # 300 s opens block 2; the end is in the last
    assert block_minutes(60 * 60) == 5 and block_minutes(61 * 60) == 10 and block_minutes(3 * 3600) == 15
    long = moved.model_copy(update={"session": moved.session.model_copy(update={"elapsed": 90 * 60})})
    assert timeline(long, ["open_question"]).labels[-1] == "80–90"  # type: ignore[union-attr]
    assert per_minute(long, "open_question") == 0.03
    short = moved.model_copy(update={"session": moved.session.model_copy(update={"elapsed": 59})})
    assert not rates_shown(short, ["open_question"]) and build_sheet(short, MI).timeline is None


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (("at = [40, 95, 310", "at = [95, 40, 310"), "counter_times.open_question.at", "clock order"),
        (("undone = [401]", "undone = [-1]"), "counter_times.closed_question.undone.0", "greater than or equal to 0"),
        (("at = [20, 400", 'at = ["0:20", 400'), "counter_times.closed_question.at.0", "valid integer"),
        (("undone = [401]", "undone = [401]\nwhen = [4]"), "counter_times.closed_question.when", "unknown key"),
        (('change_target = "attending appointments"', 'change_target = "attending\\nappointments"'), "session.change_target", "one line"),
        (('change_target = "attending appointments"', f'change_target = "{"x" * 201}"'), "session.change_target", "at most 200"),
    ],
)
def test_hostile_schema_4_values_give_a_clear_error_naming_the_field(
    change: tuple[str, str], field: str, words: str, tmp_path: Path
) -> None:
    text = _v4_text()
    assert change[0] in text
    path = tmp_path / "hostile.toml"
    path.write_text(text.replace(change[0], change[1], 1))
    with pytest.raises(ObservationError) as caught:
        load_observation(path)
    problem = caught.value.problems[0]
    assert problem.field == field and words in problem.message, str(caught.value)
    assert problem.line is not None
    assert "0:20" not in str(caught.value) and "xxxx" not in str(caught.value)  # values are never echoed


def test_validate_refuses_times_that_do_not_fit_the_count_the_clock_or_the_rubric() -> None:
    obs = load_observation(V4)
    times = dict(obs.counter_times)
    times["affirmation"] = CounterTimes(at=[350, 1950, 2000])  # three times, count 2
    times["persuading"] = CounterTimes(undone=[9999])  # after the 2,400 s clock
    times["no_such_tally"] = CounterTimes()
    problems = {p.field: p.message for p in check_against_rubric(obs.model_copy(update={"counter_times": times}), MI)}
    assert "more tally times than the tally's count" in problems["counter_times.affirmation.at"]
    assert "later than the session clock" in problems["counter_times.persuading"]
    assert "unknown counter id" in problems["counter_times.no_such_tally"]


def test_a_change_target_that_looks_personal_is_listed_like_a_note() -> None:
    obs = load_observation(V4)
    assert suspect_notes(obs, MI) == []
    named = obs.model_copy(update={"session": obs.session.model_copy(update={"change_target": "Mr Smith's drinking"})})
    assert suspect_notes(named, MI) == [("change target", ["looks like a name after a title (Mr, Mrs, Ms...)"])]


def _team_store(tmp_path: Path, teams: dict[str, int]) -> object:
    """A store of the /4 fixture's observation, one per practitioner: practitioner n asked n open
    questions in 40 minutes, each press timed; one more North observation kept no press times."""
    from seeds_tui.core.observation import new_id
    from seeds_tui.storage.store import Store

    base = load_observation(V4)
    store = Store(tmp_path / "store")
    store.final_dir.mkdir(parents=True)
    n = 0
    for team, practitioners in teams.items():
        for _ in range(practitioners):
            n += 1
            obs = base.model_copy(
                update={
                    "id": new_id(1_700_000_000_000 + n),
                    "session": base.session.model_copy(update={"practitioner": f"Practitioner {n}", "team": team}),
                    "counters": {"open_question": n},
                    "counter_times": {"open_question": CounterTimes(at=list(range(10, 10 + n)))},
                }
            )
            store.final_path(obs.id).write_text(observation_to_toml(obs))
    untimed = base.model_copy(
        update={
            "id": new_id(1_700_000_100_000),
            "session": base.session.model_copy(update={"practitioner": "Practitioner 99", "team": "North"}),
        }
    )
    store.final_path(untimed.id).write_text(observation_to_toml(untimed.model_copy(update={"counter_times": {}})))
    return store


def test_team_ratings_show_tally_rates_per_minute_by_hand_and_suppressed(tmp_path: Path) -> None:
    from seeds_tui.team import frames
    from seeds_tui.team import tables as team_tables

    store = _team_store(tmp_path / "one", {"North": 6})
    data = frames.summary_data(store, RubricRegistry.default(), rubric_id="mi-informed-conversation")  # type: ignore[arg-type]
    table = team_tables.ratings_table(data.ratings, data.rubric)
    rates = table.loc[table["kind"] == "rate"]
    assert len(rates.loc[rates["team"] == "North"]) == len(MI.counters)
    row = rates.loc[(rates["team"] == "North") & (rates["measure"] == "open_question_per_minute")].iloc[0]
    assert row["title"] == "Open question per minute"
    assert row["observations"] == 6  # the observation without press times is left out of the rates
    assert row["mean"] == pytest.approx((1 + 2 + 3 + 4 + 5 + 6) / 6 * 60 / 2400)  # 3.5 in 40 minutes
    assert row["median"] == pytest.approx(3.5 * 60 / 2400)

    store = _team_store(tmp_path / "two", {"North": 6, "South": 2})
    data = frames.summary_data(store, RubricRegistry.default(), rubric_id="mi-informed-conversation")  # type: ignore[arg-type]
    table = team_tables.ratings_table(data.ratings, data.rubric)
    for team in ("South", "North"):  # South rests on 2 practitioners; North would reveal it beside the total
        rows = table.loc[table["team"] == team]
        assert len(rows) and rows["suppressed"].all() and rows["mean"].isna().all(), team
    everyone = table.loc[(table["team"] == "All teams") & (table["measure"] == "open_question_per_minute")].iloc[0]
    assert everyone["observations"] == 8 and everyone["mean"] == pytest.approx(4.5 * 60 / 2400)
