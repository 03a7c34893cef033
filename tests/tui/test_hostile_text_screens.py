"""Hostile text from files on every screen of the calibration and feedback flow (issue 11, the attacker's pass).

A rubric whose every title carries terminal escapes (``ESC ] 0 ;…BEL`` renames the window,
``ESC [ 2 J`` wipes the screen, a C1 ``CSI``) and notes, a practitioner's name and a team
holding the same are opened on the home, review, after-session, calibration, comparison and
consensus screens. No control character may reach what the app draws: each is shown as a
visible stand-in (``␛``). The scoring screen's case is tested through a real pseudo-terminal in
``test_promises_pty.py``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from textual.pilot import Pilot
from tui_helpers import FROZEN, TODAY, FakeClock, steady

from seeds_tui.core.rubric import RubricRegistry, bundled_rubric_dir
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp, create_app

ESCAPES = "\x1b]0;zqxwindow\x07\x1b[2J\x9b2J"
CONTROL = [chr(c) for c in range(0x20) if chr(c) not in "\n"] + [chr(c) for c in range(0x7F, 0xA0)]


def _cases():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("tui_calibration_cases", Path(__file__).with_name("test_calibration.py"))
    assert spec is not None and spec.loader is not None
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    return cases


def _hostile_registry(folder: Path) -> RubricRegistry:
    folder.mkdir()
    source = (bundled_rubric_dir() / "seed-one-to-one.toml").read_text(encoding="utf-8")
    hostile = source.replace('id = "seed-one-to-one"', 'id = "hostile-seed"', 1)
    hostile = hostile.replace('title = "', 'title = "\\u001b]0;zqxwindow\\u0007\\u001b[2J\\u009b2J ')
    (folder / "hostile.toml").write_text(hostile, encoding="utf-8")
    return RubricRegistry([bundled_rubric_dir(), folder])


def _drawn(app: SeedsApp) -> str:
    """Every character the app draws for the current screen (Textual's own export of the screen)."""
    return app.export_screenshot()


def _clean(app: SeedsApp, where: str) -> None:
    drawn = _drawn(app)
    found = sorted({f"U+{ord(c):04X}" for c in drawn if c in CONTROL and c not in "\t\r"})
    assert not found, f"control characters {found} reach the terminal on the {where}"
    assert "zqx" in drawn, f"the hostile text is not shown on the {where} at all"


async def test_no_escape_from_a_file_reaches_any_screen(tmp_path: Path) -> None:
    cases = _cases()
    store, registry = Store(tmp_path / "store"), _hostile_registry(tmp_path / "rubrics")
    note = f"seen {ESCAPES} zqxnote"
    cases.calibration_observation(store, registry, "Sam Observer", cases.SAM, {"beginning.agenda": note}, rubric_id="hostile-seed")
    cases.calibration_observation(
        store, registry, "Alex Observer", cases.ALEX, {"beginning.agenda": f"other {ESCAPES} zqxother"}, rubric_id="hostile-seed"
    )
    app = create_app(store, registry, today=TODAY, clock_source=FakeClock(), now_fn=lambda: FROZEN, autosave_delay=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await steady(pilot)
        _clean(app, "home screen")
        await pilot.press("enter")  # a final: its review
        await pilot.pause()
        _clean(app, "review screen")
        await pilot.press("f3")
        await pilot.pause()
        _clean(app, "after-session screen")
        await pilot.press("f2")
        await pilot.pause()
        _clean(app, "scoring screen (read-only)")
        await pilot.press("f1")
        await pilot.pause()
        _clean(app, "keys screen")
        app.go_home()
        await pilot.pause()
        await _calibration(pilot, app)


async def _calibration(pilot: Pilot, app: SeedsApp) -> None:
    await pilot.press("c")
    await pilot.pause()
    await steady(pilot)
    _clean(app, "calibration screen")
    await pilot.press("enter")
    await pilot.pause()
    _clean(app, "comparison screen")
    await pilot.press("i")
    await pilot.pause()
    _clean(app, "comparison screen's every-item view")
    await pilot.press("a")
    await pilot.pause()
    _clean(app, "consensus screen")
