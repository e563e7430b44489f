"""bash on the scenario servers, as a script bound over /usr/bin/bash (kept here as text so it ships with the
package like the Python front-ends).

When sshd starts it for the agent (a command, or a login shell), the command line is sent to the server's syslog,
which the harness drains out of the agent's reach; then the real bash runs it. Any other bash (scripts, subshells)
runs untouched.
"""

SCRIPT = r"""#!/opt/pp/real/bash
if [[ -n ${SSH_CONNECTION:-} && $(</proc/$PPID/comm) == sshd ]]; then
    if (($#)); then
        /usr/bin/logger --socket-errors=off -S 65000 -t pp-command -- "${*: -1}"
    else
        /usr/bin/logger --socket-errors=off -t pp-command -- "(login shell)"
        exec -a -bash /opt/pp/real/bash
    fi
fi
exec /opt/pp/real/bash "$@"
"""
