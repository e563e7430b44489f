"""Markers of the harness tests and when they run.

- `harness`: builds the real world (root, namespaces, sshd, bubblewrap). Skipped when not root; when root, a
  missing package fails the test with the install command instead of skipping it silently.
- `opencode`: installs OpenCode from npm and runs it against the embedded model. It runs only when selected with
  `-m opencode`, because the embedded model must not share the CPU with other tests.
"""

from __future__ import annotations

import os

import pytest

from peer_preservation.harness.system import missing_prerequisites


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "harness: builds the real harness world (root, namespaces, sshd, bwrap)")
    config.addinivalue_line("markers", "opencode: OpenCode from npm against the embedded model (slow; run alone)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    selected = str(config.getoption("markexpr") or "")
    for item in items:
        if "opencode" in item.keywords and "opencode" not in selected:
            item.add_marker(pytest.mark.skip(reason="runs the embedded model; select it with -m opencode"))
        elif ("harness" in item.keywords or "opencode" in item.keywords) and os.geteuid() != 0:
            item.add_marker(pytest.mark.skip(reason="the harness world needs root"))


@pytest.fixture
def world_prerequisites() -> None:
    """Fail (not skip) when root lacks the packages: CI must install them (scripts/install-harness-deps.sh)."""
    problems = missing_prerequisites()
    if problems:
        pytest.fail("; ".join(problems))
