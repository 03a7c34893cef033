"""The summary cache's fast parser reads exactly what the safe reader reads, and defers to it on any doubt."""

from __future__ import annotations

from pathlib import Path

import pytest

from seeds_tui.core.errors import ObservationError
from seeds_tui.core.observation import load_observation
from seeds_tui.core.tomlio import parse_toml_fast
from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store
from seeds_tui.team.cache import parse_file


def test_fast_and_safe_readers_agree_on_demo_files(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    paths = generate_demo(store, 60, seed=5)
    for path in paths:
        assert parse_toml_fast(path.read_text()) is not None
        meta, rows, error = parse_file(str(path))
        obs = load_observation(path)
        assert error is None
        assert meta[0] == obs.id and meta[5] == obs.session.practitioner
        scored = sorted((s, i, sc.value, sc.code) for s, items in obs.scores.items() for i, sc in items.items() if sc.is_set)
        assert sorted((s, i, v, c) for k, s, i, v, c, _ in rows if k == 0) == scored
        actions = [
            ((a.item or "").partition(".")[0] or None, (a.item or "").partition(".")[2], n, a.text)
            for n, a in enumerate(obs.feedback.actions)
        ]
        assert [(s, i, v, t) for k, s, i, v, c, t in rows if k == 5] == actions
        assert [(i, c) for k, s, i, v, c, t in rows if k == 6] == [(f"{a.source}:{a.index}", a.status) for a in obs.feedback.carried]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('schema = "seeds-observation/1"\nrevision = nan\n', "NaN and infinity are not allowed"),
        ('schema = "seeds-observation/1"\nid = [\n', "not valid TOML"),
        ('schema = "seeds-observation/1"\nid = "x"\n', "id: must be an observation id made by seeds-tui"),
    ],
)
def test_a_file_the_fast_path_refuses_gets_the_safe_readers_message(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ObservationError) as safe:
        load_observation(path)
    meta, rows, error = parse_file(str(path))
    assert meta is None and rows == []
    assert error == str(safe.value) and expected in error
