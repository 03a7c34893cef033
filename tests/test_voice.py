"""The voice of people on probation: the questionnaire file (``seeds-questionnaire/1``), anonymous responses
(``seeds-response/1``: round trip, validation, hostile files, the personal-data check of comments),
``seeds-tui voice import/export/check`` with their exit codes, the published JSON Schemas, and the team
view ``summary --by voice`` (suppression by respondents and practitioners, checked by hand; the
practitioner a response names never leaves the practitioner's own record)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pytest

from seeds_tui.cli import main
from seeds_tui.cli.schema import json_schema, to_json_data
from seeds_tui.core.questionnaire import (
    QuestionnaireError,
    ResponseError,
    bundled_questionnaire_dir,
    flag_comment,
    load_questionnaire,
    parse_response,
)
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage import responses as R
from seeds_tui.storage.store import Store
from seeds_tui.team.voice import NO_ANSWERS, voice_table, voice_tables
from seeds_tui.tui.controllers.voice import Voice

SHIPPED = bundled_questionnaire_dir() / "voice-of-people-on-probation.toml"
QID, QVERSION = "voice-of-people-on-probation", "1.0.0"
RESPONSE_ID = "k3v9q2m7x4c8w1rz"


def _questionnaire_text(n: int = 3, **replace: str) -> str:
    lines = [
        'schema = "seeds-questionnaire/1"',
        'id = "riverside-voice"',
        'version = "1.1.0"',
        'title = "How was your meeting?"',
        'comment = "Anything else? Please write no names."',
    ]
    for i in range(n):
        lines += ["", "[[statements]]", f'id = "s{i + 1}"', f'text = "Statement number {i + 1}"']
    text = "\n".join(lines) + "\n"
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def _response_text(**replace: str) -> str:
    text = f'''schema = "seeds-response/1"
id = "{RESPONSE_ID}"
month = "2026-11"
team = "Riverside"
comment = "They explained what happens next."
comment_flagged = false

[questionnaire]
id = "{QID}"
version = "{QVERSION}"

[answers]
listened = 4
understand = 5
say = "prefer-not-to-say"
'''
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def _shipped() -> object:
    return load_questionnaire(SHIPPED)


# -- the questionnaire file ------------------------------------------------------------------------


def test_the_shipped_questionnaire_asks_three_to_six_statements_on_the_agree_scale() -> None:
    q = load_questionnaire(SHIPPED)
    assert (q.id, q.version) == (QID, QVERSION)
    assert 3 <= len(q.statements) <= 6
    assert [s.text for s in q.statements][:3] == ["I felt listened to", "I understand what I have to do and why", "I had a say in my plan"]
    assert q.scale[0] == "Strongly disagree" and q.scale[4] == "Strongly agree" and q.comment


@pytest.mark.parametrize("n", [3, 6])
def test_a_services_own_questionnaire_loads_and_is_the_one_the_app_asks(n: int, tmp_path: Path, capsys) -> None:
    store = Store(tmp_path / "store")
    own = tmp_path / "store" / "questionnaires"
    own.mkdir(parents=True)
    path = own / "riverside.toml"
    path.write_text(_questionnaire_text(n, **{'comment = "': 'scale = ["No!", "No", "Not sure", "Yes", "Yes!"]\ncomment = "'}))
    q = load_questionnaire(path)
    assert len(q.statements) == n and q.label(1) == "No!" and q.label(5) == "Yes!"
    assert Voice(store).questionnaire().id == "riverside-voice"  # the store's own, not the shipped one
    assert R.questionnaires(store).get(QID, QVERSION) is not None  # the shipped one is still known
    assert main(["voice", "check", str(path)]) == 0
    assert f"ok (riverside-voice 1.1.0, {n} statements)" in capsys.readouterr().out


BAD_QUESTIONNAIRES = {
    "two statements": (_questionnaire_text(2), "statements"),
    "seven statements": (_questionnaire_text(7), "statements"),
    "same id twice": (_questionnaire_text(3, **{'id = "s2"': 'id = "s1"'}), "same id"),
    "statement called comment": (_questionnaire_text(3, **{'id = "s2"': 'id = "comment"'}), "kept for the comment"),
    "four-point scale": (_questionnaire_text(3, **{'comment = "': 'scale = ["a", "b", "c", "d"]\ncomment = "'}), "scale"),
    "not a version": (_questionnaire_text(3, **{'"1.1.0"': '"one"'}), "semantic version"),
    "no schema": (_questionnaire_text(3, **{'schema = "seeds-questionnaire/1"\n': ""}), "not a seeds-tui questionnaire"),
    "unknown key": (_questionnaire_text(3, **{'title = "': 'colour = "SECRET-VALUE"\ntitle = "'}), "colour"),
    "no title": (_questionnaire_text(3, **{'title = "How was your meeting?"\n': ""}), "title"),
}


@pytest.mark.parametrize("name", list(BAD_QUESTIONNAIRES))
def test_a_bad_questionnaire_gets_a_clear_error_naming_the_file_and_field(name: str, tmp_path: Path, capsys) -> None:
    text, fragment = BAD_QUESTIONNAIRES[name]
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    message = str(caught.value)
    assert fragment in message and str(path) in message and "SECRET-VALUE" not in message
    assert main(["voice", "check", str(path)]) == 1
    out = capsys.readouterr()
    assert fragment in out.out and "Traceback" not in out.out + out.err
    # A broken questionnaire in a store is reported and left out; the shipped one is still asked.
    store = Store(tmp_path / "store")
    (store.root / "questionnaires").mkdir(parents=True)
    (store.root / "questionnaires" / "bad.toml").write_text(text)
    found = R.questionnaires(store)
    assert found.errors and Voice(store).questionnaire().id == QID


# -- responses: round trip and validation ------------------------------------------------------


def test_a_response_round_trips_byte_for_byte() -> None:
    raw = _response_text().encode()
    response = parse_response(raw)
    assert response.to_toml().encode() == raw
    assert parse_response(response.to_toml().encode()) == response
    assert response.value("listened") == 4 and response.value("say") is None and response.value("respect") is None


def test_a_new_response_keeps_the_month_only_and_a_random_id(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    q = _shipped()
    a = R.add_response(store, R.new_response(q, month="2026-11", team=" Riverside ", answers={"listened": 5}))
    b = R.add_response(store, R.new_response(q, month="2026-11", team="Riverside", answers={"listened": 5}))
    assert a.id != b.id and len(a.id) == 16
    path = R.RESPONSES.path(store, a.id)
    data = tomllib.loads(path.read_text())
    assert data["month"] == "2026-11" and data["team"] == "Riverside" and "practitioner" not in data
    assert set(data) == {"schema", "id", "month", "team", "questionnaire", "answers"}
    # Not even the file's time says which day it was kept.
    assert datetime.fromtimestamp(path.stat().st_mtime, UTC) == datetime(2026, 11, 1, tzinfo=UTC)
    assert (path.stat().st_mode & 0o777) == 0o600
    assert [r.id for r in R.list_responses(store)[0]] == sorted([a.id, b.id])
    # Every other way a response comes into a store keeps only the month in the file's time too.
    from seeds_tui.cli import main as cli

    other = tmp_path / "other"
    assert cli(["import", str(store.root), "--store", str(other)]) == 0
    demo = tmp_path / "demo"
    assert cli(["demo", "--store", str(demo), "--observations", "20", "--seed", "2"]) == 0
    for folder in (other / "responses", demo / "responses"):
        kept = sorted(folder.glob("*.toml"))
        assert kept, folder
        for file in kept:
            stamp = datetime.fromtimestamp(file.stat().st_mtime, UTC)
            assert (stamp.day, stamp.hour, stamp.minute, stamp.second) == (1, 0, 0, 0), file
            assert stamp.strftime("%Y-%m") == tomllib.loads(file.read_text())["month"], file


INVALID_RESPONSES = {
    "an answer of 6": ({"listened = 4": "listened = 6"}, "answers.listened"),
    "an answer in words": ({"listened = 4": 'listened = "SECRET-VALUE"'}, "answers.listened"),
    "a day in the month": ({'month = "2026-11"': 'month = "2026-11-23"'}, "month"),
    "a name": ({'team = "Riverside"': 'team = "Riverside"\nname = "SECRET-VALUE"'}, "a response is anonymous"),
    "a case reference": ({'team = "Riverside"': 'team = "Riverside"\ncrn = "SECRET-VALUE"'}, "a response is anonymous"),
    "a date": ({'team = "Riverside"': 'team = "Riverside"\ndate = 2026-11-23'}, "a response is anonymous"),
    "an id with the time": ({RESPONSE_ID: "20261123-0930-aa"}, "id"),
    "no team": ({'team = "Riverside"\n': ""}, "team"),
    "unknown key": ({"comment_flagged = false": "comment_flagged = false\nmood = 'SECRET-VALUE'"}, "mood"),
    "an older questionnaire version": ({f'version = "{QVERSION}"': 'version = "one"'}, "semantic version"),
    "a newer format": ({'"seeds-response/1"': '"seeds-response/9"'}, "newer seeds-tui"),
    "an observation": ({'"seeds-response/1"': '"seeds-observation/5"'}, "not a questionnaire response"),
}


@pytest.mark.parametrize("name", list(INVALID_RESPONSES))
def test_invalid_responses_are_refused_naming_the_field_never_the_value(name: str, tmp_path: Path, capsys) -> None:
    replace, fragment = INVALID_RESPONSES[name]
    raw = _response_text(**replace).encode()
    with pytest.raises(ResponseError) as caught:
        parse_response(raw, tmp_path / "x.toml")
    message = str(caught.value)
    assert fragment in message and "SECRET-VALUE" not in message
    path = tmp_path / "bad.toml"
    path.write_bytes(raw)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr()
    assert "SECRET-VALUE" not in out.out + out.err and "Traceback" not in out.err


def test_an_answer_to_a_statement_the_questionnaire_does_not_have_is_a_problem(tmp_path: Path, capsys) -> None:
    path = tmp_path / "r.toml"
    path.write_text(_response_text(**{"say =": "mystery = 3\nsay ="}))
    assert main(["validate", str(path)]) == 1
    assert "answers.mystery" in capsys.readouterr().out
    path.write_text(_response_text(**{f'id = "{QID}"': 'id = "someone-elses"'}))
    assert main(["validate", str(path)]) == 1
    assert "not a known questionnaire" in capsys.readouterr().out


HOSTILE = {
    "binary": b"\x00\x01\x02\xff" * 40,
    "huge": b'schema = "seeds-response/1"\n# ' + b"x" * (20 * 1024) + b"\n",
    "nested": b'schema = "seeds-response/1"\nanswers = ' + b"[" * 5000 + b"]" * 5000 + b"\n",
    "utf-16": _response_text().encode("utf-16"),
    "latin-1": _response_text(**{"happens next": "happens n\xe9xt"}).encode("latin-1"),
    "byte-order mark": b"\xef\xbb\xbf" + _response_text().encode(),
    "not toml": b"schema = = =\n",
    "empty": b"",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_response_files_give_one_clean_problem(name: str, tmp_path: Path, capsys) -> None:
    raw = HOSTILE[name]
    with pytest.raises(ResponseError) as caught:
        parse_response(raw, tmp_path / "x.toml")
    assert caught.value.problems and "Traceback" not in str(caught.value)
    # In a store: listed as a problem, never read as a response; import and validate exit 1.
    store = Store(tmp_path / "store")
    (store.root / "responses").mkdir(parents=True)
    (store.root / "responses" / f"{RESPONSE_ID}.toml").write_bytes(raw)
    kept, problems = R.list_responses(store)
    assert kept == [] and len(problems) >= 1
    src = tmp_path / "in.toml"
    src.write_bytes(raw)
    assert main(["voice", "import", str(src), "--store", str(tmp_path / "other")]) == 1
    assert main(["validate", str(src)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX links and pipes")
def test_links_in_the_responses_folder_never_hang_or_crash(tmp_path: Path, capsys) -> None:
    store = Store(tmp_path / "store")
    R.add_response(store, R.new_response(_shipped(), month="2026-11", team="Riverside", answers={"listened": 4}))
    folder = store.root / "responses"
    os.mkfifo(tmp_path / "pipe")
    (folder / "aaaaaaaaaaaaaaaa.toml").symlink_to(tmp_path / "pipe")  # a link to a pipe: never opened for reading
    (folder / "bbbbbbbbbbbbbbbb.toml").symlink_to(tmp_path / "nowhere.toml")  # a dangling link
    kept, problems = R.list_responses(store)
    assert len(kept) == 1 and len(problems) == 2
    assert any("not a regular file" in p.message for p in problems) and any("not found" in p.message for p in problems)
    assert main(["voice", "import", str(folder / "aaaaaaaaaaaaaaaa.toml"), "--store", str(tmp_path / "b")]) == 1
    # A responses folder that is a link is never written through.
    other = Store(tmp_path / "linked")
    other.root.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (other.root / "responses").symlink_to(tmp_path / "elsewhere")
    src = tmp_path / "one.toml"
    src.write_text(_response_text())
    code = main(["voice", "import", str(src), "--store", str(other.root)])
    out = capsys.readouterr()
    assert code == 1 and "Traceback" not in out.err and list((tmp_path / "elsewhere").iterdir()) == []


# -- comments and personal data -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "comment",
    ["Mr Smith was kind to me", "My CRN is X123456, please call", "I was born 12/03/1988", "PNC 2001/0012345Z"],
)
def test_a_comment_that_looks_like_personal_data_is_refused_in_the_form_and_flagged_on_import(comment: str, tmp_path: Path, capsys) -> None:
    assert flag_comment(comment)
    store = Store(tmp_path / "store")
    # The form: the person is asked to take it out, nothing is kept yet.
    problem = Voice(store).comment_problem(comment)
    assert problem and "name, a date or a case number" in problem and comment not in problem
    # Kept through the API or an import, it is flagged and never shown.
    made = R.new_response(_shipped(), month="2026-11", team="Riverside", answers={"listened": 4}, comment=comment)
    assert made.comment_flagged is True
    src = tmp_path / "r.toml"
    src.write_text(_response_text(**{"They explained what happens next.": comment}))
    assert main(["voice", "import", str(src), "--store", str(store.root)]) == 0
    out = capsys.readouterr().out
    assert "flagged" in out and "personal data" in out and comment not in out
    kept = R.list_responses(store)[0]
    assert [r.comment_flagged for r in kept] == [True]


def test_an_ordinary_comment_is_not_flagged() -> None:
    assert not flag_comment("They explained what happens next and why.")
    assert Voice.comment_problem("My officer listened to me") is None


# -- import and export ----------------------------------------------------------------------------


def test_import_of_files_and_csv_then_export_with_exit_codes(tmp_path: Path, capsys) -> None:
    store = tmp_path / "store"
    one = tmp_path / "one.toml"
    one.write_text(_response_text(**{'team = "Riverside"': 'team = "Riverside"\npractitioner = "Sam Patel"'}))
    sheet = tmp_path / "paper.csv"
    sheet.write_text(
        "questionnaire,version,month,team,practitioner,comment,listened,understand,say,respect,useful\n"
        f"{QID},{QVERSION},2026-10,Westgate,,Clear and kind,5,4,,prefer not to say,3\n"
        f"{QID},{QVERSION},2026-10,Westgate,Jo Bloggs,,2,2,1,3,\n"
    )
    assert main(["voice", "import", str(one), str(sheet), "--store", str(store), "--dry-run"]) == 0
    assert "would import 3 response(s)" in capsys.readouterr().out and not (store / "responses").exists()
    assert main(["voice", "import", str(one), str(sheet), "--store", str(store)]) == 0
    assert "imported 3 response(s); 0 already kept; 0 problem(s)" in capsys.readouterr().out
    # Again: the file is already kept (skipped); the CSV rows get new ids, so they are new responses.
    assert main(["voice", "import", str(one), "--store", str(store)]) == 0
    assert "skipped" in capsys.readouterr().out
    kept = R.list_responses(Store(store))[0]
    assert len(kept) == 3 and {r.month for r in kept} == {"2026-10", "2026-11"}
    westgate = [r for r in kept if r.team == "Westgate"]
    assert sorted((r.answers.get("respect") for r in westgate), key=str) == [3, "prefer-not-to-say"]

    # Export: month, team and answers; never a practitioner or a comment.
    assert main(["voice", "export", "--store", str(store)]) == 0
    text = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["id", "questionnaire", "version", "month", "team", "listened", "understand", "say", "respect", "useful"]
    assert len(rows) == 3 and "Sam Patel" not in text and "Jo Bloggs" not in text and "Clear and kind" not in text
    assert {r["id"] for r in rows} == {r.id for r in kept}
    # The export imported again (into this store, or a second time): nobody is counted twice.
    exported = tmp_path / "exported.csv"
    exported.write_text(text)
    assert main(["voice", "import", str(exported), "--store", str(store)]) == 0
    assert "imported 0 response(s); 3 already kept; 0 problem(s)" in capsys.readouterr().out
    other = tmp_path / "other-store"
    assert main(["voice", "import", str(exported), "--store", str(other)]) == 0
    assert main(["voice", "import", str(exported), "--store", str(other)]) == 0
    assert "imported 0 response(s); 3 already kept" in capsys.readouterr().out
    assert len(R.list_responses(Store(other))[0]) == 3
    # An id that is not one of ours is refused, naming the column, never the value.
    forged = tmp_path / "forged.csv"
    forged.write_text(text.replace(rows[0]["id"], "SECRET-ID-VALUE"))
    assert main(["voice", "import", str(forged), "--store", str(tmp_path / "third")]) == 1
    said = capsys.readouterr()
    assert "id" in said.out + said.err and "SECRET-ID-VALUE" not in said.out + said.err
    out = tmp_path / "answers.jsonl"
    assert main(["voice", "export", "--store", str(store), "--format", "jsonl", "-o", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 3 and all("practitioner" not in r and "comment" not in r for r in lines)
    # Exit codes: an unknown questionnaire is usage (2); no store is a problem (1); the store's own folder is refused.
    assert main(["voice", "export", "--store", str(store), "--questionnaire", "nope"]) == 2
    assert main(["voice", "export", "--store", str(tmp_path / "missing")]) == 1
    assert main(["voice", "export", "--store", str(store), "-o", str(store / "responses" / "x.csv")]) in (1, 2)
    assert main(["voice", "import", str(tmp_path / "missing.toml"), "--store", str(store)]) == 1
    assert main(["voice", "import", "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err


def test_a_csv_with_a_name_column_or_a_bad_answer_is_refused(tmp_path: Path, capsys) -> None:
    named = tmp_path / "named.csv"
    named.write_text(f"questionnaire,version,month,team,name,listened\n{QID},{QVERSION},2026-10,Westgate,SECRET-VALUE,5\n")
    assert main(["voice", "import", str(named), "--store", str(tmp_path / "s")]) == 1
    out = capsys.readouterr().out
    assert "anonymous" in out and "SECRET-VALUE" not in out
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"questionnaire,version,month,team,listened\n{QID},{QVERSION},2026-10,Westgate,7\n{QID},{QVERSION},2026-10-03,Westgate,4\n"
    )
    assert main(["voice", "import", str(bad), "--store", str(tmp_path / "s")]) == 1
    out = capsys.readouterr().out
    assert "bad.csv:2" in out and "bad.csv:3" in out and "month" in out
    assert not (tmp_path / "s" / "responses").exists() or not list((tmp_path / "s" / "responses").iterdir())


def test_an_import_never_replaces_a_different_response_with_the_same_id(tmp_path: Path, capsys) -> None:
    store = tmp_path / "store"
    first = tmp_path / "a.toml"
    first.write_text(_response_text())
    second = tmp_path / "b.toml"
    second.write_text(_response_text(**{"listened = 4": "listened = 1"}))
    assert main(["voice", "import", str(first), "--store", str(store)]) == 0
    assert main(["voice", "import", str(second), "--store", str(store)]) == 1
    assert "another response with this id" in capsys.readouterr().out
    assert R.list_responses(Store(store))[0][0].answers["listened"] == 4


# -- JSON Schemas ----------------------------------------------------------------------------------


def test_the_json_schemas_accept_the_demo_responses_and_the_shipped_questionnaire(tmp_path: Path, capsys) -> None:
    store = Store(tmp_path / "store")
    generate_demo(store, 60, seed=3, today=date(2026, 11, 23))
    files = sorted((store.root / "responses").glob("*.toml"))
    assert len(files) >= 5
    response = jsonschema.Draft202012Validator(json_schema("response"))
    questionnaire = jsonschema.Draft202012Validator(json_schema("questionnaire"))
    for path in files:
        data = to_json_data(tomllib.loads(path.read_text()))
        assert response.is_valid(data), path
        assert not questionnaire.is_valid(data)
    assert questionnaire.is_valid(to_json_data(tomllib.loads(SHIPPED.read_text())))
    named = to_json_data(tomllib.loads(_response_text()) | {"name": "x"})
    assert not response.is_valid(named)
    # The published files are current.
    docs = Path(__file__).resolve().parents[1] / "docs" / "schema"
    assert json.loads((docs / "response.schema.json").read_text()) == json_schema("response")
    assert json.loads((docs / "questionnaire.schema.json").read_text()) == json_schema("questionnaire")
    # Every demo response validates with the tools too.
    assert main(["validate", *map(str, files)]) == 0
    capsys.readouterr()


# -- the team view: suppression by respondents and practitioners -----------------------------------


def _answers(store: Store, team: str, values: list[int | str], practitioners: list[str], month: str = "2026-11") -> None:
    q = _shipped()
    for value, practitioner in zip(values, practitioners, strict=True):
        R.add_response(store, R.new_response(q, month=month, team=team, answers={"listened": value}, practitioner=practitioner))


def _summary(store: Store, *extra: str) -> list[dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["summary", "--store", str(store.root), "--by", "voice", "--format", "json", *extra]) == 0
    return json.loads(out.getvalue())["tables"][0]["rows"]


def _row(rows: list[dict], team: str, statement: str | None = "listened") -> dict:
    return next(r for r in rows if r["team"] == team and (r["statement"] == statement or r["suppressed"]))


@pytest.fixture
def three_teams(tmp_path: Path) -> Store:
    """Riverside and Westgate: six people each, five practitioners named; Harbourside: three people."""
    store = Store(tmp_path / "store")
    _answers(store, "Riverside", [5, 5, 4, 4, 2, "prefer-not-to-say"], ["Ann A", "Ben B", "Cat C", "Dan D", "Eve E", "Ann A"])
    _answers(store, "Westgate", [1, 2, 3, 4, 5, 5], ["Fay F", "Gus G", "Hal H", "Ivy I", "Jon J", "Jon J"])
    _answers(store, "Harbourside", [1, 1, 2], ["Kim K", "Lou L", "Max M"])
    return store


def test_voice_figures_hand_checked_and_a_small_team_hidden_beyond_working_out(three_teams: Store) -> None:
    rows = _summary(three_teams)
    harbour = _row(rows, "Harbourside")
    assert harbour["suppressed"] and harbour["respondents"] is None and harbour["agree_percent"] is None
    assert harbour["note"] == "suppressed: fewer than 5 respondents or practitioners"
    # Secondary suppression: one more team goes, so Harbourside is not All teams minus the rest.
    shown = [r for r in rows if r["team"] not in ("All teams",) and not r["suppressed"]]
    hidden = {r["team"] for r in rows if r["suppressed"]}
    assert {"Harbourside"} < hidden and len(shown) == 1
    every = _row(rows, "All teams")
    assert every["respondents"] == 15 and not every["suppressed"]
    # All teams less every shown team leaves the hidden teams together (9 people), never Harbourside alone.
    assert every["respondents"] - sum(r["respondents"] for r in shown) == 9
    # By hand: Riverside gave 5, 5, 4, 4, 2 and one "prefer not to say".
    riverside = voice_table(R.list_responses(three_teams)[0], _shipped(), threshold=3)
    r = riverside.loc[(riverside["team"] == "Riverside") & (riverside["statement"] == "listened")].iloc[0]
    assert r["respondents"] == 6 and r["prefer_not"] == 1 and r["agree_percent"] == 80.0
    assert (r["level_1"], r["level_2"], r["level_3"], r["level_4"], r["level_5"]) == (0.0, 20.0, 0.0, 40.0, 40.0)
    # A team's row is the same whichever teams are asked for, and All teams stays every team.
    alone = _summary(three_teams, "--team", "harbourside")
    assert _row(alone, "Harbourside")["suppressed"] and _row(alone, "All teams")["respondents"] == 15
    assert {r["team"] for r in alone} == {"Harbourside", "All teams"}


def test_many_respondents_about_too_few_practitioners_are_hidden(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    _answers(store, "Riverside", [4] * 8, ["Ann A", "Ben B"] * 4)  # eight people, two officers
    _answers(store, "Westgate", [4] * 6, ["Fay F", "Gus G", "Hal H", "Ivy I", "Jon J", "Kit K"])
    _answers(store, "Valley Road", [4] * 6, ["Lee L", "Mo M", "Ned N", "Oz O", "Pip P", "Quin Q"])
    rows = _summary(store)
    assert _row(rows, "Riverside")["note"] == "suppressed: fewer than 5 respondents or practitioners"
    assert _row(rows, "All teams")["respondents"] == 20


def test_the_practitioner_and_the_comment_never_appear_in_team_views_or_exports(three_teams: Store, tmp_path: Path, capsys) -> None:
    R.add_response(
        three_teams,
        R.new_response(
            _shipped(), month="2026-11", team="Riverside", answers={"listened": 4}, practitioner="Zed Zebra", comment="Kind words"
        ),
    )
    names = ["Ann A", "Ben B", "Fay F", "Kim K", "Zed Zebra", "Kind words"]
    for fmt in ("json", "csv", "markdown", "table"):
        assert main(["summary", "--store", str(three_teams.root), "--by", "voice", "--format", fmt, "--threshold", "3"]) == 0
        out = capsys.readouterr()
        assert not any(n in out.out or n in out.err for n in names), fmt
    html = tmp_path / "voice.html"
    assert main(["summary", "--store", str(three_teams.root), "--by", "voice", "--format", "html", "-o", str(html)]) == 0
    assert not any(n in html.read_text() for n in names)
    assert main(["voice", "export", "--store", str(three_teams.root), "--format", "jsonl"]) == 0
    assert not any(n in capsys.readouterr().out for n in names)
    table = voice_table(R.list_responses(three_teams)[0], _shipped(), threshold=3)
    assert "practitioner" not in table.columns and "comment" not in table.columns
    # Only the practitioner's own record has them.
    mine = R.responses_for(three_teams, " zed  zebra")
    assert [r.comment for r in mine] == ["Kind words"]


def test_voice_figures_sit_beside_observed_practice_for_the_same_period(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    generate_demo(store, 120, seed=5, today=date(2026, 11, 23))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["summary", "--store", str(store.root), "--by", "voice", "--format", "json", "--rubric", "seed-one-to-one",
                     "--from", "2026-01-01", "--to", "2026-09-30"])  # fmt: skip
    assert code == 0
    tables = json.loads(out.getvalue())["tables"]
    assert tables[0]["view"] == "voice"
    observed = [t for t in tables if t["title"].endswith("observed practice in the same period")]
    assert [t["rubric_id"] for t in observed] == ["seed-one-to-one"]
    assert {r["group"] for r in observed[0]["rows"] if r["group"]} >= {"relationship", "structuring"}
    # Months outside the period asked are left out of the answers.
    months = {r.month for r in R.list_responses(store)[0]}
    assert any(m < "2026-01" or m > "2026-09" for m in months)
    inside = [r for r in R.list_responses(store)[0] if "2026-01" <= r.month <= "2026-09"]
    every = next(r for r in tables[0]["rows"] if r["team"] == "All teams" and r["statement"] == "listened")
    assert every["suppressed"] or every["respondents"] <= len(inside)


def test_which_cells_are_hidden_does_not_depend_on_the_rubric_asked_for(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    generate_demo(store, 150, seed=6, today=date(2026, 11, 23))
    views = [_summary(store, *extra) for extra in ((), ("--rubric", "seed-one-to-one"), ("--rubric", "jersey-interview-skills"))]
    assert views[0] == views[1] == views[2]


def test_summary_by_voice_says_when_there_is_nothing_to_show(three_teams: Store, tmp_path: Path, capsys) -> None:
    empty = Store(tmp_path / "empty")
    no_answers = tmp_path / "demo"
    generate_demo(Store(no_answers), 20, seed=1, today=date(2026, 11, 23))
    for path in (no_answers / "responses").glob("*.toml"):
        path.unlink()
    assert main(["summary", "--store", str(no_answers), "--by", "voice"]) == 1
    assert "no questionnaire responses in" in capsys.readouterr().err
    tables, _ = voice_tables(Store(no_answers), None)
    assert [t.view for t in tables] == ["voice"] and tables[0].empty == NO_ANSWERS  # the app's Voice tab says so too
    assert main(["summary", "--store", str(three_teams.root), "--by", "voice", "--from", "2025-01-01", "--to", "2025-03-31"]) == 1
    assert "in the months asked for" in capsys.readouterr().err
    assert main(["summary", "--store", str(three_teams.root), "--by", "voice", "--team", "Nowhere"]) == 1
    assert "no team called 'Nowhere'" in capsys.readouterr().err
    # A team known only by its answers (no observations) is a known team.
    assert main(["summary", "--store", str(three_teams.root), "--by", "voice", "--team", "harbourside", "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["summary", "--store", str(empty.root), "--by", "voice"]) == 1
    assert "Traceback" not in capsys.readouterr().err
