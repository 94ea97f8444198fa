"""The spec builder: what it reads from a package, what it refuses, and its lazy factories."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from console.vendors import registry
from console.vendors.kit import Emulated, emulator_factory, load, vendor_spec
from tests.kitvendor import errors

#: What the fake emulator below was built with, in order.
BUILT: list[dict[str, Any]] = []


class Recorder:
    """A stand-in emulator class: keeps its options."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        BUILT.append(options)


def test_the_spec_comes_from_the_package() -> None:
    spec = vendor_spec("tests.kitvendor", errors, client="client:KitClient", default_base_url="", base_url_help="",
                       login_fields=())
    assert (spec.id, spec.display_name, spec.to_error) == ("kitvendor", "Kit CRM", errors.to_error)
    assert [d.name for d in spec.datasets] == ["people"]  # datasets.py's DATASETS
    assert spec.error_table == errors.MESSAGES and spec.emulator is None


def test_the_client_class_is_imported_only_for_the_first_client() -> None:
    sys.modules.pop("tests.kitvendor.client", None)
    spec = vendor_spec("tests.kitvendor", errors, client="client:KitClient", default_base_url="", base_url_help="",
                       login_fields=())
    assert "tests.kitvendor.client" not in sys.modules
    from console.vendors.base import ClientContext

    client = spec.make_client(ClientContext("a", "https://api.kitcrm.example/api"))
    assert type(client).__name__ == "KitClient" and client.http.vendor == "kitvendor"
    assert "tests.kitvendor.client" in sys.modules


@pytest.mark.parametrize("field", ["main_dataset", "lookup"])
def test_a_dataset_the_vendor_does_not_have_is_refused(field: str) -> None:
    from console.core.lookup import routes

    emulator = Emulated("emulator:KitEmulator", (), 1, "nope" if field == "main_dataset" else "people")
    lookups = (routes("email", "nope"),) if field == "lookup" else ()
    with pytest.raises(ValueError, match="no dataset called"):
        vendor_spec("tests.kitvendor", errors, client="client:KitClient", default_base_url="", base_url_help="",
                    login_fields=(), emulator=emulator, lookups=lookups)


def test_each_emulator_gets_its_own_copy_of_the_defaults_and_the_callers_options_win() -> None:
    BUILT.clear()
    make = emulator_factory("tests.unit.vendors", "test_kit:Recorder", {"keys": {"k": 1}, "size": 5})
    first, second, third = make(seed=1), make(seed=2), make(seed=3, size=9)
    first.options["keys"]["k"] = 2  # type: ignore[attr-defined]
    assert second.options == {"seed": 2, "keys": {"k": 1}, "size": 5}  # type: ignore[attr-defined]
    assert third.options["size"] == 9  # type: ignore[attr-defined]


def test_a_reference_must_name_module_and_attribute() -> None:
    with pytest.raises(ValueError, match="module:attribute"):
        load("tests.kitvendor", "client")


def test_unregister_removes_only_that_vendor() -> None:
    from tests import kitvendor

    before = registry.VENDORS
    registry.register(kitvendor.SPEC)
    registry.unregister(kitvendor.SPEC.id)
    assert before == registry.VENDORS
    with pytest.raises(KeyError):
        registry.unregister(kitvendor.SPEC.id)
