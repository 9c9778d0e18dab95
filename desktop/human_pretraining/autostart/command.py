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

import os
from collections.abc import Callable, Sequence
from pathlib import Path

SCRIPT = "human-pretraining"
WINDOWED_EXE = "human-pretrainingw.exe"  # the bundle's console-less twin (Windows)
MODULE = "human_pretraining"


def _is_windows(platform: str) -> bool:
    return platform == "win32"


def _absolute(path: str, platform: str) -> str:
    """An absolute path without resolving symlinks (only on the platform it names)."""
    if _is_windows(platform) != (os.name == "nt"):
        return path  # a test describing another platform: take the path as given
    return os.path.abspath(path)


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
    exe = _absolute(executable, platform)
    sep = "\\" if _is_windows(platform) else "/"
    folder = exe.rsplit(sep, 1)[0] if sep in exe else "."
    if frozen:
        if _is_windows(platform):
            windowed = folder + sep + WINDOWED_EXE
            if exists(windowed):
                return (windowed, *args)
        return (exe, *args)
    script = folder + sep + (SCRIPT + ".exe" if _is_windows(platform) else SCRIPT)
    if not _is_windows(platform) and exists(script):
        return (script, *args)
    if _is_windows(platform):
        # The console script (human-pretraining.exe) would open a console window at
        # every login; pythonw runs the same module without one.
        pythonw = folder + sep + "pythonw.exe"
        if exists(pythonw):
            return (pythonw, "-m", MODULE, *args)
        if exists(script):
            return (script, *args)
    return (exe, "-m", MODULE, *args)


def icon_path() -> Path:
    """The app's icon (SVG) inside the package: the same place in a wheel and a bundle."""
    return Path(__file__).resolve().parents[1] / "resources" / "icon.svg"
