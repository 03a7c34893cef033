"""The self-rating controller: the practitioner's self-rating of an observation, kept in the store's
register (``seeds_tui.storage.selfratings``), and the gap the feedback opens with.

Screens never touch the store: the self-rating screen and the gap screen ask this controller.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from seeds_tui.core.selfrating import Gap, SelfRating, gaps, new_selfrating, reflection_warnings

if TYPE_CHECKING:
    from seeds_tui.core.observation import Observation
    from seeds_tui.core.rubric import Rubric
    from seeds_tui.storage.store import Store


class SelfRatings:
    """Reads and saves of self-ratings for the screens, through the storage layer."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def of(self, observation_id: str) -> SelfRating | None:
        """The self-rating of an observation, or None (raises ``SeedsError`` if the store cannot be read)."""
        from seeds_tui.storage.selfratings import selfrating_of

        return selfrating_of(self.store, observation_id)

    def start(self, obs: Observation, sections: list[str], today: date) -> SelfRating:
        """The observation's self-rating to fill in: the one kept (with the sections now chosen), or a new one."""
        kept = self.of(obs.id)
        if kept is not None:
            ratings = {s: r for s, r in kept.ratings.items() if not sections or s in sections}
            return kept.model_copy(update={"sections": list(sections), "ratings": ratings, "date": today})
        return new_selfrating(obs, sections=sections, when=today)

    def save(self, record: SelfRating) -> Path:
        """Write the self-rating (atomic, owner-only); where it is kept. Raises ``SeedsError``."""
        from seeds_tui.storage.selfratings import SELFRATINGS, save_selfrating

        save_selfrating(self.store, record)
        return SELFRATINGS.path(self.store, record.id)

    @staticmethod
    def gaps(obs: Observation, record: SelfRating, rubric: Rubric) -> list[Gap]:
        """Self against observer, item by item, the largest differences first."""
        return gaps(obs, record, rubric)

    @staticmethod
    def warnings(record: SelfRating) -> list[str]:
        """What in the reflection looks like personal data (never the text)."""
        return reflection_warnings(record)
