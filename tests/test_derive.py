"""Comparisons a follow-up asks for, computed from the two figures the chat has given when no
source states them: the computed figure first, each input with the page that states it."""

from __future__ import annotations

import pytest

from assistant.chat import Conversation
from assistant.derive import Given, derive
from assistant.types import Answer, Chunk, Citation, NumberCheck, Quantity

US = "How much private investment in AI did the United States attract in 2023?"
CHINA = "How much private investment in AI did China attract in 2023?"


def given(text: str, value: float, kind: str, unit: str, question: str, page: int) -> Given:
    chunk = Chunk(f"c{page}", "d", "report.pdf", "Report", page, f"... {text} ...")
    return Given(Quantity(text, value, kind, unit), Citation(7, chunk, text), text, question)


def investment() -> list[Given]:
    return [
        given("$67.2 billion", 67.2e9, "currency", "USD", US, 2),
        given("$7.8 billion", 7.8e9, "currency", "USD", CHINA, 3),
    ]


def test_a_multiple_is_computed_from_the_two_cited_figures_and_stated_first() -> None:
    out = derive("How many times larger is the US figure?", investment())
    assert out is not None
    assert out.text.startswith("About 8.6 times: $67.2 billion (United States) [1]")
    assert "$7.8 billion (China) [2]" in out.text and "do not state" in out.text
    assert [c.chunk.page for c in out.citations] == [2, 3]  # each input cites its own page
    computed, *inputs = out.numbers
    assert computed.computed and not computed.verified
    assert [(i.quantity.text, i.verified, i.citation) for i in inputs] == [
        ("$67.2 billion", True, 1),
        ("$7.8 billion", True, 2),
    ]


def test_the_figure_named_first_is_the_one_compared() -> None:
    out = derive("How many times larger is the China figure than the US figure?", investment())
    assert out is not None and out.text.startswith("About 0.12 times: $7.8 billion (China) [1]")


def test_a_difference_of_shares_is_in_percentage_points() -> None:
    share = "What share of the foundation models released in {} were open-source?"
    figures = [
        given("65.7 percent", 65.7, "percent", "", share.format(2023), 1),
        given("44.4 percent", 44.4, "percent", "", share.format(2022), 1),
    ]
    out = derive("How much higher was the 2023 share?", figures)
    assert out is not None
    assert out.text.startswith("A difference of 21.3 percentage points: 65.7 percent (2023) [1]")


@pytest.mark.parametrize(
    "question",
    [
        "How many times larger is the US figure than the UK figure?",  # the UK was not asked about
        "What was it in 2022?",  # asks no comparison
    ],
)
def test_nothing_is_computed_for_what_the_figures_do_not_answer(question: str) -> None:
    assert derive(question, investment()) is None


def test_figures_of_different_kinds_are_not_compared() -> None:
    figures = [investment()[0], given("65.7 percent", 65.7, "percent", "", CHINA, 1)]
    assert derive("How many times larger is the first figure?", figures) is None


def answer_with(check: NumberCheck, chunk: Chunk, form: str = "composed") -> Answer:
    cite = Citation(1, chunk, chunk.text)
    return Answer("q", "q", "text", (cite,), (check,), "b", "m", form=form)


def test_the_chat_keeps_each_verified_figure_with_its_source_but_not_a_computed_one() -> None:
    chat = Conversation()
    chunk = Chunk("c", "d", "report.pdf", "Report", 2, "$67.2 billion")
    dollars = Quantity("$67.2 billion", 67.2e9, "currency", "USD")
    chat.add(US, answer_with(NumberCheck(dollars, True, 1, "$67.2 billion"), chunk))
    multiple = Quantity("8.6 times", 8.6, "multiplier")
    computed = answer_with(NumberCheck(multiple, True, 1), chunk, "derived")
    chat.add("How many times larger?", computed)
    assert [(g.quantity, g.citation.chunk.page, g.question) for g in chat.given] == [
        (dollars, 2, US)
    ]


def test_a_comparison_leans_on_the_chat_and_avoids_every_figure_given() -> None:
    chat = Conversation()
    chat.turns = [US, CHINA]
    chat.given = investment()
    standalone = chat.standalone("What is the difference between the two?")
    assert standalone.endswith(f"(follow-up to: {CHINA})")
    assert [q.text for q in chat.avoid(standalone)] == ["$67.2 billion", "$7.8 billion"]
