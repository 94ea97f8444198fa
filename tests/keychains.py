"""Keychains for tests: one that keeps what it is given, like the OS one without D-Bus.

(:class:`console.core.credentials.MemoryStore` stands for "secrets for this run only": a mirror
kept with it would lose its key at exit, so the mirror treats it as no keychain.)
"""

from __future__ import annotations


class Vault:
    """A keychain that keeps what it is given (like the OS one, minus D-Bus)."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str, str], str] = {}

    async def get(self, vendor: str, account_id: str, name: str) -> str | None:
        return self.data.get((vendor, account_id, name))

    async def set(self, vendor: str, account_id: str, name: str, value: str) -> None:
        self.data[(vendor, account_id, name)] = value

    async def delete(self, vendor: str, account_id: str, name: str) -> None:
        self.data.pop((vendor, account_id, name), None)
