"""Team summaries: the tables facilitators look at, built with pandas from the store.

Everything here is a pure function of data frames except ``summary_data`` / ``item_frame``,
which read the store through the cache (``seeds_tui.cache``). Rules:

* Scoring uses ``seeds_tui.scoring`` (item points, possible points, percent of maximum,
  bands): the same rules as the scoring screen, the report and the export.
* An observation's percent for a section (or item, or section group) is the percent of
  maximum over its items given a level; NA and NO leave both sides. Team means and
  medians are of those per-observation percents.
* Only final observations count unless drafts are asked for. Observations of different
  rubric ids are never mixed: each table holds one rubric id. Versions of one rubric are
  combined by item id, through the newest version's ``renamed`` map; ``retired`` items drop,
  and items absent from a version are absent, not zero.
* Privacy: a figure resting on fewer practitioners than the threshold (default 5, never
  below 3) is suppressed, and so is whatever would let it be worked out from a total
  (secondary suppression). Practitioner names appear only in ``practitioner_table`` when
  names are asked for; elsewhere practitioners are counted, or labelled pseudonymously.

Example::

    from seeds_tui.store import Store
    from seeds_tui.rubric import RubricRegistry
    data = summary_data(Store("my-store"), RubricRegistry.default(), rubric_id="seed-one-to-one")
    table = section_table(data.items, data.rubric, threshold=5)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from seeds_tui import scoring
from seeds_tui.atomic import create_exclusive
from seeds_tui.cache import KINDS, Progress, StoreRows, load_rows
from seeds_tui.errors import RubricNotFound, SeedsError, StoreError
from seeds_tui.observation import name_key
from seeds_tui.rubric import Rubric, RubricRegistry
from seeds_tui.store import Store
from seeds_tui.versions import carry_key

#: Default and lowest allowed privacy threshold (practitioners behind a figure).
DEFAULT_THRESHOLD = 5
MIN_THRESHOLD = 3
#: The label of the all-teams total row.
ALL_TEAMS = "All teams"
#: The label of the all-sections composite.
ALL_SECTIONS = "all sections"
#: Column order of the long frame (``item_frame``).
ITEM_COLUMNS = (
    "observation_id", "status", "rubric_id", "rubric_version", "team", "practitioner", "observer", "session_date",
    "quarter", "section", "section_group", "item", "value", "code", "scale_min", "scale_max", "points", "possible", "percent",
)  # fmt: skip
SUPPRESSED_PRIMARY = "suppressed: fewer than {k} practitioners"
SUPPRESSED_SECONDARY = "suppressed: would reveal a hidden figure"


class SummaryError(SeedsError):
    """A summary cannot be made as asked (unknown rubric, bad threshold, mixed rubric ids)."""


@dataclass
class SummaryData:
    """The rows behind every table, for one store after filters.

    ``items`` is the long frame (one row per scored item per observation, ``ITEM_COLUMNS``);
    ``observations`` one row per observation; ``ratings`` one row per global rating or
    indicator per observation; ``links`` one row per strength or development area linked to
    an item; ``problems`` human-readable warnings (files that could not be read, scores left
    out); ``rubrics`` the newest version of each rubric id present.
    """

    items: pd.DataFrame
    observations: pd.DataFrame
    problems: list[str] = field(default_factory=list)
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    #: Builders of the ratings and links frames: made on first use (most views need neither).
    _make: dict[str, Callable[[], pd.DataFrame]] = field(default_factory=dict, repr=False)
    _made: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    #: Every team name in the store (any status, before filters); team names are not personal data.
    known_teams: list[str] = field(default_factory=list)
    #: Team names asked for that match no team in the store.
    unmatched_teams: list[str] = field(default_factory=list)

    def _frame(self, name: str) -> pd.DataFrame:
        if name not in self._made:
            self._made[name] = self._make[name]()
        return self._made[name]

    @property
    def ratings(self) -> pd.DataFrame:
        """Global ratings and indicators: one row per observation and measure."""
        return self._frame("ratings")

    @property
    def links(self) -> pd.DataFrame:
        """Strengths and development areas linked to items: one row per link."""
        return self._frame("links")

    @property
    def rubric_ids(self) -> list[str]:
        """Rubric ids with at least one observation here, sorted."""
        return sorted(self.rubrics)

    @property
    def rubric(self) -> Rubric:
        """The one rubric of this data (``SummaryError`` if there are several or none)."""
        if len(self.rubrics) != 1:
            raise SummaryError(_several_rubrics_message(self.rubric_ids))
        return next(iter(self.rubrics.values()))

    def only(self, rubric_id: str) -> SummaryData:
        """The same data narrowed to one rubric id."""

        def pick(df: pd.DataFrame) -> pd.DataFrame:
            return df.loc[df["rubric_id"] == rubric_id].reset_index(drop=True) if len(df) else df

        make = {name: (lambda name=name: pick(self._frame(name))) for name in self._make}
        rubrics = {rubric_id: self.rubrics[rubric_id]} if rubric_id in self.rubrics else {}
        return SummaryData(
            pick(self.items), pick(self.observations), list(self.problems), rubrics, make,
            known_teams=list(self.known_teams), unmatched_teams=list(self.unmatched_teams),
        )  # fmt: skip


def _several_rubrics_message(ids: Sequence[str]) -> str:
    if not ids:
        return "no observations match: check the store, the rubric, the teams and the dates asked for"
    return f"these observations use {len(ids)} rubrics ({', '.join(ids)}); choose one with --rubric ID"


def check_threshold(threshold: int) -> int:
    """The threshold if allowed (an int of at least 3), else ``SummaryError``."""
    if not isinstance(threshold, int) or threshold < MIN_THRESHOLD:
        raise SummaryError(f"the privacy threshold must be a whole number of at least {MIN_THRESHOLD} practitioners")
    return threshold


# -- reading the store -----------------------------------------------------------------------


def quarter_of(dates: pd.Series) -> pd.Series:
    """Quarter labels such as ``2026Q4`` for a Series of dates."""
    d = pd.to_datetime(dates)
    return d.dt.year.astype("string") + "Q" + d.dt.quarter.astype("string")


def summary_data(
    store: Store,
    registry: RubricRegistry,
    *,
    include_drafts: bool = False,
    status: str | None = None,
    rubric_id: str | None = None,
    teams: Iterable[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    progress: Progress | None = None,
    use_cache: bool = True,
    rows: StoreRows | None = None,
    each_session_once: bool = True,
) -> SummaryData:
    """Read ``store`` (via the cache) and build the frames behind every table.

    A session two observers scored (purpose calibration, one ``session_ref``) counts once in
    team figures: the first observer's file (the lower id) stands for it. ``each_session_once=False``
    keeps every file (the export does: scripts get every observer's scores).

    ``status`` is ``"final"`` (default), ``"draft"`` or ``"all"``; ``include_drafts=True``
    is the same as ``status="all"``. ``teams`` and the dates (inclusive) filter observations.
    Rubrics are looked up in ``registry``; observations of a rubric it does not know are left
    out with a warning in ``problems``.
    """
    if not store.root.is_dir():
        raise StoreError(f"no store at {store.root}; give the store folder with --store DIR (or SEEDS_STORE)")
    status = "all" if include_drafts and status in (None, "final") else (status or "final")
    if status not in ("final", "draft", "all"):
        raise SummaryError("status must be final, draft or all")
    loaded = rows if rows is not None else load_rows(store, use_cache=use_cache, progress=progress)
    problems = [f"{path}: could not be read and was left out; run 'seeds-tui validate {path}' for details" for path, _ in loaded.problems]
    obs = loaded.files
    if status != "all":
        obs = obs.loc[obs["status"] == status]
    else:
        # A draft and a final with one id (an interrupted finalise): the final counts.
        obs = obs.sort_values("status", key=lambda s: s.astype(str).map({"final": 0, "draft": 1})).drop_duplicates("observation_id")
    if each_session_once:
        obs = _one_per_session(obs)
    if rubric_id is not None:
        obs = obs.loc[obs["rubric_id"] == rubric_id]
    known_teams = sorted({str(t) for t in loaded.files["team"].unique()}, key=str.casefold) if len(loaded.files) else []
    unmatched: list[str] = []
    if teams:
        # Team names are matched ignoring case and spacing ("riverside ", "Valley  road").
        wanted = {team_key(t) for t in teams}
        present = {team_key(t) for t in known_teams}
        unmatched = [t for t in teams if team_key(t) not in present]
        names = obs["team"].astype(str).map(team_key)
        obs = obs.loc[names.isin(list(wanted)).to_numpy()]
    if date_from is not None:
        obs = obs.loc[obs["session_date"] >= pd.Timestamp(date_from)]
    if date_to is not None:
        obs = obs.loc[obs["session_date"] <= pd.Timestamp(date_to)]
    rubrics: dict[str, Rubric] = {}
    versions: dict[str, dict[str, Rubric]] = {}
    for rid in sorted(str(r) for r in obs["rubric_id"].unique()):
        try:
            rubrics[rid] = registry.get(rid).rubric
            versions[rid] = {lr.rubric.version: lr.rubric for lr in registry.versions(rid)}
        except RubricNotFound:
            n = int((obs["rubric_id"] == rid).sum())
            problems.append(
                f"{plural(n, 'observation')} {'uses' if n == 1 else 'use'} rubric {rid!r}, which is not known; "
                f"{'it was' if n == 1 else 'they were'} left out (add its folder with --rubrics DIR)"
            )
    if rubric_id is not None and rubric_id not in rubrics and not len(obs):
        try:
            registry.get(rubric_id)
        except RubricNotFound as exc:
            raise SummaryError(str(exc)) from None
    obs = obs.loc[obs["rubric_id"].isin(list(rubrics))].copy()
    obs["quarter"] = quarter_of(obs["session_date"]).astype("category")
    for name in ("observation_id", "rubric_id", "rubric_version", "team", "practitioner", "observer", "status"):
        obs[name] = obs[name].cat.remove_unused_categories()
    obs = obs.reset_index(drop=True)
    items, dropped = _items(obs, loaded.rows, rubrics, versions)
    if dropped["unknown"]:
        n = dropped["unknown"]
        problems.append(f"{plural(n, 'score')} for items not in their rubric {'was' if n == 1 else 'were'} left out")
    if dropped["off_scale"]:
        n = dropped["off_scale"]
        problems.append(f"{plural(n, 'score')} with values off their item's scale {'was' if n == 1 else 'were'} left out")
    make = {
        "ratings": lambda: _ratings(obs, loaded.rows, rubrics),
        "links": lambda: _links(obs, loaded.rows, rubrics, versions),
    }
    observations = obs.drop(columns=["fid", "path"]).loc[:, [
        "observation_id", "status", "rubric_id", "rubric_version", "team", "practitioner", "observer", "session_date", "quarter", "actions",
    ]]  # fmt: skip
    return SummaryData(items, observations, problems, rubrics, make, known_teams=known_teams, unmatched_teams=unmatched)


def _one_per_session(obs: pd.DataFrame) -> pd.DataFrame:
    """Drop the second observer's file of each double-scored session.

    Files pair as ``seeds-tui compare`` pairs them: the same session reference ignoring case,
    and the same rubric, session date, practitioner and team (a reference reused for another
    session pairs nothing). The file with the lower id stands for the session.
    """
    if "pair_ref" not in obs.columns or not obs["pair_ref"].notna().any():
        return obs
    keys = pd.DataFrame(
        {
            "ref": obs["pair_ref"].astype("string").str.casefold(),
            "rubric": obs["rubric_id"].astype(str),
            "date": obs["session_date"],
            "practitioner": obs["practitioner"].astype(str).map(name_key),
            "team": obs["team"].astype(str).map(name_key),
            "id": obs["observation_id"].astype(str),
        },
        index=obs.index,
    )
    paired = keys.loc[keys["ref"].notna()].sort_values("id")
    second = paired.index[paired.duplicated(subset=["ref", "rubric", "date", "practitioner", "team"], keep="first")]
    return obs.drop(index=second)


def team_key(name: object) -> str:
    """A team name as matched by ``--team``: as every typed name is matched (``observation.name_key``)."""
    return name_key(name)


def item_frame(
    store: Store,
    registry: RubricRegistry,
    *,
    include_drafts: bool = False,
    rubric_id: str | None = None,
    teams: Iterable[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    pseudonymise: bool = False,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """The long frame: one row per scored item per observation (columns ``ITEM_COLUMNS``).

    ``value`` is the level (NA when a code was given), ``code`` is ``NA``/``NO`` or missing,
    ``points``/``possible`` follow ``seeds_tui.scoring`` (missing for codes), ``percent`` is the
    item's percent of maximum. With ``pseudonymise=True`` practitioner and observer names are
    replaced by stable labels such as ``P-7F3A2C91D0`` (see ``pseudonym``). Warnings about skipped
    files are in ``frame.attrs["problems"]``.
    """
    data = summary_data(
        store, registry, include_drafts=include_drafts, rubric_id=rubric_id, teams=teams,
        date_from=date_from, date_to=date_to, progress=progress, each_session_once=False,
    )  # fmt: skip
    frame = data.items
    if pseudonymise:
        frame = pseudonymise_frame(frame, pseudonym_key(store))
    frame.attrs["problems"] = data.problems
    return frame


def _take(obs: pd.DataFrame, rows: pd.DataFrame, kind: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows of one kind that belong to ``obs``, and each row's position in ``obs``."""
    sub = rows.loc[rows["kind"] == kind]
    if not len(obs) or not len(sub):
        return sub.iloc[:0], np.empty(0, dtype=np.int64)
    fids = obs["fid"].to_numpy()
    top = int(max(fids.max(), sub["fid"].max())) + 1
    pos = np.full(top, -1, dtype=np.int64)
    pos[fids] = np.arange(len(obs))
    where = pos[sub["fid"].to_numpy()]
    keep = where >= 0
    return sub.loc[keep], where[keep]


def _map_key(versions_of_id: dict[str, Rubric], version: str, key: str) -> str | None:
    """The newest id of ``key`` scored under ``version`` (None if a later version retired it)."""
    return carry_key(key, versions_of_id.values(), version)


def _combo_codes(obs: pd.DataFrame, sub: pd.DataFrame, where: np.ndarray) -> tuple[np.ndarray, list[tuple[str, str, str, str]]]:
    """Factorise (rubric id, version, section, item) of rows by category codes: fast on many rows."""
    cats = [obs["rubric_id"].cat, obs["rubric_version"].cat, sub["section"].cat, sub["item"].cat]
    parts = [
        obs["rubric_id"].cat.codes.to_numpy()[where].astype(np.int64),
        obs["rubric_version"].cat.codes.to_numpy()[where].astype(np.int64),
        sub["section"].cat.codes.to_numpy().astype(np.int64),
        sub["item"].cat.codes.to_numpy().astype(np.int64),
    ]
    key = np.zeros(len(sub), dtype=np.int64)
    for cat, codes in zip(cats, parts, strict=True):
        key = key * (len(cat.categories) + 1) + (codes + 1)
    codes, _ = pd.factorize(key)
    first = pd.Series(np.arange(len(key))).groupby(codes).first().to_numpy() if len(key) else np.empty(0, dtype=np.int64)
    decoded = [
        tuple(str(cat.categories[c[i]]) for cat, c in zip(cats, parts, strict=True))  # type: ignore[misc]
        for i in first
    ]
    return codes, decoded  # type: ignore[return-value]


def _items(
    obs: pd.DataFrame, rows: pd.DataFrame, rubrics: dict[str, Rubric], versions: dict[str, dict[str, Rubric]]
) -> tuple[pd.DataFrame, dict[str, int]]:
    dropped = {"unknown": 0, "off_scale": 0}
    sub, where = _take(obs, rows, KINDS["score"])
    if not len(sub):
        return _empty_items(), dropped
    codes, uniques = _combo_codes(obs, sub, where)
    n = len(uniques)
    sections: dict[str, int] = {}
    items: dict[str, int] = {}
    groups: dict[str, int] = {}
    u_sec = np.full(n, -1, dtype=np.int64)
    u_item = np.full(n, -1, dtype=np.int64)
    u_group = np.full(n, -1, dtype=np.int64)
    u_min = np.zeros(n, dtype=np.int64)
    u_max = np.zeros(n, dtype=np.int64)
    u_ok = np.zeros(n, dtype=bool)
    u_values: list[set[int]] = []
    counts = np.bincount(codes, minlength=n)
    for i, (r_id, r_ver, s_id, i_id) in enumerate(uniques):
        newest = rubrics[r_id]
        old = versions[r_id].get(r_ver, newest)
        key = _map_key(versions[r_id], r_ver, f"{s_id}.{i_id}")
        values: set[int] = set()
        if key is not None and key in newest.item_keys:
            ns, ni = key.split(".")
            try:
                scale = old.scale_of(old.item(s_id, i_id))
            except KeyError:
                scale = newest.scale_of(newest.item(ns, ni))
            u_sec[i] = sections.setdefault(ns, len(sections))
            u_item[i] = items.setdefault(ni, len(items))
            group = newest.section(ns).group
            u_group[i] = groups.setdefault(group, len(groups)) if group else -1
            u_min[i], u_max[i] = scale.min_value, scale.max_value
            u_ok[i] = True
            values = set(scale.values)
        elif key is not None and key not in newest.retired:
            dropped["unknown"] += int(counts[i])
        u_values.append(values)
    value = sub["value"].to_numpy(dtype=float, na_value=np.nan)
    ok = u_ok[codes]
    has_value = ~np.isnan(value)
    # Values off the item's scale (a hand-edited file) are left out, not counted.
    off = has_value & ((value < u_min[codes]) | (value > u_max[codes]))
    for i in range(n):
        if u_ok[i] and u_values[i] != set(range(int(u_min[i]), int(u_max[i]) + 1)):
            mask = (codes == i) & has_value
            off[mask] |= ~np.isin(value[mask], list(u_values[i]))
    dropped["off_scale"] = int((off & ok).sum())
    keep = ok & ~off
    codes, where, value, has_value = codes[keep], where[keep], value[keep], has_value[keep]
    meta = obs[_META_ALL].iloc[where].reset_index(drop=True)
    scale_min = u_min[codes]
    scale_max = u_max[codes]
    points = pd.Series(np.where(has_value, scoring.item_points(value, scale_min), np.nan))
    possible = pd.Series(np.where(has_value, scale_max - scale_min, np.nan))
    code = sub["code"].cat.set_categories(["NA", "NO"]).to_numpy()[keep] if len(sub) else []
    frame = pd.DataFrame(
        {
            "observation_id": meta["observation_id"],
            "status": meta["status"],
            "rubric_id": meta["rubric_id"],
            "rubric_version": meta["rubric_version"],
            "team": meta["team"],
            "practitioner": meta["practitioner"],
            "observer": meta["observer"],
            "session_date": meta["session_date"],
            "quarter": meta["quarter"],
            "section": pd.Categorical.from_codes(u_sec[codes], categories=list(sections)),
            "section_group": pd.Categorical.from_codes(u_group[codes], categories=list(groups)),
            "item": pd.Categorical.from_codes(u_item[codes], categories=list(items)),
            "value": pd.array(np.where(has_value, value, np.nan), dtype="Float64").astype("Int64"),
            "code": pd.Categorical(code, categories=["NA", "NO"]),
            "scale_min": scale_min,
            "scale_max": scale_max,
            "points": pd.array(points, dtype="Float64").astype("Int64"),
            "possible": pd.array(possible, dtype="Float64").astype("Int64"),
            "percent": scoring.percent_of_max(points, possible).to_numpy(dtype=float),
        }
    )
    return frame, dropped


def _empty_items() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series(dtype="object") for name in ITEM_COLUMNS})
    for name in ("value", "points", "possible"):
        frame[name] = frame[name].astype("Int64")
    for name in ("scale_min", "scale_max"):
        frame[name] = frame[name].astype("int64")
    frame["percent"] = frame["percent"].astype(float)
    frame["session_date"] = pd.to_datetime(frame["session_date"])
    for name in (
        "observation_id",
        "status",
        "rubric_id",
        "rubric_version",
        "team",
        "practitioner",
        "observer",
        "quarter",
        "section",
        "section_group",
        "item",
        "code",
    ):
        frame[name] = frame[name].astype("category")
    return frame


_META_ALL = ["observation_id", "status", "rubric_id", "rubric_version", "team", "practitioner", "observer", "session_date", "quarter"]
_META = ["observation_id", "rubric_id", "team", "practitioner", "session_date", "quarter"]


def _ratings(obs: pd.DataFrame, rows: pd.DataFrame, rubrics: dict[str, Rubric]) -> pd.DataFrame:
    """Global ratings and counter-derived indicators, one row per observation and measure."""
    parts = []
    glob, gwhere = _take(obs, rows, KINDS["global"])
    cnt, cwhere = _take(obs, rows, KINDS["counter"])
    if len(glob):
        meta = obs[_META].iloc[gwhere].reset_index(drop=True)
        meta["measure"] = glob["item"].astype(str).to_numpy()
        meta["kind"] = "global"
        meta["value"] = glob["value"].to_numpy(dtype=float, na_value=np.nan)
        parts.append(meta)
    # Indicators: computed per observation with the scoring rules (few observations have counters).
    with_indicators = {rid for rid, r in rubrics.items() if r.indicators}
    if with_indicators and len(obs):
        rids = obs["rubric_id"].astype(str).to_numpy()
        wanted = np.isin(rids, list(with_indicators))
        gmap: dict[int, dict[str, int]] = {}
        gkeep = wanted[gwhere]
        for pos, name, value in zip(gwhere[gkeep], glob["item"].to_numpy()[gkeep], glob["value"].to_numpy()[gkeep], strict=True):
            gmap.setdefault(int(pos), {})[str(name)] = int(value)
        cmap: dict[int, dict[str, int]] = {}
        ckeep = wanted[cwhere]
        for pos, name, value in zip(cwhere[ckeep], cnt["item"].to_numpy()[ckeep], cnt["value"].to_numpy()[ckeep], strict=True):
            cmap.setdefault(int(pos), {})[str(name)] = int(value)
        out = []
        for pos in np.flatnonzero(wanted).tolist():
            rubric = rubrics[rids[pos]]
            counters, globals_ = cmap.get(pos, {}), gmap.get(pos, {})
            if not counters and not any(ind.mean_of for ind in rubric.indicators):
                continue
            for ind in rubric.indicators:
                value = scoring.indicator_value(rubric, ind.id, counters, globals_)
                if value is not None:
                    out.append((pos, ind.id, value))
        if out:
            poss, names, values = zip(*out, strict=True)
            meta = obs[_META].iloc[list(poss)].reset_index(drop=True)
            meta["measure"] = list(names)
            meta["kind"] = "indicator"
            meta["value"] = np.asarray(values, dtype=float)
            parts.append(meta)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in [*_META, "measure", "kind", "value"]}).astype({"value": float})
    frame = pd.concat(parts, ignore_index=True)
    for name in ("rubric_id", "team", "practitioner", "observation_id", "quarter"):
        frame[name] = frame[name].astype(str)
    return frame


def _links(obs: pd.DataFrame, rows: pd.DataFrame, rubrics: dict[str, Rubric], versions: dict[str, dict[str, Rubric]]) -> pd.DataFrame:
    """Strengths and development areas linked to items, mapped to the newest rubric's ids."""
    parts = []
    for kind in ("strength", "development"):
        sub, where = _take(obs, rows, KINDS[kind])
        if not len(sub):
            continue
        codes, uniques = _combo_codes(obs, sub, where)
        mapped = [_map_key(versions[r], v, f"{s}.{i}") or "." for r, v, s, i in uniques]
        known = np.array([k in rubrics[r].item_keys for (r, _, _, _), k in zip(uniques, mapped, strict=True)], dtype=bool)
        keep = known[codes]
        meta = obs[_META].iloc[where[keep]].reset_index(drop=True)
        meta["kind"] = kind
        meta["section"] = np.array([k.split(".")[0] for k in mapped], dtype=object)[codes[keep]]
        meta["item"] = np.array([k.split(".")[1] for k in mapped], dtype=object)[codes[keep]]
        parts.append(meta)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in [*_META, "kind", "section", "item"]})
    frame = pd.concat(parts, ignore_index=True)
    for name in ("rubric_id", "team", "practitioner", "observation_id", "quarter", "section", "item"):
        frame[name] = frame[name].astype(str)
    return frame


# -- suppression --------------------------------------------------------------------------------


def _suppress(
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


def _complete(table: pd.DataFrame, parts: pd.DataFrame, teams: Sequence[str] = ()) -> pd.DataFrame:
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


def _collapse(out: pd.DataFrame, threshold: int) -> pd.DataFrame:
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
        raise SummaryError(_several_rubrics_message(sorted(map(str, items["rubric_id"].unique()))))


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
    table = _complete(table, grid)
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
    out = _suppress(table[cols], list(table["_pracs"]), threshold, families, [*_PERCENT_FIGURES, *level_cols])
    out.loc[out["suppressed"], "band"] = None
    return _collapse(out, threshold)


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
    table = _complete(table, pd.DataFrame({"group": [*rubric.groups, ALL_SECTIONS]}))
    table["band"] = [scoring.band(p) for p in table["mean_percent"]]
    table = _order(table, rubric, keys)
    cols = [*keys, "observations", "practitioners", "mean_percent", "median_percent", "band"]
    out = _suppress(table[cols], list(table["_pracs"]), threshold, [("team", ALL_TEAMS), ("group", None)], cols[2:6])
    out.loc[out["suppressed"], "band"] = None
    return _collapse(out, threshold)


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
    table = _order(_complete(_summarise(per_obs, [part, "quarter"]), grid), rubric, keys)
    cols = [*keys, "observations", "practitioners", "mean_percent", "median_percent"]
    out = _suppress(table[cols], list(table["_pracs"]), threshold, [("team", ALL_TEAMS), ("quarter", None)], cols[3:])
    return _collapse(out, threshold)


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
    table = _order(_complete(_summarise(per_obs, ["section", "period"]), grid), rubric, keys)
    cols = [*keys, "observations", "practitioners", "mean_percent", "median_percent"]
    out = _suppress(table[cols], list(table["_pracs"]), threshold, [("team", ALL_TEAMS), ("period", None)], cols[3:])
    out = _collapse(out, threshold)
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
    table = _complete(table, pd.DataFrame(measures, columns=["measure", "kind"]), teams)
    table["practitioners"] = [len(s) for s in table["_pracs"]]
    titles = {g.id: g.title for g in rubric.globals} | {i.id: i.title for i in rubric.indicators}
    order = {name: n for n, name in enumerate([*(g.id for g in rubric.globals), *(i.id for i in rubric.indicators)])}
    table["title"] = [titles.get(m, m) for m in table["measure"]]
    table["_m"] = table["measure"].map(order).fillna(999)
    table["_t"] = (table["team"] == ALL_TEAMS).astype(int)
    table["_tn"] = table["team"].str.casefold()
    table = table.sort_values(["_t", "_tn", "_m"]).reset_index(drop=True)
    return _collapse(_suppress(table[cols], list(table["_pracs"]), threshold, [("team", ALL_TEAMS)], cols[4:]), threshold)


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
    teams_level = _suppress(pd.DataFrame({"team": names}), [team_pracs[t] for t in names], threshold, [("team", ALL_TEAMS)], [])
    verdict = dict(zip(teams_level["team"], zip(teams_level["suppressed"], teams_level["note"], strict=True), strict=True))
    out = counts[cols].copy()
    for col in ("development_areas", "strengths", "practitioners"):
        out[col] = out[col].astype("Int64")
    hidden = np.array([verdict[t][0] for t in out["team"]], dtype=bool)
    out.loc[hidden, ["development_areas", "strengths", "practitioners"]] = pd.NA
    out["suppressed"] = hidden
    out["note"] = [verdict[t][1] for t in out["team"]]
    return _collapse(out, threshold)


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
    return _collapse(_suppress(table[cols], sets, threshold, [("team", ALL_TEAMS)], cols[1:]), threshold)


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


# -- pseudonymous labels ---------------------------------------------------------------------------

PSEUDONYM_KEY_FILE = ".pseudonym-key"


def pseudonym_key(store: Store) -> bytes:
    """The store's secret key for practitioner labels, created (owner-only) on first use.

    It lives in the store root, not in ``.cache``, so deleting the cache keeps labels stable.
    """
    path = store.root / PSEUDONYM_KEY_FILE
    try:
        text = path.read_text("ascii").strip()
        if len(text) == 64:
            return bytes.fromhex(text)
    except (OSError, ValueError):
        pass
    key = secrets.token_bytes(32)
    if not store.root.is_dir():
        return key
    try:
        # Exclusive: two first runs at once must not end up with two keys.
        create_exclusive(path, key.hex().encode("ascii"))
    except FileExistsError:
        try:
            return bytes.fromhex(path.read_text("ascii").strip())
        except (OSError, ValueError):
            return key
    except SeedsError:
        pass
    return key


def pseudonym(name: str, key: bytes, prefix: str = "P") -> str:
    """A stable label such as ``P-7F3A2C91D0`` for a name (keyed hash; same key, same label)."""
    digest = hmac.new(key, " ".join(name.split()).casefold().encode("utf-8"), hashlib.sha256).hexdigest()
    # 40 bits: a clash between two people is unlikely even among tens of thousands of names.
    return f"{prefix}-{digest[:10].upper()}"


def pseudonymise_frame(frame: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """A copy with practitioner (``P-``) and observer (``O-``) names replaced by labels."""
    out = frame.copy()
    for col, prefix in (("practitioner", "P"), ("observer", "O")):
        if col in out.columns:
            labels = {name: pseudonym(str(name), key, prefix) for name in pd.unique(out[col].astype(str))}
            out[col] = out[col].astype(str).map(labels).astype("category")
    return out


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


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``1 team``, ``2 teams``: a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else (nouns or noun + 's')}"


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
                table.frame = _with_hidden_teams(table.frame, part.observations, threshold)
    return out


def _teams(data: SummaryData) -> list[str]:
    return sorted({str(t) for t in data.observations["team"]}, key=str.casefold)


def _with_hidden_teams(frame: pd.DataFrame, observations: pd.DataFrame, threshold: int) -> pd.DataFrame:
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
