"""Fixes from the new-user trial: safe default buttons, typed text in the draft, early keys, list ends, read-only finals…"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from screen_text import screen_text
from textual import events
from textual.widgets import Button, Input
from tui_helpers import FROZEN, TODAY, finalised, set_up, settle, type_text

from seeds_tui.core.observation import RubricRef, Session, load_observation, new_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.render.sheet import render_html, render_markdown
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.dialogs import ConfirmDialog, TextEntryDialog
from seeds_tui.tui.dialogs.feedback import ActionDialog
from seeds_tui.tui.screens.after import AfterScreen
from seeds_tui.tui.screens.home import HomeScreen
from seeds_tui.tui.screens.review import ReviewScreen
from seeds_tui.tui.screens.scoring import ScoringScreen
from seeds_tui.tui.screens.session_form import SessionScreen


async def _draft_on_home(pilot, app: SeedsApp) -> str:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await set_up(pilot, "seed-one-to-one")
    await pilot.press("2")
    obs_id = app.session.observation.id  # type: ignore[union-attr]
    await pilot.press("escape")  # save and go home
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)
    return obs_id


async def test_d_then_enter_on_home_keeps_the_draft(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app(offer_resume=False)
    async with app.run_test(size=(80, 24)) as pilot:
        obs_id = await _draft_on_home(pilot, app)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert isinstance(app.screen.focused, Button) and app.screen.focused.id == "no"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert store.draft_path(obs_id).exists()


async def test_destructive_confirm_focuses_the_safe_button(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app(offer_resume=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ConfirmDialog("Quit without saving?", "lose them?", yes="Quit and lose changes", no="Stay", yes_variant="error"))
        await pilot.pause()
        assert app.screen.focused is not None and app.screen.focused.id == "no"
        app.pop_screen()
        app.push_screen(ConfirmDialog("Resume?", "Resume it now?", yes="Resume", no="Not now"))
        await pilot.pause()
        assert app.screen.focused is not None and app.screen.focused.id == "yes"


async def test_evidence_being_typed_is_in_the_draft_before_done(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("2", "e")
        await type_text(pilot, "asked about work")
        await settle(pilot)
        assert isinstance(app.screen, TextEntryDialog)  # still typing
        obs_id = app.session.observation.id  # type: ignore[union-attr]
        on_disk = load_observation(store.draft_path(obs_id))
        assert on_disk.scores["beginning"]["welcome"].evidence == "asked about work"
        assert app.session.state == "saved"  # type: ignore[union-attr]
        # Cancel puts the note back as it was.
        await pilot.press("tab", "tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScoringScreen)
    assert load_observation(store.draft_path(obs_id)).scores["beginning"]["welcome"].evidence == ""


async def test_mark_text_being_typed_is_in_the_draft(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("m", "x")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await type_text(pilot, "silence")
        await settle(pilot)
        assert isinstance(app.screen, TextEntryDialog)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
    assert load_observation(store.draft_path(obs_id)).events[0].text == "silence"


async def test_keys_sent_with_the_opening_key_reach_the_note(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        for key in "exyz":
            app.post_message(events.Key(key, key))
        await settle(pilot)
        assert isinstance(app.screen, TextEntryDialog)
        assert app.screen.query_one("#entry").text == "xyz"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
    assert load_observation(store.draft_path(obs_id)).scores["beginning"]["welcome"].evidence == "xyz"


async def test_item_list_stops_at_the_ends(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        rubric = app.session.rubric  # type: ignore[union-attr]
        first = rubric.sections[0]
        await pilot.press("k", "1")  # at the first item: stays there
        for _ in range(len(first.items) + 2):
            await pilot.press("j")
        await pilot.press("0")  # at the last item: stays there
        await settle(pilot)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
    scores = load_observation(store.draft_path(obs_id)).scores[first.id]
    assert scores[first.items[0].id].value == 1
    assert scores[first.items[-1].id].value == 0
    assert len(scores) == 2


async def test_final_opened_read_only_shows_no_editing_keys(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    finalised(store, registry)
    app = make_app(offer_resume=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("enter")  # the final observation, read-only review
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        text = screen_text(app)
    footer = text.rstrip("\n").splitlines()[-1]
    for editing in ("Note", "Level", "NA", "Mark"):
        assert editing not in footer, editing
    for hint in ("e to write", "Tab to write", "u undo"):
        assert hint not in text, hint
    assert "read-only" in text


async def test_session_details_can_be_changed_after_scoring_started(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")  # consent not ticked
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.query_one("#practitioner", Input).value == "Pat P"
        app.screen.query_one("#consent").focus()
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "consent recorded" in screen_text(app)
        # The same form from the command palette, on the scoring screen.
        await pilot.press("f2", "ctrl+p")
        await type_text(pilot, "edit session details")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        app.screen.query_one("#team", Input).value = "South"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ScoringScreen)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
    saved = load_observation(store.draft_path(obs_id))
    assert saved.session.consent_recorded is True
    assert saved.session.team == "South"
    assert saved.rubric.id == "seed-one-to-one"


async def test_consent_box_is_empty_until_ticked(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)

        def consent_line() -> str:
            return next(line for line in screen_text(app).splitlines() if "consent of the person" in line)

        assert "X" not in consent_line()
        app.screen.query_one("#consent").focus()
        await pilot.press("space")
        await pilot.pause()
        assert "X" in consent_line()


async def test_session_form_errors_go_as_fields_are_fixed(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        screen.query_one("#date", Input).value = "31/11/2026"  # November has 30 days
        await pilot.press("ctrl+s")
        await pilot.pause()
        errors = str(screen.query_one("#session-errors").render())
        assert "Date" in errors and "Practitioner" in errors
        assert screen.focused is screen.query_one("#date")
        await pilot.press("ctrl+u")  # clear the date field
        await type_text(pilot, "2026-11-23")
        await pilot.pause()
        errors = str(screen.query_one("#session-errors").render())
        assert "Date" not in errors and "Practitioner" in errors


async def test_escape_keeps_a_strength_and_typing_reaches_the_draft(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("f3")
        await pilot.pause()
        app.screen.query_one("#strengths").focus()
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "Clear agenda")
        await settle(pilot)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
        assert [n.text for n in load_observation(store.draft_path(obs_id)).feedback.strengths] == ["Clear agenda"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AfterScreen)
    assert [n.text for n in load_observation(store.draft_path(obs_id)).feedback.strengths] == ["Clear agenda"]


async def test_action_review_date_before_the_session_is_refused(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("f3")
        await pilot.pause()
        app.screen.query_one("#actions").focus()
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "Call the hostel")
        await pilot.press("tab", "tab")
        await type_text(pilot, "2026-11-01")  # before the session (2026-11-23)
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        assert dialog.focused is dialog.query_one("#review")
        await pilot.press("escape")  # incomplete: asks, with Keep editing focused
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.screen.focused is not None and app.screen.focused.id == "no"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        dialog.query_one("#review", Input).value = "2026-12-01"
        await pilot.press("escape")  # complete now: Esc keeps it
        await settle(pilot)
        assert isinstance(app.screen, AfterScreen)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
    actions = load_observation(store.draft_path(obs_id)).feedback.actions
    assert [(a.text, a.review_date.isoformat() if a.review_date else None) for a in actions] == [("Call the hostel", "2026-12-01")]


async def test_an_action_links_the_item_it_addresses(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("f3")
        await pilot.pause()
        app.screen.query_one("#actions").focus()
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "Agree an agenda first")
        await pilot.press("tab", "tab", "tab")
        dialog = app.screen
        assert isinstance(dialog, ActionDialog) and dialog.focused is dialog.query_one("#link")
        await pilot.press("enter")  # open the list of items
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # past "No linked item" to the second item
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AfterScreen)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
        rubric = app.session.rubric  # type: ignore[union-attr]
    [action] = load_observation(store.draft_path(obs_id)).feedback.actions
    first = rubric.sections[0]
    assert (action.text, action.item) == ("Agree an agenda first", f"{first.id}.{first.items[1].id}")


async def test_resume_opens_where_scoring_stopped(make_app: Callable[..., SeedsApp], clock) -> None:  # type: ignore[no-untyped-def]
    app = make_app(offer_resume=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("2")
        clock.now = 30.0
        await pilot.press("n", "j", "1")  # §2, second item
        clock.now = 40.0
        await pilot.press("escape")  # save and go home
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert (app.session.section_index, app.session.item_index) == (1, 1)  # type: ignore[union-attr]
        assert app.screen.query_one("#items").highlighted == 1  # type: ignore[attr-defined]


async def test_detail_pane_starts_at_the_top_of_each_item(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        detail = app.screen.query_one("#item-detail")
        await pilot.press("shift+down")
        await pilot.pause()
        assert detail.scroll_y > 0
        await pilot.press("j")
        await pilot.pause()
        assert detail.scroll_y == 0
        await pilot.press("shift+down", "n")
        await pilot.pause()
        assert detail.scroll_y == 0


def test_feedback_sheet_has_the_tallies_and_indicators(registry: RubricRegistry) -> None:
    loaded = registry.get("mi-informed-conversation")
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=TODAY, observer="Sam", practitioner="Pat P", team="North"),
    )
    obs = obs.model_copy(
        update={
            "counters": {"open_question": 3, "closed_question": 1, "simple_reflection": 2, "complex_reflection": 2},
            "globals": {"partnership": 3, "empathy": 2},
        }
    )
    for text in (render_markdown(obs, rubric), render_html(obs, rubric)):
        assert "Tallies and indicators" in text
        assert "Open question" in text and "Complex reflection" in text
        assert "50%" in text  # complex reflections: 2 of 4 reflections
        assert "1.00" in text  # reflections per question: 4 / 4
        assert "2.50" in text  # relational: mean of 3 and 2


async def test_home_says_how_many_finals_it_hides_and_search_finds_older_ones(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from seeds_tui.core.observation import Score
    from seeds_tui.tui.screens import home

    monkeypatch.setattr(home, "HOME_LIMIT", 3)
    loaded = registry.get("seed-one-to-one")
    rubric = loaded.rubric
    for n, name in enumerate(["Old Olive", "Bo B", "Cy C", "Di D", "Ed E"]):
        obs = new_observation(
            rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
            session=Session(date=TODAY, observer="Sam", practitioner=name, team="North"),
            when=FROZEN + timedelta(minutes=n),
        )
        obs = store.save_draft(obs.model_copy(update={"scores": {s.id: {i.id: Score(value=2) for i in s.items} for s in rubric.sections}}))
        store.finalise(obs, rubric)
    app = make_app(offer_resume=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "showing the newest 3 of 5 final observations" in text
        assert "Old Olive" not in text
        await pilot.press("slash")
        await type_text(pilot, "olive")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "Old Olive" in text and "Ed E" not in text
        assert "1 found" in text
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "showing the newest 3 of 5" in screen_text(app)


async def test_keys_sent_with_enter_reach_the_note(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        app.post_message(events.Key("enter", "\r"))
        for key in "ok":
            app.post_message(events.Key(key, key))
        await settle(pilot)
        assert isinstance(app.screen, TextEntryDialog)
        assert app.screen.query_one("#entry").text == "ok"  # type: ignore[attr-defined]


async def test_global_ratings_list_stops_at_the_ends(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await set_up(pilot, "mi-informed-conversation")
        await pilot.press("f3")
        await pilot.pause()
        ratings = app.session.rubric.globals  # type: ignore[union-attr]
        await pilot.press("k", "3")
        for _ in range(len(ratings) + 2):
            await pilot.press("j")
        await pilot.press("1")
        await settle(pilot)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
    saved = load_observation(store.draft_path(obs_id)).globals
    assert saved == {ratings[0].id: 3, ratings[-1].id: 1}


async def test_dates_are_typed_and_shown_the_uk_way(make_app: Callable[..., SeedsApp], store: Store) -> None:
    """An SPO types 03/12/2026 as they write it; the form shows today that way; ISO still works."""
    app = make_app()
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert screen.query_one("#date", Input).value == TODAY.strftime("%d/%m/%Y")
        screen.query_one("#date", Input).value = "3/11/2026"
        for field, value in (("observer", "Sam"), ("practitioner", "Pat P"), ("team", "North")):
            screen.query_one(f"#{field}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ScoringScreen)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
        await pilot.press("f3")
        await pilot.pause()
        app.screen.query_one("#actions").focus()
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "Call the hostel")
        await pilot.press("tab", "tab")
        await type_text(pilot, "01/11/2026")  # before the session: said the UK way
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        assert "01/11/2026 is before the session (03/11/2026)" in dialog.read()[1]  # what the warning says
        dialog.query_one("#review", Input).value = "15/12/2026"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AfterScreen)
    obs = load_observation(store.draft_path(obs_id))
    assert obs.session.date.isoformat() == "2026-11-03"  # the file keeps ISO dates
    assert [a.review_date.isoformat() for a in obs.feedback.actions if a.review_date] == ["2026-12-15"]


def _known_practitioner(store: Store) -> None:
    """A final observation of "Pat Practitioner" in team North, with an action agreed."""
    from seeds_tui.core.observation import Action, Feedback

    feedback = Feedback(actions=[Action(text="Open with a shared agenda.")])
    finalised(store, RubricRegistry.default(), practitioner="Pat Practitioner", when=TODAY - timedelta(days=30), feedback=feedback)


@pytest.mark.parametrize("answer", ["use", "keep"])
async def test_a_first_name_typed_fast_asks_did_you_mean_the_known_practitioner(
    make_app: Callable[..., SeedsApp], store: Store, answer: str
) -> None:
    _known_practitioner(store)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        for field, value in (("observer", "Sam"), ("practitioner", "pat"), ("team", "North")):
            screen.query_one(f"#{field}", Input).value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        asked = screen_text(app)
        assert "A new practitioner?" in asked and "Did you mean" in asked and "“Pat Practitioner”? Their earlier" in asked
        if answer == "use":
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, ScoringScreen)
            obs = app.session.observation  # type: ignore[union-attr]
            assert obs.session.practitioner == "Pat Practitioner"
            assert [c.text for c in obs.feedback.carried] == ["Open with a shared agenda."]  # their record, not a new one
        else:
            await pilot.press("escape")  # back to the form, the name field focused
            await pilot.pause()
            assert app.screen is screen and screen.focused is screen.query_one("#practitioner")
            await pilot.press("ctrl+s")  # asked once: now it is a new practitioner
            await settle(pilot)
            assert isinstance(app.screen, ScoringScreen)
            assert app.session.observation.session.practitioner == "pat"  # type: ignore[union-attr]


async def test_delete_on_a_strength_or_action_can_be_put_back_with_u(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        session = app.session
        assert session is not None
        from seeds_tui.core.observation import Action

        session.add_linked("strengths", "A warm welcome.", None)
        session.add_linked("strengths", "Clear about the licence.", None)
        session.add_action(Action(text="Call the hostel"))
        await pilot.press("f3")
        await settle(pilot)
        strengths = app.screen.query_one("#strengths")
        strengths.focus()
        await pilot.pause()
        strengths.highlighted = 0  # type: ignore[attr-defined]
        await pilot.press("delete")
        await pilot.pause()
        assert [n.text for n in session.observation.feedback.strengths] == ["Clear about the licence."]
        await pilot.press("u")
        await pilot.pause()
        assert [n.text for n in session.observation.feedback.strengths] == ["A warm welcome.", "Clear about the licence."]
        actions = app.screen.query_one("#actions")
        actions.focus()
        await pilot.pause()
        actions.highlighted = 0  # type: ignore[attr-defined]
        await pilot.press("delete")
        await pilot.pause()
        assert session.observation.feedback.actions == []
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert [a.text for a in session.observation.feedback.actions] == ["Call the hostel"]
        await pilot.press("u")  # nothing more to put back: nothing changes
        await pilot.pause()
        assert [a.text for a in session.observation.feedback.actions] == ["Call the hostel"]
        obs_id = session.observation.id
    saved = load_observation(store.draft_path(obs_id)).feedback
    assert [n.text for n in saved.strengths] == ["A warm welcome.", "Clear about the licence."] and len(saved.actions) == 1


async def test_esc_on_the_set_up_form_asks_before_throwing_typed_details_away(make_app: Callable[..., SeedsApp]) -> None:
    from seeds_tui.tui.screens.rubric import RubricScreen

    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("escape")  # nothing typed: straight back
        await pilot.pause()
        assert isinstance(app.screen, RubricScreen)
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SessionScreen)
        form.query_one("#practitioner", Input).value = "Pat Practitioner"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "Leave without saving these details?" in screen_text(app)
        await pilot.press("enter")  # the safe choice has the focus: Keep editing
        await pilot.pause()
        assert app.screen is form and form.query_one("#practitioner", Input).value == "Pat Practitioner"
        await pilot.press("escape", "y")  # Leave
        await pilot.pause()
        assert isinstance(app.screen, RubricScreen)
