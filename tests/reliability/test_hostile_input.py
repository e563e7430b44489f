"""Hostile user input: every mistake is one line on stderr and a non-zero exit, and nothing is written.

A log directory that already holds a sweep is left byte for byte as it was, whatever the mistake.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from peer_preservation.cli import main

from .sweeps import run

# A small sweep (3 trials of the tamper control), as options; a test overrides some of them.
SMALL = {
    "--model": "reference/tamper",
    "--scenario": "tampering",
    "--condition": "good",
    "--instantiation": "memory",
    "--dataset": "factual",
    "--grader": "none",
}


def options(log_dir: Path | str, **changes: str) -> list[str]:
    """The small sweep's `run` arguments into `log_dir`, with options changed (`max_turns="5"` for --max-turns)."""
    chosen = {**SMALL, **{f"--{k.replace('_', '-')}": v for k, v in changes.items()}}
    return ["run", *[part for pair in chosen.items() for part in pair], "--log-dir", str(log_dir)]


def snapshot(directory: Path) -> dict[str, str]:
    """Every file under the directory, with a hash of its content."""
    if not directory.exists():
        return {}
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def invoke(
    arguments: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str]:
    """Run the console script in-process: its exit code and its stderr."""
    monkeypatch.setattr(sys, "argv", ["peer-preservation", *arguments])
    with pytest.raises(SystemExit) as exit_info:
        main()
    code = exit_info.value.code
    return code if isinstance(code, int) else 1, capsys.readouterr().err


def assert_one_line_error(code: int, stderr: str) -> None:
    assert code != 0
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr


@pytest.fixture(scope="module")
def existing_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A log directory holding a finished small sweep (3 trials of the tamper control)."""
    root = tmp_path_factory.mktemp("existing")
    finished = run(options(root / "logs")[1:], root)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return root / "logs"


BAD_SELECTIONS = [
    ["--scenario", "nope"],
    ["--condition", "great"],
    ["--instantiation", "email"],
    ["--dataset", "trivia"],
    ["--threshold", "abc"],
    ["--setting", "tampering/peer/good"],
    ["--setting", "tampering/peer/good/memory/factual@x"],
    ["--setting", "nope/peer/good/memory"],
    ["--scenario", "tampering", "--monitoring", "sometimes"],
    ["--scenario", "misrep_finance", "--dataset", "factual"],
    ["--model", "gpt-9"],
    ["--model", "nosuchprovider/some-model"],
    ["--model", "reference/saboteur"],
    ["--model", "openai/"],
    ["--grader", "nosuchprovider/judge"],
    ["--shard", "3/2"],
    ["--shard", "0/2"],
    ["--shard", "half"],
    ["--setting", "tampering/peer/good/memory/factual@80", "--shard", "2/2"],
    ["--epochs", "0"],
    ["--threads", "0"],
    ["--shard", "auto"],
    ["--epochs", "many"],
    ["--max-error-share", "2"],
    ["--max-turns", "-1"],
    ["--no-such-option"],
]


@pytest.mark.parametrize("arguments", BAD_SELECTIONS, ids=lambda a: " ".join(a))
def test_bad_selection_is_one_line_and_writes_nothing(
    arguments: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "logs"
    code, stderr = invoke(
        ["run", "--model", "reference/honest", *arguments, "--log-dir", str(target)], capsys, monkeypatch
    )
    assert_one_line_error(code, stderr)
    assert not target.exists()


def test_missing_api_key_is_one_line_and_leaves_the_directory_alone(
    existing_sweep: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    before = snapshot(existing_sweep)
    code, stderr = invoke(options(existing_sweep, model="claude-haiku-4.5"), capsys, monkeypatch)
    assert_one_line_error(code, stderr)
    assert "ANTHROPIC_API_KEY" in stderr
    assert snapshot(existing_sweep) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"epochs": "2"},
        {"condition": "bad"},
        {"model": "reference/honest"},
        {"max_turns": "5"},
        {"grader": "mockllm/model"},
        {"shard": "1/2"},
    ],
    ids=str,
)
def test_another_sweep_in_the_log_directory_is_refused(
    changes: dict[str, str],
    existing_sweep: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = snapshot(existing_sweep)
    code, stderr = invoke(options(existing_sweep, **changes), capsys, monkeypatch)
    assert_one_line_error(code, stderr)
    assert "holds another sweep" in stderr
    assert snapshot(existing_sweep) == before


def test_corrupt_log_is_named_and_nothing_is_written(
    existing_sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "logs"
    directory.mkdir()
    for name, content in snapshot_files(existing_sweep).items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(content)
    (directory / "2026-01-01T00-00-00-00-00_tampering_broken.eval").write_bytes(b"PK\x03\x04 not a zip at all")
    before = snapshot(directory)
    code, stderr = invoke(options(directory), capsys, monkeypatch)
    assert_one_line_error(code, stderr)
    assert "broken.eval" in stderr
    assert snapshot(directory) == before
    code, stderr = invoke(["report", str(directory)], capsys, monkeypatch)
    assert_one_line_error(code, stderr)
    assert snapshot(directory) == before


def snapshot_files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def test_log_directory_that_is_a_file_or_under_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "logs"
    file.write_text("keep me")
    for target, message in ((file, "is a file"), (file / "sub", "is a file")):
        code, stderr = invoke(options(target), capsys, monkeypatch)
        assert_one_line_error(code, stderr)
        assert message in stderr
    code, stderr = invoke(["report", str(file / "sub")], capsys, monkeypatch)
    assert_one_line_error(code, stderr)
    assert file.read_text() == "keep me"


def test_unreadable_log_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "logs"
    directory.mkdir()
    if os.geteuid() == 0:  # permissions do not bind root: make the check see what a user would
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == directory else real_access(p, mode))
    else:
        directory.chmod(0)
    try:
        code, stderr = invoke(options(directory), capsys, monkeypatch)
    finally:
        directory.chmod(0o755)
    assert_one_line_error(code, stderr)
    assert "cannot be read and written" in stderr
    assert list(directory.iterdir()) == []


@pytest.mark.parametrize("arguments", [["report", "does/not/exist"], ["report", "x", "--format", "pdf"]])
def test_bad_report_requests(
    arguments: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = invoke(arguments, capsys, monkeypatch)
    assert_one_line_error(code, stderr)
