"""Columns and layouts: chosen, moved and resized columns, sorts, panes, geometry and the last account and tab
survive a restart (a second window over the same settings), and Reset layout brings the defaults back."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect

from console.ui.window import MainWindow
from console.ui.window_frame import first_geometry

pytestmark = pytest.mark.parametrize("emulators", [{"systeme": 300, "setster": 300}], indirect=True)


def second_window(harness: Any, qtbot: Any) -> MainWindow:
    window = MainWindow()
    window.attach(harness.accounts, harness.datasets, harness.observer)
    window.frame.show()  # as the app shows it: maximised again if it was
    return window


def test_layout_survives_a_restart_and_resets(harness: Any, qtbot: Any) -> None:
    window = harness.window
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=8000)
    header = view.table.horizontalHeader()
    email = next(i for i, c in enumerate(view.spec.columns) if c.key == "email")
    phone = next(i for i, c in enumerate(view.spec.columns) if c.key == "phone_number")
    header.resizeSection(email, 333)
    header.moveSection(header.visualIndex(phone), 0)
    menu = view.choose_columns()  # the header's right-click menu
    next(a for a in menu.actions() if a.text() == "Locale").setChecked(False)
    menu.close()
    view.sort_by("id", False)  # oldest first
    qtbot.waitUntil(lambda: not view.model.loading and view.model.rowCount() > 0, timeout=8000)
    view.splitter.setSizes([900, 240])
    window.main_splitter.setSizes([300, 1060])
    window.setGeometry(QRect(40, 40, 1200, 760))
    setster = harness.accounts.by_label("Bright Smiles (demo)")
    page = window.select_account(setster.id)
    page.setCurrentWidget(page.view("clients"))
    qtbot.waitUntil(lambda: page.view("clients").model.rowCount() > 0, timeout=8000)
    window.save_layout()
    window.close()

    again = second_window(harness, qtbot)
    try:
        assert again.current_page() is not None and again.current_page().account.id == setster.id
        assert again.current_view().spec.name == "clients"  # the last account and its tab
        assert again.size().width() == 1200 and again.size().height() == 760
        assert again.main_splitter.sizes()[0] == 300
        marketing = harness.accounts.by_label("Marketing (demo)")
        restored = again.select_account(marketing.id).view("contacts")
        h = restored.table.horizontalHeader()
        assert h.sectionSize(email) == 333
        assert h.visualIndex(phone) == 0
        locale = next(i for i, c in enumerate(restored.spec.columns) if c.key == "locale")
        assert h.isSectionHidden(locale)
        assert (restored.query.sort, restored.query.descending) == ("id", False)
        assert restored.splitter.sizes()[0] > restored.splitter.sizes()[1] * 3
        qtbot.waitUntil(lambda: restored.model.rowCount() > 0, timeout=8000)
        ids = [int(restored.model.record(r).id) for r in range(5)]
        assert ids == sorted(ids)  # the remembered order was asked for

        again.registry.trigger("view.reset_layout")
        restored.view_layout.fit.release()  # columns hidden for lack of room are not the person's choice
        assert not h.isSectionHidden(locale) and h.visualIndex(phone) == phone
        assert (restored.query.sort, restored.query.descending) == (None, True)
        first, _maximised = first_geometry(again.screen().availableGeometry())
        assert again.size() == first.size() and again.main_splitter.sizes()[0] == 220
        assert not again.layout_store.path.exists() or again.layout_store.text("window/account") == ""
    finally:
        again.close()
        qtbot.waitUntil(lambda: harness.observer.in_flight == 0, timeout=8000)
        again.deleteLater()


def test_at_least_one_column_stays(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    header = view.table.horizontalHeader()
    for i in range(header.count() - 1):
        view.view_layout.show_column(i, False)
    last = header.count() - 1
    assert not header.isSectionHidden(last), "the room made by hidden columns goes to those that had none"
    menu = view.choose_columns()
    next(a for a in menu.actions() if a.text() == view.spec.columns[last].label).setChecked(False)
    menu.close()
    assert not header.isSectionHidden(last)


def test_no_sort_arrow_on_a_column_the_list_is_not_sorted_by(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    header = view.table.horizontalHeader()
    assert view.query.sort is None and header.sortIndicatorSection() == -1  # the vendor's own order
    email = next(i for i, c in enumerate(view.spec.columns) if c.key == "email")
    view._on_header_clicked(email)  # Systeme.io cannot sort by email
    assert header.sortIndicatorSection() == -1


def test_columns_give_way_from_the_right_in_a_narrow_list_and_come_back(harness: Any, qtbot: Any) -> None:
    window = harness.window
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=8000)
    header, fit = view.table.horizontalHeader(), view.view_layout.fit
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: bool(fit.squeezed), timeout=3000)
    shown = fit._visible()
    assert shown == list(range(len(shown))), "the first columns stay, the last ones give way"
    assert sum(fit.widths[i] for i in shown) <= view.table.viewport().width()
    assert "No room for:" in header.toolTip()
    squeezed = view.spec.columns[fit.squeezed[0]].label
    menu = view.choose_columns()
    assert any(a.text() == f"{squeezed} (no room)" and not a.isChecked() for a in menu.actions())
    menu.close()
    window.save_layout()  # hidden for room is not saved as hidden
    fit.release()
    saved = header.saveState()
    fit.fit()
    assert window.layout_store.state(view.view_layout._key("header")) == saved
    before = len(fit.squeezed)
    window.registry.actions["view.accounts_pane"].trigger()  # fold the accounts pane: room for more
    qtbot.waitUntil(lambda: len(fit.squeezed) < before, timeout=3000)
    assert shown == fit._visible()[:len(shown)], "columns come back in their order"
    fit.pin(fit.squeezed[-1])  # ticked in the column menu: shown although there is no room
    fit.release()
    assert not fit.squeezed and header.toolTip() == ""


def test_small_windows_fold_the_accounts_pane_and_remember_being_maximised(harness: Any, qtbot: Any) -> None:
    window = harness.window
    pane = window.registry.actions["view.accounts_pane"]
    assert pane.isChecked() and window.frame.accounts_pane_shown
    pane.trigger()  # View > Accounts pane (Ctrl+B)
    assert not window.frame.accounts_pane_shown and not pane.isChecked()
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=8000)
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized, timeout=3000)
    window.save_layout()
    window.close()

    again = second_window(harness, qtbot)
    try:
        assert again.isMaximized(), "maximised when closed: maximised when opened"
        assert not again.frame.accounts_pane_shown
        assert not again.registry.actions["view.accounts_pane"].isChecked()
        again.registry.actions["view.accounts_pane"].trigger()
        assert again.frame.accounts_pane_shown and again.main_splitter.sizes()[0] > 0
    finally:
        again.close()
        qtbot.waitUntil(lambda: harness.observer.in_flight == 0, timeout=8000)
        again.deleteLater()


def test_a_narrow_first_window_starts_with_the_accounts_pane_folded(harness: Any, qtbot: Any) -> None:
    harness.window.layout_store.clear()
    window = MainWindow()
    try:
        window.resize(1000, 680)
        window.attach(harness.accounts, harness.datasets, harness.observer)
        window.show()
        assert not window.frame.accounts_pane_shown
        assert window.registry.actions["view.accounts_pane"].isChecked() is False
    finally:
        window.close()
        qtbot.waitUntil(lambda: harness.observer.in_flight == 0, timeout=8000)
        window.deleteLater()
