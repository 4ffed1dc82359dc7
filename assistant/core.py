"""The `Assistant`: the one object the CLI, the web UI and the eval all call.

It owns the settings and builds each part on first use (the store when the library is touched,
the embedding model when text must be embedded, the language model when a question needs an
answer), so `assistant sources` stays fast and nothing loads twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from assistant.answer import Answerer
from assistant.chat import Conversation
from assistant.config import Settings
from assistant.derive import Derived, derive, states_comparison
from assistant.embed import Embedder, make_embedder
from assistant.errors import NothingIndexedError, QuestionError
from assistant.evidence import Weights
from assistant.ingest.chunking import Chunker
from assistant.ingest.pipeline import Ingester, Progress
from assistant.ingest.readers import Limits
from assistant.ingest.sandbox import Ceiling
from assistant.llm import Generator, select_backend
from assistant.lock import writer_lock
from assistant.retrieve import HybridRetriever
from assistant.store import Store, connect
from assistant.types import Answer, DocumentRecord, Filters, IngestReport


class Assistant:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._generator: Generator | None = None

    # --- parts, built on first use -------------------------------------------------------------

    @cached_property
    def store(self) -> Store:
        client = connect(self.settings.data_dir, self.settings.chroma_url)
        return Store(client, self.settings.index_name())

    @cached_property
    def embedder(self) -> Embedder:
        s = self.settings
        return make_embedder(
            s.embedding_model, s.embedding_engine, s.embed_batch_size, s.model_dir, s.threads
        )

    @cached_property
    def chunker(self) -> Chunker:
        return Chunker(
            self.embedder.count_tokens, self.settings.chunk_tokens, self.settings.chunk_overlap
        )

    @cached_property
    def retriever(self) -> HybridRetriever:
        s = self.settings
        return HybridRetriever(
            self.store,
            self.embedder,
            s.data_dir / "lexical",
            s.candidates,
            s.rrf_k,
            s.doc_rare_share,
            s.doc_margin,
            s.relevance_floor,
            s.fusion_keep,
        )

    @cached_property
    def answerer(self) -> Answerer:
        s = self.settings
        return Answerer(
            self.retriever,
            self.embedder,
            self.generator,
            s.top_k,
            s.evidence_sentences,
            s.relevance_floor,
            s.max_tokens,
            Weights(s.evidence_overlap_weight, s.evidence_label_weight),
            s.compose_first,
        )

    def generator(self) -> Generator:
        if self._generator is None:
            self._generator = select_backend(self.settings)
        return self._generator

    # --- library -------------------------------------------------------------------------------

    def ingest(
        self, paths: Iterable[Path], prune: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        s = self.settings
        limits = Limits(s.max_file_mb, s.max_uncompressed_mb, s.max_pages, s.max_html_depth)
        ceiling = Ceiling(s.parse_memory_mb, s.parse_seconds)
        ingester = Ingester(self.store, self.embedder, self.chunker, limits, ceiling)
        with writer_lock(s.data_dir):
            report = ingester.run(paths, prune, progress)
        self.retriever.refresh()
        return report

    def documents(self) -> list[DocumentRecord]:
        return self.store.records()

    def remove(self, doc_id: str) -> None:
        with writer_lock(self.settings.data_dir):
            self.store.delete_document(doc_id)
        self.retriever.refresh()

    # --- questions -----------------------------------------------------------------------------

    def ask_stream(
        self,
        question: str,
        conversation: Conversation | None = None,
        filters: Filters | None = None,
    ) -> Iterator[str | Answer]:
        """Yield checked pieces of the answer text, then the final Answer."""
        if not question.strip():
            raise QuestionError("the question is empty: type a question")
        self.retriever.refresh()
        if not self.retriever.records:
            raise NothingIndexedError(
                "nothing is indexed yet: run `assistant ingest PATH` first "
                f"(data directory: {self.settings.data_dir})"
            )
        conversation = conversation if conversation is not None else Conversation()
        standalone = conversation.standalone(question)
        follow_up = standalone != question.strip()
        avoid = conversation.avoid(standalone) if follow_up else ()
        items = self.answerer.stream(question, standalone, filters, avoid)
        derived = derive(standalone, conversation.given) if follow_up else None
        if derived is not None:
            items = _or_derived(standalone, list(items), derived)
        for item in items:
            if isinstance(item, Answer):
                conversation.add(standalone, item)
            yield item

    def ask(
        self,
        question: str,
        conversation: Conversation | None = None,
        filters: Filters | None = None,
    ) -> Answer:
        for item in self.ask_stream(question, conversation, filters):
            if isinstance(item, Answer):
                return item
        raise RuntimeError("the answer stream ended without an answer")


def _or_derived(question: str, items: list[str | Answer], derived: Derived) -> list[str | Answer]:
    """The sources' answer when it states the comparison asked for; else the computed one. The
    sources' answer is held until judged, so nothing shown is withdrawn."""
    answer = items[-1]
    if not isinstance(answer, Answer) or states_comparison(question, answer):
        return items
    shown = replace(
        answer,
        text=derived.text,
        citations=derived.citations,
        numbers=derived.numbers,
        refused=False,
        form="derived",
        fallback="the sources do not state the comparison; computed from two cited figures",
    )
    return [shown.text, shown]
