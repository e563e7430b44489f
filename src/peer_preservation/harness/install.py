"""Installing the harness CLIs from npm, pinned, into the project's own prefix (never globally).

`python -m peer_preservation.harness.install [opencode] [gemini]` (what `scripts/install-harness-deps.sh
--with-npm` runs) installs them under $PEER_PRESERVATION_HARNESS_HOME (default ~/.cache/peer-preservation/harness),
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
import shutil
import subprocess
import sys
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

    @property
    def prefix(self) -> Path:
        return harness_home() / "npm" / f"{self.package.replace('/', '+')}@{self.version}"

    @property
    def binary(self) -> Path:
        return self.prefix / "node_modules" / ".bin" / self.command


HARNESSES = {
    h.name: h
    for h in (
        NpmHarness("opencode", "opencode-ai", "1.18.33", "opencode", install_scripts=True),
        NpmHarness("gemini", "@google/gemini-cli", "0.61.0", "gemini"),
    )
}


def harness_home() -> Path:
    return Path(os.environ.get(HOME_ENV) or DEFAULT_HOME).expanduser()


def installed(name: str) -> Path | None:
    """The harness's executable if it is installed (and runs), else None."""
    binary = HARNESSES[name].binary
    if not binary.exists():
        return None
    try:
        subprocess.run([str(binary), "--version"], capture_output=True, timeout=60, check=True, env=_quiet_env())
    except (OSError, subprocess.SubprocessError):
        return None
    return binary


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
        raise HarnessError("npm is not installed (Debian: apt-get install npm; or install Node.js 20+)")
    harness.prefix.mkdir(parents=True, exist_ok=True)
    argv = [npm, "install", "--prefix", str(harness.prefix), "--no-audit", "--no-fund", "--loglevel=error"]
    argv += [] if harness.install_scripts else ["--ignore-scripts"]
    argv.append(f"{harness.package}@{harness.version}")
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as error:
        raise HarnessError(f"npm install of {harness.package} took longer than {INSTALL_TIMEOUT:g} s") from error
    binary = installed(name)
    if done.returncode != 0 or binary is None:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise HarnessError(f"npm install of {harness.package}@{harness.version} failed: {detail[-1] if detail else ''}")
    return binary


def main(argv: list[str]) -> int:
    names = argv or list(HARNESSES)
    unknown = [n for n in names if n not in HARNESSES]
    if unknown:
        print(f"unknown harness {', '.join(unknown)}; choose from {', '.join(HARNESSES)}", file=sys.stderr)
        return 2
    for name in names:
        try:
            print(f"{name}: {install(name)}")
        except HarnessError as error:
            print(f"{name}: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
