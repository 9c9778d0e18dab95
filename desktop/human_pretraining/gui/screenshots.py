"""Screenshots of every main view from a demo database (``-m human_pretraining.gui.screenshots``).

Builds a demo month in a throwaway home (or uses ``--home``), opens the real
main window with no monitor and no endpoint, and saves one PNG per view with
``QWidget.grab`` (real pixels, offscreen or on a real display). The README's
pictures come from this command, so they always show the current code.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

DEFAULT_OUT = Path("docs/screenshots")
SIZE = (1200, 820)


def _slug(title: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in title.lower()).split()
    return "-".join(words)


def save_screenshots(home: Path, out: Path, demo_days: int = 30) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from human_pretraining.gui.bridge import ServicesBridge
    from human_pretraining.gui.context import GuiContext
    from human_pretraining.gui.main_window import MainWindow
    from human_pretraining.services.context import open_app
    from human_pretraining.services.demo import fill_demo

    app = QApplication.instance() or QApplication(sys.argv[:1])
    services = open_app(home)
    try:
        if services.queries.balance() == 0 and demo_days:
            fill_demo(services, days=demo_days)
        bridge = ServicesBridge(services)
        ctx = GuiContext(bridge, port=services.settings().port)
        window = MainWindow(ctx)
        window.resize(*SIZE)
        window.show()
        out.mkdir(parents=True, exist_ok=True)
        saved = []
        for index, view in enumerate(window.views):
            window.show_view(index)
            app.processEvents()
            path = out / f"{index + 1:02d}-{_slug(view.title)}.png"
            if not window.grab().save(str(path)):
                raise OSError(f"could not write {path}")
            saved.append(path)
        window.close()
        bridge.close()
        return saved
    finally:
        services.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the PNG files")
    parser.add_argument("--home", type=Path, help="use this home instead of a fresh demo one")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as scratch:
        for path in save_screenshots(args.home or Path(scratch), args.out):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
