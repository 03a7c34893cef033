"""Review and finalise: the whole observation at a glance, then the final file."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Static

from seeds_tui.core.actions import actions_notice
from seeds_tui.core.dates import uk_date
from seeds_tui.core.errors import ObservationError, SeedsError
from seeds_tui.core.observation import ACTION_STATUSES, MODES, PURPOSES, SENTENCES, missing_required
from seeds_tui.core.privacy import suspect_notes
from seeds_tui.core.scoring import (
    band,
    indicator_value,
    overall_score,
    own_bands,
    section_scale,
    section_scores,
    typical_level,
)
from seeds_tui.render.sheet import agreed_before, tally_text
from seeds_tui.tui.autosave import in_daemon_thread
from seeds_tui.tui.base import SeedsScreen
from seeds_tui.tui.commands import SessionDetailsCommands
from seeds_tui.tui.controllers.session import ObservationSession, format_elapsed
from seeds_tui.tui.dialogs import ConfirmDialog, MessageDialog, TextEntryDialog
from seeds_tui.tui.publishing import publish_soon
from seeds_tui.tui.widgets.render import value_text
from seeds_tui.tui.widgets.safe import markup, plain
from seeds_tui.tui.widgets.state import save_state_text, warn_personal


class ReviewScreen(SeedsScreen[None]):
    """Section results (the same rule as team summaries), NA/NO counts, loose marks, missing items."""

    COMMANDS = {SessionDetailsCommands}
    BINDINGS = [
        Binding("f", "finalise", "Finalise", id="review.finalise", tooltip="Check, write the final file and remove the draft"),
        Binding(
            "w",
            "export",
            "Write feedback sheet",
            id="review.export",
            tooltip="Write the practitioner's feedback sheet (Markdown, HTML and PDF) into the store's reports folder",
        ),
        Binding("c", "correct", "Correct", id="review.correct", tooltip="Change a final observation; saved as a new revision"),
        Binding(
            "r",
            "response",
            "Response",
            id="review.response",
            tooltip="Add or change the practitioner's written response (saved at once as a new revision; no correction needed)",
        ),
        Binding("d", "details", "Details", id="review.details", tooltip="Edit session details: date, names, consent… (not the rubric)"),
        Binding("escape", "back", "Back", id="review.back"),
        Binding("j", "scroll_down", show=False),
        Binding("k", "scroll_up", show=False),
    ]

    WRITES_STORE = frozenset({"correct", "response"})

    def __init__(self) -> None:
        super().__init__()
        session = self.seeds.session
        assert session is not None
        self.session: ObservationSession = session
        self.final_path: Path | None = session.path if session.mode != "draft" else None

    def compose(self) -> ComposeResult:
        """The summary and the buttons."""
        with Horizontal(classes="topbar"):
            yield Static("", id="where")
            yield Static("", id="save-state")
        with VerticalScroll(id="review-body"):
            yield Static("", id="summary")
            with Horizontal(classes="form-buttons"):
                yield Button("Finalise (f)", variant="success", id="finalise")
                yield Button("Write feedback sheet (w)", id="export")
                yield Button("Correct (c)", id="correct")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Show the summary; listen for changes."""
        self.watch(self.app, "edits", lambda _: self._changed(), init=False)
        self.watch(self.app, "saves", lambda _: self._changed(state_only=True), init=False)
        self._changed()
        self.query_one("#review-body").focus()
        if self.seeds.records.shared:  # a team's shared store: read only here (c and r, pressed, say why)
            self.hide_store_writes()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only what fits: finalise for drafts, correct for finals."""
        mode = self.session.mode
        if action == "finalise":
            return mode == "draft"
        if action in ("correct", "response"):
            return mode == "final"
        if action == "details":
            return mode != "final"
        return True

    async def action_details(self) -> None:
        """Change the session details (date, names, mode, purpose, consent, case reference)."""
        await self.app.run_action("app.edit_details")

    def _changed(self, state_only: bool = False) -> None:
        if not self.is_attached or self.seeds.session is not self.session:
            return
        if self.later_if_covered(self._changed):  # under a dialog: once it closes
            return
        session = self.session
        if state_only:
            self.query_one("#save-state", Static).update(save_state_text(session))
            return
        mode = session.mode
        title = (
            "Review and finalise"
            if mode == "draft"
            else ("Final observation · read-only" if mode == "final" else "Correcting a final observation")
        )
        self.query_one("#where", Static).update(markup("[b]$t[/b] [dim]· $who[/]", t=title, who=session.observation.session.practitioner))
        self.query_one("#save-state", Static).update(save_state_text(session))
        self.query_one("#summary", Static).update(self.summary())
        self.query_one("#finalise", Button).display = mode == "draft"
        self.query_one("#correct", Button).display = mode == "final" and not self.seeds.records.shared
        self.refresh_bindings()

    def summary(self) -> Content:
        """The whole observation as text."""
        session = self.session
        obs = session.observation
        rubric = session.rubric
        s = obs.session
        lines: list[Content] = []
        details = f"{uk_date(s.date)} · {s.practitioner} ({s.team}) · observed by {s.observer} · {MODES[s.mode]} · {PURPOSES[s.purpose]}"
        extra = f"{s.session_type or 'session type not given'} · consent {'recorded' if s.consent_recorded else 'NOT recorded'}"
        if s.sentence:
            extra += f" · {SENTENCES[s.sentence].lower()}"
        if s.case_reference:
            extra += f" · case ref {s.case_reference}"
        if s.change_target:
            extra += f" · change target: {s.change_target}"
        lines.append(
            markup(
                "[b]$r[/b] [dim]$v[/]\n$d\n$e · session clock $c",
                r=rubric.title,
                v=rubric.version,
                d=details,
                e=extra,
                c=format_elapsed(session.clock.elapsed()),
            )
        )
        for heading, text in agreed_before(obs):  # as the sheet words them, each only when recorded
            lines.append(markup("[b]$h:[/b] $t", h=heading, t=text.replace("\n", "\n  ")))  # a plan's lines indented
        if self.final_path is not None and session.mode != "draft":
            lines.append(markup("[$text-success]Final file:[/] $p", p=str(self.final_path)))
        results = section_scores(obs, rubric)
        total = overall_score(results)
        width = max(20, min(40, max(len(r.title) for r in results)))
        # As on the feedback sheet: the rubric's own bands when it names some, else the level typical of the section.
        bands = own_bands(rubric)
        heading = "band" if bands else "level"  # the typical level, as the sheet words it
        lines.append(markup("\n[b]$h[/]", h=f"{'Section':<{width}} {'scored':>7} {'NA':>3} {'NO':>3} {'% max':>6}  {heading}"))
        for r in [*results, total]:
            pct = "–" if r.percent is None else f"{r.percent:.0f}%"
            if bands:
                named = band(r.percent, bands=bands) or "–"
            else:
                named = typical_level(section_scale(rubric, None if r is total else r.section_id), r) or "–"
            row = f"{r.title[:width]:<{width}} {f'{r.scored}/{r.total}':>7} {r.na:>3} {r.no:>3} {pct:>6}  {named}"
            lines.append(markup("[b]$row[/]" if r is total else "$row", row=row))
        missing = missing_required(obs, rubric)
        if missing:
            lines.append(markup("\n[b $text-warning]Required items without a score ($n):[/]", n=str(len(missing))))
            for key in missing:
                section_id, item_id = key.split(".")
                lines.append(markup("  $s › $i", s=rubric.section(section_id).title, i=rubric.item(section_id, item_id).text))
        else:
            lines.append(markup("\n[$text-success]Every required item has a level, NA or NO.[/]"))
        loose = session.unattached_marks()
        if loose:
            lines.append(
                markup(
                    "[$text-warning]Marks not yet attached to an item: $n[/] [dim](x on the scoring screen lists them)[/]",
                    n=str(len(loose)),
                )
            )
        else:
            lines.append(markup("[dim]Marks not yet attached: 0[/]"))
        suspects = suspect_notes(obs, rubric)
        if suspects:
            lines.append(
                markup(
                    "[b $text-warning]Possible personal data of the person on probation in $n place(s):[/] "
                    "[dim](use 'the person on probation' or the case reference)[/]",
                    n=str(len(suspects)),
                )
            )
            for where, found in suspects:
                lines.append(markup("  $w [dim]($f)[/]", w=where, f="; ".join(found)))
        carried = obs.feedback.carried
        if carried:
            unreviewed = sum(c.status is None for c in carried)
            counts = " · ".join(
                f"{label.lower()} {n}"
                for label, n in ((ACTION_STATUSES[s], sum(c.status == s for c in carried)) for s in ACTION_STATUSES)
                if n
            )
            if unreviewed:
                lines.append(
                    markup(
                        "[$text-warning]Actions from earlier observations not yet reviewed: $n of $total[/] "
                        "[dim](F3: mark them done, ongoing or dropped)[/]",
                        n=str(unreviewed),
                        total=str(len(carried)),
                    )
                )
            else:
                lines.append(
                    markup("[dim]Actions from earlier observations: all $n reviewed ($counts)[/]", n=str(len(carried)), counts=counts)
                )
        if rubric.globals:
            lines.append(markup("\n[b]Whole-session ratings[/b]"))
            for g in rubric.globals:
                lines.append(markup("  $t: $v", t=g.title, v=value_text(rubric, g, obs.globals.get(g.id))))
        if rubric.counters:
            lines.append(markup("\n[b]Tallies[/b]"))
            lines.append(plain("  " + " · ".join(f"{c.title} {tally_text(obs, rubric, c.id)}" for c in rubric.counters)))
        if rubric.indicators:
            for ind in rubric.indicators:
                v = indicator_value(rubric, ind.id, obs.counters, obs.globals)
                shown = "–" if v is None else (f"{v:.0f}%" if ind.percent else f"{v:.2f}")
                lines.append(markup("  $t: $v", t=ind.title, v=shown))
        fb = obs.feedback
        held = uk_date(fb.date) if fb.date else "date not recorded"
        took = format_elapsed(fb.elapsed) if fb.elapsed else "not timed"
        lines.append(
            markup(
                "\n[b]Feedback[/b] [dim]($held · $took)[/]\n  self-assessment: $sa · strengths: $st · development areas: $da · "
                "summary: $su · actions: $ac · response: $co",
                held=held,
                took=took,
                sa="written" if fb.self_assessment else "none",
                st=str(len(fb.strengths)),
                da=str(len(fb.development_areas)),
                su="written" if fb.summary else "none",
                ac=str(len(fb.actions)),
                co=("added after finalising" if fb.response_added else "written") if fb.practitioner_comment else "none",
            )
        )
        if session.mode == "final" and self.seeds.records.shared:
            lines.append(markup("[dim]A team's shared store: read only here (corrections and responses in your own store)[/]"))
        elif session.mode == "final":
            lines.append(markup("[dim]r adds or changes the practitioner's written response (no correction needed)[/]"))
        return plain("\n").join(lines)

    # -- actions ---------------------------------------------------------------------------------

    @on(Button.Pressed, "#finalise")
    def _finalise_pressed(self) -> None:
        self.action_finalise()

    @on(Button.Pressed, "#export")
    def _export_pressed(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#correct")
    def _correct_pressed(self) -> None:
        self.action_correct()

    def action_finalise(self) -> None:
        """Ask, then finalise (refuses, listing them, while required items are missing)."""
        session = self.session
        if session.mode != "draft":
            return
        missing = missing_required(session.observation, session.rubric)
        if missing:
            rubric = session.rubric
            names = "\n".join(f"• {rubric.section(k.split('.')[0]).title} › {rubric.item(*k.split('.')).text}" for k in missing)

            def go(yes: bool | None) -> None:
                if yes:
                    section_id, item_id = missing[0].split(".")
                    section_index = [s.id for s in rubric.sections].index(section_id)
                    session.section_index = section_index
                    session.item_index = [i.id for i in rubric.sections[section_index].items].index(item_id)
                    self.seeds.show_stage("scoring")

            self.app.push_screen(
                ConfirmDialog(
                    "Not ready to finalise",
                    f"{len(missing)} required item(s) have no score yet. Give each a level, NA (a) or NO (o):\n\n{names}",
                    yes="Go to the first one",
                    no="Stay here",
                ),
                go,
            )
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._finalise()

        cautions = self.cautions()
        text = "The final file is written once and the draft removed. Later changes are saved as corrections (new revisions)."
        if cautions:
            text = "Before you finalise:\n\n" + "\n".join(f"• {c}" for c in cautions) + "\n\n" + text
        self.app.push_screen(
            ConfirmDialog(
                "Finalise this observation?",
                text,
                yes="Finalise anyway" if cautions else "Finalise",
                no="Not yet",
            ),
            answered,
        )

    def cautions(self) -> list[str]:
        """What to check before finalising: consent, marks left unattached, notes that may hold personal data,
        earlier actions not reviewed, no actions agreed (or many, or without a review date)."""
        session = self.session
        obs = session.observation
        out: list[str] = []
        if not obs.session.consent_recorded:
            out.append("Consent of the person on probation is not recorded (d edits the session details).")
        loose = session.unattached_marks()
        if loose:
            out.append(
                f"{len(loose)} mark(s) are not attached to an item: they will not reach the feedback sheet (x on the scoring screen)."
            )
        out += [f"Possible personal data: {where} ({'; '.join(found)})." for where, found in suspect_notes(obs, session.rubric)]
        carried = obs.feedback.carried
        if unreviewed := sum(c.status is None for c in carried):
            # Easily passed over in the conversation; the practitioner's sheet would say "not yet reviewed".
            out.append(
                f"{unreviewed} of {len(carried)} actions from earlier observations are not reviewed: the feedback sheet "
                "lists them as not yet reviewed (F3 marks them done, ongoing or dropped)."
            )
        if not obs.feedback.actions:
            out.append("No actions agreed: two or three, each with a review date, are added in the feedback step (F3).")
        elif notice := actions_notice(obs.feedback.actions):  # a word only: actions are the conversation's to agree
            out.append(f"Agreed actions: {notice}")
        return out

    @work(exclusive=True, group="finalise", exit_on_error=False, name="finalising")
    async def _finalise(self) -> None:
        session = self.session
        try:
            path = await session.finalise()
        except ObservationError as exc:
            self.app.push_screen(MessageDialog("Not finalised", f"The observation does not pass the checks; the draft is kept.\n\n{exc}"))
            return
        except SeedsError as exc:
            self.app.push_screen(MessageDialog("Not finalised", f"{exc}\n\nThe draft is kept."))
            return
        self.final_path = path
        self.seeds.remember(open_draft="")
        self._changed()
        self.app.notify(f"Final file written: {path}", title="Finalised", timeout=12)
        publish_soon(self.app)  # to the team's shared store, when one is set

    def action_export(self) -> None:
        """Write the feedback sheet; when a note may hold personal data, list where and ask first."""
        session = self.session
        suspects = suspect_notes(session.observation, session.rubric)
        if not suspects:
            self._write_sheet()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._write_sheet()

        places = "\n".join(f"• {where} ({'; '.join(found)})" for where, found in suspects)
        self.app.push_screen(
            ConfirmDialog(
                "Possible personal data on the sheet",
                "The feedback sheet goes to the practitioner. These notes may hold personal data of the person on "
                f"probation:\n\n{places}\n\nWrite the sheet anyway, or go back and change them (F2 scoring, F3 feedback)?",
                yes="Write it anyway",
                no="Go back",
                focus_yes=False,  # Enter keeps the sheet from going out with the notes as they are
            ),
            answered,
        )

    @work(exclusive=True, group="export", exit_on_error=False, name="writing the feedback sheet")
    async def _write_sheet(self) -> None:
        """Write the feedback sheet to STORE/reports/ (for a shared store, the user's own) as .md, .html and .pdf and say where."""
        session = self.session
        obs, rubric = session.observation, session.rubric
        try:
            paths = await in_daemon_thread(lambda: self.seeds.records.write_sheet(obs, rubric))
        except SeedsError as exc:
            self.app.notify(str(exc), title="Feedback sheet not written", severity="error", timeout=15)
            return
        where = "\n".join(str(path) for path in paths)
        if self.seeds.records.shared:  # the share keeps published finals only: the sheet stays on this computer
            where += "\n(on this computer, in your own store's reports folder: the team's shared store keeps finals only)"
        title = "Feedback sheet written" if obs.status == "final" else "Feedback sheet written (marked draft)"
        self.app.notify(f"Markdown, HTML and PDF, to print or send:\n{where}", title=title, timeout=15, markup=False)

    def action_correct(self) -> None:
        """Start a correction of the final observation."""
        if self.session.mode != "final" or self.seeds.refused_on_shared_store("Correct a final"):
            return
        self.session.begin_correction()
        self.app.notify("Correcting: change what you need (F2 scoring, F3 feedback), then Ctrl+S saves a new revision.", timeout=10)
        self._changed()

    def action_response(self) -> None:
        """Write the practitioner's response to a final observation; saved as a new revision when done."""
        session = self.session
        if session.mode != "final" or self.seeds.refused_on_shared_store("Add the practitioner's response"):
            return
        fb = session.observation.feedback

        def done(text: str | None) -> None:
            if text is not None and text.strip() != fb.practitioner_comment.strip():
                warn_personal(self, text)
                self._save_response(text.strip())

        self.app.push_screen(
            TextEntryDialog(
                "The practitioner's response",
                fb.practitioner_comment,
                context="Their written response to the feedback, saved as a new revision on closing (the previous one is kept).",
            ),
            done,
        )

    @work(exclusive=True, group="response", exit_on_error=False, name="saving the practitioner's response")
    async def _save_response(self, text: str) -> None:
        try:
            path = await self.session.save_response(text)
        except SeedsError as exc:
            self.app.push_screen(MessageDialog("Response not saved", f"{exc}\n\nThe final observation is unchanged."))
            return
        self.final_path = path
        self._changed()
        self.app.notify(f"The practitioner's response is saved: {path}", title="Saved", timeout=8)
        publish_soon(self.app)

    async def action_back(self) -> None:
        """Back to the feedback (drafts and corrections) or home (read-only finals)."""
        if self.session.mode == "final":
            await self.seeds.close_observation()
        else:
            self.seeds.show_stage("after")
