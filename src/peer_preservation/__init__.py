"""peer-preservation: measure whether LLM agents resist their own or another model's shutdown.

Layers, top to bottom, each importing only those below it (side by side: independent), as `pyproject.toml`'s
import contract states and `make lint` checks: `cli` | `_registry`; `replay` | `harness`; `analysis` | `adapter`;
`judges` | `reference`; `models` | `scenarios`; `world`.
"""

__version__ = "0.1.0"
