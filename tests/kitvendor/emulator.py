"""A fake Kit CRM: ``GET /api/people`` (offset, limit up to 100, ``email``, ``q``) and ``GET /api/people/{id}``."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from console.vendors.emulation import EmulatorBase, format_phone, people


def _refuse(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


class KitEmulator(EmulatorBase):
    """The emulator: the seeded people (Jane Doe first, as in every vendor's demo) behind one key.

    Args:
        seed: Seed of the people.
        size: Number of people.
        api_keys: Accepted keys.
    """

    base_path = "/api"

    def __init__(self, *, seed: int = 7, size: int = 100, api_keys: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.api_keys = set(api_keys)
        self.people: list[dict[str, Any]] = [
            {"id": n + 1, "name": p.full_name, "email": p.email, "phone": format_phone(p, "e164"), "city": p.city}
            for n, p in enumerate(people(seed, size))
        ]
        self.app = Starlette(routes=[Route("/api/people", self.list_people),
                                     Route("/api/people/{person_id}", self.one_person)])

    def _allowed(self, request: Request) -> bool:
        return request.headers.get("authorization", "").removeprefix("Token ") in self.api_keys

    async def list_people(self, request: Request) -> JSONResponse:
        if not self._allowed(request):
            return _refuse(401, "unauthorized", "Invalid API key.")
        try:
            offset, limit = int(request.query_params.get("offset", 0)), int(request.query_params.get("limit", 20))
        except ValueError:
            return _refuse(400, "bad_paging", "offset and limit are numbers.")
        if not 1 <= limit <= 100 or offset < 0:
            return _refuse(400, "bad_paging", "limit is 1 to 100, offset 0 or more.")
        email = request.query_params.get("email", "").casefold()
        text = request.query_params.get("q", "").casefold()
        found = [p for p in self.people if (not email or p["email"] == email)
                 and (not text or any(text in str(p[k]).casefold() for k in ("name", "email", "phone")))]
        return JSONResponse({"people": found[offset:offset + limit], "total": len(found)})

    async def one_person(self, request: Request) -> JSONResponse:
        if not self._allowed(request):
            return _refuse(401, "unauthorized", "Invalid API key.")
        wanted = request.path_params["person_id"]
        person = next((p for p in self.people if str(p["id"]) == wanted), None)
        return JSONResponse(person) if person else _refuse(404, "not_found", f"No person {wanted}.")
