"""Confirming "delete all data": the user types a word, so it never happens by a stray click.

The dialog only confirms; the Data panel runs the deletion
(``services.data_admin.DataAdmin.delete_all``) when it is accepted.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from human_pretraining.services.data_admin import CONFIRMATION


class DeleteAllDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Delete all data")
        text = QLabel(
            "This deletes all tracked time, points, purchases, checked-off tasks, goal "
            "history, badges and paired browsers, on this computer and in the database it "
            "uses. Your configuration file (rules, tasks, goals, rewards) stays. "
            f"It cannot be undone; export first if you may want it.\n\nType {CONFIRMATION} "
            "to confirm."
        )
        text.setWordWrap(True)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setAccessibleName(f"Type {CONFIRMATION} to confirm")
        self._buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.delete_button = self._buttons.addButton(
            "Delete everything", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.delete_button.setEnabled(False)
        self.delete_button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.confirm_edit)
        layout.addWidget(self._buttons)
        self.confirm_edit.textChanged.connect(self._on_text)
        self.delete_button.clicked.connect(self.accept)
        self._buttons.rejected.connect(self.reject)

    @property
    def cancel_button(self) -> QPushButton:
        return self._buttons.button(QDialogButtonBox.StandardButton.Cancel)

    @Slot(str)
    def _on_text(self, text: str) -> None:
        self.delete_button.setEnabled(text.strip() == CONFIRMATION)
