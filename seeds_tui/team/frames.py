"""The frames behind every team table, read from the store through the cache.

``summary_data`` reads a store (through ``seeds_tui.team.cache``) and builds the long frame of
scored items, one row per observation, and (on first use) the ratings and links frames. Rules:

* Scoring uses ``seeds_tui.core.scoring`` (item points, possible points, percent of maximum):
  the same rules as the scoring screen, the report and the export.
* Only final observations count unless drafts are asked for. Versions of one rubric are
  combined by item id, through the newest version's ``renamed`` map; ``retired`` items drop,
  and items absent from a version are absent, not zero.

Example::

    from seeds_tui.storage.store import Store
    from seeds_tui.core.rubric import RubricRegistry
    data = summary_data(Store("my-store"), RubricRegistry.default(), rubric_id="seed-one-to-one")
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from seeds_tui.core import scoring
from seeds_tui.core.errors import RubricNotFound, SeedsError, StoreError
from seeds_tui.core.observation import name_key
from seeds_tui.core.rubric import Rubric, RubricRegistry
from seeds_tui.core.versions import carry_key
from seeds_tui.storage.store import Store
from seeds_tui.team.cache import KINDS, Progress, StoreRows, load_rows
from seeds_tui.team.pseudonyms import pseudonym_key, pseudonymise_frame

#: Column order of the long frame (``item_frame``).
ITEM_COLUMNS = (
    "observation_id", "status", "rubric_id", "rubric_version", "team", "practitioner", "observer", "session_date",
    "quarter", "section", "section_group", "item", "value", "code", "scale_min", "scale_max", "points", "possible", "percent",
)  # fmt: skip


class SummaryError(SeedsError):
    """A summary cannot be made as asked (unknown rubric, bad threshold, mixed rubric ids)."""


@dataclass
class SummaryData:
    """The rows behind every table, for one store after filters.

    ``items`` is the long frame (one row per scored item per observation, ``ITEM_COLUMNS``);
    ``observations`` one row per observation; ``ratings`` one row per global rating or
    indicator per observation; ``links`` one row per strength or development area linked to
    an item; ``actions`` one row per agreed action; ``carried`` one row per carried action
    reviewed (or not yet) at an observation; ``roster`` one row per practitioner and rubric id of
    the store (same status and rubric, any team or date); ``problems`` human-readable warnings (files that could not be read, scores left
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
    #: Whether teams were asked for (then tables list only those teams, and All teams).
    teams_asked: bool = False
    #: The teams asked for, as matched (``team_key``); empty when none were asked for.
    team_keys: frozenset[str] = frozenset()
    #: Builders of what privacy is computed on (``seeds_tui.team.suppression``): ``scopes`` the
    #: same rubric and status with no team or date filter (final and drafts apart for status
    #: ``all``), ``service`` every team for the dates asked. Unset: this data itself.
    _scopes: Callable[[], list[SummaryData]] | None = field(default=None, repr=False)
    _service: Callable[[], SummaryData] | None = field(default=None, repr=False)

    @property
    def scopes(self) -> list[SummaryData]:
        """The data each protected grid is computed on (see ``seeds_tui.team.suppression``)."""
        if self._scopes is None:
            return [self]
        if "scopes" not in self._cached:
            self._cached["scopes"] = self._scopes()
        return self._cached["scopes"]  # type: ignore[return-value]

    @property
    def service(self) -> SummaryData:
        """Every team's data for the dates asked: what All teams and the team rows are computed from."""
        if self._service is None:
            return self
        if "service" not in self._cached:
            self._cached["service"] = self._service()
        return self._cached["service"]  # type: ignore[return-value]

    _cached: dict[str, object] = field(default_factory=dict, repr=False)

    def _frame(self, name: str) -> pd.DataFrame:
        if name not in self._made:
            self._made[name] = self._make[name]()
        return self._made[name]

    @property
    def ratings(self) -> pd.DataFrame:
        """Global ratings, indicators and tally rates per minute: one row per observation and measure."""
        return self._frame("ratings")

    @property
    def links(self) -> pd.DataFrame:
        """Strengths and development areas linked to items: one row per link."""
        return self._frame("links")

    @property
    def actions(self) -> pd.DataFrame:
        """Agreed actions: one row per action, with the item it addresses (``section`` and ``item``,
        empty when not linked) and its wording (``text``)."""
        return self._frame("actions")

    @property
    def carried(self) -> pd.DataFrame:
        """Carried actions: one row per action carried into an observation, with ``key`` (the
        action where it was first agreed, ``SOURCE:INDEX``) and ``status`` (done, ongoing,
        dropped, or not_reviewed)."""
        return self._frame("carried")

    @property
    def roster(self) -> pd.DataFrame:
        """Every practitioner of the store for this status and rubric, whatever the teams and dates
        asked (the observations of ``scopes``): per ``practitioner`` and ``rubric_id``, the ``team``
        of their latest observation and ``last_observed`` (its date)."""
        if "roster" not in self._cached:
            scopes = self.scopes
            self._cached["roster"] = _roster(
                pd.concat([s.observations for s in scopes], ignore_index=True) if len(scopes) > 1 else scopes[0].observations
            )
        return self._cached["roster"]  # type: ignore[return-value]

    @property
    def rubric_ids(self) -> list[str]:
        """Rubric ids with at least one observation here, sorted."""
        return sorted(self.rubrics)

    @property
    def rubric(self) -> Rubric:
        """The one rubric of this data (``SummaryError`` if there are several or none)."""
        if len(self.rubrics) != 1:
            raise SummaryError(several_rubrics_message(self.rubric_ids))
        return next(iter(self.rubrics.values()))

    def only(self, rubric_id: str) -> SummaryData:
        """The same data narrowed to one rubric id."""

        def pick(df: pd.DataFrame) -> pd.DataFrame:
            return df.loc[df["rubric_id"] == rubric_id].reset_index(drop=True) if len(df) else df

        make: dict[str, Callable[[], pd.DataFrame]] = {name: functools.partial(lambda n: pick(self._frame(n)), name) for name in self._make}
        rubrics = {rubric_id: self.rubrics[rubric_id]} if rubric_id in self.rubrics else {}
        scopes = None if self._scopes is None else (lambda: [s.only(rubric_id) for s in self.scopes])
        service = None if self._service is None else (lambda: self.service.only(rubric_id))
        return SummaryData(
            pick(self.items), pick(self.observations), list(self.problems), rubrics, make,
            known_teams=list(self.known_teams), unmatched_teams=list(self.unmatched_teams), teams_asked=self.teams_asked,
            team_keys=self.team_keys, _scopes=scopes, _service=service,
        )  # fmt: skip


#: Why a file of a team's shared folder is left out, told in the summary itself (the facilitator can act on it
#: there): a sync tool's conflict copy, a file still arriving, a file changed after it was published. Found by
#: the fixed words of the store's own messages (storage.store.file_name_problem, core.seal.seal_problem).
_SHARED_FOLDER_REASONS = (
    ("is incomplete:", "incomplete (a sync tool still copying it, or a copy cut short), left out until it is complete"),
    ("no longer matches its seal", "changed after it was published, left out: publish it again from the observer's own store"),
    ("damaged seal line", "its first line (the seal) is damaged, left out: publish it again from the observer's own store"),
    ("sync tool's conflicted copy", "a copy under another name (a sync tool's conflict copy?), not counted: keep the file named ID.toml"),
)


def left_out(path: object, reason: str) -> str:
    """The summary's warning for a file it could not count (the reason's details stay with ``validate``: they may quote the file).

    >>> print(left_out("s/X (conflicted copy).toml", "s/...: id: ... (a copy, e.g. a sync tool's conflicted copy or ...)"))
    s/X (conflicted copy).toml: a copy under another name (a sync tool's conflict copy?), not counted: keep the file named ID.toml
    >>> left_out("s/observations/X.toml", "s/observations/X.toml:3: bad value")
    "s/observations/X.toml: could not be read and was left out; run 'seeds-tui validate s/observations/X.toml' for details"
    """
    for words, told in _SHARED_FOLDER_REASONS:
        if words in reason:
            return f"{path}: {told}"
    return f"{path}: could not be read and was left out; run 'seeds-tui validate {path}' for details"


def several_rubrics_message(ids: Sequence[str]) -> str:
    if not ids:
        return "no observations match: check the store, the rubric, the teams and the dates asked for"
    return f"these observations use {len(ids)} rubrics ({', '.join(ids)}); choose one with --rubric ID"


def quarter_start(day: date) -> date:
    """The first day of ``day``'s quarter."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: date) -> date:
    """The last day of ``day``'s quarter."""
    first = quarter_start(day)
    nxt = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return nxt - timedelta(days=1)


def quarter_label(day: date) -> str:
    """``2026Q2`` for a day in April to June 2026."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def check_period(date_from: date | None, date_to: date | None) -> None:
    """``SummaryError`` unless the period is whole quarters (``--from`` a quarter's first day,
    ``--to`` a quarter's last day): a period cut inside a quarter would let two summaries be
    compared to single out a few sessions."""
    if date_from is not None and date_from != quarter_start(date_from):
        raise SummaryError(
            f"--from {date_from.isoformat()} is inside {quarter_label(date_from)}: team figures cover whole quarters, so that "
            f"comparing two summaries cannot reveal a hidden figure; use --from {quarter_start(date_from).isoformat()}"
        )
    if date_to is not None and date_to != quarter_end(date_to):
        raise SummaryError(
            f"--to {date_to.isoformat()} is inside {quarter_label(date_to)}: team figures cover whole quarters, so that "
            f"comparing two summaries cannot reveal a hidden figure; use --to {quarter_end(date_to).isoformat()}"
        )


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
    whole_quarters: bool = True,
) -> SummaryData:
    """Read ``store`` (via the cache) and build the frames behind every table.

    A session two observers scored (purpose calibration, one ``session_ref``) counts once in
    team figures: the first observer's file (the lower id) stands for it. ``each_session_once=False``
    keeps every file (the export does: scripts get every observer's scores).

    ``status`` is ``"final"`` (default), ``"draft"`` or ``"all"``; ``include_drafts=True``
    is the same as ``status="all"``. ``teams`` and the dates (inclusive) filter observations.
    Rubrics are looked up in ``registry``; observations of a rubric it does not know are left
    out with a warning in ``problems``. With ``whole_quarters`` (team summaries) the dates must
    be whole quarters (``suppression.check_period``), else ``SummaryError``.
    """
    if whole_quarters:
        check_period(date_from, date_to)
    if not store.root.is_dir():
        raise StoreError(f"no store at {store.root}; give the store folder with --store DIR (or SEEDS_STORE)")
    status = "all" if include_drafts and status in (None, "final") else (status or "final")
    if status not in ("final", "draft", "all"):
        raise SummaryError("status must be final, draft or all")
    loaded = rows if rows is not None else load_rows(store, use_cache=use_cache, progress=progress)
    problems = [left_out(path, reason) for path, reason in loaded.problems]
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
        "actions": lambda: _actions(obs, loaded.rows, rubrics, versions),
        "carried": lambda: _carried(obs, loaded.rows),
    }
    observations = obs.drop(columns=["fid", "path"]).loc[:, [
        "observation_id", "status", "rubric_id", "rubric_version", "team", "practitioner", "observer", "session_date", "quarter", "actions",
    ]]  # fmt: skip
    data = SummaryData(
        items,
        observations,
        problems,
        rubrics,
        make,
        known_teams=known_teams,
        unmatched_teams=unmatched,
        teams_asked=bool(teams),
        team_keys=frozenset(team_key(t) for t in teams) if teams else frozenset(),
    )
    if whole_quarters:

        def again(status: str, dates: bool) -> SummaryData:
            return summary_data(
                store, registry, status=status, rubric_id=rubric_id, rows=loaded, each_session_once=each_session_once,
                date_from=date_from if dates else None, date_to=date_to if dates else None,
            )  # fmt: skip

        filtered = bool(teams) or date_from is not None or date_to is not None
        if status == "all":
            data._scopes = lambda: [again("final", False), again("draft", False)]
        elif filtered:
            data._scopes = lambda: [again(status, False)]
        if teams:
            data._service = lambda: again(status, True)
    return data


def _one_per_session(obs: pd.DataFrame) -> pd.DataFrame:
    """Drop the second observer's file of each double-scored session.

    Files pair as ``seeds-tui compare`` pairs them: the same session reference ignoring case,
    and the same rubric, session date, practitioner and team (a reference reused for another
    session pairs nothing). The file with the lower id stands for the session.
    """
    if "pair_ref" not in obs.columns or not obs["pair_ref"].notna().any():
        return obs
    pairs = obs.loc[obs["pair_ref"].notna()]  # only double-scored files can pair (few of them)
    keys = pd.DataFrame(
        {
            "ref": pairs["pair_ref"].astype("string").str.casefold(),
            "rubric": pairs["rubric_id"].astype(str),
            "date": pairs["session_date"],
            "practitioner": pairs["practitioner"].astype(str).map(name_key),
            "team": pairs["team"].astype(str).map(name_key),
            "id": pairs["observation_id"].astype(str),
        },
        index=pairs.index,
    )
    paired = keys.sort_values("id")
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
    ``points``/``possible`` follow ``seeds_tui.core.scoring`` (missing for codes), ``percent`` is the
    item's percent of maximum. With ``pseudonymise=True`` practitioner and observer names are
    replaced by stable labels such as ``P-7F3A2C91D0`` (see ``pseudonym``). Warnings about skipped
    files are in ``frame.attrs["problems"]``.
    """
    data = summary_data(
        store, registry, include_drafts=include_drafts, rubric_id=rubric_id, teams=teams,
        date_from=date_from, date_to=date_to, progress=progress, each_session_once=False, whole_quarters=False,
    )  # fmt: skip
    frame = data.items
    if pseudonymise:
        frame = pseudonymise_frame(frame, pseudonym_key(store))
    frame.attrs["problems"] = data.problems
    return frame


def _take(obs: pd.DataFrame, rows: pd.DataFrame, kind: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows of one kind that belong to ``obs``, and each row's position in ``obs``.

    The cache keeps its rows by kind (``rows.attrs["by_kind"]``): one kind is then a slice, not a
    copy; and when every row of the kind belongs to ``obs`` (the usual case) nothing is copied.
    """
    kinds = rows["kind"].to_numpy()
    if rows.attrs.get("by_kind"):
        lo, hi = np.searchsorted(kinds, [kind, kind + 1])
        sub = rows.iloc[lo:hi]
    else:
        sub = rows.loc[kinds == kind]
    if not len(obs) or not len(sub):
        return sub.iloc[:0], np.empty(0, dtype=np.int64)
    fids = obs["fid"].to_numpy()
    sub_fids = sub["fid"].to_numpy()
    top = int(max(fids.max(), sub_fids.max())) + 1
    pos = np.full(top, -1, dtype=np.int64)
    pos[fids] = np.arange(len(obs))
    where = pos[sub_fids]
    keep = where >= 0
    if keep.all():
        return sub, where
    return sub.loc[keep], where[keep]


def _rows_at(frame: pd.DataFrame, columns: Sequence[str], where: np.ndarray) -> pd.DataFrame:
    """``frame[columns].iloc[where]`` with a fresh index, taking category codes directly (millions of rows)."""
    out: dict[str, object] = {}
    for name in columns:
        col = frame[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            out[name] = pd.Categorical.from_codes(col.cat.codes.to_numpy()[where], dtype=col.dtype, validate=False)
        else:
            out[name] = col.to_numpy()[where]
    return pd.DataFrame(out, copy=False)


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
            group = newest.group_of(ns, ni)
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
    meta = _rows_at(obs, _META_ALL, where)
    scale_min = u_min[codes]
    scale_max = u_max[codes]
    # Nullable integers built from their values and mask (missing where a code was given): no
    # float round trip, no copy of 2.6 million rows more than once.
    missing = ~has_value
    levels = np.where(has_value, value, 0).astype(np.int64)
    points = np.where(has_value, scoring.item_points(levels, scale_min), 0)
    possible = np.where(has_value, scale_max - scale_min, 0)
    divisible = has_value & (possible != 0)
    percent = np.full(len(levels), np.nan)
    percent[divisible] = 100.0 * points[divisible].astype(float) / possible[divisible].astype(float)
    code = sub["code"].cat.set_categories(["NA", "NO"]).cat.codes.to_numpy()[keep]
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
            "section": pd.Categorical.from_codes(u_sec[codes], categories=list(sections)),  # type: ignore[call-overload]
            "section_group": pd.Categorical.from_codes(u_group[codes], categories=list(groups)),  # type: ignore[call-overload]
            "item": pd.Categorical.from_codes(u_item[codes], categories=list(items)),  # type: ignore[call-overload]
            "value": pd.arrays.IntegerArray(levels, missing),
            "code": pd.Categorical.from_codes(code, categories=["NA", "NO"]),  # type: ignore[call-overload]
            "scale_min": scale_min,
            "scale_max": scale_max,
            "points": pd.arrays.IntegerArray(points, missing.copy()),
            "possible": pd.arrays.IntegerArray(possible, missing.copy()),
            "percent": percent,
        },
        copy=False,
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


def rate_measure(counter_id: str) -> str:
    """The measure id of a tally's rate per minute in the ratings frame and table."""
    return f"{counter_id}_per_minute"


def _ratings(obs: pd.DataFrame, rows: pd.DataFrame, rubrics: dict[str, Rubric]) -> pd.DataFrame:
    """Global ratings, counter-derived indicators and tally rates per minute (kind ``rate``: only
    observations whose press times were all kept), one row per observation and measure."""
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
    # Tally rates per minute: only observations whose press times were all kept have a clock row.
    clk, kwhere = _take(obs, rows, KINDS["clock"])
    if len(clk):
        rids = obs["rubric_id"].astype(str).to_numpy()
        counts: dict[int, dict[str, int]] = {}
        for pos, name, value in zip(cwhere, cnt["item"].to_numpy(), cnt["value"].to_numpy(), strict=True):
            counts.setdefault(int(pos), {})[str(name)] = int(value)
        rates = []
        for pos, elapsed in zip(kwhere.tolist(), clk["value"].to_numpy().tolist(), strict=True):
            timed = rubrics.get(str(rids[pos]))
            if timed is None or not elapsed:
                continue
            for counter in timed.counters:
                rates.append((pos, rate_measure(counter.id), counts.get(pos, {}).get(counter.id, 0) * 60 / float(elapsed)))
        if rates:
            poss, names, values = zip(*rates, strict=True)
            meta = obs[_META].iloc[list(poss)].reset_index(drop=True)
            meta["measure"] = list(names)
            meta["kind"] = "rate"
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


def _actions(obs: pd.DataFrame, rows: pd.DataFrame, rubrics: dict[str, Rubric], versions: dict[str, dict[str, Rubric]]) -> pd.DataFrame:
    """Agreed actions, one row each, their item links mapped to the newest rubric's ids (a link to
    an item the rubric no longer has is dropped, the action kept)."""
    cols = [*_META, "section", "item", "text"]
    sub, where = _take(obs, rows, KINDS["action"])
    if not len(sub):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    meta = obs[_META].iloc[where].reset_index(drop=True)
    rids = obs["rubric_id"].astype(str).to_numpy()[where]
    vers = obs["rubric_version"].astype(str).to_numpy()[where]
    secs = sub["section"].astype(object).to_numpy()
    its = sub["item"].astype(object).to_numpy()
    seen: dict[tuple[str, str, str, str], tuple[str, str]] = {}
    section_out: list[str] = []
    item_out: list[str] = []
    for rid, ver, sec, it in zip(rids, vers, secs, its, strict=True):
        if not isinstance(sec, str) or not sec:
            section_out.append("")
            item_out.append("")
            continue
        combo = (rid, ver, sec, str(it))
        if combo not in seen:
            key = _map_key(versions[rid], ver, f"{sec}.{it}")
            if key is not None and key in rubrics[rid].item_keys:
                new_section, _, new_item = key.partition(".")
                seen[combo] = (new_section, new_item)
            else:
                seen[combo] = ("", "")
        section_out.append(seen[combo][0])
        item_out.append(seen[combo][1])
    meta["section"] = section_out
    meta["item"] = item_out
    meta["text"] = sub["text"].astype(str).to_numpy()
    for name in ("rubric_id", "team", "practitioner", "observation_id", "quarter"):
        meta[name] = meta[name].astype(str)
    return meta.loc[:, cols]


def _carried(obs: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Carried actions, one row per action and observation that reviewed it (or carried it unreviewed)."""
    cols = [*_META, "key", "status"]
    sub, where = _take(obs, rows, KINDS["carried"])
    if not len(sub):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    meta = obs[_META].iloc[where].reset_index(drop=True)
    meta["key"] = sub["item"].astype(str).to_numpy()
    meta["status"] = sub["code"].astype(object).where(sub["code"].notna(), "not_reviewed").astype(str).to_numpy()
    for name in ("rubric_id", "team", "practitioner", "observation_id", "quarter"):
        meta[name] = meta[name].astype(str)
    return meta.loc[:, cols]


def _roster(obs: pd.DataFrame) -> pd.DataFrame:
    """Per practitioner and rubric id: the team and date of their latest observation (ties: the higher id)."""
    if not len(obs):
        return pd.DataFrame({c: pd.Series(dtype=str) for c in ("practitioner", "rubric_id", "team")}).assign(
            last_observed=pd.Series(dtype="datetime64[ns]")
        )
    frame = pd.DataFrame(
        {
            "practitioner": obs["practitioner"].astype(str).to_numpy(),
            "rubric_id": obs["rubric_id"].astype(str).to_numpy(),
            "team": obs["team"].astype(str).to_numpy(),
            "last_observed": obs["session_date"].to_numpy(),
            "_id": obs["observation_id"].astype(str).to_numpy(),
        }
    )
    latest = frame.sort_values(["practitioner", "rubric_id", "last_observed", "_id"]).drop_duplicates(
        ["practitioner", "rubric_id"], keep="last"
    )
    return latest.drop(columns=["_id"]).reset_index(drop=True)


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``1 team``, ``2 teams``: a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else (nouns or noun + 's')}"
