"""``lookup`` from the local copies: which accounts' mirrors can answer (complete, on disk).

An account answers from its mirror when its mirror file exists (``vendor-console sync`` made it), opens
with its key, and every mirrored dataset whose records say who they are about is complete. The search
itself is the service layer's (:class:`console.services.mirror.lookup.OpenedCopies`), the window's too.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.core.settings import AccountConfig
    from console.services.accounts import AccountService
    from console.services.mirror.store import MirrorStore


async def open_complete(account: AccountConfig, accounts: AccountService, region: str) -> MirrorStore | None:
    """The account's mirror when it can answer a lookup (complete, on disk); ``None``: search it live."""
    from console.services.mirror.keys import open_mirror
    from console.services.mirror.lookup import people_datasets
    from console.services.mirror.store import mirror_path
    from console.services.mirror.sync import mirrored

    if account.session_only or not mirror_path(account.id).exists():
        return None  # never synced: opening would make an empty copy (and a key) for nothing
    spec = accounts.spec(account.id)
    specs = {s.name: s for s in mirrored(spec.datasets)}
    mirror = await open_mirror(accounts.keychain, account.vendor, account.id, specs, label=account.label,
                               region=region)
    people = people_datasets(spec)
    complete = mirror.on_disk and bool(people) and all(
        [(await asyncio.to_thread(mirror.state, name)).complete for name in people])
    if not complete:
        await asyncio.to_thread(mirror.close)
        return None
    return mirror
