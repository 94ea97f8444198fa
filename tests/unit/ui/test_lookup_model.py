"""The lookup's tree model: accounts with their hits, older queries' answers dropped, hits before headers."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView

from console.core.models import Record
from console.services.lookup import Hit, Outcome, State
from console.ui.lookup import LookupModel, LookupTree


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


def test_a_hit_row_says_who_and_what_matched_without_repeating_its_header() -> None:
    model = LookupModel()
    outcome = Outcome("a", "Front desk", "setster", "Setster", state=State.HITS)
    outcome.hits = [Hit("a", "Front desk", "Setster", "clients", "client", Record("setster", "clients", "7", {}),
                        {"phone": "(415) 555-0100"}, "San Francisco", name="Jane Doe"),
                    Hit("a", "Front desk", "Setster", "clients", "client", Record("setster", "clients", "8", {}),
                        {"email": "j@x.com"}, "")]
    model.begin("x", [outcome])
    hit = model.index(0, 0, model.index(0, 0))
    assert model.data(hit) == "Jane Doe · client · matched phone +1 415-555-0100 · San Francisco"
    assert model.data(model.index(1, 0, model.index(0, 0))) == "client 8 · matched email j@x.com"
    assert "Setster" not in model.data(hit) and "Front desk" not in model.data(hit)
    assert model.data(model.index(0, 0)) == "Setster · Front desk — 2 hits"


def test_headers_are_labels_and_the_arrows_go_from_hit_to_hit(qtbot: Any) -> None:
    model = LookupModel()
    failed = _outcome("c", 0, State.FAILED)
    generation = model.begin("p", [_outcome("a", 0, State.NONE), _outcome("b", 2), failed,
                                   _outcome("d", 1), _outcome("e", 0, State.UNSUPPORTED)])
    assert model.update(generation, _outcome("b", 2))
    selectable = Qt.ItemFlag.ItemIsSelectable
    assert not model.flags(model.index(0, 0)) & selectable  # "no hits"
    assert not model.flags(model.index(1, 0)) & selectable  # a header with hits
    assert model.flags(model.index(2, 0)) & selectable  # failed: Enter searches it again
    assert not model.flags(model.index(4, 0)) & selectable  # cannot search
    assert model.first_hit() == model.index(0, 0, model.index(1, 0))
    tree = LookupTree()
    qtbot.addWidget(tree)
    tree.setModel(model)
    tree.expandAll()
    no_keys = Qt.KeyboardModifier.NoModifier
    action = QAbstractItemView.CursorAction
    assert tree.moveCursor(action.MoveDown, no_keys) == model.first_hit()  # nothing current yet
    path = []
    tree.setCurrentIndex(model.first_hit())
    for _ in range(4):
        tree.setCurrentIndex(tree.moveCursor(action.MoveDown, no_keys))
        path.append(model.payload(tree.currentIndex()))
    assert path == [model.outcomes[1].hits[1], model.outcomes[3].hits[0], model.outcomes[3].hits[0],
                    model.outcomes[3].hits[0]]  # over "failed", and the last hit stays (no "cannot search")
    tree.setCurrentIndex(tree.moveCursor(action.MoveUp, no_keys))
    assert model.payload(tree.currentIndex()) is model.outcomes[1].hits[1]
    tree.setCurrentIndex(model.first_hit())
    assert tree.moveCursor(action.MoveUp, no_keys) == model.first_hit()  # no hit above the first
    assert tree.moveCursor(action.MoveEnd, no_keys) == model.index(0, 0, model.index(3, 0))
    assert tree.moveCursor(action.MoveHome, no_keys) == model.first_hit()
