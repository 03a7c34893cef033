"""Text from files and from the user, made safe to put on screen: the only way the app builds what it shows.

* never read as markup: user and rubric text goes in as a variable (``$name``) or as plain text,
  so ``[b]`` stays ``[b]`` and ``[/]`` cannot break a label;
* never obeyed by the terminal: control characters (``ESC ] 0 ; … BEL`` renames the window,
  ``ESC [ 2 J`` wipes it) become visible stand-ins (``seeds_tui.core.text.printable``).
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from seeds_tui.core.text import printable


def markup(template: str, **values: object) -> Content:
    """``Content.from_markup`` with every value made printable first (the template is the app's own)."""
    return Content.from_markup(template, **{k: printable(str(v)) for k, v in values.items()})


def plain(text: str) -> Content:
    """Plain text (never markup), made printable."""
    return Content(printable(text))


def rich_text(text: str, style: str = "") -> Text:
    """A Rich ``Text`` of plain text (for tables), made printable."""
    return Text(printable(text), style=style)
