"""Action learning sets against the items they addressed, before and after (``seeds-tui summary --by sets``).

A set (a ``kind = "set"`` record of the event register, ``seeds_tui.team.events``) names the rubric's
sections or ``section.item`` ids it addressed. For each set, its items' figures are the rows of the
before/after comparison ``seeds-tui summary --event`` makes around a training day
(``tables.before_after_table``: equal windows of whole quarters, ``event_windows``, from the protected
grid, so suppressed exactly as every team figure), narrowed to the parts the set addressed and to its
teams (and All teams, as ``--event ID`` narrows to the teams that attended).

Example::

    from seeds_tui.team import frames, sets
    data = frames.summary_data(store, registry, status="final")
    tables = sets.sets_tables(data, sets.registered_sets(store), threshold=5)
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from seeds_tui.core.events import TrainingEvent
from seeds_tui.core.rubric import Rubric
from seeds_tui.storage.store import Store
from seeds_tui.team import frames
from seeds_tui.team.frames import SummaryData
from seeds_tui.team.suppression import ALL_TEAMS, DEFAULT_THRESHOLD, check_threshold, with_hidden_teams
from seeds_tui.team.tables import SummaryTable, before_after_table, event_windows

#: The view's name (``seeds-tui summary --by sets``, the app's Sets tab, the table's ``view``).
SETS_VIEW = "sets"

#: The columns of a sets table, in order.
COLUMNS = (
    "date", "topic", "team", "addresses", "title", "period", "observations", "practitioners", "in_both",
    "mean_percent", "median_percent", "change", "interval", "caution", "suppressed", "note",
)  # fmt: skip


def registered_sets(store: Store) -> list[TrainingEvent]:
    """The store's action learning sets, by date (files that are not valid are left out; ``event list`` reports them)."""
    from seeds_tui.team.events import list_events

    return [e for e in list_events(store)[0] if e.kind == "set"]


def addressed(event: TrainingEvent, rubric: Rubric) -> tuple[list[str], list[str]]:
    """The rubric's sections and ``section.item`` keys a set addressed (ids the rubric does not hold are left out)."""
    sections = {s.id: s for s in rubric.sections}
    whole = [c for c in event.covers if "." not in c and c in sections]
    items = []
    for c in event.covers:
        sid, _, iid = c.partition(".")
        if iid and sid in sections and any(i.id == iid for i in sections[sid].items):
            items.append(c)
    return whole, items


def _narrowed(rubric: Rubric, keys: Sequence[str]) -> Rubric:
    """``rubric`` with only the sections (ids) or items (``section.item``) of ``keys``, for the rows of a table."""
    sections = []
    for sec in rubric.sections:
        if sec.id in keys:
            sections.append(sec)
        else:
            items = [i for i in sec.items if f"{sec.id}.{i.id}" in keys]
            if items:
                sections.append(sec.model_copy(update={"items": items}))
    return rubric.model_copy(update={"sections": sections})


def set_frame(part: SummaryData, event: TrainingEvent, *, threshold: int = DEFAULT_THRESHOLD, window: int = 3) -> pd.DataFrame:
    """One set's rows (``COLUMNS``): each part it addressed, for its teams and All teams, before and after it."""
    rubric = part.rubric
    whole, items = addressed(event, rubric)
    service = part.service
    scope = [s.items for s in part.scopes]
    titles = {s.id: s.title for s in rubric.sections} | {f"{s.id}.{i.id}": i.text for s in rubric.sections for i in s.items}
    wanted_teams = {frames.team_key(t) for t in event.teams}
    # The order the set names its parts in, teams as the comparison orders them.
    rank = {k: n for n, k in enumerate(event.covers)}
    pieces = []
    for by, keys in (("section", whole), ("item", items)):
        if not keys or not len(service.items):
            continue
        # Only the parts the set addressed: the protected grid is made from ``scope`` (every part), so a
        # shown figure is the one ``--event`` shows, and no row of another part is built only to be dropped.
        rows = service.items
        section = rows["section"].astype(str)
        if by == "item":
            pairs = {tuple(k.split(".", 1)) for k in keys}
            mask = [(s, i) in pairs for s, i in zip(section, rows["item"].astype(str), strict=True)]
        else:
            mask = section.isin(keys).tolist()
        frame = before_after_table(
            rows.loc[mask], _narrowed(rubric, keys), event.date, threshold=threshold, window=window, by=by, scope=scope
        )
        if by == "item":
            key = frame["section"].astype(str) + "." + frame["item"].astype(str)
            frame = frame.drop(columns=["section", "item"])
        else:
            key = frame["section"].astype(str)
            frame = frame.drop(columns=["section"])
        frame = frame.assign(addresses=key.where(key.isin(keys) | (key == "") | (key == "."), None))
        frame["addresses"] = frame["addresses"].replace({".": ""})
        frame = frame.loc[frame["addresses"].notna()]
        if wanted_teams:
            frame = frame.loc[[t == ALL_TEAMS or frames.team_key(t) in wanted_teams for t in frame["team"].astype(str)]]
        frame = frame.assign(_r=frame["addresses"].map(lambda k: rank.get(k, -1)))
        pieces.append(frame)
    if not pieces:
        return pd.DataFrame({c: [] for c in COLUMNS})
    out = pd.concat(pieces, ignore_index=True)
    observations = part.observations
    if wanted_teams and len(observations):
        observations = observations.loc[[frames.team_key(str(t)) in wanted_teams for t in observations["team"]]]
    out = out.drop_duplicates(subset=["team", "addresses", "period"]).reset_index(drop=True)
    team_order = {t: n for n, t in enumerate(dict.fromkeys(map(str, out["team"])))}
    out = out.assign(_t=out["team"].astype(str).map(team_order)).sort_values(["_t", "_r"], kind="stable")
    out = out.drop(columns=["_t", "_r"]).reset_index(drop=True)
    out = with_hidden_teams(out, observations, threshold)
    out["addresses"] = out["addresses"].fillna("").astype(str)
    out["title"] = [titles.get(k, "") for k in out["addresses"]]
    out["date"] = event.date.isoformat()
    out["topic"] = event.topic or event.title
    # A window the dates asked (--from, --to) leave no observation in, of any team: say that, not
    # "fewer than 5 practitioners" (true of no one, and the same for every team, so it reveals nothing).
    seen = set(service.observations["quarter"].astype(str)) if len(service.observations) else set()
    for period, quarters in zip(("before", "after"), event_windows(event.date, window), strict=True):
        if not seen & set(quarters):
            span = quarters[0] if len(quarters) == 1 else f"{quarters[0]} to {quarters[-1]}"
            out.loc[(out["period"] == period) & out["suppressed"].astype(bool), "note"] = f"no observations in {span} in the dates asked"
    return out[list(COLUMNS)].reset_index(drop=True)


def sets_tables(
    data: SummaryData,
    sets: Sequence[TrainingEvent],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    window: int = 3,
) -> list[SummaryTable]:
    """One table per rubric: every set (by date) against the parts it addressed that the rubric holds.

    Sets whose teams or parts the rubric's observations do not reach are left out of that rubric's table;
    a rubric none of the sets addressed gets an empty table saying so.
    """
    check_threshold(threshold)
    out: list[SummaryTable] = []
    before_label = f"{window} months each side"
    for rid in data.rubric_ids:
        part = data.only(rid)
        rubric = part.rubric
        head = f"{rubric.title} ({rid})"
        mine = [s for s in sorted(sets, key=lambda e: (e.date, e.id)) if any(addressed(s, rubric))]
        pieces = [set_frame(part, s, threshold=threshold, window=window) for s in mine]
        pieces = [p for p in pieces if len(p)]
        frame = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame({c: [] for c in COLUMNS})
        if len(frame) and part.teams_asked:
            keep = {str(t) for t in part.observations["team"].unique()} | {ALL_TEAMS}
            frame = frame.loc[frame["team"].astype(str).isin(keep)].reset_index(drop=True)
        if not sets:
            empty = "no action learning sets are registered (seeds-tui event add --kind set, or e in the app)"
        else:
            empty = "no action learning set addressed a section or item of this rubric"
        title = f"{head}: action learning sets, the items they addressed before and after ({before_label}, whole quarters)"
        out.append(SummaryTable(title, SETS_VIEW, frame, rid, empty))
    return out


def windows_words(event: TrainingEvent, window: int = 3) -> str:
    """The quarters a set's comparison rests on, in words (``before 2026Q1, after 2026Q3``)."""
    before, after = event_windows(event.date, window)

    def span(q: list[str]) -> str:
        return q[0] if len(q) == 1 else f"{q[0]} to {q[-1]}"

    return f"before {span(before)}, after {span(after)}"
