"""Opened on a team's shared store, ``w`` writes the feedback sheet on this computer, never into the share.

The share keeps published finals only: a practitioner's sheet there would be synced to the whole
team, and a read-only share would refuse it. The sheet goes to the user's own store's ``reports/``
(``SEEDS_STORE`` here), and the app says where.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tui_helpers import finalised

from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.publish import make_shared_store, publish
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.screens.review import ReviewScreen


def everything(root: Path) -> dict[str, bytes | None]:
    """Every path below ``root`` with its bytes (None for folders), to spot a stray write."""
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(root.rglob("*"))}


@pytest.fixture
def read_only_share(store: Store, registry: RubricRegistry, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A team's shared store holding one published final, its folders made read-only (0o555)."""
    obs_id = finalised(store, registry)
    share = tmp_path / "share"
    share.mkdir()
    make_shared_store(share)
    assert publish(store, share).problems == []
    folders = [share, *(p for p in share.rglob("*") if p.is_dir())]
    for folder in folders:
        folder.chmod(0o555)
    try:
        yield share, obs_id
    finally:
        for folder in folders:
            folder.chmod(0o755)


async def test_w_on_a_read_only_shared_store_writes_the_sheet_on_this_computer_and_says_where(
    make_app: Callable[..., SeedsApp], read_only_share: tuple[Path, str]
) -> None:
    share, obs_id = read_only_share
    before = everything(share)
    app = make_app(Store(share))
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
        await pilot.press("enter")  # the published final opens on its review
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("w")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    own = Path(os.environ["SEEDS_STORE"]) / "reports"  # the user's own store on this computer
    written = sorted(own.glob(f"*{obs_id}.*"))
    assert [p.suffix for p in written] == [".html", ".md", ".pdf"]
    assert "Pat P" in written[1].read_text(encoding="utf-8")
    assert everything(share) == before  # nothing written into the share (as root chmod does not stop writes)
    [(title, message)] = [t for t in told if t[0].startswith("Feedback sheet")]
    assert title == "Feedback sheet written"
    assert all(str(p) in message for p in written) and "shared store keeps finals only" in message
