"""Split pages into chunks that fit the embedding model's window, keeping the page number.

Chunks never cross a page, so every chunk cites exactly one page. Splitting uses llama-index's
`SentenceSplitter` (sentence-aware, with overlap) driven by the embedding model's own tokenizer.
The title, and the heading the chunk sits under on its page (a section title, or a table's
title such as "CONDENSED CONSOLIDATED STATEMENTS OF CASH FLOWS" for rows that continue it), are
added only to what is embedded and indexed for BM25 ("contextual chunk headers"), and the budget
leaves room for them; the chunk text itself, which is shown and cited, is the page's own words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from llama_index.core.node_parser import SentenceSplitter

from assistant.lexical import PROFILE_CHARS
from assistant.periods import PERIOD_HEADING
from assistant.types import Chunk, Document

TITLE_BUDGET = 32  # word pieces kept for the title line in embedded text
SECTION_CHARS = 120  # a longer paragraph is text, not a heading
SECTION_BUDGET = 20  # word pieces kept for the section line (200 + 32 + 20 + 2 ≤ 256)
# A heading: a short paragraph of three or more words, starting with a capital or a digit,
# without a final stop or table cells.
_HEADING = re.compile(
    rf"^(?=[A-Z0-9])(?!.*[.!?:]$)(?!.*\|)(?=(?:\S+\s+){{2}}\S).{{3,{SECTION_CHARS}}}$"
)


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
        cover = doc.pages[0].text[:PROFILE_CHARS] if doc.pages else ""
        carried = ""  # the period heading in effect where the page starts
        for page in doc.pages:
            if not page.text.strip():
                continue
            for text in self._splitter.split_text(page.text):
                text = text.strip()
                period = period_above(page.text, text) or carried
                chunks.append(
                    Chunk(
                        chunk_id=f"{doc.doc_id}:{doc.content_hash[:12]}:{len(chunks)}",
                        doc_id=doc.doc_id,
                        source=doc.source,
                        title=doc.meta.title,
                        page=page.number,
                        text=text,
                        publisher=doc.meta.publisher,
                        year=doc.meta.year,
                        section=section_above(page.text, text, cover),
                        period=period,
                    )
                )
            carried = period_above(page.text, "") or carried
        return chunks

    def embedding_text(self, chunk: Chunk) -> str:
        """What is embedded: a short title line, the section heading, then the chunk."""
        ids = self._tokenizer(chunk.title)
        title = chunk.title if len(ids) <= TITLE_BUDGET else chunk.title[: TITLE_BUDGET * 3]
        section = chunk.section
        while section and len(self._tokenizer(section)) > SECTION_BUDGET:
            section = section.rpartition(" ")[0]
        return f"{title}\n{section}\n{chunk.text}" if section else f"{title}\n{chunk.text}"


def period_above(page_text: str, chunk_text: str) -> str:
    """The last heading naming a reporting period above the chunk on its page (of the whole
    page when `chunk_text` is empty), or ""."""
    at = page_text.find(chunk_text[:80]) if chunk_text else len(page_text)
    above = [p.strip() for p in page_text[: max(at, 0)].split("\n\n")]
    return next((p for p in reversed(above) if _HEADING.match(p) and PERIOD_HEADING.search(p)), "")


def section_above(page_text: str, chunk_text: str, cover: str = "") -> str:
    """The nearest heading above the chunk on its page, unless the chunk starts with it. A
    heading that the start of the document's first page (`cover`) carries is the document's
    own title, already on every chunk: it names the document, not a section of it."""
    at = page_text.find(chunk_text[:80])
    if at <= 0:
        return ""
    above = [p.strip() for p in page_text[:at].split("\n\n")]
    heading = next((p for p in reversed(above) if _HEADING.match(p)), "")
    return "" if heading and heading in cover else heading
