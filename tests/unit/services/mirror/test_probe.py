"""The smoke test's check of the mirror's storage."""

from __future__ import annotations

import tempfile
from pathlib import Path

from console.services.mirror.probe import probe_mirror


def test_the_probe_stores_finds_and_leaves_nothing(console_home: Path) -> None:
    before = set(Path(tempfile.gettempdir()).glob("vc-probe-*"))
    text = probe_mirror()
    assert text.startswith("SQLCipher 4.") and text.endswith("encrypted file and search ok"), text
    assert set(Path(tempfile.gettempdir()).glob("vc-probe-*")) == before
    assert not (console_home / "data").exists()
