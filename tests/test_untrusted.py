"""Party names from a user's config are untrusted too: in report pages they stay text."""

from __future__ import annotations

from report_samples import TALKS
from test_report_browser import Visit, assert_clean_page, browser, folders, report  # noqa: F401

HOSTILE_PARTIES = """
[parties.NOR]
name = "<img src=x onerror=\\"window.__pwned = 11\\">Norway"
aliases = ["Norway", "Oslo"]

[parties.ISL]
name = "<script>window.__pwned = 12</script>Iceland"
aliases = ["Iceland", "Reykjavik"]
"""


def test_party_names_with_markup_stay_text(browser, write, tmp_path):  # noqa: F811
    talks = write("talks.txt", TALKS)
    parties = write("parties.toml", HOSTILE_PARTIES)
    out = report(tmp_path, str(talks), "--parties", str(parties))
    (folder,) = folders(out)
    for page in (folder / "index.html", out / "index.html"):
        visit = Visit(browser, page)
        try:
            assert_clean_page(visit)
            state = visit.injection_state()
            assert state["pwned"] is None and state["scripts"] == 0 and state["handlers"] == 0
            if page.parent == folder:
                assert "<script>window.__pwned = 12</script>Iceland" in state["text"]
        finally:
            visit.close()
