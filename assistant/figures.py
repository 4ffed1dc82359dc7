"""Which figure of an evidence unit answers the question.

A sentence or table row often states several figures ("China 61.1 percent, the US 20.9
percent", "Revenue | Q2 2023: $ 12.9 | Q2 2022: $ 15.3"). The figures of the kind asked for
are found first; then the one the question asks about is chosen by the words each figure owns
(its cell in a row; in a sentence the words back to the previous figure and on to the end of
its clause, past a restatement of it: "2.6 billion people, 33 percent of the world's
population, offline"). Written here rather than taken from a library: no maintained library reads a
figure's own words out of a sentence; the clause boundaries are plain patterns.
"""

from __future__ import annotations

import re

from assistant import numbers
from assistant.lexical import YEAR, tokenize
from assistant.question import (
    CHANGE,
    CHANGED,
    MEASURE_UNITS,
    capitalised,
    content_years_only,
    names,
    wanted_kind,
)
from assistant.types import Evidence, own_part

_KIND_OF = {"count": ("number",), "amount": ("number", "currency")}  # figure kinds per kind
# "MG&A decreased by $426 million", "reduced net sales by $180 million": an amount after "by" is
# the size of a change or an effect, not the amount a question asks for
_CHANGED_BY = re.compile(r"\bby\s+(?:about\s+|approximately\s+|nearly\s+|some\s+)?$", re.I)


def _is_change(text: str, q: numbers.Quantity) -> bool:
    return _CHANGED_BY.search(text[max(0, q.start - 40) : q.start]) is not None


def kind_figures(text: str, kind: str) -> list[numbers.Quantity]:
    """The figures in `text` of the kind a question asks for."""
    found = numbers.checkable(text, include_time=kind == "time")
    if kind in ("percent", "multiplier"):
        return [q for q in found if q.kind == kind]
    if kind == "amount":
        found = [q for q in found if not _is_change(text, q)]
    if kind == "time":
        return _whole_dates(text, [q for q in found if q.kind in ("year", "date")])
    if kind == "designation":  # "Executive Order 13788", "Article 20": the number of a name
        return [q for q in found if numbers.part_of_name(text, q)]
    found = [q for q in found if not numbers.part_of_name(text, q)]  # "Office 365", "IDM 2.0"
    if kind in _KIND_OF:
        return [q for q in found if q.kind in _KIND_OF[kind]]
    return [q for q in found if q.kind != "multiplier"]  # a total, a size: not "8.7 times"


def _whole_dates(text: str, found: list[numbers.Quantity]) -> list[numbers.Quantity]:
    """A full date is one time ("2 February 2025", "February 2, 2025"): its year is dropped
    after the day it belongs to."""
    return [
        q
        for i, q in enumerate(found)
        if not (
            q.kind == "year"
            and i > 0
            and found[i - 1].kind == "date"
            and _DATE_GAP.fullmatch(text[found[i - 1].end : q.start])
        )
    ]


_DATE_GAP = re.compile(rf"\s*(?:(?:{numbers.MONTHS})\.?)?,?\s*", re.IGNORECASE)


def states_change(question: str, unit: str, kind: str) -> bool:
    """Can the unit answer a question about how much something changed ("How fast did it
    grow?", "By how much did investment fall?")? Only with a figure whose own words say it is
    a change ("grew by 40 percent", "a decrease of 26.7 percent", a "Change" column); a share
    or a level in the same period is not one. Other questions: always."""
    return not asks_change(question, kind) or says_change(unit, kind)


def asks_change(question: str, kind: str) -> bool:
    """Does the question ask how much something changed, for a share or a figure of any kind?
    A follow-up that asks for no kind of figure itself ("And the year before?") asks what the
    earlier question did."""
    own = own_part(question)
    asked = own if wanted_kind(own) != "none" else question
    return bool(CHANGE.search(asked.lower())) and kind in ("percent", "any")


def says_change(unit: str, kind: str) -> bool:
    """Does one of the unit's figures of the kind asked say, in its own words, it is a change?"""
    figures = kind_figures(unit, kind)
    words = _cell_words if " | " in unit else clause_words
    return any(
        CHANGED.search(words(unit, figures, i).lower()) or _is_change(unit, q)
        for i, q in enumerate(figures)
    )


def figures_asked_for(question: str, sentence: str, kind: str) -> list[numbers.Quantity]:
    """Of several figures in one sentence, those whose own words match the question best.

    In a table row ("Header: value | Header: value") a figure owns its cell. In a sentence
    each figure owns the words between it and its neighbours, within its sentence and at
    most 60 characters either side. Before scoring, the candidates narrow: a figure the
    question states is not its answer (numbers.stated_in); a question naming the upper or
    lower limit of a range ("0–8-year-old") gets that end; a question about a goal looks
    first at the figures whose own words name one ("a goal of reaching 75 percent"), one
    about a change ("how much did it fall") at those whose own words say they are one ("a
    decrease of 26.7 percent"), one naming a subject at those whose own words name it (a
    month is not a subject), one using a hyphenated qualifier ("low-income") at those whose
    words use it. A question asking how many of something gets the figures it follows ("180
    days"), before all that. Then a year named in the question counts three times (a figure
    whose sentence names no year has the years of the sentences before it), a name (a
    capitalised word, capitalised in the figure's words too) twice, and a follow-up's own
    words before those of the earlier question it carries. In "from X to Y" a tie goes to Y,
    the newer value, and between a target and what was achieved ("FY 2020 Target: 385 | FY
    2020 Actual: 380") to the latter unless the question asks for a goal. Empty when the unit
    has fewer than two figures or none stands out.
    """
    figures = kind_figures(sentence, kind)
    if len(figures) < 2:
        return []
    counted = _counting(question, sentence, figures) if kind == "count" else []
    if 0 < len(counted) < len(figures):  # "how many days": "(180 days)", not "six months"
        return counted
    respective = _respective(question, sentence, figures)
    if respective is not None:
        return [respective]
    own = _cell_words if " | " in sentence else clause_words
    texts = [own(sentence, figures, i) for i in range(len(figures))]
    words = [set(tokenize(t)) for t in texts]
    for w, t, q in zip(words, texts, figures, strict=True):
        w |= set() if YEAR.search(t) else _inherited_years(sentence, q)
    stated = numbers.stated_in(question)
    pool = _narrowed(
        list(range(len(figures))),
        [not any(numbers.same_quantity(f, s) for s in stated) for f in figures],
    )
    bound = _bound(question, sentence, [figures[i] for i in pool])
    if bound is not None:
        return [bound]
    if _TARGET.search(question):  # "the eventual aim": "with a goal of reaching 75 percent"
        pool = _narrowed(pool, [bool(_TARGET.search(t)) for t in texts])
    if CHANGE.search(question.lower()):  # "by how much did it fall": "a decrease of 26.7%"
        pool = _narrowed(
            pool,
            [
                bool(CHANGED.search(t.lower())) or _is_change(sentence, q)
                for t, q in zip(texts, figures, strict=True)
            ],
        )
    named_in = [capitalised(t) for t in texts]
    subjects = names(question)
    named = names(own_part(question)) - MONTH_TERMS  # "China 61.1 percent, the US 20.9"
    pool = _narrowed(pool, [bool(named & c) for c in named_in])
    compounds = _COMPOUND.findall(own_part(question).lower())  # "low-income", not "high-income"
    pool = _narrowed(pool, [any(c in t.lower() for c in compounds) for t in texts])
    question = content_years_only(question)
    terms, context = set(tokenize(own_part(question))), set(tokenize(question))
    parts = _compound_parts(question, texts)

    def score(i: int, asked: set[str]) -> int:
        found = asked & words[i] - parts[i]
        return sum(_weight(w, subjects & named_in[i]) for w in found)

    scores = {i: (score(i, terms), score(i, context)) for i in pool}
    best = max(scores.values())
    if best == min(scores.values()) and len(pool) == len(figures):
        from_to = _FROM_TO.fullmatch(sentence[figures[-2].end : figures[-1].start])
        return [figures[-1]] if from_to else []
    top = [i for i in pool if scores[i] == best]
    if not _TARGET.search(question):  # "FY 2020 Target: 385 | FY 2020 Actual: 380": what was,
        top = _narrowed(top, [not _TARGET.search(t) for t in texts])  # not what was planned
    return [figures[i] for i in top]


def _inherited_years(text: str, figure: numbers.Quantity) -> set[str]:
    """The years a figure's sentence takes from the ones before it when it names none ("… in
    2023. That leaves 2.6 billion people offline."): a sentence naming a year has its own."""
    start = text.rfind(". ", 0, figure.start)
    end = text.find(". ", figure.end)
    if start < 0 or YEAR.search(text, start, end if end >= 0 else len(text)):
        return set()
    return set(YEAR.findall(text, 0, start))


def _bound(
    question: str, sentence: str, figures: list[numbers.Quantity]
) -> numbers.Quantity | None:
    """The end of a range ("0–8-year-old", "5 to 10 percent") a question asks for by name:
    its upper or its lower limit."""
    if len(figures) != 2 or not _RANGE.fullmatch(sentence[figures[0].end : figures[1].start]):
        return None
    upper, lower = _UPPER.search(question), _LOWER.search(question)
    return figures[1] if upper and not lower else figures[0] if lower and not upper else None


# "A, B, and C were 1, 2, and 3, respectively": the n-th figure is the n-th item's.
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
_LIST_SEPARATOR = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


def _respective(
    question: str, sentence: str, figures: list[numbers.Quantity]
) -> numbers.Quantity | None:
    """In a sentence pairing a list of items with a list of figures ("gross margin, operating
    income, net income, and diluted EPS … decreases of $152 million, $1.2 billion, $946
    million, and $0.13, respectively"), the figure of the one item the question names most
    of; None when the sentence pairs nothing or no one item stands out."""
    end = _RESPECTIVELY.search(sentence)
    if end is None:
        return None
    paired = [f for f in figures if f.end <= end.start()]
    if len(paired) < 2:
        return None
    after = _items(sentence[paired[-1].end : end.start()], len(paired), last=True)
    items = after or _items(sentence[: paired[0].start], len(paired), last=False)
    asked = set(tokenize(own_part(question)))
    scores = [len(asked & set(item)) for item in items]
    best = max(scores, default=0)
    return paired[scores.index(best)] if best and scores.count(best) == 1 else None


def _items(text: str, n: int, last: bool) -> list[list[str]]:
    """The terms of the `n` items of a list, each cut to the length of the shortest so that
    words shared by all stay out: the list after the figures (`last`: "for the second quarter
    and first half of fiscal 2024,", whose last item carries the shared "of fiscal 2024"),
    or the subjects before them ("Current year gross margin, operating income, …, and
    diluted EPS were …", whose first carries a shared "Current year" and whose last runs on
    into the verb: the items' last words, the last item's first)."""
    parts = [tokenize(p) for p in _LIST_SEPARATOR.split(text.strip(" ,")) if p.strip()]
    if len(parts) < n or (last and len(parts) != n):
        return []
    items = parts[-n:] if last else parts[:n]
    m = min(len(item) for item in items)
    if not m:
        return []
    if last:
        return [item[:m] for item in items]
    return [item[-m:] for item in items[:-1]] + [items[-1][:m]]


_RANGE = re.compile(r"\s*(?:[–—-]|to|through)\s*")
_UPPER = re.compile(r"\b(?:upper|maximum|highest|oldest|up to)\b", re.IGNORECASE)
_LOWER = re.compile(r"\b(?:lower|minimum|lowest|youngest)\b", re.IGNORECASE)


_COMPOUND = re.compile(r"\b[a-z]+(?:-[a-z]+)+\b")
_TARGET = re.compile(
    r"\b(?:goals?|targets?|aims?|aiming|objectives?|reaching|eventual(?:ly)?)\b", re.IGNORECASE
)


def _compound_parts(question: str, texts: list[str]) -> list[set[str]]:
    """For each figure's own words, the terms that are only modifiers of a compound the
    question uses and those words do not: "border" of "its border-security objective" says
    nothing for "6,000 miles of land border". The compound's last word is its head and keeps
    its weight alone: "related industries" are the "AI-related industries" asked about."""
    compounds = _COMPOUND.findall(question.lower())
    out = []
    for text in texts:
        low = text.lower()
        missing = [c for c in compounds if c not in low and c.replace("-", " ") not in low]
        out.append({t for c in missing for t in tokenize(" ".join(c.split("-")[:-1]))})
    return out


def _narrowed(pool: list[int], keep: list[bool]) -> list[int]:
    """The figures of `pool` that `keep` marks, unless it marks none of them or all."""
    kept = [i for i in pool if keep[i]]
    return kept if 0 < len(kept) < len(pool) else pool


MONTH_TERMS = frozenset(tokenize(numbers.MONTHS.replace("|", " ")))


_HOW_MANY = re.compile(
    r"\b(?:how many|number of)\s+((?:[\w-]+\s+){0,3}[\w-]+)", re.IGNORECASE
)  # what is counted: "how many days", "the number of days"
_FUNCTION_WORD = re.compile(
    r"\b(?:are|is|were|was|did|does|do|will|would|can|could|has|have|had|in|of|from|for|to|by"
    r"|over|under|with|that|which)\b.*",
    re.IGNORECASE,
)
# Units of time and measure: a figure followed by one counts that measure, nothing else.
_MEASURE = re.compile(rf"[\s-]*\(?(?:{MEASURE_UNITS})\b", re.IGNORECASE)


def counted(question: str, text: str) -> list[numbers.Quantity]:
    """The figures of `text` that count what a "how many …" question counts."""
    figures = kind_figures(text, "count")
    found = _counting(question, text, figures) if figures else []
    return [q for q in found if not _measures_another(question, text, q)]


# "how many miles of new physical border barrier does …": the measure and what it measures
_MEASURE_OF = re.compile(
    r"\bhow\s+many\s+(?P<unit>[\w-]+)\s+of\s+(?P<thing>(?:[\w'’-]+\s+){0,5}?[\w'’-]+)"
    r"(?=\s+(?:does|do|did|is|are|was|were|will|would|has|have|had|can|could|should|must|in|on"
    r"|for|to|by|at|from|with|that|which|under|according)\b|\s*[?,.]|$)",
    re.IGNORECASE,
)
# what a figure measures: "6,000 miles of land border and …" → "land border"
_OF_THING = re.compile(
    r"\s+of\s+(?P<thing>(?:[\w'’-]+\s+){0,3}?[\w'’-]+)"
    r"(?=\s+(?:and|or|in|on|for|to|by|at|from|with|that|which|who|along|across|each|per)\b"
    r"|\s*[,.;:)]|$)",
    re.IGNORECASE,
)


def _measures_another(question: str, text: str, figure: numbers.Quantity) -> bool:
    """Does the figure measure something other than what a "how many <unit> of <thing>"
    question asks about? "6,000 miles of land border" says what its miles are of, and the last
    word of "new physical border barrier" (what is measured; the words before it qualify it)
    is not among them."""
    asked = _MEASURE_OF.search(question)
    if asked is None or not _MEASURE.match(f" {asked['unit']}"):
        return False
    unit = re.match(rf"\s*{re.escape(asked['unit'])}\b", text[figure.end :], re.IGNORECASE)
    said = _OF_THING.match(text, figure.end + unit.end()) if unit else None
    head = set(tokenize(asked["thing"].split()[-1]))
    return said is not None and bool(head) and not head & set(tokenize(said["thing"]))


def can_count(question: str, units: list[Evidence]) -> list[Evidence]:
    """Of units holding a count, those that can answer a "how many" question: they count what
    it counts, or hold a count that is not a measure ("every four years" does not answer how
    many patients); a question counting a measure ("how many terabytes") is answered only by
    a figure of that measure, not by cubic feet. A unit that neither names what is counted
    (in its words or its paragraph) nor follows a count with a word of the question counts
    something else: "three areas" does not answer "how many staff", while "523 votes" answers
    "how many members voted". (Preferring the units that name what is counted right after a
    figure was tried: on the bundled tune split it lost answers stated as "421 have been
    designated as … factories".)"""
    if _MEASURE.match(f" {_counted_noun(question)}"):  # "how many terabytes": nothing else
        return [e for e in units if counted(question, e.text)]
    return [e for e in units if counted(question, e.text) or _counts_something(question, e)]


def _counts_something(question: str, unit: Evidence) -> bool:
    """Does the unit hold a count that is no measure, and either name what the question
    counts (in its words or its paragraph) or follow a count with a word of the question?"""
    figures = kind_figures(unit.text, "count")
    if all(_MEASURE.match(unit.text, q.end) is not None for q in figures):
        return False
    nouns, asked = _counted_terms(question), set(tokenize(question))
    after = (set(tokenize(" ".join(unit.text[q.end :].split()[:3]))) for q in figures)
    return (
        not nouns
        or bool(nouns & set(tokenize(f"{unit.lead} {unit.with_heading()}")))
        or any(asked & words for words in after)
    )


def _counted_noun(question: str) -> str:
    asked = _HOW_MANY.search(question)
    return asked.group(1) if asked else ""


def _counted_terms(question: str) -> set[str]:
    """The terms of what a "how many" question counts, up to its first verb or preposition."""
    return set(tokenize(_FUNCTION_WORD.sub("", _counted_noun(question))))


def _counting(
    question: str, sentence: str, figures: list[numbers.Quantity]
) -> list[numbers.Quantity]:
    """The figures followed by what the question counts: "how many days" → "(180 days)", not
    "six months" of the same sentence. What is counted: the words after "how many", up to the
    first verb or preposition; a figure's noun is among the three words after it, before the
    next figure. Of several, those followed by most of it: "how many agency performance goals"
    → "twenty Agency Performance goals", not "Four Strategic Goals"."""
    nouns = _counted_terms(question)
    if not nouns:
        return []
    shared = []
    for i, q in enumerate(figures):
        stop = figures[i + 1].start if i + 1 < len(figures) else len(sentence)
        after = sentence[q.end : stop].split()[:3]
        shared.append(len(nouns & set(tokenize(" ".join(after)))))
    most = max(shared, default=0)
    return [q for q, n in zip(figures, shared, strict=True) if most and n == most]


def _cell_words(row: str, figures: list[numbers.Quantity], i: int) -> str:
    q = figures[i]
    start = row.rfind(" | ", 0, q.start)
    end = row.find(" | ", q.end)
    return row[start + 3 if start >= 0 else 0 : end if end >= 0 else len(row)]


def clause_words(sentence: str, figures: list[numbers.Quantity], i: int) -> str:
    """A figure's words: back to the previous figure (its subject usually comes first), and
    forward to the end of its clause (the next comma or stop). In "from X (in 2021) to Y",
    Y shares X's subject but not X's own words."""
    q = figures[i]
    left = _left_edge(sentence, figures, i)
    subject = ""
    if i and _FROM_TO.fullmatch(sentence[figures[i - 1].end : q.start]):
        subject = sentence[_left_edge(sentence, figures, i - 1) : figures[i - 1].start]
    right = _right_edge(sentence, figures, q.end)
    words = f"{subject} {sentence[left : q.start]} {sentence[q.end : right]}"
    resumed = after_appositive(sentence, right, q)
    if resumed is None:
        return words
    return f"{words} {sentence[resumed : _right_edge(sentence, figures, resumed)]}"


def _right_edge(sentence: str, figures: list[numbers.Quantity], start: int) -> int:
    """Where the words from `start` on stop: at the end of the clause (the next comma or stop),
    at the next figure, or 60 characters on."""
    following = next((f.start for f in figures if f.start >= start), len(sentence))
    join = JOIN.search(sentence, start, following)
    stops = [p for p in (sentence.find(". ", start), join.start() if join else -1) if p >= 0]
    return min(following, start + 60, *stops)


# ", or 67 percent of the world's population, ": a figure restated between commas, with at most
# RESTATED_WORDS words after it (the base of a share; a longer phrase is a clause of its own:
# ", 38% of agency leaders still report low satisfaction with …,"). Not tuned: a share's base
# is a short noun phrase.
RESTATED_WORDS = 6
_APPOSITIVE = re.compile(
    r",\s+(?:or\s+)?(?:(?:about|around|approximately|nearly|almost|roughly|some)\s+)?"
    r"(?P<inner>(?:[^,;]|,(?=\d))*?),\s+"
)


def after_appositive(sentence: str, at: int, figure: numbers.Quantity) -> int | None:
    """Where a figure's words resume after a restatement of it in another measure ("5.4
    billion people, or 67 percent of the world's population, were using the internet": "were
    using the internet" is said of both), or None when none follows at `at`. A figure of the
    same measure is another one ("30 dollars a month, or up to 75 dollars for …, ")."""
    m = _APPOSITIVE.match(sentence, at)
    if m is None or ". " in m.group("inner"):
        return None
    inner = numbers.checkable(m.group("inner"))
    if not inner or inner[0].start != 0 or inner[0].kind == figure.kind:
        return None
    rest = m.group("inner")[inner[0].end :].split()  # "of the world's population": a share's base,
    return m.end() if len(rest) <= RESTATED_WORDS else None  # not a clause of its own


def _weight(term: str, subjects: set[str]) -> int:
    return 3 if term.isdigit() and len(term) == 4 else 2 if term in subjects else 1


_FROM_TO = re.compile(
    r"\s*(?:in\s+\d{4}\s+|\(\d{4}\)\s+)?to\s+"
    r"(?:(?:about|around|approximately|nearly|almost|roughly|some)\s+)?"
)


# Where one figure's phrase ends and the next one's begins: "44.4 percent in 2022 and 33.3
# percent in 2021" gives "in 2022" to 44.4, not to 33.3. A cause is another subject's ("revenue
# increased 17% driven by Azure and other cloud services growth of 27%": Azure's is the 27%),
# "and other" closes a list inside one noun phrase, and "or" before a comparison ("less than or
# equal to", "at or below", "65 or older") bounds one figure: neither joins two clauses.
JOIN = re.compile(
    r",\s+|\s+and(?!\s+other\b)\s+|\s+or(?!\s+(?:other|equal|below|above|under|over|before"
    r"|after|less|more|fewer|greater|higher|lower|older|younger)\b)\s+"
    r"|\s+(?:while|whereas|but|against|compared with|versus|driven by|due to)\s+"
)
_RELATIVE = re.compile(r"(?:which|who|that)\b")


def _left_edge(sentence: str, figures: list[numbers.Quantity], i: int) -> int:
    """Where figure i's own words start. A comma before a relative clause ("the United States,
    which accounted for 20.9 percent") does not part the figure from its subject."""
    q = figures[i]
    previous = figures[i - 1].end if i else 0
    joins = [
        j
        for j in (JOIN.finditer(sentence, previous, q.start) if i else ())
        if not _RELATIVE.match(sentence, j.end())
    ]
    join = joins[-1].end() if joins else 0
    return max(previous, q.start - 60, sentence.rfind(". ", 0, q.start), join)


def has_kind(text: str, kind: str) -> bool:
    """Does `text` hold a figure of the kind asked for (kind_figures)?"""
    return kind == "none" or bool(kind_figures(text, kind))
