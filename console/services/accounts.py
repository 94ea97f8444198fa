"""Accounts: saved and demo accounts, their secrets, and one live client per account.

Non-secret account data goes to the accounts file; secrets go to the OS keychain, or, for the demo
workspace and for accounts whose owner chose "this run only" when no keychain was available, to
memory. A secret is never written anywhere else.

Reading a secret follows one rule (:meth:`AccountService.find_secret`), for the window and every
command alike: a ``VENDOR_CONSOLE_<FIELD>`` environment variable wins over memory and the keychain for
a saved account (so a saved account works without a keychain); the demo's secrets are its own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum

from console.core import log
from console.core.credentials import CredentialStore, MemoryStore, environment_secret
from console.core.errors import (
    AuthError,
    ConfigError,
    ConnectionFailed,
    ConsoleError,
    InsecureConnection,
    KeychainUnavailable,
    UserMessage,
)
from console.core.models import LoginField
from console.core.settings import AccountConfig, AccountsFile
from console.core.urls import base_url_problem
from console.http.requestlog import RequestLog
from console.http.types import HttpObserver, HttpSettings
from console.vendors import registry
from console.vendors.base import ClientContext, VendorClient, VendorSpec


class SecretMissing(ConsoleError):
    """An account has no secret to log in with (kept for one run only, or removed from the keychain)."""

    default_title = "Secret needed"


class SecretSource(Enum):
    """Where an account's secret login field comes from (:meth:`AccountService.find_secret`)."""

    ENVIRONMENT = "environment"
    MEMORY = "this run"  # the demo's, or kept for this run only
    KEYCHAIN = "keychain"
    MISSING = "missing"
    NO_KEYCHAIN = "keychain unavailable"


class Health(Enum):
    """What the accounts manager says about an account."""

    CONNECTED = "Connected"
    NOT_YET = "Not connected yet"
    NEEDS_LOGIN = "Needs login"
    NO_KEYCHAIN = "Keychain unavailable"
    ERROR = "Last request failed"


@dataclass(frozen=True, slots=True)
class AccountState:
    """An account's state as the session saw it.

    Attributes:
        health: The verdict.
        detail: One sentence for a person (what happened last, or what to do).
        unavailable: Notes on the optional calls this account's vendor turned out not to offer
            (``console.vendors.optional``).
    """

    health: Health
    detail: str
    unavailable: tuple[str, ...] = ()


class AccountService:
    """Knows every account and hands out one client per account.

    Args:
        accounts_file: Where saved accounts live.
        keychain: The OS keychain store.
        observer: Passed to every client (status bar).
        request_log: Shared masked request log.
        settings: Network settings for every client.
    """

    def __init__(
        self,
        *,
        accounts_file: AccountsFile,
        keychain: CredentialStore,
        observer: HttpObserver | None = None,
        request_log: RequestLog | None = None,
        settings: HttpSettings | None = None,
    ) -> None:
        self.file = accounts_file
        self.keychain = keychain
        self.memory = MemoryStore()
        self.observer = observer
        self.request_log = request_log if request_log is not None else RequestLog()
        self.settings = settings or HttpSettings()
        self._accounts: dict[str, AccountConfig] = {}
        self._clients: dict[str, VendorClient] = {}
        self._client_locks: dict[str, asyncio.Lock] = {}
        self._stale: set[str] = set()
        self._retiring: dict[VendorClient, asyncio.Future[None]] = {}  # replaced clients closing once idle
        self._closed = False

    # -- listing ----------------------------------------------------------------------------------

    def load(self) -> list[AccountConfig]:
        """Reads the saved accounts (replacing saved ones already known; demo accounts stay)."""
        saved = self.file.load()
        self._accounts = {a.id: a for a in self._accounts.values() if a.demo}
        for account in saved:
            if account.vendor not in registry.ids():
                log.config.warning("account %s has unknown vendor %s; ignored", account.label, account.vendor)
                continue
            self._accounts[account.id] = account
        return self.accounts()

    def accounts(self) -> list[AccountConfig]:
        """Every account: saved ones first (by label), then demo ones."""
        return sorted(self._accounts.values(), key=lambda a: (a.demo, a.label.lower()))

    def get(self, account_id: str) -> AccountConfig:
        """Returns an account by id.

        Raises:
            KeyError: No such account.
        """
        return self._accounts[account_id]

    def by_label(self, label: str) -> AccountConfig | None:
        """Returns the account with this label (case-insensitive), if any."""
        wanted = label.strip().lower()
        return next((a for a in self._accounts.values() if a.label.lower() == wanted), None)

    def spec(self, account_id: str) -> VendorSpec:
        """Returns the vendor of an account."""
        return registry.get(self.get(account_id).vendor)

    @property
    def has_real_accounts(self) -> bool:
        """Whether any saved (non-demo) account exists."""
        return any(not a.demo for a in self._accounts.values())

    # -- changes ----------------------------------------------------------------------------------

    async def add_demo(self, accounts: list[AccountConfig], secrets: Mapping[str, Mapping[str, str]]) -> None:
        """Adds the demo workspace's accounts (secrets kept in memory)."""
        for account in accounts:
            self._accounts[account.id] = account
            for name, value in secrets.get(account.id, {}).items():
                await self.memory.set(account.vendor, account.id, name, value)

    async def add(self, account: AccountConfig, secrets: Mapping[str, str], *, session_only: bool = False) -> None:
        """Saves a new account: secrets to the keychain (or memory), the rest to the accounts file.

        Args:
            account: The account (its ``session_only`` is set from the argument).
            secrets: Secret login fields.
            session_only: Keep the secrets in memory for this run only (no keychain).

        Raises:
            KeychainUnavailable: The keychain cannot be used (ask the user, then call again with
                ``session_only=True``).
            ConfigError: The accounts file could not be written (the secrets are removed again).
        """
        account.session_only = session_only
        store: CredentialStore = self.memory if session_only else self.keychain
        written: list[str] = []
        try:
            for name, value in secrets.items():
                await store.set(account.vendor, account.id, name, value)
                written.append(name)
        except KeychainUnavailable:
            for name in written:
                await store.delete(account.vendor, account.id, name)
            raise
        self._accounts[account.id] = account
        try:
            self.file.save(self.accounts())
        except ConfigError:
            del self._accounts[account.id]
            for name in written:
                await store.delete(account.vendor, account.id, name)
            raise
        log.config.info("account %s (%s) added%s", account.label, account.vendor,
                        ", secret kept for this run only" if session_only else "")

    async def set_secrets(self, account_id: str, secrets: Mapping[str, str], *, session_only: bool) -> None:
        """Stores new secrets for an existing account and drops its live client."""
        account = self.get(account_id)
        store: CredentialStore = self.memory if session_only or account.demo else self.keychain
        for name, value in secrets.items():
            await store.set(account.vendor, account.id, name, value)
        if not account.demo and account.session_only != session_only:
            account.session_only = session_only
            self.file.save(self.accounts())
        await self._drop_client(account_id)

    def update(self, account_id: str, *, label: str | None = None, base_url: str | None = None,
               read_only: bool | None = None, allow_insecure: bool | None = None,
               local_copy: bool | None = None) -> AccountConfig:
        """Renames an account, moves its base URL, switches its safe mode, insecure switch or local copy, and saves.

        A new base URL or insecure switch drops the live client (the next request connects anew).

        Raises:
            ConfigError: The accounts file could not be written.
        """
        account = self.get(account_id)
        if label is not None:
            account.label = label.strip() or account.label
        if base_url is not None and base_url != account.base_url:
            account.base_url = base_url
            self._stale.add(account_id)
        if read_only is not None:
            account.read_only = read_only
        if allow_insecure is not None and allow_insecure != account.allow_insecure:
            account.allow_insecure = allow_insecure
            self._stale.add(account_id)
        if local_copy is not None:
            account.local_copy = local_copy
        if not account.demo:
            self.file.save(self.accounts())
        return account

    async def state(self, account_id: str) -> AccountState:
        """The account's state: its secret (keychain, this run only) and its last exchange this session."""
        account = self.get(account_id)
        try:
            await self.secrets_of(account)
        except SecretMissing as exc:
            return AccountState(Health.NEEDS_LOGIN, exc.user_message.text + " " + exc.user_message.next_step)
        except KeychainUnavailable:
            return AccountState(Health.NO_KEYCHAIN, "The keychain cannot be read: enter the secret for this run "
                                                    "only, or start the keychain and reopen the console.")
        last = None
        for exchange in self.request_log:
            if exchange.account_id == account_id:
                last = exchange
        if last is None:
            note = " (secret kept for this run only)" if account.session_only else ""
            return AccountState(Health.NOT_YET, f"No request sent in this session yet{note}.")
        client = self._clients.get(account_id)
        unavailable = client.optional.notes() if client is not None else ()
        when = time.strftime("%H:%M:%S", time.localtime(last.started))
        what = f"{last.method} {last.path.split('?', 1)[0]}"
        error = client.http.last_error if client is not None else None
        if isinstance(error, AuthError):
            # Each vendor says "your credentials were refused" its own way (Launch27 2.0: HTTP 406): the
            # typed error of the last call decides, not a status code.
            um = error.user_message
            return AccountState(Health.NEEDS_LOGIN, f"{when}: {um.title}. {um.text} {um.next_step}".strip()
                                + await self._environment_note(account), unavailable)
        if last.status is None:
            return AccountState(Health.ERROR, f"{when}: {what} got no answer ({last.error or 'no connection'}).",
                                unavailable)
        if last.status >= 500:
            return AccountState(Health.ERROR, f"{when}: {what} failed with HTTP {last.status}.", unavailable)
        return AccountState(Health.CONNECTED, f"{when}: {what} answered HTTP {last.status}.", unavailable)

    async def check(self, account_id: str) -> str:
        """Logs in with the stored secret and asks for a little data; returns the vendor's one-line summary.

        Raises:
            ConsoleError: What went wrong (also kept in the request log, so :meth:`state` tells it).
        """
        client = await self.client(account_id)
        return await client.test_connection()

    async def remove(self, account_id: str) -> None:
        """Removes an account, its live client and its keychain entries.

        Raises:
            ConfigError: The accounts file could not be written.
        """
        account = self._accounts.pop(account_id)
        await self._drop_client(account_id)
        spec = registry.get(account.vendor)
        for field in spec.secret_fields:
            await self.memory.delete(account.vendor, account.id, field.name)
            if not account.demo:
                try:
                    await self.keychain.delete(account.vendor, account.id, field.name)
                except KeychainUnavailable:
                    if not account.session_only:
                        log.auth.warning("could not remove the keychain entry of %s", account.label)
        if not account.demo:
            self.file.save(self.accounts())

    # -- clients ----------------------------------------------------------------------------------

    async def find_secret(self, account: AccountConfig, field: LoginField) -> tuple[str | None, SecretSource]:
        """The one rule for reading a secret login field: the environment, then memory, then the keychain.

        A saved account's ``VENDOR_CONSOLE_<FIELD>`` variable (``field.env_var``) wins over what is stored,
        so such an account works without a keychain (and the keychain is not asked). The demo workspace's
        accounts use their own secrets only. An account whose secret was kept for one run only is never
        looked up in the keychain.

        Returns:
            The value (``None`` when there is none) and where it came from (``MISSING`` when none).

        Raises:
            KeychainUnavailable: The keychain had to be asked and cannot be read.
        """
        if not account.demo:
            value = environment_secret(field)
            if value is not None:
                return value, SecretSource.ENVIRONMENT
        value = await self.memory.get(account.vendor, account.id, field.name)
        if value is not None:
            return value, SecretSource.MEMORY
        if not account.demo and not account.session_only:
            value = await self.keychain.get(account.vendor, account.id, field.name)
            if value is not None:
                return value, SecretSource.KEYCHAIN
        return None, SecretSource.MISSING

    async def secret_sources(self, account: AccountConfig) -> dict[str, SecretSource]:
        """Where each secret login field of an account would come from now (``accounts list``)."""
        spec = registry.get(account.vendor)
        result: dict[str, SecretSource] = {}
        for field in spec.secrets_for(account.fields):
            try:
                result[field.name] = (await self.find_secret(account, field))[1]
            except KeychainUnavailable:
                result[field.name] = SecretSource.NO_KEYCHAIN
        return result

    async def _environment_note(self, account: AccountConfig) -> str:
        """A sentence naming the ``VENDOR_CONSOLE_<FIELD>`` variables the secrets came from, or "" when none did."""
        spec = registry.get(account.vendor)
        sources = await self.secret_sources(account)
        names = [f.env_var for f in spec.secrets_for(account.fields) if sources.get(f.name) is SecretSource.ENVIRONMENT]
        if not names:
            return ""
        return (f" (The secret comes from {', '.join(names)} in the environment, which wins over the keychain: "
                "change or unset it.)")

    async def secrets_of(self, account: AccountConfig) -> dict[str, str]:
        """Returns an account's secrets, each found by :meth:`find_secret`.

        Raises:
            SecretMissing: A secret is not stored (kept for one run only, or deleted) nor in the environment.
            KeychainUnavailable: The keychain cannot be read.
        """
        spec = registry.get(account.vendor)
        result: dict[str, str] = {}
        for field in spec.secrets_for(account.fields):
            value, _source = await self.find_secret(account, field)
            if value is None:
                why = ("it was kept for the last run only" if account.session_only
                       else "it is not in the keychain")
                also = "" if account.demo else f" (or set {field.env_var} in the environment)"
                raise SecretMissing(
                    f"{account.label}: no {field.label} ({why})",
                    user_message=UserMessage(
                        "Secret needed", f"The {field.label} of “{account.label}” is not stored: {why}.",
                        f"Enter it again to connect{also}.",
                    ),
                )
            result[field.name] = value
        return result

    def build_client(self, account: AccountConfig, secrets: Mapping[str, str]) -> VendorClient:
        """Builds a client for an account (not cached: for tests of connection and the CLI).

        Raises:
            InsecureConnection: Plain HTTP to another computer, and the account does not allow it.
        """
        problem = base_url_problem(account.base_url, allow_insecure=account.allow_insecure)
        if problem:
            raise InsecureConnection(
                f"{account.label}: base URL refused ({problem})",
                user_message=UserMessage(
                    "Address refused", f"The base URL of “{account.label}” cannot be used: {problem}",
                    "Change it in File > Accounts (Base URL…), or allow insecure connections for this "
                    "account there if the vendor's server has no HTTPS.",
                ),
            )
        spec = registry.get(account.vendor)
        context = ClientContext(
            account_id=account.id, base_url=account.base_url, fields=dict(account.fields), secrets=dict(secrets),
            options=dict(account.options), settings=self.settings, observer=self.observer,
            request_log=self.request_log,
        )
        return spec.make_client(context)

    @staticmethod
    async def warm_up() -> None:
        """Loads the HTTP stack in a worker thread, so the first request does not pay for it."""
        from console.http.client import warm_up

        await asyncio.to_thread(warm_up)

    async def client(self, account_id: str) -> VendorClient:
        """Returns the account's live client, building it on first use."""
        lock = self._client_locks.setdefault(account_id, asyncio.Lock())
        async with lock:
            if self._closed:
                raise ConnectionFailed("the console is closing", user_message=UserMessage(
                    "Closing", "Vendor Console is closing; the request was not sent."))
            client = self._clients.get(account_id)
            if client is not None and account_id in self._stale:  # its base URL changed
                self._stale.discard(account_id)
                self._clients.pop(account_id, None)
                self._retire_later(client)
                client = None
            if client is None:
                account = self.get(account_id)
                secrets = await self.secrets_of(account)
                if self._closed:  # closed while the keychain answered
                    raise ConnectionFailed("the console is closing")
                client = self.build_client(account, secrets)
                self._clients[account_id] = client
            return client

    async def test(self, account: AccountConfig, secrets: Mapping[str, str]) -> str:
        """Tries a login with unsaved details; returns the vendor's one-line summary."""
        client = self.build_client(account, secrets)
        try:
            return await client.test_connection()
        finally:
            await client.aclose()

    async def apply_settings(self, settings: HttpSettings) -> None:
        """New network settings (timeout, retries) for every account from now on.

        The clients are rebuilt on their next request (a vendor session is opened again then); a
        request already on its way ends with the settings it started with.
        """
        self.settings = settings
        for account_id in list(self._clients):
            await self._drop_client(account_id)

    async def apply_network(self, *, attempt_timeout: float, retries: int) -> None:
        """New timeout and retries for every account (the waits stay as they are); see :meth:`apply_settings`.

        Args:
            attempt_timeout: Seconds before an attempt counts as timed out.
            retries: Attempts of a safe request after the first.
        """
        await self.apply_settings(replace(self.settings, timeout=float(attempt_timeout), max_attempts=retries + 1))

    async def _drop_client(self, account_id: str) -> None:
        """Forgets an account's client: the next request builds a new one; this one closes when idle."""
        client = self._clients.pop(account_id, None)
        if client is not None:
            self._retire_later(client)

    def _retire_later(self, client: VendorClient) -> None:
        async def retire() -> None:
            try:
                await client.aclose_when_idle()
            except Exception:  # closing a pool must not disturb anything else
                log.services.exception("closing a replaced client failed")
            finally:
                self._retiring.pop(client, None)

        self._retiring[client] = asyncio.ensure_future(retire())

    async def aclose(self) -> None:
        """Closes every client; no new one is made afterwards."""
        self._closed = True
        for waiting in self._retiring.values():
            waiting.cancel()
        clients, self._clients = [*self._retiring, *self._clients.values()], {}
        self._retiring = {}
        for client in clients:
            try:
                await client.aclose()
            except Exception:  # closing must go on for the others
                log.services.exception("closing a client failed")
