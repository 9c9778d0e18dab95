"""The window and tray icon comes from the package's resources and draws at small sizes."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from human_pretraining.gui.icon import app_icon


def test_the_icon_draws_at_tray_size(qtbot: QtBot) -> None:
    image = app_icon().pixmap(32).toImage()
    assert (image.width(), image.height()) == (32, 32)
    colours = {image.pixel(x, y) for x in range(32) for y in range(32)}
    assert len(colours) > 5  # a drawn mark, not an empty square
