"""The practitioner's feedback sheet for one observation, as Markdown or self-contained HTML.

The sheet is written for the practitioner who was observed: session details (never the case
reference), a score and a bar per section with its band in words, what went well and what to
develop (each with the evidence note of the skill it is about), the agreed actions, how the
actions from earlier observations stand, the practitioner's own words, and an item-by-item
appendix. It is developmental: it never ranks the practitioner or compares them with anyone.

``build_sheet`` gathers everything into plain data (one place for wording and order);
``render_markdown`` and ``render_html`` only lay it out. Section results come from
``seeds_tui.core.scoring`` (the same rule as the app and the team summaries). All user text is
escaped: in HTML with ``html.escape``; in Markdown, characters that would change the layout
are backslash-escaped, so a note is shown as written.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from seeds_tui.core.observation import ACTION_STATUSES, MODES, PURPOSES, SENTENCES, Observation
from seeds_tui.core.rubric import Rubric, Scale
from seeds_tui.core.scoring import (
    BANDS,
    SectionScore,
    band,
    band_ranges,
    indicator_value,
    overall_score,
    own_bands,
    score_words,
    section_scale,
    section_scores,
    typical_level,
)
from seeds_tui.core.selfrating import SelfRating
from seeds_tui.core.tallies import Timeline, per_minute, rates_shown, timeline, times_kept
from seeds_tui.core.text import format_elapsed

Format = Literal["markdown", "html"]

#: The purpose as the practitioner reads it on the sheet.
SHEET_PURPOSES = {
    "developmental": "Developmental: to support your practice",
    "quality_assurance": "Quality assurance",
    "calibration": "Calibration: checking that observers score alike",
}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
# A line starting like a list item, a quote, a heading rule or a numbered list changes the layout.
_MD_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")

#: Shown for each band so that a band name never stands without its range.

#: What the codes mean, in the practitioner's words (the file and the app say NA / NO).
NOT_APPLICABLE = "Not applicable"
NOT_OBSERVED = "Not observed"
CODE_MEANINGS = (
    f"{NOT_APPLICABLE}: the session did not call for this skill. "
    f"{NOT_OBSERVED}: the observer could not see or hear enough to judge it. "
    "Neither counts towards the percentages."
)
CONSENSUS_NOTICE = (
    "Agreed record of a double-scored session: two observers scored this session independently and then agreed these scores together."
)
ONE_OF_TWO_NOTICE = "One observer's own scores from a session that two observers scored; the record they agree together may differ."
DRAFT_NOTICE = "Draft: this observation has not been finalised yet, so scores and notes may still change."


def md_escape(text: str) -> str:
    """Escape Markdown so ``text`` shows literally.

    >>> md_escape("[b]bold[/b] *x*")
    '\\\\[b\\\\]bold\\\\[/b\\\\] \\\\*x\\\\*'
    """
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_line(line: str) -> str:
    """One line, escaped, that cannot start a list, a numbered list or a heading underline.

    >>> print(_md_line("- a"), _md_line("12. b"), _md_line("= c"))
    \\- a 12\\. b \\= c
    """
    escaped = md_escape(line)
    match = _MD_LINE_START.match(escaped)
    if match is None:
        return escaped
    marker = match.group(2)
    if marker[0].isdigit():  # "12." -> "12\.": the escape goes before the full stop
        end = match.end()
        return escaped[:end] + "\\" + escaped[end:]
    return match.group(1) + "\\" + escaped[match.start(2) :]


def _md_block(text: str) -> str:
    """Escaped text whose line breaks survive (Markdown hard breaks between lines).

    Lines lose their indent, which would otherwise turn them into a code block.
    """
    return "  \n".join(_md_line(line.strip()) for line in text.strip().splitlines() if line.strip())


def _md_cell(text: str) -> str:
    """Escaped text on one line, for a table cell."""
    return md_escape(" ".join(text.split()))


def long_date(day: date) -> str:
    """A date as people write it on a letter.

    >>> long_date(date(2026, 11, 3))
    '3 November 2026'
    """
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def text_bar(percent: float | None, width: int = 10) -> str:
    """A bar of ``width`` block characters, filled to the nearest tenth.

    >>> text_bar(80)
    '████████░░'
    >>> text_bar(None)
    '░░░░░░░░░░'
    """
    filled = 0 if percent is None else max(0, min(width, round(percent * width / 100)))
    return "█" * filled + "░" * (width - filled)


def percent_text(percent: float | None) -> str:
    """``80%``, or ``–`` when nothing could be scored."""
    return "–" if percent is None else f"{percent:.0f}%"


# -- the sheet as plain data --------------------------------------------------------------------


@dataclass(frozen=True)
class SectionLine:
    """One section's result (or the whole session's)."""

    title: str
    percent: float | None
    band: str | None
    basis: str
    #: The level the skills were scored at on average, in the scale's words (shown where the rubric names no bands).
    level: str | None = None

    @property
    def word(self) -> str | None:
        """What the sheet shows beside the score: the band, else the typical level."""
        return self.band or self.level


@dataclass(frozen=True)
class SkillRef:
    """The skill a strength or development area is about, with what the observer recorded."""

    section: str
    text: str
    result: str
    evidence: str
    #: Marks the observer attached to the item during the session, as ``(clock, text)``.
    marks: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NoteLine:
    """A strength or a development area."""

    text: str
    skill: SkillRef | None


@dataclass(frozen=True)
class ActionLine:
    """An action agreed at this observation."""

    text: str
    owner: str
    review: str
    #: The item it addresses ("Section › Item"), or "" when not linked.
    addresses: str = ""


@dataclass(frozen=True)
class CarriedLine:
    """An action from an earlier observation and how it stands now."""

    text: str
    status: str
    owner: str
    review: str
    agreed: str
    comment: str


@dataclass(frozen=True)
class ItemResult:
    """One item in the appendix."""

    text: str
    result: str
    evidence: str
    agreed_because: str
    #: Marks the observer attached to the item during the session, as ``(clock, text)``.
    marks: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SectionDetail:
    """One section in the appendix."""

    title: str
    items: list[ItemResult]
    notes: str


@dataclass(frozen=True)
class FeedbackSheet:
    """Everything on the sheet, in order, as text (nothing escaped yet)."""

    title: str
    subtitle: str
    notices: list[str]
    details: list[tuple[str, str]]
    sections: list[SectionLine]
    overall: SectionLine
    ratings: list[tuple[str, str]]
    tallies: list[tuple[str, str]]
    self_assessment: str
    strengths: list[NoteLine]
    development_areas: list[NoteLine]
    actions: list[ActionLine]
    carried: list[CarriedLine]
    practitioner_comment: str
    scales: list[str]
    codes_used: bool
    appendix: list[SectionDetail]
    rubric_line: str
    #: The observer's overall summary.
    summary: str = ""
    #: "Added on 16 March 2026, after the observation was finalised" ("" when written before).
    response_note: str = ""
    #: The rubric's bands in words ("" when it names none).
    bands: str = ""
    #: Each pressed tally's presses per block of session time (rows titled), or None.
    timeline: Timeline | None = None
    #: Why rates and the timeline are missing beside the tallies ("" when shown, or no tallies).
    tally_note: str = ""
    #: The rubric's note for every sheet (its ``sheet_note``, e.g. "MI-informed, not the MITI"; "" for none).
    rubric_note: str = ""

    @property
    def word_heading(self) -> str:
        """The heading of the word beside each score: "Band" when the rubric names bands, else "Typical level"."""
        return "Band" if self.bands else "Typical level"

    #: The practitioner's self-rating beside the observer's, item by item, the largest differences
    #: first, as (item, self, observer, difference); empty when there is no self-rating.
    self_rating: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: The practitioner's reflection written with the self-rating.
    self_reflection: str = ""
    #: What was agreed with the practitioner before the session, as (heading, text): the
    #: "Agreed focus" and the "Practitioner's plan", each only when recorded (the plan keeps its lines).
    agreed: list[tuple[str, str]] = field(default_factory=list)


def _item_result(rubric: Rubric, obs: Observation, section_id: str, item_id: str) -> str:
    item = rubric.item(section_id, item_id)
    return score_words(rubric.scale_of(item), obs.score(section_id, item_id), style="sheet")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _basis(r: SectionScore) -> str:
    """What a section's percent rests on, in words (NA/NO spelt out).

    >>> _basis(SectionScore("s", "S", total=5, levels=3, na=1, no=1))
    '3 skills (left out: 1 not applicable, 1 not observed)'
    """
    left_out = []
    if r.na:
        left_out.append(f"{r.na} not applicable")
    if r.no:
        left_out.append(f"{r.no} not observed")
    unscored = r.total - r.scored
    if unscored:
        left_out.append(f"{unscored} not scored")
    shown = _count(r.levels, "skill") if r.levels else "no skill given a level"
    return f"{shown} (left out: {', '.join(left_out)})" if left_out else shown


def _section_line(
    r: SectionScore, title: str | None = None, *, bands: Sequence[tuple[float, str]] = BANDS, scale: Scale | None = None
) -> SectionLine:
    """A section's line: banded by ``bands`` when there are any, else named by its typical level on ``scale``."""
    if bands:
        return SectionLine(title or r.title, r.percent, band(r.percent, bands=bands), _basis(r))
    return SectionLine(title or r.title, r.percent, None, _basis(r), typical_level(scale, r))


def _slug(text: str, limit: int) -> str:
    """``Siân Llŷr-Jones`` -> ``sian-llyr-jones``: letters and digits of ``text`` in ASCII, dash-joined, at most ``limit`` long."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[A-Za-z0-9]+", ascii_text.lower())
    return "-".join(words)[:limit].strip("-")


def sheet_file_stem(obs: Observation) -> str:
    """The name (without suffix) of an observation's feedback sheet: the session date, the
    practitioner, the rubric and the observation's id, so that a practitioner's sheets sort by
    date and two of them are told apart at a glance, while the id keeps each one unique.
    Never the case reference. Letters, digits and dashes only (any file system takes it).

    >>> from seeds_tui.core.observation import RubricRef, Session, new_observation
    >>> from datetime import date
    >>> obs = new_observation(rubric=RubricRef(id="seed-one-to-one", version="1.0.0", sha256="0" * 64),
    ...     session=Session(date=date(2026, 11, 23), observer="Sam", practitioner="Siân Llŷr-Jones", team="North"))
    >>> sheet_file_stem(obs) == f"2026-11-23-sian-llyr-jones-seed-one-to-one-{obs.id}"
    True
    """
    parts = [obs.session.date.isoformat(), _slug(obs.session.practitioner, 30), _slug(obs.rubric.id, 30), obs.id]
    return "-".join(p for p in parts if p)


def item_marks(obs: Observation, key: str) -> tuple[tuple[str, str], ...]:
    """The marks and notes attached to ``section.item`` during the session, in clock order, as
    ``(clock, text)``: evidence for that item, shown with it on the sheet."""
    found = sorted((e for e in obs.events if e.item == key), key=lambda e: e.elapsed)
    return tuple((format_elapsed(e.elapsed), " ".join(e.text.split()) or "(marked, no words)") for e in found)


def _addresses(rubric: Rubric, key: str | None) -> str:
    """ "Section › Item" for an action's linked item ("" when none, or not in the rubric)."""
    if key is None:
        return ""
    section_id, _, item_id = key.partition(".")
    try:
        return f"{rubric.section(section_id).title} › {rubric.item(section_id, item_id).text}"
    except KeyError:
        return ""


def _skill(rubric: Rubric, obs: Observation, key: str | None) -> SkillRef | None:
    if key is None:
        return None
    section_id, _, item_id = key.partition(".")
    try:
        section = rubric.section(section_id)
        item = rubric.item(section_id, item_id)
    except KeyError:
        return None  # check_against_rubric reports it; the note itself still shows
    score = obs.score(section_id, item_id)
    evidence = score.evidence.strip() if score is not None else ""
    return SkillRef(section.title, item.text, _item_result(rubric, obs, section_id, item_id), evidence, item_marks(obs, key))


def _indicator_text(value: float | None, percent: bool) -> str:
    if value is None:
        return "– (nothing to work it out from)"
    return f"{value:.0f}%" if percent else f"{value:.2f}"


#: Said beside tallies whose press times were not all kept.
NO_TALLY_TIMES = (
    "The time of each press was not kept for these tallies (recorded before seeds-tui kept them, or a very "
    "busy tally), so the totals are shown without rates per minute or a timeline."
)
#: Said beside tallies whose times were kept, when the session clock ran for under a minute.
SHORT_SESSION_TALLIES = "The session clock ran for less than a minute, so the totals are shown without rates per minute or a timeline."


def _tally_note(obs: Observation, rubric: Rubric) -> str:
    """Why a sheet's tallies show totals only (times not kept, or too short a session), or ""."""
    ids = [c.id for c in rubric.counters]
    if not any(obs.counters.get(i, 0) for i in ids) or rates_shown(obs, ids):
        return ""
    return SHORT_SESSION_TALLIES if times_kept(obs, ids) else NO_TALLY_TIMES


def tally_text(obs: Observation, rubric: Rubric, counter_id: str) -> str:
    """A tally's count, with its rate per minute when the press times were kept: ``12 (0.30 a minute)``."""
    count = obs.counters.get(counter_id, 0)
    if not rates_shown(obs, [c.id for c in rubric.counters]):
        return str(count)
    return f"{count} ({per_minute(obs, counter_id):.2f} a minute)"


def _tallies(obs: Observation, rubric: Rubric) -> list[tuple[str, str]]:
    """Each tally's count (and rate), then each derived indicator (as the review screen shows them)."""
    rows = [(c.title, tally_text(obs, rubric, c.id)) for c in rubric.counters]
    for ind in rubric.indicators:
        value = indicator_value(rubric, ind.id, obs.counters, obs.globals)
        rows.append((ind.title, _indicator_text(value, ind.percent)))
    return rows


def _timeline(obs: Observation, rubric: Rubric) -> Timeline | None:
    """The timeline of the tallies pressed at least once, rows titled; None when nothing to show."""
    pressed = [c for c in rubric.counters if obs.counters.get(c.id, 0)]
    line = timeline(obs, [c.id for c in pressed])
    if line is None:
        return None
    titles = {c.id: c.title for c in pressed}
    return Timeline(line.minutes, line.labels, tuple((titles[cid], counts) for cid, counts in line.rows))


def timeline_intro(line: Timeline) -> str:
    """The sentence above a timeline."""
    return f"Presses of each tally in each {line.minutes} minutes of the session clock (minutes from its start)."


def _scales_used(rubric: Rubric) -> list[str]:
    """Each item scale, as 'Title: 0 Missed, 1 Emerging, …' (once per scale)."""
    seen: list[str] = []
    lines = []
    for section in rubric.sections:
        for item in section.items:
            if item.scale in seen:
                continue
            seen.append(item.scale)
            scale = rubric.scale_of(item)
            levels = ", ".join(f"{level.value} {level.label}" for level in scale.levels)
            lines.append(f"“{scale.title}”: {levels}" if scale.title else levels)
    return lines


def minutes_text(seconds: int) -> str:
    """A length of time as a person says it: whole minutes, at least one.

    >>> minutes_text(2950), minutes_text(20), minutes_text(60)
    ('49 minutes', '1 minute', '1 minute')
    """
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def _feedback_line(obs: Observation) -> str:
    """When the feedback conversation was held and how long it took ("" when neither is recorded)."""
    fb = obs.feedback
    parts = []
    if fb.date is not None:
        parts.append(long_date(fb.date))
    if fb.elapsed:
        parts.append(minutes_text(fb.elapsed))
    return ", ".join(parts)


SELF_RATING_INTRO = "Your rating of the session beside the observer's, item by item, the largest differences first."


def self_rating_rows(obs: Observation, rubric: Rubric, record: SelfRating) -> list[tuple[str, str, str, str]]:
    """The sheet's rows of a self-rating: (item, self, observer, difference), the largest differences first."""
    from seeds_tui.core.selfrating import gap_words, gaps

    def words(section_id: str, item_id: str, value: int | str | None) -> str:
        if value is None:
            return "–"
        if isinstance(value, str):
            return "not applicable" if value == "NA" else "not observed"
        level = rubric.scale_of(rubric.item(section_id, item_id)).level(value)
        return f"{value} {level.label}" if level is not None else str(value)

    return [
        (f"{g.section_title}: {g.text}", words(g.section, g.item, g.self_rating), words(g.section, g.item, g.observer), gap_words(g))
        for g in gaps(obs, record, rubric)
    ]


#: The heading of the part of the sheet that holds the focus and plan agreed before the session.
AGREED_HEADING = "Agreed before the session"


def agreed_before(obs: Observation) -> list[tuple[str, str]]:
    """The focus and plan agreed with the practitioner at set-up, as (heading, text), each only
    when recorded: the sheet shows them near the top, and the review step shows them too."""
    s = obs.session
    out = []
    if s.focus.strip():
        out.append(("Agreed focus", " ".join(s.focus.split())))
    if s.plan.strip():
        out.append(("Practitioner's plan", "\n".join(line.strip() for line in s.plan.strip().splitlines() if line.strip())))
    return out


def build_sheet(obs: Observation, rubric: Rubric, selfrating: SelfRating | None = None) -> FeedbackSheet:
    """Everything the feedback sheet shows, in order. The case reference is never included.

    ``selfrating``: the practitioner's self-rating of ``obs``, shown beside the observer's scores."""
    s = obs.session
    details = [
        ("Date", long_date(s.date)),
        ("Practitioner", s.practitioner),
        ("Team", s.team),
        ("Observer", s.observer),
        ("Session type", " ".join(s.session_type.split()) or "not recorded"),
        ("Mode", MODES.get(s.mode, s.mode)),
        ("Purpose", SHEET_PURPOSES.get(s.purpose, PURPOSES.get(s.purpose, s.purpose))),
    ]
    if s.sentence is not None:
        details.append(("Order or licence", SENTENCES[s.sentence]))
    if s.change_target.strip():
        details.append(("Change target", " ".join(s.change_target.split())))
    if s.elapsed:
        details.append(("Session length", minutes_text(s.elapsed)))
    if feedback_line := _feedback_line(obs):
        details.append(("Feedback conversation", feedback_line))
    details.append(("Rubric", f"{rubric.title}, version {rubric.version}"))
    notices = []
    if obs.consensus is not None:
        notices.append(CONSENSUS_NOTICE)
    elif s.session_ref is not None:
        notices.append(ONE_OF_TWO_NOTICE)
    if obs.status != "final":
        notices.append(DRAFT_NOTICE)

    results = section_scores(obs, rubric)
    fb = obs.feedback
    ratings = []
    if any(g.id in obs.globals for g in rubric.globals):  # none rated: the part is left out, not shown empty
        for g in rubric.globals:
            value = obs.globals.get(g.id)
            ratings.append((g.title, score_words(rubric.scale_of(g), value, style="sheet", unscored="not rated")))
    rationale = obs.consensus.rationale if obs.consensus is not None else {}
    appendix = [
        SectionDetail(
            section.title,
            [
                ItemResult(
                    item.text,
                    _item_result(rubric, obs, section.id, item.id),
                    (score.evidence.strip() if (score := obs.score(section.id, item.id)) is not None else ""),
                    rationale.get(f"{section.id}.{item.id}", "").strip(),
                    item_marks(obs, f"{section.id}.{item.id}"),
                )
                for item in section.items
            ],
            obs.section_notes.get(section.id, "").strip(),
        )
        for section in rubric.sections
    ]
    codes_used = any(r.na or r.no for r in results)
    # Skill ratings read in the scale's own words unless the rubric names bands of its own: the
    # default bands were made for programme audits (every item at Competent would read "very high").
    bands = own_bands(rubric)
    return FeedbackSheet(
        title="Feedback on your observed session",
        subtitle=f"{s.practitioner} · {rubric.title} · {long_date(s.date)}",
        notices=notices,
        details=details,
        sections=[_section_line(r, bands=bands, scale=section_scale(rubric, r.section_id)) for r in results],
        overall=_section_line(overall_score(results), "Whole session", bands=bands, scale=section_scale(rubric)),
        bands=band_ranges(bands),
        rubric_note=" ".join(rubric.sheet_note.split()),
        ratings=ratings,
        tallies=_tallies(obs, rubric) if rubric.counters or rubric.indicators else [],
        self_assessment=fb.self_assessment.strip(),
        strengths=[NoteLine(n.text.strip(), _skill(rubric, obs, n.item)) for n in fb.strengths],
        development_areas=[NoteLine(n.text.strip(), _skill(rubric, obs, n.item)) for n in fb.development_areas],
        actions=[
            ActionLine(
                a.text.strip(),
                a.owner.strip() or "not set",
                long_date(a.review_date) if a.review_date else "not set",
                _addresses(rubric, a.item),
            )
            for a in fb.actions
        ],
        carried=[
            CarriedLine(
                c.text.strip(),
                ACTION_STATUSES[c.status] if c.status else "Not yet reviewed",
                c.owner.strip() or "not set",
                long_date(c.review_date) if c.review_date else "not set",
                long_date(c.agreed) if c.agreed else "",
                c.comment.strip(),
            )
            for c in fb.carried
        ],
        practitioner_comment=fb.practitioner_comment.strip(),
        scales=_scales_used(rubric),
        codes_used=codes_used,
        appendix=appendix,
        rubric_line=f"Scored against the rubric “{rubric.title}” ({rubric.id}), version {rubric.version}",
        summary=fb.summary.strip(),
        response_note=(
            f"Added on {long_date(fb.response_added.date())}, after the observation was finalised."
            if fb.response_added is not None and fb.practitioner_comment.strip()
            else ""
        ),
        timeline=_timeline(obs, rubric),
        tally_note=_tally_note(obs, rubric),
        self_rating=self_rating_rows(obs, rubric, selfrating) if selfrating is not None else [],
        self_reflection=selfrating.reflection.strip() if selfrating is not None else "",
        agreed=agreed_before(obs),
    )


# -- Markdown -----------------------------------------------------------------------------------


def scores_intro(sheet: FeedbackSheet) -> str:
    """The words above the section scores: how a score is made, and the rubric's bands (or what the typical level is)."""
    text = (
        "Each score is the share of the most points possible, counting only the skills that were scored "
        "(not those that were not applicable or not observed)."
    )
    if sheet.bands:
        return f"{text} Bands: {sheet.bands}."
    typical = "The typical level is where the section's skills were scored, taken together, in the scale's own words"
    return f"{text} {typical} (the scales are in the appendix)."


def _md_skill(skill: SkillRef) -> list[str]:
    e = md_escape
    out = [f"   - Skill: *{e(skill.text)}* ({e(skill.section)}), scored {e(skill.result)}"]
    if skill.evidence:
        out.append(f"   - Evidence noted: {_md_block(skill.evidence)}")
    for clock, text in skill.marks:
        out.append(f"   - Marked at {clock}: {_md_block(text)}")
    return out


def render_markdown(obs: Observation, rubric: Rubric, selfrating: SelfRating | None = None) -> str:
    """The feedback sheet as Markdown (readable as plain text too)."""
    sheet = build_sheet(obs, rubric, selfrating)
    e = md_escape
    out: list[str] = [f"# {e(sheet.title)}", "", e(sheet.subtitle), ""]
    for notice in sheet.notices:
        out += [f"> **{e(notice)}**", ""]
    if sheet.rubric_note:
        out += [f"*{e(sheet.rubric_note)}*", ""]
    out += ["| Session | |", "|---|---|"]
    out += [f"| {e(k)} | {_md_cell(v)} |" for k, v in sheet.details]
    out.append("")
    if sheet.agreed:
        out += [f"## {AGREED_HEADING}", ""]
        out += [f"**{e(heading)}:** {_md_block(text)}\n" for heading, text in sheet.agreed]

    out += ["## Section by section", "", scores_intro(sheet), ""]
    out += [f"| Section | Score | {sheet.word_heading} | Based on |", "|---|---|---|---|"]
    for line in [*sheet.sections, sheet.overall]:
        name = f"**{e(line.title)}**" if line is sheet.overall else e(line.title)
        word = e(line.word) if line.word else "–"
        out.append(f"| {name} | {text_bar(line.percent)} {percent_text(line.percent)} | {word} | {e(line.basis)} |")
    out.append("")
    if sheet.ratings:
        out += ["## Whole-session ratings", ""]
        out += [f"- **{e(title)}**: {e(shown)}" for title, shown in sheet.ratings]
        out.append("")
    if sheet.tallies:
        out += ["## Tallies and indicators", ""]
        out += [f"- **{e(title)}**: {e(shown)}" for title, shown in sheet.tallies]
        out.append("")
        if sheet.tally_note:
            out += [e(sheet.tally_note), ""]
    if sheet.timeline is not None:
        blocks = sheet.timeline
        out += ["### Timeline", "", timeline_intro(blocks), ""]
        out += ["| Tally | " + " | ".join(blocks.labels) + " | Total |", "|---|" + "---:|" * (len(blocks.labels) + 1)]
        out += [f"| {e(title)} | " + " | ".join(map(str, counts)) + f" | {sum(counts)} |" for title, counts in blocks.rows]
        out.append("")
    if sheet.self_rating:
        out += ["## Your self-rating beside the observer's", "", SELF_RATING_INTRO, ""]
        out += ["| Skill | You | Observer | Difference |", "|---|---|---|---|"]
        out += [f"| {_md_cell(a)} | {_md_cell(b)} | {_md_cell(c)} | {_md_cell(d)} |" for a, b, c, d in sheet.self_rating]
        out.append("")
        if sheet.self_reflection:
            out += ["Your reflection:", "", _md_block(sheet.self_reflection), ""]
    if sheet.self_assessment:
        out += ["## Your self-assessment", "", _md_block(sheet.self_assessment), ""]
    for heading, notes in (("What went well", sheet.strengths), ("To develop", sheet.development_areas)):
        if not notes:
            continue
        out += [f"## {heading}", ""]
        for pos, note in enumerate(notes, 1):
            out.append(f"{pos}. {_md_block(note.text)}")
            if note.skill is not None:
                out += _md_skill(note.skill)
        out.append("")
    if sheet.summary:
        out += ["## The observer's summary", "", _md_block(sheet.summary), ""]
    if sheet.actions:
        out += ["## Agreed actions", ""]
        for pos, a in enumerate(sheet.actions, 1):
            out.append(f"{pos}. {_md_block(a.text)}")
            out.append(f"   - Owner: {e(a.owner)} · Review by: {a.review}" + (f" · Skill: {e(a.addresses)}" if a.addresses else ""))
        out.append("")
    if sheet.carried:
        out += ["## Actions from earlier observations", ""]
        for c in sheet.carried:
            out.append(f"- **{c.status}**: {_md_block(c.text)}")
            agreed = f"Agreed on: {c.agreed} · " if c.agreed else ""
            out.append(f"  - {agreed}Owner: {e(c.owner)} · Review by: {c.review}")
            if c.comment:
                out.append(f"  - Comment: {_md_block(c.comment)}")
        out.append("")
    if sheet.practitioner_comment:
        out += ["## Your response", "", _md_block(sheet.practitioner_comment), ""]
        if sheet.response_note:
            out += [f"*{e(sheet.response_note)}*", ""]

    out += ["## Appendix: skill by skill", ""]
    out += [f"Scale {e(line)}." for line in sheet.scales]
    out += ["", CODE_MEANINGS, ""] if sheet.codes_used else [""]
    for section in sheet.appendix:
        out += [f"### {e(section.title)}", ""]
        for item in section.items:
            out.append(f"- {e(item.text)}: **{e(item.result)}**")
            if item.evidence:
                out.append(f"  - Evidence: {_md_block(item.evidence)}")
            for clock, text in item.marks:
                out.append(f"  - Marked at {clock}: {_md_block(text)}")
            if item.agreed_because:
                out.append(f"  - Agreed score, because: {_md_block(item.agreed_because)}")
        if section.notes:
            out += ["", f"Observer's notes: {_md_block(section.notes)}"]
        out.append("")
    out += ["---", "", e(sheet.rubric_line)]
    return "\n".join(out).rstrip() + "\n"


# -- HTML ---------------------------------------------------------------------------------------

_CSS = """
*{box-sizing:border-box}
html{color-scheme:light;-webkit-text-size-adjust:100%;font-size:16px}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;font-size:1rem;line-height:1.5;
color:#1b1b1b;background:#fff;max-width:48rem;margin:0 auto;padding:1.5rem 1rem 3rem;overflow-wrap:anywhere}
h1{font-size:1.55rem;line-height:1.25;margin:0 0 .2rem}
.subtitle{margin:0 0 1rem;color:#3d3d3d}
h2{font-size:1.2rem;margin:2rem 0 .6rem;padding-bottom:.2rem;border-bottom:2px solid #1b1b1b}
h3{font-size:1.02rem;margin:1.3rem 0 .4rem}
p{margin:.4rem 0}
.notice{border:2px solid #1b1b1b;border-left-width:.5rem;padding:.5rem .8rem;margin:1rem 0;font-weight:600}
.rubric-note{font-style:italic;margin:.6rem 0 1rem}
dl.details,dl.ratings{break-inside:avoid;page-break-inside:avoid}
dl.details{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1.2rem;margin:0}
dl.details dt{font-weight:600}
dl.details dd{margin:0}
.intro{color:#3d3d3d;font-size:.95rem}
.score{margin:.75rem 0;break-inside:avoid;page-break-inside:avoid}
.score-head{display:flex;justify-content:space-between;align-items:baseline;gap:1rem}
.score-name{font-weight:600}
.score-value{font-weight:700;font-variant-numeric:tabular-nums;white-space:nowrap}
.bar{height:.85rem;border:1px solid #1b1b1b;background:#fff;margin:.15rem 0;overflow:hidden}
.bar span{display:block;height:100%;background:#245b8f}
.score-meta{font-size:.9rem;color:#3d3d3d}
.score.total{border-top:1px solid #8a8a8a;padding-top:.6rem;margin-top:1rem}
ol,ul{padding-left:1.4rem}
li{margin:.5rem 0;break-inside:avoid;page-break-inside:avoid}
.text{white-space:pre-wrap}
.skill{font-size:.92rem;color:#3d3d3d;margin:.2rem 0 0}
.evidence{border-left:3px solid #8a8a8a;padding:.1rem .7rem;margin:.3rem 0 0;font-size:.95rem;white-space:pre-wrap}
.meta{font-size:.92rem;color:#3d3d3d;margin:.15rem 0 0}
.status{display:inline-block;border:1px solid #1b1b1b;padding:0 .4rem;font-weight:700;font-size:.85rem;margin-right:.4rem}
dl.ratings{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1.2rem;margin:0}
dl.ratings dt{font-weight:600}
dl.ratings dd{margin:0}
.appendix{font-size:.92rem}
.appendix h2{font-size:1.1rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .6rem}
th,td{border-bottom:1px solid #c8c8c8;padding:.3rem .4rem;text-align:left;vertical-align:top}
th{font-weight:600}
td.result{white-space:nowrap;width:1%}
.timeline{font-size:.88rem}
.timeline th.n,.timeline td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr{break-inside:avoid;page-break-inside:avoid}
.footer{margin-top:2rem;padding-top:.6rem;border-top:1px solid #8a8a8a;font-size:.88rem;color:#3d3d3d}
@media (max-width:36rem){
html{font-size:15px}
body{padding:1rem .8rem 2rem}
h1{font-size:1.3rem}
dl.details{grid-template-columns:1fr;gap:0}
dl.details dd{margin-bottom:.35rem}
td.result{white-space:normal;width:auto}
}
@page{size:A4;margin:16mm 15mm}
@media print{
html{font-size:10.5pt}
body{max-width:none;margin:0;padding:0;color:#000}
.subtitle,.intro,.score-meta,.skill,.meta,.footer{color:#000}
.bar,.bar span,.notice,.status{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.bar span{background:#4a4a4a}
h2,h3{break-after:avoid;page-break-after:avoid}
.appendix{break-before:page;page-break-before:always}
}
"""


def _h_block(text: str) -> str:
    return html.escape(text)


def _h_skill(skill: SkillRef) -> str:
    h = html.escape
    out = f'<p class="skill">Skill: <em>{h(skill.text)}</em> ({h(skill.section)}), scored <strong>{h(skill.result)}</strong></p>'
    if skill.evidence:
        out += f'<div class="evidence"><strong>Evidence noted:</strong> {h(skill.evidence)}</div>'
    for clock, text in skill.marks:
        out += f'<div class="evidence"><strong>Marked at {h(clock)}:</strong> {h(text)}</div>'
    return out


def _h_score(line: SectionLine, total: bool = False) -> str:
    h = html.escape
    shown = percent_text(line.percent)
    width = 0 if line.percent is None else max(0, min(100, round(line.percent)))
    if line.band:
        band_text = f"Band: {h(line.band)} · based on "
    elif line.level:
        band_text = f"Typical level: {h(line.level)} · based on "
    else:
        band_text = ""
    return (
        f'<div class="score{" total" if total else ""}">'
        f'<div class="score-head"><span class="score-name">{h(line.title)}</span><span class="score-value">{shown}</span></div>'
        f'<div class="bar" aria-hidden="true"><span style="width:{width}%"></span></div>'
        f'<div class="score-meta">{band_text}{h(line.basis)}</div></div>'
    )


def _h_timeline(line: Timeline) -> list[str]:
    h = html.escape
    head = "".join(f'<th class="n">{h(label)}</th>' for label in line.labels)
    body = "".join(
        f"<tr><td>{h(title)}</td>" + "".join(f'<td class="n">{n}</td>' for n in counts) + f'<td class="n">{sum(counts)}</td></tr>'
        for title, counts in line.rows
    )
    return [
        "<h3>Timeline</h3>",
        f'<p class="intro">{h(timeline_intro(line))}</p>',
        f'<table class="timeline"><thead><tr><th>Tally</th>{head}<th class="n">Total</th></tr></thead><tbody>{body}</tbody></table>',
    ]


def render_html(obs: Observation, rubric: Rubric, selfrating: SelfRating | None = None) -> str:
    """The feedback sheet as one self-contained HTML page (no scripts, fonts, images or links)."""
    sheet = build_sheet(obs, rubric, selfrating)
    h = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(sheet.subtitle)}: feedback</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{h(sheet.title)}</h1>",
        f'<p class="subtitle">{h(sheet.subtitle)}</p>',
    ]
    out += [f'<p class="notice">{h(notice)}</p>' for notice in sheet.notices]
    if sheet.rubric_note:
        out.append(f'<p class="rubric-note">{h(sheet.rubric_note)}</p>')
    out += ["<h2>The session</h2>", '<dl class="details">']
    out += [f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in sheet.details]
    out.append("</dl>")
    if sheet.agreed:
        out += [f"<h2>{h(AGREED_HEADING)}</h2>", '<dl class="details">']
        out += [f'<dt>{h(k)}</dt><dd class="text">{h(v)}</dd>' for k, v in sheet.agreed]
        out.append("</dl>")

    out += ["<h2>Section by section</h2>", f'<p class="intro">{h(scores_intro(sheet))}</p>']
    out += [_h_score(line) for line in sheet.sections]
    out.append(_h_score(sheet.overall, total=True))
    if sheet.ratings:
        out += ["<h2>Whole-session ratings</h2>", '<dl class="ratings">']
        out += [f"<dt>{h(title)}</dt><dd>{h(shown)}</dd>" for title, shown in sheet.ratings]
        out.append("</dl>")
    if sheet.tallies:
        out += ["<h2>Tallies and indicators</h2>", '<dl class="ratings">']
        out += [f"<dt>{h(title)}</dt><dd>{h(shown)}</dd>" for title, shown in sheet.tallies]
        out.append("</dl>")
        if sheet.tally_note:
            out.append(f'<p class="intro">{h(sheet.tally_note)}</p>')
    if sheet.timeline is not None:
        out += _h_timeline(sheet.timeline)
    if sheet.self_rating:
        out += ["<h2>Your self-rating beside the observer's</h2>", f'<p class="intro">{h(SELF_RATING_INTRO)}</p>']
        out.append('<table class="items"><tr><th>Skill</th><th>You</th><th>Observer</th><th>Difference</th></tr>')
        out += [f"<tr><td>{h(a)}</td><td>{h(b)}</td><td>{h(c)}</td><td>{h(d)}</td></tr>" for a, b, c, d in sheet.self_rating]
        out.append("</table>")
        if sheet.self_reflection:
            out.append(f'<p class="text"><b>Your reflection:</b> {h(sheet.self_reflection)}</p>')
    if sheet.self_assessment:
        out += ["<h2>Your self-assessment</h2>", f'<p class="text">{h(sheet.self_assessment)}</p>']
    for heading, notes in (("What went well", sheet.strengths), ("To develop", sheet.development_areas)):
        if not notes:
            continue
        out += [f"<h2>{heading}</h2>", "<ol>"]
        for note in notes:
            skill = _h_skill(note.skill) if note.skill is not None else ""
            out.append(f'<li><div class="text">{h(note.text)}</div>{skill}</li>')
        out.append("</ol>")
    if sheet.summary:
        out += ["<h2>The observer's summary</h2>", f'<p class="text">{h(sheet.summary)}</p>']
    if sheet.actions:
        out += ["<h2>Agreed actions</h2>", "<ol>"]
        for a in sheet.actions:
            out.append(
                f'<li><div class="text">{h(a.text)}</div>'
                f'<p class="meta"><strong>Owner:</strong> {h(a.owner)} · <strong>Review by:</strong> {h(a.review)}'
                + (f" · <strong>Skill:</strong> {h(a.addresses)}" if a.addresses else "")
                + "</p></li>"
            )
        out.append("</ol>")
    if sheet.carried:
        out += ["<h2>Actions from earlier observations</h2>", "<ul>"]
        for c in sheet.carried:
            agreed = f"<strong>Agreed on:</strong> {h(c.agreed)} · " if c.agreed else ""
            comment = f'<div class="evidence"><strong>Comment:</strong> {h(c.comment)}</div>' if c.comment else ""
            out.append(
                f'<li><span class="status">{h(c.status)}</span><span class="text">{h(c.text)}</span>'
                f'<p class="meta">{agreed}<strong>Owner:</strong> {h(c.owner)} · <strong>Review by:</strong> {h(c.review)}</p>'
                f"{comment}</li>"
            )
        out.append("</ul>")
    if sheet.practitioner_comment:
        out += ["<h2>Your response</h2>", f'<p class="text">{h(sheet.practitioner_comment)}</p>']
        if sheet.response_note:
            out.append(f'<p class="meta">{h(sheet.response_note)}</p>')

    out += ['<section class="appendix">', "<h2>Appendix: skill by skill</h2>"]
    out += [f'<p class="intro">Scale {h(line)}.</p>' for line in sheet.scales]
    if sheet.codes_used:
        out.append(f'<p class="intro">{h(CODE_MEANINGS)}</p>')
    for section in sheet.appendix:
        out += [f"<h3>{h(section.title)}</h3>", "<table><thead><tr><th>Skill</th><th>Result</th></tr></thead><tbody>"]
        for item in section.items:
            extra = ""
            if item.evidence:
                extra += f'<div class="evidence">{h(item.evidence)}</div>'
            for clock, text in item.marks:
                extra += f'<div class="evidence"><strong>Marked at {h(clock)}:</strong> {h(text)}</div>'
            if item.agreed_because:
                extra += f'<div class="evidence"><strong>Agreed score, because:</strong> {h(item.agreed_because)}</div>'
            out.append(f'<tr><td>{h(item.text)}{extra}</td><td class="result">{h(item.result)}</td></tr>')
        out.append("</tbody></table>")
        if section.notes:
            out.append(f'<p class="text"><strong>Observer\'s notes:</strong> {h(section.notes)}</p>')
    out.append("</section>")
    out += [f'<p class="footer">{h(sheet.rubric_line)}</p>', "</body></html>"]
    return "\n".join(out) + "\n"


def render_report(obs: Observation, rubric: Rubric, fmt: Format = "markdown", selfrating: SelfRating | None = None) -> str:
    """The feedback sheet in ``fmt`` (``markdown`` or ``html``), with the self-rating when there is one."""
    if fmt == "html":
        return render_html(obs, rubric, selfrating)
    return render_markdown(obs, rubric, selfrating)
