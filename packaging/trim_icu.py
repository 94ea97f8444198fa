"""Makes a smaller ICU data library for the Linux bundle (packaging/vendor-console.spec).

Qt's libicudata.so.<n> (32 MB, a quarter of the bundle) holds one ICU common-data package (the
symbol ``icudt<n>_dat``). Qt keeps its own locale tables (CLDR, built into QtCore), so the ICU
trees that only name or format things for display (units, time-zone names, currencies, languages,
regions, transliterators, spelled-out numbers: :data:`DROPPED`) are never read by it; collation,
break rules, converters, normalization and time-zone names (QTimeZone.displayName reads those)
stay. The package is written again without those trees
(its table of contents sorted as before, each item 16-byte aligned) and linked with binutils'
``as`` and ``ld`` into a library of the same name and symbol. Anything unexpected leaves the
original in place.

Usage from the spec: ``trimmed = trim_icu_data(path, workdir)`` (the original path when it fails).
"""

from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

#: The trees of the package that Qt never reads (display names and formats; Qt has its own).
DROPPED = ("unit/", "curr/", "lang/", "region/", "translit/", "rbnf/")
_ALIGN = 16


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _package(library: Path) -> tuple[str, bytes]:
    """The data symbol's name and bytes."""
    syms = _run("readelf", "-W", "--dyn-syms", str(library))
    found = re.search(r"\s([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\w+\s+\d+\s+(icudt\d+_dat)\b", syms)
    if found is None:
        raise ValueError("no icudt*_dat symbol")
    address, size, symbol = int(found.group(1), 16), int(found.group(2), 0), found.group(3)
    for line in _run("readelf", "-W", "-l", str(library)).splitlines():
        fields = line.split()
        if fields and fields[0] == "LOAD":
            offset, start, length = int(fields[1], 16), int(fields[2], 16), int(fields[4], 16)
            if start <= address and address + size <= start + length:
                data = library.read_bytes()
                return symbol, data[address - start + offset:address - start + offset + size]
    raise ValueError("the data symbol is in no loaded segment")


def _align(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN


def trimmed_package(blob: bytes, dropped: tuple[str, ...] = DROPPED) -> bytes:
    """The common-data package ``blob`` without the items under the ``dropped`` trees."""
    header = struct.unpack_from("<H", blob, 0)[0]
    if blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD" or header % _ALIGN:
        raise ValueError("not an ICU common-data package")
    count = struct.unpack_from("<I", blob, header)[0]
    toc = [struct.unpack_from("<II", blob, header + 4 + 8 * i) for i in range(count)]
    ends = [data for _name, data in toc[1:]] + [len(blob) - header]
    items = []
    for (name_at, data_at), end in zip(toc, ends, strict=True):
        name = blob[header + name_at:blob.index(b"\0", header + name_at)]
        tree = name.decode("ascii").split("/", 1)[1]
        if not tree.startswith(dropped):
            items.append((name, blob[header + data_at:header + end]))
    names = b"".join(name + b"\0" for name, _data in items)
    table_end = 4 + 8 * len(items)
    at = _align(table_end + len(names))
    entries, body, name_at = [], bytearray(), table_end
    for name, data in items:
        entries.append(struct.pack("<II", name_at, at + len(body)))
        name_at += len(name) + 1
        body += data + b"\0" * (_align(len(data)) - len(data))
    toc_bytes = struct.pack("<I", len(items)) + b"".join(entries) + names
    return blob[:header] + toc_bytes + b"\0" * (at - len(toc_bytes)) + bytes(body)


def trim_icu_data(library: Path, workdir: Path) -> Path:
    """A smaller copy of ``library`` in ``workdir`` (same file name and symbol), or ``library`` itself."""
    try:
        symbol, blob = _package(library)
        smaller = trimmed_package(blob)
        workdir.mkdir(parents=True, exist_ok=True)
        package = workdir / f"{symbol}.dat"
        package.write_bytes(smaller)
        source = workdir / f"{symbol}.s"
        source.write_text(f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n'
                          f'{symbol}:\n\t.incbin "{package}"\n\t.size {symbol}, . - {symbol}\n'
                          '\t.section .note.GNU-stack,"",@progbits\n', encoding="ascii")
        obj = workdir / f"{symbol}.o"
        out = workdir / library.name
        _run("as", "-o", str(obj), str(source))
        _run("ld", "-shared", "-soname", library.name, "-o", str(out), str(obj))
        if _package(out)[1] != smaller:
            raise ValueError("the new library does not hold the new package")
        print(f"trim_icu: {library.name} {len(blob) / 2**20:.1f} MB -> {out.stat().st_size / 2**20:.1f} MB")
        return out
    except (OSError, ValueError, subprocess.CalledProcessError) as exc:
        print(f"trim_icu: {library.name} kept whole ({exc})")
        return library
