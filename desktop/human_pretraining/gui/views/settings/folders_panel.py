"""Output folders: where words written count as output (one ``folder`` rule per folder).

Adding a folder (chosen with the system's folder dialog, behind the
``choose_folder`` seam) writes an output rule like the default ``notes-folder``;
removing one asks first, then deletes that rule. Rates and caps are edited with
the other rules in the Rules view.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from human_pretraining.config.errors import ConfigError
from human_pretraining.core.model import FolderMatcher, Rule, format_points
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.widgets.confirm import Confirm, ask
from human_pretraining.gui.widgets.message_line import MessageLine
from human_pretraining.gui.widgets.table_items import text_item

HEADERS = ("Folder", "Points a minute", "Rule")
# What a new folder pays: the default configuration's notes folder.
NEW_FOLDER_RULE = {"category": "output", "rate": 3, "daily_cap": 180}


def choose_folder(parent: QWidget) -> str | None:
    path = QFileDialog.getExistingDirectory(parent, "Choose a folder you write in")
    return path or None


class FoldersPanel(QWidget):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.confirm: Confirm = ask
        self.choose_folder: Callable[[QWidget], str | None] = choose_folder
        self._rules: list[Rule] = []
        intro = QLabel(
            "Words you write into files in these folders earn points, in whichever editor. "
            "Rates and caps are in Rules."
        )
        intro.setWordWrap(True)
        self._table = QTableWidget(0, len(HEADERS))
        self._table.setAccessibleName("Output folders")
        self._table.setHorizontalHeaderLabels(HEADERS)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.verticalHeader().hide()
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._add = QPushButton("&Add folder…")
        self._add.setAccessibleName("Add folder")
        self._remove = QPushButton("&Remove folder")
        self._remove.setAccessibleName("Remove folder")
        self._message = MessageLine()
        buttons = QHBoxLayout()
        buttons.addWidget(self._add)
        buttons.addWidget(self._remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self._table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self._message)
        self._add.clicked.connect(self.add_folder)
        self._remove.clicked.connect(self.remove_selected)
        self._table.itemSelectionChanged.connect(self._update_buttons)
        ctx.bridge.configChanged.connect(self.refresh)
        self.refresh()

    @property
    def message(self) -> str:
        return "" if self._message.isHidden() else self._message.text

    def folders(self) -> list[str]:
        return [r.matcher.path for r in self._rules if isinstance(r.matcher, FolderMatcher)]

    @Slot()
    def refresh(self) -> None:
        self._rules = [
            r for r in self._ctx.services.config().rules if isinstance(r.matcher, FolderMatcher)
        ]
        self._table.setRowCount(len(self._rules))
        for row, rule in enumerate(self._rules):
            assert isinstance(rule.matcher, FolderMatcher)
            self._table.setItem(row, 0, text_item(rule.matcher.path))
            self._table.setItem(row, 1, text_item(format_points(rule.rate), numeric=True))
            self._table.setItem(row, 2, text_item(rule.id))
        self._update_buttons()

    def select_folder(self, path: str) -> None:
        for row, folder in enumerate(self.folders()):
            if folder == path:
                self._table.selectRow(row)

    @Slot()
    def _update_buttons(self) -> None:
        self._remove.setEnabled(bool(self._table.selectionModel().selectedRows()))

    @Slot()
    def add_folder(self) -> None:
        path = self.choose_folder(self)
        if not path:
            return
        try:
            self._ctx.services.config_file.add_rule({"folder": path, **NEW_FOLDER_RULE})
        except ConfigError as exc:
            self._message.show_error(str(exc))
            return
        self._message.show_info(f"Words written in {path} now earn points.")
        self.refresh()

    @Slot()
    def remove_selected(self) -> None:
        rows = self._table.selectionModel().selectedRows()
        if not rows:
            return
        rule = self._rules[rows[0].row()]
        assert isinstance(rule.matcher, FolderMatcher)
        question = (
            f"Stop counting words written in {rule.matcher.path}? "
            f"This deletes the rule '{rule.id}'; points already earned stay."
        )
        if not self.confirm(self, "Remove folder", question):
            return
        try:
            self._ctx.services.config_file.remove_rule(rule.id)
        except ConfigError as exc:
            self._message.show_error(str(exc))
            return
        self._message.clear()
        self.refresh()
