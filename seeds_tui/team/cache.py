"""The summary cache: observation files flattened into two Arrow tables, kept inside the store.

The TOML files are the only truth. The cache is derived data in ``STORE/.cache/``, safe to
delete, and never trusted over the files: each run stats every observation file and
compares its (size, mtime, ctime, inode) with the cached manifest; new or changed files are
parsed again, removed files are dropped, and anything odd about the cache itself (missing,
damaged, written by another version, the two tables out of step) means a silent rebuild.

Two tables are kept, written atomically and owner-only:

``files-v4.arrow``
    one row per observation file: the manifest key (path relative to the store, size,
    mtime_ns, ctime_ns, inode), whether it loaded, the error message if not, and the
    observation's metadata (id, status, rubric id and version, team, practitioner, observer,
    session date, number of agreed actions). ``fid`` links it to the rows.
``rows-v4.arrow``
    one row per scored item, global rating, counter tally, linked strength or development
    area, agreed action and carried action: ``fid``, ``kind`` (see ``KINDS``), ``section``,
    ``item``, ``value``, ``code``, ``text``, kept in order of kind (a summary takes one kind as a
    slice; within a kind, rows are in the order their files were read). An agreed action's row holds the item it addresses
    (``section``, ``item``, or neither), its position in ``feedback.actions`` (``value``) and its
    wording (``text``); a carried action's row holds ``SOURCE:INDEX`` (the action where it was
    first agreed) in ``item`` and its status (``done``, ``ongoing``, ``dropped`` or none) in ``code``.
    A ``clock`` row (item ``elapsed``, the session clock's seconds in ``value``) is kept only for
    an observation whose tally press times are complete (``seeds_tui.core.tallies.rates_shown``):
    tally rates per minute rest on it. A cache written for another observation schema is rebuilt.

Files are parsed with the product's own reader (``seeds_tui.core.observation.read_observation``:
safe TOML reading, migrations and full model validation), so a file the cache accepts is a
file ``seeds-tui validate`` accepts as a format; a file that fails is kept as a failure and
reported on every run until it is fixed or removed.

pyarrow is a core dependency; were it missing, summaries say the installation is incomplete.
"""

from __future__ import annotations

import array
import contextlib
import io
import os
import secrets
import stat
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from seeds_tui.core.errors import MissingPart, ObservationError, SeedsError
from seeds_tui.core.observation import OBSERVATION_MAX_BYTES, OBSERVATION_SCHEMA, Observation, parse_observation, read_observation
from seeds_tui.core.tallies import rates_shown
from seeds_tui.core.tomlio import decode_text, parse_toml_fast, read_bytes
from seeds_tui.storage.atomic import check_no_links, ensure_dir, is_temp_name, remove_file, write_atomic
from seeds_tui.storage.store import file_name_problem

if TYPE_CHECKING:
    import pandas as pd

    from seeds_tui.storage.store import Store

#: Bump when what the cache holds or how files are read changes: older caches are rebuilt.
CACHE_VERSION = 4
FILES_NAME = f"files-v{CACHE_VERSION}.arrow"
ROWS_NAME = f"rows-v{CACHE_VERSION}.arrow"

#: Row kinds in the rows table.
KINDS: dict[str, int] = {"score": 0, "global": 1, "counter": 2, "strength": 3, "development": 4, "action": 5, "carried": 6, "clock": 7}

#: Parse in a pool of processes when at least this many files need parsing.
POOL_THRESHOLD = 400

#: Files modified this close to the cache's own writing are not trusted from the cache.
RACY_NS = 3_000_000_000

Progress = Callable[[int, int], None]

_FILE_COLUMNS = (
    "fid", "path", "size", "mtime_ns", "ctime_ns", "inode", "ok", "error", "observation_id", "status",
    "rubric_id", "rubric_version", "team", "practitioner", "observer", "session_date", "actions", "pair_ref",
)  # fmt: skip
_ROW_COLUMNS = ("fid", "kind", "section", "item", "value", "code", "text")
_STR_COLUMNS = ("observation_id", "status", "rubric_id", "rubric_version", "team", "practitioner", "observer")


@dataclass
class StoreRows:
    """What the cache gives the aggregation layer.

    ``files`` has one row per loaded observation file (columns of ``files-v4.arrow`` less the
    manifest), ``rows`` one row per scored item, rating, tally or link, and ``problems`` the
    files that could not be read, as (path, message) pairs.
    """

    files: pd.DataFrame
    rows: pd.DataFrame
    problems: list[tuple[Path, str]] = field(default_factory=list)
    parsed: int = 0
    cached: int = 0


@dataclass(frozen=True)
class _Stat:
    path: str
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int


def scan(store: Store, *, include_drafts: bool = True) -> list[_Stat]:
    """Stat every observation file (finals, and drafts unless told not to), sorted by path.

    Only regular files count (a pipe or device named ``*.toml`` is skipped: reading it could
    block). A draft whose final file exists (left by a finalise cut short) is skipped: the
    observation counts once, as its final.
    """
    paths, stamps = _scan_columns(store, include_drafts=include_drafts)
    order = sorted(range(len(paths)), key=paths.__getitem__)
    return [_Stat(paths[n], *map(int, stamps[n])) for n in order]


#: Stat by name relative to an open folder where the platform can (not Windows): no path to build per file.
_BY_DIR_FD = os.stat in os.supports_dir_fd and os.listdir in os.supports_fd


def _scan_columns(store: Store, *, include_drafts: bool = True) -> tuple[list[str], np.ndarray]:
    """What ``scan`` finds, as two columns in no particular order: the paths (relative to the store)
    and an int64 array of each file's (size, mtime_ns, ctime_ns, inode).

    One ``stat`` per file and no object per file beyond its path and its stat: on 100,000 files
    the stats themselves are most of the time.
    """
    paths: list[str] = []
    flat = array.array("q")
    stamp = flat.extend
    folders = [(store.final_dir, True)] + ([(store.draft_dir, False)] if include_drafts else [])
    finals: set[str] = set()
    for folder, is_final in folders:
        prefix = f"{folder.name}/"
        for name, st in _stat_folder(folder):
            if not is_final and name in finals:
                continue
            if is_final:
                finals.add(name)
            paths.append(prefix + name)
            stamp((st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    stamps = np.frombuffer(flat, dtype=np.int64).reshape(len(paths), 4) if paths else np.empty((0, 4), dtype=np.int64)
    return paths, stamps


def _stat_folder(folder: Path) -> Iterable[tuple[str, os.stat_result]]:
    """(name, stat) of each observation file in ``folder``: ``*.toml``, not a temp or hidden file,
    a regular file once links are followed (as ``Store.files()``: a link to a file counts, and its
    target's stat is what changes). A missing folder has none."""
    try:
        if _BY_DIR_FD:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            try:
                names = os.listdir(fd)
                out = []
                for name in names:
                    if not name.endswith(".toml") or is_temp_name(name):
                        continue
                    try:
                        st = os.stat(name, dir_fd=fd)
                    except OSError:
                        continue
                    if stat.S_ISREG(st.st_mode):
                        out.append((name, st))
                return out
            finally:
                os.close(fd)
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise SeedsError(f"cannot read folder {folder}: {exc.strerror or exc}") from None
    out = []
    for entry in entries:
        if not entry.name.endswith(".toml") or is_temp_name(entry.name):
            continue
        try:
            if entry.is_file():
                out.append((entry.name, entry.stat()))
        except OSError:
            continue
    return out


# -- parsing one file ------------------------------------------------------------------------

ParsedFile = tuple[tuple[Any, ...] | None, list[tuple[int, str | None, str, int | None, str | None, str | None]], str | None]


def parse_file(path: str) -> ParsedFile:
    """Read one observation file into (metadata, rows, error). Never raises for a bad file.

    Metadata is (id, status, rubric id, rubric version, team, practitioner, observer, session
    date as ISO text, number of agreed actions, session reference of a double-scored (calibration)
    session or None); rows are (kind, section, item, value, code, text).
    """
    try:
        obs = _read_fast(path) or read_observation(path)[0]
    except ObservationError as exc:
        return None, [], str(exc) or f"{path}: could not be read"
    except (OSError, ValueError, RecursionError, MemoryError) as exc:  # pragma: no cover - defensive
        return None, [], f"{path}: could not be read ({type(exc).__name__})"
    misnamed = file_name_problem(Path(path), obs.id)
    if misnamed is not None:  # a copy under another name: counted once, as the file named by its id
        return None, [], str(misnamed)
    s = obs.session
    meta = (
        obs.id,
        obs.status,
        obs.rubric.id,
        obs.rubric.version,
        s.team,
        s.practitioner,
        s.observer,
        s.date.isoformat(),
        len(obs.feedback.actions),
        s.session_ref if s.purpose == "calibration" else None,
    )
    rows: list[tuple[int, str | None, str, int | None, str | None, str | None]] = []
    for section_id, items in obs.scores.items():
        for item_id, score in items.items():
            if score.value is not None or score.code is not None:
                rows.append((0, section_id, item_id, score.value, score.code, None))
    for global_id, value in obs.globals.items():
        rows.append((1, None, global_id, value, None, None))
    for counter_id, value in obs.counters.items():
        rows.append((2, None, counter_id, value, None, None))
    if obs.counters and rates_shown(obs, obs.counters):
        rows.append((7, None, "elapsed", obs.session.elapsed, None, None))
    for kind, notes in ((3, obs.feedback.strengths), (4, obs.feedback.development_areas)):
        for note in notes:
            if note.item is not None:
                section_id, _, item_id = note.item.partition(".")
                rows.append((kind, section_id, item_id, None, None, None))
    for index, action in enumerate(obs.feedback.actions):
        section_id, _, item_id = (action.item or "").partition(".")
        rows.append((5, section_id or None, item_id, index, None, action.text))
    for carried in obs.feedback.carried:
        rows.append((6, None, f"{carried.source}:{carried.index}", None, carried.status, None))
    return meta, rows, None


def _read_fast(path: str) -> Observation | None:
    """The observation through the fast parser, or None to fall back to the safe reader."""
    p = Path(path)
    try:
        text = decode_text(read_bytes(p, max_bytes=OBSERVATION_MAX_BYTES, error=ObservationError), p, ObservationError)
    except ObservationError:
        return None
    data = parse_toml_fast(text)
    if data is None:
        return None
    try:
        return parse_observation(data, path=p)
    except ObservationError:
        return None


#: Files parsed per chunk: each chunk becomes two small Arrow tables at once, so the parsed
#: rows never all exist as Python objects together (100,000 files: under 1 GiB).
CHUNK = 500


def _parse_chunk(root: str, stats: list[_Stat]) -> tuple[Any, Any, list[int]]:
    """Parse ``stats``' files into (files table, rows table, positions of files gone meanwhile);
    fids are the positions in ``stats``."""
    parsed = [parse_file(os.path.join(root, st.path)) for st in stats]
    # A file listed but gone before it was parsed (a draft finalised meanwhile) is not a problem.
    gone = [n for n, (_, _, error) in enumerate(parsed) if error is not None and not os.path.lexists(os.path.join(root, stats[n].path))]
    files_t, rows_t = _new_tables(stats, parsed, 0)
    return files_t, rows_t, gone


def _parse_many(root: Path, todo: list[_Stat], progress: Progress | None, workers: int | None) -> list[tuple[Any, Any, list[int]]]:
    """Every file of ``todo`` parsed, as ``_parse_chunk`` results in order (in a pool of processes
    when there are many files and the command line is running)."""
    total = len(todo)
    if progress:
        progress(0, total)
    cpus = workers if workers is not None else (os.cpu_count() or 1)
    # Processes are forked, which is only safe while this process runs a single thread (the
    # command line, scripts); inside the app, parsing stays in the calling worker thread.
    if total >= POOL_THRESHOLD and cpus >= 2 and threading.active_count() == 1 and "fork" in _start_methods():
        with contextlib.suppress(OSError, BrokenProcessPool):
            return _parse_in_pool(root, todo, progress, cpus)
    out = []
    step = 50 if progress else CHUNK
    for start in range(0, total, step):
        out.append(_parse_chunk(str(root), todo[start : start + step]))
        if progress:
            progress(min(start + step, total), total)
    return out


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


def _parse_in_pool(root: Path, todo: list[_Stat], progress: Progress | None, cpus: int) -> list[tuple[Any, Any, list[int]]]:
    import multiprocessing

    total = len(todo)
    chunk = max(50, min(CHUNK, total // (cpus * 8) or 1))
    chunks = [todo[i : i + chunk] for i in range(0, total, chunk)]
    out: list[tuple[Any, Any, list[int]]] = []
    done = 0
    with ProcessPoolExecutor(max_workers=cpus, mp_context=multiprocessing.get_context("fork")) as pool:
        for part, result in zip(chunks, pool.map(_parse_chunk, [str(root)] * len(chunks), chunks), strict=True):
            out.append(result)
            done += len(part)
            if progress:
                progress(done, total)
    return out


def _gather(parts: list[tuple[Any, Any, list[int]]], first_fid: int) -> tuple[Any, Any, int]:
    """The chunks' tables as one files and one rows table, fids numbered on from ``first_fid``
    (files gone meanwhile left out), and how many files they hold."""
    pa = _arrow()
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    files_parts, rows_parts = [], []
    fid = first_fid
    for files_t, rows_t, gone in parts:
        if gone:
            lost = set(gone)
            keep = pa.array([n not in lost for n in range(files_t.num_rows)])
            files_t = files_t.filter(keep)
        files_t = files_t.set_column(0, "fid", pc.add(files_t.column("fid"), fid).cast(pa.int32()))
        rows_t = rows_t.set_column(0, "fid", pc.add(rows_t.column("fid"), fid).cast(pa.int32()))
        fid += files_t.num_rows + len(gone)
        files_parts.append(files_t)
        rows_parts.append(rows_t)
    if not files_parts:
        files_t, rows_t = _new_tables([], [], first_fid)
        return files_t, rows_t, 0
    files_t, rows_t = _concat(files_parts), _concat(rows_parts)
    return files_t, rows_t, files_t.num_rows


# -- the cache on disk ------------------------------------------------------------------------


def _arrow() -> Any:
    try:
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.ipc  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - pyarrow is installed where the cache is wanted
        return None
    return pa


def _read_cache(cache_dir: Path) -> tuple[Any, Any] | None:
    """Both cached tables, or None when missing, damaged, of another version or out of step."""
    pa = _arrow()
    if pa is None:
        return None
    try:
        tables = []
        for name in (FILES_NAME, ROWS_NAME):
            if not stat.S_ISREG(os.stat(cache_dir / name).st_mode):  # a pipe there would block the open below
                return None
            with pa.memory_map(str(cache_dir / name)) as source:
                tables.append(pa.ipc.open_file(source).read_all())
        files, rows = tables
        meta_f = files.schema.metadata or {}
        meta_r = rows.schema.metadata or {}
        token = meta_f.get(b"generation")
        if not token or token != meta_r.get(b"generation"):
            return None
        int(meta_f.get(b"written", b"?"))  # ValueError when damaged
        if meta_f.get(b"schema") != OBSERVATION_SCHEMA.encode() or meta_f.get(b"version") != str(CACHE_VERSION).encode():
            return None
        if [*files.column_names] != list(_FILE_COLUMNS) or rows.column_names != list(_ROW_COLUMNS):
            return None
        return files, rows
    except (OSError, ValueError, TypeError, KeyError, pa.ArrowException):
        return None


def _write_cache(cache_dir: Path, files: Any, rows: Any) -> None:
    """Write both tables atomically (rows first; a matching generation token ties them)."""
    pa = _arrow()
    token = secrets.token_hex(8).encode()
    meta = {
        b"generation": token, b"schema": OBSERVATION_SCHEMA.encode(), b"version": str(CACHE_VERSION).encode(),
        b"written": str(time.time_ns()).encode(),
    }  # fmt: skip
    try:
        check_no_links(cache_dir, cache_dir.parent)
        ensure_dir(cache_dir)
        for name, table in ((ROWS_NAME, rows), (FILES_NAME, files)):
            table = table.replace_schema_metadata(meta)
            sink = io.BytesIO()
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            del table
            # The buffer itself, not a copy of it (the rows of 100,000 files are about 100 MB).
            write_atomic(cache_dir / name, sink.getbuffer(), durable=False, root=cache_dir.parent)  # type: ignore[arg-type]
            del sink
        for version in range(1, CACHE_VERSION):  # an older seeds-tui's cache is of no more use
            for stale in (f"files-v{version}.arrow", f"rows-v{version}.arrow"):
                if os.path.lexists(cache_dir / stale):
                    remove_file(cache_dir / stale, cache_dir.parent)
    except (SeedsError, OSError):
        # A read-only store still gets its summary; only the speed-up is lost.
        return


def clear(store: Store) -> None:
    """Delete the summary cache (it is rebuilt on the next summary); never through a link."""
    for name in (FILES_NAME, ROWS_NAME):
        remove_file(store.cache_dir / name, store.cache_dir.parent)  # (a shared store's cache is on this computer)


def _new_tables(stats: list[_Stat], parsed: list[ParsedFile], first_fid: int) -> tuple[Any, Any]:
    pa = _arrow()
    cols: dict[str, list[Any]] = {c: [] for c in _FILE_COLUMNS}
    r_fid: list[int] = []
    r_kind: list[int] = []
    r_section: list[str | None] = []
    r_item: list[str] = []
    r_value: list[int | None] = []
    r_code: list[str | None] = []
    r_text: list[str | None] = []
    for n, (st, (meta, rows, error)) in enumerate(zip(stats, parsed, strict=True)):
        fid = first_fid + n
        cols["fid"].append(fid)
        cols["path"].append(st.path)
        cols["size"].append(st.size)
        cols["mtime_ns"].append(st.mtime_ns)
        cols["ctime_ns"].append(st.ctime_ns)
        cols["inode"].append(st.inode)
        cols["ok"].append(error is None)
        cols["error"].append(error)
        values = meta if meta is not None else (None,) * (len(_FILE_COLUMNS) - 8)
        for name, value in zip(_FILE_COLUMNS[8:], values, strict=True):
            cols[name].append(value)
        for kind, section, item, value, code, text in rows:
            r_fid.append(fid)
            r_kind.append(kind)
            r_section.append(section)
            r_item.append(item)
            r_value.append(value)
            r_code.append(code)
            r_text.append(text)
    d = pa.dictionary(pa.int32(), pa.string())
    types = {
        "fid": pa.int32(), "path": pa.string(), "size": pa.int64(), "mtime_ns": pa.int64(), "ctime_ns": pa.int64(),
        "inode": pa.int64(), "ok": pa.bool_(), "error": pa.string(), "session_date": pa.string(), "actions": pa.int32(),
    }  # fmt: skip
    arrays = []
    for name in _FILE_COLUMNS:
        typ = types.get(name, d)
        if typ is d:
            arrays.append(pa.array(cols[name], pa.string()).dictionary_encode())
        else:
            arrays.append(pa.array(cols[name], typ))
    files = pa.Table.from_arrays(arrays, names=list(_FILE_COLUMNS))
    rows_t = pa.Table.from_arrays(
        [
            pa.array(r_fid, pa.int32()),
            pa.array(r_kind, pa.int8()),
            pa.array(r_section, pa.string()).dictionary_encode(),
            pa.array(r_item, pa.string()).dictionary_encode(),
            pa.array(r_value, pa.int32()),
            pa.array(r_code, pa.string()).dictionary_encode(),
            pa.array(r_text, pa.string()).dictionary_encode(),
        ],
        names=list(_ROW_COLUMNS),
    )
    return files, rows_t


def _concat(tables: Iterable[Any]) -> Any:
    pa = _arrow()
    tables = [t for t in tables if t is not None]
    if len(tables) == 1:
        return tables[0]
    return pa.concat_tables(tables).combine_chunks().unify_dictionaries()


def load_rows(store: Store, *, use_cache: bool = True, progress: Progress | None = None, workers: int | None = None) -> StoreRows:
    """Every observation file of ``store`` (finals and drafts) as tables, via the cache.

    Only new or changed files are parsed; the cache is then brought up to date on disk.
    ``progress(done, total)`` is called while files are parsed. ``use_cache=False`` parses
    everything and leaves the cache alone.
    """
    pa = _arrow()
    paths, stamps = _scan_columns(store)
    if pa is None:  # pragma: no cover - without pyarrow: parse everything, every time
        return _to_frames_plain()
    cached = _read_cache(store.cache_dir) if use_cache else None
    keep_fids: Any = []
    todo: list[_Stat] = []
    next_fid = 0
    if cached is not None:
        files_t = cached[0]
        hit, keep_fids = _unchanged(files_t, paths, stamps)
        todo = [_Stat(paths[n], *stamps[n].tolist()) for n in np.flatnonzero(~hit).tolist()]
        next_fid = int(files_t.column("fid").to_numpy().max()) + 1 if files_t.num_rows else 0
        changed = bool(todo) or len(keep_fids) != files_t.num_rows
    else:
        todo = [_Stat(path, *stamp) for path, stamp in zip(paths, stamps.tolist(), strict=True)]
        changed = True
    todo.sort(key=lambda st: st.path)  # new files get their ids in path order, whatever the folder's order
    # Nothing here holds the tables parsed just now: _finish lets them go once they are written.
    with _system_pool(pa, len(todo) >= POOL_THRESHOLD):
        return _finish(
            store, pa, cached, keep_fids, changed, use_cache, *_gather(_parse_many(store.root, todo, progress, workers), next_fid)
        )


def _finish(
    store: Store, pa: Any, cached: Any, keep_fids: Any, changed: bool, use_cache: bool, new_files: Any, new_rows: Any, n_new: int
) -> StoreRows:
    """The cached tables less what changed, plus what was parsed; written back when changed; as frames."""
    if cached is not None:
        import pyarrow.compute as pc  # type: ignore[import-untyped]

        files_t, rows_t = cached
        if len(keep_fids) != files_t.num_rows:
            keep = pa.array(keep_fids, pa.int32())
            files_t = files_t.filter(pc.is_in(files_t.column("fid"), value_set=keep))
            rows_t = rows_t.filter(pc.is_in(rows_t.column("fid"), value_set=keep))
        files_t = _concat([files_t, new_files]) if n_new else files_t
        rows_t = _concat([rows_t, new_rows]) if n_new else rows_t
    else:
        files_t, rows_t = new_files, new_rows
    ordered = _by_kind(rows_t)
    if ordered is not rows_t:  # built or updated just now, or a cache written before rows were kept by kind
        rows_t, changed = ordered, True
    if changed and use_cache:
        if files_t.num_rows and int(files_t.column("fid").to_numpy().max()) > 2_000_000_000:  # pragma: no cover
            files_t, rows_t = _renumber(files_t, rows_t)
        _write_cache(store.cache_dir, files_t, rows_t)
        # Summarise from the tables just written, mapped from the file as on a warm run: the
        # tables built in memory are let go before the frames are made (peak memory, cold).
        new_files = new_rows = cached = ordered = None
        written = _read_cache(store.cache_dir)
        if written is not None and written[0].num_rows == files_t.num_rows and written[1].num_rows == rows_t.num_rows:
            files_t, rows_t = written
            _release_unused(pa)
    return _to_frames(store, files_t, rows_t, parsed=n_new, cached=len(keep_fids))


@contextlib.contextmanager
def _system_pool(pa: Any, wanted: bool) -> Any:
    """Arrow allocates from the system's allocator meanwhile (when ``wanted``: a rebuild of many
    files), which gives freed memory back at once: the tables built while parsing are let go
    before the summary's frames are made (the default pool keeps freed memory for a while)."""
    before = pa.default_memory_pool() if wanted else None
    if before is not None:
        pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        if before is not None:
            pa.set_memory_pool(before)


def _release_unused(pa: Any) -> None:
    """Give memory Arrow no longer uses back to the system now (its allocator may keep it a while)."""
    with contextlib.suppress(AttributeError, NotImplementedError):
        pa.default_memory_pool().release_unused()


def _by_kind(rows_t: Any) -> Any:
    """The rows table ordered by kind (each kind's rows in the order they had): a summary then takes
    one kind as a slice. A stable sort, so the rows of a kind keep their order."""
    kind = rows_t.column("kind").to_numpy()
    if len(kind) < 2 or not (np.diff(kind) < 0).any():
        return rows_t
    import pyarrow as pa

    return rows_t.take(pa.array(np.argsort(kind, kind="stable")))


def _unchanged(files_t: Any, paths: list[str], stamps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which scanned files the cache holds unchanged, and their fids (in scan order).

    A file counts as unchanged when the cache lists its path with the same size, mtime, ctime
    and inode, and it was last changed well before the cache was written: a file changed within
    the clock's granularity of the cache being written could look unchanged (same size, same
    timestamps, a recycled inode), so such "racy" files are parsed again. Vectorised: one hash
    lookup of the paths and array comparisons, however many files.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(paths)
    if not n or not files_t.num_rows:
        return np.zeros(n, dtype=bool), np.empty(0, dtype=np.int32)
    racy_after = int((files_t.schema.metadata or {}).get(b"written", b"0")) - RACY_NS
    where = pc.index_in(pa.array(paths, pa.string()), value_set=files_t.column("path")).fill_null(-1).to_numpy()
    now = stamps
    known = where >= 0
    at = np.where(known, where, 0)
    hit = known.copy()
    for col, name in enumerate(("size", "mtime_ns", "ctime_ns", "inode")):
        hit &= files_t.column(name).to_numpy()[at] == now[:, col]
    hit &= np.maximum(now[:, 1], now[:, 2]) < racy_after
    return hit, files_t.column("fid").to_numpy()[at[hit]]


def _renumber(files_t: Any, rows_t: Any) -> tuple[Any, Any]:  # pragma: no cover - after two billion updates
    import pyarrow as pa
    import pyarrow.compute as pc

    old = files_t.column("fid")
    new = pa.array(range(files_t.num_rows), pa.int32())
    rows_fid = pc.index_in(rows_t.column("fid"), value_set=old)
    return files_t.set_column(0, "fid", new), rows_t.set_column(0, "fid", rows_fid.cast(pa.int32()))


def _to_frames(store: Store, files_t: Any, rows_t: Any, *, parsed: int, cached: int) -> StoreRows:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    ok = files_t.column("ok")
    problems: list[tuple[Path, str]] = []
    if files_t.num_rows and not pc.all(ok).as_py():
        bad = files_t.filter(pc.invert(ok))
        problems = [(store.root / p, str(e)) for p, e in zip(bad.column("path").to_pylist(), bad.column("error").to_pylist(), strict=True)]
        files_t = files_t.filter(ok)
    # Only what summaries use; the date as a timestamp in Arrow (no text parsed by pandas).
    files_t = files_t.select([c for c in _FILE_COLUMNS if c not in ("size", "mtime_ns", "ctime_ns", "inode", "ok", "error")])
    at = files_t.column_names.index("session_date")
    dates = files_t.column(at).cast(pa.date32()).cast(pa.timestamp("us"))
    files = files_t.set_column(at, "session_date", dates).to_pandas()
    rows = rows_t.to_pandas()
    kinds = rows["kind"].to_numpy()
    rows.attrs["by_kind"] = bool(len(kinds) < 2 or not (np.diff(kinds) < 0).any())
    for name in _STR_COLUMNS:
        if not isinstance(files[name].dtype, pd.CategoricalDtype):
            files[name] = files[name].astype("category")
    return StoreRows(files, rows, problems, parsed=parsed, cached=cached)


def _to_frames_plain() -> StoreRows:  # pragma: no cover - no pyarrow
    raise MissingPart("Team summaries and exports", "pyarrow")
