"""A 22,000-character paste, then typing past the limit, in every text field of the app (issue 11).

Each field keeps the text up to its limit (the file format's: 20,000 for notes, 4,000 for an
entry or a rationale, 100 for a name), says so in one plain message ("Too long", never the text),
never crashes, and the autosave goes on: the next change is saved as usual. The real app through
Textual's Pilot; the paste is the ``Paste`` event a terminal's bracketed paste becomes. The same
through a real pseudo-terminal for the evidence note: ``test_promises_pty.py`` (in the default run).
Drawing a field holding 20,000 characters costs Textual about a second a frame, so these run with
the slow tests (``pytest -m slow``, run by ``.ci/run``).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from tui_helpers import set_up, settle

from seeds_tui.core.observation import Observation, load_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.widgets.text import Limits, LineInput, NoteArea

pytestmark = pytest.mark.slow

PASTE = ("private words zqx " * 1300)[:22_000]


async def _paste_then_type(pilot: Pilot) -> None:
    """Paste PASTE into the focused field as a terminal does, then type one more key past the limit."""
    focused = pilot.app.focused
    assert isinstance(focused, (NoteArea, LineInput)), f"{focused!r} is not a field that keeps to a limit"
    pilot.app.post_message(events.Paste(PASTE))
    await pilot.pause()
    await pilot.press("x")
    await pilot.pause()


def _told_too_long(app: SeedsApp) -> None:
    told = [n for n in app._notifications if n.title == "Too long"]
    assert told, "no word about the limit"
    assert all("zqx" not in n.message for n in told), "the message quoted the text"


def _draft(store: Store, app: SeedsApp) -> Observation:
    assert app.session is not None
    return load_observation(store.draft_path(app.session.observation.id))


async def _still_autosaves(pilot: Pilot, store: Store) -> None:
    """The next change after the paste is saved as usual (nothing stopped the autosave)."""
    app = pilot.app
    assert isinstance(app, SeedsApp) and app.session is not None
    app.session.set_level(app.session.rubric.sections[-1].id, app.session.rubric.sections[-1].items[-1].id, 1)
    await settle(pilot)
    assert app.session.autosave.state == "saved" and not app.session.autosave.dirty
    obs = _draft(store, app)
    section = app.session.rubric.sections[-1]
    assert obs.scores[section.id][section.items[-1].id].value == 1


def _all_fields_keep_a_limit(app: SeedsApp) -> None:
    for field in app.screen.query(TextArea):
        assert isinstance(field, NoteArea), f"{field!r} on {app.screen!r} has no limit"
    for field in app.screen.query(Input):
        assert isinstance(field, LineInput) and field.max_length, f"{field!r} on {app.screen!r} has no limit"


async def test_an_evidence_note(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("e")
        await pilot.pause()
        _all_fields_keep_a_limit(app)
        await _paste_then_type(pilot)
        _told_too_long(app)
        await pilot.press("escape")
        await settle(pilot)
        first = app.session.rubric.sections[0]  # type: ignore[union-attr]
        assert _draft(store, app).scores[first.id][first.items[0].id].evidence == PASTE[: Limits.NOTE]
        await _still_autosaves(pilot, store)


async def test_section_notes(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await set_up(pilot, "seed-one-to-one")
        _all_fields_keep_a_limit(app)
        await pilot.press("tab")
        await pilot.pause()
        await _paste_then_type(pilot)
        _told_too_long(app)
        await settle(pilot)
        first = app.session.rubric.sections[0]  # type: ignore[union-attr]
        assert _draft(store, app).section_notes[first.id] == PASTE[: Limits.NOTE]
        assert app.session.autosave.state == "saved"  # type: ignore[union-attr]  # never "NOT SAVED" for a note at the limit
        await _still_autosaves(pilot, store)


@pytest.mark.parametrize("field", ["self-assessment", "comment"])
async def test_after_session_text(make_app: Callable[..., SeedsApp], store: Store, field: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("f3")
        await pilot.pause()
        _all_fields_keep_a_limit(app)
        app.screen.query_one(f"#{field}").focus()
        await pilot.pause()
        await _paste_then_type(pilot)
        _told_too_long(app)
        await settle(pilot)
        feedback = _draft(store, app).feedback
        assert (feedback.self_assessment if field == "self-assessment" else feedback.practitioner_comment) == PASTE[: Limits.NOTE]
        await _still_autosaves(pilot, store)


async def test_a_strength_and_an_action(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("f3")
        await pilot.pause()
        app.screen.query_one("#strengths").focus()
        await pilot.press("enter")
        await pilot.pause()
        _all_fields_keep_a_limit(app)
        await _paste_then_type(pilot)
        _told_too_long(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.screen.query_one("#actions").focus()
        await pilot.press("enter")
        await pilot.pause()
        _all_fields_keep_a_limit(app)
        await _paste_then_type(pilot)  # the action's text
        await pilot.press("tab")
        await pilot.pause()
        await _paste_then_type(pilot)  # its owner: a name
        await pilot.press("ctrl+s")
        await settle(pilot)
        feedback = _draft(store, app).feedback
        assert [s.text for s in feedback.strengths] == [PASTE[: Limits.ENTRY]]
        assert [(a.text, a.owner) for a in feedback.actions] == [(PASTE[: Limits.ENTRY], PASTE[: Limits.NAME])]
        await _still_autosaves(pilot, store)


async def test_the_set_up_fields(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        _all_fields_keep_a_limit(app)
        for field in ("observer", "practitioner", "team", "session-type"):
            found = app.screen.query(f"#{field}")
            if not found:
                continue
            widget = found.first()
            widget.focus()
            await pilot.pause()
            assert isinstance(widget, LineInput)
            widget.value = ""
            await _paste_then_type(pilot)
            assert widget.value == PASTE[: widget.max_length], field
        _told_too_long(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.session is not None, "the set-up with names at their limit did not start scoring"
        session = _draft(store, app).session
        assert session.practitioner == PASTE[: Limits.NAME].strip() or session.practitioner == PASTE[: Limits.NAME]
        await _still_autosaves(pilot, store)


async def test_a_consensus_rationale(make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry) -> None:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("tui_calibration_cases", Path(__file__).with_name("test_calibration.py"))
    assert spec is not None and spec.loader is not None
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    cases.make_pair(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await cases.open_calibration(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("2", "e")
        await pilot.pause()
        _all_fields_keep_a_limit(app)
        await _paste_then_type(pilot)
        _told_too_long(app)
        await pilot.press("escape")
        await pilot.pause()
        [consensus] = app.consensus.values()
        assert consensus.rationale["beginning.agenda"] == PASTE[: Limits.ENTRY]
        assert await consensus.autosave.flush(timeout=10)
        consensus.choose("role.authority", consensus.agreed["beginning.agenda"])  # the next change is saved too
        assert await consensus.autosave.flush(timeout=10)
        assert app.return_code is None  # still running
