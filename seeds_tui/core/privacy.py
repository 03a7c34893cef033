"""Warnings for free text that may hold personal data of the person on probation.

Notes are the observer's own words, so nothing is blocked; the app shows a gentle warning
when a note looks like it holds a date of birth, a name after a title, or a case number.

>>> personal_data_warnings("Good use of open questions")
[]
>>> len(personal_data_warnings("Mr Smith said he was born on 3/4/1990"))
2
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seeds_tui.core.observation import Observation
    from seeds_tui.core.rubric import Rubric

ADVICE = "this note may contain personal data of the person on probation; use 'the person on probation' or the case reference"

_DATE = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](19\d\d|20(?:0\d|1[0-5]))\b")
_ISO_DATE = re.compile(r"\b(19\d\d|20(?:0\d|1[0-5]))-(\d{1,2})-(\d{1,2})\b")
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_WORD_DATE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})[a-z]*\.?,?\s+(19\d\d|20(?:0\d|1[0-5]))\b", re.IGNORECASE)
_DOB = re.compile(r"\b(d\.?o\.?b\.?|date of birth|born on|born in)\b", re.IGNORECASE)
_TITLE_NAME = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z'’-]+")
_CASE_NUMBER = re.compile(
    r"\b(?:PNC|CRN|CRO|NOMIS|nDelius|case)\s*(?:no\.?|number|ref)?\s*[:#]?\s*[A-Z0-9/]*\d[A-Z0-9/]*\b"
    r"|\b\d{2,4}/\d{5,8}[A-Z]\b"  # PNC-like: 2000/1234567X
    r"|\b[A-Z]\d{6}\b",  # CRN-like: X123456
    re.IGNORECASE,
)


def personal_data_warnings(text: str) -> list[str]:
    """What in ``text`` looks like personal data of the person on probation (empty when nothing does).

    Each entry names the kind of thing found, never the text itself.

    >>> personal_data_warnings("DOB 12.03.1988")
    ['looks like a date of birth']
    >>> personal_data_warnings("Mrs Jones attended")
    ['looks like a name after a title (Mr, Mrs, Ms...)']
    >>> personal_data_warnings("PNC 2001/0012345Z")
    ['looks like a case, PNC or CRN number']
    >>> personal_data_warnings("review on 12/03/2027")
    []
    """
    found: list[str] = []
    if _DOB.search(text) or _DATE.search(text) or _ISO_DATE.search(text) or _WORD_DATE.search(text):
        found.append("looks like a date of birth")
    if _TITLE_NAME.search(text):
        found.append("looks like a name after a title (Mr, Mrs, Ms...)")
    if _CASE_NUMBER.search(text):
        found.append("looks like a case, PNC or CRN number")
    return found


def warning_message(text: str) -> str | None:
    """The message to show for ``text``, or None when nothing looks personal."""
    found = personal_data_warnings(text)
    if not found:
        return None
    return f"{ADVICE} ({'; '.join(found)})."


def suspect_notes(obs: Observation, rubric: Rubric) -> list[tuple[str, list[str]]]:
    """Every text of ``obs`` that looks like personal data, as (where it is, what it looks like),
    in the order of the observation: the agreed focus, the practitioner's plan, the change target, evidence notes, section notes, marks,
    the feedback parts, a consensus rationale. "Where" names the place (``Beginning › Welcomes the person: evidence``),
    never the text, so the list can be shown before finalising or writing the sheet."""
    places: list[tuple[str, str]] = [
        ("agreed focus", obs.session.focus),
        ("practitioner's plan", obs.session.plan),
        ("change target", obs.session.change_target),
    ]
    for section in rubric.sections:
        for item in section.items:
            score = obs.score(section.id, item.id)
            if score is not None and score.evidence:
                places.append((f"{section.title} › {item.text}: evidence note", score.evidence))
        if obs.section_notes.get(section.id):
            places.append((f"{section.title}: section notes", obs.section_notes[section.id]))
    for n, event in enumerate(obs.events, 1):
        if event.text:
            places.append((f"mark {n}", event.text))
    fb = obs.feedback
    places.append(("self-assessment", fb.self_assessment))
    places += [(f"strength {n}", note.text) for n, note in enumerate(fb.strengths, 1)]
    places += [(f"development area {n}", note.text) for n, note in enumerate(fb.development_areas, 1)]
    places.append(("observer's summary", fb.summary))
    for n, action in enumerate(fb.actions, 1):
        places += [(f"action {n}", action.text), (f"action {n}: owner", action.owner)]
    places += [(f"earlier action {n}: comment", carried.comment) for n, carried in enumerate(fb.carried, 1)]
    places.append(("practitioner's response", fb.practitioner_comment))
    if obs.consensus is not None:
        places += [(f"agreed score for {key}: rationale", text) for key, text in obs.consensus.rationale.items()]
    return [(where, found) for where, text in places if text and (found := personal_data_warnings(text))]


def names_person(text: str, names: Iterable[str]) -> bool:
    """Whether ``text`` holds one of ``names`` (whole words, case and spacing ignored).

    Used for records that name no individual (an action learning set): the names are the store's
    practitioners and observers.

    >>> names_person("Pat  smith led the reflections", ["Pat Smith"])
    True
    >>> names_person("Patience and smithing", ["Pat Smith"])
    False
    """
    flat = " ".join(text.split()).casefold()
    for name in names:
        key = " ".join(str(name).split()).casefold()
        if key and re.search(rf"(?<!\w){re.escape(key)}(?!\w)", flat):
            return True
    return False
