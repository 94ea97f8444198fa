"""The window's lookup over the local copies (issue 17): complete copies answer at once, the rest live,
the panel says which; opening a hit reads it fresh; one customer card per person across vendors."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from console.services.lookup import Source, State
from console.ui.customer_card import TimelineModel
from console.vendors import registry
from tests.conftest import ConsoleHarness

pytestmark = pytest.mark.parametrize("emulators", [{spec.id: 120 for spec in registry.VENDORS}], indirect=True)
LIVE = "Sparkle v1 (demo)"  # keeps no local copy: answers live
JANE = "jane.doe@example.com"


class CopiesHarness(ConsoleHarness):
    """The window on the demo workspace with its local copies (every account's but :data:`LIVE`)."""

    async def start(self) -> None:
        from console.services.mirror.copies import LocalCopies

        await self.accounts.add_demo(self.workspace.accounts, self.workspace.secrets)
        live = self.accounts.by_label(LIVE)
        assert live is not None
        self.accounts.update(live.id, local_copy=False)
        self.copies = LocalCopies(self.accounts, self.datasets)
        self.window.attach(self.accounts, self.datasets, self.observer, self.copies)
        await self.copies.open_all()
        self.window.show()

    def complete(self) -> bool:
        from console.services.mirror.sync import mirrored

        return all(self.copies.is_complete(a.id, spec.name) for a in self.accounts.accounts() if a.label != LIVE
                   for spec in mirrored(self.accounts.spec(a.id).datasets))


@pytest.fixture
def copied(emulators: Any, qtbot: Any, running_qloop: Any) -> Iterator[CopiesHarness]:
    h = CopiesHarness(emulators, qtbot)
    task = asyncio.ensure_future(h.start(), loop=running_qloop)
    qtbot.waitUntil(task.done, timeout=5000)
    task.result()
    qtbot.waitUntil(h.complete, timeout=60000)  # the first sync of every copy
    yield h
    h.window.close()
    close = asyncio.ensure_future(h.copies.aclose(), loop=running_qloop)
    qtbot.waitUntil(close.done, timeout=10000)
    close = asyncio.ensure_future(h.accounts.aclose(), loop=running_qloop)
    qtbot.waitUntil(close.done, timeout=5000)
    h.window.deleteLater()


def look_up(h: CopiesHarness, qtbot: Any, text: str) -> Any:
    """Runs a lookup and returns once every account answered and the cards are made."""
    window = h.window
    window.open_lookup()
    window.lookup_box.setText(text)
    cards = window.lookup_area.cards
    with qtbot.waitSignal(window.lookup_panel.lookupFinished, timeout=10000):
        window.lookup.run_now()
    qtbot.waitUntil(lambda: cards.ready, timeout=5000)
    return window.lookup_panel.model


def vendor_requests(h: CopiesHarness, account_id: str) -> int:
    return sum(1 for e in h.accounts.request_log if e.account_id == account_id)


def test_complete_copies_answer_and_the_others_live_and_the_panel_says_which(copied: CopiesHarness,
                                                                            qtbot: Any) -> None:
    live = copied.accounts.by_label(LIVE)
    assert live is not None
    before = {a.id: vendor_requests(copied, a.id) for a in copied.accounts.accounts()}
    model = look_up(copied, qtbot, JANE)
    sources = {o.account_label: o.source for o in model.outcomes}
    assert sources[LIVE] is Source.LIVE
    assert {s for label, s in sources.items() if label != LIVE} == {Source.COPY}
    for a in copied.accounts.accounts():  # the copies answered without asking their vendor
        assert (vendor_requests(copied, a.id) > before[a.id]) == (a.id == live.id), a.label
    rows = {o.account_label: model.data(model.index(i, 0)) for i, o in enumerate(model.outcomes)}
    assert rows["Marketing (demo)"].endswith("hit · from its local copy")
    assert rows[LIVE].startswith(f"Launch27 · {LIVE} — ") and rows[LIVE].endswith(" · asked live")
    heading = copied.window.lookup_panel.heading.text()
    assert heading.endswith(f"done; {len(model.outcomes) - 1} from their local copies, 1 live"), heading


def test_a_copy_searches_by_phone_where_the_vendor_cannot(copied: CopiesHarness, qtbot: Any) -> None:
    model = look_up(copied, qtbot, "+1 (415) 555-0100")
    marketing = next(o for o in model.outcomes if o.account_label == "Marketing (demo)")
    assert marketing.source is Source.COPY and marketing.state in (State.HITS, State.NONE)  # live: cannot search


def test_one_customer_card_for_jane_across_vendors_with_one_timeline(copied: CopiesHarness, qtbot: Any,
                                                                     qtmodeltester: Any) -> None:
    look_up(copied, qtbot, JANE)
    cards = copied.window.lookup_area.cards
    jane = next(c for c in cards.cards if JANE in c.emails)
    assert {"Systeme.io", "Setster", "SetSmart"} <= {h.vendor_name for h in jane.hits}
    assert all(c is jane or JANE not in c.emails for c in cards.cards)  # one card for her
    assert jane.name == "Jane Doe" and "+1 415-555-0100" in jane.phones
    whens = [v.when for v in jane.timeline if v.when is not None]
    assert whens == sorted(whens) and {"SetSmart", "Launch27"} <= {v.hit.vendor_name for v in jane.timeline}
    view = cards.view
    assert view.card is jane and view.isVisible()
    assert view.title.text() == "Jane Doe" and JANE in view.contact.text()
    assert view.model.rowCount() == len(jane.timeline)
    qtmodeltester.check(view.model)
    qtmodeltester.check(TimelineModel())


def test_a_clients_appointments_come_from_the_copy_and_open_in_their_tab(copied: CopiesHarness,
                                                                         qtbot: Any) -> None:
    emulator = copied.workspace.vendors["setster"].emulator
    booked: dict[str, int] = {}
    for appointment in emulator.appointments.values():
        booked[appointment["client_email"]] = booked.get(appointment["client_email"], 0) + 1
    email = max(booked, key=lambda e: booked[e])
    model = look_up(copied, qtbot, email)
    assert not any(h.dataset == "appointments" for h in model.hits())  # the lookup finds people, not visits
    cards = copied.window.lookup_area.cards
    card = next(c for c in cards.cards if email.lower() in c.emails)
    appointments = [v for v in card.timeline if v.hit.dataset == "appointments"]
    assert len(appointments) == booked[email]
    view = cards.view
    view.timeline.selectRow(view.model.visits.index(appointments[0]))
    with qtbot.waitSignal(copied.window.lookup_area.hitOpened, timeout=5000) as opened:
        view.open_visit.click()
    hit = opened.args[0]
    assert hit.dataset == "appointments" and hit.record.id == appointments[0].hit.record.id
    page_view = copied.window.current_view()
    assert page_view is not None and page_view.spec.name == "appointments"
    assert page_view.current_record() is not None and page_view.current_record().id == hit.record.id


def test_opening_a_hit_from_the_copy_reads_it_live(copied: CopiesHarness, qtbot: Any) -> None:
    model = look_up(copied, qtbot, JANE)
    hit = next(h for h in model.hits() if h.vendor_name == "Setster" and h.dataset == "clients")
    emulator = copied.workspace.vendors["setster"].emulator
    emulator.clients[hit.record.id]["name"] = "Jane Fresh-Doe"  # changed at the vendor since the sync
    before = vendor_requests(copied, hit.account_id)
    with qtbot.waitSignal(copied.window.lookup_area.hitOpened, timeout=5000) as opened:
        copied.window.lookup_panel.openRequested.emit(hit)
    fresh = opened.args[0]
    assert fresh.record.id == hit.record.id and fresh.record.fields["name"] == "Jane Fresh-Doe"
    assert vendor_requests(copied, hit.account_id) > before
    qtbot.waitUntil(lambda: not copied.window.lookup_panel.isVisible(), timeout=3000)


def test_the_card_shows_from_the_copies_while_a_live_account_is_still_searching(copied: CopiesHarness,
                                                                                qtbot: Any) -> None:
    from console.sandbox.faults import FaultConfig

    launch27 = copied.workspace.vendors["launch27"]
    launch27.faults.configure(FaultConfig(latency=2.0))  # holds the live account while the copies answer
    try:
        window = copied.window
        window.open_lookup()
        window.lookup_box.setText(JANE)
        window.lookup.run_now()
        cards = window.lookup_area.cards
        qtbot.waitUntil(lambda: any(JANE in c.emails for c in cards.cards), timeout=3000)
        model = window.lookup_panel.model
        assert model.searching and not cards.ready and cards.view.isVisible()
        live = next(o for o in model.outcomes if o.account_label == LIVE)
        assert model.state_text(live).endswith("searching live…")
    finally:
        launch27.faults.configure(FaultConfig())
    with qtbot.waitSignal(window.lookup_panel.lookupFinished, timeout=10000):
        pass
    qtbot.waitUntil(lambda: cards.ready, timeout=5000)
    jane = next(c for c in cards.cards if JANE in c.emails)
    assert any(h.account_label == LIVE for h in jane.hits)  # the live answer joined her card
