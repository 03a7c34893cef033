"""Registers (``seeds_tui.storage.registers``): the one way every record kind but observations is kept."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pytest

from seeds_tui.core.errors import StoreError
from seeds_tui.core.events import TrainingEvent
from seeds_tui.storage.registers import RecordExists
from seeds_tui.storage.store import Store
from seeds_tui.team.events import EVENTS


def _event(event_id: str = "2026-04-15-reflections") -> TrainingEvent:
    return TrainingEvent(id=event_id, date=date(2026, 4, 15), title="Follow-up: reflections")


def test_a_new_record_never_replaces_a_kept_one_and_save_does(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    EVENTS.add(store, _event())
    kept = EVENTS.path(store, "2026-04-15-reflections").read_bytes()
    with pytest.raises(RecordExists, match="already kept"):
        EVENTS.add(store, _event().model_copy(update={"title": "Another"}))
    assert EVENTS.path(store, "2026-04-15-reflections").read_bytes() == kept
    EVENTS.save(store, _event().model_copy(update={"title": "Renamed"}))
    assert [e.title for e in EVENTS.list(store)[0]] == ["Renamed"]
    if os.name == "posix":
        assert EVENTS.path(store, "2026-04-15-reflections").stat().st_mode & 0o077 == 0


def test_bad_and_misnamed_files_are_problems_and_the_rest_are_read(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    EVENTS.add(store, _event())
    folder = EVENTS.dir(store)
    (folder / "broken.toml").write_bytes(b"\xff\xfe not toml [[[")
    (folder / "other-name.toml").write_text(_event().to_toml())
    (folder / ".tmp-half.toml").write_text("schema = ")
    records, problems = EVENTS.list(store)
    assert [r.id for r in records] == ["2026-04-15-reflections"]
    assert sorted(p.path.name for p in problems) == ["broken.toml", "other-name.toml"]
    assert any("rename it to 2026-04-15-reflections.toml" in p.message for p in problems)
    assert EVENTS.find(store, "../store/events/2026-04-15-reflections") is None


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_a_register_folder_that_is_a_link_is_refused_not_written_through(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    store.ensure()
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "store" / "events").symlink_to(outside)
    with pytest.raises(StoreError):
        EVENTS.add(store, _event())
    assert list(outside.iterdir()) == []
