"""Realistic synthetic observations, for trying the app, demonstrating team views and testing.

Everything is invented: team, practitioner and observer names are made up, and notes refer
only to "the person on probation". The same seed (and the same ``today``) gives the same
files, byte for byte.

>>> import tempfile
>>> from seeds_tui.storage.store import Store
>>> with tempfile.TemporaryDirectory() as folder:
...     paths = generate_demo(Store(folder), 20, seed=7)
...     len(paths), paths[0].parent.name
(20, 'observations')
"""

from __future__ import annotations

import math
import os
import random
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from seeds_tui.core.observation import OBSERVATION_SCHEMA, CarriedAction, Observation, Score, encode_ulid, observation_to_toml
from seeds_tui.core.rubric import Item, LoadedRubric, Rubric, bundled_rubric_dir, load_rubric_file
from seeds_tui.storage.atomic import ensure_dir, write_atomic
from seeds_tui.storage.store import Store

#: Limits the command line enforces (the library accepts the same).
MAX_OBSERVATIONS = 1_000_000
MAX_TEAMS = 500
QUARTERS = 8

#: Share of observations per bundled rubric (the rest use seed-one-to-one).
RUBRIC_SHARES = {"jersey-interview-skills": 0.18, "mi-informed-conversation": 0.12}
MAIN_RUBRIC = "seed-one-to-one"


def demo_id(ms: int, rng: random.Random) -> str:
    """A ULID (like ``observation.new_id``) whose random part comes from ``rng``, for repeatable files."""
    return encode_ulid(ms, rng.getrandbits(80))


def _local_zone() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/London")
    except Exception:  # no time-zone database on this machine
        return UTC


# -- invented people and places -------------------------------------------------------------

TEAM_NAMES = (
    "North East Hub",
    "Cardiff Central",
    "Riverside",
    "Westgate",
    "Harbourside",
    "Valley Road",
    "Eastfield",
    "Kingsway",
    "Moorland",
    "Abbey Park",
    "Hillcrest",
    "Meadowbank",
)
FIRST_NAMES = (
    "Aisha",
    "Alex",
    "Amara",
    "Amy",
    "Andrew",
    "Bethan",
    "Ben",
    "Carys",
    "Chloe",
    "Chris",
    "Daniel",
    "Dev",
    "Dylan",
    "Ella",
    "Emeka",
    "Emma",
    "Fatima",
    "Gareth",
    "Grace",
    "Hannah",
    "Harpreet",
    "Imran",
    "Jade",
    "James",
    "Joanne",
    "Jordan",
    "Kate",
    "Kieran",
    "Laura",
    "Leon",
    "Lucy",
    "Marcus",
    "Maria",
    "Megan",
    "Mohammed",
    "Naomi",
    "Nia",
    "Olu",
    "Owen",
    "Priya",
    "Rachel",
    "Rhys",
    "Rob",
    "Ruth",
    "Sam",
    "Sarah",
    "Sean",
    "Siobhan",
    "Sophie",
    "Tom",
    "Tariq",
    "Vicky",
    "Will",
    "Yasmin",
    "Zoe",
)
SURNAMES = (
    "Adeyemi",
    "Ahmed",
    "Bailey",
    "Begum",
    "Bell",
    "Bennett",
    "Brooks",
    "Campbell",
    "Chaudhry",
    "Clarke",
    "Collins",
    "Davies",
    "Doyle",
    "Edwards",
    "Evans",
    "Fisher",
    "Foster",
    "Graham",
    "Griffiths",
    "Hall",
    "Hughes",
    "Hussain",
    "Jenkins",
    "Jones",
    "Kaur",
    "Kelly",
    "Khan",
    "Lewis",
    "Lloyd",
    "Marsh",
    "Mensah",
    "Morgan",
    "Murphy",
    "Nolan",
    "Okafor",
    "Owen",
    "Patel",
    "Pearce",
    "Price",
    "Reid",
    "Roberts",
    "Shah",
    "Singh",
    "Stewart",
    "Taylor",
    "Thomas",
    "Turner",
    "Walsh",
    "Ward",
    "Watkins",
    "Wright",
    "Young",
)

SESSION_TYPES = {
    "seed-one-to-one": (
        ("Routine supervision", 8),
        ("Sentence plan review", 3),
        ("Induction", 2),
        ("Licence supervision", 4),
        ("Risk review", 2),
        ("Pre-release planning", 1),
    ),
    "jersey-interview-skills": (("Routine supervision", 6), ("Licence supervision", 3), ("Induction", 1)),
    "mi-informed-conversation": (("Motivational session", 5), ("Routine supervision", 3), ("Substance use review", 2)),
}
MODES = (("in_person", 76), ("video", 14), ("phone", 10))
PURPOSES = (("developmental", 70), ("quality_assurance", 24), ("calibration", 6))
#: Share of double-scored sessions for which the two observers recorded a consensus.
CONSENSUS_SHARE = 0.5
CASE_PREFIXES = ("CR", "SR", "OM", "PX")

# -- what observers write ---------------------------------------------------------------------
# Evidence per item key: (skilful, partly shown, missed). Only "the person" or "the person on
# probation" is ever mentioned; never a name.

EVIDENCE: dict[str, tuple[str, str, str]] = {
    # seed-one-to-one
    "beginning.welcome": (
        "Greeted the person warmly and asked how the week had gone; "
        "picked up that they looked tired and asked about sleep before moving on.",
        "Brief greeting and a quick 'how are you', but moved to the paperwork before the person had really answered.",
        "Started straight into questions about the last appointment with no greeting or check-in.",
    ),
    "beginning.review": (
        "Asked how the job-centre task had gone, praised the effort even though the appointment was missed, "
        "and explored what got in the way.",
        "Mentioned the task set last time but did not ask how it went.",
        "No reference to the previous session or the task agreed then.",
    ),
    "beginning.agenda": (
        "Set out three topics, asked what the person wanted to add (housing letter), agreed the order together and wrote it down.",
        "Said what the session would cover but did not ask for the person's own items.",
        "No agenda; the session moved from topic to topic as things came up.",
    ),
    "beginning.environment": (
        "Moved the chairs so they were not across the desk, turned the screen away and put the phone on silent.",
        "Room was fine but the practitioner took a phone call early on.",
        "Several interruptions from colleagues at the door; the practitioner did not stop them.",
    ),
    "role.dual_role": (
        "Explained clearly that the job was both to help with changes and to make sure the licence was kept to, "
        "and checked the person understood.",
        "Referred to 'my job is to make sure you comply' without the helping side of the role.",
        "Role not explained, although the person asked why they had to keep coming in.",
    ),
    "role.negotiable": (
        "Named the conditions that were fixed, then said 'how you go about the course is up to you, and we can plan it together'.",
        "Listed the requirements; choices were implied rather than made clear.",
        "The person asked whether the curfew could change; the practitioner did not separate what was fixed from what could be discussed.",
    ),
    "role.confidentiality": (
        "When the person mentioned their partner, explained what would have to be shared with the police and children's services, and why.",
        "Mentioned that 'some things have to be passed on' without saying what or to whom.",
        "The person asked who would see the notes; the question was not answered.",
    ),
    "role.authority": (
        "Addressed the missed appointment calmly: stated the rule and the consequence, "
        "listened to the explanation and agreed what happens next.",
        "Raised the missed appointment fairly but cut the person's explanation short.",
        "Warned about recall several times in a way that felt like a threat; the person became defensive.",
    ),
    "relationship.warmth": (
        "Open posture, good eye contact, used the person's own words back to them; the person relaxed noticeably as the session went on.",
        "Polite and respectful, but a little formal and note-focused for much of the session.",
        "Looked at the screen for most of the session and gave little sign of interest in the person's answers.",
    ),
    "relationship.listening": (
        "Let the person finish, reflected both the frustration and the wish to keep the job, then summarised before moving on.",
        "Some good reflections early on, fewer later as the practitioner hurried to get through the agenda.",
        "Interrupted often and moved to the next question without acknowledging what had been said.",
    ),
    "relationship.questions": (
        "Mostly open questions ('what was that like?', 'how did you decide?'); closed questions kept for facts such as dates.",
        "A mix; some strings of closed questions in the middle section.",
        "Almost all questions could be answered yes or no; the person gave one-word answers.",
    ),
    "relationship.prosocial": (
        "Praised the person specifically for walking away from the argument at the hostel and linked it to their goal of keeping the room.",
        "General praise ('well done') without saying what for.",
        "A comment that 'everyone does it' about driving without insurance went unchallenged.",
    ),
    "relationship.clarity": (
        "Plain language throughout; explained what a sentence plan review is and asked the person to say back what had been agreed.",
        "Mostly clear, but used two acronyms without explaining them.",
        "Used service jargon throughout; the person said twice that they did not understand.",
    ),
    "rnr.risk_focus": (
        "Asked about contact with the previous peer group and drinking at weekends, both named in the assessment, "
        "and explored recent changes.",
        "Asked whether anything had changed, but did not follow up the answer about drinking.",
        "Risk factors from the assessment were not mentioned in the session.",
    ),
    "rnr.need_focus": (
        "Most of the middle of the session was spent on thinking before acting, the main need in the sentence plan.",
        "Touched on employment, a need in the plan, but most time went on practical updates.",
        "The session stayed on appointments and paperwork; no work on the needs in the plan.",
    ),
    "rnr.responsivity": (
        "Knew the person finds reading hard: used a simple drawing instead of a worksheet and checked understanding in small steps.",
        "Slowed down when the person seemed lost, but still handed over a dense leaflet.",
        "The person said they struggle to concentrate; the practitioner carried on with a long worksheet.",
    ),
    "rnr.barriers": (
        "Explored what got in the way of attending the course (childcare, bus fares) and built on the person's support from their sister.",
        "Asked about barriers but not about strengths.",
        "Did not ask why the person keeps missing the course.",
    ),
    "change.motivation": (
        "Asked what the person would gain from staying out of trouble; reflected 'you want to be there for your kids' and built on it.",
        "Asked about reasons for change but moved on when the person started to talk about them.",
        "Argued for change ('you need to sort this out') rather than drawing out the person's own reasons.",
    ),
    "change.cognitive": (
        "Took the argument in the shop and helped the person map what they thought, felt and did, then found a different thought to try.",
        "Asked what the person was thinking at the time but did not link it to what they did.",
        "The person described a clear thinking pattern ('they were disrespecting me'); it was not picked up.",
    ),
    "change.problem_solving": (
        "Defined the rent arrears problem together, listed three options, "
        "weighed them and agreed a first step (phone the landlord on Monday).",
        "Jumped from the problem straight to the practitioner's own solution.",
        "The housing problem was noted but no plan was made.",
    ),
    "change.skill_practice": (
        "Rehearsed how to turn down a drink with a short role play; gave specific feedback and had the person try again.",
        "Explained the skill but there was no practice.",
        "Skill mentioned in passing only; no explanation or rehearsal.",
    ),
    "ending.summary": (
        "Invited the person to sum up what they had taken from the session, then added their own change statements.",
        "Quick summary by the practitioner at the door.",
        "Session ended abruptly when time ran out; no summary.",
    ),
    "ending.task": (
        "Agreed a specific task together: write down two times this week when they felt wound up and what they did.",
        "Task set but vague ('think about what we discussed').",
        "No task or next step agreed.",
    ),
    "ending.next_contact": (
        "Confirmed the date and time, checked it fitted the shift pattern and wrote it on an appointment card.",
        "Date given but not checked against the person's work.",
        "Next appointment not confirmed; the person had to ask at reception.",
    ),
    "ending.feedback_invited": (
        "Asked what had been most and least useful; accepted the point that the paperwork took too long.",
        "Asked 'all OK?' at the end.",
        "No invitation to comment on the session.",
    ),
    # jersey-interview-skills
    "setup.arrangements": (
        "Room booked and ready, chairs at an angle, started on time.",
        "Started ten minutes late; the room was set up adequately.",
        "Interview held in a busy open area with no privacy.",
    ),
    "setup.purpose": (
        "Stated the purpose in the first minute and invited the person's items.",
        "Purpose given only part way through.",
        "No purpose given; the person asked what the appointment was for.",
    ),
    "setup.review": (
        "Reviewed the week since the last contact and the agreed task, responding to what was reported.",
        "Asked about the week but not about the task.",
        "No review of progress since the last contact.",
    ),
    "nonverbal.attentive": (
        "Leaned in, nodded and kept natural eye contact; notes kept to a minimum.",
        "Attentive at times, but typed while the person was talking.",
        "Looked at the phone or screen for much of the interview.",
    ),
    "nonverbal.calm": (
        "Stayed calm and even when the person raised their voice about the hostel.",
        "Mostly calm; some sighing when the person went off topic.",
        "Visibly impatient; checked the clock several times.",
    ),
    "verbal.open_questions": (
        "Good use of open questions to explore the weekend; waited for answers.",
        "Open questions early on, mostly closed later.",
        "Questions were almost all closed.",
    ),
    "verbal.reflections": (
        "Reflected feelings as well as facts and summarised twice.",
        "One or two simple reflections.",
        "No reflections or summaries heard.",
    ),
    "verbal.clear_language": (
        "Plain language throughout; checked the person had understood the licence condition.",
        "Mostly clear; one unexplained term.",
        "Jargon throughout; understanding not checked.",
    ),
    "authority.explains_role": (
        "Explained the licence requirements and the reasons for them as information, not threat.",
        "Requirements stated without the reasons.",
        "The role and rules were not explained when the person challenged them.",
    ),
    "authority.fair_firm": (
        "Listened to the account of the missed appointment before deciding; applied the rule consistently.",
        "Fair overall but decided before hearing the person out.",
        "Inconsistent: said it would be a warning, then said it would not.",
    ),
    "authority.choices": (
        "Made clear which requirements were fixed and which choices were the person's.",
        "Choices mentioned only briefly.",
        "Everything presented as non-negotiable.",
    ),
    "mi.elicits_reasons": (
        "Drew out the person's own reasons for staying in work and reflected them back.",
        "Asked about reasons but did not explore the answer.",
        "Told the person why they should change.",
    ),
    "mi.ambivalence": (
        "Acknowledged both the pull of old friends and the wish to keep away; did not argue.",
        "Acknowledged mixed feelings once, then argued the case for change.",
        "Argued with the person when they defended their drinking.",
    ),
    "mi.affirms": (
        "Affirmed the person's persistence in looking for work, specifically and sincerely.",
        "General praise only.",
        "No affirmation despite clear efforts reported.",
    ),
    "prosocial.models": (
        "Punctual, courteous and followed up the letter promised last time.",
        "Courteous, but the promised letter had not been written.",
        "Spoke dismissively about the police and the hostel staff.",
    ),
    "prosocial.reinforces": (
        "Praised the person for going to the interview and linked it to their goals.",
        "Noted the interview attendance without comment on its value.",
        "Pro-social steps reported by the person were not acknowledged.",
    ),
    "prosocial.challenges": (
        "Challenged the comment about the victim calmly and invited the person to think again.",
        "Challenge attempted but came across as a lecture.",
        "Minimising comments passed without challenge.",
    ),
    "problem_solving.defines": (
        "Helped the person describe the debt problem concretely: who, how much, since when.",
        "Problem discussed only in general terms.",
        "The problem raised by the person was not explored.",
    ),
    "problem_solving.options": (
        "Encouraged the person to come up with three options and think through each.",
        "Only the practitioner's option was considered.",
        "No options discussed.",
    ),
    "problem_solving.plan": (
        "Agreed a first step and what to do if the landlord does not answer.",
        "A plan was agreed but not what might get in the way.",
        "No plan agreed.",
    ),
    "cognitive.identifies": (
        "Used the recent argument to help the person spot the thought 'they are laughing at me'.",
        "Asked about thoughts but did not link them to actions.",
        "A clear thinking pattern was described and not picked up.",
    ),
    "cognitive.alternatives": (
        "Helped the person find an alternative thought and practise it.",
        "Suggested an alternative thought without the person's involvement.",
        "No alternatives explored.",
    ),
    "structure.coherent": (
        "Clear beginning, middle and end; time used well.",
        "Recognisable structure but the middle ran over.",
        "No clear structure; the interview drifted.",
    ),
    "structure.focus": (
        "Brought the conversation back to the agreed topics while allowing time for the urgent housing issue.",
        "Drifted off topic for a while before returning.",
        "Agreed topics were not returned to.",
    ),
    "structure.closes": (
        "Summarised, agreed next steps and confirmed the next appointment.",
        "Next appointment confirmed but no summary.",
        "Ended abruptly.",
    ),
    # mi-informed-conversation
    "processes.engaging": (
        "Spent the first ten minutes understanding the person's week and their view of the order; "
        "the person talked more than the practitioner.",
        "Some engagement, but the practitioner moved to their own agenda quickly.",
        "Went straight to the practitioner's concerns; the person was guarded throughout.",
    ),
    "processes.focusing": (
        "Offered a choice of topics and asked permission before raising the drinking.",
        "Direction set mostly by the practitioner.",
        "No agreed focus; the conversation moved between topics.",
    ),
    "processes.evoking": (
        "Asked what would be better if the drinking changed; reflected and explored each reason given.",
        "Change talk heard but not explored.",
        "Change talk ('I don't want to end up like my dad') passed without response.",
    ),
    "processes.planning": (
        "Tested readiness, then helped the person choose their own first step and say when they would do it.",
        "Plan suggested by the practitioner before the person was ready.",
        "The person said they were ready to act and no plan was made.",
    ),
    "spirit.permission": (
        "Asked 'would it be OK if I shared some information about that?' and then asked what the person made of it.",
        "Gave information without asking first, though briefly.",
        "Gave a long piece of advice without permission.",
    ),
    "spirit.summaries": (
        "Collected summary of the reasons for change, then used it to move to planning.",
        "One short summary at the end.",
        "No summaries.",
    ),
}

SECTION_NOTES = {
    "good": (
        "A strong part of the session; the practitioner seemed confident here.",
        "Good, natural flow. Worth sharing as an example at the action learning set.",
        "Clear improvement on the last observation in this area.",
        "Well paced and purposeful.",
    ),
    "mixed": (
        "Some good moments, but time pressure showed.",
        "Started well; lost focus when the person raised an unrelated worry.",
        "Solid, with room to go deeper.",
        "Competent overall; see the item notes for specific moments.",
    ),
    "weak": (
        "Rushed; this part was squeezed by the earlier discussion.",
        "Less evident today; discuss in supervision.",
        "The practitioner said afterwards that they ran out of time for this.",
        "Opportunities here were mostly missed.",
    ),
}
EVENT_NOTES = (
    "Person became upset talking about family contact.",
    "Phone rang; practitioner declined the call.",
    "Good reflection of feeling here.",
    "Long silence, handled well.",
    "Closed questions in a row.",
    "Change talk: wants to keep the job.",
    "Practitioner checked the time.",
    "Interruption at the door.",
    "Practitioner praised a specific step.",
    "Discussion of the curfew condition.",
    "Person asked who sees the notes.",
    "Sustain talk about friends; not argued with.",
)
SELF_ASSESSMENTS = (
    "I think the {best} went well, but I know I rushed the {worst}.",
    "I felt more confident with the {best} this time. The {worst} is still something I find hard.",
    "Not my best session: the person was unsettled and I struggled with the {worst}. I was pleased with the {best}.",
    "I tried to use the agenda more this time. I think the {best} was better than last time; I could have done more on the {worst}.",
    "I felt it went OK overall. I would like to work on the {worst}.",
)
PRACTITIONER_COMMENTS = (
    "Helpful feedback. I agree about the ending and will try the summary approach.",
    "I found the observation less stressful than I expected. The specific examples were useful.",
    "I partly agree; the person had a difficult week which shaped the session.",
    "Thanks. I would like to look at the role play idea at the next team development day.",
    "Useful to hear what went well, not only what to change.",
)
ACTIONS_BY_SECTION = {
    "beginning": "Start the next three sessions with a jointly agreed agenda, written where the person can see it.",
    "role": "Practise explaining the dual role and the limits of confidentiality; use it at the next induction.",
    "relationship": "Aim for at least two reflections for every question in the next session; "
    "self-check with a recording if the person agrees.",
    "rnr": "Review the sentence plan before each session and link at least one topic to an assessed need.",
    "change": "Use a thinking-feeling-doing map with one person this month and bring it to reflective supervision.",
    "ending": "Leave ten minutes at the end for a summary, a task and the next appointment.",
    "setup": "Book a private room and state the purpose of the interview in the first few minutes.",
    "nonverbal": "Keep note-taking to the end of the interview; watch a colleague's session for non-verbal skills.",
    "verbal": "Practise reflections and summaries at the next team development day.",
    "authority": "Prepare a short, clear explanation of licence conditions and what happens if they are not met.",
    "mi": "Complete the motivational interviewing refresher module and try one evoking question per session.",
    "prosocial": "Note one specific pro-social step per session and praise it, linked to the person's goals.",
    "problem_solving": "Use the problem-solving steps (define, options, consequences, plan) with one current problem.",
    "cognitive": "Shadow a programme facilitator for a cognitive skills session.",
    "structure": "Plan the session's beginning, middle and end beforehand and keep to the timing.",
    "processes": "Spend longer on engaging before raising the practitioner's own concerns.",
    "spirit": "Ask permission before giving information or advice, then ask what the person makes of it.",
}
GENERAL_ACTIONS = (
    "Arrange a follow-up observation next quarter with the same focus.",
    "Bring a recent case example to the action learning set.",
    "Review these actions in reflective supervision.",
)
#: What observer and practitioner say about an earlier action when they review it.
CARRIED_COMMENTS = {
    "done": (
        "Done: used in most sessions since, and the practitioner brought an example to supervision.",
        "Completed; it shows in today's session.",
        "Done, and worth keeping up.",
    ),
    "ongoing": (
        "Started; keep going until the next review.",
        "Partly done: time pressure got in the way. Carry on.",
        "Tried twice so far; agreed to keep it as a focus.",
    ),
    "dropped": (
        "No longer relevant after the change of caseload.",
        "Replaced by a more specific action agreed today.",
        "Agreed to drop it: the training it depended on is not running this year.",
    ),
}
#: Why two observers settled on an agreed score that differs from one of theirs, by the kind of
#: score agreed (a level, not applicable, not observed), so a reason never contradicts its score.
RATIONALES: dict[str, tuple[str, ...]] = {
    "level": (
        "Both notes describe the same moment; the descriptor for the agreed level fits it best.",
        "The skill was used once, briefly, and not followed through: the agreed level reflects that.",
        "Agreed after re-reading the descriptors together: attempted, but the person's answer was not picked up.",
        "The later part of the session showed more of this skill than the first observer's note records.",
    ),
    "NA": ("The session did not call for this; agreed it was not applicable.",),
    "NO": ("One observer missed part of this exchange and the other could not hear it clearly: agreed not observed.",),
}


# -- the generator -----------------------------------------------------------------------------


@dataclass
class Practitioner:
    """An invented practitioner with a skill profile."""

    name: str
    team: int
    skill: float
    growth: float
    weight: float


@dataclass
class DemoResult:
    """What ``write_demo`` wrote."""

    paths: list[Path]
    #: Teams, practitioners and observers that appear in the written observations.
    teams: list[str]
    practitioners: int
    observers: int
    first_date: date | None
    last_date: date | None
    per_rubric: dict[str, int] = field(default_factory=dict)


@dataclass
class _World:
    rng: random.Random
    zone: tzinfo
    today: date
    rubrics: dict[str, LoadedRubric]
    teams: list[str]
    team_effect: list[dict[str, float]]
    practitioners: list[list[Practitioner]]
    observers: list[str]
    home_observer: list[int]
    quarters: list[tuple[date, date]]
    difficulty: dict[str, float]


def generate_demo(store: Store, observations: int, *, seed: int = 1, teams: int = 6, today: date | None = None) -> list[Path]:
    """Write ``observations`` synthetic final observations into ``store``; return their paths.

    Sessions fall on weekdays over the last eight quarters up to ``today`` (default: the
    real today), across ``teams`` invented teams, scored mostly against the bundled
    ``seed-one-to-one`` rubric, with some ``jersey-interview-skills`` and
    ``mi-informed-conversation`` observations. Scores differ by team and skill and improve
    over time; some items are NA or NO; notes, marks and feedback are filled in. The same
    ``seed`` and ``today`` always give byte-identical files.

    >>> import tempfile
    >>> from datetime import date
    >>> from seeds_tui import Store, generate_demo
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     store = Store(folder)
    ...     paths = generate_demo(store, 3, seed=1, today=date(2026, 11, 23))
    ...     sorted(store.read(p).rubric.id for p in paths)
    ['jersey-interview-skills', 'mi-informed-conversation', 'seed-one-to-one']
    """
    return write_demo(store, observations, seed=seed, teams=teams, today=today).paths


def write_demo(
    store: Store,
    observations: int,
    *,
    seed: int = 1,
    teams: int = 6,
    today: date | None = None,
    rubric_dir: Path | None = None,
    wrap: Callable[[Iterable[int]], Iterable[int]] | None = None,
) -> DemoResult:
    """Like ``generate_demo``, returning a summary of what was written.

    ``wrap`` may wrap the loop over observations (e.g. a progress bar).
    """
    if not 1 <= observations <= MAX_OBSERVATIONS:
        raise ValueError(f"observations must be between 1 and {MAX_OBSERVATIONS:,}")
    if not 1 <= teams <= MAX_TEAMS:
        raise ValueError(f"teams must be between 1 and {MAX_TEAMS}")
    world = _build_world(seed, teams, today or date.today(), rubric_dir or bundled_rubric_dir())
    rng = world.rng
    quarter_of = [i * QUARTERS // observations for i in range(observations)]
    rng.shuffle(quarter_of)
    rubric_of = _rubric_plan(observations, rng)

    # Days and purposes are drawn first so the sessions can be written in date order: each
    # practitioner's later observations then review the actions agreed at their earlier ones.
    day_of = [_weekday_between(rng, *world.quarters[q]) for q in quarter_of]
    purpose_of = [_weighted(rng, PURPOSES) for _ in range(observations)]
    partner_of, ref_of = _calibration_plan(purpose_of, rubric_of, day_of, random.Random(f"{seed}-pairs"))
    order = sorted(range(observations), key=lambda i: (day_of[i], i in partner_of, i))
    extra = random.Random(f"{seed}-calibration")

    store.ensure()
    folder = store.final_dir
    paths: list[Path] = []
    dates: list[date] = []
    per_rubric: dict[str, int] = {}
    seen_teams: dict[str, None] = {}
    seen_people: set[str] = set()
    seen_observers: set[str] = set()
    leads: dict[int, Observation] = {}
    open_actions: dict[str, list[CarriedAction]] = {}
    consensus_written = False
    indices: Iterable[int] = order
    if wrap is not None:
        indices = wrap(indices)
    for i in indices:
        loaded = world.rubrics[rubric_of[i]]
        if i in partner_of:
            lead = leads.pop(partner_of[i])
            obs = _second_observation(world, extra, loaded, lead, quarter_of[partner_of[i]])
            if extra.random() < CONSENSUS_SHARE and lead.session.date + timedelta(days=4) < world.today:
                if not consensus_written:
                    ensure_dir(store.consensus_dir)
                    consensus_written = True
                agreed = _consensus(extra, loaded.rubric, lead, obs)
                write_atomic(store.consensus_dir / f"{agreed.id}.toml", observation_to_toml(agreed).encode("utf-8"), durable=False)
        else:
            obs = _observation(world, loaded, quarter_of[i], day_of[i], purpose_of[i], ref_of.get(i))
            obs = _carry_forward(extra, obs, open_actions)
            if i in ref_of:
                leads[i] = obs
        path = folder / f"{obs.id}.toml"
        write_atomic(path, observation_to_toml(obs).encode("utf-8"), durable=False)
        paths.append(path)
        dates.append(obs.session.date)
        seen_teams.setdefault(obs.session.team)
        seen_people.add(obs.session.practitioner)
        seen_observers.add(obs.session.observer)
        per_rubric[loaded.rubric.id] = per_rubric.get(loaded.rubric.id, 0) + 1
    if hasattr(os, "sync"):
        os.sync()
    return DemoResult(
        paths=paths,
        teams=[t for t in world.teams if t in seen_teams],
        practitioners=len(seen_people),
        observers=len(seen_observers),
        first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
        per_rubric=per_rubric,
    )


def _calibration_plan(
    purpose_of: list[str], rubric_of: list[str], day_of: list[date], rng: random.Random
) -> tuple[dict[int, int], dict[int, str]]:
    """Pair the calibration slots of each rubric: the second of a pair becomes the second observer's
    observation of the first one's session (same day). Returns partner -> lead and lead -> session reference."""
    by_rubric: dict[str, list[int]] = {}
    for i, purpose in enumerate(purpose_of):
        if purpose == "calibration":
            by_rubric.setdefault(rubric_of[i], []).append(i)
    partner_of: dict[int, int] = {}
    ref_of: dict[int, str] = {}
    count = 0
    for rid in sorted(by_rubric):
        slots = by_rubric[rid]
        rng.shuffle(slots)
        for k in range(0, len(slots), 2):
            lead = slots[k]
            count += 1
            ref_of[lead] = f"CAL-{day_of[lead]:%Y%m%d}-{count:04d}"
            if k + 1 < len(slots):  # an odd one out stays single: "only one observation so far"
                partner_of[slots[k + 1]] = lead
                day_of[slots[k + 1]] = day_of[lead]
    return partner_of, ref_of


def _observer_trait(name: str, salt: str) -> float:
    """A stable number in [0, 1) per observer: how lenient or how consistent they are."""
    return (zlib.crc32(f"{salt}:{name}".encode()) % 10_000) / 10_000


def _second_observation(world: _World, rng: random.Random, loaded: LoadedRubric, lead: Observation, quarter: int) -> Observation:
    """A second observer's independent observation of the lead observer's session.

    Mostly the same levels; sometimes one level off (more often early on, and in the direction of
    the observer's leniency), rarely two; now and then NA or NO where the other gave a level.
    """
    rubric = loaded.rubric
    session = lead.session
    assert session.started is not None and session.ended is not None
    observer = rng.choice([o for o in world.observers if o != session.observer])
    lean = 0.5 + 0.6 * (_observer_trait(observer, "lenient") - _observer_trait(session.observer, "lenient"))
    off = max(0.1, 0.32 - 0.025 * quarter) * (0.6 + 0.8 * _observer_trait(observer, "steady"))
    created = session.started - timedelta(minutes=rng.randint(2, 30))
    finalised = session.ended + timedelta(minutes=rng.randint(20, 200))
    scores: dict[str, dict[str, Any]] = {}
    levels: list[tuple[str, Item, int]] = []
    for section in rubric.sections:
        for item in section.items:
            before = lead.score(section.id, item.id)
            if before is None or not before.is_set:
                continue
            key = f"{section.id}.{item.id}"
            values = [level.value for level in rubric.scale_of(item).levels]
            score: dict[str, Any] = {"elapsed": min(session.elapsed, max(0, (before.elapsed or 0) + rng.randint(-45, 45)))}
            if before.code is not None:
                pick = rng.random()
                if pick < 0.8:
                    score["code"] = before.code
                elif pick < 0.92:
                    score["value"] = rng.choice(values)
                else:
                    score["code"] = "NO" if before.code == "NA" else "NA"
            else:
                pick = rng.random()
                if pick < 0.02:
                    score["code"] = "NA"
                elif pick < 0.03:
                    score["code"] = "NO"
                else:
                    pos = values.index(before.value) if before.value in values else 0
                    step = 0
                    if rng.random() < off:
                        step = (1 if rng.random() < lean else -1) * (2 if rng.random() < 0.12 else 1)
                    moved = pos + step
                    if not 0 <= moved < len(values):
                        moved = pos - step
                    score["value"] = values[min(len(values) - 1, max(0, moved))]
            if "value" in score:
                span = values[-1] - values[0]
                levels.append((section.id, item, score["value"]))
                if rng.random() < (0.6 if before.evidence else 0.25):
                    score["evidence"] = _evidence(key, (score["value"] - values[0]) / span if span else 1.0, item)
            scores.setdefault(section.id, {})[item.id] = score
    globals_ = {}
    for rating in rubric.globals:
        if rating.id in lead.globals:
            scale = rubric.scale_of(rating)
            nudge = rng.choice((-1, 1)) if rng.random() < 0.25 else 0
            globals_[rating.id] = min(scale.max_value, max(scale.min_value, lead.globals[rating.id] + nudge))
    feedback = _feedback(rng, rubric, levels, session.practitioner, observer, session.date) if levels else {}
    # The lead observer gives the feedback; the second observer's record notes strengths and areas only.
    feedback.pop("self_assessment", None)
    feedback.pop("practitioner_comment", None)
    feedback["actions"] = []
    data = lead.model_dump(by_alias=True)
    data.update(
        {
            "id": demo_id(int(created.timestamp() * 1000), rng),
            "revision": rng.randint(5, 40),
            "created": created,
            "updated": finalised,
            "finalised": finalised,
            "scores": scores,
            "section_notes": {},
            "globals": globals_,
            "counters": {k: max(0, round(v * rng.uniform(0.85, 1.15))) for k, v in lead.counters.items()},
            "events": _events(rng, rubric, session.started, session.elapsed, scores),
            "feedback": feedback,
            "consensus": None,
        }
    )
    data["session"] = {**data["session"], "observer": observer}
    return Observation.model_validate(data)


def _consensus(rng: random.Random, rubric: Rubric, first: Observation, second: Observation) -> Observation:
    """The two observers' agreed record: for each item they scored differently, one of their scores
    (or the level between), with a reason."""
    from seeds_tui.calibration.agreement import compare
    from seeds_tui.calibration.consensus import build_consensus

    scores: dict[str, Score] = {}
    rationale: dict[str, str] = {}
    for item in compare(first, second, rubric).items:
        if item.outcome in ("exact", "same code"):
            continue
        a, b = first.score(item.section_id, item.item_id), second.score(item.section_id, item.item_id)
        options = [s for s in (a, b) if s is not None and s.is_set]
        if not options:
            continue  # left blank by both: nothing to agree
        if item.outcome == "apart" and a is not None and b is not None and a.value is not None and b.value is not None:
            values = [level.value for level in rubric.scale_of(rubric.item(item.section_id, item.item_id)).levels]
            lo, hi = sorted((values.index(a.value), values.index(b.value)))
            chosen = Score(value=values[(lo + hi) // 2]) if rng.random() < 0.5 else Score(value=rng.choice(options).value)
        elif item.outcome == "code vs level":
            with_level = [s for s in options if s.value is not None]
            pick = with_level[0] if with_level and rng.random() < 0.6 else rng.choice(options)
            chosen = Score(value=pick.value, code=pick.code)
        else:
            pick = rng.choice(options)
            chosen = Score(value=pick.value, code=pick.code)
        scores[item.key] = chosen
        rationale[item.key] = rng.choice(RATIONALES[chosen.code or "level"])
    assert second.finalised is not None
    when = second.finalised + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 3))
    return build_consensus(first, second, scores, rationale, when=when, obs_id=demo_id(int(when.timestamp() * 1000), rng))


def _carry_forward(rng: random.Random, obs: Observation, open_actions: dict[str, list[CarriedAction]]) -> Observation:
    """Review the practitioner's open actions at this observation (done / ongoing / dropped) and
    add the actions agreed today; ongoing ones stay open for the next observation."""
    name = obs.session.practitioner
    carried: list[CarriedAction] = []
    still_open: list[CarriedAction] = []
    for action in open_actions.get(name, []):
        status = _weighted(rng, (("done", 50), ("ongoing", 35), ("dropped", 15)))
        comment = rng.choice(CARRIED_COMMENTS[status]) if rng.random() < 0.5 else ""
        carried.append(action.model_copy(update={"status": status, "comment": comment}))
        if status == "ongoing":
            still_open.append(action)
    ongoing = {a.text for a in still_open}
    # An action still running is not agreed again as if it were new.
    actions = [a for a in obs.feedback.actions if a.text not in ongoing] or obs.feedback.actions[:0]
    for index, action in enumerate(actions):
        still_open.append(
            CarriedAction(
                source=obs.id,
                index=index,
                text=action.text,
                owner=action.owner,
                review_date=action.review_date,
                agreed=obs.session.date,
            )
        )
    open_actions[name] = still_open[-8:]
    if not carried and len(actions) == len(obs.feedback.actions):
        return obs
    return obs.model_copy(update={"feedback": obs.feedback.model_copy(update={"actions": actions, "carried": carried})})


def _rubric_plan(n: int, rng: random.Random) -> list[str]:
    counts = {rid: round(n * share) for rid, share in RUBRIC_SHARES.items()}
    if n >= 3:
        counts = {rid: max(1, c) for rid, c in counts.items()}
    plan = [rid for rid, c in counts.items() for _ in range(c)]
    plan += [MAIN_RUBRIC] * (n - len(plan))
    plan = plan[:n]
    rng.shuffle(plan)
    return plan


def _quarters(today: date) -> list[tuple[date, date]]:
    """The last eight calendar quarters (oldest first) as (first day, last usable day)."""
    q_index = today.year * 4 + (today.month - 1) // 3
    out = []
    for k in range(q_index - QUARTERS + 1, q_index + 1):
        year, q = divmod(k, 4)
        start = date(year, 3 * q + 1, 1)
        end = date(year + (q == 3), 1 if q == 3 else 3 * q + 4, 1) - timedelta(days=1)
        # Sessions up to yesterday, so no timestamp lies in the future (today if nothing else fits).
        end = min(end, today - timedelta(days=1))
        if end < start:
            end = start
        out.append((start, end))
    return out


def _weighted(rng: random.Random, choices: Sequence[tuple[Any, int]]) -> Any:
    total = sum(w for _, w in choices)
    pick = rng.random() * total
    for value, weight in choices:
        pick -= weight
        if pick < 0:
            return value
    return choices[-1][0]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


#: How hard each skill is (added to the latent skill; negative = rarer to see done well).
DIFFICULTY = {
    "beginning.welcome": 1.0,
    "beginning.environment": 0.8,
    "beginning.review": -0.1,
    "beginning.agenda": -0.2,
    "role.confidentiality": -0.5,
    "role.negotiable": -0.3,
    "relationship.warmth": 0.8,
    "relationship.clarity": 0.4,
    "relationship.prosocial": -0.2,
    "rnr.risk_focus": -0.1,
    "rnr.responsivity": -0.4,
    "change.motivation": -0.4,
    "change.cognitive": -1.0,
    "change.problem_solving": -0.4,
    "change.skill_practice": -1.1,
    "ending.summary": -0.4,
    "ending.next_contact": 1.2,
    "ending.feedback_invited": -0.8,
    "setup.arrangements": 0.9,
    "nonverbal.attentive": 0.7,
    "nonverbal.calm": 0.6,
    "verbal.clear_language": 0.4,
    "mi.ambivalence": -0.5,
    "cognitive.identifies": -0.8,
    "cognitive.alternatives": -1.1,
    "problem_solving.options": -0.4,
    "processes.engaging": 0.6,
    "processes.evoking": -0.5,
    "processes.planning": -0.4,
    "spirit.permission": -0.6,
}
#: Items that need an occasion (not every session calls for them): NA is common.
OCCASIONAL = {
    "beginning.review": 0.18,
    "role.confidentiality": 0.35,
    "role.authority": 0.3,
    "rnr.barriers": 0.2,
    "change.cognitive": 0.3,
    "change.problem_solving": 0.25,
    "change.skill_practice": 0.45,
    "setup.review": 0.15,
    "authority.fair_firm": 0.3,
    "prosocial.challenges": 0.4,
    "problem_solving.defines": 0.25,
    "problem_solving.options": 0.3,
    "problem_solving.plan": 0.3,
    "cognitive.identifies": 0.35,
    "cognitive.alternatives": 0.4,
    "processes.planning": 0.4,
    "spirit.permission": 0.2,
}
#: Items an observer cannot judge on a phone call.
NOT_ON_PHONE = {"nonverbal.attentive", "beginning.environment", "relationship.warmth"}


def _build_world(seed: int, n_teams: int, today: date, rubric_dir: Path) -> _World:
    rng = random.Random(seed)
    rubrics = {}
    for rid in (MAIN_RUBRIC, *RUBRIC_SHARES):
        rubrics[rid] = load_rubric_file(rubric_dir / f"{rid}.toml")
    teams = [
        TEAM_NAMES[i] if i < len(TEAM_NAMES) else f"{TEAM_NAMES[i % len(TEAM_NAMES)]} {i // len(TEAM_NAMES) + 1}" for i in range(n_teams)
    ]
    # The first teams get recognisable profiles, so views always show a contrast.
    fixed = [(0.55, -0.05), (-0.1, 0.5), (-0.45, -0.3), (0.25, 0.25)]
    team_effect = []
    for i in range(n_teams):
        s, r = fixed[i] if i < len(fixed) else (rng.gauss(0, 0.3), rng.gauss(0, 0.3))
        team_effect.append({"structuring": s, "relationship": r})
    all_names = [f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES]
    n_observers = max(3, min(12, n_teams // 2 + 2))
    sizes = [rng.randint(8, 15) for _ in range(n_teams)]
    needed = sum(sizes) + n_observers
    if needed > len(all_names):  # very many teams: add middle initials to keep every name unique
        all_names += [f"{f} {i}. {s}" for f in FIRST_NAMES for i in "ABCDEFGHJKLMNPRSTW" for s in SURNAMES]
    picked = rng.sample(all_names, needed)
    observers = picked[:n_observers]
    cursor = n_observers
    practitioners = []
    for t, size in enumerate(sizes):
        team = []
        for _ in range(size):
            team.append(Practitioner(picked[cursor], t, rng.gauss(0, 0.45), rng.gauss(0.12, 0.05), rng.uniform(0.5, 1.5)))
            cursor += 1
        practitioners.append(team)
    home_observer = [t % n_observers for t in range(n_teams)]
    return _World(
        rng, _local_zone(), today, rubrics, teams, team_effect, practitioners, observers, home_observer, _quarters(today), DIFFICULTY
    )


def _observation(world: _World, loaded: LoadedRubric, quarter: int, day: date, purpose: str, session_ref: str | None) -> Observation:
    rng = world.rng
    rubric = loaded.rubric
    team = _team_pick(world)
    prac = _practitioner_pick(rng, world.practitioners[team])
    observer = world.observers[world.home_observer[team]]
    if (purpose != "developmental" and rng.random() < 0.5) or rng.random() < 0.1:
        observer = rng.choice(world.observers)
    mode = _weighted(rng, MODES)

    minutes = rng.randint(25, 60)
    hour = _weighted(rng, ((9, 3), (10, 4), (11, 3), (13, 2), (14, 4), (15, 3), (16, 1)))
    started = datetime.combine(day, time(hour, rng.choice((0, 15, 30, 45))), world.zone)
    ended = started + timedelta(minutes=minutes)
    elapsed = minutes * 60 - rng.choice((0, 0, 0, 30, 60, 95))
    created = started - timedelta(minutes=rng.randint(4, 25))
    finalised = ended + timedelta(minutes=rng.randint(25, 150))

    # Latent skill for this session: practitioner, team, growth over the quarters, a good or bad day.
    day_form = rng.gauss(0, 0.35)
    base = 0.15 + prac.skill + prac.growth * quarter + day_form

    def latent(group: str | None, key: str) -> float:
        team_eff = world.team_effect[team].get(group or "", 0.0)
        return base + team_eff + world.difficulty.get(key, 0.0) + rng.gauss(0, 0.7)

    scores: dict[str, dict[str, dict[str, Any]]] = {}
    levels: list[tuple[str, Item, int]] = []
    n_sections = len(rubric.sections)
    for pos, section in enumerate(rubric.sections):
        lo = elapsed * pos // n_sections
        hi = max(lo + 1, elapsed * (pos + 1) // n_sections)
        times = sorted(rng.randint(lo, hi) for _ in section.items)
        for item, at in zip(section.items, times, strict=True):
            key = f"{section.id}.{item.id}"
            if not item.required and rng.random() < 0.07:
                continue  # optional item left blank
            score: dict[str, Any] = {"elapsed": at}
            if (mode == "phone" and key in NOT_ON_PHONE and rng.random() < 0.7) or rng.random() < 0.025:
                score["code"] = "NO"
            elif rng.random() < OCCASIONAL.get(key, 0.0 if item.required else 0.12) + 0.01:
                score["code"] = "NA"
            else:
                scale = rubric.scale_of(item)
                span = scale.max_value - scale.min_value
                raw = span * _sigmoid(latent(section.group, key)) + rng.gauss(0, 0.35)
                value = scale.min_value + min(span, max(0, round(raw)))
                score["value"] = value
                levels.append((section.id, item, value))
                if rng.random() < 0.3:
                    score["evidence"] = _evidence(key, (value - scale.min_value) / span if span else 1.0, item)
            scores.setdefault(section.id, {})[item.id] = score

    section_notes = {}
    for section in rubric.sections:
        if rng.random() < 0.3:
            vals = [
                (v - rubric.scale_of(it).min_value) / max(1, rubric.scales[it.scale].max_value - rubric.scale_of(it).min_value)
                for sid, it, v in levels
                if sid == section.id
            ]
            mean = sum(vals) / len(vals) if vals else 0.5
            tier = "good" if mean >= 0.7 else "mixed" if mean >= 0.4 else "weak"
            section_notes[section.id] = rng.choice(SECTION_NOTES[tier])

    globals_ = {}
    # Now and then the observer leaves one whole-session rating blank (could not decide).
    skipped = rng.choice(rubric.globals).id if rubric.globals and rng.random() < 0.05 else None
    for rating in rubric.globals:
        if rating.id == skipped:
            continue
        scale = rubric.scale_of(rating)
        group = {"relational": "relationship", "technical": "relationship"}.get(rating.group or "", rating.group)
        raw = (scale.max_value - scale.min_value) * _sigmoid(latent(group, "") - 0.1) + rng.gauss(0, 0.4)
        globals_[rating.id] = scale.min_value + min(scale.max_value - scale.min_value, max(0, round(raw)))

    # Tallies follow the same practitioner skill the whole-session ratings show.
    rated = [
        (v - rubric.scale_of(g).min_value) / max(1, rubric.scale_of(g).max_value - rubric.scale_of(g).min_value)
        for g in rubric.globals
        if (v := globals_.get(g.id)) is not None
    ]
    skill = sum(rated) / len(rated) if rated else _sigmoid(base)
    counters = _counters(rng, rubric, min(1.0, max(0.0, skill + rng.gauss(0, 0.08))), minutes) if rubric.counters else {}
    events = _events(rng, rubric, started, elapsed, scores)
    feedback = _feedback(rng, rubric, levels, prac.name, observer, day)

    data: dict[str, Any] = {
        "schema": OBSERVATION_SCHEMA,
        "id": demo_id(int(created.timestamp() * 1000), rng),
        "status": "final",
        "revision": rng.randint(6, 48),
        "created": created,
        "updated": finalised,
        "finalised": finalised,
        "rubric": {"id": rubric.id, "version": rubric.version, "sha256": loaded.sha256},
        "session": {
            "date": day,
            "observer": observer,
            "practitioner": prac.name,
            "team": world.teams[team],
            "session_type": _weighted(rng, SESSION_TYPES[rubric.id]),
            "mode": mode,
            "purpose": purpose,
            "consent_recorded": True,
            "started": started,
            "ended": ended,
            "elapsed": elapsed,
        },
        "scores": scores,
        "section_notes": section_notes,
        "globals": globals_,
        "counters": counters,
        "events": events,
        "feedback": feedback,
    }
    if rng.random() < 0.6:
        data["session"]["case_reference"] = f"{rng.choice(CASE_PREFIXES)}-{rng.randint(100, 9999):04d}"
    if session_ref is not None:
        data["session"]["session_ref"] = session_ref
    return Observation.model_validate(data)


def _team_pick(world: _World) -> int:
    # Bigger teams are observed more often.
    sizes = [len(p) for p in world.practitioners]
    return _weighted(world.rng, list(enumerate(sizes)))


def _practitioner_pick(rng: random.Random, team: list[Practitioner]) -> Practitioner:
    total = sum(p.weight for p in team)
    pick = rng.random() * total
    for p in team:
        pick -= p.weight
        if pick < 0:
            return p
    return team[-1]


#: Days offices are closed every year (other bank holidays move; they are not worth modelling).
_CLOSED_DAYS = {(1, 1), (12, 25), (12, 26)}


def _weekday_between(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    for _ in range(20):
        day = start + timedelta(days=rng.randint(0, span))
        if day.weekday() < 5 and (day.month, day.day) not in _CLOSED_DAYS:
            return day
    return start + timedelta(days=rng.randint(0, span))


def _evidence(key: str, fraction: float, item: Item) -> str:
    tiers = EVIDENCE.get(key)
    if tiers is None:
        text = _lower_first(item.text)
        good, partial, missed = (f"Clear example: {text}.", f"Partly: {text}, briefly.", f"Chance missed: {text}.")
    else:
        good, partial, missed = tiers
    if fraction >= 0.67:
        return good
    if fraction > 0:
        return partial
    return missed


def _counters(rng: random.Random, rubric: Rubric, skill: float, minutes: int) -> dict[str, int]:
    questions = minutes * rng.uniform(0.45, 0.8)
    open_share = 0.3 + 0.45 * skill
    reflections = minutes * (0.2 + 0.7 * skill) * rng.uniform(0.7, 1.2)
    complex_share = 0.15 + 0.5 * skill
    expected = {
        "open_question": questions * open_share,
        "closed_question": questions * (1 - open_share),
        "simple_reflection": reflections * (1 - complex_share),
        "complex_reflection": reflections * complex_share,
        "affirmation": minutes * 0.12 * skill,
        "seeking_collaboration": 1 + 4 * skill,
        "emphasising_autonomy": 0.5 + 3 * skill,
        "persuading": 4 * (1 - skill),
        "confronting": 1.2 * (1 - skill) ** 2,
    }
    return {c.id: _poisson(rng, expected.get(c.id, 2.0)) for c in rubric.counters}


def _events(rng: random.Random, rubric: Rubric, started: datetime, elapsed: int, scores: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    # Marks are classified against items that were given a level, not NA or NO.
    timeline = sorted((score["elapsed"], f"{s}.{i}") for s, items in scores.items() for i, score in items.items() if "value" in score)
    out = []
    count = rng.randint(1, 7)
    notes = rng.sample(EVENT_NOTES, count)
    times = sorted(rng.randint(30, max(31, elapsed - 30)) for _ in range(count))
    for at, text in zip(times, notes, strict=True):
        event: dict[str, Any] = {"at": started + timedelta(seconds=at), "elapsed": at}
        if rng.random() < 0.45:
            event["kind"] = "note"
            event["text"] = text
        else:
            event["kind"] = "mark"
        if timeline and rng.random() < 0.5:
            # Classified later against the item being scored around that moment.
            event["item"] = min(timeline, key=lambda entry: abs(entry[0] - at))[1]
        out.append(event)
    return out


def _feedback(
    rng: random.Random, rubric: Rubric, levels: list[tuple[str, Item, int]], practitioner: str, observer: str, day: date
) -> dict[str, Any]:
    def fraction(entry: tuple[str, Item, int]) -> float:
        scale = rubric.scale_of(entry[1])
        return (entry[2] - scale.min_value) / max(1, scale.max_value - scale.min_value)

    scored = sorted(((fraction(e), rng.random(), pos) for pos, e in enumerate(levels)))
    best_pos = [pos for f, _, pos in reversed(scored) if f >= 0.5][: rng.randint(1, 3)] or [pos for _, _, pos in scored[-1:]]
    worst_pos = [pos for f, _, pos in scored if f < 1.0 and pos not in best_pos][: rng.randint(1, 2)]
    best = [levels[pos] for pos in best_pos]
    worst = [levels[pos] for pos in worst_pos]

    def note(entry: tuple[str, Item, int], strength: bool) -> dict[str, str]:
        sid, item, _ = entry
        key = f"{sid}.{item.id}"
        share = fraction(entry)
        if strength and share < 0.67:
            text = f"A good start on this: {_lower_first(item.text)}. Build on it next time."
        else:
            text = f"{item.text}. {_evidence(key, share, item)}"
        return {"text": text, "item": key}

    titles = {s.id: _lower_first(s.title) for s in rubric.sections}
    feedback: dict[str, Any] = {
        "strengths": [note(e, True) for e in best],
        "development_areas": [note(e, False) for e in worst],
    }
    if rng.random() < 0.85 and best and worst:
        good, weak = best[0][0], worst[0][0]
        template = rng.choice(SELF_ASSESSMENTS) if good != weak else SELF_ASSESSMENTS[-1]
        feedback["self_assessment"] = template.format(best=titles[good], worst=titles[weak])
    actions = []
    for sid, _, _ in worst:
        text = ACTIONS_BY_SECTION.get(sid, GENERAL_ACTIONS[0])
        if all(a["text"] != text for a in actions):
            actions.append({"text": text, "owner": practitioner, "review_date": _review_date(rng, day)})
    if not actions or rng.random() < 0.35:
        owner = rng.choice((practitioner, observer))
        actions.append({"text": rng.choice(GENERAL_ACTIONS), "owner": owner, "review_date": _review_date(rng, day)})
    feedback["actions"] = actions[:3]
    if rng.random() < 0.35:
        feedback["practitioner_comment"] = rng.choice(PRACTITIONER_COMMENTS)
    return feedback


def _lower_first(text: str) -> str:
    """'Spirit in practice' -> 'spirit in practice', but 'MI processes' stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _review_date(rng: random.Random, day: date) -> date:
    review = day + timedelta(weeks=rng.randint(4, 8))
    return review + timedelta(days=(7 - review.weekday()) % 7 if review.weekday() >= 5 else 0)
