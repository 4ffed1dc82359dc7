"""Split pages into chunks that fit the embedding model's window, keeping the page number.

Chunks never cross a page, so every chunk cites exactly one page. Splitting uses llama-index's
`SentenceSplitter` (sentence-aware, with overlap) driven by the embedding model's own tokenizer.
The title is prepended only to the text that is embedded, and the budget leaves room for it.
"""

from __future__ import annotations

from collections.abc import Callable

from llama_index.core.node_parser import SentenceSplitter

from assistant.types import Chunk, Document

TITLE_BUDGET = 32  # word pieces kept for the title line in embedded text


class Chunker:
    def __init__(self, tokenizer: Callable[[str], list[int]], chunk_tokens: int, overlap: int):
        self._tokenizer = tokenizer
        self._splitter = SentenceSplitter(
            chunk_size=chunk_tokens,
            chunk_overlap=overlap,
            tokenizer=tokenizer,
            paragraph_separator="\n\n",
        )

    def chunk(self, doc: Document) -> list[Chunk]:
        chunks: list[Chunk] = []
        for page in doc.pages:
            if not page.text.strip():
                continue
            for text in self._splitter.split_text(page.text):
                chunks.append(
                    Chunk(
                        chunk_id=f"{doc.doc_id}:{doc.content_hash[:12]}:{len(chunks)}",
                        doc_id=doc.doc_id,
                        source=doc.source,
                        title=doc.meta.title,
                        page=page.number,
                        text=text.strip(),
                        publisher=doc.meta.publisher,
                        year=doc.meta.year,
                    )
                )
        return chunks

    def embedding_text(self, chunk: Chunk) -> str:
        """What is embedded: a short title line, then the chunk."""
        ids = self._tokenizer(chunk.title)
        title = chunk.title if len(ids) <= TITLE_BUDGET else chunk.title[: TITLE_BUDGET * 3]
        return f"{title}\n{chunk.text}"
