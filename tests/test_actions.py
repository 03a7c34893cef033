"""Actions carried forward: which of a practitioner's earlier actions are still open at a new observation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from helpers_core import draft, scored, small_rubric

from seeds_tui.core.actions import merge_carried, open_actions
from seeds_tui.core.observation import Action, CarriedAction, Feedback, Observation, observation_to_toml
from seeds_tui.storage.carried import earlier_observations, practitioner_open_actions
from seeds_tui.storage.store import Store


def final(when: date, practitioner: str, actions: list[str], carried: list[CarriedAction] | None = None) -> Observation:
    """A final observation (in memory) of ``practitioner`` on ``when`` agreeing ``actions``."""
    obs = scored(draft(date=when, practitioner=practitioner))
    feedback = Feedback(actions=[Action(text=t, owner=practitioner) for t in actions], carried=carried or [])
    return obs.model_copy(update={"status": "final", "feedback": feedback, "finalised": obs.created})


def reviewed(obs: Observation, index: int, status: str | None) -> CarriedAction:
    """``obs``'s action ``index`` as reviewed at a later observation."""
    action = obs.feedback.actions[index]
    return CarriedAction(source=obs.id, index=index, text=action.text, owner=action.owner, agreed=obs.session.date, status=status)


def texts(found: list) -> list[str]:
    return [o.action.text for o in found]


def test_actions_stay_open_until_marked_done_or_dropped() -> None:
    first = final(date(2026, 3, 1), "Pat P", ["Agenda first", "Summarise at the end", "Ask about work"])
    second = final(
        date(2026, 6, 1),
        "Pat P",
        ["Role clarification"],
        carried=[
            reviewed(first, 0, "done"),
            reviewed(first, 1, "ongoing").model_copy(update={"comment": "Two of three sessions"}),
            reviewed(first, 2, "dropped"),
        ],
    )
    found = open_actions([second, first], "Pat P", before=date(2026, 9, 1))
    assert texts(found) == ["Summarise at the end", "Role clarification"]
    ongoing = found[0]
    assert (ongoing.last_status, ongoing.last_reviewed, ongoing.last_comment) == ("ongoing", date(2026, 6, 1), "Two of three sessions")
    assert found[1].last_status is None and found[1].action.agreed == date(2026, 6, 1)
    # Carrying again later keeps the original source: no second copy of the same action.
    assert ongoing.action.key == (first.id, 1)


def test_not_yet_reviewed_stays_open_and_a_later_review_wins() -> None:
    first = final(date(2026, 1, 10), "Pat P", ["Agenda first"])
    second = final(date(2026, 2, 10), "Pat P", [], carried=[reviewed(first, 0, None)])
    third = final(date(2026, 3, 10), "Pat P", [], carried=[reviewed(first, 0, "done")])
    assert texts(open_actions([first, second], "Pat P")) == ["Agenda first"]
    assert open_actions([first, second, third], "Pat P") == []
    # Listed out of order, the dates decide which review is the latest.
    assert open_actions([third, second, first], "Pat P") == []


def test_only_this_practitioners_earlier_finals_count() -> None:
    mine = final(date(2026, 3, 1), "Pat  Practitioner", ["Mine"])
    theirs = final(date(2026, 3, 1), "Robin R", ["Theirs"])
    later = final(date(2026, 12, 1), "Pat Practitioner", ["Later than the new session"])
    unfinished = draft(date=date(2026, 3, 2), practitioner="Pat Practitioner").model_copy(
        update={"feedback": Feedback(actions=[Action(text="Still a draft")])}
    )
    found = open_actions([mine, theirs, later, unfinished], "pat practitioner", before=date(2026, 11, 23))
    assert texts(found) == ["Mine"]
    assert open_actions([mine], "Pat Practitioner", exclude=mine.id) == []


def test_a_carried_copy_stands_in_when_the_original_file_is_gone() -> None:
    gone = final(date(2026, 1, 1), "Pat P", ["From a file no longer in the store"])
    second = final(date(2026, 2, 1), "Pat P", [], carried=[reviewed(gone, 0, "ongoing")])
    found = open_actions([second], "Pat P")
    assert texts(found) == ["From a file no longer in the store"]
    assert found[0].action.status is None and found[0].action.comment == ""


def test_merge_keeps_what_was_marked_and_adds_what_is_new() -> None:
    first = final(date(2026, 1, 1), "Pat P", ["One", "Two"])
    found = open_actions([first], "Pat P")
    marked = [found[0].action.model_copy(update={"status": "done", "comment": "went well"})]
    merged = merge_carried(marked, found)
    assert [(c.text, c.status, c.comment) for c in merged] == [("One", "done", "went well"), ("Two", None, "")]
    assert merge_carried(merged, found) == merged


def test_the_store_is_searched_for_the_practitioner_by_name(tmp_path: Path) -> None:
    rubric = small_rubric(tmp_path / "rubrics")
    store = Store(tmp_path / "store")
    names = ['Pat "PJ" O\'Neill', "Robin R", "Zoë Ünal"]
    for n, name in enumerate(names):
        obs = scored(draft(date=date(2026, 1, 1 + n), practitioner=name)).model_copy(
            update={"feedback": Feedback(actions=[Action(text=f"Action for {n}")])}
        )
        store.finalise(store.save_draft(obs), rubric)
    # A damaged file is reported, not raised, and does not hide the others.
    (store.final_dir / "01ARZ3NDEKTSV4RRFFQ69G5FAV.toml").write_text('schema = "seeds-observation/2"\npractitioner = "zoë ünal"\n')
    for n, name in enumerate(names):
        found, problems = earlier_observations(store, name.upper())
        assert [o.session.practitioner for o in found] == [name]
        assert len(problems) == (1 if n == 2 else 0)
    new = draft(date=date(2026, 11, 23), practitioner="zoë  ünal")
    assert texts(practitioner_open_actions(store, new)) == ["Action for 2"]


def test_carried_actions_round_trip_through_the_file(tmp_path: Path) -> None:
    first = final(date(2026, 1, 1), "Pat P", ["Agenda first"])
    carried = reviewed(first, 0, "ongoing").model_copy(update={"comment": "Two of three sessions"})
    obs = scored(draft()).model_copy(update={"feedback": Feedback(carried=[carried])})
    text = observation_to_toml(obs)
    assert 'status = "ongoing"' in text and "[[feedback.carried]]" in text
    path = tmp_path / "obs.toml"
    path.write_text(text)
    from seeds_tui.core.observation import load_observation

    assert load_observation(path).feedback.carried == [carried]


def test_an_unmarked_later_review_does_not_reopen_or_forget_an_earlier_one() -> None:
    first = final(date(2026, 1, 10), "Pat P", ["Agenda first", "Summarise"])
    second = final(
        date(2026, 2, 10),
        "Pat P",
        [],
        carried=[reviewed(first, 0, "done"), reviewed(first, 1, "ongoing").model_copy(update={"comment": "half done"})],
    )
    # Started before the second was finalised: carries both, marks neither.
    third = final(date(2026, 2, 11), "Pat P", [], carried=[reviewed(first, 0, None), reviewed(first, 1, None)])
    found = open_actions([first, second, third], "Pat P")
    assert [(o.action.text, o.last_status, o.last_comment) for o in found] == [("Summarise", "ongoing", "half done")]


def test_the_other_observers_file_of_the_same_double_scored_session_is_not_earlier() -> None:
    earlier = final(date(2026, 3, 1), "Pat P", ["From March"])
    alex = final(date(2026, 5, 4), "Pat P", ["Alex's action for this very session"])
    alex = alex.model_copy(update={"session": alex.session.model_copy(update={"purpose": "calibration", "session_ref": "CAL-9"})})
    found = open_actions([earlier, alex], "Pat P", before=date(2026, 5, 4), session_ref="cal-9")
    assert texts(found) == ["From March"]
