"""The package's layers (DESIGN.md, "Layers"): data flows one way, and no file imports a file that imports it back.

Each folder of ``seeds_tui`` is one layer. A module may import modules of its own layer or of a
lower one, never of a higher one, and layers on one level do not import each other. Every import
counts: at module level, inside a function (imported late for speed) or only for type checking,
because each is a dependency a reader has to follow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "seeds_tui"

#: Folder -> level. Higher levels may import lower ones; one level's folders stay apart.
LEVELS: dict[str, int] = {
    "core": 0,
    "storage": 1,
    "calibration": 2,
    "team": 2,
    "render": 3,
    "demo": 3,
    "api": 4,
    "tui": 5,
    "cli": 6,  # the entry point: it opens the app, the app never calls the command line
}

#: Top-level packages a layer must not load (pandas only where tables are built).
FORBIDDEN: dict[str, set[str]] = {
    "core": {"textual", "rich", "pandas", "numpy", "pyarrow"},
    "storage": {"textual", "rich", "pandas", "numpy", "pyarrow"},
    "calibration": {"textual", "rich", "pandas", "numpy", "pyarrow"},
    "team": {"textual", "rich"},
    "render": {"textual"},
    "demo": {"textual", "rich", "pandas", "numpy"},
}


def _module_name(path: Path) -> str:
    parts = ["seeds_tui", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str | None:
    """The layer of a module (``seeds_tui.team.frames`` -> ``team``); None for the package itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__main__" else None


def _imports(path: Path) -> set[str]:
    """Every module of ``seeds_tui`` (or outside it) that ``path`` imports, anywhere in the file."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            # `from seeds_tui.team import frames` imports the module seeds_tui.team.frames.
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                if _source(candidate) is not None:
                    found.add(candidate)
    return found


def _source(module: str) -> Path | None:
    if not module.startswith("seeds_tui"):
        return None
    rel = Path(*module.split(".")[1:])
    for path in (PACKAGE / rel.with_suffix(".py"), PACKAGE / rel / "__init__.py"):
        if path.is_file():
            return path
    return None


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: {m for m in _imports(path) if m in MODULES and m != name} for name, path in MODULES.items()}


def test_every_module_is_in_a_known_layer() -> None:
    unknown = sorted({_layer(m) for m in MODULES} - set(LEVELS) - {None})
    assert unknown == [], f"folders or modules with no layer in LEVELS: {unknown}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) is not None))
def test_no_module_imports_a_higher_or_sibling_layer(module: str) -> None:
    """``seeds_tui.core`` imports nothing above it, ``team`` nothing of ``tui``, and so on."""
    own = _layer(module)
    assert own is not None
    wrong = sorted(
        target for target in GRAPH[module] if (layer := _layer(target)) is not None and layer != own and LEVELS[layer] >= LEVELS[own]
    )
    assert wrong == [], f"{module} ({own}) imports a layer at or above its own: {wrong}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) in FORBIDDEN))
def test_layers_do_not_import_what_they_must_not_load(module: str) -> None:
    forbidden = FORBIDDEN[_layer(module) or ""]
    loaded = sorted(m for m in _imports(MODULES[module]) if m.split(".")[0] in forbidden)
    assert loaded == [], f"{module} imports {loaded}"


def _cycles(modules: set[str]) -> list[list[str]]:
    """Import cycles among ``modules`` (package ``__init__`` files aside, which only re-export)."""
    graph = {m: {t for t in GRAPH[m] if t in modules and MODULES[t].name != "__init__.py"} for m in modules}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_no_import_cycles_between_files() -> None:
    """Following imports from any module of the library never leads back to it."""
    cycles = _cycles({m for m in MODULES if _layer(m) not in (None, "tui")})
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_import_cycles_in_the_app() -> None:
    """Screens import no screen and not the app class, so the app's files form no cycle either."""
    cycles = _cycles({m for m in MODULES if _layer(m) == "tui"})
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if m.startswith("seeds_tui.tui.screens.") and MODULES[m].name != "__init__.py")
)
def test_a_screen_imports_no_other_screen_and_not_the_app(module: str) -> None:
    """Screens share pieces through widgets, dialogs, commands and controllers, and see the app through its Protocol."""
    wrong = sorted(t for t in GRAPH[module] if t == "seeds_tui.tui.app" or (t.startswith("seeds_tui.tui.screens.") and t != module))
    assert wrong == [], f"{module} imports {wrong}"


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if m.startswith("seeds_tui.tui.screens.") and MODULES[m].name != "__init__.py")
)
def test_a_screen_reaches_the_store_only_through_controllers(module: str) -> None:
    """Screens call controllers (``tui/controllers``); only controllers import the storage layer."""
    wrong = sorted(t for t in _imports(MODULES[module]) if _layer(t) == "storage" or t == "seeds_tui.storage")
    assert wrong == [], f"{module} imports {wrong}: ask a controller instead"
