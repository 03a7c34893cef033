"""The app publishes finals to the team's shared store: at start, right after a finalise, never a draft.

The publishing itself (sync tools, conflicts, unreachable shares) is tested in
tests/reliability/test_shared_store.py; here: the app does it by itself, off the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from tui_helpers import TODAY, finalised

from seeds_tui.core.observation import RubricRef, Score, Session, new_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.core.seal import seal
from seeds_tui.storage.publish import make_shared_store, remember_shared_store
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.publishing import Publishing
from seeds_tui.tui.screens.review import ReviewScreen


def shared_for(store: Store, tmp_path: Path) -> Path:
    share = tmp_path / "share"
    share.mkdir()
    make_shared_store(share)
    remember_shared_store(store, share)
    return share


def notifications(app: SeedsApp) -> list[str]:
    """Every notification the app shows from now on, as "title: message"."""
    told: list[str] = []
    notify = app.notify

    def listen(message: str, **options: object) -> None:
        told.append(f"{options.get('title', '')}: {message}")
        notify(message, **options)  # type: ignore[arg-type]

    app.notify = listen  # type: ignore[method-assign]
    return told


async def published(app: SeedsApp) -> Publishing:
    """The app's publisher once its current run has finished."""
    for _ in range(600):  # the start-up worker (after the first frame) attaches the publisher: wait for it, up to 30 s
        if hasattr(app, "publishing"):
            break
        await asyncio.sleep(0.05)
    publishing = app.publishing  # type: ignore[attr-defined]
    assert isinstance(publishing, Publishing)
    assert await asyncio.to_thread(publishing.done.wait, 30)
    return publishing


async def test_the_app_publishes_waiting_finals_at_start_and_a_new_final_at_once(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry, tmp_path: Path
) -> None:
    earlier = finalised(store, registry)  # finalised while the share was away
    share = shared_for(store, tmp_path)
    loaded = registry.get("seed-one-to-one")
    rubric = loaded.rubric
    draft = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=TODAY, observer="Sam", practitioner="Kim K", team="North", consent_recorded=True),
    )
    draft = store.save_draft(draft.model_copy(update={"scores": {s.id: {i.id: Score(value=1) for i in s.items} for s in rubric.sections}}))
    app = make_app(offer_resume=False)
    told = notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await published(app)
        await pilot.pause()
        assert (share / "observations" / f"{earlier}.toml").read_bytes() == seal(store.final_path(earlier).read_bytes())
        assert not (share / "observations" / f"{draft.id}.toml").exists() and not (share / "drafts").exists()
        assert any("1 final(s) published" in t for t in told)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # the draft, listed first on the home screen
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("enter")  # "Finalise this observation?" Yes
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await published(app)
    assert store.final_path(draft.id).is_file()
    assert (share / "observations" / f"{draft.id}.toml").read_bytes() == seal(store.final_path(draft.id).read_bytes())


async def test_a_share_that_cannot_be_reached_is_told_once_and_the_final_kept(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry, tmp_path: Path
) -> None:
    obs_id = finalised(store, registry)
    share = shared_for(store, tmp_path)
    share.rename(tmp_path / "away")
    before = store.final_path(obs_id).read_bytes()
    app = make_app()
    told = notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        publishing = await published(app)
        await pilot.pause()
        publishing.now()  # the next minute's try
        await published(app)
        await pilot.pause()
    waiting = [t for t in told if t.startswith("Not published")]
    assert len(waiting) == 1 and "cannot be reached" in waiting[0]
    assert store.final_path(obs_id).read_bytes() == before and not share.exists()


async def test_a_facilitator_opening_the_shared_store_sees_copies_listed_not_counted_and_cannot_score_there(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry, tmp_path: Path
) -> None:
    """The shared store in the app (``seeds-tui --store SHARED``): two finals, and a sync tool's copy of one beside it."""
    share = shared_for(store, tmp_path)
    ids = [finalised(store, registry, practitioner=name) for name in ("Pat P", "Kim K")]
    from seeds_tui.storage.publish import publish

    assert publish(store).count("published") == 2
    original = share / "observations" / f"{ids[0]}.toml"
    (share / "observations" / f"{ids[0]}-DESKTOP-1.toml").write_bytes(original.read_bytes())  # OneDrive's conflict copy
    app = make_app(Store(share))
    told = notifications(app)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        hint = str(app.screen.query_one("#home-hint").render())
        assert hint.startswith("2 observations, 0 drafts, 1 file is not counted"), hint
        assert "a team's shared store" in str(app.screen.query_one("#home-store").render())
        home = app.screen
        await pilot.press("n")  # nothing is scored in the shared store: said at once, not after the set-up form
        await pilot.pause()
        assert app.screen is home and any(t.startswith("A shared store:") and "your own store" in t for t in told), told
    assert not (share / "drafts").exists()
