"""The Linux menu entry in installer/linux and the icon it names are valid."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from human_pretraining.autostart.linux import read_entry
from tests.desktop_files import validate_desktop_file

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "installer" / "linux" / "human-pretraining.desktop"
ICON = ROOT / "desktop" / "human_pretraining" / "resources" / "icon.svg"


def test_the_menu_entry_is_valid() -> None:
    validate_desktop_file(ENTRY)
    keys = read_entry(ENTRY.read_text("utf-8"))
    assert keys["Name"] == "Human Pretraining"
    assert keys["Exec"] == "human-pretraining"
    assert keys["Icon"] == "human-pretraining"  # the theme name install.sh installs it under
    assert keys["Terminal"] == "false"


def test_the_icon_is_a_square_svg_with_a_png_rendering() -> None:
    root = ET.parse(ICON).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 256 256"
    png = (ICON.parent / "icon-256.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (256, 256)
