"""Edit > Settings: the preferences the window runs with, asked for, saved and applied at once.

:class:`SettingsFlow` loads the preferences, shows the settings dialog (with the lookup's phone
region), saves what the person accepts and applies it: theme, log level, rows per page in every open
list, the network's timeout and retries (through the account service), how long a delete waits
behind "Undo" and how often the local copies refresh. The theme is shown while the dialog is open, as
it is chosen; Cancel puts the saved one back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from console.ui.qtasync import dialog_result

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from console.services.accounts import AccountService
    from console.services.mirror.copies import LocalCopies
    from console.ui.lookup import LookupController
    from console.ui.page_stack import PageStack
    from console.ui.preferences import Preferences


class SettingsFlow(QObject):
    """The window's preferences and the settings dialog.

    Args:
        parent: The window (the dialog's parent).
    """

    def __init__(self, parent: QWidget) -> None:
        from console.ui.delete_queue import SESSION
        from console.ui.preferences import PreferencesStore

        super().__init__(parent)
        self.parent_widget = parent
        self.store = PreferencesStore()
        self.preferences: Preferences = self.store.load()
        SESSION.seconds = self.preferences.undo_seconds
        #: The window's local copies, whose refresh interval the settings set (from ``attach_copies``).
        self.copies: LocalCopies | None = None

    async def edit(self, lookup: LookupController | None, pages: PageStack,
                   accounts: AccountService | None) -> bool:
        """Shows the settings and applies what the person accepts; returns whether they did."""
        from console.core.lookup import system_region
        from console.ui.lookup import REGIONS
        from console.ui.preferences import apply_theme
        from console.ui.settings_dialog import SettingsDialog

        history = lookup.history if lookup is not None else None
        region = (history.region() if history is not None else "") or system_region()
        dialog = SettingsDialog(self.preferences, region, REGIONS, self.parent_widget)
        dialog.themeChosen.connect(apply_theme)  # seen at once, not after OK
        if await dialog_result(dialog) != dialog.DialogCode.Accepted:
            apply_theme(self.preferences.theme)  # Cancel: the saved theme again
            return False
        preferences, new_region = dialog.values()
        await self.apply(preferences, pages, accounts)
        if lookup is not None and new_region != region:
            lookup.set_region(new_region)
        return True

    async def apply(self, preferences: Preferences, pages: PageStack, accounts: AccountService | None) -> None:
        """Saves the preferences and applies them now."""
        import os

        from console.ui.delete_queue import SESSION
        from console.ui.preferences import apply_log_level, apply_theme

        self.preferences = preferences
        SESSION.seconds = preferences.undo_seconds
        self.store.save(preferences)
        apply_theme(preferences.theme)
        if not os.environ.get("VENDOR_CONSOLE_DEBUG"):
            apply_log_level(preferences.log_level)
        pages.set_page_size(preferences.page_size)
        if self.copies is not None:
            self.copies.set_interval(preferences.copy_refresh_seconds)
        if accounts is not None:
            await accounts.apply_network(attempt_timeout=preferences.timeout, retries=preferences.retries)
