"""The records controller: everything the screens read from (or remove from) the store.

Screens never touch the store: they ask this controller (or the session controllers), which
calls the storage layer's APIs. Reads that can take a while are called from screens' thread
workers; each method is safe to call from a thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from seeds_tui.core.errors import ObservationError, SeedsError

if TYPE_CHECKING:
    from seeds_tui.calibration.pairing import CalibrationSession
    from seeds_tui.core.actions import OpenAction
    from seeds_tui.core.observation import Observation
    from seeds_tui.core.rubric import Rubric
    from seeds_tui.storage.store import Store, StoredFile


@dataclass(frozen=True)
class Row:
    """One observation file as the home list shows it: its path and the observation, or what is wrong with it."""

    path: Path
    observation: Observation | None
    problem: str | None = None


class Records:
    """Reads and removals the screens need, through the storage layer."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def root(self) -> Path:
        """The store's folder (shown on the home screen)."""
        return self.store.root

    @property
    def shared(self) -> bool:
        """True for a team's shared store: finals arrive there by publishing; nothing is scored in it."""
        return self.store.is_shared

    @property
    def consensus_dir(self) -> Path:
        """Where consensus records are written."""
        return self.store.consensus_dir

    @property
    def reports_dir(self) -> Path:
        """Where feedback sheets are written."""
        return self.store.reports_dir

    def setting(self, name: str) -> object:
        """A per-user setting (the observer's name, the draft open last), or None (never raises)."""
        from seeds_tui.storage import settings

        return settings.load_settings().get(name)

    # -- observations --------------------------------------------------------------------

    def files(self) -> list[StoredFile]:
        """Every observation file, drafts and finals, newest first (raises ``SeedsError``)."""
        return self.store.files()

    def row(self, path: Path) -> Row:
        """The observation in ``path``, or the first thing wrong with it."""
        try:
            return Row(path, self.store.read(path))
        except ObservationError as exc:
            first = exc.problems[0].message if exc.problems else "damaged"
            return Row(path, None, first)
        except SeedsError as exc:
            return Row(path, None, str(exc))

    def read(self, path: Path) -> Observation:
        """The newest version of an observation on disk (raises ``SeedsError``)."""
        return self.store.read(path)

    def discard_draft(self, obs_id: str) -> None:
        """Delete a draft the observer chose to throw away (raises ``SeedsError``)."""
        self.store.discard_draft(obs_id)

    def known_names(self) -> dict[str, list[str]]:
        """Observer, practitioner and team names already in the store (empty lists if it cannot be read)."""
        try:
            return self.store.known_names()
        except SeedsError:
            return {"practitioner": [], "team": [], "observer": []}

    def latest_teams(self) -> dict[str, str]:
        """Each known practitioner's latest team, keyed by ``name_key`` (empty if the store cannot be read)."""
        try:
            return self.store.latest_teams()
        except SeedsError:
            return {}

    # -- actions carried forward -----------------------------------------------------------

    def open_actions(self, name: str, when: date, ref: str) -> list[OpenAction]:
        """The practitioner's actions still open before ``when`` (the other observer's file of ``ref`` left out)."""
        from seeds_tui.core.actions import open_actions
        from seeds_tui.storage.carried import earlier_observations, supervision_notes

        try:
            earlier, _ = earlier_observations(self.store, name)
        except SeedsError:
            earlier = []
        try:
            notes = supervision_notes(self.store, name)
        except SeedsError:
            notes = []
        return open_actions(earlier, name, before=when, session_ref=ref or None, notes=notes)

    def open_actions_for(self, obs: Observation) -> list[OpenAction]:
        """The actions still open for the practitioner of ``obs`` (raises ``SeedsError``)."""
        from seeds_tui.storage.carried import practitioner_open_actions

        return practitioner_open_actions(self.store, obs)

    # -- calibration -------------------------------------------------------------------------

    def calibration_sessions(self) -> tuple[list[CalibrationSession], int]:
        """Double-scored sessions, and how many files could not be read (raises ``SeedsError``)."""
        from seeds_tui.calibration.pairing import calibration_sessions

        sessions, errors = calibration_sessions(self.store)
        return sessions, len(errors)

    def calibration_session(self, ref: str) -> CalibrationSession | None:
        """The double-scored session with this reference, or None (also when the store cannot be read)."""
        from seeds_tui.core.observation import ref_key

        try:
            sessions, _ = self.calibration_sessions()
        except SeedsError:
            return None
        return next((c for c in sessions if ref_key(c.session_ref) == ref_key(ref)), None)

    def similar_refs(self, ref: str) -> list[str]:
        """Other session references that differ from ``ref`` only in capitals (empty if the store cannot be read)."""
        from seeds_tui.calibration.pairing import similar_refs
        from seeds_tui.core.observation import ref_key

        if not ref:
            return []
        try:
            return [r for r in similar_refs(self.store, ref) if ref_key(r) != ref_key(ref)]
        except SeedsError:
            return []

    # -- feedback sheets -------------------------------------------------------------------------

    def write_sheet(self, obs: Observation, rubric: Rubric) -> list[Path]:
        """Write the feedback sheet as Markdown, HTML and PDF into the store's reports folder (atomic, owner-only).

        Returns the paths written; raises ``SeedsError``.
        """
        from seeds_tui.render.sheet import render_html, render_markdown, sheet_file_stem
        from seeds_tui.render.sheet_pdf import render_pdf
        from seeds_tui.storage.selfratings import selfrating_of

        stem = sheet_file_stem(obs)  # date, practitioner, rubric, id: two sheets of one person told apart
        mine = selfrating_of(self.store, obs.id)  # the practitioner's self-rating, shown beside the observer's
        # Through the store: it refuses a reports folder that is a link leaving the store.
        return [
            self.store.write_report(f"{stem}.md", render_markdown(obs, rubric, mine).encode("utf-8")),
            self.store.write_report(f"{stem}.html", render_html(obs, rubric, mine).encode("utf-8")),
            self.store.write_report(f"{stem}.pdf", render_pdf(obs, rubric, mine)),  # the slow one: callers run this off the event loop
        ]
