"""Launch27's two logins and the answer shapes they share with the client.

* 2.0: ``POST /auth`` ``{"auth": {email, password}}`` -> ``{"user": {single_access_token, ...}}``,
  then ``X-Authentication: email:token`` (launch27.md:63 [C]).
* v1: ``POST /login`` ``{email, password}`` -> ``{bearer, type, ...}``, then ``Authorization: Bearer``
  (launch27.md:158-170 [C]); ``type`` ending in ``Customer`` means a customer, anything else staff.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from console.core import log
from console.core.errors import BadResponse
from console.http.client import VendorHttp
from console.http.session import SessionAuth
from console.http.types import Reply
from console.vendors.launch27.errors import VENDOR
from console.vendors.parsing import as_object, reply_data

_object = partial(as_object, vendor=VENDOR)


def _objects(value: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        raise BadResponse(VENDOR, f"the {what} answer is not a list of objects")
    return value


def _wrapped(key: str, what: str) -> Any:
    """Parser of 2.0's wrapper objects (``{"booking": {...}}``, ``{"bookings": [...]}``)."""

    def parse(reply: Reply) -> Any:
        data = _object(reply.data, what)
        if key not in data:
            raise BadResponse(VENDOR, f"the {what} answer has no '{key}'")
        return data[key]

    return parse





class V2Session(SessionAuth):
    """2.0: ``POST /auth`` -> ``single_access_token``; ``X-Authentication: email:token``."""

    def __init__(self, email: str, password: str) -> None:
        super().__init__()
        self.email, self.password, self.token = email, password, ""
        #: The logged-in user (``id``, ``first_name``, ``last_name``): 2.0 bookings name their customer by id only.
        self.user: dict[str, str] = {}
        log.register_secret(password)

    async def login(self, http: VendorHttp) -> None:
        """Logs in."""
        user = await http.call("POST", "/auth", json_body={"auth": {"email": self.email, "password": self.password}},
                               parse=_wrapped("user", "login"), auth_required=False)
        token = _object(user, "login").get("single_access_token")
        if not isinstance(token, str) or not token:
            raise BadResponse(VENDOR, "the login answer has no single_access_token")
        self.token = token
        self.user = {k: str(_object(user, "login").get(k) or "") for k in ("id", "first_name", "last_name")}
        log.register_secret(token)

    def credentials(self) -> tuple[dict[str, str], dict[str, str]]:
        """``X-Authentication: email:token``."""
        return {}, {"X-Authentication": f"{self.email}:{self.token}"}


class V1Session(SessionAuth):
    """v1: ``POST /login`` -> Bearer JWT; remembers whether the user is staff or a customer."""

    def __init__(self, email: str, password: str) -> None:
        super().__init__()
        self.email, self.password, self.bearer, self.user_type = email, password, "", ""
        log.register_secret(password)

    async def login(self, http: VendorHttp) -> None:
        """Logs in."""
        data = _object(await http.call("POST", "/login", json_body={"email": self.email, "password": self.password},
                                       parse=reply_data, auth_required=False), "login")
        log.register_secrets_in(data)  # the user's single_access_token rides along with the bearer
        bearer = data.get("bearer")
        if not isinstance(bearer, str) or not bearer:
            raise BadResponse(VENDOR, "the login answer has no bearer token")
        self.bearer = bearer
        self.user_type = str(data.get("type") or "")
        log.register_secret(bearer)

    @property
    def staff(self) -> bool:
        """Admins and staff see every booking; customers their own."""
        return not self.user_type.endswith("Customer")

    def credentials(self) -> tuple[dict[str, str], dict[str, str]]:
        """``Authorization: Bearer <JWT>``."""
        return {}, {"Authorization": f"Bearer {self.bearer}"}
