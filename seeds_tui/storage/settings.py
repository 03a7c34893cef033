"""Per-user settings remembered between runs (e.g. the observer's name). Never in the store."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from seeds_tui.core.tomlio import dump_toml, read_regular
from seeds_tui.storage.atomic import ensure_dir, write_atomic

SETTINGS_MAX_BYTES = 64 * 1024


def config_dir() -> Path:
    """``SEEDS_CONFIG_DIR`` if set, else the per-user config folder (platformdirs)."""
    env = os.environ.get("SEEDS_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path("seeds-tui", appauthor=False)


def settings_path() -> Path:
    """The settings file."""
    return config_dir() / "settings.toml"


def load_settings() -> dict[str, Any]:
    """The saved settings; an unreadable or damaged file counts as empty (settings are conveniences)."""
    path = settings_path()
    try:
        # Never more than the cap, whatever the file's size; never blocks on a pipe in its place.
        data = read_regular(path, max_bytes=SETTINGS_MAX_BYTES)
        if len(data) > SETTINGS_MAX_BYTES:
            return {}
        return tomllib.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, ValueError):
        return {}


def save_settings(updates: dict[str, Any]) -> None:
    """Merge ``updates`` into the settings file (atomic, owner-only). Raises ``SeedsError`` on failure."""
    settings = load_settings()
    settings.update({k: v for k, v in updates.items() if v is not None})
    path = settings_path()
    ensure_dir(path.parent)
    write_atomic(path, dump_toml(settings).encode("utf-8"))
