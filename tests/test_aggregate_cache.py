"""The summary cache: derived data inside the store that is never trusted over the files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from summary_fixtures import add, registry

from seeds_tui.core.observation import observation_to_toml
from seeds_tui.storage.store import Store
from seeds_tui.team import cache, frames
from seeds_tui.team import tables as team_tables


def means(store: Store, reg) -> dict[tuple[str, str], float]:
    """Per team and section: mean percent (threshold 3)."""
    data = frames.summary_data(store, reg)
    table = team_tables.section_table(data.items, data.rubric, threshold=3)
    return {(t, s): round(float(m), 6) for t, s, m in zip(table["team"], table["section"], table["mean_percent"].fillna(-1), strict=True)}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "store")
    for who in ("A", "B", "C"):
        add(store, team="North", practitioner=who, scores={"open.a": 2, "open.b": 0})
    return store


def test_cache_is_written_owner_only_and_used(store: Store, tmp_path: Path) -> None:
    reg = registry(tmp_path)
    first = means(store, reg)
    assert first[("North", "open")] == 50.0
    for name in (cache.FILES_NAME, cache.ROWS_NAME):
        assert (store.cache_dir / name).stat().st_mode & 0o777 == 0o600
    assert means(store, reg) == first


def test_added_changed_and_removed_files_are_seen(store: Store, tmp_path: Path) -> None:
    reg = registry(tmp_path)
    assert means(store, reg)[("North", "open")] == 50.0
    new_id = add(store, team="North", practitioner="D", scores={"open.a": 2, "open.b": 2})
    assert means(store, reg)[("North", "open")] == pytest.approx((50 * 3 + 100) / 4)
    # Change the new file: same size (2 -> 0 is one character), a new inode through the atomic save.
    path = store.final_path(new_id)
    obs = store.read(path)
    changed = obs.model_copy(
        update={"scores": {"open": {"a": obs.scores["open"]["a"].model_copy(update={"value": 0}), "b": obs.scores["open"]["b"]}}}
    )
    text = observation_to_toml(changed)
    assert len(text) == path.stat().st_size
    path.write_text(text)  # in place, as an editor might
    assert means(store, reg)[("North", "open")] == pytest.approx((50 * 3 + 50) / 4)
    path.unlink()
    assert means(store, reg)[("North", "open")] == 50.0


def test_stat_check_reparses_only_what_changed(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_NS", -(10**12))  # trust timestamps at once (normally: after 3 s)
    first = cache.load_rows(store)
    assert (first.parsed, first.cached) == (3, 0)
    again = cache.load_rows(store)
    assert (again.parsed, again.cached) == (0, 3)
    add(store, team="North", practitioner="D", scores={"open.a": 1})
    after = cache.load_rows(store)
    assert (after.parsed, after.cached) == (1, 3)
    victim = sorted(store.final_dir.glob("*.toml"))[0]
    victim.unlink()
    gone = cache.load_rows(store)
    assert (gone.parsed, gone.cached) == (0, 3) and len(gone.files) == 3
    assert victim.stem not in set(gone.files["observation_id"].astype(str))


def test_recent_files_are_not_trusted_from_the_cache(store: Store) -> None:
    cache.load_rows(store)
    again = cache.load_rows(store)
    assert again.parsed == 3  # written moments ago: timestamps may not show a change yet


def test_deleted_or_damaged_cache_is_rebuilt(store: Store, tmp_path: Path) -> None:
    reg = registry(tmp_path)
    good = means(store, reg)
    cache.clear(store)
    assert not (store.cache_dir / cache.ROWS_NAME).exists()
    assert means(store, reg) == good
    (store.cache_dir / cache.ROWS_NAME).write_bytes(b"not arrow at all")
    assert means(store, reg) == good
    (store.cache_dir / cache.FILES_NAME).write_bytes(b"\x00" * 100)
    assert means(store, reg) == good
    # Tables from two different writes (generations) are not mixed.
    rows = (store.cache_dir / cache.ROWS_NAME).read_bytes()
    add(store, team="North", practitioner="D", scores={"open.a": 2, "open.b": 2})
    expected = means(store, reg)
    (store.cache_dir / cache.ROWS_NAME).write_bytes(rows)
    assert means(store, reg) == expected


def test_broken_files_are_cached_as_problems_and_fixed_files_come_back(store: Store, tmp_path: Path) -> None:
    reg = registry(tmp_path)
    bad = store.final_dir / "01BROKENBROKENBROKENBROKEN.toml"
    bad.write_text("schema = 'nope'\n")
    data = frames.summary_data(store, reg)
    assert len(data.problems) == 1 and "could not be read" in data.problems[0]
    assert len(frames.summary_data(store, reg).problems) == 1
    bad.unlink()
    assert frames.summary_data(store, reg).problems == []


def test_no_cache_leaves_the_cache_alone(store: Store, tmp_path: Path) -> None:
    reg = registry(tmp_path)
    frames.summary_data(store, reg, use_cache=False)
    assert not store.cache_dir.exists() or not any(store.cache_dir.iterdir())


def test_read_only_store_still_summarises(store: Store, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    os.chmod(store.root, 0o500)
    try:
        assert means(store, registry(tmp_path))[("North", "open")] == 50.0
    finally:
        os.chmod(store.root, 0o700)


def test_temp_and_hidden_files_are_ignored(store: Store) -> None:
    (store.final_dir / ".tmp-something.toml.1234").write_text("half written")
    (store.final_dir / "notes.txt").write_text("not an observation")
    rows = cache.load_rows(store)
    assert len(rows.files) == 3 and rows.problems == []


def test_a_cache_written_before_rows_were_kept_by_kind_gives_the_same_tables(store: Store, tmp_path: Path) -> None:
    """An older seeds-tui wrote the rows file by file (kinds interleaved): the tables are the same,
    and the cache is put in order of kind once, silently."""
    import pyarrow as pa
    import pyarrow.ipc

    reg = registry(tmp_path)
    add(store, team="North", practitioner="D", scores={"open.a": 1, "open.b": "NA"}, globals_={"overall": 2})
    expected = means(store, reg)
    path = store.cache_dir / cache.ROWS_NAME
    with pa.memory_map(str(path)) as source:
        rows = pa.ipc.open_file(source).read_all()
    kinds = rows.column("kind").to_numpy()
    assert (kinds[1:] >= kinds[:-1]).all()  # kept by kind
    shuffled = rows.take(pa.array(list(range(rows.num_rows))[::-1]))  # the kinds out of order again
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, shuffled.schema) as writer:
        writer.write_table(shuffled)
    path.write_bytes(sink.getvalue().to_pybytes())
    assert means(store, reg) == expected
    with pa.memory_map(str(path)) as source:
        again = pa.ipc.open_file(source).read_all().column("kind").to_numpy()
    assert (again[1:] >= again[:-1]).all()


def test_tables_grouped_by_category_codes_equal_pandas_groupbys(store: Store, tmp_path: Path) -> None:
    """The fast path (category codes, bincounts) and pandas' own groupbys (plain text columns) give
    the same per-observation scores and the same team x section table."""
    reg = registry(tmp_path)
    add(store, team="South", practitioner="E", scores={"open.a": 1, "open.b": "NO"})
    add(store, team="South", practitioner="F", scores={"open.a": 0, "open.b": 2}, when=__import__("datetime").date(2026, 8, 3))
    data = frames.summary_data(store, reg)
    items = data.items
    plain = items.assign(**{c: items[c].astype(object) for c in ("observation_id", "team", "practitioner", "quarter", "section", "item")})
    fast = team_tables.observation_scores(items)
    slow = team_tables.observation_scores(plain)
    key = ["observation_id", "section"]
    fast = fast.assign(**{c: fast[c].astype(str) for c in key}).sort_values(key).reset_index(drop=True)
    slow = slow.assign(**{c: slow[c].astype(str) for c in key}).sort_values(key).reset_index(drop=True)
    assert fast[["observation_id", "section", "points", "possible"]].equals(slow[["observation_id", "section", "points", "possible"]])
    assert fast["percent"].round(9).equals(slow["percent"].round(9))
    by_codes = team_tables.section_table(items, data.rubric, threshold=3)
    by_pandas = team_tables.section_table(plain, data.rubric, threshold=3)
    cols = ["team", "section", "observations", "practitioners", "mean_percent", "median_percent", "shown", "missed", "na", "no"]
    assert by_codes[cols].astype(str).equals(by_pandas[cols].astype(str))
