"""Per-document reports: charts, a self-contained HTML page, JSON and CSV, and an index.

Modules: :mod:`~stance.report.charts` (one function per chart, each drawing on an ``ax``),
:mod:`~stance.report.figures` (figures and their files), :mod:`~stance.report.html` (the
pages), :mod:`~stance.report.paths` (safe folder names), :mod:`~stance.report.writer`
(atomic folders, the index, the per-document task for the engines) and
:mod:`~stance.report.rows` (the CSV form of sentences). This module imports none of them, so
importing :mod:`stance.report.rows` does not load matplotlib.
"""
