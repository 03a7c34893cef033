"""The domain core imports neither Textual nor pandas (DESIGN.md: "rules of the house").

Each module is imported in a fresh interpreter, so one module's imports cannot hide
another's, and ``sys.modules`` is checked for the forbidden packages.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

CORE_MODULES = [
    "seeds_tui",
    "seeds_tui.core.errors",
    "seeds_tui.core.tomlio",
    "seeds_tui.core.models",
    "seeds_tui.core.rubric",
    "seeds_tui.core.observation",
    "seeds_tui.core.scoring",
    "seeds_tui.storage.atomic",
    "seeds_tui.storage.store",
    "seeds_tui.storage.settings",
]

FORBIDDEN = ("textual", "pandas", "numpy", "pyarrow", "rich")

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {forbidden!r})))
"""


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_no_ui_or_tables(module: str) -> None:
    """Importing a core module loads no Textual, Rich, pandas, numpy or pyarrow."""
    code = PROBE.format(forbidden=set(FORBIDDEN))
    result = subprocess.run(
        [sys.executable, "-c", code, module],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == [], f"{module} imports {loaded}"
