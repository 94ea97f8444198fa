"""``VendorHttp``: one account's HTTP client, with the retry loop, rate limits and the request log.

It owns one ``httpx.AsyncClient``. Every vendor call goes through :meth:`VendorHttp.call`, which

* holds the request back while the account's quota is spent or the vendor asked to wait;
* retries what :mod:`console.http.retry` allows (safe methods only, after a failure the vendor may
  have seen), sitting out ``Retry-After`` up to ``max_wait`` seconds;
* turns every non-success answer into a typed error through the vendor's one error function;
* decodes and validates the body (a body that is not what the vendor documents is
  :class:`~console.core.errors.BadResponse`, retried like a transient failure for safe methods);
* reports each attempt to an observer (status bar) and to the masked request log.

No httpx exception leaves this module.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from console import __version__
from console.core import log
from console.core.errors import (
    BadResponse,
    ConnectionFailed,
    ConsoleError,
    RateLimited,
    TimedOut,
    UserMessage,
    WriteOutcomeUnknown,
)
from console.http import jsonslices, retry
from console.http.bodies import preview_body
from console.http.ratelimit import RateLimitParser, RateLimitTracker
from console.http.requestlog import Exchange, RequestLog, mask_body, mask_headers, pack_text
from console.http.session import SessionAuth
from console.http.types import HttpObserver, HttpSettings, NullObserver, Reply

T = TypeVar("T")

#: 429 answers sat out per call before giving up (separate from the failure budget).
MAX_RATE_LIMIT_WAITS = 6
REFERENCE_HEADERS = ("x-request-id", "request-id", "x-correlation-id")
#: Sent on every request, so a vendor's support team can tell the console's calls (and its version) apart.
USER_AGENT = f"VendorConsole/{__version__} (+python-httpx/{httpx.__version__})"


ErrorMapper = Callable[[httpx.Response], ConsoleError]


@dataclass(slots=True)
class _Attempt:
    """Mutable retry bookkeeping for one call."""

    failures: int = 0
    rate_waits: int = 0
    started: float = field(default_factory=time.time)


_ssl_lock = threading.Lock()
_ssl_context: ssl.SSLContext | None = None


def _certificate_error(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate failure behind a connection error, if that is what it was."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def shared_ssl_context() -> ssl.SSLContext:
    """One TLS context (system defaults + certifi's roots) for every client.

    Building one costs 20-40 ms (loading the CA bundle); httpx would build one per client.
    """
    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            import certifi

            _ssl_context = ssl.create_default_context(cafile=certifi.where())
        return _ssl_context


def warm_up() -> None:
    """Imports and prepares what the first request needs (run it in a worker thread at startup)."""
    shared_ssl_context()


class VendorHttp:
    """The HTTP client of one account.

    Args:
        vendor: Vendor id.
        display_name: Vendor name for messages.
        account_id: Account id (for the observer and the log).
        base_url: Everything before the vendor's documented paths.
        error_mapper: The vendor's one function from an error answer to a typed error.
        rate_limit_parser: Reads the vendor's quota headers; ``None`` when it sends none.
        headers: Headers sent on every request (auth headers are masked in the log), after
            ``User-Agent:`` :data:`USER_AGENT` (a vendor's own ``User-Agent`` replaces it).
        settings: Timeouts and retry budget.
        observer: Status-bar and inspector hook.
        request_log: Shared masked log.
        transport: An httpx transport (tests).
        session: The vendor's login session, for vendors that have one.
        reference_parser: Reads the vendor's support reference from answer headers (Setera's
            ``Warning: 703 ... see <token>``); request-id headers are read by default.
    """

    def __init__(
        self,
        *,
        vendor: str,
        display_name: str,
        account_id: str,
        base_url: str,
        error_mapper: ErrorMapper,
        rate_limit_parser: RateLimitParser | None = None,
        headers: Mapping[str, str] | None = None,
        settings: HttpSettings | None = None,
        observer: HttpObserver | None = None,
        request_log: RequestLog | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        session: SessionAuth | None = None,
        reference_parser: Callable[[Mapping[str, str]], str] | None = None,
    ) -> None:
        self.vendor = vendor
        self.session = session
        self._reference_parser = reference_parser
        self.display_name = display_name
        self.account_id = account_id
        self.base_url = base_url.rstrip("/")
        self.settings = settings or HttpSettings()
        self.observer: HttpObserver = observer or NullObserver()
        self.request_log = request_log if request_log is not None else RequestLog()
        self.rate_limit = RateLimitTracker()
        #: The typed error the last finished call ended in (``None`` after a success).
        self.last_error: ConsoleError | None = None
        #: Calls on their way (retries included); ``_idle`` is set while there are none.
        self.active = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._error_mapper = error_mapper
        self._rate_limit_parser = rate_limit_parser
        default_headers = httpx.Headers({"User-Agent": USER_AGENT})
        default_headers.update(headers or {})  # case-insensitive: a vendor's own User-Agent wins
        self._client = httpx.AsyncClient(
            verify=shared_ssl_context(),
            headers=default_headers,
            timeout=httpx.Timeout(self.settings.timeout),
            transport=transport,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=8),
        )

    def set_header(self, name: str, value: str | None) -> None:
        """Sets (or with ``None`` removes) a header sent on every later request."""
        if value is None:
            self._client.headers.pop(name, None)
        else:
            self._client.headers[name] = value

    async def aclose(self) -> None:
        """Closes the connection pool."""
        await self._client.aclose()

    async def aclose_when_idle(self, limit: float = 120.0) -> None:
        """Closes the pool once the calls on their way have ended (new settings, a new address).

        Args:
            limit: Seconds to wait at most; then it closes anyway.
        """
        if self.active:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), limit)
        await self.aclose()

    def url(self, path: str) -> str:
        """Returns the absolute URL of a vendor path."""
        return f"{self.base_url}/{path.lstrip('/')}"

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        parse: Callable[[Reply], T],
        auth_required: bool = True,
    ) -> T:
        """Sends one request with the retry policy and returns its parsed answer.

        Args:
            method: HTTP method.
            path: Vendor path (relative to the base URL).
            params: Query parameters (``None`` values are left out).
            json_body: JSON body.
            data: Form body.
            headers: Extra headers for this request.
            parse: Turns the decoded answer into the result; raises ``BadResponse`` (or any
                ``KeyError``/``TypeError``/``ValueError``, which become one) when it is malformed.
            auth_required: Carry the session's credentials (``False`` for the login call itself).

        Returns:
            What ``parse`` returned.

        Raises:
            ConsoleError: A typed error (vendor error, RateLimited, BadResponse, ConnectionFailed...).
        """
        self.active += 1
        self._idle.clear()
        try:
            result = await self._call(method.upper(), path, params=params, json_body=json_body, data=data,
                                      headers=headers, parse=parse, auth_required=auth_required)
        except ConsoleError as exc:
            self.last_error = exc  # the accounts manager's verdict comes from the typed error, not a status
            raise
        else:
            self.last_error = None
            return result
        finally:
            self.active -= 1
            if not self.active:
                self._idle.set()

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None,
        json_body: Any,
        data: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        parse: Callable[[Reply], T],
        auth_required: bool,
    ) -> T:
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        state = _Attempt()
        session = self.session if auth_required else None
        renewed = False
        while True:
            await self._wait_for_quota()
            send_params, send_headers = clean_params, headers
            generation = 0
            if session is not None:
                try:
                    generation = await session.ensure(self)
                except BaseException:
                    self.rate_limit.settle(None)  # counted, never sent
                    raise
                extra_params, extra_headers = session.credentials()
                send_params = {**clean_params, **extra_params}
                send_headers = {**(headers or {}), **extra_headers}
            try:
                response = await self._send(method, path, send_params, json_body, data, send_headers, state)
            except _TransportFailure as failure:
                if retry.should_retry(None, method, sent=failure.sent) and self._has_budget(state):
                    await self._sleep(retry.backoff_delay(state.failures), "retry")
                    state.failures += 1
                    renewed = False  # time passed: the new session may have ended too
                    continue
                raise failure.error from None
            if session is not None and not renewed and session.is_expired(response.status_code, response.content):
                # The vendor says the session ended: log in again, then send this request once more (it
                # was refused, not processed, so even a write is safe to repeat). A refusal straight after
                # a fresh login is final; after a retry's wait the new session may have ended as well.
                renewed = True
                log.auth.info("%s: session expired (HTTP %s); logging in again", self.display_name,
                              response.status_code)
                await session.renew(self, generation)
                self._notify(self.observer.notice, self.account_id, f"{self.display_name}: session renewed")
                continue
            if response.status_code >= 400:
                error = self._error_mapper(response)
                if await self._retry_after_error(response, error, method, state):
                    renewed = False
                    continue
                raise error
            try:
                # Read on the event loop's thread, a long answer a slice at a time (jsonslices); in a
                # worker thread, the Python work held the interpreter's lock against the window (each
                # of its Qt calls waited up to 5 ms behind it). Records of a long page are built a
                # slice at a time too (vendors.parsing.build_records).
                return parse(Reply(response.status_code, response.headers, await self._decode(response)))
            except BadResponse as exc:
                error = exc
            except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
                error = BadResponse(
                    self.vendor, f"unexpected shape ({type(exc).__name__}: {log.redact(str(exc))[:200]})",
                    status=response.status_code, body=preview_body(response),
                )
            log.http.warning("%s %s: %s", method, self._masked_url(path), error.message)
            if retry.is_safe(method) and self._has_budget(state):
                await self._sleep(retry.backoff_delay(state.failures), "retry")
                state.failures += 1
                renewed = False
                continue
            raise error

    def _has_budget(self, state: _Attempt) -> bool:
        return state.failures + 1 < self.settings.max_attempts

    async def _retry_after_error(
        self, response: httpx.Response, error: ConsoleError, method: str, state: _Attempt
    ) -> bool:
        """Waits and returns ``True`` when the failed attempt should be tried again."""
        status = response.status_code
        if status == 429:
            after = error.retry_after if isinstance(error, RateLimited) else None
            wait = after if after is not None else retry.backoff_delay(state.rate_waits)
            self.rate_limit.block_for(wait)
            if not retry.is_safe(method) or wait > self.settings.max_wait or state.rate_waits >= MAX_RATE_LIMIT_WAITS:
                return False
            state.rate_waits += 1
            await self._wait_for_quota()
            return True
        if not retry.should_retry(status, method, response.headers) or not self._has_budget(state):
            return False
        wait = retry.retry_delay(state.failures, response.headers)
        if wait > self.settings.max_wait:
            return False
        state.failures += 1
        await self._sleep(wait, "retry")
        return True

    async def _wait_for_quota(self) -> None:
        """Holds the request while the vendor asked to wait or the quota is spent, then counts it."""
        blocked = self.rate_limit.blocked_for()
        quota = self.rate_limit.quota_wait()
        delay = max(blocked, quota)
        if delay <= 0:
            self.rate_limit.consume()
            return
        if blocked > self.settings.max_wait or quota > self.settings.max_quota_wait:
            snap = self.rate_limit.snapshot
            raise RateLimited(
                self.vendor,
                f"quota spent; it refills in {delay:.0f} s",
                retry_after=delay,
                status=429,
                user_message=UserMessage(
                    "Request limit reached",
                    f"{self.display_name} allows no more requests for {delay:.0f} seconds"
                    + (f" (limit {snap.limit})" if snap and snap.limit else "")
                    + ".",
                    "Wait, then try again; the status bar counts down.",
                ),
            )
        await self._sleep(delay, "rate limit" if blocked >= quota else "quota spent, waiting for the refill")
        self.rate_limit.consume()

    async def _sleep(self, seconds: float, reason: str) -> None:
        if seconds <= 0:
            return
        log.http.info("%s: waiting %.1f s (%s)", self.display_name, seconds, reason)
        self._notify(self.observer.waiting, self.account_id, seconds, reason)
        await asyncio.sleep(seconds)

    async def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any],
        json_body: Any,
        data: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        state: _Attempt,
    ) -> httpx.Response:
        url = self.url(path)
        seq = self.request_log.next_seq()
        started = time.time()
        t0 = time.perf_counter()
        status: int | None = None
        size = 0
        error_text = ""
        reference = ""
        captured: dict[str, Any] = {}
        settled = False
        self._notify(self.observer.request_started, self.account_id)
        try:
            response = await self._client.request(
                method, url, params=params, json=json_body, data=data, headers=headers
            )
            status = response.status_code
            size = len(response.content)
            captured = self._capture(response.request, response)
            if log.http.isEnabledFor(logging.DEBUG):  #: headers both ways, masked by the redaction filter
                log.http.debug("request headers %s; answer headers %s", dict(response.request.headers),
                               dict(response.headers))
            reference = self._reference_parser(response.headers) if self._reference_parser else ""
            reference = reference or next((response.headers[h] for h in REFERENCE_HEADERS if h in response.headers), "")
            snapshot = self._rate_limit_parser(response.headers, time.time()) if self._rate_limit_parser else None
            if snapshot is not None:
                self.rate_limit.settle(snapshot)
                settled = True
                self._notify(self.observer.rate_limit_changed, self.account_id, self.rate_limit.snapshot or snapshot)
            return response
        except httpx.HTTPError as exc:
            failure = self._transport_failure(exc, method)
            error_text = failure.error.message
            with contextlib.suppress(RuntimeError):  # no request attached to the error
                captured = self._capture(exc.request, None)
            raise failure from None
        finally:
            if not settled:  # no quota headers, or no answer: the request is no longer on its way
                self.rate_limit.settle(None)
            duration = time.perf_counter() - t0
            exchange = Exchange(
                seq=seq, started=started, account_id=self.account_id, vendor=self.vendor, method=method,
                url=self._masked_url(path, params), status=status, duration=duration, size=size,
                attempt=state.failures + state.rate_waits + 1, error=error_text, reference=reference,
                **captured,
            )
            self.request_log.add(exchange)
            self._notify(self.observer.request_finished, self.account_id, exchange)
            log.http.debug("%s %s -> %s in %.0f ms", method, exchange.url, status or error_text, duration * 1000)

    @staticmethod
    def _capture(request: httpx.Request, response: httpx.Response | None) -> dict[str, Any]:
        """What the request inspector keeps of an exchange, masked."""
        request_body, cut_request = mask_body(request.content if isinstance(request.stream, httpx.ByteStream)
                                              else b"")
        captured: dict[str, Any] = {"request_headers": mask_headers(request.headers.multi_items()),
                                    "request_body": request_body, "truncated": cut_request}
        if response is not None:
            response_body, cut_response = mask_body(response.content)
            captured.update(response_headers=mask_headers(response.headers.multi_items()),
                            response_packed=pack_text(response_body), truncated=cut_request or cut_response)
        return captured

    @staticmethod
    def _notify(callback: Callable[..., None], *args: Any) -> None:
        """Tells the observer; a failing observer (a window already closed) never breaks a request."""
        try:
            callback(*args)
        except Exception as exc:
            log.http.debug("observer %s failed: %r", getattr(callback, "__name__", callback), exc)

    def _transport_failure(self, exc: httpx.HTTPError, method: str) -> _TransportFailure:
        name = self.display_name
        where = httpx.URL(self.base_url).host or self.base_url
        if isinstance(exc, httpx.ConnectTimeout):
            return _TransportFailure(TimedOut(
                f"no connection to {where} within {self.settings.timeout:.0f} s", vendor=self.vendor,
                user_message=UserMessage(
                    "Connection timed out", f"{name} at {where} did not accept a connection in time.",
                    "Check your network connection and the account's base URL.",
                ),
            ), sent=False)
        certificate = _certificate_error(exc)
        if certificate is not None:  # verification stays on: the connection is refused, and said why
            return _TransportFailure(ConnectionFailed(
                f"the TLS certificate of {where} was not accepted: {certificate.verify_message}", vendor=self.vendor,
                user_message=UserMessage(
                    "Certificate not trusted",
                    f"The certificate of {where} could not be verified ({certificate.verify_message}), so "
                    f"Vendor Console did not connect to {name}: someone may be in the middle of the connection.",
                    "Check the base URL. If your company inspects HTTPS traffic, ask your IT team; Vendor "
                    "Console never turns certificate checks off.",
                ),
            ), sent=False)
        if isinstance(exc, httpx.ConnectError):
            return _TransportFailure(ConnectionFailed(
                f"cannot connect to {where}: {log.redact(str(exc)) or 'connection refused'}", vendor=self.vendor,
                user_message=UserMessage(
                    "Cannot connect", f"Vendor Console could not connect to {name} at {where}.",
                    "Check your network connection and the account's base URL, then try again.",
                ),
            ), sent=False)
        if isinstance(exc, httpx.TimeoutException) and retry.is_safe(method):
            return _TransportFailure(TimedOut(
                f"{name} did not answer within {self.settings.timeout:.0f} s", vendor=self.vendor,
                user_message=UserMessage(
                    "The vendor did not answer in time",
                    f"{name} took longer than {self.settings.timeout:.0f} seconds to answer.",
                    "Try again; if it keeps happening, raise the timeout in the account settings.",
                ),
            ), sent=True)
        if not retry.is_safe(method) and isinstance(exc, httpx.TransportError):
            return _TransportFailure(WriteOutcomeUnknown(
                f"the connection to {where} failed after the {method} was sent ({type(exc).__name__})",
                vendor=self.vendor,
                user_message=UserMessage(
                    "Outcome unknown",
                    f"The connection to {name} failed after the change was sent, so it may or may not "
                    "have been saved.",
                    "Refresh the record to see whether the change was made before trying again.",
                ),
            ), sent=True)
        if isinstance(exc, httpx.TransportError):
            return _TransportFailure(ConnectionFailed(
                f"the connection to {where} failed ({type(exc).__name__})", vendor=self.vendor,
                user_message=UserMessage(
                    "Connection lost", f"The connection to {name} broke off before the answer was complete.",
                    "Try again; if it keeps happening, check your network.",
                ),
            ), sent=True)
        return _TransportFailure(ConnectionFailed(
            f"invalid request to {where}: {type(exc).__name__}", vendor=self.vendor,
            user_message=UserMessage(
                "Invalid address", f"The base URL of this {name} account cannot be used.",
                "Edit the account and check its base URL.",
            ),
        ), sent=False)

    async def _decode(self, response: httpx.Response) -> Any:
        content = response.content
        if not content.strip():
            return None
        try:
            if len(content) >= jsonslices.SLICED_BYTES:
                return await jsonslices.loads(content)
            return json.loads(content)
        except (ValueError, RecursionError) as exc:
            raise BadResponse(
                self.vendor, f"the body is not valid JSON ({type(exc).__name__})",
                status=response.status_code, body=preview_body(response),
            ) from None

    def _masked_url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        url = self.url(path)
        if params:
            url = str(httpx.URL(url, params={k: str(v) for k, v in params.items()}))
        return log.redact(url)


class _TransportFailure(Exception):
    """Internal: a transport error already turned into a typed one."""

    def __init__(self, error: ConnectionFailed, *, sent: bool) -> None:
        super().__init__(error.message)
        self.error = error
        self.sent = sent
