"""The whole observation from set-up to the final file, for each bundled rubric.

One rubric (the MI-informed one: it has global ratings and tallies, so every part of the screens
is used) is driven through the full keyboard walk-through; the other two get the same scores,
notes and feedback through the session controller (what each key calls) and are finalised from
the review screen by keyboard. Every assertion on the final file is the same for all three.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tui_helpers import BUNDLED, FROZEN, FakeClock, set_up, type_text

from seeds_tui.core.observation import Action, load_observation
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.screens.after import AfterScreen
from seeds_tui.tui.screens.review import ReviewScreen

KEYBOARD = "mi-informed-conversation"
SESSION_SECONDS = 2400
FEEDBACK_SECONDS = 900


@pytest.mark.parametrize("rubric_id", BUNDLED)
async def test_full_observation_to_final_file(rubric_id: str, make_app: Callable[..., SeedsApp], store: Store, clock: FakeClock) -> None:
    if rubric_id != KEYBOARD:
        await _through_the_controller(rubric_id, make_app, store, clock)
        return
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await set_up(pilot, rubric_id, by_keyboard=True)
        session = app.session
        assert session is not None
        rubric = session.rubric
        expected: dict[str, dict[str, object]] = {}
        for s_index, section in enumerate(rubric.sections):
            for i_index, item in enumerate(section.items):
                values = rubric.scale_of(item).values
                choice = (s_index + i_index) % (len(values) + 2)
                if choice == len(values):
                    await pilot.press("a")
                    expected.setdefault(section.id, {})[item.id] = "NA"
                elif choice == len(values) + 1:
                    await pilot.press("o")
                    expected.setdefault(section.id, {})[item.id] = "NO"
                else:
                    await pilot.press(str(values[choice]))
                    expected.setdefault(section.id, {})[item.id] = values[choice]
                if i_index == 0:
                    await pilot.press("e")
                    await type_text(pilot, f"ev {s_index}")
                    await pilot.press("escape")
                await pilot.press("down")
            if rubric.counters and s_index == 0:
                await pilot.press(rubric.counters[0].key, rubric.counters[0].key)
            clock.now += SESSION_SECONDS / len(rubric.sections)
            await pilot.press("n")
            await pilot.pause()
        assert isinstance(app.screen, AfterScreen)
        clock.now += 120  # rating privately: neither the session's time nor the feedback's
        if rubric.globals:
            for g in rubric.globals:
                await pilot.press(str(rubric.scale_of(g).values[-1]), "down")
            await pilot.press("tab")  # the conversation starts: the date it was held on (today, filled in)
        await pilot.press("tab")
        clock.now += FEEDBACK_SECONDS
        await type_text(pilot, "I felt ok")
        await pilot.press("tab", "enter")  # strengths: + Add
        await pilot.pause()
        await type_text(pilot, "Agenda")
        await pilot.press("tab", "enter", "down", "enter")  # link the first item
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("tab", "enter")  # development areas: + Add
        await pilot.pause()
        await type_text(pilot, "Reflect")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("tab")  # the observer's summary
        await type_text(pilot, "Warm")
        await pilot.press("tab", "enter")  # actions: + Add
        await pilot.pause()
        await type_text(pilot, "Practise")
        await pilot.press("tab", "tab")
        await type_text(pilot, "2027-01-15")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("tab")
        await type_text(pilot, "Useful")
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("enter")  # "Finalise" is focused in the confirmation
        await app.workers.wait_for_complete()
        await pilot.pause()
        _check_final(app, session, store, expected)


def _expected(rubric) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    """The score each item gets: levels in turn, with NA and NO among them (as the keyboard walk gives them)."""
    expected: dict[str, dict[str, object]] = {}
    for s_index, section in enumerate(rubric.sections):
        for i_index, item in enumerate(section.items):
            values = rubric.scale_of(item).values
            choice = (s_index + i_index) % (len(values) + 2)
            want: object = "NA" if choice == len(values) else "NO" if choice == len(values) + 1 else values[choice]
            expected.setdefault(section.id, {})[item.id] = want
    return expected


async def _through_the_controller(rubric_id: str, make_app: Callable[..., SeedsApp], store: Store, clock: FakeClock) -> None:
    """Set-up by keyboard, then what each scoring and feedback key calls, then finalise by keyboard."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await set_up(pilot, rubric_id, by_keyboard=True)
        session = app.session
        assert session is not None
        rubric = session.rubric
        expected = _expected(rubric)
        for s_index, section in enumerate(rubric.sections):
            for i_index, item in enumerate(section.items):
                want = expected[section.id][item.id]
                if want in ("NA", "NO"):
                    session.set_code(section.id, item.id, want)  # type: ignore[arg-type]
                else:
                    session.set_level(section.id, item.id, want)  # type: ignore[arg-type]
                if i_index == 0:
                    session.set_evidence(section.id, item.id, f"ev {s_index}")
        if rubric.counters:
            session.tap_counter(rubric.counters[0].id)
            session.tap_counter(rubric.counters[0].id)
        clock.now += SESSION_SECONDS
        session.end_session()  # F3 from scoring does this
        clock.now += 120
        for g in rubric.globals:
            session.set_global(g, rubric.scale_of(g).values[-1])
        session.start_feedback()  # the conversation starts
        clock.now += FEEDBACK_SECONDS
        session.set_feedback(self_assessment="I felt ok", summary="Warm", practitioner_comment="Useful")
        session.add_linked("strengths", "Agenda", rubric.item_keys[0])
        session.add_linked("development_areas", "Reflect", None)
        from datetime import date

        session.add_action(Action(text="Practise", owner="Pat P", review_date=date(2027, 1, 15)))
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        _check_final(app, session, store, expected)


def _check_final(app: SeedsApp, session, store: Store, expected: dict[str, dict[str, object]]) -> None:  # type: ignore[no-untyped-def]
    rubric = session.rubric
    obs_id = session.observation.id
    assert session.mode == "final"
    assert not store.draft_path(obs_id).exists()
    final = load_observation(store.final_path(obs_id))
    assert final.status == "final"
    assert final.session.practitioner == "Pat P"
    assert final.session.team == "North"
    for section_id, items in expected.items():
        for item_id, want in items.items():
            score = final.scores[section_id][item_id]
            if want in ("NA", "NO"):
                assert score.code == want and score.value is None
            else:
                assert score.value == want and score.code is None
        first = rubric.section(section_id).items[0].id
        assert final.scores[section_id][first].evidence == f"ev {rubric.sections.index(rubric.section(section_id))}"
    if rubric.globals:
        assert final.globals == {g.id: rubric.scale_of(g).values[-1] for g in rubric.globals}
    if rubric.counters:
        assert final.counters == {rubric.counters[0].id: 2}
    fb = final.feedback
    assert fb.self_assessment == "I felt ok"
    assert [(n.text, n.item) for n in fb.strengths] == [("Agenda", rubric.item_keys[0])]
    assert [n.text for n in fb.development_areas] == ["Reflect"]
    assert [(a.text, a.owner, a.review_date.isoformat() if a.review_date else None) for a in fb.actions] == [
        ("Practise", "Pat P", "2027-01-15")
    ]
    assert fb.practitioner_comment == "Useful"
    assert fb.summary == "Warm"
    # The session clock measured the session only; the feedback conversation has its own time and date.
    assert final.session.elapsed == SESSION_SECONDS
    assert final.session.ended is not None and final.session.running_since is None
    assert fb.elapsed == FEEDBACK_SECONDS and fb.date == FROZEN.date()
    # The review says where the file is.
    assert str(store.final_path(obs_id)) in str(app.screen.query_one("#summary").render())
