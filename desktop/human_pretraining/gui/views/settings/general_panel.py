"""General settings: port, idle threshold, privacy (titles, paths) and starting at login.

Each value is written to the config file as soon as it is edited, through
``ConfigFile.update_settings`` (validated; a refusal is shown here and the field
goes back to what the file says). The port is read when the app starts, so a
new port says it applies after a restart.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from human_pretraining.autostart import AutostartError
from human_pretraining.config.errors import ConfigError
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.settings.autostart import AutostartSwitch
from human_pretraining.gui.widgets.message_line import MessageLine


class GeneralPanel(QWidget):
    def __init__(
        self,
        ctx: GuiContext,
        autostart: AutostartSwitch | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._autostart = autostart
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1024, 65535)
        self.port_spin.setAccessibleName("Port")
        self._port_note = QLabel()
        self._port_note.setWordWrap(True)
        self.idle_spin = QSpinBox()
        self.idle_spin.setRange(10, 3600)
        self.idle_spin.setSuffix(" s")
        self.idle_spin.setAccessibleName("Idle threshold in seconds")
        self.titles_check = QCheckBox("Keep window &titles in the history")
        self.paths_check = QCheckBox("Keep file &paths in the history")
        self.autostart_check = QCheckBox("Start Human Pretraining when I &log in")
        self._autostart_note = QLabel()
        self._autostart_note.setWordWrap(True)
        self._message = MessageLine()
        for spin in (self.port_spin, self.idle_spin):
            spin.setMaximumWidth(spin.sizeHint().width() * 2)
        form = QFormLayout()
        form.addRow("P&ort", self.port_spin)
        form.addRow("", self._port_note)
        form.addRow("&Idle after", self.idle_spin)
        form.addRow(
            "",
            QLabel("Without keyboard or mouse input for this long you count as away."),
        )
        form.addRow("Privacy", self.titles_check)
        form.addRow("", self.paths_check)
        form.addRow(
            "",
            QLabel("Off keeps only app names and sites; rules still see titles while running."),
        )
        form.addRow("Autostart", self.autostart_check)
        form.addRow("", self._autostart_note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._message)
        layout.addStretch(1)
        self._load()
        self._load_autostart()
        self.port_spin.editingFinished.connect(self._on_port)
        self.idle_spin.editingFinished.connect(self._on_idle)
        self.titles_check.toggled.connect(self._on_titles)
        self.paths_check.toggled.connect(self._on_paths)
        self.autostart_check.toggled.connect(self._on_autostart)
        ctx.bridge.configChanged.connect(self._load)

    @property
    def message(self) -> str:
        return "" if self._message.isHidden() else self._message.text

    @property
    def port_note(self) -> str:
        return self._port_note.text()

    @Slot()
    def _load(self) -> None:
        settings = self._ctx.services.settings()
        for widget, value in (
            (self.port_spin, settings.port),
            (self.idle_spin, settings.idle_threshold_s),
        ):
            if widget.value() != value and not widget.hasFocus():
                widget.blockSignals(True)
                widget.setValue(value)
                widget.blockSignals(False)
        for check, on in (
            (self.titles_check, settings.store_titles),
            (self.paths_check, settings.store_paths),
        ):
            check.blockSignals(True)
            check.setChecked(on)
            check.blockSignals(False)
        running = self._ctx.port
        if running is not None and settings.port != running:
            self._port_note.setText(
                f"The app is listening on {running}; port {settings.port} applies after a "
                "restart. Enter the new port in the extension's options too."
            )
        else:
            self._port_note.setText("The browser extension talks to this port (on this computer).")

    def _load_autostart(self) -> None:
        if self._autostart is None:
            self.autostart_check.hide()
            self._autostart_note.setText(
                "Starting at login is not available in this version on this system."
            )
            return
        try:
            on = self._autostart.is_on()
        except (AutostartError, OSError) as exc:
            self.autostart_check.setEnabled(False)
            self._autostart_note.setText(f"Cannot tell whether autostart is on: {exc}")
            return
        self.autostart_check.blockSignals(True)
        self.autostart_check.setChecked(on)
        self.autostart_check.blockSignals(False)
        self._autostart_note.setText("")

    def _save(self, **values: object) -> None:
        try:
            self._ctx.services.config_file.update_settings(**values)
        except ConfigError as exc:
            self._message.show_error(str(exc))
            self._load()  # back to what the file says
            return
        self._message.clear()
        self._load()

    @Slot()
    def _on_port(self) -> None:
        if self.port_spin.value() != self._ctx.services.settings().port:
            self._save(port=self.port_spin.value())

    @Slot()
    def _on_idle(self) -> None:
        if self.idle_spin.value() != self._ctx.services.settings().idle_threshold_s:
            self._save(idle_threshold_s=self.idle_spin.value())

    @Slot(bool)
    def _on_titles(self, on: bool) -> None:
        self._save(store_titles=on)

    @Slot(bool)
    def _on_paths(self, on: bool) -> None:
        self._save(store_paths=on)

    @Slot(bool)
    def _on_autostart(self, on: bool) -> None:
        assert self._autostart is not None
        try:
            self._autostart.set(on)
        except (AutostartError, OSError) as exc:
            self._message.show_error(f"Could not turn autostart {'on' if on else 'off'}: {exc}")
        self._load_autostart()
