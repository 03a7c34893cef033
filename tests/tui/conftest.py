"""Fixtures for the app's pilot tests: a store under tmp_path, the bundled rubrics, frozen clocks."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

from seeds_tui.rubric import RubricRegistry, bundled_rubric_dir
from seeds_tui.store import Store
from seeds_tui.tui.app import SeedsApp, create_app

sys.path.insert(0, str(Path(__file__).parent))

TODAY = date(2026, 11, 23)
FROZEN = datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC)
BUNDLED = ["seed-one-to-one", "jersey-interview-skills", "mi-informed-conversation"]


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """An empty store under tmp_path."""
    return Store(tmp_path / "store")


@pytest.fixture
def registry() -> RubricRegistry:
    """The bundled rubrics."""
    return RubricRegistry([bundled_rubric_dir()])


@pytest.fixture
def clock() -> FakeClock:
    """A session clock source that stands still unless moved."""
    return FakeClock()


@pytest.fixture
def make_app(store: Store, registry: RubricRegistry, clock: FakeClock) -> Callable[..., SeedsApp]:
    """Build an app on the test store with frozen date and clocks (fast autosave)."""

    def make(on: Store | None = None, **overrides: object) -> SeedsApp:
        options: dict[str, object] = {"today": TODAY, "clock_source": clock, "now_fn": lambda: FROZEN, "autosave_delay": 0.05}
        options.update(overrides)
        return create_app(on or store, registry, **options)  # type: ignore[arg-type]

    return make


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


async def set_up(pilot: Pilot, rubric_id: str, *, practitioner: str = "Pat P", team: str = "North", observer: str = "Sam") -> None:
    """From the home screen: n, choose the rubric, fill in the session details, start scoring."""
    from seeds_tui.tui.screens.scoring import ScoringScreen
    from seeds_tui.tui.screens.setup import RubricScreen, SessionScreen

    app = pilot.app
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
