"""Screenshots of the extension's popup and nudge page for the README.

Run ``.venv/bin/python -m tests.e2e.screenshots`` to refresh
``docs/screenshots/extension-popup.png`` and ``docs/screenshots/extension-nudge.png``:
it starts the real desktop server on a temporary home, real Chromium with the
extension, pairs them, earns a few points, browses the local test sites and
photographs the two pages. ``tests/e2e/test_screenshots.py`` runs the same
function into a temporary folder, so the command keeps working.
"""

from __future__ import annotations

import contextlib
import re
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Playwright, sync_playwright

from tests.e2e.conftest import (
    CONFIG,
    EXTENSION_ORIGIN,
    ROOT,
    Browser,
    running_desktop,
    serve_sites,
    wait_until,
)

# The default offer (15 minutes) rather than the tests' one-minute allowances.
SCREENSHOT_CONFIG = CONFIG.replace("nudge_minutes = 1\n", "nudge_minutes = 15\n")
POPUP = "extension-popup.png"
NUDGE = "extension-nudge.png"


def capture(out_dir: Path, playwright: Playwright) -> list[Path]:
    """Write the two screenshots into ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as scratch,
        running_desktop(Path(scratch) / "home", SCREENSHOT_CONFIG) as desktop,
        serve_sites() as sites,
    ):
        browser = Browser(playwright, Path(scratch) / "profile")
        try:
            browser.pair(desktop).close()
            desktop.cli("task", "done", "Explain something")
            page = browser.ctx.new_page()
            page.goto(sites("learn", "/course"))
            time.sleep(2)
            page.goto(sites("feed", "/"))
            tab_id = browser.worker().evaluate(
                "chrome.tabs.query({url: '*://feed.localhost/*'}).then(([t]) => t.id)"
            )
            popup = browser.ctx.new_page()
            popup.set_viewport_size({"width": 300, "height": 420})
            popup.goto(f"{EXTENSION_ORIGIN}/popup/popup.html?tab={tab_id}")
            popup.wait_for_selector("body[data-ready]")
            wait_until(lambda: popup.is_visible("#buy"), what="the popup's site section")
            height = popup.evaluate("document.body.scrollHeight")
            popup.set_viewport_size({"width": 300, "height": height})
            popup.screenshot(path=out_dir / POPUP)

            nudge = browser.ctx.new_page()
            nudge.set_viewport_size({"width": 720, "height": 560})
            # The extension may replace the navigation with its own page mid-way.
            with contextlib.suppress(PlaywrightError):
                nudge.goto(sites("shorts", "/feed"), wait_until="commit")
            nudge.wait_for_url(re.compile(r".*/pages/nudge\.html.*"))
            nudge.wait_for_selector("body[data-choices]")
            nudge.screenshot(path=out_dir / NUDGE)
        finally:
            browser.close()
    return [out_dir / POPUP, out_dir / NUDGE]


if __name__ == "__main__":
    with sync_playwright() as driver:
        for path in capture(ROOT / "docs" / "screenshots", driver):
            sys.stdout.write(f"wrote {path.relative_to(ROOT)}\n")
