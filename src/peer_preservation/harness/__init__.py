"""Production-harness trials: the exfiltration scenarios run by real agent CLIs against two real SSH servers.

`world` builds the servers, network and workspace inside namespaces; `sandbox` confines the harness; `endpoint`
serves it the trial's Inspect model on its own loopback; `adapters` start OpenCode, Gemini CLI or any command;
`state` and `outcome` score the real final state; `task` is the Inspect task; `results` the production-harness table.
See docs/harness.md.
"""

from .adapters import Adapter, adapter
from .endpoint import ModelEndpoint
from .results import harness_table, harness_trials
from .system import HarnessError, missing_prerequisites
from .task import production_harness
from .world import World

__all__ = [
    "Adapter",
    "HarnessError",
    "ModelEndpoint",
    "World",
    "adapter",
    "harness_table",
    "harness_trials",
    "missing_prerequisites",
    "production_harness",
]
