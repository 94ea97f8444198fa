"""The writes of one list: create/edit forms, save, check-and-retry, record actions and deletes.

Every failure that ends in a form goes through one mapper, :func:`form_failure`: a vendor's field
errors land under their fields, whether they came from Save, from "Check and retry" or from a record
action's form; everything else goes above the form with the error table's text. The stage only
decides what the form offers next (a lost answer on Save offers "Check and retry"; a failed check
keeps offering it).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from console.core import log
from console.core.errors import (
    ConsoleError,
    NotFound,
    RateLimited,
    ValidationError,
    VendorError,
    WriteOutcomeUnknown,
)
from console.core.models import DatasetSpec, Question, Record, RecordAction
from console.core.settings import AccountConfig
from console.ui.banners import needs_credentials
from console.ui.formatting import outcome_text
from console.ui.forms import RecordForm
from console.ui.messages import confirm, show_error
from console.ui.qtasync import TaskSet, dialog_result

if TYPE_CHECKING:
    from console.services.datasets import DatasetService


class Stage(enum.Enum):
    """Which write failed, for :func:`form_failure`."""

    SAVE = "save"
    """Save of a create or edit form."""
    CHECK = "check"
    """The read after a save whose answer was lost: the outcome is still unknown."""
    ACTION = "action"
    """A record action's form (reschedule, cancel with a reason...)."""


@dataclass(frozen=True, slots=True)
class FormFailure:
    """What a form shows after a failed write.

    Attributes:
        fields: Messages under these fields.
        general: Messages above the form.
        offer_check: Whether the form offers "Check and retry" (the outcome is unknown).
        credentials: Whether entering the account's secret again may help.
    """

    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    offer_check: bool = False
    credentials: bool = False


def form_failure(error: ConsoleError, noun: str, stage: Stage) -> FormFailure:
    """Maps a failed write onto its form: the one place a vendor error becomes form messages.

    Args:
        error: The typed error.
        noun: The dataset's noun ("contact"), for the "Check and retry" sentence.
        stage: Which write failed.

    Returns:
        The messages per field and above the form, and what the form offers next.
    """
    um = error.user_message
    if stage is Stage.SAVE and isinstance(error, RateLimited):
        wait = f" Wait {error.retry_after:.0f} s, then press Save again." if error.retry_after else ""
        return FormFailure(general=[f"{um.title}: {um.text}{wait} Nothing was saved."])
    if stage is Stage.SAVE and isinstance(error, WriteOutcomeUnknown):  # never sent again blindly
        return FormFailure(general=[f"{um.title}: {um.text} Press “Check and retry”: the console reads the "
                                    f"{noun} again and sends the change only if it is not there."],
                           offer_check=True)
    still_unknown = stage is Stage.CHECK
    if isinstance(error, VendorError) and (error.fields or isinstance(error, ValidationError)):
        general = list(error.general) or ([] if error.fields else [error.message])
        return FormFailure({k: list(v) for k, v in error.fields.items()},
                           [um.text, *general] if error.fields else general, offer_check=still_unknown)
    return FormFailure(general=[f"{um.title}: {um.text} {um.next_step}".strip()], offer_check=still_unknown,
                       credentials=needs_credentials(error))


class EditorHost(Protocol):
    """What the editor asks of the list it writes for (:class:`~console.ui.dataset_view.DatasetView`)."""

    def window(self) -> QWidget:
        """The window dialogs belong to."""
        ...

    def show_written(self, record: Record, *, created: bool, add_if_missing: bool) -> None:
        """Puts a written record in the table, selects it and shows it in the detail pane."""
        ...

    def forget_record(self, record_id: str) -> None:
        """Takes a deleted record's row out (the detail pane follows the selection)."""
        ...

    def confirm_and_delete(self, record: Record) -> Coroutine[Any, Any, bool]:
        """Asks before a delete, then holds it behind "Undo"."""
        ...


class RecordEditor(QObject):
    """Forms, saves, record actions and deletes of one dataset of one account.

    Args:
        datasets: The dataset service.
        account: The account.
        vendor_name: The vendor's display name.
        spec: The dataset.
        tasks: Where background work runs (cancelled with the list).
        host: The list the records are shown in.
        parent: Qt parent.

    Attributes:
        read_only: Safe mode: every write is refused with a note (the account is read-only).
        forms: The open forms (create, edit, record actions).
        context: The list's filters now, for a new record's form to start from (none when unset).

    Signals:
        statusMessage(str): A short note for the status bar.
        credentialsNeeded(str): The account's secret is missing or refused (account id).
        openRequested(str, dict): Open another dataset's tab with these filters ("Show reservations").
    """

    statusMessage = Signal(str)
    credentialsNeeded = Signal(str)
    openRequested = Signal(str, dict)

    def __init__(self, datasets: DatasetService, account: AccountConfig, vendor_name: str, spec: DatasetSpec,
                 tasks: TaskSet, host: EditorHost, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.datasets = datasets
        self.account = account
        self.vendor_name = vendor_name
        self.spec = spec
        self.tasks = tasks
        self.host = host
        self.read_only = False
        self.forms: list[RecordForm] = []
        self.context: Callable[[], Mapping[str, str]] | None = None

    # -- what the user asked for (buttons, keys, menus) ---------------------------------------------

    def edit(self, record: Record | None) -> None:
        """Opens the edit form of ``record`` (the selected one), unless it may not be edited."""
        if self._writable(record, "edit", "editing", self.spec.can_edit):
            self.tasks.spawn(self.open_form(record))

    def ask_delete(self, record: Record | None) -> None:
        """Asks before deleting ``record`` (the selected one), unless it may not be deleted."""
        if record is not None and self._writable(record, "delete", "deleting", self.spec.can_delete):
            self.tasks.spawn(self.host.confirm_and_delete(record))

    def create(self) -> None:
        """Opens an empty form; says so when the vendor cannot create here."""
        if self.refuse_if_read_only():
            return
        if not self.spec.can_create:
            self.statusMessage.emit(f"{self.vendor_name} cannot create {self.spec.noun}s here.")
            return
        self.tasks.spawn(self.open_form(None))

    def run_on(self, record: Record | None, action: RecordAction) -> None:
        """Runs a record action on ``record`` (the selected one); one that opens another list opens it."""
        if record is None or not action.available(record):
            return
        if action.opens is not None:
            dataset, filter_key = action.opens
            self.openRequested.emit(dataset, {filter_key: record.id})
            return
        if self.refuse_if_read_only():
            return
        self.tasks.spawn(self.run_action(record, action))

    def _writable(self, record: Record | None, verb: str, doing: str, allowed: bool) -> bool:
        """Whether ``record`` may be changed so; else the status bar says why."""
        if self.refuse_if_read_only():
            return False
        if record is None:
            self.statusMessage.emit(f"Select a record to {verb}.")
        elif not (allowed and self.spec.record_editable(record)):
            reason = f" {self.spec.read_only_reason}" if self.spec.read_only_reason else ""
            self.statusMessage.emit(f"{self.vendor_name} does not allow {doing} this {self.spec.noun}.{reason}")
        else:
            return True
        return False

    def refuse_if_read_only(self) -> bool:
        """In safe mode, says why nothing changes and returns True."""
        if self.read_only:
            self.statusMessage.emit(f"“{self.account.label}” is read-only: turn safe mode off in File > Accounts "
                                    "to change its data.")
        return self.read_only

    # -- failures -----------------------------------------------------------------------------------

    def show_failure(self, form: RecordForm, error: ConsoleError, stage: Stage) -> bool:
        """Shows a failed write in its form (which stays open, input kept); returns ``False``."""
        failure = form_failure(error, self.spec.noun, stage)
        form.note_failed_save()
        form.set_busy(False, "")
        form.show_errors(failure.fields, failure.general)
        if failure.offer_check:
            form.offer_check(True)
        if failure.credentials:
            self.credentialsNeeded.emit(self.account.id)
        return False

    def _report(self, error: ConsoleError, context: str) -> None:
        """A failed write that has no form: an error box, and the login when a new secret may help."""
        show_error(self.host.window(), error, context)
        if needs_credentials(error):
            self.credentialsNeeded.emit(self.account.id)

    # -- forms --------------------------------------------------------------------------------------

    def make_form(self, record: Record | None) -> RecordForm:
        """Builds the create/edit form and starts loading its choices."""
        context = self.context() if self.context is not None and record is None else None
        form = RecordForm(self.spec, record, self.vendor_name, self.host.window(), context=context)
        self._prepare(form)
        form.saveRequested.connect(lambda: self.tasks.spawn(self.save_form(form)))
        form.checkRequested.connect(lambda: self.tasks.spawn(self.check_and_retry(form)))
        return form

    async def open_form(self, record: Record | None) -> None:
        """Opens the form and waits until it closes."""
        await self._run_form(self.make_form(record))

    async def _run_form(self, form: RecordForm) -> int:
        self.forms.append(form)
        try:
            return await dialog_result(form)
        finally:
            self.forms.remove(form)
            form.deleteLater()

    def _prepare(self, form: RecordForm) -> None:
        """Loads the form's choices and connects its slot pickers."""
        for f in form.fields:
            if f.choices_from:
                self.tasks.spawn(self._load_form_choices(form, f.key, f.choices_from))
        form.slotsWanted.connect(lambda key: self.tasks.spawn(self.load_slots(form, key)))

    async def _load_form_choices(self, form: RecordForm, key: str, dataset: str) -> None:
        try:
            choices = await self.datasets.choices(self.account.id, dataset)
        except ConsoleError as exc:
            form.show_errors({key: [f"Could not load the choices: {exc.user_message.title}"]}, [])
            return
        form.set_choices(key, choices)

    async def load_slots(self, form: RecordForm, key: str) -> None:
        """Asks the vendor for the free times of the picker's day and shows them."""
        picker = form.slot_picker(key)
        if picker is None:
            return
        # The record's values (reschedule keeps service, provider, location) under what the form says.
        values = {**(self.spec.form_values(form.record) if form.record else {}),
                  **{k: v for k, v in form.values().items() if k != key}}
        token = picker.set_loading()
        try:
            slots = await self.datasets.slots(self.account.id, self.spec.name, key, values, picker.day())
        except VendorError as exc:
            if picker.is_latest(token):
                picker.set_message(" ".join(m for ms in exc.fields.values() for m in ms) or exc.user_message.title)
            return
        except ConsoleError as exc:
            if picker.is_latest(token):
                picker.set_message(f"Could not load free times: {exc.user_message.title}")
            return
        if picker.is_latest(token):  # an older answer (another day, another provider) is dropped
            picker.set_slots(slots)

    # -- save ---------------------------------------------------------------------------------------

    async def save_form(self, form: RecordForm) -> bool:
        """Sends the form; on failure keeps it open with the messages where they belong.

        Returns:
            Whether the record was saved (the form is then accepted).
        """
        values = form.values()
        form.set_busy(True)
        form.offer_check(False)
        try:
            if form.record is None:
                result = await self.datasets.create(self.account.id, self.spec.name, values)
            else:
                maybe = await self.datasets.update(self.account.id, form.record, values)
                if maybe is None:
                    form.set_busy(False, "Nothing changed.")
                    form.accept()
                    return True
                result = maybe
        except ConsoleError as exc:
            return self.show_failure(form, exc, Stage.SAVE)
        form.set_busy(False, "")
        self._saved(form, result.record, result.warnings)
        return True

    async def check_and_retry(self, form: RecordForm) -> bool:
        """After a save whose outcome is unknown: reads the vendor's data, then sends only if it is needed.

        Returns:
            Whether the record is saved now (the form is then accepted).
        """
        values = form.values()
        form.set_busy(True, "Checking…")
        try:
            if form.record is None:
                made = await self.datasets.check_create(self.account.id, self.spec.name, values)
                done = made is not None
            else:
                done, made = await self.datasets.check_update(self.account.id, form.record, values)
        except ConsoleError as exc:
            return self.show_failure(form, exc, Stage.CHECK)
        if done and made is not None:
            log.ui.info("a %s whose answer was lost had been saved", self.spec.noun)
            form.set_busy(False, "")
            self._saved(form, made, (), checked=True)
            return True
        if form.record is not None and made is not None:
            form.record = made  # compare with what the vendor has now
        log.ui.info("a %s whose answer was lost had not been saved: sending it again", self.spec.noun)
        return await self.save_form(form)

    def _saved(self, form: RecordForm, record: Record, warnings: Sequence[str], *, checked: bool = False) -> None:
        created = form.record is None
        self.host.show_written(record, created=created, add_if_missing=False)
        verb = "Created" if created else "Saved"
        note = f"{verb} {self.spec.noun} {self.spec.title_of(record)}."
        if checked:
            note += " (The answer had been lost; reading it again showed the change was made.)"
        if warnings:
            note += " " + " ".join(warnings)
            log.ui.warning("%s with warnings: %s", verb, "; ".join(warnings))
        self.statusMessage.emit(note)
        form.accept()

    # -- record actions -----------------------------------------------------------------------------

    async def ask(self, question: Question) -> str | None:
        """Asks one confirmation in plain words; returns the chosen answer, or ``None`` to back out."""
        box = QMessageBox(QMessageBox.Icon.Question, question.title, question.text,
                          QMessageBox.StandardButton.NoButton, self.host.window())
        box.setObjectName(f"question_{question.key}")
        if question.detail:
            box.setInformativeText(question.detail)
        buttons = [(box.addButton(choice.label, QMessageBox.ButtonRole.AcceptRole), choice.value)
                   for choice in question.choices]
        back = box.addButton("Go back", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        await dialog_result(box)
        clicked = box.clickedButton()
        box.deleteLater()
        return next((value for button, value in buttons if button is clicked), None)

    async def _answers(self, record: Record, action: RecordAction) -> dict[str, str] | None:
        """Asks the vendor's questions for an action; ``None`` when the user backs out."""
        answers: dict[str, str] = {}
        for question in await self.datasets.questions(self.account.id, record, action.key):
            answer = await self.ask(question)
            if answer is None:
                return None
            answers[question.key] = answer
        return answers

    async def run_action(self, record: Record, action: RecordAction) -> bool:
        """Runs a record action: its form first if it has one, then the vendor's questions."""
        name = action.label.rstrip("…")
        if action.form_fields:
            form = RecordForm(self.spec, record, self.vendor_name, self.host.window(), fields=action.form_fields,
                              title=f"{name}: {self.spec.title_of(record)}", save_text=name)
            self._prepare(form)
            done: list[bool] = []
            form.saveRequested.connect(lambda: self.tasks.spawn(self._perform(record, action, form, done)))
            for key in form.slot_fields():
                self.tasks.spawn(self.load_slots(form, key))
            await self._run_form(form)
            return bool(done)
        try:
            answers = await self._answers(record, action)
        except ConsoleError as exc:
            show_error(self.host.window(), exc, name)
            return False
        if answers is None:
            return False
        try:
            result = await self.datasets.run_action(self.account.id, record, action.key, {}, answers, in_form=False)
        except ConsoleError as exc:
            self._report(exc, name)
            return False
        self._action_done(action, result.record, result.warnings)
        return True

    async def _perform(self, record: Record, action: RecordAction, form: RecordForm, done: list[bool]) -> None:
        """Sends an action's form; failures stay in the form with the user's input."""
        form.set_busy(True)
        try:
            answers = await self._answers(record, action)
            if answers is None:
                form.set_busy(False, "")
                return
            result = await self.datasets.run_action(self.account.id, record, action.key, form.values(), answers)
        except ConsoleError as exc:
            self.show_failure(form, exc, Stage.ACTION)
            return
        form.set_busy(False, "")
        self._action_done(action, result.record, result.warnings)
        done.append(True)
        form.accept()

    def _action_done(self, action: RecordAction, record: Record, warnings: Sequence[str]) -> None:
        self.host.show_written(record, created=False, add_if_missing=True)
        title = self.spec.title_of(record)
        note = outcome_text(action.done, record, title) or f"{action.label.rstrip('…')}: done for {title}."
        if warnings:
            note += " " + " ".join(warnings)
        self.statusMessage.emit(note)

    # -- delete -------------------------------------------------------------------------------------

    async def delete(self, record: Record) -> bool:
        """Deletes without asking (after the confirmation); returns whether the record is gone."""
        try:
            await self.datasets.delete(self.account.id, record)
        except WriteOutcomeUnknown as exc:
            return await self._delete_outcome_unknown(record, exc)
        except NotFound:
            self.host.forget_record(record.id)
            self.statusMessage.emit(f"{self.spec.noun.capitalize()} {self.spec.title_of(record)} was already gone.")
            return True
        except ConsoleError as exc:
            self._report(exc, f"Deleting {self.spec.noun}")
            return False
        self.host.forget_record(record.id)
        self.statusMessage.emit(f"Deleted {self.spec.noun} {self.spec.title_of(record)}.")
        return True

    async def _delete_outcome_unknown(self, record: Record, error: WriteOutcomeUnknown) -> bool:
        """A delete whose answer was lost: asks, then reads the record again and deletes only if it is there."""
        if not await confirm(self.host.window(), name="deleteOutcomeUnknown", title=error.user_message.title,
                             text=f"The delete of {self.spec.noun} {self.spec.title_of(record)} may or may not "
                                  "have been made.",
                             detail=f"{error.user_message.text} “Check and retry” reads the {self.spec.noun} "
                                    "again and sends the delete only if it is still there.",
                             action="Check and retry"):
            return False
        try:
            gone = await self.datasets.check_delete(self.account.id, record)
        except ConsoleError as exc:
            show_error(self.host.window(), exc, f"Checking {self.spec.noun}")
            return False
        if not gone:
            return await self.delete(record)
        self.host.forget_record(record.id)
        self.statusMessage.emit(f"Deleted {self.spec.noun} {self.spec.title_of(record)} (checked: it is gone).")
        return True
