"""seeds-tui: observed practice in probation, in the terminal.

The names below are the stable Python API for scripts (see docs/scripting.md). Importing
``seeds_tui`` is cheap: each name loads its module on first use, and pandas loads only when
a table (DataFrame) is asked for.

>>> import tempfile
>>> from datetime import date
>>> import seeds_tui
>>> store = seeds_tui.open_store(tempfile.mkdtemp())
>>> _ = seeds_tui.generate_demo(store, 12, seed=3, today=date(2026, 11, 23))
>>> good, bad = seeds_tui.read_store(store)
>>> len(good), len(bad)
(12, 0)
>>> frame = seeds_tui.item_frame(store, rubric="seed-one-to-one")
>>> sorted(frame["rubric_id"].unique())
['seed-one-to-one']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

if TYPE_CHECKING:
    from seeds_tui.api import store_agreement
    from seeds_tui.calibration.across import StoreAgreement
    from seeds_tui.core.errors import (
        ConflictError,
        FileProblems,
        ObservationError,
        Problem,
        RubricError,
        RubricNotFound,
        SeedsError,
        StoreError,
    )
    from seeds_tui.core.observation import Observation, RubricRef, Score, Session
    from seeds_tui.core.rubric import LoadedRubric, Rubric, RubricRegistry
    from seeds_tui.core.scoring import SectionScore
    from seeds_tui.core.versions import remap_scores, upgrade
    from seeds_tui.demo.generator import generate_demo
    from seeds_tui.storage.importer import ImportResult, ImportRow
    from seeds_tui.storage.store import Store
    from seeds_tui.team.export import ExportError, Filters
    from seeds_tui.team.frames import SummaryData
    from seeds_tui.team.tables import SummaryTable

#: Names loaded on first use: name -> module that defines it.
_LAZY: dict[str, str] = {
    # errors
    "SeedsError": "seeds_tui.core.errors",
    "FileProblems": "seeds_tui.core.errors",
    "Problem": "seeds_tui.core.errors",
    "ObservationError": "seeds_tui.core.errors",
    "RubricError": "seeds_tui.core.errors",
    "RubricNotFound": "seeds_tui.core.errors",
    "StoreError": "seeds_tui.core.errors",
    "ConflictError": "seeds_tui.core.errors",
    # models and the store
    "Rubric": "seeds_tui.core.rubric",
    "LoadedRubric": "seeds_tui.core.rubric",
    "RubricRegistry": "seeds_tui.core.rubric",
    "Observation": "seeds_tui.core.observation",
    "Session": "seeds_tui.core.observation",
    "Score": "seeds_tui.core.observation",
    "RubricRef": "seeds_tui.core.observation",
    "Store": "seeds_tui.storage.store",
    # scoring, versions, import, export, demo data
    "SectionScore": "seeds_tui.core.scoring",
    "remap_scores": "seeds_tui.core.versions",
    "upgrade": "seeds_tui.core.versions",
    "ImportResult": "seeds_tui.storage.importer",
    "ImportRow": "seeds_tui.storage.importer",
    "Filters": "seeds_tui.team.export",
    "ExportError": "seeds_tui.team.export",
    "SummaryData": "seeds_tui.team.frames",
    "SummaryTable": "seeds_tui.team.tables",
    "generate_demo": "seeds_tui.demo.generator",
    # the script functions
    "rubrics": "seeds_tui.api",
    "load_rubric": "seeds_tui.api",
    "get_rubric": "seeds_tui.api",
    "load_observation": "seeds_tui.api",
    "check_observation": "seeds_tui.api",
    "open_store": "seeds_tui.api",
    "iter_observations": "seeds_tui.api",
    "read_store": "seeds_tui.api",
    "save_draft": "seeds_tui.api",
    "finalise": "seeds_tui.api",
    "section_scores": "seeds_tui.api",
    "item_frame": "seeds_tui.api",
    "observation_frame": "seeds_tui.api",
    "summary_data": "seeds_tui.api",
    "summary_tables": "seeds_tui.api",
    "import_files": "seeds_tui.api",
    "write_export": "seeds_tui.api",
    "store_agreement": "seeds_tui.api",
    "StoreAgreement": "seeds_tui.calibration.across",
}

__all__ = [
    "ConflictError",
    "ExportError",
    "FileProblems",
    "Filters",
    "ImportResult",
    "ImportRow",
    "LoadedRubric",
    "Observation",
    "ObservationError",
    "Problem",
    "Rubric",
    "RubricError",
    "RubricNotFound",
    "RubricRef",
    "RubricRegistry",
    "Score",
    "SectionScore",
    "SeedsError",
    "Session",
    "Store",
    "StoreAgreement",
    "StoreError",
    "SummaryData",
    "SummaryTable",
    "__version__",
    "check_observation",
    "finalise",
    "generate_demo",
    "get_rubric",
    "import_files",
    "item_frame",
    "iter_observations",
    "load_observation",
    "load_rubric",
    "observation_frame",
    "open_store",
    "read_store",
    "remap_scores",
    "rubrics",
    "save_draft",
    "section_scores",
    "store_agreement",
    "summary_data",
    "summary_tables",
    "upgrade",
    "write_export",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'seeds_tui' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
