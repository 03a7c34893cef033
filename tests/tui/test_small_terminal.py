"""An SPO's terminal at 80x24 (and 80x20): every dialog fits with its buttons on screen, the scoring
keys and every tally can be read, toasts cover nothing being typed or read, the home list keeps names.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from screen_text import screen_text
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Select, TextArea
from tui_helpers import TODAY, set_up, steady

from seeds_tui.core.observation import Action, RubricRef, Score, Session, new_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.dialogs import ConfirmDialog, MessageDialog, TextEntryDialog
from seeds_tui.tui.dialogs.feedback import ActionDialog, LinkedNoteDialog
from seeds_tui.tui.dialogs.marks import MarksDialog
from seeds_tui.tui.screens.help import HelpScreen
from seeds_tui.tui.screens.scoring import ScoringScreen
from seeds_tui.tui.widgets.team_export import ExportDialog

SIZES = [(80, 24), (80, 20)]
LONG = "\n".join(f"Line {n} of a long message that an SPO must be able to scroll through." for n in range(40))


def _shown(widget: Widget) -> Region:
    """The part of ``widget`` actually on screen: clipped by every scrolling container above it."""
    region = widget.region
    node = widget.parent
    while isinstance(node, Widget):
        if node.is_scrollable:
            region = region.intersection(node.scrollable_content_region)
        node = node.parent
    return region.intersection(widget.screen.region)


def _dialogs(app: SeedsApp) -> list[tuple[str, Callable[[], Screen[object]]]]:
    session = app.session
    assert session is not None
    rubric, obs = session.rubric, session.observation
    for _ in range(30):
        session.add_mark()
    item_key = session.key_of(session.section, session.item)
    return [
        ("confirm", lambda: ConfirmDialog("Finalise now?", LONG, yes="Finalise", no="Go back")),
        ("message", lambda: MessageDialog("Not finalised", LONG)),
        ("evidence", lambda: TextEntryDialog("Evidence", "x", context="An item's text\nNow: level 2 · session clock 03:10")),
        ("strength", lambda: LinkedNoteDialog("Strength", rubric, obs)),
        ("development", lambda: LinkedNoteDialog("Development area", rubric, obs)),
        ("action", lambda: ActionDialog(Action(text="Agree an agenda", owner="Pat"), rubric=rubric, obs=obs)),
        ("marks", lambda: MarksDialog(session, item_key)),
        ("help", lambda: HelpScreen(app.screen)),
        ("export", lambda: ExportDialog("Writes into /a/store/reports/")),
    ]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("rubric_id", ["seed-one-to-one", "mi-informed-conversation"])
async def test_every_dialog_fits_with_its_buttons_and_fields_on_screen(
    make_app: Callable[..., SeedsApp], size: tuple[int, int], rubric_id: str
) -> None:
    app = make_app(offer_resume=False)
    async with app.run_test(size=size) as pilot:
        await set_up(pilot, rubric_id)
        assert isinstance(app.screen, ScoringScreen)
        for name, build in _dialogs(app):
            await app.push_screen(build())
            await pilot.pause()
            await pilot.pause()
            dialog = app.screen
            screen = dialog.region
            box = dialog.query_one(".dialog") if dialog.query(".dialog") else dialog.query_one("Vertical")
            assert screen.contains_region(box.region), f"{name} at {size}: box {box.region} is not all on the screen"
            for button in dialog.query(Button):
                assert _shown(button) == button.region, f"{name} at {size}: button {button.label} is off the screen"
            for field in dialog.query("TextArea, Input, Select, OptionList").results():
                assert isinstance(field, (TextArea, Input, Select, OptionList))
                field.focus()
                await pilot.pause()
                await pilot.wait_for_scheduled_animations()  # the dialog scrolls the field into view
                shown = _shown(field)
                assert shown.height >= min(3, field.region.height), f"{name} at {size}: {field.id} cannot be seen when focused"
                for button in dialog.query(Button):
                    assert not button.region.overlaps(shown), f"{name} at {size}: {field.id} is under the buttons"
            dialog.dismiss(None)
            await pilot.pause()


async def test_a_dialog_open_while_the_terminal_shrinks_keeps_its_buttons(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app(offer_resume=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await set_up(pilot, "seed-one-to-one")
        session = app.session
        assert session is not None
        await app.push_screen(ActionDialog(rubric=session.rubric, obs=session.observation))
        await pilot.pause()
        await pilot.resize_terminal(80, 20)
        await pilot.pause()
        await pilot.pause()
        for button in app.screen.query(Button):
            assert _shown(button) == button.region and app.screen.region.contains_region(button.region), button.label
        await pilot.resize_terminal(120, 40)  # room again: the form shows whole, nothing to scroll
        await pilot.pause()
        await pilot.pause()
        form = app.screen.query_one(".dialog-form")
        assert form.max_scroll_y == 0


RUBRICS = ["seed-one-to-one", "jersey-interview-skills", "mi-informed-conversation"]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("rubric_id", RUBRICS)
async def test_the_footer_shows_the_keys_needed_while_scoring(
    make_app: Callable[..., SeedsApp], size: tuple[int, int], rubric_id: str
) -> None:
    app = make_app(offer_resume=False)
    async with app.run_test(size=size) as pilot:
        await set_up(pilot, rubric_id)
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        for key in ("e Note", "0-9 Level", "a NA", "o NO", "m Mark", "x Marks", "n Next", "t Clock", "f3 After", "f1 Keys"):
            assert key in footer, f"{key!r} is not in the footer at {size}: {footer!r}"
        await pilot.press("ctrl+q")  # not in the footer, still quits
        await pilot.pause()
    assert app.return_value == 0


@pytest.mark.parametrize("rubric_id", RUBRICS)
async def test_every_tally_label_and_count_is_whole_at_80_columns(make_app: Callable[..., SeedsApp], rubric_id: str) -> None:
    app = make_app(offer_resume=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await set_up(pilot, rubric_id)
        session = app.session
        assert session is not None
        counters = session.rubric.counters
        if not counters:  # no tallies in this rubric: no bar
            assert not app.screen.query("#counters")
            return
        await pilot.press(*[c.key for c in counters[:3]], counters[0].key)
        await pilot.pause()
        text = screen_text(app)
        for counter in counters:
            count = session.observation.counters.get(counter.id, 0)
            assert re.search(rf"{re.escape(counter.key)}  {re.escape(counter.title)} +{count}( |$)", text, re.MULTILINE), (
                f"{counter.title} with its count {count} is not shown whole:\n{text}"
            )
        assert session.observation.counters[counters[0].id] == 2
        bar = app.screen.query_one("#counters")
        assert "…" not in "".join(text.splitlines()[bar.region.y : bar.region.bottom])
        await pilot.resize_terminal(64, 24)  # narrower still: labels are cut rather than the bar taking the notes' room
        await pilot.pause()
        assert bar.region.height <= 5


def _toasts(app: SeedsApp) -> list[Widget]:
    from textual.widgets._toast import Toast

    return list(app.screen.query(Toast))


async def test_toasts_cover_neither_the_notes_nor_the_tallies_nor_the_keys(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app(offer_resume=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await set_up(pilot, "mi-informed-conversation")
        await pilot.press("m", "ctrl+s", "tab")  # a mark, "Draft saved: <path>", into the notes
        app.notify("Mr Smith, born 12/03/1985, may be personal data.", title="Personal data?", severity="warning")
        await pilot.pause(0.3)
        toasts = _toasts(app)
        assert len(toasts) >= 3
        screen = app.screen
        kept_clear = [screen.query_one("#section-notes"), screen.query_one("#counters"), screen.query_one("Footer")]
        for toast in toasts:
            for widget in kept_clear:
                assert not toast.region.overlaps(widget.region), f"a toast at {toast.region} covers {widget} at {widget.region}"


async def test_a_new_observation_opens_without_the_last_ones_toasts(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app(offer_resume=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.notify("Final file written: /a/store/observations/x.toml", title="Finalised", timeout=12)
        await pilot.pause()
        assert _toasts(app)
        await pilot.press("n")  # a new observation: choose a rubric
        await pilot.pause()
        assert not _toasts(app)
        await set_up(pilot, "seed-one-to-one")
        app.notify("Feedback sheet written: /a/store/reports/x.pdf", title="Feedback sheet written", timeout=15)
        await pilot.pause()
        await pilot.press("escape")  # home: the toasts stay a moment, then Enter opens the draft again
        await steady(pilot)
        assert _toasts(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert not _toasts(app)


async def test_an_information_toast_goes_within_five_seconds(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app(offer_resume=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.notify("Final file written: /a/store/observations/x.toml", title="Finalised", timeout=12)
        app.notify("Not saved: the disk is full", title="Draft not saved", severity="error", timeout=12)
        await pilot.pause()
        assert len(_toasts(app)) == 2
        await pilot.pause(5.3)
        assert [t.has_class("-error") for t in _toasts(app)] == [True]  # the error is still there to be read


NOTE = "Evidence: she set the agenda together with the person and agreed the three things they would cover today, then checked."


@pytest.mark.parametrize("sizes", [((80, 24), (120, 40)), ((120, 40), (80, 24))], ids=["wider", "narrower"])
async def test_an_evidence_note_open_across_a_resize_shows_its_text_wrapped_to_the_new_width(
    make_app: Callable[..., SeedsApp], sizes: tuple[tuple[int, int], tuple[int, int]]
) -> None:
    app = make_app(offer_resume=False)
    start, end = sizes
    async with app.run_test(size=start) as pilot:
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("e")
        await pilot.pause()
        area = app.screen.query_one("#entry", TextArea)
        area.insert(NOTE)
        await pilot.pause(0.2)
        await pilot.resize_terminal(*end)
        await pilot.pause(0.3)

        def note_lines() -> list[str]:
            return screen_text(app).splitlines()[area.region.y : area.region.bottom]

        after_resize = note_lines()
        await pilot.press("x", "backspace")  # the next key: the note as it should have been drawn
        await pilot.pause(0.2)
        assert area.text == NOTE
        assert after_resize == note_lines()


def _final(store: Store, registry: RubricRegistry, practitioner: str, team: str, observer: str) -> None:
    loaded = registry.get("seed-one-to-one")
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=TODAY, observer=observer, practitioner=practitioner, team=team),
    )
    obs = store.save_draft(obs.model_copy(update={"scores": {s.id: {i.id: Score(value=2) for i in s.items} for s in rubric.sections}}))
    store.finalise(obs, rubric)


async def test_the_home_list_at_80_columns_keeps_names_whole_and_the_observer_gives_way_first(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    _final(store, registry, "Grace Morgan", "Cardiff Central", "Mohammed Rahman")
    _final(store, registry, "Kieran Davies", "Harbourside", "Siobhan Thomas")
    app = make_app(offer_resume=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await steady(pilot)
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "Status" in line)
        for title in ("Status", "Date", "Practitioner", "Team", "Rubric", "Progress", "Observer"):
            assert title in header, f"{title} is cut or missing: {header!r}"
        rows = [line for line in lines if "Grace" in line or "Kieran" in line]
        assert len(rows) == 2 and "Grace Morgan " in "\n".join(rows) and "Kieran Davies " in "\n".join(rows), rows
        assert all(line.rstrip().endswith("…") or "Mohammed Rahman" in line or "Siobhan Thomas" in line for line in rows)
        assert any("Mohammed Rahman" not in line and "Grace Morgan" in line for line in rows)  # the observer gave way
        assert all(len(line) <= 80 for line in lines)
