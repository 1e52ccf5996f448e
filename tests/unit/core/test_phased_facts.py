"""``Profile.facts_of`` pairs facts with their phases as it is iterated, from one byte a fact."""

from __future__ import annotations

from capwatch.model import Fact, FactKind, Location, Phase
from capwatch.profile import PhasedFacts


def _facts() -> list[Fact]:
    return [Fact(FactKind.CALL, f"f{i}", Location("m.py", i), "m:<module>") for i in range(4)]


def test_pairs_in_order_filtered_by_phase() -> None:
    facts = _facts()
    codes = bytes([Phase.INSTALL, Phase.RUNTIME, Phase.IMPORT, Phase.RUNTIME])
    early = PhasedFacts(facts, codes, frozenset({Phase.INSTALL, Phase.IMPORT}))
    assert list(early) == [(facts[0], Phase.INSTALL), (facts[2], Phase.IMPORT)]
    assert list(early) == list(early)  # iterated again, the same
    assert len(early) == 2 and early and early[1] == (facts[2], Phase.IMPORT)
    assert all(type(p) is Phase for _, p in early)
    every = PhasedFacts(facts, codes, frozenset(Phase))
    assert len(every) == 4 and [p for _, p in every] == [Phase(c) for c in codes]
    assert every[1:3] == [(facts[1], Phase.RUNTIME), (facts[2], Phase.IMPORT)]


def test_no_fact_in_the_phases_asked_is_empty() -> None:
    none = PhasedFacts(_facts(), bytes([Phase.RUNTIME] * 4), frozenset({Phase.STARTUP}))
    assert not none and len(none) == 0 and list(none) == []
