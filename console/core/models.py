"""Plain data shared above the vendor layer: records, pages, queries and the descriptors of datasets.

A dataset is described once, in its vendor package, by a :class:`DatasetSpec`: its columns (what the
table shows and which ones the vendor can sort by), its form fields (what can be created and edited),
its filters (what the vendor can filter by, server-side) and what operations it has. Views, the export
and the CLI are built from these descriptors; nothing above the vendor layer knows a vendor's fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from console.core.lookup import Identity

T = TypeVar("T")

#: A vendor's paging position: an id to start after, a page number or an offset. Opaque above vendors/.
Cursor = str | int | None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a dataset.

    Attributes:
        items: The page's items, in the order the vendor gave them.
        next_cursor: What to pass to get the next page (``None`` when there is none).
        has_more: Whether another page exists.
        total: The dataset's size when the vendor says it, else ``None``.
        notes: Plain sentences about what this list lacks or what was odd in the answer (an
            optional call the vendor does not offer, records that shared an id); shown under the
            list and printed once by the CLI.
        duplicates: Records of this answer left out because an earlier record of the same answer
            had the same id (the first is kept; the count is said, never dropped silently).
    """

    items: Sequence[T]
    next_cursor: Cursor
    has_more: bool
    total: int | None = None
    notes: tuple[str, ...] = ()
    duplicates: int = 0

    @property
    def has_next(self) -> bool:
        """Whether a next page follows: the one stop rule of every pager (:mod:`console.services.paging`).

        A next page follows when the vendor says there is more, gives the cursor to it, and this page
        was not empty: an empty page that claims more would be asked for again from a cursor that
        moved past nothing, so it ends the list too.
        """
        return self.has_more and self.next_cursor is not None and bool(self.items)


class Record:
    """One vendor record, as plain data.

    A table keeps tens of thousands of them; it stores them compactly itself
    (:mod:`console.ui.row_store`), so a record here is only its values.

    Attributes:
        vendor: Vendor id.
        dataset: Dataset name.
        id: The record's id, always a string above the vendor layer.
        fields: The vendor's fields as returned (``id`` included, in the vendor's own type); this is
            what exports write.
        derived: Values the vendor package worked out for display (times made zone-aware, JSON
            strings decoded); shown, never exported. Keys starting with ``_`` are working values
            (such as the values an edit form starts from) and are not shown.
    """

    __slots__ = ("dataset", "derived", "fields", "id", "vendor")

    def __init__(self, vendor: str, dataset: str, id: str,
                 fields: dict[str, Any], derived: dict[str, Any] | None = None) -> None:
        self.vendor = vendor
        self.dataset = dataset
        self.id = id
        self.fields = fields
        self.derived: dict[str, Any] = derived if derived is not None else {}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return ((self.vendor, self.dataset, self.id, self.fields, self.derived)
                == (other.vendor, other.dataset, other.id, other.fields, other.derived))

    __hash__ = None  # type: ignore[assignment]  # mutable data: not a dict key

    def __repr__(self) -> str:
        return (f"Record(vendor={self.vendor!r}, dataset={self.dataset!r}, id={self.id!r}, "
                f"fields={self.fields!r}, derived={self.derived!r})")

    def __reduce__(self) -> tuple[Any, ...]:
        return Record, (self.vendor, self.dataset, self.id, self.fields, self.derived)


@dataclass(frozen=True, slots=True)
class WriteResult:
    """The outcome of a create or update that may be partly done.

    Attributes:
        record: The record as it stands after the write.
        warnings: Steps that failed after the main write succeeded (e.g. a tag that could not be attached).
    """

    record: Record
    warnings: list[str] = field(default_factory=list)


class FieldKind(StrEnum):
    """What kind of value a column, form field or filter holds."""

    TEXT = "text"
    MULTILINE = "multiline"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    ID = "id"
    #: A start time picked from the vendor's free times (a date, then one of the day's slots).
    SLOT = "slot"
    #: A status shown as a coloured badge.
    STATUS = "status"
    #: A US ZIP code: 5 digits or ZIP+4 (``94105-1234``), checked before it is sent.
    US_ZIP = "us_zip"


class ViewKind(StrEnum):
    """Which view shows a dataset (design: contacts, bookings, properties, plain lists)."""

    CONTACTS = "contacts"
    BOOKINGS = "bookings"
    PROPERTIES = "properties"
    LIST = "list"


@dataclass(frozen=True, slots=True)
class Choice:
    """One allowed value of a choice field."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Badge:
    """How a status value looks: its words and colour (``#rrggbb``)."""

    label: str
    color: str


@dataclass(frozen=True, slots=True)
class Slot:
    """One free start time offered by the vendor.

    Attributes:
        value: What is sent back when booking it (the vendor's own format).
        label: What the user sees ("10:30").
    """

    value: str
    label: str


def from_field(key: str) -> Callable[[Record], Any]:
    """A column reader of one vendor field."""
    return lambda record: record.fields.get(key)


def from_derived(key: str) -> Callable[[Record], Any]:
    """A column reader of one value the vendor package worked out (a zone-aware time, a name)."""
    return lambda record: record.derived.get(key)


@dataclass(frozen=True, slots=True)
class Column:
    """One table column.

    Attributes:
        key: Stable name (used for layouts and CSV headers).
        label: Header text.
        extract: Reads the column's value from a record.
        kind: How to show the value.
        sort_key: The vendor's server-side sort name; ``None`` when the vendor cannot sort by it.
        width: Preferred width in characters.
        badges: For STATUS columns: the badge of each value (as a string).
        sort_when: ``(login field, value)``: the vendor sorts by this column only for such accounts.
    """

    key: str
    label: str
    extract: Callable[[Record], Any]
    kind: FieldKind = FieldKind.TEXT
    sort_key: str | None = None
    width: int = 16
    badges: Mapping[str, Badge] = field(default_factory=dict)
    sort_when: tuple[str, str] | None = None

    def sortable(self, account_fields: Mapping[str, str]) -> bool:
        """Whether the vendor can sort by this column for an account."""
        if self.sort_key is None:
            return False
        return self.sort_when is None or account_fields.get(self.sort_when[0], "") == self.sort_when[1]

    def badge(self, value: Any) -> Badge | None:
        """The badge for a status value, if the column has one."""
        return self.badges.get(str(value)) if self.badges else None


@dataclass(frozen=True, slots=True)
class FormField:
    """One field of a create/edit form.

    Attributes:
        key: Name used in ``changes`` dicts and in validation errors.
        label: Label text.
        kind: Widget kind.
        required: Must not be empty on create.
        on_create: Shown when creating.
        on_edit: Editable when editing.
        choices: Allowed values for choice fields.
        choices_from: Where the choices come from: a dataset of the vendor (value = id, label =
            title), or another list the vendor client knows (e.g. Launch27 ``frequencies``).
        max_length: Longest accepted text.
        placeholder: Hint shown in an empty field.
        help: One line under the field.
        depends_on: For SLOT fields: the form fields the free times depend on (service, staff...).
        default: The value a new record starts with.
        minimum: Smallest accepted number (numeric fields).
        maximum: Largest accepted number (numeric fields).
        after: For dates: the key of the field this one must come after (check-out after check-in).
    """

    key: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    on_create: bool = True
    on_edit: bool = True
    choices: tuple[Choice, ...] = ()
    choices_from: str | None = None
    max_length: int | None = None
    placeholder: str = ""
    help: str = ""
    depends_on: tuple[str, ...] = ()
    default: str = ""
    minimum: float | None = None
    maximum: float | None = None
    after: str = ""


@dataclass(frozen=True, slots=True)
class FilterSpec:
    """A server-side filter the vendor supports.

    Attributes:
        key: Name passed in :attr:`Query.filters`.
        label: Label text.
        kind: Widget kind (TEXT, EMAIL, CHOICE, BOOLEAN, DATE...).
        choices: Allowed values for choice filters.
        choices_from: Dataset whose records are the choices.
        placeholder: Hint shown in an empty field.
        primary: The filter bound to the main search box of the view.
        range_role: ``"from"`` or ``"to"`` for the two ends of a date range (the bookings view's
            date bar drives them).
        when: ``(login field, value)``: the filter exists only for accounts with that login value.
    """

    key: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    choices: tuple[Choice, ...] = ()
    choices_from: str | None = None
    placeholder: str = ""
    primary: bool = False
    range_role: str | None = None
    when: tuple[str, str] | None = None

    def applies(self, account_fields: Mapping[str, str]) -> bool:
        """Whether the vendor supports this filter for an account (Launch27 2.0 has no text search)."""
        return self.when is None or account_fields.get(self.when[0], "") == self.when[1]


@dataclass(frozen=True, slots=True)
class Query:
    """What to list: filters (by :attr:`FilterSpec.key`) and a sort.

    Attributes:
        filters: Filter values; empty strings are treated as absent.
        sort: A column's ``sort_key``, or ``None`` for the vendor's default order.
        descending: Sort direction.
    """

    filters: Mapping[str, str] = field(default_factory=dict)
    sort: str | None = None
    descending: bool = True

    def active_filters(self) -> dict[str, str]:
        """Returns the filters that have a value, stripped."""
        return {k: v.strip() for k, v in self.filters.items() if v and v.strip()}


def _always(_record: Record) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class RecordAction:
    """An operation on one record beyond edit and delete (cancel, reschedule...).

    Attributes:
        key: Name passed to the vendor client.
        label: Button text ("Cancel booking…").
        form_fields: Fields to fill first (reschedule asks for a new time); none = no form.
        destructive: Shown with a warning style.
        available: Whether the action applies to a record (a cancelled booking cannot be cancelled).
        opens: ``(dataset, filter key)``: instead of calling the vendor, open that dataset's tab
            filtered to this record ("Show reservations" of a property).
        done: What happened, in words, for the status bar once the vendor accepted it: a template whose
            ``{names}`` are the record's derived values or fields (times are shown in their zone) and
            ``{title}`` its title, e.g. ``"Rescheduled {client_name} to {start}"``.
    """

    key: str
    label: str
    form_fields: tuple[FormField, ...] = ()
    destructive: bool = False
    available: Callable[[Record], bool] = _always
    opens: tuple[str, str] | None = None
    done: str = ""


@dataclass(frozen=True, slots=True)
class Question:
    """A confirmation the vendor needs, asked in plain words before an action runs.

    Attributes:
        key: Name of the answer passed back to the vendor client.
        title: Dialog title.
        text: The question.
        choices: The answers that go ahead (the user can always back out).
        detail: One more line of explanation.
    """

    key: str
    title: str
    text: str
    choices: tuple[Choice, ...]
    detail: str = ""


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    """Everything the generic layers need to know about one dataset of one vendor.

    Attributes:
        name: Dataset id (``contacts``...), as in ``shared/vendors/README.md``.
        label: Tab text.
        view: Which view shows it.
        columns: Table columns, in default order.
        title_of: A record's short human name (used in confirmations: "Delete jane@example.com?").
        form_fields: Create/edit form.
        to_form: Reads a record's current form values (by form field key).
        filters: Server-side filters.
        can_create: Create is available.
        can_edit: Edit is available.
        can_delete: Delete is available.
        default_descending: The vendor's default order direction.
        noun: What one record is called ("contact", "tag").
        actions: Record operations beyond edit and delete.
        delete_warning: Said in the delete confirmation (e.g. "Delete erases it; Cancel keeps a record").
        id_key: The vendor's id field (``id``, or Setster's ``client_id``).
        record_editable: Which records edit and delete apply to (Setera: personal contacts only).
        refresh_seconds: Reload the visible view this often (live counts); 0 for never.
        identity: What a record says about a person (the support-desk lookup matches and shows it).
        read_only_reason: Why a record :attr:`record_editable` refuses cannot be changed here, in one
            sentence (shown beside the greyed Edit and Delete).
        arrives_whole: The vendor sends the whole list in one answer (Setera's directory): the table
            takes every row of it at once, and its count says so, instead of showing it page by page.
    """

    name: str
    label: str
    view: ViewKind
    columns: tuple[Column, ...]
    title_of: Callable[[Record], str]
    form_fields: tuple[FormField, ...] = ()
    to_form: Callable[[Record], dict[str, Any]] | None = None
    filters: tuple[FilterSpec, ...] = ()
    can_create: bool = False
    can_edit: bool = False
    can_delete: bool = False
    default_descending: bool = True
    noun: str = "record"
    actions: tuple[RecordAction, ...] = ()
    delete_warning: str = ""
    id_key: str = "id"
    record_editable: Callable[[Record], bool] = _always
    refresh_seconds: int = 0
    identity: Callable[[Record], Identity] | None = None
    read_only_reason: str = ""
    arrives_whole: bool = False

    def column(self, key: str) -> Column:
        """Returns the column named ``key``.

        Raises:
            KeyError: No such column.
        """
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def form_values(self, record: Record) -> dict[str, Any]:
        """Returns the record's current values by form field key (empty when the dataset has no form)."""
        return self.to_form(record) if self.to_form else {}


@dataclass(frozen=True, slots=True)
class LoginField:
    """One field of a vendor's login (``shared/vendors/README.md`` fixes the names).

    Attributes:
        name: Field name (``api_key``, ``email``...); secret ones map to ``VENDOR_CONSOLE_<NAME>``.
        label: Label text.
        secret: Stored in the OS keychain, never in settings.
        choices: Allowed values (e.g. Launch27 ``api``).
        default: Pre-filled value.
        placeholder: Hint shown in an empty field.
        help: One line under the field.
        when: ``(other field, value)``: the field applies only when that field has that value
            (Launch27's API key exists only for API 2.0).
    """

    name: str
    label: str
    secret: bool = False
    choices: tuple[str, ...] = ()
    default: str = ""
    placeholder: str = ""
    help: str = ""
    when: tuple[str, str] | None = None

    @property
    def env_var(self) -> str:
        """The environment variable the CLI reads this field from when it is secret."""
        return f"VENDOR_CONSOLE_{self.name.upper()}"

    def applies(self, values: Mapping[str, str]) -> bool:
        """Whether the field is part of the login, given the other fields' values."""
        if self.when is None:
            return True
        other, wanted = self.when
        return values.get(other, "") == wanted


@dataclass(frozen=True, slots=True)
class AccountOption:
    """A per-account setting for behaviour the vendor documents loosely.

    Attributes:
        key: Name in ``AccountConfig.options``.
        label: Label text.
        choices: Allowed values.
        default: Value when unset.
        help: One line explaining it.
    """

    key: str
    label: str
    choices: tuple[Choice, ...]
    default: str
    help: str = ""
