"""Drives the real window into a state and saves a picture of it (`make screenshots` and the e2e tests).

Usage: ``python tests/e2e/scenes.py launch27-form OUT.png`` (run under a display, e.g. xvfb-run).
The scene runs the app's own window and services against the demo emulators.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


async def _wait(predicate: Any, seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the scene did not reach its state")
        await asyncio.sleep(0.02)


async def launch27_form(out: Path) -> None:
    """The Launch27 v1 booking form after the vendor refused the ZIP code."""
    from PySide6.QtCore import QDate

    from console.core.credentials import MemoryStore
    from console.core.settings import AccountsFile
    from console.sandbox.workspace import DemoWorkspace
    from console.services.accounts import AccountService
    from console.services.datasets import DatasetService
    from console.ui.observer import QtHttpObserver
    from console.ui.window import MainWindow

    workspace = await asyncio.to_thread(DemoWorkspace.start, sizes={"launch27": 300}, vendors=("launch27",))
    window = MainWindow()
    observer = QtHttpObserver(window)
    accounts = AccountService(accounts_file=AccountsFile(), keychain=MemoryStore(), observer=observer)
    await accounts.add_demo(workspace.accounts, workspace.secrets)
    window.attach(accounts, DatasetService(accounts), observer)
    window.show()
    try:
        account = next(a for a in accounts.accounts() if a.fields.get("api") == "v1")
        page = window.select_account(account.id)
        view = page.view("bookings")
        await _wait(lambda: view.model.rowCount() > 0)
        opened = asyncio.ensure_future(view.open_form(None))
        await _wait(lambda: bool(view.forms))
        form = view.forms[-1]
        await _wait(lambda: form.widgets["service_id"].count() > 1)
        form.widgets["service_id"].setCurrentIndex(form.widgets["service_id"].findData("2"))
        day = dt.date.today() + dt.timedelta(days=3)
        while day.weekday() == 6:
            day += dt.timedelta(days=1)
        picker = form.slot_picker("service_date")
        assert picker is not None
        picker.day_edit.setDate(QDate(day.year, day.month, day.day))
        await _wait(lambda: picker.times.isEnabled() and picker.value().startswith(day.isoformat()))
        for key, value in (("first_name", "Grace"), ("last_name", "Hopper"), ("email", "grace.hopper@example.com"),
                           ("phone", "415 555 0134"), ("address", "10 Market St"), ("city", "San Francisco"),
                           ("state", "CA"), ("zip", "94105")):
            form.widgets[key].setText(value)
        form.save_button.click()
        await _wait(lambda: form.error_text("zip") != "")
        await asyncio.sleep(0.3)
        out.parent.mkdir(parents=True, exist_ok=True)
        form.grab().save(str(out))
        form.reject()
        await opened
    finally:
        for account_page in window.pages.values():
            account_page.close_page()
        await accounts.aclose()
        await asyncio.to_thread(workspace.stop)
        window.close()


SCENES = {"launch27-form": launch27_form}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in SCENES:
        print(f"usage: scenes.py {{{'|'.join(SCENES)}}} OUT.png", file=sys.stderr)
        return 2
    import os

    os.environ.setdefault("VENDOR_CONSOLE_HOME", tempfile.mkdtemp(prefix="vc-scene-"))
    from PySide6.QtWidgets import QApplication

    from console.ui.qtasync import make_event_loop

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with asyncio.Runner(loop_factory=lambda: make_event_loop(app)) as runner:
        runner.run(SCENES[argv[0]](Path(argv[1])))
    print(f"scene {argv[0]} saved to {argv[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
