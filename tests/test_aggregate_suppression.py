"""Secondary suppression, property-based: no hidden figure can be worked out from a shown total."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from seeds_tui import aggregate as agg

teams = st.lists(st.sets(st.integers(0, 30), min_size=0, max_size=12), min_size=1, max_size=7)


@settings(max_examples=200, deadline=None)
@given(teams=teams, threshold=st.integers(3, 8))
def test_hidden_rows_cannot_be_derived_from_the_total(teams: list[set[int]], threshold: int) -> None:
    names = [f"T{n}" for n in range(len(teams))]
    sets = [frozenset(map(str, s)) for s in teams if s]
    names = names[: len(sets)]
    if not sets:
        return
    total = frozenset().union(*sets)
    table = pd.DataFrame({"team": [*names, agg.ALL_TEAMS], "section": "s", "observations": [len(s) for s in sets] + [len(total)]})
    out = agg._suppress(table, [*sets, total], threshold, [("team", agg.ALL_TEAMS)], ["observations"])
    hidden = out["suppressed"].tolist()
    parts, total_hidden = hidden[:-1], hidden[-1]
    # Primary: every row resting on too few practitioners is hidden.
    for s, h in zip([*sets, total], hidden, strict=True):
        if len(s) < threshold:
            assert h
    # Secondary: if the total is shown, hidden parts are at least two and rest on enough people together.
    gone = [s for s, h in zip(sets, parts, strict=True) if h]
    if gone and not total_hidden:
        assert len(gone) >= 2 and len(frozenset().union(*gone)) >= threshold
    # Hidden rows show no figure.
    assert out.loc[out["suppressed"], "observations"].isna().all()
