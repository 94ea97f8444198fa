"""The mirror's key: made once, kept in the keychain beside the account's secrets; memory without one."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from console.core.credentials import KeyringStore, MemoryStore
from console.core.errors import KeychainUnavailable
from console.services.mirror.keys import KEY_FIELD, forget_key, mirror_key, open_mirror
from tests.conftest import until
from tests.keychains import Vault
from tests.unit.services.mirror.test_store import SPECS, contact, fill

needs_dbus = pytest.mark.skipif(
    not os.environ.get("DBUS_SESSION_BUS_ADDRESS"),
    reason="no D-Bus session: run under `make test` (dbus-run-session + unlocked gnome-keyring)",
)


class Locked(Vault):
    """A keychain that cannot be used."""

    async def get(self, vendor: str, account_id: str, name: str) -> str | None:
        raise KeychainUnavailable("locked")


async def test_the_key_is_made_once_and_kept_beside_the_secrets(console_home: Path) -> None:
    vault = Vault()
    key = await mirror_key(vault, "systeme", "acc1")
    assert key is not None
    assert len(key) == 32
    assert vault.data[("systeme", "acc1", KEY_FIELD)] == key.hex()
    assert await mirror_key(vault, "systeme", "acc1") == key
    assert await mirror_key(vault, "systeme", "acc2") != key
    await forget_key(vault, "systeme", "acc1")
    assert ("systeme", "acc1", KEY_FIELD) not in vault.data


async def test_a_mirror_opened_with_its_key_reopens_with_what_it_held(console_home: Path) -> None:
    vault = Vault()
    mirror = await open_mirror(vault, "systeme", "acc1", SPECS, label="Marketing")
    assert mirror.on_disk
    assert mirror.notice is None
    await asyncio.to_thread(fill, mirror, [contact(1), contact(2)])
    mirror.close()
    again = await open_mirror(vault, "systeme", "acc1", SPECS)
    assert again.count("contacts") == 2
    assert again.path is not None
    await asyncio.to_thread(again.drop)  # Forget local copy: the file and the key
    assert not again.path.exists()
    assert vault.data == {}


async def test_dropping_on_the_loop_thread_forgets_the_key_too(console_home: Path) -> None:
    vault = Vault()
    mirror = await open_mirror(vault, "systeme", "acc1", SPECS)
    mirror.drop()  # the key's removal is scheduled on this loop
    await until(lambda: vault.data == {}, what="the key forgotten")


@pytest.mark.parametrize("credentials", [Locked(), MemoryStore()], ids=["no keychain", "this run only"])
async def test_without_a_keychain_the_mirror_lives_in_memory(console_home: Path, credentials: Vault) -> None:
    mirror = await open_mirror(credentials, "systeme", "acc1", SPECS, label="Marketing")
    assert not mirror.on_disk
    assert mirror.notice == ("There is no usable keychain to keep the local copy's key, so the local copy of "
                             "Marketing is kept in memory for this session only and fetched again after a restart.")
    fill(mirror, [contact(1)])
    assert mirror.count("contacts") == 1
    assert not (console_home / "data").exists()


@pytest.fixture
def no_keychain() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.mark.usefixtures("no_keychain")
@pytest.mark.allow_warnings
async def test_the_real_store_without_a_backend_means_memory(console_home: Path) -> None:
    assert await mirror_key(KeyringStore(), "systeme", "acc1") is None


@pytest.mark.keyring
@needs_dbus
async def test_the_key_in_the_secret_service(console_home: Path) -> None:
    account = uuid.uuid4().hex[:8]
    store = KeyringStore()
    key = await mirror_key(store, "systeme", account)
    assert key is not None
    assert keyring.get_password("vendor-console/systeme", f"{account}/{KEY_FIELD}") == key.hex()
    await forget_key(store, "systeme", account)
    assert keyring.get_password("vendor-console/systeme", f"{account}/{KEY_FIELD}") is None
