"""Writes resources/vendor-console.ico (16-256 px, PNG-compressed entries) from resources/vendor-console.png.

Run it after changing the PNG: ``.venv/bin/python packaging/windows/make_icon.py``. Windows' shell and
Inno Setup take the .ico; Linux and macOS use the PNG.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage

ROOT = Path(__file__).resolve().parents[2]
SIZES = (16, 24, 32, 48, 64, 128, 256)


def png_bytes(image: QImage, size: int) -> bytes:
    scaled = image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    scaled.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    source = QImage(str(ROOT / "resources" / "vendor-console.png"))
    if source.isNull():
        print("cannot read resources/vendor-console.png", file=sys.stderr)
        return 1
    images = [png_bytes(source, size) for size in SIZES]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, blob in zip(SIZES, images, strict=True):
        side = 0 if size == 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    target = ROOT / "resources" / "vendor-console.ico"
    target.write_bytes(header + entries + b"".join(images))
    print(f"wrote {target} ({len(SIZES)} sizes, {target.stat().st_size} bytes)")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
