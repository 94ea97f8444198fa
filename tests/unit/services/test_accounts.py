"""Accounts: secrets go to the keychain or memory, never the file; removal takes the keychain entry too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.core.credentials import MemoryStore
from console.core.errors import KeychainUnavailable
from console.core.settings import AccountConfig, AccountsFile
from console.services.accounts import AccountService, SecretMissing
from console.services.datasets import changed_values
from console.vendors import registry


class NoKeychain(MemoryStore):
    async def set(self, vendor: str, account_id: str, name: str, value: str) -> None:
        raise KeychainUnavailable("no keychain here")

    async def get(self, vendor: str, account_id: str, name: str) -> str | None:
        raise KeychainUnavailable("no keychain here")


def account(label: str = "Marketing") -> AccountConfig:
    return AccountConfig(AccountConfig.new_id(), "systeme", label, "https://api.systeme.io/api")


async def test_add_and_remove(console_home: Path) -> None:
    keychain = MemoryStore()
    service = AccountService(accounts_file=AccountsFile(), keychain=keychain)
    acc = account()
    await service.add(acc, {"api_key": "svc-secret-1"})
    assert await keychain.get("systeme", acc.id, "api_key") == "svc-secret-1"
    text = (console_home / "accounts.json").read_text()
    assert "svc-secret-1" not in text and "Marketing" in text
    fresh = AccountService(accounts_file=AccountsFile(), keychain=keychain)
    assert [a.label for a in fresh.load()] == ["Marketing"]
    assert await fresh.secrets_of(fresh.get(acc.id)) == {"api_key": "svc-secret-1"}
    await fresh.remove(acc.id)
    assert await keychain.get("systeme", acc.id, "api_key") is None
    assert json.loads((console_home / "accounts.json").read_text())["accounts"] == []


async def test_no_keychain_then_this_run_only(console_home: Path) -> None:
    service = AccountService(accounts_file=AccountsFile(), keychain=NoKeychain())
    acc = account()
    with pytest.raises(KeychainUnavailable):
        await service.add(acc, {"api_key": "svc-secret-2"})
    assert service.accounts() == []
    await service.add(acc, {"api_key": "svc-secret-2"}, session_only=True)
    assert await service.secrets_of(acc) == {"api_key": "svc-secret-2"}
    assert "svc-secret-2" not in (console_home / "accounts.json").read_text()
    # Next run: the account is there, the secret is not.
    later = AccountService(accounts_file=AccountsFile(), keychain=NoKeychain())
    later.load()
    saved = later.get(acc.id)
    assert saved.session_only
    with pytest.raises(SecretMissing) as info:
        await later.secrets_of(saved)
    assert "this run only" in info.value.user_message.text or "last run only" in info.value.user_message.text
    await later.set_secrets(acc.id, {"api_key": "svc-secret-3"}, session_only=True)
    assert await later.secrets_of(saved) == {"api_key": "svc-secret-3"}


def test_changed_values_sends_only_changes() -> None:
    from console.core.models import Record

    spec = registry.get("systeme").dataset("contacts")
    record = Record("systeme", "contacts", "1", {
        "id": 1, "email": "a@example.com", "locale": "en",
        "fields": [{"slug": "first_name", "value": "Al"}], "tags": [{"id": 2, "name": "x"}]})
    values = spec.form_values(record)
    assert changed_values(spec, record, values) == {}
    values.update({"first_name": " Al ", "surname": "Bee", "tags": ["2"]})
    assert changed_values(spec, record, values) == {"surname": "Bee"}
    values["tags"] = ["2", "3"]
    assert changed_values(spec, record, values) == {"surname": "Bee", "tags": ["2", "3"]}
