"""The dialog that adds or edits one rule: every field of a ``[[rules]]`` entry, errors inline.

It holds a :class:`~human_pretraining.services.rule_forms.RuleForm` and a
``save`` callable (the Rules view passes one that writes through the config
file). OK calls ``save``; a ``ValidationError`` appears under the field it
names and a ``ConfigError`` under the form, and the dialog stays open with
everything typed so far, so a mistake never costs the rest of the input.
Fields that do not apply (a title for sites, enforcement for apps) are
disabled rather than hidden, so the form keeps its shape while the kind changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from human_pretraining.config.errors import ConfigError
from human_pretraining.core.model import MILLI, Category, Enforcement, ValidationError
from human_pretraining.services.classify import DEFAULTS
from human_pretraining.services.rule_forms import DAYS, KINDS, RuleForm, points_text

PLACEHOLDERS = {
    "site": "youtube.com/shorts (every subdomain matches; a path narrows it)",
    "app": "code, Code.exe (any of these names; case and .exe do not matter)",
    "folder": "~/notes (words written into files below it)",
}
# Where an error can be shown: each field, and "form" for the whole rule.
FIELDS = (
    *("kind", "pattern", "title", "category", "rate", "daily_cap", "hourly_cap"),
    *("enforcement", "schedule", "id", "form"),
)


class RuleDialog(QDialog):
    """Add (``form`` None) or edit a rule; ``save`` writes it or raises."""

    def __init__(
        self,
        save: Callable[[RuleForm], object],
        form: RuleForm | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self.setWindowTitle("Edit rule" if form is not None else "Add rule")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        self._errors: dict[str, QLabel] = {name: self._create_error(name) for name in FIELDS}
        self._kind = self._create_combo("kind", KINDS, "Kind of rule")
        self._pattern = self._create_line("pattern", "Match")
        self._title = self._create_line("title", "Window title pattern")
        self._title.setPlaceholderText("optional regular expression, e.g. LibreOffice Writer")
        self._category = self._create_combo("category", [c.value for c in Category], "Category")
        self._rate = self._create_line("rate", "Rate in points per minute")
        self._rate.setPlaceholderText("points per minute: positive earns, negative costs")
        self._daily_cap = self._create_line("daily_cap", "Daily cap")
        self._daily_cap.setPlaceholderText("optional: at most this many points a day")
        self._hourly_cap = self._create_line("hourly_cap", "Hourly cap")
        self._hourly_cap.setPlaceholderText("optional: at most this many points an hour")
        self._enforcement = self._create_combo(
            "enforcement", [e.value for e in Enforcement], "Enforcement"
        )
        self._enforcement.setToolTip(
            "Sites only: track just counts, nudge asks to pause first, block closes the page"
        )
        self._days = {day: self._create_day(day) for day in DAYS}
        self._hours = self._create_line("hours", "Hours")
        self._hours.setPlaceholderText("e.g. 09:00-17:00 or 22:00-02:00; empty: all day")
        self._id = self._create_line("id", "Rule id")
        self._id.setPlaceholderText("automatic; keep it stable once there is history")
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )

        fields = QFormLayout()
        self._add_row(fields, "&Kind:", self._kind, "kind")
        self._add_row(fields, "&Match:", self._pattern, "pattern")
        self._add_row(fields, "&Window title:", self._title, "title")
        self._add_row(fields, "&Category:", self._category, "category")
        self._add_row(fields, "&Rate (pts/min):", self._rate, "rate")
        self._add_row(fields, "&Daily cap:", self._daily_cap, "daily_cap")
        self._add_row(fields, "Hourl&y cap:", self._hourly_cap, "hourly_cap")
        self._add_row(fields, "&Enforcement:", self._enforcement, "enforcement")
        fields.addRow("&Days:", self._create_days())
        self._add_row(fields, "Ho&urs:", self._hours, "schedule")
        self._add_row(fields, "&Id:", self._id, "id")
        layout = QVBoxLayout(self)
        layout.addLayout(fields)
        layout.addWidget(self._errors["form"])
        layout.addWidget(self._buttons)

        self._kind.currentTextChanged.connect(self._on_kind_changed)
        self._buttons.accepted.connect(self._on_ok)
        self._buttons.rejected.connect(self.reject)
        self.set_form(form or RuleForm())
        if form is None:
            # A new rule starts from its category's usual rate and cap (as one-click
            # classification uses) until the person types their own.
            self._category.currentTextChanged.connect(self._on_category_changed)

    # ------------------------------------------------------------------ builders

    def _create_error(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"{name}_error")
        label.setWordWrap(True)
        font = label.font()
        font.setBold(True)  # the palette picks the colour; bold marks it as a problem
        label.setFont(font)
        label.hide()
        return label

    def _create_line(self, name: str, accessible: str) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        line.setAccessibleName(accessible)
        return line

    def _create_combo(self, name: str, items: Sequence[str], accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.addItems(list(items))
        return combo

    def _create_day(self, day: str) -> QCheckBox:
        box = QCheckBox(day.capitalize())
        box.setObjectName(f"day_{day}")
        box.setAccessibleName(f"Applies on {day}")
        return box

    def _create_days(self) -> QWidget:
        days = QWidget()
        row = QHBoxLayout(days)
        row.setContentsMargins(0, 0, 0, 0)
        for box in self._days.values():
            row.addWidget(box)
        row.addStretch(1)
        days.setToolTip("The days the rule applies on; none ticked: every day")
        return days

    def _add_row(self, fields: QFormLayout, label: str, widget: QWidget, name: str) -> None:
        fields.addRow(label, widget)
        fields.addRow("", self._errors[name])

    # ------------------------------------------------------------------ form

    def set_form(self, form: RuleForm) -> None:
        self._kind.setCurrentText(form.kind)
        self._pattern.setText(form.pattern)
        self._title.setText(form.title)
        self._category.setCurrentText(form.category)
        self._rate.setText(form.rate)
        self._daily_cap.setText(form.daily_cap)
        self._hourly_cap.setText(form.hourly_cap)
        self._enforcement.setCurrentText(form.enforcement)
        for day, box in self._days.items():
            box.setChecked(day in form.days)
        self._hours.setText(form.hours)
        self._id.setText(form.id)
        self._on_kind_changed(form.kind)

    def form(self) -> RuleForm:
        """What the fields hold now (not validated)."""
        kind = self._kind.currentText()
        return RuleForm(
            kind=kind,
            pattern=self._pattern.text(),
            title=self._title.text() if kind == "app" else "",
            category=self._category.currentText(),
            rate=self._rate.text(),
            daily_cap=self._daily_cap.text(),
            hourly_cap=self._hourly_cap.text(),
            enforcement=self._enforcement.currentText() if kind == "site" else "track",
            days=tuple(day for day, box in self._days.items() if box.isChecked()),
            hours=self._hours.text(),
            id=self._id.text(),
        )

    def error(self, name: str) -> str:
        """The error shown for field ``name`` (``form`` for the whole form), or ``""``."""
        label = self._errors[name]
        return label.text() if not label.isHidden() else ""

    def field(self, name: str) -> QWidget:
        """The input for ``name`` (tests and accessibility tools find them by object name)."""
        found = self.findChild(QWidget, name)
        assert found is not None, name
        return found

    # ------------------------------------------------------------------ slots

    @Slot(str)
    def _on_kind_changed(self, kind: str) -> None:
        self._pattern.setPlaceholderText(PLACEHOLDERS.get(kind, ""))
        self._title.setEnabled(kind == "app")
        self._enforcement.setEnabled(kind == "site")
        if kind != "site":
            self._enforcement.setCurrentText(Enforcement.TRACK.value)

    @Slot(str)
    def _on_category_changed(self, category: str) -> None:
        untouched = {points_text(d.rate * MILLI) for d in DEFAULTS.values()}
        caps = {"", *(str(d.daily_cap) for d in DEFAULTS.values() if d.daily_cap)}
        defaults = DEFAULTS[Category(category)]
        if self._rate.text().strip() in untouched:
            self._rate.setText(points_text(defaults.rate * MILLI))
        if self._daily_cap.text().strip() in caps:
            self._daily_cap.setText(str(defaults.daily_cap or ""))

    @Slot()
    def _on_ok(self) -> None:
        for label in self._errors.values():
            label.clear()
            label.hide()
        try:
            self._save(self.form())
        except ValidationError as exc:
            name = exc.field if exc.field in self._errors else "form"
            self._show_error(name, exc.message if name != "form" else str(exc))
            return
        except ConfigError as exc:
            self._show_error("form", f"Not saved: {exc}")
            return
        self.accept()

    def _show_error(self, name: str, message: str) -> None:
        label = self._errors[name]
        label.setText(message)
        label.show()
        widget = self._hours if name == "schedule" else self.findChild(QWidget, name)
        if widget is not None:
            widget.setFocus()
