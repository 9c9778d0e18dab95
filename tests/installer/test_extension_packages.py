"""The extension's packages: versioned with the app, free of development files, linted,
and the Chrome package loads in real Chromium under the extension id the app allows."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, EXTENSION, EXTENSION_ID
from tests.extension.test_node_suite import EXPECTED_WARNINGS

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, str(ROOT / "installer" / "package_extension.py"), "--out", str(out)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {
        "chrome": out / f"human-pretraining-extension-{VERSION}-chrome.zip",
        "firefox": out / f"human-pretraining-extension-{VERSION}-firefox.zip",
    }


def unpack(package: Path, into: Path) -> Path:
    with zipfile.ZipFile(package) as archive:
        archive.extractall(into)
    return into


def test_one_version_for_the_app_and_the_extension() -> None:
    manifest = json.loads((EXTENSION / "manifest.json").read_text("utf-8"))
    npm = json.loads((EXTENSION / "package.json").read_text("utf-8"))
    assert manifest["version"] == npm["version"] == VERSION


@pytest.mark.parametrize("browser", ["chrome", "firefox"])
def test_each_package_carries_the_version_and_no_development_files(
    packages: dict[str, Path], browser: str
) -> None:
    with zipfile.ZipFile(packages[browser]) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["version"] == VERSION
    assert "background/main.js" in names and "popup/popup.html" in names
    assert not [n for n in names if n.startswith(("test/", "node_modules/", "package"))]


def test_the_firefox_package_passes_web_ext_lint(packages: dict[str, Path], tmp_path: Path) -> None:
    source = unpack(packages["firefox"], tmp_path / "firefox")
    done = subprocess.run(
        [str(EXTENSION / "node_modules" / ".bin" / "web-ext"), "lint", "--source-dir",
         str(source), "--output", "json"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    report = json.loads(done.stdout)
    assert report["summary"]["errors"] == 0, json.dumps(report["errors"], indent=2)
    assert {w["code"] for w in report["warnings"]} <= EXPECTED_WARNINGS


def test_the_chrome_package_loads_with_the_fixed_id(
    packages: dict[str, Path], tmp_path: Path
) -> None:
    unpacked = unpack(packages["chrome"], tmp_path / "chrome")
    args = [a.replace(str(EXTENSION), str(unpacked)) for a in CHROMIUM_ARGS]
    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=args
        )
        try:
            worker = (
                context.service_workers[0]
                if context.service_workers
                else (context.wait_for_event("serviceworker", timeout=15_000))
            )
            assert worker.url.split("/")[2] == EXTENSION_ID
            version = worker.evaluate("() => chrome.runtime.getManifest().version")
            assert version == VERSION
        finally:
            context.close()
