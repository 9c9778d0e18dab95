"""Pairing the browser extension: a fresh code shown large, and the paired clients with Revoke.

The code (``XXXX-XXXX``, valid five minutes, once) comes from
``services.pairing.new_code()``; the extension's options page asks for it and
for the port. Revoking asks first, then ``services.pairing.revoke(id)`` makes the
token stop working at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from human_pretraining.core.clock import format_clock, format_time
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.widgets.confirm import Confirm, ask
from human_pretraining.gui.widgets.message_line import MessageLine
from human_pretraining.gui.widgets.table_items import text_item
from human_pretraining.services.pairing import TokenInfo

HEADERS = ("Client", "Origin", "Paired", "Last used", "State")


class PairingPanel(QWidget):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.confirm: Confirm = ask
        self._tokens: list[TokenInfo] = []
        self._paired_before: set[int] | None = None  # token ids when the code was shown
        self._pair = QPushButton("&Pair a browser")
        self._pair.setAccessibleName("Pair a browser")
        self._code = self._create_code_label()
        self._hint = QLabel()
        self._hint.setWordWrap(True)
        self._hint.setAccessibleName("How to pair")
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._clients = self._create_clients_table()
        self._revoke = QPushButton("&Revoke…")
        self._revoke.setAccessibleName("Revoke the selected client")
        self._message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addWidget(self._create_pair_group())
        clients = QGroupBox("Paired clients")
        inner = QVBoxLayout(clients)
        inner.addWidget(self._clients)
        row = QHBoxLayout()
        row.addWidget(self._revoke)
        row.addStretch(1)
        inner.addLayout(row)
        layout.addWidget(clients, 1)
        layout.addWidget(self._message)
        self._pair.clicked.connect(self.new_code)
        self._revoke.clicked.connect(self.revoke_selected)
        self._clients.itemSelectionChanged.connect(self._update_buttons)
        self._expiry.timeout.connect(self._on_expired)
        ctx.bridge.clientsChanged.connect(self.refresh)
        self._show_hint(None)
        self.refresh()

    def _create_code_label(self) -> QLabel:
        label = QLabel()
        label.setAccessibleName("Pairing code")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(QFont().pointSizeF() * 2.5)
        font.setBold(True)
        label.setFont(font)
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return label

    def _create_pair_group(self) -> QGroupBox:
        group = QGroupBox("Browser extension")
        layout = QVBoxLayout(group)
        row = QHBoxLayout()
        row.addWidget(self._pair)
        row.addWidget(self._code, 1)
        layout.addLayout(row)
        layout.addWidget(self._hint)
        return group

    def _create_clients_table(self) -> QTableWidget:
        table = QTableWidget(0, len(HEADERS))
        table.setAccessibleName("Paired clients")
        table.setHorizontalHeaderLabels(HEADERS)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        return table

    @property
    def code_text(self) -> str:
        return self._code.text()

    @property
    def hint_text(self) -> str:
        return self._hint.text()

    def _port(self) -> int:
        return self._ctx.port or self._ctx.services.settings().port

    def _time(self, ms: int) -> str:
        return format_clock(ms, self._ctx.services.tz())

    def _show_hint(self, expires_ms: int | None) -> None:
        how = (
            f"In the extension's options page enter port {self._port()} and the code, "
            "then press Pair."
        )
        if expires_ms is None:
            self._hint.setText(f"Press Pair a browser for a code. {how}")
        else:
            self._hint.setText(f"Valid until {self._time(expires_ms)}, for one browser. {how}")

    @Slot()
    def new_code(self) -> None:
        code = self._ctx.services.pairing.new_code()
        self._code.setText(code.code)
        self._code.setEnabled(True)
        self._show_hint(code.expires_ms)
        self._paired_before = {t.id for t in self._tokens}
        self._expiry.start(max(0, code.expires_ms - self._ctx.services.clock()))
        self._code.setFocus()

    @Slot()
    def _on_expired(self) -> None:
        if self._code.text():
            self._code.setEnabled(False)
            self._hint.setText("That code has expired. Press Pair a browser for a new one.")
        self._paired_before = None

    @Slot()
    def refresh(self) -> None:
        self._tokens = self._ctx.services.pairing.tokens()
        self._clients.setRowCount(len(self._tokens))
        for row, token in enumerate(self._tokens):
            used = self._date(token.last_used_ms) if token.last_used_ms else "never"
            state = f"revoked {self._date(token.revoked_ms)}" if token.revoked_ms else "active"
            self._clients.setItem(row, 0, text_item(token.client))
            self._clients.setItem(row, 1, text_item(token.origin or ""))
            self._clients.setItem(row, 2, text_item(self._date(token.created_ms)))
            self._clients.setItem(row, 3, text_item(used))
            self._clients.setItem(row, 4, text_item(state))
        self._clients.resizeColumnToContents(0)
        if self._paired_before is not None:
            new = [t for t in self._tokens if t.id not in self._paired_before]
            if new:  # the code shown was just used: say so instead of showing a dead code
                self._expiry.stop()
                self._paired_before = None
                self._code.setText("")
                self._hint.setText(f"Paired with {new[-1].client}.")
        self._update_buttons()

    def _date(self, ms: int) -> str:
        return format_time(ms, self._ctx.services.tz())

    def selected_token(self) -> TokenInfo | None:
        rows = self._clients.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._tokens):
            return None
        return self._tokens[rows[0].row()]

    def select_client(self, client: str) -> None:
        for row, token in enumerate(self._tokens):
            if token.client == client and token.revoked_ms is None:
                self._clients.selectRow(row)

    def client_states(self) -> list[tuple[str, str]]:
        rows = range(self._clients.rowCount())
        return [(self._cell(r, 0), self._cell(r, 4)) for r in rows]

    def _cell(self, row: int, column: int) -> str:
        item = self._clients.item(row, column)
        return item.text() if item else ""

    @Slot()
    def _update_buttons(self) -> None:
        token = self.selected_token()
        self._revoke.setEnabled(token is not None and token.revoked_ms is None)

    @Slot()
    def revoke_selected(self) -> None:
        token = self.selected_token()
        if token is None or token.revoked_ms is not None:
            return
        question = (
            f"Revoke '{token.client}'? It stops reporting at once and has to be paired again."
        )
        if not self.confirm(self, "Revoke client", question):
            return
        revoked = self._ctx.services.pairing.revoke(str(token.id))
        if revoked:
            self._message.show_info(f"Revoked '{token.client}'.")
        else:
            self._message.show_error(f"'{token.client}' was already revoked.")
        self.refresh()
