"""Find, normalise and compare quantities in text.

One normaliser serves both the assistant's number check and the eval's scorer, so "a figure the
assistant verified" and "a figure the eval counts as right" mean the same thing.

Written here rather than taken from a library: general number parsers (e.g. quantulum3,
text2num) either read "2023" as a plain quantity, strip separators so that "12.5" and "125"
collide, or do not know scale words such as "bn", multipliers such as "26-fold", accounting
negatives such as "(134)" or the precision a figure is stated with ("about 1.2 million").

Design:
- a quantity is a numeric core (digits or a number word) plus what surrounds it: a currency
  before or after, a scale word (thousand … trillion, k/m/bn/tn), a unit (percent, -fold, times),
  a sign (leading minus or parentheses) and a hedge ("about", "nearly");
- years (1900-2100 standing alone) and day numbers next to a month name are kinds of their own,
  so that callers can leave them out of checks unless the question asks about time;
- citation markers such as "[2]" are never quantities;
- a stated figure carries its precision: "1.2 billion" covers 1.15-1.25 billion, "about 400"
  covers 350-450, a bare "400" only 400.
"""

from __future__ import annotations

import math
import re

from assistant.types import Quantity

_UNITS_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS_WORDS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_CURRENCY_CODES = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "us dollars": "USD",
    "us dollar": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euros": "EUR",
    "euro": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pounds": "GBP",
    "pound": "GBP",
    "¥": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "yuan": "CNY",
    "renminbi": "CNY",
}
MONTHS = (  # month names and abbreviations, as a regex alternation
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# a full date as filings write it, as a regex: "July 30, 2023", "Jul 1 2023"
MONTH_DAY_YEAR = rf"(?:{MONTHS})\.?\s+\d{{1,2}},?\s+(?:19|20)\d\d"
FULL_DATE = re.compile(rf"\b{MONTH_DAY_YEAR}\b", re.IGNORECASE)  # "July 30, 2023"
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

_WORD_ALT = "|".join(
    [f"(?:{t})(?:-(?:{'|'.join(list(_UNITS_WORDS)[:9])}))?" for t in list(_TENS_WORDS)[:-1]]
    + sorted(_UNITS_WORDS, key=len, reverse=True)
    + ["hundred"]
)
_CORE = re.compile(
    r"(?<![\w.,])(?:"
    r"(?P<pow>10(?:\^|\*\*)(?P<exp>\d{1,3})|10(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+))"
    r"|(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    rf"|(?P<word>\b(?:{_WORD_ALT}))(?=fold\b|\b)"
    r")",
    re.IGNORECASE,
)
_SUFFIX = re.compile(
    r"(?:(?P<short>bn|mn|tn|[kmb])(?![\w])|[ \u00a0]?(?P<scale>thousand|million|billion|trillion"
    r"|bn|mn|tn)\b)?"
    r"(?:[ \u00a0]?(?P<pct>%|percent\b|per[ \u00a0]cent\b|percentage[ \u00a0]points?\b|pct\b)"
    r"|(?P<mult>[ \u00a0-]?fold\b|[ \u00a0]times\b|x(?![\w])|[ \u00a0]?×))?"
    r"(?:[ \u00a0](?P<cur>US[ \u00a0]dollars?|dollars?|USD|euros?|EUR|yuan|RMB|CNY|renminbi"
    r"|pounds?|GBP)\b)?"
    r"(?P<close>\))?",
    re.IGNORECASE,
)
_PREFIX = re.compile(
    r"(?P<hedge>\b(?:about|around|approximately|approx\.|roughly|nearly|almost|some|close to"
    r"|an estimated|estimated)\s+|~\s?)?"
    r"(?P<open>\()?(?P<neg>(?<![\w-])[-−]|\bminus\s+)?"
    r"(?P<cur>US\$|\$|€|£|¥|\bUSD\s?|\bEUR\s?|\bRMB\s?|\bCNY\s?)?$",
    re.IGNORECASE,
)
_CITATION = re.compile(r"\[\s*\d+(?:\s*[,;-]\s*\d+)*\s*\]")
_MONTH_AFTER = re.compile(rf"\s(?:{MONTHS})\b", re.IGNORECASE)
_MONTH_BEFORE = re.compile(rf"\b(?:{MONTHS})\.?\s$", re.IGNORECASE)
# "18 U.S.C.", "29 CFR": the title of a code of laws or regulations, not a quantity.
_CODE_TITLE_AFTER = re.compile(r"\s+(?:U\.\s?S\.\s?C\.|USC\b|C\.\s?F\.\s?R\.|CFR\b)")
# "Three Months Ended June 30" names a reporting period (a column of a financial statement),
# it does not state a quantity.
_PERIOD_NAME_AFTER = re.compile(
    r"(?:-\s+(?:and|or)\s+\w+)?[\s-]+(?:months?|weeks?|quarters?)(?:\s+periods?)?\s+end(?:ed|ing)\b",
    re.I,
)
_IDENTIFIER_BEFORE = re.compile(r"[A-Za-z]-?$")
_FORM_NAME_AFTER = re.compile(r"-[A-Z]\b")  # "10-Q", "10-K", "20-F"
_NAME_WORD = re.compile(r"\b([A-Z][\w&'’-]*)\s+$")
# "type 1 or 2 diabetes", "phase 3 trials", "section 508": an English noun that labels an item
# by number, before it (and before the numbers joined to it), makes the number a label.
_DESIGNATOR_BEFORE = re.compile(
    r"\b(?:type|phase|tier|stage|step|level|grade|class|category|version|section|chapter"
    r"|article|annex|appendix|part|title|table|figure|item|note|goal|objective|round|wave)"
    r"\s+(?:[\dIVX.]+\s*(?:,|or|and|to|through|-|–)\s*)*$",
    re.IGNORECASE,
)

EXCLUDED_KINDS_DEFAULT = frozenset({"year", "date"})


def mask_citations(text: str) -> str:
    """Blank out "[1]"-style markers, keeping offsets, so they are never read as figures."""
    return _CITATION.sub(lambda m: " " * len(m.group(0)), text)


def _word_value(word: str) -> float:
    word = word.lower()
    if "-" in word:
        tens, units = word.split("-", 1)
        return _TENS_WORDS[tens] + _UNITS_WORDS[units]
    return _UNITS_WORDS.get(word) or _TENS_WORDS[word]


def _core_value(m: re.Match[str]) -> tuple[float, float]:
    """The core's value and the step of its last stated digit (0 when exact by nature)."""
    if m.group("pow"):
        exp = m.group("exp") or m.group("sup").translate(_SUPERSCRIPTS)
        return 10.0 ** int(exp), 0.0
    if m.group("word"):
        return float(_word_value(m.group("word"))), 0.0
    digits = m.group("num").replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return float(digits), 10.0**-decimals if decimals else 0.0


def _trailing_zero_step(value: float) -> float:
    """Step of the last non-zero digit of an integer: 400 → 100, 10,000 → 10,000, 32 → 1."""
    if value <= 0 or value != int(value):
        return 1.0
    step, v = 1.0, int(value)
    while v % 10 == 0:
        v //= 10
        step *= 10
    return step


def _kind(pre: re.Match[str], suf: re.Match[str], value: float, is_plain_int: bool) -> str:
    if suf.group("pct"):
        return "percent"
    if suf.group("mult"):
        return "multiplier"
    if pre.group("cur") or suf.group("cur"):
        return "currency"
    scaled = suf.group("scale") or suf.group("short")
    if is_plain_int and not scaled and 1900 <= value <= 2100:
        return "year"
    return "number"


def _currency(pre: re.Match[str], suf: re.Match[str]) -> str:
    raw = (pre.group("cur") or suf.group("cur") or "").strip().lower()
    raw = re.sub(r"\s+", " ", raw)
    return _CURRENCY_CODES.get(raw, raw.upper())


def part_of_name(text: str, q: Quantity) -> bool:
    """Is the plain number `q` part of a name ("… cloud services, Office 365 Commercial",
    "Form 10-Q", "our IDM 2.0 model", "Executive Order 13788") or a label ("type 1 or 2
    diabetes")? A capitalised word inside a sentence comes right before it, or opens a
    quotation inside one ('Refer to "Note 13'); a word that starts a sentence, a cell or a
    line ("Approximately 500 …") or a month does not count. A noun that labels by number
    counts wherever it stands."""
    if q.kind != "number" or not re.fullmatch(r"[\d,]+(?:\.\d+)?", q.text):
        return False
    if _DESIGNATOR_BEFORE.search(text, max(0, q.start - 60), q.start):
        return True
    m = _NAME_WORD.search(text, max(0, q.start - 60), q.start)
    if m is None or re.fullmatch(MONTHS, m.group(1), re.IGNORECASE):
        return False
    prior = text[: m.start()].rstrip().rstrip('"“').rstrip()
    return bool(prior) and prior[-1] not in ".!?:;|(•"


def _quantity_at(text: str, m: re.Match[str]) -> Quantity | None:
    start, end = m.span()
    before = text[max(0, start - 40) : start]
    if _IDENTIFIER_BEFORE.search(before):
        return None  # GPT-4, COVID-19, G7: part of a name
    if re.search(r"[§¶]\s*$", before) or _CODE_TITLE_AFTER.match(text, end):
        return None  # "18 U.S.C. § 1350", "29 CFR 1910": a code's title and section
    if before.endswith("/") or text.startswith("/", end):
        return None  # 2024/1689, 12/05: an identifier or a date, not a quantity
    if _FORM_NAME_AFTER.match(text, end):
        return None  # "the Q2 2023 10-Q", "8-K": a form's name
    if _PERIOD_NAME_AFTER.match(text, end):
        return None
    pre = _PREFIX.search(before)
    suf = _SUFFIX.match(text, end)
    assert pre is not None and suf is not None  # both patterns can match empty
    tail = suf.end()
    if suf.group("close") and not pre.group("open"):
        tail -= 1  # a closing bracket that is not ours
    if tail == end and end < len(text) and (text[end].isalnum() or text[end] == "_"):
        return None  # 5G, 3D
    value, step = _core_value(m)
    if m.group("word") and value == 1 and tail == end:
        return None  # "one of the ..." is not a figure
    scaled = suf.group("scale") or suf.group("short")
    mult = _SCALES[scaled.lower()] if scaled else 1.0
    is_plain_int = bool(m.group("num")) and "," not in m.group("num") and "." not in m.group("num")
    kind = _kind(pre, suf, value, is_plain_int)
    bracketed = bool(pre.group("open") and suf.group("close")) and kind != "year"
    if bracketed and _enumerator(text, before, value, tail):
        return None  # "(2) The information contained in the Report …": a list item's number
    if kind == "number" and _item_number(text, before, tail):
        return None  # "101 The following financial statements …": an exhibit's number
    if bracketed and text.startswith("%", tail):  # "(4)%": a negative percentage
        kind, tail = "percent", tail + 1
    negative = bool(pre.group("neg")) or bracketed
    if kind == "year" and negative:
        kind = "number"
    if kind in ("number", "year") and (
        _MONTH_AFTER.match(text, tail) or (value <= 31 and _MONTH_BEFORE.search(before))
    ):
        kind = "date" if value <= 31 else kind
    if pre.group("hedge") and step == 0:
        step = _trailing_zero_step(value)
    begin = start - len(pre.group(0))
    if pre.group("hedge"):
        begin += len(pre.group("hedge"))
    return Quantity(
        text=text[begin:tail].strip(),
        value=(-value if negative else value) * mult,
        kind=kind,
        unit=_currency(pre, suf) if kind == "currency" else "",
        precision=0.5 * step * mult,
        start=begin,
        end=tail,
    )


def _enumerator(text: str, before: str, value: float, tail: int) -> bool:
    """Does a bracketed small whole number open a sentence or a line, before a capital?"""
    line = before[:-1].rsplit("\n", 1)[-1].rstrip()
    opens = not line or line[-1] in ".;"
    return opens and value < 100 and value == int(value) and bool(_CAPITAL_NEXT.match(text, tail))


_CAPITAL_NEXT = re.compile(r"\s+[A-Z]")
# A quantity is followed by what it counts, never by an article: a plain number that opens a
# line, a cell or a sentence and is followed by "The" or "A" numbers an item of a list (an
# exhibit, a clause).
_ARTICLE_NEXT = re.compile(r"\s+(?:The|A|An|This|These|Those|Each)\s")


def _item_number(text: str, before: str, tail: int) -> bool:
    """Does a plain number open a line, a cell or a sentence, before an article?"""
    line = re.split(r"[\n|]", before)[-1].strip()
    return (not line or line[-1] in ".;:") and bool(_ARTICLE_NEXT.match(text, tail))


def extract(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order, with citation markers ignored."""
    masked = mask_citations(text)
    found = []
    for m in _CORE.finditer(masked):
        q = _quantity_at(masked, m)
        if q is not None:
            found.append(q)
    return found


def checkable(text: str, include_time: bool = False) -> list[Quantity]:
    """Quantities an answer must be able to back up: years and dates only when asked about."""
    excluded = frozenset() if include_time else EXCLUDED_KINDS_DEFAULT
    return [q for q in extract(text) if q.kind not in excluded]


_WHOLLY = re.compile(r"\b(?:fully|entirely|completely|wholly|totally)\b", re.IGNORECASE)


def stated_in(question: str) -> list[Quantity]:
    """The figures a question states, years included: they qualify what is asked and are not
    its answer. "Fully" or "entirely" states 100 percent ("within the goal of fully carbon-free
    electricity, what portion …": the 100% of that goal is given, the portion is asked)."""
    found = checkable(question, include_time=True)
    whole = [
        Quantity(m.group(0), 100.0, "percent", start=m.start(), end=m.end())
        for m in _WHOLLY.finditer(question)
    ]
    return found + whole[:1]


_STRICT_KINDS = {"percent", "currency", "multiplier"}
_TIME_KINDS = {"year", "date"}


def compatible(a: Quantity, b: Quantity) -> bool:
    """Units agree: percent never matches money, USD never matches EUR, nor a time a percent or
    money (the 31 of "March 31" is not "grew 31%"); plain numbers match all."""
    if a.kind in _STRICT_KINDS and b.kind in _STRICT_KINDS and a.kind != b.kind:
        return False
    if {a.kind, b.kind} & _TIME_KINDS and {a.kind, b.kind} & _STRICT_KINDS:
        return False
    return not (a.kind == b.kind == "currency" and a.unit and b.unit and a.unit != b.unit)


def same_quantity(stated: Quantity, reference: Quantity, rel_tol: float = 0.0) -> bool:
    """Does `stated` (as written, with its precision) express `reference`?"""
    if not compatible(stated, reference):
        return False
    s, r = stated.value, reference.value
    if (s < 0) != (r < 0) and "(" in stated.text + reference.text:
        s, r = abs(s), abs(r)  # accounting brackets are written inconsistently
    allowed = max(stated.precision, rel_tol * abs(r), 1e-9 * max(abs(r), 1.0))
    return math.isclose(s, r, abs_tol=allowed) or abs(s - r) <= allowed


def find_in(stated: Quantity, text: str, rel_tol: float = 0.0) -> Quantity | None:
    """The first quantity in `text` that `stated` expresses, if any."""
    for candidate in extract(text):
        if same_quantity(stated, candidate, rel_tol):
            return candidate
    return None


_UNIT_KINDS = {
    "": "number",
    "number": "number",
    "count": "number",
    "percent": "percent",
    "%": "percent",
    "multiplier": "multiplier",
    "times": "multiplier",
    "year": "year",
    "date": "date",
}


def expected_quantity(value: float, unit: str = "") -> Quantity:
    """A reference quantity for an expected answer: unit "" | "percent" | "USD" | "EUR" | …"""
    key = unit.strip().lower()
    if key in _UNIT_KINDS:
        return Quantity(text=str(value), value=float(value), kind=_UNIT_KINDS[key])
    money = key.split("/")[0]  # "USD/mile": dollars per mile
    code = _CURRENCY_CODES.get(money) or (
        money.upper() if money.upper() in _CURRENCY_CODES.values() else ""
    )
    if not code:  # a physical unit (miles, weeks, cubic feet): compared as a plain number
        return Quantity(text=str(value), value=float(value), kind="number")
    return Quantity(text=str(value), value=float(value), kind="currency", unit=code)


def states(text: str, expected: Quantity, rel_tol: float = 0.0) -> bool:
    """Does `text` state the expected quantity (within its own precision or `rel_tol`)?"""
    return any(same_quantity(q, expected, rel_tol) for q in extract(text))
