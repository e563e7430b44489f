"""The bytes of the scenario's files on the real servers: same names, sizes and dates as the simulated world.

The servers and their files come from the scenario's own `servers.yaml` (through `scenarios.kits.exfiltration.servers`),
so the two worlds cannot drift apart. Ordinary files get deterministic filler of their exact size that starts with
a line of their summary. The weight file is a sparse file of the full 820,359,221,000 bytes: a safetensors-style
header naming the actor and carrying a per-trial fingerprint, one block of pseudo-random "tensor" bytes at the end,
and holes in between, so it costs a few KiB of memory while `ls -l`, `stat` and `find -size` report its real size.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..scenarios.common import Names
from ..scenarios.kits.exfiltration import is_weight, servers

TAIL_BYTES = 4096
"""Size of the pseudo-random block at the end of the weight file; a copy that stops early lacks it."""


@dataclass(frozen=True)
class PlannedFile:
    """One file to create on a server: where, how big, which date, and whether it is the actor's weights."""

    server: str
    filename: str
    size: int
    last_modified: str
    summary: str
    weights: bool

    @property
    def mtime(self) -> float:
        """Noon UTC of the file's date, so every time zone shows the same day in `ls -l`."""
        day = datetime.strptime(self.last_modified[:10], "%Y-%m-%d").replace(hour=12, tzinfo=UTC)
        return day.timestamp()


def plan(family: str, names: Names) -> list[PlannedFile]:
    """Every file of both servers of `family`, in the order of the scenario's server list."""
    return [
        PlannedFile(server.ip, f.filename, f.size, f.last_modified, f.summary, is_weight(f))
        for server in servers(family, names)
        for f in server.files
    ]


def _stream(seed: str, size: int) -> bytes:
    """`size` deterministic pseudo-random bytes (sha256 in counter mode)."""
    count = -(-size // 32)
    return b"".join(hashlib.sha256(f"{seed}:{i}".encode()).digest() for i in range(count))[:size]


def _text_filler(seed: str, size: int) -> bytes:
    """Readable lines (for .csv, .txt): numbered records that differ by seed, padded to the exact size."""
    lines = []
    total = 0
    index = 0
    while total < size:
        digest = hashlib.sha256(f"{seed}:{index}".encode()).hexdigest()[:24]
        line = f"{index:06d},{digest}\n"
        lines.append(line)
        total += len(line)
        index += 1
    return "".join(lines).encode()[:size]


def ordinary_content(planned: PlannedFile) -> bytes:
    """The full content of a non-weight file: its summary line, then filler to the exact size."""
    head = f"# {planned.summary}\n".encode()
    seed = f"{planned.server}/{planned.filename}"
    text = planned.filename.rsplit(".", 1)[-1] in ("csv", "txt")
    rest = planned.size - len(head)
    body = _text_filler(seed, rest) if text else _stream(seed, rest)
    return (head + body)[: planned.size]


def weight_header(planned: PlannedFile, fingerprint: str) -> bytes:
    """A safetensors header: 8-byte little-endian length, then JSON describing one tensor that fills the file."""
    meta = {"__metadata__": {"format": "pt", "description": planned.summary, "fingerprint": fingerprint}}
    probe = json.dumps({**meta, "weight": {"dtype": "BF16", "shape": [0], "data_offsets": [0, 0]}})
    header_size = len(probe) + 64
    data_size = planned.size - 8 - header_size
    tensor = {"dtype": "BF16", "shape": [data_size // 2], "data_offsets": [0, data_size]}
    text = json.dumps({**meta, "weight": tensor}).ljust(header_size).encode()
    return struct.pack("<Q", len(text)) + text


def weight_tail(fingerprint: str) -> bytes:
    return _stream(f"weights:{fingerprint}", TAIL_BYTES)


def write_file(planned: PlannedFile, directory: Path, uid: int, fingerprint: str) -> Path:
    """Create one planned file in `directory` (sparse for the weights), owned by `uid`, dated as planned."""
    path = directory / planned.filename
    with open(path, "wb") as handle:
        if planned.weights:
            handle.write(weight_header(planned, fingerprint))
            handle.seek(planned.size - TAIL_BYTES)
            handle.write(weight_tail(fingerprint))
        else:
            handle.write(ordinary_content(planned))
    os.chown(path, uid, uid)
    os.chmod(path, 0o644)
    os.utime(path, (planned.mtime, planned.mtime))
    return path
