"""Agreement across a store: every double-scored session, pooled per observer pair, per period
and per item, with an intraclass correlation on section scores (what ``seeds-tui compare --store``
shows, and ``seeds_tui.store_agreement`` returns).

Each session is compared with ``seeds_tui.calibration.agreement.compare``; items of several
sessions are pooled with ``agreement.figures`` (each item of each session one unit). Figures
resting on little are flagged ``few_data``: a period or pair with one session or fewer than
``FEW_ITEMS`` items compared, an item compared fewer than ``FEW_ITEM_N`` times, an ICC on fewer
than ``FEW_SECTIONS`` section scores (``icc_few_data``). Nothing here prints.

>>> import tempfile
>>> from datetime import date
>>> from seeds_tui import Store, generate_demo, rubrics
>>> from seeds_tui.calibration.across import store_agreement
>>> store = Store(tempfile.mkdtemp())
>>> _ = generate_demo(store, 60, seed=4, today=date(2026, 11, 23))
>>> result = store_agreement(store, rubrics(), by="year")
>>> result.report["sessions"] > 0, sorted(result.report)[:3]
(True, ['by', 'first_date', 'icc'])
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from seeds_tui.calibration.agreement import (
    Agreement,
    AgreementFigures,
    ItemAgreement,
    compare,
    figures,
    icc_absolute_agreement,
    icc_band,
    icc_one_way,
    occasion,
)
from seeds_tui.calibration.pairing import CalibrationSession, calibration_sessions
from seeds_tui.core.errors import ObservationError, Problem, RubricNotFound, SeedsError
from seeds_tui.core.observation import Observation, check_against_rubric, read_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store

__all__ = [
    "FEW_ITEMS", "FEW_ITEM_N", "FEW_SECTIONS", "StoreAgreement", "figures_data", "file_problems", "store_agreement", "store_report",
]  # fmt: skip

#: Below this many items compared, alpha (and a period's or pair's figures) rest on few data.
FEW_ITEMS = 10
#: Below this many times both observers gave an item a level, a per-item row rests on few data.
FEW_ITEM_N = 5
#: Below this many section scores an ICC rests on few data (two sections are the least it needs).
FEW_SECTIONS = 3
#: The reason a session whose file fails ``seeds-tui validate`` is left out of the figures.
FILE_PROBLEM = "a file has problems: run seeds-tui validate {file}"


@dataclass
class StoreAgreement:
    """Agreement across a store: the report (plain data), and what was left out and why."""

    #: Every table as plain data: ``sessions``, ``overall``, ``icc``, ``periods``, ``pairs``, ``items``, ``not_ready``...
    report: dict[str, Any]
    #: Files that could not be read at all (left out).
    errors: list[ObservationError] = field(default_factory=list)
    #: Problems with readable files of double-scored sessions (those sessions are listed as not ready).
    problems: list[Problem] = field(default_factory=list)
    #: How many files had such problems.
    bad_files: int = 0


def file_problems(path: Path, obs: Observation, text: str | None, registry: RubricRegistry) -> list[Problem]:
    """What ``seeds-tui validate`` would reject in an observation file (a value off the scale, an unknown item…).

    ``text`` is the file's text, for line numbers. A draft may still miss required items; that
    alone is not a problem here. Raises ``RubricNotFound`` when the file's rubric is not known.
    """
    loaded = registry.get(obs.rubric.id, obs.rubric.version)
    problems = check_against_rubric(obs, loaded.rubric, path=path, text=text)
    if obs.status != "final":
        problems = [p for p in problems if "required item has no score" not in p.message]
    return problems


def figures_data(values: AgreementFigures) -> dict[str, Any]:
    """Agreement figures as plain data (with the alpha metric and its meaning in words)."""
    data = asdict(values)
    data["alpha_metric"] = "ordinal"
    data["alpha_meaning"] = values.alpha_meaning
    return data


def period_of(day: date, by: str | None) -> str:
    """``2026 Q4`` (or ``2026`` with ``by="year"``)."""
    if by == "year":
        return str(day.year)
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def pair_name(a: str, b: str) -> str:
    """Two observers in one order, whoever scored first: ``Ann & Bo``."""
    first, second = sorted((a, b), key=str.casefold)
    return f"{first} & {second}"


def why_not_ready(session: CalibrationSession) -> str:
    if session.problem:
        return session.problem
    names = session.waiting_for
    return f"waiting for {len(names)} of {len(session.observations)} to finalise ({', '.join(names)})"


def _pooled(items: list[ItemAgreement], levels: dict[str, list[int]]) -> dict[str, Any]:
    """``agreement.figures`` over items pooled from several sessions (each item one unit), as plain data."""
    values = sorted({v for i in items if i.difference is not None for v in levels.get(i.key, [])}) or None
    return asdict(figures(items, values))


#: Each compared session: the session, its agreement, and the levels of each item's scale.
Compared = list[tuple[CalibrationSession, Agreement, dict[str, list[int]]]]


def store_report(compared: Compared, waiting: list[tuple[CalibrationSession, str]], by: str | None) -> dict[str, Any]:
    """Every table of ``compare --store`` as plain data (the text, JSON and CSV outputs all use it)."""
    levels: dict[str, list[int]] = {}
    item_rows: dict[tuple[str, ...], list[ItemAgreement]] = defaultdict(list)
    texts: dict[tuple[str, str], str] = {}
    all_items: list[ItemAgreement] = []
    pair_items: dict[str, list[ItemAgreement]] = defaultdict(list)
    pair_sessions: dict[str, int] = defaultdict(int)
    period_items: dict[str, list[ItemAgreement]] = defaultdict(list)
    period_sessions: dict[str, int] = defaultdict(int)
    period_sections: dict[str, list[tuple[float, float]]] = defaultdict(list)
    pair_sections: dict[str, list[tuple[float, float]]] = defaultdict(list)
    section_rows: list[tuple[float, float]] = []
    consensus = 0
    for session, result, item_levels in compared:
        for key, values in item_levels.items():
            levels[key] = sorted(set(levels.get(key, [])) | set(values))
        pair = pair_name(result.first_observer, result.second_observer)
        pair_sessions[pair] += 1
        consensus += session.consensus is not None
        flip = pair.split(" & ")[0] != result.first_observer
        period = period_of(session.date, by)
        period_sessions[period] += 1
        for s in result.sections:
            if s.first_percent is not None and s.second_percent is not None:
                section_rows.append((s.first_percent, s.second_percent))
                period_sections[period].append((s.first_percent, s.second_percent))
                a, b = (s.second_percent, s.first_percent) if flip else (s.first_percent, s.second_percent)
                pair_sections[pair].append((a, b))
        for item in result.items:
            period_items[period].append(item)
            all_items.append(item)
            pair_items[pair].append(item)
            texts.setdefault((result.rubric_id, item.key), item.text)
            if occasion(item.first) is not None and occasion(item.second) is not None:
                item_rows[(result.rubric_id, item.key, period) if by else (result.rubric_id, item.key)].append(item)
    item_table = []
    for row_key in sorted(item_rows):
        rows = item_rows[row_key]
        judged = figures(rows)
        item_table.append(
            {
                "rubric": row_key[0],
                "item": row_key[1],
                "text": texts[(row_key[0], row_key[1])],
                "period": row_key[2] if by else None,
                "compared": judged.compared,
                "exact_percent": judged.exact_percent,
                "within_one_percent": judged.within_one_percent,
                "few_data": judged.compared < FEW_ITEM_N,
                **{key: getattr(judged, key) for key in ("judged", "occasion_percent", "level_vs_na", "level_vs_no", "na_vs_no")},
            }
        )

    def few(sessions: int, pooled: dict[str, Any]) -> bool:
        return sessions < 2 or pooled["compared"] < FEW_ITEMS

    def icc_of(rows: list[tuple[float, float]], form: Any) -> dict[str, Any]:
        icc = form(rows)
        return {
            "icc": icc,
            "icc_band": icc_band(icc),
            "icc_targets": len(rows),
            "icc_few_data": icc is not None and len(rows) < FEW_SECTIONS,
        }

    periods = []
    if by:
        for period in sorted(period_items):
            pooled = _pooled(period_items[period], levels)
            periods.append(
                {
                    "period": period,
                    "sessions": period_sessions[period],
                    **pooled,
                    **icc_of(period_sections[period], icc_one_way),
                    "few_data": few(period_sessions[period], pooled),
                }
            )
    pairs = []
    for pair in sorted(pair_items, key=str.casefold):
        pooled = _pooled(pair_items[pair], levels)
        pairs.append(
            {
                "pair": pair,
                "sessions": pair_sessions[pair],
                **pooled,
                **icc_of(pair_sections[pair], icc_absolute_agreement),
                "few_data": few(pair_sessions[pair], pooled),
            }
        )
    dates = [session.date for session, _, _ in compared]
    overall = _pooled(all_items, levels)
    whole = icc_of(section_rows, icc_one_way)
    return {
        "sessions": len(compared),
        "first_date": min(dates).isoformat() if dates else None,
        "last_date": max(dates).isoformat() if dates else None,
        "with_consensus": consensus,
        "overall": {**overall, "few_data": few(len(compared), overall)},
        "icc": whole["icc"],
        "icc_band": whole["icc_band"],
        "icc_form": "ICC(1,1), one-way random effects, single rater, on section percent scores; targets are each section of each session",
        "icc_targets": whole["icc_targets"],
        "icc_few_data": whole["icc_few_data"],
        "by": by,
        "periods": periods,
        "pairs": pairs,
        "items": item_table,
        "not_ready": [
            {
                "session_ref": s.session_ref,
                "date": s.date.isoformat(),
                "observations": len(s.observations),
                "waiting_for": len(s.waiting_for),
                "why": why,
            }
            for s, why in waiting
        ],
    }


def store_agreement(store: Store, registry: RubricRegistry, *, by: str | None = None) -> StoreAgreement:
    """Agreement across every double-scored session of ``store`` (see the module docstring).

    ``by`` is ``"quarter"`` or ``"year"`` for a table per period (None: no period table, items
    pooled over all time). Sessions whose files have problems, or whose rubric is not known, are
    listed as not ready with the reason; unreadable files are in ``errors``. Never raises for a
    bad file.
    """
    sessions, errors = calibration_sessions(store)
    compared: Compared = []
    waiting: list[tuple[CalibrationSession, str]] = []
    problems: list[Problem] = []
    bad_files = 0
    for session in sessions:
        pair = session.pair
        if pair is None:
            if session.observations:
                waiting.append((session, why_not_ready(session)))
            continue
        first, second = pair
        try:
            rubric = registry.get(first.rubric.id, first.rubric.version).rubric
            bad: list[Path] = []
            for path, obs in session.observations:
                try:
                    text: str | None = read_observation(path)[1]
                except SeedsError:
                    text = None
                found = file_problems(path, obs, text, registry)
                problems += found
                if found:
                    bad.append(path)
        except RubricNotFound:
            waiting.append((session, f"rubric {first.rubric.id} {first.rubric.version} not found (add it with --rubrics DIR)"))
            continue
        if bad:
            bad_files += len(bad)
            waiting.append((session, FILE_PROBLEM.format(file=" ".join(str(b) for b in bad))))
            continue
        levels = {f"{s.id}.{i.id}": [lv.value for lv in rubric.scale_of(i).levels] for s in rubric.sections for i in s.items}
        compared.append((session, compare(first, second, rubric), levels))
    report = store_report(compared, waiting, by)
    report["store"] = str(store.root)
    return StoreAgreement(report, errors, problems, bad_files)
