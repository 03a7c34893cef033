"""Helpers for the app's pilot tests: frozen dates and clocks, typing, set-up, a finalised observation."""

from __future__ import annotations

from datetime import UTC, date, datetime

from textual.pilot import Pilot

from seeds_tui.core.observation import Feedback, RubricRef, Score, Session, new_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store

TODAY = date(2026, 11, 23)
FROZEN = datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC)
BUNDLED = ["seed-one-to-one", "jersey-interview-skills", "mi-informed-conversation"]


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def type_text(pilot: Pilot, text: str) -> None:
    """Type text key by key (as a user would)."""
    keys = []
    for char in text:
        keys.append(
            {" ": "space", "[": "left_square_bracket", "]": "right_square_bracket", "/": "slash", "-": "minus", ".": "full_stop"}.get(
                char, char
            )
        )
    await pilot.press(*keys)


async def set_up(
    pilot: Pilot,
    rubric_id: str,
    *,
    practitioner: str = "Pat P",
    team: str = "North",
    observer: str = "Sam",
    by_keyboard: bool = False,
) -> None:
    """From the home screen, start scoring a new observation of ``rubric_id``.

    ``by_keyboard``: as a user does it (n, choose the rubric, type the session details, Ctrl+S);
    otherwise through what Ctrl+S on the form calls (``start_observation``), for tests about what
    comes after. The keyboard set-up itself is tested by the flow, snapshot, burst and pty tests.
    """
    from seeds_tui.tui.screens.rubric import RubricScreen
    from seeds_tui.tui.screens.scoring import ScoringScreen
    from seeds_tui.tui.screens.session_form import SessionScreen

    app = pilot.app
    if not by_keyboard:
        from seeds_tui.core.observation import Session

        await pilot.pause()
        seeds = app  # the SeedsApp (typed loosely here: tests import this module before the app)
        session = Session(date=seeds.current_date, observer=observer, practitioner=practitioner, team=team)  # type: ignore[attr-defined]
        seeds.start_observation(seeds.registry.get(rubric_id), session)  # type: ignore[attr-defined]
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen), app.screen
        return
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, RubricScreen)
    ids = [r.rubric.id for r in app.screen.rubrics]
    for _ in range(ids.index(rubric_id)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, SessionScreen)
    # Date is prefilled with today; observer may be remembered.
    observer_input = app.screen.query_one("#observer")
    if not observer_input.value:  # type: ignore[attr-defined]
        observer_input.focus()
        await type_text(pilot, observer)
    app.screen.query_one("#practitioner").focus()
    await type_text(pilot, practitioner)
    await pilot.press("tab")
    await type_text(pilot, team)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, ScoringScreen), app.screen


async def settle(pilot: Pilot) -> None:
    """Let the screen update and every pending save reach the disk."""
    await pilot.pause()
    app = pilot.app
    if app.session is not None:  # type: ignore[attr-defined]
        await app.session.flush()  # type: ignore[attr-defined]
    await pilot.pause()


def finalised(
    store: Store, registry: RubricRegistry, *, practitioner: str = "Pat P", when: date = TODAY, feedback: Feedback | None = None
) -> str:
    """A final observation of the SEED rubric (every item at level 2), made through the store."""
    loaded = registry.get("seed-one-to-one")
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=when, observer="Sam", practitioner=practitioner, team="North"),
    )
    scores = {s.id: {i.id: Score(value=2) for i in s.items} for s in rubric.sections}
    obs = store.save_draft(obs.model_copy(update={"scores": scores, "feedback": feedback or Feedback()}))
    final, _ = store.finalise(obs, rubric)
    return final.id


async def open_review(pilot: Pilot) -> None:
    """From the home list as the app starts, open the first record (a final opens on its review)."""
    from seeds_tui.tui.screens.review import ReviewScreen

    app = pilot.app
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)


async def steady(pilot: Pilot) -> None:
    """Wait until what is on the screen stops changing (a worker's rows drawn, columns sized).

    Under load a table filled from a worker can be captured between adding rows and sizing
    its columns; two identical renders in a row mean it has settled. Gives up after ~3 s.
    """
    from screen_text import screen_text

    await pilot.app.workers.wait_for_complete()
    before = screen_text(pilot.app)
    for _ in range(60):
        await pilot.pause(0.05)
        now = screen_text(pilot.app)
        if now == before:
            return
        before = now
