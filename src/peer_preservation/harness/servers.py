"""The two real servers: a chrooted OpenSSH sshd each, in its own network, pid and mount namespace.

A server's root is a size-capped tmpfs (so nothing it receives can fill the machine's disk) holding read-only
binds of the host's /usr and /etc, its own accounts (passwd, group and shadow bound over the host's), its own
host key and sshd configuration, /data with the scenario's files owned by `maintainer`, and the sparse-aware
front-ends bound over scp, rsync, df and du. sshd logs to the server's /var/log, which only root can write, so
the agent cannot edit the record of what it did there.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .box import Box, Pinned, child_of
from .frontends.bash import SCRIPT as BASH_FRONTEND
from .keys import public_path
from .network import HOSTNAMES, Network
from .system import HarnessError

ROOT_SIZE = "512m"
"""Cap of a server's whole filesystem: far above the scenario's few MiB, far below any risk to the host."""

MAINTAINER = "maintainer"
MAINTAINER_UID = 1500
FIRST_OTHER_UID = 1501
DATA_DIR = "/data"
LOG_FILE = "/var/log/sshd.log"
READY_TIMEOUT = 20.0
FRONTEND_FILES = {"scp": "transfer.py", "rsync": "transfer.py", "df": "sizes.py", "du": "sizes.py", "bash": "bash.py"}
"""Programs replaced by the project's front-ends (see `frontends`), and their files; the real ones go to
/opt/pp/real. The servers get all of them; the agent gets the copying and sizing ones (see `sandbox`)."""
SERVER_FRONTENDS = tuple(FRONTEND_FILES)

_LAYOUT = r"""
R=$1
mount -t tmpfs -o size=$2,mode=755 tmpfs "$R"
mkdir -p "$R/usr" "$R/etc" "$R/dev/pts" "$R/proc" "$R/data" "$R/home" "$R/tmp" "$R/run/sshd" "$R/var/log" \
    "$R/opt/pp/real" "$R/opt/pp/bin" "$R/opt/pp/etc/ssh"
chmod 1777 "$R/tmp"
chmod 700 "$R/var/log" "$R/opt/pp/etc"
for link in bin lib lib64 sbin; do ln -s "usr/$link" "$R/$link"; done
mount --bind /usr "$R/usr" && mount -o remount,bind,ro "$R/usr"
mount --bind /etc "$R/etc" && mount -o remount,bind,ro "$R/etc"
for device in null zero full random urandom tty; do
    touch "$R/dev/$device" && mount --bind "/dev/$device" "$R/dev/$device"
done
ln -s /proc/self/fd "$R/dev/fd"
ln -s pts/ptmx "$R/dev/ptmx"
"""

_OVERRIDES = r"""
R=$1
shift
for name in passwd group shadow hostname hosts; do mount --bind "$R/opt/pp/etc/$name" "$R/etc/$name"; done
mount --bind "$R/opt/pp/etc/ssh" "$R/etc/ssh"
for program in "$@"; do
    real=$(command -v "$program")
    touch "$R/opt/pp/real/$program" && mount --bind "$real" "$R/opt/pp/real/$program"
    mount --bind "$R/opt/pp/bin/$program" "$R$real"
done
"""

_START = r"""
hostname "$2"
mount -t proc proc "$1/proc"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$1/dev/pts"
exec chroot "$1" /usr/sbin/sshd -D -f /etc/ssh/sshd_config -E /var/log/sshd.log
"""


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    home: str
    shell: str


def accounts(users: list[str]) -> list[Account]:
    """The server's own accounts: `maintainer` (who owns /data and whom the agent logs in as) and the scenario's
    users; none of the others may log in over ssh."""
    names = [MAINTAINER] + [u for u in dict.fromkeys(users) if u not in (MAINTAINER, "root")]
    return [
        Account(name, MAINTAINER_UID if name == MAINTAINER else FIRST_OTHER_UID + i, f"/home/{name}", "/bin/bash")
        for i, name in enumerate(names)
    ]


def _system_lines(path: str) -> list[str]:
    """The host's system accounts (root, sshd's privilege-separation user, ...), which sshd and tools expect."""
    lines = Path(path).read_text().splitlines()
    return [line for line in lines if line and int(line.split(":")[2]) < 1000]


def account_files(users: list[Account], hostname: str) -> dict[str, str]:
    passwd = _system_lines("/etc/passwd") + [f"{a.name}:x:{a.uid}:{a.uid}::{a.home}:{a.shell}" for a in users]
    group = _system_lines("/etc/group") + [f"{a.name}:x:{a.uid}:" for a in users]
    shadow = ["root:*:19000:0:99999:7:::"] + [f"{a.name}:*:19000:0:99999:7:::" for a in users]
    hosts = ["127.0.0.1\tlocalhost", f"127.0.1.1\t{hostname}"]
    return {
        "passwd": "\n".join(passwd) + "\n",
        "group": "\n".join(group) + "\n",
        "shadow": "\n".join(shadow) + "\n",
        "hostname": hostname + "\n",
        "hosts": "\n".join(hosts) + "\n",
    }


SSHD_CONFIG = """# sshd of one scenario server: chrooted in the server's root, in the server's own network namespace,
# listening on the server's address only.
Port <port>
ListenAddress <address>
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers <user>
StrictModes yes
AllowAgentForwarding yes
AllowTcpForwarding yes
X11Forwarding no
PrintMotd no
PrintLastLog no
UseDNS no
MaxStartups 50:30:100
AcceptEnv LANG LC_*
Subsystem sftp internal-sftp -l INFO
LogLevel DEBUG1
"""


def sshd_config(address: str, port: int) -> str:
    return SSHD_CONFIG.replace("<address>", address).replace("<port>", str(port)).replace("<user>", MAINTAINER)


def frontend_source(program: str) -> str:
    """The text of a front-end: the Python scripts as they are, bash's from its module's SCRIPT."""
    if program == "bash":
        return BASH_FRONTEND
    files = resources.files("peer_preservation.harness") / "frontends"
    return (files / FRONTEND_FILES[program]).read_text(encoding="utf-8")


class Server:
    """One server of the world; `root` is its root directory as the box sees it."""

    def __init__(self, box: Box, network: Network, ip: str, root: Path) -> None:
        self.box = box
        self.network = network
        self.ip = ip
        self.root = root
        self._process: subprocess.Popen[bytes] | None = None
        self._sshd: Pinned | None = None

    def host_path(self, inside: str) -> Path:
        """A path of this server's filesystem, reachable from this process."""
        return self.box.path(self.root / inside.lstrip("/"))

    def build(self, users: list[Account], host_key: Path, peers_known_hosts: str, authorized_key: str) -> None:
        self.box.run(["/bin/sh", "-euc", _LAYOUT, "sh", str(self.root), ROOT_SIZE])
        etc = self.host_path("/opt/pp/etc")
        for name, text in account_files(users, HOSTNAMES[self.ip]).items():
            (etc / name).write_text(text)
        (etc / "shadow").chmod(0o640)
        ssh = etc / "ssh"
        (ssh / "sshd_config").write_text(sshd_config(self.network.address(self.ip), self.network.port))
        shutil.copyfile(host_key, ssh / "ssh_host_ed25519_key")
        (ssh / "ssh_host_ed25519_key").chmod(0o600)
        shutil.copyfile(public_path(host_key), ssh / "ssh_host_ed25519_key.pub")
        shutil.copyfile("/etc/ssh/moduli", ssh / "moduli")
        for program in SERVER_FRONTENDS:
            target = self.host_path(f"/opt/pp/bin/{program}")
            target.write_text(frontend_source(program))
            target.chmod(0o755)
        for account in users:
            self._home(account, authorized_key if account.name == MAINTAINER else None, peers_known_hosts)
        data = self.host_path(DATA_DIR)
        data.chmod(0o755)
        os.chown(data, MAINTAINER_UID, MAINTAINER_UID)
        self.box.run(["/bin/sh", "-euc", _OVERRIDES, "sh", str(self.root), *SERVER_FRONTENDS])

    def _home(self, account: Account, authorized_key: str | None, known_hosts: str) -> None:
        home = self.host_path(account.home)
        home.mkdir(mode=0o750)
        os.chown(home, account.uid, account.uid)
        if authorized_key is None:
            return
        ssh = home / ".ssh"
        ssh.mkdir(mode=0o700)
        (ssh / "authorized_keys").write_text(authorized_key)
        (ssh / "known_hosts").write_text(known_hosts)
        for path in (ssh, ssh / "authorized_keys", ssh / "known_hosts"):
            os.chown(path, account.uid, account.uid)
        (ssh / "authorized_keys").chmod(0o600)

    def start(self) -> None:
        entered = self.box.enter(self.network.holder(self.ip))
        argv = [*entered.argv, "unshare", "--pid", "--fork", "--kill-child", "--mount", "--uts"]
        argv += ["--propagation", "private", "--", "/bin/sh", "-euc", _START, "sh", str(self.root), HOSTNAMES[self.ip]]
        self._process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=entered.pass_fds,  # sshd closes every inherited descriptor above stderr when it starts
        )
        self._sshd = self._pin_sshd(self._process.pid)

    @staticmethod
    def _pin_sshd(nsenter: int) -> Pinned:
        """A pidfd on sshd, pid 1 of the server's pid namespace (nsenter -> unshare -> sh, which execs sshd).

        Each step is checked to be the child of the one before while that one is alive, so the pidfd is this
        server's sshd and `stop` cannot signal a stranger that inherited a pid."""
        unshare = Pinned(child_of(nsenter), nsenter, ())
        try:
            sshd = Pinned(child_of(unshare.pid), unshare.pid, ())
            if not unshare.alive():
                sshd.close()
                raise HarnessError(f"the unshare of process {nsenter} ended while sshd was being pinned")
            return sshd
        finally:
            unshare.close()

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        log = self.host_path(LOG_FILE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if log.exists() and "Server listening on" in log.read_text(errors="replace"):
                return
            if self._process is not None and self._process.poll() is not None:
                stderr = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
                tail = log.read_text(errors="replace") if log.exists() else ""
                raise HarnessError(f"sshd of {self.ip} exited: {(stderr + tail).strip()[-500:]}")
            time.sleep(0.05)
        raise HarnessError(f"sshd of {self.ip} did not start listening within {timeout:g} s")

    def log_text(self) -> str:
        log = self.host_path(LOG_FILE)
        return log.read_text(errors="replace") if log.exists() else ""

    def stop(self, timeout: float = 10.0) -> None:
        """Kill sshd and so every process of the server's pid namespace (the agent's sessions and anything they left
        running), and wait until they are gone: afterwards nothing can change the server's files while root reads
        them. Idempotent."""
        if self._sshd is not None and self._sshd.pidfd is not None:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self._sshd.pidfd, signal.SIGKILL)
            poller = select.poll()
            poller.register(self._sshd.pidfd, select.POLLIN)
            if not poller.poll(int(timeout * 1000)):
                raise HarnessError(f"sshd of {self.ip} did not end within {timeout:g} s of SIGKILL")
        self.wait_stopped(timeout)

    def wait_stopped(self, timeout: float = 10.0) -> None:
        if self._sshd is not None:
            self._sshd.close()
            self._sshd = None
        if self._process is None:
            return
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout)
