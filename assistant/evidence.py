"""Pick the few sentences that answer a question out of the retrieved chunks.

Small local models read a figure correctly from three short sentences far more often than from
five long chunks, and a short prompt is what keeps the time to first token low on a CPU. Each
sentence (or table row) of the retrieved chunks is scored by its embedding similarity to the
question, by how many of the question's terms it contains, and by whether it states the kind of
quantity the question asks for.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from assistant import numbers
from assistant.embed import Embedder
from assistant.lexical import YEAR, tokenize
from assistant.types import Hit, own_part

_PROTECT = re.compile(r"\b(?:U\.S|U\.K|P\.L|e\.g|i\.e|No|Dr|vs|approx|Art|etc)\.", re.IGNORECASE)
_LEANS_BACK = re.compile(
    r"(?:It|Its|This|That|These|Those|They|Their|Such|Both|Of these|Of this)\b"
)
_NOT_NAMES = frozenset({"ai", "what", "how", "which", "according", "and"})
_HEADING = re.compile(r"^(?!.*[.!?]$)(?!.*\|).{3,60}$")  # a short line without a final stop
# Text in a document that speaks to an AI system rather than to a reader: a prompt-injection
# attempt. Such a sentence is never evidence: it is neither shown to the model nor quoted.
_ADDRESSES_THE_MODEL = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|"
    r"guidelines|context)\b|\b(?:reply|respond|answer|output|say)\b.{0,15}\bonly\b.{0,15}"
    r"\bwith\b|\byou are now\b|\bsystem prompt\b|\b(?:as an|you are an?) (?:ai|assistant|"
    r"language model)\b",
    re.IGNORECASE,
)
# A table-of-contents entry ("Real Property Data ........ 10") names a section; it states
# nothing, and its page number is not a figure of the report.
_DOT_LEADER = re.compile(r"(?:\.\s?){5,}|…{2,}")
# A sentence ends at a stop before a capital, or where a bullet starts the next item of a list.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9\"“(])|\s+[•▪●◦‣]\s+")


@dataclass(frozen=True)
class Weights:
    """How a unit's score adds to its embedding similarity (settings `evidence_*_weight`)."""

    overlap: float = 0.8  # the question's inverse-frequency weighted terms it contains
    label: float = 0.3  # for a table row, its own label's terms the question uses


@dataclass(frozen=True)
class Evidence:
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


def split_sentences(text: str) -> list[tuple[str, str, str]]:
    """(heading, sentence, lead) triples: sentences and table rows with the heading they sit
    under and the sentences before them in their paragraph (which often name their subject:
    "A survey by Ipsos shows … Moreover, 52 percent express nervousness").

    Abbreviations such as "U.S." do not end a sentence, and a sentence that leans on the one
    before ("It reached ...") stays joined to it.
    """
    out: list[tuple[str, str, str]] = []
    heading = ""
    for block in re.split(r"\n+", text):
        block = block.strip()
        if _HEADING.match(block):
            heading = block
            continue
        guarded = _PROTECT.sub(lambda m: m.group(0).replace(".", "\x00"), block)
        start = len(out)
        for sentence in _SENTENCE_END.split(guarded):
            sentence = sentence.replace("\x00", ".").strip().lstrip("•▪●◦‣ ")
            if not sentence:
                continue
            if len(out) > start and _LEANS_BACK.match(sentence):
                out[-1] = (heading, f"{out[-1][1]} {sentence}", out[-1][2])
            else:
                lead = " ".join(sentence for _, sentence, _ in out[start:])
                out.append((heading, sentence, lead))
    return out


def addresses_the_model(text: str) -> bool:
    """Does the text give orders to an AI system (a prompt-injection attempt)?"""
    return bool(_ADDRESSES_THE_MODEL.search(text))


def wanted_kind(question: str) -> str:
    """The kind of quantity a question asks for: percent, multiplier, time, count, amount,
    any or none (a question asking why, or what drove or caused something, asks for a reason).
    A question that asks for a year or date asks for a time even when it also names a
    financial noun ("By what year … a funding pathway"); one that only starts with "When"
    asks for a time unless it asks for a figure ("When DHS was formed, how many …"). A
    follow-up asks for what its own words ask ("And how many images …", after a question about
    a share); only when they do not say ("What about 2022?") does the earlier question tell."""
    own = _kind(own_part(question))
    return own if own != "none" or own_part(question) == question else _kind(question)


def _kind(question: str) -> str:
    q = question.lower()
    if asks_reason(q):
        return "none"  # "what was the primary driver behind the change in net income?"
    if re.search(r"\b(how many times|times (more|greater|larger|as)|fold|multiple of|factor)\b", q):
        return "multiplier"
    if re.search(
        r"\b(?:what|which)\s+(?:(?:is|was|will be)\s+the\s+)?(?:[a-z]+\s+){0,2}(?:year|date)\b"
        r"(?![\s-]+(?:on|over|to)\b)|\b(by when|deadline)\b",
        q,
    ):
        return "time"
    if re.search(
        r"\b(share|percent|percentage|proportion|portion|what fraction|%|rate of|how fast"
        r"|growth rate)\b",
        q,
    ):
        return "percent"
    if re.search(r"\bhow many\b", q):
        return "count"
    if _MONEY_ASKED.search(q) and not _CHANGE.search(q):
        return "amount"
    if _MONEY.search(q) or re.search(
        r"\b(how (many|much|large|big|fast|long)|amount|worth|value|total|number of|size"
        r"|figure|threshold|limit|maximum|minimum|ages?|ceiling|votes?|margin)\b",
        q,
    ):
        return "any"
    return "time" if q.startswith("when ") else "none"


# A question asking for a reason asks for no figure, even about one.
_REASON = re.compile(r"\b(?:why|drivers?|drove|reasons?|caused?|causes)\b")


def asks_reason(question: str) -> bool:
    """Does the question ask why (what drove or caused something) rather than how much?"""
    q = question.lower()
    return bool(_REASON.search(q)) and not re.search(r"\bhow (?:many|much)\b", q)


# A question about money asks for an amount, not a share ("Intel's net revenue" is not the
# "% of net revenue" cell of the same row), unless it asks how much it changed ("grew 27%").
_MONEY = re.compile(
    r"\b(cost|budget|fine|funding|investment|allocation|revenues?|sales|income|earnings"
    r"|profits?|losses|expenses?|spend|spent|cash|assets|liabilities|debt|obligations|price)\b"
)
# ... when the money noun is what is asked, not a modifier ("investment tax credit"): it ends
# the question or a function word follows it.
_MONEY_ASKED = re.compile(
    _MONEY.pattern + r"(?=\s*[?,.;]|\s*$|\s+(?:of|for|in|at|by|from|to|that|did|does|do|was"
    r"|were|is|are|has|have|had|and|or|during|over|through|as|reported|recorded)\b)"
)
_CHANGE_WORDS = (
    r"grow|grew|growth|increase[ds]?|decrease[ds]?|decline[ds]?|change[ds]?|r[io]se|f[ae]ll"
    r"|drop(?:ped)?"
)
_CHANGE = re.compile(rf"\b(?:{_CHANGE_WORDS})\b")
# ... and a figure's own words that say it is a change ("up 22%", "a decrease of 26.7 percent")
_CHANGED = re.compile(rf"\b(?:{_CHANGE_WORDS}|up|down|higher|lower)\b")
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
    found = [q for q in found if not numbers.part_of_name(text, q)]  # "Office 365", "IDM 2.0"
    return [q for q in found if q.kind in _KIND_OF[kind]] if kind in _KIND_OF else found


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
    days"), before all that. Then a year named in the question counts three times, a name (a
    capitalised word, capitalised in the figure's words too) twice, and a follow-up's own
    words before those of the earlier question it carries. In "from X to Y" a tie goes to Y,
    the newer value. Empty when the unit has fewer than two figures or none stands out.
    """
    figures = kind_figures(sentence, kind)
    if len(figures) < 2:
        return []
    counted = _counting(question, sentence, figures) if kind == "count" else []
    if 0 < len(counted) < len(figures):  # "how many days": "(180 days)", not "six months"
        return counted
    own = _cell_words if " | " in sentence else _clause_words
    texts = [own(sentence, figures, i) for i in range(len(figures))]
    words = [set(tokenize(t)) for t in texts]
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
    if _CHANGE.search(question.lower()):  # "by how much did it fall": "a decrease of 26.7%"
        pool = _narrowed(
            pool,
            [
                bool(_CHANGED.search(t.lower())) or _is_change(sentence, q)
                for t, q in zip(texts, figures, strict=True)
            ],
        )
    capitalised = [_capitalised(t) for t in texts]
    subjects = names(question)
    named = names(own_part(question)) - _MONTH_TERMS  # "China 61.1 percent, the US 20.9"
    pool = _narrowed(pool, [bool(named & c) for c in capitalised])
    compounds = _COMPOUND.findall(own_part(question).lower())  # "low-income", not "high-income"
    pool = _narrowed(pool, [any(c in t.lower() for c in compounds) for t in texts])
    terms, context = set(tokenize(own_part(question))), set(tokenize(question))

    def score(i: int, asked: set[str]) -> int:
        return sum(_weight(w, subjects & capitalised[i]) for w in asked & words[i])

    scores = {i: (score(i, terms), score(i, context)) for i in pool}
    best = max(scores.values())
    if best == min(scores.values()) and len(pool) == len(figures):
        from_to = _FROM_TO.fullmatch(sentence[figures[-2].end : figures[-1].start])
        return [figures[-1]] if from_to else []
    return [figures[i] for i in pool if scores[i] == best]


def _bound(
    question: str, sentence: str, figures: list[numbers.Quantity]
) -> numbers.Quantity | None:
    """The end of a range ("0–8-year-old", "5 to 10 percent") a question asks for by name:
    its upper or its lower limit."""
    if len(figures) != 2 or not _RANGE.fullmatch(sentence[figures[0].end : figures[1].start]):
        return None
    upper, lower = _UPPER.search(question), _LOWER.search(question)
    return figures[1] if upper and not lower else figures[0] if lower and not upper else None


_RANGE = re.compile(r"\s*(?:[–—-]|to|through)\s*")
_UPPER = re.compile(r"\b(?:upper|maximum|highest|oldest|up to)\b", re.IGNORECASE)
_LOWER = re.compile(r"\b(?:lower|minimum|lowest|youngest)\b", re.IGNORECASE)


_COMPOUND = re.compile(r"\b[a-z]+(?:-[a-z]+)+\b")
_TARGET = re.compile(
    r"\b(?:goals?|targets?|aims?|aiming|objectives?|reaching|eventual(?:ly)?)\b", re.IGNORECASE
)


def _capitalised(text: str) -> set[str]:
    """Terms of the capitalised words of `text`: a name ("CHIPS Act") is not the same word
    written as a common noun ("legacy chips")."""
    return set(tokenize(" ".join(w for w in re.findall(r"[A-Za-z][\w'’-]*", text) if is_name(w))))


def _narrowed(pool: list[int], keep: list[bool]) -> list[int]:
    """The figures of `pool` that `keep` marks, unless it marks none of them or all."""
    kept = [i for i in pool if keep[i]]
    return kept if 0 < len(kept) < len(pool) else pool


_MONTH_TERMS = frozenset(tokenize(numbers.MONTHS.replace("|", " ")))


_HOW_MANY = re.compile(r"\bhow many\s+((?:[\w-]+\s+){0,3}[\w-]+)", re.IGNORECASE)
_FUNCTION_WORD = re.compile(
    r"\b(?:are|is|were|was|did|does|do|will|would|can|could|has|have|had|in|of|from|for|to|by"
    r"|over|under|with|that|which)\b.*",
    re.IGNORECASE,
)
# Units of time and measure: a figure followed by one counts that measure, nothing else.
_MEASURE = re.compile(
    r"[\s-]*\(?(?:years?|months?|weeks?|days?|hours?|(?:kilo|mega|giga|tera|peta)?bytes"
    r"|[kmgtp]b|miles?|kilomet(?:er|re)s?|km|feet|foot|cubic|square|acres?|hectares?|tons?"
    r"|tonnes?|kilograms?|kg|gallons?|lit(?:er|re)s?|met(?:er|re)s?|watts?|[kmg]wh?)\b",
    re.IGNORECASE,
)


def counted(question: str, text: str) -> list[numbers.Quantity]:
    """The figures of `text` that count what a "how many …" question counts."""
    figures = kind_figures(text, "count")
    return _counting(question, text, figures) if figures else []


def can_count(question: str, units: list[Evidence]) -> list[Evidence]:
    """Of units holding a count, those that can answer a "how many" question: they count what
    it counts, or hold a count that is not a measure ("every four years" does not answer how
    many patients); a question counting a measure ("how many terabytes") is answered only by
    a figure of that measure, not by cubic feet. (Preferring the units that name what is
    counted right after a figure was tried: on the bundled tune split it lost answers stated
    as "421 have been designated as … factories".)"""
    if _MEASURE.match(f" {_counted_noun(question)}"):  # "how many terabytes": nothing else
        return [e for e in units if counted(question, e.text)]
    return [
        e
        for e in units
        if counted(question, e.text)
        or any(_MEASURE.match(e.text, q.end) is None for q in kind_figures(e.text, "count"))
    ]


def _counted_noun(question: str) -> str:
    asked = _HOW_MANY.search(question)
    return asked.group(1) if asked else ""


def _counting(
    question: str, sentence: str, figures: list[numbers.Quantity]
) -> list[numbers.Quantity]:
    """The figures followed by what the question counts: "how many days" → "(180 days)", not
    "six months" of the same sentence. What is counted: the words after "how many", up to the
    first verb or preposition; a figure's noun is among the three words after it, before the
    next figure."""
    asked = _counted_noun(question)
    if not asked:
        return []
    nouns = set(tokenize(_FUNCTION_WORD.sub("", asked)))
    found = []
    for i, q in enumerate(figures):
        stop = figures[i + 1].start if i + 1 < len(figures) else len(sentence)
        after = sentence[q.end : stop].split()[:3]
        if nouns & set(tokenize(" ".join(after))):
            found.append(q)
    return found


def _cell_words(row: str, figures: list[numbers.Quantity], i: int) -> str:
    q = figures[i]
    start = row.rfind(" | ", 0, q.start)
    end = row.find(" | ", q.end)
    return row[start + 3 if start >= 0 else 0 : end if end >= 0 else len(row)]


def _clause_words(sentence: str, figures: list[numbers.Quantity], i: int) -> str:
    """A figure's words: back to the previous figure (its subject usually comes first), and
    forward to the end of its clause (the next comma or stop). In "from X (in 2021) to Y",
    Y shares X's subject but not X's own words."""
    q = figures[i]
    left = _left_edge(sentence, figures, i)
    subject = ""
    if i and _FROM_TO.fullmatch(sentence[figures[i - 1].end : q.start]):
        subject = sentence[_left_edge(sentence, figures, i - 1) : figures[i - 1].start]
    following = figures[i + 1].start if i + 1 < len(figures) else len(sentence)
    join = JOIN.search(sentence, q.end, following)
    stops = [p for p in (sentence.find(". ", q.end), join.start() if join else -1) if p >= 0]
    right = min(following, q.end + 60, *stops)
    return f"{subject} {sentence[left : q.start]} {sentence[q.end : right]}"


def _weight(term: str, subjects: set[str]) -> int:
    return 3 if term.isdigit() and len(term) == 4 else 2 if term in subjects else 1


_FROM_TO = re.compile(
    r"\s*(?:in\s+\d{4}\s+|\(\d{4}\)\s+)?to\s+"
    r"(?:(?:about|around|approximately|nearly|almost|roughly|some)\s+)?"
)


# Where one figure's phrase ends and the next one's begins: "44.4 percent in 2022 and 33.3
# percent in 2021" gives "in 2022" to 44.4, not to 33.3.
JOIN = re.compile(r",\s+|\s+(?:and|or|while|whereas|but|against|compared with|versus)\s+")
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


def select(
    question: str,
    q_emb: np.ndarray,
    hits: tuple[Hit, ...],
    embedder: Embedder,
    n: int,
    weighting: Weights = Weights(),
    doc_terms: frozenset[str] = frozenset(),
) -> list[Evidence]:
    """The `n` best sentences, best first. `doc_terms`: the question's names that named the
    documents searched; every passage of those documents is about them, so they do not rank
    one passage above another ("Net income attributable to Intel" is no better an answer to
    "Intel's net revenue" than the "Net revenue" row)."""
    candidates = [
        (i, head, s, lead)
        for i, h in enumerate(hits)
        for head, s, lead in split_sentences(h.chunk.text)
        if len(s) > 15 and not addresses_the_model(s) and not _DOT_LEADER.search(s)
    ]
    if not candidates:
        return []
    vectors = embedder.embed([f"{head}: {s}" if head else s for _, head, s, _ in candidates])
    dense = vectors @ q_emb
    bags = [set(tokenize(f"{head} {s}")) for _, head, s, _ in candidates]
    weights = _term_weights(set(tokenize(question)) - doc_terms, bags, names(question))
    total = sum(weights.values()) or 1.0
    kind = wanted_kind(question)
    scored = []
    for (i, head, sentence, lead), sim, bag in zip(candidates, dense, bags, strict=True):
        overlap = sum(w for t, w in weights.items() if t in bag) / total
        bonus = 0.15 if kind != "none" and has_kind(sentence, kind) else 0.0
        bonus += weighting.label * _label_match(sentence, weights)
        rank_prior = 0.02 * (len(hits) - i)
        score = float(sim) + weighting.overlap * overlap + bonus + rank_prior
        chunk = hits[i].chunk
        before = _headings_before(chunk.text, sentence)
        scored.append(
            Evidence(i, sentence, score, overlap, head, chunk.title, before, lead, chunk.year)
        )
    scored.sort(key=lambda e: -e.score)
    return _dedupe(scored)[:n]


def label_terms(unit: str) -> set[str]:
    """The terms of a table row's own label ("Additions to property, plant, and equipment");
    empty for a sentence."""
    return set(tokenize(unit.split(" | ")[0].rpartition(": ")[2])) if " | " in unit else set()


def _label_match(unit: str, weights: dict[str, float]) -> float:
    """For a table row, the share of its own label's terms that the question uses: a row
    is about what its label says ("Cash and cash equivalents"), whatever its column headers
    and the section above it ("Adjustments to reconcile net income to …:") repeat."""
    label = label_terms(unit)
    return sum(t in weights for t in label) / len(label) if label else 0.0


def _term_weights(terms: set[str], bags: list[set[str]], subjects: set[str]) -> dict[str, float]:
    """Inverse frequency of each question term among the candidate sentences: a term that
    every sentence shares ("AI") tells less than one that few do ("prohibited"). The question's
    subjects (capitalised names) count double."""
    n = len(bags)
    return {
        t: math.log(1 + n / (1 + sum(t in bag for bag in bags))) * (2 if t in subjects else 1)
        for t in terms
    }


def periods_missing(question: str, unit: Evidence) -> set[str]:
    """Years the question asks about that neither the evidence unit nor the headings above it
    in its chunk (the section it sits in) mention.

    A year that the unit's document title carries names the document ("the FY 2022-2026
    plan"), not the period of the figure, so it is not required of the unit, nor is the
    document's own year where the question uses it to name a document ("under the 2017
    plan"); nor is any year
    when the unit carries the full date the question asks about ("the second quarter of fiscal
    2024 (three months ended July 30, 2023)"). In a follow-up that carries the question before
    it, only the follow-up's own years are required. A range in the
    question ("2020-2024") is covered by the unit mentioning any year of it. A question about
    a quarter is not answered by a unit that gives only six- or nine-month figures (its
    missing "period" is then the length asked for).
    """
    question = own_part(question)  # the earlier question's years are context
    text = f"{unit.before} {unit.heading} {unit.text}"
    if _dates(question) & _dates(text):
        return set()  # the full date asked for is the unit's: its other years name the period
    in_title = set(YEAR.findall(unit.title))
    in_title |= {y for y in _DOCUMENT_YEAR.findall(question) if y == str(unit.year)}
    missing = _dates_missing(question, unit.text) if " | " in unit.text else set()
    missing |= _span_missing(question, text)
    for span in re.finditer(rf"{YEAR.pattern}(?:\s*[-–]\s*{YEAR.pattern})?", question):
        years = set(YEAR.findall(span.group(0)))
        if years & in_title or len(years) > 1:
            continue
        missing |= {y for y in years if y not in text}
    return missing


# How long a reporting period is: a quarter's figure is not the half-year's or nine months'.
_SPANS = {
    "quarter": re.compile(r"\b(?:q[1-4]|quarter(?:ly)?|three[- ]months?)\b", re.IGNORECASE),
    "six months": re.compile(r"\b(?:six[- ]months?|h[12]|half[- ]year)\b", re.IGNORECASE),
    "nine months": re.compile(r"\bnine[- ]months?\b", re.IGNORECASE),
}


def _span_missing(question: str, text: str) -> set[str]:
    """The length of period the question asks for ("Q2 2023"), when the unit states its
    figures for another length only ("for the six months ended June 30, 2023")."""
    asked = [name for name, span in _SPANS.items() if span.search(question)]
    given = [name for name, span in _SPANS.items() if span.search(text)]
    return set(asked) if len(asked) == 1 and given and asked[0] not in given else set()


# A year naming a document: "the 2017 plan", "its 2022 strategic plan", "the 2023 annual report"
_DOCUMENT_YEAR = re.compile(
    r"\b((?:19|20)\d\d)(?:\s+[A-Za-z-]+){0,2}\s+(?:plan|report|strategy|filing|10-[QK]|act"
    r"|index|edition|review|budget|survey|programme|program|regulation|directive|law)s?\b",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b({numbers.MONTHS})\.?\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b", re.IGNORECASE
)


def _dates(text: str) -> set[str]:
    """Full dates in `text`, written one way ("July 30, 2023", "Jul 30 2023" → "jul 30 2023")."""
    return {f"{m[:3].lower()} {int(d)} {y}" for m, d, y in _MONTH_DAY_YEAR.findall(text)}


def _dates_missing(question: str, row: str) -> set[str]:
    """Dates the question names ("the three months ended October 29, 2023") that a table row
    dated by its column headers does not have: the row reports other periods."""
    asked, given = _dates(question), _dates(row)
    return asked - given if given and not asked & given else set()


def period_of_figure_fits(question: str, unit: Evidence, figure: numbers.Quantity) -> bool:
    """A figure whose own words name a year, none of them the year asked about, belongs to
    another period: "149 in 2023 … 33.3 percent in 2021" never answers a question about 2021
    with 149. A figure whose words name no year takes its period from its sentence."""
    years = {y for y in YEAR.findall(question) if y not in YEAR.findall(unit.title)}
    in_unit = {y for y in years if y in unit.text}
    if not in_unit:
        return True
    figures = kind_figures(unit.text, "any") if " | " not in unit.text else []
    if len(figures) < 2:
        return True
    i = next((k for k, f in enumerate(figures) if f.start == figure.start), None)
    if i is None:
        return True
    words = _BASE_YEAR.sub(" ", _clause_words(unit.text, figures, i))
    own = set(YEAR.findall(words))
    return not own or bool(own & in_unit)


# The year a change is measured from is not the period of the change ("a decrease of 26.7
# percent from 2021" is the change in 2022).
_BASE_YEAR = re.compile(
    r"\b(?:from|since|than|over|compared (?:with|to)|versus|vs\.?)\s+(?:in\s+)?(?:FY\s?)?"
    r"(?:19|20)\d\d\b",
    re.IGNORECASE,
)


def _headings_before(text: str, sentence: str) -> str:
    """The heading lines of a chunk above a sentence (its section and sub-sections)."""
    above = text[: max(0, text.find(sentence[:40]))]
    return " ".join(ln.strip() for ln in above.splitlines() if _HEADING.match(ln.strip()))


_NAME_WORD = r"(?:[A-Z]|[a-z]+[A-Z])[\w'’.-]*"  # "Intel", "iPhone"
_NAME_RUN = re.compile(
    rf"(?<![\w'’]){_NAME_WORD}(?:\s+(?:(?:of|and|for|the|on|&)\s+)*{_NAME_WORD})*"
    r"(?:\s+\([A-Z][\w-]*\))?"
)
_NOT_SUBJECTS = re.compile(rf"^(?:{numbers.MONTHS}|fy\d*|q[1-4]|h[12]|\d+)$", re.IGNORECASE)


def name_groups(question: str, with_initials: bool = True) -> list[frozenset[str]]:
    """The question's names, each as the set of its terms: a run of capitalised words
    ("Client Computing Group"), with an acronym in brackets after it ("(CCG)") as part of the
    same name; a possessive ends a name ("Intel's Client Computing Group": two names). The
    first word, dates and reporting periods ("Q2", "June", "FY") are not names. A unit is
    about a name when it holds any of its terms, or (`with_initials`) its initials."""
    groups = []
    for run in _NAME_RUN.finditer(question):
        text = run.group(0) if run.start() else run.group(0).partition(" ")[2]
        for name in re.split(r"['’]s\s+", text):  # "Intel's Client Computing": two names
            words = [w for w in name.split() if not _NOT_SUBJECTS.match(w.strip(".,'’()"))]
            terms = {t for t in tokenize(" ".join(words)) if len(t) > 1} - _NOT_NAMES
            if terms:
                groups.append(frozenset(terms | (initials(name) if with_initials else set())))
    return groups


def initials(text: str) -> set[str]:
    """The acronyms of the multi-word names in `text` ("Department of Homeland Security" →
    "dhs", "Wage and Hour Division" → "whd"): documents and questions name an organisation
    in full in one place and by its initials in another."""
    found = set()
    for run in _NAME_RUN.finditer(text):
        capitals = [w[0] for w in run.group(0).split() if w[0].isupper()]
        if len(capitals) >= 2:
            found.update(tokenize("".join(capitals)))
    return found


def names(question: str) -> set[str]:
    """Terms of the capitalised words in a question (after its first word): its subjects. A
    word with a capital after its first letter ("iPhone") is a name too."""
    words = re.findall(r"[A-Za-z][\w'’-]*", question)[1:]
    return {t for w in words if is_name(w) for t in tokenize(w) if t not in _NOT_NAMES}


def is_name(word: str) -> bool:
    return re.match(_NAME_WORD, word) is not None


def _dedupe(items: list[Evidence]) -> list[Evidence]:
    """Overlapping chunks repeat sentences; keep the first of each."""
    seen: set[str] = set()
    out = []
    for e in items:
        if e.text not in seen:
            seen.add(e.text)
            out.append(e)
    return out
