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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from seeds_tui.core import scoring
from seeds_tui.core.rubric import Rubric
from seeds_tui.team import frames
from seeds_tui.team.frames import SummaryData, SummaryError, plural, several_rubrics_message
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


# -- the protected grid (see seeds_tui.team.suppression) -----------------------------------------


def _cells(frame: pd.DataFrame, parts: Sequence[str]) -> tuple[pd.DataFrame, list[frozenset[str]]]:
    """The grid's cells of ``frame``: per team (and All teams), ``parts`` and quarter, the set of practitioners.

    Every team has every cell (each part and quarter anyone has): an empty cell is hidden like
    one resting on too few, so which cells a team has data in never changes the pattern.
    """
    keys = [*parts, "quarter"]
    team_sets = _practitioner_sets(frame, ["team", *keys])
    all_sets = _practitioner_sets(frame, keys)
    teams = sorted({k[0] for k in team_sets})
    if isinstance(frame["team"].dtype, pd.CategoricalDtype):  # every team observed, rated or not
        teams = sorted({*teams, *map(str, frame["team"].cat.categories)})
    rows: list[tuple[str, ...]] = []
    sets: list[frozenset[str]] = []
    empty: frozenset[str] = frozenset()
    for combo, pr in all_sets.items():
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
        cells, sets = _cells(frame, parts)
        g = protect(cells, sets, threshold, [("team", ALL_TEAMS), *families])
        grid = g if grid is None else grid.join(g)
    return grid


def _scoped(
    items: pd.DataFrame, scope: Sequence[pd.DataFrame] | None, make: Callable[[pd.DataFrame], pd.DataFrame]
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """``make`` of the items asked for, and of each scope (the same frame when the scope is the items)."""
    mine = make(items)
    return mine, [mine if s is items else make(s) for s in (scope if scope is not None else [items])]


def observation_scores(items: pd.DataFrame, by: Sequence[str] = ("section",)) -> pd.DataFrame:
    """Per observation and ``by`` (e.g. section, item or section_group): points, possible and
    percent of maximum over the items given a level, as ``scoring.section_scores`` computes it.

    Columns: observation_id, team, practitioner, session_date, quarter, *by, points, possible,
    percent. Observations whose items there were all NA/NO have a missing percent.
    """
    keys = ["observation_id", *by]
    g = items.groupby(keys, observed=True, sort=False)
    out = g.agg(
        team=("team", "first"), practitioner=("practitioner", "first"), session_date=("session_date", "first"),
        quarter=("quarter", "first"), points=("points", "sum"), possible=("possible", "sum"),
    ).reset_index()  # fmt: skip
    out["percent"] = scoring.percent_of_max(out["points"].astype(float), out["possible"].astype(float)).to_numpy(dtype=float)
    return out.loc[:, ["observation_id", "team", "practitioner", "session_date", "quarter", *by, "points", "possible", "percent"]]


def _practitioner_sets(frame: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], frozenset[str]]:
    if not keys:
        return {(): frozenset(map(str, frame["practitioner"].unique()))}
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
        if keys:
            g = frame.groupby(keys, observed=True, sort=False)[value]
            stats = g.agg(["size", "mean", "median"]).reset_index()
            stats = stats.rename(columns={"size": "observations", "mean": names[0], "median": names[1]})
            whole = per_obs.groupby(keys, observed=True, sort=False)["practitioner"].nunique().rename("_all_pracs").reset_index()
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


def _shares(items: pd.DataFrame, parts: list[str], scale: Sequence[int] = (), grid: Grid | None = None) -> pd.DataFrame:
    """Per team and ``parts`` (plus all teams): percent of scored items shown / missed / NA / NO,
    and level_<v>: percent of items given a level that got level v, over the grid's shown cells.

    Counted once per cell (team, parts, quarter), then summed over the cells that may count.
    """
    value = items["value"].to_numpy(dtype=float, na_value=np.nan)
    code = items["code"].cat.codes.to_numpy() if isinstance(items["code"].dtype, pd.CategoricalDtype) else np.full(len(items), -1)
    # 0 shown, 1 missed (the lowest level), 2 NA, 3 NO
    kind = np.where(code == 0, 2, np.where(code == 1, 3, np.where(value == items["scale_min"].to_numpy(), 1, 0)))
    cell = ["team", *parts, "quarter"]
    frame = items.loc[:, cell].assign(_kind=kind, _v=value)
    counts = frame.groupby([*cell, "_kind"], observed=True, sort=False).size().unstack("_kind", fill_value=0)
    counts = counts.reindex(columns=[0, 1, 2, 3], fill_value=0)
    counts.columns = ["shown", "missed", "na", "no"]
    levels = frame.loc[~np.isnan(value)].groupby([*cell, "_v"], observed=True, sort=False).size().unstack("_v", fill_value=0)
    # Every level of the rubric's scales, plus any an older version's scale used.
    levels = levels.reindex(columns=sorted({float(v) for v in scale} | {float(v) for v in levels.columns}), fill_value=0)
    levels.columns = [f"level_{int(v)}" for v in levels.columns]
    cells = counts.join(levels, how="left").fillna(0).reset_index()
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
    level_cols = [c for c in both.columns if c.startswith("level_")]
    leveled = both[level_cols].sum(axis=1)
    for col in level_cols:
        both[col] = (100.0 * both[col] / leveled.where(leveled > 0)).astype(float)
    return both


_PERCENT_FIGURES = ["observations", "practitioners", "mean_percent", "median_percent", "shown", "missed", "na", "no"]


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
    median_percent (of per-observation percents), band (of the mean), shown / missed / na / no
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
    per_obs, scoped = _scoped(items, scope, lambda f: observation_scores(f, by=parts))
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
        table = table.merge(_shares(items, parts, levels, grid), on=keys, how="left")
    else:
        table = table.assign(shown=np.nan, missed=np.nan, na=np.nan, no=np.nan, **{f"level_{v}": np.nan for v in levels})
    table["band"] = [scoring.band(p, whole=False) for p in table["mean_percent"]]
    titles = {s.id: s.title for s in rubric.sections}
    if by == "item":
        table["title"] = [_item_text(rubric, s, i) for s, i in zip(table["section"], table["item"], strict=True)]
    else:
        table["title"] = [titles.get(s, s) for s in table["section"]]
    table = _order(table, rubric, keys)
    level_cols = [c for c in table.columns if c.startswith("level_")]
    cols = [*keys, "title", "observations", "practitioners", "mean_percent", "median_percent", "band",
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
    per_obs, scoped = _scoped(items, scope, _group_scores)
    grid = _grid(scoped, ["group"], threshold, [("group", None)])
    team_ok, all_ok = usable(per_obs, grid)
    table = _summarise(per_obs, ["group"], team_ok, all_ok)
    notes = left_out(per_obs, team_ok, all_ok, keys)
    table = complete(table, pd.DataFrame({"group": [*rubric.groups, ALL_SECTIONS]}))
    table["band"] = [scoring.band(p, whole=False) for p in table["mean_percent"]]
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
    per_obs, scoped = _scoped(items, scope, make)
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
    per_obs, scoped = _scoped(items, scope, make)
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
    """Team x global rating or indicator: observations, practitioners, mean, median, suppressed, note.

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
    frame, scoped = _scoped(ratings, scope, lambda f: f)
    grid = _grid([f for f in scoped if len(f)], parts, threshold)
    team_ok, all_ok = usable(frame, grid)
    table = _summarise(frame, parts, team_ok, all_ok, value="value", names=("mean", "median"))
    notes = left_out(frame, team_ok, all_ok, keys)
    measures = [(g.id, "global") for g in rubric.globals] + [(i.id, "indicator") for i in rubric.indicators]
    table = complete(table, pd.DataFrame(measures, columns=["measure", "kind"]), teams)
    titles = {g.id: g.title for g in rubric.globals} | {i.id: i.title for i in rubric.indicators}
    order = {name: n for n, name in enumerate([*(g.id for g in rubric.globals), *(i.id for i in rubric.indicators)])}
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
    table["band"] = [scoring.band(p, whole=False) for p in table["mean_percent"]]
    if not names:
        table["practitioner"] = [pseudonym(p, key or b"") for p in table["practitioner"]]
    sec_order = {s.id: n for n, s in enumerate(rubric.sections)}
    table["_s"] = table["section"].map(sec_order).fillna(999)
    table = table.sort_values(["practitioner", "team", "_s"]).drop(columns=["_s"]).reset_index(drop=True)
    return table


# -- one call for the command line and the app --------------------------------------------------

VIEWS = ("section", "item", "composite", "quarter", "themes", "ratings", "practitioner")


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
    for rid in data.rubric_ids:
        part = data.only(rid)
        rubric = part.rubric
        head = f"{rubric.title} ({rid})"
        service = part.service
        scopes = part.scopes
        mine: list[SummaryTable] = []
        if view == "ratings" and not (rubric.globals or rubric.indicators):
            empty = "this rubric has no global ratings or indicators"
        elif view == "ratings":
            empty = "no global ratings or indicators were recorded in these observations"
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
        elif view == "ratings":
            rated = [_observed_teams(s.ratings, s.observations) for s in scopes]
            frame = ratings_table(service.ratings, rubric, threshold=threshold, teams=_teams(service), scope=rated)
            mine.append(SummaryTable(f"{head}: global ratings and indicators", view, frame, rid, empty))
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
            if table.view != "practitioner":
                if part.teams_asked:
                    table.frame = _only_teams(table.frame, part.observations)
                table.frame = with_hidden_teams(table.frame, part.observations, threshold)
        out.extend(mine)
    return out


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
