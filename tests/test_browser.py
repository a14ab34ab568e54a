"""Browser journeys in headless Debian Chromium driven by Playwright.

Screenshots of the main pages go to tests/screenshots/ (not committed) for a person to look at.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from search_app.app import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).parent / "screenshots"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(seeded: tuple[Path, dict[str, Any]]) -> Iterator[str]:
    app = create_app({"DATA_DIR": str(seeded[0])})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    p = ctx.new_page()
    yield p
    ctx.close()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_search_facet_open_item_and_pdf(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Search terms").fill("car park barrier")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector(".hit")
    assert "found" in page.locator("#result-count").inner_text()
    _shot(page, "search")
    page.locator(".facets a", has_text="minutes").first.click()
    page.wait_for_selector(".hit")
    kinds = page.locator(".hit .meta").all_inner_texts()
    assert kinds and all("minutes" in k for k in kinds)
    page.locator(".hit h3 a").first.click()
    page.wait_for_selector("#item-text")
    assert "barrier" in page.locator("#item-text").inner_text().lower()
    _shot(page, "item")
    href = page.locator("a.pdf").get_attribute("href")
    assert href and "#page=" in href
    resp = page.request.get(base_url + href.split("#")[0])
    assert resp.ok and resp.body().startswith(b"%PDF")


def test_follow_an_action_to_its_closing(page: Any, base_url: str) -> None:
    page.goto(base_url + "/actions")
    page.get_by_role("link", name="Jan24.01").first.click()
    page.wait_for_selector(".timeline")
    _shot(page, "action")
    steps = page.locator(".timeline li").all_inner_texts()
    assert steps[0].startswith("2024-01-18") and "closed" in steps[-1]


def test_meeting_page_at_phone_width(browser: Any, base_url: str) -> None:
    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    page = ctx.new_page()
    page.goto(base_url + "/meetings")
    page.get_by_role("link", name="2024-03-21").click()
    page.wait_for_selector("section.paper")
    width = page.evaluate("document.documentElement.scrollWidth")
    _shot(page, "meeting-phone")
    ctx.close()
    assert width <= 380
