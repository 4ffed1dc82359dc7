"""Hybrid retrieval over the bundled corpus (real embeddings, real Chroma, real BM25)."""

from __future__ import annotations

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
