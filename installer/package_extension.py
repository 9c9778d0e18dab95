"""Build the browser extension's packages: a Chrome zip and a Firefox package (web-ext build).

    python installer/package_extension.py [--out dist]

One source of version truth: the ``version`` in ``pyproject.toml``. The
extension's files are staged without its tests and npm files, the staged
``manifest.json`` gets that version (the source manifest must already agree; the
tests check it), and then:

- Chrome: ``human-pretraining-extension-VERSION-chrome.zip`` — the folder as Chrome
  loads it (``chrome://extensions`` → *Load unpacked* on the unzipped folder). The
  manifest keeps its ``key``, so the extension id, which the desktop app allows as
  an origin, is the same everywhere.
- Firefox: ``human-pretraining-extension-VERSION-firefox.zip`` from ``web-ext build``
  (an unsigned ``.xpi``; signing needs a Mozilla account and is left to a release).

Needs Node.js and npm: ``web-ext`` comes from ``extension/package-lock.json`` (``npm ci``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTENSION = ROOT / "extension"
# Development files that are not part of the extension.
LEFT_OUT = {"test", "node_modules", "package.json", "package-lock.json", "README.md"}


class PackagingError(Exception):
    """Packaging failed; the message says why and what to do."""


def project_version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


def stage(into: Path, version: str) -> Path:
    """Copy the extension without development files and stamp the version."""
    staged = into / "extension"
    shutil.copytree(EXTENSION, staged, ignore=lambda _dir, names: LEFT_OUT & set(names))
    manifest_path = staged / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest["version"] = version
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return staged


def chrome_zip(staged: Path, out: Path, version: str) -> Path:
    target = out / f"human-pretraining-extension-{version}-chrome.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(staged.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(staged).as_posix())
    return target


def web_ext() -> Path:
    tool = EXTENSION / "node_modules" / ".bin" / "web-ext"
    if not tool.exists():
        if shutil.which("npm") is None:
            raise PackagingError("npm is needed for web-ext: apt-get install -y nodejs npm")
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=EXTENSION, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise PackagingError(f"npm ci failed in {EXTENSION}:\n{done.stderr[-2000:]}")
    return tool


def firefox_package(staged: Path, out: Path, version: str) -> Path:
    name = f"human-pretraining-extension-{version}-firefox.zip"
    done = subprocess.run(
        [str(web_ext()), "build", "--source-dir", str(staged), "--artifacts-dir", str(out),
         "--filename", name, "--overwrite-dest"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise PackagingError(f"web-ext build failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return out / name


def build(out: Path) -> list[Path]:
    version = project_version()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        staged = stage(Path(scratch), version)
        return [chrome_zip(staged, out, version), firefox_package(staged, out, version)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="folder for the packages")
    args = parser.parse_args(argv)
    try:
        for path in build(args.out):
            print(path)
    except PackagingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
