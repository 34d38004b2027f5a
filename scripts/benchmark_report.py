#!/usr/bin/env python3
"""How long a report takes: per format for one typical document, and in parallel for many.

Why: the issue sets a budget (a typical document of about 50 sentences renders every format
in under a second) and asks that many documents render in parallel. Timings on a shared
machine are noisy, so every figure is the median of several repeats.

Documents: the first ``--sentences`` sentences (default 50) of UN General Debate speeches
(``/tmp/ungdc/TXT``, unpacked from ``../shared/corpora/ungdc``), else the bundled examples
cycled to that length. Analysis is timed apart: it is the same for every output.

What it prints:

1. one document, median seconds per step: drawing the five charts and saving them as PNG
   (the first save lays a chart out), then saving the laid-out charts as PNG again, as SVG
   and as PDF, the HTML page, JSON and CSV, and the whole report with the default and with
   all formats (``write_report`` into a temporary folder, atomic rename included);
2. ``--documents`` documents (default 20) through ``report_all`` (analysis, rendering and
   writing) with the serial engine and with the processes engine at ``--jobs`` (default 2),
   and the speed-up.

Run from the repository root::

    python scripts/benchmark_report.py
    python scripts/benchmark_report.py --repeats 9 --documents 40 --jobs 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.analysis import DocumentAnalysis  # noqa: E402
from stance.cli import example_paths  # noqa: E402
from stance.documents import Document, iter_documents  # noqa: E402
from stance.engine import AnalyzerConfig, get_engine  # noqa: E402
from stance.report import figures, html, writer  # noqa: E402
from stance.sentences import split_sentences  # noqa: E402

CORPUS = Path("/tmp/ungdc/TXT")


def median_seconds(func: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``func`` over ``repeats`` runs, after a warm-up run.
    CPU time (this process only) says what the work costs when other jobs share the cores."""
    func()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def documents(count: int, sentences: int) -> list[Document]:
    """``count`` documents of ``sentences`` sentences each, from the corpus or the examples."""
    files = sorted(CORPUS.glob("*/*.txt")) if CORPUS.is_dir() else []
    texts = []
    for path in files[:: max(1, len(files) // count)] if files else []:
        text = path.read_text(encoding="utf-8", errors="replace")
        spans = split_sentences(text)
        if len(spans) >= sentences:
            texts.append((path.stem, text[: spans[sentences - 1][1]]))
        if len(texts) == count:
            break
    if len(texts) < count:
        print(f"(corpus {CORPUS} not found: cycling the bundled examples)", file=sys.stderr)
        pool = [
            d.text[s:e]
            for d in iter_documents(map(str, example_paths()))
            if isinstance(d, Document)
            for s, e in split_sentences(d.text)
        ]
        while len(texts) < count:
            start = len(texts) * 7
            chosen = [pool[(start + i) % len(pool)] for i in range(sentences)]
            texts.append((f"examples-{len(texts)}", " ".join(chosen)))
    return [Document(id=name, text=text) for name, text in texts]


def one_document(analysis: DocumentAnalysis, repeats: int) -> None:
    print(f"one document: {analysis.document.id}, {len(analysis.sentences)} sentences")
    print(f"  median of {repeats} repeats, seconds{'':<10}wall     CPU")
    drawn = [figures.draw_chart(spec, analysis) for spec in figures.CHARTS]
    charts = [figures.RenderedChart(s.slug, s.caption, 1, 1) for s in figures.CHARTS]
    for chart, figure in zip(charts, drawn, strict=True):
        chart.files["png"] = figures.save_figure(figure, "png")  # lays the figure out
    steps: dict[str, Callable[[], object]] = {
        "draw, lay out, save PNG (5 charts)": lambda: figures.render_charts(analysis, ["png"]),
        "then save PNG again (5 charts)": lambda: [figures.save_figure(f, "png") for f in drawn],
        "then save SVG (5 charts)": lambda: [figures.save_figure(f, "svg") for f in drawn],
        "then save PDF (5 charts)": lambda: [figures.save_figure(f, "pdf") for f in drawn],
        "HTML page (PNGs embedded)": lambda: html.document_page(analysis, charts, []),
        "analysis.json": lambda: writer._json(analysis.to_dict()),
        "sentences.csv": lambda: writer.sentences_csv(analysis),
    }
    with tempfile.TemporaryDirectory() as out:
        steps["whole report, default formats"] = lambda: writer.write_report(
            analysis, out, "doc", writer.DEFAULT_FORMATS
        )
        steps["whole report, all formats"] = lambda: writer.write_report(
            analysis, out, "doc", writer.FORMATS
        )
        for name, step in steps.items():
            wall, cpu = median_seconds(step, repeats)
            print(f"  {name:<36} {wall:7.3f} {cpu:7.3f}")


def many_documents(docs: list[Document], jobs: int, repeats: int) -> None:
    config = AnalyzerConfig()
    print(
        f"{len(docs)} documents, all formats, analysis included; median wall of {repeats} repeats"
    )
    results = {}
    for name, engine_jobs in (("serial", None), ("processes", jobs)):
        with tempfile.TemporaryDirectory() as out, get_engine(name, engine_jobs) as engine:
            settings = writer.ReportSettings(config, out, writer.FORMATS)

            def run(engine=engine, settings=settings) -> None:
                for result in writer.report_all(settings, docs, engine):
                    assert isinstance(result, writer.Written), result

            results[name] = median_seconds(run, repeats)[0]
        label = name if engine_jobs is None else f"{name}, {engine_jobs} jobs"
        per = results[name] / len(docs)
        print(f"  {label:<20} {results[name]:7.2f} s   ({per:.3f} s per document)")
    print(f"  speed-up {results['serial'] / results['processes']:.2f}x with {jobs} jobs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--sentences", type=int, default=50)
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    cores, load = os.cpu_count(), os.getloadavg()[0]
    print(f"{cores} cores, load average {load:.1f} before the run (other jobs slow the figures)")
    docs = documents(args.documents, args.sentences)
    analyzer = AnalyzerConfig().build()
    start = time.perf_counter()
    analysis = analyzer.analyze(docs[0])
    print(f"analysis of the first document: {time.perf_counter() - start:.3f} s (not a report)")
    one_document(analysis, args.repeats)
    many_documents(docs, args.jobs, max(1, args.repeats // 2))


if __name__ == "__main__":
    main()
