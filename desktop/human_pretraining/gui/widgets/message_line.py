"""A one-line message in a view, settings panel or dialog: what just happened, or why an
action was refused.

Inline rather than a pop-up so a refused click never interrupts and the message
stays readable while the user fixes the input. Errors are bold and carry the
style's warning icon (the palette decides the colours, so it reads in light and
dark themes alike) and are announced to screen readers through the accessible
description. The text is plain, never rich text, as it often quotes what the
user typed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStyle, QWidget


class MessageLine(QWidget):
    """Shows :meth:`show_info` or :meth:`show_error` text; hidden while there is nothing to say."""

    ICON_SIZE = 16

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._icon = QLabel()
        self._text = QLabel()
        self._text.setWordWrap(True)
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._error = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._icon)
        layout.addWidget(self._text, 1)
        self.setAccessibleName("Message")
        self.hide()

    @property
    def text(self) -> str:
        return self._text.text()

    @property
    def is_error(self) -> bool:
        return self._error

    def show_info(self, text: str) -> None:
        self._show(text, error=False)

    def show_error(self, text: str) -> None:
        self._show(text, error=True)

    def clear(self) -> None:
        self._text.clear()
        self._error = False
        self.hide()

    def _show(self, text: str, *, error: bool) -> None:
        self._error = error
        pixmap = (
            QStyle.StandardPixmap.SP_MessageBoxWarning
            if error
            else (QStyle.StandardPixmap.SP_MessageBoxInformation)
        )
        self._icon.setPixmap(self.style().standardIcon(pixmap).pixmap(self.ICON_SIZE))
        font = self._text.font()
        font.setBold(error)
        self._text.setFont(font)
        self._text.setText(text)
        self.setAccessibleDescription(("Error: " if error else "") + text)
        self.show()
