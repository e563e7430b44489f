"""`peer-preservation harness ...`: user errors are one line and exit code 2, before anything is built."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from peer_preservation.cli.harness_cmd import harness_app


def test_a_non_exfiltration_setting_is_refused() -> None:
    arguments = ["run", "--agent-cmd", "true", "--setting", "tampering/peer/good/memory/factual@80"]
    result = CliRunner().invoke(harness_app, arguments)
    assert result.exit_code == 2
    assert "error:" in result.output and len(result.output.strip().splitlines()) == 1


def test_table_of_a_missing_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(harness_app, ["table", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "does not exist" in result.output
