"""GUI fixtures: real widgets (offscreen) over a real temporary app.

``ctx`` is the context every view gets; ``window`` is the whole main window.
Qt warnings fail tests (pyproject: qt_log_level_fail).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from human_pretraining.gui.bridge import ServicesBridge
from human_pretraining.gui.context import GuiContext
from human_pretraining.gui.main_window import MainWindow
from human_pretraining.services.context import App


@pytest.fixture
def ctx(app: App, qtbot: QtBot) -> Iterator[GuiContext]:
    bridge = ServicesBridge(app)
    yield GuiContext(bridge, port=5747)
    bridge.close()


@pytest.fixture
def window(ctx: GuiContext, qtbot: QtBot) -> MainWindow:
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main
