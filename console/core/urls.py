"""Which base URLs the console connects to: HTTPS, or plain HTTP to this computer only.

Plain HTTP to another host sends keys and customers' data readable by anyone on the way, so it is
refused unless the account's owner switched on "allow insecure" for that account (off by default).
"""

from __future__ import annotations

import contextlib
import ipaddress
from urllib.parse import urlsplit


def is_loopback(host: str) -> bool:
    """Whether a host name or address is this computer."""
    if host.lower() == "localhost":
        return True
    with contextlib.suppress(ValueError):  # a host name, not an address
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    return False


def base_url_problem(url: str, *, allow_insecure: bool = False) -> str:
    """Why a base URL cannot be used, or "" when it can.

    Args:
        url: The address as typed or saved.
        allow_insecure: The account allows plain HTTP to other hosts.
    """
    text = url.strip()
    if not text:
        return "Enter the base URL."
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Enter a full address starting with https://"
    if "<" in text or ">" in text:
        return "Replace the part in angle brackets with your own (e.g. your tenant name)."
    if parts.scheme == "http" and not allow_insecure and not is_loopback(parts.hostname):
        return ("Use https:// (plain http is allowed only for this computer, e.g. the emulators, or when "
                "the account allows insecure connections).")
    return ""
