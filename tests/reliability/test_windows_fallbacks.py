"""The core and the store with Windows' Python names: no POSIX-only module or attribute is needed.

``helpers_windows.run_as_windows`` hides ``fcntl``, ``termios``, ``signal.SIGHUP``, ``os.O_NOFOLLOW``,
``os.getuid``, ``select.poll`` and the rest in a child process, and takes our own Windows branches
(libraries that pick their own platform module by ``sys.platform``, platformdirs, filelock, asyncio and
subprocess, keep their POSIX one: their Windows modules are theirs to test); there the core and the store go through a whole
observation (draft saves, a conflict kept aside, finalise, a correction with its history, a
consensus), then the command line makes, validates, summarises and exports a demo store, and the
app (``App.run_test``, keys through Pilot) goes through a whole observation and writes its sheet. A bare
``import fcntl`` or ``signal.SIGHUP`` on any of these paths fails the test with its traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers_windows import cli_as_windows, run_as_windows


def test_the_store_works_without_posix_only_names(tmp_path: Path) -> None:
    """Save, conflict, keep aside, finalise, correct (history), consensus, summary cache: all without POSIX names."""
    root = tmp_path / "store"
    result = run_as_windows(
        f"""
        import json, os, signal, sys
        assert not hasattr(os, "O_NOFOLLOW") and not hasattr(os, "getuid") and not hasattr(signal, "SIGHUP")
        try:
            import fcntl
        except ImportError:
            pass
        else:
            raise SystemExit("fcntl should be hidden")
        from pathlib import Path
        from helpers_core import draft, scored, small_rubric
        from seeds_tui.core.errors import ConflictError
        from seeds_tui.core.observation import Score, load_observation
        from seeds_tui.storage.store import Store
        from seeds_tui.calibration.consensus import build_consensus, save_consensus
        from seeds_tui.team.cache import load_rows
        rubric = small_rubric(Path({str(tmp_path / "rubrics")!r}))
        store = Store({str(root)!r}, lock_timeout=2)
        from seeds_tui.storage import atomic
        out = {{"windows branches": atomic._WINDOWS}}  # replace retried, rename where no hard links: Windows' ways
        first = store.save_draft(draft())
        second = store.save_draft(first)
        try:
            store.save_draft(first)
        except ConflictError:
            out["conflict"] = str(store.keep_aside(first).name)
        final, path = store.finalise(scored(second), rubric)
        fixed = final.model_copy(update={{"scores": {{**final.scores, "relationship": {{"empathy": Score(value=1)}}}}}})
        link = os.link  # a share or FAT disk without hard links: Windows' rename (which refuses an existing name) is used
        del os.link
        corrected, _ = store.save_correction(fixed, rubric)
        os.link = link
        out["history"] = sorted(p.name for p in store.history_dir.iterdir())
        out["final revision"] = load_observation(path).revision
        pair = []
        for observer in ("Sam Lee", "Kim Ray"):
            obs = scored(draft(observer=observer, purpose="calibration", session_ref="CAL-1"))
            pair.append(store.finalise(store.save_draft(obs), rubric)[0])
        out["consensus"] = save_consensus(store, build_consensus(pair[0], pair[1], {{}}, {{}})).parent.name
        out["rows"] = len(load_rows(store).files)
        out["report"] = store.write_report(final.id + ".md", b"sheet").parent.name
        out["temp files"] = [p.name for p in Path({str(root)!r}).rglob(".tmp-*")]
        try:
            import fcntl
        except ImportError:
            out["still hidden"] = True
        print(json.dumps(out))
        """
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["still hidden"] is True and out["windows branches"] is True
    assert out["conflict"].endswith(".unsaved.toml")
    assert len(out["history"]) == 1 and out["final revision"] == 4
    assert out["consensus"] == "consensus" and out["report"] == "reports"
    assert out["rows"] == 3 and out["temp files"] == []


def test_the_command_line_works_without_posix_only_names(tmp_path: Path) -> None:
    """demo, validate, summary (table, csv, html, xlsx), export (csv, jsonl, parquet) and report, with POSIX names hidden."""
    store = tmp_path / "demo"
    done = cli_as_windows("demo", "--store", str(store), "--observations", "30", "--seed", "2")
    assert done.returncode == 0, done.stderr
    runs = [
        ["validate", str(store)],
        ["summary", "--store", str(store)],
        ["summary", "--store", str(store), "--format", "csv", "-o", str(tmp_path / "s.csv")],
        ["summary", "--store", str(store), "--format", "html", "-o", str(tmp_path / "s.html")],
        ["summary", "--store", str(store), "--format", "xlsx", "-o", str(tmp_path / "s.xlsx")],
        ["export", "--store", str(store), "--format", "csv", "-o", str(tmp_path / "e.csv")],
        ["export", "--store", str(store), "--format", "jsonl", "--table", "observations", "-o", str(tmp_path / "e.jsonl")],
        ["export", "--store", str(store), "--format", "parquet", "-o", str(tmp_path / "parquet")],
    ]
    # One Windows-like interpreter runs them all in turn (each through main(), as the command does):
    # what is checked is the names each command uses, not the start of a process ten times over.
    done = run_as_windows(
        f"""
        import contextlib, io, json, sys
        from seeds_tui.cli import main
        results = []
        for args in {runs!r}:
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = main(args)
            results.append([code, err.getvalue()])
        print(json.dumps(results))
        """
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    for args, (code, stderr) in zip(runs, json.loads(done.stdout.splitlines()[-1]), strict=True):
        assert code == 0, (args, stderr[-2000:])
        assert "Traceback" not in stderr
    final = sorted((store / "observations").iterdir())[0]
    done = cli_as_windows("report", str(final), "--format", "html", "-o", str(tmp_path / "sheet.html"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "s.xlsx").stat().st_size > 0 and list((tmp_path / "parquet").rglob("*.parquet"))


def test_the_app_goes_through_a_whole_observation_without_posix_only_names(tmp_path: Path) -> None:
    """The real app (App.run_test, keys through Pilot): set-up, scoring with a note, feedback, finalise, the sheet written."""
    root = tmp_path / "store"
    result = run_as_windows(
        f"""
        import asyncio, json, os, signal, sys
        from pathlib import Path
        assert not hasattr(signal, "SIGHUP") and not hasattr(os, "O_NOFOLLOW")
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1] / "tui")!r})
        from tui_helpers import FROZEN, TODAY, FakeClock, set_up, type_text
        from seeds_tui.core.observation import load_observation
        from seeds_tui.core.rubric import RubricRegistry, bundled_rubric_dir
        from seeds_tui.storage.store import Store
        from seeds_tui.tui.app import create_app
        from seeds_tui.tui.screens.after import AfterScreen
        from seeds_tui.tui.screens.review import ReviewScreen
        from seeds_tui.tui.start import hang_up_signals

        async def main():
            store = Store({str(root)!r})
            app = create_app(store, RubricRegistry([bundled_rubric_dir()]), today=TODAY, clock_source=FakeClock(),
                             now_fn=lambda: FROZEN, autosave_delay=0.05)
            out = {{"signals": [s.name for s in hang_up_signals()]}}
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                await set_up(pilot, "jersey-interview-skills", by_keyboard=True)
                rubric = app.session.rubric
                for s_index, section in enumerate(rubric.sections):
                    for i_index, item in enumerate(section.items):
                        await pilot.press(str(rubric.scale_of(item).values[-1]))
                        if s_index == 0 and i_index == 0:
                            await pilot.press("e")
                            await type_text(pilot, "agenda agreed zqx")
                            await pilot.press("escape")
                        await pilot.press("down")
                    await pilot.press("n")
                    await pilot.pause()
                out["after"] = isinstance(app.screen, AfterScreen)
                await type_text(pilot, "went well")
                await pilot.press("f4")
                await pilot.pause()
                out["review"] = isinstance(app.screen, ReviewScreen)
                await pilot.press("f")
                await pilot.pause()
                await pilot.press("enter")
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.press("w")
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
            finals = sorted(store.final_dir.glob("*.toml"))
            out["finals"] = len(finals)
            final = load_observation(finals[0])
            out["notes"] = [s.evidence for items in final.scores.values() for s in items.values() if s.evidence]
            out["scored"] = sum(1 for items in final.scores.values() for s in items.values() if s.value is not None)
            out["items"] = sum(len(section.items) for section in rubric.sections)
            out["self"] = final.feedback.self_assessment
            out["drafts"] = sorted(p.name for p in store.draft_dir.glob("*.toml"))
            out["reports"] = sorted(p.suffix for p in store.reports_dir.iterdir()) if store.reports_dir.exists() else []
            print(json.dumps(out))

        asyncio.run(main())
        try:
            import fcntl
        except ImportError:
            pass
        else:
            raise SystemExit("fcntl should still be hidden")
        """,
        timeout=240,
        app=True,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["signals"] == ["SIGTERM"], "on Windows only SIGTERM (and SIGBREAK, where it exists) close the app after saving"
    assert out["after"] and out["review"]
    assert out["finals"] == 1 and out["drafts"] == []
    assert out["scored"] == out["items"] and out["notes"] == ["agenda agreed zqx"] and out["self"] == "went well"
    assert out["reports"] == [".html", ".md", ".pdf"]
