"""Find the files in the project's ``shared/`` folder (the contracts) at run time.

``shared/`` holds the files that more than one part of the project agrees on:
the commented default configuration, JSON schemas, test vectors. They are found
in one of three places:

* **Installed wheel.** ``pyproject.toml`` force-includes ``shared/`` into the
  wheel as ``human_pretraining/_shared``, so an installed (non-editable) copy
  reads them from inside the package via :mod:`importlib.resources`.
* **PyInstaller bundle.** ``installer/human-pretraining.spec`` puts ``shared/``
  at the same place, ``human_pretraining/_shared`` under ``sys._MEIPASS``, and
  PyInstaller's resource reader hands that real folder to
  :mod:`importlib.resources`, so the first branch finds it
  (``tests/installer/test_bundle.py`` checks it).
* **Source checkout** (including an editable install). There is no ``_shared``
  inside the package, so the files are read from the repository's ``shared/``
  folder, two levels above this module
  (``<repo>/desktop/human_pretraining/contracts.py`` -> ``<repo>/shared``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGE = "human_pretraining"
PACKAGED_DIR = "_shared"


def shared_root() -> Path:
    """The folder holding the shared contracts: packaged copy first, else the source tree."""
    packaged = resources.files(PACKAGE) / PACKAGED_DIR
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "shared"


def shared_path(*parts: str) -> Path:
    """Path of a file in ``shared/``, e.g. ``shared_path("default-config.toml")``.

    The path is returned whether or not the file exists; reading it is up to the caller.
    """
    return shared_root().joinpath(*parts)
