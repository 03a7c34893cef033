"""Supervision notes (``seeds-supervision/1``): the file format (round trip, validation, hostile files
in ``STORE/supervision/``), import, the published JSON Schema, the progress of a note carried into the
practitioner's next observation, and ``seeds-tui record`` (the development record as md, html, pdf)."""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from seeds_tui.cli import main
from seeds_tui.cli.schema import json_schema, to_json_data
from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import Action, RubricRef, Score, Session, new_observation
from seeds_tui.core.rubric import RubricRegistry, bundled_rubric_dir
from seeds_tui.core.supervision import Progress, SupervisionError, SupervisionNote, new_note, parse_note, suspect_texts
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store
from seeds_tui.storage.supervision import SUPERVISION, add_note, list_notes, notes_for, remove_note
from seeds_tui.tui.controllers.records import Records

NOTE_ID = "01JK60X9V0WHA8M4KDP97WQTNV"
OBS_ID = "01JHSTW9302ZYN2AEGQDC41MR8"
SECRET = "SECRET-VALUE-77"

TEXT = f"""\
schema = "seeds-supervision/1"
id = "{NOTE_ID}"
date = 2025-02-03
practitioner = "Pat Practitioner"
team = "Westgate"
supervisor = "Sam Observer"
created = 2025-02-03T13:45:00+00:00
reflection = "Linking each session to the sentence plan helps."

[[progress]]
source = "{OBS_ID}"
index = 0
text = "Ask permission before giving advice."
owner = "Pat Practitioner"
review_date = 2025-02-28
agreed = 2025-01-17
status = "done"
comment = "Done and now a habit."

[[progress]]
source = "{OBS_ID}"
index = 1
text = "Summarise before moving on."
status = "ongoing"

[[actions]]
text = "Try a scaling question on motivation."
review_date = 2025-03-31
"""


@pytest.fixture(scope="module")
def registry() -> RubricRegistry:
    return RubricRegistry([bundled_rubric_dir()])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("demo") / "store")
    generate_demo(store, 60, seed=3, today=date(2026, 11, 23))
    return store


def _final(store: Store, registry: RubricRegistry, when: date, actions: list[str], practitioner: str = "Pat Practitioner") -> str:
    """A final observation of ``practitioner`` on ``when`` agreeing ``actions``; its id."""
    loaded = registry.get("seed-one-to-one")
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=when, observer="Sam Observer", practitioner=practitioner, team="North"),
    )
    scores = {s.id: {i.id: Score(value=2) for i in s.items} for s in rubric.sections}
    feedback = obs.feedback.model_copy(update={"actions": [Action(text=t, owner=practitioner) for t in actions]})
    final, _ = store.finalise(store.save_draft(obs.model_copy(update={"scores": scores, "feedback": feedback})), rubric)
    return final.id


# -- the file format ------------------------------------------------------------------------------


def test_round_trip_is_identity_and_the_same_bytes() -> None:
    note = parse_note(TEXT.encode())
    assert [p.status for p in note.progress] == ["done", "ongoing"] and note.actions[0].review_date == date(2025, 3, 31)
    again = parse_note(note.to_toml().encode())
    assert again == note and again.to_toml() == note.to_toml()
    # A note made in the app or by the command line reads back the same.
    made = new_note(
        when=date(2026, 9, 1),
        practitioner="  Pat   Practitioner ",
        progress=list(note.progress),
        actions=[Action(text="Bring a case note to reflect on")],
        reflection=" Sees that a shared agenda frees time. ",
    )
    assert made.practitioner == "Pat Practitioner" and made.reflection == "Sees that a shared agenda frees time."
    assert parse_note(made.to_toml().encode()) == made
    # Its new action is carried known by the note's id and its position, agreed on the note's date.
    carried = made.new_action(0)
    assert (carried.source, carried.index, carried.agreed) == (made.id, 0, date(2026, 9, 1))


def test_a_good_note_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "supervision" / f"{NOTE_ID}.toml"
    path.parent.mkdir()
    path.write_text(TEXT)
    assert main(["validate", str(path)]) == 0
    assert "1 valid, 0 invalid" in capsys.readouterr().out


#: name -> (the broken text, the field the message names, words of the message)
BROKEN: dict[str, tuple[str, str, str]] = {
    "no date": (TEXT.replace("date = 2025-02-03\n", "", 1), "date", "required key is missing"),
    "a status that is not one": (TEXT.replace('status = "done"', f'status = "{SECRET}"'), "progress.0.status", "Input should be"),
    "a score": (TEXT.replace("reflection =", "score = 3\nreflection ="), "score", "unknown key"),
    "a date that is text": (TEXT.replace("date = 2025-02-03", f'date = "{SECRET}"', 1), "date", "date"),
    "control characters in the name": (
        TEXT.replace('"Pat Practitioner"', f'"Pat\\u0007{SECRET}"', 1),
        "practitioner",
        "control characters",
    ),
    "an action reviewed twice": (
        TEXT.replace("index = 1", "index = 0"),
        "",
        "an open action is reviewed twice in one note",
    ),
    "a note reviewing its own new action": (
        TEXT.replace(f'source = "{OBS_ID}"\nindex = 1', f'source = "{NOTE_ID}"\nindex = 1'),
        "",
        "a note cannot review its own new actions",
    ),
    "an empty action": (TEXT.replace('text = "Try a scaling question on motivation."', 'text = ""'), "actions.0.text", "at least 1"),
    "a reflection far too long": (TEXT.replace("helps.", f"{SECRET} " + "x" * 3000), "reflection", "at most 2000"),
    "a bad id": (TEXT.replace(f'id = "{NOTE_ID}"', f'id = "{SECRET}"'), "id", ""),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_note_is_refused_naming_file_and_field_never_the_value(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, field, words = BROKEN[name]
    path = tmp_path / "note.toml"
    path.write_text(text)
    with pytest.raises(SupervisionError) as caught:
        parse_note(path.read_bytes(), path)
    message = str(caught.value)
    assert str(path) in message and words in message and SECRET not in message
    if field:
        assert any(p.field == field for p in caught.value.problems), [p.field for p in caught.value.problems]
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr()
    assert str(path) in out.out + out.err and words in out.out + out.err
    assert SECRET not in out.out + out.err and "Traceback" not in out.err


def test_a_note_named_after_another_id_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "store")
    folder = store.folder(SUPERVISION.dir(store))
    (folder / "01AAAAAAAAAAAAAAAAAAAAAAAA.toml").write_text(TEXT)
    assert main(["validate", str(folder)]) == 1
    assert f"rename it to {NOTE_ID}.toml" in capsys.readouterr().out
    notes, problems = list_notes(store)
    assert notes == [] and [p.field for p in problems] == ["id"]


# -- hostile files in STORE/supervision/ ------------------------------------------------------------

HOSTILE: dict[str, tuple[bytes, str]] = {
    "binary": (b"\x00\x01\x02\xff" * 64 + SECRET.encode(), "binary data"),
    "huge": (b'schema = "seeds-supervision/1"\n' + b"#" * (300 * 1024), "larger than 256 KiB"),
    "deeply nested": (b'schema = "seeds-supervision/1"\nx = ' + b"[" * 5000 + b"]" * 5000 + b"\n", "nesting is too deep"),
    "UTF-16": (TEXT.encode("utf-16"), "UTF-16"),
    "latin-1": (TEXT.replace("Westgate", "Westgäte").encode("latin-1"), "UTF-8"),
    "an observation": (b'schema = "seeds-observation/5"\n', "not a seeds-tui supervision note"),
    "newer": (b'schema = "seeds-supervision/9"\n', "newer seeds-tui"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files_in_the_register_are_reported_and_the_rest_still_read(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw, words = HOSTILE[name]
    store = Store(tmp_path / "store")
    add_note(store, parse_note(TEXT.encode()))
    bad = SUPERVISION.dir(store) / "01BBBBBBBBBBBBBBBBBBBBBBBB.toml"
    bad.write_bytes(raw)
    notes, problems = list_notes(store)
    assert [n.id for n in notes] == [NOTE_ID]
    assert len(problems) == 1 and problems[0].path == bad and words in str(problems[0]), [str(p) for p in problems]
    # The command line says the same, exit 1, never a traceback or the file's bytes.
    assert main(["supervision", "list", "--store", str(store.root)]) == 1
    out = capsys.readouterr()
    assert NOTE_ID in out.out and str(bad) in out.err and words in out.err
    assert "Traceback" not in out.err and SECRET not in out.err
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err and SECRET not in out.out + out.err
    # The development record is written without it, and says what it left out.
    assert main(["record", "Pat Practitioner", "--store", str(store.root), "-o", str(tmp_path / "r.md")]) == 1
    assert "left out" in capsys.readouterr().err
    sheet = (tmp_path / "r.md").read_text()
    assert "Supervision" in sheet and "## Not included" in sheet and SECRET not in sheet


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_links_in_the_register_are_never_written_or_removed_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "store")
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / f"{NOTE_ID}.toml"
    target.write_text(TEXT)
    folder = store.folder(SUPERVISION.dir(store))
    (folder / f"{NOTE_ID}.toml").symlink_to(target)
    # Removing the note removes the link in the register, never the file it points to.
    remove_note(store, NOTE_ID)
    assert target.read_text() == TEXT and not os.path.lexists(folder / f"{NOTE_ID}.toml")
    # A link to a pipe is never opened (reading it would wait for ever).
    if hasattr(os, "mkfifo"):
        os.mkfifo(outside / "pipe")
        (folder / "01CCCCCCCCCCCCCCCCCCCCCCCC.toml").symlink_to(outside / "pipe")
        _, problems = list_notes(store)
        assert any("not a regular file" in p.message for p in problems)
    # A register folder that is a link is refused for a new note: nothing lands outside the store.
    other = Store(tmp_path / "other")
    other.ensure()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (other.root / "supervision").symlink_to(elsewhere)
    assert main(["supervision", "add", "Pat Practitioner", "--store", str(other.root), "--reflection", "x"]) == 1
    assert "is a link" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == []


# -- the register, the command line, import ------------------------------------------------------


def test_a_new_note_never_replaces_a_kept_one_and_is_owner_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    note = add_note(store, parse_note(TEXT.encode()))
    path = SUPERVISION.path(store, note.id)
    if sys.platform != "win32":
        assert path.stat().st_mode & 0o077 == 0
    with pytest.raises(SeedsError, match="already kept; nothing was written"):
        add_note(store, note.model_copy(update={"reflection": "other"}))
    assert parse_note(path.read_bytes()) == note
    assert [n.id for n in notes_for(store, " pat  PRACTITIONER ")[0]] == [note.id]
    assert notes_for(store, "someone else")[0] == []
    remove_note(store, note.id)
    assert list_notes(store) == ([], [])


def test_import_brings_a_note_into_another_store_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    own = Store(tmp_path / "own")
    note = add_note(own, parse_note(TEXT.encode()))
    path = SUPERVISION.path(own, note.id)
    team = Store(tmp_path / "team")
    assert main(["import", str(path), "--store", str(team.root), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["imported"] == 1
    assert notes_for(team, "Pat Practitioner")[0] == [note]
    assert main(["import", str(path), "--store", str(team.root), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["skipped"] == 1
    # A changed copy under the same id is kept aside, never written over the kept note.
    path.write_text(note.model_copy(update={"reflection": "changed"}).to_toml())
    assert main(["import", str(path), "--store", str(team.root)]) == 1
    capsys.readouterr()
    assert list(team.conflict_dir.glob(f"{note.id}.*.toml"))
    assert notes_for(team, "Pat Practitioner")[0] == [note]


def test_the_json_schema_accepts_demo_notes_and_refuses_a_bad_status(demo: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "supervision"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema == json_schema("supervision") and schema["properties"]["schema"]["enum"] == ["seeds-supervision/1"]
    jsonschema.Draft202012Validator.check_schema(schema)
    check = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    files = sorted(SUPERVISION.dir(demo).glob("*.toml"))
    assert len(files) >= 5
    for path in files:
        data = to_json_data(tomllib.loads(path.read_text()))
        assert check.is_valid(data), path
        assert main(["validate", str(path)]) == 0
    capsys.readouterr()
    data = to_json_data(tomllib.loads(files[0].read_text()))
    data["progress"][0]["status"] = "maybe"
    assert not check.is_valid(data)
    data = to_json_data(tomllib.loads(files[0].read_text()))
    data["score"] = 3  # supervision is no assessment: there is nowhere to put a score
    assert not check.is_valid(data)


def test_text_that_looks_like_personal_data_is_warned_about_by_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note = parse_note(TEXT.encode()).model_copy(update={"reflection": "Mr Smith was calmer"})
    assert [where for where, _ in suspect_texts(note)] == ["reflection"]
    store = Store(tmp_path / "store")
    assert main(["supervision", "add", "Pat Practitioner", "--store", str(store.root), "--reflection", "Mr Smith was calmer"]) == 0
    err = capsys.readouterr().err
    assert "warning: reflection:" in err and "Smith" not in err
    assert "no observation or earlier supervision note names this practitioner" in err  # a typo is noticed


# -- carried into the next observation ---------------------------------------------------------------


def test_the_progress_of_a_note_is_carried_into_the_next_observation(
    tmp_path: Path, registry: RubricRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(tmp_path / "store")
    first = _final(store, registry, date(2026, 5, 1), ["Set the agenda together", "Summarise before moving on", "Use scaling"])
    root = str(store.root)
    assert main(["supervision", "list", "--store", root, "--open", "Pat Practitioner", "--date", "01/07/2026", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["open"]
    assert [(row["n"], row["text"]) for row in listed] == [
        (1, "Set the agenda together"),
        (2, "Summarise before moving on"),
        (3, "Use scaling"),
    ]
    assert main(["supervision", "list", "--store", root, "--open", "Pat Practitioner", "--date", "30/04/2026", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["open"] == []  # before the observation nothing was agreed yet
    assert main(["supervision", "list", "--store", root, "--date", "30/04/2026"]) == 2
    assert "--date goes with --open" in capsys.readouterr().err
    argv = ["supervision", "add", "Pat Practitioner", "--store", root, "--date", "01/07/2026", "--supervisor", "Sam Observer"]
    argv += ["--progress", "1=done:Does it every session", "--progress", "2=ongoing:Twice so far", "--progress", "3=dropped"]
    argv += ["--action", "Bring a case note to reflect on", "--reflection", "More confident with open questions"]
    assert main(argv) == 0
    out = capsys.readouterr()
    assert "3 reviewed, 1 new" in out.out and "check the spelling" not in out.err
    [note] = notes_for(store, "Pat Practitioner")[0]
    assert note.team == "North"  # from the latest observation
    assert [(p.source, p.index, p.status) for p in note.progress] == [(first, 0, "done"), (first, 1, "ongoing"), (first, 2, "dropped")]
    # The set-up of the next observation (the app's own controller, on the real store) offers what is still open.
    offered = Records(store).open_actions("Pat Practitioner", date(2026, 9, 1), "")
    assert [(o.action.text, o.last_status, o.last_where, o.last_comment) for o in offered] == [
        ("Summarise before moving on", "ongoing", "supervision", "Twice so far"),
        ("Bring a case note to reflect on", None, None, ""),
    ]
    assert offered[1].agreed_where == "supervision" and offered[1].action.source == note.id
    # An observation dated before the note is not affected by it.
    before = Records(store).open_actions("Pat Practitioner", date(2026, 6, 1), "")
    assert [o.action.text for o in before] == ["Set the agenda together", "Summarise before moving on", "Use scaling"]
    # A second note closes the ongoing one; the next observation carries only the new action.
    ongoing = next(o for o in offered if o.last_status == "ongoing").action
    later = new_note(
        when=date(2026, 8, 1),
        practitioner="Pat Practitioner",
        progress=[Progress.model_validate(ongoing.model_dump() | {"status": "done"})],
    )
    add_note(store, later)
    assert [o.action.text for o in Records(store).open_actions("pat practitioner", date(2026, 9, 1), "")] == [
        "Bring a case note to reflect on"
    ]
    # And a progress number that is not an open action is refused, nothing written.
    assert main(["supervision", "add", "Pat Practitioner", "--store", root, "--progress", "9=done"]) == 1
    assert "there is no open action 9" in capsys.readouterr().err
    assert main(["supervision", "add", "Pat Practitioner", "--store", root, "--progress", "1=maybe"]) == 2
    assert len(list_notes(store)[0]) == 2


# -- the development record ----------------------------------------------------------------------------

_HEADING = re.compile(r"^## (\d{1,2} \w+ \d{4}) · (\w[\w-]*)", re.M)


def test_record_writes_markdown_html_and_pdf_in_date_order(demo: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import datetime

    notes, _ = list_notes(demo)
    assert notes
    name = max({n.practitioner for n in notes}, key=lambda p: len(notes_for(demo, p)[0]))
    root = str(demo.root)
    for fmt, suffix in (("markdown", "md"), ("html", "html"), ("pdf", "pdf")):
        out = tmp_path / f"record.{suffix}"
        assert main(["record", name, "--store", root, "--format", fmt, "-o", str(out)]) == 0, capsys.readouterr().err
        assert f"wrote {out}" in capsys.readouterr().err
        if sys.platform != "win32":
            assert out.stat().st_mode & 0o077 == 0
    md = (tmp_path / "record.md").read_text()
    assert md.startswith(f"# Development record: {name}")
    headings = _HEADING.findall(md)
    kinds = {kind for _, kind in headings}
    assert {"Observation", "Action", "Supervision"} <= kinds
    days = [datetime.strptime(day, "%d %B %Y").date() for day, _ in headings]
    assert days == sorted(days) and len(days) >= 3
    assert md.count("· Supervision") == len(notes_for(demo, name)[0])
    assert "%" not in md  # no score of anyone
    page = (tmp_path / "record.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and f"Development record: {name}" in page
    assert page.count('<h2 class="supervision">') == md.count("· Supervision")
    assert (tmp_path / "record.pdf").read_bytes().startswith(b"%PDF")
    # Only this practitioner's records: no other demo practitioner's name is on the sheet.
    others = {n.practitioner for n in notes} - {name}
    assert not any(other in md for other in others)


def test_record_for_nobody_is_a_clear_problem(demo: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["record", "No Such Person", "--store", str(demo.root)]) == 1
    assert "nothing recorded for this practitioner" in capsys.readouterr().err
    assert main(["record", "Pat", "--store", str(tmp_path / "missing")]) == 1
    assert "no store at" in capsys.readouterr().err


def test_a_note_without_an_observation_makes_a_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "store")
    add_note(store, new_note(when=date(2026, 9, 1), practitioner="Pat Practitioner", reflection="First supervision"))
    assert main(["record", "pat practitioner", "--store", str(store.root)]) == 0
    md = capsys.readouterr().out
    assert "1 September 2026 · Supervision" in md and "Reflection: First supervision" in md
    assert isinstance(parse_note(SUPERVISION.path(store, list_notes(store)[0][0].id).read_bytes()), SupervisionNote)


def test_new_actions_on_the_command_line_take_an_owner_and_a_review_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "store")
    root = str(store.root)
    argv = ["supervision", "add", "Pat Practitioner", "--store", root, "--date", "04/12/2026"]
    argv += ["--action", "Try a scaling question", "--review", "05/01/2027"]
    argv += ["--action", "Bring a case note", "--owner", "Sam Observer", "--review", "2027-02-01"]
    assert main(argv) == 0
    assert "2 new" in capsys.readouterr().out
    [note] = notes_for(store, "Pat Practitioner")[0]
    # As an action agreed at an observation: the owner is the practitioner unless another is named.
    assert [(a.text, a.owner, a.review_date) for a in note.actions] == [
        ("Try a scaling question", "Pat Practitioner", date(2027, 1, 5)),
        ("Bring a case note", "Sam Observer", date(2027, 2, 1)),
    ]
    for bad, said in (
        (["--owner", "Sam"], "--owner goes after the --action it is for"),
        (["--action", "A", "--review", "01/11/2026"], "--review is before the supervision's --date"),
        (["--action", "A", "--review", "31/02/2027"], "February 2027 has no day 31"),
        (["--action", "A", "--owner", "B", "--owner", "C"], "--owner is given twice for one --action"),
    ):
        assert main(["supervision", "add", "Pat Practitioner", "--store", root, "--date", "04/12/2026", *bad]) == 2
        assert said in capsys.readouterr().err
    assert len(notes_for(store, "Pat Practitioner")[0]) == 1
