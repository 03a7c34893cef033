"""The questionnaire controller: the store work of the form people on probation fill in.

The form screens never see a record: they get the questionnaire to ask, the team names to
suggest (for staff, on the set-up screen), and send one response, which this controller keeps
through the register (``seeds_tui.storage.responses``). Nothing here reads a response back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from seeds_tui.core.errors import SeedsError

if TYPE_CHECKING:
    from seeds_tui.core.questionnaire import Questionnaire
    from seeds_tui.storage.store import Store


class Voice:
    """Asks the questionnaire and keeps the answers, one anonymous response at a time."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._questionnaire: Questionnaire | None = None

    def questionnaire(self) -> Questionnaire:
        """The questionnaire to ask: the newest of the store's own (``STORE/questionnaires/``), else the shipped one."""
        if self._questionnaire is None:
            from seeds_tui.storage.responses import questionnaires

            found = questionnaires(self.store)
            current = found.current()
            if current is None:
                raise SeedsError("no questionnaire is available: the shipped one is missing and the store has none")
            self._questionnaire = current
        return self._questionnaire

    def team_names(self) -> list[str]:
        """Team names already in the store, to suggest on the set-up screen (empty if it cannot be read)."""
        try:
            return list(self.store.known_names().get("team", []))
        except SeedsError:
            return []

    @staticmethod
    def comment_problem(comment: str) -> str | None:
        """What to say when a comment looks like it holds personal data (a name, a date, a case number), or None."""
        from seeds_tui.core.questionnaire import flag_comment

        if flag_comment(comment):
            return (
                "Your comment looks like it has a name, a date or a case number in it. Please take it out "
                "(for example write 'my officer' instead of a name), or leave the comment empty."
            )
        return None

    def send(self, *, team: str, practitioner: str | None, answers: Mapping[str, int | str], comment: str | None, today: date) -> str:
        """Keep one response (the month of ``today`` only); its id. ``SeedsError`` if it cannot be kept."""
        from seeds_tui.core.questionnaire import month_of
        from seeds_tui.storage.responses import add_response, new_response

        response = new_response(
            self.questionnaire(),
            month=month_of(today.year, today.month),
            team=team,
            answers=answers,
            practitioner=practitioner,
            comment=comment,
        )
        return add_response(self.store, response).id
