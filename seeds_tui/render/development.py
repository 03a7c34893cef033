"""The practitioner's development record as a sheet they keep: Markdown, self-contained HTML, or PDF (A4).

The sheet lists the record's entries in date order (``seeds_tui.core.development``): each
observation and self-rating, each action with its history, each supervision note, and the comments
people on probation left about this practitioner (by month only). It holds one practitioner's records only and no score of
anyone else. Every user text is escaped as on the feedback sheet; control characters are made
harmless with ``printable``.
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Literal

from seeds_tui.core.development import KIND_TITLES, DevelopmentRecord, Entry
from seeds_tui.core.text import printable
from seeds_tui.render.sheet import _md_block, long_date, md_escape

Format = Literal["markdown", "html", "pdf"]

TITLE = "Development record"
INTRO = (
    "Your observations and self-ratings, the actions agreed and how each has gone, your supervision notes and "
    "what people on probation said about working with you, oldest first. "
    "It is yours to keep: it holds nobody else's records and no team figures."
)
EMPTY = "Nothing recorded yet: no final observation, self-rating or supervision note names this practitioner."


def _heading(entry: Entry) -> str:
    kind_title = KIND_TITLES.get(entry.kind, entry.kind.capitalize())
    when = long_date(entry.date).split(" ", 1)[1] if entry.month_only else long_date(entry.date)
    return f"{when} · {kind_title}" + (f": {entry.title}" if entry.title and entry.title != kind_title else "")


def render_markdown(record: DevelopmentRecord, *, today: date | None = None) -> str:
    """The record as Markdown."""
    name = printable(record.practitioner, newlines=False)
    out = [f"# {TITLE}: {md_escape(name)}", "", md_escape(INTRO)]
    if today is not None:
        out += ["", f"Written {long_date(today)}."]
    if not record.entries:
        out += ["", md_escape(EMPTY)]
    for entry in record.entries:
        out += ["", f"## {md_escape(printable(_heading(entry), newlines=False))}", ""]
        out += [f"- {_md_block(printable(line))}" for line in entry.lines if line.strip()]
    if record.problems:
        out += ["", "## Not included", "", "These files could not be read, so the record may miss something:", ""]
        out += [f"- {md_escape(printable(p, newlines=False))}" for p in record.problems]
    return "\n".join(out).rstrip() + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.45;color:#111}
h1{font-size:1.6em;margin-bottom:.2em}
h2{font-size:1.1em;margin:1.4em 0 .3em;border-bottom:1px solid #999;padding-bottom:.15em}
h2 .kind{font-weight:normal}
ul{margin:.3em 0}
li{margin:.15em 0;white-space:pre-wrap}
.intro,.written{color:#333}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}}
"""


def _h(text: str) -> str:
    return html.escape(printable(text), quote=True)


def _h_entries(record: DevelopmentRecord) -> list[str]:
    out: list[str] = []
    if not record.entries:
        out.append(f"<p>{_h(EMPTY)}</p>")
    for entry in record.entries:
        out.append(f'<h2 class="{_h(entry.kind)}">{_h(_heading(entry))}</h2>')
        lines = [line for line in entry.lines if line.strip()]
        if lines:
            out.append("<ul>" + "".join(f"<li>{_h(line).replace(chr(10), '<br/>')}</li>" for line in lines) + "</ul>")
    if record.problems:
        out.append("<h2>Not included</h2><p>These files could not be read, so the record may miss something:</p><ul>")
        out += [f"<li>{_h(p)}</li>" for p in record.problems]
        out.append("</ul>")
    return out


def render_html(record: DevelopmentRecord, *, today: date | None = None) -> str:
    """The record as one self-contained HTML page (no scripts, fonts, images or links); it prints on A4."""
    name = _h(record.practitioner)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{TITLE}: {name}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{TITLE}: {name}</h1>",
        f'<p class="intro">{_h(INTRO)}</p>',
    ]
    if today is not None:
        out.append(f'<p class="written">Written {long_date(today)}.</p>')
    out += _h_entries(record)
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render_pdf(record: DevelopmentRecord, *, today: date | None = None) -> bytes:
    """The record as a PDF laid out for A4, with the feedback sheet's bundled fonts (raises ``PdfError``)."""
    from seeds_tui.render.sheet_pdf import _drawable, pdf_from_html, print_style

    name = _h(_drawable(record.practitioner))
    body = [_drawable(part) for part in _h_entries(record)]
    page = [
        '<html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>{TITLE}: {name}</title>",
        f"<style>{print_style()}</style></head><body>",
        f'<div id="footer" class="footer">{TITLE}: {name} · page <pdf:pagenumber> of <pdf:pagecount></div>',
        f"<h1>{TITLE}: {name}</h1>",
        f'<p class="intro">{_h(INTRO)}</p>',
    ]
    if today is not None:
        page.append(f'<p class="meta">Written {long_date(today)}.</p>')
    page += [*body, "</body></html>"]
    return pdf_from_html("\n".join(page))


def render_record(record: DevelopmentRecord, fmt: Format = "markdown", *, today: date | None = None) -> bytes:
    """The record in one format, as the bytes of its file."""
    if fmt == "pdf":
        return render_pdf(record, today=today)
    text = render_html(record, today=today) if fmt == "html" else render_markdown(record, today=today)
    return text.encode("utf-8")


def record_file_stem(record: DevelopmentRecord, today: date) -> str:
    """A file name for the record's sheet: ``development-<practitioner>-<date>`` (letters, digits and dashes only)."""
    words = re.sub(r"[^a-z0-9]+", "-", record.practitioner.casefold()).strip("-")[:40].strip("-") or "practitioner"
    return f"development-{words}-{today.isoformat()}"


__all__ = ["Format", "record_file_stem", "render_html", "render_markdown", "render_pdf", "render_record"]
