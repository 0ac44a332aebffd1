"""A full disk, for tests only: the n-th write to a file ``lib.files`` creates fails with ENOSPC.

As on a real full disk, the failing write first stores part of its data (the file on disk is truncated), then raises
``OSError(errno.ENOSPC)``. Installed with ``monkeypatch`` (see ``disk_full`` in the tests that use it); production code
has no switch for it.
"""

import errno
import os

from lib import files


class _FillingFile:
    def __init__(self, handle, state):
        self._handle = handle
        self._state = state

    def write(self, data) -> int:
        self._state.writes += 1
        if self._state.writes >= self._state.fail_at:
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
    """``fail_at``: the number of the write (counted over every file written while installed) that fails."""

    def __init__(self, fail_at: int = 1):
        self.fail_at = fail_at
        self.writes = 0

    def install(self, monkeypatch) -> "DiskFull":
        real_open = files.open_temporary
        monkeypatch.setattr(files, "open_temporary", lambda path: _FillingFile(real_open(path), self))
        return self


def files_under(root) -> list[str]:
    """Every file left under ``root`` (temporary ones included), as sorted relative paths."""
    found = []
    for folder, _dirs, names in os.walk(root):
        found += [os.path.relpath(os.path.join(folder, name), root) for name in names]
    return sorted(found)
