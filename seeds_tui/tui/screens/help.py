"""F1 / ?: how a session flows in five lines, then every key of the screen underneath, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from seeds_tui.core.observation import Session
from seeds_tui.tui.base import SeedsModal
from seeds_tui.tui.widgets.safe import markup, plain

#: The keys of each screen, in the words the README uses.
KEYS: dict[str, list[tuple[str, str]]] = {
    "HomeScreen": [
        ("n", "new observation (choose a rubric, then the session details)"),
        ("Enter", "open the selected observation: a draft continues scoring, a final one opens read-only"),
        ("r", "resume the newest draft"),
        ("d", "discard the selected draft (asks first)"),
        ("s", "Team summary"),
        ("c", "Calibration: double-scored sessions, compare two observers, agree a consensus"),
        ("q", "questionnaire for people on probation: an anonymous form they fill in on this laptop after the session"),
        ("e", "training events and action learning sets: the register (add, edit, remove)"),
        ("v", "supervision note for the selected observation's practitioner: progress on open actions, new actions, reflection"),
        ("l", "development record of the selected observation's practitioner, in date order (w writes their sheet)"),
        ("↑ ↓", "move in the list"),
    ],
    "VoiceSetupScreen": [
        ("Tab / Enter", "next field"),
        ("Ctrl+S", "start the questionnaire, then hand the laptop over"),
        ("Esc", "back to the list of observations"),
    ],
    "VoiceFormScreen": [
        ("1 2 3 4 5", "your answer: 1 strongly disagree ... 5 strongly agree"),
        ("0 / p", "prefer not to say"),
        ("↑ ↓ and Enter", "choose an answer"),
        ("Tab", "move to the buttons (at the end)"),
        ("Esc", "back to the question before (on the first: twice to stop without sending)"),
    ],
    "VoiceThanksScreen": [("n", "the questionnaire again, for the next person"), ("Esc", "staff: back to the list of observations")],
    "RubricScreen": [("↑ ↓ / j k", "choose a rubric"), ("Enter", "use it"), ("Esc", "back")],
    "SessionScreen": [
        ("Tab / Shift+Tab", "next / previous field (Enter also moves on)"),
        ("→", "accept the suggested name (names already in the store)"),
        ("Space", "tick 'consent recorded'"),
        ("Enter in Plan", "a new line in the practitioner's plan (Tab moves on)"),
        ("Ctrl+S", "start scoring (the session clock starts)"),
        ("Esc", "back to the rubric list"),
    ],
    "ScoringScreen": [
        ("↑ ↓ / j k", "previous / next item"),
        ("0-9", "give the item the level with that value (top-row digits)"),
        ("a", "NA: not applicable (the session never called for the skill)"),
        ("o", "NO: not observed (you could not judge it)"),
        ("Backspace / Delete", "clear the level or code"),
        ("e / Enter", "write the evidence note for the item"),
        ("m", "drop a time-stamped mark now (classify later)"),
        ("x", "list marks; Enter attaches one to the current item, i to any item, d detaches, e edits its text; u undoes"),
        ("n / ] / l / Ctrl+→", "next section (after the last: the session ratings and feedback)"),
        ("p / [ / h / Ctrl+←", "previous section"),
        ("Tab", "write the section notes (Esc returns to the items)"),
        ("Shift+↑ ↓", "scroll the levels and evidence of the item (small terminals)"),
        ("G", "read the whole guidance of the section (cut to fit above the items on a small terminal)"),
        ("t", "pause / resume the session clock"),
        ("E", "end the session: its clock stops (F3 also ends it, going on to the feedback)"),
        ("tally letters", "count one (shown on the tally bar, when the rubric has tallies)"),
        ("u", "undo the last tally"),
        ("F3", "after the session: global ratings and feedback"),
        ("Esc", "save and go back to the list of observations"),
    ],
    "AfterScreen": [
        ("Tab / Shift+Tab", "next / previous part"),
        ("0-9", "rate the highlighted whole-session rating; Backspace clears it"),
        ("Enter", "add or edit a strength, development area or action"),
        ("Delete", "remove the highlighted entry (u puts it back)"),
        ("F4", "review and finalise (the feedback clock stops while you are away from this step)"),
        ("Esc", "leave a text box; from a list, back to scoring"),
    ],
    "ReviewScreen": [
        ("f", "finalise: check, write the final file, remove the draft"),
        ("w", "write the feedback sheet (Markdown, HTML and PDF) into STORE/reports/ (a team's shared store: your own store's)"),
        ("c", "correct a final observation (saved as a new revision with Ctrl+S)"),
        ("r", "add or change the practitioner's written response to a final observation (no correction needed)"),
        ("Esc", "back"),
    ],
    "CalibrationScreen": [
        ("↑ ↓ / j k", "move in the list of double-scored sessions (no scores are shown here)"),
        ("Enter", "compare the two observers (only once both have finalised)"),
        ("F5", "read the store again"),
        ("Esc", "back to the list of observations"),
    ],
    "ComparisonScreen": [
        ("↑ ↓ / j k", "scroll a line"),
        ("PgUp PgDn / Space", "scroll a page"),
        ("Home / End", "top / bottom of the comparison"),
        ("d", "go to the items to discuss (two or more levels apart first, with both evidence notes)"),
        ("i", "go to the table of every item, side by side"),
        ("t", "back to the top (the agreement figures)"),
        ("a", "agree the consensus (or show the one already recorded)"),
        ("Esc", "back to the list of double-scored sessions"),
    ],
    "ConsensusScreen": [
        ("↑ ↓ / j k", "previous / next item to agree"),
        ("0-9", "the agreed level (top-row digits, as when scoring)"),
        ("a / o", "agree NA (not applicable) / NO (not observed)"),
        ("Backspace / Delete", "undo the agreed choice"),
        ("e / Enter / Tab", "write the rationale (needed when the agreed score differs from an observer's)"),
        ("Shift+↑ ↓", "scroll the item's evidence notes and levels"),
        ("Ctrl+S", "check and save the consensus (written once to STORE/consensus/)"),
        ("Esc", "leave the rationale; from the list, back to the comparison (your choices are kept)"),
    ],
}

#: How an observation flows, in five lines: shown first, so the keys below have a place to hang on.
FLOW: tuple[str, ...] = (
    "1 Before: n, the rubric, the session details, the agreed focus and plan; Ctrl+S starts the clock.",
    "2 During: score each item with a digit, a for NA, o for NO; e writes evidence; m marks a moment.",
    "3 After (F3): the session clock stops; rate it, then feedback on its own clock: their view first.",
    "4 Review (F4): check, f finalises (the draft becomes the final file), w writes the feedback sheet.",
    "5 Later: s for the Team summary, c for calibration; every draft saves itself as you type.",
)

#: The screens of an open observation, whose help shows the focus and plan agreed with the practitioner.
AGREED_SCREENS = frozenset({"ScoringScreen", "AfterScreen", "ReviewScreen"})

#: The screens of an observation, whose help opens with ``FLOW``.
FLOW_SCREENS = frozenset({"HomeScreen", "RubricScreen", "SessionScreen", "ScoringScreen", "AfterScreen", "ReviewScreen"})

#: Said first in F1 when the open store is a team's shared store (``seeds-tui publish --to``).
SHARED_NOTE = (
    "A team's shared store: the finals the SPOs publish, to read here (Enter, w writes a sheet on this computer, "
    "s, c, l). Scoring, corrections, responses, self-ratings, supervision notes, the questionnaire, events and "
    "consensus are done in your own store (seeds-tui without --store, or --store YOUR-FOLDER); here their keys "
    "say so and write nothing."
)

EVERYWHERE: list[tuple[str, str]] = [
    ("F1 / ?", "this list"),
    ("Ctrl+P", "command palette: jump to a section, save, finalise, summaries, calibration, theme"),
    ("Ctrl+S", "save now (drafts are also saved automatically within a second)"),
    ("F2 / F3 / F4", "scoring / after the session / review (when an observation is open)"),
    ("Ctrl+Q", "quit (the draft is kept; you are told where)"),
]


class HelpScreen(SeedsModal[None]):
    """The full key list of the screen underneath."""

    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Close", id="help.close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        """Two tables: this screen, everywhere."""
        name = type(self.under).__name__
        # A screen may carry its own list (HELP_KEYS), e.g. one loaded only when it is opened.
        keys = list(getattr(self.under, "HELP_KEYS", None) or KEYS.get(name, []))
        session = self.seeds.session
        if name == "ScoringScreen" and session is not None and session.rubric.counters:
            keys += [(c.key, f"tally: {c.title}") for c in session.rubric.counters]
        if not keys:
            seen: set[str] = set()
            for active in self.under.active_bindings.values():
                b = active.binding
                if b.action in seen or not b.description:
                    continue
                seen.add(b.action)
                keys.append((self.app.get_key_display(b), b.tooltip or b.description))
        with Vertical(classes="dialog dialog-wide"):
            title = "Keys"
            if name in AGREED_SCREENS and session is not None and (focus := " ".join(session.observation.session.focus.split())):
                # Always in sight, even at 80x24 where the flow fills the box: the plan follows the flow.
                title += " · agreed focus: " + (focus if len(focus) <= 48 else focus[:47] + "…")
            yield Static(plain(title), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                keys_text = _table("On this screen", keys) + plain("\n\n") + _table("Everywhere", EVERYWHERE)
                if name in AGREED_SCREENS and session is not None and (agreed := _agreed(session.observation.session)):
                    keys_text = agreed + plain("\n\n") + keys_text
                if name in FLOW_SCREENS:  # the observer's screens: the flow first, so the keys have a place
                    keys_text = markup("[b]How a session flows[/b]") + plain("\n" + "\n".join(FLOW) + "\n\n") + keys_text
                # Before all: most keys of the flow write nothing on a shared store (a screen hosted
                # by another app, as the Team summary can be, has no store of the app's to ask).
                if getattr(getattr(self.app, "records", None), "shared", False):
                    keys_text = plain(SHARED_NOTE + "\n\n") + keys_text
                yield Static(keys_text)
            yield Static(plain("Esc closes · nothing needs a mouse or a number pad"), classes="dialog-hint")

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)


def _agreed(session: Session) -> Content | None:
    """What to look at in this session, as agreed with the practitioner at set-up (None when nothing was)."""
    rows = [
        ("Focus", " ".join(session.focus.split())),
        ("Plan", " / ".join(line.strip() for line in session.plan.splitlines() if line.strip())),
    ]
    lines = [markup("[b $accent]$k[/] $d", k=k.ljust(6), d=d) for k, d in rows if d]
    if not lines:
        return None
    return plain("\n").join([markup("[b]Agreed with the practitioner[/b]"), *lines])


def _table(title: str, rows: list[tuple[str, str]]) -> Content:
    width = max((len(k) for k, _ in rows), default=4) + 2
    lines = [markup("[b]$t[/b]", t=title)]
    lines += [markup("[b $accent]$k[/] $d", k=k.ljust(width), d=d) for k, d in rows]
    return plain("\n").join(lines)
