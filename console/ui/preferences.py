"""The user's settings: page size, timeout, retries, theme, log level, time to undo, local copies' refresh.

The form is :mod:`console.ui.settings_dialog`. Kept with :class:`QSettings` in ``settings.ini`` in
the config folder (apart from ``layout.ini``, so Reset layout keeps them); cheap enough to read before
the first paint, so the theme is right from the first frame. The theme applies as it is chosen in the
dialog (Cancel puts the saved one back); on OK the log level applies at once, the page size to the next
page loaded, the timeout and retries to the next request (the accounts' connections are rebuilt), the
time to undo to the next delete, the local copies' refresh interval from each copy's next wait.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyle

from console.core.paths import config_dir
from console.core.settings import report_problem

SETTINGS_FILE = "settings.ini"
THEMES = (("system", "Follow the system (light or dark)"), ("light", "Light"), ("dark", "Dark"))
LOG_LEVELS = (("INFO", "Normal"), ("DEBUG", "Detailed (for support)"), ("WARNING", "Problems only"))


@dataclass(frozen=True, slots=True)
class Preferences:
    """What the user can set.

    Attributes:
        page_size: Rows per page in the lists (the vendor may give fewer).
        timeout: Seconds a request may take.
        retries: Times a failed read is tried again.
        theme: ``system``, ``light`` or ``dark``.
        log_level: ``INFO``, ``DEBUG`` or ``WARNING``.
        undo_seconds: Seconds a confirmed delete waits behind "Undo" before it is sent.
        copy_refresh_minutes: Minutes between the local copies' scheduled refreshes (issue 17).
    """

    page_size: int = 50
    timeout: int = 20
    retries: int = 3
    theme: str = "system"
    log_level: str = "INFO"
    undo_seconds: int = 10
    copy_refresh_minutes: int = 15

    @property
    def copy_refresh_seconds(self) -> float:
        """The local copies' refresh interval in seconds (``LocalCopies.set_interval``)."""
        return self.copy_refresh_minutes * 60.0


#: The window colour Fusion is told while it draws an outline in the dark theme (outline = 140 % darker).
DARK_OUTLINE_BASE = "#a0a0a0"

LIMITS = {"page_size": (10, 500), "timeout": (5, 300), "retries": (0, 8), "undo_seconds": (3, 120),
          "copy_refresh_minutes": (1, 24 * 60)}


class PreferencesStore:
    """Reads and writes :class:`Preferences` (a bad value reads as its default)."""

    def __init__(self) -> None:
        from console.ui.layout import open_ini

        self.settings = open_ini(config_dir() / SETTINGS_FILE, "settings file (settings.ini)",
                                 "the settings start from their defaults")

    def load(self) -> Preferences:
        """The saved preferences (defaults for anything missing or out of range)."""
        defaults = Preferences()
        values: dict[str, object] = {}
        bad: list[str] = []
        for name, (low, high) in LIMITS.items():
            raw = str(self.settings.value(f"preferences/{name}", getattr(defaults, name)))
            try:
                number = int(raw)
            except ValueError:
                bad.append(f"{name} “{raw}”")
                continue
            if low <= number <= high:
                values[name] = number
            else:
                bad.append(f"{name} {number} (allowed {low}-{high})")
        for name, allowed in (("theme", dict(THEMES)), ("log_level", dict(LOG_LEVELS))):
            raw = str(self.settings.value(f"preferences/{name}", getattr(defaults, name)))
            if raw in allowed:
                values[name] = raw
            else:
                bad.append(f"{name} “{raw}”")
        if bad:
            report_problem(f"Some saved settings were not valid and their defaults are used: {', '.join(bad)}.")
        return replace(defaults, **values)  # type: ignore[arg-type]

    def save(self, preferences: Preferences) -> None:
        """Saves them."""
        for name in ("page_size", "timeout", "retries", "theme", "log_level", "undo_seconds", "copy_refresh_minutes"):
            self.settings.setValue(f"preferences/{name}", getattr(preferences, name))
        self.settings.sync()


def apply_theme(theme: str) -> None:
    """Light, dark, or what the system asks for (followed when it changes).

    The palette is set here (Fusion's, darkened for dark) rather than through the style hints' colour
    scheme, which most Linux desktops without a Qt platform theme ignore.
    """
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    hints = QGuiApplication.styleHints()
    if theme == "system":
        if not _state["connected"]:  # once: follow the desktop when it switches
            hints.colorSchemeChanged.connect(lambda _scheme: _follow_desktop(app))
            _state["connected"] = True
        _state["follow"] = True
        _paint(app, _system_is_dark())
        return
    _state["follow"] = False
    _paint(app, theme == "dark")


#: follow: the theme follows the desktop; connected: listening to it; painted: a palette was set.
_state = {"follow": False, "connected": False, "painted": False}


def _follow_desktop(app: object) -> None:
    if _state["follow"]:
        _paint(app, _system_is_dark())


def _system_is_dark() -> bool:
    from PySide6.QtCore import Qt

    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def _paint(app: object, dark: bool) -> None:
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication, QStyleFactory

    assert isinstance(app, QApplication)
    if not dark and not _state["painted"]:
        return  # the platform's own light look, untouched until someone chose dark
    style = _dark_style() if dark else QStyleFactory.create("Fusion")
    app.setStyle(style)
    palette = QStyleFactory.create("Fusion").standardPalette()
    if dark:
        role = QPalette.ColorRole
        for r, colour in ((role.Window, "#2b2b2b"), (role.WindowText, "#e6e6e6"), (role.Base, "#1f1f1f"),
                          (role.AlternateBase, "#272727"), (role.ToolTipBase, "#3a3a3a"),
                          (role.ToolTipText, "#e6e6e6"), (role.Text, "#e6e6e6"), (role.Button, "#353535"),
                          (role.ButtonText, "#e6e6e6"), (role.BrightText, "#ff6b6b"), (role.Highlight, "#2f65ca"),
                          (role.HighlightedText, "#ffffff"), (role.Link, "#7aa7ff"), (role.PlaceholderText, "#a3a3a3"),
                          (role.Mid, "#3d3d3d"), (role.Dark, "#191919"), (role.Light, "#4a4a4a")):
            palette.setColor(r, QColor(colour))
        disabled = QPalette.ColorGroup.Disabled
        for r in (role.WindowText, role.Text, role.ButtonText):
            palette.setColor(disabled, r, QColor("#7a7a7a"))
    _state["painted"] = True
    app.setPalette(palette)


def _dark_style() -> QStyle:
    """Fusion, with inputs, check boxes and radio buttons outlined so they show on a dark window."""
    from PySide6.QtGui import QColor, QPainter, QPalette
    from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleFactory, QStyleOption, QStyleOptionComplex, QWidget

    element = QStyle.PrimitiveElement
    outlined = {element.PE_IndicatorCheckBox, element.PE_IndicatorRadioButton,
                element.PE_IndicatorItemViewItemCheck, element.PE_FrameLineEdit, element.PE_Frame}
    complex_outlined = {QStyle.ComplexControl.CC_SpinBox, QStyle.ComplexControl.CC_ComboBox}

    def lit(option: QStyleOption) -> QStyleOption:
        # Fusion draws these outlines a shade darker than the window colour: on a dark window they
        # vanish. The copy says the window is light, for this one drawing.
        option = type(option)(option)
        palette = QPalette(option.palette)
        palette.setColor(QPalette.ColorRole.Window, QColor(DARK_OUTLINE_BASE))
        option.palette = palette
        return option

    class DarkFusion(QProxyStyle):
        def __init__(self) -> None:
            super().__init__(QStyleFactory.create("Fusion"))

        def drawPrimitive(self, pe: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
                          widget: QWidget | None = None) -> None:
            super().drawPrimitive(pe, lit(option) if pe in outlined else option, painter, widget)

        def drawComplexControl(self, cc: QStyle.ComplexControl, option: QStyleOptionComplex,
                               painter: QPainter, widget: QWidget | None = None) -> None:
            if cc in complex_outlined:
                option = lit(option)  # type: ignore[assignment]
            super().drawComplexControl(cc, option, painter, widget)

    return DarkFusion()


def apply_log_level(level: str) -> None:
    """Sets the level of every ``console`` logger."""
    import logging

    logging.getLogger("console").setLevel(getattr(logging, level, logging.INFO))
