"""The shared frame of the task, goal and reward dialogs: a form that starts with the
entry's name, an inline error, OK/Cancel; and the field builders the three share.

OK hands the entry (a dict in the configuration file's units, exactly what
``ConfigFile.add_task``/``replace_task``/… take) to a ``save`` callback; if the
callback raises ConfigError or ValidationError the message is shown in the
dialog and it stays open with everything typed kept, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from human_pretraining.config.errors import ConfigError
from human_pretraining.core.model import Category, ValidationError
from human_pretraining.gui.widgets.message_line import MessageLine

Entry = dict[str, Any]
Save = Callable[[Mapping[str, object]], object]
MAX_POINTS = 1_000_000
CATEGORIES = tuple((category.value, category.value) for category in Category)


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


def line_edit(name: str, text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def spin_box(name: str, minimum: int, maximum: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setAccessibleName(name)
    box.setRange(minimum, maximum)
    box.setValue(value)
    return box


def combo_box(
    name: str, choices: Iterable[tuple[str, str]], current: str | None = None
) -> QComboBox:
    """``choices`` are (value, label) pairs; ``current`` is a value to show instead of the first."""
    combo = QComboBox()
    combo.setAccessibleName(name)
    for value, label in choices:
        combo.addItem(label, value)
    if current is not None:
        combo.setCurrentIndex(combo.findData(current))
    return combo


class EntryDialog(QDialog):
    """Subclasses add their fields to ``self.form`` below the name and implement :meth:`fields`.

    ``name`` is the entry's when editing one, None when adding.
    """

    def __init__(
        self,
        noun: str,
        save: Save,
        name: str | None,
        parent: QWidget | None = None,
        *,
        placeholder: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Add {noun}" if name is None else f"Edit {noun}")
        self._save = save
        self.name_edit = line_edit(f"{noun.capitalize()} name", name or "", placeholder)
        self.form = QFormLayout()
        self._message = MessageLine()
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self._message)
        layout.addWidget(self._buttons)
        self.form.addRow("&Name", self.name_edit)
        self._buttons.accepted.connect(self._on_ok)
        self._buttons.rejected.connect(self.reject)

    def entry(self) -> Entry:
        """What OK saves: the name, then the kind's :meth:`fields`."""
        return {"name": self.name_edit.text().strip(), **self.fields()}

    def fields(self) -> Entry:
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
