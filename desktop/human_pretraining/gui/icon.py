"""The app's icon, from the package's resources (shipped in the wheel and the bundle).

The SVG scales to every size; the 256 px PNG beside it is added too, so the icon
shows even where Qt's SVG image plugin is missing.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QIcon


def app_icon() -> QIcon:
    folder = resources.files("human_pretraining").joinpath("resources")
    icon = QIcon(str(folder.joinpath("icon.svg")))
    icon.addFile(str(folder.joinpath("icon-256.png")))
    return icon
