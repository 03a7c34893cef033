"""The consensus controller: the choices and rationales of two observers agreeing a double-scored session.

The app owns one ``ConsensusSession`` per pair of observations while it runs (so leaving the
screen half way and coming back carries on), and each is saved by the app's one autosave
engine to a consensus draft in ``STORE/consensus/drafts/<ID>.toml`` (atomic, owner-only):
debounced, in the background, told once when it fails, written at once on leaving the
screen, on quitting and on hang-up. The consensus record itself is written by ``record``,
and only then is the draft removed; if that fails, the draft stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from seeds_tui.calibration.agreement import Agreement, ItemAgreement
from seeds_tui.calibration.consensus import (
    build_consensus,
    consensus_draft,
    consensus_drafts_dir,
    discard_consensus_draft,
    draft_choices,
    load_consensus_draft,
    save_consensus,
    save_consensus_draft,
)
from seeds_tui.core.errors import ConflictError, SeedsError
from seeds_tui.core.observation import Observation, Score, observation_to_toml
from seeds_tui.core.rubric import LoadedRubric, Rubric
from seeds_tui.storage import crash
from seeds_tui.tui.autosave import AUTOSAVE_DELAY, Autosave, in_daemon_thread
from seeds_tui.tui.controllers.session import TooLong

if TYPE_CHECKING:
    from textual.app import App

    from seeds_tui.calibration.pairing import CalibrationSession
    from seeds_tui.storage.store import Store

#: The longest rationale the file format keeps.
RATIONALE_MAX = 4000


@dataclass(frozen=True)
class Pair:
    """A ready double-scored session: its two final observations and the rubric they were scored against."""

    session: CalibrationSession
    loaded: LoadedRubric
    first: Observation
    second: Observation
    first_path: Path
    second_path: Path

    @property
    def rubric(self) -> Rubric:
        """The rubric both observations were scored against."""
        return self.loaded.rubric

    @property
    def key(self) -> tuple[str, str]:
        """Identifies the pair (the two observations' ids)."""
        return (self.first.id, self.second.id)


def choice(score: Score | None) -> tuple[int | None, str | None]:
    """The level or code of a score, without its note: what two scores are compared by."""
    if score is None:
        return (None, None)
    return (score.value, score.code)


def alike(a: Score | None, b: Score | None) -> bool:
    """True when two scores have the same level or code (or neither has one)."""
    return choice(a) == choice(b)


def items_to_agree(agreement: Agreement, first: Observation, second: Observation) -> list[ItemAgreement]:
    """The items the two observers scored differently: those to discuss first (largest gaps first),
    then any other difference (one scored and one not) in rubric order."""
    ordered = list(agreement.for_discussion)
    seen = {i.key for i in ordered}
    for entry in agreement.items:
        if entry.key in seen:
            continue
        if not alike(first.score(entry.section_id, entry.item_id), second.score(entry.section_id, entry.item_id)):
            ordered.append(entry)
    return ordered


class ConsensusSession:
    """The agreed scores and rationales of one pair so far, saved as a consensus draft by the autosave engine."""

    what = "consensus draft"

    def __init__(
        self,
        app: App,
        store: Store,
        pair: Pair,
        agreement: Agreement,
        *,
        now_fn: Callable[[], datetime],
        delay: float = AUTOSAVE_DELAY,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.pair = pair
        self.agreement = agreement
        self.entries = items_to_agree(agreement, pair.first, pair.second)
        self.keys = [e.key for e in self.entries]
        self._now = now_fn
        self.agreed: dict[str, Score] = {}
        self.rationale: dict[str, str] = {}
        #: The draft file's observation id, creation time and path (None until first written or loaded).
        self.obs_id: str | None = None
        self.created: datetime | None = None
        self.path: Path | None = None
        #: Set once the consensus is recorded: the draft is never written again.
        self.closed = False
        self.on_change = on_change
        self.autosave = Autosave(app, self, delay=delay, on_state=self._tell)
        self._load()

    def _tell(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def _load(self) -> None:
        """Carry on from the pair's consensus draft autosaved earlier (this run or an earlier one), if any."""
        try:
            found = load_consensus_draft(self.store, self.pair.first.id, self.pair.second.id)
        except SeedsError:
            found = None
        if found is None:
            return
        path, obs = found
        scores, rationale = draft_choices(obs)
        wanted = set(self.keys)
        self.agreed = {k: Score(value=s.value, code=s.code) for k, s in scores.items() if k in wanted and s.is_set}
        self.rationale = {k: text[:RATIONALE_MAX] for k, text in rationale.items() if k in wanted}
        self.obs_id, self.created, self.path = obs.id, obs.created, path

    # -- what is chosen --------------------------------------------------------------------

    @property
    def session_ref(self) -> str:
        """The double-scored session's reference."""
        return self.pair.session.session_ref

    @property
    def drafts_dir(self) -> Path:
        """Where consensus drafts are kept."""
        return consensus_drafts_dir(self.store)

    @property
    def touched(self) -> bool:
        """True once anything was chosen or written."""
        return bool(self.agreed) or any(text.strip() for text in self.rationale.values())

    @property
    def dirty(self) -> bool:
        """True when the draft file lacks some change."""
        return not self.closed and self.autosave.dirty

    def needs_rationale(self, key: str) -> bool:
        """True when the agreed score for ``key`` differs from either observer's."""
        agreed = self.agreed.get(key)
        if agreed is None:
            return False
        section_id, item_id = key.split(".")
        return not (
            alike(agreed, self.pair.first.score(section_id, item_id)) and alike(agreed, self.pair.second.score(section_id, item_id))
        )

    def complete(self, key: str) -> bool:
        """True when ``key`` has an agreed score and, where it needs one, a rationale."""
        return key in self.agreed and (not self.needs_rationale(key) or bool(self.rationale.get(key, "").strip()))

    def problems(self) -> tuple[list[str], list[str]]:
        """Items with no agreed score yet, and items whose agreed score needs a rationale that is missing."""
        undecided = [k for k in self.keys if k not in self.agreed]
        missing = [k for k in self.keys if self.needs_rationale(k) and not self.rationale.get(k, "").strip()]
        return undecided, missing

    def choose(self, key: str, score: Score | None) -> bool:
        """Set (or with None, undo) the agreed score of ``key``; True if it changed."""
        if score is None:
            changed = self.agreed.pop(key, None) is not None
        else:
            changed = self.agreed.get(key) != score
            self.agreed[key] = score
        if changed:
            self.autosave.changed()
        return changed

    def write_rationale(self, key: str, text: str) -> bool:
        """Set the rationale of ``key``; True if it changed. Raises ``TooLong`` past the format's limit."""
        if len(text) > RATIONALE_MAX:
            raise TooLong(f"a rationale can hold at most {RATIONALE_MAX:,} characters: shorten it")
        if text == self.rationale.get(key, ""):
            return False
        self.rationale[key] = text
        self.autosave.changed()
        return True

    # -- the autosave engine's side (see seeds_tui.tui.autosave.Draft) ---------------------------

    def snapshot(self) -> Observation:
        """The draft observation of what is chosen and written now. Raises ``SeedsError`` if it cannot be built."""
        keys = set(self.keys)
        obs = consensus_draft(
            self.pair.first,
            self.pair.second,
            {k: v for k, v in self.agreed.items() if k in keys},
            {k: v for k, v in self.rationale.items() if k in keys},
            obs_id=self.obs_id,
            created=self.created,
            when=self._now(),
        )
        self.obs_id, self.created = obs.id, obs.created
        return obs

    def write(self, snapshot: object) -> Path | None:
        """Write the draft (in a thread, under the engine's lock); nothing once the consensus is recorded."""
        assert isinstance(snapshot, Observation)
        if self.closed:
            return self.path
        self.path = save_consensus_draft(self.store, snapshot)
        return self.path

    def written(self, snapshot: object, result: object) -> None:
        """A write succeeded."""

    def conflict(self, exc: ConflictError) -> str:
        """Consensus drafts are one per pair and laptop; should one clash, keep ours elsewhere."""
        return self.rescue(str(exc))

    def rescue(self, reason: str) -> str:
        """Keep the choices in the user's rescue folder; the message saying where."""
        try:
            obs = self.snapshot()
            path = crash.write_rescue(f"consensus-{obs.id}", observation_to_toml(obs).encode("utf-8"))
        except SeedsError as exc:
            return f"the consensus in progress for {self.session_ref} could not be saved ({reason}) nor kept anywhere ({exc})"
        return f"the consensus in progress for {self.session_ref} could not be saved ({reason}); it is kept in {path}"

    def save_now(self) -> str | None:
        """Write any change not on disk yet, at once (leaving the screen, quitting, hang-up); the problem, or None."""
        if self.closed:
            return None
        return self.autosave.save_now()

    # -- recording -----------------------------------------------------------------------------

    async def record(self) -> tuple[Path, Observation, str | None]:
        """Write the consensus record; then stop the draft and remove it.

        Returns the record's path, the consensus, and a warning if the draft was left behind.
        Raises ``SeedsError`` (the draft and every choice stay) if the record cannot be written.
        """
        pair = self.pair
        scores = {key: self.agreed[key] for key in self.keys}
        rationale = {key: text.strip() for key, text in self.rationale.items() if key in scores and text.strip()}
        consensus = build_consensus(pair.first, pair.second, scores, rationale, when=self._now(), obs_id=self.obs_id)
        path = await in_daemon_thread(lambda: save_consensus(self.store, consensus))
        self.autosave.stop()

        def close() -> Path | None:
            with self.autosave.lock:  # a draft write in flight finishes first
                self.closed = True
                return self.path

        draft_path = await in_daemon_thread(close)
        self.autosave.mark_saved()
        warning = None
        if draft_path is not None:
            try:
                await in_daemon_thread(lambda: discard_consensus_draft(self.store, draft_path))
            except SeedsError as exc:
                warning = f"{exc}. The consensus itself is recorded."
        return path, consensus, warning
