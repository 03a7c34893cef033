"""Text snapshots of the main screens at 80x24 and 120x40 (SEEDS_UPDATE_SNAPSHOTS=1 to re-record).

Recorded with textual 8.2.8 (pinned in pyproject). Dates and clocks are frozen through the app
factory, and the store's folder is replaced by the word STORE. The store lives in a folder whose
path has the same length on every machine and under every runner (pytest-xdist's temp folders are
longer than a plain run's), so that a path never moves the text around it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from screen_text import assert_snapshot
from tui_helpers import finalised, set_up, settle, steady, type_text

from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def store() -> Iterator[Store]:
    """A store at a path of fixed length (``/tmp/seeds-XXXXXXXX/store``), whatever runs the test."""
    folder = Path(tempfile.mkdtemp(prefix="seeds-", dir="/tmp" if Path("/tmp").is_dir() else None))
    try:
        yield Store(folder / "store")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_main_screens(size: tuple[int, int], make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry) -> None:
    finalised(store, registry)
    name = f"{size[0]}x{size[1]}"
    replace = {str(store.root): "STORE"}
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await steady(pilot)
        assert_snapshot(app, f"home-{name}", replace)
        await set_up(pilot, "seed-one-to-one", by_keyboard=True)
        await pilot.press("2", "down", "a", "down", "o", "down", "e")
        await type_text(pilot, "[b]agenda[/b] late")
        await pilot.press("escape")
        await settle(pilot)
        assert_snapshot(app, f"scoring-{name}", replace)
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("4")
        await settle(pilot)
        assert_snapshot(app, f"after-{name}", replace)
        await pilot.press("f4")
        await settle(pilot)
        assert_snapshot(app, f"review-{name}", replace)
