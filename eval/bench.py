"""`assistant bench`: ingestion, retrieval and answer speed, with the llama-index baseline.

The workload is made from the bundled corpus: each synthetic file is a bundled document whose
figures are changed (so no two files are the same), written as a PDF for paged sources and as
Markdown otherwise, so the library can grow to any size. Everything runs in temporary folders.

Measured, in one run on the same files, cores and embedding model:
- our ingestion, cold (empty store) and warm (nothing changed: the time to decide that);
- the documented llama-index path: SimpleDirectoryReader → default SentenceSplitter →
  VectorStoreIndex over a ChromaVectorStore, with the same embedding model;
- hybrid retrieval latency at about 10k and 100k chunks, embedded and on a `chroma run`
  server (chunk vectors for the latency runs are random unit vectors: embedding 100k chunks
  would take most of an hour on two cores and says nothing about search speed);
- time to first token and total answer time on the embedded model, and the peak resident
  memory of that process (a separate one, as a user runs it: ingest the corpus, answer);
  then the answer time when two such processes answer at the same time;
- the ingestion ratio against the baseline per file and per page (the headline), and per
  chunk with the baseline cut to our chunk size, so both embed the same text.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.core import Assistant
from assistant.ingest.readers import read
from assistant.types import Chunk, DocumentRecord

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
QUESTIONS = [
    "How many valid AI invention patents did China hold at the end of 2023?",
    "How much private investment in AI did the United States attract in 2023?",
    "What is the maximum fixed fine for prohibited AI practices under the EU AI Act?",
    "How much funding does the BEAD program have?",
    "What share of the population of low-income countries uses the internet?",
]
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


# --- workload ---------------------------------------------------------------------------------


def _vary(text: str, seed: int) -> str:
    rng = random.Random(seed)

    def change(m: re.Match[str]) -> str:
        value = float(m.group(0)) * rng.uniform(0.5, 1.5)
        return f"{value:.1f}" if "." in m.group(0) else str(max(1, round(value)))

    return _NUMBER.sub(change, text)


def _write_pdf(path: Path, pages: list[str]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text.encode("cp1252", "replace").decode("cp1252"))
    pdf.output(str(path))


def make_workload(folder: Path, n_files: int) -> int:
    """Write `n_files` varied copies of the bundled documents; return the number of pages."""
    sources = [read(p) for p in sorted(CORPUS.iterdir()) if p.suffix != ".toml"]
    folder.mkdir(parents=True, exist_ok=True)
    pages = 0
    for i in range(n_files):
        parsed = sources[i % len(sources)]
        texts = [_vary(p.text, i) for p in parsed.pages]
        if parsed.pages[0].number is not None:
            _write_pdf(folder / f"report-{i:05d}.pdf", texts)
            pages += len(texts)
        else:
            (folder / f"report-{i:05d}.md").write_text("\n\n".join(texts))
            pages += 1
    return pages


# --- ingestion --------------------------------------------------------------------------------


def bench_ingest(folder: Path, pages: int, work: Path) -> dict:
    assistant = Assistant(Settings(data_dir=work / "ours", library="bench"))
    assistant.embedder.embed(["warm up"])  # model loading is not ingestion
    cold = assistant.ingest([folder])
    warm = assistant.ingest([folder])
    files = cold.added
    return {
        "files": files,
        "pages": pages,
        "chunks": cold.chunks_added,
        "cold_seconds": cold.seconds,
        "files_per_s": round(files / cold.seconds, 2),
        "pages_per_s": round(pages / cold.seconds, 2),
        "chunks_per_s": round(cold.chunks_added / cold.seconds, 2),
        "warm_seconds": warm.seconds,
        "warm_seconds_per_1000_files": round(warm.seconds / files * 1000, 3),
        "failed": len(cold.failed),
    }


def bench_baseline(
    folder: Path, pages: int, work: Path, tokenizer: Callable[[str], list] | None = None
) -> dict:
    """The documented llama-index path on the same files and embedding model.

    With no `tokenizer` it uses llama-index's default splitter (1,024-token chunks, which MiniLM
    then truncates to its 256-word-piece window); with the embedding model's tokenizer, the
    splitter cuts chunks of our size and overlap, so both pipelines embed the same text.
    """
    import chromadb
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from assistant.embed import resolve_model_path

    embed = HuggingFaceEmbedding(
        model_name=str(resolve_model_path("all-MiniLM-L6-v2")), device="cpu"
    )
    embed.get_text_embedding("warm up")
    client = chromadb.PersistentClient(path=str(work / f"baseline-{tokenizer is None}"))
    collection = client.get_or_create_collection("baseline")
    s = Settings()
    splitter = None
    if tokenizer is not None:
        size = SentenceSplitter(
            chunk_size=s.chunk_tokens, chunk_overlap=s.chunk_overlap, tokenizer=tokenizer
        )
        splitter = [size]
    started = time.perf_counter()
    documents = SimpleDirectoryReader(str(folder)).load_data()
    storage = StorageContext.from_defaults(
        vector_store=ChromaVectorStore(chroma_collection=collection)
    )
    VectorStoreIndex.from_documents(
        documents, storage_context=storage, embed_model=embed, transformations=splitter
    )
    seconds = time.perf_counter() - started
    chunks = collection.count()
    files = len({d.metadata.get("file_path") for d in documents})
    return {
        "chunks": chunks,
        "seconds": round(seconds, 3),
        "files_per_s": round(files / seconds, 2),
        "pages_per_s": round(pages / seconds, 2),
        "chunks_per_s": round(chunks / seconds, 2),
    }


def compare_ingest(ours: dict, default: dict, same_size: dict) -> dict:
    """Side-by-side rates; the headline ratio is per page (the same pages for both)."""
    return {
        "baseline_default": default,
        "baseline_same_chunk_size": same_size,
        "ratio_per_file": round(ours["files_per_s"] / default["files_per_s"], 2),
        "ratio_per_page": round(ours["pages_per_s"] / default["pages_per_s"], 2),
        "ratio_chunks_same_size": round(ours["chunks_per_s"] / same_size["chunks_per_s"], 2),
        "ratio_per_page_same_size": round(ours["pages_per_s"] / same_size["pages_per_s"], 2),
    }


# --- retrieval --------------------------------------------------------------------------------


def _synthetic_chunks(doc: int, texts: list[str]) -> list[Chunk]:
    """Chunks of document `doc` from pooled texts, each sentence given the document's own
    word: documents that printed the same prose would be boilerplate to the retriever
    (assistant/boilerplate.py) and be left out, which real documents are not."""
    own = _letters(doc)
    return [
        Chunk(
            chunk_id=f"d{doc}:{'0' * 12}:{i}",
            doc_id=f"d{doc}",
            source=f"synthetic-{doc}.pdf",
            title=f"Synthetic report {doc}",
            page=1 + i // 4,
            text=f"{own} " + re.sub(r"(?<=[.;:])\s+|\n+", lambda m: f"{m.group(0)}{own} ", text),
        )
        for i, text in enumerate(texts)
    ]


def _letters(n: int) -> str:
    """A word naming `n` in letters ("report" + base-26 digits): figures do not tell
    documents apart to the boilerplate check."""
    word = ""
    while True:
        n, r = divmod(n, 26)
        word = chr(ord("a") + r) + word
        if n == 0:
            return f"report{word}"


def _text_pools(per_doc: int, pools: int = 4) -> list[list[str]]:
    """A few sets of chunk texts (corpus sentences, figures varied), reused across documents:
    writing 100k chunks is then a matter of store writes, not of making text."""
    rng = random.Random(7)
    sentences = [
        s
        for p in CORPUS.iterdir()
        if p.suffix != ".toml"
        for page in read(p).pages
        for s in page.text.split(". ")
        if len(s) > 40
    ]
    return [
        [_vary(" ".join(rng.sample(sentences, 4)), k * per_doc + i) for i in range(per_doc)]
        for k in range(pools)
    ]


def fill_store(assistant: Assistant, total: int, per_doc: int = 1000) -> None:
    """`total` chunks of corpus sentences with varied figures and random unit vectors (a
    latency test needs vectors spread like real ones, not meaningful ones)."""
    pools = _text_pools(per_doc)
    vectors = np.random.default_rng(7).standard_normal((per_doc, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    existing = len(assistant.documents())
    for doc in range(existing, total // per_doc):
        chunks = _synthetic_chunks(doc, pools[doc % len(pools)])
        record = DocumentRecord(
            doc_id=f"d{doc}",
            source=f"synthetic-{doc}.pdf",
            path="",
            title=f"Synthetic report {doc}",
            publisher="bench",
            year=2024,
            pages=per_doc // 4,
            chunks=per_doc,
            content_hash="0" * 64,
            added="",
        )
        assistant.store.write_document(record, chunks, np.roll(vectors, doc, axis=0))


def bench_retrieval(assistant: Assistant, total: int, rounds: int = 3) -> dict:
    fill_store(assistant, total)
    retriever = assistant.retriever
    started = time.perf_counter()
    retriever.refresh()
    build = time.perf_counter() - started
    latencies = []
    for _ in range(rounds):
        for q in QUESTIONS * 4:
            t = time.perf_counter()
            retriever.retrieve(q, top_k=5)
            latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    return {
        "chunks": assistant.store.count(),
        "lexical_build_s": round(build, 2),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma_server(path: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the Chroma server did not start")


# --- answers ----------------------------------------------------------------------------------

_ANSWER_SCRIPT = """
import json, sys, time
from pathlib import Path
from assistant.config import Settings
from assistant.core import Assistant
settings = Settings(data_dir=Path(sys.argv[1]), backend="llamacpp")
a = Assistant(settings.model_copy(update={"compose_first": sys.argv[4] == "1"}))
a.ingest([Path(sys.argv[2])])
a.ask("warm up: how many patents?")
out = []
for q in json.loads(sys.argv[3]):
    answer = a.ask(q)
    out.append(answer.timings)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent across exec.
status = Path("/proc/self/status").read_text().splitlines()
peak = next(int(ln.split()[1]) for ln in status if ln.startswith("VmHWM")) / 1024
print(json.dumps({"timings": out, "peak_rss_mb": peak}))
"""


def _answering_process(
    folder: Path, questions: list[str], compose_first: bool = True
) -> subprocess.Popen:
    flag = "1" if compose_first else "0"
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            _ANSWER_SCRIPT,
            str(folder),
            str(CORPUS),
            json.dumps(questions),
            flag,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _measured(proc: subprocess.Popen) -> dict:
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError("the answering process failed")
    return json.loads(out.strip().splitlines()[-1])


def bench_concurrent(work: Path) -> dict:
    """Two answering processes at once (say, `assistant serve` while an eval runs), the model
    wording every answer (the slower path): the answer time each sees, to compare with one
    process alone."""
    procs = [
        _answering_process(work / f"concurrent-{i}", QUESTIONS * 2, compose_first=False)
        for i in range(2)
    ]
    totals = [t["total_s"] for p in procs for t in _measured(p)["timings"]]
    return {"two_processes_total_p50_s": round(statistics.median(totals), 3)}


def _p50(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def bench_answers(work: Path) -> dict:
    """Answer timings and peak memory of a separate assistant process, as a user runs it
    (the default settings: an answer one evidence unit settles needs no model call), and
    again with the model wording every answer (`compose_first` off)."""
    measured = _measured(_answering_process(work / "answers", QUESTIONS))
    timings = measured["timings"]
    worded = _measured(_answering_process(work / "worded", QUESTIONS, compose_first=False))
    model = worded["timings"]
    return {
        "questions": len(timings),
        "without_model_call": sum("first_token_s" not in t for t in timings),
        "first_shown_p50_s": _p50([t["first_shown_s"] for t in timings]),
        "total_p50_s": _p50([t["total_s"] for t in timings]),
        "model_ttft_p50_s": _p50([t["first_token_s"] for t in model if "first_token_s" in t]),
        "model_first_shown_p50_s": _p50([t["first_shown_s"] for t in model]),
        "model_total_p50_s": _p50([t["total_s"] for t in model]),
        "peak_rss_mb": round(max(measured["peak_rss_mb"], worded["peak_rss_mb"]), 1),
    }


# --- the run ----------------------------------------------------------------------------------


def machine() -> dict:
    model = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(mem, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def run(quick: bool, log=print) -> dict:  # type: ignore[no-untyped-def]
    n_files = 24 if quick else 200
    sizes = (10_000,) if quick else (10_000, 100_000)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        log(f"workload: {n_files} files")
        pages = make_workload(work / "files", n_files)
        log("ingestion (ours)")
        ingest = bench_ingest(work / "files", pages, work)
        log("ingestion (llama-index baseline, default chunks, then our chunk size)")
        default = bench_baseline(work / "files", pages, work)
        tokens = Assistant(Settings()).embedder.count_tokens
        same_size = bench_baseline(work / "files", pages, work, tokens)
        ingest.update(compare_ingest(ingest, default, same_size))
        if not quick:
            log("warm re-ingestion of 1,000 files")
            ingest.update(bench_warm_1000(work))
        retrieval = {"p50_ms": {}, "p95_ms": {}, "server_p95_ms": {}, "lexical_build_s": {}}
        embedded = Assistant(Settings(data_dir=work / "latency", library="latency"))
        server, url = start_chroma_server(work / "chroma-server")
        try:
            remote = Assistant(
                Settings(data_dir=work / "latency-remote", library="latency", chroma_url=url)
            )
            for size in sizes:
                label = f"{size // 1000}k"
                log(f"retrieval at {label} chunks (embedded, then server)")
                local = bench_retrieval(embedded, size)
                retrieval["p50_ms"][label] = local["p50_ms"]
                retrieval["p95_ms"][label] = local["p95_ms"]
                retrieval["lexical_build_s"][label] = local["lexical_build_s"]
                retrieval["server_p95_ms"][label] = bench_retrieval(remote, size)["p95_ms"]
        finally:
            server.terminate()
            server.wait(timeout=30)
        log("answers on the embedded model, one process then two at once")
        answers = bench_answers(work)
        answers.update(bench_concurrent(work))
    return {
        "ingest": ingest,
        "retrieval": retrieval,
        "answer": {
            k: answers[k]
            for k in (
                "questions",
                "without_model_call",
                "first_shown_p50_s",
                "total_p50_s",
                "model_ttft_p50_s",
                "model_first_shown_p50_s",
                "model_total_p50_s",
                "two_processes_total_p50_s",
            )
        },
        "peak_rss_mb": answers["peak_rss_mb"],
        "machine": machine(),
        "quick": quick,
    }


def bench_warm_1000(work: Path) -> dict:
    folder = work / "files-1000"
    make_workload(folder, 1000)
    assistant = Assistant(Settings(data_dir=work / "ours-1000", library="bench"))
    assistant.ingest([folder])
    warm = assistant.ingest([folder])
    return {
        "warm_seconds_1000_files": warm.seconds,
        "warm_seconds_per_1000_files": round(warm.seconds / warm.skipped * 1000, 3),
    }


def _rates(r: dict) -> str:
    return (
        f"{r['files_per_s']} files/s, {r['pages_per_s']} pages/s, {r['chunks_per_s']} chunks/s "
        f"({r['chunks']} chunks)"
    )


def table(result: dict) -> str:
    i, r, a = result["ingest"], result["retrieval"], result["answer"]
    rows = [
        ("files / pages / chunks", f"{i['files']} / {i['pages']} / {i['chunks']}"),
        (
            "cold ingestion",
            f"{i['files_per_s']} files/s, {i['pages_per_s']} pages/s, {i['chunks_per_s']} chunks/s",
        ),
        ("llama-index baseline (default 1,024-token chunks)", _rates(i["baseline_default"])),
        ("llama-index baseline (our chunk size)", _rates(i["baseline_same_chunk_size"])),
        ("ratio per page (headline)", f"{i['ratio_per_page']}x"),
        ("ratio per file", f"{i['ratio_per_file']}x"),
        ("ratio per page, same chunk size", f"{i['ratio_per_page_same_size']}x"),
        ("ratio chunks/s, same chunk size", f"{i['ratio_chunks_same_size']}x"),
        ("warm re-ingestion", f"{i['warm_seconds_per_1000_files']} s per 1,000 unchanged files"),
    ]
    for label in r["p50_ms"]:
        rows.append(
            (
                f"retrieval at {label} chunks",
                f"p50 {r['p50_ms'][label]} ms, p95 "
                f"{r['p95_ms'][label]} ms; server p95 {r['server_p95_ms'][label]} ms",
            )
        )
    rows += [
        ("answers with no model call", f"{a['without_model_call']} of {a['questions']}"),
        ("time to the first text shown (p50)", f"{a['first_shown_p50_s']} s"),
        ("answer time (p50)", f"{a['total_p50_s']} s"),
        ("model wording every answer: first token (p50)", f"{a['model_ttft_p50_s']} s"),
        ("model wording every answer: first text (p50)", f"{a['model_first_shown_p50_s']} s"),
        ("model wording every answer: answer time (p50)", f"{a['model_total_p50_s']} s"),
        (
            "answer time, two answering processes at once (p50)",
            f"{a['two_processes_total_p50_s']} s",
        ),
        ("peak memory (answering process)", f"{result['peak_rss_mb']} MB"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)
