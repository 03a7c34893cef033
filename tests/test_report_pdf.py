"""The feedback sheet as a PDF for A4 (``seeds-tui report --format pdf``), checked as a reader sees it.

Each PDF is rendered to images page by page with pypdfium2 (the PDF engine of Chromium) and its
text is read back from the pages: the tests assert on what a practitioner would see printed,
never on the HTML that was fed to the PDF library.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from seeds_tui.cli import main
from seeds_tui.core.observation import (
    Action,
    CarriedAction,
    Event,
    Feedback,
    LinkedNote,
    Observation,
    RubricRef,
    Score,
    Session,
    new_observation,
    observation_to_toml,
)
from seeds_tui.core.rubric import LoadedRubric, RubricRegistry, bundled_rubric_dir
from seeds_tui.render.sheet import build_sheet
from seeds_tui.render.sheet_pdf import _texts, characters_missing, render_pdf

#: A4 in PDF points (1/72 inch): 210 x 297 mm.
A4 = (595.3, 841.9)
#: Names with letters outside Western European fonts: Welsh, Polish, Greek and Cyrillic.
PRACTITIONER = "Llŷr Ŵyn-Łucja"
OBSERVER = "Σοφία Иванова"
EVIDENCE = "Asked how the week had gone; waited for the answer; reflected “it has been hard” back."


@pytest.fixture(scope="module")
def loaded() -> LoadedRubric:
    """The bundled SEED rubric."""
    return RubricRegistry([bundled_rubric_dir()]).get("seed-one-to-one")


def observation(loaded: LoadedRubric, **changes: object) -> Observation:
    """A final observation with every section scored, evidence, feedback and a case reference."""
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(
            date=date(2026, 11, 23),
            observer=OBSERVER,
            practitioner=PRACTITIONER,
            team="Cardiff Central",
            session_type="Licence supervision",
            mode="in_person",
            purpose="developmental",
            consent_recorded=True,
            case_reference="A7-042",
            focus="Using open questions",
            plan="Review the week.\nAgree one step towards work.",
        ),
    )
    scores = {s.id: {i.id: Score(value=2) for i in s.items} for s in rubric.sections}
    scores["beginning"]["welcome"] = Score(value=3, evidence=EVIDENCE)
    scores["beginning"]["review"] = Score(code="NA")
    feedback = Feedback(
        self_assessment="I rushed the start.\nThe middle went well.",
        strengths=[LinkedNote(text="A warm, personal welcome.", item="beginning.welcome")],
        development_areas=[LinkedNote(text="Agree the agenda together."), LinkedNote(text="Slow down when the person is upset.")],
        actions=[Action(text="Open with a shared agenda.", owner=PRACTITIONER, review_date=date(2027, 1, 15))],
        carried=[CarriedAction(source="01JK65KEH0Q9J0CQG595BDG56A", index=0, text="Use summaries", status="done", comment="Three heard")],
        practitioner_comment="Fair and useful.",
        date=date(2026, 11, 24),
        elapsed=1260,
        summary="A warm session with a clear structure.",
        response_added=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
    )
    update: dict[str, object] = {
        "status": "final",
        "finalised": datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
        "scores": scores,
        "feedback": feedback,
        "section_notes": {"ending": "Ended on time with a clear next step."},
        "events": [
            Event(
                at=datetime(2026, 11, 23, 10, 12, tzinfo=UTC),
                elapsed=724,
                text="Named the feeling before moving on.",
                item="beginning.welcome",
            )
        ],
    }
    update.update(changes)
    return obs.model_copy(update=update)


def pages(pdf: bytes) -> list[tuple[tuple[float, float], str, float]]:
    """Each page: its size in points, its text as read from the page, and the share of its pixels that are ink."""
    document = pdfium.PdfDocument(pdf)
    out = []
    for page in document:
        bitmap = page.render(scale=1).to_pil().convert("L")
        histogram = bitmap.histogram()
        ink = sum(histogram[:128]) / (bitmap.width * bitmap.height)
        out.append((page.get_size(), page.get_textpage().get_text_range(), ink))
    return out


def body(read: list[tuple[tuple[float, float], str, float]]) -> str:
    """The text of every page without its footer line (drawn first on each page), white space squashed."""
    return squash(" ".join(" ".join(text.splitlines()[1:]) for _, text, _ in read))


def squash(text: str) -> str:
    """Text with every run of white space (line breaks included) as one space."""
    return " ".join(text.split())


def test_the_pdf_is_a4_with_every_text_of_the_sheet_on_its_pages(loaded: LoadedRubric) -> None:
    obs = observation(loaded)
    read = pages(render_pdf(obs, loaded.rubric))
    assert len(read) >= 2
    for size, _, ink in read:
        assert size == pytest.approx(A4, abs=0.5)
        assert 0.002 < ink < 0.5  # something printed on every page, and not a page of solid black
    text = squash(" ".join(t for _, t, _ in read))
    # Every text the sheet model holds (the same model as the Markdown and HTML sheets) is printed.
    sheet = build_sheet(obs, loaded.rubric)
    missing = [t for t in _texts(sheet) if squash(t) not in text]
    assert missing == []
    # Beginning: 3 + 2 + 2 points of 9 (the NA left out) = 78%; every other item 2 of 3 = 67%.
    for shown in (
        PRACTITIONER,
        OBSERVER,
        "Beginning and set-up 3 skills (left out: 1 not applicable) 78%",
        "67%",
        "Not applicable",
        "The observer's summary A warm session with a clear structure.",
        "Feedback conversation 24 November 2026, 21 minutes",
        "Your response Fair and useful. Added on 30 November 2026, after the observation was finalised.",
        "Agreed before the session Agreed focus Using open questions Practitioner's plan Review the week. Agree one step towards work.",
    ):
        assert shown in text, shown
    assert text.index("Agreed focus") < text.index("Section by section")  # near the top
    assert "page 1 of" in text and f"page {len(read)} of {len(read)}" in text
    assert "A7-042" not in text  # the case reference never reaches the sheet


def test_letters_of_names_print_as_typed_not_as_boxes(loaded: LoadedRubric) -> None:
    obs = observation(loaded)
    assert characters_missing(build_sheet(obs, loaded.rubric)) == 0
    first = pages(render_pdf(obs, loaded.rubric))[0][1]
    assert PRACTITIONER in first and OBSERVER in squash(first)


def test_each_section_has_its_score_and_band_and_the_appendix_starts_a_page(loaded: LoadedRubric) -> None:
    obs = observation(loaded)
    read = pages(render_pdf(obs, loaded.rubric))
    first = squash(read[0][1])
    for section in loaded.rubric.sections:
        assert section.title in first
    assert "Whole session" in first
    appendix = [n for n, (_, t, _) in enumerate(read) if "Appendix: skill by skill" in t]
    assert len(appendix) == 1 and appendix[0] >= 1
    footer, heading = read[appendix[0]][1].splitlines()[:2]  # the page's footer is drawn first
    assert footer.startswith(PRACTITIONER) and heading == "Appendix: skill by skill"


def test_hostile_and_long_text_still_makes_a_readable_pdf(loaded: LoadedRubric) -> None:
    hostile = "<script>alert(1)</script> [/] [b]bold[/b] & &amp; \x1b[2J\x07 </td></tr></table> ]]> <pdf:pagenumber>"
    long_note = ("A long paragraph of evidence, said and done. " * 440)[:19_990]
    obs = observation(loaded)
    scores = dict(obs.scores)
    scores["ending"] = {**scores["ending"], next(iter(scores["ending"])): Score(value=1, evidence=long_note)}
    obs = obs.model_copy(update={"scores": scores, "feedback": obs.feedback.model_copy(update={"practitioner_comment": hostile})})
    read = pages(render_pdf(obs, loaded.rubric))
    text = squash(" ".join(t for _, t, _ in read))
    assert "<script>alert(1)</script> [/] [b]bold[/b] & &amp;" in text  # shown as typed, never obeyed
    assert "\x1b" not in text and "\x07" not in text and "\ufffd[2J\ufffd" in text  # control characters made harmless
    # The whole long note, over several pages (the table's header row repeated at the top of each, the
    # item's result beside the note's first part): every one of its 440 sentences is printed.
    printed = body(read).replace(" Skill Result ", " ")
    assert printed.count("said and done") == long_note.count("said and done") == 440
    assert len(read) > 4


def test_characters_outside_the_font_are_counted_for_a_warning(loaded: LoadedRubric) -> None:
    obs = observation(loaded, feedback=Feedback(practitioner_comment="ありがとう 😀"))
    assert characters_missing(build_sheet(obs, loaded.rubric)) == 6
    assert render_pdf(obs, loaded.rubric).startswith(b"%PDF")


def test_report_command_writes_a_pdf_file_owner_only(loaded: LoadedRubric, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "obs.toml"
    source.write_text(observation_to_toml(observation(loaded)), encoding="utf-8")
    out = tmp_path / "sheet.pdf"
    assert main(["report", str(source), "--format", "pdf", "-o", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    read = pages(out.read_bytes())
    assert PRACTITIONER in read[0][1]


def test_report_command_warns_without_quoting_when_the_font_lacks_letters(
    loaded: LoadedRubric, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "obs.toml"
    source.write_text(observation_to_toml(observation(loaded, feedback=Feedback(practitioner_comment="ありがとう"))), encoding="utf-8")
    assert main(["report", str(source), "--format", "pdf", "-o", str(tmp_path / "s.pdf")]) == 0
    err = capsys.readouterr().err
    assert "5 character(s)" in err and "--format html" in err and "ありがとう" not in err


def test_report_pdf_to_a_pipe_is_the_pdf_and_to_a_terminal_is_refused(loaded: LoadedRubric, tmp_path: Path) -> None:
    source = tmp_path / "obs.toml"
    source.write_text(observation_to_toml(observation(loaded)), encoding="utf-8")
    piped = subprocess.run([sys.executable, "-m", "seeds_tui", "report", str(source), "--format", "pdf"], capture_output=True, timeout=60)
    assert piped.returncode == 0 and piped.stdout.startswith(b"%PDF")
    assert PRACTITIONER in pages(piped.stdout)[0][1]
    pty = pytest.importorskip("pty")
    pid, fd = pty.fork()
    if pid == 0:  # the child: standard output is a terminal
        os.execv(sys.executable, [sys.executable, "-m", "seeds_tui", "report", str(source), "--format", "pdf"])
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 2
    assert "give -o FILE" in shown and "%PDF" not in shown
