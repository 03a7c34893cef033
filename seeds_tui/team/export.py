"""Export tables other tools can read: CSV, JSON Lines, and a Parquet dataset partitioned by rubric and quarter.

Two tables:

``items``
    the long frame of item scores (``seeds_tui.team.frames.item_frame``): one row per scored
    item per observation. Its columns are fixed (``ITEM_COLUMNS``) whatever the rubric.
``observations``
    one row per observation: metadata, then ``section.<id>.percent`` (percent of maximum
    over the section's items given a level), ``global.<id>`` and ``counter.<id>``. Column
    names come from rubric ids, never positions; the rubric id and version are columns, and
    an export covering several rubrics has the union of their columns (empty where a rubric
    has no such id). Columns are sorted by id within each block, so they never shift.

Scores of older rubric versions are carried onto the newest version's ids (its ``renamed``
and ``retired`` fields; see ``seeds_tui.core.versions``). Files are written atomically and
owner-only. Nothing here prints; the command line is ``seeds_tui.cli.export``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from seeds_tui.core.errors import MissingPart, ObservationError, RubricNotFound, SeedsError, StoreError
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.atomic import DIR_MODE, FILE_MODE, ensure_dir, fsync_dir, write_atomic
from seeds_tui.storage.store import Store

if TYPE_CHECKING:
    import pandas as pd

    from seeds_tui.core.observation import Observation

Table = Literal["items", "observations"]
Format = Literal["csv", "jsonl", "parquet"]
TABLES: tuple[Table, ...] = ("items", "observations")
FORMATS: tuple[Format, ...] = ("csv", "jsonl", "parquet")

#: Metadata columns of the observations table, in order; score columns follow.
OBSERVATION_COLUMNS = (
    "observation_id", "status", "rubric_id", "rubric_version", "team", "practitioner", "observer",
    "session_date", "quarter", "mode", "purpose", "session_type", "session_ref",
)  # fmt: skip
#: The Parquet dataset's partition columns (hive style: ``rubric_id=.../quarter=.../part-0.parquet``).
PARTITIONS = ("rubric_id", "quarter")


class ExportError(SeedsError):
    """An export cannot be written as asked (bad options, a target that is not ours to replace)."""


@dataclass(frozen=True)
class Filters:
    """Which observations to export: the same filters as ``seeds-tui summary``."""

    rubric_id: str | None = None
    teams: Sequence[str] = ()
    date_from: date | None = None
    date_to: date | None = None
    include_drafts: bool = False


@dataclass
class Export:
    """A table ready to write, with warnings about files that were left out."""

    frame: pd.DataFrame
    table: Table
    problems: list[str] = field(default_factory=list)


# -- building the tables ---------------------------------------------------------------------


def quarter_label(day: date) -> str:
    """``2026Q4`` for a date (the same labels as the team summaries).

    >>> quarter_label(date(2026, 11, 23))
    '2026Q4'
    """
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def item_table(store: Store, registry: RubricRegistry, filters: Filters = Filters()) -> Export:
    """The long item-score frame, filtered (see ``seeds_tui.team.frames.item_frame``)."""
    from seeds_tui.team.frames import item_frame

    frame = item_frame(
        store, registry, include_drafts=filters.include_drafts, rubric_id=filters.rubric_id,
        teams=list(filters.teams) or None, date_from=filters.date_from, date_to=filters.date_to,
    )  # fmt: skip
    problems = list(frame.attrs.get("problems", []))
    frame.attrs = {}
    # The cache's row order depends on which files it parsed when: sort, so that the same store
    # always gives the same file (a nightly job can diff its exports). By text, not category order.
    frame = frame.sort_values(["observation_id", "section", "item"], key=lambda column: column.astype(str), kind="stable")
    return Export(frame.reset_index(drop=True), "items", problems)


def _selected(store: Store, filters: Filters, problems: list[str]) -> list[Observation]:
    """Observations passing the filters; a final wins over a draft of the same id."""
    chosen: dict[str, Observation] = {}
    from seeds_tui.team.frames import team_key

    teams = {team_key(t) for t in filters.teams}
    for path, obs in store.iter_observations(include_drafts=filters.include_drafts):
        if isinstance(obs, ObservationError):
            problems.append(f"{path}: could not be read and was left out; run 'seeds-tui validate {path}' for details")
            continue
        if filters.rubric_id is not None and obs.rubric.id != filters.rubric_id:
            continue
        if teams and team_key(obs.session.team) not in teams:
            continue
        if filters.date_from is not None and obs.session.date < filters.date_from:
            continue
        if filters.date_to is not None and obs.session.date > filters.date_to:
            continue
        if obs.id in chosen and chosen[obs.id].status == "final":
            continue
        chosen[obs.id] = obs
    return [chosen[k] for k in sorted(chosen)]


def observation_rows(store: Store, registry: RubricRegistry, filters: Filters = Filters()) -> tuple[list[dict[str, object]], list[str]]:
    """Plain rows of the observations table (no pandas), and warnings about what was left out."""
    from seeds_tui.core.scoring import section_scores
    from seeds_tui.core.versions import upgrade

    if not store.root.is_dir():
        raise StoreError(f"no store at {store.root}; give the store folder with --store DIR (or SEEDS_STORE)")
    problems: list[str] = []
    rows: list[dict[str, object]] = []
    unknown: dict[str, int] = {}
    for obs in _selected(store, filters, problems):
        try:
            newest = registry.get(obs.rubric.id)
        except RubricNotFound:
            unknown[obs.rubric.id] = unknown.get(obs.rubric.id, 0) + 1
            continue
        current = upgrade(obs, registry)
        rubric = newest.rubric
        session = obs.session
        row: dict[str, object] = {
            "observation_id": obs.id,
            "status": obs.status,
            "rubric_id": obs.rubric.id,
            "rubric_version": obs.rubric.version,
            "team": session.team,
            "practitioner": session.practitioner,
            "observer": session.observer,
            "session_date": session.date,
            "quarter": quarter_label(session.date),
            "mode": session.mode,
            "purpose": session.purpose,
            "session_type": session.session_type,
            "session_ref": session.session_ref or "",
        }
        for result in section_scores(current, rubric):
            row[f"section.{result.section_id}.percent"] = result.percent
        known_globals = {g.id for g in rubric.globals}
        for gid, value in current.globals.items():
            if gid in known_globals:
                row[f"global.{gid}"] = value
        known_counters = {c.id for c in rubric.counters}
        for cid in known_counters:
            row[f"counter.{cid}"] = current.counters.get(cid, 0)
        rows.append(row)
    for rid, n in sorted(unknown.items()):
        problems.append(
            f"{n} observation(s) use rubric {rid!r}, which is not known; they were left out (add its folder with --rubrics DIR)"
        )
    return rows, problems


def observation_columns(rows: Iterable[dict[str, object]], registry: RubricRegistry | None = None) -> list[str]:
    """Metadata columns, then ``section.*``, ``global.*`` and ``counter.*`` columns, each block sorted by id.

    With ``registry``, the columns of every rubric id present come in even when no row has a
    value for them (a section every observation left unscored still has its column).
    """
    seen: set[str] = set()
    rubric_ids: set[str] = set()
    for row in rows:
        seen.update(k for k in row if k not in OBSERVATION_COLUMNS)
        rubric_ids.add(str(row["rubric_id"]))
    if registry is not None:
        for rid in rubric_ids:
            with contextlib.suppress(RubricNotFound):
                rubric = registry.get(rid).rubric
                seen.update(f"section.{s.id}.percent" for s in rubric.sections)
                seen.update(f"global.{g.id}" for g in rubric.globals)
                seen.update(f"counter.{c.id}" for c in rubric.counters)
    blocks = [sorted(c for c in seen if c.startswith(prefix)) for prefix in ("section.", "global.", "counter.")]
    return [*OBSERVATION_COLUMNS, *blocks[0], *blocks[1], *blocks[2]]


def observation_table(store: Store, registry: RubricRegistry, filters: Filters = Filters()) -> Export:
    """One row per observation (see the module docstring for its columns)."""
    import pandas as pd

    rows, problems = observation_rows(store, registry, filters)
    columns = observation_columns(rows, registry)
    data: dict[str, object] = {}
    for name in columns:
        values = [row.get(name) for row in rows]
        if name == "session_date":
            data[name] = pd.Series(pd.to_datetime(values), dtype="datetime64[us]")
        elif name.endswith(".percent"):
            data[name] = pd.Series(values, dtype="float64")
        elif name.startswith(("global.", "counter.")):
            data[name] = pd.Series(values, dtype="Int64")
        else:
            data[name] = pd.Series(values, dtype="str")
    frame = pd.DataFrame(data, columns=columns)
    return Export(frame, "observations", problems)


def build(store: Store, registry: RubricRegistry, table: Table = "items", filters: Filters = Filters()) -> Export:
    """The chosen table for ``store``."""
    if table == "items":
        return item_table(store, registry, filters)
    if table == "observations":
        return observation_table(store, registry, filters)
    raise ExportError(f"unknown table {table!r}; choose one of: {', '.join(TABLES)}")


# -- pseudonyms ---------------------------------------------------------------------------------


def read_key_file(path: Path) -> bytes:
    """The pseudonym key in ``path`` (64 hex characters), created owner-only if the file is missing."""
    try:
        text = path.read_text("ascii").strip()
    except FileNotFoundError:
        ensure_dir(path.parent)
        key = secrets.token_bytes(32)
        write_atomic(path, key.hex().encode("ascii"))
        return key
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"{path}: cannot read the pseudonym key ({getattr(exc, 'strerror', None) or 'not text'})") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ExportError(f"{path}: not a pseudonym key (expected 64 hexadecimal characters); point --key-file at the right file")
    return key


def pseudonymise(frame: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """A copy with practitioner and observer names replaced by keyed labels (``P-…``, ``O-…``).

    The same rule and labels as the team summaries (``seeds_tui.team.pseudonyms.pseudonym``): the
    same key always gives the same labels. Raises ``ExportError`` if two different names
    would share a label.
    """
    from seeds_tui.team.pseudonyms import pseudonymise_frame

    out = pseudonymise_frame(frame, key)
    for col in ("practitioner", "observer"):
        if col not in frame.columns:
            continue
        names = frame[col].astype(str).map(lambda n: " ".join(n.split()).casefold())
        if names.nunique() != out[col].nunique():
            raise ExportError(
                f"two different {col} names were given the same pseudonymous label; export without --pseudonymise or report this"
            )
    return out


# -- writing ------------------------------------------------------------------------------------


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories as plain text columns, so every file format and partition has one schema."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == "category":
            out[col] = out[col].astype("str").where(out[col].notna(), None)
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV with a header row; dates as ``YYYY-MM-DD``; missing values empty."""
    return _plain(frame).to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n").encode("utf-8")


def to_jsonl(frame: pd.DataFrame) -> bytes:
    """JSON Lines: one object per row; dates as ``YYYY-MM-DD``; missing values null."""
    out = _plain(frame)
    if "session_date" in out.columns:
        out["session_date"] = out["session_date"].dt.strftime("%Y-%m-%d")
    if not len(out):
        return b""
    return out.to_json(orient="records", lines=True, force_ascii=False, double_precision=15).encode("utf-8")


def _looks_like_export(folder: Path) -> bool:
    """True for an empty folder or one holding only a previous Parquet export of ours."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    return all(e.is_dir(follow_symlinks=False) and e.name.startswith(f"{PARTITIONS[0]}=") for e in entries)


def write_parquet_dataset(frame: pd.DataFrame, folder: Path) -> list[Path]:
    """Write ``frame`` as a hive-partitioned Parquet dataset (``rubric_id=.../quarter=.../part-0.parquet``).

    The dataset is built in a temp folder next to ``folder`` and swapped in at the end, so
    readers see the old dataset or the new one, never half of one. An existing ``folder`` is
    replaced only when it is empty or a previous export; anything else is refused.
    """
    try:
        import pyarrow as pa
        import pyarrow.dataset as ds
    except ImportError:  # pragma: no cover - pyarrow is a test dependency
        raise MissingPart("Parquet export", "pyarrow") from None
    folder = folder.expanduser()
    if folder.exists() and (not folder.is_dir() or not _looks_like_export(folder)):
        raise ExportError(f"{folder} exists and is not a previous export; choose a new or empty folder for the Parquet dataset")
    parent = folder.parent
    ensure_dir(parent)
    plain = _plain(frame).sort_values([*PARTITIONS], kind="stable").reset_index(drop=True)
    for name in PARTITIONS:
        if name not in plain.columns:
            raise ExportError(f"the table has no {name} column to partition by")
    table = pa.Table.from_pandas(plain, preserve_index=False)
    tmp = parent / f".tmp-{folder.name}.{secrets.token_hex(4)}"
    old = parent / f".old-{folder.name}.{secrets.token_hex(4)}"
    tmp.mkdir(mode=DIR_MODE)
    try:
        partitioning = ds.partitioning(pa.schema([table.schema.field(n) for n in PARTITIONS]), flavor="hive")
        ds.write_dataset(
            table, tmp, format="parquet", partitioning=partitioning, basename_template="part-{i}.parquet",
            existing_data_behavior="overwrite_or_ignore", max_rows_per_group=1_000_000,
        )  # fmt: skip
        written = sorted(tmp.rglob("*.parquet"))
        for path in sorted(tmp.rglob("*")):
            os.chmod(path, DIR_MODE if path.is_dir() else FILE_MODE)
            if path.is_file():
                with open(path, "rb") as handle:
                    os.fsync(handle.fileno())
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not folder.exists():
            os.replace(old, folder)
        raise StoreError(f"could not write the Parquet dataset {folder}: {exc.strerror or exc}") from None
    shutil.rmtree(old, ignore_errors=True)
    fsync_dir(parent)
    return [folder / p.relative_to(tmp) for p in written]


def write(export: Export, fmt: Format, output: Path | None) -> bytes | list[Path]:
    """Write ``export`` as ``fmt`` to ``output`` (a file, or a folder for Parquet).

    With no ``output`` (CSV and JSON Lines only) the bytes are returned for the caller to
    print. Files are written atomically and owner-only.
    """
    if fmt == "parquet":
        if output is None:
            raise ExportError("Parquet export writes a folder: give it with -o DIR")
        return write_parquet_dataset(export.frame, output)
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    data = to_csv(export.frame) if fmt == "csv" else to_jsonl(export.frame)
    if output is None:
        return data
    if output.is_dir():
        raise ExportError(f"{output} is a folder; give a file name for a {fmt} export")
    ensure_dir(output.parent)
    write_atomic(output, data)
    return [output]


def export_store(
    store: Store | str | os.PathLike[str],
    output: str | os.PathLike[str] | None,
    *,
    fmt: Format = "csv",
    table: Table = "items",
    filters: Filters = Filters(),
    registry: RubricRegistry | None = None,
    pseudonym_key: bytes | None = None,
) -> tuple[Export, bytes | list[Path]]:
    """Build and write one export in a single call (what ``seeds-tui export`` does).

    With ``pseudonym_key`` practitioner and observer names are replaced by keyed labels.
    Returns the export (its frame and warnings) and what ``write`` returned.
    """
    store = store if isinstance(store, Store) else Store(store)
    registry = registry if registry is not None else RubricRegistry.default()
    export = build(store, registry, table, filters)
    if pseudonym_key is not None:
        export.frame = pseudonymise(export.frame, pseudonym_key)
    return export, write(export, fmt, Path(output) if output is not None else None)
