"""Edit > Settings: the form over :class:`console.ui.preferences.Preferences` and the phone region.

The theme is shown as soon as it is chosen (:attr:`SettingsDialog.themeChosen`); the flow puts the
saved one back on Cancel.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.ui.preferences import LIMITS, LOG_LEVELS, THEMES, Preferences


class SettingsDialog(QDialog):
    """The settings form.

    Args:
        preferences: The current values.
        region: The phone region now in use.
        regions: The regions offered.
        parent: The window.

    Signals:
        themeChosen(str): The theme box changed (``system``, ``light`` or ``dark``): show it now.
    """

    themeChosen = Signal(str)

    def __init__(self, preferences: Preferences, region: str, regions: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.page_size = QSpinBox()
        self.timeout = QSpinBox()
        self.retries = QSpinBox()
        self.undo_seconds = QSpinBox()
        self.copy_refresh = QSpinBox()
        self.copy_refresh.setToolTip("How often each account's local copy asks its vendor for changes "
                                     "(Sync now, or F5 in a list, asks at once)")
        for name, box, suffix in (("page_size", self.page_size, " rows"), ("timeout", self.timeout, " s"),
                                  ("retries", self.retries, ""), ("undo_seconds", self.undo_seconds, " s"),
                                  ("copy_refresh_minutes", self.copy_refresh, " min")):
            low, high = LIMITS[name]
            box.setRange(low, high)
            box.setSuffix(suffix)
            box.setObjectName(f"setting_{name}")
        self.region = QComboBox()
        self.region.setObjectName("setting_region")
        for code in sorted({*regions, region}):
            self.region.addItem(code, code)
        self.theme = QComboBox()
        self.theme.setObjectName("setting_theme")
        for key, text in THEMES:
            self.theme.addItem(text, key)
        self.log_level = QComboBox()
        self.log_level.setObjectName("setting_log_level")
        for key, text in LOG_LEVELS:
            self.log_level.addItem(text, key)
        form = QFormLayout()
        form.addRow("Rows per page", self.page_size)
        form.addRow("Request timeout", self.timeout)
        form.addRow("Retries of a failed read", self.retries)
        form.addRow("Country of numbers without +", self.region)
        form.addRow("Time to undo a delete", self.undo_seconds)
        form.addRow("Refresh local copies every", self.copy_refresh)
        form.addRow("Theme", self.theme)
        form.addRow("Log", self.log_level)
        note = QLabel("The theme changes as you choose it; the rest applies on OK. Cancel keeps everything as "
                      "it was. Writes are never retried by themselves, whatever the retries.")
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.show_values(Preferences(), region))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.show_values(preferences, region)
        self.theme.currentIndexChanged.connect(lambda _i: self.themeChosen.emit(str(self.theme.currentData())))

    def show_values(self, preferences: Preferences, region: str) -> None:
        """Fills the form."""
        self.page_size.setValue(preferences.page_size)
        self.timeout.setValue(preferences.timeout)
        self.retries.setValue(preferences.retries)
        self.undo_seconds.setValue(preferences.undo_seconds)
        self.copy_refresh.setValue(preferences.copy_refresh_minutes)
        self.region.setCurrentIndex(max(0, self.region.findData(region)))
        self.theme.setCurrentIndex(max(0, self.theme.findData(preferences.theme)))
        self.log_level.setCurrentIndex(max(0, self.log_level.findData(preferences.log_level)))

    def values(self) -> tuple[Preferences, str]:
        """What the form says: the preferences and the phone region."""
        return (Preferences(self.page_size.value(), self.timeout.value(), self.retries.value(),
                            str(self.theme.currentData()), str(self.log_level.currentData()),
                            self.undo_seconds.value(), self.copy_refresh.value()),
                str(self.region.currentData()))
