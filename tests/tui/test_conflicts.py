"""Two copies of one draft: the app never writes over the other copy's save, and never loses its own."""

from __future__ import annotations

from collections.abc import Callable

from tui_helpers import set_up, settle

from seeds_tui.core.observation import Score, load_observation
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp


def _other_copy_scores(store: Store, obs_id: str) -> None:
    """Someone else, with the same draft open, scores an item and saves."""
    theirs = load_observation(store.draft_path(obs_id))
    scores = {s: dict(i) for s, i in theirs.scores.items()}
    scores.setdefault("beginning", {})["environment"] = Score(value=1)
    store.save_draft(theirs.model_copy(update={"scores": scores}))


async def test_a_clash_keeps_both_versions_and_quitting_never_overwrites(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("2")
        await settle(pilot)
        session = app.session
        assert session is not None
        obs_id = session.observation.id
        _other_copy_scores(store, obs_id)
        theirs = store.draft_path(obs_id).read_bytes()
        await pilot.press("j", "0")
        await settle(pilot)
        assert session.kept_aside is not None and session.state == "unsaved"
        assert store.draft_path(obs_id).read_bytes() == theirs  # not written over
        kept = load_observation(session.kept_aside)
        assert kept.scores["beginning"]["review"].value == 0 and "environment" not in kept.scores["beginning"]
        # More work after the clash still goes to our copy aside, never to the draft.
        await pilot.press("j", "3")
        await settle(pilot)
        # After a clash the copy aside is written on the engine's next save, which a flush does not wait for.
        for _ in range(100):
            aside = load_observation(session.kept_aside).scores["beginning"]
            if "agenda" in aside:
                break
            await pilot.pause(0.05)
        assert aside["agenda"].value == 3
        # "Quit": the last-chance save on exit must not write over the other copy either.
        await pilot.press("j", "1")
        await pilot.pause()
        message = session.save_on_exit()
    assert message is not None and "was not written over" in message and str(session.kept_aside) in message
    assert store.draft_path(obs_id).read_bytes() == theirs
    mine = load_observation(session.kept_aside)
    assert (mine.scores["beginning"]["agenda"].value, mine.scores["beginning"]["environment"].value) == (3, 1)
    assert oct(session.kept_aside.stat().st_mode & 0o777) == "0o600"


async def test_our_own_save_landing_as_the_app_closes_is_not_a_clash(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app(autosave_delay=60)  # only explicit saves here: the app "closes" before the next autosave
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("2")
        await settle(pilot)
        session = app.session
        assert session is not None
        # The autosave's write (its thread's part) landed, but the app closed before the event loop heard back.
        session.autosave.draft.write(session._snapshot())
        await pilot.press("j", "1")
        await pilot.pause()
        assert session.save_on_exit() is None
    saved = load_observation(store.draft_path(session.observation.id))
    assert (saved.scores["beginning"]["welcome"].value, saved.scores["beginning"]["review"].value) == (2, 1)
    assert session.kept_aside is None
