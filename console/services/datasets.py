"""Datasets: paging, reads and edits for any account, and the form diff that edits send.

Lists in the window ask :meth:`DatasetService.list_page`, which a *local source* (the local copies of
issue 17, :class:`~console.services.mirror.copies.LocalCopies`) may answer instead of the vendor;
everything else (the sync itself, export, the checks after an unknown outcome) reads the vendor
through :meth:`DatasetService.fetch_page`. Every record the console reads fresh, creates, changes or
deletes is told to the *record watchers* (the local copies keep it at once).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from console.core.constants import UI_PAGE_SIZE
from console.core.errors import NotFound, ValidationError
from console.core.listeners import subscribe
from console.core.models import (
    Choice,
    Cursor,
    DatasetSpec,
    FieldKind,
    Page,
    Query,
    Question,
    Record,
    Slot,
    WriteResult,
)
from console.services.accounts import AccountService
from console.services.paging import pages
from console.vendors.refusals import refused_outside_form

if TYPE_CHECKING:
    from console.services.mirror.sync_progress import SyncProgress

#: A dataset used as choices (tags for a contact) is read up to this many records.
MAX_CHOICES = 2000
#: Seconds a record read fresh (or written) counts as fresh: opening it again reads nothing.
FRESH_SECONDS = 5.0
#: Records whose fresh read is remembered before the old ones are forgotten.
FRESH_KEPT = 500


class LocalSource(Protocol):
    """What may answer a list instead of the vendor (the local copies)."""

    def answers(self, account_id: str, dataset: str, query: Query) -> bool:
        """Whether it answers this list's first page (complete, and only filters it can apply)."""
        ...

    def synced_at(self, account_id: str, dataset: str) -> float | None:
        """Unix time the dataset's copy was last brought up to date (``None``: never)."""
        ...

    async def page(self, account_id: str, dataset: str, query: Query, cursor: Cursor,
                   limit: int) -> Page[Record] | None:
        """The page from the local copy, or ``None``: ask the vendor (not complete, a filter it cannot apply)."""
        ...

    def kept(self, account_id: str, dataset: str) -> bool:
        """Whether the account's copy is open and mirrors this dataset (complete or not yet)."""
        ...

    async def refresh(self, account_id: str, dataset: str) -> SyncProgress | None:
        """F5 on a list read from the copy: refreshes the account's copy now (incrementally).

        Returns:
            How the refresh of this dataset ended (done, failed, cancelled); ``None``: no copy is kept.
        """
        ...

    def listen(self, listener: Callable[[str, SyncProgress | None], None]) -> Callable[[], None]:
        """Calls ``listener(account_id, progress)`` on every change of a copy; returns what stops it.

        ``progress`` is the dataset's sync progress (``None``: a copy opened or was forgotten).
        """
        ...


class RecordWatcher(Protocol):
    """Hears of every record the console read fresh, wrote or deleted."""

    def written(self, account_id: str, record: Record) -> None:
        """A record read fresh, created or changed (as the vendor now has it)."""
        ...

    def deleted(self, account_id: str, dataset: str, record_id: str) -> None:
        """A record deleted."""
        ...


def _normal(kind: FieldKind, value: Any) -> Any:
    if kind is FieldKind.MULTI_CHOICE:
        return sorted(str(v) for v in value or ())
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    return str(value).strip()


def changed_values(spec: DatasetSpec, record: Record, values: Mapping[str, Any]) -> dict[str, Any]:
    """Returns only the form values that differ from the record's current ones.

    Text is compared stripped, multi-choices as sets; fields the form cannot edit are left out.
    """
    current = spec.form_values(record)
    changes: dict[str, Any] = {}
    for field in spec.form_fields:
        if not field.on_edit or field.key not in values:
            continue
        if _normal(field.kind, values[field.key]) != _normal(field.kind, current.get(field.key)):
            changes[field.key] = values[field.key]
    return changes


#: Field kinds whose form value reads back the same from the vendor (used to recognise a created record).
COMPARABLE = frozenset({FieldKind.TEXT, FieldKind.EMAIL, FieldKind.PHONE, FieldKind.INTEGER, FieldKind.DECIMAL,
                        FieldKind.DATE, FieldKind.CHOICE, FieldKind.URL})


class DatasetService:
    """Dataset operations over the accounts' clients.

    Args:
        accounts: The account service.
        monotonic: Seconds on a clock that never goes back (tests).
    """

    def __init__(self, accounts: AccountService, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.accounts = accounts
        self.monotonic = monotonic
        self._choices: dict[tuple[str, str], list[Choice]] = {}
        #: What answers lists before the vendor (``None``: the vendor always).
        self.local: LocalSource | None = None
        self._watchers: list[RecordWatcher] = []
        #: When each (account, dataset, id) was last read fresh or written: the time only, never the record.
        self._fresh: dict[tuple[str, str, str], float] = {}

    def watch(self, watcher: RecordWatcher) -> Callable[[], None]:
        """Tells ``watcher`` of every record read fresh, written or deleted from now on; returns what stops it."""
        return subscribe(self._watchers, watcher)

    def _written(self, account_id: str, record: Record) -> None:
        self._stamp_fresh(account_id, record.dataset, record.id)
        for watcher in list(self._watchers):
            watcher.written(account_id, record)

    def _stamp_fresh(self, account_id: str, dataset: str, record_id: str) -> None:
        now = self.monotonic()
        fresh = self._fresh
        fresh.pop((account_id, dataset, record_id), None)
        fresh[(account_id, dataset, record_id)] = now  # newest last: the oldest go first
        while len(fresh) > FRESH_KEPT:
            del fresh[next(iter(fresh))]

    def read_fresh(self, account_id: str, dataset: str, record_id: str, within: float = FRESH_SECONDS) -> bool:
        """Whether the record was read fresh from the vendor (or written there) less than ``within`` seconds ago.

        A list that reads a record fresh when it is selected asks this first: a record just opened
        from the lookup (read fresh on the way) is not read a second time.
        """
        at = self._fresh.get((account_id, dataset, record_id))
        return at is not None and self.monotonic() - at < within

    def _result(self, account_id: str, result: WriteResult) -> WriteResult:
        self._written(account_id, result.record)
        return result

    def spec(self, account_id: str, dataset: str) -> DatasetSpec:
        """Returns a dataset's descriptor."""
        return self.accounts.spec(account_id).dataset(dataset)

    async def fetch_page(
        self, account_id: str, dataset: str, query: Query, cursor: Cursor, limit: int = UI_PAGE_SIZE
    ) -> Page[Record]:
        """Returns one page."""
        client = await self.accounts.client(account_id)
        return await client.page(dataset, query, cursor, limit)

    async def list_page(
        self, account_id: str, dataset: str, query: Query, cursor: Cursor, limit: int = UI_PAGE_SIZE
    ) -> Page[Record]:
        """One page of a list in the window: from the local copy when it can answer, else from the vendor."""
        if self.local is not None:
            page = await self.local.page(account_id, dataset, query, cursor, limit)
            if page is not None:
                return page
        return await self.fetch_page(account_id, dataset, query, cursor, limit)

    async def get(self, account_id: str, dataset: str, record_id: str) -> Record:
        """Reads one record fresh (the record watchers hear of it)."""
        client = await self.accounts.client(account_id)
        try:
            record = await client.get_record(dataset, record_id)
        except NotFound:
            self._fresh.pop((account_id, dataset, record_id), None)
            for watcher in list(self._watchers):
                watcher.deleted(account_id, dataset, record_id)
            raise
        self._written(account_id, record)
        return record

    async def create(self, account_id: str, dataset: str, values: Mapping[str, Any]) -> WriteResult:
        """Creates a record from form values."""
        client = await self.accounts.client(account_id)
        self._choices.pop((account_id, dataset), None)
        return self._result(account_id, await client.create_record(dataset, values))

    async def update(self, account_id: str, record: Record, values: Mapping[str, Any]) -> WriteResult | None:
        """Sends the fields that changed; returns ``None`` when nothing did."""
        changes = changed_values(self.spec(account_id, record.dataset), record, values)
        if not changes:
            return None
        client = await self.accounts.client(account_id)
        self._choices.pop((account_id, record.dataset), None)
        return self._result(account_id, await client.update_record(record.dataset, record, changes))

    async def delete(self, account_id: str, record: Record) -> None:
        """Deletes a record."""
        client = await self.accounts.client(account_id)
        self._choices.pop((account_id, record.dataset), None)
        await client.delete_record(record.dataset, record)
        for watcher in list(self._watchers):
            watcher.deleted(account_id, record.dataset, record.id)

    # -- after a write whose outcome is unknown (the connection broke after it was sent) ----------

    async def check_update(self, account_id: str, record: Record, values: Mapping[str, Any]) -> tuple[bool, Record]:
        """Reads the record again: were the form's changes made? Returns (made, the fresh record)."""
        spec = self.spec(account_id, record.dataset)
        fresh = await self.get(account_id, record.dataset, record.id)
        intended = changed_values(spec, record, values)
        still_different = changed_values(spec, fresh, values)
        return not any(key in still_different for key in intended), fresh

    async def check_create(self, account_id: str, dataset: str, values: Mapping[str, Any]) -> Record | None:
        """Looks for the record a create may have made among the newest ones; ``None`` when not there.

        Compared are the text, number, date and choice fields the form filled in.
        """
        spec = self.spec(account_id, dataset)
        compared = [f for f in spec.form_fields if f.on_create and f.kind in COMPARABLE
                    and _normal(f.kind, values.get(f.key))]
        if not compared:
            return None
        page = await self.fetch_page(account_id, dataset, Query(descending=spec.default_descending), None, 100)
        for record in page.items:
            current = spec.form_values(record)
            if all(_normal(f.kind, values.get(f.key)) == _normal(f.kind, current.get(f.key)) for f in compared):
                return record
        return None

    async def check_delete(self, account_id: str, record: Record) -> bool:
        """Whether the record is gone."""
        try:
            await self.get(account_id, record.dataset, record.id)
        except NotFound:
            return True
        return False

    async def slots(self, account_id: str, dataset: str, field: str, values: Mapping[str, Any],
                    day: dt.date) -> list[Slot]:
        """The vendor's free start times of one day for a SLOT field."""
        client = await self.accounts.client(account_id)
        return await client.slots(dataset, field, values, day)

    async def questions(self, account_id: str, record: Record, action: str) -> list[Question]:
        """What to ask before running an action."""
        client = await self.accounts.client(account_id)
        return await client.questions(record.dataset, record, action)

    async def run_action(self, account_id: str, record: Record, action: str, values: Mapping[str, Any],
                         answers: Mapping[str, str], *, in_form: bool = True) -> WriteResult:
        """Runs a record action (cancel, reschedule...).

        Args:
            account_id: The account.
            record: The record.
            action: The action's key.
            values: The action form's values (none for an action without a form).
            answers: Answers to the vendor's questions.
            in_form: Whether a form shows the refusal at its fields; without one, a validation
                refusal is worded without form advice.
        """
        client = await self.accounts.client(account_id)
        try:
            return self._result(account_id, await client.run_action(record.dataset, record, action, values, answers))
        except ValidationError as exc:
            if in_form:
                raise
            spec = self.spec(account_id, record.dataset)
            label = next((a.label.rstrip("…") for a in spec.actions if a.key == action), action)
            raise refused_outside_form(client.spec.display_name, label, exc) from None

    async def choices(self, account_id: str, dataset: str, *, refresh: bool = False) -> list[Choice]:
        """Returns a small dataset's records as choices (id, title), oldest first; cached until it changes."""
        key = (account_id, dataset)
        if not refresh and key in self._choices:
            return self._choices[key]
        vendor = self.accounts.spec(account_id)
        if dataset not in {d.name for d in vendor.datasets}:
            client = await self.accounts.client(account_id)
            self._choices[key] = await client.lookup(dataset)
            return self._choices[key]
        spec = self.spec(account_id, dataset)
        client = await self.accounts.client(account_id)
        result: list[Choice] = []
        async with contextlib.aclosing(pages(client, dataset, Query(descending=False), 100)) as stream:
            async for page in stream:
                result.extend(Choice(r.id, _plain_title(spec, r)) for r in page.items)
                if len(result) >= MAX_CHOICES:
                    break
        self._choices[key] = result
        return result


def _plain_title(spec: DatasetSpec, record: Record) -> str:
    for key in ("name", "title", "label"):
        value = record.fields.get(key)
        if isinstance(value, str) and value:
            return value
    return spec.title_of(record)
