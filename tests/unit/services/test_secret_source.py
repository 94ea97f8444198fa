"""The one rule for reading a secret: the environment's variable wins over memory and the keychain."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.core import log
from console.core.credentials import MemoryStore, environment_secret
from console.core.errors import AuthError, KeychainUnavailable
from console.core.models import LoginField
from console.core.settings import AccountConfig, AccountsFile
from console.services.accounts import AccountService, Health, SecretMissing, SecretSource

ENV_KEY = "env-secret-7c1d9e2f"
STORED_KEY = "stored-secret-4b8a"


class NoKeychain(MemoryStore):
    """A computer without a keychain: every call fails, and every call is counted."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    async def get(self, vendor: str, account_id: str, name: str) -> str | None:
        self.calls += 1
        raise KeychainUnavailable("no keychain here")

    async def set(self, vendor: str, account_id: str, name: str, value: str) -> None:
        self.calls += 1
        raise KeychainUnavailable("no keychain here")


@pytest.fixture(autouse=True)
def _no_secret_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VENDOR_CONSOLE_API_KEY", "VENDOR_CONSOLE_PASSWORD", "VENDOR_CONSOLE_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def saved(label: str = "Marketing", vendor: str = "systeme", **fields: str) -> AccountConfig:
    return AccountConfig(AccountConfig.new_id(), vendor, label, "https://api.systeme.io/api", fields=dict(fields))


def test_the_variable_is_named_after_the_field_and_empty_counts_as_unset() -> None:
    field = LoginField("api_key", "API key", secret=True)
    assert field.env_var == "VENDOR_CONSOLE_API_KEY"
    assert environment_secret(field, {}) is None
    assert environment_secret(field, {"VENDOR_CONSOLE_API_KEY": ""}) is None
    assert environment_secret(field, {"VENDOR_CONSOLE_API_KEY": ENV_KEY}) == ENV_KEY
    assert ENV_KEY not in log.redact(f"key={ENV_KEY}")  # masked in logs once read


async def test_the_environment_wins_over_the_keychain(console_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keychain = MemoryStore()
    service = AccountService(accounts_file=AccountsFile(), keychain=keychain)
    account = saved()
    await service.add(account, {"api_key": STORED_KEY})
    assert await service.secrets_of(account) == {"api_key": STORED_KEY}
    assert await service.secret_sources(account) == {"api_key": SecretSource.KEYCHAIN}
    monkeypatch.setenv("VENDOR_CONSOLE_API_KEY", ENV_KEY)
    assert await service.secrets_of(account) == {"api_key": ENV_KEY}
    assert await service.secret_sources(account) == {"api_key": SecretSource.ENVIRONMENT}
    monkeypatch.setenv("VENDOR_CONSOLE_API_KEY", "")
    assert await service.secrets_of(account) == {"api_key": STORED_KEY}


async def test_the_environment_also_wins_over_a_secret_kept_for_this_run(
        console_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = AccountService(accounts_file=AccountsFile(), keychain=MemoryStore())
    account = saved()
    await service.add(account, {"api_key": STORED_KEY}, session_only=True)
    assert await service.secret_sources(account) == {"api_key": SecretSource.MEMORY}
    monkeypatch.setenv("VENDOR_CONSOLE_API_KEY", ENV_KEY)
    assert await service.secrets_of(account) == {"api_key": ENV_KEY}


async def test_a_saved_account_works_without_a_keychain(console_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keychain = NoKeychain()
    service = AccountService(accounts_file=AccountsFile(), keychain=keychain)
    account = saved()
    await service.add(account, {"api_key": STORED_KEY}, session_only=True)
    later = AccountService(accounts_file=AccountsFile(), keychain=keychain)
    later.load()
    again = later.get(account.id)
    with pytest.raises(SecretMissing) as info:
        await later.secrets_of(again)
    assert "VENDOR_CONSOLE_API_KEY" in info.value.user_message.next_step
    assert await later.secret_sources(again) == {"api_key": SecretSource.MISSING}
    monkeypatch.setenv("VENDOR_CONSOLE_API_KEY", ENV_KEY)
    calls = keychain.calls
    assert await later.secrets_of(again) == {"api_key": ENV_KEY}
    assert (await later.state(account.id)).health is Health.NOT_YET
    assert keychain.calls == calls  # the keychain was not even asked


async def test_a_keychain_that_cannot_be_read_is_said_unless_the_environment_has_the_secret(
        console_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = AccountService(accounts_file=AccountsFile(), keychain=MemoryStore())
    account = saved()
    await service.add(account, {"api_key": STORED_KEY})
    broken = AccountService(accounts_file=AccountsFile(), keychain=NoKeychain())
    broken.load()
    with pytest.raises(KeychainUnavailable):
        await broken.secrets_of(broken.get(account.id))
    assert await broken.secret_sources(broken.get(account.id)) == {"api_key": SecretSource.NO_KEYCHAIN}
    monkeypatch.setenv("VENDOR_CONSOLE_API_KEY", ENV_KEY)
    assert await broken.secrets_of(broken.get(account.id)) == {"api_key": ENV_KEY}


async def test_only_the_fields_that_apply_and_each_from_its_own_place(
        console_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keychain = MemoryStore()
    service = AccountService(accounts_file=AccountsFile(), keychain=keychain)
    v1 = saved("Old API", "launch27", email="owner@example.com", api="v1")
    v2 = saved("New API", "launch27", email="owner@example.com", api="2.0")
    await service.add(v1, {"password": STORED_KEY})
    await service.add(v2, {"password": STORED_KEY, "api_key": STORED_KEY})
    monkeypatch.setenv("VENDOR_CONSOLE_API_KEY", ENV_KEY)
    assert await service.secret_sources(v1) == {"password": SecretSource.KEYCHAIN}
    assert await service.secret_sources(v2) == {"password": SecretSource.KEYCHAIN, "api_key": SecretSource.ENVIRONMENT}
    assert await service.secrets_of(v2) == {"password": STORED_KEY, "api_key": ENV_KEY}


async def test_the_demo_keeps_its_own_secrets(console_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = AccountService(accounts_file=AccountsFile(), keychain=NoKeychain())
    demo = AccountConfig("demo-systeme", "systeme", "Marketing (demo)", "http://127.0.0.1:1", demo=True)
    await service.add_demo([demo], {demo.id: {"api_key": STORED_KEY}})
    monkeypatch.setenv("VENDOR_CONSOLE_API_KEY", ENV_KEY)
    assert await service.secrets_of(demo) == {"api_key": STORED_KEY}
    assert await service.secret_sources(demo) == {"api_key": SecretSource.MEMORY}


async def test_a_refused_secret_from_the_environment_says_where_it_came_from(
        console_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from console.http.requestlog import Exchange

    service = AccountService(accounts_file=AccountsFile(), keychain=MemoryStore())
    account = saved()
    await service.add(account, {"api_key": STORED_KEY})
    monkeypatch.setenv("VENDOR_CONSOLE_API_KEY", ENV_KEY)
    client = await service.client(account.id)
    client.http.last_error = AuthError("systeme", "refused", status=401)
    service.request_log.add(Exchange(seq=service.request_log.next_seq(), started=1_700_000_000.0,
                                     account_id=account.id, vendor="systeme", method="GET",
                                     url="https://api.systeme.io/api/contacts", status=401, duration=0.1, size=10,
                                     attempt=1))
    try:
        state = await service.state(account.id)
    finally:
        await service.aclose()
    assert state.health is Health.NEEDS_LOGIN
    assert "VENDOR_CONSOLE_API_KEY in the environment, which wins over the keychain" in state.detail
