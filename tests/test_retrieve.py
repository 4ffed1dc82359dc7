"""Hybrid retrieval over the bundled corpus (real embeddings, real Chroma, real BM25)."""

from __future__ import annotations

import numpy as np

from assistant.types import Filters


def test_exact_figure_finds_its_chunk(corpus_assistant) -> None:
    result = corpus_assistant.retriever.retrieve("378,000", top_k=3)
    assert result.hits[0].chunk.source == "china-internet-development-report-2024.md"
    assert result.hits[0].lexical is not None


def test_figure_inside_a_pdf_table_is_found_with_its_page(corpus_assistant) -> None:
    result = corpus_assistant.retriever.retrieve("private AI investment China 2023", top_k=5)
    rows = [h for h in result.hits if "$7.8 billion" in h.chunk.text]
    assert rows and rows[0].chunk.source == "ai-index-report-2024.pdf" and rows[0].chunk.page == 2


def test_paraphrase_is_found_by_the_dense_side(corpus_assistant) -> None:
    result = corpus_assistant.retriever.retrieve(
        "subsidies for building chip plants in America", top_k=3
    )
    assert "chips-and-science-act-2022.pdf" in {h.chunk.source for h in result.hits}


def test_filters_restrict_documents_publishers_and_years(corpus_assistant) -> None:
    r = corpus_assistant.retriever
    only = r.retrieve("fines", 5, Filters(sources=("gdpr-regulation-2016-679.html",)))
    assert {h.chunk.source for h in only.hits} == {"gdpr-regulation-2016-679.html"}
    eu = r.retrieve("fines turnover", 10, Filters(publishers=("European Union",)))
    assert eu.hits and {h.chunk.publisher for h in eu.hits} == {"European Union"}
    old = r.retrieve("artificial intelligence", 10, Filters(years=(2017, 2016)))
    assert old.hits and {h.chunk.year for h in old.hits} <= {2016, 2017}


def test_unrelated_question_is_below_the_relevance_floor(corpus_assistant) -> None:
    floor = corpus_assistant.settings.relevance_floor
    related = corpus_assistant.retriever.retrieve("AI invention patents held by China", 5)
    unrelated = corpus_assistant.retriever.retrieve("best recipe for banana bread", 5)
    assert related.best_dense >= floor > unrelated.best_dense


def test_lexical_index_is_reused_not_rebuilt(corpus_assistant) -> None:
    r = corpus_assistant.retriever
    r.refresh()
    index = r._lexical
    r.retrieve("broadband", 3)
    r.refresh()
    assert r._lexical is index


def test_bench_workload_varies_figures_and_keeps_pages(tmp_path) -> None:
    from assistant.ingest.readers import read
    from eval.bench import make_workload

    pages = make_workload(tmp_path, 24)
    files = sorted(tmp_path.iterdir())
    assert len(files) == 24 and pages > 24
    pdfs = [f for f in files if f.suffix == ".pdf"]
    assert pdfs and all(len(read(f).pages) > 1 for f in pdfs)
    texts = {f.read_text() for f in files if f.suffix == ".md"}
    assert len(texts) == sum(1 for f in files if f.suffix == ".md")  # no two files alike


def test_each_rankings_best_survives_fusion() -> None:
    from assistant.retrieve import chosen

    order = ["rowA", "rowB", "rowC", "rowD", "prose"]  # fused: rows share the question's dates
    dense, lexical = ["rowA", "rowB", "rowC"], ["prose", "rowD", "rowA"]
    assert chosen(order, (dense, lexical), 3, keep=1) == ["rowA", "rowB", "rowC", "prose"]
    assert chosen(order, (dense, lexical), 3, keep=0) == ["rowA", "rowB", "rowC"]


def test_text_many_documents_print_word_for_word_is_not_retrieved(tmp_path) -> None:
    """Each filing ends with the same certification; a question sharing its words gets the
    filing's own passages, never the certification."""
    from assistant.config import Settings
    from assistant.core import Assistant

    certification = " ".join(
        f"{i}. Based on my knowledge, this report does not contain any untrue statement of a "
        f"material fact or omit to state a material fact necessary to make the statements made, "
        f"in light of the circumstances under which they were made, not misleading ({part})."
        for i, part in enumerate(("the period", "the registrant", "the controls", "the audit"))
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, fact in (
        ("alpha", "Alpha announced the acquisition of a robot maker for 1.7 billion dollars."),
        ("beta", "Beta reported no significant acquisitions in the quarter."),
        ("gamma", "Gamma sold its memory business for 9 billion dollars."),
    ):
        business = " ".join(
            f"{name.title()} sells product line {k} in region {k}." for k in range(30)
        )
        (docs / f"{name}.md").write_text(
            f"# {name.title()} quarterly report\n\n{fact} {business}\n\n"
            f"## Certification\n\n{certification}\n"
        )
    assistant = Assistant(Settings(data_dir=tmp_path / "data", backend="llamacpp"))
    assert not assistant.ingest([docs]).failed
    question = "Did the report state any untrue material fact about the period?"
    hits = assistant.retriever.retrieve(question, 6).hits
    own = ("sells product line", "acquisition", "memory business")
    assert hits and all(any(words in h.chunk.text for words in own) for h in hits)


def test_a_table_row_is_data_however_common_its_label() -> None:
    from assistant.boilerplate import boilerplate_chunks
    from assistant.types import Chunk

    chunks = [
        Chunk(f"{d}:h:0", d, f"{d}.pdf", d, 1, f"Total assets | June 30, 2023: {n} million")
        for d, n in (("a", 5), ("b", 6), ("c", 7))
    ]
    assert boilerplate_chunks(chunks) == set()


def test_evidence_embedded_for_an_earlier_question_is_recalled_not_embedded_again(
    corpus_assistant, monkeypatch
) -> None:
    embedder = corpus_assistant.embedder
    first = ["A recall check, first unit.", "A recall check, second unit."]
    fresh = embedder.embed(first)
    embedded: list[str] = []
    real = type(embedder).embed

    def counting(self, texts: list[str]):  # type: ignore[no-untyped-def]
        embedded.extend(texts)
        return real(self, texts)

    monkeypatch.setattr(type(embedder), "embed", counting)
    assert np.allclose(embedder.embed_recalled(first), fresh, atol=1e-5)
    again = embedder.embed_recalled([first[1], "A recall check, third unit.", first[1]])
    assert embedded == [*first, "A recall check, third unit."]  # each text embedded once
    assert np.allclose(again[0], fresh[1], atol=1e-5) and np.allclose(again[2], fresh[1])


def test_a_past_form_meets_its_verb() -> None:
    """ "How much did revenue grow?" finds "revenue grew 27%": irregular past forms are
    indexed as their verb."""
    from assistant.lexical import tokenize

    assert tokenize("revenue grew; prices rose") == tokenize("revenue grows; prices rise")
