"""The review screen's key writes the practitioner's feedback sheet; the personal-data warning.

The sheet's content in each format is tested in tests/test_report.py.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from tui_helpers import TODAY

from seeds_tui.core.observation import Action, CarriedAction, Feedback, LinkedNote, RubricRef, Score, Session, new_observation
from seeds_tui.core.privacy import personal_data_warnings
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.screens.review import ReviewScreen

EVIDENCE = "Asked how the week had gone and waited for the answer."


def final_with_feedback(store: Store, registry: RubricRegistry) -> str:
    """A final SEED observation with evidence, feedback, a carried action and a case reference."""
    loaded = registry.get("seed-one-to-one")
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=TODAY, observer="Sam", practitioner="Pat P", team="North", case_reference="A7-042"),
    )
    scores = {s.id: {i.id: Score(value=2) for i in s.items} for s in rubric.sections}
    scores["beginning"]["welcome"] = Score(value=3, evidence=EVIDENCE)
    feedback = Feedback(
        strengths=[LinkedNote(text="A warm welcome.", item="beginning.welcome")],
        actions=[Action(text="Agree the agenda together.", owner="Pat P", review_date=date(2027, 1, 15))],
        carried=[CarriedAction(source="01JK65KEH0Q9J0CQG595BDG56A", index=0, text="Use summaries", status="ongoing")],
    )
    obs = store.save_draft(obs.model_copy(update={"scores": scores, "feedback": feedback}))
    final, _ = store.finalise(obs, rubric)
    return final.id


async def test_w_on_the_review_screen_writes_the_sheet_as_markdown_and_html(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    obs_id = final_with_feedback(store, registry)
    app = make_app()
    told: list[tuple[str, str]] = []
    notify = app.notify

    def listen(message: str, **options: object) -> None:
        told.append((str(options.get("title", "")), message))
        notify(message, **options)  # type: ignore[arg-type]

    app.notify = listen  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # the final observation opens on its review
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("w")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    folder = store.root / "reports"
    # Named so that a practitioner's sheets sort by date and tell apart: date, practitioner, rubric, id.
    [md] = folder.glob(f"*{obs_id}.md")
    [page] = folder.glob(f"*{obs_id}.html")
    assert md.name == f"{TODAY.isoformat()}-pat-p-seed-one-to-one-{obs_id}.md", md.name
    assert "a7-042" not in md.name.lower()
    for path in (md, page):
        assert path.is_file(), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        text = path.read_text(encoding="utf-8")
        assert "Pat P" in text and "A warm welcome." in text and EVIDENCE in text
        assert "Agree the agenda together." in text and "15 January 2027" in text
        assert "Ongoing" in text and "Use summaries" in text
        assert "A7-042" not in text
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "████████" in md.read_text(encoding="utf-8")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    # The PDF too (tests/tui/test_sheet_pdf_key.py); no temp files left behind.
    assert sorted(p.name for p in folder.iterdir()) == sorted([md.name, page.name, md.with_suffix(".pdf").name])
    [(title, message)] = [t for t in told if t[0].startswith("Feedback sheet")]
    assert title == "Feedback sheet written"
    assert str(md) in message and str(page) in message


async def test_w_tells_when_the_reports_folder_cannot_be_made(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    final_with_feedback(store, registry)
    (store.root / "reports").write_text("a file in the way")
    app = make_app()
    told: list[tuple[str, str]] = []
    notify = app.notify

    def listen(message: str, **options: object) -> None:
        told.append((str(options.get("title", "")), message))
        notify(message, **options)  # type: ignore[arg-type]

    app.notify = listen  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter", "w")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)  # still there, nothing crashed
    [(title, message)] = [t for t in told if t[0].startswith("Feedback sheet")]
    assert title == "Feedback sheet not written" and str(Path(store.root / "reports")) in message


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


SUSPECT = "Mr Smith, born 12/03/1985, CRN X123456"


def draft_with_personal_data(store: Store, registry: RubricRegistry) -> str:
    """A complete SEED draft whose evidence note and a strength look like they name the person on probation."""
    loaded = registry.get("seed-one-to-one")
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=TODAY, observer="Sam", practitioner="Pat P", team="North"),
    )
    scores = {s.id: {i.id: Score(value=2) for i in s.items} for s in rubric.sections}
    scores["beginning"]["welcome"] = Score(value=3, evidence=SUSPECT)
    feedback = Feedback(strengths=[LinkedNote(text="A warm welcome."), LinkedNote(text="Asked Mrs Jones about work.")])
    return store.save_draft(obs.model_copy(update={"scores": scores, "feedback": feedback})).id


async def test_suspect_notes_are_listed_and_asked_about_before_the_sheet_and_the_final(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    from screen_text import screen_text

    from seeds_tui.tui.dialogs import ConfirmDialog

    obs_id = draft_with_personal_data(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # the draft opens on scoring
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        shown = screen_text(app)
        assert "Possible personal data of the person on probation in 2 place(s)" in shown
        assert "Beginning and set-up › " in shown and ": evidence note" in shown and "strength 2" in shown
        assert SUSPECT not in shown  # where, never what
        # Writing the sheet asks first; going back writes nothing.
        await pilot.press("w")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog) and "strength 2" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert not (store.root / "reports").exists() or not any((store.root / "reports").iterdir())
        # Finalising lists consent and the suspect notes before the usual question.
        await pilot.press("f")
        await pilot.pause()
        asked = screen_text(app)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Consent of the person on probation is not recorded" in asked and "Possible personal data: strength 2" in asked
        assert "Finalise anyway" in asked
        await pilot.press("escape")
        await pilot.pause()
        # Going on with the sheet writes it, as asked.
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")  # the safe choice has the focus: Go back
        await pilot.pause()
        assert not (store.root / "reports").exists() or not any((store.root / "reports").iterdir())
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("y")  # Write it anyway
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert list((store.root / "reports").glob(f"*{obs_id}.md"))
