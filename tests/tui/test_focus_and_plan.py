"""The focus agreed with the practitioner and their plan: typed at set-up, shown while scoring (F1),
kept editable in the session details, shown in the review step, saved in the draft."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from screen_text import screen_text
from tui_helpers import settle, type_text

from seeds_tui.core.observation import load_observation
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp


async def test_focus_and_plan_are_typed_at_set_up_shown_while_scoring_and_kept_editable(
    make_app: Callable[..., SeedsApp], store: Store
) -> None:
    from seeds_tui.tui.screens.help import HelpScreen
    from seeds_tui.tui.screens.review import ReviewScreen
    from seeds_tui.tui.screens.scoring import ScoringScreen
    from seeds_tui.tui.screens.session_form import SessionScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SessionScreen)
        assert "optional" in (form.query_one("#focus").placeholder or "")  # type: ignore[attr-defined]
        for name, text in (("observer", "Sam"), ("practitioner", "Pat P"), ("team", "North"), ("focus", "using   open questions")):
            form.query_one(f"#{name}").focus()
            await type_text(pilot, text)
        form.query_one("#plan").focus()
        await type_text(pilot, "Review the week")
        await pilot.press("enter")  # a new line in the plan, not the next field
        await type_text(pilot, "Agree one step")
        assert form.focused is form.query_one("#plan")
        await pilot.press("tab")  # Tab moves on from the plan
        assert form.focused is not form.query_one("#plan")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        session = app.session.observation.session  # type: ignore[union-attr]
        assert (session.focus, session.plan) == ("using open questions", "Review the week\nAgree one step")
        await settle(pilot)
        saved = load_observation(store.draft_path(app.session.observation.id)).session  # type: ignore[union-attr]
        assert (saved.focus, saved.plan) == ("using open questions", "Review the week\nAgree one step")

        # While scoring, F1 shows the agreed focus in its title at 80x24 (the flow fills the box),
        # and both focus and plan under the flow.
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        assert "Keys · agreed focus: using open questions" in shown and "5 Later:" in shown
        await pilot.press("pagedown")
        for _ in range(40):  # the scroll lands a few frames on
            await pilot.pause(0.025)
            if "Agreed with the practitioner" in (shown := screen_text(app)):
                break
        assert "Agreed with the practitioner" in shown
        assert "Plan   Review the week / Agree one step" in shown
        await pilot.press("escape")
        await pilot.pause()

        # The session details keep them, prefilled and editable.
        await app.run_action("app.edit_details")
        await pilot.pause()
        edit = app.screen
        assert isinstance(edit, SessionScreen) and edit.edit is not None
        assert edit.query_one("#focus").value == "using open questions"  # type: ignore[attr-defined]
        assert edit.query_one("#plan").text == "Review the week\nAgree one step"  # type: ignore[attr-defined]
        edit.query_one("#focus").value = ""  # type: ignore[attr-defined]
        edit.query_one("#focus").focus()
        await type_text(pilot, "reflections")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert app.session.observation.session.focus == "reflections"  # type: ignore[union-attr]

        # The review step shows both, as the sheet words them.
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        summary = str(app.screen.query_one("#summary").render())
        assert "Agreed focus: reflections" in summary
        assert "Practitioner's plan: Review the week\n  Agree one step" in summary


async def test_a_plan_that_looks_personal_is_warned_about_and_listed(make_app: Callable[..., SeedsApp]) -> None:
    from seeds_tui.core.privacy import suspect_notes

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        for name, text in (("observer", "Sam"), ("practitioner", "Pat P"), ("team", "North")):
            form.query_one(f"#{name}").focus()
            await type_text(pilot, text)
        form.query_one("#plan").focus()
        await type_text(pilot, "Ask Mr Smith about CRN X123456")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any(n.title == "Personal data?" for n in app._notifications)
        session = app.session  # type: ignore[union-attr]
        places = [where for where, _ in suspect_notes(session.observation, session.rubric)]
        assert places == ["practitioner's plan"]
