"""The Settings view: browser pairing, general options, output folders, and the data
(where it lives, export, delete all), one tab each.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.views.base import View
from human_pretraining.gui.views.settings.autostart import AutostartSwitch, LoginAutostart
from human_pretraining.gui.views.settings.data_panel import DataPanel
from human_pretraining.gui.views.settings.folders_panel import FoldersPanel
from human_pretraining.gui.views.settings.general_panel import GeneralPanel
from human_pretraining.gui.views.settings.pairing_panel import PairingPanel


class SettingsView(View):
    title = "Settings"

    def __init__(
        self,
        ctx: GuiContext,
        parent: QWidget | None = None,
        *,
        autostart: AutostartSwitch | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.pairing = PairingPanel(ctx)
        self.general = GeneralPanel(
            ctx, autostart if autostart is not None else LoginAutostart(ctx.login_home)
        )
        self.folders = FoldersPanel(ctx)
        self.data = DataPanel(ctx)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Settings sections")
        self.tabs.addTab(self.pairing, "&Browser pairing")
        self.tabs.addTab(self.general, "&General")
        self.tabs.addTab(self.folders, "Output &folders")
        self.tabs.addTab(self.data, "&Data")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
