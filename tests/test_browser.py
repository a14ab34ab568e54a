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
    assert "open for" in page.locator("#open-time").inner_text()
    assert page.locator(".open-bar svg circle").count() == len(steps)
    # the closing step's source opens the paper that records it
    href = page.locator(".timeline li").last.locator("a.source").get_attribute("href")
    assert href and "#page=" in href
    assert page.request.get(base_url + href.split("#")[0]).ok
    page.locator(".timeline li").last.locator("a").first.click()
    page.wait_for_selector("#item-text")
    assert "Jan24.01" in page.locator("main").inner_text()


def test_search_with_a_date_range_then_page_through(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Search terms").fill("council")
    page.get_by_label("From year").fill("2024")
    page.get_by_label("to", exact=True).fill("2024")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector(".hit")
    dates = page.locator(".hit .meta").all_inner_texts()
    assert dates and all(d.startswith("2024") for d in dates)
    assert page.get_by_label("From year").input_value() == "2024"


def test_item_page_highlights_query_and_shows_provenance(page: Any, base_url: str) -> None:
    page.goto(base_url + "/?q=flood")
    page.locator(".hit h3 a").first.click()
    page.wait_for_selector("#item-text")
    assert page.locator("#item-text mark").count() >= 1
    assert "flood" in page.locator("#item-text mark").first.inner_text().lower()
    assert page.locator(".provenance table").count() >= 1
    assert page.locator(".provenance td.words mark").count() >= 1


def test_person_page_from_a_meeting_attendance_list(page: Any, base_url: str) -> None:
    page.goto(base_url + "/meetings")
    page.get_by_role("link", name="2024-03-21").click()
    page.locator(".attendance").first.get_by_role("link", name="Alan Fairbairn").first.click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Alan Fairbairn"
    assert page.get_by_role("heading", name="Roles over time").count() == 1
    assert page.get_by_role("heading", name="Meetings attended").count() == 1
    assert page.locator("figure.chart svg").count() == 1
    _shot(page, "person")
    page.get_by_role("link", name="Jan24.02").click()
    page.wait_for_selector(".timeline")
    assert "Jan24.02" in page.locator("h1").inner_text()


def test_decision_register_filter(page: Any, base_url: str) -> None:
    page.goto(base_url + "/decisions")
    total = page.locator("#decision-count").inner_text()
    page.get_by_label("Body").select_option("Cambridge Community Safety Partnership")
    page.get_by_label("Outcome").select_option("")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_selector("#decision-count")
    assert page.locator("#decision-count").inner_text() != total
    bodies = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert bodies and set(bodies) == {"Cambridge Community Safety Partnership"}
    _shot(page, "decisions")
    # a bar of the chart is a link to that year
    page.locator("figure.chart a").first.click()
    page.wait_for_selector("#decision-count")
    assert "year=" in page.url and page.locator("figure.chart rect.sel").count() == 1


def test_keyboard_reaches_skip_link_and_search_box(page: Any, base_url: str) -> None:
    page.goto(base_url + "/decisions")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    # following an in-page link updates the address after the key event returns: wait for it
    page.wait_for_function("location.hash === '#main'", timeout=5000)
    assert page.url.endswith("#main")
    outline = page.evaluate("getComputedStyle(document.querySelector('a.skip')).outlineStyle")
    assert outline in ("solid", "auto", "none")


def test_organisation_page_chart(page: Any, base_url: str) -> None:
    page.goto(base_url + "/organisations")
    page.get_by_role("link", name="Environment Agency").click()
    page.wait_for_selector("h1")
    assert page.locator("figure.chart svg[role=img]").count() == 1
    _shot(page, "organisation")


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


@pytest.mark.parametrize("path", ["/?q=barrier", "/decisions", "/actions", "/person/alan-fairbairn",
                                  "/action/ashcombe-parish-council/Jan24.01", "/people"])
def test_pages_fit_a_phone(browser: Any, base_url: str, path: str) -> None:
    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    page = ctx.new_page()
    page.goto(base_url + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    name = "phone" + path.replace("/", "-").replace("?", "-").replace("=", "-")
    _shot(page, name)
    ctx.close()
    assert width <= 362, (path, width)


def test_item_page_at_phone_width(browser: Any, base_url: str) -> None:
    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    page = ctx.new_page()
    page.goto(base_url + "/?q=barrier")
    page.locator(".hit h3 a").first.click()
    page.wait_for_selector("#item-text")
    width = page.evaluate("document.documentElement.scrollWidth")
    _shot(page, "item-phone")
    ctx.close()
    assert width <= 362
