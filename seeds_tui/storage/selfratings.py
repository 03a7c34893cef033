"""The register of self-ratings in a store: ``STORE/selfratings/<id>.toml`` (``seeds-selfrating/1``).

A register like every other record kind but observations (``seeds_tui.storage.registers``): written
atomically, owner-only, inside the store only, read with the same safe TOML reader as every other
file. Used by the app (the self-rating screen and the gap), ``seeds-tui self-rate``, the feedback
sheet, the team views and a practitioner's development record (``selfratings_for``).

Example::

    from seeds_tui.storage.store import Store
    from seeds_tui.storage.selfratings import SELFRATINGS, selfratings_for
    records, problems = SELFRATINGS.list(Store("my-store"))
    mine = selfratings_for(Store("my-store"), "Pat Practitioner")
"""

from __future__ import annotations

from seeds_tui.core.observation import name_key
from seeds_tui.core.selfrating import SELFRATING_MAX_BYTES, SelfRating, SelfRatingError, parse_selfrating
from seeds_tui.storage.registers import Register
from seeds_tui.storage.store import Store

#: The register of self-ratings (``STORE/selfratings/<id>.toml``), in date order.
SELFRATINGS: Register[SelfRating] = Register(
    folder="selfratings",
    what="self-rating",
    parse=parse_selfrating,
    error=SelfRatingError,
    max_bytes=SELFRATING_MAX_BYTES,
    order=lambda r: (r.date, r.id),
    hint="seeds-tui validate STORE/selfratings",
)


def selfratings_for(store: Store, practitioner: str) -> list[SelfRating]:
    """Every valid self-rating of one practitioner (names matched as observations match them), in date order."""
    wanted = name_key(practitioner)
    return [r for r in SELFRATINGS.list(store)[0] if name_key(r.practitioner) == wanted]


def selfrating_of(store: Store, observation_id: str) -> SelfRating | None:
    """The latest self-rating of one observation (by date, then id), or None."""
    found = [r for r in SELFRATINGS.list(store)[0] if r.observation == observation_id]
    return found[-1] if found else None


def save_selfrating(store: Store, record: SelfRating) -> SelfRating:
    """Write a self-rating (new, or over its own file: the practitioner may change it before feedback)."""
    return SELFRATINGS.save(store, record)
