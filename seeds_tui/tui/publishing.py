"""The app publishes finals to the team's shared store in the background (``seeds_tui.storage.publish``).

When the store has a shared store set (``seeds-tui publish --to DIR``, once), the app publishes
at start, right after each finalise and then every minute, so a final made while the share was
away goes out once it is back. Publishing runs in a daemon thread: a hung network share never
holds up a key or quitting. Each distinct problem (share not reached, a conflict) is told once
per run of the app, not every minute.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

from textual.notifications import SeverityLevel

from seeds_tui.core.errors import SeedsError
from seeds_tui.storage.publish import PublishReport, publish, remembered_shared_store
from seeds_tui.storage.store import Store

#: Seconds between two tries while the app runs.
RETRY_SECONDS = 60.0


class _App(Protocol):
    @property
    def store(self) -> Store: ...

    def notify(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None, markup: bool = True
    ) -> None: ...
    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...
    def set_interval(self, interval: float, callback: Callable[[], Any]) -> object: ...


class Publishing:
    """Background publishing for one app; ``now()`` asks for a run soon (e.g. after a finalise)."""

    def __init__(self, app: _App) -> None:
        self.app = app
        self.running = False
        self.told: set[tuple[str, str]] = set()
        self.last: PublishReport | None = None
        self.done = threading.Event()

    def start(self) -> None:
        """Publish now and every minute, if this store has a shared store."""
        if remembered_shared_store(self.app.store) is None:
            self.done.set()
            return
        self.app.set_interval(RETRY_SECONDS, self.now)
        self.now()

    def now(self) -> None:
        """Start a publish run in a daemon thread, unless one is running."""
        if self.running or remembered_shared_store(self.app.store) is None:
            return
        self.running = True
        self.done.clear()
        threading.Thread(target=self._run, name="publish to the shared store", daemon=True).start()

    def _run(self) -> None:
        try:
            report: PublishReport | SeedsError = publish(self.app.store)
        except SeedsError as exc:
            report = exc
        except Exception as exc:  # a bug must not end the app: tell it, the finals stay in the store
            report = SeedsError(f"publishing stopped ({type(exc).__name__}); your finals are kept in your store")
        try:
            self.app.call_from_thread(self._show, report)
        except Exception:  # the app has closed meanwhile
            pass
        finally:
            self.running = False
            self.done.set()

    def _show(self, report: PublishReport | SeedsError) -> None:
        if isinstance(report, SeedsError):
            self._tell("error", str(report), "error")
            return
        self.last = report
        published = report.count("published")
        if published:
            self.app.notify(f"{published} final(s) published to {report.shared}", title="Shared store", timeout=6, markup=False)
        for outcome in report.problems:
            severity: SeverityLevel = "error" if outcome.state == "conflict" else "warning"
            self._tell(outcome.state, outcome.message, severity)

    def _tell(self, state: str, message: str, severity: SeverityLevel) -> None:
        if (state, message) in self.told:
            return
        self.told.add((state, message))
        title = "Not published (kept in your store)" if state != "conflict" else "Not published: a conflict"
        self.app.notify(message, title=title, severity=severity, timeout=12, markup=False)


def start_publishing(app: _App) -> Publishing:
    """Attach background publishing to ``app`` (as ``app.publishing``) and start it."""
    publishing = Publishing(app)
    app.publishing = publishing  # type: ignore[attr-defined]
    publishing.start()
    return publishing


def publish_soon(app: object) -> None:
    """Ask the app's publisher for a run now (after a finalise); nothing when the app has none."""
    publishing = getattr(app, "publishing", None)
    if isinstance(publishing, Publishing):
        publishing.now()
