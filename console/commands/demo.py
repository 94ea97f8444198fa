"""``--demo``: the demo workspace's accounts, found by label before any emulator starts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.cli import UsageError
from console.vendors import registry
from console.vendors.base import DemoAccount, VendorSpec

if TYPE_CHECKING:
    from console.sandbox.workspace import DemoWorkspace


@dataclass(frozen=True, slots=True)
class DemoChoice:
    """A demo account of a vendor.

    Attributes:
        spec: The vendor.
        account: The demo account (label, login fields, secrets).
    """

    spec: VendorSpec
    account: DemoAccount


def demo_accounts() -> list[DemoChoice]:
    """Every demo account of every vendor, in the registry's order."""
    return [DemoChoice(spec, demo) for spec in registry.VENDORS if spec.emulator is not None
            for demo in spec.emulator.demo_accounts]


def demo_labels() -> str:
    """The demo labels, quoted, for a message."""
    return ", ".join(f'"{c.account.label}"' for c in demo_accounts())


def find_demo(label: str) -> DemoChoice | None:
    """The demo account with this label (case-insensitive, as saved accounts are found)."""
    wanted = label.strip().casefold()
    return next((c for c in demo_accounts() if c.account.label.casefold() == wanted), None)


def choose_demo(label: str | None, vendor: str | None) -> DemoChoice:
    """The demo account ``export --demo`` uses: by ``--account`` label, else ``--vendor``'s first.

    Raises:
        UsageError: No such demo account, or neither was given.
    """
    if label:
        choice = find_demo(label)
        if choice is None:
            raise UsageError(f"no demo account is labelled {label!r} (demo accounts: {demo_labels()})")
        if vendor and vendor != choice.spec.id:
            raise UsageError(f"demo account {choice.account.label!r} is a {choice.spec.id} account, not {vendor}")
        return choice
    if vendor:
        choice = next((c for c in demo_accounts() if c.spec.id == vendor), None)
        if choice is None:
            raise UsageError(f"unknown vendor {vendor!r}; choose from {', '.join(registry.ids())}")
        return choice
    raise UsageError(f"with --demo, give --account with a demo account's label ({demo_labels()})")


async def start_demo(vendors: tuple[str, ...]) -> DemoWorkspace:
    """Seeds and serves the emulators of these vendors (in a worker thread; stop it with :func:`stop_demo`)."""
    from console.sandbox.workspace import DemoWorkspace

    return await asyncio.to_thread(DemoWorkspace.start, vendors=vendors)


async def stop_demo(workspace: DemoWorkspace) -> None:
    """Stops the emulators."""
    await asyncio.to_thread(workspace.stop)
