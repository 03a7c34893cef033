"""The voice of people on probation in team views: the answers per statement, suppressed like every team figure.

One table per questionnaire: per team (and All teams) and statement, how many people answered, the
share agreeing (agree or strongly agree, of those who gave a point), the distribution over the five
points (``level_1`` .. ``level_5``: percent of those who gave a point) and how many preferred not
to say. Comments and practitioners are never shown here.

Privacy (docs/summaries.md, "The voice of people on probation"): the protected grid of
``seeds_tui.team.suppression`` over cells team x statement x quarter, computed once over every
response of the store whatever was asked, hides a cell when it rests on fewer than the threshold of
**respondents**, or of **practitioners** (those the responses name, with the team's practitioners
observed that quarter), and hides more cells where a hidden one could be worked out from All teams.
A team's figure over a period then pools only the quarters the grid shows.

Example::

    table = voice_table(responses, questionnaire, threshold=5, observations=data.scopes[0].observations)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from seeds_tui.core.observation import name_key
from seeds_tui.core.questionnaire import AGREEING, PREFER_NOT, Questionnaire, Response
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

if TYPE_CHECKING:
    from seeds_tui.storage.store import Store
    from seeds_tui.team.frames import SummaryData
    from seeds_tui.team.tables import SummaryTable

#: What an empty voice table says when the store holds no answers at all.
NO_ANSWERS = "no answers to the questionnaire yet: press q on the home screen after a session, or seeds-tui voice import"

#: The figures of the voice table (hidden together when a row is suppressed).
FIGURES = ("respondents", "agree_percent", "level_1", "level_2", "level_3", "level_4", "level_5", "prefer_not")


def response_quarter(month: str) -> str:
    """``2026Q4`` for ``2026-11``."""
    year, mon = month.split("-")
    return f"{year}Q{(int(mon) - 1) // 3 + 1}"


def answer_frame(responses: Sequence[Response], questionnaire: Questionnaire) -> pd.DataFrame:
    """One row per answer (a point or prefer-not-to-say) to a statement of ``questionnaire``:
    response, team, quarter, month, statement, value (NA for prefer-not-to-say), practitioner key."""
    rows = []
    for r in responses:
        if r.questionnaire.id != questionnaire.id:
            continue
        for s in questionnaire.statements:
            answer = r.answers.get(s.id)
            if answer is None:
                continue
            rows.append(
                {
                    "response": r.id,
                    "team": r.team,
                    "quarter": response_quarter(r.month),
                    "month": r.month,
                    "statement": s.id,
                    "value": pd.NA if answer == PREFER_NOT else int(answer),
                    "practitioner": name_key(r.practitioner) if r.practitioner else "",
                }
            )
    cols = ["response", "team", "quarter", "month", "statement", "value", "practitioner"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["value"] = frame["value"].astype("Int64")
    return frame


def _observed(observations: pd.DataFrame | None) -> dict[tuple[str, str], frozenset[str]]:
    """The practitioners observed, per (team, quarter) and per (All teams, quarter)."""
    out: dict[tuple[str, str], set[str]] = {}
    if observations is None or not len(observations):
        return {}
    for team, quarter, prac in zip(
        observations["team"].astype(str), observations["quarter"].astype(str), observations["practitioner"].astype(str), strict=True
    ):
        key = name_key(prac)
        out.setdefault((team, quarter), set()).add(key)
        out.setdefault((ALL_TEAMS, quarter), set()).add(key)
    return {k: frozenset(v) for k, v in out.items()}


def voice_grid(scope: pd.DataFrame, threshold: int, observations: pd.DataFrame | None = None) -> Grid | None:
    """The protected grid (team x statement x quarter) of every answer in ``scope``: hidden where the
    respondents, or the practitioners, are fewer than ``threshold`` (and where that could be worked out)."""
    if not len(scope):
        return None
    observed = _observed(observations)
    teams = sorted(set(scope["team"].astype(str)))
    combos = sorted(set(zip(scope["statement"].astype(str), scope["quarter"].astype(str), strict=True)))
    by_cell: dict[tuple[str, str, str], tuple[set[str], set[str]]] = {}
    for resp, team, st, q, prac in zip(
        scope["response"], scope["team"].astype(str), scope["statement"], scope["quarter"], scope["practitioner"], strict=True
    ):
        for t in (team, ALL_TEAMS):
            people, pracs = by_cell.setdefault((t, st, q), (set(), set()))
            people.add(str(resp))
            if prac:
                pracs.add(str(prac))
    rows: list[tuple[str, str, str]] = []
    respondents: list[frozenset[str]] = []
    practitioners: list[frozenset[str]] = []
    for st, q in combos:
        for team in [*teams, ALL_TEAMS]:
            people, pracs = by_cell.get((team, st, q), (set(), set()))
            rows.append((team, st, q))
            respondents.append(frozenset(people))
            practitioners.append(frozenset(pracs) | observed.get((team, q), frozenset()))
    cells = pd.DataFrame(rows, columns=["team", "statement", "quarter"], dtype=object)
    families = [("team", ALL_TEAMS)]
    return protect(cells, respondents, threshold, families).join(protect(cells, practitioners, threshold, families))


def voice_table(
    responses: Sequence[Response],
    questionnaire: Questionnaire,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    scope: Sequence[Response] | None = None,
    observations: pd.DataFrame | None = None,
    teams: Sequence[str] = (),
    date_from: date | None = None,
    date_to: date | None = None,
) -> pd.DataFrame:
    """Team (and All teams) x statement (id and ``title``, its text).

    Columns: respondents, agree_percent, level_1..level_5, prefer_not, suppressed, note.

    ``responses`` are those summarised; ``scope`` every response of the store (default: ``responses``),
    which the protected grid is computed on; ``observations`` the store's observations (team, quarter,
    practitioner) whose practitioners count behind a team's cells; ``teams`` keeps only these teams'
    rows (and All teams); ``date_from``/``date_to`` keep the months inside them.
    """
    check_threshold(threshold)
    cols = ["team", "statement", "title", *FIGURES]
    picked = [r for r in responses if _in_period(r.month, date_from, date_to)]
    frame = answer_frame(picked, questionnaire)
    if not len(frame):
        return pd.DataFrame({c: [] for c in [*cols, "suppressed", "note"]})
    everything = answer_frame(scope if scope is not None else responses, questionnaire)
    grid = voice_grid(everything, threshold, observations)
    team_ok, all_ok = usable(frame, grid)
    observed = _observed(observations)
    rows = []
    keys = ["team", "statement"]
    for team, ok in [*((t, team_ok) for t in sorted(set(frame["team"].astype(str)), key=str.casefold)), (ALL_TEAMS, all_ok)]:
        part = frame.loc[ok & ((frame["team"].astype(str) == team).to_numpy() if team != ALL_TEAMS else True)]
        whole = frame if team == ALL_TEAMS else frame.loc[frame["team"].astype(str) == team]
        for s in questionnaire.statements:
            mine = part.loc[part["statement"] == s.id]
            every = whole.loc[whole["statement"] == s.id]
            values = mine["value"].dropna().astype(int)
            counts = {v: int((values == v).sum()) for v in range(1, 6)}
            given = len(values)
            rows.append(
                {
                    "team": team,
                    "statement": s.id,
                    "title": s.text,
                    "respondents": int(mine["response"].nunique()),
                    "agree_percent": round(100.0 * sum(counts[v] for v in AGREEING) / given, 1) if given else None,
                    **{f"level_{v}": round(100.0 * counts[v] / given, 1) if given else None for v in range(1, 6)},
                    "prefer_not": int(mine["value"].isna().sum()),
                    "practitioners": min(int(mine["response"].nunique()), len(_pracs(mine, observed, team))),
                    "_all_pracs": min(int(every["response"].nunique()), len(_pracs(every, observed, team))),
                }
            )
    table = pd.DataFrame(rows)
    for col in ("agree_percent", *(f"level_{v}" for v in range(1, 6))):
        table[col] = table[col].astype("Float64")
    notes = left_out(frame, team_ok, all_ok, keys)
    out = finish(table, list(FIGURES), threshold, notes, keys).drop(columns=["practitioners"])
    if teams:
        wanted = {name_key(t) for t in teams}
        out = out.loc[[t == ALL_TEAMS or name_key(t) in wanted for t in out["team"]]].reset_index(drop=True)
    out = collapse(out.reset_index(drop=True), threshold)
    # A cell rests on people and on practitioners: the note says both (never which, for the few it rests on).
    out["note"] = out["note"].replace(SUPPRESSED_PRIMARY.format(k=threshold), few_note(threshold))
    return out


def few_note(threshold: int) -> str:
    """The note of a row hidden because it rests on too few people or practitioners."""
    return f"suppressed: fewer than {threshold} respondents or practitioners"


def _pracs(rows: pd.DataFrame, observed: dict[tuple[str, str], frozenset[str]], team: str) -> set[str]:
    """The practitioners behind some answers: those named, and those observed in their team's quarters."""
    out = {str(p) for p in rows["practitioner"] if p}
    for t, q in set(zip(rows["team"].astype(str), rows["quarter"].astype(str), strict=True)):
        out |= observed.get((ALL_TEAMS if team == ALL_TEAMS else t, q), frozenset())
    return out


def _in_period(month: str, date_from: date | None, date_to: date | None) -> bool:
    year, mon = (int(p) for p in month.split("-"))
    first = date(year, mon, 1)
    return (date_from is None or first >= date_from.replace(day=1)) and (date_to is None or first <= date_to)


def observed_practitioners(store: Store) -> pd.DataFrame:
    """Who was observed, in which team and quarter: every final observation of the store, any rubric
    (columns team, quarter, practitioner). The voice grid counts these behind a team's answers, the
    same whatever a summary asks for."""
    from seeds_tui.team.cache import load_rows
    from seeds_tui.team.frames import quarter_of

    files = load_rows(store).files
    if not len(files):
        return pd.DataFrame({"team": [], "quarter": [], "practitioner": []})
    final = files.loc[(files["status"].astype(str) == "final").to_numpy() & files["session_date"].notna().to_numpy()]
    return pd.DataFrame(
        {
            "team": final["team"].astype(str).to_numpy(),
            "quarter": quarter_of(final["session_date"]).astype(str).to_numpy(),
            "practitioner": final["practitioner"].astype(str).to_numpy(),
        }
    )


def voice_tables(
    store: Store,
    data: SummaryData | None,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    teams: Sequence[str] = (),
    date_from: date | None = None,
    date_to: date | None = None,
) -> tuple[list[SummaryTable], list[str]]:
    """The voice view of a summary: per questionnaire, the answers by team and statement, then the
    same teams' observed practice (composites) for the same period; and warnings (files not read).

    ``data`` is the summary's observations (teams and dates asked; None when the store has none);
    ``teams`` and the dates are those asked for.
    """
    from seeds_tui.storage.responses import list_responses, questionnaires
    from seeds_tui.team.tables import SummaryTable, build_tables

    responses, problems = list_responses(store)
    known = questionnaires(store)
    warnings = [str(p) for p in problems]
    # What the grid counts never depends on what was asked (rubric, status, teams, dates): else two
    # requests could hide different cells and be compared.
    observations = observed_practitioners(store)
    out: list[SummaryTable] = []
    for qid, version in sorted({(r.questionnaire.id, r.questionnaire.version) for r in responses}):
        questionnaire = known.get(qid, version)
        if questionnaire is None:
            warnings.append(f"responses to questionnaire {qid} {version} left out: it is not known (put its file in STORE/questionnaires/)")
            continue
        mine = [r for r in responses if r.questionnaire.id == qid and r.questionnaire.version == version]
        frame = voice_table(
            mine,
            questionnaire,
            threshold=threshold,
            scope=mine,
            observations=observations,
            teams=teams,
            date_from=date_from,
            date_to=date_to,
        )
        title = f"People on probation: {questionnaire.title} ({qid} {version}): answers by team and statement"
        out.append(SummaryTable(title, "voice", frame, qid, "no answers in the months asked for"))
    if not out:
        current = known.current()
        if current is not None:
            empty = voice_table([], current, threshold=threshold)
            title = f"People on probation: {current.title} ({current.id} {current.version}): answers by team and statement"
            out.append(SummaryTable(title, "voice", empty, current.id, NO_ANSWERS))
    if data is not None and data.rubric_ids:
        for table in build_tables(data, "composite", threshold=threshold):
            table.title = f"{table.title}: observed practice in the same period"
            out.append(table)
    return out, warnings


__all__ = ["FIGURES", "answer_frame", "few_note", "observed_practitioners", "response_quarter", "voice_grid", "voice_table", "voice_tables"]
