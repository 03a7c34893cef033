"""Shared builders for the core tests: a small hand-written rubric and observations scored on it.

Everything here goes through the product's own code (``load_rubric``, ``new_observation``,
``Store``); nothing depends on the bundled rubrics, which are tested elsewhere.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from seeds_tui.core.observation import Observation, RubricRef, Score, Session, new_observation, observation_to_toml
from seeds_tui.core.rubric import Rubric, load_rubric

#: A value planted in personal fields; no error message may ever contain it.
SECRET = "SECRET-NAME-123"

#: A small but complete rubric: two scales, two sections (one optional item), a global,
#: two counters, a ratio indicator and a mean indicator.
SMALL_RUBRIC = """\
schema = "seeds-rubric/1"
id = "small"
version = "1.2.0"
title = "Small test rubric"
description = "Two sections, enough to exercise every rule."

[scales.quality]
title = "Quality"

[[scales.quality.levels]]
value = 0
label = "Missed"
descriptor = "Not done."

[[scales.quality.levels]]
value = 1
label = "Emerging"

[[scales.quality.levels]]
value = 2
label = "Competent"

[[scales.quality.levels]]
value = 3
label = "Skilful"

[scales.global5]

[[scales.global5.levels]]
value = 1
label = "Poor"

[[scales.global5.levels]]
value = 2
label = "Limited"

[[scales.global5.levels]]
value = 3
label = "Adequate"

[[scales.global5.levels]]
value = 4
label = "Good"

[[scales.global5.levels]]
value = 5
label = "Excellent"

[[sections]]
id = "structure"
title = "Structuring the session"
group = "structuring"

[[sections.items]]
id = "agenda"
text = "Sets an agenda together"
scale = "quality"

[[sections.items]]
id = "review"
text = "Reviews the last session"
scale = "quality"
required = false
guidance = "Only when there was a last session."

[[sections]]
id = "relationship"
title = "Working relationship"
group = "relationship"

[[sections.items]]
id = "empathy"
text = "Shows empathy"
scale = "quality"

[[globals]]
id = "partnership"
title = "Partnership"
scale = "global5"

[[globals]]
id = "empathy_global"
title = "Empathy overall"
scale = "global5"

[[counters]]
id = "question"
title = "Open question"
key = "q"

[[counters]]
id = "reflection"
title = "Reflection"
key = "r"

[[indicators]]
id = "reflection_ratio"
title = "Reflections per question"
numerator = ["reflection"]
denominator = ["question"]

[[indicators]]
id = "reflection_share"
title = "Reflections as a share of questions"
numerator = ["reflection"]
denominator = ["question"]
percent = true

[[indicators]]
id = "relational"
title = "Relational mean"
mean_of = ["partnership", "empathy_global"]
"""

STAMP = datetime(2026, 11, 23, 10, 30, 0, tzinfo=timezone(timedelta(hours=1)))


def write_rubric(folder: Path, text: str = SMALL_RUBRIC, name: str = "small.toml") -> Path:
    """Write rubric ``text`` into ``folder`` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def small_rubric(folder: Path) -> Rubric:
    """The small rubric, loaded from a real file under ``folder``."""
    return load_rubric(write_rubric(folder))


def rubric_ref(text: str = SMALL_RUBRIC) -> RubricRef:
    """A reference to the small rubric, with the sha256 of its text."""
    return RubricRef(id="small", version="1.2.0", sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def session(**changes: object) -> Session:
    """A plausible session (no names of people on probation, ever)."""
    fields: dict[str, object] = {
        "date": date(2026, 11, 23),
        "observer": "Sam Observer",
        "practitioner": SECRET,
        "team": "North",
        "mode": "in_person",
        "purpose": "developmental",
        "consent_recorded": True,
    }
    fields.update(changes)
    return Session(**fields)


def draft(**session_changes: object) -> Observation:
    """A fresh draft observation against the small rubric."""
    return new_observation(rubric=rubric_ref(), session=session(**session_changes), when=STAMP)


def scored(obs: Observation | None = None) -> Observation:
    """A draft with every required item of the small rubric scored."""
    obs = obs or draft()
    scores = {
        "structure": {"agenda": Score(value=2, evidence="Agreed three topics", elapsed=120)},
        "relationship": {"empathy": Score(value=3, elapsed=600)},
    }
    return obs.model_copy(update={"scores": scores, "globals": {"partnership": 4}, "counters": {"question": 5, "reflection": 3}})


def observation_text(obs: Observation | None = None) -> str:
    """The TOML text of an observation (a scored draft by default)."""
    return observation_to_toml(obs or scored())
