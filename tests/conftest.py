"""Isolation for every test: no test touches the user's real store, config or rubric folders."""

from __future__ import annotations

from pathlib import Path

import pytest
import textual._wait


def _idle_checked_in_finer_steps() -> None:
    """After every key a Pilot presses, it waits until the app is idle (``textual._wait.wait_for_idle``:
    sleep one step, see whether the process used under 5% of a CPU in it). Textual's step is 20 ms, so
    a key costs at least 40 ms even when the app has long finished with it, and the app's tests type
    some thousands of keys: most of the suite's time was that wait. Sampled in 5 ms steps the rule is
    the same (a step with under 5% CPU), seen sooner. textual is pinned; if it renames these, this
    says so rather than silently doing nothing."""
    if not hasattr(textual._wait, "SLEEP_GRANULARITY") or not hasattr(textual._wait, "SLEEP_IDLE"):
        raise pytest.UsageError("textual._wait no longer has SLEEP_GRANULARITY/SLEEP_IDLE: see tests/conftest.py")
    textual._wait.SLEEP_GRANULARITY = 0.005
    textual._wait.SLEEP_IDLE = textual._wait.SLEEP_GRANULARITY / 20


_idle_checked_in_finer_steps()


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point SEEDS_STORE and SEEDS_CONFIG_DIR at fresh temp folders; drop SEEDS_RUBRICS."""
    base = tmp_path_factory.mktemp("user")
    folders = {"store": base / "store", "config": base / "config"}
    monkeypatch.setenv("SEEDS_STORE", str(folders["store"]))
    monkeypatch.setenv("SEEDS_CONFIG_DIR", str(folders["config"]))
    monkeypatch.delenv("SEEDS_RUBRICS", raising=False)
    monkeypatch.setenv("HOME", str(base / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "xdg-config"))
    return folders


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist, the tests that share a module-scoped fixture run on one worker, so the
    fixture (a demo store, a rendered PDF) is built once rather than once per worker.

    Tests that already name an ``xdist_group`` (the pseudo-terminal ones) keep theirs.
    """
    if not config.pluginmanager.hasplugin("xdist"):
        return
    if int(pytest.__version__.split(".")[0]) >= 9:
        # pytest-xdist 3.8 groups tests by renaming them (``item._nodeid``), which pytest 9 no longer
        # reads: the groups would be silently ignored and the terminal tests spread over workers.
        raise pytest.UsageError("the test extra needs pytest 8 (pytest-xdist's groups do not work with pytest 9)")
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        module = item.nodeid.split("::", 1)[0]
        shared = any(defs and defs[-1].scope == "module" for defs in info.name2fixturedefs.values())
        if shared:
            item.add_marker(pytest.mark.xdist_group(f"module:{module}"))
