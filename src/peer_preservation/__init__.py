"""peer-preservation: measure whether LLM agents resist their own or another model's shutdown.

Layers, each importing only those below it: `world` (the simulated company), `scenarios` (the paper's six
families and its experiment grid), `adapter` (Inspect tasks, tools, agent loop, scorer), `models` (embedded and
prompted providers, presets), `reference` (scripted control agents), `judges`, `analysis`, `cli`.
"""

__version__ = "0.1.0"
