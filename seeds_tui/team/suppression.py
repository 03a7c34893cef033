"""Privacy in team tables: primary and secondary suppression.

A figure resting on fewer practitioners than the threshold (default 5, never below 3) is
suppressed, and so is whatever would let it be worked out from a total (secondary
suppression). A team whose rows are all hidden shows one placeholder row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from seeds_tui.team.frames import SummaryError

#: Default and lowest allowed privacy threshold (practitioners behind a figure).
DEFAULT_THRESHOLD = 5


MIN_THRESHOLD = 3


#: The label of the all-teams total row.
ALL_TEAMS = "All teams"


SUPPRESSED_PRIMARY = "suppressed: fewer than {k} practitioners"


SUPPRESSED_SECONDARY = "suppressed: would reveal a hidden figure"


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
                    if total is not None and not hidden[total]:
                        hidden[total] = True
                        reason[total] = SUPPRESSED_SECONDARY
                        changed = True
                    break
                pick = min(left, key=lambda i: (size[i], i))
                hidden[pick] = True
                reason[pick] = SUPPRESSED_SECONDARY
                gone.append(pick)
                changed = True
    out = table.copy()
    for col in figures:
        if col in out.columns:
            kind = out[col].dtype.kind
            if kind in "iu" or str(out[col].dtype) == "Int64":
                out[col] = out[col].astype("Int64")
            elif kind == "f" or str(out[col].dtype) == "Float64":
                out[col] = out[col].astype("Float64")
            out.loc[hidden, col] = pd.NA
    out["suppressed"] = hidden
    out["note"] = reason
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
    out["_pracs"] = [p if isinstance(p, frozenset) else frozenset() for p in out["_pracs"]]
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
    extra["team"] = missing
    extra["suppressed"] = True
    extra["note"] = SUPPRESSED_PRIMARY.format(k=threshold)
    both = pd.concat([frame, extra.astype({c: frame[c].dtype for c in frame.columns if c not in _TEXT_COLUMNS}, errors="ignore")])
    both = both.reset_index(drop=True)
    order = pd.DataFrame({"t0": (both["team"] == ALL_TEAMS).astype(int), "t1": both["team"].astype(str).str.casefold()})
    return both.loc[order.sort_values(["t0", "t1"], kind="stable").index].reset_index(drop=True)
