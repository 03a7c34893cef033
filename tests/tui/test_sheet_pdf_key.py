"""``w`` on the review screen writes the feedback sheet as a PDF too, beside the Markdown and HTML.

The PDF's layout and text are tested in tests/test_report_pdf.py; here: the app writes it, owner-only,
and its pages (rendered by pypdfium2) hold the sheet of the observation on screen.
"""

from __future__ import annotations

import stat
from collections.abc import Callable

import pypdfium2 as pdfium
from tui_helpers import TODAY

from seeds_tui.core.observation import Feedback, LinkedNote, RubricRef, Score, Session, new_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.screens.review import ReviewScreen


async def test_w_writes_the_sheet_as_a_pdf_as_well(make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry) -> None:
    loaded = registry.get("seed-one-to-one")
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=TODAY, observer="Sam", practitioner="Siân Llŷr", team="North", case_reference="A7-042"),
    )
    scores = {s.id: {i.id: Score(value=2) for i in s.items} for s in rubric.sections}
    feedback = Feedback(strengths=[LinkedNote(text="A warm welcome.", item="beginning.welcome")])
    final, _ = store.finalise(store.save_draft(obs.model_copy(update={"scores": scores, "feedback": feedback})), rubric)
    app = make_app()
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
    [pdf] = (store.root / "reports").glob(f"*-{final.id}.pdf")
    assert pdf.is_file() and stat.S_IMODE(pdf.stat().st_mode) == 0o600
    document = pdfium.PdfDocument(pdf.read_bytes())
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    assert "Siân Llŷr" in text and "A warm welcome." in text and "Beginning and set-up" in text
    assert "A7-042" not in text
    assert pdf.name.startswith(final.session.date.isoformat()) and "-sian-llyr" in pdf.name  # the practitioner, in ASCII
    assert pdf.with_suffix(".md").is_file() and pdf.with_suffix(".html").is_file()
