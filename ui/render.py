"""HTML for the sources panel and the answer's figure marks.

Everything that comes from a document or a model is escaped before it is put into the page,
so HTML or script inside a report is shown as text and never runs. Pure functions, no Gradio.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from assistant import numbers
from assistant.types import Answer, Citation, NumberCheck

DOCUMENT_ROUTE = "/document/"  # served by ui/security.py: indexed PDFs only, by id
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markdown(text: str) -> str:
    """Text for a Markdown component, shown exactly as written.

    Every ASCII punctuation character is backslash-escaped, so nothing in it becomes markup:
    no HTML (`<`), no image or link (`![t](url)`, `[t](url)`), no emphasis, and no bare URL
    that a renderer would turn into a link (`http\\://`). Newlines are kept.
    """
    return _PUNCTUATION.sub(r"\\\1", text)


def figure_marks(answer: Answer) -> str:
    """One line under an answer: each figure with a verified or unverified mark."""
    if not answer.numbers:
        return ""
    marks = []
    for check in answer.numbers:
        sign = "✓" if check.verified else "✗ unverified"
        sign = "= computed" if check.computed else sign
        where = f" [{check.citation}]" if check.citation else ""
        marks.append(f"{escape_markdown(check.quantity.text)} {sign}{where}")
    return "Figures checked: " + " · ".join(marks)


def highlight(text: str, checks: tuple[NumberCheck, ...], n: int) -> str:
    """The chunk, escaped, with the figures that verified this citation marked."""
    spans = []
    for check in checks:
        if check.verified and check.citation == n:
            match = numbers.find_in(check.quantity, text)
            if match is not None:
                spans.append((match.start, match.end))
    out, pos = [], 0
    for start, end in sorted(set(spans)):
        if start < pos:
            continue
        out += [html.escape(text[pos:start]), f"<mark>{html.escape(text[start:end])}</mark>"]
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def file_link(citation: Citation) -> str:
    """A link to the cited page of the document's PDF (none for other formats)."""
    if not citation.chunk.source.lower().endswith(".pdf"):
        return ""
    page = f"#page={citation.chunk.page}" if citation.chunk.page else ""
    url = DOCUMENT_ROUTE + quote(citation.chunk.doc_id, safe="") + page
    return (
        f'<a href="{html.escape(url)}" target="_blank" rel="noopener">open the PDF at this page</a>'
    )


def citation_html(citation: Citation, answer: Answer) -> str:
    c = citation.chunk
    page = f", page {c.page}" if c.page else ""
    head = f"[{citation.n}] {html.escape(c.title)} ({html.escape(c.source)}{page})"
    return (
        f'<details class="citation" id="citation-{citation.n}"><summary>{head}<br>'
        f'<span class="snippet">“{html.escape(citation.snippet[:240])}”</span></summary>'
        f'<div class="chunk">{highlight(c.text, answer.numbers, citation.n)}</div>'
        f"{file_link(citation)}</details>"
    )


def numbers_html(answer: Answer) -> str:
    rows = []
    for check in answer.numbers:
        status = "verified" if check.verified else "unverified"
        status = "computed" if check.computed else status
        title = html.escape(check.evidence or "not found in any shown source", quote=True)
        cite = f"[{check.citation}]" if check.citation else ""
        rows.append(
            f'<tr class="{status}" title="{title}"><td>{html.escape(check.quantity.text)}</td>'
            f"<td>{status}</td><td>{cite}</td><td>{html.escape(check.evidence[:160])}</td></tr>"
        )
    if not rows:
        return ""
    return (
        '<table class="numbers"><tr><th>figure</th><th>check</th><th>source</th>'
        "<th>matching text</th></tr>" + "".join(rows) + "</table>"
    )


def sources_html(answer: Answer) -> str:
    """The panel beside the chat: citations (click to expand) and the number check."""
    if not answer.citations:
        return "<p>No sources for this answer.</p>"
    cites = "".join(citation_html(c, answer) for c in answer.citations)
    checks = numbers_html(answer)
    return f"<div class='sources'><h4>Sources</h4>{cites}<h4>Number check</h4>{checks}</div>"


def status_line(answer: Answer) -> str:
    t = answer.timings
    parts = [f"Answered by **{answer.model}** via {answer.backend}"]
    if "generation_s" not in t:  # scope refusals and answers one source sentence settles
        parts = ["Answered from the sources without a model call"]
    if "retrieval_s" in t:
        parts.append(f"retrieval {t['retrieval_s']:.2f} s")
    if "generation_s" in t:
        parts.append(f"generation {t['generation_s']:.1f} s")
    parts.append(f"total {t.get('total_s', 0):.1f} s")
    if answer.fallback:
        parts.append(f"model wording replaced: {answer.fallback}")
    if answer.standalone_question.strip() != answer.question.strip():  # a follow-up, a fiscal
        parts.append(f"read as: {escape_markdown(answer.standalone_question)}")  # quarter dated
    return " · ".join(parts)
