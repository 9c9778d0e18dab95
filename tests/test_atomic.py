"""The one atomic file write: all or nothing, permissions kept, no temporary files left."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from human_pretraining.atomic import atomic_file, atomic_write


def test_a_new_file_appears_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with atomic_file(target, "w") as stream:
        stream.write("one\r\ntwo\n")
        assert not target.exists()  # nothing is visible before the block ends
    assert target.read_bytes() == b"one\r\ntwo\n"  # line endings as written
    assert os.listdir(tmp_path) == ["out.txt"]


def test_a_failure_inside_the_block_leaves_the_old_file_and_no_temporary_one(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", "utf-8")
    with pytest.raises(RuntimeError), atomic_file(target, "w") as stream:
        stream.write("half of the new")
        raise RuntimeError("cancelled")
    assert target.read_text("utf-8") == "old"
    assert os.listdir(tmp_path) == ["out.json"]


def test_a_failed_rename_leaves_the_old_file_and_no_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "entry.desktop"
    target.write_bytes(b"old")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["entry.desktop"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_an_existing_files_permissions_are_kept_unless_given(tmp_path: Path) -> None:
    kept = tmp_path / "config.toml"
    kept.write_bytes(b"a")
    kept.chmod(0o640)
    atomic_write(kept, b"b")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    given = tmp_path / "autostart.desktop"
    atomic_write(given, b"c", permissions=0o644)
    assert stat.S_IMODE(given.stat().st_mode) == 0o644
