"""The real window with its local copies (issue 17), for scenes and figures of lists read from a copy.

:class:`CopyStage` is :class:`tests.e2e.scenes.Stage` plus the window's
:class:`~console.services.mirror.copies.LocalCopies` (Stage builds none), opened and synced as the
app does. Usage (offscreen or under a display): ``python tests/e2e/copy_scenes.py OUT.png [CONTACTS]``: a
copy-backed contacts list sorted by surname, with its freshness words; prints how long the sync, the
sort and Ctrl+End took (figures, never asserted). ``python tests/e2e/copy_scenes.py card OUT.png``:
a lookup of the demo's Jane Doe answered from every account's complete copy, with her customer card.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.e2e.scenes import Stage, _wait  # the path first


class CopyStage(Stage):
    """The real window over demo emulators, with local copies for the accounts that keep one."""

    def local_copies(self, accounts: Any, datasets: Any) -> Any:
        """Local copies for the accounts that keep one, as the app makes them (opened by :meth:`synced`)."""
        from console.services.mirror.copies import LocalCopies

        return LocalCopies(accounts, datasets)

    async def synced(self, account_label: str, dataset: str, seconds: float = 120.0) -> None:
        """Opens every copy and waits until the dataset's is complete."""
        account = self.accounts.by_label(account_label)
        assert account is not None
        await self.copies.open_all()
        await _wait(lambda: self.copies.is_complete(account.id, dataset), seconds)

    async def __aexit__(self, *exc: object) -> None:
        await self.copies.aclose()
        await super().__aexit__(*exc)


def _rss_mb() -> float:
    """The process's resident memory in MB (Linux)."""
    import os

    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def sorted_copy_list(out: Path, contacts: int = 2000) -> dict[str, float]:
    """Systeme.io contacts read from the complete copy, sorted by surname (a column the vendor cannot sort)."""
    figures: dict[str, float] = {}
    async with CopyStage({"systeme": contacts}) as stage:
        stage.window.resize(1280, 760)
        view: Any = stage.view("Marketing (demo)", "contacts")
        await _wait(lambda: view.model.rowCount() > 0)
        started = time.perf_counter()
        await stage.synced("Marketing (demo)", "contacts", seconds=max(120.0, contacts / 100))
        figures["rss_synced_mb"] = _rss_mb()
        figures["sync_s"] = time.perf_counter() - started
        await _wait(lambda: view.copy_list.from_copy and not view.busy, 30)
        started = time.perf_counter()
        view._on_header_clicked(3)  # Surname
        await _wait(lambda: view.query.sort == "surname" and not view.busy and view.model.rowCount() > 0)
        figures["sort_s"] = time.perf_counter() - started
        started = time.perf_counter()
        view.go_to_end()
        await _wait(lambda: not view.busy and view.model.base + view.model.rowCount() == contacts
                    and view.table.selectionModel().selectedRows(), 60)
        figures["ctrl_end_s"] = time.perf_counter() - started
        figures["ctrl_end_rows"] = view.model.rowCount()
        figures["rss_browsed_mb"] = _rss_mb()
        view.go_to_top()
        await _wait(lambda: not view.busy and view.model.base == 0 and view.model.rowCount() > 0, 30)
        view.table.selectRow(2)
        # The copies' sync waits for its next refresh for good: settled is the list's own work done.
        await _wait(lambda: not view.busy and not len(view.tasks) and not stage.window.tasks, 30)
        await asyncio.sleep(0.1)  # a few turns of the loop: layouts and paints posted meanwhile are done
        stage.window.grab().save(str(out))
    return figures


async def customer_card(out: Path) -> None:
    """A lookup of Jane Doe answered from the copies of every demo account, her customer card beside it."""
    from console.vendors import registry

    async with CopyStage({spec.id: 300 for spec in registry.VENDORS}) as stage:
        window = stage.window
        window.resize(1400, 860)
        await stage.copies.open_all()
        mirrored = [(account.id, progress.dataset) for account in stage.accounts.accounts()
                    for progress in stage.copies.progress(account.id)]
        await _wait(lambda: all(stage.copies.is_complete(*each) for each in mirrored), 120)
        window.lookup_box.setFocus()
        window.open_lookup()
        window.lookup_box.setText("jane.doe@example.com")
        window.lookup.run_now()
        cards = window.lookup_area.cards
        assert cards is not None
        await _wait(lambda: cards.ready and bool(cards.cards), 30)
        window.lookup_panel.tree.setCurrentIndex(window.lookup_panel.model.first_hit())
        await _wait(lambda: not window.tasks, 30)
        await asyncio.sleep(0.1)  # a few turns of the loop: layouts and paints posted meanwhile are done
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))


def main(argv: list[str]) -> int:
    card = bool(argv) and argv[0] == "card"
    if card:
        argv = argv[1:]
    if len(argv) not in (1, 2) or (card and len(argv) != 1):
        print("usage: copy_scenes.py OUT.png [CONTACTS] | copy_scenes.py card OUT.png", file=sys.stderr)
        return 2
    import os

    os.environ.setdefault("VENDOR_CONSOLE_HOME", tempfile.mkdtemp(prefix="vc-scene-"))
    from PySide6.QtWidgets import QApplication

    from console.ui.qtasync import make_event_loop

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with asyncio.Runner(loop_factory=lambda: make_event_loop(app)) as runner:
        if card:
            runner.run(customer_card(Path(argv[0])))
            print(f"saved to {argv[0]}")
            return 0
        contacts = int(argv[1]) if len(argv) > 1 else 2000
        figures = runner.run(sorted_copy_list(Path(argv[0]), contacts))
    print(f"saved to {argv[0]}; " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
