"""Base URL policy: HTTPS, or plain HTTP to this computer, or to another one only when the account allows it."""

from __future__ import annotations

import pytest

from console.core.urls import base_url_problem, is_loopback


@pytest.mark.parametrize("url", ["https://api.systeme.io/api", "http://127.0.0.1:8080/api", "http://localhost/v1",
                                 "http://[::1]:9000/api", "http://127.5.6.7/api", "https://10.0.0.5/api"])
def test_accepted(url: str) -> None:
    assert base_url_problem(url) == ""


@pytest.mark.parametrize(("url", "says"), [
    ("", "Enter the base URL"),
    ("api.systeme.io/api", "starting with https://"),
    ("ftp://files.example.com", "starting with https://"),
    ("https://<tenant>.launch27.com/v1", "angle brackets"),
    ("http://api.example.com/api", "Use https://"),
    ("http://10.0.0.5/api", "Use https://"),
    ("http://localhost.evil.example/api", "Use https://"),
])
def test_refused_with_a_reason(url: str, says: str) -> None:
    assert says in base_url_problem(url)


def test_plain_http_elsewhere_only_when_the_account_allows_it() -> None:
    assert base_url_problem("http://intranet.example/api", allow_insecure=True) == ""
    assert "starting with https://" in base_url_problem("ftp://x.example", allow_insecure=True)


def test_loopback() -> None:
    assert is_loopback("LOCALHOST") and is_loopback("::1") and is_loopback("127.0.0.1")
    assert not is_loopback("localhost.example") and not is_loopback("192.168.1.1")
