"""The practitioner's feedback sheet as a PDF laid out for A4, from the same sheet model as Markdown and HTML.

``render_pdf`` takes ``build_sheet``'s ``FeedbackSheet`` (one place for wording and order) and lays
it out as print HTML for xhtml2pdf, which writes the PDF. Why xhtml2pdf: it is pure Python on
ReportLab, so ``pip install .`` brings it on Linux, macOS and Windows from PyPI alone (WeasyPrint
needs the system's Pango and GTK, which a managed Windows laptop does not have; a headless browser
would need a browser download). Its CSS is CSS 2.1 with page extensions, so this page is simpler
than the screen HTML: tables instead of grid and flex, bars as table cells.

The font is bundled (DejaVu Sans, ``render/fonts/``, subset to Latin, Greek and Cyrillic scripts):
ReportLab's own fonts hold Western European letters only, and a name such as "Llŷr" or "Łucja"
must print as typed. Characters outside the font (other scripts, emoji, control characters) print
as "�"; ``characters_missing`` counts them so the command line can say so and point to the HTML sheet.

Every user text is passed through ``printable`` (control characters made harmless) and escaped.
Nothing is fetched while rendering: the only files the renderer may read are the bundled fonts.
Any field the sheet model gains later is still printed (``_other_fields``), so the PDF never
silently drops what the Markdown and HTML sheets show.
"""

from __future__ import annotations

import dataclasses
import html
import io
import logging
from collections.abc import Iterable
from pathlib import Path

from seeds_tui.core.errors import SeedsError
from seeds_tui.core.observation import Observation
from seeds_tui.core.rubric import Rubric
from seeds_tui.core.selfrating import SelfRating
from seeds_tui.core.text import printable
from seeds_tui.render.sheet import (
    AGREED_HEADING,
    CODE_MEANINGS,
    SELF_RATING_INTRO,
    FeedbackSheet,
    NoteLine,
    SectionLine,
    build_sheet,
    percent_text,
    scores_intro,
    timeline_intro,
)

FONT_DIR = Path(__file__).with_name("fonts")
_FONTS = {"normal": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "italic": "DejaVuSans-Oblique.ttf"}
#: The longest a render may take (a bound against a pathological sheet, never reached by a real one).
RENDER_SECONDS = 120


class PdfError(SeedsError):
    """The PDF could not be made (the message says why; nothing was written)."""


def _font_faces() -> str:
    faces = []
    for style, name in _FONTS.items():
        weight = "bold" if style == "bold" else "normal"
        slant = "italic" if style == "italic" else "normal"
        url = (FONT_DIR / name).as_posix()
        faces.append(f'@font-face{{font-family:"SheetSans";src:url("{url}");font-weight:{weight};font-style:{slant}}}')
    return "\n".join(faces)


_CSS = """
@page{size:a4 portrait;margin:16mm 15mm 20mm 15mm;
@frame footer{-pdf-frame-content:footer;left:15mm;right:15mm;bottom:8mm;height:9mm}}
body{font-family:"SheetSans";font-size:10pt;line-height:1.35;color:#000}
h1{font-size:17pt;margin:0 0 2pt 0;padding:0}
h2{font-size:12.5pt;margin:12pt 0 4pt 0;padding:0 0 2pt 0;border-bottom:1.2pt solid #000;-pdf-keep-with-next:true}
h3{font-size:11pt;margin:9pt 0 3pt 0;-pdf-keep-with-next:true}
p{margin:2pt 0 3pt 0}
.subtitle{font-size:11pt;margin:0 0 8pt 0}
.notice{border:1.2pt solid #000;padding:4pt 6pt;margin:6pt 0;font-weight:bold}
.rubric-note{font-style:italic;margin:4pt 0 8pt}
.intro{font-size:9pt}
.meta{font-size:9pt;margin:1pt 0 0 0}
.skill{font-size:9pt;margin:2pt 0 0 0}
.evidence{font-size:9pt;margin:2pt 0 0 8pt;padding:1pt 0 1pt 5pt;border-left:1.5pt solid #777}
table{width:100%}
td,th{padding:2pt 3pt 2pt 3pt;vertical-align:top;text-align:left}
table.details td.key{width:28%;font-weight:bold}
table.scores td,table.scores th,table.items td,table.items th{border-bottom:0.5pt solid #aaa}
table.scores th,table.items th{font-weight:bold;font-size:9pt}
td.name{width:38%}
td.barcell{width:27%;vertical-align:middle}
td.value{width:9%;text-align:right;font-weight:bold}
td.band{width:26%;font-size:9pt}
tr.total td{border-top:1pt solid #000;font-weight:bold}
table.bar{width:100%;border:0.6pt solid #000}
table.bar td{padding:0;height:7pt;font-size:1pt}
td.fill{background-color:#4a4a4a}
td.empty{background-color:#ffffff}
td.result{width:30%}
table.timeline td,table.timeline th{font-size:8.5pt;border-bottom:0.5pt solid #aaa;padding:1.5pt 2pt}
table.timeline .n{text-align:right}
.status{font-weight:bold}
ol,ul{margin:2pt 0 4pt 0}
li{margin:0 0 5pt 0}
.appendix{-pdf-page-break:before}
.footer{font-size:8pt;color:#333}
"""


def _t(text: str) -> str:
    """User text, control characters and characters outside the font shown as �, escaped, line breaks kept."""
    return html.escape(_drawable(printable(text))).replace("\n", "<br/>")


def _drawable(text: str) -> str:
    """``text`` with each character the bundled font cannot draw replaced by U+FFFD (which it can)."""
    covered = _covered()
    return "".join(ch if ord(ch) in covered or ch in "\n\t" else "\ufffd" for ch in text)


def _bar(percent: float | None) -> str:
    width = 0 if percent is None else max(0, min(100, round(percent)))
    if width == 0:
        cells = '<td class="empty">&nbsp;</td>'
    elif width == 100:
        cells = '<td class="fill">&nbsp;</td>'
    else:
        cells = f'<td class="fill" width="{width}%">&nbsp;</td><td class="empty" width="{100 - width}%">&nbsp;</td>'
    return f'<table class="bar" cellspacing="0" cellpadding="0"><tr>{cells}</tr></table>'


def _score_row(line: SectionLine, total: bool = False) -> str:
    band = _t(line.word) if line.word else "–"
    return (
        f'<tr{" class=total" if total else ""}><td class="name">{_t(line.title)}<div class="meta">{_t(line.basis)}</div></td>'
        f'<td class="barcell">{_bar(line.percent)}</td><td class="value">{percent_text(line.percent)}</td>'
        f'<td class="band">{band}</td></tr>'
    )


def _pairs(rows: Iterable[tuple[str, str]], css: str = "details") -> str:
    body = "".join(f'<tr><td class="key">{_t(k)}</td><td>{_t(v)}</td></tr>' for k, v in rows)
    return f'<table class="{css}">{body}</table>'


def _note(note: NoteLine) -> str:
    out = f"<li>{_t(note.text)}"
    if note.skill is not None:
        s = note.skill
        out += f'<p class="skill">Skill: <i>{_t(s.text)}</i> ({_t(s.section)}), scored <b>{_t(s.result)}</b></p>'
        if s.evidence:
            out += f'<p class="evidence"><b>Evidence noted:</b> {_t(s.evidence)}</p>'
        for clock, text in s.marks:
            out += f'<p class="evidence"><b>Marked at {_t(clock)}:</b> {_t(text)}</p>'
    return out + "</li>"


#: The fields laid out by name below; any other field of the sheet model is printed by ``_other_fields``.
_LAID_OUT = {
    "title", "subtitle", "notices", "details", "sections", "overall", "ratings", "tallies", "self_assessment",
    "strengths", "development_areas", "actions", "carried", "practitioner_comment", "scales", "codes_used",
    "appendix", "rubric_line", "summary", "response_note", "bands", "timeline", "tally_note", "self_rating", "self_reflection",
    "rubric_note", "agreed",
}  # fmt: skip


def _texts(value: object) -> list[str]:
    """Every text inside a value of the sheet model (strings, lists, tuples, dataclasses), in order."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, bool | int | float) or value is None:
        return []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [t for f in dataclasses.fields(value) for t in _texts(getattr(value, f.name))]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _texts(v)]
    return [str(value)]


def _other_fields(sheet: FeedbackSheet) -> list[str]:
    """Fields the sheet model has beyond those laid out here, each under its name as a heading."""
    out: list[str] = []
    for f in dataclasses.fields(sheet):
        if f.name in _LAID_OUT:
            continue
        texts = _texts(getattr(sheet, f.name))
        if texts:
            out.append(f"<h2>{_t(f.name.replace('_', ' ').capitalize())}</h2>")
            out += [f"<p>{_t(text)}</p>" for text in texts]
    return out


def sheet_html(sheet: FeedbackSheet) -> str:
    """The print HTML that xhtml2pdf turns into the A4 PDF (public for tests and for a look in a browser)."""
    out = [
        '<html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>{_t(sheet.subtitle)}: feedback</title>",
        f"<style>{_font_faces()}{_CSS}</style></head><body>",
        f'<div id="footer" class="footer">{_t(sheet.subtitle)} · page <pdf:pagenumber> of <pdf:pagecount></div>',
        f"<h1>{_t(sheet.title)}</h1>",
        f'<p class="subtitle">{_t(sheet.subtitle)}</p>',
    ]
    out += [f'<p class="notice">{_t(notice)}</p>' for notice in sheet.notices]
    if sheet.rubric_note:
        out.append(f'<p class="rubric-note">{_t(sheet.rubric_note)}</p>')
    out += ["<h2>The session</h2>", _pairs(sheet.details)]
    if sheet.agreed:
        out += [f"<h2>{_t(AGREED_HEADING)}</h2>", _pairs(sheet.agreed)]
    out += ["<h2>Section by section</h2>", f'<p class="intro">{_t(scores_intro(sheet))}</p>']
    out.append(f'<table class="scores" repeat="1"><tr><th>Section</th><th>Score</th><th></th><th>{_t(sheet.word_heading)}</th></tr>')
    out += [_score_row(line) for line in sheet.sections]
    out += [_score_row(sheet.overall, total=True), "</table>"]
    if sheet.ratings:
        out += ["<h2>Whole-session ratings</h2>", _pairs(sheet.ratings)]
    if sheet.tallies:
        out += ["<h2>Tallies and indicators</h2>", _pairs(sheet.tallies)]
        if sheet.tally_note:
            out.append(f'<p class="intro">{_t(sheet.tally_note)}</p>')
    if sheet.timeline is not None:
        line = sheet.timeline
        head = "".join(f'<th class="n">{_t(label)}</th>' for label in line.labels)
        out += ["<h3>Timeline</h3>", f'<p class="intro">{_t(timeline_intro(line))}</p>']
        out.append(f'<table class="timeline" repeat="1"><tr><th>Tally</th>{head}<th class="n">Total</th></tr>')
        out += [
            f"<tr><td>{_t(title)}</td>" + "".join(f'<td class="n">{n}</td>' for n in counts) + f'<td class="n">{sum(counts)}</td></tr>'
            for title, counts in line.rows
        ]
        out.append("</table>")
    if sheet.self_rating:
        out += ["<h2>Your self-rating beside the observer's</h2>", f'<p class="intro">{_t(SELF_RATING_INTRO)}</p>']
        out.append('<table class="items" repeat="1"><tr><th>Skill</th><th>You</th><th>Observer</th><th>Difference</th></tr>')
        out += [f"<tr><td>{_t(a)}</td><td>{_t(b)}</td><td>{_t(c)}</td><td>{_t(d)}</td></tr>" for a, b, c, d in sheet.self_rating]
        out.append("</table>")
        if sheet.self_reflection:
            out.append(f"<p><b>Your reflection:</b> {_t(sheet.self_reflection)}</p>")
    if sheet.self_assessment:
        out += ["<h2>Your self-assessment</h2>", f"<p>{_t(sheet.self_assessment)}</p>"]
    for heading, notes in (("What went well", sheet.strengths), ("To develop", sheet.development_areas)):
        if notes:
            out += [f"<h2>{heading}</h2>", "<ol>", *(_note(n) for n in notes), "</ol>"]
    if sheet.summary:
        out += ["<h2>The observer's summary</h2>", f"<p>{_t(sheet.summary)}</p>"]
    if sheet.actions:
        out += ["<h2>Agreed actions</h2>", "<ol>"]
        out += [
            f'<li>{_t(a.text)}<p class="meta"><b>Owner:</b> {_t(a.owner)} · <b>Review by:</b> {_t(a.review)}'
            + (f" · <b>Skill:</b> {_t(a.addresses)}" if a.addresses else "")
            + "</p></li>"
            for a in sheet.actions
        ]
        out.append("</ol>")
    if sheet.carried:
        out += ["<h2>Actions from earlier observations</h2>", "<ul>"]
        for c in sheet.carried:
            agreed = f"<b>Agreed on:</b> {_t(c.agreed)} · " if c.agreed else ""
            comment = f'<p class="evidence"><b>Comment:</b> {_t(c.comment)}</p>' if c.comment else ""
            out.append(
                f'<li><span class="status">{_t(c.status)}:</span> {_t(c.text)}'
                f'<p class="meta">{agreed}<b>Owner:</b> {_t(c.owner)} · <b>Review by:</b> {_t(c.review)}</p>{comment}</li>'
            )
        out.append("</ul>")
    if sheet.practitioner_comment:
        out += ["<h2>Your response</h2>", f"<p>{_t(sheet.practitioner_comment)}</p>"]
        if sheet.response_note:
            out.append(f'<p class="meta">{_t(sheet.response_note)}</p>')
    out += _other_fields(sheet)

    out += ['<div class="appendix"></div>', "<h2>Appendix: skill by skill</h2>"]
    out += [f'<p class="intro">Scale {_t(line)}.</p>' for line in sheet.scales]
    if sheet.codes_used:
        out.append(f'<p class="intro">{_t(CODE_MEANINGS)}</p>')
    for section in sheet.appendix:
        out += [f"<h3>{_t(section.title)}</h3>", '<table class="items" repeat="1"><tr><th>Skill</th><th>Result</th></tr>']
        for item in section.items:
            extra = f'<p class="evidence">{_t(item.evidence)}</p>' if item.evidence else ""
            if item.agreed_because:
                extra += f'<p class="evidence"><b>Agreed score, because:</b> {_t(item.agreed_because)}</p>'
            for clock, text in item.marks:
                extra += f'<p class="evidence"><b>Marked at {_t(clock)}:</b> {_t(text)}</p>'
            out.append(f'<tr><td>{_t(item.text)}{extra}</td><td class="result">{_t(item.result)}</td></tr>')
        out.append("</table>")
        if section.notes:
            out.append(f"<p><b>Observer's notes:</b> {_t(section.notes)}</p>")
    out += [f'<p class="intro">{_t(sheet.rubric_line)}</p>', "</body></html>"]
    return "\n".join(out)


def characters_missing(sheet: FeedbackSheet) -> int:
    """How many characters of the sheet's text the bundled font cannot draw (they print as "�")."""
    covered = _covered()
    return sum(1 for text in _texts(sheet) for ch in printable(text) if ch not in "\n\t" and ord(ch) not in covered)


_COVERED: set[int] = set()


def _covered() -> set[int]:
    """The code points the bundled regular font has glyphs for (read once from its cmap)."""
    if not _COVERED:
        from reportlab.pdfbase.ttfonts import TTFontFile  # type: ignore[import-untyped]

        _COVERED.update(TTFontFile(str(FONT_DIR / _FONTS["normal"])).charToGlyph)
    return _COVERED


def render_pdf_sheet(sheet: FeedbackSheet) -> bytes:
    """The PDF bytes of a sheet model. Raises ``PdfError`` (nothing half-made is returned)."""
    return pdf_from_html(sheet_html(sheet))


def print_style() -> str:
    """The bundled fonts and the A4 print style of the sheets, for another sheet's print HTML (a ``<style>`` body)."""
    return _font_faces() + _CSS


def pdf_from_html(page: str) -> bytes:
    """The PDF bytes of a print HTML page laid out with ``print_style``. Raises ``PdfError`` (nothing half-made is returned)."""
    try:
        from xhtml2pdf import pisa  # type: ignore[import-untyped]
        from xhtml2pdf.config.resources import ResourceAccessPolicy  # type: ignore[import-untyped]
    except ImportError as exc:  # a core dependency: only a broken installation lacks it
        raise PdfError(f"PDF sheets need the xhtml2pdf package ({exc.name} is missing); reinstall seeds-tui") from None
    # Only the bundled fonts may be read; nothing is fetched from the network or anywhere else.
    policy = ResourceAccessPolicy(allow_remote=False, base_dir=FONT_DIR, max_render_seconds=RENDER_SECONDS)
    out = io.BytesIO()
    quiet = logging.getLogger("xhtml2pdf")
    level, quiet.level = quiet.level, logging.CRITICAL  # its warnings would quote the page, which holds personal data
    try:
        result = pisa.CreatePDF(page, dest=out, encoding="utf-8", resource_policy=policy)
    except Exception as exc:  # the library's own failures are many kinds; none must reach the user as a traceback
        raise PdfError(f"the PDF could not be made ({type(exc).__name__}); write the HTML sheet instead") from None
    finally:
        quiet.level = level
    if result.err or not out.getvalue().startswith(b"%PDF"):
        raise PdfError("the PDF could not be made (the PDF library reported an error); write the HTML sheet instead")
    return out.getvalue()


def render_pdf(obs: Observation, rubric: Rubric, selfrating: SelfRating | None = None) -> bytes:
    """The feedback sheet of ``obs`` as PDF bytes, laid out for A4 printing (with the self-rating when there is one)."""
    return render_pdf_sheet(build_sheet(obs, rubric, selfrating))
