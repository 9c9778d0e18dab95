"""The extension's own checks, run by pytest so CI runs them: ``node --test`` and ``web-ext lint``.

``npm ci`` installs the locked devDependencies (web-ext) from the npm registry when
``extension/node_modules`` is missing. Node 20 and npm must be installed (Debian:
``apt-get install nodejs npm``); a missing tool fails with that hint.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

EXTENSION = Path(__file__).resolve().parents[2] / "extension"
HINT = "Node.js 20 and npm are needed: apt-get install -y nodejs npm"
# One manifest serves both browsers; Firefox ignores the Chrome service worker key
# (it uses background.scripts) and web-ext says so. Any other warning fails.
EXPECTED_WARNINGS = {"BACKGROUND_SERVICE_WORKER_IGNORED"}
LINT_IGNORED = ["package.json", "package-lock.json", "test/**", "node_modules/**", "README.md"]


def run(args: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=EXTENSION, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def node_modules() -> Path:
    for tool in ("node", "npm", "npx"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} not found. {HINT}", pytrace=False)
    modules = EXTENSION / "node_modules"
    if not (modules / ".bin" / "web-ext").exists():
        done = run(["npm", "ci", "--no-audit", "--no-fund"], timeout=600)
        assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"
    return modules


def test_node_unit_tests_pass() -> None:
    if shutil.which("node") is None:
        pytest.fail(f"node not found. {HINT}", pytrace=False)
    done = run(["node", "--test", "test/"])
    assert done.returncode == 0, f"node --test failed:\n{done.stdout}\n{done.stderr}"
    assert "# fail 0" in done.stdout and "# pass " in done.stdout, done.stdout


def test_web_ext_lint_passes(node_modules: Path) -> None:
    done = run(
        [
            str(node_modules / ".bin" / "web-ext"),
            "lint",
            "--source-dir",
            ".",
            "--output",
            "json",
            "--ignore-files",
            *LINT_IGNORED,
        ]
    )
    report = json.loads(done.stdout)
    assert report["summary"]["errors"] == 0, json.dumps(report["errors"], indent=2)
    warnings = {w["code"] for w in report["warnings"]}
    assert warnings <= EXPECTED_WARNINGS, json.dumps(report["warnings"], indent=2)


def test_the_manifest_has_the_fixed_identities() -> None:
    manifest = json.loads((EXTENSION / "manifest.json").read_text("utf-8"))
    identity = json.loads((EXTENSION.parent / "shared" / "extension-identity.json").read_text())
    assert manifest["key"] == identity["chrome"]["key"]
    assert manifest["browser_specific_settings"]["gecko"]["id"] == identity["gecko"]["id"]
    assert manifest["manifest_version"] == 3
    background = manifest["background"]
    assert background["service_worker"] == background["scripts"][0] == "background/main.js"
    # Every permission is one the README justifies.
    readme = (EXTENSION / "README.md").read_text("utf-8")
    for permission in manifest["permissions"] + manifest["host_permissions"]:
        assert f"`{permission}`" in readme, f"{permission} is not justified in extension/README.md"
