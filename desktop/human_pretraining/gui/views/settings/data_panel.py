"""Where the data lives, exporting it, and deleting all of it.

Locations come from ``services.paths`` and the database URL (a password in it is
never shown); "Open folder" asks the desktop to open it (``open_url`` seam).
Exports run on a worker thread (:class:`ExportThread`) with a progress bar and
Cancel; the file is chosen through the ``choose_file`` seam. Deleting all data
asks for a typed confirmation first (:class:`DeleteAllDialog`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from human_pretraining.core.clock import from_date, to_date
from human_pretraining.core.model import format_points
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.settings.delete_all_dialog import DeleteAllDialog
from human_pretraining.gui.views.settings.export_worker import ExportThread
from human_pretraining.gui.widgets.message_line import MessageLine
from human_pretraining.services.export_file import (
    EXPORT_TABLES,
    ExportFormat,
    ExportRequest,
)

EVERYTHING = ""
TABLE_CHOICES = (
    (EVERYTHING, "Everything (JSON)"),
    *((name, table.label) for name, table in EXPORT_TABLES.items()),
)
# Export threads still running after their panel closed: kept referenced until they end.
_running: set[ExportThread] = set()


def choose_file(parent: QWidget, suggested: str, filter_text: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Export to", suggested, filter_text)
    return path or None


def open_url(url: QUrl) -> bool:
    return QDesktopServices.openUrl(url)


def _selectable(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class DataPanel(QWidget):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        services = ctx.services
        self._exporter = services.exporter
        self.choose_file: Callable[[QWidget, str, str], str | None] = choose_file
        self.open_url: Callable[[QUrl], bool] = open_url
        self.export_thread: ExportThread | None = None
        self.table_combo = QComboBox()
        self.table_combo.setAccessibleName("What to export")
        for table, label in TABLE_CHOICES:
            self.table_combo.addItem(label, table)
        self.format_combo = QComboBox()
        self.format_combo.setAccessibleName("Export format")
        self.format_combo.addItem("CSV (spreadsheets)", ExportFormat.CSV.value)
        self.format_combo.addItem("JSON", ExportFormat.JSON.value)
        self.since_check = QCheckBox("Only from")
        self.since_date = QDateEdit()
        self.since_date.setAccessibleName("Export from this day")
        self.since_date.setCalendarPopup(True)
        self.since_date.setDisplayFormat("yyyy-MM-dd")
        today = to_date(services.queries.today())
        self.since_date.setDate(QDate(today.year, today.month, 1))
        self.since_date.setEnabled(False)
        self.export_button = QPushButton("&Export…")
        self.export_button.setAccessibleName("Export")
        self.cancel_button = QPushButton("&Cancel export")
        self.cancel_button.setAccessibleName("Cancel export")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Export progress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.delete_button = QPushButton("&Delete all data…")
        self.delete_button.setAccessibleName("Delete all data")
        self._message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addWidget(self._create_location_group())
        layout.addWidget(self._create_export_group())
        layout.addWidget(self._create_delete_group())
        layout.addWidget(self._message)
        layout.addStretch(1)
        self.table_combo.currentIndexChanged.connect(self._on_table)
        self.since_check.toggled.connect(self.since_date.setEnabled)
        self.export_button.clicked.connect(self.export)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.delete_button.clicked.connect(self.ask_delete_all)
        self._on_table()

    # ------------------------------------------------------------------ builders

    def _create_location_group(self) -> QGroupBox:
        services = self._ctx.services
        paths = services.paths
        group = QGroupBox("Where your data lives")
        form = QFormLayout(group)
        db_url = services.db.engine.url.render_as_string(hide_password=True)
        db_folder = paths.database_file.parent if services.db.is_sqlite else None
        if services.db.is_sqlite and services.settings().database_url:
            database = services.db.engine.url.database
            db_folder = Path(database).parent if database else None
        rows = (
            ("Configuration", str(paths.config_file), paths.config_dir),
            ("Data folder", str(paths.data_dir), paths.data_dir),
            ("Database", db_url, db_folder),
        )
        for label, text, folder in rows:
            row = QHBoxLayout()
            row.addWidget(_selectable(text), 1)
            button = QPushButton("Open folder")
            button.setAccessibleName(f"Open the {label.lower()} folder")
            button.setEnabled(folder is not None)
            if folder is not None:
                button.clicked.connect(lambda _=False, f=folder: self._open_folder(f))
            row.addWidget(button)
            form.addRow(label, row)
        return group

    def _create_export_group(self) -> QGroupBox:
        group = QGroupBox("Export")
        form = QFormLayout(group)
        form.addRow("&What", self.table_combo)
        form.addRow("&Format", self.format_combo)
        since = QHBoxLayout()
        since.addWidget(self.since_check)
        since.addWidget(self.since_date)
        since.addStretch(1)
        form.addRow("", since)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.cancel_button)
        form.addRow("", buttons)
        return group

    def _create_delete_group(self) -> QGroupBox:
        group = QGroupBox("Delete")
        row = QHBoxLayout(group)
        row.addWidget(QLabel("Delete all history and start from zero; the config file stays."), 1)
        row.addWidget(self.delete_button)
        return group

    @property
    def message(self) -> str:
        return "" if self._message.isHidden() else self._message.text

    # ------------------------------------------------------------------ folders

    def _open_folder(self, folder: Path) -> None:
        if not self.open_url(QUrl.fromLocalFile(str(folder))):
            self._message.show_error(f"Could not open {folder}; it may not exist yet.")

    # ------------------------------------------------------------------ export

    @Slot()
    def _on_table(self) -> None:
        everything = self.table_combo.currentData() == EVERYTHING
        if everything:  # a CSV file holds one table
            self.format_combo.setCurrentIndex(self.format_combo.findData(ExportFormat.JSON.value))
        self.format_combo.setEnabled(not everything)

    def _request(self, path: str) -> ExportRequest:
        table = self.table_combo.currentData()
        tables = tuple(EXPORT_TABLES) if table == EVERYTHING else (table,)
        since = None
        if self.since_check.isChecked():
            since = from_date(self.since_date.date().toPython())  # type: ignore[arg-type]
        # The file dialog has asked before replacing a file; the service still refuses
        # the app's own files.
        return ExportRequest(
            Path(path), ExportFormat(self.format_combo.currentData()), tables, since, force=True
        )

    @Slot()
    def export(self) -> None:
        if self.export_thread is not None:
            return
        fmt = ExportFormat(self.format_combo.currentData())
        name = self.table_combo.currentData() or "human-pretraining"
        suggested = str(Path.home() / f"{name}.{fmt.value}")
        filter_text = "CSV files (*.csv)" if fmt is ExportFormat.CSV else "JSON files (*.json)"
        path = self.choose_file(self, suggested, filter_text)
        if not path:
            return
        try:
            request = self._request(path)
        except ValueError as exc:
            self._message.show_error(str(exc))
            return
        thread = ExportThread(self._exporter, request)
        thread.progressed.connect(self._on_progress)
        thread.succeeded.connect(self._on_succeeded)
        thread.failed.connect(self._on_failed)
        thread.cancelled.connect(self._on_cancelled)
        thread.finished.connect(self._on_finished)
        thread.finished.connect(lambda: _running.discard(thread))
        thread.finished.connect(thread.deleteLater)
        _running.add(thread)
        self.export_thread = thread
        self.progress.setValue(0)
        self.export_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._message.show_info(f"Exporting to {path}…")
        thread.start()

    @Slot()
    def cancel_export(self) -> None:
        if self.export_thread is not None:
            self.export_thread.cancel()
            self.cancel_button.setEnabled(False)

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setValue(100 if total <= 0 else min(100, done * 100 // total))

    @Slot(int)
    def _on_succeeded(self, rows: int) -> None:
        self.progress.setValue(100)
        path = self.export_thread.request.path if self.export_thread else ""
        self._message.show_info(f"Exported {rows:,} rows to {path}.")

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._message.show_error(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self.progress.setValue(0)
        self._message.show_info("Export cancelled; no file was written.")

    @Slot()
    def _on_finished(self) -> None:
        self.export_thread = None
        self.export_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    # ------------------------------------------------------------------ delete

    @Slot()
    def ask_delete_all(self) -> DeleteAllDialog:
        dialog = DeleteAllDialog(self)
        dialog.accepted.connect(self._delete_all)
        dialog.open()
        return dialog

    @Slot()
    def _delete_all(self) -> None:
        before = self._ctx.services.queries.balance()
        report = self._ctx.services.data_admin.delete_all()
        self._message.show_info(
            f"Deleted {report.total:,} rows of history (the balance was "
            f"{format_points(before)} points). The configuration file is unchanged."
        )
