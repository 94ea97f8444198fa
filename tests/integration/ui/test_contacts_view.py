"""The Contacts and Tags views against the Systeme.io emulator."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit, QListWidget, QMessageBox

from console.core.models import Query
from tests.conftest import ARTIFACTS, find_modal

pytestmark = pytest.mark.parametrize("emulators", [{"systeme": 160}], indirect=True)


def wait_rows(qtbot: Any, view: Any, n: int) -> None:
    qtbot.waitUntil(lambda: view.model.rowCount() >= n, timeout=5000)


def test_first_page_shows_after_opening_the_tab(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    wait_rows(qtbot, view, 50)
    assert view.model.rowCount() == 50
    assert view.count_label.text() == "50 loaded, more available"
    # Once the list has settled the status bar says the same at once (no lag behind the footer).
    qtbot.waitUntil(lambda: not view.busy, timeout=5000)
    assert harness.window.count.text() == "Contacts: 50 loaded, more available"
    qtbot.waitUntil(lambda: "Quota" in harness.window.quota.text(), timeout=2000)
    first = view.model.record(0)
    assert first is not None and first.id == "100160"  # newest first: the vendor's default order


def test_scrolling_to_the_bottom_loads_the_next_page(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    wait_rows(qtbot, view, 50)
    view.table.scrollToBottom()
    wait_rows(qtbot, view, 100)
    view.table.scrollToBottom()
    wait_rows(qtbot, view, 150)
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == 160 and not view.model.has_more)
    assert view.count_label.text() == "All 160 loaded"
    ids = [view.model.record(r).id for r in range(160)]
    assert len(set(ids)) == 160


def test_detail_pane_shows_every_field(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    wait_rows(qtbot, view, 50)
    view.table.selectRow(0)
    record = view.model.record(0)
    assert view.detail.field_text("email") == record.fields["email"]
    assert view.detail.field_text("id") == record.id
    for key in record.fields:
        assert view.detail.field_text(key) is not None


def test_email_filter_is_server_side_and_debounced(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    wait_rows(qtbot, view, 50)
    target = view.model.record(10)
    box = view.filters.search
    box.setText(target.fields["email"][:5])  # half an address: explained, not sent
    view.filters.flush()
    assert "whole email address" in view.filters.problem.text()
    assert view.model.rowCount() == 50
    box.setText(target.fields["email"].upper())
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and view.model.record(0).id == target.id)
    assert view.count_label.text() == "1 record"
    assert not view.filters.problem.isVisible()


def test_sorting_by_id_asks_the_vendor(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    wait_rows(qtbot, view, 50)
    view._on_header_clicked(0)  # ID: ascending
    qtbot.waitUntil(lambda: view.model.rowCount() >= 50 and view.model.record(0).id == "100001")
    assert view.query == Query(filters={}, sort="id", descending=False)
    view._on_header_clicked(1)  # Email: the vendor cannot sort by it
    assert view.query.sort == "id"


def _form(view: Any, qtbot: Any) -> Any:
    qtbot.waitUntil(lambda: bool(view.forms), timeout=3000)
    return view.forms[-1]


def test_validation_error_shows_at_the_field_and_input_stays(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    wait_rows(qtbot, view, 50)
    taken = view.model.record(3).fields["email"]
    view.new_button.click()
    form = _form(view, qtbot)
    email = form.widgets["email"]
    assert isinstance(email, QLineEdit)
    email.setText(taken)
    form.widgets["first_name"].setText("Dana")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.error_text("email") != "", timeout=5000)
    assert "already used" in form.error_text("email")
    assert form.isVisible()
    ARTIFACTS.mkdir(exist_ok=True)
    form.grab().save(str(ARTIFACTS / "contact-form-validation.png"))
    assert email.text() == taken
    assert form.widgets["first_name"].text() == "Dana"
    # Fixing the field and saving again creates the contact.
    email.setText("dana.new@example.com")
    form.save_button.click()
    qtbot.waitUntil(lambda: form not in view.forms, timeout=5000)
    assert view.model.record(0).fields["email"] == "dana.new@example.com"


def test_local_checks_run_before_sending(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    wait_rows(qtbot, view, 50)
    emulator = harness.workspace.vendors["systeme"].emulator
    before = len(emulator.write_log())
    view.new_button.click()
    form = _form(view, qtbot)
    form.widgets["email"].setText("not-an-email")
    form.save_button.click()
    assert "whole email address" in form.error_text("email")
    assert len(emulator.write_log()) == before
    form.reject()


def test_edit_sends_changes_and_tags(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    wait_rows(qtbot, view, 50)
    view.table.selectRow(2)
    record = view.current_record()
    view.edit_button.click()
    form = _form(view, qtbot)
    tags = form.widgets["tags"]
    assert isinstance(tags, QListWidget)
    qtbot.waitUntil(lambda: tags.count() > 1 and tags.item(0).flags() != 0, timeout=5000)
    vip = next(tags.item(i) for i in range(tags.count()) if tags.item(i).text() == "vip")
    from PySide6.QtCore import Qt

    vip.setCheckState(Qt.CheckState.Unchecked if vip.checkState() == Qt.CheckState.Checked
                      else Qt.CheckState.Checked)
    wanted_vip = vip.checkState() == Qt.CheckState.Checked
    form.widgets["company_name"].setText("Renamed Ltd")
    emulator = harness.workspace.vendors["systeme"].emulator
    before = len(emulator.write_log())
    form.save_button.click()
    qtbot.waitUntil(lambda: form not in view.forms, timeout=5000)
    writes = emulator.write_log()[before:]
    assert writes[0] == ("PATCH", f"/api/contacts/{record.id}")
    assert len(writes) == 2  # the patch, then one tag attach or detach
    updated = view.model.record(view.model.row_of(record.id))
    assert any(f["slug"] == "company_name" and f["value"] == "Renamed Ltd" for f in updated.fields["fields"])
    assert any(t["name"] == "vip" for t in updated.fields["tags"]) is wanted_vip


def _message_box(qtbot: Any, name: str) -> QMessageBox:
    box: QMessageBox = find_modal(qtbot, QMessageBox, name)
    return box


def test_delete_asks_first(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    wait_rows(qtbot, view, 50)
    view.table.selectRow(1)
    record = view.current_record()
    view.delete_button.click()
    box = _message_box(qtbot, "confirmDelete")
    assert record.fields["email"] in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(harness.quiet, timeout=5000)  # the question has had its answer
    assert view.model.row_of(record.id) == 1
    emulator = harness.workspace.vendors["systeme"].emulator
    assert ("DELETE", f"/api/contacts/{record.id}") not in emulator.write_log()
    view.delete_button.click()
    box = _message_box(qtbot, "confirmDelete")
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    delete.click()
    qtbot.waitUntil(lambda: view.model.row_of(record.id) == -1, timeout=2000)  # out at once, sent a bit later
    qtbot.waitUntil(lambda: ("DELETE", f"/api/contacts/{record.id}") in emulator.write_log(), timeout=5000)


def test_tags_create_and_delete(harness: Any, qtbot: Any) -> None:
    view = harness.view("tags")
    wait_rows(qtbot, view, 15)
    view.new_button.click()
    form = _form(view, qtbot)
    form.widgets["name"].setText("vip")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.error_text("name") != "", timeout=5000)
    assert "already used" in form.error_text("name")
    form.widgets["name"].setText("support-escalation")
    form.save_button.click()
    qtbot.waitUntil(lambda: form not in view.forms, timeout=5000)
    assert view.model.record(0).fields["name"] == "support-escalation"
    view.table.selectRow(0)
    view.delete_button.click()
    box = _message_box(qtbot, "confirmDelete")
    assert "support-escalation" in box.text()
    next(b for b in box.buttons() if b.text() == "Delete").click()
    qtbot.waitUntil(lambda: view.model.record(0).fields["name"] != "support-escalation", timeout=5000)


def test_a_new_tag_is_offered_in_the_contacts_filter(harness: Any, qtbot: Any) -> None:
    contacts = harness.view("contacts")
    wait_rows(qtbot, contacts, 50)
    combo = contacts.filters.inputs["tags"]
    qtbot.waitUntil(lambda: combo.count() == 16, timeout=5000)  # "Any" + 15 seeded tags
    tags = harness.view("tags")
    wait_rows(qtbot, tags, 15)
    tags.new_button.click()
    form = _form(tags, qtbot)
    form.widgets["name"].setText("escalated")
    form.save_button.click()
    qtbot.waitUntil(lambda: form not in tags.forms, timeout=5000)
    harness.view("contacts")
    qtbot.waitUntil(lambda: combo.findText("escalated") >= 0, timeout=5000)
    combo.setCurrentIndex(combo.findText("vip"))
    qtbot.waitUntil(lambda: contacts.model.rowCount() > 0 and not contacts.model.loading, timeout=5000)
    for row in range(contacts.model.rowCount()):
        assert any(t["name"] == "vip" for t in contacts.model.record(row).fields["tags"])


def test_demo_unreliable_network_toggle(harness: Any, qtbot: Any) -> None:
    calls: list[bool] = []
    harness.window.add_demo_controls(calls.append)
    action = next(a for a in harness.window.demo_menu.actions() if a.objectName() == "unreliableAction")
    action.trigger()
    action.trigger()
    assert calls == [True, False]
    assert harness.window.demo_menu.menuAction().isVisible()


@pytest.mark.allow_warnings
@pytest.mark.parametrize("made", [True, False], ids=["answer-lost", "never-made"])
def test_a_save_whose_answer_is_lost_is_checked_before_it_is_sent_again(harness: Any, qtbot: Any,
                                                                        made: bool) -> None:
    from console.sandbox.faults import FaultConfig

    view = harness.view("contacts")
    wait_rows(qtbot, view, 50)
    view.table.selectRow(4)
    record = view.current_record()
    view.edit_button.click()
    form = _form(view, qtbot)
    form.widgets["company_name"].setText("Checked Ltd")
    faults = harness.workspace.vendors["systeme"].faults
    emulator = harness.workspace.vendors["systeme"].emulator
    patch = ("PATCH", f"/api/contacts/{record.id}")
    faults.configure(FaultConfig(lost_rate=1.0) if made else FaultConfig(drop_rate=1.0))
    form.save_button.click()
    qtbot.waitUntil(form.check_button.isVisible, timeout=5000)
    faults.configure(FaultConfig())
    assert "Outcome unknown" in form.general.text() and not form.save_button.isVisible()
    assert form.widgets["company_name"].text() == "Checked Ltd"  # the input stays
    assert emulator.write_log().count(patch) == int(made)  # sent once, never repeated by itself
    if made:
        ARTIFACTS.mkdir(exist_ok=True)
        form.grab().save(str(ARTIFACTS / "outcome-unknown.png"))
    form.check_button.click()
    qtbot.waitUntil(lambda: form not in view.forms, timeout=5000)
    assert emulator.write_log().count(patch) == 1  # the vendor saw the change exactly once
    updated = view.model.record(view.model.row_of(record.id))
    assert any(f["slug"] == "company_name" and f["value"] == "Checked Ltd" for f in updated.fields["fields"])


def test_unsaved_edits_are_not_dropped_without_asking(harness: Any, qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    view = harness.view("contacts")
    wait_rows(qtbot, view, 50)
    view.table.selectRow(1)
    view.edit_button.click()
    form = _form(view, qtbot)
    tags = form.widgets["tags"]
    qtbot.waitUntil(lambda: tags.count() > 1, timeout=5000)  # choices arriving are no edit
    assert not form.is_dirty()
    form.cancel()  # nothing changed: closes at once
    qtbot.waitUntil(lambda: form not in view.forms, timeout=3000)

    view.edit_button.click()
    form = _form(view, qtbot)
    form.widgets["company_name"].setText("Half-typed Ltd")
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    box = find_modal(qtbot, QMessageBox, "discardChanges")
    next(b for b in box.buttons() if b.text() == "Keep editing").click()
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=3000)  # answered (the form handles it as it closes)
    assert form.isVisible() and form.widgets["company_name"].text() == "Half-typed Ltd"
    # Closing the main window over it asks too.
    closed: list[bool] = []
    harness.window.closed.connect(lambda: closed.append(True))
    harness.window.close()
    box = find_modal(qtbot, QMessageBox, "closeWithEdits")
    assert "1 form has changes" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(harness.window_idle, timeout=5000)  # the closing question has had its answer
    assert harness.window.isVisible() and form.isVisible() and not closed
    form.buttons.button(form.buttons.StandardButton.Cancel).click()
    box = find_modal(qtbot, QMessageBox, "discardChanges")
    next(b for b in box.buttons() if b.text() == "Discard changes").click()
    qtbot.waitUntil(lambda: form not in view.forms, timeout=3000)
    assert harness.window.unsaved_forms() == []


def test_closing_the_window_can_discard_unsaved_edits(harness: Any, qtbot: Any) -> None:
    view = harness.view("contacts")
    wait_rows(qtbot, view, 50)
    view.new_button.click()
    form = _form(view, qtbot)
    form.widgets["email"].setText("half@example.org")
    closed: list[bool] = []
    harness.window.closed.connect(lambda: closed.append(True))
    harness.window.close()
    box = find_modal(qtbot, QMessageBox, "closeWithEdits")
    next(b for b in box.buttons() if b.text() == "Discard and close").click()
    qtbot.waitUntil(lambda: bool(closed), timeout=5000)
    assert form not in view.forms  # discarded (and deleted)
    assert ("POST", "/api/contacts") not in harness.workspace.vendors["systeme"].emulator.write_log()[-1:]


def test_a_date_filter_is_picked_from_a_calendar(harness: Any, qtbot: Any) -> None:
    import datetime as dt

    from PySide6.QtCore import QDate

    from console.ui.form_widgets import DateField

    view = harness.view("contacts")
    wait_rows(qtbot, view, 50)
    after = view.filters.inputs["registeredAfter"]
    assert isinstance(after, DateField)
    def registered(row: int) -> dt.date:
        return dt.datetime.fromisoformat(view.model.record(row).fields["registeredAt"]).date()

    day = max(registered(r) for r in range(50))  # the newest registration day among the loaded rows
    assert min(registered(r) for r in range(50)) < day
    calendar = after.open_calendar()
    calendar.clicked.emit(QDate(day.year, day.month, day.day))
    assert after.text() == day.isoformat() and not calendar.isVisible()
    view.filters.flush()
    qtbot.waitUntil(lambda: not view.model.loading and view.model.rowCount() > 0
                    and all(registered(r) >= day for r in range(view.model.rowCount())), timeout=5000)
