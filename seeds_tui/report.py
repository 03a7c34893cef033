"""The practitioner's feedback sheet for one observation, as Markdown or self-contained HTML.

Section results come from ``seeds_tui.scoring`` (the same rule as the app and the team
summaries). All user text is escaped: in HTML with ``html.escape``; in Markdown, characters
that would change the layout are backslash-escaped, so a note is shown as written.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Literal

from seeds_tui.observation import MODES, PURPOSES, Observation
from seeds_tui.rubric import CODES, Rubric
from seeds_tui.scoring import band, indicator_value, overall_score, section_scores

Format = Literal["markdown", "html"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def md_escape(text: str) -> str:
    """Escape Markdown so ``text`` shows literally.

    >>> md_escape("[b]bold[/b] *x*")
    '\\\\[b\\\\]bold\\\\[/b\\\\] \\\\*x\\\\*'
    """
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_block(text: str) -> str:
    """Escaped text whose line breaks survive (Markdown hard breaks between lines)."""
    return "  \n".join(md_escape(line) for line in text.strip().splitlines() if line.strip())


@dataclass(frozen=True)
class ItemLine:
    """One item of the sheet."""

    text: str
    result: str
    evidence: str


def _percent(pct: float | None) -> str:
    return "–" if pct is None else f"{pct:.0f}%"


def _item_result(rubric: Rubric, obs: Observation, section_id: str, item_id: str) -> str:
    item = rubric.item(section_id, item_id)
    score = obs.score(section_id, item_id)
    if score is None or not score.is_set:
        return "not scored"
    if score.code is not None:
        return f"{score.code} ({CODES[score.code].split(':')[0]})"
    level = rubric.scale_of(item).level(score.value)  # type: ignore[arg-type]
    return f"{score.value} {level.label}" if level else str(score.value)


def _item_key_text(rubric: Rubric, key: str | None) -> str | None:
    if key is None:
        return None
    section_id, _, item_id = key.partition(".")
    try:
        return rubric.item(section_id, item_id).text
    except KeyError:
        return key


def _session_rows(obs: Observation) -> list[tuple[str, str]]:
    s = obs.session
    rows = [
        ("Date", s.date.isoformat()),
        ("Practitioner", s.practitioner),
        ("Team", s.team),
        ("Observer", s.observer),
        ("Session type", s.session_type or "–"),
        ("Mode", MODES.get(s.mode, s.mode)),
        ("Purpose", PURPOSES.get(s.purpose, s.purpose)),
        ("Consent recorded", "yes" if s.consent_recorded else "no"),
    ]
    if s.case_reference:
        rows.append(("Case reference", s.case_reference))
    rows.append(("Status", "final" if obs.status == "final" else "draft (not finalised)"))
    return rows


def _tallies(obs: Observation, rubric: Rubric) -> list[tuple[str, str]]:
    """Each tally's count, then each derived indicator (as the review screen shows them)."""
    rows = [(c.title, str(obs.counters.get(c.id, 0))) for c in rubric.counters]
    for ind in rubric.indicators:
        value = indicator_value(rubric, ind.id, obs.counters, obs.globals)
        number = f"{value:.0f}%" if ind.percent and value is not None else f"{value:.2f}" if value is not None else ""
        rows.append((ind.title, number or "– (nothing to compute it from)"))
    return rows


def render_markdown(obs: Observation, rubric: Rubric) -> str:
    """The feedback sheet as Markdown."""
    e = md_escape
    out: list[str] = [f"# Feedback: {e(rubric.title)}", ""]
    out += ["| | |", "|---|---|"]
    out += [f"| {e(k)} | {e(v)} |" for k, v in _session_rows(obs)]
    out.append("")
    results = section_scores(obs, rubric)
    total = overall_score(results)
    out += ["## Sections", "", "| Section | Scored | NA | NO | % of max | Band |", "|---|---|---|---|---|---|"]
    for r in results:
        out.append(f"| {e(r.title)} | {r.scored}/{r.total} | {r.na} | {r.no} | {_percent(r.percent)} | {band(r.percent) or '–'} |")
    overall = f"{total.scored}/{total.total} | {total.na} | {total.no} | {_percent(total.percent)} | {band(total.percent) or '–'}"
    out.append(f"| **All sections** | {overall} |")
    out.append("")
    for section in rubric.sections:
        out += [f"### {e(section.title)}", ""]
        for item in section.items:
            result = _item_result(rubric, obs, section.id, item.id)
            out.append(f"- **{e(item.text)}**: {e(result)}")
            score = obs.score(section.id, item.id)
            if score is not None and score.evidence:
                out.append(f"  - Evidence: {_md_block(score.evidence)}")
        note = obs.section_notes.get(section.id)
        if note:
            out += ["", f"Notes: {_md_block(note)}"]
        out.append("")
    if rubric.globals:
        out += ["## Whole-session ratings", ""]
        for g in rubric.globals:
            value = obs.globals.get(g.id)
            level = rubric.scale_of(g).level(value) if value is not None else None
            shown = f"{value} {level.label}" if level else "not rated"
            out.append(f"- **{e(g.title)}**: {e(shown)}")
        out.append("")
    if rubric.counters or rubric.indicators:
        out += ["## Tallies and indicators", ""]
        for title, shown in _tallies(obs, rubric):
            out.append(f"- **{e(title)}**: {e(shown)}")
        out.append("")
    fb = obs.feedback
    out += ["## Feedback", ""]
    if fb.self_assessment:
        out += ["### The practitioner's self-assessment", "", _md_block(fb.self_assessment), ""]
    for title, notes in (("Strengths", fb.strengths), ("Development areas", fb.development_areas)):
        out += [f"### {title}", ""]
        if not notes:
            out.append("- none recorded")
        for n in notes:
            link = _item_key_text(rubric, n.item)
            out.append(f"- {_md_block(n.text)}" + (f" (item: {e(link)})" if link else ""))
        out.append("")
    out += ["### Agreed actions", ""]
    if not fb.actions:
        out.append("- none recorded")
    for a in fb.actions:
        review = a.review_date.isoformat() if a.review_date else "not set"
        out.append(f"- {_md_block(a.text)} (owner: {e(a.owner or 'not set')}; review: {review})")
    out.append("")
    if fb.practitioner_comment:
        out += ["### The practitioner's comment", "", _md_block(fb.practitioner_comment), ""]
    return "\n".join(out).rstrip() + "\n"


_CSS = """
body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.45}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}.evidence{color:#333;margin:.1rem 0 .4rem 1rem;white-space:pre-wrap}.note{white-space:pre-wrap}
@media print{body{margin:0}}
"""


def render_html(obs: Observation, rubric: Rubric) -> str:
    """The feedback sheet as one self-contained HTML page (no scripts, no external files)."""
    h = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Feedback: {h(rubric.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Feedback: {h(rubric.title)}</h1>",
        "<table>",
    ]
    out += [f"<tr><th>{h(k)}</th><td>{h(v)}</td></tr>" for k, v in _session_rows(obs)]
    out.append("</table>")
    results = section_scores(obs, rubric)
    total = overall_score(results)
    out += ["<h2>Sections</h2>", "<table><tr><th>Section</th><th>Scored</th><th>NA</th><th>NO</th><th>% of max</th><th>Band</th></tr>"]
    for r in [*results, total]:
        out.append(
            f"<tr><td>{h(r.title)}</td><td>{r.scored}/{r.total}</td><td>{r.na}</td><td>{r.no}</td>"
            f"<td>{_percent(r.percent)}</td><td>{h(band(r.percent) or '–')}</td></tr>"
        )
    out.append("</table>")
    for section in rubric.sections:
        out += [f"<h3>{h(section.title)}</h3>", "<ul>"]
        for item in section.items:
            result = _item_result(rubric, obs, section.id, item.id)
            score = obs.score(section.id, item.id)
            evidence = f'<div class="evidence">Evidence: {h(score.evidence)}</div>' if score is not None and score.evidence else ""
            out.append(f"<li><strong>{h(item.text)}</strong>: {h(result)}{evidence}</li>")
        out.append("</ul>")
        note = obs.section_notes.get(section.id)
        if note:
            out.append(f'<p class="note">Notes: {h(note)}</p>')
    if rubric.globals:
        out += ["<h2>Whole-session ratings</h2>", "<ul>"]
        for g in rubric.globals:
            value = obs.globals.get(g.id)
            level = rubric.scale_of(g).level(value) if value is not None else None
            out.append(f"<li><strong>{h(g.title)}</strong>: {h(f'{value} {level.label}' if level else 'not rated')}</li>")
        out.append("</ul>")
    if rubric.counters or rubric.indicators:
        out += ["<h2>Tallies and indicators</h2>", "<ul>"]
        for title, shown in _tallies(obs, rubric):
            out.append(f"<li><strong>{h(title)}</strong>: {h(shown)}</li>")
        out.append("</ul>")
    fb = obs.feedback
    out.append("<h2>Feedback</h2>")
    if fb.self_assessment:
        out += ["<h3>The practitioner's self-assessment</h3>", f'<p class="note">{h(fb.self_assessment)}</p>']
    for title, notes in (("Strengths", fb.strengths), ("Development areas", fb.development_areas)):
        out += [f"<h3>{title}</h3>", "<ul>"]
        if not notes:
            out.append("<li>none recorded</li>")
        for n in notes:
            link = _item_key_text(rubric, n.item)
            out.append(f'<li class="note">{h(n.text)}{f" <em>(item: {h(link)})</em>" if link else ""}</li>')
        out.append("</ul>")
    out += ["<h3>Agreed actions</h3>", "<ul>"]
    if not fb.actions:
        out.append("<li>none recorded</li>")
    for a in fb.actions:
        review = a.review_date.isoformat() if a.review_date else "not set"
        out.append(f'<li class="note">{h(a.text)} <em>(owner: {h(a.owner or "not set")}; review: {review})</em></li>')
    out.append("</ul>")
    if fb.practitioner_comment:
        out += ["<h3>The practitioner's comment</h3>", f'<p class="note">{h(fb.practitioner_comment)}</p>']
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render_report(obs: Observation, rubric: Rubric, fmt: Format = "markdown") -> str:
    """The feedback sheet in ``fmt`` (``markdown`` or ``html``)."""
    if fmt == "html":
        return render_html(obs, rubric)
    return render_markdown(obs, rubric)
