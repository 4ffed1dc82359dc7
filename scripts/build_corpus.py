"""Generate the paged documents of the bundled corpus (PDF and DOCX) from the text below.

The corpus needs real multi-page PDFs (one with a table of figures) so that page citations and
table extraction are exercised on files the project owns. They are generated here, from our own
digest text, with fpdf2 and python-docx; the generated files are committed, and this script
recreates them byte-for-byte modulo timestamps: `python scripts/build_corpus.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from docx import Document as DocxDocument
from fpdf import FPDF

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

Block = str | tuple[str, list[list[str]]]

AI_INDEX_2024: list[list[Block]] = [
    [
        "# AI Index Report 2024 - a digest",
        "Digest of: Artificial Intelligence Index Report 2024, Stanford Institute for Human-Centered "
        "Artificial Intelligence (HAI), Stanford University, published in April 2024. The full report "
        "is available at aiindex.stanford.edu/report.",
        "## Research and development",
        "Industry continues to dominate frontier AI research. In 2023, industry produced 51 notable "
        "machine learning models, while academia contributed only 15. There were also 21 notable "
        "models that resulted from industry-academia collaborations in 2023, a new high.",
        "More foundation models were released than ever before: 149 in 2023, more than double the "
        "number released in 2022. Of these newly released models, 65.7 percent were open-source, "
        "compared with 44.4 percent in 2022 and 33.3 percent in 2021.",
        "Frontier models are getting much more expensive to train. The report estimates that OpenAI's "
        "GPT-4 used about 78 million US dollars' worth of compute to train, while Google's Gemini Ultra "
        "cost about 191 million US dollars.",
    ],
    [
        "## Where notable models and investment come from",
        "The United States leads China and the European Union as the leading source of top AI models. "
        "The table below gathers the country figures the report gives for 2023.",
        (
            "Table 1. Notable models and private AI investment by region, 2023",
            [
                ["Region", "Notable ML models (2023)", "Private AI investment (2023)"],
                ["United States", "61", "$67.2 billion"],
                ["European Union", "21", "n/a"],
                ["China", "15", "$7.8 billion"],
                ["United Kingdom", "n/a", "$3.8 billion"],
            ],
        ),
        "Private investment in AI in the United States was about 8.7 times the amount invested in "
        "China, the next highest country.",
        "Generative AI drew a surge of money even as overall AI private investment declined. Funding "
        "for generative AI reached 25.2 billion US dollars in 2023, nearly eight times the amount of "
        "2022.",
    ],
    [
        "## Patents and policy",
        "China dominates AI patents. In 2022, China led global AI patent origins with 61.1 percent of "
        "the total, significantly outpacing the United States, which accounted for 20.9 percent. The "
        "number of AI patents granted worldwide grew by 62.7 percent from 2021 to 2022.",
        "The number of AI regulations in the United States is rising sharply. In 2023 there were 25 "
        "AI-related regulations in the United States, up from just 1 in 2016. Last year alone, the "
        "total number of AI-related regulations grew by 56.3 percent.",
    ],
    [
        "## Public opinion",
        "People across the world are more aware of AI's potential impact, and more nervous about it. "
        "A survey by Ipsos shows that over the last year the proportion of those who think AI will "
        "dramatically affect their lives in the next three to five years rose from 60 percent to "
        "66 percent. Moreover, 52 percent express nervousness toward AI products and services, a "
        "13 percentage point rise from 2022.",
        "In the United States, data from Pew show that 52 percent of Americans report feeling more "
        "concerned than excited about AI.",
        "## Responsible AI",
        "According to the AI Incident Database (AIID), which tracks incidents related to the misuse "
        "of AI, the number of AI incidents continues to climb: 123 incidents were reported in 2023, a 32.3 "
        "percent increase from 2022.",
    ],
]

EU_AI_ACT: list[list[Block]] = [
    [
        "# The EU Artificial Intelligence Act - a digest",
        "Digest of: Regulation (EU) 2024/1689 of the European Parliament and of the Council of 13 June "
        "2024 laying down harmonised rules on artificial intelligence (Artificial Intelligence Act), "
        "Official Journal of the European Union, 12 July 2024. Text at eur-lex.europa.eu.",
        "## What it is",
        "The AI Act is the first comprehensive law on artificial intelligence by a major regulator. It "
        "sorts AI systems by risk: practices with unacceptable risk are prohibited, high-risk systems "
        "must meet strict requirements before they are placed on the market, some systems have "
        "transparency obligations, and the rest is left largely unregulated. The final text has 113 "
        "articles, 13 annexes and 180 recitals.",
        "The European Parliament approved the Act on 13 March 2024 with 523 votes in favour, 46 "
        "against and 49 abstentions.",
    ],
    [
        "## When the rules apply",
        "The regulation entered into force on 1 August 2024 and applies in stages.",
        (
            "Table 1. Application timeline",
            [
                ["Date", "What applies"],
                ["1 August 2024", "Entry into force"],
                ["2 February 2025", "Prohibited AI practices and AI literacy duties"],
                ["2 August 2025", "Rules for general-purpose AI models; governance; penalties"],
                ["2 August 2026", "Most remaining rules, including high-risk systems in Annex III"],
                ["2 August 2027", "High-risk systems that are safety components under Annex I"],
            ],
        ),
        "## General-purpose AI models",
        "Providers of general-purpose AI models must keep technical documentation and respect EU "
        "copyright law. A model is presumed to have systemic risk when the cumulative amount of "
        "computation used for its training is greater than 10^25 floating-point operations (FLOPs); "
        "such models face extra duties of evaluation, incident reporting and cybersecurity.",
    ],
    [
        "## Penalties",
        "Fines are set as a fixed amount or a share of the offender's total worldwide annual turnover "
        "for the preceding financial year, whichever is higher. For small and medium-sized enterprises, "
        "including start-ups, the lower of the two applies.",
        (
            "Table 2. Maximum fines",
            [
                ["Infringement", "Fixed amount", "Share of turnover"],
                ["Prohibited AI practices", "35 million euros", "7 percent"],
                ["Other obligations of operators", "15 million euros", "3 percent"],
                ["Incorrect or misleading information", "7.5 million euros", "1 percent"],
            ],
        ),
        "Providers of general-purpose AI models can be fined by the Commission up to 15 million euros "
        "or 3 percent of their worldwide annual turnover.",
    ],
]

CHIPS_ACT: list[list[Block]] = [
    [
        "# The CHIPS and Science Act of 2022 - a digest",
        "Digest of: CHIPS and Science Act (Public Law 117-167), signed into law on 9 August 2022, with "
        "the White House fact sheet of the same day and the Department of Commerce's CHIPS for America "
        "program pages (nist.gov/chips).",
        "## Why the law was passed",
        "The United States' share of global semiconductor manufacturing capacity fell from 37 percent "
        "in 1990 to about 12 percent in 2020, and the country depends on a small number of foreign "
        "producers for the most advanced chips. The law aims to bring chip manufacturing back, "
        "strengthen supply chains and boost research.",
        "The Senate passed the bill by 64 votes to 33 and the House of Representatives by 243 votes "
        "to 187. In total the law authorises about 280 billion US dollars of new spending over ten "
        "years, mostly for scientific research.",
    ],
    [
        "## The semiconductor funding",
        "The law provides 52.7 billion US dollars for American semiconductor research, development, "
        "manufacturing and workforce development. Of this amount, 39 billion US dollars go to "
        "manufacturing incentives, including 2 billion US dollars for legacy chips used in cars and "
        "defence systems, and 11 billion US dollars go to research and development, including the "
        "National Semiconductor Technology Center and the National Advanced Packaging Manufacturing "
        "Program.",
        "It also creates a 25 percent investment tax credit for capital expenses for manufacturing "
        "semiconductors and the equipment used to make them.",
        "Smaller funds include 2 billion US dollars for the Department of Defense Microelectronics "
        "Commons, 500 million US dollars for an International Technology Security and Innovation Fund "
        "and 200 million US dollars for a workforce and education fund.",
    ],
    [
        "## Science and wireless",
        "Beyond chips, the law provides 1.5 billion US dollars for the Public Wireless Supply Chain "
        "Innovation Fund, to spur open and interoperable radio access networks, and authorises 10 "
        "billion US dollars for regional technology and innovation hubs.",
        "It authorises about 81 billion US dollars for the National Science Foundation over five "
        "years and creates a new NSF Directorate for Technology, Innovation and Partnerships.",
    ],
]

DIGITAL_DECADE = [
    "# Europe's Digital Decade: the 2030 targets - a digest",
    "Digest of: Decision (EU) 2022/2481 of the European Parliament and of the Council of 14 December "
    "2022 establishing the Digital Decade Policy Programme 2030, Official Journal of the European "
    "Union L 323, 19 December 2022. Text at eur-lex.europa.eu.",
    "## Skills",
    "At least 80 percent of those aged 16 to 74 should have at least basic digital skills by 2030. "
    "The EU should employ at least 20 million ICT specialists, with convergence between women and men.",
    "## Secure and sustainable digital infrastructure",
    "All end users at a fixed location should be covered by a gigabit network, and all populated "
    "areas by 5G. The EU's production of cutting-edge and sustainable semiconductors should be at "
    "least 20 percent of world production in value. At least 10,000 climate-neutral, highly secure "
    "edge nodes should be deployed, and the EU should have its first computer with quantum "
    "acceleration by 2025.",
    "## Digital transformation of businesses",
    "At least 75 percent of EU enterprises should take up cloud computing services, big data or "
    "artificial intelligence. More than 90 percent of small and medium-sized enterprises should "
    "reach at least a basic level of digital intensity, and the EU should double the number of "
    "unicorns.",
    "## Digitalisation of public services",
    "By 2030, 100 percent of key public services should be available online, 100 percent of citizens "
    "should have access to their electronic health records, and 100 percent of citizens should have "
    "access to a secure electronic identification.",
]


def _pdf_text(text: str) -> str:
    """Core PDF fonts speak cp1252; keep the digests within it."""
    return text.encode("cp1252", "replace").decode("cp1252")


def _write_block(pdf: FPDF, block: Block) -> None:
    if isinstance(block, tuple):
        caption, rows = block
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 6, _pdf_text(caption), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        with pdf.table(first_row_as_headings=True) as table:
            for row in rows:
                table.row([_pdf_text(cell) for cell in row])
        pdf.ln(4)
        return
    if block.startswith("# "):
        pdf.set_font("Helvetica", "B", 16)
        block = block[2:]
    elif block.startswith("## "):
        pdf.set_font("Helvetica", "B", 13)
        block = block[3:]
    else:
        pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, _pdf_text(block), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


class _PagedPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 10, f"Page {self.page_no()}", align="C")


def write_pdf(path: Path, title: str, author: str, pages: list[list[Block]]) -> None:
    """One list of blocks per page, so the page of every figure is known."""
    pdf = _PagedPDF()
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creation_date(datetime(2024, 11, 1, tzinfo=UTC))
    for page in pages:
        pdf.add_page()
        for block in page:
            _write_block(pdf, block)
    pdf.output(str(path))


def write_docx(path: Path, title: str, author: str, blocks: list[str]) -> None:
    doc = DocxDocument()
    doc.core_properties.title = title
    doc.core_properties.author = author
    for block in blocks:
        if block.startswith("# "):
            doc.add_heading(block[2:], level=1)
        elif block.startswith("## "):
            doc.add_heading(block[3:], level=2)
        else:
            doc.add_paragraph(block)
    doc.save(str(path))


def main() -> None:
    write_pdf(
        CORPUS / "ai-index-report-2024.pdf",
        "AI Index Report 2024 - a digest",
        "Stanford HAI",
        AI_INDEX_2024,
    )
    write_pdf(
        CORPUS / "eu-ai-act-2024.pdf",
        "The EU Artificial Intelligence Act - a digest",
        "European Parliament and Council of the European Union",
        EU_AI_ACT,
    )
    write_pdf(
        CORPUS / "chips-and-science-act-2022.pdf",
        "The CHIPS and Science Act of 2022 - a digest",
        "United States Congress",
        CHIPS_ACT,
    )
    write_docx(
        CORPUS / "eu-digital-decade-2030-targets.docx",
        "Europe's Digital Decade: the 2030 targets - a digest",
        "European Parliament and Council of the European Union",
        DIGITAL_DECADE,
    )


if __name__ == "__main__":
    main()
