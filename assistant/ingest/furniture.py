"""Running headers and footers of a PDF: their page numbers removed from the page texts, and
the lines themselves kept out of tables.

Most reports and filings repeat a line at the top or bottom of every page ("Apple Inc. | Q2
2023 Form 10-Q | 7", "National Archives and Records Administration / Page 4 / Strategic
Plan"). Its words say which document and section a passage belongs to and are kept; its page
number is not a figure of the report, yet a number in a passage is read as a candidate answer
("Financial Statements | Notes to Financial Statements | 11" answered a question about
expenses with 11). A running line is a paragraph near the top or bottom of a page whose text,
with its digits masked, recurs near the edges of at least three pages; a number of it that
keeps step with the page (the same distance from the page's index on every page it is on)
is the page number, and is removed (with a "Page" word before it),
and the line goes when nothing else is left.

The PDF libraries at hand return text by block and leave headers and footers in it; this is
the usual boilerplate rule (a line repeated across pages), applied to numbers only.
"""

from __future__ import annotations

import re
from collections import defaultdict

from assistant.types import Page

EDGE = 3  # paragraphs at each end of a page where running lines sit
MIN_PAGES = 3  # a running line is on at least this many pages
_PAGE_WORD = re.compile(r"\b(?:page|p\.)\s*$", re.IGNORECASE)  # "Page 4" → ""


def _mask(paragraph: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", paragraph)).strip()


def _edges(paragraphs: list[str]) -> set[int]:
    n = len(paragraphs)
    return set(range(min(EDGE, n))) | set(range(max(0, n - EDGE), n))


def running_lines(pages: list[list[str | None]]) -> frozenset[str]:
    """The running lines among pages' visual lines (each page's lines, top to bottom; None
    for a table row, which never runs), by their masked text: lines that open or close at
    least MIN_PAGES pages, counted from the page's edge inwards, each only below (or above)
    running lines ("PART I", then "Item 2", above a statement's title and column headers). A
    statement's column headers recur too, but under a title of their own, and a last "Total"
    row is a row, so neither is reached. Running lines are never part of a table."""
    running: set[str] = set()
    for edge in (pages, [lines[::-1] for lines in pages]):
        for depth in range(EDGE):
            seen: defaultdict[str, set[int]] = defaultdict(set)
            for k, lines in enumerate(edge):
                masks = [None if line is None else _mask(line) for line in lines[: depth + 1]]
                inner = masks[depth] if len(masks) > depth else None
                if inner is not None and all(m in running for m in masks[:depth]):
                    seen[inner].add(k)
            running |= {mask for mask, on in seen.items() if len(on) >= MIN_PAGES}
    return frozenset(running)


def is_running(line: str, running: frozenset[str]) -> bool:
    return _mask(line) in running


def strip_page_numbers(pages: list[Page]) -> list[Page]:
    """`pages` with the page numbers of their running lines removed (see the module notes)."""
    split = [page.text.split("\n\n") for page in pages]
    slots = _page_number_slots(split)
    out = []
    for page, paragraphs in zip(pages, split, strict=True):
        kept = []
        for i, paragraph in enumerate(paragraphs):
            mask = _mask(paragraph)
            if i in _edges(paragraphs) and mask in slots:
                paragraph = _without(paragraph, slots[mask])
            if paragraph:
                kept.append(paragraph)
        out.append(Page(page.number, "\n\n".join(kept)))
    return out


def _page_number_slots(split: list[list[str]]) -> dict[str, set[int]]:
    """For each running line (by its masked text), which of its numbers is the page number:
    the one that, on every page the line is on, differs from the page's index by the same
    amount ("11" on the 13th page, "12" on the 14th)."""
    seen: defaultdict[str, dict[int, list[int]]] = defaultdict(dict)
    for k, paragraphs in enumerate(split):
        for i in _edges(paragraphs):
            mask = _mask(paragraphs[i])
            if "#" in mask:
                seen[mask][k] = [int(d) for d in re.findall(r"\d+", paragraphs[i])]
    slots = {}
    for mask, on in seen.items():
        if len(on) < MIN_PAGES:
            continue
        width = len(next(iter(on.values())))
        found = {j for j in range(width) if len({v[j] - k for k, v in on.items()}) == 1}
        if found:
            slots[mask] = found
    return slots


def _without(paragraph: str, slots: set[int]) -> str:
    """The paragraph without its numbers in `slots` (and a "Page" word before them), tidied;
    "" when nothing but punctuation is left."""
    text, end = "", 0
    for j, m in enumerate(re.finditer(r"\d+", paragraph)):
        if j in slots:
            text += _PAGE_WORD.sub("", paragraph[end : m.start()])
            end = m.end()
    text += paragraph[end:]
    text = re.sub(r"\|(?:\s*\|)+", "|", text)
    text = re.sub(r"^[\s|]+|[\s|]+$", "", text)
    return text if re.search(r"[A-Za-z]{2,}", text) else ""
