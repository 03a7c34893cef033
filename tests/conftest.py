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
