"""``seeds-tui compare``: agreement between two observers of one session, or across a store.

``compare FILE FILE`` shows one double-scored session item by item, with the items to discuss
first. ``compare --store DIR`` (or no files: the default store) looks at every double-scored
session in a store: agreement per observer pair, per item over time, and an intraclass
correlation on section scores, so a quality lead can see drift. Figures are for discussion,
not a verdict on anyone.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections import defaultdict
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seeds_tui.cli.common import OK, PROBLEMS, UsageError, err, registry_from, store_from

if TYPE_CHECKING:
    from seeds_tui.agreement import Agreement, AgreementFigures, ItemAgreement
    from seeds_tui.calibration import CalibrationSession


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``compare`` command."""
    parser = sub.add_parser(
        "compare", parents=parents, help="agreement between two observers of one session, or across a store",
        description="Compare two final observations of the same session (double-scoring): each item side by side, "
                    "exact and within-one agreement per section and overall, Krippendorff's alpha (ordinal) with "
                    "its band in words, and ICC(A,1) on section scores. Items two or more levels apart come first, "
                    "with both evidence notes. NA, NO and unscored items are counted apart. With no files, looks "
                    "across every double-scored session in the store (--store DIR): agreement per observer pair, "
                    "per item over time, and an intraclass correlation on section scores. "
                    "Disagreement is for discussion, not a verdict.",
        epilog="Examples: seeds-tui compare first.toml second.toml;  seeds-tui compare --store DIR --by quarter. "
               "Exit codes: 0 compared (or nothing to compare yet), 1 a file is bad or still a draft, 2 usage.",
    )
    parser.add_argument("files", metavar="FILE", nargs="*",
                        help="the two observers' observation files (give none to look across the store)")
    parser.add_argument("--by", choices=("quarter", "year"), default=None,
                        help="across a store: show agreement per item for each quarter (or year)")
    parser.add_argument("--format", choices=("text", "json", "csv"), default=None, help="output format (default text)")
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    parser.set_defaults(func=run)


#: Below this many items, a section's alpha is shown with a warning mark.
FEW_ITEMS = 10


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def _coef(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _format(args: argparse.Namespace) -> str:
    if args.json and args.format not in (None, "json"):
        raise UsageError("give either --json or --format, not both")
    return "json" if args.json else args.format or "text"


def run(args: argparse.Namespace) -> int:
    """Compare two files, or every double-scored session in a store."""
    fmt = _format(args)
    files = list(args.files)
    if files and getattr(args, "store", None) is not None:
        raise UsageError("compare takes either two FILEs or --store DIR, not both")
    if files:
        if len(files) != 2:
            raise UsageError(f"compare takes exactly two FILEs (got {len(files)}), or none with --store DIR")
        if args.by is not None:
            raise UsageError("--by works across a store (compare --store DIR --by quarter), not on two files")
        return _compare_files(args, Path(files[0]), Path(files[1]), fmt)
    return _compare_store(args, fmt)


# -- two files ---------------------------------------------------------------------------------


def _compare_files(args: argparse.Namespace, first_path: Path, second_path: Path, fmt: str) -> int:
    from seeds_tui.agreement import check_pair, compare
    from seeds_tui.observation import load_observation

    first, second = load_observation(first_path), load_observation(second_path)
    if first.rubric.id != second.rubric.id:
        err(f"{second_path}: scored with rubric {second.rubric.id}, but {first_path} with {first.rubric.id}; "
            "only observations of one rubric can be compared")
        return PROBLEMS
    warnings = check_pair(first, second)  # raises NotReadyError for a draft: exit 1 with its message
    for warning in warnings:
        err(f"warning: {warning}")
    loaded = registry_from(args).get(first.rubric.id, first.rubric.version)
    rubric = loaded.rubric
    result = compare(first, second, rubric)
    if fmt == "json":
        print(json.dumps(_agreement_data(result, first_path, second_path, warnings, rubric.version), indent=2))
    elif fmt == "csv":
        _write_items_csv(result)
    else:
        _print_agreement(result, rubric.title, rubric.version, first_path, second_path)
    return OK


def _figures_data(figures: AgreementFigures) -> dict[str, Any]:
    data = asdict(figures)
    data["alpha_metric"] = "ordinal"
    data["alpha_meaning"] = figures.alpha_meaning
    return data


def _agreement_data(result: Agreement, first: Path, second: Path, warnings: list[str], version: str) -> dict[str, Any]:
    return {
        "rubric": result.rubric_id,
        "rubric_version": version,
        "first": {"file": str(first), "observer": result.first_observer},
        "second": {"file": str(second), "observer": result.second_observer},
        "warnings": warnings,
        "overall": _figures_data(result.overall),
        "icc": result.icc,
        "icc_form": "ICC(A,1) on section percent scores",
        "icc_band": result.icc_band,
        "sections": [
            {"id": s.id, "title": s.title, "first_percent": s.first_percent, "second_percent": s.second_percent,
             **_figures_data(s.figures)}
            for s in result.sections
        ],
        "for_discussion": [i.key for i in result.for_discussion],
        "items": [asdict(i) for i in result.items],
    }


def _write_items_csv(result: Agreement) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["item", "section", "text", "first", "second", "outcome", "difference", "first_evidence", "second_evidence"])
    for i in result.items:
        writer.writerow([i.key, i.section_id, i.text, i.first, i.second, i.outcome,
                         "" if i.difference is None else i.difference, i.first_evidence, i.second_evidence])


def _figures_line(figures: AgreementFigures) -> list[str]:
    n = figures.compared
    if not n:
        return ["  No item was given a level by both observers: nothing to compare."]
    exact = round((figures.exact_percent or 0) * n / 100)
    near = round((figures.within_one_percent or 0) * n / 100)
    lines = [
        f"  Same level (exact)     {_pct(figures.exact_percent):>6}  ({exact} of {n} items)",
        f"  Within one level       {_pct(figures.within_one_percent):>6}  ({near} of {n} items)",
    ]
    if figures.alpha is None:
        lines.append("  Krippendorff's alpha      not defined (every level given was the same, or too few items)")
    else:
        lines.append(f"  Krippendorff's alpha   {figures.alpha:6.3f}  (ordinal): {figures.alpha_meaning}")
    return lines


def _wrap(text: str, indent: str, width: int = 100) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent) or [indent.rstrip()]


def _print_agreement(result: Agreement, title: str, version: str, first: Path, second: Path) -> None:
    overall = result.overall
    print(f"Two observers of one session: {title} ({result.rubric_id} {version}). For discussion, not a verdict.")
    print(f"  first:  {result.first_observer}  ({first})")
    print(f"  second: {result.second_observer}  ({second})")
    print()
    excluded = f" ({overall.excluded} more not counted: NA, NO or unscored by either; see the end)" if overall.excluded else ""
    print(f"OVERALL: {overall.compared} items given a level by both observers{excluded}")
    for line in _figures_line(overall):
        print(line)
    if result.icc is not None:
        print(f"  Section scores (ICC)   {result.icc:6.2f}  ICC(A,1) on the two observers' section percentages: "
              f"{result.icc_band}")
    else:
        print("  Section scores: ICC not defined (fewer than two sections scored by both, or no variation)")
    print()
    width = max(len(s.title) for s in result.sections)
    print(f"{'SECTION'.ljust(width)}  FIRST  SECOND  ITEMS  EXACT  WITHIN ONE   ALPHA")
    few = False
    for s in result.sections:
        f = s.figures
        alpha = _coef(f.alpha)
        if f.alpha is not None and f.compared < FEW_ITEMS:
            alpha, few = alpha + "*", True
        print(f"{s.title.ljust(width)}  {_pct(s.first_percent):>5}  {_pct(s.second_percent):>6}  {f.compared:>5}  "
              f"{_pct(f.exact_percent):>5}  {_pct(f.within_one_percent):>10}  {alpha:>7}")
    print("FIRST and SECOND are each observer's section score (percent of maximum).")
    if few:
        print(f"* alpha on fewer than {FEW_ITEMS} items moves a lot with one item: read the percentages first.")
    if any(s.figures.alpha is None and s.figures.compared for s in result.sections):
        print("- alpha not defined: every level given in the section was the same.")
    print()
    discuss = result.for_discussion
    groups = (
        ("apart", "TO DISCUSS FIRST: items two or more levels apart"),
        ("code vs level", "THEN: a level from one observer, NA or NO from the other (or NA against NO)"),
        ("within one", "THEN: items one level apart"),
    )
    for outcome, heading in groups:
        chosen = [i for i in discuss if i.outcome == outcome]
        if outcome != "apart" and not chosen:
            continue
        print(f"{heading} ({len(chosen)})")
        if not chosen:
            print("  none")
        for item in chosen:
            _print_discussion_item(item)
        print()
    print("EVERY ITEM  (= same, ~ one level apart, ! two or more apart, ? level against NA/NO, - unscored)")
    key_width = max(len(i.key) for i in result.items)
    for item in result.items:
        text = item.text if len(item.text) <= 60 else item.text[:59] + "…"
        print(f"  {item.mark} {item.key.ljust(key_width)}  {item.first:>3} {item.second:>3}  {text}")
    counts = defaultdict(int)
    for item in result.items:
        counts[item.outcome] += 1
    if overall.excluded:
        parts = [f"{counts[o]} {label}" for o, label in (
            ("same code", "with the same code from both (NA or NO)"),
            ("code vs level", "with a level from one and NA/NO from the other"),
            ("unscored", "left unscored by one or both"),
        ) if counts[o]]
        print(f"Not counted in agreement: {'; '.join(parts)}.")


def _print_discussion_item(item: ItemAgreement) -> None:
    gap = f", {abs(item.difference)} levels apart" if item.outcome == "apart" and item.difference is not None else ""
    print(f"  {item.key}: first {item.first}, second {item.second}{gap}")
    for line in _wrap(item.text, "      "):
        print(line)
    for who, note in (("first: ", item.first_evidence), ("second:", item.second_evidence)):
        lines = _wrap(note or "(no evidence note)", " " * 14)
        print(f"      {who} {lines[0].lstrip()}")
        for line in lines[1:]:
            print(line)


# -- across a store --------------------------------------------------------------------------------


def _period(day: date, by: str | None) -> str:
    if by == "year":
        return str(day.year)
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _pair_name(a: str, b: str) -> str:
    first, second = sorted((a, b), key=str.casefold)
    return f"{first} & {second}"


def _compare_store(args: argparse.Namespace, fmt: str) -> int:
    from seeds_tui.agreement import compare, icc_absolute_agreement, icc_band, icc_one_way
    from seeds_tui.calibration import calibration_sessions
    from seeds_tui.errors import RubricNotFound

    store = store_from(args)
    if not store.root.is_dir():
        err(f"seeds-tui compare: no store at {store.root}; give the store folder with --store DIR")
        return PROBLEMS
    sessions, errors = calibration_sessions(store)
    for error in errors:
        err(f"warning: skipped a file that could not be read: {error}")
    registry = registry_from(args)
    compared: list[tuple[CalibrationSession, Agreement, dict[str, list[int]]]] = []
    waiting: list[tuple[CalibrationSession, str]] = []
    for session in sessions:
        pair = session.pair
        if pair is None:
            if session.observations:
                waiting.append((session, _why_not_ready(session)))
            continue
        first, second = pair
        try:
            rubric = registry.get(first.rubric.id, first.rubric.version).rubric
        except RubricNotFound:
            waiting.append((session, f"rubric {first.rubric.id} {first.rubric.version} not found (add it with --rubrics DIR)"))
            continue
        levels = {
            f"{s.id}.{i.id}": [lv.value for lv in rubric.scale_of(i).levels] for s in rubric.sections for i in s.items
        }
        compared.append((session, compare(first, second, rubric), levels))
    if not compared and not waiting:
        if fmt == "json":
            print(json.dumps({"store": str(store.root), "sessions": 0, "pairs": [], "items": [], "not_ready": []}, indent=2))
        else:
            print(f"No double-scored sessions yet in {store.root}. Two observers who score one session each choose "
                  "purpose Calibration and the same session reference; once both finalise, they appear here.")
        return PROBLEMS if errors else OK

    report = _store_report(compared, waiting, args.by, icc_absolute_agreement, icc_one_way, icc_band)
    report["store"] = str(store.root)
    if fmt == "json":
        print(json.dumps(report, indent=2))
    elif fmt == "csv":
        _write_store_csv(report)
    else:
        _print_store(report)
    return PROBLEMS if errors else OK


def _why_not_ready(session: CalibrationSession) -> str:
    if session.problem:
        return session.problem
    names = session.waiting_for
    return f"waiting for {len(names)} of {len(session.observations)} to finalise ({', '.join(names)})"


def _pooled(items: list[ItemAgreement], levels: dict[str, list[int]]) -> dict[str, Any]:
    """Percentages and alpha over items pooled from several sessions (each item one unit)."""
    from seeds_tui.agreement import alpha_band, krippendorff_alpha

    both = [i for i in items if i.difference is not None]
    n = len(both)
    values = sorted({v for i in both for v in levels.get(i.key, [])}) or None
    alpha = krippendorff_alpha([[int(i.first), int(i.second)] for i in both], "ordinal", values) if n else None
    return {
        "compared": n,
        "excluded": len(items) - n,
        "exact_percent": 100.0 * sum(i.difference == 0 for i in both) / n if n else None,
        "within_one_percent": 100.0 * sum(abs(i.difference or 0) <= 1 for i in both) / n if n else None,
        "alpha": alpha,
        "alpha_band": alpha_band(alpha),
    }


def _store_report(compared: list, waiting: list, by: str | None, icc_a1: Any, icc_1: Any, band: Any) -> dict[str, Any]:
    """Every table of ``compare --store`` as plain data (the text, JSON and CSV outputs all use it)."""
    import pandas as pd

    levels: dict[str, list[int]] = {}
    rows = []
    all_items: list[ItemAgreement] = []
    pair_items: dict[str, list[ItemAgreement]] = defaultdict(list)
    pair_sessions: dict[str, int] = defaultdict(int)
    period_items: dict[str, list[ItemAgreement]] = defaultdict(list)
    period_sessions: dict[str, int] = defaultdict(int)
    pair_sections: dict[str, list[tuple[float, float]]] = defaultdict(list)
    section_rows: list[tuple[float, float]] = []
    consensus = 0
    for session, result, item_levels in compared:
        for key, values in item_levels.items():
            levels[key] = sorted(set(levels.get(key, [])) | set(values))
        pair = _pair_name(result.first_observer, result.second_observer)
        pair_sessions[pair] += 1
        consensus += session.consensus is not None
        flip = pair.split(" & ")[0] != result.first_observer
        for s in result.sections:
            if s.first_percent is not None and s.second_percent is not None:
                section_rows.append((s.first_percent, s.second_percent))
                a, b = (s.second_percent, s.first_percent) if flip else (s.first_percent, s.second_percent)
                pair_sections[pair].append((a, b))
        period = _period(session.date, by)
        period_sessions[period] += 1
        for item in result.items:
            period_items[period].append(item)
            all_items.append(item)
            pair_items[pair].append(item)
            rows.append({
                "rubric": result.rubric_id, "item": item.key, "text": item.text, "period": period,
                "compared": item.difference is not None, "exact": item.difference == 0,
                "within_one": item.difference is not None and abs(item.difference) <= 1,
            })
    frame = pd.DataFrame(rows)
    item_table = []
    keys = ["rubric", "item", "period"] if by else ["rubric", "item"]
    scored = frame.loc[frame["compared"]]
    if not scored.empty:
        grouped = scored.groupby(keys, sort=True).agg(n=("exact", "size"), exact=("exact", "mean"), within_one=("within_one", "mean"))
        texts = frame.drop_duplicates(["rubric", "item"]).set_index(["rubric", "item"])["text"]
        for index, row in grouped.iterrows():
            key = dict(zip(keys, index if isinstance(index, tuple) else (index,), strict=True))
            item_table.append({
                "rubric": key["rubric"], "item": key["item"], "text": str(texts.loc[(key["rubric"], key["item"])]),
                "period": key.get("period"), "compared": int(row["n"]),
                "exact_percent": 100.0 * float(row["exact"]), "within_one_percent": 100.0 * float(row["within_one"]),
            })
    periods = []
    if by:
        for period in sorted(period_items):
            periods.append({"period": period, "sessions": period_sessions[period], **_pooled(period_items[period], levels)})
    pairs = []
    for pair in sorted(pair_items, key=str.casefold):
        icc = icc_a1(pair_sections[pair])
        pairs.append({"pair": pair, "sessions": pair_sessions[pair], **_pooled(pair_items[pair], levels),
                      "icc": icc, "icc_band": band(icc)})
    icc = icc_1(section_rows)
    dates = [session.date for session, _, _ in compared]
    return {
        "sessions": len(compared),
        "first_date": min(dates).isoformat() if dates else None,
        "last_date": max(dates).isoformat() if dates else None,
        "with_consensus": consensus,
        "overall": _pooled(all_items, levels),
        "icc": icc,
        "icc_band": band(icc),
        "icc_form": "ICC(1,1), one-way random effects, single rater, on section percent scores; "
                    "targets are each section of each session",
        "icc_targets": len(section_rows),
        "by": by,
        "periods": periods,
        "pairs": pairs,
        "items": item_table,
        "not_ready": [
            {"session_ref": s.session_ref, "date": s.date.isoformat(), "observations": len(s.observations),
             "waiting_for": len(s.waiting_for), "why": why}
            for s, why in waiting
        ],
    }


def _write_store_csv(report: dict[str, Any]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "pair", "rubric", "item", "period", "sessions", "compared", "exact_percent",
                     "within_one_percent", "alpha", "icc"])

    def num(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")

    o = report["overall"]
    writer.writerow(["overall", "", "", "", "", report["sessions"], o["compared"], num(o["exact_percent"]),
                     num(o["within_one_percent"]), num(o["alpha"]), num(report["icc"])])
    for p in report["periods"]:
        writer.writerow(["period", "", "", "", p["period"], p["sessions"], p["compared"], num(p["exact_percent"]),
                         num(p["within_one_percent"]), num(p["alpha"]), ""])
    for p in report["pairs"]:
        writer.writerow(["pair", p["pair"], "", "", "", p["sessions"], p["compared"], num(p["exact_percent"]),
                         num(p["within_one_percent"]), num(p["alpha"]), num(p["icc"])])
    for i in report["items"]:
        writer.writerow(["item", "", i["rubric"], i["item"], i["period"] or "", "", i["compared"],
                         num(i["exact_percent"]), num(i["within_one_percent"]), "", ""])
    sys.stdout.write(out.getvalue())


def _print_store(report: dict[str, Any]) -> None:
    o = report["overall"]
    print(f"Double-scored sessions in {report['store']}: {report['sessions']} ready to compare "
          f"({report['first_date']} to {report['last_date']}), {report['with_consensus']} with a consensus record.")
    print("For spotting drift and planning calibration, not for judging anyone.")
    print()
    print(f"OVERALL: {o['compared']} items given a level by both observers "
          f"({o['excluded']} more with NA, NO or unscored by either: not counted)")
    print(f"  Same level (exact)     {_pct(o['exact_percent']):>6}")
    print(f"  Within one level       {_pct(o['within_one_percent']):>6}")
    if o["alpha"] is not None:
        from seeds_tui.agreement import ALPHA_BAND_MEANING

        print(f"  Krippendorff's alpha   {o['alpha']:6.3f}  (ordinal): {ALPHA_BAND_MEANING[o['alpha_band']]}")
    if report["icc"] is not None:
        print(f"  Section scores (ICC)   {report['icc']:6.2f}  ICC(1,1) over {report['icc_targets']} section scores: "
              f"{report['icc_band']}")
        print("                                (one-way ICC, because the observers differ from session to session)")
    print()
    if report["periods"]:
        print(f"BY {report['by'].upper()}  (all items of all pairs; look for a change from one period to the next)")
        print("PERIOD   SESSIONS  ITEMS  EXACT  WITHIN ONE   ALPHA")
        for p in report["periods"]:
            print(f"{p['period']:<7}  {p['sessions']:>8}  {p['compared']:>5}  {_pct(p['exact_percent']):>5}  "
                  f"{_pct(p['within_one_percent']):>10}  {_coef(p['alpha']):>6}")
        print()
    print("BY OBSERVER PAIR  (ICC(A,1) on the pair's section scores: the same two observers each time)")
    width = max([len(p["pair"]) for p in report["pairs"]] + [4])
    print(f"{'PAIR'.ljust(width)}  SESSIONS  ITEMS  EXACT  WITHIN ONE   ALPHA    ICC")
    for p in report["pairs"]:
        print(f"{p['pair'].ljust(width)}  {p['sessions']:>8}  {p['compared']:>5}  {_pct(p['exact_percent']):>5}  "
              f"{_pct(p['within_one_percent']):>10}  {_coef(p['alpha']):>6}  {_coef(p['icc'], 2):>5}")
    print()
    by = report["by"]
    title = f"BY ITEM AND {by.upper()}" if by else "BY ITEM  (add --by quarter to see change over time)"
    print(f"{title}  (items sorted by rubric; n = times both observers gave a level)")
    width = max([len(f"{i['rubric']} {i['item']}") for i in report["items"]] + [4])
    head = f"{'ITEM'.ljust(width)}  {'PERIOD  ' if by else ''}    N  EXACT  WITHIN ONE"
    print(head)
    last = None
    for i in report["items"]:
        name = f"{i['rubric']} {i['item']}"
        shown = name if name != last else ""
        last = name
        period = f"{i['period']:<7} " if by else ""
        print(f"{shown.ljust(width)}  {period}{i['compared']:>4}  {_pct(i['exact_percent']):>5}  {_pct(i['within_one_percent']):>10}")
    if report["not_ready"]:
        print()
        print(f"NOT READY TO COMPARE ({len(report['not_ready'])}; no scores shown)")
        ref_width = max(len(s["session_ref"]) for s in report["not_ready"])
        for s in report["not_ready"]:
            print(f"  {s['session_ref'].ljust(ref_width)}  {s['date']}  {s['observations']} observation(s): {s['why']}")
