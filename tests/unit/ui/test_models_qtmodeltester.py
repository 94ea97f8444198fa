"""Every Qt model in console/ui passes Qt's own model checks (pytest-qt's ``qtmodeltester``).

The tester stays attached to the model after ``check``: every insert, removal, reset and filter change
that follows is checked too, and a finding is a ``qt.modeltest`` warning, which fails the test. The
paged table model and the lookup model have their own tests (test_table_model.py, test_lookup_model.py);
this file covers the request log's models and the command palette, and holds the list that makes a new
model without such a test fail.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMainWindow

from console.services.activity import Exchange, RequestLog
from console.ui.inspector import COLUMNS, ExchangeFilter, ExchangeModel, ExchangeRole, RequestInspector

UI = Path(__file__).resolve().parents[3] / "console" / "ui"

#: Every model console/ui defines or makes, and the test that runs it through qtmodeltester.
#: Classes are ``module.Class``; models a class makes from Qt's own are ``module.Owner:QtClass``.
CHECKED = {
    "table_model.PagedTableModel": "tests/unit/ui/test_table_model.py",
    "lookup.LookupModel": "tests/unit/ui/test_lookup_model.py",
    "customer_card.TimelineModel": "tests/integration/ui/test_lookup_copies.py",
    "inspector.ExchangeModel": "test_exchange_model_inserts_drops_the_oldest_and_resets",
    "inspector.ExchangeFilter": "test_exchange_filter_follows_account_and_status",
    "actions.CommandPalette:QStandardItemModel": "test_command_palette_models",
    "actions.CommandPalette:QSortFilterProxyModel": "test_command_palette_models",
}


def exchange(seq: int, account: str = "acc-1", status: int | None = 200, attempt: int = 1) -> Exchange:
    return Exchange(seq=seq, started=1_800_000_000.0 + seq, account_id=account, vendor="systeme", method="GET",
                    url=f"https://api.example.com/contacts?page={seq}", status=status, duration=0.012 * seq,
                    size=512 * seq, attempt=attempt, error="" if status else "timed out")


def filled_log(count: int, capacity: int = 100) -> RequestLog:
    log = RequestLog(capacity)
    statuses = (200, 201, 404, 500, None, 302)
    for seq in range(1, count + 1):
        log.add(exchange(seq, f"acc-{seq % 3}", statuses[seq % len(statuses)], 1 + seq % 2))
    return log


def test_exchange_model_inserts_drops_the_oldest_and_resets(qtmodeltester: Any) -> None:
    model = ExchangeModel(lambda account_id: account_id.upper(), capacity=5)
    qtmodeltester.check(model)  # empty
    model.load(filled_log(3))
    assert model.rowCount() == 3 and model.columnCount() == len(COLUMNS)
    for seq in range(4, 12):  # past the capacity: every add inserts on top and drops the oldest
        model.add(exchange(seq, status=None if seq % 4 == 0 else 200, attempt=2))
    assert model.rowCount() == 5
    assert [model.data(model.index(row, 0), ExchangeRole).seq for row in range(5)] == [11, 10, 9, 8, 7]
    assert model.data(model.index(0, 1)) == "ACC-1" and model.data(model.index(0, 3)) == "/contacts?page=11"
    assert model.data(model.index(0, 7)) == "1"  # retries
    assert model.data(model.index(3, 4)) == "timed out"  # seq 8: no answer
    model.load(filled_log(40))  # reset: the newest, at most the capacity
    assert model.rowCount() == 5 and model.data(model.index(0, 0), ExchangeRole).seq == 40
    qtmodeltester.check(model)
    assert model.index(0, 0, model.index(0, 0)).isValid() is False  # a table: no children
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Method"


def test_exchange_filter_follows_account_and_status(qtmodeltester: Any) -> None:
    model = ExchangeModel(str, capacity=50)
    model.load(filled_log(30))
    proxy = ExchangeFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 30
    proxy.set("acc-1", "")
    assert proxy.rowCount() == 10
    proxy.set("", "5")
    shown = [proxy.data(proxy.index(row, 0), ExchangeRole) for row in range(proxy.rowCount())]
    assert shown and all(ex.status == 500 for ex in shown)
    proxy.set("", "x")  # no answer
    assert proxy.rowCount() == 5
    for seq in range(31, 60):  # rows arrive while filtered, the oldest go
        model.add(exchange(seq, "acc-2", None if seq % 2 else 200))
    assert model.rowCount() == 50
    assert all(proxy.data(proxy.index(row, 4)) == "timed out" for row in range(proxy.rowCount()))
    proxy.set("acc-2", "2")
    assert proxy.rowCount() > 0
    model.load(RequestLog(50))  # emptied
    assert proxy.rowCount() == 0
    qtmodeltester.check(proxy)


def test_the_inspector_window_models(qtmodeltester: Any, qtbot: Any) -> None:
    """The models as the window wires them, through its account and status filters."""
    inspector = RequestInspector(filled_log(12, capacity=10), [("acc-1", "Shop"), ("acc-2", "Clinic")])
    qtbot.addWidget(inspector)
    qtmodeltester.check(inspector.proxy)
    inspector.account.setCurrentIndex(inspector.account.findData("acc-1"))
    inspector.status.setCurrentIndex(inspector.status.findData("4"))
    for seq in range(13, 20):
        inspector.add(exchange(seq, "acc-1", 404))
    assert inspector.proxy.rowCount() > 0 and inspector.model.rowCount() == 10
    inspector.table.selectRow(0)
    assert inspector.current() is not None and inspector.current().status == 404
    inspector.set_accounts([("acc-2", "Clinic")])
    qtmodeltester.check(inspector.model)


def test_command_palette_models(qtmodeltester: Any, qtbot: Any) -> None:
    from console.ui.actions import ActionRegistry, ActionSpec, CommandPalette

    window = QMainWindow()
    qtbot.addWidget(window)
    registry = ActionRegistry(window)
    for n, menu in enumerate(("File", "Edit", "View", "", "Help")):
        registry.add(ActionSpec(f"test.a{n}", f"&Action {n}…", menu, lambda: None, (f"Ctrl+{n}",), tip=f"tip {n}"))
    palette = CommandPalette(registry, window)
    qtmodeltester.check(palette.source)
    qtmodeltester.check(palette.proxy)
    assert palette.proxy.rowCount() == 5
    palette.search.setText("action 3")
    assert palette.proxy.rowCount() == 1
    palette.search.setText("nothing like it")
    assert palette.proxy.rowCount() == 0
    palette.search.setText("")
    assert palette.proxy.rowCount() == 5
    assert palette.proxy.index(0, 0).isValid() and not palette.proxy.parent(palette.proxy.index(0, 0)).isValid()
    assert palette.proxy.rowCount(QModelIndex()) == 5


MODEL_BASES = {"QAbstractItemModel", "QAbstractTableModel", "QAbstractListModel", "QAbstractProxyModel",
               "QSortFilterProxyModel", "QIdentityProxyModel", "QStandardItemModel", "QStringListModel",
               "QConcatenateTablesProxyModel", "QTransposeProxyModel", "QFileSystemModel"}


def models_in_ui() -> set[str]:
    """Every model class console/ui defines (``module.Class``) and every Qt model it makes (``module.Owner:Qt``).

    The owner of a Qt model made in code is the innermost class around the call (else the function).
    """
    found: set[str] = set()

    def visit(node: ast.AST, module: str, owner: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                bases = [b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else ""
                         for b in child.bases]
                if any(b in MODEL_BASES or b.endswith("Model") for b in bases):
                    found.add(f"{module}.{child.name}")
                    continue  # what a model class makes inside itself is its own business
                visit(child, module, child.name)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, module, owner or child.name)
            else:
                if (isinstance(child, ast.Call) and isinstance(child.func, ast.Name)
                        and child.func.id in MODEL_BASES):
                    found.add(f"{module}.{owner or '<module>'}:{child.func.id}")
                visit(child, module, owner)

    for path in sorted(UI.rglob("*.py")):
        module = path.relative_to(UI).with_suffix("").as_posix().replace("/", ".")
        visit(ast.parse(path.read_text(encoding="utf-8")), module, "")
    return found


def test_every_model_in_the_ui_goes_through_qtmodeltester() -> None:
    found = models_in_ui()
    missing = sorted(found - set(CHECKED))
    assert not missing, f"models with no qtmodeltester test: {missing} (add one, then list it in CHECKED)"
    gone = sorted(set(CHECKED) - found)
    assert not gone, f"CHECKED names models console/ui no longer has: {gone}"
    root = UI.parents[1]
    for model, where in CHECKED.items():
        if where.endswith(".py"):  # another file's test: it runs the class through qtmodeltester
            text = (root / where).read_text(encoding="utf-8")
            assert "qtmodeltester.check(" in text and model.split(".")[-1] in text, (model, where)
        else:
            assert callable(globals().get(where)), (model, where)
