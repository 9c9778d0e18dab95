"""A built (non-editable) wheel carries the shared contracts and finds them installed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_the_shared_contracts(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("human_pretraining-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for contract in (
        "schemas/events.schema.json",
        "vectors/rule-matching.json",
        "default-config.toml",
    ):
        assert f"human_pretraining/_shared/{contract}" in names
    assert "human_pretraining/store/migrations/versions/0001_initial_schema.py" in names
    assert "human_pretraining/store/migrations/script.py.mako" in names
    # The icon autostart entries and installer/ point at.
    assert "human_pretraining/resources/icon.svg" in names
    assert "human_pretraining/resources/icon-256.png" in names

    # Unpacked on its own (no source tree beside it), the package resolves shared/ inside itself.
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = (
        "from human_pretraining.contracts import shared_path\n"
        "p = shared_path('vectors', 'rule-matching.json')\n"
        "assert p.is_file(), p\n"
        "print(p)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(target), "PATH": ""},
        cwd=tmp_path,
    ).stdout
    assert str(target) in out


def test_the_package_version_is_the_projects() -> None:
    import tomllib
    from importlib.metadata import version

    import human_pretraining

    root = Path(__file__).resolve().parents[1]
    declared = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert human_pretraining.__version__ == declared == version("human-pretraining")
