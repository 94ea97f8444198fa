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
    """Waits until ``predicate()`` is true (the 20 ms between checks is a polling period, not a wait)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the scene did not reach its state")
        await asyncio.sleep(0.02)


async def _settled(*waiting: asyncio.Future[Any]) -> None:
    """Waits until no task runs but this scene's (and ``waiting``: an open form), then lets Qt paint.

    Nothing is on its way any more (a request, a page going in, a choice list loading): the picture
    shows the state the scene reached, not a moment of it.
    """
    from PySide6.QtCore import QCoreApplication, QEvent

    me = asyncio.current_task()
    await _wait(lambda: all(task is me or task in waiting for task in asyncio.all_tasks()))
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QCoreApplication.processEvents()


class Stage:
    """The real window and services over some demo emulators, for one scene."""

    def __init__(self, sizes: dict[str, int]) -> None:
        self.sizes = sizes
        self.copies: Any = None

    def local_copies(self, accounts: Any, datasets: Any) -> Any:
        """The window's local copies (``None``: the window keeps none, as here)."""
        return None

    async def __aenter__(self) -> Stage:
        from console.core.credentials import MemoryStore
        from console.core.settings import AccountsFile
        from console.sandbox.workspace import DemoWorkspace
        from console.services.accounts import AccountService
        from console.services.datasets import DatasetService
        from console.ui.observer import QtHttpObserver
        from console.ui.window import MainWindow

        self.workspace = await asyncio.to_thread(DemoWorkspace.start, sizes=self.sizes, vendors=tuple(self.sizes))
        self.window = MainWindow()
        observer = QtHttpObserver(self.window)
        self.accounts = AccountService(accounts_file=AccountsFile(), keychain=MemoryStore(), observer=observer)
        await self.accounts.add_demo(self.workspace.accounts, self.workspace.secrets)
        datasets = DatasetService(self.accounts)
        self.copies = self.local_copies(self.accounts, datasets)
        self.window.attach(self.accounts, datasets, observer, self.copies)
        self.window.show()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for account_page in self.window.pages.values():
            account_page.close_page()
        await self.accounts.aclose()
        await asyncio.to_thread(self.workspace.stop)
        self.window.close()

    def view(self, account_label: str, dataset: str) -> Any:
        account = self.accounts.by_label(account_label)
        assert account is not None
        page = self.window.select_account(account.id)
        view = page.view(dataset)
        page.setCurrentWidget(view)
        view.activate()
        return view


async def setsmart_409(out: Path) -> None:
    """A SetSmart reservation form after the vendor said the dates overlap another stay (409)."""
    async with Stage({"setsmart": 1500}) as stage:
        view = stage.view("Coastal Stays (demo)", "reservations")
        await _wait(lambda: view.model.rowCount() > 0)
        emulator = stage.workspace.vendors["setsmart"].emulator
        taken = next(r for r in emulator.reservations.values() if r["status"] != "cancelled"
                     and r["check_in"] > dt.date.today().isoformat()
                     and emulator.properties[r["property_id"]]["status"] == "active")
        opened = asyncio.ensure_future(view.open_form(None))
        await _wait(lambda: bool(view.forms))
        form = view.forms[-1]
        combo = form.widgets["property_id"]
        await _wait(lambda: combo.findData(taken["property_id"]) >= 0)
        combo.setCurrentIndex(combo.findData(taken["property_id"]))
        for key, value in (("guest_name", "Ines Moreau"), ("guest_email", "ines.moreau@example.com"),
                           ("guest_phone", "+33 6 12 34 56 78"), ("check_in", taken["check_in"]),
                           ("check_out", taken["check_out"]), ("guests", "2")):
            form.widgets[key].setText(value)
        form.save_button.click()
        await _wait(lambda: form.error_text("check_in") != "")
        await _settled(opened)
        out.parent.mkdir(parents=True, exist_ok=True)
        form.grab().save(str(out))
        form.reject()
        await opened


async def launch27_form(out: Path) -> None:
    """The Launch27 v1 booking form after the vendor refused the ZIP code."""
    from PySide6.QtCore import QDate

    async with Stage({"launch27": 300}) as stage:
        account = next(a for a in stage.accounts.accounts() if a.fields.get("api") == "v1")
        view = stage.view(account.label, "bookings")
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
        await _settled(opened)
        out.parent.mkdir(parents=True, exist_ok=True)
        form.grab().save(str(out))
        form.reject()
        await opened


async def lookup(out: Path) -> None:
    """The whole window with a lookup of the README's example customer across every demo vendor."""
    from console.vendors import registry

    async with Stage({spec.id: 600 for spec in registry.VENDORS}) as stage:
        view = stage.view("Marketing (demo)", "contacts")
        await _wait(lambda: view.model.rowCount() > 0)
        window = stage.window
        window.lookup_box.setFocus()
        window.open_lookup()
        window.lookup_box.setText("+1 (415) 555-0100")
        window.lookup.run_now()
        await _wait(lambda: not window.lookup_panel.model.searching and window.lookup_panel.model.hits())
        window.lookup_panel.tree.setCurrentIndex(window.lookup_panel.model.first_hit())
        await _settled()
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))


async def confirmed_only(out: Path) -> None:
    """Launch27 2.0 bookings on a server with only the confirmed endpoints: the list loads and says what it lacks."""
    async with Stage({"launch27": 300}) as stage:
        stage.workspace.set_optional_endpoints(False)
        account = next(a for a in stage.accounts.accounts() if a.fields.get("api") == "2.0")
        view = stage.view(account.label, "bookings")
        view.filters.dates.set_preset("all")
        view.filters.apply()
        await _wait(lambda: view.model.rowCount() > 0 and not view.model.loading and bool(view.notes_bar.notes))
        await _settled()
        out.parent.mkdir(parents=True, exist_ok=True)
        stage.window.grab().save(str(out))


SCENES = {"launch27-form": launch27_form, "setsmart-409": setsmart_409, "lookup": lookup,
          "confirmed-only": confirmed_only}


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
