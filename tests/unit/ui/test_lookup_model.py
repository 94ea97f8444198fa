"""The lookup's tree model: accounts with their hits, older queries' answers dropped."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex

from console.core.models import Record
from console.services.lookup import Hit, Outcome, State
from console.ui.lookup import LookupModel


def _outcome(label: str, hits: int, state: State = State.HITS) -> Outcome:
    outcome = Outcome(label, label, "systeme", "Systeme.io", state=state)
    outcome.hits = [Hit(label, label, "Systeme.io", "contacts", "contact", Record("systeme", "contacts", str(i), {}),
                        {"email": f"p{i}@x.com"}, "") for i in range(hits)]
    return outcome


def test_the_model_passes_qtmodeltester(qtmodeltester: Any) -> None:
    model = LookupModel()
    generation = model.begin("p", [_outcome("a", 0, State.SEARCHING), _outcome("b", 0, State.SEARCHING)])
    qtmodeltester.check(model)
    assert model.update(generation, _outcome("b", 3))
    assert model.update(generation, _outcome("a", 2))
    assert model.update(generation, _outcome("a", 1))
    assert not model.update(generation - 1, _outcome("a", 5))  # an older query's answer
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.rowCount(model.index(0, 0)) == 1 and model.rowCount(model.index(1, 0)) == 3
    assert model.parent(model.index(2, 0, model.index(1, 0))) == model.index(1, 0)
    assert model.parent(model.index(1, 0)) == QModelIndex()
    assert [h.record.id for h in model.hits()] == ["0", "0", "1", "2"]
