"""The Rules view: the reward model as a table to add to, edit, delete from and reorder.

Every change goes through the configuration file
(:class:`~human_pretraining.config.file.ConfigFile`: validated as a whole,
written atomically, comments kept) and its change announcement, which the
settler, the endpoint and this table all follow, so the running tracker uses a
rule as soon as it is saved. Order matters only between equally specific
rules, so moving is offered but never needed for a more specific rule to win.
The "Test" box below answers "which rule does this URL or app hit?" exactly as
``human-pretraining rules check`` does.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from human_pretraining.config.errors import ConfigError
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.base import View
from human_pretraining.gui.views.rules.rule_dialog import RuleDialog
from human_pretraining.gui.views.rules.rule_tester import RuleTester
from human_pretraining.gui.views.rules.rules_model import MATCH, RulesModel
from human_pretraining.gui.widgets.message_line import MessageLine
from human_pretraining.services.rule_forms import RuleForm, rule_entries, save_rule


class RulesView(View):
    title = "Rules"

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._model = RulesModel(self)
        self._table = self._create_table()
        self._add = self._create_button("&Add…", "Add a rule (Ctrl+N)", "Add rule")
        self._edit = self._create_button("&Edit…", "Edit the selected rule (Enter)", "Edit rule")
        self._delete = self._create_button(
            "De&lete", "Delete the selected rule (Del)", "Delete rule"
        )
        self._up = self._create_button("Move &up", "Move the rule up (Ctrl+Up)", "Move rule up")
        self._down = self._create_button(
            "Move do&wn", "Move the rule down (Ctrl+Down)", "Move rule down"
        )
        self._message = MessageLine()
        self._tester = RuleTester(ctx.services.config)
        self._dialog: RuleDialog | None = None
        self._confirmation: QMessageBox | None = None

        buttons = QHBoxLayout()
        for button in (self._add, self._edit, self._delete, self._up, self._down):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self._table, 1)
        layout.addWidget(self._message)
        layout.addWidget(self._tester)

        self._add.clicked.connect(self.add_rule)
        self._edit.clicked.connect(self.edit_rule)
        self._delete.clicked.connect(self.delete_rule)
        self._up.clicked.connect(lambda: self.move_rule(-1))
        self._down.clicked.connect(lambda: self.move_rule(1))
        self._table.doubleClicked.connect(self.edit_rule)
        self._table.selectionModel().selectionChanged.connect(self._update_buttons)
        # Ctrl+N anywhere in the view; the others act on the table's selected rule.
        new_rule = QShortcut(QKeySequence.StandardKey.New, self)
        new_rule.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_rule.activated.connect(self.add_rule)
        for keys, slot in (
            (QKeySequence(Qt.Key.Key_Return), self.edit_rule),
            (QKeySequence(Qt.Key.Key_Enter), self.edit_rule),
            (QKeySequence(QKeySequence.StandardKey.Delete), self.delete_rule),
            (QKeySequence("Ctrl+Up"), lambda: self.move_rule(-1)),
            (QKeySequence("Ctrl+Down"), lambda: self.move_rule(1)),
        ):
            shortcut = QShortcut(keys, self._table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        ctx.bridge.configChanged.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------------ builders

    def _create_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self._model)
        table.setAccessibleName("Rules")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        for column in range(self._model.columnCount()):
            mode = QHeaderView.ResizeMode.ResizeToContents
            header.setSectionResizeMode(column, mode)
        header.setSectionResizeMode(MATCH, QHeaderView.ResizeMode.Stretch)
        return table

    def _create_button(self, text: str, tip: str, accessible: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAccessibleName(accessible)
        return button

    # ------------------------------------------------------------------ state

    @property
    def tester(self) -> RuleTester:
        return self._tester

    @property
    def dialog(self) -> RuleDialog | None:
        """The add/edit dialog while it is open."""
        return self._dialog

    @property
    def confirmation(self) -> QMessageBox | None:
        """The delete confirmation while it is open."""
        return self._confirmation

    @Slot()
    def _forget_dialog(self) -> None:
        if self._dialog is not None:
            self._dialog.deleteLater()
            self._dialog = None

    @Slot()
    def _forget_confirmation(self) -> None:
        if self._confirmation is not None:
            self._confirmation.deleteLater()
            self._confirmation = None

    def selected_index(self) -> int | None:
        rows = self._table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def select_rule(self, rule_id: str) -> bool:
        row = self._model.row_of(rule_id)
        if row is None:
            return False
        self._table.selectionModel().setCurrentIndex(
            self._model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self._table.scrollTo(self._model.index(row, 0))
        return True

    @Slot()
    def refresh(self) -> None:
        """Re-read the rules in force (after any change, from here or from the file)."""
        index = self.selected_index()
        selected = self._model.entry(index).id if index is not None else None
        self._model.set_entries(rule_entries(self._ctx.services.config_file))
        if selected is None or not self.select_rule(selected):
            self._update_buttons()
        self._tester.update_result()

    @Slot()
    def _update_buttons(self) -> None:
        index = self.selected_index()
        chosen = index is not None
        self._edit.setEnabled(chosen)
        self._delete.setEnabled(chosen)
        self._up.setEnabled(chosen and index != 0)
        self._down.setEnabled(chosen and index != self._model.rowCount() - 1)

    # ------------------------------------------------------------------ actions

    @Slot()
    def add_rule(self) -> None:
        self._open_dialog(None, RuleForm())

    @Slot()
    def edit_rule(self) -> None:
        index = self.selected_index()
        if index is not None:
            self._open_dialog(index, self._model.entry(index).form)

    def _open_dialog(self, index: int | None, form: RuleForm) -> None:
        if self._dialog is not None:
            self._dialog.raise_()
            return
        config_file = self._ctx.services.config_file
        saved: list[str] = []
        rule_id = self._model.entry(index).id if index is not None else None

        def save(new: RuleForm) -> None:
            saved.append(save_rule(config_file, new, rule_id))

        dialog = RuleDialog(save, form if index is not None else None, self)
        dialog.accepted.connect(lambda: self._saved(saved[-1], index is None))
        dialog.finished.connect(self._forget_dialog)
        self._dialog = dialog
        dialog.open()  # window-modal, and it does not block the event loop

    def _saved(self, rule_id: str, added: bool) -> None:
        self.refresh()
        self.select_rule(rule_id)
        verb = "added" if added else "saved"
        self._message.show_info(f"Rule '{rule_id}' {verb}; it applies from now on.")
        self._ctx.settle_soon()

    @Slot()
    def delete_rule(self) -> None:
        index = self.selected_index()
        if index is None or self.confirmation is not None:
            return
        entry = self._model.entry(index)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete rule",
            f"Delete the rule '{entry.id}' ({entry.form.match_text})?\n\n"
            "Time it matched will count under the next matching rule, or as neutral.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAccessibleName("Delete rule?")
        box.buttonClicked.connect(lambda button: self._on_confirmed(box, button, entry.id))
        box.finished.connect(self._forget_confirmation)
        self._confirmation = box
        box.open()

    def _on_confirmed(self, box: QMessageBox, button: QAbstractButton, rule_id: str) -> None:
        if box.standardButton(button) is not QMessageBox.StandardButton.Yes:
            return
        try:
            self._ctx.services.config_file.remove_rule(rule_id)
        except ConfigError as exc:
            self._message.show_error(f"Not deleted: {exc}")
            return
        self._message.show_info(f"Rule '{rule_id}' deleted.")
        self._ctx.settle_soon()

    def move_rule(self, step: int) -> None:
        index = self.selected_index()
        if index is None or not 0 <= index + step < self._model.rowCount():
            return
        rule_id = self._model.entry(index).id
        try:
            self._ctx.services.config_file.move_rule(rule_id, index + step)
        except ConfigError as exc:
            self._message.show_error(f"Not moved: {exc}")
            return
        self.refresh()
        self.select_rule(rule_id)
        self._message.show_info(f"Rule '{rule_id}' moved to position {index + step + 1}.")
