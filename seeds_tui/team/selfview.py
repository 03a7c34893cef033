"""Self-ratings beside observer ratings in team views (``seeds-tui summary --by self``, the app's Self tab).

A self-rating (``seeds-selfrating/1``, ``seeds_tui.core.selfrating``) names the observation it rates.
For each observation with a self-rating (the latest, when there are several), and for each section it
covers and for all sections together, the practitioner's percent of maximum and the observer's are
taken over the **same items**: those both gave a level (NA, NO or nothing on either side leaves the
item out of both). The gap is self minus observer, in percentage points; ``apart`` is its size
whichever way it goes.

Two tables per rubric: team (and All teams) x section, with ``all sections`` first (on average), over
the period asked; and team (and All teams) x quarter, over all sections (over time). Never a row per
practitioner.

Privacy (docs/summaries.md, "Self-ratings against observer ratings"): the protected grid of
``seeds_tui.team.suppression`` over cells team x section x quarter of every paired observation of the
store whatever was asked (``SummaryData.scopes``), counting **practitioners**; every team with a self-rating
has every cell, so a team whose practitioners rarely self-rate is hidden there, and a team observed that
no self-rating reaches shows one suppressed row. A figure over a
period pools only the quarters the grid shows, and All teams is every team for the dates asked.

Example::

    from seeds_tui.storage.selfratings import SELFRATINGS
    from seeds_tui.team import frames, selfview
    data = frames.summary_data(store, registry, status="final")
    tables = selfview.self_tables(data, SELFRATINGS.list(store)[0], threshold=5, registry=registry)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from seeds_tui.core.selfrating import SelfRating
from seeds_tui.core.versions import carry_key
from seeds_tui.team.frames import SummaryData, team_key
from seeds_tui.team.suppression import (
    ALL_TEAMS,
    DEFAULT_THRESHOLD,
    SUPPRESSED_PRIMARY,
    Grid,
    check_threshold,
    collapse,
    finish,
    left_out,
    protect,
    usable,
)
from seeds_tui.team.tables import ALL_SECTIONS, SummaryTable

if TYPE_CHECKING:
    from seeds_tui.core.rubric import Rubric, RubricRegistry

#: The view's name (``seeds-tui summary --by self``, the app's Self tab, the first table's ``view``).
SELF_VIEW = "self"
#: The view of the second table: the same comparison quarter by quarter.
SELF_QUARTER_VIEW = "self_quarter"

#: The figures of a row (hidden together when it is suppressed).
FIGURES = ("observations", "practitioners", "self_percent", "observer_percent", "gap", "apart")

#: The columns of a pair frame (``pair_frame``).
PAIR_COLUMNS = ("observation_id", "team", "practitioner", "quarter", "section", "self_percent", "observer_percent", "gap", "apart")


def details_line(threshold: int) -> str:
    """The line under a summary's heading that says what the self view's figures are (the command and the app's export)."""
    return (
        "self-ratings: the practitioner's percent of maximum against the observer's, over the items both gave a level "
        "(the latest self-rating of each observation); gap is self minus observer in points, apart its size either way; "
        f"practitioners are counted, never shown (fewer than {threshold}: suppressed)"
    )


def latest(records: Sequence[SelfRating]) -> dict[str, SelfRating]:
    """The latest self-rating (by date, then id) of each observation id."""
    out: dict[str, SelfRating] = {}
    for r in sorted(records, key=lambda r: (r.date, r.id)):
        out[r.observation] = r
    return out


def _self_levels(records: dict[str, SelfRating], versions: dict[str, list[Rubric]]) -> pd.DataFrame:
    """One row per item a self-rating gave a level: observation_id, rubric_id, section, item (newest ids), self_value."""
    rows = []
    for obs_id, r in records.items():
        known = versions.get(r.rubric.id, [])
        for sid, items in r.ratings.items():
            if not r.covers(sid):
                continue
            for iid, value in items.items():
                if isinstance(value, str):
                    continue
                key: str | None = f"{sid}.{iid}"
                if known:
                    key = carry_key(f"{sid}.{iid}", known, r.rubric.version)
                if key is None:
                    continue
                ns, _, ni = key.partition(".")
                rows.append((obs_id, r.rubric.id, ns, ni, int(value)))
    return pd.DataFrame(rows, columns=["observation_id", "rubric_id", "section", "item", "self_value"])


def pair_frame(items: pd.DataFrame, records: Sequence[SelfRating], *, registry: RubricRegistry | None = None) -> pd.DataFrame:
    """Per observation with a self-rating and per section it covers (and ``all sections``): both
    percents of maximum over the items both sides gave a level, the gap and its size (``PAIR_COLUMNS``).

    ``items`` is a long frame of scored items (``frames.item_frame``); ``registry`` maps the ids of a
    self-rating's rubric version to the newest (default: taken as they are).
    """
    empty = pd.DataFrame({c: pd.Series(dtype=object if c in PAIR_COLUMNS[:5] else float) for c in PAIR_COLUMNS})
    mine = latest(records)
    if not len(items) or not mine:
        return empty
    versions: dict[str, list[Rubric]] = {}
    if registry is not None:
        for rid in {r.rubric.id for r in mine.values()}:
            versions[rid] = [lr.rubric for lr in registry.versions(rid)]
    levels = _self_levels(mine, versions)
    if not len(levels):
        return empty
    wanted = set(levels["observation_id"])
    sub = items.loc[items["observation_id"].astype(str).isin(wanted) & items["value"].notna()]
    if not len(sub):
        return empty
    frame = pd.DataFrame(
        {
            "observation_id": sub["observation_id"].astype(str).to_numpy(),
            "rubric_id": sub["rubric_id"].astype(str).to_numpy(),
            "team": sub["team"].astype(str).to_numpy(),
            "practitioner": sub["practitioner"].astype(str).to_numpy(),
            "quarter": sub["quarter"].astype(str).to_numpy(),
            "section": sub["section"].astype(str).to_numpy(),
            "item": sub["item"].astype(str).to_numpy(),
            "points": sub["points"].to_numpy(dtype=float, na_value=np.nan),
            "possible": sub["possible"].to_numpy(dtype=float, na_value=np.nan),
            "scale_min": sub["scale_min"].to_numpy(dtype=float),
            "scale_max": sub["scale_max"].to_numpy(dtype=float),
        }
    )
    both = frame.merge(levels, on=["observation_id", "rubric_id", "section", "item"], how="inner")
    # A level off the item's scale (a hand-edited file) is left out, as an observer's is.
    both = both.loc[(both["self_value"] >= both["scale_min"]) & (both["self_value"] <= both["scale_max"])]
    if not len(both):
        return empty
    both = both.assign(self_points=both["self_value"] - both["scale_min"])
    meta = ["observation_id", "team", "practitioner", "quarter"]
    per_section = both.groupby([*meta, "section"], sort=False)[["self_points", "points", "possible"]].sum().reset_index()
    overall = both.groupby(meta, sort=False)[["self_points", "points", "possible"]].sum().reset_index().assign(section=ALL_SECTIONS)
    out = pd.concat([overall, per_section], ignore_index=True)
    out = out.loc[out["possible"] > 0]
    out = out.assign(
        self_percent=100.0 * out["self_points"] / out["possible"],
        observer_percent=100.0 * out["points"] / out["possible"],
    )
    out = out.assign(gap=out["self_percent"] - out["observer_percent"])
    out = out.assign(apart=out["gap"].abs())
    return out.loc[:, list(PAIR_COLUMNS)].reset_index(drop=True)


def self_grid(pairs: pd.DataFrame, teams: Sequence[str], threshold: int) -> Grid | None:
    """The protected grid (team x section x quarter) of ``pairs``: every team with a pair (and of ``teams``)
    has every cell, hidden where its practitioners (those behind the pairs) are fewer than ``threshold``, and
    where that could be worked out from All teams, or from all sections (the total the sections add up to)."""
    if not len(pairs):
        return None
    names = sorted({*teams, *pairs["team"].astype(str)})
    sets: dict[tuple[str, str, str], set[str]] = {}
    for team, section, quarter, prac in zip(pairs["team"], pairs["section"], pairs["quarter"], pairs["practitioner"], strict=True):
        sets.setdefault((str(team), str(section), str(quarter)), set()).add(str(prac))
        sets.setdefault((ALL_TEAMS, str(section), str(quarter)), set()).add(str(prac))
    combos = sorted({(s, q) for _, s, q in sets})
    rows: list[tuple[str, str, str]] = []
    people: list[frozenset[str]] = []
    for s, q in combos:
        for team in [*names, ALL_TEAMS]:
            rows.append((team, s, q))
            people.append(frozenset(sets.get((team, s, q), set())))
    cells = pd.DataFrame(rows, columns=["team", "section", "quarter"], dtype=object)
    return protect(cells, people, threshold, [("team", ALL_TEAMS), ("section", ALL_SECTIONS)])


def _summarise(pairs: pd.DataFrame, parts: list[str], team_ok: np.ndarray, all_ok: np.ndarray) -> pd.DataFrame:
    """Per team and ``parts`` (and All teams per ``parts``): observations, practitioners and the means,
    over the pairs that may count; ``_all_pracs`` the practitioners of every pair (for notes only)."""
    out = []
    means = ["self_percent", "observer_percent", "gap", "apart"]
    for keys, ok, team in ((["team", *parts], team_ok, None), (parts, all_ok, ALL_TEAMS)):
        shown = pairs.loc[ok]
        g = shown.groupby(keys, sort=False)
        stats = g[means].mean()
        stats["observations"] = g.size()
        stats["practitioners"] = g["practitioner"].nunique()
        stats = stats.reset_index()
        whole = pairs.groupby(keys, sort=False)["practitioner"].nunique().rename("_all_pracs").reset_index()
        stats = whole.merge(stats, on=keys, how="left")
        if team is not None:
            stats.insert(0, "team", team)
        out.append(stats)
    table = pd.concat(out, ignore_index=True)
    table["observations"] = table["observations"].fillna(0).astype("int64")
    table["practitioners"] = table["practitioners"].fillna(0).astype("int64")
    return table


def _complete(table: pd.DataFrame, teams: Sequence[str], parts: pd.DataFrame) -> pd.DataFrame:
    """Every team (and All teams) with every row of ``parts``: a team with no pairs there has none, so it is hidden."""
    names = [*teams, *[t for t in map(str, table["team"].unique()) if t not in teams and t != ALL_TEAMS], ALL_TEAMS]
    grid = pd.DataFrame({"team": names}).merge(parts.astype(str), how="cross")
    out = grid.merge(table, on=["team", *parts.columns], how="left")
    for col in ("observations", "practitioners", "_all_pracs"):
        out[col] = out[col].fillna(0).astype("int64")
    return out


def _with_quiet_teams(out: pd.DataFrame, observations: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """``out`` with one suppressed row for each team observed in the period that no self-rating reaches.

    Such a team rests on no practitioner, so it is hidden like a team resting on too few (whether a team
    shows up never depends on how many of its practitioners self-rated).
    """
    observed = {str(t) for t in observations["team"].unique()} if len(observations) else set()
    missing = sorted(observed - set(out["team"].astype(str)), key=str.casefold)
    if not missing:
        return out
    extra = pd.DataFrame({"team": missing})
    for col in out.columns:
        if col == "team":
            continue
        if col == "suppressed":
            extra[col] = True
        elif col == "note":
            extra[col] = SUPPRESSED_PRIMARY.format(k=threshold)
        elif out[col].dtype == object:
            extra[col] = ""
        else:
            extra[col] = pd.Series([pd.NA] * len(missing), dtype=out[col].dtype)
    both = pd.concat([out, extra[list(out.columns)]], ignore_index=True)
    order = pd.DataFrame({"t0": (both["team"] == ALL_TEAMS).astype(int), "t1": both["team"].astype(str).str.casefold()})
    return both.loc[order.sort_values(["t0", "t1"], kind="stable").index].reset_index(drop=True)


def section_frame(
    data: SummaryData, records: Sequence[SelfRating], *, threshold: int = DEFAULT_THRESHOLD, registry: RubricRegistry | None = None
) -> pd.DataFrame:
    """Team (and All teams) x section (``all sections`` first): columns team, section, title, ``FIGURES``, suppressed, note."""
    return _table(data, records, threshold=threshold, registry=registry, by="section")


def quarter_frame(
    data: SummaryData, records: Sequence[SelfRating], *, threshold: int = DEFAULT_THRESHOLD, registry: RubricRegistry | None = None
) -> pd.DataFrame:
    """Team (and All teams) x quarter over all sections: columns team, quarter, ``FIGURES``, suppressed, note."""
    return _table(data, records, threshold=threshold, registry=registry, by="quarter")


def _table(data: SummaryData, records: Sequence[SelfRating], *, threshold: int, registry: RubricRegistry | None, by: str) -> pd.DataFrame:
    check_threshold(threshold)
    rubric = data.rubric
    keys = ["team", "section"] if by == "section" else ["team", "quarter"]
    cols = [*keys, *(["title"] if by == "section" else []), *FIGURES, "suppressed", "note"]
    scopes = data.scopes
    grid: Grid | None = None
    for scope in scopes:
        g = self_grid(pair_frame(scope.items, records, registry=registry), (), threshold)
        if g is not None:
            grid = g if grid is None else grid.join(g)
    service = data.service
    pairs = pair_frame(service.items, records, registry=registry)
    if not len(pairs):
        return pd.DataFrame({c: [] for c in cols})
    if by == "quarter":
        pairs = pairs.loc[pairs["section"] == ALL_SECTIONS].reset_index(drop=True)
    team_ok, all_ok = usable(pairs, grid)
    parts = keys[1:]
    table = _summarise(pairs, parts, team_ok, all_ok)
    if by == "section":
        order = [ALL_SECTIONS, *(s.id for s in rubric.sections)]
        present = set(pairs["section"])
        grid_parts = pd.DataFrame({"section": [s for s in order if s in present]})
        titles = {ALL_SECTIONS: "All sections (on average)"} | {s.id: s.title for s in rubric.sections}
        notes = left_out(pairs, team_ok, all_ok, keys)
    else:
        grid_parts = pd.DataFrame({"quarter": sorted(set(pairs["quarter"]))})
        notes = {}
    table = _complete(table, sorted(set(pairs["team"]), key=str.casefold), grid_parts)
    if by == "section":
        table["title"] = [titles.get(s, s) for s in table["section"]]
    for col in ("self_percent", "observer_percent", "gap", "apart"):
        table[col] = table[col].astype(float).round(1).astype("Float64")
    out = finish(table[[*keys, *(["title"] if by == "section" else []), *FIGURES, "_all_pracs"]], list(FIGURES), threshold, notes, keys)
    out = _with_quiet_teams(out, service.observations, threshold)
    if data.teams_asked:
        wanted = set(data.team_keys)
        out = out.loc[[t == ALL_TEAMS or team_key(t) in wanted for t in out["team"].astype(str)]]
    return collapse(out.reset_index(drop=True), threshold)[cols]


def self_tables(
    data: SummaryData,
    records: Sequence[SelfRating],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    registry: RubricRegistry | None = None,
) -> list[SummaryTable]:
    """Per rubric, two tables: self against observer by section (on average and per section), and by quarter."""
    check_threshold(threshold)
    out: list[SummaryTable] = []
    empty = "no observation here has a self-rating (the practitioner rates the session in the app, or seeds-tui self-rate)"
    for rid in data.rubric_ids:
        part = data.only(rid)
        head = f"{part.rubric.title} ({rid})"
        out.append(
            SummaryTable(
                f"{head}: self-ratings against observer ratings, on average and by section",
                SELF_VIEW,
                section_frame(part, records, threshold=threshold, registry=registry),
                rid,
                empty,
            )
        )
        out.append(
            SummaryTable(
                f"{head}: self-ratings against observer ratings, by quarter (all sections)",
                SELF_QUARTER_VIEW,
                quarter_frame(part, records, threshold=threshold, registry=registry),
                rid,
                empty,
            )
        )
    return out


__all__ = [
    "FIGURES",
    "SELF_QUARTER_VIEW",
    "SELF_VIEW",
    "details_line",
    "latest",
    "pair_frame",
    "quarter_frame",
    "section_frame",
    "self_grid",
    "self_tables",
]
