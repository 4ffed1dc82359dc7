"""Follow-up questions are rewritten to stand alone."""

from __future__ import annotations

import pytest

from assistant.chat import Conversation, rewrite
from assistant.types import Answer, Chunk, Citation, NumberCheck, Quantity, own_part


@pytest.mark.parametrize(
    ("previous", "question", "standalone"),
    [
        (
            "How much private AI investment did the United States attract in 2023?",
            "And China?",
            "How much private AI investment did China attract in 2023?",
        ),
        (
            "How much BEAD money was allocated to Texas?",
            "What about for California?",
            "How much BEAD money was allocated to California?",
        ),
        (
            "What share of people in high-income countries used the internet in 2023?",
            "And in low-income countries?",
            "What share of people in low-income countries used the internet in 2023?",
        ),
        (
            "When does the water agency's long-term plan that starts in 2019 end?",
            "What about the parks agency's 2024 plan?",
            "When does the parks agency's 2024 plan end?",
        ),
    ],
)
def test_substitutes_the_new_name(previous: str, question: str, standalone: str) -> None:
    assert rewrite(question, previous) == standalone


def test_pronoun_follow_up_carries_the_previous_question() -> None:
    out = rewrite("How fast did it grow?", "How many AI patents did China hold in 2023?")
    assert out.startswith("How fast did it grow?")
    assert "How many AI patents did China hold in 2023?" in out


def test_a_question_about_the_figure_just_given_carries_the_previous_question() -> None:
    previous = "How much private investment in AI did China attract in 2023?"
    out = rewrite("How many times larger is the US figure?", previous)
    assert out.startswith("How many times larger is the US figure?") and previous in out


def test_a_question_of_its_own_after_and_keeps_its_words_and_the_context() -> None:
    previous = "What assets do the benefit plans overseen by EBSA hold?"
    out = rewrite("And how many people participate in the Thrift Savings Plan?", previous)
    assert out.startswith("And how many people participate in the Thrift Savings Plan?")
    assert previous in out
    swapped = rewrite("And what about China?", "How much did the United States invest in 2023?")
    assert swapped == "How much did China invest in 2023?"


def test_the_answer_just_given_is_its_first_figure_not_every_figure_of_its_clause() -> None:
    chat = Conversation()
    workers = Quantity("148 million", 148e6, "number")
    workplaces = Quantity("10 million", 10e6, "number")
    chunk = Chunk("c", "d", "laws.pdf", "Laws", 1, "148 million workers in 10 million places")
    checks = (NumberCheck(workers, True, 1), NumberCheck(workplaces, True, 1))
    answer = Answer("q", "q", "text", (Citation(1, chunk, chunk.text),), checks, "b", "m")
    chat.add("How many workers do the laws cover?", answer)
    assert chat.last_figures == (workers,)  # "And in how many workplaces?" may get 10 million


def test_standalone_questions_are_left_alone() -> None:
    q = "What is the maximum GDPR fine as a share of turnover?"
    assert rewrite(q, "How many households were enrolled in the ACP?") == q
    assert rewrite("And China?", None) == "And China?"


def test_a_new_year_is_swapped_in_and_stays_the_follow_ups_own_word() -> None:
    previous = "What share of foundation models released in 2023 were open-source?"
    out = rewrite("And in 2022?", previous)
    assert own_part(out) == "And in 2022?"
    assert out.endswith("What share of foundation models released in 2022 were open-source?)")


def test_conversation_keeps_standalone_turns() -> None:
    chat = Conversation()
    first = chat.standalone("How many AI incidents were reported in 2023?")
    chat.add(first)
    second = chat.standalone("And in 2022?")
    assert second.endswith("How many AI incidents were reported in 2022?)")
    chat.add(second)
    third = chat.standalone("And in 2021?")  # swapped in the question, not in "And in 2022?"
    assert own_part(third) == "And in 2021?"
    assert third.endswith("How many AI incidents were reported in 2021?)")


@pytest.mark.parametrize(
    ("question", "year"),
    [
        ("And the year before?", "2022"),
        ("What about two years earlier?", "2021"),
        ("How does that compare with the previous year?", "2022"),
        ("And the following year?", "2024"),
    ],
)
def test_a_year_counted_from_the_previous_question_is_named(question: str, year: str) -> None:
    out = rewrite(question, "What share of the models released in 2023 were open-source?")
    assert year in own_part(out) and "2023" not in own_part(out)


def test_a_relative_year_in_a_question_that_stands_alone_is_left_alone() -> None:
    q = "How much did revenue grow compared with the previous year?"
    assert rewrite(q, "What share of the models released in 2023 were open-source?") == q
    since = "How many years after that did the program start?"  # a count of years, not a year
    assert own_part(rewrite(since, "When was the law passed in 2021?")) == since
    follow = rewrite("And the year before?", "How many workers do the laws cover?")
    assert own_part(follow) == "And the year before?"  # no year to count from
