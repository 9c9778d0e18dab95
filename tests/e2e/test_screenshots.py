"""The README's screenshot command works and photographs what it claims to."""

from __future__ import annotations

import struct
from pathlib import Path

from playwright.sync_api import Playwright

from tests.e2e.screenshots import capture


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_screenshot_command_writes_the_popup_and_the_nudge_page(
    tmp_path: Path, playwright: Playwright
) -> None:
    popup, nudge = capture(tmp_path, playwright)
    assert png_size(popup)[0] == 300 and png_size(popup)[1] > 250
    assert png_size(nudge) == (720, 560)
    assert popup.stat().st_size > 5_000 and nudge.stat().st_size > 5_000
