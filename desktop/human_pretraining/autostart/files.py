"""Writing and removing the user's autostart files: atomically, and only our own file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class AutostartError(Exception):
    """The autostart entry could not be written, read or removed; the message says why."""


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (a half-written entry never exists)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
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
