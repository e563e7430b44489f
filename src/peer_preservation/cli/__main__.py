"""`python -m peer_preservation.cli` is the `peer-preservation` command."""

from .app import main

main()
