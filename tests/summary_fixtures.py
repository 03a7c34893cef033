"""Small hand-built rubrics and stores for the summary tests, made through the product's own code."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from seeds_tui.core.observation import (
    Action,
    CarriedAction,
    Feedback,
    LinkedNote,
    RubricRef,
    Score,
    Session,
    new_observation,
    observation_to_toml,
)
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.atomic import write_atomic
from seeds_tui.storage.store import Store

MINI_V1 = """
schema = "seeds-rubric/1"
id = "mini"
version = "1.0.0"
title = "Mini rubric"

[scales.q]
levels = [{value = 0, label = "Missed"}, {value = 1, label = "Partly"}, {value = 2, label = "Clearly"}]

[scales.g5]
levels = [{value = 1, label = "1"}, {value = 2, label = "2"}, {value = 3, label = "3"}, {value = 4, label = "4"}, {value = 5, label = "5"}]

[[sections]]
id = "open"
title = "Opening"
group = "structuring"
items = [{id = "a", text = "Agrees the agenda", scale = "q"}, {id = "b", text = "Reviews last time", scale = "q"}]

[[sections]]
id = "talk"
title = "Talking"
group = "relationship"
items = [{id = "c", text = "Open questions", scale = "q"}, {id = "d", text = "Reflections", scale = "q"}]

[[globals]]
id = "overall"
title = "Overall"
scale = "g5"

[[counters]]
id = "questions"
title = "Questions"
key = "q"

[[counters]]
id = "reflections"
title = "Reflections"
key = "r"

[[indicators]]
id = "r2q"
title = "Reflections per question"
numerator = ["reflections"]
denominator = ["questions"]
"""

# v2: item open.a renamed to open.a2, talk.d retired, open.e added.
MINI_V2 = """
schema = "seeds-rubric/1"
id = "mini"
version = "2.0.0"
title = "Mini rubric"
renamed = {"open.a" = "open.a2"}
retired = ["talk.d"]

[scales.q]
levels = [{value = 0, label = "Missed"}, {value = 1, label = "Partly"}, {value = 2, label = "Clearly"}]

[scales.g5]
levels = [{value = 1, label = "1"}, {value = 2, label = "2"}, {value = 3, label = "3"}, {value = 4, label = "4"}, {value = 5, label = "5"}]

[[sections]]
id = "open"
title = "Opening"
group = "structuring"
items = [
  {id = "a2", text = "Agrees the agenda", scale = "q"},
  {id = "b", text = "Reviews last time", scale = "q"},
  {id = "e", text = "Explains the role", scale = "q"},
]

[[sections]]
id = "talk"
title = "Talking"
group = "relationship"
items = [{id = "c", text = "Open questions", scale = "q"}]

[[globals]]
id = "overall"
title = "Overall"
scale = "g5"

[[counters]]
id = "questions"
title = "Questions"
key = "q"

[[counters]]
id = "reflections"
title = "Reflections"
key = "r"

[[indicators]]
id = "r2q"
title = "Reflections per question"
numerator = ["reflections"]
denominator = ["questions"]
"""

OTHER = """
schema = "seeds-rubric/1"
id = "other"
version = "1.0.0"
title = "Other rubric"

[scales.q]
levels = [{value = 1, label = "Low"}, {value = 2, label = "Mid"}, {value = 3, label = "High"}]

[[sections]]
id = "whole"
title = "Whole session"
items = [{id = "x", text = "Something", scale = "q"}]
"""


def registry(tmp_path: Path, *, v2: bool = False, other: bool = False) -> RubricRegistry:
    """A registry over a folder holding the mini rubric (and optionally v2 and another rubric)."""
    folder = tmp_path / "rubrics"
    folder.mkdir(exist_ok=True)
    (folder / "mini-1.toml").write_text(MINI_V1)
    if v2:
        (folder / "mini-2.toml").write_text(MINI_V2)
    if other:
        (folder / "other.toml").write_text(OTHER)
    return RubricRegistry([folder])


def score(value: int | str) -> Score:
    """A level value, or the code "NA" / "NO"."""
    return Score(code=value) if isinstance(value, str) else Score(value=value)


def add(
    store: Store,
    *,
    team: str,
    practitioner: str,
    scores: dict[str, int | str],
    when: date = date(2026, 5, 4),
    status: str = "final",
    rubric: str = "mini",
    version: str = "1.0.0",
    globals_: dict[str, int] | None = None,
    counters: dict[str, int] | None = None,
    development: list[str] = (),  # type: ignore[assignment]
    strengths: list[str] = (),  # type: ignore[assignment]
    actions: int = 0,
    observer: str = "Sam Observer",
    session_ref: str | None = None,
    agreed: list[tuple[str, str | None]] = (),  # type: ignore[assignment]
    carried: list[tuple[str, int, str | None]] = (),  # type: ignore[assignment]
) -> str:
    """Write one observation (scores keyed "section.item") into the store; return its id.

    With ``session_ref`` it is one observer's file of a double-scored (calibration) session.
    ``agreed`` adds actions (text, linked item or None) after ``actions`` plain ones; ``carried``
    adds carried actions (source observation id, index, status or None for not yet reviewed)."""
    stamp = datetime(when.year, when.month, when.day, 10, 0, tzinfo=UTC)
    obs = new_observation(
        rubric=RubricRef(id=rubric, version=version, sha256="0" * 64),
        session=Session(
            date=when,
            observer=observer,
            practitioner=practitioner,
            team=team,
            consent_recorded=True,
            purpose="calibration" if session_ref else "developmental",
            session_ref=session_ref,
        ),
        when=stamp,
    )
    nested: dict[str, dict[str, Score]] = {}
    for key, value in scores.items():
        section, item = key.split(".")
        nested.setdefault(section, {})[item] = score(value)
    feedback = Feedback(
        strengths=[LinkedNote(text="Good", item=k) for k in strengths],
        development_areas=[LinkedNote(text="Work on it", item=k) for k in development],
        actions=[Action(text="Practise") for _ in range(actions)] + [Action(text=t, item=i) for t, i in agreed],
        carried=[CarriedAction(source=src, index=n, text="Carried", status=st) for src, n, st in carried],  # type: ignore[arg-type]
    )
    obs = obs.model_copy(
        update={
            "status": status, "finalised": stamp if status == "final" else None, "revision": 1, "scores": nested,
            "globals": globals_ or {}, "counters": counters or {}, "feedback": feedback,
        }
    )  # fmt: skip
    store.ensure()
    path = store.final_path(obs.id) if status == "final" else store.draft_path(obs.id)
    write_atomic(path, observation_to_toml(obs).encode("utf-8"))
    return obs.id
