"""What screens may ask of the app: a small Protocol, so that no screen imports the app class.

Screens are typed with ``app: SeedsAppLike`` (see ``seeds_tui.tui.base.SeedsScreen``). The app
(``seeds_tui.tui.app.SeedsApp``) implements it; screens navigate through these methods and the
app's actions, and reach the store only through the controllers named here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from seeds_tui.calibration.agreement import Agreement
    from seeds_tui.calibration.pairing import CalibrationSession
    from seeds_tui.core.observation import CarriedAction, Observation, Session
    from seeds_tui.core.rubric import LoadedRubric, RubricRegistry
    from seeds_tui.tui.controllers.consensus import ConsensusSession, Pair
    from seeds_tui.tui.controllers.events import EventDraft
    from seeds_tui.tui.controllers.records import Records
    from seeds_tui.tui.controllers.selfrating import SelfRatings
    from seeds_tui.tui.controllers.session import ObservationSession

#: The stages of an open observation, each a screen.
Stage = Literal["scoring", "after", "review"]


class SeedsAppLike(Protocol):
    """The app as its screens see it."""

    #: The observation open now (None on the home screen and the calibration screens).
    session: ObservationSession | None
    #: Reads and removals in the store (the only way screens reach it).
    records: Records
    #: The practitioners' self-ratings (the only way screens reach them).
    selfratings: SelfRatings
    #: The known rubrics.
    registry: RubricRegistry
    #: Now (frozen in tests).
    now_fn: Callable[[], datetime]
    #: Offer to resume an interrupted draft on start (once).
    offer_resume: bool
    resume_offered: bool

    @property
    def current_date(self) -> date:
        """Today (or the date the tests froze)."""
        ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
        dialog: Screen[Any] | None = None,
    ) -> None:
        """A toast; ``dialog``: the dialog saying it (shown over it; any other toast waits for it to close)."""
        ...

    def remember(self, **settings: object) -> None:
        """Save per-user settings (best effort)."""
        ...

    def refused_on_shared_store(self, doing: str) -> bool:
        """True, having said so, when the store is a team's shared store: ``doing`` would write into it."""
        ...

    # -- observations ---------------------------------------------------------------------

    def start_observation(self, loaded: LoadedRubric, session: Session, carried: list[CarriedAction] | None = None) -> None:
        """Create a draft and open the scoring screen."""
        ...

    def open_observation(self, obs: Observation, loaded: LoadedRubric | None = None, stage: Stage | None = None) -> None:
        """Open a draft to continue, or a final read-only."""
        ...

    def show_stage(self, stage: Stage) -> None:
        """Show a stage of the open observation."""
        ...

    async def close_observation(self) -> bool:
        """Save what is open and go home; False if it stays open."""
        ...

    def open_selfrating(self, obs: Observation, then: Callable[[], None] | None = None) -> None:
        """Hand over for the practitioner's self-rating of ``obs``, then show the gap."""
        ...

    # -- navigation ------------------------------------------------------------------------

    def open_session_form(self, loaded: LoadedRubric, typed_early: str = "") -> None:
        """The session details form for a new observation, with the keys typed while it was coming."""
        ...

    def open_comparison(
        self,
        session: CalibrationSession,
        pair: tuple[tuple[object, Observation], tuple[object, Observation]] | None = None,
    ) -> None:
        """The comparison of a double-scored session (after saying why not, when it cannot be built)."""
        ...

    def consensus_for(self, pair: Pair, agreement: Agreement) -> ConsensusSession:
        """The consensus in progress for a pair (carried on from its draft, if any)."""
        ...

    def open_consensus(self, pair: Pair, agreement: Agreement, on_saved: Callable[[object, Observation], None] | None = None) -> None:
        """Agree the consensus of a pair."""
        ...

    def start_questionnaire(self, team: str, practitioner: str | None, *, replace: bool = False) -> None:
        """The questionnaire's form for one person on probation (``replace``: in place of the screen on top)."""
        ...

    def questionnaire_done(self, team: str, practitioner: str | None, *, sent: bool) -> None:
        """The neutral thank-you screen in place of the form."""
        ...

    def close_questionnaire(self) -> None:
        """From the thank-you back to the home screen."""
        ...

    def consensus_recorded(self, pair: Pair) -> None:
        """The consensus of ``pair`` is recorded: forget its session."""
        ...

    def open_event_register(self, new: EventDraft | None = None) -> None:
        """The register of training events and action learning sets (with ``new``: its form, filled in so far)."""
        ...

    def open_supervision(self, practitioner: str, team: str = "") -> None:
        """Record a supervision note for ``practitioner`` (progress on their open actions, new actions, a reflection)."""
        ...

    def open_development_record(self, practitioner: str) -> None:
        """The practitioner's development record, in date order, with the key to write their sheet."""
        ...
