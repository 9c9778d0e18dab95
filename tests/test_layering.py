"""The layers stay apart: the project's own import directions, and no stray frameworks.

Checked statically over every import statement in the package (inside functions
and ``TYPE_CHECKING`` blocks too, relative ones resolved), and at run time
(importing core, store and config leaves no GUI or web framework loaded).
``ALLOWED`` is the table in ARCHITECTURE.md; a module outside every layer in it
fails the test, so a new top-level module has to be placed in the table.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import human_pretraining

PACKAGE = Path(human_pretraining.__file__).parent
ROOT = "human_pretraining"

# Which of the package's own layers each layer may import (besides itself).
# ``package`` is ``human_pretraining/__init__.py`` (the version string).
ALLOWED: dict[str, frozenset[str]] = {
    "package": frozenset(),
    "core": frozenset(),  # the pure domain: the standard library only
    "contracts": frozenset(),  # finds shared/
    "atomic": frozenset(),  # the one atomic file write
    "store": frozenset({"core", "atomic"}),  # atomic: the private file mode
    "config": frozenset({"core", "contracts", "atomic"}),
    "autostart": frozenset({"atomic"}),  # must work without the config or the database
    "services": frozenset({"core", "store", "config", "contracts", "atomic"}),
    # The endpoint talks to services only; config for ConfigError's answer, never store.
    "api": frozenset({"package", "core", "config", "contracts", "services"}),
    "monitor": frozenset({"core", "config", "services"}),
    "app": frozenset({"core", "config", "store", "services", "api", "monitor"}),
    # The window: services, and the runtime that runs beside it; never store or monitor.
    "gui": frozenset({"package", "core", "config", "services", "app", "api", "autostart"}),
    # The command line: parsing and printing over services; never store.
    "cli": frozenset(
        {"package", "core", "config", "services", "app", "api", "monitor", "gui", "autostart"}
    ),
    "__main__": frozenset({"cli"}),
}

FORBIDDEN = {
    "core": ("PySide6", "flask", "waitress", "sqlalchemy", "alembic"),
    "store": ("PySide6", "flask", "waitress"),
    "config": ("PySide6", "flask", "waitress", "sqlalchemy"),
    # Every surface calls the services; only api/ and app.py may know about HTTP.
    "services": ("PySide6", "flask", "waitress", "werkzeug"),
    "monitor": ("PySide6", "flask", "waitress", "werkzeug"),
    # The GUI's settings page and the CLI both call it; it needs neither.
    "autostart": ("PySide6", "flask", "waitress", "werkzeug", "sqlalchemy"),
}


def module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([ROOT, *parts])


def layer_of(module: str) -> str:
    """``human_pretraining.services.copy`` → ``services``; the package itself → ``package``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "package"


def imported_modules(path: Path, package: Path = PACKAGE) -> set[str]:
    """Every module ``path`` imports, absolute (``from . import x`` resolved against it)."""
    tree = ast.parse(path.read_text("utf-8"))
    here = module_name(path, package).split(".")
    if path.name != "__init__.py":
        here.pop()  # relative imports start from the module's package
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                start = here[: len(here) - node.level + 1]
                base = ".".join([*start, *([base] if base else [])])
            if base == ROOT:  # ``from human_pretraining import gui`` imports the layer named
                names.update(f"{ROOT}.{alias.name}" for alias in node.names)
            else:
                names.add(base)
    return names


def own_import_violations(package: Path) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        source = module_name(path, package)
        layer = layer_of(source)
        if layer not in ALLOWED:
            found.append(
                f"{source} is in no layer of ALLOWED (add it there and to ARCHITECTURE.md)"
            )
            continue
        for name in sorted(imported_modules(path, package)):
            if name != ROOT and not name.startswith(ROOT + "."):
                continue
            target = layer_of(name)
            if target not in ALLOWED:  # ``from human_pretraining import __version__``
                target = "package"
            if target != layer and target not in ALLOWED[layer]:
                found.append(f"{source} imports {name} ({layer} may not import {target})")
    return sorted(set(found))


def test_the_package_keeps_its_own_import_directions() -> None:
    assert own_import_violations(PACKAGE) == []


def test_no_service_imports_the_composition_root() -> None:
    """``services.context`` wires the services; they get their pieces, never the whole App."""
    root = f"{ROOT}.services.context"
    importers = [
        module_name(path, PACKAGE)
        for path in sorted((PACKAGE / "services").rglob("*.py"))
        if path.name != "context.py" and root in imported_modules(path)
    ]
    assert importers == []


@pytest.mark.parametrize(
    ("layer", "line", "imported"),
    [
        ("services", "from human_pretraining.gui.tray import Tray", "gui.tray"),
        ("services", "import human_pretraining.api.server", "api.server"),
        ("services", "from human_pretraining import monitor", "monitor"),
        ("api", "from human_pretraining.store.models import Purchase", "store.models"),
        ("core", "from human_pretraining.config.paths import Paths", "config.paths"),
        ("core", "from ..services import context", "services"),
        ("gui", "from human_pretraining.store.ledger import balance", "store.ledger"),
        ("cli", "from human_pretraining.store.database import open_database", "store.database"),
    ],
)
def test_a_banned_import_is_reported(tmp_path: Path, layer: str, line: str, imported: str) -> None:
    package = tmp_path / ROOT
    package.mkdir()
    (package / "__init__.py").write_text("")
    if layer == "cli":
        module, name = package / "cli.py", f"{ROOT}.cli"
    else:
        (package / layer).mkdir()
        (package / layer / "__init__.py").write_text("")
        module, name = package / layer / "sample.py", f"{ROOT}.{layer}.sample"
    # Inside a function: an import run late is still an import.
    module.write_text(f'"""A sample."""\n\n\ndef later() -> None:\n    {line}\n')
    banned = imported.split(".")[0]
    assert own_import_violations(package) == [
        f"{name} imports {ROOT}.{imported} ({layer} may not import {banned})"
    ]


def test_a_module_outside_every_layer_is_reported(tmp_path: Path) -> None:
    package = tmp_path / ROOT
    package.mkdir()
    (package / "helpers.py").write_text('"""Somewhere new."""\n')
    assert own_import_violations(package) == [
        "human_pretraining.helpers is in no layer of ALLOWED (add it there and to ARCHITECTURE.md)"
    ]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_source_imports_nothing_forbidden(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"no modules found in {layer}/"
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in files
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN[layer]
    ]
    assert offenders == []


def test_importing_the_layers_loads_no_gui_or_web_framework() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import human_pretraining.core, human_pretraining.store, human_pretraining.config\n"
        "for pkg in (human_pretraining.core, human_pretraining.store, human_pretraining.config):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if '.migrations' not in m.name:\n"
        "            importlib.import_module(m.name)\n"
        "roots = ('PySide6', 'flask', 'waitress')\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in roots)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_the_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / ROOT / "bad.py"
    sample.parent.mkdir()
    sample.write_text("from PySide6.QtWidgets import QWidget\nimport flask\n")
    assert {"PySide6.QtWidgets", "flask"} <= imported_modules(sample, tmp_path / ROOT)
