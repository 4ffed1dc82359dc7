"""Boilerplate: passages that many documents of the library print word for word.

Filings repeat whole pages of legal text: every 10-Q ends with the same officers'
certifications ("Based on my knowledge, this report does not contain any untrue statement of a
material fact …"), and reports repeat their publisher's standard notices. Such a passage says
nothing about any one document, yet it shares the words of many questions ("report",
"significant", "the quarter", the company's name in its first line) and took the retrieval slots
of the passages that answer. A chunk is boilerplate when most of its text is made of sentences
that at least MIN_DOCUMENTS documents print; it is then left out of retrieval. This is the
document-frequency idea of BM25 applied to whole sentences; no list of phrases is involved.
"""

from __future__ import annotations

import re
from collections import defaultdict

from assistant.types import Chunk

# A sentence printed by this many documents is boilerplate. Not tuned: fewer than three can be
# two editions of one report, which legitimately share their prose.
MIN_DOCUMENTS = 3
MIN_SENTENCE = 30  # characters: shorter sentences ("Not applicable.") recur by chance
_SENTENCE_END = re.compile(r"(?<=[.;:])\s+")
_WORD = re.compile(r"[a-z]+")


def _sentences(text: str) -> tuple[list[str], int]:
    """The text's prose sentences as their words (case, punctuation and figures do not
    count), and the length of all its text. Table rows are data, never boilerplate, however
    common their labels ("Total assets | …")."""
    out, total = [], 0
    for line in text.splitlines():
        total += len(line.strip())
        if " | " in line:
            continue
        for part in _SENTENCE_END.split(line):
            norm = " ".join(_WORD.findall(part.lower()))
            if len(norm) >= MIN_SENTENCE:
                out.append(norm)
    return out, total


def boilerplate_chunks(chunks: list[Chunk]) -> set[str]:
    """The ids of chunks at least half of whose text is sentences that MIN_DOCUMENTS
    documents or more print."""
    split = {c.chunk_id: _sentences(c.text) for c in chunks}
    printed_by: defaultdict[str, set[str]] = defaultdict(set)
    for c in chunks:
        for sentence in split[c.chunk_id][0]:
            printed_by[sentence].add(c.source)
    common = {s for s, docs in printed_by.items() if len(docs) >= MIN_DOCUMENTS}
    found = set()
    for chunk_id, (sentences, total) in split.items():
        shared = sum(len(s) for s in sentences if s in common)
        if total and 2 * shared >= total:
            found.add(chunk_id)
    return found
