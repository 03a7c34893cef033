"""Isolation for every test: no test touches the user's real store, config or rubric folders."""

from __future__ import annotations

from pathlib import Path

import pytest


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
