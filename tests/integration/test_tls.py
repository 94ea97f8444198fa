"""TLS verification is always on: a server with a certificate nobody vouches for is refused, and said so."""

from __future__ import annotations

import re
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from console.core.credentials import MemoryStore
from console.core.errors import ConnectionFailed
from console.core.models import Query
from console.core.settings import AccountConfig, AccountsFile
from console.http.tls import shared_ssl_context
from console.http.types import HttpSettings
from console.services.accounts import AccountService
from console.services.datasets import DatasetService

ROOT = Path(__file__).resolve().parents[2]


class Answer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.hits += 1  # type: ignore[attr-defined]
        body = b'{"items": [], "hasMore": false}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def self_signed_server(tmp_path: Path) -> Iterator[ThreadingHTTPServer]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.hits = 0  # type: ignore[attr-defined]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


async def test_a_certificate_nobody_vouches_for_is_refused(self_signed_server: ThreadingHTTPServer,
                                                          tmp_path: Path) -> None:
    port = self_signed_server.server_address[1]
    accounts = AccountService(accounts_file=AccountsFile(tmp_path), keychain=MemoryStore(),
                              settings=HttpSettings(max_attempts=1))
    account = AccountConfig(AccountConfig.new_id(), "systeme", "Spoofed", f"https://127.0.0.1:{port}/api")
    await accounts.add(account, {"api_key": "tls-test-key-0001"})
    try:
        with pytest.raises(ConnectionFailed) as info:
            await DatasetService(accounts).fetch_page(account.id, "contacts", Query(), None, 10)
    finally:
        await accounts.aclose()
    message = info.value.user_message
    assert message.title == "Certificate not trusted"
    assert "never turns certificate checks off" in message.next_step
    assert self_signed_server.hits == 0  # no request (and no key) went to it


def test_the_shared_context_verifies() -> None:
    context = shared_ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_no_code_turns_verification_off() -> None:
    pattern = re.compile(r"verify\s*=\s*False|CERT_NONE|check_hostname\s*=\s*False|_create_unverified_context")
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in (ROOT / "console").rglob("*.py")
                 for n, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert offenders == []
