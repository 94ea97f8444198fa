"""``lookup`` from the local copies: accounts whose mirror is complete answer from it, at once and completely.

An account answers from its mirror when its mirror file exists (``vendor-console sync`` made it), opens
with its key, and every mirrored dataset the vendor's identity reads (the people in it) is complete.
Its hits are the records :meth:`~console.services.mirror.contract.Mirror.find` gives for the query's
email, phone or name (and the record of that id), shown as the live lookup shows them (the same
``matched`` and ``summary``). The other accounts are searched live.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from console.core.lookup import LookupKind, LookupQuery, match
from console.core.models import Record

if TYPE_CHECKING:
    from console.core.settings import AccountConfig
    from console.services.accounts import AccountService
    from console.services.lookup import Hit
    from console.services.mirror.store import MirrorStore


async def open_complete(account: AccountConfig, accounts: AccountService, region: str) -> MirrorStore | None:
    """The account's mirror when it can answer a lookup (complete, on disk); ``None``: search it live."""
    from console.services.mirror.keys import open_mirror
    from console.services.mirror.store import mirror_path
    from console.services.mirror.sync import mirrored

    if account.session_only or not mirror_path(account.id).exists():
        return None  # never synced: opening would make an empty copy (and a key) for nothing
    specs = {s.name: s for s in mirrored(accounts.spec(account.id).datasets)}
    mirror = await open_mirror(accounts.keychain, account.vendor, account.id, specs, label=account.label,
                               region=region)
    people = [s.name for s in specs.values() if s.identity is not None]
    complete = mirror.on_disk and bool(people) and all(
        [(await asyncio.to_thread(mirror.state, name)).complete for name in people])
    if not complete:
        await asyncio.to_thread(mirror.close)
        return None
    return mirror


def find_hits(mirror: MirrorStore, account: AccountConfig, accounts: AccountService, query: LookupQuery) -> list[Hit]:
    """The query's hits in a complete mirror (blocking: run it in a worker thread)."""
    from console.services.lookup import Hit

    spec = accounts.spec(account.id)
    kinds = query.kinds
    records: list[Record] = []
    if kinds & {LookupKind.EMAIL, LookupKind.PHONE, LookupKind.NAME}:
        records = mirror.find(
            emails=[query.email] if LookupKind.EMAIL in kinds and query.email_complete else [],
            phones=sorted(query.phone_keys) if LookupKind.PHONE in kinds else [],
            names=[" ".join(query.name_tokens)] if LookupKind.NAME in kinds and query.name_tokens else [])
    if LookupKind.ID in kinds:
        for dataset in spec.datasets:
            if dataset.identity is not None:
                record = mirror.get(dataset.name, query.text)
                if record is not None:
                    records.append(record)
    hits: dict[tuple[str, str], Hit] = {}
    for record in records:
        dataset = spec.dataset(record.dataset)
        if dataset.identity is None or (record.dataset, record.id) in hits:
            continue
        identity = dataset.identity(record)
        matched: dict[str, str] = {}
        for kind in sorted(kinds):
            matched.update(match(query, kind, identity, record.id))
        if not matched and LookupKind.NAME in kinds:  # the mirror matches names by substring too
            matched = {"name": next((n for n in identity.names if n and n.strip()), "")}
        if not matched:
            continue
        name = next((n.strip() for n in identity.names if n and n.strip()), "")
        hits[(record.dataset, record.id)] = Hit(account.id, account.label, spec.display_name, record.dataset,
                                                dataset.noun, record, matched, identity.summary, name, query.region)
    return list(hits.values())
