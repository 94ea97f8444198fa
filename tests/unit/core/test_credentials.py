"""Secrets in the real OS keychain (SecretService over D-Bus) and the plain 'no keychain' message."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail

from console.core.credentials import KeyringStore, MemoryStore
from console.core.errors import KeychainUnavailable

needs_dbus = pytest.mark.skipif(
    not os.environ.get("DBUS_SESSION_BUS_ADDRESS"),
    reason="no D-Bus session: run under `make test` (dbus-run-session + unlocked gnome-keyring)",
)


@pytest.fixture
def no_keychain() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.mark.keyring
@needs_dbus
async def test_store_read_delete_through_secret_service() -> None:
    backend = keyring.get_keyring()
    assert "SecretService" in type(backend).__module__ + type(backend).__name__, backend
    store = KeyringStore()
    assert KeyringStore.available() is None
    account = uuid.uuid4().hex[:8]
    secret = f"kr-{uuid.uuid4().hex}"
    await store.set("systeme", account, "api_key", secret)
    assert await store.get("systeme", account, "api_key") == secret
    assert keyring.get_password("vendor-console/systeme", f"{account}/api_key") == secret
    await store.delete("systeme", account, "api_key")
    assert await store.get("systeme", account, "api_key") is None
    await store.delete("systeme", account, "api_key")  # deleting twice is fine


@pytest.mark.usefixtures("no_keychain")
@pytest.mark.allow_warnings
async def test_no_keychain_is_said_plainly() -> None:
    assert KeyringStore.available() is not None
    with pytest.raises(KeychainUnavailable) as info:
        await KeyringStore().set("systeme", "acc", "api_key", "kr-never-stored-123")
    assert "no usable keychain" in str(info.value)
    assert "kr-never-stored-123" not in str(info.value)


async def test_memory_store() -> None:
    store = MemoryStore()
    await store.set("systeme", "a", "api_key", "mem-secret-1")
    assert await store.get("systeme", "a", "api_key") == "mem-secret-1"
    assert await store.get("systeme", "b", "api_key") is None
    await store.delete("systeme", "a", "api_key")
    assert await store.get("systeme", "a", "api_key") is None
