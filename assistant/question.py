"""What a question asks for: the kind of quantity (a share, a count, an amount, a year …)
and the names it is about.

Every later stage reads the question through these: retrieval narrows to the documents its
names match, evidence selection weights its names, the figure choice and the claim check ask
whether a unit states the kind of figure asked for about the subject named. Plain patterns
over the question's own words, no word list of any corpus: a capital letter marks a name, and
the few question words ("how many", "what share", "why") mark the kind. A language parser
would find the same names and adds a model to the install; these patterns are what the
checks need and run in microseconds.
"""

from __future__ import annotations

import re

from assistant import numbers
from assistant.lexical import YEAR, tokenize
from assistant.types import own_part, row_label

_NOT_NAMES = frozenset({"ai", "what", "how", "which", "according", "and"})
_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def wanted_kind(question: str) -> str:
    """The kind of quantity a question asks for: percent, multiplier, time, count, amount,
    designation (the number that names an order or an article), any or none (a question asking
    why, or what drove or caused something, asks for a reason).
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
    if _DESIGNATION_ASKED.search(q):
        return "designation"  # "which executive order": the number that names one
    if re.search(
        r"\b(how many times|times (more|greater|larger|as)|fold|multiple of|(by )?what factor"
        r"|factor of)\b",
        q,
    ):
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
    if re.search(r"\bhow many\b", q) or (re.search(r"\bnumber of\b", q) and not CHANGE.search(q)):
        return "count"  # "the average number of days" counts days, as "how many days" does
    if _MONEY_ASKED.search(q) and not CHANGE.search(q):
        return "amount"
    if (
        _MONEY.search(q)
        or _MEASURE_ASKED.search(q)
        or re.search(
            r"\b(how (many|much|large|big|fast|long)|amount|worth|value|total|number of|size"
            r"|figure|threshold|limit|maximum|minimum|ages?|ceiling|votes?|margin|average|mean"
            r"|median|targets?)\b",
            q,
        )
    ):
        return "any"
    return "time" if q.startswith("when ") else "none"


# A question asking which numbered provision or instrument ("which executive order", "which
# article of the GDPR") asks for the number that names it. English nouns of legal numbering.
_DESIGNATION_ASKED = re.compile(
    r"\bwhich\s+(?:[a-z-]+\s+)?(?:order|article|recital|annex|section|title|chapter)\b"
)

# Units of time and measure ("in miles", "how many terabytes").
MEASURE_UNITS = (
    r"years?|months?|weeks?|days?|hours?|(?:kilo|mega|giga|tera|peta)?bytes|[kmgtp]b|miles?"
    r"|kilomet(?:er|re)s?|km|feet|foot|cubic|square|acres?|hectares?|tons?|tonnes?|kilograms?"
    r"|kg|gallons?|lit(?:er|re)s?|met(?:er|re)s?|watts?|[kmg]wh?"
)
# A question asks for a figure when it names the unit to give it in ("what length of coastline,
# in miles"), or asks for a measure by a noun of measure ("what level of uptime", "what net
# gain", "what monthly discount"): English words for magnitudes, not names of any corpus.
_MEASURE_ASKED = re.compile(
    rf"\bin (?:{MEASURE_UNITS}|percent|dollars|euros)\b|\b(?:length|distance|duration|height"
    r"|depth|width|area|weight|volume|capacity|speed|level|gain|damages?|discount|rebate"
    r"|subsidy|savings?|fee|wage|salary|turnaround)\b"
)
# A question asking for a reason asks for no figure, even about one.
_REASON = re.compile(
    r"\b(?:why|drivers?|drove|reasons?|caused?|causes|(?:chief|main|primary|key) factors?"
    r"|factors? (?:behind|affecting|influencing))\b"
)


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
# Words naming the same financial measure: a loss is a negative income, a sale is revenue.
_SAME_MEASURE = {
    "revenues": "revenue", "sales": "revenue", "earnings": "income", "profit": "income",
    "profits": "income", "losses": "income", "expenses": "cost", "expense": "cost",
    "spend": "cost", "spent": "cost",
}  # fmt: skip


def measures(text: str) -> list[str]:
    """The financial measures a text names ("operating income", "net sales" → income,
    revenue), in order."""
    found = (m.group(1) for m in _MONEY.finditer(text.lower()))
    return [_SAME_MEASURE.get(w, w) for w in found]


# A section heading this short names a measure ("Operating Income", "Net sales"); a longer one
# describes a group of rows. Not tuned: the length of a measure's name.
SECTION_MEASURE_WORDS = 3


def measure_conflicts(question: str, row: str) -> bool:
    """Does a table row measure something other than the amount asked for? The first measure
    its own label names ("Operating expenses") or, when it names none, the section heading
    above it when that is a bare measure ("Revenue: Intelligent Cloud"), is not one the
    question names ("What was operating income for Intelligent Cloud?"). A longer section
    heading describes a group of rows ("Changes in operating assets and liabilities:") rather
    than what each measures. Rows and questions naming no measure never conflict."""
    section, label = row_label(row)
    asked = measures(own_part(question)) or measures(question)
    own = measures(label)
    if not own and len(section.split()) <= SECTION_MEASURE_WORDS:
        own = measures(section)
    return bool(asked and own) and own[0] not in asked


# The two ends of a range: a question asking for the smallest is not answered by a unit that
# states only the largest ("Texas received the largest allocation, …" for "the smallest
# allocation any state received"). "at least" states a floor, so it counts as the low end but
# never makes a unit conflict with a question about the high end.
_HIGH = re.compile(r"\b(?:largest|biggest|highest|greatest|maximum|the most)\b")
_LOW = re.compile(r"\b(?:smallest|lowest|fewest|least|minimum)\b")
_FLOOR = re.compile(r"\bat least\b")


def asks_extreme(question: str) -> str:
    """Which end of a range the question asks for: "high", "low", or "" (neither, or both)."""
    q = own_part(question).lower()
    asks_high, asks_low = bool(_HIGH.search(q)), bool(_LOW.search(_FLOOR.sub("", q)))
    return "" if asks_high == asks_low else "high" if asks_high else "low"


# A publication the question dates ("the FY 2021 report", "its 2022 strategic plan", "the
# 2020 annual performance report", "the FY 2020-2024 plan": both ends) or asks for the newest
# of ("the latest 10-Q").
_PUBLICATION = r"(?:plan|report|strategy|filing|10-[QK]|index|edition|review|budget|survey)s?"
_PUBLICATION_YEAR = re.compile(
    rf"\b(?:((?:19|20)\d\d)\s*[-–]\s*)?((?:19|20)\d\d)(?:\s+(?!(?:the|a|an)\b)[A-Za-z-]+){{0,2}}"
    rf"\s+{_PUBLICATION}\b"
    rf"|\b{_PUBLICATION}\s+(?:for|of|covering)\s+(?:fiscal\s+year\s+|FY\s?)?((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_LATEST = re.compile(
    rf"\b(?:latest|most\s+recent|newest)\s+(?:[A-Za-z-]+\s+){{0,2}}?{_PUBLICATION}\b",
    re.IGNORECASE,
)


def publication_years(question: str) -> set[str]:
    """The years the question gives a publication it names: "the FY 2020 report" → {"2020"}."""
    return {y for m in _PUBLICATION_YEAR.finditer(question) for y in m.groups() if y}


def content_years_only(question: str) -> str:
    """The question without the years that only date a publication ("According to the FY 2020
    report, what was the FY 2021 target …" asks about FY 2021, not 2020). When it names no
    other year, the publication's is the period asked about ("Amazon's Q2 2023 10-Q"), unless
    it is a span (_spans)."""
    dating = {y for y in publication_years(question) if question.count(y) == 1}
    if not set(YEAR.findall(question)) - dating and not _spans(question):
        return question
    for year in dating:
        question = re.sub(rf"\b{year}\b", " ", question)
    return question


def _spans(question: str) -> bool:
    """Is a publication dated by a span of years ("the FY 2020-2024 plan")? A plan's span is
    not the period a question about its contents asks for ("in what year did Congress set up
    the department"), as a filing's quarter is ("Amazon's Q2 2023 10-Q")."""
    return any(m.group(1) for m in _PUBLICATION_YEAR.finditer(question))


def asks_latest(question: str) -> bool:
    """Does the question ask for the newest publication ("the latest 10-Q")?"""
    return bool(_LATEST.search(question))


def asks_which(question: str) -> bool:
    """Does the question ask which one ("Which segment …", "In which region …")? Its answer
    is a member of a group, never the group's total."""
    return bool(_WHICH.match(own_part(question)))


_WHICH = re.compile(r"\W*(?:(?:in|from|for|of|at|by|to) )?which\b", re.IGNORECASE)


def extreme_conflicts(question: str, text: str) -> bool:
    """Does the question ask for one end (the smallest, the highest) and the unit state only
    the other?"""
    end, t = asks_extreme(question), text.lower()
    if end == "low":
        return bool(_HIGH.search(t)) and not _LOW.search(t)
    return end == "high" and bool(_LOW.search(_FLOOR.sub("", t))) and not _HIGH.search(t)


CHANGE_WORDS = (
    r"grow|grew|growth|increase[ds]?|decrease[ds]?|decline[ds]?|change[ds]?|r[io]se|f[ae]ll"
    r"|drop(?:ped)?"
)
CHANGE = re.compile(rf"\b(?:{CHANGE_WORDS})\b")
# ... and a figure's own words that say it is a change ("up 22%", "a decrease of 26.7 percent")
CHANGED = re.compile(rf"\b(?:{CHANGE_WORDS}|up|down|higher|lower)\b")


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
    return capitalised(" ".join(_WORD.findall(question)[1:])) - _NOT_NAMES


def capitalised(text: str) -> set[str]:
    """Terms of the capitalised words of `text`: a name ("CHIPS Act") is not the same word
    written as a common noun ("legacy chips")."""
    return set(tokenize(" ".join(w for w in _WORD.findall(text) if is_name(w))))


def is_name(word: str) -> bool:
    return re.match(_NAME_WORD, word) is not None
