"""The shared frame of the task, goal and reward dialogs: a form, an inline error, OK/Cancel.

OK hands the entry (a dict in the configuration file's units, exactly what
``ConfigFile.add_task``/``replace_task``/… take) to a ``save`` callback; if the
callback raises ConfigError or ValidationError the message is shown in the
dialog and it stays open with everything typed kept, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from human_pretraining.config.errors import ConfigError
from human_pretraining.core.model import MILLI, ValidationError
from human_pretraining.gui.message_line import MessageLine

Entry = dict[str, Any]
Save = Callable[[Mapping[str, object]], object]
MAX_POINTS = 1_000_000


def file_points(milli: int) -> int | float:
    """Milli-points as the file writes them: ``30`` rather than ``30.0``."""
    whole, frac = divmod(milli, MILLI)
    return whole if frac == 0 else milli / MILLI


def spin_points(value: float) -> int | float:
    """A spin box's points value for the file (at most three decimals, whole as int)."""
    rounded = round(value, 3)
    return int(rounded) if rounded == int(rounded) else rounded


def points_box(name: str, value: float = 0.0) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(3)
    box.setRange(0, MAX_POINTS)
    box.setValue(value)
    box.setAccessibleName(name)
    return box


class EntryDialog(QDialog):
    """Subclasses add their fields to ``self.form`` and implement :meth:`entry`."""

    def __init__(self, title: str, save: Save, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._save = save
        self.form = QFormLayout()
        self._message = MessageLine()
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self._message)
        layout.addWidget(self._buttons)
        self._buttons.accepted.connect(self._on_ok)
        self._buttons.rejected.connect(self.reject)

    def entry(self) -> Entry:
        raise NotImplementedError

    @property
    def ok_button(self) -> QPushButton:
        return self._buttons.button(QDialogButtonBox.StandardButton.Ok)

    @property
    def error_text(self) -> str:
        return "" if self._message.isHidden() else self._message.text

    @Slot()
    def _on_ok(self) -> None:
        try:
            self._save(self.entry())
        except ValidationError as exc:
            self._message.show_error(exc.message)
            return
        except ConfigError as exc:
            self._message.show_error(str(exc))
            return
        self.accept()
