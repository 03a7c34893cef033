"""Team summaries: the tables facilitators look at, built with pandas from the frames.

Every function here is a pure function of data frames (``seeds_tui.team.frames`` reads the
store). Rules:

* Scoring uses ``seeds_tui.core.scoring`` (percent of maximum, bands): the same rules as the
  scoring screen, the report and the export.
* An observation's percent for a section (or item, or section group) is the percent of
  maximum over its items given a level; NA and NO leave both sides. Team means and
  medians are of those per-observation percents.
* Observations of different rubric ids are never mixed: each table holds one rubric id.
* Privacy: every table goes through ``seeds_tui.team.suppression``. Practitioner names appear
  only in ``practitioner_table`` when names are asked for; elsewhere practitioners are
  counted, or labelled pseudonymously.

Example::

    from seeds_tui.storage.store import Store
    from seeds_tui.core.rubric import RubricRegistry
    data = summary_data(Store("my-store"), RubricRegistry.default(), rubric_id="seed-one-to-one")
    table = section_table(data.items, data.rubric, threshold=5)
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from seeds_tui.core import scoring
from seeds_tui.core.rubric import Rubric
from seeds_tui.team import frames
from seeds_tui.team.frames import SummaryData, SummaryError, plural, rate_measure, several_rubrics_message
from seeds_tui.team.pseudonyms import pseudonym
from seeds_tui.team.suppression import (
    ALL_TEAMS,
    DEFAULT_THRESHOLD,
    SUPPRESSED_PRIMARY,
    SUPPRESSED_SECONDARY,
    Grid,
    check_threshold,
    collapse,
    complete,
    finish,
    left_out,
    protect,
    quarter_start,
    usable,
    with_hidden_teams,
)

#: The label of the all-sections composite.
ALL_SECTIONS = "all sections"


def scale_levels(rubric: Rubric) -> list[int]:
    """The level values of the scales the rubric's items use (their union), lowest first.

    The ``level_<v>`` columns of the section and item tables are always these, whatever the
    data holds, so their headers reveal nothing and scripts see the same columns every run.
    """
    values: set[int] = set()
    for section in rubric.sections:
        for item in section.items:
            values.update(rubric.scale_of(item).values)
    return sorted(values)


def _with_all_teams(frame: pd.DataFrame) -> pd.DataFrame:
    both = frame.copy()
    both["team"] = ALL_TEAMS
    frame = frame.copy()
    frame["team"] = frame["team"].astype(str)
    return pd.concat([frame, both], ignore_index=True)


# -- work kept per frame -------------------------------------------------------------------------

_T = TypeVar("_T")


class _FrameMemo:
    """Results computed from given frames, kept while those frames live (off unless switched on).

    The app's Team summary screen answers every filter, threshold and view from the same scope
    frames (every observation of a rubric and status, ``SummaryData.scopes``): their
    per-observation scores, the grid's cells with their practitioners and the protected grid at
    each threshold are the same whatever is asked, so they are computed once. A result is keyed
    by the identity of its frames (checked through weak references, so an id used again by a
    new frame is never mistaken for it) and dropped when one of them is collected. Frames are
    never changed in place once built, so a kept result stays true. The command builds each
    table once and keeps nothing (``remember``).
    """

    def __init__(self) -> None:
        self.on = False
        self.lock = threading.Lock()
        self.kept: dict[tuple[Any, ...], tuple[list[weakref.ref[pd.DataFrame]], Any]] = {}
        #: Keys whose frames were collected. A weak reference's callback runs inside the collector,
        #: maybe while this thread holds the lock: it only notes the key (list.append is atomic).
        self.dead: list[tuple[Any, ...]] = []
        #: Frames that are whole quarters of another: id -> (the frame, the other, its quarters).
        self.parents: dict[int, tuple[weakref.ref[pd.DataFrame], weakref.ref[pd.DataFrame], frozenset[str]]] = {}

    def get(self, frames_: Sequence[pd.DataFrame], what: tuple[Any, ...], make: Callable[[], _T]) -> _T:
        """``make()``, or what it gave before for the same frames and ``what``."""
        if not self.on:
            return make()
        key = (tuple(id(f) for f in frames_), what)
        with self.lock:
            self._purge()
            hit = self.kept.get(key)
        if hit is not None and len(hit[0]) == len(frames_) and all(r() is f for r, f in zip(hit[0], frames_, strict=True)):
            return hit[1]  # type: ignore[no-any-return]
        value = make()
        dead = self.dead

        def note(_: object, key: tuple[Any, ...] = key) -> None:
            dead.append(key)

        refs = [weakref.ref(f, note) for f in frames_]
        with self.lock:
            self.kept[key] = (refs, value)
        return value

    def of(self, frame: pd.DataFrame, what: tuple[Any, ...], make: Callable[[pd.DataFrame], _T]) -> _T:
        """``make(frame)`` kept for ``frame``; for a frame said to be some quarters of another
        (``derive``), per-observation scores and cell counts are the rows of those quarters of the
        other's (the same frame, without the work)."""
        parent = self.parents.get(id(frame)) if self.on and what[0] in _DERIVED else None
        if parent is not None and parent[0]() is frame and parent[1]() is not None:
            source, quarters = parent[1](), parent[2]
            return self.get([frame], what, lambda: _in_quarters(self.of(source, what, make), quarters, what))  # type: ignore[arg-type,return-value]
        return self.get([frame], what, lambda: make(frame))

    def _purge(self) -> None:
        while self.dead:
            key = self.dead.pop()
            hit = self.kept.get(key)
            if hit is not None and any(r() is None for r in hit[0]):
                del self.kept[key]
        for fid in [k for k, v in self.parents.items() if v[0]() is None or v[1]() is None]:
            del self.parents[fid]


_MEMO = _FrameMemo()

#: What a frame's parent's work gives for whole quarters of it (``derive``): frames with a ``quarter`` column.
_DERIVED = ("scores", "shares")


def _in_quarters(frame: pd.DataFrame, quarters: frozenset[str], what: tuple[Any, ...]) -> pd.DataFrame:
    """The rows of ``frame`` (per-observation scores or a cell count, column ``quarter``) in ``quarters``,
    as computing it on the items of those quarters gives it."""
    col = frame["quarter"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        keep = np.array([str(c) in quarters for c in col.cat.categories] + [False], dtype=bool)[col.cat.codes.to_numpy()]
    else:
        keep = col.astype(str).isin(quarters).to_numpy()
    out = frame.loc[keep].reset_index(drop=True)
    if what[0] == "shares":
        # A level no scale of the rubric has is a column only where some item was given it.
        scale = {f"level_{int(v)}" for v in what[2]}
        gone = [c for c in out.columns if c.startswith("level_") and c not in scale and not out[c].any()]
        out = out.drop(columns=gone)
    return out


def derive(child: pd.DataFrame, parent: pd.DataFrame, quarters: Sequence[str]) -> None:
    """Say that ``child`` is the rows of ``parent`` (an item frame) in ``quarters``, in the same order.

    Whole quarters of the same observations give the same per-observation scores and cell counts
    as those quarters of the parent's, so they are taken from the parent's work (kept) rather
    than counted again. Only while work is kept (``remember``).
    """
    if _MEMO.on and len(child):
        with _MEMO.lock:
            _MEMO.parents[id(child)] = (weakref.ref(child), weakref.ref(parent), frozenset(map(str, quarters)))


def remember(on: bool = True) -> None:
    """Keep the work done on each frame (scores, the grid's cells, protected grids) while the frame lives.

    For a process answering many requests from the same frames (the app's Team summary screen);
    the command asks once and keeps nothing.
    """
    _MEMO.on = on
    if not on:
        with _MEMO.lock:
            _MEMO.kept.clear()
            _MEMO.dead.clear()
            _MEMO.parents.clear()


# -- the protected grid (see seeds_tui.team.suppression) -----------------------------------------


def _cells(frame: pd.DataFrame, parts: Sequence[str]) -> tuple[pd.DataFrame, list[frozenset[str]]]:
    """The grid's cells of ``frame``: per team (and All teams), ``parts`` and quarter, the set of practitioners.

    Every team has every cell (each part and quarter anyone has): an empty cell is hidden like
    one resting on too few, so which cells a team has data in never changes the pattern.
    """
    keys = [*parts, "quarter"]
    # A cell's practitioners are those who gave the part a level (a session marking it only NA or NO
    # holds no figure of it: three practitioners of whom two marked an item NA would otherwise show
    # the third's score); which cells exist follows every session, so it never hangs on the levels.
    rated = frame.loc[frame["percent"].notna()] if "percent" in frame.columns else frame
    team_sets = _practitioner_sets(rated, ["team", *keys])
    rated_sets = _practitioner_sets(rated, keys)
    all_sets = {combo: rated_sets.get(combo, frozenset()) for combo in _practitioner_sets(frame, keys)}
    teams = sorted({k[0] for k in team_sets})
    if isinstance(frame["team"].dtype, pd.CategoricalDtype):  # every team observed, rated or not
        teams = sorted({*teams, *map(str, frame["team"].cat.categories)})
    rows: list[tuple[str, ...]] = []
    sets: list[frozenset[str]] = []
    empty: frozenset[str] = frozenset()
    for combo, pr in sorted(all_sets.items()):  # one order whatever categories the frame carried (the app's: every rubric's)
        for team in teams:
            rows.append((team, *combo))
            sets.append(team_sets.get((team, *combo), empty))
        rows.append((ALL_TEAMS, *combo))
        sets.append(pr)
    return pd.DataFrame(rows, columns=["team", *keys], dtype=object), sets


def _grid(
    frames_: Sequence[pd.DataFrame], parts: Sequence[str], threshold: int, families: Sequence[tuple[str, str | None]] = ()
) -> Grid | None:
    """The protected grid of the scope(s): hidden in any of them (final and drafts for ``--status all``)."""
    grid: Grid | None = None
    for frame in frames_:
        g = _MEMO.of(frame, ("grid", tuple(parts), threshold, tuple(families)), lambda f: _protected(f, parts, threshold, families))
        grid = g if grid is None else grid.join(g)
    return grid


def _protected(frame: pd.DataFrame, parts: Sequence[str], threshold: int, families: Sequence[tuple[str, str | None]]) -> Grid:
    """The protected grid of one scope frame (its cells counted once, whatever the threshold)."""
    cells, sets = _MEMO.get([frame], ("cells", tuple(parts)), lambda: _cells(frame, parts))
    return protect(cells, sets, threshold, [("team", ALL_TEAMS), *families])


def _scoped(
    items: pd.DataFrame, scope: Sequence[pd.DataFrame] | None, make: Callable[[pd.DataFrame], pd.DataFrame], what: str
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """``make`` of the items asked for, and of each scope (the same frame when the scope is the items).

    ``what`` names ``make`` (the per-observation scores of a view): the same frames give the same frames back.
    """
    mine = _MEMO.of(items, ("scores", what), make)
    return mine, [mine if s is items else _MEMO.of(s, ("scores", what), make) for s in (scope if scope is not None else [items])]


def observation_scores(items: pd.DataFrame, by: Sequence[str] = ("section",)) -> pd.DataFrame:
    """Per observation and ``by`` (e.g. section, item or section_group): points, possible and
    percent of maximum over the items given a level, as ``scoring.section_scores`` computes it.

    Columns: observation_id, team, practitioner, session_date, quarter, *by, points, possible,
    percent. Observations whose items there were all NA/NO have a missing percent.
    """
    keys = ["observation_id", *by]
    fast = _observation_scores_by_codes(items, keys)
    if fast is not None:
        return fast
    g = items.groupby(keys, observed=True, sort=False)
    out = g.agg(
        team=("team", "first"), practitioner=("practitioner", "first"), session_date=("session_date", "first"),
        quarter=("quarter", "first"), points=("points", "sum"), possible=("possible", "sum"),
    ).reset_index()  # fmt: skip
    out["percent"] = scoring.percent_of_max(out["points"].astype(float), out["possible"].astype(float)).to_numpy(dtype=float)
    return out.loc[:, ["observation_id", "team", "practitioner", "session_date", "quarter", *by, "points", "possible", "percent"]]


# -- grouping by category codes: what the groupbys above give, on millions of rows -----------------


def _practitioner_sets_by_codes(frame: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], frozenset[str]] | None:
    """``_practitioner_sets`` by category codes: the distinct (keys, practitioner) pairs by hashing
    one integer per row, then sorted (groups in category order, as ``groupby(sort=True)``); None
    unless the keys and practitioner are categorical with no value missing."""
    columns = [frame[c] for c in [*keys, "practitioner"]]
    if not len(frame) or not all(isinstance(c.dtype, pd.CategoricalDtype) for c in columns):
        return None
    codes = [c.cat.codes.to_numpy().astype(np.int64) for c in columns]
    if any(bool((c < 0).any()) for c in codes):
        return None
    sizes = [len(c.cat.categories) for c in columns]
    pair = np.zeros(len(frame), dtype=np.int64)
    for c, size in zip(codes, sizes, strict=True):
        pair = pair * size + c
    pairs = np.sort(pd.unique(pair))
    who = pairs % sizes[-1]
    group = pairs // sizes[-1]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    ends = np.r_[starts[1:], len(pairs)]
    names = np.asarray([str(c) for c in columns[-1].cat.categories], dtype=object)
    labels = [[str(c) for c in col.cat.categories] for col in columns[:-1]]
    out: dict[tuple[str, ...], frozenset[str]] = {}
    for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
        rest = int(group[lo])
        parts: list[str] = []
        for size, cats in zip(reversed(sizes[:-1]), reversed(labels), strict=True):
            rest, code = divmod(rest, size)
            parts.append(cats[code])
        out[tuple(reversed(parts))] = frozenset(names[who[lo:hi]])
    return out


def _group_codes(frame: pd.DataFrame, cols: Sequence[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """Rows of ``frame`` with every one of ``cols`` given (``rows``, positions) and each one's group
    (``groups``: 0, 1, ... in order of first appearance), as ``groupby(cols, observed=True,
    sort=False)`` numbers them; None unless every column is categorical (then the caller groups)."""
    columns = [frame[c] for c in cols]
    if not all(isinstance(c.dtype, pd.CategoricalDtype) for c in columns):
        return None
    key = np.zeros(len(frame), dtype=np.int64)
    valid = np.ones(len(frame), dtype=bool)
    for col in columns:
        codes = col.cat.codes.to_numpy()
        valid &= codes >= 0
        key = key * (len(col.cat.categories) + 1) + (codes.astype(np.int64) + 1)
    rows = np.flatnonzero(valid) if not valid.all() else np.arange(len(frame))
    groups, _ = pd.factorize(key[rows], sort=False)
    return rows, groups


def _first_rows(groups: np.ndarray) -> np.ndarray:
    """Position of each group's first row (groups numbered in order of first appearance)."""
    if not len(groups):
        return np.empty(0, dtype=np.int64)
    seen = np.maximum.accumulate(groups)
    first = np.ones(len(groups), dtype=bool)
    first[1:] = groups[1:] > seen[:-1]
    return np.flatnonzero(first)


def _taken(col: pd.Series, at: np.ndarray) -> object:
    """``col``'s values at positions ``at``, keeping its dtype (category codes taken directly)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(col.cat.codes.to_numpy()[at], dtype=col.dtype, validate=False)
    return col.array.take(at)


def _sums(groups: np.ndarray, n: int, values: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Per group: the sum of a nullable integer column's values given (missing ones count 0)."""
    given = values.to_numpy(dtype=np.float64, na_value=0.0)[rows]
    return np.rint(np.bincount(groups, weights=given, minlength=n)).astype(np.int64)


def _observation_scores_by_codes(items: pd.DataFrame, keys: list[str]) -> pd.DataFrame | None:
    """``observation_scores`` by category codes and bincounts; None when the frame is not of
    categorical keys with every observation's team, practitioner, date and quarter given."""
    firsts = ["team", "practitioner", "session_date", "quarter"]
    if not len(items) or any(items[c].isna().any() for c in firsts):
        return None
    if not all(pd.api.types.is_integer_dtype(items[c].dtype) for c in ("points", "possible")):
        return None
    grouped = _group_codes(items, keys)
    if grouped is None:
        return None
    rows, groups = grouped
    n = int(groups.max()) + 1 if len(groups) else 0
    at = rows[_first_rows(groups)]
    points = _sums(groups, n, items["points"], rows)
    possible = _sums(groups, n, items["possible"], rows)
    out: dict[str, object] = {"observation_id": _taken(items["observation_id"], at)}
    for name in firsts:
        out[name] = _taken(items[name], at)
    for name in keys[1:]:
        out[name] = _taken(items[name], at)
    out["points"] = pd.array(points, dtype="Int64")
    out["possible"] = pd.array(possible, dtype="Int64")
    p, q = points.astype(float), possible.astype(float)
    out["percent"] = 100.0 * p / np.where(q != 0, q, np.nan)
    return pd.DataFrame(out, copy=False).loc[:, ["observation_id", *firsts, *keys[1:], "points", "possible", "percent"]]


def _practitioner_sets(frame: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], frozenset[str]]:
    if not keys:
        return {(): frozenset(map(str, frame["practitioner"].unique()))}
    fast = _practitioner_sets_by_codes(frame, keys)
    if fast is not None:
        return fast
    # Distinct (keys, practitioner) first: few rows, however many observations; then one split.
    sub = frame.loc[:, [*keys, "practitioner"]].drop_duplicates()
    if not len(sub):
        return {}
    g = sub.groupby(keys, observed=True, sort=True)
    codes = g.ngroup().to_numpy()
    names = sub["practitioner"].astype(str).to_numpy()
    order = np.argsort(codes, kind="stable")
    chunks = np.split(names[order], np.flatnonzero(np.diff(codes[order])) + 1)
    index = g.size().index
    return {tuple(map(str, k if isinstance(k, tuple) else (k,))): frozenset(v) for k, v in zip(index, chunks, strict=True)}


def _summarise(
    per_obs: pd.DataFrame,
    parts: list[str],
    team_ok: np.ndarray | None = None,
    all_ok: np.ndarray | None = None,
    value: str = "percent",
    names: tuple[str, str] = ("mean_percent", "median_percent"),
) -> pd.DataFrame:
    """Per team and ``parts`` plus an all-teams row per ``parts``: observations, mean and median
    of ``value`` and (column ``_pracs``) the set of practitioners, over the rows that may count
    (``team_ok`` / ``all_ok``, from ``suppression.usable``); ``_all_pracs`` counts the
    practitioners of every row, counted or not (for the notes of hidden rows only)."""
    out = []
    for keys, team, ok in ((["team", *parts], None, team_ok), (parts, ALL_TEAMS, all_ok)):
        frame = per_obs if ok is None or ok.all() else per_obs.loc[ok]
        # Counted: the sessions that gave the part a value (its mean and median rest on them alone).
        frame = frame.loc[frame[value].notna()]
        if keys:
            g = frame.groupby(keys, observed=True, sort=False)[value]
            stats = g.agg(["size", "mean", "median"]).reset_index()
            stats = stats.rename(columns={"size": "observations", "mean": names[0], "median": names[1]})
            whole = (
                per_obs.loc[per_obs[value].notna()]
                .groupby(keys, observed=True, sort=False)["practitioner"]
                .nunique()
                .rename("_all_pracs")
                .reset_index()
            )
            for k in keys:
                stats[k] = stats[k].astype(str)
                whole[k] = whole[k].astype(str)
            sets = _practitioner_sets(frame, keys)
            stats["_pracs"] = pd.Series(
                [sets[tuple(r)] for r in stats[keys].itertuples(index=False, name=None)], index=stats.index, dtype=object
            )
            stats = whole.merge(stats, on=keys, how="left")
        else:
            p = frame[value]
            stats = pd.DataFrame({"observations": [len(p)], names[0]: [p.mean()], names[1]: [p.median()]})
            stats["_all_pracs"] = per_obs["practitioner"].nunique()
            stats["_pracs"] = pd.Series([frozenset(map(str, frame["practitioner"].unique()))], index=stats.index, dtype=object)
        if team is not None:
            stats.insert(0, "team", team)
        out.append(stats)
    table = pd.concat(out, ignore_index=True)
    table["_pracs"] = pd.Series([p if isinstance(p, frozenset) else frozenset() for p in table["_pracs"]], index=table.index, dtype=object)
    table["observations"] = table["observations"].fillna(0).astype("int64")
    table["practitioners"] = [len(s) for s in table["_pracs"]]
    return table


def competent_levels(rubric: Rubric) -> dict[tuple[str, str], int]:
    """``(section, item) -> the level value at which that item counts as competent``, for the items whose
    scale names one (``Scale.competent``); the others count in no competent share."""
    out: dict[tuple[str, str], int] = {}
    for section in rubric.sections:
        for item in section.items:
            competent = rubric.scale_of(item).competent
            if competent is not None:
                out[(section.id, item.id)] = competent
    return out


def _competent_flags(items: pd.DataFrame, value: np.ndarray, levels: Mapping[tuple[str, str], int]) -> tuple[np.ndarray, np.ndarray]:
    """Per row: given a level on an item with a competent level (``rated``), and at it or above (``competent``).

    One lookup table over the section and item categories, so a million rows cost one indexing step.
    """
    if not levels or not len(items):
        return np.zeros(len(items), dtype=bool), np.zeros(len(items), dtype=bool)
    sections = items["section"].astype("category").cat
    names = items["item"].astype("category").cat
    table = np.full((len(sections.categories) + 1, len(names.categories) + 1), np.nan)
    s_at = {str(c): n for n, c in enumerate(sections.categories)}
    i_at = {str(c): n for n, c in enumerate(names.categories)}
    for (section, item), competent in levels.items():
        if section in s_at and item in i_at:
            table[s_at[section], i_at[item]] = competent
    s_codes = sections.codes.to_numpy()
    i_codes = names.codes.to_numpy()
    threshold = table[np.where(s_codes < 0, len(s_at), s_codes), np.where(i_codes < 0, len(i_at), i_codes)]
    rated = ~np.isnan(value) & ~np.isnan(threshold)
    return rated, rated & (np.nan_to_num(value) >= np.nan_to_num(threshold))


def _share_cells(
    items: pd.DataFrame, parts: list[str], scale: Sequence[int], competent: Mapping[tuple[str, str], int] | None
) -> pd.DataFrame:
    """Per cell (team, ``parts``, quarter): items shown / missed / NA / NO, given each level, rated on a
    scale naming its competent level and at it or above (counts, before the grid is applied)."""
    cell = ["team", *parts, "quarter"]
    value = items["value"].to_numpy(dtype=float, na_value=np.nan)
    code = items["code"].cat.codes.to_numpy() if isinstance(items["code"].dtype, pd.CategoricalDtype) else np.full(len(items), -1)
    # 0 shown, 1 missed (the lowest level), 2 NA, 3 NO
    kind = np.where(code == 0, 2, np.where(code == 1, 3, np.where(value == items["scale_min"].to_numpy(), 1, 0)))
    rated, at_competent = _competent_flags(items, value, competent or {})
    fast = _share_cells_by_codes(items, cell, scale, value, kind, rated, at_competent)
    if fast is not None:
        return fast
    frame = items.loc[:, cell].assign(_kind=kind, _v=value, _rated=rated, _competent=at_competent)
    counts = frame.groupby([*cell, "_kind"], observed=True, sort=False).size().unstack("_kind", fill_value=0)
    counts = counts.reindex(columns=[0, 1, 2, 3], fill_value=0)
    counts.columns = ["shown", "missed", "na", "no"]
    competent_counts = frame.groupby(cell, observed=True, sort=False)[["_rated", "_competent"]].sum()
    counts = counts.join(competent_counts, how="left")
    levels = frame.loc[~np.isnan(value)].groupby([*cell, "_v"], observed=True, sort=False).size().unstack("_v", fill_value=0)
    # Every level of the rubric's scales, plus any an older version's scale used.
    levels = levels.reindex(columns=sorted({float(v) for v in scale} | {float(v) for v in levels.columns}), fill_value=0)
    levels.columns = [f"level_{int(v)}" for v in levels.columns]
    return counts.join(levels, how="left").fillna(0).reset_index()


def _share_cells_by_codes(
    items: pd.DataFrame,
    cell: list[str],
    scale: Sequence[int],
    value: np.ndarray,
    kind: np.ndarray,
    rated: np.ndarray,
    at_competent: np.ndarray,
) -> pd.DataFrame | None:
    """``_share_cells`` by category codes and bincounts (the same counts, cells in order of first
    appearance); None unless the cell columns are categorical."""
    grouped = _group_codes(items, cell)
    if grouped is None or not len(items):
        return None
    rows, groups = grouped
    n = int(groups.max()) + 1 if len(groups) else 0
    at = rows[_first_rows(groups)]
    out: dict[str, object] = {name: _taken(items[name], at) for name in cell}
    by_kind = np.bincount(groups * 4 + kind[rows], minlength=4 * n).reshape(n, 4)
    for k, name in enumerate(("shown", "missed", "na", "no")):
        out[name] = by_kind[:, k]
    out["_rated"] = np.bincount(groups, weights=rated[rows], minlength=n).astype(np.int64)
    out["_competent"] = np.bincount(groups, weights=at_competent[rows], minlength=n).astype(np.int64)
    v = value[rows]
    given = ~np.isnan(v)
    # Every level of the rubric's scales, plus any an older version's scale used.
    levels = sorted({float(x) for x in scale} | {float(x) for x in np.unique(v[given])})
    at_level = np.searchsorted(np.asarray(levels, dtype=float), v[given])
    counts = np.bincount(groups[given] * len(levels) + at_level, minlength=n * len(levels)).reshape(n, len(levels))
    for k, level in enumerate(levels):
        out[f"level_{int(level)}"] = counts[:, k]
    return pd.DataFrame(out, copy=False)


def _shares(
    items: pd.DataFrame,
    parts: list[str],
    scale: Sequence[int] = (),
    grid: Grid | None = None,
    competent: Mapping[tuple[str, str], int] | None = None,
) -> pd.DataFrame:
    """Per team and ``parts`` (plus all teams): percent of scored items shown / missed / NA / NO,
    level_<v>: percent of items given a level that got level v, and ``competent``: percent of the
    items given a level (on a scale naming its competent level) at that level or above, over the
    grid's shown cells.

    Counted once per cell (team, parts, quarter), then summed over the cells that may count.
    """
    what = ("shares", tuple(parts), tuple(scale), tuple(sorted((competent or {}).items())))
    cells = _MEMO.of(items, what, lambda f: _share_cells(f, parts, scale, competent))
    cell = ["team", *parts, "quarter"]
    team_ok, all_ok = usable(cells, grid)
    figures = [c for c in cells.columns if c not in cell]
    team = cells.loc[team_ok].groupby(["team", *parts], observed=True, sort=False)[figures].sum().reset_index()
    if parts:
        total = cells.loc[all_ok].groupby(parts, observed=True, sort=False)[figures].sum().reset_index()
    else:
        total = cells.loc[all_ok, figures].sum().to_frame().T
    total.insert(0, "team", ALL_TEAMS)
    both = pd.concat([team, total], ignore_index=True)
    for k in ["team", *parts]:
        both[k] = both[k].astype(str)
    n = both[["shown", "missed", "na", "no"]].sum(axis=1)
    for col in ("shown", "missed", "na", "no"):
        both[col] = 100.0 * both[col] / n
    both["competent"] = (100.0 * both["_competent"] / both["_rated"].where(both["_rated"] > 0)).astype(float)
    both = both.drop(columns=["_rated", "_competent"])
    level_cols = [c for c in both.columns if c.startswith("level_")]
    leveled = both[level_cols].sum(axis=1)
    for col in level_cols:
        both[col] = (100.0 * both[col] / leveled.where(leveled > 0)).astype(float)
    return both


_PERCENT_FIGURES = ["observations", "practitioners", "mean_percent", "median_percent", "competent", "shown", "missed", "na", "no"]


def _one_rubric(items: pd.DataFrame) -> None:
    if len(items) and items["rubric_id"].nunique() > 1:
        raise SummaryError(several_rubrics_message(sorted(map(str, items["rubric_id"].unique()))))


def score_table(
    items: pd.DataFrame,
    rubric: Rubric,
    *,
    by: str = "section",
    threshold: int = DEFAULT_THRESHOLD,
    scope: Sequence[pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Team x section (``by="section"``) or team x item (``by="item"``), with an all-teams row.

    Columns: team, section (and item), title, observations, practitioners, mean_percent and
    median_percent (of per-observation percents), band (of the mean), competent (percent of the items
    given a level that were at the scale's competent level or above; empty where the rubric's scales
    name none), shown / missed / na / no
    (percent of scored items: a level above the lowest, the lowest level, NA, NO), level_<v>
    (percent of items given a level that got level v), suppressed, note.

    Privacy: the protected grid (team x quarter x section or item) is computed on ``scope``
    (item frames; default ``items`` itself) and only its shown cells count.
    """
    check_threshold(threshold)
    _one_rubric(items)
    if by not in ("section", "item"):
        raise SummaryError("by must be section or item")
    parts = ["section"] + (["item"] if by == "item" else [])
    keys = ["team", *parts]
    per_obs, scoped = _scoped(items, scope, lambda f: observation_scores(f, by=parts), by)
    grid = _grid(scoped, parts, threshold, [("item", None)] if by == "item" else [])
    team_ok, all_ok = usable(per_obs, grid)
    table = _summarise(per_obs, parts, team_ok, all_ok)
    notes = left_out(per_obs, team_ok, all_ok, keys)
    if by == "item":
        grid_parts = pd.DataFrame([(s.id, i.id) for s in rubric.sections for i in s.items], columns=["section", "item"])
    else:
        grid_parts = pd.DataFrame({"section": [s.id for s in rubric.sections]})
    table = complete(table, grid_parts)
    levels = scale_levels(rubric)
    if len(items):
        table = table.merge(_shares(items, parts, levels, grid, competent_levels(rubric)), on=keys, how="left")
    else:
        table = table.assign(competent=np.nan, shown=np.nan, missed=np.nan, na=np.nan, no=np.nan, **{f"level_{v}": np.nan for v in levels})
    table["band"] = [scoring.band(p, whole=False, bands=scoring.rubric_bands(rubric)) for p in table["mean_percent"]]
    titles = {s.id: s.title for s in rubric.sections}
    if by == "item":
        table["title"] = [_item_text(rubric, s, i) for s, i in zip(table["section"], table["item"], strict=True)]
    else:
        table["title"] = [titles.get(s, s) for s in table["section"]]
    table = _order(table, rubric, keys)
    level_cols = [c for c in table.columns if c.startswith("level_")]
    cols = [*keys, "title", "observations", "practitioners", "mean_percent", "median_percent", "band", "competent",
            "shown", "missed", "na", "no", *level_cols, "_all_pracs"]  # fmt: skip
    out = finish(table[cols], [*_PERCENT_FIGURES, *level_cols], threshold, notes, keys)
    out.loc[out["suppressed"], "band"] = None
    return collapse(out, threshold)


def section_table(items: pd.DataFrame, rubric: Rubric, *, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Team x section summary; see ``score_table``."""
    return score_table(items, rubric, by="section", threshold=threshold)


def item_table(items: pd.DataFrame, rubric: Rubric, *, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Team x item summary; see ``score_table``."""
    return score_table(items, rubric, by="item", threshold=threshold)


def _item_text(rubric: Rubric, section: str, item: str) -> str:
    try:
        return rubric.item(section, item).text
    except KeyError:
        return item


def _order(table: pd.DataFrame, rubric: Rubric, keys: Sequence[str]) -> pd.DataFrame:
    """Rows in rubric order: teams alphabetically with All teams last, sections and items as in the rubric."""
    sec_order = {s.id: n for n, s in enumerate(rubric.sections)}
    item_order = {f"{s.id}.{i.id}": n for n, (s, i) in enumerate((s, i) for s in rubric.sections for i in s.items)}
    group_order = {g: n for n, g in enumerate([*rubric.groups, ALL_SECTIONS])}
    sort = pd.DataFrame(index=table.index)
    sort["_t0"] = (table["team"] == ALL_TEAMS).astype(int)
    sort["_t1"] = table["team"].str.casefold()
    by = ["_t0", "_t1"]
    if "section" in keys:
        sort["_s"] = table["section"].map(sec_order).fillna(999)
        by.append("_s")
    if "item" in keys:
        sort["_i"] = (table["section"] + "." + table["item"]).map(item_order).fillna(9999)
        by.append("_i")
    if "group" in keys:
        sort["_g"] = table["group"].map(group_order).fillna(999)
        by.append("_g")
    for extra in ("quarter", "period", "measure"):
        if extra in keys:
            sort[f"_{extra}"] = table[extra].map({"before": 0, "after": 1}) if extra == "period" else table[extra]
            by.append(f"_{extra}")
    order = sort.sort_values(by, kind="stable").index
    return table.loc[order].reset_index(drop=True)


def _group_scores(items: pd.DataFrame, extra: Sequence[str] = ()) -> pd.DataFrame:
    """Per observation: percent over each section group's items, and over all sections."""
    grouped = observation_scores(items.loc[items["section_group"].notna()], by=["section_group", *extra]).rename(
        columns={"section_group": "group"}
    )
    grouped["group"] = grouped["group"].astype(str)
    overall = observation_scores(items, by=list(extra)).assign(group=ALL_SECTIONS)
    return pd.concat([grouped, overall.loc[:, list(grouped.columns)]], ignore_index=True)


def composite_table(
    items: pd.DataFrame, rubric: Rubric, *, threshold: int = DEFAULT_THRESHOLD, scope: Sequence[pd.DataFrame] | None = None
) -> pd.DataFrame:
    """Team x section group (e.g. relationship vs structuring) plus ``all sections``.

    Per observation, the group's percent of maximum pools the group's items given a level;
    columns: team, group, observations, practitioners, mean_percent, median_percent, band,
    suppressed, note.
    """
    check_threshold(threshold)
    _one_rubric(items)
    keys = ["team", "group"]
    per_obs, scoped = _scoped(items, scope, _group_scores, "group")
    grid = _grid(scoped, ["group"], threshold, [("group", None)])
    team_ok, all_ok = usable(per_obs, grid)
    table = _summarise(per_obs, ["group"], team_ok, all_ok)
    notes = left_out(per_obs, team_ok, all_ok, keys)
    table = complete(table, pd.DataFrame({"group": [*rubric.groups, ALL_SECTIONS]}))
    table["band"] = [scoring.band(p, whole=False, bands=scoring.rubric_bands(rubric)) for p in table["mean_percent"]]
    table = _order(table, rubric, keys)
    cols = [*keys, "observations", "practitioners", "mean_percent", "median_percent", "band", "_all_pracs"]
    out = finish(table[cols], cols[2:6], threshold, notes, keys)
    out.loc[out["suppressed"], "band"] = None
    return collapse(out, threshold)


def _part_scores(by: str) -> tuple[Callable[[pd.DataFrame], pd.DataFrame], str, list[tuple[str, str | None]]]:
    """Per-observation scores, part column and grid families of a view (section, item or group)."""
    if by == "group":
        return _group_scores, "group", [("group", None)]
    if by == "item":
        return (lambda f: observation_scores(f, by=["section", "item"])), "item", [("item", None)]
    if by == "section":
        return (lambda f: observation_scores(f, by=["section"])), "section", []
    raise SummaryError("by must be section, item or group")


def _part_grid(rubric: Rubric, by: str) -> pd.DataFrame:
    if by == "group":
        return pd.DataFrame({"group": [*rubric.groups, ALL_SECTIONS]})
    if by == "item":
        return pd.DataFrame([(s.id, i.id) for s in rubric.sections for i in s.items], columns=["section", "item"])
    return pd.DataFrame({"section": [s.id for s in rubric.sections]})


def trend_table(
    items: pd.DataFrame,
    rubric: Rubric,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    by: str = "section",
    scope: Sequence[pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Team x section x quarter: observations, practitioners, mean and median percent.

    The cells of the protected grid themselves. ``by="group"`` gives section groups (plus all
    sections) instead of sections.
    """
    check_threshold(threshold)
    _one_rubric(items)
    make, part, families = _part_scores(by)
    parts = ["section", "item"] if by == "item" else [part]
    per_obs, scoped = _scoped(items, scope, make, by)
    grid = _grid(scoped, parts, threshold, families)
    team_ok, all_ok = usable(per_obs, grid)
    keys = ["team", *parts, "quarter"]
    # Every quarter of the selection for every team: a quarter with no data looks like one with too little.
    quarters = sorted(set(map(str, per_obs["quarter"].dropna())))
    base = _part_grid(rubric, by)
    grid_parts = base.merge(pd.DataFrame({"quarter": quarters}), how="cross")
    table = _order(complete(_summarise(per_obs, [*parts, "quarter"], team_ok, all_ok), grid_parts), rubric, keys)
    cols = [*keys, "observations", "practitioners", "mean_percent", "median_percent", "_all_pracs"]
    out = finish(table[cols], cols[len(keys) : -1], threshold, {}, keys)
    return collapse(out, threshold)


def event_windows(when: date, months: int = 3) -> tuple[list[str], list[str]]:
    """The quarters before and after a training event on ``when``, ``months`` (a multiple of 3) each side.

    Windows are whole quarters, so that they are made of the protected grid's cells. An event
    on the first day of a quarter starts the after window; otherwise the event's own quarter,
    which holds sessions from both sides of it, is left out.
    """
    if months < 3 or months % 3:
        raise SummaryError("the window is a whole number of quarters: 3, 6, 9 or 12 months")
    n = months // 3
    first = quarter_start(when)
    index = first.year * 4 + (first.month - 1) // 3

    def label(i: int) -> str:
        return f"{i // 4}Q{i % 4 + 1}"

    start = index if when == first else index + 1
    return [label(i) for i in range(index - n, index)], [label(i) for i in range(start, start + n)]


def before_after_table(
    items: pd.DataFrame,
    rubric: Rubric,
    when: date,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    window: int = 3,
    by: str = "section",
    scope: Sequence[pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Team x section (or item, or composite) in equal windows before and after a training event.

    ``event_windows`` gives the windows (``window`` months each side, whole quarters). Columns:
    team, the part, period (``before``/``after``), observations, practitioners, in_both (the
    practitioners observed in both windows, on both rows), mean_percent, median_percent, then on
    the ``after`` row change (after minus before), interval (half the width of a 95 % interval
    for the change, normal approximation over observations) and caution (plain words when the
    numbers are small or the practitioners differ), suppressed, note.

    Both windows' figures are of everyone observed in them, from the protected grid's shown
    cells: narrowing them to the practitioners observed in both windows would let two
    comparisons be told apart to single out a few practitioners. ``in_both`` and the caution say
    how far the two sides are the same people.
    """
    check_threshold(threshold)
    _one_rubric(items)
    make, part, families = _part_scores(by)
    parts = ["section", "item"] if by == "item" else [part]
    keys = ["team", *parts, "period"]
    before_q, after_q = event_windows(when, window)
    per_obs, scoped = _scoped(items, scope, make, by)
    grid = _grid(scoped, parts, threshold, families)
    quarter = per_obs["quarter"].astype(str)
    period = np.where(quarter.isin(before_q), "before", np.where(quarter.isin(after_q), "after", ""))
    per_obs = per_obs.assign(period=period).loc[period != ""].reset_index(drop=True)
    team_ok, all_ok = usable(per_obs, grid)
    table = _summarise(per_obs, [*parts, "period"], team_ok, all_ok)
    notes = left_out(per_obs, team_ok, all_ok, keys)
    grid_parts = _part_grid(rubric, by).merge(pd.DataFrame({"period": ["before", "after"]}), how="cross")
    table = _order(complete(table, grid_parts), rubric, keys)
    cols = [*keys, "observations", "practitioners", "mean_percent", "median_percent", "_all_pracs"]
    out = finish(table[cols], cols[len(keys) : -1], threshold, notes, keys)
    out = collapse(out, threshold)
    # Change, interval and caution, from the shown rows only.
    sets = {tuple(map(str, k)): p for k, p in zip(table[keys].itertuples(index=False, name=None), table["_pracs"], strict=True)}
    spread = _spread(per_obs, parts, team_ok, all_ok)
    rec = out.set_index(keys)
    in_both: list[int | None] = []
    change: list[float | None] = []
    interval: list[float | None] = []
    caution: list[str] = []
    for row in out[keys].astype(str).itertuples(index=False, name=None):
        other = (*row[:-1], "before" if row[-1] == "after" else "after")
        placeholder = row[1] == ""
        if placeholder or bool(rec.loc[row, "suppressed"]) or other not in rec.index or bool(rec.loc[other, "suppressed"]):
            in_both.append(None)
            change.append(None)
            interval.append(None)
            caution.append("")
            continue
        a, b = sets.get(row, frozenset()), sets.get(other, frozenset())
        both = len(a & b)
        in_both.append(both)
        after, before = rec.loc[row], rec.loc[other]
        diff = None
        if row[-1] == "after" and pd.notna(after["mean_percent"]) and pd.notna(before["mean_percent"]):
            diff = float(after["mean_percent"]) - float(before["mean_percent"])
        change.append(diff)
        sa, sb = spread.get(row), spread.get(other)
        half = 1.96 * float(np.sqrt(sa + sb)) if sa is not None and sb is not None and diff is not None else None
        interval.append(half if half is not None and half == half else None)
        caution.append(
            _caution(half, len(a | b), both, int(after["observations"]), int(before["observations"])) if diff is not None else ""
        )
    out["in_both"] = pd.array(in_both, dtype="Int64")
    out["change"] = pd.array(change, dtype="Float64")
    out["interval"] = pd.array(interval, dtype="Float64")
    out["caution"] = caution
    order = [c for c in out.columns if c not in ("in_both", "change", "interval", "caution", "suppressed", "note")]
    at = order.index("practitioners") + 1
    order = [*order[:at], "in_both", *order[at:], "change", "interval", "caution", "suppressed", "note"]
    out = out[order]
    out.attrs["windows"] = (before_q, after_q)
    return out


def _spread(per_obs: pd.DataFrame, parts: list[str], team_ok: np.ndarray, all_ok: np.ndarray) -> dict[tuple[str, ...], float]:
    """Per (team, *parts, period): the variance of the mean (sample variance / n) of the rows that count."""
    out: dict[tuple[str, ...], float] = {}
    for ok, team in ((team_ok, None), (all_ok, ALL_TEAMS)):
        frame = per_obs.loc[ok]
        by = (["team"] if team is None else []) + [*parts, "period"]
        g = frame.groupby(by, observed=True, sort=False)["percent"]
        var = (g.var(ddof=1) / g.count()).fillna(np.inf)
        for key, v in var.items():
            key = tuple(map(str, key if isinstance(key, tuple) else (key,)))
            out[key if team is None else (ALL_TEAMS, *key)] = float(v)
    return out


def _caution(half: float | None, everyone: int, both: int, n_after: int, n_before: int) -> str:
    """Plain words about how far a before/after change can be trusted."""
    words = []
    if half is None or half != half or half == float("inf"):
        words.append("too few observations to say how uncertain the change is")
    elif n_after < 10 or n_before < 10:
        words.append(f"few observations: the change could be {half:.0f} points either way")
    if both < everyone:
        words.append(f"{everyone - both} of {everyone} practitioners were observed on one side only")
    return "; ".join(words)


def ratings_table(
    ratings: pd.DataFrame,
    rubric: Rubric,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    teams: Sequence[str] = (),
    scope: Sequence[pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Team x global rating, indicator or tally rate per minute (kind ``rate``): observations, practitioners,
    mean, median, suppressed, note.

    ``teams`` (those of the observations) get rows even if none of their observations has a rating.
    The protected grid is team x measure x quarter over ``scope`` (ratings frames).
    """
    check_threshold(threshold)
    _one_rubric(ratings)
    cols = ["team", "measure", "kind", "title", "observations", "practitioners", "mean", "median"]
    if not len(ratings):
        return pd.DataFrame({c: [] for c in [*cols, "suppressed", "note"]})
    parts = ["measure", "kind"]
    keys = ["team", *parts]
    frame, scoped = _scoped(ratings, scope, lambda f: f, "ratings")
    grid = _grid([f for f in scoped if len(f)], parts, threshold)
    team_ok, all_ok = usable(frame, grid)
    table = _summarise(frame, parts, team_ok, all_ok, value="value", names=("mean", "median"))
    notes = left_out(frame, team_ok, all_ok, keys)
    rates = [(rate_measure(c.id), "rate") for c in rubric.counters] if (ratings["kind"] == "rate").any() else []
    measures = [(g.id, "global") for g in rubric.globals] + [(i.id, "indicator") for i in rubric.indicators] + rates
    table = complete(table, pd.DataFrame(measures, columns=["measure", "kind"]), teams)
    titles = {g.id: g.title for g in rubric.globals} | {i.id: i.title for i in rubric.indicators}
    titles |= {rate_measure(c.id): f"{c.title} per minute" for c in rubric.counters}
    order = {name: n for n, (name, _) in enumerate(measures)}
    table["title"] = [titles.get(m, m) for m in table["measure"]]
    table["_m"] = table["measure"].map(order).fillna(999)
    table["_t"] = (table["team"] == ALL_TEAMS).astype(int)
    table["_tn"] = table["team"].str.casefold()
    table = table.sort_values(["_t", "_tn", "_m"]).reset_index(drop=True)
    return collapse(finish(table[[*cols, "_all_pracs"]], cols[4:], threshold, notes, keys), threshold)


def _observation_grid(scope: Sequence[pd.DataFrame], threshold: int) -> Grid | None:
    """The team x quarter grid of observations (themes, actions, coverage and the heading)."""
    return _grid([f for f in scope if len(f)], [], threshold)


def themes_table(
    links: pd.DataFrame,
    observations: pd.DataFrame,
    rubric: Rubric,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    top: int | None = 10,
    scope: Sequence[pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Development themes: per team, the items most often linked as development areas and strengths.

    Counts are of practitioners, each counted once however often observed: development_areas
    (practitioners for whom the item was a development area), strengths (for whom it was a
    strength), practitioners (for whom it was either). They rest on the team's observed
    practitioners in the shown quarters of the protected team x quarter grid (``scope``:
    observation frames). Columns: team, section, item, title, development_areas, strengths,
    practitioners, suppressed, note; the ``top`` items per team by development areas (all with
    ``top=None``).
    """
    check_threshold(threshold)
    _one_rubric(observations)
    cols = ["team", "section", "item", "title", "development_areas", "strengths", "practitioners"]
    if not len(links):
        return pd.DataFrame({c: [] for c in [*cols, "suppressed", "note"]})
    grid = _observation_grid(scope if scope is not None else [observations], threshold)
    obs_team_ok, obs_all_ok = usable(observations, grid)
    link_team_ok, link_all_ok = usable(links, grid)
    observed: dict[str, frozenset[str]] = {}
    for ok, team in ((obs_team_ok, None), (obs_all_ok, ALL_TEAMS)):
        frame = observations.loc[ok]
        if team is None:
            for t, g in frame.groupby("team", observed=True):
                observed[str(t)] = frozenset(map(str, g["practitioner"]))
        else:
            observed[ALL_TEAMS] = frozenset(map(str, frame["practitioner"]))
    parts = []
    for ok, team in ((link_team_ok, None), (link_all_ok, ALL_TEAMS)):
        frame = links.loc[ok].assign(practitioner=lambda f: f["practitioner"].astype(str))
        frame["team"] = frame["team"].astype(str) if team is None else ALL_TEAMS
        parts.append(frame)
    frame = pd.concat(parts, ignore_index=True)
    keys = ["team", "section", "item"]
    counts = frame.groupby([*keys, "kind"], observed=True)["practitioner"].nunique().unstack("kind", fill_value=0)
    counts = counts.reindex(columns=["development", "strength"], fill_value=0).reset_index()
    counts = counts.rename(columns={"development": "development_areas", "strength": "strengths"})
    counts.columns.name = None
    had = frame.groupby(keys, observed=True)["practitioner"].nunique().rename("practitioners").reset_index()
    counts = counts.merge(had, on=keys, how="left")
    for k in keys:
        counts[k] = counts[k].astype(str)
    counts["title"] = [_item_text(rubric, s, i) for s, i in zip(counts["section"], counts["item"], strict=True)]
    counts["_t"] = (counts["team"] == ALL_TEAMS).astype(int)
    counts["_tn"] = counts["team"].str.casefold()
    counts = counts.sort_values(["_t", "_tn", "development_areas", "strengths"], ascending=[True, True, False, False], kind="stable")
    if top is not None:
        counts = counts.groupby("team", sort=False).head(top)
    counts = counts.reset_index(drop=True)
    # A team is shown whole or hidden whole: which items a hidden team's rows would be for must not show.
    names = sorted({*observed, *map(str, observations["team"].unique()), ALL_TEAMS}, key=lambda t: (t == ALL_TEAMS, t.casefold()))
    whole = observations.groupby(observations["team"].astype(str))["practitioner"].nunique().to_dict()
    whole[ALL_TEAMS] = observations["practitioner"].nunique()
    out = counts[cols].copy()
    for col in ("development_areas", "strengths", "practitioners"):
        out[col] = out[col].astype("Int64")
    hidden_team = {t: len(observed.get(t, frozenset())) < threshold for t in names}
    hidden = np.array([hidden_team.get(t, True) for t in out["team"]], dtype=bool)
    out.loc[hidden, ["development_areas", "strengths", "practitioners"]] = pd.NA
    out["suppressed"] = hidden
    notes = left_out(observations, obs_team_ok, obs_all_ok, ["team"])
    out["note"] = [
        (SUPPRESSED_PRIMARY.format(k=threshold) if whole.get(t, 0) < threshold else SUPPRESSED_SECONDARY) if h else notes.get((t,), "")
        for t, h in zip(out["team"], hidden, strict=True)
    ]
    return collapse(out, threshold)


def actions_table(
    observations: pd.DataFrame, *, threshold: int = DEFAULT_THRESHOLD, scope: Sequence[pd.DataFrame] | None = None
) -> pd.DataFrame:
    """Per team: observations, practitioners, observations with agreed actions, actions agreed."""
    check_threshold(threshold)
    cols = ["team", "observations", "practitioners", "with_actions", "actions"]
    if not len(observations):
        return pd.DataFrame({c: [] for c in [*cols, "suppressed", "note"]})
    grid = _observation_grid(scope if scope is not None else [observations], threshold)
    team_ok, all_ok = usable(observations, grid)
    frame = observations.assign(_with=(observations["actions"] > 0).astype(int), _one=1)
    table = _summarise(frame.assign(value=frame["actions"]), [], team_ok, all_ok, value="value", names=("_m", "_d"))
    sums = []
    for ok, team in ((team_ok, None), (all_ok, ALL_TEAMS)):
        part = frame.loc[ok]
        if team is None:
            sums.append(part.groupby(part["team"].astype(str))[["actions", "_with"]].sum().reset_index())
        else:
            sums.append(pd.DataFrame({"team": [ALL_TEAMS], "actions": [part["actions"].sum()], "_with": [part["_with"].sum()]}))
    table = table.merge(pd.concat(sums, ignore_index=True).rename(columns={"_with": "with_actions"}), on="team", how="left")
    notes = left_out(observations, team_ok, all_ok, ["team"])
    table["_t"] = (table["team"] == ALL_TEAMS).astype(int)
    table["_tn"] = table["team"].str.casefold()
    table = table.sort_values(["_t", "_tn"]).reset_index(drop=True)
    return collapse(finish(table[[*cols, "_all_pracs"]], cols[1:], threshold, notes, ["team"]), threshold)


def practitioner_table(items: pd.DataFrame, rubric: Rubric, *, names: bool = False, key: bytes | None = None) -> pd.DataFrame:
    """Per practitioner and section: observations, mean and median percent (no suppression).

    Asked for explicitly, for supervision rather than for a group. Practitioners are shown by
    pseudonymous label (``key`` from ``pseudonym_key``) unless ``names=True``.
    """
    _one_rubric(items)
    if not names and key is None:
        raise SummaryError("a per-practitioner view needs either names=True or a pseudonym key")
    per_obs = observation_scores(items, by=["section"])
    per_obs["practitioner"] = per_obs["practitioner"].astype(str)
    per_obs["team"] = per_obs["team"].astype(str)
    g = per_obs.groupby(["practitioner", "team", "section"], observed=True, sort=False)
    table = g.agg(
        observations=("observation_id", "nunique"), mean_percent=("percent", "mean"), median_percent=("percent", "median")
    ).reset_index()
    table["section"] = table["section"].astype(str)
    table["band"] = [scoring.band(p, whole=False, bands=scoring.rubric_bands(rubric)) for p in table["mean_percent"]]
    if not names:
        table["practitioner"] = [pseudonym(p, key or b"") for p in table["practitioner"]]
    sec_order = {s.id: n for n, s in enumerate(rubric.sections)}
    table["_s"] = table["section"].map(sec_order).fillna(999)
    table = table.sort_values(["practitioner", "team", "_s"]).drop(columns=["_s"]).reset_index(drop=True)
    return table


# -- actions and coverage as content --------------------------------------------------------------

#: Words left out when wordings of actions are compared (with case and punctuation).
_STOP_WORDS_TEXT = """a about after again all also an and any are as at be been before being but by can could did do does
each every for from had has have he her him his how i if in into is it its least me more most my next no
not of on once one only or other our out over per she should so some such than that the their them then
there these they this those through to too try up us use very was we were what when where which while who
will with within would you your"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
#: Label of an action linked to no item in the table by item.
NOT_LINKED = "not linked to an item"
#: Statuses of a carried action, in the order shown (``not_reviewed``: carried, status not set yet).
CARRIED_STATUSES = ("done", "ongoing", "dropped", "not_reviewed")
#: The ``period`` of a carried-actions row covering every quarter asked.
WHOLE_PERIOD = "whole period"


def wording_key(text: str) -> str:
    """The key words of an action's wording: lower case, no punctuation or stop words, plural -s
    dropped, each word once, in order of the alphabet. Wordings with the same key are grouped.

    >>> wording_key("Agree an agenda, at the start of sessions!")
    'agenda agree session start'
    >>> wording_key("Start each session by agreeing the agenda") == wording_key("Agree agenda: start sessions")
    False
    """
    words = set()
    for word in "".join(ch if ch.isalnum() else " " for ch in text.casefold()).split():
        if word in STOP_WORDS or len(word) < 2:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return " ".join(sorted(words))


#: Two wordings are grouped when this share of their key words (of the two sets' union) is common to both.
WORDING_OVERLAP = 0.7


def wording_groups(keys: Sequence[str], overlap: float = WORDING_OVERLAP) -> dict[str, str]:
    """Each key (``wording_key``) with its group: keys sharing at least ``overlap`` of their key
    words (Jaccard: common words / all words of the two) are grouped, and so, in turn, are the
    keys grouped with those. A group is named by its first key in order of the alphabet.

    >>> one, other = "appointment end leave minute summary task ten", "appointment last leave minute summary task ten"
    >>> groups = wording_groups([one, other, "agenda agree"])
    >>> groups[one] == groups[other]
    True
    >>> groups["agenda agree"]
    'agenda agree'
    """
    unique = sorted(set(keys))
    sets = [frozenset(k.split()) for k in unique]
    freq: dict[str, int] = {}
    for words in sets:
        for w in words:
            freq[w] = freq.get(w, 0) + 1
    parent = list(range(len(unique)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Prefix filtering: two sets with Jaccard >= t share a word among the rarest
    # len - ceil(t * len) + 1 words of each, so only keys meeting there are compared.
    index: dict[str, list[int]] = {}
    for i, words in enumerate(sets):
        ordered = sorted(words, key=lambda w: (freq[w], w))
        prefix = ordered[: len(ordered) - int(np.ceil(overlap * len(ordered) - 1e-9)) + 1]
        partners: set[int] = set()
        for w in prefix:
            partners.update(index.setdefault(w, []))
            index[w].append(i)
        for j in partners:
            if len(words & sets[j]) >= overlap * len(words | sets[j]) - 1e-9:
                a, b = root(i), root(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return {k: unique[root(i)] for i, k in enumerate(unique)}


def _team_rows(frame: pd.DataFrame, team_ok: np.ndarray, all_ok: np.ndarray) -> pd.DataFrame:
    """``frame``'s rows that may count towards their team (team as text), then those that may count
    towards All teams (team ``All teams``): one frame to group by team."""
    parts = []
    for ok, team in ((team_ok, None), (all_ok, ALL_TEAMS)):
        part = frame.loc[ok].copy()
        part["team"] = part["team"].astype(str) if team is None else ALL_TEAMS
        part["practitioner"] = part["practitioner"].astype(str)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _observed(observations: pd.DataFrame, team_ok: np.ndarray, all_ok: np.ndarray) -> dict[str, frozenset[str]]:
    """Per team (and All teams): the practitioners observed in the quarters the grid shows."""
    rows = _team_rows(observations.loc[:, ["team", "practitioner", "quarter"]], team_ok, all_ok)
    return {str(t): frozenset(g["practitioner"]) for t, g in rows.groupby("team", sort=False)}


def _whole_teams(
    out: pd.DataFrame, observations: pd.DataFrame, observed: dict[str, frozenset[str]], team_ok: np.ndarray, all_ok: np.ndarray,
    figures: Sequence[str], threshold: int,
) -> pd.DataFrame:  # fmt: skip
    """Rows of teams resting on fewer than ``threshold`` practitioners observed in shown quarters
    hidden (a team is shown whole or hidden whole), notes, then one placeholder row per hidden team."""
    whole = observations.groupby(observations["team"].astype(str), observed=True)["practitioner"].nunique().to_dict()
    whole[ALL_TEAMS] = observations["practitioner"].nunique()
    hidden = np.array([len(observed.get(str(t), frozenset())) < threshold for t in out["team"]], dtype=bool)
    out = out.copy()
    for col in figures:
        out[col] = out[col].astype("Int64")
    out.loc[hidden, list(figures)] = pd.NA
    out["suppressed"] = hidden
    notes = left_out(observations, team_ok, all_ok, ["team"])
    out["note"] = [
        (SUPPRESSED_PRIMARY.format(k=threshold) if whole.get(t, 0) < threshold else SUPPRESSED_SECONDARY) if h else notes.get((t,), "")
        for t, h in zip(out["team"], hidden, strict=True)
    ]
    return collapse(out.reset_index(drop=True), threshold)


def _by_team_order(frame: pd.DataFrame, then: list[str], ascending: list[bool]) -> pd.DataFrame:
    keys = pd.DataFrame({"_t": (frame["team"] == ALL_TEAMS).astype(int), "_tn": frame["team"].astype(str).str.casefold()})
    keyed = pd.concat([frame.reset_index(drop=True), keys], axis=1)
    keyed = keyed.sort_values(["_t", "_tn", *then], ascending=[True, True, *ascending], kind="stable")
    return keyed.drop(columns=["_t", "_tn"]).reset_index(drop=True)


def _every_team(observations: pd.DataFrame, observed: dict[str, frozenset[str]]) -> list[str]:
    names = {*map(str, observations["team"].unique()), *observed, ALL_TEAMS}
    return sorted(names, key=lambda t: (t == ALL_TEAMS, t.casefold()))


def action_items_table(
    actions: pd.DataFrame,
    observations: pd.DataFrame,
    rubric: Rubric,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    top: int | None = 10,
    scope: Sequence[pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Recurring actions by the item they address: per team (and All teams), per item linked
    (``section`` and ``item`` empty, title ``not linked to an item``, for actions linked to none),
    the actions agreed, the observations and the practitioners they were agreed at, most
    practitioners first (the ``top`` items per team; all with ``top=None``).

    Privacy as for ``themes_table``: only observations in the quarters the protected team x
    quarter grid (of ``scope``, observation frames) shows count, and a team is shown whole or
    hidden whole, on the practitioners observed in those quarters.
    """
    check_threshold(threshold)
    _one_rubric(observations)
    cols = ["team", "section", "item", "title", "actions", "observations", "practitioners"]
    if not len(observations):
        return pd.DataFrame({c: [] for c in [*cols, "suppressed", "note"]})
    grid = _observation_grid(scope if scope is not None else [observations], threshold)
    obs_team_ok, obs_all_ok = usable(observations, grid)
    observed = _observed(observations, obs_team_ok, obs_all_ok)
    if len(actions):
        act_team_ok, act_all_ok = usable(actions, grid)
        frame = _team_rows(actions, act_team_ok, act_all_ok)
    else:
        frame = pd.DataFrame({c: pd.Series(dtype=str) for c in ("team", "section", "item", "observation_id", "practitioner")})
    keys = ["team", "section", "item"]
    counts = frame.groupby(keys, sort=False).agg(
        actions=("observation_id", "size"), observations=("observation_id", "nunique"), practitioners=("practitioner", "nunique")
    ).reset_index()  # fmt: skip
    counts["title"] = [NOT_LINKED if not s else _item_text(rubric, s, i) for s, i in zip(counts["section"], counts["item"], strict=True)]
    counts = _by_team_order(counts, ["practitioners", "actions", "section", "item"], [False, False, True, True])
    if top is not None:
        counts = counts.groupby("team", sort=False).head(top)
    # Every team observed has a row, so which teams agreed no actions is said, not left to guess.
    present = set(counts["team"])
    missing = [t for t in _every_team(observations, observed) if t not in present]
    if missing:
        empty = pd.DataFrame(
            {"team": missing, "section": "", "item": "", "title": "no actions agreed", "actions": 0, "observations": 0, "practitioners": 0}
        )
        counts = _by_team_order(pd.concat([counts, empty], ignore_index=True), [], [])
    return _whole_teams(
        counts[cols], observations, observed, obs_team_ok, obs_all_ok, ["actions", "observations", "practitioners"], threshold
    )


def action_wording_table(
    actions: pd.DataFrame,
    observations: pd.DataFrame,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    top: int | None = 10,
    scope: Sequence[pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Recurring actions by similar wording: per team (and All teams), groups of actions whose
    wordings share their key words (``wording_key``, ``wording_groups``), each shown by its representative wording
    (the wording written for most practitioners of the group; ties: most actions, then the
    shortest), with the item most of them address (``linked_item``, ``section.item``), the actions, observations and practitioners.

    Action text is free text: a group is shown only when it rests on at least ``threshold``
    practitioners of the team (or of All teams), and a wording that the privacy hints
    (``seeds_tui.core.privacy``) flag as possible personal data is never shown nor counted here.
    The observations counted, and teams shown or hidden whole, as in ``action_items_table``.
    """
    from seeds_tui.core.privacy import personal_data_warnings
    from seeds_tui.core.text import printable

    check_threshold(threshold)
    _one_rubric(observations)
    cols = ["team", "wording", "linked_item", "actions", "observations", "practitioners"]
    if not len(observations):
        return pd.DataFrame({c: [] for c in [*cols, "suppressed", "note"]})
    grid = _observation_grid(scope if scope is not None else [observations], threshold)
    obs_team_ok, obs_all_ok = usable(observations, grid)
    observed = _observed(observations, obs_team_ok, obs_all_ok)
    rows: list[dict[str, object]] = []
    if len(actions):
        texts = pd.Series(pd.unique(actions["text"].astype(str)))
        flagged = {t for t in texts if personal_data_warnings(t)}
        keyed = {t: wording_key(t) for t in texts if t not in flagged}
        grouped = wording_groups([k for k in keyed.values() if k])
        keyed = {t: grouped.get(k, "") for t, k in keyed.items()}
        act = actions.loc[[t in keyed for t in actions["text"].astype(str)]]
        act = act.assign(_key=act["text"].astype(str).map(keyed))
        act = act.loc[act["_key"] != ""]
        act_team_ok, act_all_ok = usable(act, grid)
        frame = _team_rows(act, act_team_ok, act_all_ok)
        frame["_link"] = np.where(frame["section"].astype(str) != "", frame["section"].astype(str) + "." + frame["item"].astype(str), "")
        frame = frame.loc[:, ["team", "_key", "text", "_link", "practitioner", "observation_id"]]
        group = ["team", "_key"]
        sizes = frame.groupby(group, sort=False).agg(
            actions=("observation_id", "size"), observations=("observation_id", "nunique"), practitioners=("practitioner", "nunique")
        )  # fmt: skip
        sizes = sizes.loc[sizes["practitioners"] >= threshold]
        frame = frame.merge(sizes.index.to_frame(index=False), on=group)
        per_text = frame.groupby([*group, "text"], sort=False).agg(p=("practitioner", "nunique"), n=("practitioner", "size")).reset_index()
        per_text["_len"] = per_text["text"].str.len()
        per_text = per_text.sort_values([*group, "p", "n", "_len", "text"], ascending=[True, True, False, False, True, True])
        best = per_text.drop_duplicates(group).set_index(group)["text"]
        linked = frame.loc[frame["_link"] != ""].groupby([*group, "_link"], sort=False).size().rename("n").reset_index()
        linked = linked.sort_values([*group, "n", "_link"], ascending=[True, True, False, True]).drop_duplicates(group)
        links = linked.set_index(group)["_link"]
        for pair, rec in zip(sizes.index, sizes.to_dict("records"), strict=True):
            rows.append({
                "team": pair[0], "wording": printable(str(best[pair]), newlines=False), "linked_item": str(links.get(pair, "")),
                "actions": int(rec["actions"]), "observations": int(rec["observations"]), "practitioners": int(rec["practitioners"]),
            })  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    out = _by_team_order(out, ["practitioners", "actions", "wording"], [False, False, True])
    if top is not None:
        out = out.groupby("team", sort=False).head(top)
    present = set(out["team"])
    missing = [t for t in _every_team(observations, observed) if t not in present]
    if missing:
        none = f"no wording on {threshold} or more practitioners"
        empty = pd.DataFrame(
            {"team": missing, "wording": none, "linked_item": "", "actions": pd.NA, "observations": pd.NA, "practitioners": pd.NA}
        )
        out = _by_team_order(pd.concat([out, empty], ignore_index=True), [], [])
    return _whole_teams(out[cols], observations, observed, obs_team_ok, obs_all_ok, ["actions", "observations", "practitioners"], threshold)


def carried_table(
    carried: pd.DataFrame, observations: pd.DataFrame, *, threshold: int = DEFAULT_THRESHOLD, scope: Sequence[pd.DataFrame] | None = None
) -> pd.DataFrame:
    """How carried actions ended: per team (and All teams) and quarter, and over the whole period,
    the actions reviewed at observations then (each action once, as it stood at its latest review
    there: ``feedback.carried``), how many were done, ongoing, dropped or not yet reviewed, and
    the practitioners they were agreed with.

    Privacy: a team's quarter row is the protected grid's cell (team x quarter of ``scope``,
    observation frames) and is shown only when the grid shows it; a whole-period row pools the
    team's shown quarters (the note says which it leaves out), and is hidden when those rest on
    fewer than ``threshold`` practitioners observed.
    """
    check_threshold(threshold)
    _one_rubric(observations)
    figures = ["actions", *CARRIED_STATUSES, "practitioners"]
    cols = ["team", "period", *figures]
    if not len(observations):
        return pd.DataFrame({c: [] for c in [*cols, "suppressed", "note"]})
    grid = _observation_grid(scope if scope is not None else [observations], threshold)
    obs_team_ok, obs_all_ok = usable(observations, grid)
    seen = _team_rows(observations.loc[:, ["team", "practitioner", "quarter"]], obs_team_ok, obs_all_ok)
    seen["quarter"] = seen["quarter"].astype(str)
    whole_obs = observations.assign(quarter=observations["quarter"].astype(str), team=observations["team"].astype(str))
    whole_obs = pd.concat([whole_obs, whole_obs.assign(team=ALL_TEAMS)], ignore_index=True)
    if len(carried):
        c_team_ok, c_all_ok = usable(carried, grid)
        frame = _team_rows(carried, c_team_ok, c_all_ok)
        frame["quarter"] = frame["quarter"].astype(str)
        frame = frame.sort_values(["session_date", "observation_id"], kind="stable")
    else:
        frame = pd.DataFrame({c: pd.Series(dtype=str) for c in ("team", "quarter", "practitioner", "key", "status")})
    quarters = sorted(map(str, observations["quarter"].astype(str).unique()))
    periods = [*quarters, WHOLE_PERIOD]
    index = pd.MultiIndex.from_product([_every_team(observations, {}), periods], names=["team", "period"])
    # Each action once per row: as it stood at its latest review in the quarter, or in the period.
    last = pd.concat(
        [
            frame.drop_duplicates(["team", "quarter", "key"], keep="last").assign(period=lambda f: f["quarter"]),
            frame.drop_duplicates(["team", "key"], keep="last").assign(period=WHOLE_PERIOD),
        ],
        ignore_index=True,
    )
    by = ["team", "period"]
    out = pd.DataFrame(index=index)
    out["actions"] = last.groupby(by).size()
    for status in CARRIED_STATUSES:
        out[status] = last.loc[last["status"] == status].groupby(by).size()
    out["practitioners"] = last.groupby(by)["practitioner"].nunique()

    def practitioners(f: pd.DataFrame) -> pd.Series:
        both = pd.concat([f.assign(period=f["quarter"]), f.assign(period=WHOLE_PERIOD)], ignore_index=True)
        return both.groupby(by)["practitioner"].nunique()

    out["_base"] = practitioners(seen)
    out["_whole"] = practitioners(
        whole_obs.loc[:, ["team", "quarter", "practitioner"]].assign(practitioner=lambda f: f["practitioner"].astype(str))
    )
    out = out.fillna(0).astype("int64").reset_index()
    hidden = (out["_base"] < threshold).to_numpy()
    notes = left_out(observations, obs_team_ok, obs_all_ok, ["team"])
    out["note"] = [
        (SUPPRESSED_PRIMARY.format(k=threshold) if w < threshold else SUPPRESSED_SECONDARY)
        if h
        else (notes.get((t,), "") if p == WHOLE_PERIOD else "")
        for t, p, h, w in zip(out["team"], out["period"], hidden, out["_whole"], strict=True)
    ]
    for col in figures:
        out[col] = out[col].astype("Int64")
    out.loc[hidden, figures] = pd.NA
    out["suppressed"] = hidden
    return collapse(out[[*cols, "suppressed", "note"]], threshold)


def coverage_table(
    observations: pd.DataFrame,
    items: pd.DataFrame,
    roster: pd.DataFrame,
    *,
    names: bool = False,
    key: bytes | None = None,
    teams: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Who has (not) been observed: per practitioner, the team, the observations in the period
    asked (``observations``), the date last observed (ever, in the store: ``roster``), and the
    share of their scored items in the period that were NO (not observed), 0-100. Practitioners
    of the store not observed in the period have 0 observations (and no NO share). Fewest
    observations first, then longest since last observed.

    For a manager, not for a group (as ``practitioner_table``): not suppressed, and practitioners
    are shown by pseudonymous label (``key`` from ``pseudonym_key``) unless ``names=True``.
    ``teams`` (team keys, ``frames.team_key``) narrows the practitioners not observed in the period
    to those whose latest observation was in one of those teams. Counts, dates and NO share only:
    no scores.
    """
    if not names and key is None:
        raise SummaryError("a per-practitioner view needs either names=True or a pseudonym key")
    cols = ["practitioner", "team", "observations", "last_observed", "no"]
    obs = pd.DataFrame(
        {
            "practitioner": observations["practitioner"].astype(str).to_numpy(),
            "team": observations["team"].astype(str).to_numpy(),
            "session_date": observations["session_date"].to_numpy(),
            "observation_id": observations["observation_id"].astype(str).to_numpy(),
        }
    )
    latest = obs.sort_values(["practitioner", "session_date", "observation_id"]).drop_duplicates("practitioner", keep="last")
    seen = obs.groupby("practitioner").size().rename("observations")
    table = latest.loc[:, ["practitioner", "team"]].merge(seen, on="practitioner", how="left")
    if len(items):
        is_no = pd.Series((items["code"] == "NO").to_numpy(dtype=bool), index=items.index)
        share = is_no.groupby(items["practitioner"].astype(str).to_numpy()).mean() * 100.0
        table["no"] = table["practitioner"].map(share).astype(float)
    else:
        table["no"] = np.nan
    roster = roster.sort_values(["last_observed"], kind="stable").drop_duplicates("practitioner", keep="last")
    others = roster.loc[~roster["practitioner"].astype(str).isin(set(table["practitioner"]))]
    if teams:
        wanted = set(teams)
        others = others.loc[[frames.team_key(t) in wanted for t in others["team"]]]
    unseen = pd.DataFrame(
        {"practitioner": others["practitioner"].astype(str), "team": others["team"].astype(str), "observations": 0, "no": np.nan}
    )
    table = pd.concat([table, unseen], ignore_index=True)
    last = dict(zip(roster["practitioner"].astype(str), roster["last_observed"], strict=True))
    table["_last"] = pd.to_datetime(table["practitioner"].map(last))
    table["last_observed"] = [d.date().isoformat() if not pd.isna(d) else "" for d in table["_last"]]
    table["observations"] = table["observations"].fillna(0).astype("int64")
    if not names:
        table["practitioner"] = [pseudonym(p, key or b"") for p in table["practitioner"]]
    table["_tn"] = table["team"].str.casefold()
    table = table.sort_values(["observations", "_last", "_tn", "practitioner"], kind="stable", na_position="first")
    return table.loc[:, cols].reset_index(drop=True)


# -- one call for the command line and the app --------------------------------------------------

VIEWS = ("section", "item", "composite", "quarter", "themes", "ratings", "practitioner", "actions", "coverage")


@dataclass
class SummaryTable:
    """One titled table of a summary, ready to render."""

    title: str
    view: str
    frame: pd.DataFrame
    rubric_id: str
    #: What to say when the table has no rows.
    empty: str = "no rows"


def describe_selection(
    observations: pd.DataFrame, threshold: int, what: str = "observation", scope: Sequence[pd.DataFrame] | None = None
) -> list[str]:
    """Heading lines about the observations summarised, following the privacy threshold.

    ``observations`` are every team's for the dates asked (``SummaryData.service``): the
    heading describes what All teams rests on, whatever teams were asked for, so comparing two
    headings reveals nothing. Only sessions in quarters whose All teams cell the protected grid
    (of ``scope``, default ``observations``) shows are counted. When those rest on fewer than
    ``threshold`` practitioners nothing is counted or dated; otherwise the lines give the
    numbers of observations, practitioners and teams, and the first and last quarters.
    """
    grid = _observation_grid(scope if scope is not None else [observations], threshold)
    _, all_ok = usable(observations, grid)
    shown = observations.loc[all_ok]
    pracs = shown["practitioner"].astype(str)
    if pracs.nunique() < threshold:
        return [f"the {what}s asked for rest on fewer than {threshold} practitioners: counts, dates and teams are not shown"]
    teams = observations["team"].astype(str).nunique()
    line = f"all teams: {plural(len(shown), what)}, {plural(pracs.nunique(), 'practitioner')}, {plural(teams, 'team')}"
    if len(shown) < len(observations):
        line += " (quarters hidden for privacy not counted)"
    quarters = sorted(map(str, shown["quarter"].astype(str).unique()))
    return [line, f"sessions from {quarters[0]} to {quarters[-1]}" if quarters[0] != quarters[-1] else f"sessions in {quarters[0]}"]


def describe_data(data: SummaryData, threshold: int, what: str = "observation") -> list[str]:
    """``describe_selection`` of a summary's data, as every surface should call it: the service's
    observations for the dates asked, protected by the grid of ``data.scopes``; plus the teams
    asked for, if any."""
    lines = describe_selection(data.service.observations, threshold, what, scope=[s.observations for s in data.scopes])
    return lines + describe_teams_asked(data)


def describe_teams_asked(data: SummaryData) -> list[str]:
    """The heading line naming the teams asked for (none when no team was asked for): the part of
    ``describe_data`` that the teams asked for change, the rest being their service's."""
    if not data.teams_asked:
        return []
    asked = sorted({str(t) for t in data.observations["team"].unique()}, key=str.casefold)
    return [f"teams asked for: {', '.join(asked) or 'none with observations'}; All teams is every team"]


def build_tables(
    data: SummaryData,
    view: str,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    before_after: date | None = None,
    window: int = 3,
    names: bool = False,
    key: bytes | None = None,
    describe: Callable[[SummaryData], str] | None = None,
    event_teams: Sequence[str] = (),
) -> list[SummaryTable]:
    """The tables of one view, one set per rubric id (rubric ids are never mixed).

    Every team figure is answered from the protected grid of ``data.scopes`` (see
    ``seeds_tui.team.suppression``): All teams is every team of the store for the dates asked,
    and teams asked for are rows of that service-wide table.
    """
    check_threshold(threshold)
    if view not in VIEWS:
        raise SummaryError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    if before_after is not None and view not in BEFORE_AFTER_VIEWS:
        raise SummaryError(f"a training event compares sections, items or composites: use it with --by {', '.join(BEFORE_AFTER_VIEWS)}")
    out: list[SummaryTable] = []
    if view == "coverage":
        return [_coverage(data, names=names, key=key)] if data.rubric_ids else []
    for rid in data.rubric_ids:
        part = data if one_rubric(data, rid) else data.only(rid)
        rubric = part.rubric
        head = f"{rubric.title} ({rid})"
        service = part.service
        scopes = part.scopes
        mine: list[SummaryTable] = []
        if view == "ratings" and not (rubric.globals or rubric.indicators or rubric.counters):
            empty = "this rubric has no global ratings, indicators or tallies"
        elif view == "ratings":
            empty = "no global ratings, indicators or timed tallies were recorded in these observations"
        elif view == "themes":
            empty = "no strengths or development areas were linked to items in these observations"
        else:
            empty = "no rows"
        items_scope = [s.items for s in scopes]
        if view in ("section", "item"):
            frame = score_table(service.items, rubric, by=view, threshold=threshold, scope=items_scope)
            mine.append(SummaryTable(f"{head}: by team and {view}", view, frame, rid))
        elif view == "composite":
            frame = composite_table(service.items, rubric, threshold=threshold, scope=items_scope)
            mine.append(SummaryTable(f"{head}: composites by team", view, frame, rid))
        elif view == "quarter":
            frame = trend_table(service.items, rubric, threshold=threshold, scope=items_scope)
            mine.append(SummaryTable(f"{head}: trend by quarter", view, frame, rid))
        elif view == "themes":
            obs_scope = [s.observations for s in scopes]
            frame = themes_table(service.links, service.observations, rubric, threshold=threshold, scope=obs_scope)
            mine.append(SummaryTable(f"{head}: most frequent development areas", view, frame, rid, empty))
            frame = actions_table(service.observations, threshold=threshold, scope=obs_scope)
            mine.append(SummaryTable(f"{head}: agreed actions", "actions", frame, rid))
        elif view == "actions":
            obs_scope = [s.observations for s in scopes]
            frame = action_items_table(service.actions, service.observations, rubric, threshold=threshold, scope=obs_scope)
            mine.append(SummaryTable(f"{head}: recurring actions by the item they address", "action_items", frame, rid))
            frame = action_wording_table(service.actions, service.observations, threshold=threshold, scope=obs_scope)
            title = f"{head}: recurring actions by wording (groups on {threshold} or more practitioners)"
            mine.append(SummaryTable(title, "action_wording", frame, rid))
            frame = carried_table(service.carried, service.observations, threshold=threshold, scope=obs_scope)
            mine.append(SummaryTable(f"{head}: how carried actions ended", "carried", frame, rid))
        elif view == "ratings":
            rated = [
                _MEMO.of(s.ratings, ("observed", id(s.observations)), functools.partial(_observed_teams, observations=s.observations))
                for s in scopes
            ]
            frame = ratings_table(service.ratings, rubric, threshold=threshold, teams=_teams(service), scope=rated)
            mine.append(SummaryTable(f"{head}: global ratings, indicators and tally rates", view, frame, rid, empty))
        elif view == "practitioner":
            title = f"{head}: by practitioner ({'names' if names else 'pseudonymous labels'})"
            mine.append(SummaryTable(title, view, practitioner_table(part.items, rubric, names=names, key=key), rid))
        if before_after is not None:
            by = {"section": "section", "item": "item", "composite": "group", "quarter": "section"}[view]
            before_q, after_q = event_windows(before_after, window)
            span = f"{before_q[0]}" + (f" to {before_q[-1]}" if len(before_q) > 1 else "")
            span_after = f"{after_q[0]}" + (f" to {after_q[-1]}" if len(after_q) > 1 else "")
            title = f"{head}: before ({span}) and after ({span_after}) the training event of {before_after.isoformat()}"
            later = (
                service.observations["session_date"] >= pd.Timestamp(before_after)
                if len(service.observations)
                else pd.Series([], dtype=bool)
            )
            in_after = service.observations["quarter"].astype(str).isin(after_q) if len(service.observations) else later
            if not bool(later.any()):
                frame = pd.DataFrame({c: [] for c in ("team", "period", "suppressed", "note")})
                mine.append(SummaryTable(title, "before_after", frame, rid, f"no observations after {before_after.isoformat()}"))
            elif not bool(in_after.any()):
                frame = pd.DataFrame({c: [] for c in ("team", "period", "suppressed", "note")})
                mine.append(SummaryTable(title, "before_after", frame, rid, f"no observations in the after window ({span_after})"))
            else:
                frame = before_after_table(
                    service.items, rubric, before_after, threshold=threshold, window=window, by=by, scope=items_scope
                )
                if event_teams:  # the teams that attended, and All teams
                    wanted = {frames.team_key(t) for t in event_teams}
                    frame = frame.loc[[t == ALL_TEAMS or frames.team_key(t) in wanted for t in frame["team"]]].reset_index(drop=True)
                mine.append(SummaryTable(title, "before_after", frame, rid))
        for table in mine:
            if table.view not in ("practitioner", "coverage"):
                if part.teams_asked:
                    table.frame = _only_teams(table.frame, part.observations)
                table.frame = with_hidden_teams(table.frame, part.observations, threshold)
        out.extend(mine)
    return out


#: The mark of data that is one rubric's already, its service and scopes too (``one_rubric``).
_ONE_RUBRIC = "one rubric"


def mark_one_rubric(data: SummaryData, rubric_id: str) -> None:
    """Say that ``data`` (made by ``only(rubric_id)``, its service and scopes as well) is that rubric's alone."""
    data._cached[_ONE_RUBRIC] = rubric_id


def one_rubric(data: SummaryData, rubric_id: str) -> bool:
    """Whether ``data`` is one rubric's alone already, so that ``build_tables`` uses its own frames
    (and the work kept on them) rather than narrowing them again: marked so, or with nothing
    beyond itself (no service or scopes) and only that rubric."""
    if data._cached.get(_ONE_RUBRIC) == rubric_id:
        return True
    return data._service is None and data._scopes is None and data.rubric_ids == [rubric_id]


def _coverage(data: SummaryData, *, names: bool, key: bytes | None) -> SummaryTable:
    """The coverage table of ``data``: one table over every rubric asked for (coverage shows
    counts, dates and NO shares, which mean the same under any rubric)."""
    ids = data.rubric_ids
    head = f"{data.rubrics[ids[0]].title} ({ids[0]})" if len(ids) == 1 else f"All rubrics ({', '.join(ids)})"
    label = "names" if names else "pseudonymous labels"
    frame = coverage_table(data.observations, data.items, data.roster, names=names, key=key, teams=sorted(data.team_keys))
    rid = ids[0] if len(ids) == 1 else "all-rubrics"
    return SummaryTable(f"{head}: coverage by practitioner ({label})", "coverage", frame, rid)


#: The views a training event's before/after comparison goes with.
BEFORE_AFTER_VIEWS = ("section", "item", "composite", "quarter")


#: Views whose tables are computed from every team's data for the dates asked (``SummaryData.service``),
#: so that the tables for some teams are rows of the tables for every team (``for_teams_asked``).
TEAM_ROWS_VIEWS = ("section", "item", "composite", "quarter", "ratings", "themes")


def for_teams_asked(tables: Sequence[SummaryTable], data: SummaryData, threshold: int = DEFAULT_THRESHOLD) -> list[SummaryTable]:
    """What ``build_tables(data, view, ...)`` gives for ``data`` (teams asked for, one rubric), from the
    tables ``build_tables`` gave for ``data.service`` (every team, the same dates, view, threshold and
    event): the rows of the teams asked for and of All teams, as the end of ``build_tables`` picks
    them. A team's figures never depend on which teams are asked for, so nothing is computed again.
    """
    out = []
    for table in tables:
        frame = table.frame
        if table.view != "practitioner" and data.teams_asked:
            frame = with_hidden_teams(_only_teams(frame, data.observations), data.observations, threshold)
        out.append(SummaryTable(table.title, table.view, frame, table.rubric_id, table.empty))
    return out


def _only_teams(frame: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """The rows of the teams asked for (those of ``observations``) and of All teams."""
    if "team" not in frame.columns or not len(frame):
        return frame
    keep = {str(t) for t in observations["team"].unique()} | {ALL_TEAMS}
    return frame.loc[frame["team"].astype(str).isin(keep)].reset_index(drop=True)


def _observed_teams(frame: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its team column a categorical of every team observed (for the grid's cells)."""
    if "team" not in frame.columns:
        return frame
    teams = sorted({*map(str, observations["team"].unique()), *map(str, frame["team"].unique())})
    return frame.assign(team=pd.Categorical(frame["team"].astype(str), categories=teams))


def _teams(data: SummaryData) -> list[str]:
    return sorted({str(t) for t in data.observations["team"]}, key=str.casefold)
