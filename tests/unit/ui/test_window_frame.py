"""Where the window opens the first time: most of a large screen, all of a small one."""

from __future__ import annotations

from PySide6.QtCore import QRect

from console.ui.window_frame import first_geometry


def test_a_small_screen_opens_the_window_maximised() -> None:
    rect, maximised = first_geometry(QRect(0, 0, 1024, 700))
    assert maximised and rect == QRect(0, 0, 1024, 700)


def test_a_large_screen_gets_most_of_it_centred() -> None:
    screen = QRect(0, 30, 2560, 1410)  # a panel takes the top 30 px
    rect, maximised = first_geometry(screen)
    assert not maximised
    assert (rect.width(), rect.height()) == (2048, 1128)
    assert screen.contains(rect) and abs(rect.center().x() - screen.center().x()) <= 1


def test_a_screen_just_big_enough_keeps_a_margin() -> None:
    rect, maximised = first_geometry(QRect(0, 0, 1400, 900))
    assert not maximised
    assert rect.width() <= 1400 * 0.92 and rect.height() <= 900 * 0.92 and rect.width() >= 1280
