"""The vendor registry: one entry per vendor package. Adding a vendor is one package plus one line here.

A vendor can also be registered at run time (:func:`register`, a test's throwaway vendor); everything
that lists vendors (the accounts service, the demo workspace, the command line's help) reads
:data:`VENDORS` or :func:`ids` when it needs them, so it sees the vendor from then on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from console.vendors import launch27, setera, setsmart, setster, systeme
from console.vendors.base import VendorSpec

#: Every vendor, in display order (rebound by :func:`register` and :func:`unregister`: read it as
#: ``registry.VENDORS`` at the time of use, not ``from ... import VENDORS``).
VENDORS: tuple[VendorSpec, ...] = (systeme.SPEC, setster.SPEC, setsmart.SPEC, launch27.SPEC, setera.SPEC)
_BY_ID = {spec.id: spec for spec in VENDORS}


def get(vendor_id: str) -> VendorSpec:
    """Returns a vendor's spec.

    Raises:
        KeyError: No such vendor.
    """
    return _BY_ID[vendor_id]


def ids() -> tuple[str, ...]:
    """Every vendor id, in display order."""
    return tuple(_BY_ID)


def register(spec: VendorSpec) -> None:
    """Adds a vendor after the others.

    Raises:
        ValueError: A vendor with that id is registered already.
    """
    global VENDORS, _BY_ID
    if spec.id in _BY_ID:
        raise ValueError(f"a vendor called {spec.id!r} is registered already")
    VENDORS = (*VENDORS, spec)
    _BY_ID = {s.id: s for s in VENDORS}


def unregister(vendor_id: str) -> None:
    """Removes a vendor :func:`register` added.

    Raises:
        KeyError: No such vendor.
    """
    global VENDORS, _BY_ID
    spec = _BY_ID[vendor_id]
    VENDORS = tuple(s for s in VENDORS if s is not spec)
    _BY_ID = {s.id: s for s in VENDORS}


@contextmanager
def registered(spec: VendorSpec) -> Iterator[VendorSpec]:
    """Registers a vendor for the length of a ``with`` block."""
    register(spec)
    try:
        yield spec
    finally:
        unregister(spec.id)
