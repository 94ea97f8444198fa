"""Shared fixtures: an isolated config home, in-memory keyring, qasync loops, live emulators.

The Qt/qasync fixtures follow shared/feasibility.md: a SafeQEventLoop that kills its timers on
close (G2), a running loop for sync tests that clears qasync's running flag instead of calling
``loop.stop()`` (G3), and async Qt tests run on qasync through pytest-asyncio's loop-factory hook.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# A 1920x1200 offscreen screen (the plugin's default is 800 px wide, smaller than the window).
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={Path(__file__).with_name('offscreen-screen.json')}")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

ARTIFACTS = Path(__file__).parent / "artifacts"
# tests/packaging runs the built bundle: only `make test-dist` (which builds it first) collects it.
collect_ignore = [] if os.environ.get("VENDOR_CONSOLE_DIST") else ["packaging"]


@pytest.fixture(autouse=True)
def console_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config and log directory."""
    home = tmp_path / "vc-home"
    home.mkdir()
    monkeypatch.setenv("VENDOR_CONSOLE_HOME", str(home))
    from console.core.settings import take_problems

    take_problems()  # startup notices of an earlier test's damaged files are not this test's
    return home


@pytest.fixture(autouse=True)
def _fail_on_unexpected_warnings(caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest) -> Iterator[None]:
    """A WARNING or worse from our loggers fails the test unless it is marked ``allow_warnings``."""
    caplog.set_level(logging.INFO, logger="console")
    yield
    if request.node.get_closest_marker("allow_warnings"):
        return
    bad = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING and r.name.startswith("console")]
    if bad:
        pytest.fail("unexpected log lines:\n" + "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in bad))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_warnings: the test expects WARNING log lines")


#: Lines for the run's closing summary (figures a module adds up over its tests, see :func:`closing_notes`).
CLOSING_NOTES = pytest.StashKey[list[str]]()


@pytest.fixture(scope="session")
def closing_notes(pytestconfig: pytest.Config) -> list[str]:
    """Lines printed once the run is over, under "closing notes" (whatever the order the tests ran in)."""
    return pytestconfig.stash.setdefault(CLOSING_NOTES, [])


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    notes = config.stash.get(CLOSING_NOTES, [])
    if notes:
        terminalreporter.section("closing notes")
        for line in notes:
            terminalreporter.write_line(line)


# -- waiting for a condition (never a guessed delay) -----------------------------------------------

async def until(condition: Callable[[], object], seconds: float = 10.0, what: str = "the condition",
                signal: Any = None) -> None:
    """Waits, turn by turn of the running loop, until ``condition()`` is true; fails after ``seconds``.

    The condition decides, not the clock: a slow machine only waits longer, up to the timeout.

    Args:
        condition: Checked at once, then again whenever the loop has had a turn (or ``signal`` fired).
        seconds: How long the condition may take.
        what: Names the condition in the failure.
        signal: A Qt signal that fires when the condition may have changed (``model.loadingChanged``):
            the condition is checked on each emission instead of by polling.

    Without a signal, the first checks come one loop turn apart (``sleep(0)``: a callback away is at once);
    after that the loop gets a few milliseconds between checks, so a long wait does not spin a core that
    the emulator threads (and their share of the GIL) need. That interval is a polling period, not a wait.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    changed = asyncio.Event()

    def wake(*_args: object) -> None:
        changed.set()

    if signal is not None:
        signal.connect(wake)
    try:
        turns = 0
        while True:
            changed.clear()
            if condition():
                return
            left = deadline - loop.time()
            assert left > 0, f"{what} did not come true within {seconds} s"
            if signal is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), left)
            else:
                turns += 1
                await asyncio.sleep(0 if turns < 20 else 0.005)  # polling period (see above)
    finally:
        if signal is not None:
            signal.disconnect(wake)


def eventually(condition: Callable[[], object], seconds: float, what: str = "the condition") -> None:
    """Blocks until ``condition()`` is true (another process's state: files, sockets); fails after ``seconds``.

    For tests with no event loop to turn, watching a subprocess: the 20 ms between checks is a polling
    period, not a wait (the condition decides).
    """
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not come true within {seconds} s"
        time.sleep(0.02)  # polling period (see above)


# -- Qt + qasync -------------------------------------------------------------------------------------

def _qapp() -> Any:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Any]:
    """Async tests that touch Qt (under tests/**/ui/ or using qtbot) run on a qasync loop, others on asyncio."""
    fixtures = getattr(item, "fixturenames", ())
    if "/ui/" in str(item.path).replace(os.sep, "/") or "qtbot" in fixtures or "qapp" in fixtures:
        from console.ui.qtasync import make_event_loop

        return {"qasync": lambda: make_event_loop(_qapp())}
    return {"asyncio": asyncio.new_event_loop}


@pytest.fixture
def running_qloop(qapp: Any) -> Iterator[Any]:
    """A qasync loop marked running, so sync tests can drive async slots with ``qtbot.waitUntil``."""
    from console.ui.qtasync import make_event_loop

    loop = make_event_loop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    # Let cancelled tasks run their handlers before the loop goes away.
    for _ in range(3):
        qapp.processEvents()
    loop._QEventLoop__is_running = False  # G3: NOT loop.stop()
    asyncio.events._set_running_loop(None)
    loop.close()
    asyncio.set_event_loop(None)


# -- emulators ---------------------------------------------------------------------------------------

@pytest.fixture
def emulators(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A demo workspace; size via ``@pytest.mark.parametrize('emulators', [{'systeme': 500}], indirect=True)``."""
    from console.sandbox.workspace import DemoWorkspace

    sizes = dict(getattr(request, "param", None) or {"systeme": 300})
    if sizes.pop("separate_process", False):  # memory and loop measurements of the console alone
        remote = RemoteWorkspace(sizes)
        yield remote
        remote.stop()
        return
    workspace = DemoWorkspace.start(sizes=sizes, vendors=tuple(sizes))
    yield workspace
    workspace.stop()


REMOTE_SCRIPT = """
import json, sys
from console.sandbox.workspace import DemoWorkspace
sizes = json.loads(sys.argv[1])
ws = DemoWorkspace.start(sizes=sizes, vendors=tuple(sizes))
print(json.dumps({"accounts": [a.to_json() for a in ws.accounts], "secrets": ws.secrets}), flush=True)
sys.stdin.read()
ws.stop()
"""


class RemoteWorkspace:
    """The demo workspace served by another process (its records do not count in this one's memory).

    Only the accounts and their secrets are here: no fault injection, no emulator to inspect.
    """

    def __init__(self, sizes: dict[str, int]) -> None:
        import dataclasses
        import json
        import subprocess
        import sys

        from console.core.settings import AccountConfig

        self.process = subprocess.Popen([sys.executable, "-c", REMOTE_SCRIPT, json.dumps(sizes)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        data = json.loads(self.process.stdout.readline())
        self.accounts = [dataclasses.replace(AccountConfig.from_json(a), demo=True) for a in data["accounts"]]
        self.secrets: dict[str, dict[str, str]] = data["secrets"]
        self.vendors: dict[str, Any] = {}

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()


# -- the window against live emulators ------------------------------------------------------------

class ConsoleHarness:
    """A main window wired to services over a running demo workspace (no keychain, no disk secrets)."""

    def __init__(self, workspace: Any, qtbot: Any) -> None:
        from console.core.credentials import MemoryStore
        from console.core.settings import AccountsFile
        from console.services.accounts import AccountService
        from console.services.datasets import DatasetService
        from console.ui.observer import QtHttpObserver
        from console.ui.window import MainWindow

        self.workspace = workspace
        self.qtbot = qtbot
        # Not registered with qtbot.addWidget: pytest-qt would delete the window before this fixture's
        # teardown, while requests are still on their way; the harness closes it itself.
        self.window = MainWindow()
        self.observer = QtHttpObserver(self.window)
        self.keychain = MemoryStore()
        self.accounts = AccountService(accounts_file=AccountsFile(), keychain=self.keychain, observer=self.observer)
        self.datasets = DatasetService(self.accounts)

    async def start(self) -> None:
        await self.accounts.add_demo(self.workspace.accounts, self.workspace.secrets)
        self.window.attach(self.accounts, self.datasets, self.observer)
        self.window.show()

    def quiet(self) -> bool:
        """No request on its way and none about to start (a page load or a task just spawned)."""
        views = [view for page in self.window.pages.values() for view in page.views]
        return (self.observer.in_flight == 0 and not len(self.window.tasks)
                and not any(view.busy or len(view.tasks) for view in views))

    def window_idle(self) -> bool:
        """No request on its way and none of the window's own tasks running (a question it asks, an account flow).

        Unlike :meth:`quiet`, lists may still hold open forms or deletes behind "Undo" (their tasks wait on the
        person or the clock).
        """
        return self.observer.in_flight == 0 and not len(self.window.tasks)

    def view(self, dataset: str = "contacts") -> Any:
        page = self.window.current_page()
        assert page is not None
        view = page.view(dataset)
        page.setCurrentWidget(view)
        view.activate()
        return view


def find_modal(qtbot: Any, cls: type, name: str, timeout: int = 4000) -> Any:
    """Waits for the active modal dialog of a class and object name (dialogs open with ``open()``)."""
    from PySide6.QtWidgets import QApplication

    found: list[Any] = []

    def check() -> bool:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, cls) and widget.objectName() == name:
            found.append(widget)
            return True
        return False

    qtbot.waitUntil(check, timeout=timeout)
    return found[0]


@pytest.fixture
def harness(emulators: Any, qtbot: Any, running_qloop: Any,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[ConsoleHarness]:
    """The window on the demo workspace, for sync tests driven with ``qtbot.waitUntil``.

    Deletes wait 0.3 s behind "Undo" instead of 5 s (tests of the wait set their own).
    """
    from console.ui.dataset_view import DatasetView

    monkeypatch.setattr(DatasetView, "undo_seconds", 0.3)
    h = ConsoleHarness(emulators, qtbot)
    task = asyncio.ensure_future(h.start(), loop=running_qloop)
    qtbot.waitUntil(task.done, timeout=5000)
    task.result()
    yield h
    # Let requests on their way finish first: cancelling a connection attempt half-way leaves anyio's
    # socket to the garbage collector (a ResourceWarning in a later test). Quitting mid-request is
    # covered by its own tests.
    qtbot.waitUntil(h.quiet, timeout=10000)
    for page in h.window.pages.values():  # a delete still held behind "Undo" is not sent
        for view in page.views:
            view.drop_pending()
    h.window.close()
    close = asyncio.ensure_future(h.accounts.aclose(), loop=running_qloop)
    qtbot.waitUntil(close.done, timeout=5000)
    h.window.deleteLater()


def open_view(harness: Any, label: str, dataset: str) -> Any:
    """Selects the account labelled ``label`` and shows (and starts loading) its ``dataset`` tab."""
    account = harness.accounts.by_label(label)
    page = harness.window.select_account(account.id)
    view = page.view(dataset)
    page.setCurrentWidget(view)
    view.activate()
    return view


def loaded(qtbot: Any, view: Any) -> None:
    """Waits until ``view`` shows rows and no page is on its way."""
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=8000)
