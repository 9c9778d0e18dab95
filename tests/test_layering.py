"""The layers stay apart: core, store, config and services never import Qt or Flask.

Checked twice: statically (every import statement in the source) and at run time
(importing every module of those packages leaves no GUI or web framework loaded).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import human_pretraining

PACKAGE = Path(human_pretraining.__file__).parent
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


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


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
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtWidgets import QWidget\nimport flask\n")
    assert {"PySide6.QtWidgets", "flask"} <= imported_modules(sample)
