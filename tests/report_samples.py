"""Small documents written for the report tests, and the analyses they give."""

from __future__ import annotations

import stance

PARTIES = {"NOR": ["Norway", "Oslo"], "ISL": ["Iceland", "Reykjavik"]}

TALKS = """title: Harbour talks
date: 2024-06-02

Norway and Iceland agreed to expand cooperation on fisheries. Oslo praised Reykjavik's new \
quota rules. Iceland criticized Norway over the herring catch and rejected the proposal. Both \
countries pledged to hold further talks. The weather was cold and the ferry to the meeting \
was late.
"""
"""Five sentences: mutual convergence (NOR), convergence NOR -> ISL, divergence ISL -> NOR,
mutual convergence (NOR), and a neutral sentence without a party (a cue, 'meeting', so
the model is asked and its score is not exactly 0)."""

NO_PARTY = """title: A quiet harbour
date: 2024-06-03

The boats came in early. The fishermen sold their catch at a good price. It rained later.
"""

HOSTILE = (
    "Norway <script>window.__pwned = 3</script> agreed to expand cooperation with Iceland. "
    'Iceland rejected the <img src=x onerror="window.__pwned = 4"> proposal. '
    'See <a href="javascript:window.__pwned = 5">this link</a> criticized by Oslo.'
)
HOSTILE_TITLE = "<script>window.__pwned = 1</script>Talks"
HOSTILE_ID = "<img src=x onerror=window.__pwned=2>../../etc/passwd"


def talks() -> stance.DocumentAnalysis:
    return stance.analyze(TALKS, parties=PARTIES)


def long_talks(repeats: int = 110) -> stance.DocumentAnalysis:
    """More than 500 sentences: the talks, over and over."""
    body = TALKS.split("\n\n", 1)[1]
    return stance.analyze(" ".join([body.strip()] * repeats), parties=PARTIES)


def no_party() -> stance.DocumentAnalysis:
    return stance.analyze(NO_PARTY, parties=PARTIES)
