"""The checks between the model and the user.

The model here is a scripted Generator (the backend interface), so each test controls exactly
what the model "says" and asserts what the user is shown. Retrieval, evidence and the number
check are the real ones over the bundled corpus. Real generation is in test_cli.py and test_web.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant import numbers
from assistant.answer import Answerer
from assistant.llm import Generator, Message
from assistant.prompt import NOT_COVERED
from assistant.types import Answer, Quantity

if TYPE_CHECKING:
    from assistant.core import Assistant

QUESTION = "How many valid AI invention patents did China hold at the end of 2023?"


class Scripted(Generator):
    backend = "scripted"
    model = "scripted"

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.calls = 0
        self.taken = ""  # what the answerer read of the reply before it stopped generation
        self.messages: list[Message] = []  # what the model was shown, last call

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        self.calls += 1
        self.taken = ""
        self.messages = messages
        for i in range(0, len(self.reply), 3):  # small pieces, as a model streams
            self.taken = self.reply[: i + 3]
            yield self.reply[i : i + 3]


def ask(
    corpus_assistant,
    reply: str,
    question: str = QUESTION,
    standalone: str = "",
    avoid: tuple[Quantity, ...] = (),
    compose_first: bool = False,
) -> tuple[str, Answer, Scripted]:
    """Ask with a scripted model; `compose_first` as the setting (off: the model always
    answers, so that these tests see what the judge does with its reply)."""
    gen = Scripted(reply)
    s = corpus_assistant.settings
    answerer = Answerer(
        corpus_assistant.retriever,
        corpus_assistant.embedder,
        lambda: gen,
        s.top_k,
        s.evidence_sentences,
        s.relevance_floor,
        s.max_tokens,
        compose_first=compose_first,
    )
    shown, final = "", None
    for item in answerer.stream(question, standalone or question, None, avoid):
        if isinstance(item, Answer):
            final = item
        else:
            shown += item
    assert final is not None
    return shown, final, gen


def test_verified_figure_is_kept_with_its_citation(corpus_assistant) -> None:
    shown, answer, _ = ask(corpus_assistant, "China held 378,000 valid AI invention patents [1].")
    assert "378,000" in shown and answer.text == shown
    assert [n.verified for n in answer.numbers] == [True]
    cited = answer.citations[0]
    assert cited.chunk.source == "china-internet-development-report-2024.md"
    assert "378,000" in answer.numbers[0].evidence


def test_one_unit_with_one_figure_is_answered_without_the_model(corpus_assistant) -> None:
    """When one evidence unit can answer and a whole sentence of it states one figure and
    names what the question names, the judge would show that figure whatever the model said:
    the sentence is the answer at once, with no model call."""
    question = "How many ICT specialists should the EU employ by 2030?"
    shown, answer, model = ask(corpus_assistant, "[1]", question, compose_first=True)
    assert model.calls == 0 and answer.form == "composed"
    assert numbers.checkable(shown)[0].value == 20e6 and answer.citations
    assert shown.startswith("The EU should employ at least 20 million ICT specialists")


def test_a_clause_that_does_not_name_the_subject_is_worded_by_the_model(corpus_assistant) -> None:
    """ "By the end of 2023 the country held 378,000 …" does not say which country, and a
    clause cut from its sentence ("123 incidents were reported in 2023") may lack its
    subject: the model words both."""
    reply = "China held 378,000 valid AI invention patents at the end of 2023 [1]."
    shown, _, model = ask(corpus_assistant, reply, compose_first=True)
    assert model.calls == 1 and shown == reply
    reply = "123 AI incidents were reported in 2023 [1]."
    question = "How many AI incidents were reported in 2023?"
    shown, _, model = ask(corpus_assistant, reply, question, compose_first=True)
    assert model.calls == 1 and shown == reply


def test_a_choice_between_units_is_left_to_the_model(corpus_assistant) -> None:
    question = "What share of people surveyed by Ipsos express nervousness toward AI products?"
    shown, _, model = ask(
        corpus_assistant, "52 percent express nervousness [1].", question, compose_first=True
    )
    assert model.calls == 1 and numbers.checkable(shown)[0].value == 52


def test_a_table_row_is_worded_by_the_model(corpus_assistant) -> None:
    """A row's cells ("United States, Private AI investment (2023): $67.2 billion") read as a
    lookup, not an answer: the model words it, and the judge checks its figure."""
    question = "How much private investment in AI did the United States attract in 2023?"
    reply = "The United States attracted $67.2 billion of private AI investment in 2023 [1]."
    shown, answer, model = ask(corpus_assistant, reply, question, compose_first=True)
    assert model.calls == 1 and answer.form == "model" and shown == reply


def test_a_question_no_unit_can_answer_is_refused_without_the_model(corpus_assistant) -> None:
    """The sources count AI incidents for 2023 only: no unit holds a figure for 2021, so the
    judge would refuse whatever the model wrote, and the model is not asked."""
    question = "How many AI incidents were reported in 2021?"
    shown, answer, model = ask(corpus_assistant, "123 incidents were reported [1].", question)
    assert answer.refused and shown == NOT_COVERED
    assert model.calls == 0


def test_unverified_figure_is_never_shown(corpus_assistant) -> None:
    shown, answer, _ = ask(corpus_assistant, "China held 412,000 valid AI patents [1].")
    assert "412" not in shown and "412" not in answer.text
    assert answer.fallback == "unverified figure"
    assert "378,000" in answer.text  # the evidence sentence, quoted and cited
    assert all(n.verified for n in answer.numbers)
    assert answer.citations


def test_invalid_citation_is_dropped_and_real_source_attached(corpus_assistant) -> None:
    _, answer, _ = ask(corpus_assistant, "China held 378,000 valid AI invention patents [7].")
    assert "[7]" not in answer.text
    assert answer.citations and all(c.n != 7 for c in answer.citations)
    assert answer.text.endswith(f"[{answer.citations[0].n}]")


def test_reply_restating_the_question_is_replaced(corpus_assistant) -> None:
    _, answer, _ = ask(corpus_assistant, "China holds many patents [1].")
    assert answer.fallback == "no answer in the reply"
    assert "378,000" in answer.text


def test_reply_without_the_figure_asked_for_is_replaced(corpus_assistant) -> None:
    reply = "China has made significant progress in AI innovation [1]."
    _, answer, _ = ask(corpus_assistant, reply)
    assert answer.fallback == "no figure of the kind asked for"
    assert "378,000" in answer.text


@pytest.mark.parametrize(
    "reply", ["The sources do not mention this.", "No source answers the question."]
)
def test_model_refusal_becomes_the_not_covered_answer(corpus_assistant, reply: str) -> None:
    question = "Why do digital twins matter to factory engineers?"
    _, answer, _ = ask(corpus_assistant, reply, question)
    assert answer.refused and answer.text == NOT_COVERED and not answer.citations


def test_refusal_is_overridden_when_a_source_states_the_figure(corpus_assistant) -> None:
    shown, answer, _ = ask(corpus_assistant, "The sources do not mention this.")
    assert not answer.refused and answer.fallback == "refused although a source answers"
    assert "378,000" in answer.text and "mention" not in shown


def test_wrong_figure_of_the_right_sentence_is_not_streamed(corpus_assistant) -> None:
    shown, answer, _ = ask(corpus_assistant, "China's patents grew by 40 percent [1].")
    assert "40 percent" not in shown
    assert answer.fallback and "378,000" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "How many valid AI invention patents did India hold at the end of 2023?",
        "What is the best recipe for banana bread?",
    ],
)
def test_out_of_scope_questions_are_refused_without_generation(
    corpus_assistant, question: str
) -> None:
    _, answer, gen = ask(corpus_assistant, "India held 378,000 patents [1].", question)
    assert answer.refused and answer.text == NOT_COVERED
    assert gen.calls == 0


@pytest.mark.parametrize(
    "reply",
    [
        "China held 378,000 valid AI invention patents [1].",
        "China held 412,000 valid AI patents [1].",
        "China's patents grew by 40 percent [1], and it held 378,000 [1].",
        "The sources do not mention this.",
        "[1] [1]",
    ],
)
def test_nothing_streamed_is_ever_withdrawn(corpus_assistant, reply: str) -> None:
    shown, answer, _ = ask(corpus_assistant, reply)
    assert shown == answer.text  # what was on screen is what the answer is, never more


@pytest.mark.parametrize("reply", ["[1] [1]", "- 378,000 [1]", "[1] [2] [3] " * 20])
def test_markers_and_fragments_are_never_the_answer(corpus_assistant, reply: str) -> None:
    _, answer, _ = ask(corpus_assistant, reply)
    assert answer.form == "composed" and answer.fallback
    assert answer.text.startswith("By the end of 2023") and "378,000" in answer.text


SENTENCE = "China held 378,000 valid AI invention patents [1]. "


@pytest.mark.parametrize(
    ("reply", "enough"),
    [
        ("[1] [2] [3] " * 20, "[1] [2] [3] [1]"),
        ("[1] " * 40, "[1] [1] [1]"),
        (
            "The reports do not say. The sources are quoted from documents: they are data.",
            "The reports do not say.",
        ),
        (SENTENCE * 5, SENTENCE * 3),
    ],
)
def test_generation_stops_once_the_reply_can_say_nothing_more(
    corpus_assistant, reply: str, enough: str
) -> None:
    """A loop or a finished refusal is not generated to the token limit (seconds on a CPU);
    the answer is what the whole reply gives: a sentence composed from the answering unit."""
    _, answer, gen = ask(corpus_assistant, reply)
    assert len(gen.taken) <= len(enough) + 3  # one streamed piece past the point it was clear
    assert answer.form == "composed" and "378,000" in answer.text


def test_failed_wording_becomes_a_composed_sentence_not_a_quote(corpus_assistant) -> None:
    question = "How much did it cost to train Google's Gemini Ultra?"
    _, answer, _ = ask(corpus_assistant, "It cost 78 million US dollars [1].", question)
    assert answer.form == "composed"
    assert answer.text.startswith("Google's Gemini Ultra cost about 191 million US dollars [")
    assert "GPT-4" not in answer.text and all(n.verified for n in answer.numbers)


def test_verified_figure_from_a_weaker_sentence_is_rejected(corpus_assistant) -> None:
    question = "What share of the national demonstration factories use AI and digital twins?"
    shown, answer, _ = ask(corpus_assistant, "[1] [50%]", question)  # 50%: McKinsey adoption
    assert "50" not in shown and "50" not in answer.text
    assert "More than 90 percent" in answer.text and answer.fallback


@pytest.mark.parametrize(
    ("reply", "stated"),
    [
        ("[1] [191 million]", "191 million"),  # the model's pick, phrased from the source
        ("[1] [78 million]", "191 million"),  # GPT-4's figure: the claim check overrules it
    ],
)
def test_a_fragment_still_selects_the_figure_when_the_claim_check_agrees(
    corpus_assistant, reply: str, stated: str
) -> None:
    question = "How much did it cost to train Google's Gemini Ultra?"
    _, answer, _ = ask(corpus_assistant, reply, question)
    assert answer.form == "composed" and stated in answer.text and "78" not in answer.text


def test_a_figure_from_another_year_of_the_same_unit_is_not_the_answer(corpus_assistant) -> None:
    question = "How many foundation models were released in 2021?"
    _, answer, _ = ask(corpus_assistant, "149 foundation models were released [1].", question)
    assert "149" not in answer.text and answer.fallback


def test_a_follow_up_is_not_answered_with_the_figure_just_given(corpus_assistant) -> None:
    from assistant.chat import Conversation

    chat = Conversation()
    chat.add("What share of people in high-income countries used the internet in 2023?")
    chat.last_figures = (Quantity("93 percent", 93.0, "percent"),)
    standalone = chat.standalone("And in low-income countries?")
    reply = "93 percent of people use the internet [1]."
    _, answer, _ = ask(
        corpus_assistant, reply, "And in low-income countries?", standalone, chat.last_figures
    )
    assert "27 percent" in answer.text and "93" not in answer.text


def test_a_figure_about_another_subject_the_library_knows_is_not_the_answer(
    corpus_assistant,
) -> None:
    """Texas is in the library (a broadband allocation), but no passage gives its private AI
    investment: the national figure the model offers is not an answer to the question."""
    question = "What was private AI investment in Texas in 2023?"
    shown, answer, _ = ask(
        corpus_assistant, "Private AI investment was $67.2 billion [1].", question
    )
    assert answer.refused and shown == answer.text
    assert "67.2" not in shown


def test_a_question_naming_a_demonym_is_answered_from_its_place_s_row(corpus_assistant) -> None:
    """The library writes "China" in the row and uses "Chinese" elsewhere; the question's
    "Chinese" is stemmed once, not twice, and names China."""
    question = "How many notable machine learning models came from Chinese institutions in 2023?"
    _, answer, _ = ask(corpus_assistant, "[1]", question)
    assert answer.numbers and "15" in answer.text and "51" not in answer.text


def test_a_fragment_does_not_pick_a_row_of_another_subject(corpus_assistant) -> None:
    question = "How much BEAD funding was allocated to the European Union?"
    _, answer, _ = ask(corpus_assistant, "[1] 21", question)
    assert answer.refused and not answer.numbers


@pytest.mark.parametrize(
    "reply",
    [
        "[China held 378,000 valid AI invention patents at the end of 2023 [1].",
        "[China held 378,000 valid AI invention patents at the end of 2023]. [1]",
    ],
)
def test_a_bracket_opened_before_the_sentence_is_not_shown(corpus_assistant, reply: str) -> None:
    shown, answer, _ = ask(corpus_assistant, reply)
    assert answer.form == "model" and shown.startswith("China held 378,000")
    assert "2023]" not in shown


def test_a_refusal_stands_when_no_passage_is_about_the_subject(corpus_assistant) -> None:
    question = "What was private AI investment in Texas in 2023?"
    _, answer, _ = ask(corpus_assistant, "The reports do not say.", question)
    assert answer.refused and answer.text == NOT_COVERED


def test_a_question_asking_why_is_never_answered_with_a_table_row(corpus_assistant) -> None:
    question = "Why does the NTIA run the Digital Equity Act programs?"
    _, answer, _ = ask(corpus_assistant, "The rise of quantum fishing drove it.", question)
    assert " | " not in answer.text and "$2.75 billion" not in answer.text
    question = "Which agency runs the Affordable Connectivity Program?"
    _, answer, _ = ask(corpus_assistant, "The rise of quantum fishing runs it.", question)
    assert "FCC" in answer.text  # a row does answer what is not a reason


def test_a_word_naming_the_document_does_not_make_a_longer_name_s_passage(
    corpus_assistant,
) -> None:
    subjects, _ = corpus_assistant.answerer._subjects(
        "How much did the BEAD Program give Texas?", frozenset({"bead"})
    )
    assert "bead" not in set().union(*subjects) and "program" in set().union(*subjects)


def test_a_follow_up_asking_when_gets_the_full_date_of_its_row(corpus_assistant) -> None:
    from assistant.chat import rewrite

    previous = "What is the maximum fine under the AI Act for prohibited practices?"
    question = rewrite("When does it apply?", previous)
    _, answer, _ = ask(corpus_assistant, "[1] [2]", "When does it apply?", question)
    assert answer.form == "composed" and "2 February 2025" in answer.text
    assert "Prohibited AI practices" in answer.text


def test_a_short_form_of_a_name_the_library_writes_in_full_is_required(corpus_assistant) -> None:
    question = "How many times larger is the US figure than the UK figure?"
    subjects, _ = corpus_assistant.answerer._subjects(question)
    assert any("uk" in s for s in subjects)  # the library writes "United Kingdom"
    assert any("us" in s for s in subjects)


class InTurn(Scripted):
    """One scripted reply per question, in order."""

    def __init__(self, *replies: str) -> None:
        super().__init__("")
        self.replies = list(replies)

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        self.reply = self.replies.pop(0)
        return super().stream(messages, max_tokens)


def test_a_difference_no_source_states_is_computed_from_the_chats_cited_figures(
    corpus_assistant,
) -> None:
    from assistant.chat import Conversation

    chat, kept = Conversation(), corpus_assistant._generator
    corpus_assistant._generator = InTurn("$67.2 billion [1].", "$7.8 billion [1].", NOT_COVERED)
    try:
        us = corpus_assistant.ask(
            "How much private investment in AI did the United States attract in 2023?", chat
        )
        china = corpus_assistant.ask("And China?", chat)
        gap = corpus_assistant.ask("What is the difference between them?", chat)
    finally:
        corpus_assistant._generator = kept
    assert "67.2 billion" in us.text and "7.8 billion" in china.text
    assert gap.form == "derived", gap.text
    assert gap.text.startswith("A difference of 59.4 billion USD:")
    assert "$67.2 billion (United States) [1]" in gap.text and "(China) [2]" in gap.text
    first, second = gap.citations
    assert "67.2" in first.chunk.text and "7.8" in second.chunk.text


@pytest.fixture(scope="module")
def filing_page_assistant(tmp_path_factory: pytest.TempPathFactory):
    """An Assistant over one real 10-Q page whose stock-based compensation table is longer
    than a chunk: its rows fall in three chunks, the "Total" row in the last."""
    import pymupdf

    from assistant.config import Settings
    from assistant.core import Assistant
    from tests.conftest import shared_filings

    folder = tmp_path_factory.mktemp("filing-page")
    with pymupdf.open(shared_filings() / "2023 Q2 NVDA.pdf") as doc:
        doc.select([10])
        doc.save(folder / "nvda-note-4.pdf")
    assistant = Assistant(Settings(data_dir=folder / "data", backend="llamacpp"))
    assert not assistant.ingest([folder / "nvda-note-4.pdf"]).failed
    return assistant


def test_a_table_cut_by_chunking_is_read_to_its_end(filing_page_assistant) -> None:
    hits = filing_page_assistant.retriever.retrieve("stock-based compensation expense", 8).hits
    opening = [h for h in hits if "Cost of revenue |" in h.chunk.text]
    assert opening and all("Total | Three Months Ended" in h.chunk.text for h in opening)


def test_a_question_naming_no_line_of_a_breakdown_gets_its_total(filing_page_assistant) -> None:
    question = (
        "How much stock-based compensation expense was recorded in the three months ended"
        " July 30, 2023?"
    )
    _, answer, _ = ask(filing_page_assistant, "[1]", question)
    assert "$842 million" in answer.text and "$31 million" not in answer.text
    question = (
        "What was the stock-based compensation expense for research and development in the"
        " three months ended July 30, 2023?"
    )
    _, answer, _ = ask(filing_page_assistant, "[1]", question)
    assert "600 million" in answer.text


def test_a_reason_is_not_a_table_s_figure(corpus_assistant) -> None:
    """A question asking what drove something names no figure to look up; when the model's
    figure fails the check, no table row's figure stands in for the reason."""
    question = "What was the main factor behind private AI investment in China in 2023?"
    _, answer, _ = ask(corpus_assistant, "It was $67.2 billion [1].", question)
    assert "7.8" not in answer.text and "67.2" not in answer.text, answer.text


def test_a_reply_that_repeats_itself_is_not_shown(corpus_assistant) -> None:
    loop = "China held 378,000 valid AI invention patents at the end of 2023. " * 3
    shown, answer, _ = ask(corpus_assistant, loop)
    assert answer.form != "model" and shown.count("378,000") == 1


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("Which region attracted the most private AI investment in 2023?", "$67.2 billion"),
        ("Which region attracted the least private AI investment in 2023?", "$3.8 billion"),
    ],
)
def test_which_is_largest_is_answered_by_comparing_the_table_s_rows(
    corpus_assistant, question: str, figure: str
) -> None:
    _, answer, _ = ask(corpus_assistant, "[1]", question)
    assert answer.form == "composed" and figure in answer.text


@pytest.fixture(scope="module")
def segments_assistant(tmp_path_factory: pytest.TempPathFactory):
    """An Assistant over three real 10-Q pages: the income statement ("Operating income", a
    total), the segment results (each segment's revenue and operating income) and the page
    before them."""
    import pymupdf

    from assistant.config import Settings
    from assistant.core import Assistant
    from tests.conftest import shared_filings

    folder = tmp_path_factory.mktemp("segments")
    with pymupdf.open(shared_filings() / "2023 Q2 MSFT.pdf") as doc:
        doc.select([2, 36, 37])  # three pages, so that running headers are known as such
        doc.save(folder / "msft-segments.pdf")
    assistant = Assistant(Settings(data_dir=folder / "data", backend="llamacpp"))
    assert not assistant.ingest([folder / "msft-segments.pdf"]).failed
    return assistant


@pytest.mark.parametrize(
    ("question", "segment", "figure", "total"),
    [
        ("Which segment had the highest operating income?", "Intelligent Cloud", "9,476", "22,352"),
        ("Which segment had the lowest revenue?", "More Personal Computing", "13,260", "52,857"),
    ],
)
def test_which_is_largest_is_a_line_of_the_breakdown_never_its_total(
    segments_assistant, question: str, segment: str, figure: str, total: str
) -> None:
    question = question.replace("?", " for the three months ended March 31, 2023?")
    _, answer, _ = ask(segments_assistant, "[1]", question)
    assert figure in answer.text and total not in answer.text, answer.text
    unnamed = f"The segment had the highest operating income with {figure} million [1]."
    _, answer, _ = ask(segments_assistant, unnamed, question)
    assert answer.form == "composed", "a reply that does not say which one is no answer"
    assert segment in answer.text and figure in answer.text


def _one_document(tmp_path: Path, markdown: str) -> Assistant:
    """An Assistant over one Markdown document with `markdown` as its text."""
    from assistant.config import Settings
    from assistant.core import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.md").write_text(markdown)
    assistant = Assistant(Settings(data_dir=tmp_path / "data", backend="llamacpp"))
    assert not assistant.ingest([docs]).failed
    return assistant


@pytest.mark.parametrize("reply", ["[1]", "The reports do not say."])
def test_which_order_is_answered_by_the_number_that_names_it(tmp_path, reply: str) -> None:
    """The number of "Executive Order 13788" names an order and is no figure of a quantity,
    but it is what a question asking which order asks for: whatever the model replies (a bare
    marker, a "not stated"), the answer names the order with its number."""
    assistant = _one_document(
        tmp_path,
        '# Agency strategic plan\n\nPursuant to the Executive Order 13788: "Buy American and '
        'Hire American," the agency is working to ensure that American workers are better '
        "protected.\n",
    )
    question = "Which executive order grounds the agency's protection of American workers?"
    _, answer, _ = ask(assistant, reply, question)
    assert "Executive Order 13788" in answer.text, answer.text
    assert answer.citations, answer.text


def test_which_section_of_a_report_without_numbered_sections_is_the_models_to_name(
    tmp_path,
) -> None:
    """Asked which section covers something, in a report whose sections have no numbers, the
    model's answer naming the section stands: there is no number to require."""
    assistant = _one_document(
        tmp_path,
        "# Agency strategic plan\n\n## Workforce\n\nThe agency will train its staff in data "
        "skills and recruit analysts.\n\n## Buildings\n\nThe agency will reduce its office "
        "space.\n",
    )
    question = "Which section of the agency's plan covers training its staff in data skills?"
    reply = "The Workforce section covers training the agency's staff in data skills [1]."
    _, answer, _ = ask(assistant, reply, question)
    assert answer.form == "model" and "Workforce" in answer.text, answer.text


@pytest.fixture(scope="module")
def fiscal_assistant(tmp_path_factory: pytest.TempPathFactory):
    """Pages of two real 10-Qs: NVIDIA's cover, its "Second Quarter of Fiscal Year 2024
    Summary" and its segment table (columns "Three Months Ended July 30, 2023 | July 31,
    2022"), and Microsoft's segment pages."""
    import pymupdf

    from assistant.config import Settings
    from assistant.core import Assistant
    from tests.conftest import shared_filings

    folder = tmp_path_factory.mktemp("fiscal")
    (folder / "filings").mkdir()
    for name, pages in (("NVDA", [0, 26, 29]), ("MSFT", [2, 36, 37])):
        with pymupdf.open(shared_filings() / f"2023 Q2 {name}.pdf") as doc:
            doc.select(pages)
            doc.save(folder / "filings" / f"{name.lower()}-10q.pdf", garbage=3)
    assistant = Assistant(Settings(data_dir=folder / "data", backend="llamacpp"))
    assert not assistant.ingest([folder / "filings"]).failed
    return assistant


def test_a_fiscal_quarter_is_read_in_the_columns_its_filing_dates_it_by(fiscal_assistant) -> None:
    """NVIDIA's fiscal 2024 is not calendar 2024: its second quarter is the three months
    ended July 30, 2023, which the filing says where it titles its summary table. A question
    naming the fiscal quarter gets that column's figure, not "not stated"."""
    question = (
        "What operating income did NVIDIA's Compute & Networking segment report for the second"
        " quarter of fiscal 2024?"
    )
    _, answer, _ = ask(fiscal_assistant, "[1]", question)
    assert "6,728" in answer.text and "July 30, 2023" in answer.standalone_question, answer.text
    question = question.replace("second quarter", "first quarter")  # the filing dates it nowhere
    _, answer, _ = ask(fiscal_assistant, "[1]", question)
    assert answer.refused and answer.standalone_question == question


def test_miles_of_one_thing_do_not_answer_how_many_miles_of_another(tmp_path) -> None:
    """ "6,000 miles of land border" says what its miles are of: asked how many miles of new
    border barrier a plan commits to, which it never says, the answer is that the reports do
    not say, while the land border's length is still given when asked for."""
    assistant = _one_document(
        tmp_path,
        "# Border strategy\n\nSmugglers evade enforcement along the nation's nearly 6,000 miles"
        " of land border and 95,000 miles of shoreline. The department is enhancing border"
        " security between ports of entry using physical barriers and new technology.\n",
    )
    question = "How many miles of new physical border barrier does the strategy commit to building?"
    _, answer, _ = ask(assistant, "The strategy commits to 6,000 miles [1].", question)
    assert answer.refused, answer.text
    question = "How many miles of land border does the strategy cite?"
    _, answer, _ = ask(assistant, "[1]", question)
    assert numbers.checkable(answer.text)[0].value == 6000, answer.text


def test_how_much_it_grew_is_answered_by_a_change_not_by_the_revenue(segments_assistant) -> None:
    """The segment pages state each product line's revenue (a level) and, in the discussion,
    how much it grew; a question asking how much Azure grew is answered by the growth its
    sentence states, even when the model says the reports do not say."""
    question = (
        "How much did Microsoft's Azure and other cloud services revenue grow year over year "
        "in the quarter ended March 31, 2023?"
    )
    _, answer, _ = ask(segments_assistant, "The reports do not say.", question)
    assert answer.form == "composed", answer.text
    assert numbers.checkable(answer.text)[0].text == "27%", answer.text


@pytest.fixture(scope="module")
def discussion_assistant(tmp_path_factory: pytest.TempPathFactory):
    """A real 10-Q whose discussion of results gives the quarter's ("Three Months Ended March
    31, 2023 Compared with …") and then the nine months' ("Nine Months Ended …"), each running
    on over a page break under segment headings alone."""
    import shutil

    from assistant.config import Settings
    from assistant.core import Assistant
    from tests.conftest import shared_filings

    folder = tmp_path_factory.mktemp("discussion")
    shutil.copy(shared_filings() / "2023 Q2 MSFT.pdf", folder / "msft-10q.pdf")
    assistant = Assistant(Settings(data_dir=folder / "data", backend="llamacpp"))
    assert not assistant.ingest([folder / "msft-10q.pdf"]).failed
    return assistant


def test_a_passage_a_page_below_a_nine_month_heading_does_not_answer_for_the_quarter(
    discussion_assistant,
) -> None:
    """ "Azure and other cloud services revenue grew 31%" sits a page below "Nine Months Ended
    March 31, 2023 Compared with …": a nine-month figure, however the model states it, is no
    answer for the quarter ended March 31, 2023 (27%)."""
    from assistant.evidence import select
    from assistant.periods import periods_missing

    question = (
        "How much did Azure and other cloud services revenue grow in the quarter ended "
        "March 31, 2023?"
    )
    a = discussion_assistant
    found = a.retriever.retrieve(question, a.settings.top_k)
    units = select(question, found.query_embedding, found.hits, a.embedder, 40)
    nine = [u for u in units if "grew 31%" in u.text]
    assert nine and all(periods_missing(question, u) == {"quarter"} for u in nine)
    for reply in ("Azure and other cloud services revenue grew 31% [1].", "[1]"):
        _, answer, _ = ask(discussion_assistant, reply, question)
        assert "31%" not in answer.text, answer.text
        stated = numbers.checkable(answer.text)
        assert answer.form == "refusal" or stated[0].text == "27%", answer.text


def test_a_claim_no_source_supports_is_refused_not_replaced_by_an_unrelated_line(
    tmp_path,
) -> None:
    """To a question asking no figure, a reply whose wording the sources do not hold is no
    answer, and neither is a quote of a line that shares none of the question's terms (an
    exhibit index entry): the reports do not say."""
    from assistant.config import Settings
    from assistant.core import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "widget.md").write_text(
        "# Widget Corp report\n\n3.2 Amended and Restated Bylaws of Widget Corp.\n\n"
        "Widget Corp sells widgets in Europe and Asia through its own stores.\n"
    )
    (docs / "gadget.md").write_text(
        "# Gadget Inc report\n\nGadget Inc sells gadgets in America through resellers.\n"
    )
    assistant = Assistant(Settings(data_dir=tmp_path / "data", backend="llamacpp"))
    assert not assistant.ingest([docs]).failed
    question = "Did Widget Corp announce any acquisitions or divestments?"
    reply = "Yes, Widget Corp announced major acquisitions and divestments."
    _, answer, _ = ask(assistant, reply, question)
    assert answer.form == "refusal", answer.text
