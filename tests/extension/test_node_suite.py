"""The extension's own checks, run by pytest so CI runs them: ``node --test`` and ``web-ext lint``.

``npm ci`` installs the locked devDependencies (web-ext) from the npm registry when
``extension/node_modules`` is missing. Node 20 and npm must be installed (Debian:
``apt-get install nodejs npm``); a missing tool fails with that hint.
"""

from __future__ import annotations

import json
import re
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


def tap_summary(stdout: str) -> dict[str, int]:
    """The counts at the end of node --test's TAP output (``# tests 12``, ``# fail 0``, ...)."""
    return {key: int(n) for key, n in re.findall(r"^# (\w+) (\d+)$", stdout, re.MULTILINE)}


def node_run_problems(done: subprocess.CompletedProcess[str]) -> list[str]:
    """Why a ``node --test`` run is not a pass; empty when it is one."""
    problems = []
    if done.returncode != 0:
        problems.append(f"exit status {done.returncode}")
    summary = tap_summary(done.stdout)
    # A run where nothing ran must not pass. Node 20 reports a file that registered
    # no tests as one passing test named after the file, so those are not counted.
    empty = re.findall(r"^ok \d+ - (\S+\.test\.js)$", done.stdout, re.MULTILINE)
    problems += [f"{Path(name).name}: no tests ran" for name in empty]
    if summary.get("tests", 0) - len(empty) <= 0:
        problems.append("no tests ran")
    if summary.get("fail", 1) != 0:
        problems.append(f"{summary.get('fail', 'an unknown number of')} tests failed")
    if summary.get("pass") != summary.get("tests"):
        problems.append("not every test passed")
    return problems


def test_node_unit_tests_pass() -> None:
    if shutil.which("node") is None:
        pytest.fail(f"node not found. {HINT}", pytrace=False)
    # The same files as `npm test` (test/*.test.js); helpers in test/fakes/ are not tests.
    files = sorted(str(path.relative_to(EXTENSION)) for path in EXTENSION.glob("test/*.test.js"))
    assert files, "no test files match extension/test/*.test.js"
    done = run(["node", "--test", *files])
    problems = node_run_problems(done)
    assert not problems, f"node --test: {problems}\n{done.stdout}\n{done.stderr}"


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("// a test file whose tests never registered\n", "x.test.js: no tests ran"),
        ('import {test} from "node:test"; test("x", () => assert(false));', "1 tests failed"),
    ],
)
def test_a_node_run_without_passing_tests_is_not_a_pass(
    tmp_path: Path, source: str, problem: str
) -> None:
    if shutil.which("node") is None:
        pytest.fail(f"node not found. {HINT}", pytrace=False)
    (tmp_path / "package.json").write_text('{"type": "module"}', "utf-8")
    (tmp_path / "x.test.js").write_text('import assert from "node:assert";\n' + source, "utf-8")
    done = subprocess.run(
        ["node", "--test", "x.test.js"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert problem in node_run_problems(done)


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
