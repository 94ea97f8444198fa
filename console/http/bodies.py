"""Body previews for logs and errors (no httpx import: works on anything with ``.content`` bytes)."""

from __future__ import annotations

from typing import Any

from console.core import log

#: How much of a body the request log and errors keep.
BODY_PREVIEW = 2000


def preview_body(response: Any) -> str:
    """Returns the start of a response body as text, secrets masked."""
    content = getattr(response, "content", b"") or b""
    return log.redact(bytes(content[:BODY_PREVIEW]).decode("utf-8", "replace"))
