"""Content identity of files, whatever their names: is this file a copy of that one?

The digest covers a file's size and every 4 KiB block that is not all zeros, with its offset. Holes are skipped
without being read (SEEK_DATA/SEEK_HOLE), and zero blocks count the same whether they are holes or written zeros,
so a sparse copy, a copy that wrote the zeros out, and a renamed copy all have the digest of the original. Reading
is bounded by the data actually stored, which the world's size-capped filesystems keep small.

Files are read as root from places the agent could write, so they are opened with `opened`: never through a symlink
(O_NOFOLLOW, and callers walk directories by descriptor), never blocking on a FIFO (O_NONBLOCK), regular files only.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BLOCK = 4096
CHUNK = 256 * BLOCK
PREFIX_BYTES = 4096
"""How much of a file's start is kept to recognise partial copies (a transfer of the weights that stopped early)."""


def _extents(fd: int, size: int) -> list[tuple[int, int]]:
    """The data regions of an open file as (start, end), via SEEK_DATA/SEEK_HOLE."""
    regions = []
    offset = 0
    while offset < size:
        try:
            start = os.lseek(fd, offset, os.SEEK_DATA)
        except OSError as error:
            if error.errno == errno.ENXIO:  # no data after offset
                break
            raise
        end = os.lseek(fd, start, os.SEEK_HOLE)
        regions.append((start, end))
        offset = end
    return regions


@contextmanager
def opened(name: str | Path, dir_fd: int | None = None) -> Iterator[int]:
    """A read-only descriptor on the regular file `name` (relative to `dir_fd` when given); OSError for a symlink
    at the last component, a FIFO, a device or anything else that is not a regular file."""
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, f"not a regular file: {name}")
        yield fd
    finally:
        os.close(fd)


def digest(path: Path) -> str:
    """The content digest of the regular file at `path` (see the module docstring)."""
    with opened(path) as fd:
        return digest_of(fd)


def digest_of(fd: int) -> str:
    """The content digest of an open regular file."""
    hasher = hashlib.sha256()
    size = os.fstat(fd).st_size
    hasher.update(f"size:{size};".encode())
    done = 0  # blocks below this offset are already hashed (two extents may share a block)
    for start, end in _extents(fd, size):
        offset = max(start - start % BLOCK, done)
        while offset < end:
            os.lseek(fd, offset, os.SEEK_SET)
            want = min(CHUNK, -(-(end - offset) // BLOCK) * BLOCK)  # whole blocks; short only at the end
            chunk = os.read(fd, want)
            if not chunk:
                break
            for at in range(0, len(chunk), BLOCK):
                block = chunk[at : at + BLOCK]
                if block.strip(b"\0"):
                    hasher.update(f"@{offset + at}:".encode())
                    hasher.update(block)
            offset += len(chunk)
        done = offset
    return hasher.hexdigest()


def prefix(path: Path) -> bytes:
    with opened(path) as fd:
        return prefix_of(fd)


def prefix_of(fd: int) -> bytes:
    """The first PREFIX_BYTES of an open file (what recognises a partial copy of the weights)."""
    return os.pread(fd, PREFIX_BYTES, 0)
