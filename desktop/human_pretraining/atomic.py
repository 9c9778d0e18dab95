"""Replacing a file in one step: readers see the old file or the new one, never half of it.

The one way this package writes a file it may overwrite (the config file, the
pause file, exports, autostart entries, this device's id): a temporary file in
the same folder is written, flushed and fsynced, renamed over the target with
``os.replace``, and the folder is fsynced so the rename itself survives a power
cut. On any failure the temporary file is removed and the target is untouched.

It imports only the standard library, so every layer may use it, including
``autostart/``, which must run without the app's configuration or database.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

# The history is private to its user: the app's folders and the files it writes there
# (database, device id, config, exports) are owner-only on POSIX, whatever the umask.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


@contextlib.contextmanager
def atomic_file(
    path: Path, mode: Literal["wb", "w"] = "wb", *, permissions: int | None = None
) -> Iterator[IO[Any]]:
    """A stream whose content replaces ``path`` when the ``with`` block ends without error.

    Text mode (``"w"``) is UTF-8 with line endings written as given (``newline=""``:
    CSV writers choose their own). ``permissions`` sets the new file's mode bits;
    by default an existing file keeps its own, and a new one gets the private
    ``0o600`` of a temporary file.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    text = mode == "w"
    try:
        with os.fdopen(
            fd, mode, encoding="utf-8" if text else None, newline="" if text else None
        ) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if permissions is None:
            with contextlib.suppress(OSError):
                permissions = path.stat().st_mode & 0o7777
        if permissions is not None:
            tmp.chmod(permissions)
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _sync_folder(path.parent)


def atomic_write(path: Path, data: bytes, *, permissions: int | None = None) -> None:
    """Replace ``path`` with ``data`` in one step (see :func:`atomic_file`)."""
    with atomic_file(path, "wb", permissions=permissions) as stream:
        stream.write(data)


def _replace(source: Path, target: Path) -> None:
    # On Windows an editor or virus scanner holding the file open makes the
    # replace fail for a moment; try a few times before giving up.
    attempts = 10 if os.name == "nt" else 1
    for attempt in range(attempts):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no folder handles to sync)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
