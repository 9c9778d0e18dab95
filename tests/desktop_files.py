"""desktop-file-validate, the freedesktop.org checker, for the tests that write .desktop files.

It must be installed (Debian package ``desktop-file-utils``; ``.ci/run`` installs
it): a missing checker fails the test with the install command, it never skips.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def validate_desktop_file(path: Path) -> None:
    """Fail unless desktop-file-validate accepts ``path`` without errors or warnings."""
    tool = shutil.which("desktop-file-validate")
    assert tool, (
        "desktop-file-validate is missing; install it with: apt-get install desktop-file-utils"
    )
    result = subprocess.run([tool, str(path)], capture_output=True, text=True, timeout=30)
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, report
    assert "error" not in report and "warning" not in report, report
