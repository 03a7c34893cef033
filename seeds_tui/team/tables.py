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
from seeds_tui.team.frames import SummaryData, SummaryError, plural, several_rubrics_message
from seeds_tui.team.pseudonyms import pseudonym
from seeds_tui.team.suppression import (
    ALL_TEAMS,
    DEFAULT_THRESHOLD,
    check_threshold,
    collapse,
    complete,
    suppress,
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


def _sets(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group: observations, the set of practitioners."""
    g = frame.groupby(keys, observed=True, sort=False)
    out = g.agg(observations=("observation_id", "nunique")).reset_index()
    pracs = g["practitioner"].unique()
    out["_pracs"] = [
        frozenset(map(str, v)) for v in pracs.reindex(pd.MultiIndex.from_frame(out[keys]) if len(keys) > 1 else out[keys[0]]).to_numpy()
    ]
    return out


def _with_all_teams(frame: pd.DataFrame) -> pd.DataFrame:
    both = frame.copy()
    both["team"] = ALL_TEAMS
    frame = frame.copy()
    frame["team"] = frame["team"].astype(str)
    return pd.concat([frame, both], ignore_index=True)


# -- tables -------------------------------------------------------------------------------------


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
    pracs = frame.groupby(keys, observed=True, sort=False)["practitioner"].unique()
    return {tuple(map(str, k if isinstance(k, tuple) else (k,))): frozenset(map(str, v)) for k, v in pracs.items()}


def _summarise(per_obs: pd.DataFrame, parts: list[str]) -> pd.DataFrame:
    """Per team and ``parts`` plus an all-teams row per ``parts``: observations, mean and median
    of per-observation percents, and (column ``_pracs``) the set of practitioners."""
    out = []
    for keys, team in ((["team", *parts], None), (parts, ALL_TEAMS)):
        if keys:
            g = per_obs.groupby(keys, observed=True, sort=False)["percent"]
            stats = g.agg(observations="size", mean_percent="mean", median_percent="median").reset_index()
        else:
            p = per_obs["percent"]
            stats = pd.DataFrame({"observations": [len(p)], "mean_percent": [p.mean()], "median_percent": [p.median()]})
        if team is not None:
            stats.insert(0, "team", team)
        for k in ["team", *parts]:
            stats[k] = stats[k].astype(str)
        sets = _practitioner_sets(per_obs, keys)
        stats["_pracs"] = [sets[tuple(r)] for r in stats[keys].itertuples(index=False, name=None)] if keys else [sets[()]]
        out.append(stats)
    table = pd.concat(out, ignore_index=True)
    table["practitioners"] = [len(s) for s in table["_pracs"]]
    return table


def _shares(items: pd.DataFrame, parts: list[str], scale: Sequence[int] = ()) -> pd.DataFrame:
    """Per team and ``parts`` (plus all teams): percent of scored items shown / missed / NA / NO,
    and level_<v>: percent of items given a level that got level v."""
    value = items["value"].to_numpy(dtype=float, na_value=np.nan)
    code = items["code"].cat.codes.to_numpy() if isinstance(items["code"].dtype, pd.CategoricalDtype) else np.full(len(items), -1)
    # 0 shown, 1 missed (the lowest level), 2 NA, 3 NO
    kind = np.where(code == 0, 2, np.where(code == 1, 3, np.where(value == items["scale_min"].to_numpy(), 1, 0)))
    frame = items.loc[:, ["team", *parts]].assign(_kind=kind, _v=value)
    counts = frame.groupby(["team", *parts, "_kind"], observed=True, sort=False).size().unstack("_kind", fill_value=0)
    counts = counts.reindex(columns=[0, 1, 2, 3], fill_value=0)
    counts.columns = ["shown", "missed", "na", "no"]
    levels = frame.loc[~np.isnan(value)].groupby(["team", *parts, "_v"], observed=True, sort=False).size().unstack("_v", fill_value=0)
    # Every level of the rubric's scales, plus any an older version's scale used.
    levels = levels.reindex(columns=sorted({float(v) for v in scale} | {float(v) for v in levels.columns}), fill_value=0)
    levels.columns = [f"level_{int(v)}" for v in levels.columns]
    both = counts.join(levels, how="left").fillna(0)
    total = both.groupby(level=parts, observed=True, sort=False).sum() if parts else both.sum().to_frame().T
    total = total.reset_index() if parts else total
    total.insert(0, "team", ALL_TEAMS)
    both = both.reset_index()
    both = pd.concat([both, total], ignore_index=True)
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


def score_table(items: pd.DataFrame, rubric: Rubric, *, by: str = "section", threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Team x section (``by="section"``) or team x item (``by="item"``), with an all-teams row.

    Columns: team, section (and item), title, observations, practitioners, mean_percent and
    median_percent (of per-observation percents), band (of the mean), shown / missed / na / no
    (percent of scored items: a level above the lowest, the lowest level, NA, NO), level_<v>
    (percent of items given a level that got level v), suppressed, note.
    """
    check_threshold(threshold)
    _one_rubric(items)
    if by not in ("section", "item"):
        raise SummaryError("by must be section or item")
    parts = ["section"] + (["item"] if by == "item" else [])
    keys = ["team", *parts]
    table = _summarise(observation_scores(items, by=parts), parts)
    if by == "item":
        grid = pd.DataFrame([(s.id, i.id) for s in rubric.sections for i in s.items], columns=["section", "item"])
    else:
        grid = pd.DataFrame({"section": [s.id for s in rubric.sections]})
    table = complete(table, grid)
    levels = scale_levels(rubric)
    table = (
        table.merge(_shares(items, parts, levels), on=keys, how="left")
        if len(items)
        else table.assign(shown=np.nan, missed=np.nan, na=np.nan, no=np.nan, **{f"level_{v}": np.nan for v in levels})
    )
    table["band"] = [scoring.band(p) for p in table["mean_percent"]]
    titles = {s.id: s.title for s in rubric.sections}
    if by == "item":
        table["title"] = [_item_text(rubric, s, i) for s, i in zip(table["section"], table["item"], strict=True)]
    else:
        table["title"] = [titles.get(s, s) for s in table["section"]]
    table = _order(table, rubric, keys)
    level_cols = [c for c in table.columns if c.startswith("level_")]
    cols = [
        *keys,
        "title",
        "observations",
        "practitioners",
        "mean_percent",
        "median_percent",
        "band",
        "shown",
        "missed",
        "na",
        "no",
        *level_cols,
    ]
    families: list[tuple[str, str | None]] = [("team", ALL_TEAMS)] + ([("item", None)] if by == "item" else [])
    out = suppress(table[cols], list(table["_pracs"]), threshold, families, [*_PERCENT_FIGURES, *level_cols])
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


def composite_table(items: pd.DataFrame, rubric: Rubric, *, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Team x section group (e.g. relationship vs structuring) plus ``all sections``.

    Per observation, the group's percent of maximum pools the group's items given a level;
    columns: team, group, observations, practitioners, mean_percent, median_percent, band,
    suppressed, note.
    """
    check_threshold(threshold)
    _one_rubric(items)
    keys = ["team", "group"]
    table = _summarise(_group_scores(items), ["group"])
    table = complete(table, pd.DataFrame({"group": [*rubric.groups, ALL_SECTIONS]}))
    table["band"] = [scoring.band(p) for p in table["mean_percent"]]
    table = _order(table, rubric, keys)
    cols = [*keys, "observations", "practitioners", "mean_percent", "median_percent", "band"]
    out = suppress(table[cols], list(table["_pracs"]), threshold, [("team", ALL_TEAMS), ("group", None)], cols[2:6])
    out.loc[out["suppressed"], "band"] = None
    return collapse(out, threshold)


def trend_table(items: pd.DataFrame, rubric: Rubric, *, threshold: int = DEFAULT_THRESHOLD, by: str = "section") -> pd.DataFrame:
    """Team x section x quarter: observations, practitioners, mean and median percent.

    ``by="group"`` gives section groups (plus all sections) instead of sections.
    """
    check_threshold(threshold)
    _one_rubric(items)
    if by == "group":
        per_obs, part = _group_scores(items), "group"
    else:
        per_obs, part = observation_scores(items, by=["section"]), "section"
    keys = ["team", part, "quarter"]
    # Every quarter of the selection for every team: a quarter with no data looks like one with too little.
    parts = [*rubric.groups, ALL_SECTIONS] if by == "group" else [s.id for s in rubric.sections]
    quarters = sorted(set(map(str, per_obs["quarter"].dropna())))
    grid = pd.DataFrame([(p, q) for p in parts for q in quarters], columns=[part, "quarter"])
    table = _order(complete(_summarise(per_obs, [part, "quarter"]), grid), rubric, keys)
    cols = [*keys, "observations", "practitioners", "mean_percent", "median_percent"]
    out = suppress(table[cols], list(table["_pracs"]), threshold, [("team", ALL_TEAMS), ("quarter", None)], cols[3:])
    return collapse(out, threshold)


def before_after_table(items: pd.DataFrame, rubric: Rubric, when: date, *, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Team x section before and after ``when`` (a training event; the day itself counts as after).

    Columns: team, section, period (``before``/``after``), observations, practitioners,
    mean_percent, median_percent, change (after minus before, on the ``after`` row).
    """
    check_threshold(threshold)
    _one_rubric(items)
    per_obs = observation_scores(items, by=["section"])
    per_obs["period"] = np.where(per_obs["session_date"] < pd.Timestamp(when), "before", "after")
    keys = ["team", "section", "period"]
    grid = pd.DataFrame([(s.id, p) for s in rubric.sections for p in ("before", "after")], columns=["section", "period"])
    table = _order(complete(_summarise(per_obs, ["section", "period"]), grid), rubric, keys)
    cols = [*keys, "observations", "practitioners", "mean_percent", "median_percent"]
    out = suppress(table[cols], list(table["_pracs"]), threshold, [("team", ALL_TEAMS), ("period", None)], cols[3:])
    out = collapse(out, threshold)
    means = out.set_index(["team", "section", "period"])["mean_percent"]
    change = []
    for team, section, period in zip(out["team"], out["section"], out["period"], strict=True):
        before = means.get((team, section, "before"), pd.NA)
        after = means.get((team, section, "after"), pd.NA)
        change.append(after - before if period == "after" and pd.notna(before) and pd.notna(after) else pd.NA)
    out.insert(out.columns.get_loc("median_percent") + 1, "change", pd.array(change, dtype="Float64"))
    return out


def ratings_table(ratings: pd.DataFrame, rubric: Rubric, *, threshold: int = DEFAULT_THRESHOLD, teams: Sequence[str] = ()) -> pd.DataFrame:
    """Team x global rating or indicator: observations, practitioners, mean, median, suppressed, note.

    ``teams`` (those of the observations) get rows even if none of their observations has a rating.
    """
    check_threshold(threshold)
    _one_rubric(ratings)
    cols = ["team", "measure", "kind", "title", "observations", "practitioners", "mean", "median"]
    if not len(ratings):
        return pd.DataFrame({c: [] for c in [*cols, "suppressed", "note"]})
    frame = _with_all_teams(ratings)
    keys = ["team", "measure", "kind"]
    base = _sets(frame, keys)
    stats = frame.groupby(keys, observed=True, sort=False)["value"].agg(mean="mean", median="median").reset_index()
    table = base.merge(stats, on=keys, how="left")
    measures = [(g.id, "global") for g in rubric.globals] + [(i.id, "indicator") for i in rubric.indicators]
    table = complete(table, pd.DataFrame(measures, columns=["measure", "kind"]), teams)
    table["practitioners"] = [len(s) for s in table["_pracs"]]
    titles = {g.id: g.title for g in rubric.globals} | {i.id: i.title for i in rubric.indicators}
    order = {name: n for n, name in enumerate([*(g.id for g in rubric.globals), *(i.id for i in rubric.indicators)])}
    table["title"] = [titles.get(m, m) for m in table["measure"]]
    table["_m"] = table["measure"].map(order).fillna(999)
    table["_t"] = (table["team"] == ALL_TEAMS).astype(int)
    table["_tn"] = table["team"].str.casefold()
    table = table.sort_values(["_t", "_tn", "_m"]).reset_index(drop=True)
    return collapse(suppress(table[cols], list(table["_pracs"]), threshold, [("team", ALL_TEAMS)], cols[4:]), threshold)


def themes_table(
    links: pd.DataFrame, observations: pd.DataFrame, rubric: Rubric, *, threshold: int = DEFAULT_THRESHOLD, top: int | None = 10
) -> pd.DataFrame:
    """Development themes: per team, the items most often linked as development areas and strengths.

    A count rests on the team's observed practitioners (the team's observations in the period).
    Columns: team, section, item, title, development_areas, strengths, practitioners, suppressed,
    note; the ``top`` items per team by development areas (all with ``top=None``).
    """
    check_threshold(threshold)
    _one_rubric(observations)
    cols = ["team", "section", "item", "title", "development_areas", "strengths", "practitioners"]
    if not len(links):
        return pd.DataFrame({c: [] for c in [*cols, "suppressed", "note"]})
    frame = _with_all_teams(links)
    obs_all = _with_all_teams(observations.assign(practitioner=observations["practitioner"].astype(str)))
    team_pracs = {t: frozenset(map(str, g["practitioner"])) for t, g in obs_all.groupby("team", observed=True)}
    counts = frame.groupby(["team", "section", "item", "kind"], observed=True).size().unstack("kind", fill_value=0)
    counts = counts.reindex(columns=["development", "strength"], fill_value=0).reset_index()
    counts = counts.rename(columns={"development": "development_areas", "strength": "strengths"})
    counts.columns.name = None
    counts["title"] = [_item_text(rubric, s, i) for s, i in zip(counts["section"], counts["item"], strict=True)]
    counts["practitioners"] = [len(team_pracs.get(t, frozenset())) for t in counts["team"]]
    counts["_t"] = (counts["team"] == ALL_TEAMS).astype(int)
    counts["_tn"] = counts["team"].str.casefold()
    counts = counts.sort_values(["_t", "_tn", "development_areas", "strengths"], ascending=[True, True, False, False], kind="stable")
    if top is not None:
        counts = counts.groupby("team", sort=False).head(top)
    counts = counts.reset_index(drop=True)
    # Suppression is decided per team, not per item: which items a team's hidden rows would be
    # for (and so which other teams' rows protect them) must not show.
    names = sorted(team_pracs, key=lambda t: (t == ALL_TEAMS, t.casefold()))
    teams_level = suppress(pd.DataFrame({"team": names}), [team_pracs[t] for t in names], threshold, [("team", ALL_TEAMS)], [])
    verdict = dict(zip(teams_level["team"], zip(teams_level["suppressed"], teams_level["note"], strict=True), strict=True))
    out = counts[cols].copy()
    for col in ("development_areas", "strengths", "practitioners"):
        out[col] = out[col].astype("Int64")
    hidden = np.array([verdict[t][0] for t in out["team"]], dtype=bool)
    out.loc[hidden, ["development_areas", "strengths", "practitioners"]] = pd.NA
    out["suppressed"] = hidden
    out["note"] = [verdict[t][1] for t in out["team"]]
    return collapse(out, threshold)


def actions_table(observations: pd.DataFrame, *, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Per team: observations, practitioners, observations with agreed actions, actions agreed."""
    check_threshold(threshold)
    cols = ["team", "observations", "practitioners", "with_actions", "actions"]
    if not len(observations):
        return pd.DataFrame({c: [] for c in [*cols, "suppressed", "note"]})
    frame = _with_all_teams(observations)
    g = frame.groupby("team", observed=True, sort=False)
    table = g.agg(observations=("observation_id", "nunique"), actions=("actions", "sum")).reset_index()
    table["with_actions"] = g["actions"].apply(lambda s: int((s > 0).sum())).to_numpy()
    sets = [frozenset(map(str, v)) for v in g["practitioner"].unique().reindex(table["team"]).to_numpy()]
    table["practitioners"] = [len(s) for s in sets]
    table["_t"] = (table["team"] == ALL_TEAMS).astype(int)
    table["_tn"] = table["team"].str.casefold()
    order = table.sort_values(["_t", "_tn"]).index
    table = table.loc[order].reset_index(drop=True)
    sets = [sets[i] for i in order]
    return collapse(suppress(table[cols], sets, threshold, [("team", ALL_TEAMS)], cols[1:]), threshold)


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
    table["band"] = [scoring.band(p) for p in table["mean_percent"]]
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


def describe_selection(observations: pd.DataFrame, threshold: int, what: str = "observation") -> list[str]:
    """Heading lines about the observations summarised, following the privacy threshold.

    When they rest on fewer than ``threshold`` practitioners nothing is counted or dated. Otherwise
    the lines give the numbers of observations, practitioners and teams, the months of the first
    and last sessions, and the names of the teams with at least ``threshold`` practitioners (the
    others are only counted).
    """
    pracs = observations["practitioner"].astype(str)
    if pracs.nunique() < threshold:
        return [f"the {what}s asked for rest on fewer than {threshold} practitioners: counts, dates and teams are not shown"]
    per_team = pracs.groupby(observations["team"].astype(str)).nunique()
    named = sorted((t for t, n in per_team.items() if n >= threshold), key=str.casefold)
    others = len(per_team) - len(named)
    shown = ", ".join(named[:8]) + (f" and {len(named) - 8} more" if len(named) > 8 else "")
    if others:
        shown += ("; " if named else "") + f"{plural(others, 'team')} with fewer than {threshold} practitioners, not named"
    first, last = observations["session_date"].min(), observations["session_date"].max()
    return [
        f"{plural(len(observations), what)}, {plural(pracs.nunique(), 'practitioner')}, {plural(len(per_team), 'team')} ({shown})",
        f"sessions from {first:%B %Y} to {last:%B %Y}",
    ]


def build_tables(
    data: SummaryData,
    view: str,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    before_after: date | None = None,
    names: bool = False,
    key: bytes | None = None,
    describe: Callable[[SummaryData], str] | None = None,
) -> list[SummaryTable]:
    """The tables of one view, one set per rubric id (rubric ids are never mixed)."""
    check_threshold(threshold)
    if view not in VIEWS:
        raise SummaryError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    out: list[SummaryTable] = []
    for rid in data.rubric_ids:
        part = data.only(rid)
        rubric = part.rubric
        head = f"{rubric.title} ({rid})"
        if view == "ratings" and not (rubric.globals or rubric.indicators):
            empty = "this rubric has no global ratings or indicators"
        elif view == "ratings":
            empty = "no global ratings or indicators were recorded in these observations"
        elif view == "themes":
            empty = "no strengths or development areas were linked to items in these observations"
        else:
            empty = "no rows"
        if view in ("section", "item"):
            out.append(
                SummaryTable(f"{head}: by team and {view}", view, score_table(part.items, rubric, by=view, threshold=threshold), rid)
            )
        elif view == "composite":
            out.append(SummaryTable(f"{head}: composites by team", view, composite_table(part.items, rubric, threshold=threshold), rid))
        elif view == "quarter":
            out.append(SummaryTable(f"{head}: trend by quarter", view, trend_table(part.items, rubric, threshold=threshold), rid))
            if before_after is not None:
                title = f"{head}: before and after {before_after.isoformat()}"
                out.append(
                    SummaryTable(title, "before_after", before_after_table(part.items, rubric, before_after, threshold=threshold), rid)
                )
        elif view == "themes":
            out.append(
                SummaryTable(
                    f"{head}: most frequent development areas",
                    view,
                    themes_table(part.links, part.observations, rubric, threshold=threshold),
                    rid,
                    empty,
                )
            )
            out.append(SummaryTable(f"{head}: agreed actions", "actions", actions_table(part.observations, threshold=threshold), rid))
        elif view == "ratings":
            out.append(
                SummaryTable(
                    f"{head}: global ratings and indicators",
                    view,
                    ratings_table(part.ratings, rubric, threshold=threshold, teams=_teams(part)),
                    rid,
                    empty,
                )
            )
        elif view == "practitioner":
            title = f"{head}: by practitioner ({'names' if names else 'pseudonymous labels'})"
            out.append(SummaryTable(title, view, practitioner_table(part.items, rubric, names=names, key=key), rid))
        for table in out:
            if table.rubric_id == rid and table.view != "practitioner":
                table.frame = with_hidden_teams(table.frame, part.observations, threshold)
    return out


def _teams(data: SummaryData) -> list[str]:
    return sorted({str(t) for t in data.observations["team"]}, key=str.casefold)
