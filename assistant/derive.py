"""A figure computed from two figures the conversation has already given, for a follow-up that
asks how they compare ("How many times larger is the US figure?", "What is the difference?").

The sources are asked first: a multiple or difference a document states is a figure of its own,
with its own page. Only when the sources do not state it is the comparison computed here, and it
is shown as computed, first, with both inputs and the pages that state them, so the user can
check each input and the arithmetic. The inputs are the figures of the last two answers that
gave one, each already verified against its cited page; they must be the same kind of quantity
(two percentages, two amounts in one currency, two counts). A name in the follow-up that neither
earlier question spoke of ("… than the UK figure" after the US and China) means the follow-up
asks about something else, and nothing is computed. This is plain arithmetic on typed records;
no library offers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.lexical import STOPWORDS, holds, known_or_alias, tokenize
from assistant.question import CHANGE_WORDS, is_name, names
from assistant.types import FOLLOW_UP_MARK, Answer, Citation, NumberCheck, Quantity, own_part

_RATIO = re.compile(
    r"\bhow many times\b|\bwhat multiple\b|\bratio\b"
    r"|\btimes (?:as|larger|bigger|greater|higher|more|smaller|lower|less)\b",
    re.IGNORECASE,
)
_DIFFERENCE = re.compile(
    r"\bdifference\b|\bgap\b"
    r"|\bhow much (?:more|less|larger|bigger|higher|lower|smaller|greater|fewer)\b",
    re.IGNORECASE,
)
_DIFFERENT = re.compile(rf"\b(?:{CHANGE_WORDS}|difference|gap|more|less|fewer|higher|lower)\b")
_KINDS = frozenset({"number", "currency", "percent"})
_QUESTION_WORDS = frozenset({"what", "how", "which", "when", "who", "about", "why", "did"})
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
MAX_LABEL_WORDS = 6


@dataclass(frozen=True)
class Given:
    """A figure an answer stated and verified: the source that states it, the words of the
    source that matched, and the question it answered."""

    quantity: Quantity
    citation: Citation
    evidence: str
    question: str


@dataclass(frozen=True)
class Derived:
    """A computed figure and the answer that shows it with its inputs."""

    text: str
    citations: tuple[Citation, ...]
    numbers: tuple[NumberCheck, ...]


def asks(question: str) -> str:
    """ "ratio", "difference" or "" for what the follow-up's own words ask."""
    own = own_part(question)
    if _RATIO.search(own):
        return "ratio"
    return "difference" if _DIFFERENCE.search(own) else ""


def states_comparison(question: str, answer: Answer) -> bool:
    """Does the sources' answer state the comparison asked for: a multiple for "how many
    times", a figure its words call a change or difference for "how much more"? Another
    figure of the same passage ("15 notable models") answers a different question."""
    if answer.refused or not answer.numbers:
        return False
    if asks(question) == "ratio":
        return answer.numbers[0].quantity.kind == "multiplier"
    return bool(_DIFFERENT.search(answer.text.lower()))


def derive(question: str, given: list[Given]) -> Derived | None:
    """The comparison the question asks for, computed from the last two figures given, or None
    when it asks none, the figures cannot be compared, or it names something else."""
    op = asks(question)
    given = [g for g in given if g.quantity.kind in _KINDS]  # a multiple is a comparison
    if not op or len(given) < 2:
        return None
    a, b = given[-2], given[-1]
    if not _comparable(a.quantity, b.quantity, op):
        return None
    label_a, label_b = _label(a.question, b.question), _label(b.question, a.question)
    order = _order(own_part(question), label_a, label_b, a.question + " " + b.question)
    if order is None:
        return None
    if order == 1 or (order == 0 and a.quantity.value < b.quantity.value):
        (a, label_a), (b, label_b) = (b, label_b), (a, label_a)
    return _shown(op, a, label_a, b, label_b)


def _comparable(x: Quantity, y: Quantity, op: str) -> bool:
    if x.kind != y.kind or x.kind not in _KINDS or x.unit != y.unit:
        return False
    return op != "ratio" or (x.value > 0 and y.value > 0)


def _words(question: str) -> list[str]:
    own, mark, context = question.partition(FOLLOW_UP_MARK)
    text = f"{own} {context[:-1]}" if mark else own
    return re.findall(r"[\w'’.-]+", text)


def _label(question: str, other: str) -> str:
    """The words that set `question` apart from `other` ("United States" against "China"),
    or "" when they are none or too many to name the figure."""
    theirs = set(tokenize(" ".join(_words(other))))
    kept = []
    for word in _words(question):
        terms = tokenize(word.strip(".?'’"))
        word = word.strip(".?,")
        if terms and not set(terms) & (STOPWORDS | _QUESTION_WORDS | theirs) and word not in kept:
            kept.append(word)
    return " ".join(kept) if 0 < len(kept) <= MAX_LABEL_WORDS else ""


def _order(own: str, label_a: str, label_b: str, both: str) -> int | None:
    """-1 when the follow-up names the first figure's subject first, 1 when the second's,
    0 when its names do not tell, None when it names something neither question spoke of."""
    if not all(_speaks_of(set(tokenize(both)), term) for term in names(own)):
        return None
    terms_a, terms_b = set(tokenize(label_a)), set(tokenize(label_b))
    for word in own.split():
        if not is_name(word):
            continue
        term = " ".join(tokenize(word))
        in_a, in_b = _speaks_of(terms_a, term), _speaks_of(terms_b, term)
        if in_a != in_b:
            return -1 if in_a else 1
    return 0


def _speaks_of(terms: set[str], name: str) -> bool:
    """Do these terms hold the name, or the full form of its short form ("united states")?"""
    return known_or_alias(lambda t: holds(terms, t), name)


def _shown(op: str, a: Given, label_a: str, b: Given, label_b: str) -> Derived:
    x, y = a.quantity, b.quantity
    if op == "ratio":
        value = x.value / y.value
        figure = f"{value:.2f}" if value < 1 else f"{value:.1f}"
        result = Quantity(f"{figure} times", value, "multiplier")
        lead, joint = f"About {figure} times", "against"
    else:
        value = x.value - y.value
        result = Quantity(_amount(value, x), value, x.kind, x.unit)
        lead, joint = f"A difference of {result.text}", "minus"
    inputs = f"{_input(x, label_a, 1)} {joint} {_input(y, label_b, 2)}"
    what = "multiple" if op == "ratio" else "difference"
    text = (
        f"{lead}: {inputs}, computed from these two cited figures "
        f"(the sources do not state the {what})."
    )
    cites = (
        Citation(1, a.citation.chunk, a.citation.snippet),
        Citation(2, b.citation.chunk, b.citation.snippet),
    )
    checks = (
        NumberCheck(result, False, None, f"{x.text} [1] {joint} {y.text} [2]", computed=True),
        NumberCheck(x, True, 1, a.evidence),
        NumberCheck(y, True, 2, b.evidence),
    )
    return Derived(text, cites, checks)


def _input(q: Quantity, label: str, n: int) -> str:
    return f"{q.text} ({label}) [{n}]" if label else f"{q.text} [{n}]"


def _amount(value: float, like: Quantity) -> str:
    """A difference written in the inputs' unit: percentage points, or a scaled amount."""
    if like.kind == "percent":
        return f"{_plain(value)} percentage points"
    number = _plain(value)
    for scale, word in _SCALES:
        if abs(value) >= scale:
            number = f"{_plain(value / scale)} {word}"
            break
    return f"{number} {like.unit}" if like.unit else number


def _plain(value: float) -> str:
    """Three significant figures, or the whole number when it has more digits than that."""
    return f"{value:,.0f}" if abs(value) >= 1000 or value == int(value) else f"{value:.3g}"
