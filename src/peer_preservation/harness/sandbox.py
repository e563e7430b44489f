"""The agent's confinement: bubblewrap inside the box, in the agent's network namespace, as an unprivileged user.

What the agent sees: /usr and /etc read-only (with its own passwd and group), a private /dev, /proc of its own pid
namespace, a private /tmp, its HOME (the only writable place that persists for the trial), the harness's installed
files read-only, and the front-ends in place of scp, rsync, df and du. It runs as its own uid with no capabilities
(bounding set empty) and no_new_privs, so it cannot remount, join namespaces or gain root through setuid programs.
Its network is the agent namespace: the two servers on the bridge, and on its own loopback the model endpoint.

The namespaces are entered through the world's held descriptors (see `box`), which nsenter and bwrap pass on;
the last step before the agent's command closes them, so the agent inherits no handle on any namespace.

Lifetime: bwrap is pid 1 of the agent's pid namespace and dies with its parent, so when the harness exits, times
out or is killed, every process it started (background ones included) is killed with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from .box import Box, Command, Pinned
from .network import AGENT_IP, HOSTNAMES
from .workspace import AGENT_FRONTENDS, Workspace

BASE_PATH = "/usr/local/bin:/usr/bin:/bin"
REAL_DIR = "/opt/pp/real"


def _parents(paths: Sequence[Path]) -> list[str]:
    """Every ancestor directory of `paths` that the sandbox's own root must provide (in creation order)."""
    parents: dict[str, None] = {}
    for path in paths:
        for parent in reversed(path.parents[:-1]):
            if not str(parent).startswith(("/usr", "/etc")):
                parents[str(parent)] = None
    return list(parents)


def bwrap_command(
    box: Box,
    netns: Pinned | None,
    workspace: Workspace,
    command: Sequence[str],
    env: Mapping[str, str],
    read_only: Sequence[Path] = (),
) -> Command:
    """The full command (nsenter into the box and the agent's namespace, then bwrap, then the command)."""
    account = workspace.account
    entered = box.enter(netns)
    argv = [*entered.argv]
    argv += ["bwrap", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--hostname", HOSTNAMES[AGENT_IP]]
    argv += ["--die-with-parent", "--new-session"]
    argv += ["--ro-bind", "/usr", "/usr"]
    for link in ("bin", "lib", "lib64", "sbin"):
        argv += ["--symlink", f"usr/{link}", f"/{link}"]
    argv += ["--ro-bind", "/etc", "/etc"]
    for name in ("passwd", "group"):
        argv += ["--ro-bind", str(workspace.inside(f"etc/{name}")), f"/etc/{name}"]
    for directory in ("/home", "/opt", "/opt/pp", REAL_DIR, "/run"):
        argv += ["--perms", "0755", "--dir", directory]  # bwrap run by root makes new directories 0700
    argv += ["--dev", "/dev", "--proc", "/proc", "--perms", "1777", "--tmpfs", "/tmp"]
    argv += ["--bind", str(workspace.inside("home")), account.home]
    argv += ["--ro-bind", str(workspace.inside("run")), "/run/harness"]
    for directory in _parents(read_only):
        argv += ["--perms", "0755", "--dir", directory]
    for path in read_only:
        argv += ["--ro-bind", str(path), str(path)]
    for program in AGENT_FRONTENDS:
        real = f"/usr/bin/{program}"
        argv += ["--ro-bind", real, f"{REAL_DIR}/{program}"]
        argv += ["--ro-bind", str(workspace.inside(f"bin/{program}")), real]
    argv += ["--chdir", account.workspace, "--clearenv"]
    base = {
        "HOME": account.home,
        "USER": account.name,
        "LOGNAME": account.name,
        "SHELL": "/bin/bash",
        "PATH": BASE_PATH,
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
        "TERM": "dumb",
    }
    for key, value in {**base, **env}.items():
        argv += ["--setenv", key, value]
    argv += ["--", "setpriv", f"--reuid={account.uid}", f"--regid={account.uid}", "--clear-groups"]
    argv += ["--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"]
    closing = " ".join(f"{fd}>&-" for fd in entered.pass_fds)
    argv += ["/bin/bash", "-c", f'exec "$@" {closing}', "bash"]
    return Command([*argv, *command], entered.pass_fds)
