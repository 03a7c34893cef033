"""The practitioner's feedback sheet, as the practitioner reads it (Markdown and HTML) and ``seeds-tui report``."""

from __future__ import annotations

import html
import re
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from seeds_tui.cli import main
from seeds_tui.core.observation import (
    Action,
    CarriedAction,
    Consensus,
    Event,
    Feedback,
    LinkedNote,
    Observation,
    RubricRef,
    Score,
    Session,
    load_observation,
    new_observation,
    observation_to_toml,
)
from seeds_tui.core.rubric import Rubric, RubricRegistry, bundled_rubric_dir
from seeds_tui.demo.generator import generate_demo
from seeds_tui.render.sheet import build_sheet, render_html, render_markdown, render_report
from seeds_tui.storage.store import Store

CASE_REF = "A7-042"
OTHER_OBS = "01JK65KEH0Q9J0CQG595BDG56A"
WELCOME_EVIDENCE = "Greeted them by name and asked how the new job was going."


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    """The bundled SEED rubric."""
    return RubricRegistry([bundled_rubric_dir()]).get("seed-one-to-one").rubric


def observation(rubric: Rubric, **feedback: object) -> Observation:
    """A final SEED observation: the beginning section scored (3, NA, 2, NO), with a case reference."""
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256="0" * 64),
        session=Session(
            date=date(2026, 11, 23),
            observer="Sam Observer",
            practitioner="Pat Practitioner",
            team="North",
            session_type="Licence supervision",
            mode="video",
            purpose="calibration",
            consent_recorded=True,
            case_reference=CASE_REF,
        ),
    )
    return obs.model_copy(
        update={
            "status": "final",
            "finalised": datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
            "scores": {
                "beginning": {
                    "welcome": Score(value=3, evidence=WELCOME_EVIDENCE),
                    "review": Score(code="NA"),
                    "agenda": Score(value=2, evidence="Agenda set by the practitioner alone."),
                    "environment": Score(code="NO"),
                }
            },
            "feedback": Feedback(**feedback),  # type: ignore[arg-type]
        }
    )


def rich(rubric: Rubric) -> Observation:
    """An observation with every part of the feedback conversation filled in."""
    return observation(
        rubric,
        self_assessment="I rushed the start.",
        strengths=[LinkedNote(text="A warm, personal welcome.", item="beginning.welcome")],
        development_areas=[
            LinkedNote(text="Agree the agenda together.", item="beginning.agenda"),
            LinkedNote(text="Slow down when the person is upset."),
        ],
        actions=[
            Action(text="Open with a shared agenda.", owner="Pat Practitioner", review_date=date(2027, 1, 15), item="beginning.agenda"),
            Action(text="Ask about the week.", owner="Pat Practitioner"),
        ],
        carried=[
            CarriedAction(source=OTHER_OBS, index=0, text="Use summaries", owner="Pat Practitioner", status="done", comment="Three heard"),
            CarriedAction(source=OTHER_OBS, index=1, text="Shadow a colleague", owner="Sam Observer", status="ongoing"),
            CarriedAction(source=OTHER_OBS, index=2, text="Try the old worksheet", status="dropped", agreed=date(2026, 6, 1)),
            CarriedAction(source=OTHER_OBS, index=3, text="Keep a question log", review_date=date(2026, 12, 1)),
        ],
        practitioner_comment="Fair and useful.",
    )


def both(obs: Observation, rubric: Rubric) -> dict[str, str]:
    """The sheet in each format; HTML as the text a reader sees (tags dropped, entities decoded)."""
    page = render_html(obs, rubric)
    body = page.split("<body>", 1)[1]
    return {"markdown": render_markdown(obs, rubric), "html": html.unescape(re.sub(r"<[^>]+>", " ", body))}


def squash(text: str) -> str:
    return " ".join(text.split())


def test_session_details_are_all_there_in_words(rubric: Rubric) -> None:
    for fmt, text in both(rich(rubric), rubric).items():
        flat = squash(text)
        for shown in ("23 November 2026", "Pat Practitioner", "North", "Sam Observer", "Licence supervision", "Video", "Calibration"):
            assert shown in flat, (fmt, shown)
        assert f"SEED one-to-one session, version {rubric.version}" in flat, fmt
        assert "in_person" not in flat and "calibration" not in flat.replace("Calibration", ""), fmt


def test_the_focus_and_plan_agreed_before_the_session_are_near_the_top(rubric: Rubric) -> None:
    obs = observation(rubric)
    agreed = obs.model_copy(
        update={"session": obs.session.model_copy(update={"focus": "Using open questions", "plan": "Review the week.\n  Agree one step."})}
    )
    for fmt, text in both(agreed, rubric).items():
        flat = squash(text)
        assert "Agreed before the session" in flat, fmt
        assert "Agreed focus" in flat and "Using open questions" in flat, fmt
        assert "Practitioner's plan" in flat and "Review the week." in flat and "Agree one step." in flat, fmt
        assert flat.index("Agreed focus") < flat.index("Practitioner's plan") < flat.index("Section by section"), fmt
    markdown = render_markdown(agreed, rubric)
    assert "Review the week.  \nAgree one step." in markdown  # the plan keeps its lines
    assert "Review the week.\nAgree one step." in render_html(agreed, rubric)
    # Only what was recorded: a focus alone, or neither (an older file), shows no empty heading.
    focus_only = agreed.model_copy(update={"session": agreed.session.model_copy(update={"plan": ""})})
    assert "Agreed focus" in render_markdown(focus_only, rubric) and "Practitioner's plan" not in render_markdown(focus_only, rubric)
    for fmt, text in both(obs, rubric).items():
        assert "Agreed before the session" not in text and "Agreed focus" not in text, fmt


def test_the_case_reference_never_appears(rubric: Rubric, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    obs = rich(rubric)
    assert obs.session.case_reference == CASE_REF
    for fmt in ("markdown", "html"):
        text = render_report(obs, rubric, fmt)  # type: ignore[arg-type]
        assert CASE_REF not in text and "Case reference" not in text, fmt
    path = tmp_path / "obs.toml"
    path.write_text(observation_to_toml(obs.model_copy(update={"rubric": real_ref(rubric)})))
    for fmt in ("markdown", "html"):
        assert main(["report", str(path), "--format", fmt]) == 0
        assert CASE_REF not in capsys.readouterr().out


def test_each_section_has_its_percent_a_bar_and_its_typical_level_in_the_scales_words(rubric: Rubric) -> None:
    """A rubric naming no bands (the shipped ones) is read in its scale's words, never in the audit bands."""
    obs = rich(rubric)
    md = render_markdown(obs, rubric)
    # Beginning: 3 + 2 points of 3 + 3 possible (NA and NO left out) = 83%, 8 of 10 cells; levels 3 and 2
    # average 2.5, halfway between Competent and Skilful.
    assert "| Section | Score | Typical level | Based on |" in md
    assert "| Beginning and set-up | ████████░░ 83% | Competent to Skilful | 2 skills (left out: 1 not applicable, 1 not observed) |" in md
    assert "| Ending | ░░░░░░░░░░ – | – | no skill given a level (left out: 4 not scored) |" in md
    assert "| **Whole session** | ████████░░ 83% | Competent to Skilful |" in md
    page = render_html(obs, rubric)
    block = re.split(r'<div class="score( total)?">', page.split("Beginning and set-up</span>", 1)[1])[0]
    assert '<span class="score-value">83%</span>' in block  # the percent is in the text, not only in the bar
    assert 'style="width:83%"' in block and 'aria-hidden="true"' in block
    assert "Typical level: Competent to Skilful" in block and "1 not applicable, 1 not observed" in block
    for text in both(obs, rubric).values():
        assert "very high" not in text and "Band" not in text and "moderate" not in text
        assert "where the section's skills were scored, taken together, in the scale's own words" in squash(text)


def test_every_item_at_competent_reads_competent_not_a_band(rubric: Rubric) -> None:
    from seeds_tui.render.sheet_pdf import sheet_html

    scores: dict[str, dict[str, Score]] = {}
    for key in rubric.item_keys:
        section, item = key.split(".")
        scores.setdefault(section, {})[item] = Score(value=2)
    obs = rich(rubric).model_copy(update={"scores": scores})
    sheet = build_sheet(obs, rubric)
    assert {line.word for line in [*sheet.sections, sheet.overall]} == {"Competent"}
    assert "| **Whole session** | ███████░░░ 67% | Competent |" in render_markdown(obs, rubric)
    pdf_html = sheet_html(sheet)
    assert "<th>Typical level</th>" in pdf_html and "very high" not in pdf_html


def test_a_rubric_with_its_own_bands_or_none_is_banded_its_own_way_on_every_sheet(rubric: Rubric) -> None:
    import pypdfium2 as pdfium

    from seeds_tui.core.rubric import Band
    from seeds_tui.render.sheet_pdf import render_pdf

    own = rubric.model_copy(update={"bands": [Band(name="starting", lower=0), Band(name="secure", lower=80)]})
    obs = rich(own)
    for text in both(obs, own).values():
        assert "Bands: secure 80% or more, starting 0–79%." in squash(text)
        assert "very high" not in text
    assert "| Beginning and set-up | ████████░░ 83% | secure |" in render_markdown(obs, own)
    document = pdfium.PdfDocument(render_pdf(obs, own))
    pdf = " ".join(page.get_textpage().get_text_range() for page in document)
    assert "secure 80% or more" in squash(pdf) and "very high" not in pdf
    none = rubric.model_copy(update={"bands": []})
    for text in both(rich(none), none).values():
        assert "Bands:" not in text and "very high" not in text
    # No bands of its own: the typical level, as for a rubric without the key.
    assert "| Beginning and set-up | ████████░░ 83% | Competent to Skilful |" in render_markdown(rich(none), none)


def test_strengths_and_development_areas_carry_the_evidence_of_their_skill(rubric: Rubric) -> None:
    for fmt, text in both(rich(rubric), rubric).items():
        flat = squash(text)
        went_well = flat.split("What went well", 1)[1].split("To develop", 1)[0]
        assert "A warm, personal welcome." in went_well
        assert "Welcomes the person and checks in" in went_well and "Skilful (3 of 3)" in went_well, fmt
        assert WELCOME_EVIDENCE in went_well, fmt
        to_develop = flat.split("To develop", 1)[1].split("Agreed actions", 1)[0]
        assert to_develop.index("Agree the agenda together.") < to_develop.index("Agenda set by the practitioner alone.")
        assert "Competent (2 of 3)" in to_develop
        # The note with no linked skill stands alone: nothing from another skill is shown under it.
        assert to_develop.split("Slow down when the person is upset.", 1)[1].strip(" #") == "", fmt


def test_marks_attached_to_a_skill_reach_the_sheet_as_its_evidence_with_the_session_time(rubric: Rubric) -> None:
    at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    obs = rich(rubric).model_copy(
        update={
            "events": [
                Event(at=at, elapsed=1510, text="Second mark: used their words.", item="beginning.welcome"),
                Event(at=at, elapsed=63, text="Smiled and  used the name.", item="beginning.welcome"),
                Event(at=at, elapsed=3729, kind="note", text="Asked them to set the agenda.", item="beginning.agenda"),
                Event(at=at, elapsed=400, item="beginning.welcome"),
                Event(at=at, elapsed=900, text="Never attached to a skill."),
            ]
        }
    )
    for fmt, text in both(obs, rubric).items():
        flat = squash(text)
        appendix = flat.split("Appendix: skill by skill", 1)[1]
        # In clock order, under the skill they were attached to; a mark without words says so.
        marks = [
            "Marked at 01:03: Smiled and used the name.",
            "Marked at 06:40: (marked, no words)",
            "Marked at 25:10: Second mark: used their words.",
        ]
        assert all(m in appendix for m in marks), fmt
        assert appendix.index(marks[0]) < appendix.index(marks[1]) < appendix.index(marks[2]), fmt
        assert "Marked at 1:02:09: Asked them to set the agenda." in appendix, fmt
        # A development area or strength linked to the skill carries its marks too.
        went_well = flat.split("What went well", 1)[1].split("To develop", 1)[0]
        assert marks[0] in went_well, fmt
        # A mark never attached to a skill is the observer's own note: not on the sheet.
        assert "Never attached to a skill." not in flat, fmt


def test_agreed_actions_show_owner_and_review_date(rubric: Rubric) -> None:
    for fmt, text in both(rich(rubric), rubric).items():
        actions = squash(text).split("Agreed actions", 1)[1].split("Actions from earlier observations", 1)[0]
        assert "Open with a shared agenda." in actions and "Owner: Pat Practitioner" in actions, fmt
        assert "Review by: 15 January 2027" in actions, fmt
        # An action linked to the item it addresses names that skill; one linked to none does not.
        assert "Skill: Beginning and set-up › Agrees the purpose and agenda for the session" in actions, fmt
        assert "Skill:" not in actions.split("Ask about the week.", 1)[1], fmt


def test_actions_from_earlier_observations_show_how_each_stands(rubric: Rubric) -> None:
    for fmt, text in both(rich(rubric), rubric).items():
        carried = squash(text).split("Actions from earlier observations", 1)[1].split("Your response", 1)[0]
        for status, action in (("Done", "Use summaries"), ("Ongoing", "Shadow a colleague"), ("Dropped", "Try the old worksheet")):
            assert f"{status}" in carried and carried.index(status) < carried.index(action), (fmt, status)
        assert "Not yet reviewed" in carried and carried.index("Not yet reviewed") < carried.index("Keep a question log")
        assert "Three heard" in carried and "Owner: Sam Observer" in carried and "Agreed on: 1 June 2026" in carried
        assert "Review by: 1 December 2026" in carried and "Review by: not set" in carried
        assert OTHER_OBS not in text, fmt  # the earlier observation's id means nothing to the practitioner


def test_the_practitioners_own_words_are_on_the_sheet(rubric: Rubric) -> None:
    for fmt, text in both(rich(rubric), rubric).items():
        flat = squash(text)
        assert "Your self-assessment I rushed the start." in flat.replace("#", "").replace("  ", " "), fmt
        assert "Fair and useful." in flat.split("Your response", 1)[1], fmt


def test_the_feedback_conversation_summary_and_a_later_response_are_on_the_sheet(rubric: Rubric) -> None:
    """Order or licence, the session's length, the date and length of the feedback conversation,
    the observer's summary (after the development areas, before the actions) and the
    practitioner's response with the day it was added after finalising."""
    obs = rich(rubric)
    obs = obs.model_copy(
        update={
            "session": obs.session.model_copy(update={"sentence": "licence", "elapsed": 2950}),
            "feedback": obs.feedback.model_copy(
                update={
                    "date": date(2026, 11, 24),
                    "elapsed": 1260,
                    "summary": "A warm session with a clear structure.",
                    "practitioner_comment": "I will try the shared agenda.",
                    "response_added": datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
                }
            ),
        }
    )
    for fmt, text in both(obs, rubric).items():
        flat = squash(text.replace("|", " ").replace("*", ""))
        assert "Order or licence On licence" in flat, fmt
        assert "Session length 49 minutes" in flat, fmt
        assert "Feedback conversation 24 November 2026, 21 minutes" in flat, fmt
        summary = flat.split("The observer's summary", 1)[1]
        assert summary.startswith(" A warm session with a clear structure."), fmt
        assert flat.index("To develop") < flat.index("The observer's summary") < flat.index("Agreed actions"), fmt
        response = flat.split("Your response", 1)[1]
        assert "I will try the shared agenda." in response, fmt
        assert "Added on 30 November 2026, after the observation was finalised." in response, fmt
    # Written before finalising, the response says nothing about when; not recorded, nothing shows.
    before = obs.model_copy(update={"feedback": obs.feedback.model_copy(update={"response_added": None})})
    assert "after the observation was finalised" not in render_markdown(before, rubric)
    bare = render_markdown(rich(rubric), rubric)
    for absent in ("Order or licence", "Session length", "Feedback conversation", "The observer's summary", "Added on"):
        assert absent not in bare, absent


def test_developmental_wording_and_no_ranking_or_comparison(rubric: Rubric) -> None:
    banned = re.compile(r"\b(rank\w*|average\w*|mean|median|percentile\w*|colleagues|compared|comparison|league|top|bottom|best|worst)\b")
    for fmt, text in both(rich(rubric), rubric).items():
        assert "What went well" in text and "To develop" in text, fmt
        # The only user text containing such a word is the action "Shadow a colleague" (singular, allowed).
        assert banned.findall(text.lower()) == [], fmt


def test_codes_are_spelt_out_and_explained(rubric: Rubric) -> None:
    obs = rich(rubric)
    for fmt, text in both(obs, rubric).items():
        assert re.search(r"\bN[AO]\b", text) is None, fmt
        appendix = squash(text).split("Appendix: skill by skill", 1)[1]
        assert "Reviews the previous session and any tasks set Not applicable" in appendix.replace(":", "").replace("*", "")
        assert "Not observed: the observer could not see or hear enough to judge it" in appendix, fmt
        assert "Scale “Quality of the skill”: 0 Missed or counter-productive, 1 Emerging, 2 Competent, 3 Skilful." in appendix, fmt


def test_empty_parts_are_left_out(rubric: Rubric) -> None:
    for fmt, text in both(observation(rubric), rubric).items():
        parts = ("Whole-session ratings", "Your self-assessment", "What went well", "To develop", "Agreed actions", "Your response")
        for heading in (*parts, "Actions from earlier observations"):
            assert heading not in text, (fmt, heading)
        assert "none recorded" not in text and "not rated" not in text
    rated = observation(rubric).model_copy(update={"globals": {"structure": 4}})
    ratings = squash(render_markdown(rated, rubric)).split("## Whole-session ratings", 1)[1].split("##", 1)[0]
    assert "Overall structure**: Good (4 of 5)" in ratings and "Working relationship**: not rated" in ratings
    # With no NA or NO anywhere, the codes need no explaining.
    plain = observation(rubric).model_copy(update={"scores": {"beginning": {"welcome": Score(value=1)}}})
    assert "Not observed:" not in render_markdown(plain, rubric)


def test_consensus_and_draft_say_what_the_record_is(rubric: Rubric) -> None:
    final = rich(rubric)
    agreed = final.model_copy(
        update={"consensus": Consensus(of=[OTHER_OBS, "01JMCPZTT0NH1ZS76DFVK0SJAA"], rationale={"beginning.agenda": "Both heard it."})}
    )
    draft = final.model_copy(update={"status": "draft", "finalised": None})
    for fmt, text in both(agreed, rubric).items():
        flat = squash(text)
        assert "Agreed record of a double-scored session" in flat, fmt
        assert "Agreed score, because: Both heard it." in flat, fmt
        assert "not been finalised" not in flat
    for fmt, text in both(draft, rubric).items():
        assert "Draft: this observation has not been finalised yet" in squash(text), fmt
        assert "double-scored" not in text
    assert "double-scored" not in render_markdown(final, rubric) and "two observers" not in render_markdown(final, rubric)
    one_of_two = final.model_copy(update={"session": final.session.model_copy(update={"session_ref": "CAL-2026-11-23-N1"})})
    for fmt, text in both(one_of_two, rubric).items():
        assert "One observer's own scores from a session that two observers scored" in squash(text), fmt
        assert "CAL-2026-11-23-N1" not in text, fmt


def test_html_is_one_self_contained_page_that_prints_on_a4(rubric: Rubric) -> None:
    page = render_html(rich(rubric), rubric)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for outside in ("<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "href=", "http:", "https:", "@font-face"):
        assert outside not in page, outside
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    css = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "@page{size:A4" in css and "@media print" in css and "print-color-adjust:exact" in css
    assert ".score{" in css and "break-inside:avoid" in css.split(".score{", 1)[1].split("}", 1)[0]  # a bar is never cut


def test_every_user_text_is_escaped(rubric: Rubric) -> None:
    nasty = '<img src=x onerror="alert(1)"> [b]x[/] *y* `z` | a'
    obs = observation(
        rubric,
        self_assessment="# Not a heading\n- not a list\n1. not numbered",
        strengths=[LinkedNote(text=nasty, item="beginning.welcome")],
        actions=[Action(text=nasty, owner="<b>Pat</b>")],
        carried=[CarriedAction(source=OTHER_OBS, index=0, text=nasty, comment=nasty, status="done")],
        practitioner_comment=nasty,
    )
    obs = obs.model_copy(
        update={
            "session": obs.session.model_copy(update={"practitioner": "Pat <P> & co", "session_type": "a | b\nc"}),
            "section_notes": {"beginning": nasty},
            "scores": {"beginning": {"welcome": Score(value=3, evidence=nasty)}},
        }
    )
    page = render_html(obs, rubric)
    assert "<img" not in page and "<b>Pat" not in page
    assert page.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") >= 6
    assert "Pat &lt;P&gt; &amp; co" in page
    md = render_markdown(obs, rubric)
    assert r"\<img src=x onerror=\"alert(1)\"\>".replace('\\"', '"') in md
    assert r"\[b\]x\[/\] \*y\* \`z\` \| a" in md
    assert "\\# Not a heading" in md and "\\- not a list" in md and "1\\. not numbered" in md
    assert "| Session type | a \\| b c |" in md  # one table row, the bar escaped


def test_every_demo_observation_gives_a_sheet_with_every_section(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    registry = RubricRegistry([bundled_rubric_dir()])
    paths = generate_demo(store, 12, seed=3, teams=2, today=date(2026, 11, 23))
    seen = set()
    for path in paths:
        obs = load_observation(path)
        rubric = registry.get(obs.rubric.id, obs.rubric.version).rubric
        seen.add(rubric.id)
        sheet = build_sheet(obs, rubric)
        md, page = render_markdown(obs, rubric), render_html(obs, rubric)
        for section in rubric.sections:
            assert f"| {section.title} |" in md and f'<span class="score-name">{html.escape(section.title)}</span>' in page
        assert len(sheet.strengths) == len(obs.feedback.strengths) and len(sheet.actions) == len(obs.feedback.actions)
    assert len(seen) >= 2


def real_ref(rubric: Rubric) -> RubricRef:
    """The bundled rubric's real reference (the CLI checks the sha256 against the file)."""
    loaded = RubricRegistry([bundled_rubric_dir()]).get(rubric.id)
    return RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256)


def test_report_command_writes_either_format(rubric: Rubric, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "obs.toml"
    path.write_text(observation_to_toml(rich(rubric).model_copy(update={"rubric": real_ref(rubric)})))
    assert main(["report", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Feedback on your observed session") and "████████░░ 83%" in out
    sheet = tmp_path / "out" / "sheet.html"
    sheet.parent.mkdir()
    assert main(["report", str(path), "--format", "html", "-o", str(sheet)]) == 0
    assert str(sheet) in capsys.readouterr().err
    assert sheet.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600


def test_report_command_explains_files_it_cannot_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("this is = = not toml")
    assert main(["report", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "Traceback" not in err
    assert main(["report", str(tmp_path / "missing.toml")]) == 1
    assert "missing.toml" in capsys.readouterr().err
    assert main(["report", str(bad), "--format", "docx"]) == 2  # an unknown format is a usage error
    assert main(["report", str(bad), "--format", "pdf", "-o", str(tmp_path / "s.pdf")]) == 1  # PDF is known now (test_report_pdf.py)
    assert str(bad) in capsys.readouterr().err and not (tmp_path / "s.pdf").exists()


def test_report_command_makes_a_draft_sheet_from_the_drafts_folder(
    rubric: Rubric, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(tmp_path / "store")
    draft = observation(rubric).model_copy(update={"status": "draft", "finalised": None, "rubric": real_ref(rubric)})
    saved = store.save_draft(draft)  # most required items still have no score
    assert main(["report", str(store.draft_path(saved.id)), "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert "Draft: this observation has not been finalised yet" in page and "83%" in page


def test_writing_into_a_missing_folder_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fixture = Path(__file__).parent / "data" / "schema_versions" / "seeds-observation-2.toml"
    target = tmp_path / "no such folder" / "sheet.md"
    assert main(["report", str(fixture), "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"the folder {target.parent} does not exist" in err and "previous version" not in err
