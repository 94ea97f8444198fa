"""The spec builder: a vendor package's ``__init__`` says what the vendor is, the kit derives the rest.

A vendor package holds ``errors.py`` (``VENDOR``, ``NAME``, ``MESSAGES``, ``to_error``), ``datasets.py``
(``DATASETS``), ``client.py`` and ``emulator.py``. :func:`vendor_spec` reads the id, name, error function
and error table from the errors module and the datasets from ``datasets.py``, and makes the factories
that import the client and the emulator only when the first account or the demo needs them (the window
is painted before httpx and the emulators are imported). Modules are named relative to the package:
``"client:SetsterClient"`` is ``<package>.client.SetsterClient``.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from console.core.errors import ConsoleError, UserMessage
from console.core.lookup import LookupRoute
from console.core.models import AccountOption, DatasetSpec, LoginField
from console.vendors.base import ClientContext, DemoAccount, EmulatorApp, EmulatorSpec, VendorClient, VendorSpec

if TYPE_CHECKING:
    import httpx


class ErrorModule(Protocol):
    """What the kit reads from a vendor's ``errors.py`` (a module satisfies it)."""

    # Read-only members, so a module's plain constants (a ``dict`` for MESSAGES) satisfy them.
    @property
    def VENDOR(self) -> str:
        """Vendor id."""
        ...

    @property
    def NAME(self) -> str:
        """Display name."""
        ...

    @property
    def MESSAGES(self) -> Mapping[str, UserMessage]:
        """Every code's user message (``errorkit.error_tables``)."""
        ...

    def to_error(self, response: httpx.Response, /) -> ConsoleError:
        """The vendor's one error function."""
        ...


@dataclass(frozen=True, slots=True)
class Emulated:
    """A vendor's emulator as its package declares it (:func:`vendor_spec` makes the :class:`EmulatorSpec`).

    Attributes:
        factory: The emulator class, ``"module:Class"`` relative to the package; called with
            ``seed=..., size=...`` and the options the sandbox or a test gives.
        demo_accounts: Accounts the demo workspace configures against it.
        demo_size: Records of the main dataset in the demo.
        main_dataset: The dataset ``size`` counts (one of the vendor's datasets).
        defaults: Options given unless the caller gives them (the demo's keys); each emulator gets
            its own copy.
    """

    factory: str
    demo_accounts: tuple[DemoAccount, ...]
    demo_size: int
    main_dataset: str
    defaults: Mapping[str, Any] = field(default_factory=dict)


def load(package: str, ref: str) -> Any:
    """Imports ``"module:attribute"`` relative to ``package`` and returns the attribute."""
    module, _, attribute = ref.partition(":")
    if not module or not attribute:
        raise ValueError(f"{ref!r} is not 'module:attribute'")
    return getattr(importlib.import_module(f"{package}.{module}"), attribute)


def client_factory(package: str, ref: str) -> Callable[[VendorSpec, ClientContext], VendorClient]:
    """A client factory that imports the client class on first use."""

    def make(spec: VendorSpec, context: ClientContext) -> VendorClient:
        client: VendorClient = load(package, ref)(spec, context)
        return client

    return make


def emulator_factory(package: str, ref: str, defaults: Mapping[str, Any]) -> Callable[..., EmulatorApp]:
    """An emulator factory that imports the emulator class on first use and fills in ``defaults``."""

    def make(**options: Any) -> EmulatorApp:
        for name, value in defaults.items():
            options.setdefault(name, copy.deepcopy(value))
        emulator: EmulatorApp = load(package, ref)(**options)
        return emulator

    return make


def vendor_spec(
    package: str,
    errors: ErrorModule,
    *,
    client: str,
    default_base_url: str,
    base_url_help: str,
    login_fields: tuple[LoginField, ...],
    datasets: str | tuple[DatasetSpec, ...] = "datasets:DATASETS",
    emulator: Emulated | None = None,
    options: tuple[AccountOption, ...] = (),
    base_url_variants: tuple[tuple[tuple[str, str], str], ...] = (),
    lookups: tuple[LookupRoute, ...] = (),
) -> VendorSpec:
    """Builds a vendor's :class:`VendorSpec` from its package.

    Args:
        package: The vendor package's ``__name__``.
        errors: Its errors module: id, display name, error function and error table.
        client: The client class, ``"module:Class"`` (imported when the first account connects).
        default_base_url: Pre-filled base URL ("" when the vendor has no public default).
        base_url_help: One line under the base URL field.
        login_fields: The login form.
        datasets: The datasets in tab order, or where they are (``"module:NAME"``, imported now).
        emulator: The demo/test emulator.
        options: Per-account settings shown under "Advanced".
        base_url_variants: ``((login field, value), default base URL)`` pairs.
        lookups: How the support-desk lookup searches this vendor.

    Raises:
        ValueError: A lookup route or the emulator's main dataset names no dataset of the vendor.
    """
    found: tuple[DatasetSpec, ...] = load(package, datasets) if isinstance(datasets, str) else datasets
    names = {ds.name for ds in found}
    wanted = {route.dataset for route in lookups} | ({emulator.main_dataset} if emulator else set())
    if wanted - names:
        raise ValueError(f"{errors.VENDOR}: no dataset called {sorted(wanted - names)}")
    return VendorSpec(
        id=errors.VENDOR,
        display_name=errors.NAME,
        default_base_url=default_base_url,
        base_url_help=base_url_help,
        login_fields=login_fields,
        datasets=found,
        client_factory=client_factory(package, client),
        emulator=None if emulator is None else EmulatorSpec(
            factory=emulator_factory(package, emulator.factory, emulator.defaults),
            demo_accounts=emulator.demo_accounts, demo_size=emulator.demo_size, main_dataset=emulator.main_dataset,
        ),
        error_table=errors.MESSAGES,
        options=options,
        base_url_variants=base_url_variants,
        lookups=lookups,
        to_error=errors.to_error,
    )
