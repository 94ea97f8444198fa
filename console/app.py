"""Startup and shutdown of the window (``vendor-console`` without a subcommand).

The window is shown before httpx, the vendor clients and the emulators are imported (design.md:
saves about 250 ms before anything is on screen); the demo workspace starts in a worker thread.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from console.core.constants import APP_ID, APP_NAME

T0 = time.perf_counter()
SMOKE_TIMEOUT = 10.0


def ensure_std_streams() -> bool:
    """Gives a windowed frozen app streams that swallow output when it has none.

    A windowed Windows build has ``sys.stdout``/``sys.stderr`` set to ``None``; libraries that print
    or log to stderr would fail there.

    Returns:
        Whether the streams were missing (then Qt's own messages go to the log file instead).
    """
    missing = sys.stdout is None or sys.stderr is None
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives as long as the process)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    return missing


def _route_qt_messages_to_log() -> None:
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    from console.core import log

    levels = {QtMsgType.QtDebugMsg: 10, QtMsgType.QtInfoMsg: 20, QtMsgType.QtWarningMsg: 30,
              QtMsgType.QtCriticalMsg: 40, QtMsgType.QtFatalMsg: 50}

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        log.qt.log(levels.get(kind, 30), "%s", message)

    qInstallMessageHandler(handler)


def _resource(name: str) -> Path:
    """A file of ``resources/``, from the source tree or from a PyInstaller bundle."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base / "resources" / name


def run_gui(args: argparse.Namespace) -> int:
    """Runs the window until it closes; returns the exit code."""
    no_streams = ensure_std_streams()
    if args.smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    # Closing the window ends AppController.main(), which shuts the services down on the running loop
    # and then returns; Qt quitting by itself first would stop the loop under that shutdown.
    app.setQuitOnLastWindowClosed(False)
    if no_streams:
        _route_qt_messages_to_log()
    from console.ui.preferences import PreferencesStore, apply_theme

    preferences = PreferencesStore().load()
    apply_theme(preferences.theme)  # before the first paint

    instance = None
    if not (args.smoke_test or args.screenshot or args.exit_after_paint):
        from console.core.settings import config_dir
        from console.ui.single_instance import InstanceServer, hand_over, server_name

        name = server_name(config_dir())
        if hand_over(name, f"open {args.open_at}" if args.open_at else "raise"):
            print(f"{APP_NAME} is already open: its window was brought to the front.")
            return 0
        instance = InstanceServer(name)
        instance.listen()

    icon = _resource("vendor-console.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))

    from console.ui.window import MainWindow

    window = MainWindow()
    if args.exit_after_paint:
        _exit_after_first_paint(window)
    window.frame.show()
    app.processEvents()  # paint now, before logging and the service layer are set up
    window.build()
    from console.core import log
    from console.core.settings import log_file

    log.setup(log_file=log_file())
    if not os.environ.get("VENDOR_CONSOLE_DEBUG"):
        from console.ui.preferences import apply_log_level

        apply_log_level(preferences.log_level)
    log.ui.info("window shown %.0f ms after start", (time.perf_counter() - T0) * 1000)

    import asyncio

    from console.ui.qtasync import make_event_loop

    controller = AppController(window, args)
    if instance is not None:
        instance.raiseRequested.connect(window.bring_to_front)
        instance.openRequested.connect(controller.open_at)
    with asyncio.Runner(loop_factory=lambda: make_event_loop(app)) as runner:
        loop = runner.get_loop()
        loop.set_exception_handler(controller.on_loop_exception)
        sys.excepthook = controller.on_exception
        try:
            return runner.run(controller.main())
        finally:
            if instance is not None:
                instance.close()


def _exit_after_first_paint(window: Any) -> None:
    """Prints the unix time of the window's first paint and ends the process (startup benchmark)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                print(f"painted {time.time():.6f}", flush=True)
                window.removeEventFilter(self)
                QTimer.singleShot(0, lambda: os._exit(0))
            return False

    watch = PaintWatch(window)
    window.installEventFilter(watch)


class AppController:
    """Owns the services for the window's lifetime.

    Args:
        window: The main window (already shown).
        args: Command-line switches.
    """

    def __init__(self, window: Any, args: argparse.Namespace) -> None:
        self.window = window
        self.args = args
        import asyncio

        self.workspace: Any = None
        self.accounts: Any = None
        self.copies: Any = None
        self._signals: dict[int, Any] = {}
        self._closed = asyncio.Event()

    async def main(self) -> int:
        """Starts the services, runs until the window closes, then shuts down."""
        import asyncio

        from PySide6.QtCore import QTimer

        from console.core.credentials import KeyringStore
        from console.core.settings import AccountsFile
        from console.services.accounts import AccountService
        from console.services.datasets import DatasetService
        from console.services.mirror.copies import LocalCopies
        from console.ui.observer import QtHttpObserver

        self.window.closed.connect(self._closed.set)
        # A signal ends the session: deletes the person confirmed (held behind "Undo") are sent first.
        def on_signal(*_args: object) -> None:
            QTimer.singleShot(0, lambda: self.window.tasks.spawn(self.window.close_after_pending(ask=False)))

        self._signals = {number: signal.signal(number, on_signal) for number in (signal.SIGINT, signal.SIGTERM)}
        # Qt's loop runs in C++; a timer lets Python run its signal handlers now and then.
        self._signal_timer = QTimer()
        self._signal_timer.start(250)
        self._signal_timer.timeout.connect(lambda: None)

        observer = QtHttpObserver(self.window)
        from console.http.types import HttpSettings

        preferences = self.window.preferences
        self.accounts = AccountService(accounts_file=AccountsFile(), keychain=KeyringStore(), observer=observer,
                                       settings=HttpSettings(timeout=float(preferences.timeout),
                                                             max_attempts=preferences.retries + 1))
        datasets = DatasetService(self.accounts)
        self.copies = LocalCopies(self.accounts, datasets, interval=preferences.copy_refresh_seconds)
        try:
            self.accounts.load()
            if self.accounts.file.problem:
                self.window.statusBar().showMessage(self.accounts.file.problem, 15000)
            a = self.args
            want_demo = bool(a.demo or a.smoke_test or a.screenshot
                             or (not self.accounts.has_real_accounts and not a.no_demo))
            warm = asyncio.ensure_future(self.accounts.warm_up())  # httpx and TLS, beside the demo's start
            if want_demo:
                await self._start_demo()
            await warm
            self.window.attach(self.accounts, datasets, observer, self.copies)
            self.window.tasks.spawn(self.copies.open_all())  # each copy syncs in the background, after you
            if a.open_at:
                self.open_at(a.open_at)
            if a.smoke_test:
                return await self.smoke_test()
            if a.screenshot:
                return await self.screenshot(a.screenshot)
            await self._closed.wait()
            return 0
        finally:
            await self.shutdown()

    def open_at(self, where: str) -> None:
        """Selects ``ACCOUNT[/DATASET]`` (said on the status bar when there is no such thing)."""
        if self.accounts is None:
            return
        label, _sep, dataset = where.partition("/")
        account = self.accounts.by_label(label)
        if account is None:
            self.window.statusBar().showMessage(f"No account is labelled “{label}”.", 10000)
            return
        page = self.window.select_account(account.id)
        if dataset:
            try:
                page.setCurrentWidget(page.view(dataset))
            except KeyError:
                self.window.statusBar().showMessage(f"“{label}” has no dataset “{dataset}”.", 10000)

    async def _start_demo(self) -> None:
        import asyncio

        from console.sandbox.workspace import UNRELIABLE, DemoWorkspace

        self.window.set_starting("Starting the demo workspace: local emulators with made-up data…")
        self.workspace = await asyncio.to_thread(DemoWorkspace.start)
        await self.accounts.add_demo(self.workspace.accounts, self.workspace.secrets)
        workspace = self.workspace
        async def confirmed_only(on: bool) -> None:
            workspace.set_optional_endpoints(not on)
            await self.accounts.apply_settings(self.accounts.settings)  # fresh clients forget what was missing

        self.window.add_demo_controls(lambda on: workspace.set_faults(UNRELIABLE if on else None),
                                      workspace.expire_sessions, confirmed_only)

    async def _first_page(self) -> tuple[Any, float]:
        """Waits until the visible table has its first page (or failed); returns (view, seconds)."""
        import asyncio

        deadline = T0 + SMOKE_TIMEOUT
        while time.perf_counter() < deadline:
            view = self.window.current_view()
            if view is not None and (view.model.rowCount() > 0 or view.model.error is not None
                                     or (not view.model.loading and not view.model.has_more)):
                return view, time.perf_counter() - T0
            await asyncio.sleep(0.01)
        raise TimeoutError("no page within the time limit")

    async def smoke_test(self) -> int:
        """Loads the first page of contacts on the demo workspace and prints one line."""
        try:
            view, seconds = await self._first_page()
        except TimeoutError:
            print(f"smoke test FAILED: no contacts within {SMOKE_TIMEOUT:.0f} s", file=sys.stderr)
            return 1
        if view.model.error is not None:
            print(f"smoke test FAILED: {view.model.error}", file=sys.stderr)
            return 1
        rows = view.model.rowCount()
        first = view.model.record(0)
        keychain = await self.probe_keychain()
        import asyncio

        from console.services.mirror.probe import probe_mirror

        mirror = await asyncio.to_thread(probe_mirror)  # the bundle has SQLCipher with FTS5
        print(f"smoke test ok: {view.vendor_name} · {view.account.label} · {view.spec.label}: "
              f"{view.model.count_text()}; first row {first.id if first else '-'}; {seconds:.2f} s after start; "
              f"local copy: {mirror}; keychain: {keychain}")
        return 0 if rows > 0 and "FAILED" not in mirror else 1

    @staticmethod
    async def probe_keychain() -> str:
        """Stores, reads back and deletes a throwaway secret; says which keychain did it, or why not."""
        import secrets

        import keyring

        from console.core.credentials import KeyringStore
        from console.core.errors import KeychainUnavailable

        reason = KeyringStore.available()
        if reason is not None:
            return f"unavailable: {reason}"
        store = KeyringStore()
        token = secrets.token_hex(12)
        backend = type(keyring.get_keyring()).__module__.rsplit(".", 1)[-1]
        try:
            await store.set("vendor-console-smoke-test", "probe", "token", token)
            read = await store.get("vendor-console-smoke-test", "probe", "token")
            await store.delete("vendor-console-smoke-test", "probe", "token")
        except KeychainUnavailable as exc:
            return f"unavailable: {exc.user_message.text}"
        return f"{backend}, round trip {'ok' if read == token else 'FAILED'}"

    async def screenshot(self, path: Path) -> int:
        """Saves a picture of the window with a page loaded and the first row selected."""
        import asyncio

        view, _seconds = await self._first_page()
        if view.model.rowCount():
            view.table.selectRow(0)
        await asyncio.sleep(0.3)
        path.parent.mkdir(parents=True, exist_ok=True)
        ok = self.window.grab().save(str(path))
        print(f"screenshot {'saved to' if ok else 'FAILED for'} {path}")
        return 0 if ok else 1

    async def shutdown(self) -> None:
        """Cancels background work, closes clients, stops the emulators."""
        import asyncio

        for page in list(self.window.pages.values()):
            page.close_page()
        self.window.tasks.cancel_all()
        await asyncio.sleep(0)
        if self.copies is not None:
            await self.copies.aclose()
        if self.accounts is not None:
            await self.accounts.aclose()
        if self.workspace is not None:
            await asyncio.to_thread(self.workspace.stop)
            self.workspace = None
        for number, handler in self._signals.items():  # the process outlives the window (tests, scripts)
            signal.signal(number, handler)
        self._signals = {}

    def on_exception(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        """``sys.excepthook``: logs the crash and shows it, and the app keeps running."""
        from console.core import log

        log.ui.error("unexpected error", exc_info=(kind, value, tb))
        self._crash_dialog("".join(traceback.format_exception(kind, value, tb)))

    def on_loop_exception(self, loop: Any, context: dict[str, Any]) -> None:
        """The event loop's exception handler."""
        import asyncio

        from console.core import log

        exc = context.get("exception")
        if isinstance(exc, asyncio.CancelledError):
            return
        log.ui.error("unexpected error in the event loop: %s", context.get("message"), exc_info=exc)
        if exc is not None:
            self._crash_dialog("".join(traceback.format_exception(exc)))

    def _crash_dialog(self, text: str) -> None:
        self.window.show_crash(text)
