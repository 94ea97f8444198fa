"""Safe editing: deletes held behind "Undo", read-only accounts, and closing with deletes waiting."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from console.ui.dataset_view import DatasetView
from tests.conftest import ARTIFACTS, find_modal

pytestmark = pytest.mark.parametrize("emulators", [{"systeme": 120, "setsmart": 40}], indirect=True)

SYSTEME = "demo-systeme-0"
SETSMART = "demo-setsmart-0"


def contacts(harness: Any, qtbot: Any) -> Any:
    harness.window.select_account(SYSTEME)
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() >= 50 and not view.model.loading, timeout=8000)
    return view


def confirm_delete(qtbot: Any, view: Any, row: int) -> Any:
    view.table.selectRow(row)
    record = view.current_record()
    view.delete_button.click()
    box = find_modal(qtbot, QMessageBox, "confirmDelete")
    assert "undo it for" in box.informativeText()
    next(b for b in box.buttons() if b.text() == "Delete").click()
    qtbot.waitUntil(lambda: record.id in view.pending, timeout=3000)
    return record


def idle(harness: Any, qtbot: Any) -> None:
    """No request on its way (closing cancels them; a half-open socket would be left to the GC)."""
    qtbot.waitUntil(lambda: harness.observer.in_flight == 0, timeout=5000)


def deletes_of(harness: Any, record: Any) -> int:
    emulator = harness.workspace.vendors["systeme"].emulator
    return emulator.write_log().count(("DELETE", f"/api/contacts/{record.id}"))


def test_undo_brings_the_row_back_and_sends_nothing(harness: Any, qtbot: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(DatasetView, "undo_seconds", 1.0)
    view = contacts(harness, qtbot)
    record = confirm_delete(qtbot, view, 3)
    assert view.model.row_of(record.id) == -1
    assert view.undo_bar.isVisible()
    assert record.fields["email"] in view.undo_text.text() and "in 1 s" in view.undo_text.text()
    ARTIFACTS.mkdir(exist_ok=True)
    harness.window.grab().save(str(ARTIFACTS / "undo-delete.png"))
    view.undo_button.click()
    assert view.model.row_of(record.id) == 3  # back where it was, selected
    assert view.current_record().id == record.id
    assert not view.undo_bar.isVisible()
    # A delete held after the undone one waits longer: once it has gone out, so would the undone one have.
    marker = confirm_delete(qtbot, view, 0)
    qtbot.waitUntil(lambda: deletes_of(harness, marker) == 1, timeout=5000)
    assert deletes_of(harness, record) == 0


def test_a_held_delete_is_sent_once_after_the_wait(harness: Any, qtbot: Any) -> None:
    view = contacts(harness, qtbot)
    record = confirm_delete(qtbot, view, 0)
    assert deletes_of(harness, record) == 0  # not yet: it waits behind "Undo"
    qtbot.waitUntil(lambda: deletes_of(harness, record) == 1, timeout=5000)
    qtbot.waitUntil(lambda: not view.undo_bar.isVisible(), timeout=2000)
    assert not view.undo_delete()  # nothing left to undo
    view.refresh()
    qtbot.waitUntil(lambda: view.model.rowCount() >= 50 and not view.model.loading, timeout=5000)
    assert view.model.row_of(record.id) == -1
    qtbot.waitUntil(harness.quiet, timeout=5000)  # nothing left that could send it again
    assert deletes_of(harness, record) == 1


def test_delete_now_and_a_refresh_while_held(harness: Any, qtbot: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(DatasetView, "undo_seconds", 60.0)
    view = contacts(harness, qtbot)
    first = confirm_delete(qtbot, view, 1)
    second = confirm_delete(qtbot, view, 1)
    assert "2 deletes are waiting" in view.undo_text.text()
    view.refresh()  # the vendor still has them: the list leaves them out while they are held
    qtbot.waitUntil(lambda: view.model.rowCount() == 48 and not view.model.loading, timeout=5000)
    assert view.model.row_of(first.id) == -1 and view.model.row_of(second.id) == -1
    harness.window.registry.actions["record.undo_delete"].trigger()  # Ctrl+Z: the latest comes back first
    assert view.model.row_of(second.id) >= 0 and view.model.row_of(first.id) == -1
    view.send_now_button.click()
    qtbot.waitUntil(lambda: deletes_of(harness, first) == 1, timeout=5000)
    assert deletes_of(harness, second) == 0
    assert not view.pending


@pytest.mark.allow_warnings
def test_a_refused_held_delete_puts_the_row_back(harness: Any, qtbot: Any) -> None:
    from console.sandbox.faults import FaultConfig

    view = contacts(harness, qtbot)
    record = confirm_delete(qtbot, view, 2)
    faults = harness.workspace.vendors["systeme"].faults
    faults.configure(FaultConfig(rates={500: 1.0}))
    box = find_modal(qtbot, QMessageBox, "errorBox", timeout=6000)
    faults.configure(FaultConfig())
    box.accept()
    assert view.model.row_of(record.id) == 2


def test_read_only_account_hides_every_write(harness: Any, qtbot: Any) -> None:
    window = harness.window
    window.select_account(SETSMART)
    view = harness.view("properties")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=8000)
    view.table.selectRow(0)
    assert view.new_button.isVisible() and view.action_buttons["deactivate"].isVisible()
    window.read_only_action.trigger()  # File > Read-only (safe mode)
    assert harness.accounts.get(SETSMART).read_only
    for button in (view.new_button, view.edit_button, view.delete_button, view.action_buttons["deactivate"],
                   view.action_buttons["activate"]):
        assert not button.isVisible()
    assert view.action_buttons["show_reservations"].isVisible()  # reading another list is no write
    assert view.read_only_label.isVisible()
    reservations = window.current_page().view("reservations")
    assert not reservations.new_button.isVisible() and not reservations.action_buttons["cancel"].isVisible()
    item = window.tree.currentItem()
    assert not item.icon(0).isNull() and "Read-only" in item.toolTip(0)
    # Keys and menus refuse too, with a status note, and open nothing.
    messages: list[str] = []
    view.statusMessage.connect(messages.append)
    for action in ("record.new", "record.edit", "record.delete"):
        window.registry.actions[action].trigger()
    record = view.current_record()
    view._run_current(next(a for a in view.spec.actions if a.opens is None and a.available(record)))
    qtbot.waitUntil(harness.quiet, timeout=5000)  # whatever the refusals started has run its course
    assert QApplication.activeModalWidget() is None
    assert sum("read-only" in m for m in messages) == 4
    ARTIFACTS.mkdir(exist_ok=True)
    window.grab().save(str(ARTIFACTS / "read-only-account.png"))
    window.read_only_action.trigger()
    assert not harness.accounts.get(SETSMART).read_only
    assert view.new_button.isVisible() and not view.read_only_label.isVisible()
    assert window.tree.currentItem().icon(0).isNull()


@pytest.mark.parametrize(("answer", "sent"), [("Send and close", 1), ("Close without deleting", 0)])
def test_closing_with_a_held_delete_asks(harness: Any, qtbot: Any, monkeypatch: Any, answer: str,
                                         sent: int) -> None:
    monkeypatch.setattr(DatasetView, "undo_seconds", 60.0)
    window = harness.window
    view = contacts(harness, qtbot)
    record = confirm_delete(qtbot, view, 0)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    idle(harness, qtbot)
    window.close()
    box = find_modal(qtbot, QMessageBox, "closeWithPending")
    assert "1 delete is waiting" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(harness.window_idle, timeout=5000)  # the closing question has had its answer
    assert window.isVisible() and not closed and len(view.pending) == 1
    window.close()
    box = find_modal(qtbot, QMessageBox, "closeWithPending")
    next(b for b in box.buttons() if b.text() == answer).click()
    qtbot.waitUntil(lambda: bool(closed), timeout=5000)
    qtbot.waitUntil(lambda: harness.observer.in_flight == 0, timeout=5000)
    assert deletes_of(harness, record) == sent
    assert not window.isVisible()


def test_an_end_of_session_signal_sends_held_deletes_without_asking(harness: Any, qtbot: Any,
                                                                     monkeypatch: Any) -> None:
    import asyncio

    monkeypatch.setattr(DatasetView, "undo_seconds", 60.0)
    view = contacts(harness, qtbot)
    record = confirm_delete(qtbot, view, 0)
    idle(harness, qtbot)
    task = asyncio.ensure_future(harness.window.close_after_pending(ask=False))
    qtbot.waitUntil(task.done, timeout=5000)
    assert task.result() is True
    assert deletes_of(harness, record) == 1


def test_read_only_is_kept_for_saved_accounts(harness: Any, qtbot: Any) -> None:
    import asyncio

    from console.core.settings import AccountConfig, AccountsFile

    base = harness.workspace.vendors["systeme"].base_url
    account = AccountConfig(id=AccountConfig.new_id(), vendor="systeme", label="Shop", base_url=base)
    secrets = harness.workspace.secrets[SYSTEME]
    task = asyncio.ensure_future(harness.accounts.add(account, secrets))
    qtbot.waitUntil(task.done, timeout=5000)
    harness.window.populate_accounts(select=account.id)
    harness.window.set_read_only(account.id, True)
    saved = {a.id: a for a in AccountsFile().load()}
    assert saved[account.id].read_only
    page = harness.window.select_account(account.id)
    assert not page.current_view().new_button.isVisible()


@pytest.mark.allow_warnings
def test_a_delete_whose_answer_is_lost_is_checked_not_resent(harness: Any, qtbot: Any) -> None:
    from console.sandbox.faults import FaultConfig

    view = contacts(harness, qtbot)
    faults = harness.workspace.vendors["systeme"].faults
    faults.configure(FaultConfig(lost_rate=1.0))  # the delete is made, its answer is cut
    record = confirm_delete(qtbot, view, 5)
    box = find_modal(qtbot, QMessageBox, "deleteOutcomeUnknown", timeout=6000)
    faults.configure(FaultConfig())
    assert "may or may not" in box.text()
    next(b for b in box.buttons() if b.text() == "Check and retry").click()
    qtbot.waitUntil(lambda: "checked: it is gone" in harness.window.statusBar().currentMessage(), timeout=5000)
    assert view.model.row_of(record.id) == -1
    assert deletes_of(harness, record) == 1  # read again, not sent twice


def test_after_a_delete_nothing_is_selected_and_the_session_list_can_undo_it(harness: Any, qtbot: Any,
                                                                            monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QMenu

    from console.ui.delete_queue import fill_recent_menu

    monkeypatch.setattr(DatasetView, "undo_seconds", 60.0)
    view = contacts(harness, qtbot)
    record = confirm_delete(qtbot, view, 3)
    # A second Del must not delete the next contact: nothing is selected, nothing is current.
    assert not view.table.selectionModel().selectedRows() and not view.table.currentIndex().isValid()
    assert view.current_record() is None and view.detail.record is None
    assert not view.delete_button.isEnabled()
    # The bar takes its own room above the table (the table moves down, never under it).
    assert view.undo_bar.geometry().bottom() < view.splitter.geometry().top()
    menu = QMenu()
    fill_recent_menu(menu)
    undo = next(a for a in menu.actions() if a.isEnabled() and view.spec.title_of(record) in a.text())
    assert undo.text().startswith("Undo: contact ")
    undo.trigger()
    assert view.model.row_of(record.id) == 3 and view.current_record().id == record.id
    assert not view.pending and not view.undo_bar.isVisible()
    idle(harness, qtbot)
    assert deletes_of(harness, record) == 0


def test_a_delete_waits_the_seconds_of_the_setting(harness: Any, qtbot: Any, monkeypatch: Any) -> None:
    from console.ui.delete_queue import DEFAULT_UNDO_SECONDS, SESSION

    # None: the list asks the setting (what DatasetView does once its own default is None).
    monkeypatch.setattr(DatasetView, "undo_seconds", None)
    monkeypatch.setattr(SESSION, "seconds", SESSION.seconds)
    assert harness.window.preferences.undo_seconds == DEFAULT_UNDO_SECONDS == SESSION.seconds == 10
    view = contacts(harness, qtbot)
    record = confirm_delete(qtbot, view, 0)
    assert "in 10 s" in view.undo_text.text()
    SESSION.seconds = 40  # Edit > Settings > Time to undo a delete
    later = confirm_delete(qtbot, view, 0)
    assert view.pending[later.id].deadline - view.pending[record.id].deadline > 25
    view.table.selectRow(0)
    view.delete_button.click()
    box = find_modal(qtbot, QMessageBox, "confirmDelete")
    assert "undo it for 40 seconds" in box.informativeText()
    box.reject()
    assert view.drop_pending() == 2
