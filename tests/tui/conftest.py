"""Fixtures for the app's pilot tests: a store under tmp_path, the bundled rubrics, frozen clocks."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from tui_helpers import FROZEN, TODAY, FakeClock

from seeds_tui.core.rubric import RubricRegistry, bundled_rubric_dir
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp, create_app


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
