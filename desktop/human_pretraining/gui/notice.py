"""An inline message line for a view or dialog: what was refused and why, or what happened.

Shown in the window rather than as a pop-up, so it never blocks and stays
readable while the user fixes the input. Uses the palette's text colour (it
follows light and dark themes); errors are marked with a sign, not a colour.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class Notice(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName("Message")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()

    def show_error(self, text: str) -> None:
        self._show(f"⚠ {text}")

    def show_info(self, text: str) -> None:
        self._show(text)

    def _show(self, text: str) -> None:
        self.setText(text)
        self.setAccessibleDescription(text)
        self.show()

    def clear_message(self) -> None:
        self.setText("")
        self.hide()
