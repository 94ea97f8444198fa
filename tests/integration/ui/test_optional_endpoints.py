"""The window on vendors that offer only their confirmed calls: every list loads, and says what it lacks.

Every emulator's optional endpoints are removed (they answer a plain 404); every tab of every demo
account is opened in the real window's views and models: each loads rows, shows no error banner, and
its note bar shows the model's notes (what the vendor does not offer here) once.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ARTIFACTS

SIZES = {"systeme": 120, "setster": 120, "setsmart": 60, "launch27": 120, "setera": 120}


@pytest.mark.parametrize("emulators", [SIZES], indirect=True)
def test_every_tab_loads_without_the_optional_endpoints(harness: Any, qtbot: Any, qtmodeltester: Any) -> None:
    harness.workspace.set_optional_endpoints(False)
    noted = []
    for account in harness.workspace.accounts:
        page = harness.window.select_account(account.id)
        for view in page.views:
            page.setCurrentWidget(view)
            view.activate()
            qtbot.waitUntil(lambda v=view: not v.model.loading and (v.model.rowCount() > 0 or not v.model.has_more
                                                                    or v.model.error is not None), timeout=15000)
            where = f"{account.label}/{view.spec.name}"
            assert view.model.error is None, f"{where}: {view.model.error}"
            # Only a list whose own listing is an optional call may come back empty, and it says why.
            assert view.model.rowCount() > 0 or view.model.notes, where
            assert not view.banner.isVisible(), where
            assert view.notes_bar.notes == view.model.notes, where
            assert view.notes_bar.isVisible() == bool(view.model.notes), where
            if view.model.notes:
                noted.append(where)
                if account.vendor == "setera" and view.spec.name == "contacts":
                    ARTIFACTS.mkdir(exist_ok=True)
                    harness.window.grab().save(str(ARTIFACTS / "optional-endpoints-note.png"))
        qtmodeltester.check(page.views[0].model)
    print(f"\nlists with a note about a missing optional call: {', '.join(noted) or 'none'}")


@pytest.mark.parametrize("emulators", [{"setera": 120}], indirect=True)
def test_the_windows_export_says_what_the_server_does_not_offer(harness: Any, qtbot: Any, tmp_path: Any) -> None:
    from PySide6.QtWidgets import QFileDialog, QLineEdit

    from tests.conftest import find_modal

    harness.workspace.set_optional_endpoints(False)
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=10000)
    assert any(n.startswith("Personal contacts unavailable") for n in view.notes_bar.notes)
    harness.window.registry.trigger("file.export")
    dialog = find_modal(qtbot, QFileDialog, "exportDialog")
    dialog.setDirectory(str(tmp_path))
    dialog.findChild(QLineEdit, "fileNameEdit").setText("phones.jsonl")
    dialog.accept()

    def finished() -> bool:
        job = harness.window.export_job
        return job is not None and job.task is not None and job.task.done()

    qtbot.waitUntil(finished, timeout=20000)
    message = harness.window.statusBar().currentMessage()
    assert message.startswith("Exported 120 contacts"), message
    assert "Personal contacts unavailable: Setera OneCloud does not offer it" in message


@pytest.mark.parametrize("emulators", [{"setera": 120}], indirect=True)
def test_demo_menu_switches_to_confirmed_endpoints_and_back(harness: Any, qtbot: Any) -> None:
    async def confirmed_only(on: bool) -> None:  # what the app wires (console/app.py)
        harness.workspace.set_optional_endpoints(not on)
        await harness.accounts.apply_settings(harness.accounts.settings)

    harness.window.add_demo_controls(lambda on: None, None, confirmed_only)
    view = harness.view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=10000)
    assert view.notes_bar.notes == () and not view.notes_bar.isVisible()
    action = harness.window.registry.actions["demo.confirmed"]
    action.trigger()  # on: the list loads again, directory only, and says so
    qtbot.waitUntil(lambda: any(n.startswith("Personal contacts unavailable") for n in view.notes_bar.notes),
                    timeout=10000)
    assert "confirmed endpoints" in harness.window.statusBar().currentMessage()
    action.trigger()  # off: fresh clients ask again, and the note goes
    qtbot.waitUntil(lambda: not view.model.loading and view.model.rowCount() > 0 and not view.notes_bar.notes,
                    timeout=10000)
    assert harness.workspace.vendors["setera"].emulator.optional_endpoints
