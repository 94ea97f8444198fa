"""``VendorHttp``: one account's HTTP client, with the request loop, rate limits and the request log.

It owns one ``httpx.AsyncClient``. Every vendor call goes through :meth:`VendorHttp.call`, which

* holds the request back while the account's quota is spent or the vendor asked to wait;
* retries what :class:`console.http.retry.RetryPolicy` decides (safe methods only, after a failure
  the vendor may have seen), sitting out ``Retry-After`` up to ``max_wait`` seconds;
* turns every non-success answer into a typed error through the vendor's one error function, and
  every transport failure through :mod:`console.http.transport_errors`;
* decodes and validates the body (a body that is not what the vendor documents is
  :class:`~console.core.errors.BadResponse`, retried like a transient failure for safe methods);
* reports each attempt to an observer (status bar) and to the masked request log
  (:mod:`console.http.capture`).

TLS (one shared verifying context) is :mod:`console.http.tls`. No httpx exception leaves console/http.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from console import __version__
from console.core import log
from console.core.errors import BadResponse, ConsoleError, RateLimited, UserMessage
from console.http import jsonslices, retry
from console.http.bodies import preview_body
from console.http.capture import ReferenceParser, capture, masked_url, notify, reference
from console.http.ratelimit import RateLimitParser, RateLimitTracker
from console.http.requestlog import Exchange, RequestLog
from console.http.session import SessionAuth
from console.http.tls import shared_ssl_context, warm_up
from console.http.transport_errors import Target, TransportFailure, classify
from console.http.types import HttpObserver, HttpSettings, NullObserver, Reply

# warm_up and shared_ssl_context live in console.http.tls; they stay importable from here.
__all__ = ["USER_AGENT", "ErrorMapper", "VendorHttp", "shared_ssl_context", "warm_up"]

T = TypeVar("T")

#: Sent on every request, so a vendor's support team can tell the console's calls (and its version) apart.
USER_AGENT = f"VendorConsole/{__version__} (+python-httpx/{httpx.__version__})"


ErrorMapper = Callable[[httpx.Response], ConsoleError]


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
        reference_parser: ReferenceParser | None = None,
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

    async def wait_idle(self) -> None:
        """Returns once no call is on its way (at once when none is).

        The background sync waits here between pages, so the requests a person waits for go first.
        """
        await self._idle.wait()

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
        policy = retry.RetryPolicy(method, self.settings.max_attempts, self.settings.max_wait)
        attempts = retry.Attempts()
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
            error: ConsoleError
            outcome: retry.Outcome
            try:
                response = await self._send(method, path, send_params, json_body, data, send_headers, attempts.number)
            except TransportFailure as failure:
                error, outcome = failure.error, retry.NoAnswer(sent=failure.sent)
            else:
                if session is not None and not renewed and session.is_expired(response.status_code, response.content):
                    # The vendor says the session ended: log in again, then send this request once more (it
                    # was refused, not processed, so even a write is safe to repeat). A refusal straight after
                    # a fresh login is final; after a retry's wait the new session may have ended as well.
                    # Not a retry: it costs no attempt and no wait.
                    renewed = True
                    log.auth.info("%s: session expired (HTTP %s); logging in again", self.display_name,
                                  response.status_code)
                    await session.renew(self, generation)
                    notify(self.observer.notice, self.account_id, f"{self.display_name}: session renewed")
                    continue
                if response.status_code >= 400:
                    error = self._error_mapper(response)
                    outcome = retry.ErrorAnswer(response.status_code, response.headers,
                                                error.retry_after if isinstance(error, RateLimited) else None)
                else:
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
                    log.http.warning("%s %s: %s", method, masked_url(self.url(path)), error.message)
                    outcome = retry.BadBody()
            # The one place a failed attempt's fate is decided and carried out.
            decision = policy.decide(attempts, outcome)
            if decision.hold:
                self.rate_limit.block_for(decision.hold)  # the quota wait at the loop's top sits it out
            if isinstance(decision, retry.Stop):
                if isinstance(outcome, retry.NoAnswer):
                    raise error from None
                raise error
            attempts = attempts.after(decision)
            await self._sleep(decision.wait, decision.reason)
            renewed = False  # time passed: the new session may have ended too

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
        notify(self.observer.waiting, self.account_id, seconds, reason)
        await asyncio.sleep(seconds)

    async def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any],
        json_body: Any,
        data: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        attempt: int,
    ) -> httpx.Response:
        """Sends one attempt and records it in the request log and to the observer.

        Raises:
            TransportFailure: No answer came (already the typed error the user would see).
        """
        url = self.url(path)
        seq = self.request_log.next_seq()
        started = time.time()
        t0 = time.perf_counter()
        status: int | None = None
        size = 0
        error_text = ""
        found_reference = ""
        captured: dict[str, Any] = {}
        settled = False
        notify(self.observer.request_started, self.account_id)
        try:
            response = await self._client.request(
                method, url, params=params, json=json_body, data=data, headers=headers
            )
            status = response.status_code
            size = len(response.content)
            captured = capture(response.request, response)
            if log.http.isEnabledFor(logging.DEBUG):  #: headers both ways, masked by the redaction filter
                log.http.debug("request headers %s; answer headers %s", dict(response.request.headers),
                               dict(response.headers))
            found_reference = reference(response.headers, self._reference_parser)
            snapshot = self._rate_limit_parser(response.headers, time.time()) if self._rate_limit_parser else None
            if snapshot is not None:
                self.rate_limit.settle(snapshot)
                settled = True
                notify(self.observer.rate_limit_changed, self.account_id, self.rate_limit.snapshot or snapshot)
            return response
        except httpx.HTTPError as exc:
            failure = classify(exc, method, Target(self.vendor, self.display_name, self.base_url,
                                                   self.settings.timeout))
            error_text = failure.error.message
            with contextlib.suppress(RuntimeError):  # no request attached to the error
                captured = capture(exc.request, None)
            raise failure from None
        finally:
            if not settled:  # no quota headers, or no answer: the request is no longer on its way
                self.rate_limit.settle(None)
            duration = time.perf_counter() - t0
            exchange = Exchange(
                seq=seq, started=started, account_id=self.account_id, vendor=self.vendor, method=method,
                url=masked_url(url, params), status=status, duration=duration, size=size,
                attempt=attempt, error=error_text, reference=found_reference,
                **captured,
            )
            self.request_log.add(exchange)
            notify(self.observer.request_finished, self.account_id, exchange)
            log.http.debug("%s %s -> %s in %.0f ms", method, exchange.url, status or error_text, duration * 1000)

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
