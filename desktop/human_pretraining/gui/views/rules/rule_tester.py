"""The Rules view's "Test" box: type a URL or an app name, see which rule it hits and why.

The verdict is :func:`human_pretraining.services.rule_check.check`, the same
answer ``human-pretraining rules check`` prints; it is worked out again as you
type and whenever the rules change.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from human_pretraining.core.model import Config, ValidationError
from human_pretraining.services.rule_check import Kind, check

GUESS = "guess"
KIND_CHOICES: tuple[str, ...] = (GUESS, "site", "app")


class RuleTester(QGroupBox):
    """A line to type into, a site/app choice, and the verdict under it."""

    def __init__(self, config: Callable[[], Config], parent: QWidget | None = None) -> None:
        super().__init__("&Test a URL or app", parent)
        self._config = config
        self._target = QLineEdit()
        self._target.setObjectName("test_target")
        self._target.setAccessibleName("URL or app name to test")
        self._target.setPlaceholderText(
            "https://www.youtube.com/shorts/abc, or an app such as code"
        )
        self._target.setClearButtonEnabled(True)
        self._kind = QComboBox()
        self._kind.setObjectName("test_kind")
        self._kind.setAccessibleName("Test as")
        self._kind.addItems(list(KIND_CHOICES))
        self._kind.setToolTip("guess: a URL or a name with a dot is a site, anything else an app")
        self._result = QLabel()
        self._result.setObjectName("test_result")
        self._result.setAccessibleName("Test result")
        self._result.setWordWrap(True)
        # Room for the verdict and two rules it beat, so the table cannot squeeze it away.
        self._result.setMinimumHeight(self._result.fontMetrics().lineSpacing() * 3)
        row = QHBoxLayout()
        row.addWidget(self._target, 1)
        row.addWidget(self._kind)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self._result)
        self._target.textChanged.connect(self.update_result)
        self._kind.currentTextChanged.connect(self.update_result)
        self.update_result()

    @property
    def result(self) -> str:
        return self._result.text()

    def focus_input(self) -> None:
        self._target.setFocus()

    @Slot()
    def update_result(self) -> None:
        target = self._target.text().strip()
        if not target:
            self._result.setText("Type a URL or an app name to see which rule applies.")
            return
        choice = self._kind.currentText()
        kind: Kind | None = "site" if choice == "site" else "app" if choice == "app" else None
        try:
            verdict = check(self._config(), target, kind)
        except ValidationError as exc:
            self._result.setText(f"Not a site or app this can match: {exc.message}")
            return
        self._result.setText("\n".join(verdict.explanation()))
