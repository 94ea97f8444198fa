"""The demo workspace: every registered vendor's emulator on loopback, with demo accounts."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field

from console.core import log
from console.core.settings import AccountConfig
from console.sandbox.faults import FaultConfig, FaultMiddleware
from console.sandbox.server import EmulatorHost
from console.vendors import registry
from console.vendors.base import EmulatorApp, VendorSpec

DEMO_SEED = 7

#: The "unreliable network" toggle of the demo: a realistic mix of slow and failing answers.
UNRELIABLE = FaultConfig(
    latency=0.05, latency_jitter=0.25, rates={500: 0.03, 502: 0.03, 503: 0.02, 429: 0.04},
    retry_after=1.0, drop_rate=0.02, malformed_rate=0.02,
)


@dataclass(slots=True)
class HostedVendor:
    """One vendor's emulator as served.

    Attributes:
        spec: The vendor.
        emulator: The emulator (its knobs).
        faults: The fault layer in front of it.
        port: Loopback port.
    """

    spec: VendorSpec
    emulator: EmulatorApp
    faults: FaultMiddleware
    port: int

    @property
    def base_url(self) -> str:
        """Base URL an account uses to reach this emulator."""
        return f"http://127.0.0.1:{self.port}{self.emulator.base_path}"


@dataclass(slots=True)
class DemoWorkspace:
    """Running emulators plus the accounts that point at them.

    Attributes:
        vendors: Hosted emulators by vendor id.
        accounts: Demo accounts (``demo=True``; never saved).
        secrets: Secrets of the demo accounts by account id.
        startup_seconds: How long seeding and starting took.
    """

    vendors: dict[str, HostedVendor] = field(default_factory=dict)
    accounts: list[AccountConfig] = field(default_factory=list)
    secrets: dict[str, dict[str, str]] = field(default_factory=dict)
    startup_seconds: float = 0.0
    _host: EmulatorHost | None = None

    @classmethod
    def start(
        cls,
        *,
        seed: int = DEMO_SEED,
        sizes: dict[str, int] | None = None,
        vendors: tuple[str, ...] | None = None,
        faults: FaultConfig | None = None,
    ) -> DemoWorkspace:
        """Seeds and serves the emulators (blocking: call it in a worker thread from the UI).

        Args:
            seed: Data seed (the same seed gives the same data).
            sizes: Records of the main dataset per vendor id (default: each vendor's demo size).
            vendors: Which vendors (default: every vendor with an emulator).
            faults: Faults to inject from the start.
        """
        t0 = time.perf_counter()
        workspace = cls()
        specs = [registry.get(v) for v in vendors] if vendors else list(registry.VENDORS)
        specs = [s for s in specs if s.emulator is not None]
        emulators: list[tuple[VendorSpec, EmulatorApp, FaultMiddleware]] = []
        for spec in specs:
            assert spec.emulator is not None
            size = (sizes or {}).get(spec.id, spec.emulator.demo_size)
            emulator = spec.emulator.factory(seed=seed, size=size)
            emulators.append((spec, emulator, FaultMiddleware(emulator, faults)))
        host = EmulatorHost()
        ports = host.start([mw for _s, _e, mw in emulators])
        workspace._host = host
        for (spec, emulator, mw), port in zip(emulators, ports, strict=True):
            hosted = HostedVendor(spec, emulator, mw, port)
            workspace.vendors[spec.id] = hosted
            assert spec.emulator is not None
            for n, demo in enumerate(spec.emulator.demo_accounts):
                base_url = hosted.base_url if demo.base_path is None else f"http://127.0.0.1:{port}{demo.base_path}"
                account = AccountConfig(
                    id=f"demo-{spec.id}-{n}", vendor=spec.id, label=demo.label, base_url=base_url,
                    fields=dict(demo.fields), options=dict(demo.options), demo=True,
                )
                workspace.accounts.append(account)
                workspace.secrets[account.id] = dict(demo.secrets)
        # The seeded data lives as long as the process and is never garbage: keeping it out of the
        # cyclic collector's full passes saves ~100 ms pauses of the UI loop (the emulators share the
        # app's process in the demo).
        gc.collect()
        gc.freeze()
        workspace.startup_seconds = time.perf_counter() - t0
        log.sandbox.info("demo workspace ready in %.2f s: %s", workspace.startup_seconds,
                         ", ".join(f"{v}={h.base_url}" for v, h in workspace.vendors.items()))
        return workspace

    def set_faults(self, config: FaultConfig | None) -> None:
        """Turns fault injection on (a config) or off (``None``) for every emulator."""
        for hosted in self.vendors.values():
            hosted.faults.configure(config or FaultConfig())

    def set_optional_endpoints(self, available: bool) -> None:
        """Serves (``True``) or removes (``False``: 404) every emulator's optional endpoints."""
        for hosted in self.vendors.values():
            hosted.emulator.optional_endpoints = available

    def expire_sessions(self) -> list[str]:
        """Ends the login sessions of every emulator that has them; returns those vendors' ids."""
        expired = []
        for vendor_id, hosted in self.vendors.items():
            expire = getattr(hosted.emulator, "expire_sessions", None)
            if callable(expire):
                expire()
                expired.append(vendor_id)
        return expired

    def stop(self) -> None:
        """Stops the servers."""
        if self._host is not None:
            self._host.stop()
            self._host = None
