"""An independent check of verified figures: is the figure, as written, on the cited page?

The assistant verifies a figure with its own normaliser against the chunk it cites, and the
eval's `grounded_rate` uses the same normaliser, so a normaliser bug would pass both. This
check shares no code with `assistant.numbers` or the readers: it opens the original file,
takes the raw text of the cited page (PyMuPDF's plain `get_text()` for a PDF, the decoded file
for text formats, the document XML with tags removed for DOCX) and looks for the figure by
plain string matching: its digits as written, with or without thousands separators, or
re-expressed in thousands or millions (a table "in millions" prints 16.465 billion as 16,465).
"""

from __future__ import annotations

import re
import zipfile
from functools import lru_cache
from pathlib import Path

_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SCALE = re.compile(r"^\s*(thousand|million|billion|trillion|bn|mn|tn|[kmb])\b", re.IGNORECASE)
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6}
_SCALES |= {"billion": 1e9, "b": 1e9, "bn": 1e9, "trillion": 1e12, "tn": 1e12}
_WORD = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy"
    r"|eighty|ninety|hundred)\b",
    re.I,
)


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@lru_cache(maxsize=512)
def page_text(path: str, page: int | None) -> str:
    """Raw text of one page of a PDF, or of the whole file for formats without pages."""
    file = Path(path)
    if file.suffix.lower() == ".pdf":
        import pymupdf

        with pymupdf.open(file) as doc:
            if page is None or not 1 <= page <= doc.page_count:
                return ""
            return _collapse(doc[page - 1].get_text())
    if file.suffix.lower() == ".docx":
        with zipfile.ZipFile(file) as z:
            xml = z.read("word/document.xml").decode("utf-8", "replace")
        return _collapse(re.sub(r"<[^>]+>", " ", xml))
    return _collapse(file.read_bytes().decode("utf-8", "replace"))


def _plain(value: float) -> list[str]:
    """A value as a table or a sentence might print it: 7127 → "7,127", "7127"."""
    if value != int(value):
        text = f"{value:.3f}".rstrip("0").rstrip(".")
        return [text, f"{int(value):,}" + text[len(str(int(value))) :]]
    return [f"{int(value):,}", str(int(value))]


_SCALE_WORDS = r"(?:thousand|million|billion|trillion|bn|mn|tn|[kmb])\b"
_EDGE_L, _EDGE_R = r"(?<![\d.,])", r"(?![\d]|[.,]\d)"


def patterns(figure: str) -> list[str]:
    """Regular expressions any one of which on the page supports `figure` as written."""
    core = _DIGITS.search(figure)
    if core is None:
        word = _WORD.search(figure)
        return [rf"\b{word.group(0).lower()}\b"] if word else []
    digits = core.group(0).rstrip(",")
    value = float(digits.replace(",", ""))
    scale = _SCALE.match(figure[core.end() :])
    if scale:  # "191 million": the digits followed by a scale word, or the value re-expressed
        value *= _SCALES[scale.group(1).lower()]
        out = [_EDGE_L + re.escape(digits) + r"\s?" + _SCALE_WORDS]
    else:
        out = [_EDGE_L + re.escape(d) + _EDGE_R for d in {digits, digits.replace(",", "")}]
    for divisor in (1e3, 1e6, 1e9):
        if value / divisor >= 1:
            out += [_EDGE_L + re.escape(s) + _EDGE_R for s in _plain(value / divisor)]
    return out


def on_page(figure: str, text: str) -> bool:
    """Does the page text hold the figure in one of its spellings, as a whole number?"""
    lowered = text.lower()
    return any(re.search(p, lowered) for p in patterns(figure))
