"""A sentence that states the figure, built from the verified evidence unit.

When the model's own wording fails a check, the user should still get an answer, not a
paragraph to read. The evidence unit the checks trust (a sentence or a table row) is reduced
to the part that states the figure:
- a table row "Region: China | Models: 15 | Private AI investment (2023): $7.8 billion" gives
  "China, Private AI investment (2023): $7.8 billion [1]." (the row's label, the cell's
  column header, the value);
- a sentence gives the clause that holds the figure ("…, while Google's Gemini Ultra cost about
  191 million US dollars." → "Google's Gemini Ultra cost about 191 million US dollars [1]."),
  cut before and after other figures' phrases, and "rose from 60 to 66 percent" stated for 66
  becomes "rose to 66 percent".
The figure is chosen as the checks choose it (the one figure of the kind asked for, or the one
whose own words match the question, for the period asked); when none stands out there is no
composed answer, and the caller quotes the unit only if its first figure is the answer.
Nothing is invented: every word comes from the unit, in its order.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant import numbers
from assistant.figures import JOIN, after_appositive, figures_asked_for, kind_figures
from assistant.periods import period_of_figure_fits
from assistant.types import Evidence, Quantity

MAX_CLAUSE = 240  # characters: a longer clause is quoted, not presented as an answer
_GLUE = frozenset("of in to and the for by on at as from with or a an".split())
PROSE_CELL_WORDS = 8  # a table cell this long is a sentence (a measure's description)
_NAME_BEFORE = re.compile(r"(?:\bthe\s+)?(?:[A-Z][\w'’.-]*\s+)*[A-Z][\w'’.-]*\s*$")
_RELATIVE = re.compile(r"(?:which|who|whose)\b", re.IGNORECASE)
_PHRASE_OPEN = re.compile(r"\b(?:that|which|who|where|to|toward|towards|for|on|in|at|by)\s+")
_LEADING_JOIN = re.compile(
    r"^(?:including|and|or|against|while|whereas|but|compared with|versus)\s+", re.IGNORECASE
)
_FOOTNOTE = re.compile(r"\s*\(\d\)(?=\s*$)")  # "Advertising services (5)": a note's number
_CLAUSE_BREAK = re.compile(
    r"(?<=[a-z0-9%)][.!?])\s+(?=[\[(“\"‘']?[A-Z])|;\s+|:\s+(?=[A-Z0-9])|,\s+(?:while|whereas|but|and)\s+|\s+[—–]\s+"
    r"|,\s+(?=(?:compared with|against|up from|down from|followed by)\b)"
)


def _figures(sentence: str, figure: Quantity) -> list[Quantity]:
    """The sentence's figures of the answer's sort: not the numbers of its names ("type 1 or 2
    diabetes"), unless the answer is one ("Article 17 … and … (Article 20)")."""
    named = numbers.part_of_name(sentence, figure)
    return [
        q for q in numbers.checkable(sentence) if named or not numbers.part_of_name(sentence, q)
    ]


def _after_other_figures(sentence: str, start: int, figure: Quantity) -> int:
    """Where the figure's own phrase starts: after the last comma that follows another figure
    ("123 incidents were reported in 2023, a 32.3 percent increase" → "a 32.3 percent ...")."""
    others = [q for q in _figures(sentence, figure) if start <= q.end <= figure.start]
    if not others:
        return start
    joins = list(JOIN.finditer(sentence, others[-1].end, figure.start))
    return joins[-1].end() if joins else start


def _before_other_figures(sentence: str, end: int, figure: Quantity) -> int:
    """Where the figure's own phrase ends: at the last comma or conjunction before the next
    figure ("grew by 40 percent in one year, a growth rate 1.4 times ..." → "... one year"),
    so that "more than 8,800 federally owned and leased buildings, and 370 million …" keeps
    its noun; when the next figure shares its phrase ("64 votes to 33"), at the first one
    after that figure that another figure follows."""
    later = [q for q in _figures(sentence, figure) if q.start >= figure.end and q.end <= end]
    if not later:
        return end
    joins = list(JOIN.finditer(sentence, figure.end, later[0].start))
    if joins:
        return joins[-1].start()
    join = JOIN.search(sentence, later[0].end, end)  # "64 votes to 33 and the House by 243 …"
    return join.start() if join and any(q.start >= join.end() for q in later) else end


def _drop_from_part(clause: str, at: int) -> str:
    """ "rose from 60 percent to 66 percent" stated for 66 → "rose to 66 percent"."""
    m = re.search(r"\bfrom\s+[^,;]*?\s+(?=to\s+(?:\S+\s+)?$)", clause[:at])
    return clause[: m.start()] + clause[m.end() :] if m else clause


def answer_figure(
    question: str, unit: Evidence, kind: str, exclude: tuple[Quantity, ...] = ()
) -> Quantity | None:
    """The figure of `unit` that answers the question, if exactly one does. Figures the
    question itself states ("buildings over 10,000 square feet") qualify what is asked and are
    not its answer, nor, in a follow-up, are those the previous answer gave (`exclude`)."""
    known = (*exclude, *numbers.stated_in(question))

    def new(figures: list[Quantity]) -> list[Quantity]:
        return [f for f in figures if not any(numbers.same_quantity(f, x) for x in known)]

    found = new(kind_figures(unit.text, kind))
    if len(found) == 1:
        return found[0]
    asked = new(figures_asked_for(question, unit.text, kind))
    return asked[0] if len(asked) == 1 else None


def compose(
    question: str,
    unit: Evidence,
    kind: str,
    n: int,
    figure: Quantity | None = None,
    exclude: tuple[Quantity, ...] = (),
) -> str:
    """A short sentence stating the answer with citation [n], or "" when none can be made.
    `figure`: the unit's figure to state, when it was already chosen (by the model)."""
    figure = figure or answer_figure(question, unit, kind, exclude)
    if figure is None or not period_of_figure_fits(question, unit, figure):
        return ""
    if " | " in unit.text:
        return _from_row(unit.text, figure, n)
    return _from_sentence(unit.text, figure, n)


def _from_row(row: str, figure: Quantity, n: int) -> str:
    cells = [c.partition(": ") for c in row.split(" | ")]
    offset = 0
    for head, sep, value in cells:
        width = len(head) + len(sep) + len(value)
        if offset <= figure.start < offset + width and len(value.split()) >= PROSE_CELL_WORDS:
            return _from_cell_text(value, figure, offset + len(head) + len(sep), n)
        if offset <= figure.start < offset + width and sep:
            label = _FOOTNOTE.sub("", cells[0][2] if cells[0][1] else cells[0][0])
            if (head, value) == (cells[0][0], cells[0][2]):  # the figure labels the row
                whole = "; ".join(row.split(" | "))
                return f"{whole} [{n}]." if len(whole) <= MAX_CLAUSE else f"{head}: {value} [{n}]."
            period = _period_phrase(head)
            if period and not numbers.checkable(label):
                return f"{label}: {value} {period} [{n}]."
            lead = f"{label}, {head}"
            if numbers.checkable(lead):  # "within 30 days, FY 2021 Target": the answer first
                return f"{value}: {lead} [{n}]."
            return f"{lead}: {value} [{n}]."
        offset += width + len(" | ")
    return ""


# a column header naming a reporting period: "Three Months Ended April 1, 2023", "June 30, 2023"
_ENDED = re.compile(
    r"\b(?P<span>(?:three|six|nine|twelve)\s+months|quarter|(?:fiscal\s+)?year)\s+ended\s+"
    rf"(?P<date>{numbers.MONTH_DAY_YEAR})\b",
    re.IGNORECASE,
)


def _period_phrase(header: str) -> str:
    """A column header as the end of a sentence: "Three Months Ended April 1, 2023" → "in the
    three months ended April 1, 2023" (a title in capitals before it is left out), a bare date
    → "as of June 30, 2023"; "" for any other header ("FY 2021 Target")."""
    ended = _ENDED.search(header)
    if ended:
        return f"in the {' '.join(ended['span'].lower().split())} ended {ended['date']}"
    return f"as of {header.strip()}" if numbers.FULL_DATE.fullmatch(header.strip()) else ""


def _from_cell_text(text: str, figure: Quantity, at: int, n: int) -> str:
    """A cell that is prose ("Description: Review and act on 90 percent of … within 10 months
    of receipt") is a sentence: its clause holding the figure is the answer."""
    shifted = replace(figure, start=figure.start - at, end=figure.end - at)
    return _from_sentence(text, shifted, n)


def _from_sentence(sentence: str, figure: Quantity, n: int) -> str:
    start, end = 0, len(sentence)
    breaks = [m for m in _CLAUSE_BREAK.finditer(sentence) if not _ends_list(sentence, m)]
    starts = [0, *(m.end() for m in breaks)]
    ends = [*(m.start() for m in breaks), len(sentence)]
    for a, b in zip(starts, ends, strict=True):
        if a <= figure.start < b:
            start, end = a, b
            break
    own = (
        _after_other_figures(sentence, start, figure),
        _before_other_figures(sentence, end, figure),
    )
    resumed = after_appositive(sentence, own[1], figure)  # "2.6 billion people, 33 percent …,"
    if resumed is not None:  # "… offline": the words after the restatement are the figure's
        join = JOIN.search(sentence, resumed, end)
        own = (own[0], join.start() if join else end)
    clause = _clause(sentence, *own, figure)
    if len(clause.split()) < 3:  # "By 2021" of "By 2021, damages will exceed $6 trillion"
        clause = _clause(sentence, own[0], end, figure)
    if len(clause) > MAX_CLAUSE:  # the comma-separated phrase that holds the figure
        commas = [m.end() for m in re.finditer(r",\s+", sentence[: figure.start])]
        after = sentence.find(", ", figure.end)
        phrase = _clause(sentence, max([own[0], *commas]), after if after > 0 else end, figure)
        clause = phrase if len(phrase.split()) >= 3 else clause
    if len(clause) > MAX_CLAUSE:  # no comma near: the phrase the figure's preposition opens
        clause = _clause(sentence, _phrase_start(sentence, own[0], figure), own[1], figure)
    clause = _with_antecedent(sentence, clause, figure)
    if len(clause) > MAX_CLAUSE or len(clause.split()) < 3:
        return ""
    lead = _lead(sentence, figure, clause)
    return f"{lead}{clause[0].upper()}{clause[1:]} [{n}]."


def _with_antecedent(sentence: str, clause: str, figure: Quantity) -> str:
    """A relative clause ("which accounted for 20.9 percent") says nothing alone: it gets the
    phrase it refers to ("… far ahead of the United States, which accounted for …" → "the
    United States, which accounted for 20.9 percent")."""
    at = sentence.find(clause)
    comma = sentence.rfind(",", 0, at)
    if at <= 0 or comma < 0 or not _RELATIVE.match(clause):
        return clause
    name = _NAME_BEFORE.search(sentence, 0, comma)
    phrase = sentence.rfind(",", 0, comma) + 1  # the phrase before the relative clause
    opens = list(_PHRASE_OPEN.finditer(sentence, phrase, comma))
    start = opens[-1].end() if opens else phrase
    return _clause(sentence, name.start() if name else start, at + len(clause), figure)


def _phrase_start(sentence: str, start: int, figure: Quantity) -> int:
    """In a long clause without commas, where the phrase holding the figure begins: after the
    last relative pronoun or preposition before it ("… on the way to the Administration's 2030
    100% carbon pollution-free electricity goal" → "the Administration's 2030 …")."""
    opens = list(_PHRASE_OPEN.finditer(sentence, start, figure.start))
    return opens[-1].end() if opens else start


def _clause(sentence: str, start: int, end: int, figure: Quantity) -> str:
    clause = _drop_from_part(sentence[start:end], figure.start - start)
    clause = _LEADING_JOIN.sub("", clause.strip())  # ", against 27 percent …" → "27 percent …"
    return clause.rstrip(";:,—– ").rstrip(".")


def _ends_list(sentence: str, m: re.Match[str]) -> bool:
    """ ", and" closing a list ("the development, validation, and regulatory review") is not a
    clause break: an earlier comma stands one to three words before it."""
    if not m.group(0).startswith(","):
        return False
    return re.search(r",\s+(?:[\w-]+\s+){0,2}[\w-]+$", sentence[: m.start()]) is not None


def _lead(sentence: str, figure: Quantity, clause: str) -> str:
    """When another figure comes first in the clause ("act on 90 percent of submissions within
    10 months" stated for 10), the answer's own figure is put first, so that the first figure a
    reader meets is the answer: "10 months: Review and act on 90 percent … [1]"."""
    found = re.search(rf"(?<![\d.,]){re.escape(figure.text)}(?!\d)", clause)
    timed = figure.kind in ("year", "date")  # "FY 2022 - 2026" stated for 2026 leads with it
    earlier = numbers.checkable(clause, include_time=timed)
    if found is None or not any(q.start < found.start() for q in earlier):
        return ""
    text = figure.text if ")" in figure.text else figure.text.lstrip("(")
    following = re.match(r"\s+([A-Za-z][\w-]*)", sentence[figure.end :])
    if figure.kind == "number" and following and following.group(1).lower() not in _GLUE:
        text = f"{text} {following.group(1)}"
    return f"{text}: "
