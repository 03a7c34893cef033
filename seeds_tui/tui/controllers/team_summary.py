"""The Team summary controller: everything the Team summary screen reads from (or writes into) the store.

The screen never touches the store: it asks this controller, from its thread workers, to read
the store through the summary cache (``read``), to say whether a file changed since
(``changed``), to narrow what was read to its filters (``narrow``), to build a view's tables
(``tables``) and to write an export into ``STORE/reports/`` (``export``). Every method is safe to
call from a thread.

What was read and built is kept for the whole process (``READS``), so that a screen opened
again shows at once what the last one read, a filter used before is answered from memory, and
a team filter is answered from the tables of every team for the same dates (the figures of a
team never depend on which teams are asked for: ``seeds_tui.team.tables.for_teams_asked``).

This module imports pandas (through ``seeds_tui.team``); the app imports it only when the
screen is opened.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from seeds_tui.core.events import TrainingEvent
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.render import charts
from seeds_tui.render import summary as render
from seeds_tui.storage.store import Store
from seeds_tui.team import cache, frames, pseudonyms, selfview
from seeds_tui.team import sets as team_sets
from seeds_tui.team import tables as team_tables
from seeds_tui.tui.widgets.team_export import write_view

#: A key of the filters the frames are narrowed by: (team keys, from, to).
Filters = tuple[tuple[str, ...], date | None, date | None]


def filter_data(full: frames.SummaryData, teams: list[str] | None, date_from: date | None, date_to: date | None) -> frames.SummaryData:
    """``full`` narrowed to teams (matched as ``--team`` matches them) and dates (inclusive), in memory.

    The same observations as ``frames.summary_data`` with those filters, without reading the store again.
    """
    if not teams and date_from is None and date_to is None:
        return full
    # The same period rule as the command: a period cut inside a quarter could be differenced.
    frames.check_period(date_from, date_to)
    wanted = {frames.team_key(t) for t in teams or ()}
    present = {frames.team_key(t) for t in full.known_teams}
    unmatched = [t for t in teams or () if frames.team_key(t) not in present]

    def keep(df: pd.DataFrame) -> pd.DataFrame:
        if not len(df):
            return df
        mask = np.ones(len(df), dtype=bool)
        if wanted:
            col = df["team"]
            if isinstance(col.dtype, pd.CategoricalDtype):
                # By category code: a few names to match, not a string per row.
                lookup = np.array([frames.team_key(str(c)) in wanted for c in col.cat.categories] + [False], dtype=bool)
                mask &= lookup[col.cat.codes.to_numpy()]
            else:
                names = {n: frames.team_key(n) in wanted for n in map(str, col.unique())}
                mask &= col.astype(str).map(names).to_numpy(dtype=bool)
        dates = df["session_date"].to_numpy()
        if date_from is not None:
            mask &= dates >= np.datetime64(date_from)
        if date_to is not None:
            mask &= dates <= np.datetime64(date_to)
        return df.iloc[np.flatnonzero(mask)].reset_index(drop=True)

    observations = keep(full.observations)
    rids = set(map(str, observations["rubric_id"].unique())) if len(observations) else set()

    def maker(name: str) -> Callable[[], pd.DataFrame]:
        return lambda: keep(full._frame(name))

    make = {name: maker(name) for name in full._make}
    data = frames.SummaryData(
        keep(full.items), observations, list(full.problems), {r: v for r, v in full.rubrics.items() if r in rids}, make,
        known_teams=list(full.known_teams), unmatched_teams=unmatched, teams_asked=bool(teams), team_keys=frozenset(wanted),
    )  # fmt: skip
    # Privacy is computed on what the command computes it on (seeds_tui.team.suppression): the
    # protected grid of the unfiltered data, and All teams from every team for the dates asked.
    data._scopes = lambda: full.scopes
    if teams:
        data._service = lambda: filter_data(full, None, date_from, date_to)
    return data


#: The dates each narrowed data was narrowed to, by its id (the voice view filters responses by month).
PERIODS: dict[int, tuple[date | None, date | None]] = {}


class _Reads:
    """What the Team summary screens of this process have read and built, shared by all of them.

    ``last[(store folder, status)]`` is (the files' stats when read, the frames read): a screen
    opened again shows them at once and checks the store behind them (``cache.scan``), reading it
    again only if a file changed. ``narrowed[(id of the frames read, filters)]`` holds the frames
    narrowed to filters used lately, so that the same filters give the same data (and its tables).
    ``tables[(data, view, rubric, threshold, event)]`` holds tables built, with the data they were
    built from (kept alive, so that its id is never reused); the tables of the frames in ``last``
    and of the few filters used last are kept.
    """

    KEEP = 6

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last: dict[tuple[str, str], tuple[list[Any], frames.SummaryData]] = {}
        self.narrowed: dict[tuple[int, Filters], tuple[frames.SummaryData, frames.SummaryData]] = {}
        self.tables: dict[tuple[Any, ...], tuple[frames.SummaryData, list[team_tables.SummaryTable]]] = {}
        self.building: dict[tuple[Any, ...], threading.Event] = {}
        self.headings: dict[tuple[Any, ...], tuple[frames.SummaryData, list[str]]] = {}
        self.parts: dict[tuple[int, str], tuple[frames.SummaryData, frames.SummaryData]] = {}
        #: Narrowed data that is whole quarters of what was read, by its id: (it, what was read, the quarters).
        self.quarters_of: dict[int, tuple[frames.SummaryData, frames.SummaryData, frozenset[str]]] = {}

    def remember(self, key: tuple[str, str], stats: list[Any], full: frames.SummaryData) -> None:
        """Keep what was read of a store (the two stores or statuses read last)."""
        with self.lock:
            self.last.pop(key, None)
            self.last[key] = (stats, full)
            while len(self.last) > 2:
                del self.last[next(iter(self.last))]

    def get(self, key: tuple[Any, ...]) -> list[team_tables.SummaryTable] | None:
        """The tables built under ``key``, if they are kept."""
        with self.lock:
            hit = self.tables.get(key)
        return None if hit is None else hit[1]

    def put(self, key: tuple[Any, ...], data: frames.SummaryData, tables: list[team_tables.SummaryTable]) -> None:
        """Keep tables built (and forget those of data no longer used)."""
        with self.lock:
            self.tables[key] = (data, tables)
            kept = {id(full) for _, full in self.last.values()}
            kept |= {id(d) for d, _ in self.narrowed.values()}
            recent = list(dict.fromkeys(k[0] for k in reversed(self.tables) if k[0] not in kept))[: self.KEEP]
            for old in [k for k in self.tables if k[0] not in kept and k[0] not in recent]:
                del self.tables[old]

    def narrow(self, full: frames.SummaryData, filters: Filters, make: Callable[[], frames.SummaryData]) -> frames.SummaryData:
        """The frames read narrowed to ``filters``: the same object for the same filters, while kept."""
        key = (id(full), filters)
        with self.lock:
            hit = self.narrowed.get(key)
            if hit is not None and hit[0] is full:
                self.narrowed[key] = self.narrowed.pop(key)  # used last: kept longest
                return hit[1]
        data = make()
        with self.lock:
            hit = self.narrowed.get(key)
            if hit is not None and hit[0] is full:
                return hit[1]
            self.narrowed[key] = (full, data)
            while len(self.narrowed) > self.KEEP:
                gone = self.narrowed.pop(next(iter(self.narrowed)))
                self.quarters_of.pop(id(gone[1]), None)
        return data


READS = _Reads()

# Every filter, threshold and view is answered from the same scope frames: their scores, the
# grid's cells and the protected grids are computed once each (kept while the frames live).
team_tables.remember()


class TeamSummary:
    """The store reads, table building and exports of the Team summary screen."""

    def __init__(self, store: Store, registry: RubricRegistry) -> None:
        self.store = store
        self.registry = registry

    @property
    def root(self) -> Path:
        """The store's folder (shown in the screen's title)."""
        return self.store.root

    @property
    def reports_dir(self) -> Path:
        """Where exports are written."""
        return self.store.reports_dir

    def _key(self, status: str) -> tuple[str, str]:
        return (str(self.store.root), status)

    # -- reading -----------------------------------------------------------------------------

    def last(self, status: str) -> tuple[list[Any], frames.SummaryData] | None:
        """What a screen of this process last read of this store and status: (the files' stats, the frames)."""
        return READS.last.get(self._key(status))

    def read(self, status: str, progress: cache.Progress | None = None) -> frames.SummaryData:
        """Every observation of ``status`` in the store, read through the summary cache (slow: call from a thread)."""
        rows = cache.load_rows(self.store, progress=progress) if self.store.root.is_dir() else None
        return frames.summary_data(self.store, self.registry, status=status, rows=rows)

    def changed(self, stats: list[Any]) -> bool:
        """Whether an observation file was added, changed or removed since ``stats`` were taken."""
        return not self.store.root.is_dir() or cache.scan(self.store) != stats

    def remember(self, full: frames.SummaryData, status: str) -> None:
        """Keep what was read, with the files' stats now, for the next opening.

        The stats are taken just after reading: a file changed in between is seen at the next F5 or change.
        """
        if self.store.root.is_dir():
            READS.remember(self._key(status), cache.scan(self.store), full)

    def remembered(self, full: frames.SummaryData, status: str) -> bool:
        """Whether ``full`` is what is kept for the next opening."""
        last = READS.last.get(self._key(status))
        return last is not None and last[1] is full

    # -- filters and tables ---------------------------------------------------------------------

    def narrow(self, full: frames.SummaryData, teams: list[str] | None, date_from: date | None, date_to: date | None) -> frames.SummaryData:
        """``full`` narrowed to the filters (``filter_data``), the same data for the same filters."""
        key: Filters = (tuple(sorted({frames.team_key(t) for t in teams or ()})), date_from, date_to)
        if not key[0] and date_from is None and date_to is None:
            return full
        if key[0]:
            # The teams as typed are part of the data (the names that match no team are said back).
            key = (tuple(teams or ()), date_from, date_to)

        def make() -> frames.SummaryData:
            data = filter_data(full, teams, date_from, date_to)
            PERIODS[id(data)] = (date_from, date_to)  # the voice view's months (READS keeps the data alive)
            if teams:
                # Every team for these dates: the same data (and tables) for whichever teams are asked.
                data._service = lambda: self.narrow(full, None, date_from, date_to)
            return data

        data = READS.narrow(full, key, make)
        if not teams and len(data.observations) and id(data) not in READS.quarters_of:
            # Whole quarters of what was read: the tables' work is taken from the unfiltered data's.
            # (Said of the data kept, whichever thread made it.)
            quarters = frozenset(map(str, data.observations["quarter"].unique()))
            with READS.lock:
                READS.quarters_of[id(data)] = (data, full, quarters)
        return data

    @staticmethod
    def memo_key(data: frames.SummaryData, view: str, rubric_id: str | None, threshold: int, event: date | None) -> tuple[Any, ...]:
        """The key of a view's tables in ``READS``."""
        return (id(data), view, rubric_id, threshold, event if view == "quarter" else None)

    def cached_tables(
        self, data: frames.SummaryData, view: str, rubric_id: str | None, threshold: int, event: date | None
    ) -> list[team_tables.SummaryTable] | None:
        """The view's tables if they are built already (at once, on the event loop), else None."""
        if view in (team_sets.SETS_VIEW, selfview.SELF_VIEW):
            return None  # they rest on a register as well (sets, self-ratings), which is read each time
        return READS.get(self.memo_key(data, view, rubric_id, threshold, event))

    def registered(self) -> list[TrainingEvent]:
        """The register's training events and action learning sets, by date (files not valid left out)."""
        from seeds_tui.team.events import list_events

        return list_events(self.store)[0]

    def set_markers(self, data: frames.SummaryData | None) -> list[charts.Event]:
        """The action learning sets of the teams of ``data`` (every set without teams too), to mark on trend charts."""
        shown = (
            {frames.team_key(str(t)) for t in data.observations["team"].unique()} if data is not None and len(data.observations) else set()
        )
        return [
            charts.Event(e.date, f"set: {e.topic or e.title}")
            for e in self.registered()
            if e.kind == "set" and (not e.teams or any(frames.team_key(t) in shown for t in e.teams))
        ]

    def sets_tables(self, data: frames.SummaryData, rubric_id: str | None, threshold: int) -> list[team_tables.SummaryTable]:
        """The Sets view: each action learning set's items before and after it (``seeds-tui summary --by sets``)."""
        part = self.only(data, rubric_id) if rubric_id else data
        if not part.rubric_ids:
            return []
        sets = [e for e in self.registered() if e.kind == "set"]
        return team_sets.sets_tables(part, sets, threshold=threshold)

    def self_tables(self, data: frames.SummaryData, rubric_id: str | None, threshold: int) -> list[team_tables.SummaryTable]:
        """The Self view: self-ratings against observer ratings, by section and by quarter (``seeds-tui summary --by self``)."""
        from seeds_tui.storage.selfratings import SELFRATINGS

        part = self.only(data, rubric_id) if rubric_id else data
        if not part.rubric_ids:
            return []
        return selfview.self_tables(part, SELFRATINGS.list(self.store)[0], threshold=threshold, registry=self.registry)

    def tables(
        self, data: frames.SummaryData, view: str, rubric_id: str | None, threshold: int, event: date | None
    ) -> list[team_tables.SummaryTable]:
        """The view's tables for ``data``, built once (whichever thread asks first builds them).

        With teams asked for, they are the rows of those teams (and All teams) of the tables of every
        team for the same dates, which the table of every team shown first has built already.
        """
        if view == team_sets.SETS_VIEW:
            return self.sets_tables(data, rubric_id, threshold)
        if view == selfview.SELF_VIEW:
            return self.self_tables(data, rubric_id, threshold)
        key = self.memo_key(data, view, rubric_id, threshold, event)
        while True:
            with READS.lock:
                if key in READS.tables:
                    return READS.tables[key][1]
                building = READS.building.get(key)
                if building is None:
                    READS.building[key] = threading.Event()
                    break
            building.wait()
        try:
            part = self.only(data, rubric_id) if rubric_id else data
            before_after = event if view == "quarter" else None
            tables: list[team_tables.SummaryTable]
            if view == "voice":
                from seeds_tui.team.voice import voice_tables

                date_from, date_to = PERIODS.get(id(data), (None, None))
                teams = sorted(data.team_keys) if data.teams_asked else []
                tables, _ = voice_tables(
                    self.store, part if part.rubric_ids else None, threshold=threshold, teams=teams, date_from=date_from, date_to=date_to
                )
            elif not part.rubric_ids:
                tables = []
            elif data.teams_asked and view in team_tables.TEAM_ROWS_VIEWS:
                every = self.tables(data.service, view, rubric_id, threshold, event)
                tables = team_tables.for_teams_asked(every, part, threshold)
            else:
                # Coverage labels practitioners pseudonymously, with the store's own key (made on first use).
                key_bytes = pseudonyms.pseudonym_key(self.store) if view == "coverage" else None
                tables = team_tables.build_tables(part, view, threshold=threshold, before_after=before_after, key=key_bytes)
            READS.put(key, data, tables)
            return tables
        finally:
            with READS.lock:
                READS.building.pop(key).set()

    def only(self, data: frames.SummaryData, rubric_id: str) -> frames.SummaryData:
        """``data.only(rubric_id)``, made once per data: its service and scopes are made once too, so
        that the views, filters and headings of one rubric share them."""
        key = (id(data), rubric_id)
        with READS.lock:
            hit = READS.parts.get(key)
        if hit is not None and hit[0] is data:
            return hit[1]
        part = data.only(rubric_id)
        lineage = READS.quarters_of.get(id(data))
        if lineage is not None and lineage[0] is data and lineage[1] is not data:
            team_tables.derive(part.items, self.only(lineage[1], rubric_id).items, sorted(lineage[2]))
        if data._service is not None:
            part._service = lambda: self.only(data.service, rubric_id)
        if data._scopes is not None:
            part._scopes = lambda: [self.only(s, rubric_id) for s in data.scopes]
        team_tables.mark_one_rubric(part, rubric_id)  # the tables use its frames as they are (and the work kept on them)
        with READS.lock:
            hit = READS.parts.get(key)
            if hit is not None and hit[0] is data:
                return hit[1]
            READS.parts[key] = (data, part)
            while len(READS.parts) > 4 * READS.KEEP:
                del READS.parts[next(iter(READS.parts))]
        return part

    def heading(self, data: frames.SummaryData, rubric_id: str, threshold: int) -> list[str]:
        """The lines that describe what the tables of ``data`` for one rubric rest on, as the command
        says them (``describe_data``: every team for the dates asked, no counts below the threshold)."""
        key = (id(data), rubric_id, threshold)
        with READS.lock:
            hit = READS.headings.get(key)
        if hit is not None and hit[0] is data:
            return hit[1]
        part = self.only(data, rubric_id)
        if data.teams_asked:
            # Everything but the teams' line is their service's (every team, the same dates): made once.
            lines = [*self.heading(data.service, rubric_id, threshold), *team_tables.describe_teams_asked(part)]
        else:
            lines = team_tables.describe_data(part, threshold)
        with READS.lock:
            READS.headings[key] = (data, lines)
            while len(READS.headings) > 4 * READS.KEEP:
                del READS.headings[next(iter(READS.headings))]
        return lines

    # -- export ----------------------------------------------------------------------------------

    def export(self, doc: render.SummaryDocument, rubric_id: str, view: str, fmt: str) -> Path:
        """Render ``doc`` as ``fmt`` and write it into ``STORE/reports/`` through the store's atomic writer."""
        return write_view(self.store, doc, rubric_id, view, fmt)
