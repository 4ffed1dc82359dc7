"""Question → retrieval → evidence → generation → checks → Answer: the `Answerer`.

The promise is that no figure reaches the user unless a retrieved source states it, and that
nothing shown is ever taken back. The pipeline: questions the library does not cover get "The
reports do not say." without generation (scope.py), and so do those no evidence unit can
answer; the model sees a few numbered evidence units (evidence.py, prompt.py); its whole reply
is judged by the checks (checks.py) before any of it is shown. A reply that fails them is
replaced, in this order, by a sentence composed from the verified evidence unit (compose.py),
or by that unit quoted; the answer says why.

The reply is judged whole rather than released piece by piece: a prefix that passed when it
was streamed could still be withdrawn by the final check (a later figure, a wrong subject),
and the user would have seen a wrong figure for a moment. Short replies keep this fast.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field, replace
from functools import cached_property

from assistant import numbers
from assistant.checks import (
    REFUSAL,
    about,
    check_quantity,
    citations_last,
    cited_numbers,
    drop_invalid_citations,
    focus_of,
    review,
    review_figure,
    settled,
)
from assistant.compose import answer_figure, compose
from assistant.embed import Embedder
from assistant.evidence import Weights, leans_back, select
from assistant.figures import MONTH_TERMS, kind_figures, states_change
from assistant.lexical import known_or_alias, places, tokenize
from assistant.llm import Generator
from assistant.periods import period_of_figure_fits, periods_missing
from assistant.prompt import NOT_COVERED, Source, build_messages, build_sources
from assistant.question import asks_reason, measures, name_groups, names, wanted_kind
from assistant.retrieve import HybridRetriever, Retrieval
from assistant.scope import missing_cell, uncovered_terms
from assistant.types import (
    Answer,
    Citation,
    Evidence,
    Filters,
    Hit,
    NumberCheck,
    Quantity,
    own_part,
)

FALLBACK_LEAD = "The source says:"


@dataclass(frozen=True)
class Reply:
    """The judged content of an answer: what is shown, how it was produced, and why."""

    text: str
    form: str  # model | composed | quote | refusal
    citations: tuple[Citation, ...] = ()
    numbers: tuple[NumberCheck, ...] = ()
    fallback: str = ""  # why the model's wording was replaced, when it was
    draft: str = ""

    @property
    def refused(self) -> bool:
        return self.form == "refusal"


def refusal(
    reason: str = "", draft: str = "", text: str = NOT_COVERED, cites: tuple[Citation, ...] = ()
) -> Reply:
    return Reply(text, "refusal", cites, (), reason, draft)


@dataclass(frozen=True)
class Context:
    """Everything the checks need about one question: its evidence and the shown sources."""

    question: str
    kind: str
    evidence: list[Evidence]
    sources: list[Source]
    hits: tuple[Hit, ...]
    avoid: tuple[Quantity, ...] = ()  # figures the previous answer gave (a follow-up's)
    subjects: tuple[frozenset[str], ...] = ()  # names an answering unit must be about
    names: tuple[frozenset[str], ...] = ()  # the same names without their initials
    profiles: dict[str, set[str]] = field(default_factory=dict)  # document → its profile terms

    def repeated(self, q: Quantity) -> bool:
        return any(numbers.same_quantity(q, a) for a in self.avoid)

    @cached_property
    def stated(self) -> list[Quantity]:
        """The figures the question itself states."""
        return numbers.stated_in(self.question)

    def known(self, q: Quantity) -> bool:
        """Is `q` a figure the question states or the previous answer gave (not an answer)?"""
        return self.repeated(q) or any(numbers.same_quantity(q, s) for s in self.stated)

    def source_of(self, e: Evidence) -> Source:
        return next(s for s in self.sources if s.hit is self.hits[e.hit])

    @cached_property
    def focus(self) -> list[Evidence]:
        """The units that can answer (focus_of), worked out once per context. A unit whose
        figures of the kind asked are all ones the question states ("by FY 2026") has no answer
        to give."""
        known = (*self.avoid, *self.stated)
        fresh = [e for e in self.evidence if not repeats(e, self.kind, known)]
        fresh = [e for e in fresh if self.follows_on(e)]
        fresh = [e for e in fresh if states_change(self.question, e.text, self.kind)]
        return focus_of(fresh, self.kind, self.question, self.subjects, self.about)

    def follows_on(self, unit: Evidence) -> bool:
        """A follow-up carried with the question before it ("What was the total across all
        countries?" after the UK's investment) is answered by a unit that uses one of its
        own words, or that holds the figure the previous answer gave (the figure beside it:
        "… 378,000 patents. That stock grew by 40 percent"). Another unit of the same kind
        (the next country's row) answers the earlier question, not this one."""
        if not self.own_terms:
            return True
        words = set(tokenize(f"{unit.before} {unit.with_heading()} {unit.lead}"))
        return bool(self.own_terms & words) or any(numbers.states(unit.text, a) for a in self.avoid)

    @cached_property
    def own_terms(self) -> frozenset[str]:
        """A follow-up's own terms, read once; empty for a question that stands alone."""
        own = own_part(self.question)
        return frozenset(tokenize(own)) if own != self.question else frozenset()

    def about(self, unit: Evidence) -> set[str]:
        """A unit is about what it says and what its document is: a name of the question that
        the document's first page prints whole ("Amazon.com, Inc.") is the subject of every
        passage in it; a word of a name that the page happens to hold ("North" of a street
        address, for "North America") is not."""
        profile = self.profiles.get(self.hits[unit.hit].chunk.source, set())
        whole = [g for g, name in zip(self.subjects, self.names, strict=True) if name <= profile]
        return about(unit).union(*whole)

    @property
    def include_time(self) -> bool:
        return self.kind == "time"


class Answerer:
    def __init__(
        self,
        retriever: HybridRetriever,
        embedder: Embedder,
        generator_factory: Callable[[], Generator],
        top_k: int,
        evidence_sentences: int,
        relevance_floor: float,
        max_tokens: int,
        weighting: Weights | None = None,
        compose_first: bool = False,
    ) -> None:
        self.retriever = retriever
        self.embedder = embedder
        self._generator_factory = generator_factory
        self.top_k = top_k
        self.evidence_sentences = evidence_sentences
        self.relevance_floor = relevance_floor
        self.max_tokens = max_tokens
        self.weighting = weighting or Weights()
        self.compose_first = compose_first

    def stream(
        self,
        question: str,
        standalone: str,
        filters: Filters | None = None,
        avoid: tuple[Quantity, ...] = (),
    ) -> Iterator[str | Answer]:
        """Yield the judged answer text once, then the final Answer. `avoid`: figures the
        previous answer gave, which a follow-up does not ask for again."""
        t0 = time.perf_counter()
        standalone = self.retriever.dated(standalone)  # "… of fiscal 2024": its dates added
        retrieval = self.retriever.retrieve(standalone, self.top_k, filters)
        timings = {"retrieval_s": time.perf_counter() - t0}
        generator = self._generator_factory()
        reply = self._reply(standalone, retrieval, generator, timings, t0, avoid)
        timings["first_shown_s"] = time.perf_counter() - t0
        yield reply.text
        yield Answer(
            question=question,
            standalone_question=standalone,
            text=reply.text,
            citations=reply.citations,
            numbers=reply.numbers,
            backend=generator.backend,
            model=generator.model,
            refused=reply.refused,
            form=reply.form,
            fallback=reply.fallback,
            draft=reply.draft,
            hits=retrieval.hits,
            timings=_round(timings, t0),
        )

    def _reply(
        self,
        question: str,
        retrieval: Retrieval,
        generator: Generator,
        timings: dict[str, float],
        t0: float,
        avoid: tuple[Quantity, ...] = (),
    ) -> Reply:
        if not self._in_scope(question, retrieval):
            return refusal()
        hits = retrieval.hits
        evidence = select(
            question,
            retrieval.query_embedding,
            hits,
            self.embedder,
            self.evidence_sentences,
            self.weighting,
            retrieval.doc_terms,
        )
        kind = wanted_kind(question)
        evidence = [e for e in evidence if not repeats(e, kind, avoid)]
        subjects, plain = self._subjects(question, retrieval.doc_terms)
        sources = build_sources(evidence, hits, question)
        profiles = self.retriever.profile_terms()
        ctx = Context(question, kind, evidence, sources, hits, avoid, subjects, plain, profiles)
        if kind == "designation" and not ctx.focus:  # "which section …" of a report whose
            ctx = replace(ctx, kind="none")  # sections have no numbers: the model names it
        empty = _empty_cell(ctx)
        if empty is not None:
            return empty
        sure = settled_by_evidence(ctx) if self.compose_first else None
        if sure is not None:
            return sure
        if ctx.kind != "none" and not ctx.focus:  # no unit can answer: whatever the model
            return refusal()  # wrote, the judge would refuse (judge, replacement)
        t1 = time.perf_counter()
        draft = ""
        messages = build_messages(question, ctx.sources)
        with closing(generator.stream(messages, self.max_tokens)) as pieces:
            for piece in pieces:
                timings.setdefault("first_token_s", time.perf_counter() - t0)
                draft += piece
                if settled(draft, ctx.include_time):
                    break
        timings["generation_s"] = time.perf_counter() - t1
        return judge(draft, ctx)

    def _subjects(
        self, question: str, doc_terms: frozenset[str] = frozenset()
    ) -> tuple[tuple[frozenset[str], ...], tuple[frozenset[str], ...]]:
        """The question's names that an answering unit must be about, with and without their
        initials; only words the library uses count (a name it never mentions is the scope
        check's to refuse, and a paraphrase it does not use cannot be required), or whose full
        form it uses ("UK" where the library writes "United Kingdom"). A demonym also counts
        as the place it names ("Chinese": China). A word that named the document (`doc_terms`)
        does not make a longer name's unit: in Amazon's filing, "Amazon Prime" asks for
        Prime."""
        knows = self.retriever.knows
        pairs = [
            (_known_terms(_beyond(g, doc_terms), knows), plain)
            for g, plain in zip(name_groups(question), name_groups(question, False), strict=True)
        ]
        return tuple(g for g, _ in pairs if g), tuple(p for g, p in pairs if g)

    def _in_scope(self, question: str, retrieval: Retrieval) -> bool:
        return (
            bool(retrieval.hits)
            and retrieval.best_dense >= self.relevance_floor
            and not uncovered_terms(
                question, retrieval.hits, self.retriever.knows, self.retriever.title_years()
            )
        )


def _known_terms(name: frozenset[str], knows: Callable[[str], bool]) -> frozenset[str]:
    """A name's terms the library uses (or whose full form it uses), with the places its
    demonyms name."""
    kept = {t for t in name if known_or_alias(knows, t)}
    return frozenset(kept.union(*(places(knows, t) for t in name)))


def _beyond(name: frozenset[str], doc_terms: frozenset[str]) -> frozenset[str]:
    """A name's terms besides those that named the document, unless it has no others."""
    return name - doc_terms or name


def repeats(unit: Evidence, kind: str, avoid: tuple[Quantity, ...]) -> bool:
    """Does the unit only restate figures of `avoid` (those the previous answer gave)?"""
    figures = kind_figures(unit.text, kind) if kind != "none" else []
    return bool(avoid and figures) and all(
        any(numbers.same_quantity(f, a) for a in avoid) for f in figures
    )


def _empty_cell(ctx: Context) -> Reply | None:
    """A refusal that cites the table row whose cell for the question is empty (n/a)."""
    if not ctx.evidence:
        return None
    top = ctx.evidence[0]
    if not (
        names(ctx.question) <= set(tokenize(top.text)) and missing_cell(ctx.question, top.text)
    ):
        return None
    source = ctx.source_of(top)
    text = f"{NOT_COVERED} The table in [{source.n}] gives no figure for it."
    return refusal("empty table cell", text=text, cites=_citations(ctx.sources, [source.n]))


def settled_by_evidence(ctx: Context) -> Reply | None:
    """The answer when one evidence unit settles it: it is the only one that can answer, it is
    a whole sentence of the source (not a table row, not a clause cut from a longer sentence,
    not one leaning on the sentence before: "It reached …"), it states exactly one figure for
    the question (compose's choice) and it names what the question names. Whatever the model
    wrote, the judge would show that figure (a reply stating another is replaced by it, a "not
    stated" overridden by it), so the model is not asked. None when there is a choice to make
    (two units, several figures), which is what the model is for, or when the source's cells
    or clause would read worse than the model's sentence ("Intel's net revenue for the three
    months ended July 1, 2023 was $12,949 million")."""
    focus = ctx.focus
    if ctx.kind == "none" or len(focus) != 1 or leans_back(focus[0].text):
        return None
    unit, source = focus[0], ctx.source_of(focus[0])
    text = compose(ctx.question, unit, ctx.kind, source.n, exclude=ctx.avoid)
    if text.removesuffix(f" [{source.n}].") != unit.text.rstrip(". "):
        return None  # a row's cells, a clause cut out ("149 in 2023, …"), a figure put first
    if not names(ctx.question) - MONTH_TERMS <= set(tokenize(text)):
        return None  # "the country held 378,000 …" does not say whose: the model names it
    return _composed(text, ctx, source.n, "", "")


def judge(draft: str, ctx: Context) -> Reply:
    """The model's reply if it passes review, else the best replacement.

    A model's "not stated" stands only when no evidence unit can answer (focus_of: a figure of
    the kind asked, for the period and the subjects asked). It used to be overridden only when
    that unit also held half of the question's terms; re-judging the stored drafts of the
    federal dev tune split without that threshold: 0.5B 0.74 → 0.76 right, 1.5B 0.41 → 0.74
    right, wrong figures unchanged (0.09 and 0.06), unanswerables refused unchanged. Smaller
    models say "not stated" less often than larger ones; the evidence decides, not the habit.
    """
    valid = {s.n for s in ctx.sources}
    text = citations_last(drop_invalid_citations(draft.strip(), valid))
    if REFUSAL.search(text) and not numbers.checkable(text, ctx.include_time):
        if _best(ctx) is None:  # the model's "not stated" is overridden only by evidence
            return refusal(draft=draft)
        return replacement(draft, ctx, "refused although a source answers")
    cited = cited_numbers(text, valid)
    checks = [
        check_quantity(q, ctx.sources, cited) for q in numbers.checkable(text, ctx.include_time)
    ]
    as_asked = ctx
    if checks and ctx.kind == "none":  # the question's wording did not say it asks for a
        ctx = replace(ctx, kind="any")  # figure, but the reply gives one: check it as such
    reason = review(text, checks, ctx.question, ctx.kind, ctx.evidence, ctx.focus)
    if not reason and any(ctx.repeated(c.quantity) for c in checks):
        reason = "the figure the previous answer gave"
    if not reason and checks and all(ctx.known(c.quantity) for c in checks):
        reason = "only the question's own figures"  # "four" of "the four-year plan"
    if reason:
        ctx = as_asked if asks_reason(ctx.question) else ctx  # a reason is no table's figure
        return replacement(draft, ctx, reason, chosen_by_model(draft, ctx))
    used = sorted(set(cited) | {c.citation for c in checks if c.citation is not None})
    if used and not cited:
        text = f"{text.rstrip()} " + "".join(f"[{n}]" for n in used)
    return Reply(text, "model", _citations(ctx.sources, used), tuple(checks), "", draft)


def chosen_by_model(draft: str, ctx: Context) -> tuple[Evidence, Quantity] | None:
    """The evidence unit and figure the model pointed at, when they pass the claim check.

    Small models often reply with fragments ("[1] [421]", "- 65.7% [1]") that are no answer
    but do select: a figure that one of the units able to answer states, and that fits the
    question there, is the one the composed sentence states.
    """
    valid = {s.n for s in ctx.sources}
    unbracketed = re.sub(
        r"\[\s*([\d.,]+%?)\s*\]",
        lambda m: m.group(0) if m.group(1).isdigit() and int(m.group(1)) in valid else m.group(1),
        draft,
    )
    focus = ctx.focus
    for q in numbers.checkable(unbracketed, ctx.include_time):
        for unit in focus:
            fits = [f for f in kind_figures(unit.text, ctx.kind) if numbers.same_quantity(q, f)]
            if (
                fits
                and not ctx.known(fits[0])
                and not review_figure(fits[0], ctx.question, ctx.kind, focus)
            ):
                return unit, fits[0]
    return None


def replacement(
    draft: str, ctx: Context, reason: str, chosen: tuple[Evidence, Quantity] | None = None
) -> Reply:
    """A sentence composed from the evidence unit the model chose (chosen_by_model) or else the
    best one that can answer with one figure (a row holding the FY 2021 and FY 2022 targets
    gives none for "the FY 2020 target"; the next unit may); failing that, the unit quoted.

    When the question asks for a figure and no unit can give it (none holds a figure of that
    kind for the period asked about), the answer is that the reports do not say: quoting a
    nearby figure about something else would read as an answer. A question asking for a
    reason gets the best sentence, never a table row (a row of figures gives no reason).
    """
    if chosen is not None:
        unit, figure = chosen
        source = ctx.source_of(unit)
        text = compose(ctx.question, unit, ctx.kind, source.n, figure)
        if text:
            return _composed(text, ctx, source.n, reason, draft)
    best = _best(ctx)
    if best is None and ctx.kind != "none":
        return refusal(reason, draft)
    for unit in ctx.focus if ctx.kind != "none" else []:  # the best that gives one figure
        source = ctx.source_of(unit)
        composed = compose(ctx.question, unit, ctx.kind, source.n, exclude=ctx.avoid)
        if composed:
            return _composed(composed, ctx, source.n, reason, draft)
    best = best or next((e for e in ctx.evidence if _may_quote(e, ctx)), None)
    if best is None:
        return refusal(reason, draft)
    source = ctx.source_of(best)
    if ctx.kind != "none" and not _quote_leads_with_answer(best, ctx):
        return refusal(reason, draft)
    quote = f"{FALLBACK_LEAD} “{best.text}” [{source.n}]"
    return _composed(quote, ctx, source.n, reason, draft, form="quote")


def _may_quote(unit: Evidence, ctx: Context) -> bool:
    """May the unit be quoted as the answer to a question that asks for no figure? Only when
    its first figure, if it states any, is the one for what was asked: a reader takes the
    first figure of a quote as the answer ("Acquisitions … June 30, 2022: (259 million) | …"
    for "did the company announce any acquisitions in Q2 2023?"). To a question asking for a
    reason, moreover, only a sentence (a row of figures gives no reason) from the period asked
    about that, when the question names a financial measure ("… affecting operating income"),
    names it too (not "decreases of $152 million, $1.2 billion, …, respectively", where the
    second is operating income's). And only a unit that uses a term of the question beyond
    those naming its document: the best-ranked line left ("3.2 Amended and Restated Bylaws of
    Amazon.com, Inc.") is no answer to whether the company announced acquisitions."""
    if unit.overlap <= 0:
        return False
    leads = not kind_figures(unit.text, "any") or _quote_leads_with_answer(
        unit, replace(ctx, kind="any")
    )  # "Executive Order 13788" names an order; it is no figure
    question = ctx.question
    if not asks_reason(question):
        return leads
    asked = measures(question)
    return (
        leads
        and " | " not in unit.text
        and not periods_missing(question, unit)
        and (not asked or bool(set(asked) & set(measures(unit.text))))
    )


def _quote_leads_with_answer(unit: Evidence, ctx: Context) -> bool:
    """Is the first figure a reader meets in the unit the one that answers? (A quote whose
    first figure is another year's or another subject's would read as a wrong answer.)"""
    figure = answer_figure(ctx.question, unit, ctx.kind, ctx.avoid)
    first = numbers.checkable(unit.text, ctx.include_time)
    return (
        figure is not None
        and bool(first)
        and first[0].start == figure.start
        and period_of_figure_fits(ctx.question, unit, figure)
    )


def _composed(
    text: str, ctx: Context, n: int, reason: str, draft: str, form: str = "composed"
) -> Reply:
    checks = tuple(
        check_quantity(q, ctx.sources, [n]) for q in numbers.checkable(text, ctx.include_time)
    )
    return Reply(text, form, _citations(ctx.sources, [n]), checks, reason, draft)


def _best(ctx: Context) -> Evidence | None:
    """The best evidence unit holding a figure of the kind asked for."""
    return next(iter(ctx.focus), None)


def _citations(sources: list[Source], used: list[int]) -> tuple[Citation, ...]:
    by_n = {s.n: s for s in sources}
    return tuple(Citation(n, by_n[n].hit.chunk, by_n[n].snippet) for n in used if n in by_n)


def _round(timings: dict[str, float], t0: float) -> dict[str, float]:
    out = {k: round(v, 3) for k, v in timings.items()}
    out["total_s"] = round(time.perf_counter() - t0, 3)
    return out
