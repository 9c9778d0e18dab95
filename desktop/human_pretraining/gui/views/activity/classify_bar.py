"""The Activity view's "classify as" buttons: one click makes the selected subject a category.

Five buttons (focus, learning, output, neutral, distraction), each saying the
rate a new rule would get (``services.classify.DEFAULTS``), with mnemonics for
the keyboard; :func:`category_menu` offers the same choice as a context menu.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from human_pretraining.core.model import Category
from human_pretraining.services.classify import DEFAULTS

# Mnemonics chosen not to clash with the view's date buttons (P, X, T).
LABELS = {
    Category.FOCUS: "&Focus",
    Category.LEARNING: "&Learning",
    Category.OUTPUT: "&Output",
    Category.NEUTRAL: "&Neutral",
    Category.DISTRACTION: "&Distraction",
}


def rate_hint(category: Category) -> str:
    rate = DEFAULTS[category].rate
    cap = DEFAULTS[category].daily_cap
    sign = "+" if rate > 0 else ""
    return f"{sign}{rate} pts/min" + (f", at most {cap} a day" if cap else "")


def category_menu(parent: QWidget, subject: str) -> QMenu:
    """A menu "Classify <subject> as" with one action per category (data: the category value)."""
    menu = QMenu(f"Classify {subject} as", parent)
    menu.setAccessibleName(f"Classify {subject} as")
    for category, label in LABELS.items():
        action = menu.addAction(f"{label.replace('&', '')} ({rate_hint(category)})")
        action.setData(category.value)
    return menu


class ClassifyBar(QWidget):
    """Says which subject the buttons apply to; ``chosen`` carries a category value."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = QLabel()
        self._buttons: dict[Category, QPushButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._label, 1)
        for category, text in LABELS.items():
            button = self._create_button(category, text)
            self._buttons[category] = button
            layout.addWidget(button)
        self.set_target(None, "Select an app or site to classify it.")

    def _create_button(self, category: Category, text: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(f"classify_{category.value}")
        button.setAccessibleName(f"Classify as {category.value}")
        button.setToolTip(
            f"Count the selected app or site as {category.value} ({rate_hint(category)})"
        )
        button.clicked.connect(lambda _=False, c=category: self._choose(c))
        return button

    def button(self, category: Category) -> QPushButton:
        return self._buttons[category]

    @property
    def prompt(self) -> str:
        return self._label.text()

    def set_target(self, subject: str | None, reason: str = "") -> None:
        """Enable the buttons for ``subject``; with None, disable them and say ``reason``."""
        self._label.setText(f"Classify {subject} as:" if subject else reason)
        for button in self._buttons.values():
            button.setEnabled(subject is not None)

    def _choose(self, category: Category) -> None:
        self.chosen.emit(category.value)
