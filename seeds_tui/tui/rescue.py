"""Work typed into a form that has no file of its own yet (the set-up form, an entry not complete):
kept in the user's rescue folder when the app must close, so that nothing typed is lost.

A screen or dialog that holds such text implements ``unsaved_text()``, returning what a
person would need to type it again (field name -> text), or None when there is nothing.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from textual.app import App


@runtime_checkable
class HoldsUnsavedText(Protocol):
    """A screen whose typed text is in no file yet."""

    def unsaved_text(self) -> dict[str, str] | None:
        """What was typed (field -> text), or None when nothing would be lost."""
        ...


def keep_unsaved_forms(app: App[Any]) -> str | None:
    """Write the typed text of every open form that holds some into the rescue folder; the message saying where."""
    from seeds_tui.core.errors import SeedsError
    from seeds_tui.core.tomlio import dump_toml
    from seeds_tui.storage.crash import write_rescue

    forms: dict[str, dict[str, str]] = {}
    for number, screen in enumerate(app.screen_stack):
        if isinstance(screen, HoldsUnsavedText):
            try:
                typed = screen.unsaved_text()
            except Exception:  # a form half torn down: nothing to keep from it
                typed = None
            if typed:
                forms[f"{number}-{type(screen).__name__}"] = {k: v for k, v in typed.items() if v}
    forms = {k: v for k, v in forms.items() if v}
    if not forms:
        return None
    try:
        path = write_rescue("typed-text", dump_toml({"forms": forms}).encode("utf-8"))
    except SeedsError as exc:
        return f"what was typed in a form could not be kept ({exc})"
    return f"what was typed in a form that was not saved yet is kept in {path}"
