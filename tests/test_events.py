"""The register of training events: seeds-tui event add/list/remove, validate, the API."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from seeds_tui import api
from seeds_tui.cli import main


def test_add_list_remove_and_a_taken_id(tmp_path: Path, capsys) -> None:
    store = str(tmp_path / "store")
    assert (
        main(
            [
                "event",
                "add",
                "--store",
                store,
                "--date",
                "2026-04-15",
                "--title",
                "Follow-up: reflections",
                "--team",
                "Riverside",
                "--covers",
                "talk",
                "open.a",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == "registered 2026-04-15-follow-up-reflections (2026-04-15: Follow-up: reflections)\n"
    text = (tmp_path / "store" / "events" / "2026-04-15-follow-up-reflections.toml").read_text()
    assert 'schema = "seeds-event/1"' in text and "date = 2026-04-15" in text
    assert main(["event", "add", "--store", store, "--date", "2026-04-15", "--title", "Follow-up: reflections"]) == 1
    assert "already registered; give another --id" in capsys.readouterr().err
    assert main(["event", "list", "--store", store, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["events"] == [
        {
            "id": "2026-04-15-follow-up-reflections",
            "kind": "training",
            "date": "2026-04-15",
            "title": "Follow-up: reflections",
            "teams": ["Riverside"],
            "covers": ["talk", "open.a"],
            "topic": None,
            "learning_points": [],
            "focus": None,
        }
    ]
    assert [e.id for e in api.training_events(store)] == ["2026-04-15-follow-up-reflections"]
    assert main(["event", "remove", "--store", store, "2026-04-15-follow-up-reflections"]) == 0
    assert main(["event", "list", "--store", store]) == 0
    assert "no training events registered" in capsys.readouterr().out
    assert main(["event", "remove", "--store", store, "nope"]) == 1
    assert main(["event", "add", "--store", store, "--date", "31/04/2026", "--title", "x"]) == 2  # April has 30 days


def test_a_bad_event_file_is_named_never_quoted(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "store" / "events"
    folder.mkdir(parents=True)
    (folder / "bad.toml").write_text(
        'schema = "seeds-event/1"\nid = "bad"\ndate = "2026-01-01"\ntitle = "Jane Secret"\nnotes = "Jane Secret"\n'
    )
    api.add_training_event(tmp_path / "store", date(2026, 1, 5), "Good one")
    assert main(["event", "list", "--store", str(tmp_path / "store")]) == 1
    out = capsys.readouterr()
    assert "2026-01-05-good-one" in out.out
    assert "bad.toml:3: date:" in out.err and "bad.toml:5: notes: unknown key" in out.err and "Jane" not in out.err
    assert main(["validate", str(folder / "bad.toml")]) == 1
    err = capsys.readouterr()
    assert "bad.toml:3: date" in err.out + err.err and "Jane" not in err.out + err.err
    assert main(["validate", str(folder / "2026-01-05-good-one.toml")]) == 0


def test_an_event_naming_a_team_not_in_the_store_is_said_as_a_team_filter_is(tmp_path: Path, capsys) -> None:
    """The teams that attended filter the before/after table: a name that matches no team gets the
    words --team gives (in summary and export), not a table silently without it."""
    from seeds_tui.demo.generator import generate_demo

    store = tmp_path / "store"
    generate_demo(store, 40, seed=3, today=date(2026, 11, 23))
    team = api.item_frame(store)["team"].iloc[0]
    api.add_training_event(store, date(2026, 4, 1), "Follow-up", teams=["Nowhere", team])
    capsys.readouterr()
    code = main(["summary", "--store", str(store), "--event", "2026-04-01-follow-up", "--rubric", "seed-one-to-one", "--format", "csv"])
    out = capsys.readouterr()
    assert code == 0
    assert f"seeds-tui summary: training event 2026-04-01-follow-up: no team called 'Nowhere' in {store}; known teams: " in out.err
    # The same words as the --team filter's.
    main(["summary", "--store", str(store), "--team", "Nowhere"])
    said = capsys.readouterr().err.strip().removeprefix("seeds-tui summary: ")
    assert said in out.err


def test_add_training_event_takes_one_team_name(tmp_path: Path) -> None:
    event = api.add_training_event(tmp_path / "store", date(2026, 4, 1), "Follow-up", teams="Westgate", covers="beginning")
    assert event.teams == ["Westgate"] and event.covers == ["beginning"]


def test_a_set_round_trips_as_event_2_and_a_training_day_is_still_written_as_1() -> None:
    from datetime import date

    from seeds_tui.core.events import EventError, TrainingEvent, parse_event

    a_set = TrainingEvent(
        id="2026-05-01-endings",
        kind="set",
        date=date(2026, 5, 1),
        title="Action learning set: endings",
        teams=["Riverside"],
        covers=["end", "talk.c"],
        topic="Closing a session with a clear next step",
        learning_points=["Name the homework before the last five minutes"],
        focus="Summarise and agree one task at every ending",
    )
    text = a_set.to_toml()
    assert 'schema = "seeds-event/2"' in text and 'kind = "set"' in text
    assert parse_event(text.encode()) == a_set
    day = TrainingEvent(id="2026-04-15-day", date=date(2026, 4, 15), title="Follow-up day")
    assert 'schema = "seeds-event/1"' in day.to_toml()
    assert parse_event(day.to_toml().encode()).kind == "training"
    try:
        parse_event(b'schema = "seeds-event/1"\nid = "x"\nkind = "set"\ndate = 2026-01-01\ntitle = "t"\ntopic = "t"\n')
    except EventError as exc:
        assert "seeds-event/2" in str(exc)
    else:
        raise AssertionError("a set in a /1 file was read")
    try:
        parse_event(b'schema = "seeds-event/2"\nid = "x"\nkind = "set"\ndate = 2026-01-01\ntitle = "t"\n')
    except EventError as exc:
        assert "topic" in str(exc)
    else:
        raise AssertionError("a set without its topic was read")
