"""The vendors the console knows, for the UI (which does not import vendor packages itself)."""

from __future__ import annotations

from console.vendors import registry
from console.vendors.base import VendorSpec

__all__ = ["VendorSpec", "vendor", "vendors"]


def vendors() -> tuple[VendorSpec, ...]:
    """Every vendor, in display order."""
    return registry.VENDORS


def vendor(vendor_id: str) -> VendorSpec:
    """One vendor by id.

    Raises:
        KeyError: No such vendor.
    """
    return registry.get(vendor_id)
