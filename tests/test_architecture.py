"""The package's layout holds (docs/architecture.md): who may import whom, and no circles.

Every import of the package's own modules is read from the source (module level and inside
functions alike), so a lazy import cannot hide a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "selfcheck"

#: What each layer may import of the package (besides itself). The top-level modules
#: config, db, i18n, logs, security and ratelimit are the app's infrastructure.
PURE = {"selfcheck.limits", "selfcheck.dates", "selfcheck.resources"}
ALLOWED = {
    "selfcheck.core": PURE,
    "selfcheck.exchange": PURE | {"selfcheck.core"},
    "selfcheck.report": PURE | {"selfcheck.core", "selfcheck.exchange"},
    "selfcheck.services": PURE | {"selfcheck.core", "selfcheck.exchange", "selfcheck.models",
                                  "selfcheck.revisions"},
}
#: Libraries the pure core must not use: it runs without an app, a database or a PDF.
NOT_IN_CORE = ("flask", "flask_babel", "flask_wtf", "flask_login", "flask_limiter", "werkzeug",
               "sqlalchemy", "alembic", "weasyprint", "wtforms", "jinja2")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The modules ``name`` imports: the package's own by module name, others by top name."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else base)
    return found


GRAPH = {name: {m for m in _imports(name, path) if m in MODULES} - {name}
         for name, path in MODULES.items()}


def _layer(module: str) -> str | None:
    return next((layer for layer in ALLOWED if module == layer or
                 module.startswith(layer + ".")), None)


def test_the_layout_has_the_folders_of_the_architecture():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert {"core", "exchange", "services", "report", "web", "cli"} <= folders
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 15, top


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m)))
def test_each_layer_imports_only_what_it_may(module):
    layer = _layer(module)
    allowed = ALLOWED[layer] | {layer}
    wrong = sorted(m for m in GRAPH[module]
                   if not any(m == a or m.startswith(a + ".") for a in allowed))
    assert wrong == [], f"{module} may not import {wrong} (docs/architecture.md)"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) == "selfcheck.core"))
def test_the_core_uses_no_flask_sqlalchemy_or_weasyprint(module):
    libraries = {m.split(".")[0] for m in _imports(module, MODULES[module])}
    assert sorted(libraries & set(NOT_IN_CORE)) == []


def test_nothing_imports_the_web_or_the_command_line():
    for module, imported in GRAPH.items():
        if module.startswith(("selfcheck.web", "selfcheck.cli")) or module == "selfcheck":
            continue  # create_app wires the web in; the areas import each other's helpers
        assert not any(m.startswith(("selfcheck.web", "selfcheck.cli")) for m in imported), \
            module


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles_between_the_packages_modules():
    assert _cycles(GRAPH) == []


def test_the_circle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_architecture_doc_names_every_module():
    """docs/architecture.md matches the tree: every module is named there, and every module
    it names exists."""
    import re

    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(selfcheck/[\w/]+\.py)`", doc))
    modules = {str(path.relative_to(PACKAGE.parent)) for path in MODULES.values()}
    listed = {m for m in modules if not m.endswith("__init__.py")}
    assert sorted(listed - named) == [], "modules missing from docs/architecture.md"
    assert sorted(named - modules) == [], "docs/architecture.md names modules that do not exist"
