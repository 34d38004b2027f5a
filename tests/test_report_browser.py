"""Report pages in headless Chromium: they load cleanly, images decode, nothing injected runs.

Chromium is Debian's package at /usr/bin/chromium, driven by Playwright (never
``playwright install``: no browser download). CI installs Chromium, so there a missing
browser fails the tests; elsewhere they are skipped with a message saying what to install.
Screenshots go to ``test-artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_samples import HOSTILE, HOSTILE_ID, HOSTILE_TITLE, NO_PARTY, PARTIES, TALKS

from stance.cli import cli

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install '.[test]'")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """A page opened in Chromium, with what it logged and every URL it asked for."""

    def __init__(self, browser, path: Path, width: int = 1100):
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def images(self) -> list[dict]:
        return self.page.eval_on_selector_all(
            "img",
            "imgs => imgs.map(i => ({src: i.src.slice(0, 30), complete: i.complete,"
            " width: i.naturalWidth, height: i.naturalHeight}))",
        )

    def injection_state(self) -> dict:
        """What injected markup could have done: the flag it sets, scripts and handlers in
        the page, javascript: links, and the page's visible text."""
        return self.page.evaluate(
            "() => ({pwned: window.__pwned === undefined ? null : window.__pwned,"
            " scripts: document.scripts.length,"
            " handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,"
            " js: [...document.links].filter(a => a.protocol === 'javascript:').length,"
            " text: document.body.innerText})"
        )

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.page.close()


def report(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["report", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def folders(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))


def assert_clean_page(visit: Visit) -> None:
    assert visit.problems == []
    assert all(url.startswith(("file:", "data:")) for url in visit.requests), visit.requests
    images = visit.images()
    for image in images:
        assert image["src"].startswith("data:image/png;base64,")
        assert image["complete"] and image["width"] > 0 and image["height"] > 0


def test_report_page_loads_cleanly(browser, write, tmp_path):
    talks = write("talks.txt", TALKS)
    out = report(tmp_path, str(talks), "--parties", str(parties_file(write)))
    (folder,) = folders(out)
    visit = Visit(browser, folder / "index.html")
    try:
        assert_clean_page(visit)
        assert len(visit.images()) == 5
        analysis = json.loads((folder / "analysis.json").read_text("utf-8"))
        rows = visit.page.locator("table.sentences tbody tr")
        assert rows.count() == len(analysis["sentences"]) == 5
        assert "Iceland criticized Norway" in rows.nth(2).inner_text()
        assert visit.page.locator("table.sentences mark.cue-div").count() >= 2
        assert "Harbour talks" in visit.page.locator("h1").inner_text()
        visit.screenshot("report-page.png")
    finally:
        visit.close()


def test_index_links_open_every_report(browser, write, tmp_path):
    talks = write("talks.txt", TALKS)
    quiet = write("Ελλάδα & Türkiye #1?.txt", NO_PARTY)
    out = report(tmp_path, str(talks), str(quiet))
    visit = Visit(browser, out / "index.html")
    try:
        assert_clean_page(visit)
        links = visit.page.locator("table.index a")
        assert sorted(links.all_inner_texts()) == ["A quiet harbour", "Harbour talks"]
        opened = set()
        for i in range(links.count()):
            visit.page.goto((out / "index.html").as_uri())
            visit.page.locator("table.index a").nth(i).click()
            visit.page.wait_for_load_state("load")
            opened.add(visit.page.locator("h1").inner_text())
        assert opened == {"A quiet harbour", "Harbour talks"}
        assert visit.problems == []
        visit.page.goto((out / "index.html").as_uri())
        visit.screenshot("report-index.png")
    finally:
        visit.close()


def parties_file(write) -> Path:
    lines = [f"{key} = {json.dumps(aliases)}" for key, aliases in PARTIES.items()]
    return write("parties.toml", "\n".join(lines) + "\n")


def test_injected_markup_stays_text(browser, write, tmp_path):
    record = {
        "id": HOSTILE_ID,
        "title": HOSTILE_TITLE,
        "text": HOSTILE,
        "date": "2024-06-04",
        "source": '<a href="javascript:window.__pwned = 7">wire</a>',
        "url": "javascript:window.__pwned = 6",
    }
    jsonl = write("hostile.jsonl", json.dumps(record) + "\n")
    out = report(tmp_path, str(jsonl), "--parties", str(parties_file(write)))
    (folder,) = folders(out)
    assert folder.parent == out and not folder.name.startswith(".")
    for page in (folder / "index.html", out / "index.html"):
        visit = Visit(browser, page)
        try:
            assert_clean_page(visit)
            state = visit.injection_state()
            assert state["pwned"] is None
            assert state["scripts"] == 0 and state["handlers"] == 0 and state["js"] == 0
            assert HOSTILE_TITLE in state["text"]
            if page.parent == folder:
                assert "<script>window.__pwned = 3</script>" in state["text"]
                assert 'onerror="window.__pwned = 4"' in state["text"]
                assert "javascript:window.__pwned = 6" in state["text"]
                assert HOSTILE_ID in state["text"]
                visit.screenshot("report-page-injection.png")
        finally:
            visit.close()


def test_seed_report_for_a_person_to_look_at(browser, seed, tmp_path):
    out = report(tmp_path, str(seed))
    (folder,) = folders(out)
    visit = Visit(browser, folder / "index.html")
    try:
        assert_clean_page(visit)
        assert visit.page.locator("table.sentences tbody tr").count() == len(
            json.loads((folder / "analysis.json").read_text("utf-8"))["sentences"]
        )
        visit.screenshot("seed-report.png")
    finally:
        visit.close()
