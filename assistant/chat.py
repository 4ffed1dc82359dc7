"""Conversation state, and follow-up questions rewritten to stand alone before retrieval.

Rewriting is done by rules rather than by the language model: the small local models often
answer the follow-up instead of rewriting it, or drop the figure being asked about. The rules
cover the common shapes of follow-ups in a research chat:
- "And China?", "What about the UK?": the previous question with its last name replaced by
  the new one; "And in low-income countries?" replaces the phrase of the previous question
  that ends with the same word ("in high-income countries"); "How about in 2022?": the
  previous question with its year replaced, carried as context of the follow-up's own words,
  so the figure whose own words name 2022 is chosen from a sentence that gives both years;
- "What was it in 2022?", "How fast did that grow?", "How many times larger is the US
  figure?", "And how many images …?": a question leaning on the previous one (a pronoun, "the
  ... figure/number/amount", or a question of its own after "and") gets the previous question
  appended as context, and its own words say what it asks;
- "And the year before?", "How does that compare with the previous year?", "What about two
  years later?": the year meant, counted from the one year of the previous question, takes the
  phrase's place, and the follow-up is read as one naming that year;
- anything else is already standalone.

The conversation also keeps the figure each answer gave, with the source that states it: a
follow-up asks for something new, so the answer stage does not give the same figure again from
the same evidence; and a follow-up comparing the last two figures can be answered from them
(`derive.py`) when no source states the comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.derive import Given, asks
from assistant.types import FOLLOW_UP_MARK, Answer, Quantity

_SHORT_FOLLOW = re.compile(
    r"^\s*(?:and what about|and how about|what about|how about|same for|and for|what of|and)\s+"
    r"(?P<rest>.+?)\s*\??\s*$",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(it|its|it's|that|this|those|these|they|them|their|there|same)\b"
    r"|\bthe (?:[\w-]+ )?(?:figure|number|amount|value|total|one|ones)s?\b",
    re.I,
)
# "And how many people …?": a question of its own after "and", not a phrase to swap in
_ASKS = re.compile(
    r"^(?:how|what|which|when|where|who|why|is|are|was|were|did|does|do|has|have|can|will)\b",
    re.IGNORECASE,
)
_LEADING_PREPOSITION = re.compile(r"^(?:for|in|of|to|from|with|about)\s+", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# "the year before", "two years earlier", "the following year": a year counted from another
_YEARS_AWAY = re.compile(
    r"\b(?:(?:the|a|one)\s+year|(?:two|three|four|five|\d)\s+years)\s+(?:before|earlier|prior"
    r"|later|after)\b|\bthe\s+(?:previous|prior|preceding|following|next)\s+year\b",
    re.IGNORECASE,
)
_COUNTS = {"the": 1, "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_NAME = re.compile(r"\b(?:the\s+)?(?:[A-Z][\w.-]*)(?:\s+(?:of\s+)?[A-Z][\w.-]*)*")
_NOT_NAMES = frozenset(
    {
        "What",
        "How",
        "Which",
        "When",
        "Who",
        "Did",
        "Does",
        "Do",
        "Is",
        "Are",
        "Was",
        "Were",
        "According",
        "In",
        "By",
        "AI",
        "And",
        "The",
    }
)


@dataclass
class Conversation:
    """The standalone form of each question asked so far, oldest first; the figure the last
    answer gave; and the figures answers gave, with their sources, oldest first."""

    turns: list[str] = field(default_factory=list)
    last_figures: tuple[Quantity, ...] = ()
    given: list[Given] = field(default_factory=list)

    def standalone(self, question: str) -> str:
        """`question` made to stand alone. A question comparing figures ("How much higher was
        the 2023 share?") after two answers that gave figures leans on them."""
        previous = self.turns[-1] if self.turns else None
        if previous and len(self.given) >= 2 and asks(question):
            return _with_context(question, previous)
        return rewrite(question, previous)

    def avoid(self, standalone: str) -> tuple[Quantity, ...]:
        """Figures an answer to this follow-up should not give again: the last answer's, or
        for a comparison every figure given so far (the comparison is a new figure)."""
        if asks(standalone):
            return tuple(g.quantity for g in self.given)
        return self.last_figures

    def add(self, standalone: str, answer: Answer | None = None) -> None:
        """Record a turn and the figure its answer stated and verified. The answer's figure
        is the first it states; others of its clause ("148 million workers in more than 10
        million workplaces") are left for a follow-up to ask for. A computed figure is not
        one a source gave."""
        self.turns.append(standalone)
        sourced = answer is not None and answer.form != "derived"
        checks = [c for c in answer.numbers if c.verified] if sourced else []
        self.last_figures = (checks[0].quantity,) if checks else ()
        cites = {c.n: c for c in answer.citations} if answer else {}
        if checks and checks[0].citation in cites:
            first = checks[0]
            cited = cites[first.citation]
            self.given.append(Given(first.quantity, cited, first.evidence, standalone))


def _names(text: str) -> list[re.Match[str]]:
    out = []
    for m in _NAME.finditer(text):
        words = m.group(0).split()
        if words and words[-1] not in _NOT_NAMES and not (len(words) == 1 and m.start() == 0):
            out.append(m)
    return out


def _replace_phrase(previous: str, rest: str) -> str:
    """`previous` with the phrase that ends in `rest`'s last word replaced by `rest`, or "".
    A relative clause that dated the old phrase ("the plan that begins in fiscal 2020") goes
    when the new phrase carries its own year ("the health department's 2022 plan")."""
    words = rest.split()
    if not words:
        return ""
    head = re.escape(words[-1].lower())
    span = rf"(?:\S+\s+){{{len(words) - 1}}}{head}\b" if len(words) > 1 else rf"\b{head}\b"
    m = list(re.finditer(span, previous, re.IGNORECASE))
    if len(m) != 1:
        return ""
    before, after = previous[: m[0].start()], previous[m[0].end() :]
    if re.search(r"\b(?:the|a|an)\s+$", before, re.IGNORECASE):
        rest = re.sub(r"^(?:the|a|an)\s+", "", rest, flags=re.IGNORECASE)  # no "the the"
    clause = re.match(r"\s+(?:that|which|who)\b[^?]*?\b(?:19|20)\d\d\b", after)
    if clause and _YEAR.search(rest):
        after = after[clause.end() :]  # "… plan that begins in fiscal 2020" → the new plan's year
    return before + rest + after


def _with_context(question: str, previous: str) -> str:
    return f"{question.strip()}{FOLLOW_UP_MARK}{previous})"


def _year_meant(question: str, previous: str) -> str:
    """A follow-up's "the year before", "two years later" or "the previous year" replaced by
    the year it means, counted from the one year the previous question names ("And the year
    before?" after a question about 2023 → "And 2022?"). A question that stands alone, names
    a year itself, or follows one naming several years is left as it is."""
    m = _YEARS_AWAY.search(question)
    years = set(_YEAR.findall(previous))
    leans = _SHORT_FOLLOW.match(question) or _PRONOUN.search(question)
    if not m or not leans or len(years) != 1 or _YEAR.search(question):
        return question
    phrase = m.group(0).lower()
    first = phrase.split()[0]
    count = int(first) if first.isdigit() else _COUNTS.get(first, 1)
    sign = 1 if re.search(r"\b(?:later|after|following|next)\b", phrase) else -1
    return f"{question[: m.start()]}{int(years.pop()) + sign * count}{question[m.end() :]}"


def _resolved(previous: str) -> str:
    """The question a short follow-up ("And in 2022?") stood for: the earlier question with
    its year swapped, which that follow-up carries as context."""
    own, mark, context = previous.partition(FOLLOW_UP_MARK)
    return context[:-1] if mark and _SHORT_FOLLOW.match(own) else previous


def rewrite(question: str, previous: str | None) -> str:
    """`question` made to stand alone, given the previous standalone question."""
    if not previous:
        return question.strip()
    question = _year_meant(question, previous)
    short = _SHORT_FOLLOW.match(question)
    if short:
        previous = _resolved(previous)
        rest = short.group("rest").strip()
        if _ASKS.match(rest):
            return _with_context(question, previous)
        year = _YEAR.search(rest)
        if year and _YEAR.search(previous) and len(rest.split()) <= 3:
            return _with_context(question, _YEAR.sub(year.group(0), previous, count=1))
        names = _names(previous)
        if names and re.search(r"\b[A-Z]", rest):
            last = names[-1]
            rest = _LEADING_PREPOSITION.sub("", rest)
            return previous[: last.start()] + rest + previous[last.end() :]
        aligned = _replace_phrase(previous, rest)
        if aligned:
            return aligned
        return _with_context(question, previous)
    if _PRONOUN.search(question) or len(question.split()) <= 3:
        return _with_context(question, previous)
    return question.strip()
