"""``seeds-tui summary``: team tables for facilitators, from a store of observations.

Exit codes: 0 the summary was produced (files that could not be read are left out with a
warning on stderr; ``--strict`` turns that into 1), 1 no store, no matching observations or
an unknown rubric, 2 usage (bad date, unknown --by or --format, threshold below 3).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from seeds_tui.cli.common import (
    OK,
    PROBLEMS,
    USAGE,
    check_output,
    date_argument,
    emit,
    err,
    registry_from,
    store_from,
    summary_csv,
    unknown_teams_message,
)

if TYPE_CHECKING:
    from seeds_tui.render.charts import Event

VIEWS = ("section", "item", "composite", "quarter", "themes", "ratings", "practitioner", "actions", "coverage", "voice", "sets", "self")
FORMATS = ("table", "csv", "markdown", "json", "xlsx", "html")


def _threshold(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not a whole number") from None
    if value < 3:
        raise argparse.ArgumentTypeError("the privacy threshold is at least 3 practitioners")
    return value


def _window(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not a whole number of months") from None
    if value not in (3, 6, 9, 12):
        raise argparse.ArgumentTypeError("windows are whole quarters: 3, 6, 9 or 12 months") from None
    return value


#: Views that show practitioners (pseudonymous labels unless --names).
NAME_VIEWS = ("practitioner", "coverage")
#: Views a training event's before/after table goes with.
EVENT_VIEWS = ("section", "item", "composite", "quarter")


def unused_options(args: argparse.Namespace) -> str | None:
    """The message for an option this run would not use (exit 2), or None."""
    if args.event is not None and args.by not in EVENT_VIEWS:
        return f"--event compares sections, items or composites; it does nothing with --by {args.by} (use --by {', '.join(EVENT_VIEWS)})"
    if args.window is not None and args.event is None and args.by != "sets":
        return "--window sets the months before and after a training event or set; give --event (or --by sets) too"
    if args.names and args.by not in NAME_VIEWS:
        return f"--names shows names in the per-practitioner views; it does nothing with --by {args.by} (use --by practitioner or coverage)"
    return None


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``summary`` command."""
    p = subparsers.add_parser(
        "summary",
        parents=parents,
        help="team tables for facilitators (sections, items, composites, trends, themes, actions, coverage, action learning sets, "
        "self-ratings)",
        description=(
            "Summarise a team's (or several teams') observations: percent of maximum per section or item with the "
            "distribution beside it, relationship vs structuring composites, trends by quarter, global ratings, "
            "development themes, recurring actions and how carried actions ended, each action learning set's items "
            "before and after it (--by sets), how practitioners' self-ratings compare with the observers' ratings "
            "(--by self), and (for a manager) who has been observed. Only final observations count "
            "unless --status says otherwise. Any figure resting on "
            "fewer practitioners than --threshold is suppressed, and so is whatever would reveal it."
        ),
        epilog="Exit codes: 0 summary produced (unreadable files are left out with a warning), 1 problems, 2 usage error.",
    )
    p.add_argument("--rubric", metavar="ID", help="summarise observations of this rubric (default: each rubric found, separately)")
    p.add_argument(
        "--team", metavar="T", nargs="+", action="extend",
        help="only these teams: --team A B or --team A --team B (case and spacing ignored)",
    )  # fmt: skip
    p.add_argument(
        "--from", dest="date_from", metavar="DATE", type=date_argument, help="sessions on or after this date (DD/MM/YYYY or YYYY-MM-DD)"
    )
    p.add_argument(
        "--to", dest="date_to", metavar="DATE", type=date_argument, help="sessions on or before this date (DD/MM/YYYY or YYYY-MM-DD)"
    )
    p.add_argument("--by", choices=VIEWS, default="section", help="what the table is by (default: section)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: a readable table)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--status", choices=("final", "draft", "all"), default="final", help="which observations count (default: final)")
    p.add_argument(
        "--threshold",
        type=_threshold,
        default=5,
        metavar="N",
        help="hide figures resting on fewer than N practitioners (default 5, at least 3)",
    )
    p.add_argument(
        "--event", metavar="DATE",
        help="a training event (a date, DD/MM/YYYY or YYYY-MM-DD, or an event id from 'seeds-tui event list'): with --by section, item, "
        "composite or quarter, adds a table comparing equal windows before and after it",
    )  # fmt: skip
    p.add_argument(
        "--window", metavar="MONTHS", type=_window, default=None,
        help="with --event or --by sets: months on each side, whole quarters (3, 6, 9 or 12; default 3)",
    )  # fmt: skip
    p.add_argument("--names", action="store_true", help="with --by practitioner or coverage: show names instead of pseudonymous labels")
    p.add_argument("--strict", action="store_true", help="exit 1 if any observation file could not be read")
    p.add_argument("--no-cache", action="store_true", help="read every file again and leave the cache alone")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build and print (or write) the summary; return the exit code."""
    from seeds_tui.core.errors import SeedsError
    from seeds_tui.render import summary as render
    from seeds_tui.team import frames, pseudonyms
    from seeds_tui.team import tables as team_tables

    if args.date_from and args.date_to and args.date_from > args.date_to:
        err("seeds-tui summary: --from is after --to")
        return USAGE
    unused = unused_options(args)
    if unused:
        err(f"seeds-tui summary: {unused}")
        return USAGE
    from seeds_tui.team.suppression import check_period

    try:
        check_period(args.date_from, args.date_to)
    except SeedsError as exc:
        err(f"seeds-tui summary: {exc}")
        return USAGE
    if args.format == "xlsx" and not args.output and sys.stdout.isatty():
        err("seeds-tui summary: Excel output is binary; give -o FILE.xlsx")
        return USAGE
    store = store_from(args)
    if args.output:
        check_output(Path(args.output), stores=[store.root])
    registry = registry_from(args)
    bar = _Progress() if sys.stderr.isatty() else None
    try:
        data = frames.summary_data(
            store, registry, status=args.status, rubric_id=args.rubric, teams=args.team,
            date_from=args.date_from, date_to=args.date_to, progress=bar, use_cache=not args.no_cache,
        )  # fmt: skip
    finally:
        if bar:
            bar.close()
    if args.by == "voice":
        return _voice(args, store, data)
    if data.unmatched_teams:
        err(f"seeds-tui summary: {unknown_teams_message(data.unmatched_teams, data.known_teams, store.root)}")
        if not data.rubric_ids:
            return PROBLEMS
    if not data.rubric_ids:
        unknown = [w for w in data.problems if "which is not known" in w]
        if unknown:
            # The real cause first: every observation left uses a rubric this run does not know.
            for warning in unknown:
                err(f"seeds-tui summary: {warning}")
            err("seeds-tui summary: nothing left to summarise; give the folder holding that rubric with --rubrics DIR")
        else:
            err(f"seeds-tui summary: no {_status_words(args.status)} in {store.root} match the rubric, teams and dates asked for")
        for warning in data.problems:
            if warning not in unknown:
                err(f"warning: {warning}")
        return PROBLEMS
    key = pseudonyms.pseudonym_key(store) if args.by in NAME_VIEWS and not args.names else None
    try:
        event, event_teams = _event(args.event, store)
    except SeedsError as exc:
        err(f"seeds-tui summary: {exc}")
        return USAGE
    present = {frames.team_key(t) for t in data.known_teams}
    absent = [t for t in event_teams if frames.team_key(t) not in present]
    if absent:
        # The event's teams filter its before/after table as --team does: the same words.
        err(f"seeds-tui summary: training event {args.event}: {unknown_teams_message(absent, data.known_teams, store.root)}")
    if args.by == "sets":
        from seeds_tui.team import sets

        tables = sets.sets_tables(data, sets.registered_sets(store), threshold=args.threshold, window=args.window or 3)
    elif args.by == "self":
        from seeds_tui.storage.selfratings import SELFRATINGS
        from seeds_tui.team import selfview

        records, unread = SELFRATINGS.list(store)
        data.problems.extend(str(p) for p in unread)
        tables = selfview.self_tables(data, records, threshold=args.threshold, registry=registry)
    else:
        tables = team_tables.build_tables(
            data, args.by, threshold=args.threshold, before_after=event, window=args.window or 3, names=args.names, key=key,
            event_teams=event_teams,
        )  # fmt: skip
    doc = render.SummaryDocument(
        heading="Team summary",
        details=_details(args, data, store.root),
        tables=tables,
        warnings=list(data.problems),
        threshold=args.threshold,
        events=_markers(event, store, data) if args.by == "quarter" else [],
    )
    try:
        if args.format == "table" and not args.output and sys.stdout.isatty():
            # Fit the terminal; a file or a pipe gets every column.
            output: str | bytes = render.render_table(doc, width=shutil.get_terminal_size().columns)
        elif args.format == "csv":
            output = summary_csv(doc.tables)  # one stable column set (cli/common.py)
        else:
            output = render.render(doc, args.format)
    except SeedsError as exc:
        err(f"seeds-tui summary: {exc}")
        return PROBLEMS
    emit(output, args.output)
    for warning in data.problems:
        err(f"warning: {warning}")
    if data.problems and args.strict:
        return PROBLEMS
    return OK


def _voice(args: argparse.Namespace, store: object, data: object) -> int:
    """``--by voice``: the questionnaire's answers by team and statement, beside observed practice."""
    from seeds_tui.render import summary as render
    from seeds_tui.team.voice import NO_ANSWERS, voice_tables

    if args.team:
        from seeds_tui.storage.responses import list_responses
        from seeds_tui.team.frames import team_key

        # A team is known when it has observations or answers (team names are not personal data).
        known = sorted({*data.known_teams, *(r.team for r in list_responses(store)[0])}, key=str.casefold)  # type: ignore[attr-defined, arg-type]
        unmatched = [t for t in args.team if team_key(t) not in {team_key(k) for k in known}]
        if unmatched:
            err(f"seeds-tui summary: {unknown_teams_message(unmatched, known, store.root)}")  # type: ignore[attr-defined]
            if len(unmatched) == len(args.team):
                return PROBLEMS
    tables, warnings = voice_tables(
        store, data if getattr(data, "rubric_ids", None) else None,  # type: ignore[arg-type]
        threshold=args.threshold, teams=args.team or (), date_from=args.date_from, date_to=args.date_to,
    )  # fmt: skip
    if not any(t.view == "voice" and len(t.frame) for t in tables):
        for warning in warnings:
            err(f"warning: {warning}")
        if any(t.view == "voice" and t.empty != NO_ANSWERS for t in tables):
            err("seeds-tui summary: no questionnaire responses in the months asked for (--from, --to, --team)")
        else:
            err(f"seeds-tui summary: no questionnaire responses in {store.root} (see seeds-tui voice import)")  # type: ignore[attr-defined]
        return PROBLEMS
    details = [
        "answers of people on probation: anonymous (month and team only); comments are never shown in team views",
        f"a figure is suppressed when it rests on fewer than {args.threshold} respondents or {args.threshold} practitioners "
        "(those named and those observed in the team that quarter), and so is whatever would reveal it",
    ]
    doc = render.SummaryDocument(heading="Team summary", details=details, tables=tables, warnings=warnings, threshold=args.threshold)
    if args.format == "csv":
        output: str | bytes = summary_csv(doc.tables)
    elif args.format == "table" and not args.output and sys.stdout.isatty():
        output = render.render_table(doc, width=shutil.get_terminal_size().columns)
    else:
        output = render.render(doc, args.format)
    emit(output, args.output)
    for warning in warnings:
        err(f"warning: {warning}")
    if warnings and args.strict:
        return PROBLEMS
    return OK


def _event(text: str | None, store: object) -> tuple[date | None, list[str]]:
    """The date of ``--event`` and the teams that attended: a date as typed (every team), or a registered training event."""
    if text is None:
        return None, []
    from seeds_tui.core.dates import parse_date

    try:
        return parse_date(text), []
    except ValueError:
        pass
    from seeds_tui.core.errors import SeedsError
    from seeds_tui.team.events import find_event

    found = find_event(store, text)  # type: ignore[arg-type]
    if found is None:
        raise SeedsError(
            f"--event {text!r} is neither a date (DD/MM/YYYY or YYYY-MM-DD) nor a training event id; see 'seeds-tui event list'"
        )
    return found.date, list(found.teams)


def _markers(event: date | None, store: object, data: object) -> list[Event]:
    """The marks on trend charts: the event compared around, then each action learning set of the teams shown."""
    from seeds_tui.render.charts import Event
    from seeds_tui.team import frames
    from seeds_tui.team.sets import registered_sets

    marks = [Event(event)] if event is not None else []
    shown = {frames.team_key(str(t)) for t in data.observations["team"].unique()}  # type: ignore[attr-defined]
    for s in registered_sets(store):  # type: ignore[arg-type]
        if not s.teams or any(frames.team_key(t) in shown for t in s.teams):
            marks.append(Event(s.date, f"set: {s.topic or s.title}"))
    return marks


def _status_words(status: str) -> str:
    return {"final": "final observations", "draft": "drafts", "all": "observations"}[status]


def _details(args: argparse.Namespace, data: object, root: Path) -> list[str]:
    from seeds_tui.team.tables import describe_data

    what = {"final": "final observation", "draft": "draft", "all": "observation"}[args.status]
    lines = describe_data(data, args.threshold, what)  # type: ignore[arg-type]
    if args.date_from or args.date_to:
        lines.append(f"dates asked for: {args.date_from or '...'} to {args.date_to or '...'}")
    if args.by in NAME_VIEWS:
        lines.append("percent of maximum: levels only, NA and NO left out; each practitioner's figures are shown, none suppressed")
    else:
        lines.append(
            "percent of maximum: levels only, NA and NO left out; "
            f"figures resting on fewer than {args.threshold} practitioners are suppressed"
        )
    if args.by == "coverage":
        lines.append(
            "coverage: for a manager, not for sharing with a group; observations in the dates asked, last observed at any date"
            + ("" if args.names else "; labels are pseudonymous")
        )
    if args.by == "sets":
        lines.append(
            f"action learning sets: each set's sections and items in equal windows of {args.window or 3} months before and after it "
            "(whole quarters, the same windows as --event), for the set's teams and All teams"
        )
    if args.by == "self":
        from seeds_tui.team.selfview import details_line

        lines.append(details_line(args.threshold))
    if args.by == "actions":
        lines.append(
            f"actions: a wording is shown only when its group rests on {args.threshold} or more practitioners; "
            "wordings that may hold personal data are never shown"
        )
    if args.by == "practitioner":
        lines.append(
            "per-practitioner view: for supervision, not for sharing with a group" + ("" if args.names else "; labels are pseudonymous")
        )
    return lines


class _Progress:
    """A progress bar on stderr while files are parsed (only drawn for runs worth watching)."""

    def __init__(self) -> None:
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if total < 200:
            return
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\rReading observations [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()
