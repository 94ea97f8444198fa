"""Where secrets live: the OS keychain through keyring, or memory for one run.

The keychain service name is ``vendor-console/<vendor>``; the user name is ``<account id>/<field>`` so
one account can hold several secrets (Launch27 2.0 has a password and an API key). keyring's calls
block (D-Bus round trips), so the async methods run them in a worker thread.

A secret in a ``VENDOR_CONSOLE_<FIELD>`` environment variable wins over the keychain for every saved
account (:func:`environment_secret`; the rule itself is ``AccountService.find_secret``), so a saved
account works on a computer without a keychain.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from console.core import log
from console.core.constants import KEYRING_SERVICE_PREFIX
from console.core.errors import KeychainUnavailable

if TYPE_CHECKING:
    from console.core.models import LoginField

NO_KEYCHAIN_TEXT = (
    "This computer has no usable keychain (no Secret Service on the session bus, or it is locked), "
    "so Vendor Console cannot store secrets safely."
)


def environment_secret(field: LoginField, environ: Mapping[str, str] | None = None) -> str | None:
    """A secret login field's value from its ``VENDOR_CONSOLE_<FIELD>`` variable, or ``None``.

    An empty variable counts as unset. A value found is masked in every log line from then on.

    Args:
        field: The login field (``field.env_var`` names the variable).
        environ: The environment (default ``os.environ``).
    """
    value = (os.environ if environ is None else environ).get(field.env_var)
    if not value:
        return None
    log.register_secret(value)
    return value


class CredentialStore(Protocol):
    """Stores secret login fields per account."""

    async def get(self, vendor: str, account_id: str, name: str) -> str | None:
        """Returns the secret, or ``None`` when none is stored."""
        ...

    async def set(self, vendor: str, account_id: str, name: str, value: str) -> None:
        """Stores the secret, replacing any earlier one."""
        ...

    async def delete(self, vendor: str, account_id: str, name: str) -> None:
        """Removes the secret; a missing one is not an error."""
        ...


def _service(vendor: str) -> str:
    return f"{KEYRING_SERVICE_PREFIX}{vendor}"


def _user(account_id: str, name: str) -> str:
    return f"{account_id}/{name}"


class MemoryStore:
    """Secrets in memory, gone at exit: tests, the demo workspace and "keep for this run only"."""

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], str] = {}

    async def get(self, vendor: str, account_id: str, name: str) -> str | None:
        """Returns the secret, or ``None``."""
        return self._data.get((_service(vendor), _user(account_id, name)))

    async def set(self, vendor: str, account_id: str, name: str, value: str) -> None:
        """Stores the secret."""
        log.register_secret(value)
        self._data[(_service(vendor), _user(account_id, name))] = value

    async def delete(self, vendor: str, account_id: str, name: str) -> None:
        """Removes the secret."""
        self._data.pop((_service(vendor), _user(account_id, name)), None)


class KeyringStore:
    """Secrets in the OS keychain through keyring.

    Every failure to reach the keychain (no backend, no D-Bus, locked collection) becomes
    :class:`KeychainUnavailable` with a plain message; the secret never goes anywhere else.
    """

    async def get(self, vendor: str, account_id: str, name: str) -> str | None:
        """Returns the secret, or ``None``.

        Raises:
            KeychainUnavailable: The keychain cannot be used.
        """
        value = await asyncio.to_thread(self._call, "get_password", _service(vendor), _user(account_id, name))
        if value:
            log.register_secret(value)
        return value

    async def set(self, vendor: str, account_id: str, name: str, value: str) -> None:
        """Stores the secret.

        Raises:
            KeychainUnavailable: The keychain cannot be used.
        """
        log.register_secret(value)
        await asyncio.to_thread(self._call, "set_password", _service(vendor), _user(account_id, name), value)

    async def delete(self, vendor: str, account_id: str, name: str) -> None:
        """Removes the secret; a missing one is not an error.

        Raises:
            KeychainUnavailable: The keychain cannot be used.
        """
        import keyring.errors

        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            await asyncio.to_thread(self._call, "delete_password", _service(vendor), _user(account_id, name))

    @staticmethod
    def available() -> str | None:
        """Returns ``None`` when a usable keychain is configured, else the reason why not."""
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            return NO_KEYCHAIN_TEXT
        return None

    @staticmethod
    def _call(method: str, *args: str) -> str | None:
        import keyring
        import keyring.errors

        try:
            result: str | None = getattr(keyring, method)(*args)
            return result
        except keyring.errors.PasswordDeleteError:
            raise
        except Exception as exc:  # keyring backends raise their own D-Bus and crypto errors too
            # Never put the arguments (which include the secret for set_password) in the message.
            log.auth.warning("keychain %s failed: %s", method, type(exc).__name__)
            raise KeychainUnavailable(f"{NO_KEYCHAIN_TEXT} ({type(exc).__name__}: {log.redact(str(exc))})") from None
