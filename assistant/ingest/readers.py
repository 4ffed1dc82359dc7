"""Turn a file into pages of plain text, or say precisely why it cannot be read.

One reader per format, each returning `Parsed` (title hint, publisher hint, pages). Tables are
kept as rows and each row repeats its column headers ("Region: China | Notable models: 15"), so
a row stays meaningful on its own in a chunk, a search result or a citation.

Every reader works within `Limits` (file size, uncompressed size of a ZIP container, pages,
HTML nesting depth), checked before the expensive work, so a bomb fails with a reason instead of
exhausting the machine; the sandbox (sandbox.py) adds a memory and time ceiling around it all.
Invisible format characters (zero-width spaces, bidi overrides) are removed from every page:
they can hide or reorder text that a reader of the citation would never see.

PDF tables: tables of figures and tables of wrapped text under a row of column headers are
recovered from word positions (pdf_tables.py: each figure keeps its row label, its joined
column headers and the table's unit); any other run of blocks whose lines sit side by side on
one baseline is read as table rows, the first row taken as the header. Page numbers of running
headers and footers are removed (furniture.py).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from assistant.errors import DocumentError
from assistant.ingest.furniture import running_lines, strip_page_numbers
from assistant.ingest.pdf_tables import (
    Line,
    Table,
    find_tables,
    readable,
    scaled_cell,
    visual_lines,
)
from assistant.types import Page

# Bump when the text a reader produces changes, so stores built by older readers are not reused.
PARSER_VERSION = "16"
SUPPORTED = (".pdf", ".html", ".htm", ".md", ".markdown", ".txt", ".text", ".docx")


@dataclass(frozen=True)
class Limits:
    """How much of a file a reader will take on; each is a setting (see config.py)."""

    file_mb: int = 200
    uncompressed_mb: int = 100
    pages: int = 3000
    html_depth: int = 400


@dataclass
class Parsed:
    pages: list[Page]
    title: str = ""
    publisher: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def read(path: Path, limits: Limits | None = None) -> Parsed:
    """Parse `path`; raise DocumentError with a reason a user understands."""
    limits = limits or Limits()
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise DocumentError(
            f"unsupported file type '{suffix or path.name}' (supported: {', '.join(SUPPORTED)})"
        )
    if path.stat().st_size > limits.file_mb * 2**20:
        raise DocumentError(f"file larger than the {limits.file_mb} MB limit")
    data = path.read_bytes()
    if not data.strip():
        raise DocumentError("empty file")
    parsed = reader(path, data, limits)
    parsed.pages = [Page(p.number, fiscal_years_in_full(visible(p.text))) for p in parsed.pages]
    if not any(p.text.strip() for p in parsed.pages):
        raise DocumentError("no extractable text (a scanned PDF needs OCR first)")
    return parsed


# A fiscal year written with two digits ("FY21", "FY '22"), which a question writes "FY 2021".
_SHORT_FISCAL_YEAR = re.compile(r"\bFY\s?['’]?(\d{2})\b(?![.,]?\d)")


def fiscal_years_in_full(text: str) -> str:
    """ "FY21 Target" → "FY 2021 Target": a table's column and a question then name the same
    year, and the two digits are never read as a figure."""
    return _SHORT_FISCAL_YEAR.sub(lambda m: f"FY 20{m.group(1)}", text)


def visible(text: str) -> str:
    """`text` without invisible format characters (zero-width, bidi controls, soft hyphens)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


# --- tables -----------------------------------------------------------------------------------


def rows_to_lines(rows: list[list[str]]) -> list[str]:
    """Render a table so that every row carries its headers (and a figure the scale its row
    label or column header states: "Customers served online (millions)")."""
    rows = [[_clean(c) for c in row] for row in rows if any(c.strip() for c in row)]
    if len(rows) < 2:
        return [" | ".join(r) for r in rows]
    header, body = rows[0], rows[1:]
    lines = []
    for row in body:
        values = [
            c if j == 0 else scaled_cell(c, row[0], h)
            for j, (h, c) in enumerate(zip(header, row, strict=False))
        ]
        cells = [f"{h}: {c}" if h else c for h, c in zip(header, values, strict=False) if c]
        lines.append(" | ".join(cells))
    return lines


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- PDF --------------------------------------------------------------------------------------


def _read_pdf(path: Path, data: bytes, limits: Limits) -> Parsed:
    import pymupdf

    if not data.startswith(b"%PDF"):
        raise DocumentError("not a PDF (the content does not start with %PDF)")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:
        raise DocumentError(f"corrupt or unreadable PDF ({exc})") from exc
    with doc:
        if doc.needs_pass or doc.is_encrypted:
            raise DocumentError("encrypted PDF (a password is required to read it)")
        if doc.page_count > limits.pages:
            raise DocumentError(f"{doc.page_count} pages, more than the {limits.pages}-page limit")
        try:
            lines = [visual_lines(page.get_text("words")) for page in doc]
            running = running_lines([_line_texts(page_lines) for page_lines in lines])
            pages = [
                Page(i + 1, _pdf_page_text(page, lines[i], running)) for i, page in enumerate(doc)
            ]
            pages = strip_page_numbers(pages)
        except Exception as exc:
            raise DocumentError(f"corrupt or unreadable PDF ({exc})") from exc
        meta = doc.metadata or {}
        warnings = _pdf_damage(doc, data)
    return Parsed(
        pages=pages,
        title=meta.get("title") or "",
        publisher=meta.get("author") or "",
        warnings=warnings,
    )


def _pdf_damage(doc: object, data: bytes) -> list[str]:
    """A warning when the file is damaged: cut short (no end-of-file marker) or repaired."""
    declared = re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)
    count = doc.page_count  # type: ignore[attr-defined]
    expected = max((int(n) for n in declared), default=count)
    if expected > count:
        return [
            f"damaged PDF: {expected - count} of {expected} pages could not be read "
            f"(pages {count + 1}-{expected} are missing)"
        ]
    if b"%%EOF" not in data[-2048:] or getattr(doc, "is_repaired", False):
        return ["damaged PDF: the file is truncated or was repaired; some text may be missing"]
    return []


def _line_texts(lines: list[Line]) -> list[str | None]:
    """A page's visual lines' texts, top to bottom, None for a labelled table row."""
    return [None if ln.is_row and ln.label else ln.text for ln in lines]


def _pdf_page_text(page: object, lines: list[Line], running: frozenset[str]) -> str:
    """Paragraphs (blocks that continue one another are joined) and table rows, in order.
    Tables found from word positions (pdf_tables.py) replace the lines they cover."""
    tables = find_tables(lines, running)
    out: list[str] = []
    table: list[list[str]] = []
    paragraph: list[str] = []
    last: tuple[float, float, float] | None = None  # x0, y1, line height of the paragraph
    emitted: set[int] = set()
    for block in page.get_text("dict")["blocks"]:  # type: ignore[attr-defined]
        lines = [ln for ln in block.get("lines", []) if _line_text(ln).strip()]
        for inside, run in _runs(lines, tables):
            if inside is not None:
                if paragraph:
                    out.append(_join_lines(paragraph))
                    paragraph = []
                out.extend(rows_to_lines(table))
                table = []
                if inside not in emitted:
                    out.extend(tables[inside].lines)
                    emitted.add(inside)
                continue
            row = _is_row(run)
            x0, y0 = min(ln["bbox"][0] for ln in run), min(ln["bbox"][1] for ln in run)
            y1 = max(ln["bbox"][3] for ln in run)
            height = (y1 - y0) / len(run)
            if paragraph and (row or not (last and _continues(last, x0, y0, height))):
                out.append(_join_lines(paragraph))
                paragraph = []
            if table and (not row or len(run) != len(table[0])):
                out.extend(rows_to_lines(table))
                table = []
            if row:
                table.append([_line_text(ln) for ln in sorted(run, key=lambda ln: ln["bbox"][0])])
            else:
                paragraph.extend(_line_text(ln) for ln in run)
                last = (x0, y1, height)
    if paragraph:
        out.append(_join_lines(paragraph))
    out.extend(rows_to_lines(table))
    return "\n\n".join(out)


def _runs(lines: list[dict], tables: list[Table]) -> list[tuple[int | None, list[dict]]]:
    """A block's lines in runs: (index of the table they lie in, or None; the lines)."""
    runs: list[tuple[int | None, list[dict]]] = []
    for line in lines:
        x0, y0, x1, y1 = line["bbox"]
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        inside = next(
            (
                i
                for i, t in enumerate(tables)
                if t.bbox[0] - 1 <= cx <= t.bbox[2] + 1 and t.bbox[1] - 1 <= cy <= t.bbox[3] + 1
            ),
            None,
        )
        if runs and runs[-1][0] == inside:
            runs[-1][1].append(line)
        else:
            runs.append((inside, [line]))
    return runs


def _continues(last: tuple[float, float, float], x0: float, y0: float, height: float) -> bool:
    """A block right below the previous one, same indent and size, continues its paragraph."""
    last_x0, last_y1, last_height = last
    same_size = abs(height - last_height) < 1.5
    return same_size and abs(x0 - last_x0) < 2 and 0 <= y0 - last_y1 < 0.5 * height


def _line_text(line: dict) -> str:
    """The line's text without micro-text (see pdf_tables.MIN_CHAR_WIDTH): invisible to a
    reader, it is either a layout artefact or text hidden on purpose."""
    return "".join(span["text"] for span in line["spans"] if _visible_span(span))


def _visible_span(span: dict) -> bool:
    return readable(span["bbox"], span["text"])


def _is_row(lines: list[dict]) -> bool:
    """Several lines of one block side by side on one baseline: cells of a table row."""
    if len(lines) < 2:
        return False
    y = [(ln["bbox"][1] + ln["bbox"][3]) / 2 for ln in lines]
    x = sorted(ln["bbox"][0] for ln in lines)
    return max(y) - min(y) < 3 and x[-1] - x[0] > 20


def _join_lines(lines: list[str]) -> str:
    text = ""
    for line in lines:
        line = line.strip()
        if text.endswith("-") and line[:1].islower():
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text


# --- HTML -------------------------------------------------------------------------------------

_BLOCK_TAGS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "blockquote", "dd", "dt"]


class _Depth(HTMLParser):
    """The deepest nesting of elements in an HTML text (void elements do not nest)."""

    _VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())

    def __init__(self) -> None:
        super().__init__()
        self.depth = self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in self._VOID:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(0, self.depth - 1)


def _read_html(path: Path, data: bytes, limits: Limits) -> Parsed:
    from bs4 import BeautifulSoup

    text = _decode(data)
    depth = _Depth()
    depth.feed(text)
    if depth.deepest > limits.html_depth:
        raise DocumentError(
            f"HTML nested {depth.deepest} elements deep, more than the limit of {limits.html_depth}"
        )
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "header", "noscript", "template"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    publisher = ""
    meta = soup.find("meta", attrs={"name": "publisher"})
    if meta and meta.get("content"):
        publisher = str(meta["content"])
    parts: list[str] = []
    body = soup.body or soup
    for element in body.find_all(["table", *_BLOCK_TAGS]):
        if element.find_parent("table") or element.find_parent(_BLOCK_TAGS):
            continue
        if element.name == "table":
            parts.extend(rows_to_lines(_html_rows(element)))
        else:
            parts.append(_clean(element.get_text(" ")))
    if not parts:
        parts = [_clean(body.get_text(" "))]
    return Parsed(
        pages=[Page(None, "\n\n".join(p for p in parts if p))], title=title, publisher=publisher
    )


def _html_rows(table: object) -> list[list[str]]:
    rows = []
    for tr in table.find_all("tr"):  # type: ignore[attr-defined]
        rows.append([c.get_text(" ") for c in tr.find_all(["th", "td"])])
    return rows


# --- Markdown and text ------------------------------------------------------------------------

_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _read_markdown(path: Path, data: bytes, limits: Limits) -> Parsed:
    text = _decode(data)
    title = next((ln[2:].strip() for ln in text.splitlines() if ln.startswith("# ")), "")
    return Parsed(pages=[Page(None, markdown_to_text(text))], title=title)


def markdown_to_text(text: str) -> str:
    """Plain text from Markdown: headings and emphasis marks dropped, tables as header rows."""
    out: list[str] = []
    table: list[list[str]] = []
    for line in text.splitlines():
        if line.strip().startswith("|"):
            if not _MD_TABLE_SEP.match(line):
                table.append(line.strip().strip("|").split("|"))
            continue
        if table:
            out.extend(rows_to_lines(table))
            table = []
        line = re.sub(r"^#{1,6}\s*", "", line)
        line = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line)
        line = re.sub(r"(\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)|`)", "", line)
        out.append(line)
    out.extend(rows_to_lines(table))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _read_text(path: Path, data: bytes, limits: Limits) -> Parsed:
    text = _decode(data)
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return Parsed(pages=[Page(None, text)], title=first[:120])


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError("binary content, not text (is the file extension wrong?)")
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"text is not valid UTF-8 (byte {exc.start})") from exc


# --- DOCX -------------------------------------------------------------------------------------


def _read_docx(path: Path, data: bytes, limits: Limits) -> Parsed:
    import io

    import docx

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentError("not a DOCX file (not a ZIP container)")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        unpacked = sum(info.file_size for info in z.infolist())
    if unpacked > limits.uncompressed_mb * 2**20:
        raise DocumentError(
            f"DOCX unpacks to {unpacked / 2**20:.0f} MB, more than the "
            f"{limits.uncompressed_mb} MB limit (a ZIP bomb?)"
        )
    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise DocumentError(f"corrupt or unreadable DOCX ({exc})") from exc
    parts = [p.text for p in doc.paragraphs if p.text.strip()]
    for table in doc.tables:
        parts.extend(rows_to_lines([[c.text for c in row.cells] for row in table.rows]))
    title = doc.core_properties.title or ""
    return Parsed(
        pages=[Page(None, "\n\n".join(parts))],
        title=title,
        publisher=doc.core_properties.author or "",
    )


_READERS: dict[str, Callable[[Path, bytes, Limits], Parsed]] = {
    ".pdf": _read_pdf,
    ".html": _read_html,
    ".htm": _read_html,
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".txt": _read_text,
    ".text": _read_text,
    ".docx": _read_docx,
}
