"""The README's screenshots come from a command; it must keep producing every view."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from human_pretraining.gui.screenshots import save_screenshots


def test_every_main_view_is_saved_from_a_demo_database(tmp_path: Path, qtbot: QtBot) -> None:
    saved = save_screenshots(tmp_path / "home", tmp_path / "shots", demo_days=3)
    assert [p.name for p in saved] == [
        "01-dashboard.png",
        "02-activity.png",
        "03-rules.png",
        "04-goals-tasks.png",
        "05-rewards.png",
        "06-badges.png",
        "07-settings.png",
    ]
    for path in saved:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1200, 820)
        colours = {image.pixel(x, y) for x in range(0, 1200, 9) for y in range(0, 820, 9)}
        assert len(colours) > 10, f"{path.name} is nearly blank"
