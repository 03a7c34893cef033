"""The summary page as a facilitator projects it: rendered in real headless Chromium, measured and
screenshotted (the PNGs are kept in the test's folder to look at)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from summary_fixtures import add, registry

from seeds_tui.cli import main
from seeds_tui.render import charts
from seeds_tui.storage.store import Store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 800}
#: Opening per quarter for the team Rise: every practitioner at 50 %, then 75 % by the fourth quarter.
RISE = {1: (1, 1), 2: (1, 1), 3: (2, 1), 4: (2, 1)}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium from the system, driven by Playwright (no browser download)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium): the browser tests need it, and never download one")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (the test extra) is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def common(tmp_path: Path) -> list[str]:
    """Rise (three practitioners, Opening from 50 % to 75 % over 2025) and Flat (50 % throughout),
    threshold 3; Rise also has three observations of another rubric (levels 1-3)."""
    registry(tmp_path, other=True)
    store = Store(tmp_path / "store")
    for quarter, (a, b) in RISE.items():
        when = date(2025, 3 * quarter - 1, 10)
        for who in ("Ann", "Ben", "Cal"):
            add(store, team="Rise", practitioner=f"{who} R", scores={"open.a": a, "open.b": b, "talk.c": 1, "talk.d": 1}, when=when,
                development=["talk.c"], strengths=["open.a"])  # fmt: skip
            add(store, team="Flat", practitioner=f"{who} F", scores={"open.a": 1, "open.b": 1, "talk.c": 1, "talk.d": 1}, when=when,
                development=["open.b"])  # fmt: skip
    for who in ("Ann", "Ben", "Cal"):
        add(store, team="Rise", practitioner=f"{who} R", rubric="other", scores={"whole.x": 3}, when=date(2025, 5, 5))
    return ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3"]


def page_of(browser, common: list[str], tmp_path: Path, name: str, *args: str):
    target = tmp_path / f"{name}.html"
    assert main(["summary", *common, *args, "--format", "html", "-o", str(target)]) == 0
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(target.as_uri())
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    return page


def test_a_one_team_trend_page_fits_a_screen_per_question_and_shows_the_rise(browser, common, tmp_path: Path, capsys) -> None:
    page = page_of(browser, common, tmp_path, "trend", "--rubric", "mini", "--team", "Rise", "--by", "quarter", "--event", "2025-07-01")
    heights = page.evaluate("[...document.querySelectorAll('section.question')].map(s => s.getBoundingClientRect().height)")
    # Two questions (the trend, before and after the event), each within one projected screen.
    assert len(heights) == 2 and all(h <= VIEWPORT["height"] for h in heights), heights
    assert page.evaluate("document.documentElement.scrollHeight") <= 2 * VIEWPORT["height"]
    headings = page.locator("h2").all_inner_texts()
    assert headings == ["How have the scores changed, quarter by quarter?", "Before and after the training event of 2025-07-01"]
    chart = page.locator("section.view-quarter svg.chart").first
    box = chart.bounding_box()
    # Rise's line, and All teams' (the service it is set against: Rise with Flat, 50 % throughout).
    points = chart.locator("circle.point").filter(has_text="Rise")
    values = [float(v) for v in points.evaluate_all("ps => ps.map(p => p.dataset.value)")]
    assert values == [50.0, 50.0, 75.0, 75.0]
    service = chart.locator("circle.point").filter(has_text="All teams")
    assert [float(v) for v in service.evaluate_all("ps => ps.map(p => p.dataset.value)")] == [50.0, 50.0, 62.5, 62.5]
    ys = [p["y"] for p in (points.nth(n).bounding_box() for n in range(points.count()))]
    ticks = chart.locator("text.ytick")
    labels = [float(t) for t in ticks.all_text_contents()]
    assert min(labels) <= 50 and max(labels) >= 75 and max(labels) - min(labels) <= 50
    axis = ticks.first.bounding_box()["y"] - ticks.last.bounding_box()["y"]
    # The 25-point rise takes more than half the axis, not a quarter of a 0-100 one.
    assert ys[0] - ys[-1] > 0.5 * axis and axis > 0.5 * box["height"]
    # The training day is marked on every trend chart, between the second and third quarters.
    assert page.locator("section.view-quarter svg.chart").count() == 2
    assert page.locator("section.view-quarter g.event").count() == 2
    line = chart.locator("g.event line").bounding_box()
    xs = [p["x"] for p in (points.nth(n).bounding_box() for n in range(points.count()))]
    assert xs[1] < line["x"] < xs[2]
    # The long table is folded under the chart; the before/after figures are shown.
    assert page.locator("section.view-quarter details").get_attribute("open") is None
    assert "+25.0" in page.locator("section.view-before_after").inner_text()
    page.close()


def test_levels_keep_their_colour_across_rubrics_and_teams_are_set_against_all_teams(browser, common, tmp_path: Path, capsys) -> None:
    page = page_of(browser, common, tmp_path, "sections")
    legends = page.evaluate(
        "[...document.querySelectorAll('section.question')].map(s => [...s.querySelectorAll('.legend i.box')]"
        ".map(i => getComputedStyle(i).backgroundColor))"
    )
    assert [len(colours) for colours in legends] == [3, 3]  # mini (levels 0-2) and other (levels 1-3)
    rgb = {charts.TOP_COLOUR: "rgb(30, 132, 73)", charts.LOW_COLOUR: "rgb(192, 57, 43)"}
    for colours in legends:
        assert colours[0] == rgb[charts.LOW_COLOUR] and colours[-1] == rgb[charts.TOP_COLOUR]
    mini = page.locator("section.question").first
    figures = mini.locator("figure")
    assert figures.locator("figcaption").all_inner_texts() == ["Flat", "Rise"]
    # Each team's bar per section, with the all-teams mean marked on it.
    rise = figures.nth(1)
    assert [float(v) for v in rise.locator("rect.bar").evaluate_all("rs => rs.map(r => r.dataset.value)")] == [62.5, 50.0]
    assert rise.locator("line.all").count() == 2
    assert all(
        h <= VIEWPORT["height"]
        for h in page.evaluate("[...document.querySelectorAll('section.question')].map(s => s.getBoundingClientRect().height)")
    )
    page.close()


def test_themes_are_a_chart(browser, common, tmp_path: Path, capsys) -> None:
    page = page_of(browser, common, tmp_path, "themes", "--rubric", "mini", "--by", "themes")
    section = page.locator("section.view-themes")
    assert section.locator("h2").inner_text() == "Which development areas come up most often?"
    flat = section.locator("figure").filter(has_text="Flat")
    # Flat named Reviews last time as a development area in all 12 observations of its three
    # practitioners, never as a strength; themes count practitioners, each once however often observed.
    assert [int(v) for v in flat.locator("rect.bar").evaluate_all("rs => rs.map(r => r.dataset.value)")] == [3, 0]
    page.close()


def test_one_team_is_set_against_all_teams_on_every_chart(browser, common, tmp_path: Path, capsys) -> None:
    """One team asked for (the usual quarterly session): its bars carry the all-teams mark, and the
    before/after chart shows All teams' change beside the team's. Rise's Opening over 2025 is
    (50+50+75+75)/4 = 62.5; All teams (Rise and Flat at 50) 56.25; Talking 50 for both."""
    page = page_of(browser, common, tmp_path, "rise", "--rubric", "mini", "--team", "Rise")
    figures = page.locator("section.question figure")
    assert figures.locator("figcaption").all_inner_texts() == ["Rise"]
    assert [float(v) for v in figures.locator("rect.bar").evaluate_all("rs => rs.map(r => r.dataset.value)")] == [62.5, 50.0]
    marks = figures.locator("line.all").evaluate_all("ls => ls.map(l => l.textContent)")
    assert [m.rsplit(": ", 1)[1] for m in marks] == ["56.2%", "50.0%"]
    page.close()
    page = page_of(
        browser, common, tmp_path, "rise-event", "--rubric", "mini", "--team", "Rise", "--by", "quarter", "--event", "2025-07-01"
    )
    after = page.locator("section.view-before_after figure figcaption").all_inner_texts()
    assert after == ["Rise", "All teams"]
    page.close()


def test_event_markers_are_numbered_and_events_of_one_day_share_one(browser, common, tmp_path: Path, capsys) -> None:
    """A set and the event compared around, both on 1 July 2025: one marker labelled '1,2', the legend
    naming each by its number (words on the chart ran into each other)."""
    store = common[1]
    assert main(["event", "add", "--store", store, "--kind", "set", "--date", "2025-07-01", "--topic", "Reviews", "--team", "Rise"]) == 0
    page = page_of(browser, common, tmp_path, "numbered", "--rubric", "mini", "--team", "Rise", "--by", "quarter", "--event", "2025-07-01")
    chart = page.locator("section.view-quarter svg.chart").first
    assert chart.locator("g.event").count() == 1
    assert chart.locator("g.event text").text_content() == "1,2"
    legend = page.locator("section.view-quarter p.legend").first.inner_text()
    assert "1\u00a0training event 2025-07-01" in legend and "2\u00a0set: Reviews 2025-07-01" in legend
    page.close()


def test_long_wordings_wrap_so_the_page_never_scrolls_sideways(browser, tmp_path: Path, capsys) -> None:
    """Agreed actions worded at length (the recurring-wording table) wrap within a 1280 px window."""
    registry(tmp_path)
    store = Store(tmp_path / "store")
    long = "Start the next three sessions with a jointly agreed agenda, written where the person can see it, and review it at the end"
    for n in range(4):
        add(store, team="North", practitioner=f"P{n}", scores={"open.a": 1}, when=date(2026, 2, 10), agreed=[(long, None)])
    target = tmp_path / "actions.html"
    args = ["--store", str(store.root), "--rubrics", str(tmp_path / "rubrics"), "--threshold", "3", "--by", "actions"]
    assert main(["summary", *args, "--format", "html", "-o", str(target)]) == 0
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(target.as_uri())
    page.screenshot(path=str(tmp_path / "actions.png"), full_page=True)
    assert long in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    page.close()
