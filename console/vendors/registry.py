"""The vendor registry: one entry per vendor package. Adding a vendor is one package plus one line here."""

from __future__ import annotations

from console.vendors import launch27, setera, setsmart, setster, systeme
from console.vendors.base import VendorSpec

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
