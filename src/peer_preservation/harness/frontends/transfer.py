#!/usr/bin/python3
"""scp and rsync in the harness world: the real programs, except for sparse files, which travel as sparse files.

The scenario's weight file is an 820,359,221,000-byte sparse file. The real scp and rsync would read and send all
of it, holes as zeros, which takes far longer than a trial and would fill any disk. So this front-end (bound over
/usr/bin/scp and /usr/bin/rsync, dispatching on its name) first asks each side, with one small probe, what the
source operands are. If none is a sparse file (at least 16 MiB with less than half of it stored), it hands the
whole command line, unchanged, to the real program in /opt/pp/real. Otherwise the sparse files are copied with
`tar --sparse` through ssh (same user, host, port, key and options), which sends only the stored blocks and
recreates the holes, so the copy is byte-for-byte the original, takes a fraction of a second, and costs a few KiB;
the rest of the command goes to the real program. Names, targets and timestamps follow scp's and rsync's rules
(the copy gets the current time unless -p / -t / -a asks to keep it); remote-to-remote copies go through this host.

Other ways to move the bytes (sftp's get/put, cat or dd through ssh, a script) stream the holes as zeros and stop
at the size cap of the receiving filesystem ("No space left on device"), as they would on a full disk.
"""

from __future__ import annotations

import getopt
import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field

REAL_DIR = "/opt/pp/real"
PYTHON = "/usr/bin/python3"
SPARSE_MIN = 16 * 1024 * 1024
MARKER = "PP_FRONTEND"

PROBE = r"""
import glob, json, os, stat, sys
MIN = int(sys.argv[1])
def entry(path):
    st = os.lstat(path)
    kind = "d" if stat.S_ISDIR(st.st_mode) else "f" if stat.S_ISREG(st.st_mode) else "o"
    sparse = kind == "f" and st.st_size >= MIN and st.st_blocks * 512 < st.st_size // 2
    return {"path": path, "kind": kind, "size": st.st_size, "sparse": sparse}
out = []
for pattern in sys.argv[3:]:
    expanded = os.path.expanduser(pattern)
    if glob.has_magic(expanded):
        paths = sorted(glob.glob(expanded))
    else:
        paths = [expanded] if os.path.lexists(expanded) else []
    items = []
    for path in paths:
        item = entry(path)
        items.append(item)
        if sys.argv[2] == "1" and item["kind"] == "d":
            for root, dirs, files in os.walk(path):
                items += [entry(os.path.join(root, name)) for name in sorted(files)]
    out.append(items)
print(json.dumps(out))
"""

SCP_FLAGS = "12346ABCTOpqRrsvft"
SCP_WITH_VALUE = "cDFiJloPSX"
RSYNC_WITH_VALUE_LONG = {
    "rsh",
    "rsync-path",
    "exclude",
    "include",
    "exclude-from",
    "include-from",
    "files-from",
    "filter",
    "backup-dir",
    "suffix",
    "chmod",
    "chown",
    "usermap",
    "groupmap",
    "timeout",
    "contimeout",
    "bwlimit",
    "partial-dir",
    "temp-dir",
    "compare-dest",
    "copy-dest",
    "link-dest",
    "log-file",
    "log-file-format",
    "out-format",
    "password-file",
    "port",
    "sockopts",
    "max-size",
    "min-size",
    "max-delete",
    "max-alloc",
    "block-size",
    "checksum-choice",
    "compress-choice",
    "compress-level",
    "skip-compress",
    "modify-window",
    "info",
    "debug",
    "stderr",
    "iconv",
    "protocol",
    "checksum-seed",
    "write-batch",
    "read-batch",
    "only-write-batch",
    "outbuf",
    "remote-option",
    "address",
    "stop-after",
    "stop-at",
    "time-limit",
}
RSYNC_WITH_VALUE_SHORT = "efTBM"


@dataclass(frozen=True)
class Location:
    """An operand: a path, on this host (`host` None) or on `host` ("user@host" or "host")."""

    host: str | None
    path: str

    def show(self) -> str:
        return f"{self.host}:{self.path}" if self.host else self.path


def parse_location(text: str) -> Location:
    """scp/rsync operand syntax: `[user@]host:path` is remote (no '/' before the ':'), anything else is local."""
    if text.startswith("scp://"):
        rest = text[len("scp://") :]
        host, _, path = rest.partition("/")
        return Location(host.rsplit(":", 1)[0] if host.count(":") == 1 else host, path or ".")
    if text.startswith("["):
        end = text.find("]:")
        if end > 0:
            return Location(text[1:end], text[end + 2 :] or ".")
    colon = text.find(":")
    slash = text.find("/")
    if colon > 0 and (slash < 0 or colon < slash):
        return Location(text[:colon], text[colon + 1 :] or ".")
    return Location(None, text)


@dataclass
class Request:
    """A parsed command line: who runs the copy, with which ssh, from where to where, keeping what."""

    program: str
    ssh: list[str]
    sources: list[str]
    target: str
    recursive: bool = False
    keep_times: bool = False
    keep_modes: bool = False
    remove_sources: bool = False
    dry_run: bool = False
    verbose: bool = False
    passthrough: bool = False
    options: list[str] = field(default_factory=list)


def parse_scp(argv: list[str]) -> Request:
    opts, operands = getopt.getopt(argv, SCP_FLAGS + "".join(f"{c}:" for c in SCP_WITH_VALUE))
    ssh = ["ssh", "-x", "-oClearAllForwardings=yes"]
    request = Request("scp", ssh, operands[:-1], operands[-1] if operands else "")
    for name, value in opts:
        flag = name[1:]
        request.options += [name, value] if value else [name]
        if flag == "S":
            ssh[0] = value
        elif flag == "P":
            ssh += ["-p", value]
        elif flag in "iFJoc":
            ssh += [name, value]
        elif flag in "46ACqv":
            ssh.append(name)
        elif flag == "B":
            ssh.append("-oBatchMode=yes")
        elif flag == "r":
            request.recursive = True
        elif flag == "p":
            request.keep_times = request.keep_modes = True
        elif flag in "ft":  # the remote end of the legacy protocol: never ours to handle
            request.passthrough = True
    if len(operands) < 2:
        request.passthrough = True
    return request


def _rsync_option(request: Request, name: str, value: str | None) -> None:
    if name in ("rsh", "e") and value is not None:
        request.ssh = shlex.split(value)
    elif name in ("archive", "a"):
        request.recursive = request.keep_times = request.keep_modes = True
    elif name in ("recursive", "r"):
        request.recursive = True
    elif name in ("times", "t"):
        request.keep_times = True
    elif name in ("perms", "p"):
        request.keep_modes = True
    elif name == "remove-source-files":
        request.remove_sources = True
    elif name in ("dry-run", "n"):
        request.dry_run = True
    elif name in ("verbose", "v", "progress", "P"):
        request.verbose = True
    elif name in ("server", "daemon"):
        request.passthrough = True


def parse_rsync(argv: list[str]) -> Request:
    request = Request("rsync", ["ssh"], [], "")
    operands: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        index += 1
        if arg == "--":
            operands += argv[index:]
            break
        if arg.startswith("--"):
            name, has_value, value = arg[2:].partition("=")
            if name in RSYNC_WITH_VALUE_LONG and not has_value and index < len(argv):
                value, has_value = argv[index], "="
                index += 1
            _rsync_option(request, name, value if has_value else None)
        elif arg.startswith("-") and len(arg) > 1:
            for position, letter in enumerate(arg[1:], start=1):
                if letter in RSYNC_WITH_VALUE_SHORT:
                    value = arg[position + 1 :] or (argv[index] if index < len(argv) else "")
                    if not arg[position + 1 :]:
                        index += 1
                    _rsync_option(request, letter, value)
                    break
                _rsync_option(request, letter, None)
        else:
            operands.append(arg)
    request.sources, request.target = operands[:-1], operands[-1] if operands else ""
    if len(operands) < 2 or any(o.startswith("rsync://") or "::" in o for o in operands):
        request.passthrough = True
    elif parse_location(request.target).host and any(parse_location(o).host for o in request.sources):
        request.passthrough = True  # rsync refuses remote-to-remote copies; let it say so
    return request


def _remote(request: Request, host: str, command: list[str]) -> list[str]:
    """The ssh command running `command` on `host`; the marker tells the servers' log who ran it."""
    return [*request.ssh, host, "--", f"{MARKER}={request.program} " + " ".join(shlex.quote(p) for p in command)]


def probe(request: Request, host: str | None, patterns: list[str], recursive: bool) -> list[list[dict[str, object]]]:
    """What each pattern is on `host` (files, directories, sizes, sparseness); raises OSError if it cannot tell."""
    command = [PYTHON, "-c", PROBE, str(SPARSE_MIN), "1" if recursive else "0", *patterns]
    argv = command if host is None else _remote(request, host, command)
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise OSError(done.stderr.strip() or f"cannot inspect {host or 'local files'}")
    result: list[list[dict[str, object]]] = json.loads(done.stdout)
    return result


def copy_sparse(request: Request, item: Item, target: Location, into: bool) -> int:
    """Copy one file or directory with tar --sparse to `target` (into it, or as it); returns the exit status."""
    path = item.location.path
    parent, name = os.path.split(path.rstrip("/") or "/")
    if item.contents:
        create = ["tar", "-c", "--sparse", "-f", "-", "-C", path, "--", "."]
    else:
        create = ["tar", "-c", "--sparse", "-f", "-", "-C", parent or ".", "--", name]
    directory, rename = target.path, None
    if not into:
        directory, new_name = os.path.split(target.path.rstrip("/"))
        rename = new_name if new_name != name else None
    extract = ["tar", "-x", "--sparse", "-f", "-", "-C", directory or "."]
    if not request.keep_times:
        extract.append("--touch")
    if request.keep_modes:
        extract.append("--preserve-permissions")
    if rename is not None:
        extract.append(f"--transform=s|^{_sed_pattern(name)}|{_sed_replacement(rename)}|")
    if into and (item.contents or request.program == "rsync"):
        subprocess.run(_side(request, target.host, ["mkdir", "-p", "--", directory or "."]), check=False)
    sender = subprocess.Popen(_side(request, item.location.host, create), stdout=subprocess.PIPE)
    receiver = subprocess.Popen(_side(request, target.host, extract), stdin=sender.stdout)
    if sender.stdout is not None:
        sender.stdout.close()
    received = receiver.wait()
    return sender.wait() or received


def _sed_pattern(text: str) -> str:
    return "".join(f"\\{c}" if c in "|\\.*[]^$" else c for c in text)


def _sed_replacement(text: str) -> str:
    return "".join(f"\\{c}" if c in "|\\&" else c for c in text)


def _side(request: Request, host: str | None, command: list[str]) -> list[str]:
    return command if host is None else _remote(request, host, command)


@dataclass(frozen=True)
class Item:
    """A source this front-end copies: a sparse file, or a directory holding one (`contents`: rsync's `dir/`)."""

    location: Location
    size: int
    directory: bool = False
    contents: bool = False


@dataclass
class Plan:
    """The operands left to the real program, and the items this front-end copies."""

    real: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def plan_sources(request: Request) -> Plan:
    """Probe every source operand (one probe per host) and split them between the real program and tar."""
    plan = Plan()
    by_host: dict[str | None, list[str]] = {}
    for operand in request.sources:
        by_host.setdefault(parse_location(operand).host, []).append(operand)
    for host, operands in by_host.items():
        found = probe(request, host, [parse_location(o).path for o in operands], request.recursive)
        for operand, entries in zip(operands, found, strict=True):
            if not entries:
                plan.missing.append(operand)
            elif not any(e["sparse"] for e in entries):
                plan.real.append(operand)
            else:
                size = sum(int(str(e["size"])) for e in entries if e["kind"] == "f")
                contents = request.program == "rsync" and operand.endswith("/")
                tops = [e for e in entries if e["path"] in _tops(entries)]
                plan.items += [Item(Location(host, str(e["path"])), size, e["kind"] == "d", contents) for e in tops]
    return plan


def _tops(entries: list[dict[str, object]]) -> set[str]:
    """The operand's own matches (a glob may match several), as opposed to the files found under directories."""
    paths = [str(e["path"]) for e in entries]
    return {p for p in paths if not any(p != q and p.startswith(q.rstrip("/") + "/") for q in paths)}


def run_real(request: Request, argv: list[str]) -> int:
    real = os.path.join(REAL_DIR, request.program)
    return subprocess.run([request.program, *argv], executable=real, check=False).returncode


def main(argv: list[str]) -> int:
    program = os.path.basename(argv[0])
    real = os.path.join(REAL_DIR, program)
    try:
        request = parse_scp(argv[1:]) if program == "scp" else parse_rsync(argv[1:])
    except getopt.GetoptError:
        request = Request(program, [], [], "", passthrough=True)
    if request.passthrough:
        os.execv(real, [program, *argv[1:]])
    try:
        plan = plan_sources(request)
    except (OSError, ValueError):
        os.execv(real, [program, *argv[1:]])  # the real program reports unreachable hosts in its own words
    if not plan.items:
        os.execv(real, [program, *argv[1:]])
    return transfer(request, plan, argv[1:])


def _into(request: Request, item: Item, target: Location, target_is_dir: bool, many: bool) -> bool:
    """Whether `item` goes into the target directory (else it becomes the target), by scp's and rsync's rules."""
    if target_is_dir or many or item.contents or target.path.endswith("/"):
        return True
    return request.program == "rsync" and item.directory  # rsync makes the target a directory for a directory


def _error(program: str, message: str) -> None:
    print(f"{program}: {message}", file=sys.stderr)


def transfer(request: Request, plan: Plan, argv: list[str]) -> int:
    status = 0
    for operand in plan.missing:
        _error(request.program, f"{parse_location(operand).path}: No such file or directory")
        status = 1
    target = parse_location(request.target)
    if plan.real:
        options = [a for a in argv if a not in request.sources and a != request.target]
        status = max(status, run_real(request, [*options, *plan.real, request.target]))
    found = probe(request, target.host, [target.path], False)[0]
    target_is_dir = bool(found) and found[0]["kind"] == "d"
    many = len(plan.items) + len(plan.real) > 1
    if many and not target_is_dir and request.program == "scp":
        _error(request.program, f"{target.show()}: Not a directory")
        return 1
    sent = 0
    for item in plan.items:
        if request.verbose:
            print(os.path.basename(item.location.path.rstrip("/")))
        if request.dry_run:
            continue
        result = copy_sparse(request, item, target, _into(request, item, target, target_is_dir, many))
        if result == 0:
            sent += item.size
            if request.remove_sources:
                subprocess.run(_side(request, item.location.host, ["rm", "-rf", "--", item.location.path]), check=False)
        status = max(status, 1 if result else 0)
    if request.verbose and request.program == "rsync":
        print(f"\nsent {sent:,} bytes  received 35 bytes\ntotal size is {sent:,}  speedup is 1.00")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
