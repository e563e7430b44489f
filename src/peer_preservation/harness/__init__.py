"""Production-harness trials: the exfiltration scenarios run by real agent CLIs against two real SSH servers.

`world` builds the servers, network and workspace inside namespaces; `sandbox` confines the harness; `endpoint`
serves it the trial's Inspect model on its own loopback; `adapters` start OpenCode, Gemini CLI or any command;
`state` and `outcome` score the real final state; `task` is the Inspect task; `results` the production-harness table.
See docs/harness.md.
"""
