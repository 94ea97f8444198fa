"""A self-check of the mirror's storage for ``--smoke-test``: the frozen app has SQLCipher and FTS5.

Makes an encrypted mirror in a temporary folder, stores a record, opens it again (with the page check
of every open) and finds it by an accent-free substring through the trigram index, then removes it.
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher  # type: ignore[import-untyped]

from console.core.models import Column, DatasetSpec, Record, ViewKind, from_field
from console.services.mirror.contract import MirrorQuery
from console.services.mirror.store import MirrorStore

_SPEC = DatasetSpec(name="people", label="People", view=ViewKind.LIST, title_of=lambda r: r.id,
                    columns=(Column("name", "Name", from_field("name")),))


def probe_mirror() -> str:
    """One phrase for the smoke test's line: the SQLCipher version and ``ok``, or what failed."""
    try:
        version = sqlcipher.connect(":memory:").execute("PRAGMA cipher_version").fetchone()[0]
        with tempfile.TemporaryDirectory(prefix="vc-probe-") as folder:
            path = Path(folder) / "probe.db"
            key = secrets.token_bytes(32)
            mirror = MirrorStore("probe", {"people": _SPEC}, key=key, path=path)
            state = mirror.begin_pass("people")
            state = mirror.store_page(state, [Record("probe", "people", "1", {"name": "Jürgen Müller"})], None)
            mirror.finish_pass(state)
            mirror.close()
            if b"ller" in path.read_bytes():
                return f"SQLCipher {version}, FAILED: the file is not encrypted"
            again = MirrorStore("probe", {"people": _SPEC}, key=key, path=path)
            try:
                found = again.rows("people", MirrorQuery(text="muller"))
                whole = again.notice is None
            finally:
                again.close()
            if not whole or [r.id for r in found] != ["1"]:
                return f"SQLCipher {version}, FAILED: the record was not found again"
            return f"SQLCipher {version}, encrypted file and search ok"
    except Exception as exc:  # the smoke test says what broke instead of stopping
        return f"FAILED: {type(exc).__name__}: {exc}"
