"""Writing and removing the user's autostart files: atomically, and only our own file.

The atomic write is :mod:`human_pretraining.atomic`, the package's one, which like this
package imports nothing but the standard library.
"""

from __future__ import annotations

from pathlib import Path

# Standard library only underneath: autostart must work without the app's config or database.
from human_pretraining.atomic import atomic_write


class AutostartError(Exception):
    """The autostart entry could not be written, read or removed; the message says why."""


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (a half-written entry never exists)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Readable by the session that starts it, like any file the user would write.
        atomic_write(path, data, permissions=0o644)
    except OSError as exc:
        raise AutostartError(f"cannot write {path}: {exc.strerror or exc}") from None


def remove_file(path: Path) -> bool:
    """Delete ``path``; False when there was nothing to delete."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise AutostartError(f"cannot remove {path}: {exc.strerror or exc}") from None
    return True
