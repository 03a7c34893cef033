"""Pilot tests of the questionnaire people on probation fill in (home key q), in the real app at 80x24:
staff set it up, the person answers one statement at a time with keys, sees a neutral thank-you,
and a file with the month only (and no practitioner unless chosen) is kept; the Team summary's
Voice tab then shows the answers."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from screen_text import screen_text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Tabs
from tui_helpers import TODAY, finalised, type_text

from seeds_tui.core.questionnaire import bundled_questionnaire_dir, load_questionnaire
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage import responses as R
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.screens.home import HomeScreen
from seeds_tui.tui.screens.team_summary import TeamSummaryScreen
from seeds_tui.tui.screens.voice import VoiceFormScreen, VoiceSetupScreen, VoiceThanksScreen
from seeds_tui.tui.widgets.text import NoteArea

SIZE = (80, 24)


async def settle(app: SeedsApp, pilot: Pilot) -> None:
    for _ in range(6):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def set_up(app: SeedsApp, pilot: Pilot, team: str, practitioner: str = "") -> VoiceFormScreen:
    """Staff: q on the home screen, the team (and the practitioner), Ctrl+S."""
    await settle(app, pilot)
    assert isinstance(app.screen, HomeScreen)
    await pilot.press("q")
    await pilot.pause()
    assert isinstance(app.screen, VoiceSetupScreen)
    text = words(app)
    assert "never a name or a case reference" in text and "optional" in text
    await type_text(pilot, team)
    if practitioner:
        app.screen.query_one("#voice-practitioner", Input).focus()
        await type_text(pilot, practitioner)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, VoiceFormScreen), app.screen
    return app.screen


def words(app: SeedsApp) -> str:
    """The screen's text with line breaks and runs of spaces as one space (wrapped lines read on)."""
    return " ".join(screen_text(app).split())


def kept(store: Store) -> list[dict]:
    return [tomllib.loads(p.read_text()) for p in sorted((store.root / "responses").glob("*.toml"))]


async def test_a_person_answers_with_number_keys_and_sees_a_neutral_thank_you(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await set_up(app, pilot, "Riverside")
        statements = form.questionnaire.statements
        text = words(app)
        # One statement at a time, all six choices and the keys on the screen at 80x24.
        assert statements[0].text in text and statements[1].text not in text
        assert f"Question 1 of {len(statements)}" in text
        for label in ("1 Strongly disagree", "5 Strongly agree", "0 Prefer not to say", "Press a number"):
            assert label in text, label
        assert "Riverside" not in text  # nothing of the set-up shows to the person
        # No command palette while the person holds the laptop: nothing of the store is reachable.
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, VoiceFormScreen) and "palette" not in words(app)
        await pilot.press("4")
        await pilot.pause()
        text = words(app)
        assert statements[1].text in text and "you said: Agree" in text
        # Esc goes back one statement; the answer given is kept highlighted and can be changed.
        await pilot.press("escape")
        await pilot.pause()
        assert statements[0].text in words(app)
        await pilot.press("5")  # changed from Agree to Strongly agree
        await pilot.press("0")  # prefer not to say
        await pilot.press("down", "down", "down", "enter")  # the arrows: the third choice
        for _ in statements[3:]:
            await pilot.press("2")
        await pilot.pause()
        text = words(app)
        assert "Last step" in text and "You can leave it empty" in text and "Send my answers" in text
        assert app.screen.focused is app.screen.query_one("#voice-comment", NoteArea)
        await type_text(pilot, "I was listened to")
        await pilot.press("tab", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VoiceThanksScreen)
        text = words(app)
        assert "Thank you." in text and "hand the laptop back" in text
        assert not any(word in text for word in ("Agree", "Strongly", "Riverside", "listened", *[s.text for s in statements]))
    (response,) = kept(store)
    ids = [s.id for s in statements]
    assert response["answers"] == {ids[0]: 5, ids[1]: "prefer-not-to-say", ids[2]: 3, **{i: 2 for i in ids[3:]}}
    assert response["month"] == f"{TODAY:%Y-%m}" and response["team"] == "Riverside"
    assert "practitioner" not in response and response["comment"] == "I was listened to"
    assert not any(key in response for key in ("date", "name", "case", "created"))
    path = next((store.root / "responses").glob("*.toml"))
    assert datetime.fromtimestamp(path.stat().st_mtime, UTC).day == 1  # not even the file's time gives the day


async def test_the_practitioner_is_kept_only_when_staff_choose_it(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await set_up(app, pilot, "Westgate", practitioner="Sam Patel")
        for _ in form.questionnaire.statements:
            await pilot.press("3")
        await pilot.pause()
        assert "Sam Patel" not in words(app)
        await pilot.press("tab", "enter")  # no comment
        await settle(app, pilot)
        assert isinstance(app.screen, VoiceThanksScreen)
        # The next person: n, the same set-up, a fresh form with nothing of the last answers.
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, VoiceFormScreen) and app.screen.answers == {}
        assert "Question 1 of" in words(app) and "you said" not in words(app)
        # Esc once on the first statement only asks; Esc again stops without sending.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, VoiceFormScreen) and "Press Esc again" in words(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, VoiceThanksScreen) and "Nothing was sent." in words(app)
        await pilot.press("escape")  # staff: back to the home screen
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    (response,) = kept(store)
    assert response["practitioner"] == "Sam Patel" and response["team"] == "Westgate" and "comment" not in response


async def test_a_comment_with_a_name_is_asked_again_and_not_sent(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await set_up(app, pilot, "Riverside")
        for _ in form.questionnaire.statements:
            await pilot.press("4")
        await type_text(pilot, "Mr Smith was kind")
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert isinstance(app.screen, VoiceFormScreen)
        text = words(app)
        assert "looks like it has a name" in text and "my officer" in text
        assert not (store.root / "responses").exists() or kept(store) == []
        comment = app.screen.query_one("#voice-comment", NoteArea)
        assert app.screen.focused is comment
        comment.clear()
        await type_text(pilot, "My officer was kind")
        await pilot.press("tab", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VoiceThanksScreen)
    (response,) = kept(store)
    assert response["comment"] == "My officer was kind" and response["comment_flagged"] is False


async def test_staff_must_give_a_team_before_the_form_opens(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, VoiceSetupScreen)
        assert app.screen.focused is app.screen.query_one("#voice-team", Input)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_the_team_summary_voice_tab_shows_the_answers(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry, tmp_path: Path
) -> None:
    for who in ("Ann A", "Ben B", "Cat C", "Dan D", "Eve E"):
        finalised(store, registry, practitioner=who)  # team North, this quarter
    q = load_questionnaire(bundled_questionnaire_dir() / "voice-of-people-on-probation.toml")
    month = f"{TODAY:%Y-%m}"
    for value, who in zip([5, 4, 4, 2, 5, "prefer-not-to-say"], ["Ann A", "Ben B", "Cat C", "Dan D", "Eve E", "Fay F"], strict=True):
        R.add_response(store, R.new_response(q, month=month, team="North", answers={"listened": value}, practitioner=who))
    for who in ("Gus G", "Hal H", "Ivy I", "Jon J", "Kit K"):
        R.add_response(store, R.new_response(q, month=month, team="East", answers={"listened": 3}, practitioner=who))
    for n in range(5):
        R.add_response(store, R.new_response(q, month=month, team="South", answers={"listened": 1}, comment=f"Fine {n}"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TeamSummaryScreen)
        screen.query_one("#ts-views", Tabs).active = "view-voice"
        await settle(app, pilot)
        assert screen.view == "voice"
        table = screen.query_one("#ts-table", DataTable)
        rows = [[c.plain for c in table.get_row_at(n)] for n in range(table.row_count)]
        north = next(r for r in rows if r[0] == "North" and "listened" in r)
        assert "6" in north and "80.0" in north  # six people; four of the five who gave a point agree
        # South's answers rest on no practitioner (none named, none observed): hidden, and East with it
        # (the smaller of the others), so All teams less North is never South alone.
        for team in ("South", "East"):
            hidden = [r for r in rows if r[0] == team]
            assert len(hidden) == 1 and "—" in hidden[0], team
        every = next(r for r in rows if r[0] == "All teams" and "listened" in r)
        assert "16" in every
        text = words(app)
        assert not any(name in text for name in ("Ann A", "Gus G", "Fine"))  # never a practitioner or a comment
        assert "observed practice in the same period" in text and "press t" in text
        await pilot.press("t")  # the observed-practice table of the same period
        await settle(app, pilot)
        assert "observed practice in the same period" in words(app)
        assert {c.plain for n in range(table.row_count) for c in table.get_row_at(n)} >= {"relationship", "structuring"}
