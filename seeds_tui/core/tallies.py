"""Tally rates and timelines: how often each live tally was pressed, per minute and per block of time.

One place for the rule, used by the feedback sheet, the app's review and the team tables. An
observation keeps, from schema 4 on, the session-clock second of every press
(``Observation.counter_times``). Rates and the timeline are worked out only when those times are
complete (as many press times as the count, for every tally of the rubric) and the session clock
ran for at least a minute; otherwise (a file from before schema 4, more presses than the times
kept) a tally shows its total alone.

>>> from datetime import date
>>> from seeds_tui.core.observation import CounterTimes, RubricRef, Session, new_observation
>>> obs = new_observation(rubric=RubricRef(id="mi", version="1.0.0", sha256="0" * 64),
...     session=Session(date=date(2026, 11, 23), observer="Sam", practitioner="Pat", team="North", elapsed=900))
>>> obs = obs.model_copy(update={"counters": {"q": 3}, "counter_times": {"q": CounterTimes(at=[10, 290, 610])}})
>>> per_minute(obs, "q")
0.2
>>> line = timeline(obs, ["q"])
>>> line.labels, line.rows
(('0–5', '5–10', '10–15'), (('q', (2, 0, 1)),))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seeds_tui.core.observation import Observation

#: Block lengths a timeline may use, in minutes: the shortest that keeps it to ``MAX_BLOCKS`` columns.
BLOCK_MINUTES = (5, 10, 15, 20, 30, 60)
#: The most blocks (columns) a timeline has, so that it fits a page and an 80-column terminal.
MAX_BLOCKS = 12
#: Rates and timelines need at least this much session time (seconds).
MIN_SECONDS = 60


def times_kept(obs: Observation, counter_ids: Iterable[str]) -> bool:
    """True when the time of every press of every tally in ``counter_ids`` is in the observation.

    A tally never pressed needs no times; one with a count needs exactly as many press times.
    """
    for counter_id in counter_ids:
        times = obs.counter_times.get(counter_id)
        if len(times.at if times is not None else ()) != obs.counters.get(counter_id, 0):
            return False
    return True


def rates_shown(obs: Observation, counter_ids: Iterable[str]) -> bool:
    """True when rates per minute (and a timeline) can be shown: times kept, a minute or more of session."""
    return obs.session.elapsed >= MIN_SECONDS and times_kept(obs, counter_ids)


def per_minute(obs: Observation, counter_id: str) -> float:
    """Presses of one tally per minute of session clock, to two decimal places, halves rounded up
    as people round them (3 in 40 minutes is 0.075, shown 0.08); the caller checks ``rates_shown`` first."""
    exact = Decimal(obs.counters.get(counter_id, 0) * 60) / Decimal(max(obs.session.elapsed, 1))
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def block_minutes(elapsed: int) -> int:
    """The block length of a timeline for a session of ``elapsed`` seconds.

    >>> block_minutes(45 * 60), block_minutes(61 * 60), block_minutes(200 * 60)
    (5, 10, 20)
    """
    for minutes in BLOCK_MINUTES:
        if -(-elapsed // (minutes * 60)) <= MAX_BLOCKS:
            return minutes
    return BLOCK_MINUTES[-1]


@dataclass(frozen=True)
class Timeline:
    """Counts of each tally per block of session time, as live coders keep them."""

    #: The length of each block, in minutes.
    minutes: int
    #: Each block's label, in minutes from the start of the session ("0–5", "5–10", …).
    labels: tuple[str, ...]
    #: (counter id, count in each block), in the order asked for.
    rows: tuple[tuple[str, tuple[int, ...]], ...]


def timeline(obs: Observation, counter_ids: Sequence[str]) -> Timeline | None:
    """Counts per block for each of ``counter_ids``, or None when ``rates_shown`` is False.

    A press at a block's boundary (300 s) belongs to the later block; the last block may be
    shorter than the others (the session ended within it). The counts of a row add up to the
    tally's total.
    """
    if not counter_ids or not rates_shown(obs, counter_ids):
        return None
    elapsed = obs.session.elapsed
    minutes = block_minutes(elapsed)
    size = minutes * 60
    count = max(1, -(-elapsed // size))
    labels = tuple(f"{n * minutes}–{(n + 1) * minutes}" for n in range(count))
    rows = []
    for counter_id in counter_ids:
        blocks = [0] * count
        times = obs.counter_times.get(counter_id)
        for second in times.at if times is not None else ():
            blocks[min(second // size, count - 1)] += 1
        rows.append((counter_id, tuple(blocks)))
    return Timeline(minutes, labels, tuple(rows))
