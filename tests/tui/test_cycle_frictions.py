"""Pilot tests at 80x24 for frictions an SPO hit in the observation cycle (issue 14): moving a mark to
any item from the marks list (with undo), owners and review dates for a supervision note's new
actions, Ctrl+Q in the hands of a person on probation, and toasts that wait while a dialog is open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from screen_text import screen_text
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import OptionList
from tui_helpers import finalised, set_up, type_text

from seeds_tui.core.observation import Action, Feedback
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.render.sheet import render_markdown
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.dialogs.marks import ItemPickerDialog, MarksDialog

SIZE = (80, 24)


async def settle(app: SeedsApp, pilot: Pilot) -> None:
    """Wait for the screens' workers (reading the store, saving) to finish."""
    for _ in range(4):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def toasts(app: SeedsApp) -> list[Widget]:
    return list(app.screen.query("Toast"))


def words(app: SeedsApp) -> str:
    return " ".join(screen_text(app).split())


# -- 1. the marks list: attach a mark to any item, detach it, undo ---------------------------------


async def pick_item(pilot: Pilot, key: str) -> None:
    """In the item picker, move down (as the SPO does) to ``key`` and press Enter."""
    picker = pilot.app.screen
    assert isinstance(picker, ItemPickerDialog)
    listing = picker.query_one("#list", OptionList)
    for _ in range(listing.option_count):
        if listing.highlighted_option is not None and listing.highlighted_option.id == key:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


async def test_a_mark_is_moved_to_another_item_detached_and_each_change_undone_with_u(make_app: Callable[..., SeedsApp], clock) -> None:  # type: ignore[no-untyped-def]
    app = make_app(offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await set_up(pilot, "seed-one-to-one")
        session = app.session
        assert session is not None
        rubric = session.rubric
        first = f"{rubric.sections[0].id}.{rubric.sections[0].items[0].id}"
        later_section = rubric.sections[2]
        elsewhere = f"{later_section.id}.{later_section.items[1].id}"
        clock.now = 130.0
        await pilot.press("2", "m", "x")
        await pilot.pause()
        assert isinstance(app.screen, MarksDialog)
        await pilot.press("e")
        await pilot.pause()
        await type_text(pilot, "Checked what mattered to them")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # attached to the item being scored
        await pilot.pause()
        assert session.observation.events[0].item == first
        # Later, the SPO sees it belongs to another skill: i lists every item of the rubric.
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ItemPickerDialog)
        shown = words(app)
        assert "Attach the mark at 02:10 to" in shown and "Checked what mattered to them" in shown
        assert later_section.title in shown or later_section.title[:30] in "".join(screen_text(app).split("\n"))
        await pick_item(pilot, elsewhere)
        assert isinstance(app.screen, MarksDialog)
        assert session.observation.events[0].item == elsewhere
        await pilot.pause()
        assert "→ " + later_section.items[1].text.split()[0] in words(app)
        # Esc in the picker changes nothing.
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("down", "escape")
        await pilot.pause()
        assert isinstance(app.screen, MarksDialog) and session.observation.events[0].item == elsewhere
        await pilot.press("d")
        await pilot.pause()
        assert session.observation.events[0].item is None
        # u undoes the last change first: detach, then the move, then the first attach.
        await pilot.press("u")
        await pilot.pause()
        assert session.observation.events[0].item == elsewhere
        await pilot.press("u")
        await pilot.pause()
        assert session.observation.events[0].item == first
        await pilot.press("u")
        await pilot.pause()
        assert session.observation.events[0].item is None
        await pilot.press("u")  # nothing more to undo: the mark stays, text and time kept
        await pilot.pause()
        [mark] = session.observation.events
        assert (mark.elapsed, mark.text, mark.item) == (130, "Checked what mattered to them", None)
        # A removed mark still comes back with u, after the other changes.
        await pilot.press("i")
        await pilot.pause()
        await pick_item(pilot, elsewhere)
        await pilot.press("delete")
        await pilot.pause()
        assert session.observation.events == []
        await pilot.press("u")
        await pilot.pause()
        assert [(e.elapsed, e.item) for e in session.observation.events] == [(130, elsewhere)]
        await pilot.press("escape")
        await settle(app, pilot)
        # On the feedback sheet the mark is evidence for the item it was moved to.
        sheet = render_markdown(session.observation, rubric)
        at = sheet.index(later_section.items[1].text)
        assert "02:10" in sheet[at:] and "Checked what mattered to them" in sheet[at:]
        assert sheet.index("Checked what mattered to them") > at
        assert sheet.find("Checked what mattered to them", 0, at) == -1


async def test_the_item_picker_fits_80x24_and_says_its_keys(make_app: Callable[..., SeedsApp], clock) -> None:  # type: ignore[no-untyped-def]
    app = make_app(offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await set_up(pilot, "jersey-interview-skills")
        await pilot.press("m", "x")
        await pilot.pause()
        assert "i to another item" in words(app)
        await pilot.press("i")
        await pilot.pause()
        box = app.screen.query_one(".dialog")
        assert box.region.bottom <= SIZE[1] and "Enter attach" in words(app) and "Esc back, nothing changed" in words(app)


# -- 2. supervision: new actions with an owner and a review date ---------------------------------


async def test_a_supervision_notes_new_actions_have_an_owner_and_a_review_date(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    from seeds_tui.storage.supervision import notes_for
    from seeds_tui.tui.controllers.records import Records
    from seeds_tui.tui.dialogs.feedback import ActionDialog
    from seeds_tui.tui.screens.home import HomeScreen
    from seeds_tui.tui.screens.supervision import SupervisionScreen

    finalised(store, registry, feedback=Feedback(actions=[Action(text="Set the agenda together", owner="Pat P")]))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SupervisionScreen)
        screen.query_one("#sv-new").focus()
        await pilot.press("enter")  # "+ Add a new action"
        await pilot.pause()
        assert isinstance(app.screen, ActionDialog)
        await type_text(pilot, "Try a scaling question")
        await pilot.press("tab")
        assert app.screen.query_one("#owner").value == "Pat P"  # type: ignore[attr-defined]
        await pilot.press("tab")
        await type_text(pilot, "05/01/2027")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert "Try a scaling question" in words(app) and "Pat P" in words(app) and "review 05/01/2027" in words(app)
        # A second, in ISO, owned by the supervisor; then one removed by mistake is put back with u.
        await pilot.press("end", "enter")
        await pilot.pause()
        await type_text(pilot, "Bring a case note")
        await pilot.press("tab", "ctrl+a", "ctrl+k")
        await type_text(pilot, "Sam")
        await pilot.press("tab")
        await type_text(pilot, "2027-02-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("home", "delete")
        await pilot.pause()
        assert "Try a scaling question" not in words(app)
        await pilot.press("u")
        await pilot.pause()
        # A review date before the supervision is refused in the form, naming the field.
        await pilot.press("end", "enter")
        await pilot.pause()
        await type_text(pilot, "Too early")
        await pilot.press("tab", "tab")
        await type_text(pilot, "01/01/2020")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ActionDialog) and "Review date" in words(app)
        await pilot.press("escape")  # not complete: asks before throwing it away
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen and "Too early" not in words(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
    [note] = notes_for(store, "Pat P")[0]
    assert [(a.text, a.owner, a.review_date) for a in note.actions] == [
        ("Try a scaling question", "Pat P", date(2027, 1, 5)),
        ("Bring a case note", "Sam", date(2027, 2, 1)),
    ]
    offered = Records(store).open_actions("Pat P", date(2027, 3, 1), "")
    carried = {o.action.text: o.action for o in offered}
    assert carried["Bring a case note"].owner == "Sam" and carried["Bring a case note"].review_date == date(2027, 2, 1)


# -- 3. Ctrl+Q on the questionnaire ------------------------------------------------------------------


async def test_ctrl_q_on_the_questionnaire_does_not_quit_and_twice_stops_without_sending(
    make_app: Callable[..., SeedsApp], store: Store
) -> None:
    from seeds_tui.tui.screens.home import HomeScreen
    from seeds_tui.tui.screens.voice import VoiceFormScreen, VoiceThanksScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        await type_text(pilot, "Riverside")
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VoiceFormScreen)
        await pilot.press("4", "ctrl+q")
        await pilot.pause()
        # Not quit: the form is still there, the answer given kept, and it says what a second Ctrl+Q does.
        assert app.is_running and app.screen is form and form.step == 1 and len(form.answers) == 1
        assert "Press Ctrl+Q again to stop without sending any answers" in words(app)
        stop = form.query_one("#voice-stop")
        assert stop.region.bottom <= SIZE[1] - 1  # above the footer at 80x24
        # Answering on forgets that first press: one more Ctrl+Q only asks again.
        await pilot.press("5")
        await pilot.pause()
        assert "Ctrl+Q again" not in words(app) and form.step == 2
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.screen is form and "Ctrl+Q again" in words(app)
        await pilot.press("f1")  # the keys, opened over the form: Ctrl+Q still does not quit
        await pilot.pause()
        assert app.screen is not form
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, VoiceThanksScreen)
        assert "Nothing was sent" in words(app) and "hand the laptop back" in words(app)
        assert not (store.root / "responses").exists() or not list((store.root / "responses").glob("*.toml"))
        await pilot.press("escape")  # staff
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_ctrl_q_on_the_last_step_keeps_the_comment_being_typed(make_app: Callable[..., SeedsApp], store: Store) -> None:
    from seeds_tui.tui.screens.voice import VoiceFormScreen
    from seeds_tui.tui.widgets.text import NoteArea

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        await type_text(pilot, "Riverside")
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VoiceFormScreen)
        for _ in form.questionnaire.statements:
            await pilot.press("3")
        await pilot.pause()
        await type_text(pilot, "Listened well")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.screen is form and "Ctrl+Q again" in words(app)
        assert form.query_one("#voice-comment", NoteArea).text == "Listened well"
        await type_text(pilot, " today")  # typing on: the first press is forgotten
        await pilot.pause()
        assert "Ctrl+Q again" not in words(app)
        await pilot.press("tab", "enter")
        await settle(app, pilot)
        assert [p.read_text().count("Listened well today") for p in (store.root / "responses").glob("*.toml")] == [1]


# -- 4. toasts: not over a dialog, not over the notes, not from the last observation ---------------


async def test_a_toast_raised_while_a_dialog_is_open_waits_for_it_to_close(make_app: Callable[..., SeedsApp]) -> None:
    from seeds_tui.tui.dialogs.base import TextEntryDialog
    from seeds_tui.tui.screens.scoring import ScoringScreen

    app = make_app(offer_resume=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("m")  # "Mark at 00:00 · 1 not attached"
        for _ in range(40):  # Textual adds a toast when its message is handled: a few frames on
            await pilot.pause(0.025)
            if toasts(app):
                break
        assert toasts(app)
        await pilot.press("e")  # the evidence note: the mark's toast is taken off it
        await pilot.pause()
        assert isinstance(app.screen, TextEntryDialog)
        assert not toasts(app)
        app.notify("Published 1 final to the shared store", title="Shared store")  # as the publishing worker does
        app.notify("Draft not saved: the disk is full", severity="error", timeout=20)
        await pilot.pause()
        assert not toasts(app) and "shared store" not in words(app)
        await type_text(pilot, "Opened warmly")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        await pilot.pause(0.2)
        said = words(app)
        assert "Mark at 00:00" in said and "Published 1 final" in said and "disk is full" in said


async def test_a_dialogs_own_message_shows_over_it(make_app: Callable[..., SeedsApp], clock) -> None:  # type: ignore[no-untyped-def]
    app = make_app(offer_resume=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await set_up(pilot, "seed-one-to-one")
        clock.now = 75.0
        await pilot.press("m", "x")
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause(0.1)
        assert isinstance(app.screen, MarksDialog)
        assert "Mark at 01:15 removed · u puts it back" in words(app)


async def test_many_toasts_at_once_stay_clear_of_the_notes_and_the_tally_bar(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app(offer_resume=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await set_up(pilot, "mi-informed-conversation")
        await pilot.press("m", "m", "m", "m", "ctrl+s")
        for n in range(3):
            app.notify(
                f"Warning {n}: a long message that wraps onto a second, a third and a fourth line at eighty columns, "
                "as a saved draft's path does: /a/store/drafts/01M83XJ880XM9FX3E83V9F3ENN.toml",
                title="Check",
                severity="warning",
            )
        await pilot.pause(0.3)
        assert 1 < len(toasts(app)) <= 3  # as many as fit above the notes, the newest among them
        screen = app.screen
        lines = screen_text(app).splitlines()
        # What shows on the rows of the notes, the tally bar and the footer is theirs, not a toast's
        # (the toasts stop short of them, cut if they must be).
        notes = screen.query_one("#section-notes").region
        assert lines[notes.y].startswith("╭─ Section notes") and lines[notes.y].rstrip().endswith("╮")
        assert all(line.startswith("│") and line.rstrip().endswith("│") for line in lines[notes.y + 1 : notes.bottom - 1])
        bar = screen.query_one("#counters").region
        assert "▌" not in "".join(lines[bar.y : bar.bottom]) and "Open question" in lines[bar.y]
        assert lines[-1].startswith("e Note")
        assert "Warning 2" in words(app) and "4 not attached" not in words(app)  # the newest show


async def test_the_last_observations_toasts_are_gone_when_the_next_opens(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    from seeds_tui.tui.dialogs.base import ConfirmDialog
    from seeds_tui.tui.screens.home import HomeScreen
    from seeds_tui.tui.screens.review import ReviewScreen

    finalised(store, registry)
    app = make_app(offer_resume=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        app.push_screen(ConfirmDialog("Write the sheet?", "A question"))
        await pilot.pause()
        app.notify("Final file written: /a/store/x.toml", title="Finalised")  # held while the question is open
        await pilot.pause()
        assert not toasts(app)
        await pilot.press("n")
        await pilot.pause(0.1)
        assert isinstance(app.screen, HomeScreen) and "Final file written" in words(app)  # shown once it closed
        await pilot.press("enter")  # the next observation: the last one's toasts are not about it
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "Final file written" not in words(app) and not toasts(app)


async def test_a_toast_from_a_thread_worker_shows_and_an_error_outlasts_newer_information(make_app: Callable[..., SeedsApp]) -> None:
    import threading

    app = make_app(offer_resume=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await set_up(pilot, "seed-one-to-one")
        app.notify("Draft not saved: the disk is full", severity="error", timeout=20)
        worker = threading.Thread(target=lambda: app.notify("1 final published to the shared store", title="Shared store"))
        worker.start()
        worker.join()
        await pilot.pause(0.1)
        assert "1 final published" in words(app)
        for n in range(3):
            app.notify(f"Mark {n}")
        await pilot.pause(0.3)
        said = words(app)
        assert len(toasts(app)) == 3 and "disk is full" in said and "Mark 2" in said
        assert "shared store" not in said and "Mark 0" not in said  # information gives way first, the oldest first


async def test_a_new_screen_has_its_size_classes_from_its_first_frame(make_app: Callable[..., SeedsApp]) -> None:
    from seeds_tui.tui.base import SeedsScreen

    seen: list[set[str]] = []

    class Probe(SeedsScreen[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            return []

        def on_mount(self) -> None:
            seen.append(set(self.classes))

    app = make_app(offer_resume=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(Probe())
        await pilot.pause()
        # At 80x24 the first frame is laid out narrow and short (at 80x24 the scoring screen was first
        # drawn with the wide layout's section list, then jumped).
        assert seen and {"-narrow", "-short"} <= seen[0] and not {"-wide", "-tall"} & seen[0]
