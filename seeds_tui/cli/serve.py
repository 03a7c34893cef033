"""``seeds-tui serve [--store DIR] [--port N] [--host ADDR]``: the same app in a browser, with textual-serve.

For a meeting room: a facilitator projecting the Team summary, or an SPO and a practitioner
going through a feedback sheet's review on a shared screen. Each browser
tab that opens the page starts its own copy of the app (``python -m seeds_tui --store DIR``) as
the person who started ``serve``, on that person's store, with that person's permissions: it is
the app on this computer, shown in a browser, **not a multi-user web service** (no accounts, no
per-person rights, no HTTPS).

Safe by default:

- it listens on this computer only (127.0.0.1). Another address needs ``--host ADDR`` **and** an
  access token: generated at start, shown once in the terminal as part of the address to open,
  required by the page and by its websocket (a request without it gets 403). ``--token`` asks
  for one on this computer too (a computer shared by several accounts);
- on this computer, a request naming another host is refused (a web page cannot reach the app
  by pointing a name of its own at 127.0.0.1), and so is a websocket opened by a page of another
  site: a web page in the same browser cannot drive the app;
- the page fetches nothing from other sites (textual-serve's page asks a web-font site for its
  font; this one serves the font itself), and no request is logged (an address holds the token).

The app itself knows it is served: textual-serve runs it with pipes, not a terminal, and sets
``TEXTUAL_DRIVER`` to Textual's web driver; ``serve`` also sets ``SEEDS_SERVE=1``. Only with both
does the app start without a terminal (``served_in_browser``); the terminal check for everyone
else is unchanged.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

from seeds_tui.cli.common import OK, PROBLEMS, UsageError, err

#: What textual-serve's subprocesses are told (the app starts without a terminal only with both).
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"
SERVE_MARK = "SEEDS_SERVE"


def served_in_browser() -> bool:
    """True when this process is an app that ``seeds-tui serve`` started for a browser tab."""
    return os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER and os.environ.get(SERVE_MARK) == "1"


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``serve`` command."""
    parser = subparsers.add_parser(
        "serve",
        parents=parents,
        help="the same app in a browser (this computer only, unless told; not a multi-user web service)",
        description="Serve the app to a web browser with textual-serve, for a meeting room: the Team summary on a "
        "projector, or an observation's review on a shared screen. Every browser tab runs its own copy of "
        "the app as you, on your store, with your permissions: anyone who can open the page can do what you can in "
        "the app. It listens on this computer only (127.0.0.1); --host ADDR listens elsewhere and then requires an "
        "access token, shown once here as part of the address to open. Stop it with Ctrl+C.",
        epilog="Exit codes: 0 stopped with Ctrl+C, 1 the server could not start (e.g. the port is in use), 2 usage error.",
    )
    parser.add_argument("--port", type=int, default=8000, metavar="N", help="the port to listen on (default 8000; 0 picks a free one)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="ADDR",
        help="the address to listen on (default 127.0.0.1, this computer only); any other address requires an access token",
    )
    parser.add_argument("--token", action="store_true", help="require an access token on this computer too (shared computers)")
    parser.set_defaults(func=run)


def app_command(store: str | None, rubrics: list[str]) -> str:
    """The shell command textual-serve runs for each browser tab: this Python, this package, absolute paths."""
    from seeds_tui.storage.store import default_store_dir

    args = [sys.executable, "-m", "seeds_tui", "--store", os.path.abspath(store or default_store_dir())]
    for folder in rubrics:
        args += ["--rubrics", os.path.abspath(folder)]
    return subprocess.list2cmdline(args) if os.name == "nt" else shlex.join(args)


def run(args: argparse.Namespace) -> int:
    """Start the server; it runs until Ctrl+C (or SIGTERM)."""
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: a port is a number from 0 to 65535")
    for folder in getattr(args, "rubrics", None) or []:
        if not Path(folder).is_dir():
            raise UsageError(f"--rubrics {folder}: no such folder")
    import secrets  # here: opening the app in a terminal imports this module (served_in_browser), not hashlib

    from seeds_tui.cli.serve_web import SeedsServer, is_loopback  # textual-serve and aiohttp: only when serving

    token = secrets.token_urlsafe(24) if (args.token or not is_loopback(args.host)) else None
    os.environ[SERVE_MARK] = "1"  # the apps textual-serve starts inherit it

    server = SeedsServer(app_command(getattr(args, "store", None), getattr(args, "rubrics", None) or []), args.host, args.port, token)
    try:
        server.serve()
    except OSError as exc:
        err(f"seeds-tui serve: cannot listen on {args.host} port {args.port}: {exc.strerror or exc} (choose another with --port N)")
        return PROBLEMS
    return OK
