"""The window's menus and shortcuts: one table of :class:`~console.ui.actions.ActionSpec` rows.

Every row names what it does as a callable: a window command, or a command of the current list
(:func:`on_view`, which says "Open an account first." when no list is shown). The menus follow the
platform's conventions: Undo and Copy under Edit with the platform's keys (``standard``), groups of
commands apart (``group``: a separator between two groups). The Demo menu's rows
are added by :mod:`console.ui.demo_menu` when the demo workspace runs.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence

from console.ui.actions import ActionRegistry, ActionSpec, open_palette, show_shortcuts
from console.ui.delete_queue import show_recent_deletes
from console.ui.notices import about_box, open_log_folder

if TYPE_CHECKING:
    from console.ui.dataset_view import DatasetView
    from console.ui.window import MainWindow


def on_view(window: MainWindow, command: Callable[[DatasetView], object], *,
            quiet: bool = False) -> Callable[[], None]:
    """A handler that runs ``command`` on the window's current list.

    Args:
        window: The window.
        command: What to do with the list.
        quiet: With no list shown, do nothing (else the status bar says to open an account).
    """
    def run() -> None:
        view = window.current_view()
        if view is None:
            if not quiet:
                window.statusBar().showMessage("Open an account first.", 4000)
            return
        command(view)
    return run


def action_table(window: MainWindow) -> list[ActionSpec]:
    """Every command of the window's menus, palette and shortcut list, in menu order."""
    def view(command: Callable[[DatasetView], object]) -> Callable[[], None]:
        return on_view(window, command)

    def spawn(flow: Callable[[], Coroutine[Any, Any, object]]) -> Callable[[], object]:
        return lambda: window.tasks.spawn(flow())

    def tab(number: int) -> Callable[[], None]:
        def show() -> None:
            page = window.current_page()
            if page is not None and 0 < number <= page.count():
                page.setCurrentIndex(number - 1)
        return show

    key = QKeySequence.StandardKey
    specs = [
        ActionSpec("account.add", "&Add account…", "File", window.spawn_add_account, ("Ctrl+Shift+N",),
                   tip="Connect another vendor account", group="accounts"),
        ActionSpec("account.remove", "&Remove account…", "File", window.remove_current,
                   tip="Forget the selected account and its keychain entry", group="accounts"),
        ActionSpec("account.manage", "A&ccounts…", "File", window.open_accounts_manager, ("Ctrl+Shift+A",),
                   tip="Rename accounts, change base URLs, enter secrets again, see each account's state",
                   group="accounts"),
        ActionSpec("account.read_only", "Read-&only (safe mode)", "File", window.toggle_read_only,
                   checkable=True, tip="Hide every change (new, edit, delete) for the selected account",
                   group="safe"),
        ActionSpec("file.export", "&Export this list…", "File", spawn(window.export_view), ("Ctrl+E",),
                   tip="Save the current list, with its filters and order, as CSV or JSON Lines", group="export"),
        ActionSpec("app.quit", "&Quit", "File", window.close, ("Ctrl+Q",), standard=key.Quit, group="quit"),
        ActionSpec("record.undo_delete", "&Undo delete", "Edit", window.undo_delete, ("Ctrl+Z",),
                   standard=key.Undo, tip="Bring back the record deleted last, while its delete still waits",
                   group="undo"),
        ActionSpec("record.recent_deletes", "Recent &deletes…", "Edit", lambda: show_recent_deletes(window),
                   tip="This session's deletes in every list; undo the ones still waiting", group="undo"),
        ActionSpec("record.copy_cells", "&Copy cells", "Edit", view(lambda v: v.copy_cells()), ("Ctrl+C",),
                   standard=key.Copy, table_scoped=True, tip="Copy the selected rows as tab-separated text",
                   group="copy"),
        ActionSpec("record.copy_json", "Copy record as &JSON", "Edit", view(lambda v: v.copy_record_json()),
                   ("Ctrl+Shift+C",), tip="Copy every field of the selected record as JSON", group="copy"),
        ActionSpec("lookup.open", "&Look up in every account…", "Edit", lambda: window.lookup_area.focus(), ("Ctrl+K",),
                   tip="Find an email, a phone number, a name or an id in every account", group="find"),
        ActionSpec("view.filter", "&Filter this list", "Edit", view(lambda v: v.focus_filter()), ("Ctrl+F",),
                   standard=key.Find, tip="Put the cursor in the current list's search box", group="find"),
        ActionSpec("app.settings", "&Settings…", "Edit", spawn(window.edit_settings), ("Ctrl+,",),
                   standard=key.Preferences, tip="Page size, timeout, retries, phone region, theme, log",
                   group="settings"),
        ActionSpec("record.new", "&New record…", "Record", view(lambda v: v.new_record()), ("Ctrl+N",),
                   standard=key.New, tip="Create a record in the current list", group="new"),
        ActionSpec("record.edit", "&Edit record…", "Record", view(lambda v: v.edit_current()),
                   ("F2", "Return", "Enter"), table_scoped=True, tip="Edit the selected record", group="new"),
        ActionSpec("record.delete", "&Delete record…", "Record", view(lambda v: v.delete_current()), ("Delete",),
                   standard=key.Delete, table_scoped=True, tip="Delete the selected record (asks first)",
                   group="delete"),
        ActionSpec("view.go_end", "Go to the &end", "View", view(lambda v: v.go_to_end()), ("Ctrl+End",),
                   table_scoped=True, tip="Load the rest of the list (with progress and Cancel) and select its "
                   "last row", group="go"),
        ActionSpec("view.go_top", "Go to the &top", "View", view(lambda v: v.go_to_top()), ("Ctrl+Home",),
                   table_scoped=True, tip="Select the list's first row", group="go"),
        ActionSpec("view.jump_now", "&Jump to now", "View", view(lambda v: v.jump_to_now()), ("Ctrl+J",),
                   tip="Bookings: select the next one, the first at or after now (loads pages as needed)",
                   group="go"),
        ActionSpec("view.refresh", "&Refresh", "View", on_view(window, lambda v: v.refresh(), quiet=True),
                   ("F5",), standard=key.Refresh, tip="Load the current list again", group="list"),
        ActionSpec("view.columns", "&Columns…", "View", view(lambda v: v.choose_columns()), ("Ctrl+Shift+L",),
                   tip="Show, hide or reset the current list's columns (or right-click its header)", group="list"),
        ActionSpec("view.accounts_pane", "&Accounts pane", "View", lambda: window.frame.toggle_accounts_pane(),
                   ("Ctrl+B",), checkable=True, tip="Show or fold away the accounts on the left (more room for "
                   "the list in a small window)", group="panes"),
        ActionSpec("view.reset_layout", "Reset &layout", "View", window.reset_layout,
                   tip="Default columns, sorts, panes and window size everywhere", group="list"),
        ActionSpec("view.close_account", "Close this account's &lists", "View", window.close_current_account,
                   ("Ctrl+W",), tip="Free the memory of the account's loaded lists; they load again when "
                   "you come back", group="close"),
        ActionSpec("view.palette", "Command &palette…", "View", lambda: open_palette(window.registry, window),
                   ("Ctrl+Shift+P",), tip="Every command by name", group="tools"),
        ActionSpec("view.requests", "Re&quests…", "View", window.open_inspector, ("F12",),
                   tip="Every request of this session, with headers and bodies (secrets masked)", group="tools"),
    ]
    specs += [ActionSpec(f"view.tab{number}", f"Tab {number}", "", tab(number), (f"Ctrl+{number}",),
                         tip=f"Show the account's tab number {number}") for number in range(1, 10)]
    specs += [
        ActionSpec("help.shortcuts", "&Keyboard shortcuts", "Help", lambda: show_shortcuts(window.registry, window),
                   ("F1",), standard=QKeySequence.StandardKey.HelpContents, group="help"),
        ActionSpec("help.logs", "Open &log folder", "Help",
                   lambda: open_log_folder(window.open_url, window.statusBar()),
                   tip="The folder of the console's log files (secrets are masked in them)", group="logs"),
        ActionSpec("help.about", "&About Vendor Console", "Help", lambda: about_box(window).open(), group="about"),
    ]
    return specs


def build_menus(window: MainWindow) -> ActionRegistry:
    """Makes the window's actions and menus from :func:`action_table`; the Demo menu starts hidden."""
    registry = ActionRegistry(window)
    for spec in action_table(window):
        registry.add(spec)
    registry.menu("Demo").menuAction().setVisible(False)
    for action_id, role in (("app.quit", QAction.MenuRole.QuitRole), ("app.settings", QAction.MenuRole.PreferencesRole),
                            ("help.about", QAction.MenuRole.AboutRole)):
        registry.actions[action_id].setMenuRole(role)  # macOS puts these in the application menu
    return registry
