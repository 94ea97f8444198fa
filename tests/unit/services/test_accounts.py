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


def exchange(service: AccountService, account_id: str, status: int | None, error: str = "") -> None:
    from console.http.requestlog import Exchange

    log = service.request_log
    log.add(Exchange(seq=log.next_seq(), started=1_700_000_000.0, account_id=account_id, vendor="systeme",
                     method="GET", url="https://api.systeme.io/api/contacts?limit=10", status=status,
                     duration=0.1, size=10, attempt=1, error=error))


async def test_state_follows_secret_and_last_exchange(console_home: Path) -> None:
    from console.services.accounts import Health

    keychain = MemoryStore()
    service = AccountService(accounts_file=AccountsFile(), keychain=keychain)
    acc, other = account(), account("Other")
    await service.add(acc, {"api_key": "svc-secret-3"})
    await service.add(other, {"api_key": "svc-secret-4"})
    assert (await service.state(acc.id)).health is Health.NOT_YET
    exchange(service, acc.id, 200)
    exchange(service, other.id, 503)  # another account's failure says nothing about this one
    state = await service.state(acc.id)
    assert state.health is Health.CONNECTED and "GET /api/contacts answered HTTP 200" in state.detail
    assert (await service.state(other.id)).health is Health.ERROR
    exchange(service, acc.id, None, "the connection was refused")
    state = await service.state(acc.id)
    assert state.health is Health.ERROR and "connection was refused" in state.detail
    exchange(service, acc.id, 422)  # the vendor answered: a refused input is not a broken account
    assert (await service.state(acc.id)).health is Health.CONNECTED
    await keychain.delete("systeme", acc.id, "api_key")
    state = await service.state(acc.id)
    assert state.health is Health.NEEDS_LOGIN and "not in the keychain" in state.detail
    broken = AccountService(accounts_file=AccountsFile(), keychain=NoKeychain())
    broken.load()
    assert (await broken.state(acc.id)).health is Health.NO_KEYCHAIN


async def test_update_renames_moves_and_switches_safe_mode(console_home: Path) -> None:
    service = AccountService(accounts_file=AccountsFile(), keychain=MemoryStore())
    acc = account()
    await service.add(acc, {"api_key": "svc-secret-5"})
    first = await service.client(acc.id)
    service.update(acc.id, label="  Shop  ", read_only=True)
    assert await service.client(acc.id) is first  # same address: the session stays
    service.update(acc.id, base_url="https://eu.systeme.io/api")
    moved = await service.client(acc.id)
    assert moved is not first and moved.http.base_url == "https://eu.systeme.io/api"
    saved = AccountService(accounts_file=AccountsFile(), keychain=MemoryStore()).load()[0]
    assert (saved.label, saved.base_url, saved.read_only) == ("Shop", "https://eu.systeme.io/api", True)
    await service.aclose()


async def test_plain_http_to_another_computer_is_refused_unless_allowed(console_home: Path) -> None:
    from console.core.errors import InsecureConnection

    service = AccountService(accounts_file=AccountsFile(), keychain=MemoryStore())
    acc = AccountConfig(AccountConfig.new_id(), "systeme", "Intranet", "http://crm.example.internal/api")
    await service.add(acc, {"api_key": "svc-secret-6"})
    with pytest.raises(InsecureConnection) as info:
        await service.client(acc.id)
    message = info.value.user_message
    assert "Use https://" in message.text and "allow insecure" in message.next_step
    assert "svc-secret-6" not in str(info.value)
    service.update(acc.id, allow_insecure=True)
    client = await service.client(acc.id)
    assert client.http.base_url == "http://crm.example.internal/api"
    saved = AccountService(accounts_file=AccountsFile(), keychain=MemoryStore()).load()[0]
    assert saved.allow_insecure
    service.update(acc.id, allow_insecure=False)
    with pytest.raises(InsecureConnection):
        await service.client(acc.id)
    await service.aclose()
