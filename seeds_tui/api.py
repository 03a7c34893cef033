"""The Python API for scripts: reading, checking, saving, summarising, importing and exporting.

Every function here is re-exported by ``seeds_tui`` itself (``seeds_tui.read_store`` and so on);
see docs/scripting.md. Each loads what it needs on first call, so ``import seeds_tui`` stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

    from seeds_tui.calibration.across import StoreAgreement
    from seeds_tui.core.errors import ObservationError, Problem
    from seeds_tui.core.events import TrainingEvent
    from seeds_tui.core.observation import Observation
    from seeds_tui.core.rubric import Rubric, RubricRegistry
    from seeds_tui.core.scoring import SectionScore
    from seeds_tui.storage.importer import ImportResult
    from seeds_tui.storage.store import Store
    from seeds_tui.team.frames import SummaryData
    from seeds_tui.team.tables import SummaryTable

PathLike = str | os.PathLike[str]
#: One path or several: a single ``str`` or ``Path`` is one path (never iterated character by character).
PathOrPaths = PathLike | Iterable[PathLike]


def _store(store: Store | PathLike | None) -> Store:
    from seeds_tui.storage.store import Store

    return store if isinstance(store, Store) else Store(store)


def _teams(teams: str | Sequence[str] | None) -> tuple[str, ...]:
    """One team name or several (a single name is one team, never its letters)."""
    if teams is None:
        return ()
    return (teams,) if isinstance(teams, str) else tuple(teams)


def _date(value: date | str | None) -> date | None:
    """A date, or a string typed day first (``03/12/2026``) or ISO (``2026-12-03``)."""
    from seeds_tui.core.dates import parse_date

    return parse_date(value) if isinstance(value, str) else value


# -- rubrics ------------------------------------------------------------------------------------


def rubrics(rubric_dirs: PathOrPaths = ()) -> RubricRegistry:
    """Every known rubric: bundled, in ``$SEEDS_RUBRICS`` and in ``rubric_dirs``.

    Broken rubric files are kept in ``.errors`` rather than raised.

    >>> import seeds_tui
    >>> registry = seeds_tui.rubrics()
    >>> registry.get("seed-one-to-one").rubric.title
    'SEED one-to-one session'
    """
    from seeds_tui.core.rubric import RubricRegistry

    return RubricRegistry.default(rubric_dirs)


def load_rubric(path: PathLike) -> Rubric:
    """Load and validate one rubric file (raises ``RubricError`` naming the file, line and field).

    >>> import seeds_tui
    >>> from seeds_tui.core.rubric import bundled_rubric_dir
    >>> rubric = seeds_tui.load_rubric(bundled_rubric_dir() / "jersey-interview-skills.toml")
    >>> rubric.id, rubric.groups
    ('jersey-interview-skills', ['structuring', 'relationship'])
    """
    from seeds_tui.core.rubric import load_rubric as _load

    return _load(path)


def get_rubric(rubric_id: str, version: str | None = None, *, rubric_dirs: PathOrPaths = ()) -> Rubric:
    """A known rubric by id (the newest version unless ``version`` is given); ``RubricNotFound`` if none.

    >>> import seeds_tui
    >>> seeds_tui.get_rubric("seed-one-to-one").scales["quality"].values
    [0, 1, 2, 3]
    """
    return rubrics(rubric_dirs).get(rubric_id, version).rubric


# -- observations -------------------------------------------------------------------------------


def load_observation(path: PathLike) -> Observation:
    """Load one observation file, of any schema version this seeds-tui reads.

    Checks the file format only; ``check_observation`` also checks it against its rubric.
    Raises ``ObservationError`` whose ``problems`` name the file, line and field.

    >>> import seeds_tui, tempfile
    >>> from pathlib import Path
    >>> bad = Path(tempfile.mkdtemp()) / "bad.toml"
    >>> _ = bad.write_text('schema = "seeds-observation/1"\\nid = "x"\\n')
    >>> try:
    ...     seeds_tui.load_observation(bad)
    ... except seeds_tui.ObservationError as exc:
    ...     print(exc.problems[0].line, exc.problems[0].field)
    2 id
    """
    from seeds_tui.core.observation import load_observation as _load

    return _load(path)


def check_observation(path: PathLike, *, rubric_dirs: PathOrPaths = (), registry: RubricRegistry | None = None) -> list[Problem]:
    """Every problem with one observation file, checked against the rubric it names (empty when valid).

    Never raises for a bad file: a format error, an unknown rubric and a score off its scale
    all come back as ``Problem`` entries (file, line, field, message).

    >>> import seeds_tui, tempfile
    >>> from datetime import date
    >>> store = seeds_tui.open_store(tempfile.mkdtemp())
    >>> [path] = seeds_tui.generate_demo(store, 1, seed=1, today=date(2026, 11, 23))
    >>> seeds_tui.check_observation(path)
    []
    """
    from seeds_tui.core.errors import ObservationError, Problem, RubricNotFound
    from seeds_tui.core.observation import check_against_rubric, read_observation

    p = Path(path)
    try:
        obs, text = read_observation(p)
    except ObservationError as exc:
        return list(exc.problems)
    registry = registry if registry is not None else rubrics(rubric_dirs)
    try:
        loaded = registry.get(obs.rubric.id, obs.rubric.version)
    except RubricNotFound as exc:
        return [Problem(p, str(exc), field="rubric")]
    return check_against_rubric(obs, loaded.rubric, path=p, text=text)


# -- the store ----------------------------------------------------------------------------------


def open_store(path: PathLike | None = None) -> Store:
    """The store in folder ``path`` (default: ``$SEEDS_STORE``, else the per-user data folder).

    Nothing is created until something is saved.

    >>> import seeds_tui
    >>> seeds_tui.open_store("/srv/seeds/store")
    Store('/srv/seeds/store')
    """
    return _store(path)


def iter_observations(
    store: Store | PathLike | None = None, *, include_drafts: bool = False
) -> Iterator[tuple[Path, Observation | ObservationError]]:
    """Each observation file of the store with what it held: an ``Observation``, or the
    ``ObservationError`` explaining why it could not be read. One bad file never stops the run.

    Final observations only, unless ``include_drafts``.

    >>> import seeds_tui, tempfile
    >>> from datetime import date
    >>> store = seeds_tui.open_store(tempfile.mkdtemp())
    >>> _ = seeds_tui.generate_demo(store, 3, seed=1, today=date(2026, 11, 23))
    >>> _ = (store.final_dir / "01JGK71590A75502W4W47NE4ZM.toml").write_text("not = [valid")
    >>> for path, obs in seeds_tui.iter_observations(store):
    ...     if isinstance(obs, seeds_tui.ObservationError):
    ...         print("skipped", path.name, "line", obs.problems[0].line)
    skipped 01JGK71590A75502W4W47NE4ZM.toml line 1
    """
    return _store(store).iter_observations(include_drafts=include_drafts)


def read_store(store: Store | PathLike | None = None, *, include_drafts: bool = False) -> tuple[list[Observation], list[ObservationError]]:
    """All observations of a store, and the errors for the files that could not be read.

    >>> import seeds_tui, tempfile
    >>> from datetime import date
    >>> store = seeds_tui.open_store(tempfile.mkdtemp())
    >>> _ = seeds_tui.generate_demo(store, 5, seed=1, today=date(2026, 11, 23))
    >>> observations, errors = seeds_tui.read_store(store)
    >>> len(observations), errors
    (5, [])
    """
    from seeds_tui.core.errors import ObservationError

    good: list[Observation] = []
    bad: list[ObservationError] = []
    for _, obs in iter_observations(store, include_drafts=include_drafts):
        (bad if isinstance(obs, ObservationError) else good).append(obs)  # type: ignore[arg-type]
    return good, bad


def save_draft(obs: Observation, store: Store | PathLike | None = None) -> Observation:
    """Save a draft atomically; return the saved copy (revision + 1). ``ConflictError`` if it changed on disk.

    >>> import seeds_tui, tempfile
    >>> from datetime import date
    >>> from seeds_tui.core.observation import new_observation
    >>> store = seeds_tui.open_store(tempfile.mkdtemp())
    >>> rubric = seeds_tui.rubrics().get("seed-one-to-one")
    >>> ref = seeds_tui.RubricRef(id=rubric.rubric.id, version=rubric.rubric.version, sha256=rubric.sha256)
    >>> session = seeds_tui.Session(date=date(2026, 11, 23), observer="Sam Observer", practitioner="Pat Practitioner", team="North")
    >>> draft = seeds_tui.save_draft(new_observation(rubric=ref, session=session), store)
    >>> draft.revision, store.draft_path(draft.id).exists()
    (1, True)
    """
    return _store(store).save_draft(obs)


def finalise(obs: Observation, store: Store | PathLike | None = None, *, rubric_dirs: PathOrPaths = ()) -> tuple[Observation, Path]:
    """Check a draft against its rubric and write it as a final observation (once); remove the draft.

    Raises ``ObservationError`` listing what is missing (the draft is kept), ``ConflictError``
    if it was finalised before.

    >>> import seeds_tui, tempfile
    >>> from datetime import date
    >>> from seeds_tui.core.observation import new_observation
    >>> store = seeds_tui.open_store(tempfile.mkdtemp())
    >>> rubric = seeds_tui.rubrics().get("seed-one-to-one")
    >>> ref = seeds_tui.RubricRef(id=rubric.rubric.id, version=rubric.rubric.version, sha256=rubric.sha256)
    >>> session = seeds_tui.Session(date=date(2026, 11, 23), observer="Sam Observer", practitioner="Pat Practitioner", team="North")
    >>> scores = {s.id: {i.id: seeds_tui.Score(value=2) for i in s.items} for s in rubric.rubric.sections}
    >>> obs = new_observation(rubric=ref, session=session).model_copy(update={"scores": scores})
    >>> final, path = seeds_tui.finalise(obs, store)
    >>> final.status, path.parent.name
    ('final', 'observations')
    """
    loaded = rubrics(rubric_dirs).get(obs.rubric.id, obs.rubric.version)
    return _store(store).finalise(obs, loaded.rubric)


def section_scores(obs: Observation, rubric: Rubric | None = None, *, rubric_dirs: PathOrPaths = ()) -> list[SectionScore]:
    """One observation's result per section, in rubric order: points, possible, percent of maximum,
    NA/NO counts and required items left unscored; the same rule as every table and the app.

    ``rubric`` defaults to the version the observation was scored against.

    >>> import seeds_tui, tempfile
    >>> from datetime import date
    >>> store = seeds_tui.open_store(tempfile.mkdtemp())
    >>> [path] = seeds_tui.generate_demo(store, 1, seed=2, today=date(2026, 11, 23))
    >>> first = seeds_tui.section_scores(seeds_tui.load_observation(path))[0]
    >>> first.percent == 100 * first.points / first.possible
    True
    """
    from seeds_tui.core.scoring import section_scores as _scores

    if rubric is None:
        rubric = rubrics(rubric_dirs).get(obs.rubric.id, obs.rubric.version).rubric
    return _scores(obs, rubric)


# -- tables (pandas loads here) -----------------------------------------------------------------


def item_frame(
    store: Store | PathLike | None = None,
    *,
    rubric: str | None = None,
    teams: str | Sequence[str] | None = None,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    include_drafts: bool = False,
    pseudonymise: bool = False,
    rubric_dirs: PathOrPaths = (),
) -> pd.DataFrame:
    """The long table of item scores: one row per scored item per observation.

    Columns (fixed, whatever the rubric): observation_id, status, rubric_id, rubric_version,
    team, practitioner, observer, session_date, quarter, section, section_group, item, value,
    code (NA/NO), scale_min, scale_max, points, possible, percent. Files that could not be
    read are left out and listed in ``frame.attrs["problems"]``.

    >>> import seeds_tui, tempfile
    >>> from datetime import date
    >>> store = seeds_tui.open_store(tempfile.mkdtemp())
    >>> _ = seeds_tui.generate_demo(store, 20, seed=1, today=date(2026, 11, 23))
    >>> frame = seeds_tui.item_frame(store, rubric="seed-one-to-one", date_from="2026-01-01")
    >>> list(frame.columns[:4])
    ['observation_id', 'status', 'rubric_id', 'rubric_version']
    >>> bool((frame["session_date"] >= "2026-01-01").all())
    True
    """
    from seeds_tui.team.frames import item_frame as _frame

    s = _store(store)
    frame = _frame(
        s, rubrics(rubric_dirs), include_drafts=include_drafts, rubric_id=rubric, teams=_teams(teams),
        date_from=_date(date_from), date_to=_date(date_to), pseudonymise=pseudonymise,
    )  # fmt: skip
    return frame


def observation_frame(
    store: Store | PathLike | None = None,
    *,
    rubric: str | None = None,
    teams: str | Sequence[str] | None = None,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    include_drafts: bool = False,
    rubric_dirs: PathOrPaths = (),
) -> pd.DataFrame:
    """One row per observation: metadata, ``section.<id>.percent``, ``global.<id>``, ``counter.<id>``.

    Column names come from rubric ids, so they never shift when a rubric gains or loses
    items. Files that could not be read are listed in ``frame.attrs["problems"]``.

    >>> import seeds_tui, tempfile
    >>> from datetime import date
    >>> store = seeds_tui.open_store(tempfile.mkdtemp())
    >>> _ = seeds_tui.generate_demo(store, 20, seed=1, today=date(2026, 11, 23))
    >>> frame = seeds_tui.observation_frame(store, rubric="seed-one-to-one")
    >>> [c for c in frame.columns if c.startswith("section.")][:3]
    ['section.beginning.percent', 'section.change.percent', 'section.ending.percent']
    """
    from seeds_tui.team.export import Filters, observation_table

    filters = Filters(
        rubric_id=rubric, teams=_teams(teams), date_from=_date(date_from), date_to=_date(date_to), include_drafts=include_drafts
    )
    built = observation_table(_store(store), rubrics(rubric_dirs), filters)
    built.frame.attrs["problems"] = built.problems
    return built.frame


def summary_data(
    store: Store | PathLike | None = None,
    *,
    rubric: str | None = None,
    teams: str | Sequence[str] | None = None,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    include_drafts: bool = False,
    rubric_dirs: PathOrPaths = (),
) -> SummaryData:
    """The frames behind every team summary (``items``, ``observations``, ``ratings``, ``links``, ``problems``).

    >>> import seeds_tui, tempfile
    >>> from datetime import date
    >>> store = seeds_tui.open_store(tempfile.mkdtemp())
    >>> _ = seeds_tui.generate_demo(store, 20, seed=1, today=date(2026, 11, 23))
    >>> data = seeds_tui.summary_data(store, rubric="seed-one-to-one")
    >>> data.rubric.id, data.problems
    ('seed-one-to-one', [])
    """
    from seeds_tui.team.frames import summary_data as _data

    return _data(
        _store(store), rubrics(rubric_dirs), include_drafts=include_drafts, rubric_id=rubric, teams=_teams(teams),
        date_from=_date(date_from), date_to=_date(date_to),
    )  # fmt: skip


def summary_tables(
    store: Store | PathLike | None = None,
    view: str = "section",
    *,
    rubric: str | None = None,
    teams: str | Sequence[str] | None = None,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    include_drafts: bool = False,
    threshold: int = 5,
    rubric_dirs: PathOrPaths = (),
    event: date | str | None = None,
    window: int = 3,
    names: bool = False,
) -> list[SummaryTable]:
    """The team summary tables of one view (section, item, composite, quarter, themes, ratings,
    practitioner, actions, coverage, sets, self).

    One set of tables per rubric id (coverage: one table over the rubrics asked for). Figures
    resting on fewer than ``threshold`` practitioners are suppressed, as in ``seeds-tui summary``.
    The per-practitioner views (practitioner, coverage) show the store's pseudonymous labels
    unless ``names=True``.

    >>> import seeds_tui, tempfile
    >>> from datetime import date
    >>> store = seeds_tui.open_store(tempfile.mkdtemp())
    >>> _ = seeds_tui.generate_demo(store, 60, seed=1, today=date(2026, 11, 23))
    >>> [table] = seeds_tui.summary_tables(store, "section", rubric="seed-one-to-one")
    >>> table.view, "team" in table.frame.columns
    ('section', True)
    """
    from seeds_tui.team.tables import build_tables

    data = summary_data(
        store, rubric=rubric, teams=teams, date_from=date_from, date_to=date_to, include_drafts=include_drafts, rubric_dirs=rubric_dirs
    )
    if view == "sets":
        from seeds_tui.team import sets

        return sets.sets_tables(data, sets.registered_sets(_store(store)), threshold=threshold, window=window)
    if view == "self":
        from seeds_tui.storage.selfratings import SELFRATINGS
        from seeds_tui.team import selfview

        records = SELFRATINGS.list(_store(store))[0]
        return selfview.self_tables(data, records, threshold=threshold, registry=rubrics(rubric_dirs))
    when = None
    if isinstance(event, str):
        from seeds_tui.team.events import find_event

        found = find_event(_store(store), event)
        when = found.date if found is not None else _date(event)
    else:
        when = event
    key = None
    if view in ("practitioner", "coverage") and not names:
        from seeds_tui.team.pseudonyms import pseudonym_key

        key = pseudonym_key(_store(store))
    return build_tables(data, view, threshold=threshold, before_after=when, window=window, names=names, key=key)


def training_events(store: Store | PathLike | None = None) -> list[TrainingEvent]:
    """The store's register of training events (``STORE/events/*.toml``), by date; files that
    are not valid are left out (``seeds-tui event list`` reports them).

    >>> import seeds_tui.api as api, tempfile
    >>> from datetime import date
    >>> store = api.open_store(tempfile.mkdtemp())
    >>> _ = api.add_training_event(store, date(2026, 4, 15), "Follow-up: reflections", teams=["Riverside"])
    >>> [(e.id, e.teams) for e in api.training_events(store)]
    [('2026-04-15-follow-up-reflections', ['Riverside'])]
    """
    from seeds_tui.team.events import list_events

    return list_events(_store(store))[0]


def add_training_event(
    store: Store | PathLike | None, when: date, title: str, *, teams: str | Sequence[str] = (), covers: str | Sequence[str] = ()
) -> TrainingEvent:
    """Register a training event (atomic, never replacing one); ``SeedsError`` if not valid or the id is taken.

    ``teams`` (who attended; none: every team) and ``covers`` take one name or a list.
    """
    from seeds_tui.team.events import add_event

    return add_event(_store(store), when, title, teams=_teams(teams), covers=_teams(covers))


def remove_training_event(store: Store | PathLike | None, event_id: str) -> None:
    """Remove a registered training event; ``SeedsError`` if there is none with this id."""
    from seeds_tui.team.events import remove_event

    remove_event(_store(store), event_id)


# -- import and export --------------------------------------------------------------------------


def import_files(
    sources: PathOrPaths,
    store: Store | PathLike | None = None,
    *,
    dry_run: bool = False,
    rubric_dirs: PathOrPaths = (),
) -> ImportResult:
    """Validate observation files (files, folders, zips) and copy the valid ones into ``store``.

    ``sources`` is one path or a list of them; ``rubric_dirs`` likewise (everywhere in this API).

    Idempotent and never overwriting: the same content is skipped, a different version of
    an observation already in the store is a conflict kept aside in ``STORE/conflicts/``.

    >>> import seeds_tui, tempfile
    >>> from datetime import date
    >>> inbox = seeds_tui.open_store(tempfile.mkdtemp())
    >>> _ = seeds_tui.generate_demo(inbox, 4, seed=1, today=date(2026, 11, 23))
    >>> store = seeds_tui.open_store(tempfile.mkdtemp())
    >>> seeds_tui.import_files([inbox.final_dir], store).counts
    {'imported': 4, 'skipped': 0, 'conflict': 0, 'invalid': 0, 'ignored': 0}
    >>> seeds_tui.import_files(str(inbox.final_dir), store).counts["skipped"]
    4
    """
    from seeds_tui.storage.importer import import_files as _import

    return _import(sources, _store(store), rubrics(rubric_dirs), dry_run=dry_run)


def write_export(
    store: Store | PathLike | None,
    output: PathLike | None,
    *,
    format: Literal["csv", "jsonl", "parquet"] = "csv",
    table: Literal["items", "observations"] = "items",
    rubric: str | None = None,
    teams: str | Sequence[str] = (),
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    include_drafts: bool = False,
    pseudonym_key: bytes | None = None,
    rubric_dirs: PathOrPaths = (),
) -> bytes | list[Path]:
    """Write a table (``items`` or ``observations``) as csv, jsonl or a Parquet dataset folder.

    Returns the paths written, or the bytes when ``output`` is None (csv and jsonl).

    >>> import seeds_tui, tempfile
    >>> from datetime import date
    >>> from pathlib import Path
    >>> store = seeds_tui.open_store(tempfile.mkdtemp())
    >>> _ = seeds_tui.generate_demo(store, 10, seed=1, today=date(2026, 11, 23))
    >>> files = seeds_tui.write_export(store, Path(tempfile.mkdtemp()) / "items", format="parquet")
    >>> files[0].parent.parent.name.startswith("rubric_id=")
    True
    """
    from seeds_tui.team.export import Filters, export_store

    filters = Filters(
        rubric_id=rubric, teams=_teams(teams), date_from=_date(date_from), date_to=_date(date_to), include_drafts=include_drafts
    )
    _, written = export_store(
        _store(store),
        output,
        fmt=format,
        table=table,
        filters=filters,
        registry=rubrics(rubric_dirs),
        pseudonym_key=pseudonym_key,  # type: ignore[arg-type]
    )
    return written


# -- calibration ----------------------------------------------------------------------------------


def store_agreement(store: Store | PathLike | None = None, *, by: str | None = None, rubric_dirs: PathOrPaths = ()) -> StoreAgreement:
    """Agreement across every double-scored session of a store: what ``seeds-tui compare --store`` shows.

    ``by`` is ``"quarter"`` or ``"year"`` for a table per period. The result's ``report`` holds
    the tables as plain data (``overall``, ``icc``, ``periods``, ``pairs``, ``items``,
    ``not_ready``), exactly the object ``compare --store --json`` prints; ``errors`` and
    ``problems`` say which files were left out and why.

    >>> import seeds_tui, tempfile
    >>> from datetime import date
    >>> store = seeds_tui.open_store(tempfile.mkdtemp())
    >>> _ = seeds_tui.generate_demo(store, 60, seed=4, today=date(2026, 11, 23))
    >>> result = seeds_tui.store_agreement(store)
    >>> result.report["sessions"] > 0, result.errors
    (True, [])
    """
    from seeds_tui.calibration.across import store_agreement as _agreement

    if by not in (None, "quarter", "year"):
        raise ValueError('by is None, "quarter" or "year"')
    return _agreement(_store(store), rubrics(rubric_dirs), by=by)
