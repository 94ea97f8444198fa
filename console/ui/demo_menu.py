"""The Demo menu (shown only with the demo workspace): make the emulators misbehave, to see the console cope.

* **Unreliable network**: slow answers, errors, rate limits.
* **Only confirmed endpoints**: every emulator answers 404 for the endpoints its vendor's sources do
  not confirm, as a thinner real server would; the lists load again without them and say what they lack.
* **Expire vendor sessions now**: the next request logs in again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from console.ui.actions import ActionRegistry, ActionSpec
from console.ui.qtasync import TaskSet


def add_demo_controls(registry: ActionRegistry, tasks: TaskSet, show_message: Callable[[str, int], None],
                      set_unreliable: Callable[[bool], None],
                      expire_sessions: Callable[[], list[str]] | None = None,
                      set_confirmed_only: Callable[[bool], Awaitable[None]] | None = None) -> None:
    """Adds the Demo menu's actions to a window's registry (once) and shows the menu.

    Args:
        registry: The window's actions (its ``view.refresh`` reloads the current list).
        tasks: Where the menu's background work runs (the window's).
        show_message: Puts a note on the status bar for so many ms.
        set_unreliable: Turns the demo's fault injection on or off.
        expire_sessions: Ends the demo vendors' login sessions; returns the vendors that have them.
        set_confirmed_only: Removes (``True``) or restores the emulators' optional endpoints, and
            forgets what the accounts learnt about them.
    """
    if "demo.unreliable" in registry.specs:
        return

    def unreliable() -> None:
        on = registry.actions["demo.unreliable"].isChecked()
        set_unreliable(on)
        show_message("Demo: unreliable network on (slow answers, errors, rate limits)" if on
                     else "Demo: unreliable network off", 5000)

    registry.add(ActionSpec(
        "demo.unreliable", "&Unreliable network", "Demo", unreliable, checkable=True,
        tip="Make the demo emulators slow and flaky, to see how the console copes")).setObjectName("unreliableAction")
    if set_confirmed_only is not None:
        async def confirmed_only(on: bool) -> None:
            await set_confirmed_only(on)
            registry.trigger("view.refresh")
            show_message("Demo: only the vendors' confirmed endpoints answer; lists say what they lack"
                         if on else "Demo: every emulated endpoint answers again", 6000)

        def toggle_confirmed() -> None:
            tasks.spawn(confirmed_only(registry.actions["demo.confirmed"].isChecked()))

        registry.add(ActionSpec(
            "demo.confirmed", "Only &confirmed endpoints", "Demo", toggle_confirmed, checkable=True,
            tip="Answer 404 for every endpoint the vendors' sources do not confirm, as a thinner real server "
                "would")).setObjectName("confirmedOnlyAction")
    if expire_sessions is not None:
        def expire_now() -> None:
            names = expire_sessions()
            show_message(f"Demo: sessions ended for {', '.join(names)}; the next request logs in again."
                         if names else "Demo: no vendor here uses login sessions.", 6000)

        registry.add(ActionSpec(
            "demo.expire", "&Expire vendor sessions now", "Demo", expire_now,
            tip="End the demo vendors' login sessions, to see the console log in again by itself",
        )).setObjectName("expireSessionsAction")
    registry.menu("Demo").menuAction().setVisible(True)
