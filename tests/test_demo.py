"""The demo generator writes realistic, valid, repeatable observations, fast."""

from __future__ import annotations

import re
import stat
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

from seeds_tui.cli import main
from seeds_tui.core.observation import Observation, check_against_rubric, read_observation
from seeds_tui.core.privacy import personal_data_warnings
from seeds_tui.core.rubric import LoadedRubric, bundled_rubric_dir, load_rubric_file
from seeds_tui.core.scoring import overall_score, section_scores
from seeds_tui.demo.generator import generate_demo, write_demo
from seeds_tui.storage.store import Store

TODAY = date(2026, 11, 23)
RUBRIC_IDS = ("seed-one-to-one", "jersey-interview-skills", "mi-informed-conversation")


@pytest.fixture(scope="module")
def rubrics() -> dict[str, LoadedRubric]:
    return {rid: load_rubric_file(bundled_rubric_dir() / f"{rid}.toml") for rid in RUBRIC_IDS}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, list[Path]]:
    """One store of 1,700 observations (200+ of each rubric), shared by the read-only tests."""
    store = Store(tmp_path_factory.mktemp("demo") / "store")
    return store, generate_demo(store, 1700, seed=11, teams=6, today=TODAY)


@pytest.fixture(scope="module")
def loaded(demo_store: tuple[Store, list[Path]]) -> list[tuple[Path, Observation, str]]:
    out = []
    for path in demo_store[1]:
        obs, text = read_observation(path)
        out.append((path, obs, text))
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.toml"))}


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    first, second, other = Store(tmp_path / "a"), Store(tmp_path / "b"), Store(tmp_path / "c")
    generate_demo(first, 60, seed=4, teams=3, today=TODAY)
    generate_demo(second, 60, seed=4, teams=3, today=TODAY)
    generate_demo(other, 60, seed=5, teams=3, today=TODAY)
    a, b, c = _files(first.final_dir), _files(second.final_dir), _files(other.final_dir)
    assert len(a) == 60
    assert a == b
    assert set(a).isdisjoint(c)
    assert sorted(a.values()) != sorted(c.values())


def test_every_file_is_a_valid_final_observation_of_its_rubric(
    loaded: list[tuple[Path, Observation, str]], rubrics: dict[str, LoadedRubric]
) -> None:
    per_rubric = Counter(obs.rubric.id for _, obs, _ in loaded)
    assert set(per_rubric) == set(RUBRIC_IDS)
    assert min(per_rubric.values()) >= 200
    for path, obs, text in loaded:
        rubric = rubrics[obs.rubric.id]
        assert obs.status == "final"
        assert obs.rubric.sha256 == rubric.sha256
        assert obs.rubric.version == rubric.rubric.version
        assert check_against_rubric(obs, rubric.rubric, path=path, text=text) == []
        assert path.name == f"{obs.id}.toml"
        assert obs.session.consent_recorded


def test_files_are_owner_only(demo_store: tuple[Store, list[Path]]) -> None:
    store, paths = demo_store
    for path in paths[:50]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in store.final_dir.iterdir() if p.name.startswith(".")], "no temp files left behind"


def test_spans_eight_quarters_the_teams_and_all_rubrics(loaded: list[tuple[Path, Observation, str]]) -> None:
    quarters = {(obs.session.date.year, (obs.session.date.month - 1) // 3) for _, obs, _ in loaded}
    assert len(quarters) == 8
    assert max(quarters) == (2026, 3)
    assert all(obs.session.date < TODAY and obs.session.date.weekday() < 5 for _, obs, _ in loaded)
    assert len({obs.session.team for _, obs, _ in loaded}) == 6
    per_team: dict[str, set[str]] = defaultdict(set)
    for _, obs, _ in loaded:
        per_team[obs.session.team].add(obs.session.practitioner)
    assert all(8 <= len(people) <= 15 for people in per_team.values())
    observers = {obs.session.observer for _, obs, _ in loaded}
    assert 3 <= len(observers) <= 12
    assert observers.isdisjoint(set().union(*per_team.values()))


def test_timestamps_follow_the_session(loaded: list[tuple[Path, Observation, str]]) -> None:
    now = datetime.now().astimezone()
    for _, obs, _ in loaded:
        session = obs.session
        assert session.started is not None and session.ended is not None
        assert obs.created < session.started < session.ended < obs.finalised <= now
        assert obs.updated == obs.finalised
        assert session.started.date() == session.date
        assert 0 < session.elapsed <= (session.ended - session.started).total_seconds()
        assert obs.id.startswith(_ulid_time(obs.created))
        for event in obs.events:
            assert event.elapsed <= session.elapsed


def _ulid_time(when: datetime) -> str:
    value, chars = int(when.timestamp() * 1000), []
    for _ in range(10):
        chars.append("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def _percent(obs: Observation, rubrics: dict[str, LoadedRubric]) -> float | None:
    return overall_score(section_scores(obs, rubrics[obs.rubric.id].rubric)).percent


def test_scores_improve_over_time(loaded: list[tuple[Path, Observation, str]], rubrics: dict[str, LoadedRubric]) -> None:
    by_quarter: dict[tuple[int, int], list[float]] = defaultdict(list)
    for _, obs, _ in loaded:
        percent = _percent(obs, rubrics)
        if percent is not None:
            by_quarter[(obs.session.date.year, (obs.session.date.month - 1) // 3)].append(percent)
    quarters = sorted(by_quarter)
    earliest = by_quarter[quarters[0]] + by_quarter[quarters[1]]
    latest = by_quarter[quarters[-2]] + by_quarter[quarters[-1]]
    assert statistics.mean(latest) > statistics.mean(earliest) + 5


def test_teams_and_skills_differ(loaded: list[tuple[Path, Observation, str]], rubrics: dict[str, LoadedRubric]) -> None:
    seed = rubrics["seed-one-to-one"].rubric
    by_team: dict[str, list[float]] = defaultdict(list)
    group_points: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    item_values: dict[str, list[int]] = defaultdict(list)
    for _, obs, _ in loaded:
        if obs.rubric.id != seed.id:
            continue
        scores = section_scores(obs, seed)
        percent = overall_score(scores).percent
        if percent is not None:
            by_team[obs.session.team].append(percent)
        # Composites count each item in its own group (an item's group overrides its section's).
        for section in seed.sections:
            for item in section.items:
                s = obs.score(section.id, item.id)
                if s is None or s.value is None:
                    continue
                scale = seed.scale_of(item)
                group = seed.group_of(section.id, item.id) or ""
                group_points[(obs.session.team, group)][0] += s.value - scale.min_value
                group_points[(obs.session.team, group)][1] += scale.max_value - scale.min_value
        for key in ("beginning.welcome", "change.skill_practice"):
            section_id, item_id = key.split(".")
            s = obs.score(section_id, item_id)
            if s is not None and s.value is not None:
                item_values[key].append(s.value)
    means = [statistics.mean(v) for v in by_team.values()]
    assert max(means) - min(means) > 5
    # Some teams are stronger at structuring, others at relationship skills.
    gaps = []
    for team in by_team:
        structuring = group_points[(team, "structuring")]
        relationship = group_points[(team, "relationship")]
        gaps.append(structuring[0] / structuring[1] - relationship[0] / relationship[1])
    assert max(gaps) > 0.03 and min(gaps) < -0.03
    # Some skills are rarer to see done well.
    assert statistics.mean(item_values["beginning.welcome"]) > statistics.mean(item_values["change.skill_practice"]) + 0.5


def test_codes_notes_globals_counters_and_feedback(loaded: list[tuple[Path, Observation, str]]) -> None:
    codes: dict[str, Counter[str]] = defaultdict(Counter)
    evidence = section_notes = events = comments = 0
    for _, obs, _ in loaded:
        for section_id, items in obs.scores.items():
            for item_id, score in items.items():
                key = f"{section_id}.{item_id}"
                codes[key][score.code or "level"] += 1
                evidence += bool(score.evidence)
        section_notes += bool(obs.section_notes)
        events += len(obs.events)
        comments += bool(obs.feedback.practitioner_comment)
        assert obs.feedback.strengths and all(s.item for s in obs.feedback.strengths)
        assert len(obs.feedback.actions) <= 3
        # Every observation agrees actions, keeps an earlier one going, or is a second observer's record
        # of a double-scored session (the lead observer gives the feedback).
        ongoing = [c for c in obs.feedback.carried if c.status == "ongoing"]
        second_observer = obs.session.purpose == "calibration" and not obs.feedback.carried and not obs.feedback.self_assessment
        assert obs.feedback.actions or ongoing or second_observer
        for action in obs.feedback.actions:
            assert action.owner in {obs.session.practitioner, obs.session.observer}
            assert action.review_date is not None and action.review_date > obs.session.date
        if obs.rubric.id == "mi-informed-conversation":
            assert obs.counters["open_question"] + obs.counters["closed_question"] > 0
            assert len(obs.globals) >= 3
        elif obs.rubric.id == "seed-one-to-one":
            assert not obs.counters
            assert len(obs.globals) >= 3
    n = len(loaded)
    assert evidence > n and section_notes > n // 3 and events > n and 0 < comments < n

    def share(key: str, code: str) -> float:
        return codes[key][code] / sum(codes[key].values())

    # NA is common where a skill needs an occasion, rare where every session calls for it.
    assert share("change.skill_practice", "NA") > 0.25 > 0.05 > share("relationship.warmth", "NA")
    assert 0 < share("relationship.listening", "NO") < 0.1


def test_some_observations_record_a_focus_and_plan_agreed_before_the_session(loaded: list[tuple[Path, Observation, str]]) -> None:
    sessions = [obs.session for _, obs, _ in loaded]
    focused = [s for s in sessions if s.focus]
    assert 0.25 < len(focused) / len(sessions) < 0.55  # about two in five
    assert all(not s.plan or s.focus for s in sessions)  # a plan comes with an agreed focus
    assert any(s.plan and "\n" in s.plan for s in focused) and any(s.plan and "\n" not in s.plan for s in focused)
    assert any(not s.plan for s in focused)


def test_no_person_names_in_free_text(loaded: list[tuple[Path, Observation, str]]) -> None:
    people = {name for _, obs, _ in loaded for name in (obs.session.practitioner, obs.session.observer)}
    words = {part for name in people for part in name.split()}
    pattern = re.compile(r"\b(" + "|".join(sorted(words)) + r")\b")
    for _, obs, _ in loaded[:400]:
        texts = [s.evidence for items in obs.scores.values() for s in items.values()]
        texts += list(obs.section_notes.values()) + [e.text for e in obs.events]
        texts += [n.text for n in obs.feedback.strengths + obs.feedback.development_areas]
        texts += [a.text for a in obs.feedback.actions] + [obs.feedback.self_assessment, obs.feedback.practitioner_comment]
        texts += [c.comment for c in obs.feedback.carried] + [obs.session.focus, obs.session.plan]
        for text in texts:
            assert not pattern.search(text), "a free-text note holds a person's name"
            assert personal_data_warnings(text) == [], "the app would warn about personal data in a demo note"
        assert obs.session.case_reference is None or re.fullmatch(r"[A-Z]{2}-\d{4}", obs.session.case_reference)


def test_cli_writes_observations_and_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "demo"
    assert main(["demo", "--store", str(folder), "--observations", "40", "--seed", "3", "--teams", "4"]) == 0
    out = capsys.readouterr().out.strip()
    files = sorted((folder / "observations").glob("*.toml"))
    assert len(files) == 40
    assert len(out.splitlines()) == 3
    assert re.fullmatch(
        rf"\d+ training days? and \d+ action learning sets? registered in {re.escape(str(folder / 'events'))}", out.splitlines()[1]
    )
    # The rest of the development cycle, counted as the files in the store.
    counted = re.fullmatch(
        r"(\d+) self-ratings?, (\d+) supervision notes? and (\d+) questionnaire responses? written beside them", out.splitlines()[2]
    )
    assert counted, out
    for number, folder_name in zip(counted.groups(), ("selfratings", "supervision", "responses"), strict=True):
        assert int(number) == len(list((folder / folder_name).glob("*.toml"))) > 0
    assert out.startswith(f"40 observations written to {folder / 'observations'}, across 4 teams, ")
    assert re.search(r"sessions \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d", out)
    # The store option may also come before the command; the same seed gives the same files.
    again = tmp_path / "again"
    assert main(["--store", str(again), "demo", "-n", "40", "--seed", "3", "--teams", "4"]) == 0
    assert _files(folder / "observations") == _files(again / "observations")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--observations", "0"], "between 1 and 1,000,000"),
        (["--observations", "1000001"], "between 1 and 1,000,000"),
        (["--observations", "ten"], "whole number"),
        (["--observations", "5", "--teams", "0"], "teams must be between 1"),
        (["--observations", "5", "--seed", "x"], "seed must be a whole number"),
        ([], "--observations"),
    ],
)
def test_cli_bad_arguments_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert main(["demo", "--store", str(tmp_path / "s"), *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "s" / "observations").exists()


def test_cli_needs_an_explicit_store(capsys: pytest.CaptureFixture[str]) -> None:
    # SEEDS_STORE points at a temp folder (conftest); demo data must still never go there unasked.
    assert main(["demo", "--observations", "5"]) == 2
    assert "--store DIR" in capsys.readouterr().err


def test_library_refuses_impossible_counts(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="observations"):
        generate_demo(Store(tmp_path), 0)
    with pytest.raises(ValueError, match="teams"):
        write_demo(Store(tmp_path), 5, teams=0)


def test_calibration_pairs_are_two_observers_of_one_session(
    demo_store: tuple[Store, list[Path]], loaded: list[tuple[Path, Observation, str]], rubrics: dict[str, LoadedRubric]
) -> None:
    from seeds_tui.calibration.agreement import check_pair, compare
    from seeds_tui.calibration.pairing import calibration_sessions

    by_ref: dict[str, list[Observation]] = defaultdict(list)
    for _, obs, _ in loaded:
        if obs.session.session_ref is not None:
            assert obs.session.purpose == "calibration"
            by_ref[obs.session.session_ref].append(obs)
    calibration = sum(obs.session.purpose == "calibration" for _, obs, _ in loaded)
    assert 0.04 * len(loaded) < calibration < 0.08 * len(loaded)
    assert calibration == sum(len(v) for v in by_ref.values())  # every calibration observation has a reference
    pairs = [v for v in by_ref.values() if len(v) == 2]
    assert len(pairs) >= 40 and all(len(v) <= 2 for v in by_ref.values())
    outcomes: Counter[str] = Counter()
    for first, second in pairs:
        assert check_pair(first, second) == []  # same date, practitioner, team, reference; two observers; final
        assert first.rubric == second.rubric
        result = compare(first, second, rubrics[first.rubric.id].rubric)
        outcomes.update(i.outcome for i in result.items)
    compared = outcomes["exact"] + outcomes["within one"] + outcomes["apart"]
    # Mostly the same level, sometimes one apart, rarely two; NA/NO now and then differ.
    assert 0.65 < outcomes["exact"] / compared < 0.92
    assert 0.005 < outcomes["apart"] / compared < 0.06 < outcomes["within one"] / compared
    assert outcomes["code vs level"] > 0 and outcomes["same code"] > outcomes["code vs level"]
    sessions, errors = calibration_sessions(demo_store[0])
    assert errors == [] and sum(s.ready for s in sessions) == len(pairs)


def test_some_pairs_have_a_valid_consensus_record(
    demo_store: tuple[Store, list[Path]], loaded: list[tuple[Path, Observation, str]], rubrics: dict[str, LoadedRubric]
) -> None:
    from seeds_tui.calibration.consensus import load_consensus

    store = demo_store[0]
    by_id = {obs.id: obs for _, obs, _ in loaded}
    records = load_consensus(store)
    pairs = {obs.session.session_ref for _, obs, _ in loaded if obs.session.session_ref}
    assert 0.2 * len(pairs) < len(records) < 0.8 * len(pairs)
    for path, agreed in records:
        assert isinstance(agreed, Observation) and agreed.consensus is not None
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        first, second = (by_id[i] for i in agreed.consensus.of)
        assert agreed.session.session_ref == first.session.session_ref == second.session.session_ref
        rubric = rubrics[agreed.rubric.id].rubric
        assert check_against_rubric(agreed, rubric, path=path) == []
        assert agreed.finalised is not None and second.finalised is not None and agreed.finalised > second.finalised
        for section in rubric.sections:
            for item in section.items:
                mine = [
                    (s.value, s.code) if s and s.is_set else None
                    for s in (agreed.score(section.id, item.id), first.score(section.id, item.id), second.score(section.id, item.id))
                ]
                if mine[0] != mine[1] or mine[0] != mine[2]:
                    assert agreed.consensus.rationale.get(f"{section.id}.{item.id}")
    # Consensus records stay out of observations/, so team summaries never count them.
    assert not {p.name for p, _ in records} & {p.name for p in store.final_dir.iterdir()}
    assert all(obs.consensus is None for _, obs, _ in loaded)


def test_later_observations_review_the_open_actions_of_earlier_ones(loaded: list[tuple[Path, Observation, str]]) -> None:
    by_practitioner: dict[str, list[Observation]] = defaultdict(list)
    for _, obs, _ in loaded:
        by_practitioner[obs.session.practitioner].append(obs)
    reviewed = 0
    agreed_where: dict[tuple[str, int], tuple[date, str]] = {}
    for observations in by_practitioner.values():
        for obs in observations:
            for index, action in enumerate(obs.feedback.actions):
                agreed_where[(obs.id, index)] = (obs.session.date, action.text)
    for name, observations in by_practitioner.items():
        history: dict[tuple[str, int], list[tuple[date, str]]] = defaultdict(list)
        for obs in observations:
            for carried in obs.feedback.carried:
                reviewed += 1
                assert carried.status in {"done", "ongoing", "dropped"}
                day, text = agreed_where[carried.key]  # the action exists where it was first agreed
                assert carried.text == text and carried.agreed == day <= obs.session.date
                history[carried.key].append((obs.session.date, carried.status))
        for reviews in history.values():
            # Ongoing keeps an action open for the next review; done or dropped closes it.
            statuses = [status for _, status in sorted(reviews, key=lambda r: (r[0], r[1] != "ongoing"))]
            assert all(status == "ongoing" for status in statuses[:-1]), name
    carrying = sum(bool(obs.feedback.carried) for _, obs, _ in loaded)
    assert carrying > len(loaded) // 3 and reviewed > len(loaded) // 2


def test_the_phrase_file_covers_every_item_it_writes_evidence_for() -> None:
    """The demo's words live in demo/phrases.toml: each evidence key names a shipped item and gives three texts
    (skilful, partly shown, missed), so editing the file can neither drop an item's notes nor add a stray one."""
    import tomllib
    from importlib import resources

    phrases = tomllib.loads(resources.files("seeds_tui.demo").joinpath("phrases.toml").read_text(encoding="utf-8"))
    items = {
        f"{section.id}.{item.id}"
        for path in bundled_rubric_dir().glob("*.toml")
        for section in load_rubric_file(path).rubric.sections
        for item in section.items
    }
    assert phrases["evidence"], "no evidence texts"
    for key, texts in phrases["evidence"].items():
        assert key in items, f"{key} is not an item of a shipped rubric"
        assert len(texts) == 3 and all(t.strip() for t in texts), key
    assert len(set(phrases["team_names"])) == len(phrases["team_names"])
