"""The support-desk lookup's vocabulary: what a query is, what a record says about a person, matching.

A query is classified into the kinds it can be (an email, a phone number, a name, a record id). Phone
numbers are compared in E.164 (``phonenumbers``, with a default region for numbers written without a
country code) and, when a number has no country, by its national significant number. Each vendor says
in its registry entry how it searches each kind (:class:`console.vendors.base.LookupRoute`) and what
its records say about a person (:class:`Identity`); the lookup service checks every vendor answer
against the query with :func:`match`, so a fuzzy vendor search never shows a false hit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

#: Region used for numbers without a country code until the user picks one.
DEFAULT_REGION = "US"
#: Shortest phone number (digits) a query is taken for.
MIN_PHONE_DIGITS = 7
#: Shortest name a query is taken for.
MIN_NAME_LENGTH = 2
#: The signs a phone number may hold besides digits and spaces; the rule and its message both use it.
PHONE_SIGNS = "+()-./"
PHONE_CHARACTERS = f"Enter a phone number: digits, spaces and {' '.join(PHONE_SIGNS)} only, + only at the start."
_PHONE_CHARS = re.compile(rf"^[\d\s{re.escape(PHONE_SIGNS)}]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class LookupKind(StrEnum):
    """What a query can be."""

    EMAIL = "email"
    PHONE = "phone"
    NAME = "name"
    ID = "id"

    @property
    def noun(self) -> str:
        """How the kind reads in "cannot search by ..."."""
        return {"email": "email", "phone": "phone number", "name": "name", "id": "record id"}[self.value]


@dataclass(frozen=True, slots=True)
class Identity:
    """What a record says about a person (for matching) and the rest of its result row.

    Attributes:
        emails: Email addresses, as the vendor wrote them.
        phones: Phone numbers, as the vendor wrote them.
        names: Person names.
        summary: The row's tail, e.g. ``tags: vip`` or ``Lakeside Loft 7, 12-15 Dec``.
    """

    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    summary: str = ""


@dataclass(frozen=True, slots=True)
class LookupQuery:
    """A classified query.

    Attributes:
        text: What was typed, stripped.
        kinds: What it can be (an all-digit number is both a phone number and an id).
        region: Default region for numbers written without a country code.
        email: The email, lower case (also partial, like ``jane.doe@``).
        email_complete: The email looks whole (``a@b.c``): vendors match it exactly.
        phone_e164: The number in E.164, when it parses.
        phone_keys: What the number is compared by (E.164, and ``nsn:`` + national digits).
        name_tokens: The words of a name, folded (lower case, no accents).
    """

    text: str
    kinds: frozenset[LookupKind]
    region: str = DEFAULT_REGION
    email: str = ""
    email_complete: bool = False
    phone_e164: str = ""
    phone_keys: frozenset[str] = field(default_factory=frozenset)
    name_tokens: tuple[str, ...] = ()

    def value_for(self, kind: LookupKind) -> str:
        """What is sent to a vendor for a kind: the email, the E.164 number, the name or the id."""
        if kind is LookupKind.EMAIL:
            return self.email
        if kind is LookupKind.PHONE:
            return self.phone_e164
        return self.text


def system_region() -> str:
    """The region of the user's locale (``en_GB.UTF-8`` -> ``GB``), else :data:`DEFAULT_REGION`."""
    import os

    for name in ("LC_ALL", "LC_TELEPHONE", "LANG"):
        match_ = re.match(r"^[a-z]{2,3}_([A-Z]{2})\b", os.environ.get(name, ""))
        if match_:
            return match_.group(1)
    return DEFAULT_REGION


def fold(text: str) -> str:
    """Lower case without accents (``Müller`` -> ``muller``), for name matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4096)
def phone_keys(number: str, region: str = DEFAULT_REGION) -> frozenset[str]:
    """The keys a written phone number is compared by.

    ``+1 (415) 555-0100``, ``415.555.0100`` (region US) and ``0014155550100`` all give
    ``{"+14155550100", "nsn:4155550100"}``. A national number (``0151 2345 6789``) also gives its
    national significant number, so it matches an international form of the same number whatever the
    default region.

    Args:
        number: As written.
        region: ISO region for numbers without a country code.
    """
    text = number.strip()
    digits = re.sub(r"\D", "", text)
    if len(digits) < MIN_PHONE_DIGITS:
        return frozenset()
    if text.startswith("00"):  # the international prefix of most of the world
        text, digits = "+" + digits[2:], digits[2:]
    import phonenumbers

    def parse(candidate: str, default: str | None) -> phonenumbers.PhoneNumber | None:
        try:
            return phonenumbers.parse(candidate, default)
        except phonenumbers.NumberParseException:
            return None

    international = text.startswith("+")
    parsed = parse(text, None if international else region.upper())
    if not international and (parsed is None or not phonenumbers.is_valid_number(parsed)):
        # Not a number of the default region: maybe a country code written without the plus
        # ("49.151.234.567.89").
        alternative = parse("+" + digits, None)
        if alternative is not None and phonenumbers.is_valid_number(alternative):
            parsed = alternative
    keys: set[str] = set()
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        keys.add(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
        keys.add(f"nsn:{phonenumbers.national_significant_number(parsed)}")
    if not international:
        keys.add(f"nsn:{digits.lstrip('0')}")  # a trunk prefix ("0151 ...") is not part of the number
    return frozenset(keys)


def format_phone(number: str, region: str = DEFAULT_REGION) -> str:
    """A phone number in one format for showing: international (``+1 415-555-0100``), else as written.

    Vendors write numbers their own way (``(415) 555-0100``, ``+14155550100``, ``415.555.0100``); the
    lookup's rows show them alike so one person's number reads the same in every account.

    Args:
        number: As the vendor wrote it.
        region: Country of numbers written without a country code.
    """
    text = number.strip()
    if len(re.sub(r"\D", "", text)) < MIN_PHONE_DIGITS:
        return text
    e164 = next((k for k in phone_keys(text, region) if k.startswith("+")), "")
    if not e164:
        return text
    import phonenumbers

    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return text
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def phone_problem(text: str, region: str = DEFAULT_REGION) -> str:
    """Why ``text`` is not a phone number one can dial, or "" (short internal extensions pass).

    Args:
        text: The number as typed.
        region: Country (ISO 3166 code) of numbers written without a country code.
    """
    import phonenumbers

    if not _PHONE_CHARS.match(text) or "+" in text.strip()[1:]:
        return PHONE_CHARACTERS
    digits = sum(c.isdigit() for c in text)
    if 2 <= digits <= 5 and not text.strip().startswith("+"):  # an internal extension
        return ""
    try:
        parsed = phonenumbers.parse(text, None if text.strip().startswith("+") else region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        return (f"This is not a complete phone number for {region}: check the digits, or write it with its "
                "country code, like +1 415 555 0100.")
    return ""


def classify(text: str, region: str = DEFAULT_REGION) -> LookupQuery:
    """Works out what a typed query can be.

    Args:
        text: As typed.
        region: Default region for phone numbers without a country code.
    """
    text = text.strip()
    kinds: set[LookupKind] = set()
    email = phone = ""
    keys: frozenset[str] = frozenset()
    tokens: tuple[str, ...] = ()
    if "@" in text and " " not in text:
        kinds.add(LookupKind.EMAIL)
        email = text.lower()
    elif _PHONE_CHARS.match(text) and len(re.sub(r"\D", "", text)) >= MIN_PHONE_DIGITS:
        keys = phone_keys(text, region)
        phone = next((k for k in keys if k.startswith("+")), "")
        if phone:
            kinds.add(LookupKind.PHONE)
        if text.isdigit():
            kinds.add(LookupKind.ID)
    elif " " not in text and any(ch.isdigit() for ch in text):
        kinds.add(LookupKind.ID)
    elif len(text) >= MIN_NAME_LENGTH and any(ch.isalpha() for ch in text):
        kinds.add(LookupKind.NAME)
        tokens = tuple(fold(t) for t in text.split())
    return LookupQuery(text=text, kinds=frozenset(kinds), region=region, email=email,
                       email_complete=bool(_EMAIL.match(email)), phone_e164=phone, phone_keys=keys,
                       name_tokens=tokens)


def match(query: LookupQuery, kind: LookupKind, identity: Identity, record_id: str) -> dict[str, str]:
    """What of a record matches the query as ``kind`` (``{"email": "jane@x.com"}``); empty for no match."""
    if kind is LookupKind.EMAIL:
        for email in identity.emails:
            low = email.strip().lower()
            if (low == query.email) if query.email_complete else (query.email in low):
                return {"email": email}
    elif kind is LookupKind.PHONE:
        for phone in identity.phones:
            if phone and phone_keys(phone, query.region) & query.phone_keys:
                return {"phone": phone}
    elif kind is LookupKind.NAME:
        for name in identity.names:
            words = fold(name).split()
            if query.name_tokens and all(any(w.startswith(t) for w in words) for t in query.name_tokens):
                return {"name": name}
    elif kind is LookupKind.ID and record_id == query.text:
        return {"id": record_id}
    return {}


class LookupMethod(StrEnum):
    """How a vendor answers a lookup on a dataset."""

    #: One page of a server-side filter or search, each record checked with :func:`match`.
    FILTER = "filter"
    #: The first :attr:`LookupRoute.limit` records read and checked here (the vendor has no filter).
    SCAN = "scan"
    #: The record with that id (a vendor "not found" is no hit).
    GET = "get"


@dataclass(frozen=True, slots=True)
class LookupRoute:
    """How a vendor looks up some kinds of query in one dataset (declared in its registry entry).

    Attributes:
        dataset: The dataset searched (its :attr:`DatasetSpec.identity` reads the records).
        kinds: The kinds this route answers.
        method: Filter, scan or get.
        param: The filter key the query value goes into (FILTER).
        limit: Records asked for (FILTER) or read at most (SCAN).
        when: ``(login field, value)``: only for accounts with that login value (Launch27 v1 searches).
    """

    dataset: str
    kinds: frozenset[LookupKind]
    method: LookupMethod = LookupMethod.FILTER
    param: str = ""
    limit: int = 50
    when: tuple[str, str] | None = None

    def applies(self, account_fields: Mapping[str, str]) -> bool:
        """Whether the route exists for an account."""
        return self.when is None or account_fields.get(self.when[0], "") == self.when[1]


def routes(kinds: str, dataset: str, method: LookupMethod = LookupMethod.FILTER, param: str = "", limit: int = 50,
           when: tuple[str, str] | None = None) -> LookupRoute:
    """Shorthand for a registry entry: ``routes("email phone", "clients", param="q")``."""
    return LookupRoute(dataset, frozenset(LookupKind(k) for k in kinds.split()), method, param, limit, when)
