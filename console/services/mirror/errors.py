"""What goes wrong with a mirror's file, in the console's error tree."""

from __future__ import annotations

from sqlcipher3 import dbapi2 as sqlcipher  # type: ignore[import-untyped]

from console.core.errors import ConsoleError


class MirrorFull(ConsoleError):
    """The disk is full: the mirror cannot grow (what it held before is kept)."""

    default_title = "Disk full"


class MirrorDamaged(ConsoleError):
    """The mirror's file turned out damaged while in use: it was moved aside and the mirror starts empty."""

    default_title = "Local copy rebuilt"


def failure_kind(exc: BaseException) -> str:
    """``"full"``, ``"damaged"`` (corrupt, or not a database: a wrong key) or ``""`` for an SQLite error."""
    if not isinstance(exc, sqlcipher.DatabaseError):
        return ""
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL" or "database or disk is full" in str(exc):
        return "full"
    if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in str(exc) or "not a database" in str(exc):
        return "damaged"
    return ""
