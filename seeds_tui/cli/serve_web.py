"""The web server behind ``seeds-tui serve`` (imported only when serving: textual-serve and aiohttp are not light).

textual-serve's ``Server`` with what ``serve`` promises (see ``seeds_tui.cli.serve``): the access
token on the page, its websocket and downloads; host and origin checks; no access log; a page that
fetches nothing from other sites; the address printed once the port is bound.
"""

from __future__ import annotations

import contextlib
import ipaddress
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

#: The page's template: textual-serve's own, with the web font served here instead of fetched.
PAGE_FOLDER = Path(__file__).with_name("serve_page")
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class SeedsServer(Server):
    """textual-serve's server with the access token, host and origin checks, and a page that fetches nothing."""

    def __init__(self, command: str, host: str, port: int, token: str | None) -> None:
        super().__init__(command, host=host, port=port, title="seeds-tui", templates_path=PAGE_FOLDER)
        self.token = token
        self.loopback = is_loopback(host)
        self.cookie = f"seeds-serve-{port}"
        self.address = ""

    def initialize_logging(self) -> None:
        """Plain warnings only: no access log (an address holds the token) and no tracebacks with locals."""
        import logging

        logging.getLogger("textual-serve").setLevel(logging.WARNING)

    async def on_startup(self, app: web.Application) -> None:
        """Nothing is printed here: ``serve`` prints the address once the port is bound."""

    async def _make_app(self) -> web.Application:
        app: web.Application = await super()._make_app()
        app.router.add_get("/ws/{token}", self.handle_websocket, name="websocket-token")
        app.middlewares.append(self._guard)
        return app

    @property
    def _guard(self) -> Any:
        @web.middleware
        async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
            refused = self.refusal(request)
            if refused is not None:
                return web.Response(status=403, text=refused, content_type="text/plain")
            response: web.StreamResponse = await handler(request)
            if self.token and request.path == "/":
                response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict", path="/")
            response.headers.setdefault("Cache-Control", "no-store")
            response.headers.setdefault("Referrer-Policy", "no-referrer")
            return response

        return guard

    def refusal(self, request: web.Request) -> str | None:
        """Why a request is refused (the words of the 403 page), or None to let it through."""
        if self.loopback and not is_loopback(host_name(request.host or "")):
            return "seeds-tui serve: this server answers only to addresses of this computer (127.0.0.1, localhost)."
        origin = request.headers.get("Origin")
        if request.path.startswith("/ws") and origin and urlsplit(origin).netloc != request.host:
            return "seeds-tui serve: refused a connection opened by a page of another site."
        if self.token is None or request.path.startswith("/static/"):
            return None  # the page's scripts and font are textual-serve's own files: nothing of yours
        given = request.query.get("token") or request.match_info.get("token") or request.cookies.get(self.cookie) or ""
        if secrets.compare_digest(given.encode(), self.token.encode()):
            return None
        return (
            "seeds-tui serve: this page needs its access token. Open the whole address shown in the terminal where "
            "seeds-tui serve was started (it ends in ?token=...)."
        )

    async def handle_index(self, request: web.Request) -> Any:
        """The page, with its addresses taken from the request (so it works under any name of the host)."""
        import aiohttp_jinja2

        base = f"{request.scheme}://{request.host}"
        ws_base = ("wss" if request.scheme == "https" else "ws") + f"://{request.host}"
        context = {
            "font_size": _int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{ws_base}/ws/{self.token}" if self.token else f"{ws_base}/ws",
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    def serve(self, debug: bool = False) -> None:
        """Listen until Ctrl+C or SIGTERM; print the address to open once the port is bound."""
        import asyncio
        import signal

        self.debug = debug
        self.initialize_logging()

        async def main() -> None:
            runner = web.AppRunner(await self._make_app(), access_log=None, handle_signals=False)
            await runner.setup()
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
            port = runner.addresses[0][1] if runner.addresses else self.port
            shown = f"[{self.host}]" if ":" in self.host else self.host
            self.address = f"http://{shown}:{port}/" + (f"?token={self.token}" if self.token else "")
            print(f"seeds-tui serve: open {self.address} in a browser", flush=True)
            if self.token:
                print("  (the token in that address is shown only here; anyone with it can use the app as you)", flush=True)
            if not self.loopback:
                print(f"  listening on {self.host}: other computers on the network can reach this page with the token", flush=True)
            print("  Ctrl+C stops it. This is the app on this computer, shown in a browser: not a multi-user web service.", flush=True)
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                # Windows has no such handlers: Ctrl+C arrives as KeyboardInterrupt there.
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.add_signal_handler(sig, stop.set)
            try:
                await stop.wait()
            finally:
                await runner.cleanup()  # each browser tab's app is told to quit, and saves its work

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main())


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default


def is_loopback(host: str) -> bool:
    """True for an address (or name) of this computer only.

    >>> [is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "192.168.1.20", "::")]
    [True, True, True, False, False, False]
    """
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(value: str) -> str:
    """The host of a ``Host`` header value, without its port.

    >>> [host_name(v) for v in ("127.0.0.1:8000", "localhost", "[::1]:8000", "evil.example:80")]
    ['127.0.0.1', 'localhost', '::1', 'evil.example']
    """
    if value.startswith("["):
        return value[1 : value.find("]")]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value
