"""Tables of a PDF page, recovered from where the words sit, rendered row by row.

A financial statement or a performance table is only useful in a chunk when each figure keeps
its row label, its column headers and the table's unit: "Total net sales | Three Months Ended
April 1, 2023: 94,836 million | …". This module finds such tables from word positions:
- words are grouped into visual lines (same vertical centre) and each line into cells (a gap
  wider than half the line height starts a new cell; a lone "$" joins the figure after it);
- a *row* is a line whose last cell is a figure; a table is a run of rows (with label-only lines
  between them: section labels such as "Revenue:" or the first line of a wrapped label);
- a label-only line heads the rows below it ("Operating Income: Intelligent Cloud | …") when
  it ends in a colon or is no wrap: the next label starts with a capital and its first word
  would have fit on the line (text wraps only when it does not fit). Segment tables list the
  same rows under "Revenue" and "Operating Income"; without the section the two rows read
  alike;
- figure columns are the right edges the rows' figures share (figures are right-aligned);
- header lines are the short lines right above the first row; each column takes the cell of
  each header line that lies over it or, for a header spanning several columns, the nearest
  one, and the levels are joined ("Three Months Ended" + "July 30," + "2023");
- a unit line ("(In millions, except per share amounts)") above the table scales its figures,
  and a row label's or column header's own unit ("Customers served online (millions)") its own:
  "94,836" is rendered "94,836 million", so the normaliser reads 94.836 billion. Rows about
  shares are left unscaled when the unit line makes an exception ("except … per share"), since
  the exception names another unit.

A second kind, tables of wrapped text under a row of short column headers (performance
measures: "Description  Type  Status  …  Percentage"), is read by column: each header keeps the
text below it until the next blank line ("Description: Review and act on 90 percent of … |
Percentage: 90"), instead of the header line being glued onto the first line of text.

The distances below are typographic (points, fractions of a line height), chosen from how
tables are set, not fitted to an evaluation set.

PyMuPDF's `find_tables` was measured first on the SEC 10-Q filings of the development data:
about 1.2 s a page, and on those files its cell text came out with the spaces lost and the
digits split around the separators ("Totalnetsales", "73929\\n,"), so figures could not be read
back; the word positions it is built on are read directly here instead (a few ms a page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.ingest.furniture import is_running

_FIGURE = re.compile(r"^\(?[-–]?\$?\s?\(?\d[\d,]*(?:\.\d+)?\)?\s?%?\)?$|^[—–-]{1,2}%?$")
# A unit line: "(In millions, except per share amounts)", "(in thousands)", "Dollars in
# millions" at the start of a line; not "growth in millions of users" inside a sentence.
_UNIT = re.compile(
    r"(?:^|\()\s*(?:(?:dollars|amounts|\$)\s+)?in\s+(thousands|millions|billions)\b", re.I
)
_SCALE = {"thousands": "thousand", "millions": "million", "billions": "billion"}
# A row label's or column header's own unit: "Customers served online (millions)", "Revenue
# ($ in thousands)", "Approximate dollar value (In billions)".
_OWN_UNIT = re.compile(r"\([^()]*?\b(thousands|millions|billions)\b[^()]*\)", re.I)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_SHARES = re.compile(r"\bper share\b|\bshares\b", re.I)  # the usual exception to a unit line
_DASH = re.compile(r"^[—–-]{1,2}%?$")
COLUMN_TOLERANCE = 8.0  # points: right edges of one column's figures differ by less
MAX_HEADER_WORDS = 8  # a longer line above a table is prose, not a column header
MIN_CHAR_WIDTH = 1.0  # points: narrower text is invisible at any zoom a reader uses
HEADER_REACH = 40.0  # points: a column header may start this far left of the first column


@dataclass
class Cell:
    x0: float
    x1: float
    text: str

    @property
    def figure(self) -> bool:
        return bool(_FIGURE.match(self.text))


@dataclass
class Line:
    y0: float
    y1: float
    cells: list[Cell]

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)

    @property
    def is_row(self) -> bool:
        """Ends in a figure, and is not a header line of years ("2023 2022")."""
        if not self.cells[-1].figure:
            return False
        return bool(self.label) or not all(_YEAR.match(c.text) for c in self.cells)

    @property
    def label(self) -> str:
        return " ".join(c.text for c in self.cells if not c.figure).strip()

    @property
    def figures(self) -> list[Cell]:
        return [c for c in self.cells if c.figure]


@dataclass
class Table:
    bbox: tuple[float, float, float, float]
    lines: list[str] = field(default_factory=list)
    first: int = 0  # index of its first visual line (header included)
    last: int = 0  # index of its last visual line


@dataclass(frozen=True)
class Frame:
    """What a table's rows are read against: column positions, headers and unit."""

    columns: tuple[tuple[float, float], ...]
    headers: tuple[str, ...]
    label_header: str
    scale: str
    exception: bool

    def continues(self, columns: list[tuple[float, float]]) -> bool:
        """A headerless table with the same figure columns continues this one."""
        same = len(columns) == len(self.columns)
        return same and all(
            abs(a[1] - b[1]) < COLUMN_TOLERANCE for a, b in zip(columns, self.columns, strict=True)
        )


def readable(bbox: tuple, text: str) -> bool:
    """Not micro-text: at least MIN_CHAR_WIDTH points a character along the text, whichever
    way it runs (the longer side of the box, so rotated text is kept)."""
    x0, y0, x1, y1 = bbox
    return max(x1 - x0, y1 - y0) >= MIN_CHAR_WIDTH * len(text.strip())


def visual_lines(words: list[tuple]) -> list[Line]:
    """Words (PyMuPDF `get_text("words")` tuples) grouped into lines and cells, top to bottom.
    Micro-text (less than a point of width a character: no reader can see it) is left out."""
    words = [w for w in words if readable(w[:4], w[4])]
    words = sorted(words, key=lambda w: ((w[1] + w[3]) / 2, w[0]))
    groups: list[list[tuple]] = []
    for w in words:
        centre, height = (w[1] + w[3]) / 2, w[3] - w[1]
        if groups:
            last = groups[-1][-1]
            if abs((last[1] + last[3]) / 2 - centre) < 0.4 * max(height, 1.0):
                groups[-1].append(w)
                continue
        groups.append([w])
    return [_line(sorted(g, key=lambda w: w[0])) for g in groups]


def _line(words: list[tuple]) -> Line:
    height = max(w[3] - w[1] for w in words)
    cells: list[Cell] = []
    for w in words:
        x0, x1, text = w[0], w[2], w[4]
        last = cells[-1] if cells else None
        sign = last is not None and last.text in ("$", "(", "($") and text[:1] in "0123456789(."
        joins = last is not None and (
            x0 - last.x1 < 0.5 * height or sign or (text in ("%", ")", "%)") and last.figure)
        )
        if last is not None and joins:
            gap = "" if sign or text in ("%", ")", "%)") else " "
            last.text, last.x1 = f"{last.text}{gap}{text}", x1
        else:
            cells.append(Cell(x0, x1, text))
    return Line(min(w[1] for w in words), max(w[3] for w in words), cells)


def find_tables(page_lines: list[Line], running: frozenset[str] = frozenset()) -> list[Table]:
    """The tables among a page's visual lines (visual_lines), each with its rendered rows.
    Lines that run across the document's pages (`running`, furniture.running_lines) are no
    part of any table."""
    lines = [ln for ln in page_lines if not is_running(ln.text, running)]
    numeric = _numeric_tables(lines)
    taken = {i for t in numeric for i in range(t.first, t.last + 1)}
    return sorted(numeric + _text_tables(lines, taken), key=lambda t: t.bbox[1])


def _numeric_tables(lines: list[Line]) -> list[Table]:
    tables: list[Table] = []
    frame: Frame | None = None
    i = floor = 0
    while i < len(lines):
        end = _table_end(lines, i)
        if end > i:
            start = i
            label_end = _label_end(lines[i:end])
            while start > floor and _section_label(lines[start - 1], lines[start], label_end):
                start -= 1
            table, frame = _render(lines, start, end, floor, frame)
            floor = end
            tables.append(table)
            i = end
        else:
            i += 1
    return tables


def _label_end(body: list[Line]) -> float:
    """The right edge of the label column. Figures left of the end of some label belong to
    that label ("net of tax of $76, … and $(32)" wrapped over two lines): the figure columns
    lie right of every label."""
    return max((c.x1 for ln in body for c in ln.cells if not c.figure), default=0.0)


def _section_label(line: Line, below: Line, label_end: float) -> bool:
    """A lone label right above a row that names the rows below ("Revenue:", "Operating
    Income") opens the table."""
    close = below.y0 - line.y1 < 2.5 * max(line.height, below.height)
    short = len(line.text.split()) <= MAX_HEADER_WORDS and not _UNIT.search(line.text)
    return close and short and len(line.cells) == 1 and _names_section(line, below, label_end)


def _names_section(line: Line, below: Line, label_end: float) -> bool:
    """Whether a label-only line heads the rows below it rather than being the first line of
    a label wrapped onto the next line. It does when it ends in a colon, or when it is not a
    wrap: the next label starts with a capital and its first word would have fit on this line
    before `label_end`, the right edge of the label column (text wraps only when it does not
    fit)."""
    if line.text.endswith(":"):
        return True
    first = below.cells[0].text.split()[0] if below.cells and below.cells[0].text else ""
    if not first[:1].isupper():
        return False
    cell = line.cells[-1]
    char = (cell.x1 - cell.x0) / max(len(cell.text), 1)
    return cell.x1 + char * (len(first) + 1) < label_end


def _table_end(lines: list[Line], start: int) -> int:
    """Index after the last row of the table whose first row is `lines[start]`, or `start`.
    Between rows may stand up to two label lines (a section label, the first line of a wrapped
    label) that end left of the figures; a wider line is prose and ends the table."""
    if not lines[start].is_row:
        return start
    rows, last_row, labels, i = 1, start, 0, start + 1
    figures_from = min(c.x0 for c in lines[start].figures)
    while i < len(lines):
        line = lines[i]
        if line.y0 - lines[i - 1].y1 > 2.5 * max(line.height, lines[i - 1].height):
            break
        if line.is_row:
            rows, last_row, labels = rows + 1, i, 0
            figures_from = min(figures_from, *(c.x0 for c in line.figures))
        elif len(line.cells) > 1 or line.cells[0].x1 >= figures_from or labels == 2:
            break
        else:
            labels += 1
        i += 1
    return last_row + 1 if rows >= 2 else start


def _frame(
    head: list[Line], unit_text: str, body: list[Line], previous: Frame | None, label_end: float
) -> Frame:
    columns = _columns(body, label_end)
    if not head and previous is not None and previous.continues(columns):
        return previous
    scale, exception = _unit(unit_text)
    headers = tuple(_headers(head, columns))
    return Frame(tuple(columns), headers, _label_header(head, columns), scale, exception)


def _render(
    lines: list[Line], start: int, end: int, floor: int, previous: Frame | None
) -> tuple[Table, Frame]:
    body = lines[start:end]
    label_end = _label_end(body)
    head, unit_text = _above(lines, start, floor, _columns(body, label_end))
    frame = _frame(head, unit_text, body, previous, label_end)
    columns, headers, label_header = list(frame.columns), frame.headers, frame.label_header
    out: list[str] = []
    section, wrapped = "", ""
    for k, line in enumerate(body):
        if not line.is_row:
            below = body[k + 1]  # a table ends with a row
            if _names_section(line, below, label_end):  # under a section line: its subsection
                above = section if k and not body[k - 1].is_row else ""
                section = " ".join(t for t in (above, wrapped, line.text.rstrip(":")) if t)
                wrapped = ""
            else:
                wrapped = f"{wrapped} {line.text}".strip()
            continue
        figures = [c for c in line.cells if c.figure and c.x0 > label_end]
        own = " ".join(c.text for c in line.cells if c not in figures)
        label = f"{wrapped} {own}".strip()
        wrapped = ""
        full = f"{section}: {label}" if section and label else section or label
        row_scale = "" if frame.exception and _SHARES.search(full) else frame.scale
        cells = [f"{label_header}: {full}" if label_header and full else full]
        for cell in figures:
            j = _column_of(cell, columns)
            value = _scaled(cell.text, own_scale(full, headers[j]) or row_scale)
            cells.append(f"{headers[j]}: {value}" if headers[j] else value)
        out.append(" | ".join(c for c in cells if c))
        if label.lower().startswith("total"):
            section = ""
    x0 = min(c.x0 for ln in body for c in ln.cells)
    x1 = max(c.x1 for ln in body for c in ln.cells)
    top = head[0].y0 if head else body[0].y0
    return Table((x0, top, x1, body[-1].y1), out, start - len(head), end - 1), frame


def _columns(body: list[Line], label_end: float) -> list[tuple[float, float]]:
    """(left, right) of each figure column, left to right, from the figures' right edges."""
    edges: list[list[Cell]] = []
    figures = (c for ln in body for c in ln.figures if c.x0 > label_end)
    for cell in sorted(figures, key=lambda c: c.x1):
        if edges and cell.x1 - edges[-1][-1].x1 < COLUMN_TOLERANCE:
            edges[-1].append(cell)
        else:
            edges.append([cell])
    return [(min(c.x0 for c in col), max(c.x1 for c in col)) for col in edges]


def _column_of(cell: Cell, columns: list[tuple[float, float]]) -> int:
    return min(range(len(columns)), key=lambda j: abs(columns[j][1] - cell.x1))


def _above(
    lines: list[Line], start: int, floor: int, columns: list[tuple[float, float]]
) -> tuple[list[Line], str]:
    """Header lines right above the table (over its columns; up to two short caption lines
    such as "ASSETS" or "(unaudited)" may sit between them and the first row), and the nearest
    line above the table, below the previous one (`floor`), that states a unit."""
    head: list[Line] = []
    left = columns[0][0] if columns else 0.0
    captions, i = 0, start - 1
    while i >= floor and start - i <= 8:
        line, below = lines[i], lines[i + 1]
        if below.y0 - line.y1 > 2.5 * max(line.height, below.height):
            break
        if not _headings(line):
            pass  # a unit line between the headers and the table
        elif _header_like(line, left):
            head.insert(0, line)
        elif head or len(line.cells) > 1 or len(line.text.split()) > MAX_HEADER_WORDS:
            if not _UNIT.search(line.text):
                break
        elif captions == 2:
            break
        else:
            captions += 1
        i -= 1
    units = [ln.text for ln in lines[max(floor, start - 10) : start] if _UNIT.search(ln.text)]
    return head, units[-1] if units else ""


def _headings(line: Line) -> list[Cell]:
    """The cells of a line that could head a column: not the statement of the unit."""
    return [c for c in line.cells if not _UNIT.search(c.text)]


def _header_like(line: Line, left: float) -> bool:
    """Short cells over the figure columns, and at most a label-column header to their left."""
    cells = _headings(line)
    if line.is_row or any(len(c.text.split()) > MAX_HEADER_WORDS for c in cells):
        return False
    over = [c for c in cells if c.x0 >= left - HEADER_REACH]
    return bool(over) and all(c.x1 < left - HEADER_REACH for c in cells if c not in over)


def _headers(head: list[Line], columns: list[tuple[float, float]]) -> list[str]:
    headers = [[] for _ in columns]
    for line in head:
        cells = [c for c in _headings(line) if c.x0 >= columns[0][0] - HEADER_REACH]
        if not cells:
            continue
        for j, (c0, c1) in enumerate(columns):
            best = max(cells, key=lambda c: (_overlap(c, c0, c1), -_distance(c, c0, c1)))
            headers[j].append(best.text)
    return [" ".join(h).strip() for h in headers]


def _label_header(head: list[Line], columns: list[tuple[float, float]]) -> str:
    """The header over the row labels ("Region"), if the table has one."""
    if not columns:
        return ""
    left = columns[0][0] - HEADER_REACH
    words = [c.text for line in head for c in _headings(line) if c.x1 < left]
    return " ".join(words)


def _overlap(c: Cell, c0: float, c1: float) -> float:
    return max(0.0, min(c.x1, c1) - max(c.x0, c0))


def _distance(c: Cell, c0: float, c1: float) -> float:
    return abs((c.x0 + c.x1) / 2 - (c0 + c1) / 2)


def _unit(text: str) -> tuple[str, bool]:
    """The scale word the unit line gives ("million") and whether it makes an exception."""
    m = _UNIT.search(text)
    if m is None:
        return "", False
    return _SCALE[m.group(1).lower()], "except" in text.lower()


def own_scale(label: str, header: str) -> str:
    """The scale a cell's row label or column header states for it ("million"), if any; it
    goes before the table's unit line. The header's, when both state one."""
    m = _OWN_UNIT.search(header) or _OWN_UNIT.search(label)
    return _SCALE[m.group(1).lower()] if m else ""


def scaled_cell(value: str, label: str, header: str) -> str:
    """A table cell's figure with the scale its row label or column header states."""
    return _scaled(value, own_scale(label, header)) if _FIGURE.match(value) else value


def _scaled(value: str, scale: str) -> str:
    """ "94,836" in millions → "94,836 million"; "(13,301)" → "(13,301 million)"."""
    if not scale or "%" in value or _DASH.match(value) or _YEAR.match(value):
        return value  # a bare year ("2023") is a header read as a row, never an amount
    if value.endswith(")"):
        return f"{value[:-1]} {scale})"
    return f"{value} {scale}"


# --- text tables --------------------------------------------------------------------------
# A row of short column headers ("Description  Type  Status  Start Date  End Date  Percentage")
# over text that wraps within each column, as in performance-measure tables. Read line by line,
# the headers glue onto the first line of text; read by column, each header keeps its text.


def _text_tables(lines: list[Line], taken: set[int]) -> list[Table]:
    tables, i = [], 0
    while i < len(lines):
        if i not in taken and _text_header(lines[i]):
            end = i + 1
            while end < len(lines) and end not in taken and _continues_table(lines, end):
                end += 1
            if end - i >= 2:
                tables.append(_render_text_table(lines, i, end))
                i = end
                continue
        i += 1
    return tables


def _text_header(line: Line) -> bool:
    """Three or more short capitalised cells, no figures: a row of column headers."""
    cells = line.cells
    short = all(len(c.text.split()) <= 3 and c.text[:1].isupper() for c in cells)
    return len(cells) >= 3 and short and not any(c.figure for c in cells)


def _continues_table(lines: list[Line], i: int) -> bool:
    """The next line of wrapped cell text: its centre no more than a line's height below."""
    line, above = lines[i], lines[i - 1]
    centres = (line.y0 + line.y1 - above.y0 - above.y1) / 2
    return centres < max(line.height, above.height)


def _render_text_table(lines: list[Line], start: int, end: int) -> Table:
    header = lines[start].cells
    bounds = [c.x0 for c in header[1:]]
    texts: list[list[str]] = [[] for _ in header]
    for line in lines[start + 1 : end]:
        for cell in line.cells:
            j = sum(cell.x0 >= b - 0.5 * line.height for b in bounds)
            texts[j].append(cell.text)
    cells = [f"{h.text}: {' '.join(t)}" for h, t in zip(header, texts, strict=True) if t]
    body = lines[start:end]
    x0, x1 = min(c.x0 for ln in body for c in ln.cells), max(c.x1 for ln in body for c in ln.cells)
    return Table((x0, body[0].y0, x1, body[-1].y1), [" | ".join(cells)], start, end - 1)
