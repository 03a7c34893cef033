"""Synthetic answers to the shipped questionnaire, for the demo store.

About a third of the sessions the demo writes get a response from the person on probation: the
month of the session, its team, and (for about half) the practitioner. Answers lean on the team
and the practitioner and improve a little over time, a few statements are "prefer not to say",
and some people write a short comment. The same seed always gives byte-identical files (ids come
from the seeded generator, never from the clock).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date

from seeds_tui.core.questionnaire import PREFER_NOT, RESPONSE_SCHEMA, Questionnaire, load_questionnaire, month_of, response_from_data
from seeds_tui.storage.atomic import ensure_dir, write_atomic
from seeds_tui.storage.responses import RESPONSES, month_only_time
from seeds_tui.storage.store import Store

#: Share of sessions that get a response.
RESPONSE_SHARE = 0.35

#: Comments people might write (our own words; no names, no dates).
COMMENTS = (
    "They explained what happens next and why.",
    "I was listened to this time.",
    "It felt rushed today.",
    "I would like more say in my plan.",
    "Good to have the same officer every time.",
    "The meeting was clear and to the point.",
    "I did not understand all of the conditions.",
    "They helped me sort out my appointments.",
)

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def write_responses(
    store: Store, sessions: Iterable[tuple[date, str, str]], *, seed: int, questionnaire: Questionnaire | None = None
) -> int:
    """Write demo responses for some of ``sessions`` (date, team, practitioner); return how many."""
    from seeds_tui.core.questionnaire import bundled_questionnaire_dir

    q = questionnaire or load_questionnaire(bundled_questionnaire_dir() / "voice-of-people-on-probation.toml")
    rng = random.Random(f"{seed}-voice")
    team_lean: dict[str, float] = {}
    person_lean: dict[str, float] = {}
    folder = RESPONSES.dir(store)
    ensure_dir(folder)
    written = 0
    for day, team, practitioner in sorted(sessions):
        if rng.random() >= RESPONSE_SHARE:
            continue
        lean = team_lean.setdefault(team, rng.uniform(-0.6, 0.5)) + person_lean.setdefault(practitioner, rng.uniform(-0.5, 0.5))
        answers: dict[str, int | str] = {}
        for s in q.statements:
            pick = rng.random()
            if pick < 0.05:
                continue  # left out
            if pick < 0.10:
                answers[s.id] = PREFER_NOT
                continue
            answers[s.id] = max(1, min(5, round(3.7 + lean + 0.08 * (day.year - 2025) + rng.gauss(0, 0.8))))
        data: dict[str, object] = {
            "schema": RESPONSE_SCHEMA,
            "id": "".join(rng.choice(_ALPHABET) for _ in range(16)),
            "questionnaire": {"id": q.id, "version": q.version},
            "month": month_of(day.year, day.month),
            "team": team,
            "answers": answers,
        }
        if rng.random() < 0.5:
            data["practitioner"] = practitioner
        if rng.random() < 0.3:
            data["comment"] = rng.choice(COMMENTS)
            data["comment_flagged"] = False
        response = response_from_data(data)
        write_atomic(folder / f"{response.id}.toml", response.to_toml().encode("utf-8"), durable=False)
        month_only_time(folder / f"{response.id}.toml", response.month)  # as the app keeps them
        written += 1
    return written


__all__ = ["COMMENTS", "write_responses"]
