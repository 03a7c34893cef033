"""Opened on a team's shared store, every key that would write into it says so and writes nothing.

A shared store holds the finals the SPOs publish and nothing else: drafts, corrections, the
practitioner's response, self-ratings, supervision notes, the questionnaire, the events register
and consensus drafts stay on each laptop. Each of those keys (``n``, ``d``, ``p``, ``q``, ``e``,
``v`` on the home screen; ``c`` and ``r`` on a final's review; F6 after the session; ``a`` on a
comparison) is out of the footer there, and pressed all the same says it is the team's shared store,
what can be done there and how to open your own store; the share's files are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Button
from tui_helpers import finalised

from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.publish import make_shared_store, publish
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.screens.after import AfterScreen
from seeds_tui.tui.screens.help import HelpScreen
from seeds_tui.tui.screens.home import HomeScreen
from seeds_tui.tui.screens.review import ReviewScreen


def everything(root: Path) -> dict[str, bytes | None]:
    """Every path below ``root`` with its bytes (None for folders), to spot a stray write."""
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(root.rglob("*"))}


@pytest.fixture
def share(store: Store, registry: RubricRegistry, tmp_path: Path) -> Path:
    """A team's shared store holding one published final (writable: a stray write would land)."""
    finalised(store, registry)
    share = tmp_path / "share"
    share.mkdir()
    make_shared_store(share)
    assert publish(store, share).problems == []
    return share


def listen(app: SeedsApp) -> list[tuple[str, str]]:
    """Every notification from now on, as (title, message)."""
    told: list[tuple[str, str]] = []
    notify = app.notify

    def heard(message: str, **options: object) -> None:
        told.append((str(options.get("title", "")), message))
        notify(message, **options)  # type: ignore[arg-type]

    app.notify = heard  # type: ignore[method-assign]
    return told


def offered(app: SeedsApp) -> set[str]:
    """The keys the footer shows on the screen on top."""
    return {key for key, active in app.screen.active_bindings.items() if active.binding.show}


def refused(told: list[tuple[str, str]], doing: str, share: Path) -> bool:
    """The last notification is the shared store's refusal of ``doing``, naming the share and the way to your own store."""
    if not told:
        return False
    title, message = told[-1]
    return (
        title == "A shared store"
        and message.startswith(f"{share} is a team's shared store")
        and f"{doing} in your own store" in message
        and "--store YOUR-FOLDER" in message
    )


async def test_every_key_that_would_write_into_a_shared_store_is_out_of_the_footer_and_says_why(
    make_app: Callable[..., SeedsApp], share: Path
) -> None:
    before = everything(share)
    app = make_app(Store(share))
    told = listen(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert not {"n", "r"} & offered(app) and "s" in offered(app)  # New observation and Resume are not offered
        assert str(home.query_one("#home-hint").render()).endswith("0 drafts. Enter open · s Team summary · F1 keys")
        for key, doing in [
            ("n", "Score a new observation"),
            ("d", "Discard a draft"),
            ("p", "Take the practitioner's self-rating"),
            ("q", "Hand over the questionnaire"),
            ("e", "Keep the register of events"),
            ("v", "Record a supervision note"),
        ]:
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is home, key
            assert refused(told, doing, share), (key, told[-1:])
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "A team's shared store" in str(app.screen.query_one(".dialog-body Static").render())
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("enter")  # the published final opens read-only on its review
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert not {"c", "r"} & offered(app) and "w" in offered(app)
        assert not review.query_one("#correct", Button).display  # no "Correct (c)" button either
        summary = str(review.query_one("#summary").render())
        assert "r adds or changes" not in summary and "read only here" in summary
        await pilot.press("c")
        await pilot.pause()
        assert refused(told, "Correct a final", share) and app.session is not None and app.session.mode == "final"
        await pilot.press("r")
        await pilot.pause()
        assert app.screen is review and refused(told, "Add the practitioner's response", share)

        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, AfterScreen)
        assert "f6" not in offered(app)
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, AfterScreen) and refused(told, "Take the practitioner's self-rating", share)
    assert everything(share) == before


async def test_a_consensus_is_not_agreed_on_a_shared_store(make_app: Callable[..., SeedsApp], share: Path) -> None:
    """The app's one way to a consensus (the comparison's a, or the command palette) says so and opens nothing."""
    before = everything(share)
    app = make_app(Store(share))
    told = listen(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        home = app.screen
        app.open_consensus(None, None)  # type: ignore[arg-type]  # refused before the pair is looked at
        await pilot.pause()
        assert app.screen is home and refused(told, "Agree a consensus", share)
    assert everything(share) == before
