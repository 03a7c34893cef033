"""Dates as people in England and Wales type and read them: ``03/12/2026`` (day first), and ISO ``2026-12-03``.

Every place a date is typed (the set-up form, a review date, a summary's ``--from`` / ``--to``,
a training event) reads it with ``parse_date``; screens show dates with ``uk_date``. Files keep
ISO dates (TOML dates), whatever was typed.

>>> parse_date("03/12/2026"), parse_date("3/12/2026"), parse_date("2026-12-03"), parse_date(" 03.12.2026 ")
(datetime.date(2026, 12, 3), datetime.date(2026, 12, 3), datetime.date(2026, 12, 3), datetime.date(2026, 12, 3))
>>> uk_date(parse_date("2026-12-03"))
'03/12/2026'
>>> parse_date("12/31/2026")
Traceback (most recent call last):
...
ValueError: not a date: there is no month 31; dates are day first, e.g. 03/12/2026 (or 2026-12-03)
>>> parse_date("31/02/2026")
Traceback (most recent call last):
...
ValueError: not a date: February 2026 has no day 31; dates are day first, e.g. 03/12/2026 (or 2026-12-03)
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["parse_date", "uk_date"]

_EXAMPLE = "e.g. 03/12/2026 (or 2026-12-03)"
_UK = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(text: str) -> date:
    """``text`` as a date: day first (``03/12/2026``, ``3/12/2026``, ``03.12.2026``, ``03-12-2026``)
    or ISO (``2026-12-03``). Raises ``ValueError`` with a message saying how to type one (the
    text itself is never quoted: it may be anything a person pasted)."""
    cleaned = text.strip()
    if m := _ISO.fullmatch(cleaned):
        year, month, day = (int(g) for g in m.groups())
    elif m := _UK.fullmatch(cleaned):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise ValueError(f"not a date: type it day first, {_EXAMPLE}")
    if not 1 <= month <= 12:
        raise ValueError(f"not a date: there is no month {month}; dates are day first, {_EXAMPLE}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"not a date: {date(2000, month, 1):%B} {year} has no day {day}; dates are day first, {_EXAMPLE}") from None


def uk_date(day: date) -> str:
    """``03/12/2026``: how screens show a date."""
    return day.strftime("%d/%m/%Y")
