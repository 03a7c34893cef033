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
import sys
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seeds_tui.cli.common import OK, PROBLEMS, UsageError, err, print_json, registry_from, store_from

if TYPE_CHECKING:
    from seeds_tui.calibration.agreement import Agreement, AgreementFigures, ItemAgreement


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``compare`` command."""
    parser = sub.add_parser(
        "compare",
        parents=parents,
        help="agreement between two observers of one session, or across a store",
        description="Compare two final observations of the same session (double-scoring): each item side by side, "
        "exact and within-one agreement per section and overall, Krippendorff's alpha (ordinal) with "
        "its band in words, and ICC(A,1) on section scores. Items two or more levels apart come first, "
        "with both evidence notes. NA, NO and unscored items are counted apart. With no files, looks "
        "across every double-scored session in the store (--store DIR): agreement per observer pair, "
        "per item over time, and an intraclass correlation on section scores. "
        "Disagreement is for discussion, not a verdict.",
        epilog="Examples: seeds-tui compare first.toml second.toml;  seeds-tui compare --store DIR --by quarter. "
        "Exit codes: 0 compared (or nothing ready to compare yet), 1 a file is unreadable, not valid against its "
        "rubric or still a draft (across a store: such files are named on stderr and left out), 2 usage.",
    )
    parser.add_argument(
        "files", metavar="FILE", nargs="*", help="the two observers' observation files (give none to look across the store)"
    )
    parser.add_argument(
        "--by", choices=("quarter", "year"), default=None, help="across a store: show agreement per item for each quarter (or year)"
    )
    parser.add_argument("--format", choices=("text", "json", "csv"), default=None, help="output format (default text)")
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    parser.set_defaults(func=run)


#: Below this many items, a section's alpha is shown with a warning mark.


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
    from seeds_tui.calibration.across import file_problems
    from seeds_tui.calibration.agreement import check_pair, compare
    from seeds_tui.core.observation import read_observation

    (first, first_text), (second, second_text) = read_observation(first_path), read_observation(second_path)
    if first.rubric.id != second.rubric.id:
        err(
            f"{second_path}: scored with rubric {second.rubric.id}, but {first_path} with {first.rubric.id}; "
            "only observations of one rubric can be compared"
        )
        return PROBLEMS
    warnings = check_pair(first, second)  # raises NotReadyError for a draft: exit 1 with its message
    registry = registry_from(args)
    bad = False
    for path, obs, text in ((first_path, first, first_text), (second_path, second, second_text)):
        for problem in file_problems(path, obs, text, registry):
            err(str(problem))
            bad = True
    if bad:
        err("seeds-tui compare: nothing compared; fix the file(s) above (seeds-tui validate FILE lists every problem)")
        return PROBLEMS
    for warning in warnings:
        err(f"warning: {warning}")
    loaded = registry.get(first.rubric.id, first.rubric.version)
    rubric = loaded.rubric
    result = compare(first, second, rubric)
    if fmt == "json":
        print_json(_agreement_data(result, first_path, second_path, warnings, rubric.version))
    elif fmt == "csv":
        _write_items_csv(result)
    else:
        _print_agreement(result, rubric.title, rubric.version, first_path, second_path)
    return OK


def _score_data(text: str) -> int | str | None:
    """An item's score as JSON: the level as a number, ``"NA"``/``"NO"``, or null when unscored."""
    if text == "-":
        return None
    try:
        return int(text)
    except ValueError:
        return text


def _agreement_data(result: Agreement, first: Path, second: Path, warnings: list[str], version: str) -> dict[str, Any]:
    from seeds_tui.calibration.across import FEW_ITEMS, FEW_SECTIONS, figures_data

    return {
        "rubric": result.rubric_id,
        "rubric_version": version,
        "first": {"file": str(first), "observer": result.first_observer},
        "second": {"file": str(second), "observer": result.second_observer},
        "warnings": warnings,
        "overall": figures_data(result.overall),
        "icc": result.icc,
        "icc_form": "ICC(A,1) on section percent scores",
        "icc_band": result.icc_band,
        "icc_targets": result.icc_sections,
        "icc_few_data": result.icc is not None and result.icc_sections < FEW_SECTIONS,
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "first_percent": s.first_percent,
                "second_percent": s.second_percent,
                **figures_data(s.figures),
                "few_data": s.figures.compared < FEW_ITEMS,
            }
            for s in result.sections
        ],
        "for_discussion": [i.key for i in result.for_discussion],
        "items": [{**asdict(i), "first": _score_data(i.first), "second": _score_data(i.second)} for i in result.items],
    }


def _score_cell(text: str) -> str:
    """An item's score in the CSV: the level, ``not_applicable``/``not_observed`` as in the exports
    (pandas, R and DuckDB read the text ``NA`` as missing), empty when unscored."""
    from seeds_tui.core.scoring import CODE_WORDS

    return "" if text == "-" else CODE_WORDS.get(text, text)


def _write_items_csv(result: Agreement) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["item", "section", "text", "first", "second", "outcome", "difference", "first_evidence", "second_evidence"])
    for i in result.items:
        writer.writerow(
            [
                i.key,
                i.section_id,
                i.text,
                _score_cell(i.first),
                _score_cell(i.second),
                i.outcome,
                "" if i.difference is None else i.difference,
                i.first_evidence,
                i.second_evidence,
            ]
        )


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


def _occasion_lines(f: dict[str, Any]) -> list[str]:
    """ "Was the skill called for?": how often both judged an item's occasion alike, and how they differed."""
    from seeds_tui.calibration.agreement import occasion_agreement

    occasion = occasion_agreement(f)
    if occasion is None:
        return []
    lines = [
        f"  Same occasion          {_pct(f['occasion_percent']):>6}  ({occasion.alike} of {occasion.judged} items scored by both: "
        "both a level, both NA or both NO)"
    ]
    parts = [f"{count} {words}" + (f" ({asks})" if asks else "") for words, asks, count in occasion.differences]
    if parts:
        lines.append(f"                                {'; '.join(parts)}")
    return lines


def _wrap(text: str, indent: str, width: int = 100) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent) or [indent.rstrip()]


def _print_agreement(result: Agreement, title: str, version: str, first: Path, second: Path) -> None:
    from seeds_tui.calibration.across import FEW_ITEMS, FEW_SECTIONS

    overall = result.overall
    print(f"Two observers of one session: {title} ({result.rubric_id} {version}). For discussion, not a verdict.")
    print(f"  first:  {result.first_observer}  ({first})")
    print(f"  second: {result.second_observer}  ({second})")
    print()
    excluded = f" ({overall.excluded} more not counted: NA, NO or unscored by either; see the end)" if overall.excluded else ""
    print(f"OVERALL: {overall.compared} items given a level by both observers{excluded}")
    for line in [*_figures_line(overall), *_occasion_lines(asdict(overall))]:
        print(line)
    if result.icc is not None:
        mark = "*" if result.icc_sections < FEW_SECTIONS else " "
        print(f"  Section scores (ICC)   {result.icc:6.2f}{mark} ICC(A,1) on the two observers' section percentages: {result.icc_band}")
        if mark == "*":
            print(_notes()["icc"])
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
        print(
            f"{s.title.ljust(width)}  {_pct(s.first_percent):>5}  {_pct(s.second_percent):>6}  {f.compared:>5}  "
            f"{_pct(f.exact_percent):>5}  {_pct(f.within_one_percent):>10}  {alpha:>7}"
        )
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
    counts: defaultdict[str, int] = defaultdict(int)
    for item in result.items:
        counts[item.outcome] += 1
    if overall.excluded:
        parts = [
            f"{counts[o]} {label}"
            for o, label in (
                ("same code", "with the same code from both (NA or NO)"),
                ("code vs level", "with a level from one and NA/NO from the other"),
                ("unscored", "left unscored by one or both"),
            )
            if counts[o]
        ]
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
# The engine is seeds_tui.calibration.across (also ``seeds_tui.store_agreement``); here it is printed.


def _notes() -> dict[str, str]:
    """The footnotes for rows marked ``*`` (text output); JSON and CSV carry ``few_data`` flags instead."""
    from seeds_tui.calibration.across import FEW_ITEM_N, FEW_ITEMS, FEW_SECTIONS

    return {
        "rows": f"* rests on one session or on fewer than {FEW_ITEMS} items: one item or one session moves it a lot; "
        "read the percentages first.",
        "item": f"* n below {FEW_ITEM_N}: one session changes these percentages a lot; read with care.",
        "icc": f"* ICC on fewer than {FEW_SECTIONS} section scores: one section moves it a lot; read the percentages first.",
    }


def _compare_store(args: argparse.Namespace, fmt: str) -> int:
    from seeds_tui.calibration.across import store_agreement

    store = store_from(args)
    if not store.root.is_dir():
        err(f"seeds-tui compare: no store at {store.root}; give the store folder with --store DIR")
        return PROBLEMS
    registry = registry_from(args)
    result = store_agreement(store, registry, by=args.by)
    errors = result.errors
    for error in errors:
        for line in str(error).splitlines():
            err(line)
    if errors:
        err(
            f"seeds-tui compare: {len(errors)} file{' was' if len(errors) == 1 else 's were'} not readable and left out "
            "(seeds-tui validate FILE lists the problems)"
        )
    for problem in result.problems:
        err(str(problem))
    bad_files = result.bad_files
    if bad_files:
        err(
            f"seeds-tui compare: {bad_files} file{' has' if bad_files == 1 else 's have'} problems; "
            "their sessions are left out of the figures and listed as not ready"
        )
    status = PROBLEMS if errors or bad_files else OK
    report = result.report
    if not report["sessions"] and not report["not_ready"]:
        if fmt == "json":
            print_json({"store": str(store.root), "sessions": 0, "periods": [], "pairs": [], "items": [], "not_ready": []})
        elif fmt == "csv":
            _write_store_csv(report)
        else:
            print(
                f"No double-scored sessions yet in {store.root}. Two observers who score one session each choose "
                "purpose Calibration and the same session reference; once both finalise, they appear here."
            )
        return status
    if fmt == "json":
        print_json(report)
    elif fmt == "csv":
        _write_store_csv(report)
    else:
        _print_store(report)
    return status


#: The columns of ``compare --store --format csv`` (documented in docs/calibration.md).
CSV_COLUMNS = (
    "table",
    "pair",
    "rubric",
    "item",
    "period",
    "session_ref",
    "date",
    "status",
    "sessions",
    "observations",
    "compared",
    "excluded",
    "exact_percent",
    "within_one_percent",
    "alpha",
    "alpha_band",
    "icc",
    "icc_band",
    "icc_targets",
    "few_data",
    "why",
    "judged",
    "occasion_percent",
    "level_vs_na",
    "level_vs_no",
    "na_vs_no",
)


def _write_store_csv(report: dict[str, Any]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n", restval="")

    def num(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")

    def figures(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "compared": row["compared"],
            "excluded": row.get("excluded", ""),
            "exact_percent": num(row["exact_percent"]),
            "within_one_percent": num(row["within_one_percent"]),
            "alpha": num(row.get("alpha")),
            "alpha_band": row.get("alpha_band") or "",
            "icc": num(row.get("icc")),
            "icc_band": row.get("icc_band") or "",
            "few_data": "yes" if row.get("few_data") else "no",
            "judged": row.get("judged", ""),
            "occasion_percent": num(row.get("occasion_percent")),
            **{key: row.get(key, "") for key in ("level_vs_na", "level_vs_no", "na_vs_no")},
        }

    writer.writeheader()
    if report["sessions"]:
        writer.writerow(
            {
                "table": "overall",
                "status": "ready",
                "sessions": report["sessions"],
                **figures({**report["overall"], "icc": report["icc"], "icc_band": report["icc_band"]}),
                "icc_targets": report["icc_targets"],
            }
        )
    for p in report["periods"]:
        writer.writerow(
            {"table": "period", "period": p["period"], "sessions": p["sessions"], **figures(p), "icc_targets": p["icc_targets"]}
        )
    for p in report["pairs"]:
        writer.writerow({"table": "pair", "pair": p["pair"], "sessions": p["sessions"], **figures(p)})
    for i in report["items"]:
        writer.writerow(
            {"table": "item", "rubric": i["rubric"], "item": i["item"], "period": i["period"] or "", **figures(i), "excluded": ""}
        )
    for s in report["not_ready"]:
        writer.writerow(
            {
                "table": "not_ready",
                "session_ref": s["session_ref"],
                "date": s["date"],
                "status": "not ready",
                "observations": s["observations"],
                "why": s["why"],
            }
        )
    sys.stdout.write(out.getvalue())


def _marked(value: float | None, digits: int, width: int, few: bool) -> str:
    """A coefficient right-aligned in ``width``, then ``*`` when it rests on few data (else a space)."""
    return f"{_coef(value, digits):>{width}}{'*' if few and value is not None else ' '}"


def _print_store(report: dict[str, Any]) -> None:
    o = report["overall"]
    if not report["sessions"]:
        print(
            f"No double-scored session in {report['store']} is ready to compare yet "
            f"({len(report['not_ready'])} not ready, listed below; no scores are shown for them)."
        )
    else:
        print(
            f"Double-scored sessions in {report['store']}: {report['sessions']} ready to compare "
            f"({report['first_date']} to {report['last_date']}), {report['with_consensus']} with a consensus record."
        )
        print("For spotting drift and planning calibration, not for judging anyone.")
        print()
        print(
            f"OVERALL: {o['compared']} items given a level by both observers "
            f"({o['excluded']} more with NA, NO or unscored by either: not counted)"
        )
        print(f"  Same level (exact)     {_pct(o['exact_percent']):>6}")
        print(f"  Within one level       {_pct(o['within_one_percent']):>6}")
        if o["alpha"] is not None:
            from seeds_tui.calibration.agreement import ALPHA_BAND_MEANING

            mark = "*" if o["few_data"] else " "
            print(f"  Krippendorff's alpha   {o['alpha']:6.3f}{mark} (ordinal): {ALPHA_BAND_MEANING[o['alpha_band']]}")
        for line in _occasion_lines(o):
            print(line)
        if report["icc"] is not None:
            mark = "*" if report["icc_few_data"] else " "
            print(
                f"  Section scores (ICC)   {report['icc']:6.2f}{mark} ICC(1,1) over {report['icc_targets']} section scores: "
                f"{report['icc_band']}"
            )
            print("                                (one-way ICC, because the observers differ from session to session)")
        if o["few_data"]:
            print(_notes()["rows"])
        elif report["icc_few_data"]:
            print(_notes()["icc"])
        print()
        _print_tables(report)
    if report["not_ready"]:
        print()
        print(f"NOT READY TO COMPARE ({len(report['not_ready'])}; no scores shown)")
        ref_width = max(len(s["session_ref"]) for s in report["not_ready"])
        for s in report["not_ready"]:
            print(f"  {s['session_ref'].ljust(ref_width)}  {s['date']}  {s['observations']} observation(s): {s['why']}")


def _print_tables(report: dict[str, Any]) -> None:
    columns = f"SESSIONS  ITEMS  EXACT  WITHIN ONE  {'ALPHA':>6}   {'ICC':>5}   OCCASION"

    def figures(p: dict[str, Any]) -> str:
        return (
            f"{p['sessions']:>8}  {p['compared']:>5}  {_pct(p['exact_percent']):>5}  {_pct(p['within_one_percent']):>10}  "
            f"{_marked(p['alpha'], 3, 6, p['few_data'])}  {_marked(p['icc'], 2, 5, p['few_data'] or p['icc_few_data'])}  "
            f"{_pct(p.get('occasion_percent')):>8}"
        ).rstrip()

    if report["periods"]:
        print(f"BY {report['by'].upper()}  (all items of all pairs; look for a change from one period to the next)")
        print(f"PERIOD   {columns}")
        for p in report["periods"]:
            print(f"{p['period']:<7}  {figures(p)}")
        print("ICC here is ICC(1,1) on the period's section scores (the observers differ from session to session).")
        if any(p["few_data"] for p in report["periods"]):
            print(_notes()["rows"])
        print()
    print("BY OBSERVER PAIR  (ICC(A,1) on the pair's section scores: the same two observers each time)")
    width = max([len(p["pair"]) for p in report["pairs"]] + [4])
    print(f"{'PAIR'.ljust(width)}  {columns}")
    for p in report["pairs"]:
        print(f"{p['pair'].ljust(width)}  {figures(p)}")
    if any(p["few_data"] for p in report["pairs"]):
        print(_notes()["rows"])
    if any(p["icc_few_data"] and not p["few_data"] for p in report["pairs"]):
        print(_notes()["icc"])
    print()
    by = report["by"]
    title = f"BY ITEM AND {by.upper()}" if by else "BY ITEM  (add --by quarter to see change over time)"
    print(f"{title}  (items sorted by rubric; n = times both observers gave a level)")
    print("OCCASION: of the times both scored the item, both gave a level, both NA or both NO; LEVEL/NA: a level against NA")
    width = max([len(f"{i['rubric']} {i['item']}") for i in report["items"]] + [4])
    print(f"{'ITEM'.ljust(width)}  {'PERIOD   ' if by else ''}{'N':>4}   EXACT  WITHIN ONE  OCCASION  LEVEL/NA")
    last = None
    for i in report["items"]:
        name = f"{i['rubric']} {i['item']}"
        shown = name if name != last else ""
        last = name
        period = f"{i['period']:<7}  " if by else ""
        n = f"{i['compared']:>4}{'*' if i['few_data'] else ' '}"
        print(
            f"{shown.ljust(width)}  {period}{n}  {_pct(i['exact_percent']):>5}  {_pct(i['within_one_percent']):>10}  "
            f"{_pct(i['occasion_percent']):>8}  {i['level_vs_na']:>8}"
        )
    if any(i["few_data"] for i in report["items"]):
        print(_notes()["item"])
