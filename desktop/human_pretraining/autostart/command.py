"""Which command line starts this installation of the app, and where its icon is.

The autostart entry must launch the same copy of the app that wrote it:

* **PyInstaller bundle** (``sys.frozen``): the bundle's executable, ``sys.executable``.
  On Windows a bundle also carries ``human-pretrainingw.exe`` (the same program
  built without a console window); login starts that one, so no console appears.
* **pip / pipx install** (also an editable one): the ``human-pretraining`` console
  script installed next to the interpreter (``bin/`` or ``Scripts\\``), so a
  ``pipx upgrade`` keeps working.
* **Anything else** (a source tree on ``PYTHONPATH``): ``python -m human_pretraining``
  with this interpreter (``pythonw.exe`` on Windows, again for no console window).

Paths are absolute but symlinks are not resolved: a virtual environment's
``python`` is a symlink to the system one, and resolving it would leave the venv.
Everything here is a pure function of its arguments, so each case is tested on
any platform.
"""

from __future__ import annotations

import ntpath
import os
import posixpath
from collections.abc import Callable, Sequence
from pathlib import Path

SCRIPT = "human-pretraining"
WINDOWED_EXE = "human-pretrainingw.exe"  # the bundle's console-less twin (Windows)
MODULE = "human_pretraining"


def launch_command(
    args: Sequence[str] = (),
    *,
    executable: str,
    frozen: bool,
    platform: str,
    exists: Callable[[str], bool] = os.path.exists,
) -> tuple[str, ...]:
    """The command line (program first) that starts this installation with ``args``.

    ``executable``, ``frozen`` and ``platform`` are ``sys.executable``,
    ``getattr(sys, "frozen", False)`` and ``sys.platform`` of the running app.
    """
    windows = platform == "win32"
    paths = ntpath if windows else posixpath  # the target's path rules, on any host
    exe = paths.abspath(executable)  # abspath, not realpath: keep the venv's symlink
    folder = paths.dirname(exe)
    if frozen:
        windowed = paths.join(folder, WINDOWED_EXE)
        if windows and exists(windowed):
            return (windowed, *args)
        return (exe, *args)
    if not windows:
        script = paths.join(folder, SCRIPT)
        return (script, *args) if exists(script) else (exe, "-m", MODULE, *args)
    # The console script (human-pretraining.exe) would open a console window at every
    # login; pythonw runs the same module without one.
    pythonw = paths.join(folder, "pythonw.exe")
    if exists(pythonw):
        return (pythonw, "-m", MODULE, *args)
    script = paths.join(folder, SCRIPT + ".exe")
    return (script, *args) if exists(script) else (exe, "-m", MODULE, *args)


def icon_path() -> Path:
    """The app's icon (SVG) inside the package: the same place in a wheel and a bundle."""
    return Path(__file__).resolve().parents[1] / "resources" / "icon.svg"
