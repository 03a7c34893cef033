"""The register of training events and action learning sets: ``STORE/events/<id>.toml``.

In the storage layer so that ``seeds-tui import`` brings a store's events in through the same
register as ``seeds_tui.team.events`` (which adds the privacy check and the team names) keeps them.
"""

from __future__ import annotations

from seeds_tui.core.events import EVENT_MAX_BYTES, EventError, TrainingEvent, parse_event
from seeds_tui.storage.registers import Register

#: The register of training events and action learning sets (``STORE/events/<id>.toml``).
EVENTS: Register[TrainingEvent] = Register(
    folder="events",
    what="training event",
    parse=parse_event,
    error=EventError,
    max_bytes=EVENT_MAX_BYTES,
    order=lambda e: (e.date, e.id),
    hint="seeds-tui event list",
)

__all__ = ["EVENTS"]
