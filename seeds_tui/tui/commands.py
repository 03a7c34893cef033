"""The command palette's context commands, one provider each (screens list them in ``COMMANDS``).

Each command runs an app action: the palette never opens a screen itself.
"""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider


class _ActionCommand(Provider):
    """One palette entry that runs one app action."""

    TITLE = ""
    HELP = ""
    ACTION = ""

    async def discover(self) -> Hits:
        """Shown before anything is typed."""
        yield DiscoveryHit(self.TITLE, self._run, help=self.HELP)

    async def search(self, query: str) -> Hits:
        """Matched against what is typed."""
        matcher = self.matcher(query)
        score = matcher.match(self.TITLE)
        if score > 0:
            yield Hit(score, matcher.highlight(self.TITLE), self._run, help=self.HELP)

    async def _run(self) -> None:
        await self.app.run_action(self.ACTION)


class SessionDetailsCommands(_ActionCommand):
    """The entry "Edit session details" (the screens of an open observation list it)."""

    TITLE = "Edit session details"
    HELP = "Date, names, mode, purpose, consent, case reference of the open observation"
    ACTION = "app.edit_details"


class CalibrationCommands(_ActionCommand):
    """The entry "Open calibration" (the home screen lists it)."""

    TITLE = "Open calibration"
    HELP = "Double-scored sessions: compare two observers, agree a consensus (c on the home screen)"
    ACTION = "app.open_calibration"


class SelfRatingCommands(_ActionCommand):
    """The entry "Practitioner's self-rating" (the home and after-session screens list it)."""

    TITLE = "Practitioner's self-rating"
    HELP = "Hand over for the practitioner to rate the same items, then see the gap (p on the home screen, F6 after the session)"
    ACTION = "screen.self_rating"


class QuestionnaireCommands(_ActionCommand):
    """The entry "Questionnaire for people on probation" (the home screen lists it)."""

    TITLE = "Questionnaire for people on probation"
    HELP = "A short anonymous form a person fills in on this laptop after the session (q on the home screen)"
    ACTION = "app.open_questionnaire"


class SupervisionCommands(_ActionCommand):
    """The entry "Supervision note" (the home screen lists it)."""

    TITLE = "Supervision note"
    HELP = "Record reflective supervision for the selected observation's practitioner: progress on actions, reflection (v)"
    ACTION = "screen.supervision"


class DevelopmentRecordCommands(_ActionCommand):
    """The entry "Development record" (the home screen lists it)."""

    TITLE = "Development record"
    HELP = "The selected observation's practitioner's observations, actions and supervision in date order; w writes their sheet (l)"
    ACTION = "screen.development_record"


__all__ = [
    "CalibrationCommands",
    "DevelopmentRecordCommands",
    "QuestionnaireCommands",
    "SelfRatingCommands",
    "SessionDetailsCommands",
    "SupervisionCommands",
]
