"""What the shared composite names ``relationship`` and ``structuring`` mean, and a check that a
rubric uses them that way.

The two names follow core correctional practice (Dowden & Andrews 2004; Bonta and Andrews'
risk-need-responsivity work and STICS; Trotter's supervision skills): *relationship* skills are
how the practitioner relates to the person (warmth, respect, empathy, listening and reflecting,
attentive non-verbal behaviour, affirming, a motivational, collaborative style); *structuring*
skills are how the practitioner directs the work (session structure and tasks, role
clarification and the use of authority, pro-social modelling, reinforcement and disapproval,
problem-solving, cognitive work, skill practice, attention to risk and need). docs/rubric-format.md
section 6 gives the sources and how the shipped rubrics apply them.

``group_warnings`` is a hint, never a refusal: a short list of words that clearly belong to one
kind is looked for in each item's id and text. An item in one shared group whose words belong only
to the other is reported; an item with words of both kinds, or of neither, is left alone.

>>> from seeds_tui.core.rubric import bundled_rubric_dir, load_rubric
>>> group_warnings(load_rubric(bundled_rubric_dir() / "seed-one-to-one.toml"))
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from seeds_tui.core.rubric import Rubric

__all__ = ["GROUP_WORDS", "GroupWarning", "group_warnings", "kinds_named"]

#: Word stems that mark a skill as clearly one kind. Matched at the start of a word of the
#: item's id (``_`` and ``-`` read as spaces) or text, case-insensitively.
GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "relationship": (
        "warm",
        "empath",
        "respect",
        "listen",
        "reflect",
        "rapport",
        "eye contact",
        "posture",
        "non-verbal",
        "nonverbal",
        "attentive",
        "affirm",
        "genuine",
        "open question",
        "motivat",
        "ambivalen",
        "change talk",
        "alliance",
        "collaborat",
    ),
    "structuring": (
        "agenda",
        "authority",
        "role",
        "rules",
        "requirement",
        "complian",
        "licence",
        "enforce",
        "problem",
        "options",
        "plan",
        "cognitive",
        "thinking",
        "thought",
        "pro-social",
        "prosocial",
        "anti-social",
        "reinforc",
        "disapprov",
        "task",
        "homework",
        "structure",
        "safeguard",
        "risk",
        "rehears",
    ),
}


@dataclass(frozen=True)
class GroupWarning:
    """An item in one shared group whose id or text reads as a skill of the other."""

    key: str
    field: str
    group: str
    words: tuple[str, ...]

    @property
    def other(self) -> str:
        """The shared group the item's words point to."""
        return "structuring" if self.group == "relationship" else "relationship"

    def __str__(self) -> str:
        said = ", ".join(repr(w) for w in self.words)
        return (
            f"item {self.key!r} counts as {self.group} but reads as a {self.other} skill ({said}); "
            f'set group = "{self.other}" on the item, or another group name if the shared meaning is not intended '
            f"(docs/rubric-format.md section 6)"
        )


def kinds_named(words: str) -> dict[str, tuple[str, ...]]:
    """The stems of ``GROUP_WORDS`` found in ``words``, by kind (kinds with none are left out).

    >>> kinds_named("Models and reinforces pro-social attitudes")
    {'structuring': ('pro-social', 'reinforc')}
    """
    text = " " + re.sub(r"[_\s]+", " ", words.lower()) + " "
    found: dict[str, tuple[str, ...]] = {}
    for kind, stems in GROUP_WORDS.items():
        hits = tuple(stem for stem in stems if re.search(r"(?<![a-z])" + re.escape(stem), text))
        if hits:
            found[kind] = hits
    return found


def group_warnings(rubric: Rubric) -> list[GroupWarning]:
    """Items counted as ``relationship`` or ``structuring`` whose id and text name only the other kind."""
    warnings: list[GroupWarning] = []
    for spos, section in enumerate(rubric.sections):
        for ipos, item in enumerate(section.items):
            group = item.group or section.group
            if group not in GROUP_WORDS:
                continue
            found = kinds_named(f"{item.id} {item.text}")
            other = "structuring" if group == "relationship" else "relationship"
            if other in found and group not in found:
                field = f"sections.{spos}.items.{ipos}" + (".group" if item.group else "")
                warnings.append(GroupWarning(f"{section.id}.{item.id}", field, group, found[other]))
    return warnings
