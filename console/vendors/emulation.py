"""Shared pieces of the vendor emulators: deterministic people, quota windows, request bookkeeping.

Every emulator draws its customers from :func:`people` with the same seed, so the same person
(email, phone) appears in several vendors and a cross-vendor lookup in the demo finds real matches.
Each vendor writes phone numbers in its own style (:func:`format_phone`).
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

FIRST_NAMES = (
    "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Sophia", "Elijah", "Isabella", "Lucas", "Mia",
    "Mateo", "Charlotte", "Levi", "Ava", "Leo", "Harper", "Ezra", "Luna", "Hugo", "Chloé", "Jules", "Léa",
    "Lukas", "Hanna", "Finn", "Lena", "Marta", "Pablo", "Lucía", "Giulia", "Marco", "Sofia", "Aisha", "Omar",
    "Priya", "Arjun", "Mei", "Hiroshi", "Yuki", "Ana", "João", "Zofia", "Jakub", "Nora", "Erik", "Ingrid",
    "Dmitri", "Olga", "Kwame", "Amara", "Chen", "Fatima", "Jane", "Samuel", "Grace", "Daniel", "Ruth",
    "Tomás", "Emilia",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martin", "Dubois",
    "Bernard", "Müller", "Schmidt", "Schneider", "Fischer", "Rossi", "Russo", "Ferrari", "Silva", "Santos",
    "Kowalski", "Nowak", "Hansen", "Johansson", "Nielsen", "Ivanova", "Popescu", "Novak", "Tanaka",
    "Sato", "Kim", "Lee", "Wang", "Li", "Patel", "Sharma", "Okafor", "Mensah", "Haddad", "Cohen",
    "O'Brien", "Murphy", "Walsh", "Doe", "Clarke", "Moreau", "Laurent", "Lefebvre", "Costa", "Ortiz",
    "Navarro", "Romero", "Weber", "Wagner", "Becker", "Hoffmann", "Jansen", "de Vries", "Bakker", "Visser",
)
# (country code, calling code, national digits, cities with postcode prefixes, locale)
COUNTRIES = (
    ("US", "1", 10, (("Austin", "787"), ("Denver", "802"), ("Portland", "972"), ("Boston", "021")), "en"),
    ("GB", "44", 10, (("London", "SW1"), ("Leeds", "LS1"), ("Bristol", "BS1")), "en"),
    ("FR", "33", 9, (("Paris", "750"), ("Lyon", "690"), ("Nantes", "440")), "fr"),
    ("DE", "49", 10, (("Berlin", "101"), ("Hamburg", "201"), ("München", "803")), "de"),
    ("ES", "34", 9, (("Madrid", "280"), ("Sevilla", "410"), ("Valencia", "460")), "es"),
    ("IT", "39", 10, (("Roma", "001"), ("Milano", "201"), ("Torino", "101")), "it"),
    ("NL", "31", 9, (("Amsterdam", "101"), ("Utrecht", "351")), "nl"),
    ("PT", "351", 9, (("Lisboa", "110"), ("Porto", "400")), "pt"),
    ("PL", "48", 9, (("Warszawa", "00-"), ("Kraków", "30-")), "pl"),
)
COMPANIES = (
    "", "", "", "Acme Ltd", "Northwind", "Globex", "Initech", "Umbrella Studio", "Blue Harbor", "Sunrise Bakery",
    "Kite & Co", "Nordlys AS", "Vega Consulting", "Oak Tree Dental", "Luma Yoga",
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example", "inbox.example")


@dataclass(frozen=True, slots=True)
class Person:
    """A seeded customer, the same in every emulator.

    Attributes:
        index: Position in the seeded list.
        first_name: Given name.
        last_name: Family name.
        email: Unique, lower case.
        country: ISO country code.
        calling_code: International calling code, no plus.
        national: National significant number (digits).
        city: City.
        postcode: Postal code.
        company: Employer ("" for none).
        locale: Two-letter locale.
    """

    index: int
    first_name: str
    last_name: str
    email: str
    country: str
    calling_code: str
    national: str
    city: str
    postcode: str
    company: str
    locale: str

    @property
    def full_name(self) -> str:
        """Given and family name."""
        return f"{self.first_name} {self.last_name}"

    @property
    def phone_e164(self) -> str:
        """The phone number in E.164."""
        return f"+{self.calling_code}{self.national}"


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ł", "l"))
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum())


@lru_cache(maxsize=8)
def people(seed: int, count: int) -> tuple[Person, ...]:
    """Returns ``count`` deterministic people for ``seed`` (a prefix of a larger count is identical).

    The first is always Jane Doe, jane.doe@example.com, +1 415 555 0100 (the lookup's example).
    """
    rng = random.Random(seed)
    result = []
    for index in range(count):
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        country, calling, digits, cities, locale = rng.choice(COUNTRIES)
        city, prefix = rng.choice(cities)
        national = str(rng.randint(2, 9)) + str(rng.randrange(10 ** (digits - 1))).zfill(digits - 1)
        email = f"{_ascii(first)}.{_ascii(last)}{index}@{rng.choice(EMAIL_DOMAINS)}"
        postcode = prefix + str(rng.randint(10, 99))
        company = rng.choice(COMPANIES)
        if index == 0:  # the README's example customer, in every vendor's demo
            first, last, email, country, calling, national, city, postcode, company, locale = (
                "Jane", "Doe", "jane.doe@example.com", "US", "1", "4155550100", "San Francisco", "94105", "", "en")
        result.append(Person(index, first, last, email, country, calling, national, city, postcode, company, locale))
    return tuple(result)


def phone_matches(stored: str, query: str) -> bool:
    """How the emulators search numbers: the query's last 8 digits appear among the stored number's.

    So ``+1 (415) 555-0100``, ``4155550100`` and ``0014155550100`` all find ``(415) 555-0100``
    whatever punctuation either side uses (what the vendors' searches do is not documented).
    """
    digits = re.sub(r"\D", "", query)
    return len(digits) >= 4 and digits[-8:] in re.sub(r"\D", "", stored)


def format_phone(person: Person, style: str) -> str:
    """Writes a person's phone number the way a vendor stores it.

    Args:
        person: Whose number.
        style: ``e164`` (+4915123456789), ``international`` (+49 151 2345 6789),
            ``national`` (0151 2345 6789 / (512) 555-0100), or ``dotted`` (49.151.234.567.89).
    """
    n = person.national
    if style == "e164":
        return person.phone_e164
    if style == "international":
        return f"+{person.calling_code} {n[:3]} {n[3:6]} {n[6:]}".strip()
    if style == "national":
        if person.calling_code == "1":
            return f"({n[:3]}) {n[3:6]}-{n[6:]}"
        return f"0{n[:3]} {n[3:6]} {n[6:]}"
    if style == "dotted":
        return ".".join([person.calling_code, n[:3], n[3:6], n[6:]])
    raise ValueError(style)


class QuotaWindow:
    """A fixed-window request quota per API key (thread-safe; the emulator runs in its own thread).

    Args:
        limit: Requests per window.
        window: Window length in seconds.
    """

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, int]] = {}

    def take(self, key: str, now: float | None = None) -> tuple[bool, int, float]:
        """Counts one request for ``key``.

        Returns:
            (allowed, remaining after this request, seconds until the window resets).
        """
        current = time.monotonic() if now is None else now
        with self._lock:
            start, used = self._state.get(key, (current, 0))
            if current - start >= self.window:
                start, used = current, 0
            allowed = used < self.limit
            if allowed:
                used += 1
            self._state[key] = (start, used)
            return allowed, self.limit - used, max(0.0, start + self.window - current)


@dataclass(frozen=True, slots=True)
class OptionalRoute:
    """An endpoint the vendor's shared file does not confirm ([L], [I] or invented).

    Attributes:
        pattern: Regular expression over the request path (the whole path, base path included).
        source: The line of the shared file the endpoint comes from, and its mark.
        methods: The methods it covers (every method when empty).
    """

    pattern: str
    source: str
    methods: tuple[str, ...] = ()

    def matches(self, method: str, path: str) -> bool:
        """Whether a request goes to this endpoint."""
        return (not self.methods or method in self.methods) and re.fullmatch(self.pattern, path) is not None


class EmulatorBase:
    """What every emulator shares: it is an ASGI app (:attr:`app`) and logs the writes it receives.

    With :attr:`optional_endpoints` off, every endpoint listed in :attr:`optional_routes` answers 404
    as a server without it would (plain text, no vendor envelope): the switch the tests use to prove
    that each list loads on a vendor that offers only its confirmed calls.
    """

    base_path = "/"
    #: The endpoints a real server of this vendor may not have (see :class:`OptionalRoute`).
    optional_routes: tuple[OptionalRoute, ...] = ()

    def __init__(self) -> None:
        self.writes = WriteLog()
        self.app: Any = None
        self.optional_endpoints = True

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """ASGI entry point."""
        if (not self.optional_endpoints and scope.get("type") == "http"
                and any(r.matches(scope.get("method", "GET"), scope.get("path", "")) for r in self.optional_routes)):
            await send({"type": "http.response.start", "status": 404,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": b"Not Found"})
            return
        await self.app(scope, receive, send)

    def write_log(self) -> list[tuple[str, str]]:
        """Every write (method, path) the handlers received, in order."""
        return self.writes.items()


async def json_object(request: Any, refuse: Callable[[str, str], Exception], empty_ok: bool = False) -> dict[str, Any]:
    """Reads a request body that must be a JSON object.

    Args:
        request: The Starlette request.
        refuse: Builds the vendor's own refusal from a code (``invalid_json`` or ``invalid_body``) and
            a message; it is raised.
        empty_ok: An empty body reads as ``{}`` instead of being refused.

    Returns:
        The decoded object.
    """
    raw = await request.body()
    if not raw.strip():
        if empty_ok:
            return {}
        raise refuse("invalid_body", "The body must be a JSON object.")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise refuse("invalid_json", "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise refuse("invalid_body", "The body must be a JSON object.")
    return data


class WriteLog:
    """Every write an emulator's handlers received (method, path), for tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[tuple[str, str]] = []

    def add(self, method: str, path: str) -> None:
        """Records a write."""
        with self._lock:
            self._items.append((method, path))

    def items(self) -> list[tuple[str, str]]:
        """Returns a copy of the log."""
        with self._lock:
            return list(self._items)
