"""Export tables other tools can read: CSV, JSON Lines, and a Parquet dataset partitioned by rubric and quarter.

Two tables:

``items``
    the long frame of item scores (``seeds_tui.team.frames.item_frame``): one row per scored
    item per observation. Its columns are fixed (``ITEM_COLUMNS``) whatever the rubric.
``observations``
    one row per observation: metadata, then ``section.<id>.percent`` (percent of maximum
    over the section's items given a level), ``global.<id>``, ``counter.<id>`` and
    ``counter_rate.<id>`` (presses per minute, when the press times were kept). Column
    names come from rubric ids, never positions; the rubric id and version are columns, and
    an export covering several rubrics has the union of their columns (empty where a rubric
    has no such id). Columns are sorted by id within each block, so they never shift.

Scores of older rubric versions are carried onto the newest version's ids (its ``renamed``
and ``retired`` fields; see ``seeds_tui.core.versions``); ``computed_version`` says which version
each row's figures were computed against, beside ``rubric_version`` (the version scored with). Files are written atomically and
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
from typing import TYPE_CHECKING, Any, Literal

from seeds_tui.core.errors import MissingPart, ObservationError, RubricNotFound, SeedsError, StoreError
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.core.scoring import CODE_WORDS
from seeds_tui.core.tallies import per_minute, rates_shown
from seeds_tui.core.tomlio import NotARegularFile
from seeds_tui.storage.atomic import DIR_MODE, FILE_MODE, ensure_dir, fsync_dir, write_atomic
from seeds_tui.storage.store import Store
from seeds_tui.team.pseudonyms import read_key_text

if TYPE_CHECKING:
    import pandas as pd

    from seeds_tui.core.observation import Observation

Table = Literal["items", "observations", "selfratings"]
Format = Literal["csv", "jsonl", "parquet"]
TABLES: tuple[Table, ...] = ("items", "observations", "selfratings")
FORMATS: tuple[Format, ...] = ("csv", "jsonl", "parquet")

#: Metadata columns of the observations table, in order; score columns follow.
OBSERVATION_COLUMNS = (
    "observation_id", "status", "rubric_id", "rubric_version", "computed_version", "team", "practitioner", "observer",
    "session_date", "quarter", "mode", "purpose", "session_type", "session_ref",
    "sentence", "session_seconds", "feedback_date", "feedback_seconds", "change_target",
    "focus",
)  # fmt: skip
#: Whole seconds (the session clock, the feedback conversation's clock): integers, empty when not timed.
SECONDS_COLUMNS = ("session_seconds", "feedback_seconds")
#: Columns of the items table, in order: the item frame's (``seeds_tui.team.frames.ITEM_COLUMNS``)
#: with ``computed_version`` after ``rubric_version``.
ITEM_EXPORT_COLUMNS = (
    "observation_id", "status", "rubric_id", "rubric_version", "computed_version", "team", "practitioner", "observer",
    "session_date", "quarter", "section", "section_group", "item", "value", "code", "scale_min", "scale_max", "points",
    "possible", "percent",
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

    def __post_init__(self) -> None:
        # One team name is one team, never its letters (``Filters(teams="North")``).
        if isinstance(self.teams, str):
            object.__setattr__(self, "teams", (self.teams,))


@dataclass
class Export:
    """A table ready to write, with warnings about files that were left out."""

    frame: pd.DataFrame
    table: Table
    problems: list[str] = field(default_factory=list)
    #: Every team in the store (for the message about a ``--team`` name that matches none).
    known_teams: list[str] = field(default_factory=list)
    #: The ``--team`` names asked for that match no team in the store.
    unmatched_teams: list[str] = field(default_factory=list)


# -- building the tables ---------------------------------------------------------------------


def quarter_label(day: date) -> str:
    """``2026Q4`` for a date (the same labels as the team summaries).

    >>> from datetime import date
    >>> from seeds_tui.team.export import quarter_label
    >>> quarter_label(date(2026, 11, 23))
    '2026Q4'
    """
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def item_table(store: Store, registry: RubricRegistry, filters: Filters = Filters()) -> Export:
    """The long item-score frame, filtered (see ``seeds_tui.team.frames.item_frame``)."""
    from seeds_tui.team.frames import summary_data

    data = summary_data(
        store, registry, include_drafts=filters.include_drafts, rubric_id=filters.rubric_id,
        teams=list(filters.teams) or None, date_from=filters.date_from, date_to=filters.date_to, each_session_once=False,
    )  # fmt: skip
    frame = data.items.copy()
    problems = list(data.problems)
    frame.attrs = {}
    # The cache's row order depends on which files it parsed when: sort, so that the same store
    # always gives the same file (a nightly job can diff its exports). By text, not category order.
    frame = frame.sort_values(["observation_id", "section", "item"], key=lambda column: column.astype(str), kind="stable")
    frame = _with_computed_version(frame, registry)
    twice = frame.duplicated(["observation_id", "section", "item"])
    if twice.any():  # never two rows for one item of one observation, whatever the rubric versions say
        problems.append(
            f"{int(twice.sum())} item score(s) landed twice on one item (check the rubrics with seeds-tui rubric check); the first kept"
        )
        frame = frame.loc[~twice]
    return Export(frame.reset_index(drop=True), "items", problems, list(data.known_teams), list(data.unmatched_teams))


def _with_computed_version(frame: pd.DataFrame, registry: RubricRegistry) -> pd.DataFrame:
    """``frame`` with ``computed_version`` after ``rubric_version``: the rubric version whose item ids
    (and, in the observations table, sections) every figure of the row was computed against."""
    newest: dict[str, str] = {}
    for rid in {str(r) for r in frame["rubric_id"].unique()} if len(frame) else set():
        with contextlib.suppress(RubricNotFound):
            newest[rid] = registry.get(rid).rubric.version
    out = frame.copy()
    values = out["rubric_id"].astype(str).map(newest) if len(out) else out["rubric_id"].astype(str)
    out.insert(list(out.columns).index("rubric_version") + 1, "computed_version", values.astype("category") if len(out) else values)
    return out


def _selected(store: Store, filters: Filters, problems: list[str], known: set[str] | None = None) -> list[Observation]:
    """Observations passing the filters; a final wins over a draft of the same id. ``known`` collects every team name."""
    chosen: dict[str, Observation] = {}
    from seeds_tui.team.frames import left_out, team_key

    teams = {team_key(t) for t in filters.teams}
    for path, obs in store.iter_observations(include_drafts=filters.include_drafts):
        if isinstance(obs, ObservationError):
            problems.append(left_out(path, str(obs)))
            continue
        if known is not None:
            known.add(obs.session.team)
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


def observation_rows(
    store: Store, registry: RubricRegistry, filters: Filters = Filters(), known_teams: set[str] | None = None
) -> tuple[list[dict[str, object]], list[str]]:
    """Plain rows of the observations table (no pandas), and warnings about what was left out.

    ``known_teams`` (when given) collects the name of every team in the store.
    """
    from seeds_tui.core.scoring import section_scores
    from seeds_tui.core.versions import upgrade

    if not store.root.is_dir():
        raise StoreError(f"no store at {store.root}; give the store folder with --store DIR (or SEEDS_STORE)")
    problems: list[str] = []
    rows: list[dict[str, object]] = []
    unknown: dict[str, int] = {}
    for obs in _selected(store, filters, problems, known_teams):
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
            "computed_version": rubric.version,
            "team": session.team,
            "practitioner": session.practitioner,
            "observer": session.observer,
            "session_date": session.date,
            "quarter": quarter_label(session.date),
            "mode": session.mode,
            "purpose": session.purpose,
            "session_type": session.session_type,
            "session_ref": session.session_ref,
            "sentence": session.sentence,
            "session_seconds": session.elapsed,
            "feedback_date": obs.feedback.date,
            "feedback_seconds": obs.feedback.elapsed,
            "change_target": session.change_target or None,
            "focus": session.focus or None,
        }
        for result in section_scores(current, rubric):
            row[f"section.{result.section_id}.percent"] = result.percent
        known_globals = {g.id for g in rubric.globals}
        for gid, value in current.globals.items():
            if gid in known_globals:
                row[f"global.{gid}"] = value
        known_counters = [c.id for c in rubric.counters]
        timed = rates_shown(current, known_counters)
        for cid in known_counters:
            row[f"counter.{cid}"] = current.counters.get(cid, 0)
            row[f"counter_rate.{cid}"] = per_minute(current, cid) if timed else None
        rows.append(row)
    for rid, n in sorted(unknown.items()):
        problems.append(
            f"{n} observation(s) use rubric {rid!r}, which is not known; they were left out (add its folder with --rubrics DIR)"
        )
    return rows, problems


def observation_columns(rows: Iterable[dict[str, object]], registry: RubricRegistry | None = None) -> list[str]:
    """Metadata columns, then ``section.*``, ``global.*``, ``counter.*`` and ``counter_rate.*`` columns, each block sorted by id.

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
                seen.update(f"counter_rate.{c.id}" for c in rubric.counters)
    blocks = [sorted(c for c in seen if c.startswith(prefix)) for prefix in ("section.", "global.", "counter.", "counter_rate.")]
    return [*OBSERVATION_COLUMNS, *blocks[0], *blocks[1], *blocks[2], *blocks[3]]


def observation_table(store: Store, registry: RubricRegistry, filters: Filters = Filters()) -> Export:
    """One row per observation (see the module docstring for its columns)."""
    import pandas as pd

    from seeds_tui.team.frames import team_key

    seen: set[str] = set()
    rows, problems = observation_rows(store, registry, filters, seen)
    by_key: dict[str, str] = {}
    for name in sorted(seen, key=str.casefold):
        by_key.setdefault(team_key(name), name)
    known = sorted(by_key.values(), key=str.casefold)
    unmatched = [t for t in filters.teams if team_key(t) not in by_key]
    columns = observation_columns(rows, registry)
    data: dict[str, object] = {}
    for name in columns:
        values = [row.get(name) for row in rows]
        if name == "session_date":
            days = [v for v in values if isinstance(v, date)]  # every observation has its session date
            data[name] = pd.Series(pd.to_datetime(days), dtype="datetime64[us]")
        elif name in DATE_COLUMNS:  # may be missing (feedback not dated)
            stamps = [pd.Timestamp(v) if isinstance(v, date) else pd.NaT for v in values]
            data[name] = pd.Series(stamps, dtype="datetime64[us]")
        elif name in SECONDS_COLUMNS:
            data[name] = pd.Series(values, dtype="Int64")
        elif name.endswith(".percent") or name.startswith("counter_rate."):
            data[name] = pd.Series(values, dtype="float64")
        elif name.startswith(("global.", "counter.")):
            data[name] = pd.Series(values, dtype="Int64")
        else:
            data[name] = pd.Series(values, dtype="str")
    frame = pd.DataFrame(data, columns=columns)
    return Export(frame, "observations", problems, known, unmatched)


#: Columns of the self-ratings table: one row per item a practitioner rated, beside the observer's score.
SELFRATING_COLUMNS = (
    "selfrating_id", "observation_id", "rubric_id", "rubric_version", "team", "practitioner", "session_date", "quarter",
    "rating_date", "section", "item", "self_value", "self_code", "observer_value", "observer_code", "difference",
)  # fmt: skip


def selfrating_table(store: Store, registry: RubricRegistry, filters: Filters = Filters()) -> Export:
    """One row per self-rated item of the observations the filters select (``SELFRATING_COLUMNS``):
    the practitioner's level or code beside the observer's, and self minus observer when both gave a level."""
    import pandas as pd

    from seeds_tui.storage.selfratings import SELFRATINGS

    problems: list[str] = []
    seen: set[str] = set()
    chosen = {obs.id: obs for obs in _selected(store, filters, problems, seen)}
    records, bad = SELFRATINGS.list(store)
    problems += [f"{p.path}: could not be read and was left out; run 'seeds-tui validate {p.path}' for details" for p in bad]
    rows: list[dict[str, object]] = []
    for record in records:
        obs = chosen.get(record.observation)
        if obs is None:
            continue
        for section_id in sorted(record.ratings):
            for item_id in sorted(record.ratings[section_id]):
                mine = record.ratings[section_id][item_id]
                score = obs.score(section_id, item_id)
                theirs: object = None if score is None else (score.code if score.code is not None else score.value)
                rows.append({
                    "selfrating_id": record.id, "observation_id": obs.id, "rubric_id": obs.rubric.id,
                    "rubric_version": obs.rubric.version, "team": obs.session.team, "practitioner": obs.session.practitioner,
                    "session_date": obs.session.date, "quarter": quarter_label(obs.session.date), "rating_date": record.date,
                    "section": section_id, "item": item_id,
                    "self_value": mine if isinstance(mine, int) else None,
                    "self_code": CODE_WORDS[mine] if isinstance(mine, str) else None,
                    "observer_value": theirs if isinstance(theirs, int) else None,
                    "observer_code": CODE_WORDS[theirs] if isinstance(theirs, str) else None,
                    "difference": mine - theirs if isinstance(mine, int) and isinstance(theirs, int) else None,
                })  # fmt: skip
    data: dict[str, object] = {}
    for name in SELFRATING_COLUMNS:
        values = [row[name] for row in rows]
        if name in ("session_date", "rating_date"):
            data[name] = pd.Series(pd.to_datetime([v for v in values if isinstance(v, date)]), dtype="datetime64[us]")
        elif name in ("self_value", "observer_value", "difference"):
            data[name] = pd.Series(values, dtype="Int64")
        else:
            data[name] = pd.Series(values, dtype="str")
    frame = pd.DataFrame(data, columns=list(SELFRATING_COLUMNS))
    from seeds_tui.team.frames import team_key

    known = {team_key(t) for t in seen}
    unmatched = [t for t in filters.teams if team_key(t) not in known]
    return Export(frame, "selfratings", problems, sorted(seen, key=str.casefold), unmatched)


def build(store: Store, registry: RubricRegistry, table: Table = "items", filters: Filters = Filters()) -> Export:
    """The chosen table for ``store``."""
    if table == "selfratings":
        return selfrating_table(store, registry, filters)
    if table == "items":
        return item_table(store, registry, filters)
    if table == "observations":
        return observation_table(store, registry, filters)
    raise ExportError(f"unknown table {table!r}; choose one of: {', '.join(TABLES)}")


# -- pseudonyms ---------------------------------------------------------------------------------


def read_key_file(path: Path) -> bytes:
    """The pseudonym key in ``path`` (64 hex characters), created owner-only if the file is missing."""
    try:
        # Never blocks: a pipe named as the key file is refused, not waited on.
        text = read_key_text(path)
    except FileNotFoundError:
        ensure_dir(path.parent)
        key = secrets.token_bytes(32)
        write_atomic(path, key.hex().encode("ascii"))
        return key
    except NotARegularFile:
        raise ExportError(f"{path}: not a regular file (a pipe, device or socket); point --key-file at the key file") from None
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


#: How NA and NO are written in every export (``core.scoring.CODE_WORDS``).
CODE_LABELS = CODE_WORDS
#: Columns holding a calendar date (written as a date: ``YYYY-MM-DD`` text, Parquet ``date32``).
DATE_COLUMNS = ("session_date", "feedback_date", "rating_date")


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """The one form every format writes: plain text columns (no categories), NA/NO codes as
    words (``CODE_LABELS``), and one meaning for missing: empty text is missing (null), like
    every other missing value. Same rows, same columns, same order in CSV, JSON Lines and Parquet.
    """
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if isinstance(series.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
            if pd.api.types.is_datetime64_any_dtype(series.dtype):
                continue
            text = series.astype(object).where(series.notna(), None)
            text = text.map(lambda v: None if v is None or (isinstance(v, str) and v == "") else str(v))
            if col == "code":
                text = text.map(lambda v: None if v is None else CODE_LABELS.get(v, v))
            out[col] = pd.Series(text, index=out.index, dtype=object)
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV with a header row; dates as ``YYYY-MM-DD``; missing values empty; codes as words."""
    return _plain(frame).to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n").encode("utf-8")


def to_jsonl(frame: pd.DataFrame) -> bytes:
    """JSON Lines: one object per row; dates as ``YYYY-MM-DD``; missing values null; codes as words."""
    out = _plain(frame)
    for col in DATE_COLUMNS:
        if col in out.columns:
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    if not len(out):
        return b""
    return out.to_json(orient="records", lines=True, force_ascii=False, double_precision=15).encode("utf-8")


def to_arrow(frame: pd.DataFrame) -> Any:
    """The table as Arrow, as the Parquet files hold it: dates as ``date32``, text as strings,
    the partition columns dictionary-encoded (the type hive readers give them), in the table's order."""
    import pyarrow as pa  # type: ignore[import-untyped]

    table = pa.Table.from_pandas(_plain(frame), preserve_index=False)
    for col in DATE_COLUMNS:
        if col in table.column_names:
            pos = table.column_names.index(col)
            table = table.set_column(pos, col, table[col].cast(pa.timestamp("us")).cast(pa.date32()))
    for col in PARTITIONS:
        if col in table.column_names:
            pos = table.column_names.index(col)
            table = table.set_column(
                pos, col, table[col].cast(pa.string()).dictionary_encode().cast(pa.dictionary(pa.int32(), pa.string()))
            )
    for pos, name in enumerate(table.column_names):
        if pa.types.is_null(table.schema.field(name).type):  # a column with no value at all: keep its kind
            kind = pa.string() if frame[name].dtype == object or name in ("code",) else pa.float64()
            table = table.set_column(pos, name, table[name].cast(kind))
    return table


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
        import pyarrow.compute as pc  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - pyarrow is a core dependency
        raise MissingPart("Parquet export", "pyarrow") from None
    folder = folder.expanduser()
    if folder.exists() and (not folder.is_dir() or not _looks_like_export(folder)):
        raise ExportError(f"{folder} exists and is not a previous export; choose a new or empty folder for the Parquet dataset")
    parent = folder.parent
    ensure_dir(parent)
    for name in PARTITIONS:
        if name not in frame.columns:
            raise ExportError(f"the table has no {name} column to partition by")
    table = to_arrow(frame.sort_values([*PARTITIONS], kind="stable").reset_index(drop=True))
    tmp = parent / f".tmp-{folder.name}.{secrets.token_hex(4)}"
    old = parent / f".old-{folder.name}.{secrets.token_hex(4)}"
    tmp.mkdir(mode=DIR_MODE)
    try:
        # One file per (rubric_id, quarter), hive style; unlike pyarrow's dataset writer, the
        # partition columns stay in the files, so every reader sees one column order.
        keys = sorted({(str(r), str(q)) for r, q in zip(table["rubric_id"].to_pylist(), table["quarter"].to_pylist(), strict=True)})
        for rubric_id, quarter in keys:
            mask = pc.and_(pc.equal(table["rubric_id"].cast("string"), rubric_id), pc.equal(table["quarter"].cast("string"), quarter))
            part = tmp / f"rubric_id={rubric_id}" / f"quarter={quarter}"
            part.mkdir(parents=True, mode=DIR_MODE)
            pq.write_table(table.filter(mask), part / "part-0.parquet", row_group_size=1_000_000)
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
