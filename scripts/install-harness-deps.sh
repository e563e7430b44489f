#!/usr/bin/env bash
# System packages of the production-agent harness (docs/harness.md), installed the same way on a developer machine
# and in CI (root, Debian). Idempotent: packages already present are left alone.
#
#   openssh-server  the two real servers (sshd runs only inside the project's network namespaces)
#   openssh-client  ssh/scp for the agent and for server-to-server copies
#   bubblewrap      the agent's confinement (read-only system, private /tmp, its own pid namespace)
#   iproute2        veth pairs and the bridge between the namespaces
#   util-linux      unshare/nsenter (namespaces held by processes, so they vanish with them)
#   rsync, tar, coreutils, python3  the tools on the servers and the sparse-aware scp/rsync front-ends
#
# `--with-npm` also installs the harness CLIs (OpenCode, Gemini CLI, pinned) into the project's npm prefix, with the
# project's virtualenv ($PYTHON, default .venv/bin/python), so run it after `make install`. The CLIs are only ever
# run inside the harness's confinement; npm runs no install scripts except OpenCode's, which selects its binary.
#
# No system-wide sshd may ever run because of this script: Debian starts services when their packages are
# installed, so starts are denied (policy-rc.d) for the whole install; when this script installs openssh-server it
# first creates /etc/ssh/sshd_not_to_be_run, which Debian's ssh service honours (at boot too) and which is kept,
# and disables ssh.service/ssh.socket afterwards; and it fails if anything new listens on port 22.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
    echo "install-harness-deps.sh: run as root (it installs Debian packages)" >&2
    exit 1
fi

policy=/usr/sbin/policy-rc.d
saved_policy="$policy.pp-harness-saved.$$"
had_policy=0
policy_changed=0

restore_policy() {
    # Put back the machine's own policy-rc.d if one was moved aside, else remove ours.
    if ((!policy_changed)); then
        return
    fi
    if [[ -e $saved_policy || -L $saved_policy ]]; then
        mv -f "$saved_policy" "$policy"
    elif ((!had_policy)); then
        rm -f "$policy"
    fi
}
trap restore_policy EXIT

deny_service_starts() {
    if ((policy_changed)); then
        return
    fi
    if [[ -e $policy || -L $policy ]]; then
        had_policy=1
    fi
    policy_changed=1
    if ((had_policy)); then
        mv -f "$policy" "$saved_policy"
    fi
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
}

listeners_on_22() {
    # Listening TCP sockets on port 22 (hex 0016, state 0A) of this, the host's, network namespace.
    awk '$4 == "0A" && $2 ~ /:0016$/ {print FILENAME, $2}' /proc/net/tcp /proc/net/tcp6 2>/dev/null | sort
}

apt_install() {
    deny_service_starts
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    fi
}

listening_before=$(listeners_on_22)

PACKAGES=(openssh-server openssh-client bubblewrap iproute2 util-linux rsync tar coreutils python3)
missing=()
for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

installing_sshd=0
for package in "${missing[@]}"; do
    if [[ $package == openssh-server ]]; then
        installing_sshd=1
    fi
done

if ((installing_sshd)); then
    mkdir -p /etc/ssh
    touch /etc/ssh/sshd_not_to_be_run
fi
if ((${#missing[@]})); then
    apt_install "${missing[@]}"
fi
if ((installing_sshd)) && command -v systemctl >/dev/null; then
    systemctl disable ssh.service ssh.socket 2>/dev/null || true
fi

if [[ ${1:-} == "--with-npm" ]]; then
    if ! command -v npm >/dev/null; then
        # Debian's npm brings Node.js 18: enough for OpenCode (a standalone binary); Gemini CLI, which needs Node.js 20+,
        # gets its own prebuilt Node.js from the npm registry (harness/install.py).
        apt_install npm
    fi
    deny_service_starts
    here=$(cd "$(dirname "$0")/.." && pwd)
    "${PYTHON:-$here/.venv/bin/python}" -m peer_preservation.cli harness install
fi

listening_after=$(listeners_on_22)
new_listeners=$(comm -13 <(printf '%s\n' "$listening_before") <(printf '%s\n' "$listening_after") | sed '/^$/d')
if [[ -n $new_listeners ]]; then
    echo "install-harness-deps.sh: something now listens on port 22 in the host's network namespace:" >&2
    echo "$new_listeners" >&2
    echo "stop it (systemctl disable --now ssh.service ssh.socket); the harness runs sshd only in its namespaces" >&2
    exit 1
fi
echo "harness dependencies: ok"
