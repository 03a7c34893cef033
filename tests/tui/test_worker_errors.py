"""One funnel for unexpected errors in the app's workers (issue 11/13): a dialog, a report, the app goes on.

A bug in a background task (reading the list, the calibration sessions, writing the sheet) is
simulated by making the store reader it calls raise an exception whose message holds a
private word. The app must show one plain dialog ("Something went wrong while <task>"),
write a crash report without that word, keep running, and answer keys once the dialog is closed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from screen_text import screen_text
from tui_helpers import finalised, steady

from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.controllers.records import Records
from seeds_tui.tui.dialogs import MessageDialog
from seeds_tui.tui.screens.rubric import RubricScreen

SECRET = "zqxsecret typed by the user"


def _broken(*args: object, **kwargs: object) -> object:
    raise RuntimeError(f"a bug holding {SECRET}")


@pytest.mark.parametrize(
    ("method", "keys", "task"),
    [
        ("files", [], "reading the list of observations"),
        ("calibration_sessions", ["c"], "reading the double-scored sessions"),
        ("write_sheet", ["enter", "w"], "writing the feedback sheet"),
    ],
    ids=["home list", "calibration list", "feedback sheet"],
)
async def test_a_failing_worker_opens_a_dialog_and_the_app_goes_on(
    make_app: Callable[..., SeedsApp],
    store: Store,
    registry: RubricRegistry,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    keys: list[str],
    task: str,
) -> None:
    monkeypatch.setenv("SEEDS_DATA_DIR", str(tmp_path / "data"))
    finalised(store, registry)
    monkeypatch.setattr(Records, method, _broken)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await steady(pilot)
        assert isinstance(app.screen, MessageDialog), app.screen
        text = " ".join(screen_text(app).split())
        assert f"Something went wrong while {task}" in text
        assert "zqxsecret" not in text and "Traceback" not in text
        await pilot.press("enter")  # OK
        await pilot.pause()
        assert not isinstance(app.screen, MessageDialog)
        assert app.return_code is None and app.is_running, "the app ended"
        app.go_home()
        await pilot.pause()
        await pilot.press("n")  # the app still answers keys
        await pilot.pause()
        assert isinstance(app.screen, RubricScreen)
    [report] = list((tmp_path / "data" / "crash-reports").glob("*.txt"))
    body = report.read_text(encoding="utf-8")
    assert "RuntimeError" in body and "zqxsecret" not in body
