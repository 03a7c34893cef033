"""Pilot tests of the register of training events and action learning sets (home key e), in the real app."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList, Static
from tui_helpers import finalised, type_text

from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.team.events import add_record, find_event, list_events, new_record
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.dialogs import ConfirmDialog
from seeds_tui.tui.dialogs.events import EventForm
from seeds_tui.tui.screens.events import EventsScreen
from seeds_tui.tui.screens.help import HelpScreen


async def settle(app: SeedsApp, pilot: Pilot) -> None:
    """Wait for the screens' workers (reading and saving the register) to finish."""
    for _ in range(4):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def open_register(app: SeedsApp, pilot: Pilot) -> EventsScreen:
    await pilot.pause()
    await pilot.press("e")
    await settle(app, pilot)
    assert isinstance(app.screen, EventsScreen), app.screen
    return app.screen


async def tick(pilot: Pilot, form: EventForm, key: str) -> None:
    """Tick the section or item ``key`` in the form's list, with the keyboard."""
    covers = form.query_one("#ev-covers", SelectionList)
    covers.focus()
    await pilot.pause()
    index = next(n for n in range(covers.option_count) if covers.get_option_at_index(n).value == key)
    covers.highlighted = index
    await pilot.press("space")


async def test_a_facilitator_records_a_set_and_names_are_refused(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    finalised(store, registry, practitioner="Jade Jones")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_register(app, pilot)
        assert "No training events or sets yet" in str(screen.query_one("#ev-hint", Static).render())
        await pilot.press("l")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EventForm)
        assert form.query_one("#ev-date", Input).value == "23/11/2026"  # today, as the app sees it
        await type_text(pilot, "Summaries at the end")  # the topic has the focus
        form.query_one("#ev-teams", Input).focus()
        await type_text(pilot, "North")
        await tick(pilot, form, "ending.summary")
        await tick(pilot, form, "relationship")
        form.query_one("#ev-points").focus()
        await type_text(pilot, "Jade Jones showed how")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        # Refused: nothing written, the form is open again with the reason (naming the field, never the name).
        assert list_events(store)[0] == []
        form = app.screen
        assert isinstance(form, EventForm)
        problem = str(form.query_one("#ev-problem", Static).render())
        assert "learning point 1: names a practitioner or observer of this store" in problem and "Jade" not in problem
        area = form.query_one("#ev-points")
        area.text = "Asking the person to summarise showed what they took away\nShort summaries work better"  # type: ignore[attr-defined]
        form.query_one("#ev-focus", Input).focus()
        await type_text(pilot, "End with the person summarising")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EventsScreen)
        [event] = list_events(store)[0]
        assert (event.kind, event.date, event.topic, event.teams) == ("set", date(2026, 11, 23), "Summaries at the end", ["North"])
        assert event.title == "Action learning set: Summaries at the end"
        assert event.covers == ["relationship", "ending.summary"]  # in the rubric's order
        assert event.learning_points == ["Asking the person to summarise showed what they took away", "Short summaries work better"]
        assert event.focus == "End with the person summarising"
        text = (store.root / "events" / f"{event.id}.toml").read_text()
        assert tomllib.loads(text)["schema"] == "seeds-event/2"
        assert screen.query_one("#ev-table", DataTable).row_count == 1


async def test_edit_and_remove_asks_first(make_app: Callable[..., SeedsApp], store: Store) -> None:
    add_record(store, new_record(date(2026, 2, 11), title="Quarterly follow-up: reflections", covers=["relationship"]))
    add_record(store, new_record(date(2026, 3, 2), kind="set", topic="Agenda first", teams=["North"], covers=["beginning.agenda"]))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_register(app, pilot)
        table = screen.query_one("#ev-table", DataTable)
        assert table.row_count == 2
        assert screen.selected() is not None and screen.selected().topic == "Agenda first"  # type: ignore[union-attr]
        detail = str(screen.query_one("#ev-detail", Static).render())
        assert "Agrees the purpose and agenda for the session (beginning.agenda)" in detail
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EventForm)
        assert form.query_one("#ev-topic", Input).value == "Agenda first"
        form.query_one("#ev-focus", Input).focus()
        await type_text(pilot, "Agree the agenda first")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        found = find_event(store, "2026-03-02-action-learning-set-agenda-first")
        assert found is not None and found.focus == "Agree the agenda first" and found.teams == ["North"]
        # Remove asks first; Keep keeps it.
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(app, pilot)
        assert len(list_events(store)[0]) == 2
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert [e.title for e in list_events(store)[0]] == ["Quarterly follow-up: reflections"]
        assert table.row_count == 1
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, EventsScreen)


async def test_the_register_is_in_help_and_the_palette(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Training events and action learning sets" in titles
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "training events and action learning sets" in " ".join(str(w.render()) for w in app.screen.query(Static))
        await pilot.press("escape")
        await open_register(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "new action learning set" in shown and "remove the highlighted record (asks first)" in shown
