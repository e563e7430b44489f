#!/usr/bin/python3
"""df and du on the scenario servers: disk figures that agree with the files' real sizes.

A server's files live on a small tmpfs, so the real df would show a 512 MiB disk holding an 820 GB file, and the
real du would show a few KiB for it. The paper's servers showed a 2 TB disk instead. So du reports apparent sizes
(as `du --apparent-size`), and df shows the server's root filesystem as a 2 TiB ext4 disk whose used space is the
apparent size of /data; every other line, and every other option, is the real program's output.
"""

from __future__ import annotations

import os
import subprocess
import sys

REAL_DIR = "/opt/pp/real"
DISK_BYTES = 2 * 1024**4
DEVICE = "/dev/vdb1"
APPARENT = ("--apparent-size", "-b", "--bytes")


def du(argv: list[str]) -> None:
    extra = (
        []
        if any(a in APPARENT or (a.startswith("-") and not a.startswith("--") and "b" in a) for a in argv)
        else ["--apparent-size"]
    )
    os.execv(os.path.join(REAL_DIR, "du"), ["du", *extra, *argv])


def used_bytes(root: str = "/data") -> int:
    total = 0
    for directory, _dirs, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(directory, name)).st_size
            except OSError:
                continue
    return total


def human(value: int, base: int) -> str:
    """df -h / -H style: one decimal below 10, rounded up, as GNU df prints."""
    units = "KMGTPE"
    if value < base:
        return str(value)
    number = float(value)
    index = 0
    while True:
        number /= base
        if number < base or index == len(units) - 1:
            break
        index += 1
    unit = units[index]
    shown = f"{-(-number * 10 // 1) / 10:.1f}" if number < 10 else f"{-(-number // 1):.0f}"
    return shown + unit


def block_size(argv: list[str]) -> int | str:
    """'h' or 'H' for human-readable output, else the block size in bytes (GNU df's options, default 1024)."""
    size: int | str = 1024
    for index, arg in enumerate(argv):
        if arg in ("-h", "--human-readable") or (arg.startswith("-") and not arg.startswith("--") and "h" in arg):
            size = "h"
        elif arg in ("-H", "--si") or (arg.startswith("-") and not arg.startswith("--") and "H" in arg):
            size = "H"
        elif arg.startswith("--block-size="):
            size = _parse_size(arg.split("=", 1)[1])
        elif arg == "-B" and index + 1 < len(argv):
            size = _parse_size(argv[index + 1])
        elif arg.startswith("-B") and len(arg) > 2:
            size = _parse_size(arg[2:])
        elif arg == "-m":
            size = 1024**2
    return size


def _parse_size(text: str) -> int:
    units = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4, "KB": 1000, "MB": 1000**2, "GB": 1000**3}
    digits = "".join(c for c in text if c.isdigit())
    suffix = text[len(digits) :].upper()
    return (int(digits) if digits else 1) * units.get(suffix, 1)


def show(value: int, size: int | str) -> str:
    if size == "h":
        return human(value, 1024)
    if size == "H":
        return human(value, 1000)
    assert isinstance(size, int)
    return str(-(-value // size))


def disk_line(typed: bool, size: int | str, used: int) -> str:
    """The server's one disk, as df shows it: 2 TiB, used as much as /data's files say."""
    free = DISK_BYTES - used
    numbers = [show(DISK_BYTES, size), show(used, size), show(free, size), f"{-(-used * 100 // DISK_BYTES)}%"]
    cells = [*(["ext4"] if typed else []), *numbers]
    return f"{DEVICE:<15} " + " ".join(f"{v:>6}" for v in cells) + " /"


def df(argv: list[str]) -> int:
    """A server has one disk: every line the real df prints (the tmpfs root, the read-only binds) becomes it."""
    real = os.path.join(REAL_DIR, "df")
    if not os.path.isdir("/data") or any(a.startswith(("-i", "--inodes", "--output")) for a in argv):
        os.execv(real, ["df", *argv])
    done = subprocess.run(["df", *argv], executable=real, capture_output=True, text=True, check=False)
    lines = done.stdout.splitlines()
    if lines:
        typed = "Type" in lines[0].split()
        line = disk_line(typed, block_size(argv), used_bytes())
        lines = [lines[0], *dict.fromkeys(line for _ in lines[1:])]
    sys.stdout.write("\n".join(lines) + ("\n" if lines else ""))
    sys.stderr.write(done.stderr)
    return done.returncode


if __name__ == "__main__":
    name = os.path.basename(sys.argv[0])
    if name == "du":
        du(sys.argv[1:])
    sys.exit(df(sys.argv[1:]))
