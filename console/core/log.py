"""Logging: one named logger per concern, and a redaction filter that keeps secrets out of every line.

Secrets are masked two ways: values registered with :func:`register_secret` (every key, token and
password the app loads) are replaced wherever they appear, and header or parameter shapes that carry
secrets (``X-API-Key: ...``, ``Authorization: Bearer ...``, ``api_key=...``) are masked even when the
value was never registered.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
import threading
from pathlib import Path

MASK = "***"


_SECRET_NAMES = (
    r"x-api-key|authorization|x-authentication|api[_-]?key|apikey|token|session_token|"
    r"single_access_token|password|secret|bearer|access_token|refresh_token"
)
# A secret-looking name followed by ':' or '=' (optionally quoted) and its value.
_PATTERN = re.compile(
    rf"""(?P<name>["']?(?:{_SECRET_NAMES})["']?\s*[:=]\s*)(?P<q>["']?)(?:bearer\s+)?(?P<value>[^\s"'&,;}}]+)""",
    re.IGNORECASE,
)
# How every secret-shaped name ends, followed by its separator: searched in the lowered text first, so
# the slow pattern only runs where a secret can be (a 64 KB page answer mentioning "key" took 10 ms).
_NAME_ENDS = re.compile(r"""(?:key|authorization|authentication|token|password|secret|bearer)["']?\s*[:=]""")
# The name part alone, looked for just before such an ending, and the value after it.
_NAME = re.compile(rf"""["']?(?:{_SECRET_NAMES})["']?\s*[:=]""", re.IGNORECASE)
_VALUE = re.compile(r"""\s*(?P<q>["']?)(?:bearer\s+)?(?P<value>[^\s"'&,;}]+)""", re.IGNORECASE)
#: How far before its ending a secret-shaped name can start (``"single_access_token`` and a quote).
_NAME_REACH = 24
_lock = threading.Lock()
_secrets: set[str] = set()
_ordered: tuple[str, ...] = ()

#: Shortest value treated as a secret: shorter ones would mask ordinary words.
MIN_SECRET_LENGTH = 4


def register_secret(value: str | None) -> None:
    """Masks ``value`` from now on in every log line and every :func:`redact` result."""
    global _ordered
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        _ordered = tuple(sorted(_secrets, key=len, reverse=True))  # longest first: no partial masks


_SECRET_KEY = re.compile(rf"^(?:{_SECRET_NAMES})$", re.IGNORECASE)


def register_secrets_in(answer: object) -> None:
    """Registers every string under a secret-shaped name in a decoded answer (a login's tokens).

    Vendors hand out more than the token a client uses (Launch27's login carries the user's
    ``single_access_token`` beside the bearer); each is a credential, so each is masked.
    """
    stack = [answer]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, str) and _SECRET_KEY.match(str(key)):
                    register_secret(value)
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def redact(text: str) -> str:
    """Returns ``text`` with registered secrets and secret-shaped values masked."""
    if not text:
        return text
    for secret in _ordered:  # plain substring search: fast on large bodies (the request inspector)
        if secret in text:
            text = text.replace(secret, MASK)
    lowered = text.lower()
    if len(lowered) != len(text):  # lowering changed the length (rare letters): positions differ
        return _PATTERN.sub(lambda m: f"{m['name']}{m['q']}{MASK}", text)
    return _mask_shapes(text, lowered)


def _has_name_ending_at(text: str, earliest: int, ending: re.Match[str]) -> bool:
    """Whether a whole secret-shaped name (with its separator) ends where ``ending`` does.

    Only a name that ends right there counts: an earlier one in reach (``api_key:,api_key:...``) may
    have no value of its own.
    """
    return any(_NAME.fullmatch(text, start, ending.end()) for start in range(earliest, ending.start() + 1))


def _mask_shapes(text: str, lowered: str) -> str:
    """Masks secret-shaped values (``api_key=...``) as :data:`_PATTERN` does, looking only near names."""
    pieces: list[str] = []
    done = 0
    for ending in _NAME_ENDS.finditer(lowered):
        if ending.start() < done:
            continue
        if not _has_name_ending_at(text, max(done, ending.start() - _NAME_REACH), ending):
            continue
        value = _VALUE.match(text, ending.end())
        if value is None:
            continue
        pieces += [text[done:value.start("q")], value["q"], MASK]
        done = value.end()
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in the formatted message and the exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrites the record in place; never drops it."""
        try:
            message = record.getMessage()
        except Exception:  # a bad %-format must not lose the line
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        return True


def get_logger(name: str) -> logging.Logger:
    """Returns the named logger with the redaction filter attached to it.

    A filter on the logger itself (not only on handlers) means every handler, including ones added
    later by tests or embedding code, receives lines that are already masked.
    """
    logger = logging.getLogger(name)
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
    return logger


http = get_logger("console.http")
auth = get_logger("console.auth")
ui = get_logger("console.ui")
sandbox = get_logger("console.sandbox")
services = get_logger("console.services")
config = get_logger("console.config")
cli = get_logger("console.cli")
qt = get_logger("console.qt")
# Libraries that log URLs (httpx logs every request at INFO): masked too, and kept quiet.
for _name in ("httpx", "httpcore", "uvicorn", "uvicorn.error", "uvicorn.access"):
    get_logger(_name).setLevel(logging.WARNING)

_configured = False


def setup(level: int | None = None, log_file: Path | None = None, *, stream: bool | None = None) -> None:
    """Installs the handlers once: a rotating file and, if asked, stderr; both redacted.

    ``VENDOR_CONSOLE_DEBUG=1`` in the environment means DEBUG level and a copy on stderr.

    Args:
        level: Level for the ``console`` loggers (default INFO, or DEBUG with the variable).
        log_file: Where to write; ``None`` for no file.
        stream: Also log to stderr (default: only with the variable).
    """
    global _configured
    debug = bool(os.environ.get("VENDOR_CONSOLE_DEBUG"))
    level = level if level is not None else (logging.DEBUG if debug else logging.INFO)
    stream = debug if stream is None else stream
    root = logging.getLogger("console")
    root.setLevel(level)
    if _configured:
        return
    _configured = True
    fmt = logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    handlers: list[logging.Handler] = []
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        )
    if stream and sys.stderr is not None:  # a windowed frozen app may have no stderr at all
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(fmt)
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
