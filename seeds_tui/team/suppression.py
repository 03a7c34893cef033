"""Privacy in team tables: one protected grid, and every figure answered from it.

The design (docs/summaries.md, "Privacy"): for each rubric, status and view, primary and
secondary suppression are computed **once** over a grid of cells team x quarter x part (section,
item, composite, measure), plus the All teams cell of each quarter and part, over every
observation of the store whatever was asked (``protect``). Every figure any request shows is
then computed only from the sessions of cells that grid shows (``usable``): a period is a run
of whole quarters, so a team's figure over a period pools its shown quarters and says which
hidden quarter it leaves out, and All teams is always the whole service. What comparing any
number of requests can work out is therefore a shown cell, or the sum of the cells hidden
together in one family of the grid, which rests on at least the threshold of practitioners.

A team whose rows are all hidden shows one placeholder row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from seeds_tui.team.frames import SummaryError
from seeds_tui.team.frames import check_period as check_period  # the period rules live with the filters
from seeds_tui.team.frames import quarter_end as quarter_end
from seeds_tui.team.frames import quarter_label as quarter_label
from seeds_tui.team.frames import quarter_start as quarter_start

#: Default and lowest allowed privacy threshold (practitioners behind a figure).
DEFAULT_THRESHOLD = 5


MIN_THRESHOLD = 3


#: The label of the all-teams total row.
ALL_TEAMS = "All teams"


SUPPRESSED_PRIMARY = "suppressed: fewer than {k} practitioners"


SUPPRESSED_SECONDARY = "suppressed: would reveal a hidden figure"


#: Note of a shown figure that pools only some of its quarters (the others are hidden).
LEAVES_OUT = "leaves out {quarters} (hidden for privacy)"
#: The same when more than three quarters are left out (kept short: it sits beside the figures).
LEAVES_OUT_MANY = "leaves out {n} hidden quarters"


def leaves_out(quarters: Sequence[str]) -> str:
    """The note of a figure leaving out these (hidden) quarters."""
    qs = sorted(map(str, quarters))
    if len(qs) > 3:
        return LEAVES_OUT_MANY.format(n=len(qs), first=qs[0], last=qs[-1])
    return LEAVES_OUT.format(quarters=", ".join(qs))


def check_threshold(threshold: int) -> int:
    """The threshold if allowed (an int of at least 3), else ``SummaryError``."""
    if not isinstance(threshold, int) or threshold < MIN_THRESHOLD:
        raise SummaryError(f"the privacy threshold must be a whole number of at least {MIN_THRESHOLD} practitioners")
    return threshold


def suppress(
    table: pd.DataFrame,
    sets: list[frozenset[str]],
    threshold: int,
    families: Sequence[tuple[str, str | None]],
    figures: Sequence[str],
) -> pd.DataFrame:
    """Primary and secondary suppression, in place of figures: NA plus ``suppressed``/``note``.

    ``families`` lists (part column, total label): rows differing only in the part column add
    up to a total, either the row whose part is the total label, or (label None) a total
    published in another table. Within each family, if any part is hidden, more parts are hidden
    (smallest first) until the parts hidden for protection alone rest on at least ``threshold``
    practitioners and the hidden parts number at least two; failing that, the total is hidden
    too. (The too-small parts' own practitioners are not counted: which rows are hidden must
    not depend on the hidden data.)
    """
    table = table.reset_index(drop=True)
    n = len(table)
    hidden = np.array([len(s) < threshold for s in sets], dtype=bool)
    primary = hidden.copy()
    reason = [SUPPRESSED_PRIMARY.format(k=threshold) if h else "" for h in hidden]
    size = np.array([len(s) for s in sets])
    groups: list[tuple[list[int], int | None]] = []
    for part, total_label in families:
        others = [c for c in table.columns if c in _KEY_COLUMNS and c != part]
        families_of = table.groupby(others, sort=False, dropna=False).indices if others else {(): np.arange(n)}
        for idx in families_of.values():
            idx = [int(i) for i in idx]
            total = None
            if total_label is not None:
                tot = [i for i in idx if str(table.at[i, part]) == total_label]
                total = tot[0] if tot else None
                idx = [i for i in idx if i != total]
                if total is None:
                    continue
            groups.append((idx, total))
    changed = True
    while changed:
        changed = False
        for idx, total in groups:
            if total is not None and hidden[total]:
                continue
            gone = [i for i in idx if hidden[i]]
            if not gone:
                continue
            while gone:
                # Only rows hidden for protection count towards the threshold: counting the
                # too-small rows' own practitioners would make the pattern depend on their data.
                union = frozenset().union(*(sets[i] for i in gone if not primary[i]))
                if len(gone) >= 2 and len(union) >= threshold:
                    break
                left = [i for i in idx if not hidden[i]]
                if not left:
                    # Every part is hidden: the total minus nothing is the total itself, a
                    # figure of its own practitioners. It goes only when the hidden parts
                    # number one (then the total is that part) or a total published elsewhere
                    # (label None) could be compared with it.
                    if total is not None and not hidden[total] and len(gone) < 2:
                        hidden[total] = True
                        reason[total] = SUPPRESSED_SECONDARY
                        changed = True
                    break
                pick = min(left, key=lambda i: (size[i], i))
                hidden[pick] = True
                reason[pick] = SUPPRESSED_SECONDARY
                gone.append(pick)
                changed = True
    out = _blank(table.copy(), figures, hidden)
    out["suppressed"] = hidden
    out["note"] = reason
    return out


def _blank(out: pd.DataFrame, figures: Sequence[str], hidden: np.ndarray) -> pd.DataFrame:
    """``out`` with the ``figures`` of hidden rows missing (as nullable numbers, so counts stay whole)."""
    for col in figures:
        if col in out.columns:
            kind = out[col].dtype.kind
            if kind in "iub" or str(out[col].dtype) == "Int64":
                out[col] = out[col].astype("Int64")
            elif kind == "f" or str(out[col].dtype) == "Float64":
                out[col] = out[col].astype("Float64")
            out.loc[hidden, col] = pd.NA
    return out


_KEY_COLUMNS = ("team", "section", "item", "section_group", "quarter", "period", "measure", "group")


#: Text columns blanked in a suppressed group's placeholder row.
_TEXT_COLUMNS = (*_KEY_COLUMNS, "title", "kind")


def complete(table: pd.DataFrame, parts: pd.DataFrame, teams: Sequence[str] = ()) -> pd.DataFrame:
    """Every team of ``table`` with every row of ``parts`` (the rubric's sections, items, quarters...).

    Rows with no data get no practitioners, so they are suppressed like rows with too few: which
    rows a team has never depends on its data. ``teams`` adds teams that have no row at all.
    """
    if not len(table) or not len(parts):
        return table
    keys = ["team", *parts.columns]
    parts = parts.astype(str)
    names = list(pd.unique(table["team"].astype(str)))
    names += [str(t) for t in teams if str(t) not in names]
    grid = pd.DataFrame({"team": names}).merge(parts, how="cross")
    out = grid.merge(table, on=keys, how="left")
    if "observations" in out.columns:
        out["observations"] = out["observations"].fillna(0).astype("int64")
    out["_pracs"] = pd.Series([p if isinstance(p, frozenset) else frozenset() for p in out["_pracs"]], index=out.index, dtype=object)
    if "practitioners" in out.columns:
        out["practitioners"] = [len(p) for p in out["_pracs"]]
    return out


def collapse(out: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """One placeholder row for each team (or All teams) whose rows are all suppressed.

    A hidden group must not show which sections, items, quarters or themes it has rows for: the
    placeholder keeps the team name, blanks every other cell and says why.
    """
    if not len(out):
        return out
    teams = out["team"].astype(str)
    hidden = out.groupby(teams, sort=False)["suppressed"].transform("all").to_numpy(dtype=bool)
    if not hidden.any():
        return out
    keep = ~hidden | ~teams.duplicated().to_numpy()
    primary = SUPPRESSED_PRIMARY.format(k=threshold)
    all_primary = (out["note"] == primary).groupby(teams, sort=False).transform("all").to_numpy(dtype=bool)
    res = out.loc[keep].copy()
    ph = hidden[keep]
    for col in res.columns:
        if col in ("team", "suppressed", "note"):
            continue
        if col in _TEXT_COLUMNS:
            res.loc[ph, col] = ""
        elif col == "band":
            res.loc[ph, col] = None
        else:
            res.loc[ph, col] = pd.NA
    res.loc[ph, "note"] = np.where(all_primary[keep][ph], primary, SUPPRESSED_SECONDARY)
    return res.reset_index(drop=True)


def with_hidden_teams(frame: pd.DataFrame, observations: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """``frame`` with a placeholder row for each too-small team that has none (e.g. no ratings given).

    Whether a hidden team shows up must not depend on what its observations hold.
    """
    if "team" not in frame.columns or not len(frame) or not len(observations):
        return frame
    per_team = observations["practitioner"].astype(str).groupby(observations["team"].astype(str)).nunique()
    present = set(frame["team"].astype(str))
    missing = [t for t, n in per_team.items() if n < threshold and t not in present]
    if not missing:
        return frame
    extra = pd.DataFrame({c: [pd.NA] * len(missing) for c in frame.columns})
    for col in frame.columns:
        if col in _TEXT_COLUMNS:
            extra[col] = ""
    extra["team"] = pd.Series(missing, index=extra.index, dtype=object)
    extra["suppressed"] = True
    extra["note"] = SUPPRESSED_PRIMARY.format(k=threshold)
    both = pd.concat([frame, extra.astype({c: frame[c].dtype for c in frame.columns if c not in _TEXT_COLUMNS}, errors="ignore")])
    both = both.reset_index(drop=True)
    order = pd.DataFrame({"t0": (both["team"] == ALL_TEAMS).astype(int), "t1": both["team"].astype(str).str.casefold()})
    return both.loc[order.sort_values(["t0", "t1"], kind="stable").index].reset_index(drop=True)


# -- the protected grid ---------------------------------------------------------------------------


@dataclass
class Grid:
    """The cells a protected grid hides: ``team`` cells keyed (team, *keys) and All teams cells keyed
    (*keys), where ``keys`` are the part columns and ``quarter``."""

    keys: list[str]
    team_hidden: set[tuple[str, ...]]
    all_hidden: set[tuple[str, ...]]

    def join(self, other: Grid) -> Grid:
        """Hidden in either grid (the grids of final observations and of drafts, for ``--status all``)."""
        return Grid(self.keys, self.team_hidden | other.team_hidden, self.all_hidden | other.all_hidden)


def protect(cells: pd.DataFrame, sets: Sequence[frozenset[str]], threshold: int, families: Sequence[tuple[str, str | None]]) -> Grid:
    """Primary and secondary suppression of the grid ``cells`` (columns team, the parts, quarter).

    ``families`` as for ``suppress``; the team family (parts adding up to All teams) is always
    one of them, within each quarter and part.
    """
    keys = [c for c in cells.columns if c != "team"]
    if not len(cells):
        return Grid(keys, set(), set())
    out = suppress(cells.loc[:, ["team", *keys]], list(sets), threshold, families, [])
    hidden = out.loc[out["suppressed"].to_numpy(dtype=bool)]
    is_all = (hidden["team"] == ALL_TEAMS).to_numpy()
    team_rows = hidden.loc[~is_all, ["team", *keys]].astype(str)
    all_rows = hidden.loc[is_all, keys].astype(str)
    return Grid(
        keys,
        set(team_rows.itertuples(index=False, name=None)),
        set(all_rows.itertuples(index=False, name=None)),
    )


def usable(frame: pd.DataFrame, grid: Grid | None) -> tuple[np.ndarray, np.ndarray]:
    """Which rows of ``frame`` (per observation, with team, the grid's keys and quarter) may count:
    towards their team's figures, and towards All teams'. A row in a hidden cell counts in neither."""
    n = len(frame)
    if grid is None or not n:
        return np.ones(n, dtype=bool), np.ones(n, dtype=bool)
    team_ok = _outside(frame, ["team", *grid.keys], grid.team_hidden)
    all_ok = _outside(frame, list(grid.keys), grid.all_hidden)
    return team_ok, all_ok


def _outside(frame: pd.DataFrame, cols: list[str], hidden: set[tuple[str, ...]]) -> np.ndarray:
    """Rows of ``frame`` whose ``cols`` are not one of the ``hidden`` keys (by group: fast on many rows)."""
    if not hidden:
        return np.ones(len(frame), dtype=bool)
    g = frame.groupby(cols, observed=True, sort=True)
    codes = g.ngroup().to_numpy()
    keys = g.size().index
    flags = np.array([tuple(map(str, k if isinstance(k, tuple) else (k,))) in hidden for k in keys], dtype=bool)
    out = np.ones(len(frame), dtype=bool)
    valid = codes >= 0
    out[valid] = ~flags[codes[valid]]
    return out


def left_out(frame: pd.DataFrame, team_ok: np.ndarray, all_ok: np.ndarray, keys: Sequence[str]) -> dict[tuple[str, ...], str]:
    """Per row of a table keyed (team, *keys): the note saying which quarters its figures leave out."""
    out: dict[tuple[str, ...], str] = {}
    for ok, team in ((team_ok, None), (all_ok, ALL_TEAMS)):
        if ok.all():
            continue
        dropped = frame.loc[~ok]
        by = list(keys) if team is None else list(keys)[1:]
        groups = dropped.groupby(by, observed=True, sort=False)["quarter"].unique() if by else None
        items = groups.items() if groups is not None else [((), dropped["quarter"].unique())]
        for key, quarters in items:
            key = key if isinstance(key, tuple) else (key,)
            full = tuple(map(str, key)) if team is None else (ALL_TEAMS, *map(str, key))
            out[full] = leaves_out(list(quarters))
    return out


def finish(
    table: pd.DataFrame, figures: Sequence[str], threshold: int, notes: dict[tuple[str, ...], str], keys: Sequence[str]
) -> pd.DataFrame:
    """Figures of rows that rest on no shown cell (``practitioners`` 0) hidden; notes of the others.

    A hidden row's note says ``fewer than`` when its sessions, counted whole, rest on fewer than
    the threshold (column ``_all_pracs``), else that it would reveal a hidden figure.
    """
    out = table.copy()
    hidden = (out["practitioners"].fillna(0).to_numpy() < threshold) if len(out) else np.zeros(0, dtype=bool)
    whole = out["_all_pracs"].fillna(0).to_numpy() if "_all_pracs" in out.columns else np.zeros(len(out))
    out = _blank(out, figures, hidden)
    out["suppressed"] = hidden
    rows = out.loc[:, list(keys)].astype(str).itertuples(index=False, name=None)
    out["note"] = [
        (SUPPRESSED_PRIMARY.format(k=threshold) if w < threshold else SUPPRESSED_SECONDARY) if h else notes.get(k, "")
        for h, w, k in zip(hidden, whole, rows, strict=True)
    ]
    return out.drop(columns=[c for c in ("_all_pracs",) if c in out.columns])
