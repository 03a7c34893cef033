"""Pilot tests of supervision in the app (home key v) and the development record (home key l), on a real store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from screen_text import screen_text
from textual.pilot import Pilot
from textual.widgets import DataTable, Static
from tui_helpers import finalised, type_text

from seeds_tui.core.observation import Action, Feedback
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.storage.supervision import list_notes, notes_for
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.controllers.records import Records
from seeds_tui.tui.dialogs import ConfirmDialog
from seeds_tui.tui.dialogs.base import TextEntryDialog
from seeds_tui.tui.screens.development import DevelopmentScreen
from seeds_tui.tui.screens.help import HelpScreen
from seeds_tui.tui.screens.home import HomeScreen
from seeds_tui.tui.screens.supervision import SupervisionScreen
from seeds_tui.tui.widgets.text import LineInput

ACTIONS = ["Set the agenda together", "Summarise before moving on", "Use a scaling question"]


def _with_actions(store: Store, registry: RubricRegistry, practitioner: str = "Pat P", when: date = date(2026, 9, 1)) -> str:
    feedback = Feedback(actions=[Action(text=t, owner=practitioner) for t in ACTIONS])
    return finalised(store, registry, practitioner=practitioner, when=when, feedback=feedback)


async def settle(app: SeedsApp, pilot: Pilot) -> None:
    """Wait for the screens' workers (reading the store, saving) to finish."""
    for _ in range(4):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def open_supervision(app: SeedsApp, pilot: Pilot) -> SupervisionScreen:
    await settle(app, pilot)
    await pilot.press("v")
    await settle(app, pilot)
    assert isinstance(app.screen, SupervisionScreen), app.screen
    return app.screen


async def test_an_spo_records_supervision_and_the_next_observation_carries_it(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    _with_actions(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_supervision(app, pilot)
        text = screen_text(app)
        assert "Supervision note · Pat P (North)" in text and "no score" in text
        assert all(a in text for a in ACTIONS) and "3 open on 23/11/2026" in text
        assert screen.query_one("#sv-date", LineInput).value == "23/11/2026"  # today, as the app sees it
        # The open actions: first done with a comment, second ongoing, third left as it was.
        screen.query_one("#sv-carried").focus()
        await pilot.press("d", "c")
        await pilot.pause()
        assert isinstance(app.screen, TextEntryDialog)
        await type_text(pilot, "Does it every session")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("down", "g")
        screen.query_one("#sv-new").focus()
        for text in ("Bring a case note to reflect on", "Try silence after a question"):
            await pilot.press("end", "enter")  # "+ Add a new action": what, owner (the practitioner), review date
            await pilot.pause()
            await type_text(pilot, text)
            await pilot.press("ctrl+s")
            await pilot.pause()
        screen.query_one("#sv-reflection", LineInput).focus()
        await type_text(pilot, "More confident with open questions")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        [note] = notes_for(store, "Pat P")[0]
        assert note.date == date(2026, 11, 23) and note.team == "North"
        assert [(p.text, p.status, p.comment) for p in note.progress] == [
            ("Set the agenda together", "done", "Does it every session"),
            ("Summarise before moving on", "ongoing", ""),
        ]
        assert [a.text for a in note.actions] == ["Bring a case note to reflect on", "Try silence after a question"]
        assert note.reflection == "More confident with open questions"
        assert "score" not in note.to_toml()
    # The next observation's set-up (the app's controller, the real files) carries what is still open.
    offered = Records(store).open_actions("Pat P", date(2026, 12, 1), "")
    assert [(o.action.text, o.last_status) for o in offered] == [
        ("Summarise before moving on", "ongoing"),
        ("Use a scaling question", None),
        ("Bring a case note to reflect on", None),
        ("Try silence after a question", None),
    ]


async def test_personal_data_is_warned_about_and_saving_asks_first(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    _with_actions(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_supervision(app, pilot)
        screen.query_one("#sv-reflection", LineInput).focus()
        await type_text(pilot, "Mr Smith was calmer")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        said = screen_text(app)
        assert "the reflection" in said and "Smith" not in said.replace("Mr Smith was calmer", "")
        await pilot.press("n")  # go back and change it: nothing written
        await settle(app, pilot)
        assert app.screen is screen and list_notes(store)[0] == []
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("y")  # the SPO's own words: never blocked
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [n.reflection for n in list_notes(store)[0]] == ["Mr Smith was calmer"]


async def test_a_bad_date_is_refused_naming_the_field_and_esc_asks_before_losing_work(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    _with_actions(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_supervision(app, pilot)
        date_field = screen.query_one("#sv-date", LineInput)
        date_field.value = "31/02/2026"
        screen.query_one("#sv-reflection", LineInput).focus()
        await type_text(pilot, "A line")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        problem = str(screen.query_one("#sv-problem", Static).render())
        assert problem.startswith("Date:") and app.screen is screen and list_notes(store)[0] == []
        # A date before the observation: its actions are not open yet, and the list says so.
        date_field.value = "01/08/2026"
        await settle(app, pilot)
        assert "No open actions on 01/08/2026" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "Leave without saving?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and "done / ongoing / dropped" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen) and list_notes(store)[0] == []


async def test_the_development_record_is_in_date_order_scrolls_and_writes_the_sheet(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    from seeds_tui.core.supervision import new_note
    from seeds_tui.storage.supervision import add_note

    first = _with_actions(store, registry, when=date(2026, 3, 2))
    finalised(store, registry, practitioner="Someone Else", when=date(2026, 4, 1))
    add_note(store, new_note(when=date(2026, 5, 4), practitioner="Pat P", reflection="Sees the value of a shared agenda"))
    _with_actions(store, registry, when=date(2026, 9, 1))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        # Pat P's observation selected on the list.
        row = next(n for n, r in enumerate(home.rows) if r.observation is not None and r.observation.session.practitioner == "Pat P")
        home.query_one("#home-list", DataTable).move_cursor(row=row)
        await pilot.pause()
        await pilot.press("l")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DevelopmentScreen)
        headings = [str(w.render()) for w in screen.query(".dev-heading")]
        days = [h.split("  ")[0] for h in headings]
        assert days[0] == "02/03/2026" and "05/2026" in " ".join(days) and days[-1].endswith("09/2026")
        assert [d[-4:] + d[3:5] + d[:2] for d in days] == sorted(d[-4:] + d[3:5] + d[:2] for d in days)
        kinds = " ".join(headings)
        assert "Observation" in kinds and "Supervision" in kinds and "Action: Set the agenda together" in kinds
        assert "Someone Else" not in screen_text(app)
        assert "2 observations" in str(screen.query_one("#dev-hint", Static).render())
        body = screen.query_one("#dev-body")
        assert body.max_scroll_y > 0  # more than a screen: it scrolls
        await pilot.press("j", "j")
        await pilot.pause()
        assert body.scroll_y == 2
        await pilot.press("space")
        await pilot.pause()
        assert body.scroll_y > 2
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("home")
        await pilot.pause()
        assert body.scroll_y == 0
        await pilot.press("w")
        await settle(app, pilot)
        written = sorted(p.name for p in store.reports_dir.iterdir())
        assert written == ["development-pat-p-2026-11-23.html", "development-pat-p-2026-11-23.md", "development-pat-p-2026-11-23.pdf"]
        md = (store.reports_dir / "development-pat-p-2026-11-23.md").read_text()
        assert md.index("2 March 2026 · Observation") < md.index("4 May 2026 · Supervision") < md.index("1 September 2026 · Observation")
        assert "Written:" in str(screen.query_one("#dev-hint", Static).render())
        assert first
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home


async def test_the_home_keys_need_a_selected_observation_and_are_listed_in_help(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "supervision note for the selected observation's practitioner" in shown and "development record" in shown


async def test_the_command_palette_opens_both(make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry) -> None:
    _with_actions(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for title, screen in (("Supervision note", SupervisionScreen), ("Development record", DevelopmentScreen)):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await type_text(pilot, title)
            await settle(app, pilot)
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, screen), app.screen
            await pilot.press("escape")
            await settle(app, pilot)
            assert isinstance(app.screen, HomeScreen)


async def test_what_is_typed_is_kept_if_the_app_must_close_with_the_note_open(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    import tomllib
    from pathlib import Path

    from seeds_tui.tui.rescue import keep_unsaved_forms

    _with_actions(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_supervision(app, pilot)
        assert keep_unsaved_forms(app) is None  # nothing typed: nothing to keep
        screen.query_one("#sv-carried").focus()
        await pilot.press("x")
        screen.query_one("#sv-reflection", LineInput).focus()
        await type_text(pilot, "Calmer openings")
        said = keep_unsaved_forms(app)
        assert said is not None and "is kept in" in said
        kept = tomllib.loads(Path(said.rsplit(" ", 1)[1]).read_text())
        [form] = kept["forms"].values()
        [text] = form.values()
        assert "Calmer openings" in text and "Set the agenda together: dropped" in text
