"""The feedback sheet (Markdown and HTML) and ``seeds-tui report``; the personal-data warning."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from seeds_tui.cli import main
from seeds_tui.observation import Action, Feedback, LinkedNote, RubricRef, Score, Session, new_observation, observation_to_toml
from seeds_tui.privacy import personal_data_warnings
from seeds_tui.report import render_html, render_markdown
from seeds_tui.rubric import RubricRegistry, bundled_rubric_dir


def observation_file(tmp_path: Path) -> tuple[Path, object]:
    loaded = RubricRegistry([bundled_rubric_dir()]).get("seed-one-to-one")
    r = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=r.id, version=r.version, sha256=loaded.sha256),
        session=Session(date=date(2026, 11, 23), observer="Sam", practitioner="Pat <P>", team="North", case_reference="A7-042"),
    )
    obs = obs.model_copy(
        update={
            "scores": {
                "beginning": {
                    "welcome": Score(value=3, evidence="<script>alert(1)</script> [b]x[/]"),
                    "review": Score(code="NA"),
                    "agenda": Score(value=0),
                }
            },
            "feedback": Feedback(
                self_assessment="felt *rushed*",
                strengths=[LinkedNote(text="Warm welcome", item="beginning.welcome")],
                development_areas=[LinkedNote(text="Agenda")],
                actions=[Action(text="Plan agenda", owner="Pat", review_date=date(2027, 1, 15))],
                practitioner_comment="Fair",
            ),
        }
    )
    path = tmp_path / "obs.toml"
    path.write_text(observation_to_toml(obs))
    return path, (obs, r)


def test_markdown_sheet_has_sections_items_and_feedback(tmp_path: Path) -> None:
    _, (obs, rubric) = observation_file(tmp_path)
    md = render_markdown(obs, rubric)  # type: ignore[arg-type]
    assert "| Beginning and set-up | 3/4 | 1 | 0 | 50% | moderate |" in md
    assert "Welcomes the person and checks in**: 3 Skilful" in md
    assert r"\<script\>alert(1)\</script\> \[b\]x\[/\]" in md
    assert r"felt \*rushed\*" in md
    assert "Warm welcome (item: Welcomes the person and checks in)" in md
    assert "Plan agenda (owner: Pat; review: 2027-01-15)" in md
    assert "A7-042" in md


def test_html_sheet_escapes_every_user_text(tmp_path: Path) -> None:
    _, (obs, rubric) = observation_file(tmp_path)
    page = render_html(obs, rubric)  # type: ignore[arg-type]
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [b]x[/]" in page
    assert "Pat &lt;P&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and "http" not in page.split("<body>")[0]


def test_report_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = observation_file(tmp_path)
    assert main(["report", str(path)]) == 0
    assert "# Feedback: SEED one-to-one session" in capsys.readouterr().out
    out = tmp_path / "sheet.html"
    assert main(["report", str(path), "--format", "html", "-o", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    bad = tmp_path / "bad.toml"
    bad.write_text("this is = = not toml")
    assert main(["report", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "Traceback" not in err
    assert main(["report", str(tmp_path / "missing.toml")]) == 1


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Good reflections throughout", 0),
        ("born on 3 March 1991", 1),
        ("dob: 01/02/1985", 1),
        ("Mr Jones was late", 1),
        ("CRN X123456", 1),
        ("review on 15/01/2027", 0),
        ("Ms Patel, DOB 2/3/1990, PNC 1999/0123456A", 3),
    ],
)
def test_personal_data_warnings(text: str, kinds: int) -> None:
    found = personal_data_warnings(text)
    assert len(found) == kinds
    assert all(text not in f for f in found)
