"""A full disk under one folder, for tests only: the n-th write to a file opened there fails with ENOSPC.

Files opened for writing under ``root`` with ``os.open`` + ``os.fdopen`` (how Django's FileSystemStorage and
``lib.files`` write) are wrapped; as on a real full disk, the failing write stores part of its data first (the file
on disk is truncated), then raises ``OSError(errno.ENOSPC)``. Installed with ``monkeypatch``; production code has no
switch for it.
"""

import errno
import os
from pathlib import Path


class _FillingFile:
    def __init__(self, handle, disk):
        self._handle = handle
        self._disk = disk

    def write(self, data) -> int:
        self._disk.writes += 1
        if self._disk.writes >= self._disk.fail_at:
            self._handle.write(bytes(data)[: len(data) // 2])
            self._handle.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self._handle.write(data)

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()
        return False


class DiskFull:
    """``fail_at``: the number of the write (counted over every file written under ``root``) that fails."""

    def __init__(self, root, fail_at: int = 1):
        self.root = Path(root).resolve()
        self.fail_at = fail_at
        self.writes = 0

    def install(self, monkeypatch) -> "DiskFull":
        real_open, real_fdopen = os.open, os.fdopen
        watched: set[int] = set()

        def open_(path, flags, mode=0o777, *args, **kwargs):
            descriptor = real_open(path, flags, mode, *args, **kwargs)
            writing = flags & (os.O_WRONLY | os.O_RDWR)
            if writing and isinstance(path, str | os.PathLike) and Path(path).resolve().is_relative_to(self.root):
                watched.add(descriptor)
            return descriptor

        def fdopen(descriptor, *args, **kwargs):
            handle = real_fdopen(descriptor, *args, **kwargs)
            if descriptor in watched:
                watched.discard(descriptor)
                return _FillingFile(handle, self)
            return handle

        monkeypatch.setattr(os, "open", open_)
        monkeypatch.setattr(os, "fdopen", fdopen)
        return self


def files_under(root) -> list[str]:
    """Every file left under ``root`` (temporary ones included), as sorted relative paths."""
    found = []
    for folder, _dirs, names in os.walk(root):
        found += [os.path.relpath(os.path.join(folder, name), root) for name in names]
    return sorted(found)
