"""``seeds-tui serve``: the app in a real headless browser (Playwright driving Debian's Chromium).

The server runs as a real process (``python -m seeds_tui serve``); each page starts its own app
through textual-serve. What the browser shows is read from the terminal data the page receives
over its websocket (xterm.js draws it on a canvas), and a screenshot is kept beside the test's
files. Chromium comes from the system (``apt-get install chromium``, which ``.ci/run`` does where
it is missing): a browser download is never attempted, and without Chromium the browser tests
skip, saying why.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from seeds_tui.demo.generator import generate_demo
from seeds_tui.storage.store import Store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
_ANSI = re.compile(r"\x1b(\[[0-9;?$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store with demo observations (enough for the Team summary to show figures)."""
    store = Store(tmp_path_factory.mktemp("serve") / "store")
    generate_demo(store, 60, seed=4)
    return store


@contextmanager
def serving(store: Store, *options: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``seeds-tui serve`` on a free port; yields the address it prints and the process."""
    process = subprocess.Popen(
        [sys.executable, "-m", "seeds_tui", "serve", "--store", str(store.root), "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"open (http://\S+) in a browser", line)
        assert match, (line, process.stderr.read() if process.poll() is not None else "")  # type: ignore[union-attr]
        yield match.group(1), process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def status(url: str, headers: dict[str, str] | None = None) -> int:
    """The HTTP status of a GET."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def websocket_status(url: str, origin: str | None = None) -> int:
    """The status of a websocket handshake (101 when it opened)."""
    import aiohttp

    async def connect() -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(
                    url, headers={"Origin": origin} if origin else None, timeout=aiohttp.ClientWSTimeout(ws_close=10)
                ):
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(connect())).result(timeout=30)


class Screen:
    """What the browser's terminal has been sent, as plain text (escape sequences dropped)."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.page: object = None

    def received(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            self.data += payload

    def text(self) -> str:
        return _ANSI.sub("", self.data.decode("utf-8", "replace"))

    def wait_for(self, words: str, *, since: int = 0, timeout: float = 30) -> None:
        """Wait until ``words`` appear in what was drawn after offset ``since``."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if words in _ANSI.sub("", self.data[since:].decode("utf-8", "replace")):
                return
            self.page.wait_for_timeout(100)  # type: ignore[attr-defined]  # Playwright delivers frames while it waits
        raise AssertionError(f"{words!r} never appeared in the browser; it showed: {self.text()[-1500:]!r}")


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


def open_page(browser: object, url: str) -> tuple[object, Screen]:
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    screen = Screen()
    screen.page = page
    page.on("websocket", lambda ws: ws.on("framereceived", screen.received))
    page.goto(url)
    return page, screen


def test_the_app_in_a_real_browser_home_screen_keys_and_team_summary(browser: object, store: Store, tmp_path: Path) -> None:
    with serving(store) as (url, _):
        assert url.startswith("http://127.0.0.1:") and "token" not in url  # this computer only, by default
        page, screen = open_page(browser, url)
        screen.wait_for("seeds-tui · observations")  # the home screen, as in a terminal
        screen.wait_for("Store: " + str(store.root))
        page.click("#terminal")  # type: ignore[attr-defined]  # the keyboard goes to the terminal
        # (Textual redraws only what changed, so the words looked for are ones each screen draws whole: its footer.)
        mark = len(screen.data)
        page.keyboard.press("s")  # type: ignore[attr-defined]  # the Team summary
        screen.wait_for("Next view", since=mark)
        screen.wait_for("observations", since=mark)
        page.keyboard.press("F6")  # type: ignore[attr-defined]  # its next view
        mark = len(screen.data)
        page.keyboard.press("Escape")  # type: ignore[attr-defined]  # back home
        screen.wait_for("New observation", since=mark)
        mark = len(screen.data)
        page.keyboard.press("s")  # type: ignore[attr-defined]
        screen.wait_for("Next view", since=mark)
        page.screenshot(path=str(tmp_path / "team-summary.png"))  # type: ignore[attr-defined]
        page.close()  # type: ignore[attr-defined]


def test_served_with_windows_names_only_the_server_and_each_tabs_app_work(browser: object, store: Store, tmp_path: Path) -> None:
    """``serve`` and the app it starts for a tab, each with the POSIX-only names hidden from its first line (as on Windows)."""
    from helpers_windows import windows_site

    site = tmp_path / "as-windows"
    with serving(store, env=windows_site(site)) as (url, process):
        page, screen = open_page(browser, url)
        screen.wait_for("seeds-tui · observations")
        page.click("#terminal")  # type: ignore[attr-defined]
        mark = len(screen.data)
        page.keyboard.press("s")  # type: ignore[attr-defined]  # the Team summary, read from the store in that app
        screen.wait_for("Next view", since=mark)
        page.close()  # type: ignore[attr-defined]
    loaded = (site / "loaded.txt").read_text(encoding="utf-8").splitlines()
    # The server and at least the tab's app loaded the Windows-like view: no fcntl, no SIGHUP, no poll.
    assert len({line.split()[0] for line in loaded}) >= 2 and all(line.split()[1:] == ["hidden", "False", "False"] for line in loaded)
    assert process.stderr is not None and "Traceback" not in process.stderr.read() and process.returncode == 0


def test_a_token_is_required_by_the_page_and_its_websocket(browser: object, store: Store) -> None:
    with serving(store, "--token") as (url, _):
        token = re.search(r"\?token=([\w-]+)$", url)
        assert token, url
        base = url.split("?", 1)[0]
        port_base = base.replace("http://", "ws://").rstrip("/")
        assert status(base) == 403  # no token
        assert status(base + "?token=wrong") == 403
        assert websocket_status(f"{port_base}/ws") == 403
        assert websocket_status(f"{port_base}/ws/wrong") == 403
        assert status(url) == 200
        stranger = browser.new_page()  # type: ignore[attr-defined]  # the browser, given the address without its token
        response = stranger.goto(base)
        assert response.status == 403 and "needs its access token" in stranger.inner_text("body")
        stranger.close()
        page, screen = open_page(browser, url)
        screen.wait_for("seeds-tui · observations")  # with the token, the app runs
        page.close()  # type: ignore[attr-defined]


def test_listening_elsewhere_always_needs_the_token(store: Store) -> None:
    with serving(store, "--host", "0.0.0.0") as (url, process):
        assert "?token=" in url
        local = "http://127.0.0.1:" + url.split(":")[2].split("/")[0] + "/"
        assert status(local) == 403
        assert status(local + "?token=" + url.split("?token=")[1]) == 200
    assert process.stdout is not None and url.split("?token=")[1] not in process.stdout.read()  # shown once, at start


def test_other_hosts_and_other_sites_pages_are_refused(store: Store) -> None:
    with serving(store) as (url, _):
        assert status(url) == 200
        assert status(url, {"Host": "attacker.example"}) == 403  # a name pointed at 127.0.0.1 (DNS rebinding)
        ws = url.replace("http://", "ws://") + "ws"
        assert websocket_status(ws, origin="http://attacker.example") == 403  # another site's page in the same browser
        assert status(url.rstrip("/") + "/static/js/textual.js") == 200


def test_the_app_needs_a_terminal_unless_served(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "seeds_tui", "--store", str(tmp_path / "s")]
    plain = subprocess.run(run, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert plain.returncode == 2 and "needs a terminal" in plain.stderr
    driver_only = {**os.environ, "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"}
    driver_only.pop("SEEDS_SERVE", None)
    spoofed = subprocess.run(run, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env=driver_only)
    assert spoofed.returncode == 2 and "needs a terminal" in spoofed.stderr
