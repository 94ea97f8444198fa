"""The mirror's key: 32 random bytes per account, kept in the OS keychain beside the account's secrets.

The key is stored through the :class:`~console.core.credentials.CredentialStore` the account's
secrets use, under the field name :data:`KEY_FIELD` (keychain service ``vendor-console/<vendor>``,
user ``<account id>/mirror-key``), as 64 hex digits. The database file never holds it. Without a
usable keychain (or with secrets kept in memory for this run only, where a key would be lost at exit
and the file with it) the mirror lives in memory for the session and its :attr:`MirrorStore.notice`
says so.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Mapping

from console.core import log
from console.core.credentials import CredentialStore, MemoryStore
from console.core.errors import KeychainUnavailable
from console.core.lookup import DEFAULT_REGION
from console.core.models import DatasetSpec
from console.services.mirror.store import MirrorStore

#: The keychain field of an account's mirror key (beside its login secrets).
KEY_FIELD = "mirror-key"
KEY_BYTES = 32
_HEX = re.compile(r"^[0-9a-f]{64}$")
_pending: set[asyncio.Task[None]] = set()


async def mirror_key(credentials: CredentialStore, vendor: str, account_id: str) -> bytes | None:
    """The account's mirror key, made and stored on first use; ``None`` when it cannot be kept.

    Args:
        credentials: Where the account's secrets live.
        vendor: The account's vendor id.
        account_id: The account's id.

    Returns:
        The key, or ``None`` when the keychain cannot be used or keeps secrets for this run only.
    """
    if isinstance(credentials, MemoryStore):
        return None
    try:
        stored = await credentials.get(vendor, account_id, KEY_FIELD)
        if stored and _HEX.match(stored):
            return bytes.fromhex(stored)
        key = secrets.token_bytes(KEY_BYTES)
        await credentials.set(vendor, account_id, KEY_FIELD, key.hex())
        return key
    except KeychainUnavailable as exc:
        log.services.info("mirror of %s kept in memory: %s", account_id, exc.user_message.text)
        return None


async def forget_key(credentials: CredentialStore, vendor: str, account_id: str) -> None:
    """Removes the account's mirror key (a keychain that cannot be reached is left as it is)."""
    try:
        await credentials.delete(vendor, account_id, KEY_FIELD)
    except KeychainUnavailable as exc:
        log.services.info("mirror key of %s not removed: %s", account_id, exc.user_message.text)


def _forget_later(credentials: CredentialStore, vendor: str, account_id: str) -> None:
    """Forgets the key from :meth:`MirrorStore.drop`, which runs in a worker thread or on the loop."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(forget_key(credentials, vendor, account_id))
        return
    task = loop.create_task(forget_key(credentials, vendor, account_id))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


async def open_mirror(credentials: CredentialStore, vendor: str, account_id: str,
                      specs: Mapping[str, DatasetSpec], *, label: str = "",
                      region: str = DEFAULT_REGION) -> MirrorStore:
    """Opens (or creates) an account's mirror: on disk with its key, else in memory for the session.

    Args:
        credentials: Where the account's secrets live (the key goes beside them).
        vendor: The account's vendor id.
        account_id: The account's id.
        specs: The mirrored datasets' descriptors, by name.
        label: How the account is called in notices.
        region: Default region for phone numbers written without a country code.

    Returns:
        The mirror; its ``notice`` is a sentence to show when it is in memory or was rebuilt.
    """
    key = await mirror_key(credentials, vendor, account_id)
    return await asyncio.to_thread(MirrorStore, account_id, specs, key=key, label=label, region=region,
                                   on_drop=lambda: _forget_later(credentials, vendor, account_id))
