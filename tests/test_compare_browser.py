"""The comparison page in headless Chromium: it loads cleanly, its links open the documents'
reports, and nothing injected through documents or party names runs."""

from __future__ import annotations

from test_compare import HOSTILE, hostile_comparison, run_project
from test_report_browser import Visit, assert_clean_page, browser  # noqa: F401 (fixture)

from stance.compare_report import write_comparison_report


def test_comparison_shownloads_and_links_to_every_report(browser, tmp_path):  # noqa: F811
    run_project(tmp_path)
    page = tmp_path / "reports" / "comparison" / "index.html"
    visit = Visit(browser, page)
    try:
        assert_clean_page(visit)
        assert len(visit.images()) == 2 + 2 * 4  # changes, then index and tone per group
        assert "Comparison by year: 2024 against 2023" in visit.page.locator("h1").inner_text()
        links = visit.page.locator("table a")
        titles = set()
        for i in range(links.count()):
            visit.page.goto(page.as_uri())
            visit.page.locator("table a").nth(i).click()
            visit.page.wait_for_load_state("load")
            titles.add(visit.page.locator("h1").inner_text())
        assert titles == {"Statement a.txt", "Statement b.txt", "Statement c.txt"}
        visit.page.goto(page.as_uri())
        visit.page.get_by_role("link", name="all documents").click()
        visit.page.wait_for_load_state("load")
        assert visit.page.locator("table.index a").count() == 3
        assert visit.problems == []
        visit.page.goto(page.as_uri())
        visit.screenshot("comparison-page.png")
    finally:
        visit.close()


def test_injected_markup_stays_text_in_the_comparison(browser, tmp_path):  # noqa: F811
    page = write_comparison_report(hostile_comparison(), tmp_path / "c", "title " + HOSTILE)
    visit = Visit(browser, page)
    try:
        assert_clean_page(visit)
        shown = visit.page
        assert shown.evaluate("() => typeof window.__pwned") == "undefined"
        assert shown.locator("script").count() == 0
        assert shown.locator("[onerror], [onload], [onclick]").count() == 0
        assert shown.locator("a[href^='javascript:' i]").count() == 0
        text = shown.locator("body").inner_text()
        assert HOSTILE in text and "$x^2$" in text
        visit.screenshot("comparison-injection.png")
    finally:
        visit.close()
