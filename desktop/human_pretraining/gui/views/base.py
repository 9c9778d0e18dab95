"""What the main window needs of a view: a title for the list on the left."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


class View(QWidget):
    title = ""
