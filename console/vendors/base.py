"""What every vendor package provides, and the base class of vendor clients.

A vendor is one package under ``console/vendors/`` exposing a :class:`VendorSpec` (registered in
:mod:`console.vendors.registry`). The layers above see only these types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from console.core.errors import ConsoleError, UnsupportedOperation, UserMessage, ValidationError
from console.core.lookup import LookupRoute
from console.core.models import (
    AccountOption,
    Choice,
    Cursor,
    DatasetSpec,
    LoginField,
    Page,
    Query,
    Question,
    Record,
    Slot,
    WriteResult,
)
from console.http.requestlog import RequestLog
from console.http.types import HttpObserver, HttpSettings
from console.vendors.optional import OptionalCall, OptionalCalls
from console.vendors.refusals import refused_read

if TYPE_CHECKING:
    import httpx

    from console.http.client import VendorHttp
    from console.http.ratelimit import RateLimitParser
    from console.http.session import SessionAuth

#: A vendor's one error function: an error answer -> a typed error (``<vendor>/errors.py`` ``to_error``).
ErrorMapper = Callable[["httpx.Response"], ConsoleError]


@dataclass(frozen=True, slots=True)
class ClientContext:
    """What a vendor client is built from.

    Attributes:
        account_id: Account id.
        base_url: The account's base URL.
        fields: Non-secret login fields.
        secrets: Secret login fields (from the keychain or the environment).
        options: Per-account settings.
        settings: Network settings.
        observer: Status-bar hook.
        request_log: Shared masked log.
        transport: httpx transport override (tests).
    """

    account_id: str
    base_url: str
    fields: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    settings: HttpSettings = field(default_factory=HttpSettings)
    observer: HttpObserver | None = None
    request_log: RequestLog | None = None
    transport: httpx.AsyncBaseTransport | None = None

    def http(
        self,
        spec: VendorSpec,
        *,
        headers: Mapping[str, str] | None = None,
        rate_limit_parser: RateLimitParser | None = None,
        session: SessionAuth | None = None,
        reference_parser: Callable[[Mapping[str, str]], str] | None = None,
        error_mapper: ErrorMapper | None = None,
    ) -> VendorHttp:
        """The account's :class:`VendorHttp`, in one call.

        The vendor's id, name and error function come from ``spec``; the account, base URL, network
        settings, observer, request log and transport from this context. The client adds only what is
        its own: the auth headers, its quota headers, its session, its reference header.

        Args:
            spec: The vendor (its ``to_error`` maps error answers unless ``error_mapper`` is given).
            headers: Headers sent with every request (auth, ``Accept``).
            rate_limit_parser: The vendor's quota headers, when it sends them.
            session: Token-based login renewed on the vendor's signal.
            reference_parser: Reads a support reference out of an answer's headers.
            error_mapper: Overrides the spec's error function.

        Raises:
            TypeError: Neither the spec nor the call names an error function.
        """
        from console.http.client import VendorHttp  # the window path imports no httpx before painting

        mapper = error_mapper or spec.to_error
        if mapper is None:
            raise TypeError(f"{spec.id}: the spec has no to_error and none was given")
        return VendorHttp(
            vendor=spec.id, display_name=spec.display_name, account_id=self.account_id, base_url=self.base_url,
            error_mapper=mapper, rate_limit_parser=rate_limit_parser, headers=headers, settings=self.settings,
            observer=self.observer, request_log=self.request_log, transport=self.transport, session=session,
            reference_parser=reference_parser,
        )


class VendorClient:
    """Base of vendor clients: owns the account's :class:`VendorHttp`.

    Subclasses implement the dataset operations they support; the defaults raise
    :class:`UnsupportedOperation`.

    Args:
        spec: The vendor's spec.
        http: The account's HTTP client.
    """

    #: The client's optional calls (``console.vendors.optional``), for the package docstring's audit and tests.
    optional_calls: tuple[OptionalCall, ...] = ()

    def __init__(self, spec: VendorSpec, http: VendorHttp) -> None:
        self.spec = spec
        self.http = http
        #: Which optional calls this account's vendor turned out not to offer.
        self.optional = OptionalCalls(spec.display_name)

    async def page(self, dataset: str, query: Query, cursor: Cursor, limit: int) -> Page[Record]:
        """:meth:`fetch_page` with the account's notes about unavailable optional calls attached.

        The one entry point the service layer pages through (lists, export, lookup, choices). A refused
        query is said in the list's words (:func:`console.vendors.refusals.refused_read`).
        """
        try:
            page = await self.fetch_page(dataset, query, cursor, limit)
        except ValidationError as exc:  # worded for the list: it has no fields in red
            raise refused_read(self.spec.display_name, self.spec.dataset(dataset), query, exc) from None
        notes = self.optional.notes(dataset)
        if not notes:
            return page
        return replace(page, notes=tuple(dict.fromkeys((*page.notes, *notes))))

    async def aclose(self) -> None:
        """Closes the connections."""
        await self.http.aclose()

    async def aclose_when_idle(self) -> None:
        """Closes the connections once the requests on their way have ended."""
        await self.http.aclose_when_idle()

    async def test_connection(self) -> str:
        """Checks the credentials with the cheapest call; returns a one-line summary."""
        raise UnsupportedOperation(f"{self.spec.display_name} cannot test a connection")

    async def fetch_page(self, dataset: str, query: Query, cursor: Cursor, limit: int) -> Page[Record]:
        """Returns one page of a dataset, in the query's order, from ``cursor`` on."""
        raise self._unsupported(dataset, "list")

    async def get_record(self, dataset: str, record_id: str) -> Record:
        """Returns one record, fresh."""
        raise self._unsupported(dataset, "read")

    async def create_record(self, dataset: str, values: Mapping[str, Any]) -> WriteResult:
        """Creates a record from form values (by form field key)."""
        raise self._unsupported(dataset, "create")

    async def update_record(self, dataset: str, record: Record, changes: Mapping[str, Any]) -> WriteResult:
        """Applies form changes (only the changed keys) to a record."""
        raise self._unsupported(dataset, "edit")

    async def delete_record(self, dataset: str, record: Record) -> None:
        """Deletes a record."""
        raise self._unsupported(dataset, "delete")

    async def slots(self, dataset: str, field: str, values: Mapping[str, Any], day: dt.date) -> list[Slot]:
        """The free start times of one day for a SLOT field, given the form's other values."""
        raise self._unsupported(dataset, "offer free times for")

    async def lookup(self, name: str) -> list[Choice]:
        """Choices from a vendor list that is not a dataset (e.g. booking frequencies)."""
        raise UnsupportedOperation(f"{self.spec.display_name} has no list called {name}")

    async def questions(self, dataset: str, record: Record, action: str) -> list[Question]:
        """What to ask the user before running an action (the vendor's confirmation rules)."""
        return []

    async def run_action(self, dataset: str, record: Record, action: str, values: Mapping[str, Any],
                         answers: Mapping[str, str]) -> WriteResult:
        """Runs a record action with the form values and the answers to :meth:`questions`."""
        raise self._unsupported(dataset, action)

    def _unsupported(self, dataset: str, what: str) -> ConsoleError:
        return UnsupportedOperation(
            f"{self.spec.display_name} {dataset}: {what} is not available",
            user_message=UserMessage("Not available", f"{self.spec.display_name} cannot {what} {dataset}."),
        )


class EmulatorApp(Protocol):
    """A vendor emulator: an ASGI app plus the knobs tests and the demo use."""

    #: Path prefix of the API on the emulator (the part of the base URL after host:port).
    base_path: str
    #: ``False`` removes every optional endpoint (it answers 404), as a server without them would.
    optional_endpoints: bool

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """ASGI entry point."""

    def write_log(self) -> Sequence[tuple[str, str]]:
        """Returns every write (method, path) the emulator received, in order."""
        ...


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """An account of the demo workspace.

    Attributes:
        label: Shown in the sidebar.
        fields: Non-secret login fields.
        secrets: Secret login fields (accepted by the emulator).
        options: Per-account settings.
        base_path: The path after host:port when it is not the emulator's default (one emulator
            can serve two API generations).
    """

    label: str
    fields: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    base_path: str | None = None


@dataclass(frozen=True, slots=True)
class EmulatorSpec:
    """How the sandbox builds a vendor's emulator.

    Attributes:
        factory: Builds the emulator: ``factory(seed=..., size=..., accounts=...)``.
        demo_accounts: Accounts the demo workspace configures against it.
        demo_size: Records of the main dataset in the demo.
        main_dataset: The dataset ``size`` counts (the largest one: what load and chaos tests page through).
    """

    factory: Callable[..., EmulatorApp]
    demo_accounts: tuple[DemoAccount, ...]
    demo_size: int
    main_dataset: str


@dataclass(frozen=True, slots=True)
class VendorSpec:
    """One vendor, as the registry lists it.

    Attributes:
        id: Vendor id.
        display_name: Shown everywhere.
        default_base_url: Pre-filled base URL ("" when the vendor has no public default).
        base_url_help: One line under the base URL field.
        login_fields: The login form.
        datasets: Datasets, in tab order.
        client_factory: Builds a client for an account.
        emulator: The demo/test emulator.
        error_table: Every vendor code and its user message, from the vendor's code tables
            (``tests/unit/vendors/test_error_tables.py`` checks that every error ``to_error`` gives is in it).
        options: Per-account settings shown under "Advanced" when adding an account.
        base_url_variants: ``((login field, value), default base URL)`` pairs: the base URL the form
            suggests when that login field has that value (Launch27's two API generations).
        lookups: How the support-desk lookup searches this vendor, per kind of query (a kind with no
            route is "cannot search by ..." for the vendor).
        to_error: The vendor's one error function (what :meth:`ClientContext.http` gives its client).
    """

    id: str
    display_name: str
    default_base_url: str
    base_url_help: str
    login_fields: tuple[LoginField, ...]
    datasets: tuple[DatasetSpec, ...]
    client_factory: Callable[[VendorSpec, ClientContext], VendorClient]
    emulator: EmulatorSpec | None = None
    error_table: Mapping[str, UserMessage] = field(default_factory=dict)
    options: tuple[AccountOption, ...] = ()
    base_url_variants: tuple[tuple[tuple[str, str], str], ...] = ()
    lookups: tuple[LookupRoute, ...] = ()
    to_error: ErrorMapper | None = None

    def default_base_url_for(self, fields: Mapping[str, str]) -> str:
        """The documented base URL for an account's login fields."""
        for (name, value), url in self.base_url_variants:
            if fields.get(name) == value:
                return url
        return self.default_base_url

    def dataset(self, name: str) -> DatasetSpec:
        """Returns the dataset called ``name``.

        Raises:
            KeyError: The vendor has no such dataset.
        """
        for ds in self.datasets:
            if ds.name == name:
                return ds
        raise KeyError(name)

    @property
    def secret_fields(self) -> tuple[LoginField, ...]:
        """Login fields kept in the keychain."""
        return tuple(f for f in self.login_fields if f.secret)

    def secrets_for(self, fields: Mapping[str, str]) -> tuple[LoginField, ...]:
        """The secret login fields that apply, given the account's non-secret fields."""
        return tuple(f for f in self.secret_fields if f.applies(fields))

    @property
    def plain_fields(self) -> tuple[LoginField, ...]:
        """Login fields kept in the accounts file."""
        return tuple(f for f in self.login_fields if not f.secret)

    def make_client(self, context: ClientContext) -> VendorClient:
        """Builds a client for an account."""
        return self.client_factory(self, context)
