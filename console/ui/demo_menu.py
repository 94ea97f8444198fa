"""The Demo menu (shown only with the demo workspace): make the emulators misbehave, to see the console cope.

* **Unreliable network**: slow answers, errors, rate limits.
* **Only confirmed endpoints**: every emulator answers 404 for the endpoints its vendor's sources do
  not confirm, as a thinner real server would; the lists load again without them and say what they lack.
* **Expire vendor sessions now**: the next request logs in again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from console.ui.actions import ActionSpec

if TYPE_CHECKING:
    from console.ui.window import MainWindow


def add_demo_controls(window: MainWindow, set_unreliable: Callable[[bool], None],
                      expire_sessions: Callable[[], list[str]] | None = None,
                      set_confirmed_only: Callable[[bool], Awaitable[None]] | None = None) -> None:
    """Adds the Demo menu's actions to the window (once).

    Args:
        window: The main window.
        set_unreliable: Turns the demo's fault injection on or off.
        expire_sessions: Ends the demo vendors' login sessions; returns the vendors that have them.
        set_confirmed_only: Removes (``True``) or restores the emulators' optional endpoints, and
            forgets what the accounts learnt about them.
    """
    window.build()
    registry = window.registry
    if "demo.unreliable" in registry.specs:
        return
    status = window.statusBar()

    def unreliable() -> None:
        on = registry.actions["demo.unreliable"].isChecked()
        set_unreliable(on)
        status.showMessage("Demo: unreliable network on (slow answers, errors, rate limits)" if on
                           else "Demo: unreliable network off", 5000)

    registry.add(ActionSpec(
        "demo.unreliable", "&Unreliable network", "Demo", unreliable, checkable=True,
        tip="Make the demo emulators slow and flaky, to see how the console copes")).setObjectName("unreliableAction")
    if set_confirmed_only is not None:
        async def confirmed_only(on: bool) -> None:
            await set_confirmed_only(on)
            view = window.current_view()
            if view is not None:
                view.refresh()
            status.showMessage("Demo: only the vendors' confirmed endpoints answer; lists say what they lack"
                               if on else "Demo: every emulated endpoint answers again", 6000)

        def toggle_confirmed() -> None:
            window.tasks.spawn(confirmed_only(registry.actions["demo.confirmed"].isChecked()))

        registry.add(ActionSpec(
            "demo.confirmed", "Only &confirmed endpoints", "Demo", toggle_confirmed, checkable=True,
            tip="Answer 404 for every endpoint the vendors' sources do not confirm, as a thinner real server "
                "would")).setObjectName("confirmedOnlyAction")
    if expire_sessions is not None:
        def expire_now() -> None:
            names = expire_sessions()
            status.showMessage(f"Demo: sessions ended for {', '.join(names)}; the next request logs in again."
                               if names else "Demo: no vendor here uses login sessions.", 6000)

        registry.add(ActionSpec(
            "demo.expire", "&Expire vendor sessions now", "Demo", expire_now,
            tip="End the demo vendors' login sessions, to see the console log in again by itself",
        )).setObjectName("expireSessionsAction")
    window.demo_menu.menuAction().setVisible(True)
