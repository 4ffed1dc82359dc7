"""Typed records passed between the stages: file → Document → Chunk → Hit → Answer.

Frozen dataclasses with no I/O, so each stage's input and output can be read, compared and tested
on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# How a follow-up that cannot be rewritten to stand alone carries the question before it.
FOLLOW_UP_MARK = " (follow-up to: "


def own_part(question: str) -> str:
    """A follow-up's own words, without the earlier question it carries as context."""
    return question.split(FOLLOW_UP_MARK)[0]


def row_label(unit: str) -> tuple[str, str]:
    """A table row's section heading and its own label ("Revenue: Intelligent Cloud | …" →
    "Revenue", "Intelligent Cloud"); ("", "") for a sentence."""
    if " | " not in unit:
        return "", ""
    section, _, label = unit.split(" | ")[0].rpartition(": ")
    return section, label


@dataclass(frozen=True)
class DocumentMeta:
    """What is known about a source file besides its text."""

    title: str
    publisher: str = ""
    year: int | None = None


@dataclass(frozen=True)
class Page:
    """A unit of text with its page number (None for formats without pages)."""

    number: int | None
    text: str


@dataclass(frozen=True)
class Document:
    """A parsed file: metadata plus its text page by page."""

    doc_id: str
    path: str
    source: str
    content_hash: str
    meta: DocumentMeta
    pages: tuple[Page, ...]


@dataclass(frozen=True)
class Chunk:
    """A piece of a document small enough for the embedding model's window."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    page: int | None
    text: str
    publisher: str = ""
    year: int | None = None
    section: str = ""  # the heading above the chunk on its page (a section or table title)
    period: str = ""  # the last heading before the chunk naming a reporting period (any page)


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with the scores that ranked it."""

    chunk: Chunk
    score: float
    dense: float | None = None
    lexical: float | None = None


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to some documents (file names), publishers or years."""

    sources: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    years: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.sources or self.publishers or self.years)


@dataclass(frozen=True)
class Quantity:
    """A number found in text, normalised: 1.2 bn and 1,200 million both have value 1.2e9."""

    text: str
    value: float
    kind: str  # "number", "percent", "currency", "multiplier", "year"
    unit: str = ""  # currency code for kind "currency"
    precision: float = 0.0  # half the unit of the last digit stated, 0 when exact
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Citation:
    """A numbered source shown to the user; n is the number the answer cites."""

    n: int
    chunk: Chunk
    snippet: str


@dataclass(frozen=True)
class NumberCheck:
    """One quantity of an answer and whether the cited (or any retrieved) source states it."""

    quantity: Quantity
    verified: bool
    citation: int | None = None
    evidence: str = ""
    computed: bool = False  # worked out from other verified figures, shown with its inputs


@dataclass(frozen=True)
class Answer:
    """What the user sees, with everything needed to check it."""

    question: str
    standalone_question: str
    text: str
    citations: tuple[Citation, ...]
    numbers: tuple[NumberCheck, ...]
    backend: str
    model: str
    refused: bool = False
    form: str = "model"  # model | composed | quote | derived | refusal: how the text was made
    fallback: str = ""  # why the model's own wording was replaced, when it was
    draft: str = ""  # the model's wording before checks, kept for diagnosis
    hits: tuple[Hit, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class FileFailure:
    path: str
    reason: str


@dataclass(frozen=True)
class IngestReport:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    removed: int = 0
    chunks_added: int = 0
    failed: tuple[FileFailure, ...] = ()
    warnings: tuple[FileFailure, ...] = ()  # indexed, but with a problem the user should know
    seconds: float = 0.0


@dataclass(frozen=True)
class DocumentRecord:
    """One indexed document as listed by `assistant sources`."""

    doc_id: str
    source: str
    path: str
    title: str
    publisher: str
    year: int | None
    pages: int
    chunks: int
    content_hash: str
    added: str


@dataclass(frozen=True)
class Evidence:
    """A sentence or table row of a retrieved chunk, scored as an answer to a question."""

    hit: int  # index into the hits
    text: str
    score: float
    overlap: float = 0.0  # share of the question's terms the sentence contains
    heading: str = ""  # the heading the sentence sits under in its chunk, if any
    title: str = ""  # the title of its document
    before: str = ""  # the headings above it in its chunk (its section, often the period)
    lead: str = ""  # the sentences before it in its paragraph
    year: int | None = None  # its document's year

    def with_heading(self) -> str:
        return f"{self.heading}: {self.text}" if self.heading else self.text
