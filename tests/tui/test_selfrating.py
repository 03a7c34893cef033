"""The practitioner's self-rating in the app: the observer hands over (sections chosen), the
practitioner rates with none of the observer's scores or notes on screen, hands back, and the
feedback opens with the gap, the largest differences first; the record is in the store."""

from __future__ import annotations

from collections.abc import Callable

from screen_text import screen_text
from tui_helpers import finalised, set_up, settle

from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.selfratings import SELFRATINGS, selfrating_of
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp


async def test_after_scoring_the_practitioner_rates_then_the_feedback_opens_with_the_gap(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    from seeds_tui.tui.dialogs import ConfirmDialog
    from seeds_tui.tui.screens.after import AfterScreen
    from seeds_tui.tui.screens.selfrating import GapScreen, SectionsDialog, SelfRatingScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await set_up(pilot, "seed-one-to-one", practitioner="Pat P")
        session = app.session
        assert session is not None
        rubric = session.rubric
        first = rubric.sections[0]
        # The observer scores the first section (level 1 everywhere) with a telling evidence note.
        for item in first.items:
            session.set_level(first.id, item.id, 1)
            session.set_evidence(first.id, item.id, "SECRET-OBSERVER-NOTE")
        obs = session.observation
        app.show_stage("after")
        await pilot.pause()
        assert isinstance(app.screen, AfterScreen)
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, SectionsDialog)
        # Only the first section: untick every other one.
        for _ in rubric.sections[1:]:
            await pilot.press("down", "space")
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, SelfRatingScreen)
        text = screen_text(app)
        assert "SECRET-OBSERVER-NOTE" not in text and first.items[0].text[:20] in text
        assert rubric.sections[1].items[0].text[:20] not in text  # a section not chosen is not asked
        # The practitioner rates the first item 3 (observer 1), the second the same as the observer, the third NA.
        await pilot.press("3", "1", "a")
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "SECRET" not in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, GapScreen)
        gaps = app.screen.gaps
        assert (gaps[0].item, gaps[0].difference) == (first.items[0].id, 2)  # the largest difference first
        # On an 80-column screen the heading stays and the first row shows both ratings and the gap whole.
        from textual.widgets import DataTable

        table = app.screen.query_one("#gap-table", DataTable)
        assert [str(c.label) for c in table.ordered_columns][:3] == ["Self", "Observer", "Difference"]
        assert table.region.y > 0 and table.region.bottom <= app.size.height
        assert sum(c.get_render_width(table) for c in table.ordered_columns[:3]) <= app.size.width
        assert gaps[1].difference == 0 or gaps[1].difference is None
        assert gaps[-1].difference is None  # NA and unrated items last
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AfterScreen)  # on to the feedback
    record = selfrating_of(store, obs.id)
    assert record is not None and record.sections == [first.id]
    assert record.ratings[first.id][first.items[0].id] == 3
    assert record.ratings[first.id][first.items[2].id] == "NA"
    assert (SELFRATINGS.path(store, record.id).stat().st_mode & 0o077) == 0  # owner-only


async def test_home_p_opens_a_self_rating_of_the_selected_observation(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    from seeds_tui.tui.screens.selfrating import GapScreen, SectionsDialog, SelfRatingScreen

    obs_id = finalised(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, SectionsDialog)
        await pilot.press("f10")  # every section
        await pilot.pause()
        assert isinstance(app.screen, SelfRatingScreen)
        await pilot.press("0")
        await pilot.press("escape")  # finished
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, GapScreen)
        assert app.screen.gaps[0].difference == -2  # 0 against the observer's 2
        await pilot.press("escape")
        await pilot.pause()
        await settle(pilot)
    record = selfrating_of(store, obs_id)
    assert record is not None and record.sections == [] and record.rated_count() == 1
